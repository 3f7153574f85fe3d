"""Stage render: golden Markdown (update with `make golden`) and escaping."""

from __future__ import annotations

import dataclasses
import difflib
import html
import re
from collections import Counter
from urllib.parse import quote

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools.model import date_order
from build_tools.convert import converter
from build_tools.pipeline import render_all
from build_tools.render import (CATALOGUE_ROWS, INTERVENTION_LABELS, GENERATED_STAMP, anchor_label, attr_escape,
                                 catalogue_pages, catalogue_path, display_date, front_matter, md_escape, month_catalogue,
                                 month_label, render_editorial, render_home, render_text_page, split_front_matter,
                                 text_page_path, url_escape)
from build_tools.render_glossary import render_entry, render_timeline

GOLDEN = ["2010-07-23-central-office-notice", "2010-xinhua-qa"]


@pytest.fixture(scope="module")
def rendered(edition):
    return {code: {p.path: p.content for p in pages} for code, pages in render_all(edition).items()}


@pytest.mark.parametrize("slug", GOLDEN)
@pytest.mark.parametrize("variant_index", [0, 1], ids=["zh-Hans", "zh-Hant"])
def test_generated_markdown_matches_golden(edition, rendered, request, slug, variant_index):
    variant = edition.variants[variant_index]
    pages = rendered[variant.code]
    actual = pages[text_page_path(slug)]
    golden = request.config.rootpath / "tests" / "golden" / f"{slug}.{variant.code}.md"
    if request.config.getoption("--update-golden"):
        golden.write_text(actual, encoding="utf-8")
        pytest.skip(f"golden file written: {golden.name}")
    assert golden.exists(), f"{golden} missing: run make golden and review it"
    expected = golden.read_text(encoding="utf-8")
    diff = "\n".join(difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden", "actual", lineterm=""))
    assert actual == expected, f"generated Markdown changed (run make golden if intended):\n{diff}"


def test_every_paragraph_line_carries_its_anchor(edition, rendered):
    """Each paragraph and heading has its own `{: #id ...}` line, once, in reading order."""
    pages = rendered["zh-Hans"]
    for doc in edition.docs:
        ids = [block.id for block in doc.blocks if block.id]
        anchors = re.findall(r"\{: #([^\s}]+)", pages[text_page_path(doc.meta.slug)])
        assert ids and [a for a in anchors if a in set(ids)] == ids


def test_labels_are_converted_in_the_traditional_variant(edition, rendered):
    hant = edition.variants[1]
    pages = rendered[hant.code]
    t = converter(hant)
    page = pages[text_page_path("2010-04-14-liu-qi-beijing")]
    assert t("文献信息") in page and "文献信息" not in page


PLAIN = st.text(alphabet=st.sampled_from(list("创先争优*_[]{}<>#`|~\\&;()!.-+12 abc，。“”")), min_size=1, max_size=40)


@given(PLAIN)
def test_escaped_text_renders_as_the_same_text(text):
    """Whatever a raw text contains, the reader sees it literally (no accidental markup)."""
    text = text.strip() or "创"
    html = markdown.markdown("x" + md_escape(text), extensions=["attr_list", "tables"])
    from bs4 import BeautifulSoup

    assert BeautifulSoup(html, "html.parser").get_text() == "x" + text


LINE_STARTS = st.sampled_from(["", "1. ", "2010. ", "3) ", "+ ", "- ", "    ", "\t", "> ", "# "])


@given(LINE_STARTS, PLAIN)
def test_escaped_text_starting_a_line_stays_a_paragraph(start, text):
    """A value from data that starts a line (a note's author, a gloss): never a list, a code block,
    a quotation or a heading; only indentation, which carries nothing, is dropped."""
    from bs4 import BeautifulSoup

    text = text.strip() or "创"
    tree = BeautifulSoup(markdown.markdown("段落\n\n" + md_escape(start + text), extensions=EXTENSIONS), "html.parser")
    assert [el.name for el in tree.find_all(True)] == ["p", "p"]
    assert tree.find_all("p")[1].get_text() == (start + text).strip()


EXTENSIONS = ["attr_list", "md_in_html", "admonition", "pymdownx.details", "tables", "toc"]  # as mkdocs.yml


@settings(deadline=None)  # the first call loads the Markdown extensions
@given(PLAIN)
def test_an_escaped_attribute_keeps_its_value_and_adds_no_markup(text):
    """In an attr_list and in raw HTML alike, the attribute holds the data and nothing else."""
    from bs4 import BeautifulSoup

    value = attr_escape(text)
    html = markdown.markdown(f'# 标题 {{: #top data-x="{value}" }}\n\n'
                             f'段<span class="corr" data-x="{value}">字</span>落', extensions=EXTENSIONS)
    tree = BeautifulSoup(html, "html.parser")
    assert [el["data-x"] for el in tree.select("[data-x]")] == [text, text]
    assert tree.get_text() == "标题\n段字落"  # no element, text or attribute list leaked out


def test_markdown_in_a_speaker_stays_text_in_the_title(edition):
    """Issue 16 #8: a speaker with link syntax went through the attr list into the h1 as a link."""
    from bs4 import BeautifulSoup

    doc = edition.docs[0]
    hostile = "刘[点此](javascript:alert(1))淇 *x* `y` {: onclick=1}"
    doc = dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, speaker=hostile, title=hostile))
    tree = BeautifulSoup(markdown.markdown(render_text_page(doc, str).split("---", 2)[2], extensions=EXTENSIONS),
                         "html.parser")
    title = tree.select_one("h1.doc-title")
    assert title["data-speaker"] == hostile and title["data-title"] == hostile
    assert not tree.select("[onclick], a[href^=javascript], em, code")


