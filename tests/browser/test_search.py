"""Search finds what a reader types: every paragraph containing the query, in either script,
in both variants, online and from file:// with http(s) blocked."""

from __future__ import annotations

import pytest

from tests.search_queries import folding, forms, queries, source_units, traditional_units, truth


@pytest.fixture(scope="module")
def query_set(edition):
    return queries(edition), source_units(edition)


@pytest.mark.parametrize("variant", ["", "zh-Hant/"])
def test_every_query_finds_exactly_the_paragraphs_that_contain_it(page, base_url, variant, query_set, edition):
    qs, units = query_set
    fold, also = folding(edition)
    assert "著" in also  # 着 is 著 in traditional, and the simplified text has 显著 too
    page.goto(base_url + variant + "search.html")
    page.wait_for_function("window.editionSearch !== undefined")
    page.evaluate("new Promise(r => editionSearch.ready(r))")
    found = page.evaluate("qs => Promise.all(qs.map(q => editionSearch.search(q)"
                          "  .then(hits => hits.map(h => h.url + '#' + h.anchor))))",
                          [typed for typed, _ in qs])
    expected = [truth(units, *forms(typed, fold, also)) for typed, _ in qs]
    assert all(truth(units, meant) <= found for (_, meant), found in zip(qs, expected))  # what it means, at least
    misses = {typed: sorted(want ^ set(hits)) for (typed, _), hits, want in zip(qs, found, expected) if set(hits) != want}
    assert misses == {}
    assert page.outside_requests == []


def test_traditional_results_show_each_unit_as_its_conversion_gives_it(page, base_url, edition, query_set):
    """The traditional text is published once, as patches on the simplified: what a result shows
    is what the traditional page says."""
    expected = {f"{u.url}#{u.anchor}": u.shown for u in traditional_units(edition)}
    page.goto(base_url + "zh-Hant/search.html")
    page.wait_for_function("window.editionSearch !== undefined")
    page.evaluate("new Promise(r => editionSearch.ready(r))")
    shown = page.evaluate("qs => Promise.all(qs.map(q => editionSearch.search(q)))"
                          "  .then(all => [].concat(...all).map(h => [h.url + '#' + h.anchor, h.shown]))",
                          [typed for typed, _ in query_set[0]] + ["发", "后", "干", "了"])
    assert len({key for key, _ in shown}) > len(expected) / 2  # most units, in every kind
    assert [(key, text) for key, text in shown if expected[key] != text] == []


def hit_count(page, query: str) -> int:
    """How many units hold the query (the results page shows them all when they are few)."""
    return page.evaluate("q => editionSearch.search(q).then(hits => hits.length)", query)


def test_header_box_to_results_to_highlighted_paragraph(page, base_url):
    page.goto(base_url + "texts/2010-04-14-liu-qi-beijing/index.html")
    box = page.locator(".md-header .edition-search input")
    box.fill("張皮")  # traditional, part of a word
    box.press("Enter")
    page.wait_for_selector("ol.search-results li")
    assert "search.html?q=" in page.url
    assert page.locator("ol.search-results li").count() == hit_count(page, "張皮")
    first = page.locator("ol.search-results li a").first
    assert "mark" in page.locator("ol.search-results li .search-snippet").first.inner_html()
    first.click()
    page.wait_for_selector("mark.search-hit")
    assert page.locator("mark.search-hit").first.inner_text() == "张皮"


def test_a_glossary_hit_marks_the_query_throughout_its_entry(page, base_url):
    """A glossary entry is one search unit, led to at its title: its gloss and explanation are marked too."""
    page.goto(base_url + "search.html?q=%E4%B8%A4%E5%BC%A0%E7%9A%AE")  # 两张皮
    page.wait_for_selector("ol.search-results li")
    links = [a.get_attribute("href") for a in page.locator("ol.search-results li a").all()]
    entry = next(href for href in links if "glossary/" in href and "liang-zhang-pi" not in href)  # named in its text
    page.goto(page.url.rsplit("/", 1)[0] + "/" + entry)  # the link is relative to the results page
    page.wait_for_selector("mark.search-hit")
    said = page.locator("article").inner_text().count("两张皮")
    assert said > 0 and page.locator("article mark.search-hit").count() == said


