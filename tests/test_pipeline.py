"""The sidebar of texts: flat for a small edition, grouped by year and month for an archive."""

from __future__ import annotations

import html
import json
from dataclasses import replace

from build_tools.model import Document, Meta
from build_tools.pipeline import mkdocs_config, text_nav


def doc(date: str, k: int) -> Document:
    slug = f"{date}-text-{k}"
    return Document(Meta(slug, slug, f"文本{k}", "", date, "", "", "speech", "", f"{slug}.txt"), ())


def labels(nav) -> list:
    return [(label, labels(value)) if isinstance(value, list) else label for item in nav for label, value in item.items()]


def test_a_small_edition_lists_every_text():
    docs = [doc("2010-04-14", 1), doc("2011", 2)]
    assert labels(text_nav(docs, str, limit=3)) == ["2010年4月14日 文本1", "2011年 文本2"]


def test_an_archive_is_grouped_by_year_and_a_long_year_by_month():
    docs = [doc("2010-04-01", 1), doc("2010-05-02", 2), doc("2010", 3), doc("2011-01-01", 4), doc("2011-03", 5)]
    nav = text_nav(docs, str, limit=2)
    assert labels(nav) == [("2010年", [("4月", ["2010年4月1日 文本1"]), ("5月", ["2010年5月2日 文本2"]),
                                     ("月份不详", ["2010年 文本3"])]),
                           ("2011年", ["2011年1月1日 文本4", "2011年3月 文本5"])]
    leaves = [v for y in nav for group in y.values() for item in group for v in item.values()]
    assert "texts/2011-01-01-text-4/index.md" in leaves


def test_nav_titles_and_names_reach_the_theme_as_escaped_text(edition):
    """The theme prints nav titles, site_name and variant labels raw (no Jinja autoescape)."""
    payload = "<svg onload=alert(1)>"
    docs = tuple(replace(d, meta=replace(d.meta, short_title=payload)) for d in edition.docs)
    hostile = replace(edition, docs=docs, settings={**edition.settings, "site_name": payload},
                      variants=tuple(replace(v, label=payload) for v in edition.variants))
    for variant in hostile.variants:
        config = mkdocs_config(hostile, variant)
        dumped = json.dumps(config, ensure_ascii=False)
        assert "<svg" not in dumped and "&lt;svg onload=alert" in dumped
        assert html.unescape(config["site_name"]) == payload  # attr_escape: the same text to a browser
