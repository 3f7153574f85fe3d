"""Counts stated on hand-written pages come from the data, never from the page."""

from __future__ import annotations

from collections import Counter

import pytest

from build_tools.counts import chinese_number, edition_facts, fill
from build_tools.errors import EditionError
from build_tools.pipeline import render_all


@pytest.mark.parametrize("n, written", [(1, "一"), (5, "五"), (10, "十"), (16, "十六"), (20, "二十"),
                                        (103, "一百零三"), (110, "一百一十"), (1005, "一千零五"),
                                        (10_000, "一万"), (10_048, "一万零四十八"), (10_015, "一万零一十五"),
                                        (12_345, "一万二千三百四十五"), (110_000, "十一万"), (1_001_000, "一百万一千")])
def test_chinese_numbers_as_written_in_running_text(n, written):
    assert chinese_number(n) == written


def test_home_and_about_state_the_number_of_texts_in_the_data(edition):
    pages = {p.path: p.content for p in render_all(edition)["zh-Hans"]}
    count = chinese_number(len(edition.docs))
    years = sorted({d.meta.date[:4] for d in edition.docs})
    assert f"本站是{years[0]}—{years[-1]}年“创先争优”活动{count}篇文献的整理本" in pages["index.md"]
    about = pages["about.md"]
    assert f"{count}篇文献：" in about and all(d.meta.short_title in about for d in edition.docs)
    assert not any("{{" in content for path, content in pages.items() if path.endswith(".md"))


def test_an_archive_states_its_texts_per_year_not_every_title(edition):
    """Past one catalogue table, the about page would list thousands of titles in one sentence."""
    import dataclasses

    from build_tools.render import CATALOGUE_ROWS

    docs = [dataclasses.replace(edition.docs[0], meta=dataclasses.replace(
        edition.docs[0].meta, slug=f"t{i}", date=f"{2010 + i % 3}-05-01")) for i in range(CATALOGUE_ROWS + 1)]
    facts = edition_facts(docs, {}, 0)
    per_year = Counter(d.meta.date[:4] for d in docs)
    assert facts["text_list"] == (f"2010年{chinese_number(per_year['2010'])}篇、2011年{chinese_number(per_year['2011'])}"
                                  f"篇和2012年{chinese_number(per_year['2012'])}篇（逐篇见[文献目录](index.md#texts)）")
    assert facts["years"] == "2010—2012"
    assert edition_facts(docs[:CATALOGUE_ROWS], {}, 0)["text_list"].count("（") == CATALOGUE_ROWS


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
    from build_tools.hosting import hosting_summary

    text = summary(site.parent)
    assert f"| texts 文献 | {len(edition.docs)} |" in text
    assert f"| published site 网站 | {hosting_summary(site).strip()} |" in text


def test_the_summary_leaves_out_a_site_not_built(project):
    text = summary(project)
    assert "texts 文献" in text and "published site" not in text