def test_nothing_found_says_matching_is_exact_and_offers_the_query_without_quotes_or_spaces(page, base_url):
    page.goto(base_url + "search.html?q=" + "%22%E4%B8%A4%20%E5%BC%A0%E7%9A%AE%22")  # "两 张皮", typed with ASCII quotes
    page.wait_for_selector(".search-hint")
    assert "标点和空格也算在内" in page.locator(".search-hint").inner_text()
    page.locator(".search-hint a").click()
    page.wait_for_selector("ol.search-results li")
    assert page.locator("ol.search-results li").count() == hit_count(page, "两张皮") > 0


def test_a_snippet_marks_every_hit_it_shows(page, base_url):
    page.goto(base_url + "search.html?q=%E5%88%9B%E5%85%88%E4%BA%89%E4%BC%98")  # 创先争优
    page.wait_for_selector("ol.search-results li")
    snippets = page.locator("ol.search-results li .search-snippet")
    counts = [(s.inner_text().count("创先争优"), s.locator("mark").count()) for s in snippets.all()]
    assert any(shown > 1 for shown, _ in counts)  # Liu Qi ¶2 says it three times in a row
    assert [(shown, marked) for shown, marked in counts if shown != marked] == []


def test_what_is_marked_is_what_the_search_found_not_a_character_folded_alike(page, base_url, edition):
    """着 and 著 fold alike (traditional 著 is both), but the simplified text tells them apart and so
    does the search: a 着 query marks 着重, not the 著 of 显著, on the results page and where it leads."""
    units = source_units(edition)
    both = "texts/2010-xinhua-qa/index.html#p8"
    assert "着" in units[both] and "显著" in units[both]
    page.goto(base_url + "search.html?q=%E7%9D%80")  # 着
    page.wait_for_selector("ol.search-results li")
    assert {m.inner_text() for m in page.locator(".search-snippet mark").all()} == {"着"}
    page.goto(base_url + both.replace("#", "?q=%E7%9D%80#"))
    page.wait_for_selector("mark.search-hit")
    marked = [m.inner_text() for m in page.locator("#p8 mark.search-hit").all()]
    assert marked and set(marked) == {"着"} and len(marked) == page.locator("#p8").inner_text().count("着")


def test_results_page_is_addressable_by_url(page, base_url):
    page.goto(base_url + "zh-Hant/search.html?q=%E4%B8%A4%E5%BC%A0%E7%9A%AE")  # 两张皮, simplified query
    page.wait_for_selector("ol.search-results li")
    assert page.locator("ol.search-results li").count() == hit_count(page, "两张皮")
    assert "兩張皮" in page.locator("#edition-search-results").inner_text()  # shown in the page's script


@pytest.mark.parametrize("variant", ["", "zh-Hant/"])
def test_the_results_page_fetches_its_manifest_with_the_page_and_uses_it(page, http_root, variant):
    """The manifest is the first thing a query needs: preloaded by the results page, so that it
    is not asked for only after the page's scripts have run; preloaded and used, read once."""
    requests, warnings = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    page.goto(http_root + variant + "search.html?q=创先")
    page.wait_for_function("document.body.dataset.searchDoneMs !== undefined")
    page.wait_for_timeout(3500)  # Chromium warns of a preload not used within about three seconds
    manifest = http_root + variant + "assets/search-index.js"
    assert page.locator('head link[rel=preload][as=script][href="assets/search-index.js"]').count() == 1
    assert requests.count(manifest) == 1
    assert [w for w in warnings if "preload" in w] == []
