"""Stage enrich (parallels): real cases found by reading the corpus, synthetic near-copies with
known edits, and pairs that must not match."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_tools.model import Block, Document, Meta
from build_tools.parallels import Settings, _fingerprints, _window_minima, attach, by_text, detect
from build_tools.render import display_date
from build_tools.render_parallels import (CLOSING, PARALLELS_LISTED, PHRASE_END, REACH, marked_diff, parallels_pages,
                                         parallels_section, render_parallels_page, snippet)
from tests.sitecheck import soup
from tests.test_render import archive

HC, QA, LIU = "2010-hecheng-district-mobilisation", "2010-xinhua-qa", "2010-04-14-liu-qi-beijing"


def pairs(edition):
    return {((p.a.slug, p.a.paragraph), (p.b.slug, p.b.paragraph)) for p in edition.parallels} | \
           {((p.b.slug, p.b.paragraph), (p.a.slug, p.a.paragraph)) for p in edition.parallels}


def wording(edition, par, side):
    place = getattr(par, side)
    doc = next(d for d in edition.docs if d.meta.slug == place.slug)
    return doc.block(place.paragraph).text[place.start:place.end]


@pytest.mark.parametrize("name,a,b", [
    ("district speech reproduces the interview on involving the masses", (HC, "p13"), (QA, "p14")),
    ("district speech copies the interview's list of media", (HC, "p16"), (QA, "p13")),
    ("district speech copies the interview on activity carriers (two passages in crossed order)",
     (HC, "p11"), (QA, "p12")),
    ("district speech and Liu Qi: leadership and responsibility formula", (HC, "p15"), (LIU, "p33")),
    ("interview and Liu Qi: strengthening grassroots organisations", (QA, "p5"), (LIU, "p27")),
])
def test_real_parallels_found_by_reading(edition, name, a, b):
    assert (a, b) in pairs(edition), name


def test_crossed_passages_are_both_found(edition):
    found = [p for p in edition.parallels if {(p.a.slug, p.a.paragraph), (p.b.slug, p.b.paragraph)} ==
             {(HC, "p11"), (QA, "p12")}]
    texts = [wording(edition, p, "a") for p in found]
    assert any("有利于党组织开展活动" in t for t in texts) and any("精心设计活动载体" in t for t in texts)


def test_masses_passage_with_edits_has_measured_similarity(edition):
    par = next(p for p in edition.parallels if {(p.a.slug, p.a.paragraph), (p.b.slug, p.b.paragraph)} ==
               {(HC, "p13"), (QA, "p14")} and "活动方案" in wording(edition, p, "a"))
    assert 0.85 <= par.similarity < 1.0  # 要 dropped, 党组织和党员 added


def test_only_pairs_across_texts(edition):
    assert all(p.a.slug != p.b.slug for p in edition.parallels)
    assert all(p.a.start < p.a.end and p.b.start < p.b.end for p in edition.parallels)


def doc(slug, *paragraphs):
    meta = Meta(slug, slug, slug, "", "2010", "", "", "speech", "", f"{slug}.txt")
    return Document(meta, tuple(Block("paragraph", t, f"p{i}") for i, t in enumerate(paragraphs, start=1)))


BASE = "各级党组织要坚持从实际出发，根据基层单位的实际情况和党员的岗位特点，遵循分类指导原则，分类提出开展活动的具体要求，因地制宜开展活动。"


@pytest.mark.parametrize("edit,expected_passages", [
    (lambda s: s, 1),                                                   # exact copy
    (lambda s: s.replace("坚持从实际出发", "坚持从本地实际出发"), 1),      # 2 characters inserted
    (lambda s: s.replace("实际情况和", "情况和"), 1),                     # 2 characters dropped
    (lambda s: s.replace("遵循分类指导原则", "坚持分类指导原则"), 1),      # 2 characters changed
    (lambda s: s.replace("遵循分类指导原则", "遵循上级党委和有关部门关于分类指导原则"), 2),  # 11 inserted: two passages
])
def test_synthetic_near_copies(edit, expected_passages):
    copy = "前面不同的一句话。" + edit(BASE) + "后面也不一样。"
    found = detect([doc("2010-a", BASE), doc("2010-b", copy)])
    assert len(found) == expected_passages
    assert all(p.similarity >= 0.85 for p in found)


@pytest.mark.parametrize("shared", ["又好又快发展", "两手抓、两不误、两促进", "关键在领导，责任在班子"])
def test_short_stock_phrases_do_not_match(shared):
    a = f"全区上下要统一思想，{shared}，把各项工作做实做细。"
    b = f"我们一定要再接再厉，{shared}，开创工作新局面。"
    assert detect([doc("2010-a", a), doc("2010-b", b)]) == []


def test_a_glossary_formula_alone_is_not_a_parallel():
    formula = "推动科学发展、促进社会和谐、服务人民群众、加强基层组织"
    a, b = f"要牢牢把握{formula}的要求。", f"大家都要落实{formula}这一条。"
    assert len(detect([doc("2010-a", a), doc("2010-b", b)])) == 1
    assert detect([doc("2010-a", a), doc("2010-b", b)], formulae=(formula,)) == []


def test_a_formula_with_a_few_words_around_it_is_not_a_parallel_but_a_clause_is():
    meeting = "全党深入学习实践科学发展观活动总结大会"  # a meeting's name (a glossary entry)
    named = [f"中央对此高度重视。在{meeting}上，大家都表了态。", f"去年开了很多会。在{meeting}上，我们都听了报告。"]
    assert len(detect([doc("2010-a", named[0]), doc("2010-b", named[1])])) == 1
    assert detect([doc("2010-a", named[0]), doc("2010-b", named[1])], formulae=(meeting,)) == []
    recounted = [f"4月6日，中央召开了{meeting}，部署工作。", f"据悉，4月6日，中央召开了{meeting}。"]
    assert len(detect([doc("2010-a", recounted[0]), doc("2010-b", recounted[1])], formulae=(meeting,))) == 1


def test_repeats_within_one_text_are_not_parallels():
    assert detect([doc("2010-a", BASE, BASE)]) == []


def test_min_length_is_configuration():
    a, b = "大家要关键在领导，责任在班子，抓好落实。", "我们说关键在领导，责任在班子，抓好落实就行。"
    assert detect([doc("2010-a", a), doc("2010-b", b)]) == []
    assert len(detect([doc("2010-a", a), doc("2010-b", b)], settings=Settings(min_length=12))) == 1


def test_parallels_json_and_page(site, edition):
    data = json.loads((site / "parallels.json").read_text(encoding="utf-8"))
    assert len(data["pairs"]) == len(edition.parallels)
    for pair, par in zip(data["pairs"], edition.parallels):
        assert pair["a"]["wording"] == wording(edition, par, "a") and pair["similarity"] == par.similarity
    page = (site / "parallels.html").read_text(encoding="utf-8")
    assert page.count('class="diff"') > 0
    for variant in ("", "zh-Hant/"):
        pages = [soup(site / f"{variant}texts/{d.meta.slug}/index.html") for d in edition.docs]
        shown = [ref for page in pages for m in page.select("a.parallel-ref") for ref in m["aria-controls"].split()]
        assert sorted(shown) == sorted(p.id for p in edition.parallels for _ in "ab")  # one marker may list several


@given(st.lists(st.integers(min_value=0, max_value=2**32 - 1), min_size=1, max_size=60),
       st.integers(min_value=1, max_value=9))
def test_window_minima_equal_the_naive_minimum_of_each_window(values, width):
    expected = [min(values[i:i + width]) for i in range(len(values) - width + 1)]
    assert list(_window_minima(values, width)) == expected


@given(st.text(alphabet="创先争优活动推动科学发展促进社会和谐服务人民群众", min_size=13, max_size=40),
       st.text(alphabet="的一是在了和有", max_size=15), st.text(alphabet="的一是在了和有", max_size=15))
def test_a_run_of_window_plus_shingle_characters_always_shares_a_fingerprint(shared, left, right):
    # the winnowing guarantee that the candidate stage rests on (run >= window + shingle - 1)
    s = Settings()
    assert _fingerprints(left + shared, s) & _fingerprints(shared + right, s)


def test_a_passage_reprinted_everywhere_is_a_formula_not_a_parallel():
    # k copies make k(k-1)/2 pairs: past max_postings the passage is boilerplate (and the work bounded)
    few = [doc(f"2010-{k:02d}", BASE) for k in range(3)]
    many = [doc(f"2010-{k:02d}", BASE) for k in range(Settings().max_postings + 1)]
    assert len(detect(few)) == 3
    assert all(p.similarity == 1.0 for p in detect(few))
    assert detect(many) == []


def test_parallel_ids_come_from_the_passages_and_survive_a_new_text(edition):
    """Adding a text (here: one more copy of a paragraph) never renumbers existing anchors."""
    import dataclasses

    before = {p.id: (p.a, p.b) for p in edition.parallels}
    assert len(before) == len(edition.parallels) and all(re.fullmatch(r"par-[0-9a-f]{8}(-\d+)?", i) for i in before)
    first = edition.docs[0]
    echo = Document(dataclasses.replace(first.meta, slug="2009-echo", date="2009"),
                    (Block("paragraph", first.paragraphs[1].text, "p1"),))
    after = {p.id: (p.a, p.b) for p in detect([echo, *edition.docs],
                                               tuple(f for e in edition.glossary.entries for f in e.forms))}
    assert len(after) > len(before)
    assert all(after.get(i) == places for i, places in before.items())


def test_a_difference_in_punctuation_alone_is_not_marked():
    assert "diff" not in "".join(marked_diff("直接面对群众，直接服务群众", "直接面对群众、直接服务群众"))
    a, b = marked_diff("评选先进请群众参与", "评选先进要请群众参与")
    assert 'class="diff"' in b and a == "评选先进请群众参与"


def test_snippets_show_whole_phrases_with_an_ellipsis_where_the_paragraph_goes_on(edition):
    docs = {d.meta.slug: d for d in edition.docs}
    for par in edition.parallels:
        for place in (par.a, par.b):
            text = docs[place.slug].block(place.paragraph).text
            before, core, after = snippet(place, docs)
            assert core == text[place.start:place.end]
            start = place.start - len(before.lstrip("…"))
            end = place.end + len(after.rstrip("…"))
            assert before.startswith("…") == (start > 0) and after.endswith("…") == (end < len(text))
            assert start == 0 or text[start - 1] in PHRASE_END or place.start - start >= REACH - 1
            assert end == len(text) or text[end] in PHRASE_END or text[end - 1] in CLOSING or end - place.end >= REACH


def test_the_same_wording_shows_no_highlight(site):
    rows = soup(site / "parallels.html").select("article table tr")
    identical = [row for row in rows if row.select("td") and row.select("td")[-1].get_text().strip() == "100%"]
    assert identical and not any(row.select(".diff") for row in identical)


def test_only_the_compared_wording_stands_out_the_context_is_muted(site, edition):
    """The similarity is of the compared wording; the words that complete its phrases are set
    apart (muted), or a 100% pair read as two different sentences (浓厚氛围 / 良好氛围)."""
    docs = {d.meta.slug: d for d in edition.docs}
    rows = [row for row in soup(site / "parallels.html").select("article table tr") if row.select("td")]
    order = {slug: i for i, slug in enumerate(docs)}  # the page's order: pairs of texts in date order
    listed = sorted(edition.parallels, key=lambda par: (order[par.a.slug], order[par.b.slug]))
    assert len(rows) == len(listed)
    for row, par in zip(rows, listed):
        for cell, place in zip(row.select("td")[:2], (par.a, par.b)):
            before, core, after = snippet(place, docs)
            muted = [span.get_text() for span in cell.select(".parallel-context")]
            assert muted == [words for words in (before, after) if words]
            assert not any(span.select(".diff") for span in cell.select(".parallel-context"))
            for span in cell.select(".parallel-context, a"):
                span.extract()
            assert cell.get_text().strip() == core


def archive_parallels(edition, n: int):
    """`archive(edition, n)`'s texts, with the real parallels between each run of copies of the
    five texts: about n / 5 times as many parallels, over the archive's months."""
    docs = archive(edition, n)
    copies: dict[str, list[str]] = {}
    for k in range(n):  # archive() copies edition.docs[k % 5] as the k-th text
        copies.setdefault(edition.docs[k % len(edition.docs)].meta.slug, []).append(f"-archive-{k:05d}")
    slugs = {d.meta.slug[4:]: d.meta.slug for d in docs}
    pars = []
    for run in range(n // len(edition.docs)):
        for par in edition.parallels:
            a, b = (dataclasses.replace(p, slug=slugs[copies[p.slug][run]]) for p in (par.a, par.b))
            pars.append(dataclasses.replace(par, id=f"{par.id}-{run}", a=a, b=b))
    return docs, pars


def test_an_archive_s_parallels_are_a_page_per_month_listing_each_once(edition):
    by_slug = {d.meta.slug: d for d in edition.docs}
    small = render_parallels_page(list(edition.parallels), by_slug, str)
    rows = re.compile(r"^\| \[¶.*$", re.M)
    assert not parallels_pages(list(edition.parallels), by_slug, str) and len(rows.findall(small)) == len(edition.parallels)
    docs, pars = archive_parallels(edition, 5 * (PARALLELS_LISTED // len(edition.parallels) + 20))
    by_slug = {d.meta.slug: d for d in docs}
    page = render_parallels_page(pars, by_slug, str)
    pages = dict(parallels_pages(pars, by_slug, str))
    assert len(pars) > PARALLELS_LISTED and len(pages) > 1 and not rows.findall(page)
    assert all(f"]({path})" in page and "](../texts/" in text for path, text in pages.items())
    listed = Counter(row for text in pages.values() for row in rows.findall(text))
    assert sum(listed.values()) == len(pars) and max(listed.values()) == 1
    assert len(page) < 4 * len(small.split("## ")[0])  # the months, not the parallels


def test_each_text_gets_its_own_parallels_and_only_those(edition):
    mine = by_text(edition.parallels)
    by_slug = {d.meta.slug: d for d in edition.docs}
    for doc in edition.docs:
        own = mine.get(doc.meta.slug, ())
        assert set(own) == {p for p in edition.parallels if doc.meta.slug in (p.a.slug, p.b.slug)}
        assert attach(doc, own) == attach(doc, edition.parallels) == doc
        assert parallels_section(doc, own, by_slug, str) == parallels_section(doc, edition.parallels, by_slug, str)


def test_pairs_are_listed_in_the_texts_date_order_with_their_dates(edition):
    by_slug = {d.meta.slug: d for d in edition.docs}
    order = list(by_slug)
    page = render_parallels_page(list(reversed(edition.parallels)), by_slug, str)
    pairs = [tuple(m.split("--")) for m in re.findall(r"\{: #(\S+--\S+) \}", page)]
    assert len(pairs) > 1 and pairs == sorted(pairs, key=lambda p: (order.index(p[0]), order.index(p[1])))
    first = by_slug[pairs[0][0]].meta
    assert re.search(rf"^## {display_date(first.date)} {re.escape(first.short_title)} ↔ ", page, re.M)
