"""The sharded index, read by the real edition-search.js in Chromium from file://, finds exactly
what a linear scan of the source finds, on a synthetic corpus larger than the real one."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from build_tools import search
from build_tools.bench import make_corpus
from build_tools.pipeline import load_edition, render_all
from build_tools.search import INDEX_FILE, SHARD_DIR
from tests.browser.conftest import served
from tests.search_queries import folding, forms, queries, source_units, truth

EXTRA = ["发", "的", "，", "创先争优", "创先争优活动", "工作工作", "合成文本1"]  # frequent terms, repeats


@pytest.fixture(scope="module")
def synthetic(root, tmp_path_factory):
    """A 40-text corpus; each variant's search files under out/ (the site layout), nothing else.
    Windows and parts are made small, so that a query reads many of each, as in a large archive."""
    work = tmp_path_factory.mktemp("sharded")
    edition = load_edition(make_corpus(root, work / "project", 40))
    out = work / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "WINDOW_UNITS", 50)
        patch.setattr(search, "PART_BYTES", 1000)
        rendered = render_all(edition)
    assert any(re.fullmatch(r"t\d+p\d+\.js", Path(p.path).name) for pages in rendered.values() for p in pages)
    for variant, pages in rendered.items():
        path = next(v.path for v in edition.variants if v.code == variant)
        for page in pages:
            if page.path == INDEX_FILE or page.path.startswith(SHARD_DIR + "/"):
                target = out / path / page.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(page.content, encoding="utf-8")
        (out / path / "assets" / "edition-search.js").parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / "docs" / "assets" / "edition-search.js", out / path / "assets" / "edition-search.js")
        (out / path / "search.html").write_text('<!doctype html><html lang="zh"><head><meta charset="utf-8"></head><body>'
                                                '<div id="edition-search-results"><p class="search-count"></p></div>'
                                                '<script src="assets/edition-search.js"></script></body></html>',
                                                encoding="utf-8")
    return edition, out


@pytest.mark.parametrize("variant", ["", "zh-Hant/"])
def test_sharded_search_equals_a_linear_scan(page, synthetic, variant):
    edition, out = synthetic
    units = source_units(edition)
    qs = queries(edition) + [(q, q) for q in EXTRA]
    page.goto((out / variant / "search.html").as_uri())
    page.wait_for_function("window.editionSearch !== undefined")
    found = page.evaluate("qs => Promise.all(qs.map(q => editionSearch.search(q).then(hits => "
                          "hits.map(h => [h.url + '#' + h.anchor, h.count, h.shown.slice(h.pos, h.pos + h.length)]))))",
                          [typed for typed, _ in qs])
    fold, also = folding(edition)
    expected = [truth(units, *forms(typed, fold, also)) for typed, _ in qs]
    assert all(truth(units, meant) <= want for (_, meant), want in zip(qs, expected))
    misses = {typed: sorted(want ^ {key for key, _, _ in hits})
              for (typed, _), hits, want in zip(qs, found, expected) if {key for key, _, _ in hits} != want}
    assert misses == {}
    counts = {(typed, key): count for (typed, _), hits in zip(qs, found) for key, count, _ in hits}
    assert all(counts[typed, key] == sum(units[key].count(f) for f in forms(typed, fold, also))
               for (typed, meant), hits in zip(qs, found) for key, _, _ in hits
               if len(meant) == 1)  # one character: occurrences cannot overlap
    assert all(len(marked) == len(meant) for (_, meant), hits in zip(qs, found) for _, _, marked in hits)
    assert page.outside_requests == []


def test_first_pages_of_results_are_drawn_while_the_rest_is_read_then_the_rest_on_request(page, synthetic):
    """Held back, a frequent term's later parts cannot arrive: the first batch of pages is drawn
    from the first parts alone, with its count and filter buttons pending; released, the count,
    the kinds and the other pages follow, a batch at a time."""
    edition, out = synthetic
    windows = {}  # part name -> first window, for the query's terms
    for shard in (out / SHARD_DIR).glob("t*.js"):
        text = shard.read_text(encoding="utf-8")
        entries = json.loads(text[text.index(",") + 1:text.rindex(")")])
        for term in ("创先", "争优"):
            if isinstance(entries, dict) and isinstance(entries.get(term), dict):
                windows.update({name: first for first, name in entries[term]["parts"]})
    last = max(windows.values())
    later = {name for name, first in windows.items() if first > last // 2}  # the archive's second half
    held, released = [], []
    later_parts = re.compile(r"/assets/search/(" + "|".join(later) + r")\.js$")
    page.route(later_parts, lambda route: route.continue_() if released else held.append(route))
    with served(out) as address:
        page.goto(address + "search.html?q=创先争优", wait_until="commit")
        page.wait_for_function("document.body && document.body.dataset.searchMs !== undefined")
        batch = int(re.search(r"GROUPS_PER_BATCH = (\d+)", (out / "assets" / "edition-search.js").read_text()).group(1))
        for _ in range(100):  # reading goes on once the first pages are drawn, up to the held parts
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the query needs later parts"
        assert page.locator(".search-group").count() == batch
        assert "正在检索" in page.locator(".search-count").inner_text()
        assert page.locator(".search-filter button:disabled").count() == page.locator(".search-filter button").count()
        assert page.evaluate("document.body.dataset.searchDoneMs") is None
        # how far it has read: past the first windows, short of the held half, named for a screen reader
        read, whole = page.evaluate("(p => [p.value, p.max])(document.querySelector('progress.search-progress'))")
        assert 0 < read < whole and page.locator("progress.search-progress").get_attribute("aria-label") == "检索进度"
        released.append(True)
        for route in held:
            route.continue_()
        page.wait_for_function("document.body.dataset.searchDoneMs !== undefined")
        assert page.locator("progress").count() == 0  # read to the end: the count line says the rest
        found = page.evaluate("editionSearch.search('创先争优').then(hits => hits.map(h => [h.url, h.count]))")
        hits = [url for url, _ in found]
        groups = len(dict.fromkeys(url for url in hits if not url.startswith("glossary/"))) + any(
            url.startswith("glossary/") for url in hits)
        times = sum(n for _, n in found)
        assert times > len(hits)  # the count is of occurrences, the places of paragraphs, titles and notes
        assert f"共出现{times}次（{len(hits)}处），见于{len(set(hits))}页" in page.locator(".search-count").inner_text()
        assert page.locator(".search-filter button:disabled").count() == 0
        assert groups > batch, "the synthetic corpus has more than one batch of pages"
        drawn = batch
        while page.locator(".search-more-pages").count():
            button = page.locator(".search-more-pages")
            assert int(button.get_attribute("data-left")) == groups - drawn
            page.click(".search-more-pages")
            page.wait_for_function("n => document.querySelectorAll('.search-group').length > n", arg=drawn)
            drawn = page.locator(".search-group").count()
        assert drawn == groups


def test_reading_waits_while_the_first_pages_of_results_are_drawn(page, synthetic):
    """Once the first batch of pages is found, the rest of the archive is read only after it is
    drawn: decoding windows meanwhile would hold up the drawing's own files. Held back, the text
    chunks keep the first pages from being drawn, and no later part is asked for until they come."""
    edition, out = synthetic
    parts = re.compile(r"/assets/search/(t\d+p\d+)\.js$")
    asked, held, released = [], [], []
    page.on("request", lambda request: parts.search(request.url) and asked.append(parts.search(request.url).group(1)))
    page.route(re.compile(r"/assets/search/u\d+\.js$"), lambda route: route.continue_() if released else held.append(route))
    with served(out) as address:
        page.goto(address + "search.html?q=创先争优", wait_until="commit")
        page.wait_for_function("document.querySelectorAll('script[src*=\"/u\"]').length > 0")  # the first pages' text asked for
        page.wait_for_timeout(1000)  # long enough for a reading that does not wait to ask for every part
        before = set(asked)
        assert held and page.evaluate("document.body.dataset.searchMs") is None
        released.append(True)
        for route in held:
            route.continue_()
        page.wait_for_function("document.body.dataset.searchDoneMs !== undefined")
        assert set(asked) > before, "later parts are read once the first pages are drawn"


def test_coming_back_from_a_result_finds_the_results_as_they_were_left(page, synthetic):
    """Pages drawn on request and the place on the page survive a visit to a result and Back."""
    _, out = synthetic
    with served(out) as address:
        page.goto(address + "search.html?q=创先争优")
        page.wait_for_function("document.body.dataset.searchDoneMs !== undefined")
        first = page.locator(".search-group").count()
        page.click(".search-more-pages")
        page.wait_for_function("n => document.querySelectorAll('.search-group').length > n", arg=first)
        drawn = page.locator(".search-group").count()
        group = page.locator(".search-group").nth(drawn - 2)
        group.locator("summary").click()
        link = group.locator("ol.search-results li a").first
        link.scroll_into_view_if_needed()
        at = page.evaluate("scrollY")
        assert at > 500
        with page.expect_navigation():
            link.click()
        page.go_back()
        page.wait_for_function("document.body.dataset.searchDoneMs !== undefined")
        page.wait_for_function("n => document.querySelectorAll('.search-group').length === n", arg=drawn)
        page.wait_for_function("at => Math.abs(scrollY - at) < 5", arg=at)