def test_a_url_from_data_is_http_or_relative_and_ends_nowhere_early():
    assert url_escape("https://example.org/edit/main/a b(c).yml") == "https://example.org/edit/main/a%20b%28c%29.yml"
    assert url_escape("javascript:alert(1)").startswith("./javascript:")
    assert url_escape("JaVaScRiPt:x") .startswith("./")
    assert url_escape("../../glossary/wu-ge-hao.md#p3") == "../../glossary/wu-ge-hao.md#p3"


def test_text_pages_put_no_data_in_a_title(rendered):
    """mkdocs-material's tooltips render `title` as HTML: glosses, corrections and paragraph
    numbers carry their text in data attributes and accessible names instead."""
    for pages in rendered.values():
        for path, page in pages.items():
            if path.startswith("texts/"):
                assert not re.search(r"\stitle=", page.split("---", 2)[2]), path
                assert not re.search(r'\]\([^)\s]+ "', page), path  # a Markdown link title


def test_every_note_has_exactly_one_marker(edition, rendered):
    for variant in edition.variants:
        pages = rendered[variant.code]
        for doc in edition.docs:
            page = pages[text_page_path(doc.meta.slug)]
            for note in edition.notes[doc.meta.slug]:
                assert page.count(f'id="ref-{note.id}"') == 1, note.id


def test_an_entry_page_beyond_its_context_limit_lists_paragraph_numbers(edition):
    entry = max(edition.glossary.entries, key=lambda e: len(edition.occurrences[e.id]))
    hits = edition.occurrences[entry.id]
    docs = {d.meta.slug: d for d in edition.docs}
    page = render_entry(entry, hits, edition.glossary, docs, str, in_context=10)
    listing = page.split("{: #occurrences }")[1].splitlines()
    in_context = [line for line in listing if line.startswith("- [")]
    compact = [line for line in listing if line.startswith("[")]
    assert len(in_context) >= 10 and compact
    assert "后面各篇只列段号" in page
    numbered = sum(int(n or 1) for line in compact for n in re.findall(r"\)(?:（(\d+)）)?(?: · |$)", line))
    assert len(in_context) + numbered == len(hits)  # every occurrence still listed
    assert "只列段号" not in render_entry(entry, hits, edition.glossary, docs, str, in_context=len(hits))


