"""Every page type as a reader meets it, in both scripts: axe-core (WCAG 2.1 A/AA) finds no serious
or critical violation in light or dark, nothing scrolls sideways from 320 to 1280 px, and no
Markdown, YAML or HTML syntax shows as text. One browser, one page per pass, both colour schemes."""

from __future__ import annotations

import functools
import re
import threading
import zipfile
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from build_tools.bench import copy_project
from build_tools.pipeline import load_edition, offline_zip
from build_tools.site import build_site, offline_artifact

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = [320, 390, 768, 1280]
# What a reader must never see as text: front matter, attribute lists, links, emphasis, tags, entities.
SYNTAX = re.compile(r"title:|description:|\{: |\]\(|\*\*|</|<[a-z]+[ >]|&(lt|gt|amp|quot|#\d+);|^---|\[\^")


def page_types(edition) -> dict[str, str]:
    """One page of each kind, by its path under a variant's root."""
    doc, entry = edition.docs[0], edition.glossary.entries[0]
    return {"home": "index.html", "text": f"texts/{doc.meta.slug}/index.html", "glossary": "glossary/index.html",
            "entry": f"glossary/{entry.id}.html", "people": "glossary/people.html", "places": "glossary/places.html",
            "organisations": "glossary/organisations.html", "timeline": "timeline.html",
            "parallels": "parallels.html", "editorial": "editorial.html", "contributing": "contributing.html",
            "search": "search.html?q=" + entry.term, "downloads": "downloads.html",
            "about": "about.html", "404": "404.html"}


def every_page(edition) -> list[tuple[str, str]]:
    return [(f"{variant}{name}", f"{variant}{path}") for variant in ("", "zh-Hant/")
            for name, path in page_types(edition).items()]


def open_page(page, url: str) -> None:
    page.goto(url)
    if "search.html?q=" in url:
        page.wait_for_selector(".search-group")  # results drawn


COLOUR_RULES = ["color-contrast", "link-in-text-block"]  # all that a change of colour scheme can change


def serious_violations(page, rules: list[str] | None = None) -> list[str]:
    page.add_script_tag(path=str(AXE))
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG}
    result = page.evaluate("only => axe.run(document, {runOnly: only, resultTypes: ['violations']})", only)
    return [f"{v['id']} ({v['impact']}): {node['target']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical") for node in v["nodes"]]


def overflow(page) -> dict[int, int]:
    """Width -> page width wherever the page is wider than the screen."""
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        if (wide := page.evaluate("document.documentElement.scrollWidth")) > width:
            found[width] = wide
    page.set_viewport_size({"width": 1280, "height": 900})
    return found


def syntax_shown(page) -> list[str]:
    """Markup a reader would see as text: title, header and content, code examples excepted."""
    text = page.evaluate("""() => {
        const copy = document.querySelector('.md-main').cloneNode(true);
        copy.querySelectorAll('pre, code, script, style').forEach(e => e.remove());
        return document.title + '\\n' + document.querySelector('.md-header').innerText + '\\n' + copy.innerText;
    }""")
    return sorted({m.group(0) for line in text.splitlines() for m in [SYNTAX.search(line.strip())] if m})


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_as_a_reader_meets_it(browser, http_root, edition, scheme):
    """Light: every WCAG 2.1 A/AA rule, widths 320-1280, markup shown as text. Dark: the rules a
    colour scheme can change. (file:// is covered by the 404 and offline-zip tests below.)"""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    problems: dict[str, dict] = {"axe": {}, "overflow": {}, "syntax": {}}
    try:
        for name, path in every_page(edition):
            open_page(page, http_root + path)
            assert page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
            if scheme == "light":
                problems["overflow"][name] = overflow(page)
                problems["syntax"][name] = syntax_shown(page)
            problems["axe"][name] = serious_violations(page, None if scheme == "light" else COLOUR_RULES)[:5]
    finally:
        context.close()
    assert {kind: {name: found for name, found in pages.items() if found} for kind, pages in problems.items()} == \
        {"axe": {}, "overflow": {}, "syntax": {}}


