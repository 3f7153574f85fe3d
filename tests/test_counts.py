"""Counts stated on hand-written pages come from the data, never from the page."""

from __future__ import annotations

import pytest

from build_tools.counts import chinese_number, edition_facts, fill
from build_tools.errors import EditionError
from build_tools.pipeline import render_all


@pytest.mark.parametrize("n, written", [(1, "一"), (5, "五"), (10, "十"), (16, "十六"), (20, "二十"),
                                        (103, "一百零三"), (110, "一百一十"), (1005, "一千零五")])
def test_chinese_numbers_as_written_in_running_text(n, written):
    assert chinese_number(n) == written


def test_home_and_about_state_the_number_of_texts_in_the_data(edition):
    pages = {p.path: p.content for p in render_all(edition)["zh-Hans"]}
    count = chinese_number(len(edition.docs))
    assert f"{count}篇文献的整理本" in pages["index.md"]
    about = pages["about.md"]
    assert f"{count}篇文献：" in about and all(d.meta.short_title in about for d in edition.docs)
    assert not any("{{" in content for path, content in pages.items() if path.endswith(".md"))


def test_facts_follow_a_new_text(edition):
    import dataclasses

    extra = dataclasses.replace(edition.docs[0], meta=dataclasses.replace(edition.docs[0].meta, kind="notice"))
    facts = edition_facts([*edition.docs, extra], edition.notes, 1)
    assert facts["text_count"] == chinese_number(len(edition.docs) + 1)
    assert "份通知" in facts["text_kinds"]


def test_an_unknown_placeholder_names_its_line(tmp_path):
    page = tmp_path / "about.md"
    with pytest.raises(EditionError) as err:
        fill(page, "# 关于\n\n共{{ text_cuont }}篇。\n", {"text_count": "五"})
    assert err.value.message.startswith(f"{page}:3: ") and "{{ text_count }}" in err.value.message


def summary(project) -> str:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "build_tools", "--root", str(project), "summary"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_pull_request_summary_counts_the_edition_and_sizes_the_built_site(site, edition):
    from build_tools.site import hosting_summary

    text = summary(site.parent)
    assert f"| texts 文献 | {len(edition.docs)} |" in text
    assert f"| published site 网站 | {hosting_summary(site).strip()} |" in text


def test_the_summary_leaves_out_a_site_not_built(project):
    text = summary(project)
    assert "texts 文献" in text and "published site" not in text