def test_an_entry_page_of_an_archive_lists_a_bounded_number_of_texts_and_counts_the_rest_by_year(edition):
    entry = max(edition.glossary.entries, key=lambda e: len({h.slug for h in edition.occurrences[e.id]}))
    hits = edition.occurrences[entry.id]
    texts = sorted({h.slug for h in hits})
    assert len(texts) >= 3, "the real corpus has a term in several texts"
    docs = {d.meta.slug: d for d in edition.docs}
    page = render_entry(entry, hits, edition.glossary, docs, str, in_context=10, listed_texts=2)
    listing = page.split("{: #occurrences }")[1]
    assert [s for s in texts if f"#in-{s}" in listing] == texts[:2]  # the first two texts, no more
    assert f"另{len(texts) - 2}篇从略" in listing
    years = Counter(docs[s].meta.date[:4] for s in texts)
    rows = {y: (int(n), int(c), link) for y, link, n, c in
            re.findall(r"^\| \[(\d{4})\]\(([^)]+)\) \| (\d+) \| (\d+) \|$", listing, re.M)}
    assert {y: n for y, (n, _, _) in rows.items()} == dict(years)
    assert sum(c for _, c, _ in rows.values()) == len(hits)  # every occurrence counted
    assert all(link == f"../search.md?q={quote(entry.term)}&year={y}" for y, (_, _, link) in rows.items())  # findable
    assert all(f"](../search.md?q={quote(form)})" in listing for form in entry.forms)  # by each of its forms


# Front matter: first in the file (MkDocs reads it nowhere else) and escaped, because the theme
# prints title and description raw into <title>, the header and <meta> (no Jinja autoescape).
MARKUP = '<svg onload=alert(1)> "quoted" {: .x } & ]('


def test_front_matter_is_escaped_for_html_and_reads_back_as_yaml():
    text = front_matter(MARKUP, "a\nmultiline " + MARKUP)
    fields = yaml.safe_load(text.strip("-\n"))
    assert text.startswith("---\n") and text.endswith("\n---")
    assert "<" not in text and "<" not in "".join(fields.values())
    assert html.unescape(fields["title"]) == MARKUP
    assert html.unescape(fields["description"]) == "a multiline " + MARKUP


def test_hand_written_pages_keep_front_matter_first_with_the_stamp_after(edition):
    intro = "---\ntitle: 首页\ndescription: '说明 <b>'\n---\n\n# 标题\n\n正文\n"
    for page in (render_home(list(edition.docs), intro, str), render_editorial(list(edition.docs), intro, str)):
        fields, body = split_front_matter(page)
        assert {k: html.unescape(v) for k, v in fields.items()} == {"title": "首页", "description": "说明 <b>"}
        assert "<" not in fields["description"]
        assert body.startswith(GENERATED_STAMP) and "title:" not in body and "# 标题" in body


def test_every_generated_page_starts_with_its_front_matter(rendered):
    for pages in rendered.values():
        for path, content in pages.items():
            if path.endswith(".md"):
                fields, _ = split_front_matter(content)
                assert fields.get("title") and content.startswith("---\n"), path


def test_a_text_page_describes_itself(edition, rendered):
    doc = edition.docs[0]
    fields, _ = split_front_matter(rendered["zh-Hans"][text_page_path(doc.meta.slug)])
    assert doc.meta.title in fields["description"] and display_date(doc.meta.date) in fields["description"]


def archive(edition, n: int) -> list:
    """n texts made of the real ones under new slugs, dated two days apart from 2010-04-01 (and,
    like two of the real texts, a few dated by year only)."""
    docs = []
    for k in range(n):
        doc = edition.docs[k % len(edition.docs)]
        day = 91 + 2 * k  # day of 2010 onwards
        date = "2010" if k % 97 == 0 else f"{2010 + day // 360}-{day % 360 // 30 + 1:02d}-{day % 30 + 1:02d}"
        meta = dataclasses.replace(doc.meta, slug=f"{date[:4]}-archive-{k:05d}", date=date)
        docs.append(dataclasses.replace(doc, meta=meta))
    return sorted(docs, key=lambda d: d.meta.date)


def test_a_text_page_ends_with_its_editorial_record(edition, rendered):
    for doc in edition.docs:
        page = rendered["zh-Hans"][text_page_path(doc.meta.slug)]
        record = page.split("{: #editorial }")[1]
        rows = [line for line in record.splitlines() if line.startswith("| ") and not line.startswith("| 处理")]
        assert len(rows) == len(doc.interventions)
        for item, row in zip(doc.interventions, rows):
            assert md_escape(item.reason) in row
            assert not item.anchor or f"[{anchor_label(item.anchor, str)}](#{item.anchor})" in row
        n = sum(i.kind != 'whitespace' for i in doc.interventions)
        assert f"共有{n}处编辑处理" in record if n else "共有0处" not in record
    breaks = [i for d in edition.docs for i in d.interventions if i.kind == "break"]
    assert breaks and all(i.anchor for i in breaks)  # a break names the paragraph it begins


