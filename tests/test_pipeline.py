"""The sidebar of texts: flat for a small edition, grouped by year and month for an archive."""

from __future__ import annotations

import html
import json
from dataclasses import replace

from build_tools.model import Document, Meta
from build_tools.pipeline import mkdocs_config, text_nav
from build_tools.render import catalogue_path


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


def test_a_long_month_is_split_by_ten_day_period_then_day_then_runs_so_no_group_outgrows_the_limit():
    """A real archive has hundreds of texts a month: no sidebar group may grow with it."""
    docs = [doc("2010-05-03", 1), doc("2010-05-04", 2), doc("2010-05-15", 3), doc("2010-05", 4)]
    docs += [doc("2010-05-28", k) for k in range(5, 10)]  # five texts on one day
    nav = text_nav(docs, str, limit=2)
    assert labels(nav) == [("2010年", [("5月", [
        ("上旬", ["2010年5月3日 文本1", "2010年5月4日 文本2"]),
        ("中旬", ["2010年5月15日 文本3"]),
        ("日期不详", ["2010年5月 文本4"]),
        ("下旬", [("第1—2篇", ["2010年5月28日 文本5", "2010年5月28日 文本6"]),
                  ("第3—4篇", ["2010年5月28日 文本7", "2010年5月28日 文本8"]),
                  ("第5篇", ["2010年5月28日 文本9"])])])])]

    def largest(items) -> int:
        lists = [v for item in items for v in item.values() if isinstance(v, list)]
        return max([len(items)] + [largest(v) for v in lists])

    many = [doc(f"2010-{m:02d}-{d:02d}", k) for k, (m, d) in enumerate((m, d) for m in range(1, 13) for d in range(1, 29))]
    assert largest(text_nav(many * 3, str, limit=40)) <= 40


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


def test_an_archive_s_month_groups_open_their_catalogue_pages():
    """Pruned, a month not shown links its group's first page: the month's catalogue."""
    docs = [doc("2010-04-01", 1), doc("2010-05-02", 2), doc("2010", 3), doc("2011-01-01", 4)]
    nav = text_nav(docs, str, limit=2, catalogued=True)
    assert [next(iter(m.values()))[0] for m in nav[0]["2010年"]] == [
        {"本月目录": catalogue_path("2010-04")}, {"本月目录": catalogue_path("2010-05")}, {"目录": catalogue_path("2010")}]
    assert nav[1]["2011年"] == [{"2011年1月1日 文本4": "texts/2011-01-01-text-4/index.md"}]  # no months: no catalogue
    assert "目录" not in str(text_nav(docs, str, limit=2))