@pytest.mark.parametrize("variant,heading", [("", "找不到该页"), ("zh-Hant/", "找不到該頁")])
def test_not_found_page_is_chinese_styled_and_leads_somewhere_from_file(page, site, variant, heading):
    page.goto((site / variant / "404.html").as_uri())
    assert page.locator("h1").inner_text() == heading
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"  # styled
    links = page.evaluate("[...document.querySelectorAll('article a[href]')].map(a => a.href)")
    assert any(url.endswith("/index.html") for url in links) and any(url.endswith("index.html#texts") for url in links)
    assert all(Path(url.removeprefix("file://").split("#")[0]).is_file() for url in links)
    page.fill(".edition-search-page input", "两张皮")
    page.press(".edition-search-page input", "Enter")
    page.wait_for_selector(".search-group")
    assert page.url.startswith((site / variant / "search.html").as_uri())


class _PagesHost(SimpleHTTPRequestHandler):
    """A static host as GitHub Pages is one: the site under the path of its site_url, and the
    root's 404.html, with status 404, at any address that has no file."""
    prefix = "/"

    def do_GET(self):
        path = urlsplit(self.path).path
        local = Path(self.directory, path.removeprefix(self.prefix))
        local = local / "index.html" if local.is_dir() else local
        if not path.startswith(self.prefix) or not local.is_file():
            body = Path(self.directory, "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.path = "/" + self.path.removeprefix(self.prefix)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("variant,heading", [("", "找不到该页"), ("zh-Hant/", "找不到該頁")])
def test_a_missing_address_shows_its_own_script_s_not_found_page(page, site, edition, variant, heading):
    prefix = urlsplit(edition.settings["site_url"]).path
    handler = type("Host", (_PagesHost,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        address = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
        response = page.goto(f"{address}{variant}texts/no-such-text/index.html")
        assert response.status == 404
        page.wait_for_function("document.querySelector('h1')")
        assert page.locator("h1").inner_text() == heading
        assert page.evaluate("document.documentElement.lang").startswith("zh")
        links = page.evaluate("[...document.querySelectorAll('article a[href]')].map(a => a.href)")
        assert links and all(url.startswith(address + variant) for url in links)
        assert page.request.get(links[0]).ok
    finally:
        server.shutdown()


def test_offline_zip_pages_are_styled(page, site, edition, tmp_path):
    at, in_site = offline_zip(edition)
    with zipfile.ZipFile(site / at if in_site else offline_artifact(edition)) as archive:
        archive.extractall(tmp_path)
    for path in ["404.html", "zh-Hant/404.html", "index.html"]:
        page.goto((tmp_path / path).as_uri())
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky", path
    assert page.outside_requests == []


def test_search_count_keeps_the_query_as_typed_and_a_bad_fragment_does_not_throw(page, site):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for query in ["$'", "{n}", "$&{q}"]:
        page.goto((site / "search.html").as_uri() + "?q=" + query.replace("&", "%26"))
        page.wait_for_function("document.body.dataset.searchHits !== undefined")
        assert page.locator(".search-count").inner_text() == f"“{query}”：没有找到"  # none of them is in the texts
    page.goto((site / "texts").as_uri() + "/" + next(p.name for p in (site / "texts").iterdir()) +
              "/index.html?q=%E5%88%9B%E5%85%88#%E0%A4%A")
    page.wait_for_timeout(300)
    assert errors == []


def test_results_are_grouped_by_page_and_filtered_by_kind(page, site):
    page.goto((site / "search.html").as_uri() + "?q=创先")
    page.wait_for_function("document.body.dataset.searchHits !== undefined")
    total = page.evaluate("editionSearch.search('创先').then(hits => hits.length)")
    while page.locator(".search-more-pages").count():  # past the first pages, the rest on request
        page.click(".search-more-pages")
    groups = page.locator(".search-group")
    counts = [int(re.search(r"\d+", groups.nth(i).locator("summary .search-n").inner_text())[0])
              for i in range(groups.count())]
    assert sum(counts) == total and len(counts) > 1
    closed = groups.nth(page.evaluate("[...document.querySelectorAll('.search-group')].findIndex(g => !g.open)"))
    closed.locator("summary").click()
    closed.locator("ol.search-results li").first.wait_for()
    page.click(".search-filter[data-facet=kind] button[data-choice=note]")
    page.wait_for_function("document.querySelectorAll('.search-group [data-anchor]').length > 0 && "
                           "[...document.querySelectorAll('.search-group a')].every(a => /^注释 \\d+$/.test(a.textContent))")
    assert page.locator(".search-filter[data-facet=kind] button[aria-pressed=true]").get_attribute("data-choice") == "note"


@pytest.mark.parametrize("variant", ["", "zh-Hant/"])
def test_results_are_filtered_by_year_within_the_chosen_kind(page, site, variant):
    """An archive spans years: a reader narrows a query to one. The year buttons count within the
    kind chosen, and a year's results are that year's texts only (the glossary has no year)."""
    page.goto((site / variant / "search.html").as_uri() + "?q=创先争优")
    page.wait_for_function("document.body.dataset.searchDoneMs !== undefined")
    found = page.evaluate("editionSearch.search('创先争优').then(hits => hits.map(h => [h.url, h.kind]))")
    year_of_slug = {p.parent.name: p.parent.name[:4] for p in (site / "texts").glob("*/index.html")}

    def year_of(url):  # a text page's year; None for a glossary entry
        return year_of_slug.get(url.split("/")[1])

    year_bar = page.locator(".search-filter[data-facet=year]")
    years = sorted(set(year_of_slug.values()))
    undated = sum(1 for url, _ in found if year_of(url) is None)  # glossary hits: their own button, so counts add up
    assert undated
    assert year_bar.locator("button").all_inner_texts()[1:] == [
        f"{y}年 {sum(1 for url, _ in found if year_of(url) == y)}" for y in years] + [
        f"{'術語表' if variant else '术语表'}（不分年份） {undated}"]
    assert year_bar.locator("button").first.inner_text().endswith(f" {len(found)}")
    page.click(".search-filter[data-facet=kind] button[data-choice=note]")
    notes_in = {y: sum(1 for url, kind in found if kind == "note" and year_of(url) == y) for y in years}
    for y in years:  # counted within the kind chosen; a year without notes is left disabled
        button = year_bar.locator(f"button[data-choice='{y}']")
        assert button.locator(".search-n").inner_text() == str(notes_in[y])
        assert button.is_disabled() == (notes_in[y] == 0)
    page.click(".search-filter[data-facet=kind] button[data-choice='']")
    year = years[-1]
    year_bar.locator(f"button[data-choice='{year}']").click()
    page.wait_for_function("y => [...document.querySelectorAll('.search-group .search-page')]"
                           ".every(p => p.textContent.startsWith(y + '年'))", arg=year)
    expected = len({url for url, _ in found if year_of(url) == year})
    while page.locator(".search-more-pages").count():
        page.click(".search-more-pages")
    assert page.locator(".search-group").count() == expected
    kind_total = page.locator(".search-filter[data-facet=kind] button[data-choice=''] .search-n").inner_text()
    assert kind_total == str(sum(1 for url, _ in found if year_of(url) == year))


@pytest.mark.parametrize("variant", ["", "zh-Hant/"])
def test_the_chosen_filters_are_kept_in_the_address(page, site, variant):
    """A filtered search is shared, reloaded, and found again on coming back from a result: the
    address holds the filters, and a new query asked on the results page keeps them. Filters
    that keep nothing fall back to every result."""
    page.goto((site / variant / "search.html").as_uri() + "?q=创先争优")
    page.wait_for_function("document.body.dataset.searchDoneMs !== undefined")
    year = page.locator(".search-filter[data-facet=year] button[data-choice]:not([data-choice=''], [data-choice=none])").last
    chosen_year = year.get_attribute("data-choice")
    year.click()
    page.click(".search-filter[data-facet=kind] button[data-choice=text]")
    page.wait_for_function("document.querySelector('.search-filter[data-facet=kind] button[data-choice=text]')"
                           ".getAttribute('aria-pressed') === 'true'")

    def shown():
        page.wait_for_function("document.querySelector('.search-groups .search-group') !== null")
        return (page.locator(".search-group .search-page").all_inner_texts(),
                page.locator(".search-filter button[aria-pressed=true]").evaluate_all("bs => bs.map(b => b.dataset.choice)"))

    filtered = shown()
    found = page.evaluate("editionSearch.search('创先争优').then(hits => hits.map(h => [h.url, h.kind, h.count]))")
    listed = [(url, n) for url, kind, n in found if kind == "text" and url.split("/")[1].startswith(chosen_year)]
    head, numbers = page.locator(".search-count").inner_text().split("：", 1)  # says what is listed, and within what
    assert re.findall(r"\d+", numbers) == [str(sum(n for _, n in listed)), str(len(listed)), str(len({u for u, _ in listed}))]
    kind_label = page.locator(".search-filter[data-facet=kind] button[data-choice=text]").inner_text().split()[0]
    assert head.endswith(f"在{kind_label}、{chosen_year}年中")
    params = parse_qs(urlsplit(page.url).query)
    assert params == {"q": ["创先争优"], "kind": ["text"], "year": [chosen_year]}
    assert filtered[1] == ["text", chosen_year]
    assert all(name.startswith(chosen_year + "年") for name in filtered[0])
    page.reload()
    page.wait_for_function("document.body.dataset.searchDoneMs !== undefined")
    assert shown() == filtered
    page.fill(".md-header .edition-search input", "活动")  # a new query asked here keeps them
    page.press(".md-header .edition-search input", "Enter")
    page.wait_for_url("**q=%E6%B4%BB%E5%8A%A8**")
    page.wait_for_function("document.body.dataset.searchDoneMs !== undefined")
    assert shown()[1] == ["text", chosen_year]
    page.goto((site / variant / "search.html").as_uri() + "?q=创先争优&year=1900&kind=text")
    page.wait_for_function("document.body.dataset.searchDoneMs !== undefined")
    assert shown()[1] == ["", ""]
    assert parse_qs(urlsplit(page.url).query) == {"q": ["创先争优"]}


@pytest.mark.parametrize("query", ["两张皮", "小岗村"])
def test_a_short_glossary_group_is_drawn_open(page, site, query):
    page.goto((site / "search.html").as_uri() + f"?q={query}")
    page.wait_for_function("document.body.dataset.searchHits !== undefined")
    glossary = page.locator(".search-group").first
    assert glossary.locator("summary .search-page").inner_text() == "术语表"
    assert glossary.evaluate("g => g.open") and glossary.locator("ol.search-results li").count() > 0


def test_glossary_hits_come_first_as_one_group_named_by_term(page, site):
    page.goto((site / "search.html").as_uri() + "?q=的")
    page.wait_for_function("document.body.dataset.searchHits !== undefined")
    urls = page.evaluate("editionSearch.search('的').then(hits => hits.map(h => h.url))")
    first_text = next(k for k, url in enumerate(urls) if url.startswith("texts/"))
    assert first_text > 1 and all(url.startswith("glossary/") for url in urls[:first_text])
    assert not any(url.startswith("glossary/") for url in urls[first_text:])
    glossary = page.locator(".search-group").first
    assert glossary.locator("summary .search-page").inner_text() == "术语表"
    script = (site / "assets" / "edition-search.js").read_text()
    per_batch, glossary_open = (int(re.search(rf"{name} = (\d+)", script).group(1)) for name in ("RESULTS_PER_BATCH", "GLOSSARY_OPEN"))
    assert first_text > glossary_open
    # a long glossary group is drawn closed, so that the first text, open, is on the first screen
    assert page.evaluate("[...document.querySelectorAll('.search-group')].slice(0, 2).map(g => g.open)") == [False, True]
    first_page = page.locator(".search-group").nth(1).locator("summary .search-page").inner_text()
    assert re.match(r"\d{4}年(\d{1,2}月(\d{1,2}日)?)? \S", first_page), first_page  # a text is named with its date
    glossary.locator("summary").click()  # its hits' text is read on opening, then drawn
    glossary.locator("ol.search-results li a").first.wait_for()
    assert glossary.locator("ol.search-results li a").count() == min(first_text, per_batch)  # one per term, named by it
    assert "术语表" not in glossary.locator("ol.search-results li a").all_inner_texts()
    assert f"见于{len(set(urls))}页" in page.locator(".search-count").inner_text()
    assert page.locator(".search-group").count() == 1 + len(set(urls[first_text:]))


def test_header_search_box_shows_its_focus(page, site):
    page.goto((site / "index.html").as_uri())
    page.keyboard.press("Tab")  # skip link
    box = page.locator(".md-header .edition-search input")
    box.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_markup_in_names_and_titles_reaches_the_reader_as_text(browser, tmp_path):
    """Issue 16, second layer: with the loader's refusal bypassed, a short title and a site name
    holding markup still render as text in the sidebar and <title>, and run nothing."""
    payload = "<svg onload=alert(1)>"
    project = copy_project(ROOT, tmp_path / "project")
    edition = load_edition(project)
    docs = (replace(edition.docs[0], meta=replace(edition.docs[0].meta, short_title=payload)), *edition.docs[1:])
    build_site(replace(edition, docs=docs, settings={**edition.settings, "site_name": payload}), project / "site")
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((project / "site" / "texts" / docs[0].meta.slug / "index.html").as_uri())
    assert payload in page.locator("nav.md-nav--primary").inner_text()
    assert payload in page.title()
    assert page.locator("svg[onload]").count() == 0 and dialogs == []
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_catalogue_stacks_each_row_on_a_phone_and_keeps_its_columns_on_a_desktop(browser, http_root, scheme):
    """On a phone the title takes the row's width (four columns left it a few characters a line);
    the column heads stay for screen readers; axe finds nothing serious at that width."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    title_and_row_widths = """() => [...document.querySelectorAll('.catalogue tbody tr')].map(row =>
        [row.cells[1].getBoundingClientRect().width, row.getBoundingClientRect().width])"""
    try:
        for variant in ("", "zh-Hant/"):
            page.set_viewport_size({"width": 390, "height": 800})
            page.goto(http_root + variant + "index.html#texts")
            widths = page.evaluate(title_and_row_widths)
            assert widths and all(title >= 0.9 * row for title, row in widths), widths
            assert page.evaluate("document.querySelector('.catalogue thead').getBoundingClientRect().height") <= 1
            assert page.locator(".catalogue th").count() == 4
            assert serious_violations(page, None if scheme == "light" else COLOUR_RULES) == []
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.set_viewport_size({"width": 1280, "height": 900})
            widths = page.evaluate(title_and_row_widths)
            assert all(title < 0.6 * row for title, row in widths), widths
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_texts_editorial_record_fits_a_phone(browser, http_root, scheme):
    """The record's four column heads (5rem each in the theme) made the table wider than a phone,
    its 位置 column cut off inside the table's scroll box: at 390 px every row fits."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    cut = """() => {
        const table = document.querySelector('#editorial ~ .record table'), cells = [...table.querySelectorAll('td')];
        const edge = table.closest('.md-typeset__scrollwrap');  // the theme's scroll box: what it hides is cut
        const right = Math.min(innerWidth, edge.getBoundingClientRect().right);
        return [cells.length, table.getBoundingClientRect().right, edge.scrollWidth - edge.clientWidth,
                cells.filter(td => td.getBoundingClientRect().right > right || td.scrollWidth > td.clientWidth)
                     .map(td => td.textContent)];
    }"""
    try:
        for variant in ("", "zh-Hant/"):
            for slug in ("2010-hecheng-district-mobilisation", "2010-04-14-liu-qi-beijing"):
                page.goto(f"{http_root}{variant}texts/{slug}/index.html#editorial")
                cells, right, hidden, clipped = page.evaluate(cut)
                assert cells >= 4 and right <= 390 and hidden <= 0 and clipped == [], (slug, right, hidden, clipped)
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
                assert serious_violations(page, None if scheme == "light" else COLOUR_RULES) == []
    finally:
        context.close()


def test_a_notice_s_issuing_body_is_one_line_on_a_phone(browser, http_root, edition):
    """The red-letter head (中央…办公室文件) is one line in print; at 390 px it broke before its
    last characters (…办公 / 室文件). Down to 360 px it stays one line, at the body's size or more."""
    notices = [d.meta.slug for d in edition.docs if any(b.role == "issuer" for b in d.blocks)]
    assert notices
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    lines = """() => { const head = document.querySelector('.issuer'), range = document.createRange();
        range.selectNodeContents(head);
        return [new Set([...range.getClientRects()].map(r => Math.round(r.top))).size,
                parseFloat(getComputedStyle(head).fontSize) / parseFloat(getComputedStyle(head.parentElement).fontSize)]; }"""
    try:
        for width in (360, 390):
            page.set_viewport_size({"width": width, "height": 800})
            for variant in ("", "zh-Hant/"):
                for slug in notices:
                    page.goto(f"{http_root}{variant}texts/{slug}/index.html")
                    count, scale = page.evaluate(lines)
                    assert count == 1 and scale >= 1, (width, variant, slug, count, scale)
    finally:
        context.close()


def test_the_parallels_two_wordings_share_a_phone_s_width(browser, http_root):
    """Three columns on a 390 px screen left each wording five or six characters a line, the
    similarity a quarter of the width: the wordings take the width, the similarity goes under them."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    shares = """() => [...document.querySelectorAll('.parallel-pairs tbody tr')].map(row => {
        const [a, b, similarity] = [...row.cells].map(c => c.getBoundingClientRect()), width = row.getBoundingClientRect().width;
        return [a.width / width, b.width / width, similarity.top >= Math.max(a.bottom, b.bottom) - 1]; })"""
    try:
        for variant in ("", "zh-Hant/"):
            page.goto(f"{http_root}{variant}parallels.html")
            rows = page.evaluate(shares)
            assert rows and all(a > .45 and b > .45 and under for a, b, under in rows), (variant, rows[:3])
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_the_home_link_is_not_hidden_when_the_theme_scrolls_the_navigation(browser, http_root):
    """On a 1280×800 screen the theme scrolls the left navigation to show the current page; on the
    search and timeline pages that slid 首页 under the navigation's sticky title. (A navigation
    longer than the screen, as an archive's, may scroll 首页 out of its view as any list does:
    then it is above the list's visible top, not under something.)"""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    home = """() => { const link = [...document.querySelectorAll('.md-sidebar--primary a')]
                          .find(a => /^首[页頁]$/.test(a.textContent.trim())), box = link.getBoundingClientRect(),
                          list = link.closest('.md-sidebar__scrollwrap').getBoundingClientRect();
                      return box.bottom <= list.top
                             || link.contains(document.elementFromPoint(box.left + 5, box.top + box.height / 2)); }"""
    try:
        for path in ("search.html", "timeline.html", "zh-Hant/parallels.html"):
            page.goto(f"{http_root}{path}")
            page.wait_for_timeout(300)  # the theme scrolls the navigation once the page is shown
            assert page.evaluate(home), path
    finally:
        context.close()


@pytest.fixture(scope="module")
def archive_site(tmp_path_factory):
    """The real texts built as an archive: the home page and the parallels page list months."""
    from build_tools import render, render_parallels

    project = copy_project(ROOT, tmp_path_factory.mktemp("months") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "CATALOGUE_ROWS", 2)
        patch.setattr(render_parallels, "PARALLELS_LISTED", 2)
        build_site(load_edition(project), project / "site")
    return project / "site"


def test_a_month_link_is_underlined_under_its_words_and_never_broken(browser, archive_site):
    """“7月（23）”: a link ending in a full-width “）” is underlined past it, under the bracket's
    empty half; the month is the link and the count follows it, kept on the month's line."""
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        for variant in ("", "zh-Hant/"):
            for path in ("index.html", "parallels.html"):
                page.goto((archive_site / variant / path).as_uri())
                months = page.eval_on_selector_all("article .month", """ms => ms.map(m => [
                    (m.matches('a') ? m : m.querySelector('a')).textContent, m.textContent,
                    new Set([...m.getClientRects()].map(r => r.top)).size])""")  # lines
                assert months, path
                assert [m for m in months if m[0][-1] in "）)" or not m[1].endswith("）") or m[2] != 1] == [], path
    finally:
        context.close()


# an element's background is the accent's transparent tint, as a :target paragraph's
MARKED = """el => { const probe = document.createElement('div');
    probe.style.background = 'var(--md-accent-fg-color--transparent)'; el.closest('article').append(probe);
    const tint = getComputedStyle(probe).backgroundColor; probe.remove();
    return getComputedStyle(el).backgroundColor === tint; }"""


def test_an_archive_s_text_links_the_catalogue_of_its_month_which_lists_it(browser, archive_site):
    page = browser.new_page()
    try:
        for variant in ("", "zh-Hant/"):
            for text in sorted((archive_site / variant / "texts").iterdir()):
                page.goto((text / "index.html").as_uri())
                link = page.locator("article details.doc-info a", has_text=re.compile("同月文獻|同月文献"))
                with page.expect_navigation():
                    link.click()
                assert "/catalogue/" in page.url and page.url.endswith("#" + text.name), text.name
                assert page.locator(f"article .catalogue a[href*='/{text.name}/']").count() == 1, text.name
                row = page.locator(f"article .catalogue tr:has(a[href*='/{text.name}/'])")  # marked, and in view
                row.evaluate("r => Promise.all(r.getAnimations().map(a => a.finished))")  # the theme fades rows in
                assert row.evaluate(MARKED) and row.evaluate("r => r.getBoundingClientRect().top > 0 && "
                                                             "r.getBoundingClientRect().bottom < innerHeight"), text.name
    finally:
        page.close()


def test_on_a_phone_the_text_starts_on_the_first_screen_its_card_one_tap_away(browser, site, http_root):
    """The card of metadata (date basis, provenance, SHA-256) filled a phone's first screen and
    more; closed there, it opens with a tap. On a desktop it stays open, and it prints."""
    texts = sorted(path.parent.relative_to(site).as_posix() for path in site.glob("texts/*/index.html"))
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    desk.add_init_script("window.shifted = 0; new PerformanceObserver(list => list.getEntries().forEach(e => "
                         "{ window.shifted += e.value; })).observe({type: 'layout-shift', buffered: true});")
    try:
        page, wide = phone.new_page(), desk.new_page()
        for text in texts:
            page.goto(f"{http_root}{text}/index.html")
            card = page.locator("article details.doc-info")
            assert not card.evaluate("d => d.open"), text
            assert page.locator("article p.para").first.evaluate("p => p.getBoundingClientRect().top < innerHeight"), text
            card.locator("summary").tap()
            assert card.evaluate("d => d.open") and card.locator("li").first.is_visible(), text
            wide.goto(f"{http_root}{text}/index.html")
            assert wide.locator("article details.doc-info").evaluate("d => d.open"), text
            wide.wait_for_timeout(300)
            assert wide.evaluate("window.shifted") < 0.01, text  # shown open from the first paint: opening moves nothing
        page.goto(f"{http_root}{texts[0]}/index.html")
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.locator("article details.doc-info li").first.is_visible()
        plain = browser.new_context(java_script_enabled=False).new_page()  # without scripts it prints open too
        plain.goto(f"{http_root}{texts[0]}/index.html")
        plain.emulate_media(media="print")
        assert plain.locator("article details.doc-info li").first.is_visible()
        plain.context.close()
    finally:
        phone.close()
        desk.close()