@pytest.mark.parametrize("kinds, says", [
    ((), "本文整理未作编辑处理；"),
    (("whitespace",), "本文整理只规范了原文的空白，未作其他编辑处理；"),
    (("debris", "whitespace"), "本文整理共有1处编辑处理，另规范了原文的空白；"),
])
def test_the_editorial_record_says_what_was_done_without_a_zero_count(edition, kinds, says):
    from dataclasses import replace

    from build_tools.model import Intervention

    doc = replace(edition.docs[0], interventions=tuple(Intervention(k, "某", "理由") for k in kinds))
    assert says in render_text_page(doc, str)


def test_the_editorial_page_counts_interventions_and_keeps_its_size_whatever_the_archive(edition):
    intro = "---\ntitle: 编辑说明\n---\n\n# 编辑说明\n"
    docs = list(edition.docs)
    page = render_editorial(docs, intro, str)
    rows = dict(re.findall(r"^\| (\S+) \| (\d+) \| \d+ \|$", page, re.M))
    assert {label: int(n) for label, n in rows.items()} == {
        label: n for label, n in Counter(
            INTERVENTION_LABELS[i.kind] for d in docs for i in d.interventions if i.kind != "whitespace").items()}
    assert not any(d.meta.slug in page for d in docs)
    big = render_editorial(archive(edition, 1000), intro, str)
    assert len(big) - len(page) < 40  # only the totals' digits grow


def test_an_archive_catalogue_is_a_page_per_month_listing_every_text_once(edition):
    intro = "---\ntitle: 首页\n---\n\n# 首页\n"
    small = render_home(list(edition.docs), intro, str)
    assert all(text_page_path(d.meta.slug) in small for d in edition.docs) and not catalogue_pages(list(edition.docs), str)
    docs = archive(edition, CATALOGUE_ROWS * 3)
    home = render_home(docs, intro, str)
    assert "texts/" not in home.split("{: #texts }")[1]  # months, not texts
    pages = dict(catalogue_pages(docs, str))
    assert all(f"]({path})" in home for path in pages)
    listed = Counter(slug for text in pages.values() for slug in re.findall(r"\(\.\./texts/([^/]+)/index\.md\)", text))
    assert listed == Counter(d.meta.slug for d in docs)
    assert max(len(text) for text in pages.values()) < 20 * len(home)
    timeline = render_timeline(edition.glossary, docs + list(edition.docs), str, edition.references)
    assert not any(d.meta.slug in timeline for d in docs)  # the events' sources still link to their texts
    assert all(f"]({path})" in timeline for path in pages)


def test_an_archive_s_text_links_its_month_and_each_month_its_neighbours(edition):
    docs = archive(edition, CATALOGUE_ROWS * 3)
    pages = dict(catalogue_pages(docs, str))
    months = [path.removeprefix("catalogue/").removesuffix(".md") for path in pages]
    assert len(months) > 2
    for before, month, after in zip([None, *months], months, [*months[1:], None]):
        page = pages[catalogue_path(month)]
        assert ("上一月" in page) == bool(before) and ("下一月" in page) == bool(after)
        assert not before or f"[上一月：{month_label(before, str)}]({before}.md){{: .month }}" in page
        assert not after or f"[下一月：{month_label(after, str)}]({after}.md){{: .month }}" in page
    doc = docs[len(docs) // 2]
    month = month_catalogue(doc, len(docs))
    assert month in pages and f"texts/{doc.meta.slug}/" in pages[month]
    assert f"[同月文献](../../{month}#{doc.meta.slug})" in render_text_page(doc, str, month_page=month)
    assert month_catalogue(doc, CATALOGUE_ROWS) == "" and "同月文献" not in render_text_page(doc, str)


def test_the_timeline_puts_a_year_s_undated_rows_at_its_end(edition):
    """As a chronicle's 是年: a text known only to its year does not stand before the events of
    that year's spring."""
    timeline = render_timeline(edition.glossary, list(edition.docs), str, edition.references)
    shown = [re.sub(r"<[^>]+>", "", row.split("|")[1]).strip() for row in timeline.splitlines() if row.startswith("| <")]
    as_dates = ["-".join(f"{int(n):02d}" for n in re.findall(r"\d+", cell)) for cell in shown]
    assert as_dates == sorted(as_dates, key=date_order) and len(set(map(len, as_dates))) > 1
