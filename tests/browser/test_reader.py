"""What a reader sees and does, in a real browser, online and from file://."""

from __future__ import annotations

import contextlib
import re

import pytest

from build_tools import manifest, references
from build_tools.bench import copy_project
from build_tools.load import load_texts
from build_tools.pipeline import load_edition
from build_tools.segment import segment
from build_tools.site import build_site
from tests.conftest import ROOT

LIU = "texts/2010-04-14-liu-qi-beijing/index.html"


def switch_to(page, lang):
    """Click the switcher as a reader does. (Playwright's own click first scrolls its target into
    view: on a busy machine, while the menu was still sliding open, that scrolled the page by
    84 px, and the switcher rightly aimed at the paragraph then in view.)"""
    page.hover(".md-header .md-select button")
    link = page.locator(f"a.edition-variant[hreflang={lang}]")
    link.wait_for(state="visible")
    link.evaluate("a => Promise.all(a.closest('.md-select').getAnimations({subtree: true}).map(x => x.finished))")
    box = link.bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_load_state("load")


def test_switcher_keeps_page_and_anchor(page, base_url):
    page.goto(base_url + LIU + "#p10")
    switch_to(page, "zh-Hant")
    assert re.search(r"/zh-Hant/texts/2010-04-14-liu-qi-beijing/index\.html#p10$", page.url)
    assert page.locator("#p10").inner_text().startswith("10")
    assert "黨員作風建設年活動" in page.locator("#p10").inner_text()
    switch_to(page, "zh-Hans")
    assert re.search(r"/texts/2010-04-14-liu-qi-beijing/index\.html#p10$", page.url) and "zh-Hant" not in page.url
    assert "党员作风建设年活动" in page.locator("#p10").inner_text()


def test_the_readers_light_or_dark_choice_survives_the_script_switcher(page, base_url):
    page.goto(base_url + LIU)
    scheme = "document.body.dataset.mdColorScheme"
    assert page.evaluate(scheme) == "default"  # the browser asks for light
    page.locator("[data-md-component=palette] label:visible").click()  # the reader picks dark
    assert page.evaluate(scheme) == "slate"
    switch_to(page, "zh-Hant")
    assert page.evaluate(scheme) == "slate"
    page.locator("[data-md-component=palette] label:visible").click()  # and light again
    switch_to(page, "zh-Hans")
    assert page.evaluate(scheme) == "default"


def scroll_to(page, anchor):
    # twice: the first scroll brings new glyphs on screen, and a late fallback font may reflow
    # the text above (seen under load)
    for _ in range(2):
        page.evaluate("document.fonts.ready.then(() => 1)")
        page.locator(anchor).evaluate("el => el.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(150)


def test_switcher_without_anchor_keeps_the_paragraph_in_view(page, base_url):
    page.goto(base_url + LIU)
    scroll_to(page, "#p20")
    switch_to(page, "zh-Hant")
    landed = int(page.url.rsplit("#p", 1)[1])
    assert 19 <= landed <= 21


def test_switcher_from_the_top_of_a_page_opens_the_other_at_its_top(page, base_url):
    for path in (LIU, "index.html", "glossary/index.html"):
        page.goto(base_url + path)
        switch_to(page, "zh-Hant")
        assert "#" not in page.url and page.evaluate("window.scrollY") == 0, path


def test_switcher_on_the_search_page_keeps_the_query(page, base_url):
    page.goto(base_url + "search.html?q=%E5%85%9A%E5%91%98&kind=note")
    page.wait_for_selector(".search-snippet", timeout=10000)
    switch_to(page, "zh-Hant")
    assert page.url.split("/zh-Hant/", 1)[1].startswith("search.html?q=%E5%85%9A%E5%91%98&kind=note")


def test_switcher_goes_to_the_paragraph_in_view_not_a_stale_anchor(page, base_url):
    page.goto(base_url + LIU)
    page.click("#p2 a.pnum")  # the URL now ends in #p2
    scroll_to(page, "#p10")
    near = page.evaluate("[...document.querySelectorAll('p.para[id], h2[id], h3[id]')].map(el => el.id)")
    near = near[near.index("p9"):near.index("p12")]  # p10 starts under the header: a neighbour is right too
    switch_to(page, "zh-Hant")
    assert page.url.rsplit("#", 1)[1] in near


def test_paragraph_number_copies_permalink_and_citation(page, base_url):
    page.goto(base_url + LIU)
    page.click("#p12 a.pnum")
    popover = page.locator(".edition-popover")
    texts = popover.locator(".edition-cite__text").all_inner_texts()
    assert texts[0] == "https://cxzy-edition.github.io/edition/" + LIU.replace("index.html", "#p12")  # the public permalink
    assert texts[1].startswith("刘淇. 在北京市开展创先争优暨党员作风建设年活动动员大会上的讲话[Z/OL]")
    assert texts[1].endswith("/texts/2010-04-14-liu-qi-beijing/#p12.")
    assert page.url.endswith("#p12")
    popover.locator(".edition-cite__copy").nth(1).click()
    page.wait_for_function("document.body.dataset.lastCitation !== undefined")
    assert page.evaluate("document.body.dataset.lastCitation") == texts[1]
    page.wait_for_selector(".edition-toast", state="visible", timeout=3000)  # after the clipboard promise


def test_pages_make_no_request_outside_the_site(page, base_url):
    for path in ["index.html", LIU, "editorial.html", "about.html", "search.html?q=两张皮", "glossary/index.html",
                 "glossary/wu-ge-hao.html", "timeline.html", "zh-Hant/" + LIU, "zh-Hant/index.html"]:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("article").count() == 1
    assert page.outside_requests == []


def test_a_text_page_loads_only_what_it_shows(page, base_url):
    # no sitemap.xml (the theme's own switcher), no search index (loaded on search only),
    # nothing missing (the pruned theme assets)
    requested, failed = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    for path in [LIU, "zh-Hant/" + LIU]:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
    assert any(url.endswith(".css") for url in requested) and any(url.endswith("edition.js") for url in requested)
    assert [url for url in requested if "sitemap" in url or "search-index" in url] == []
    assert failed == []


def test_a_link_to_a_texts_old_editorial_record_lands_on_the_record(page, base_url):
    """The first edition listed each text's interventions on the editorial page (#<slug>);
    they are now at the end of the text's own page."""
    for prefix in ("", "zh-Hant/"):
        page.goto(base_url + prefix + "editorial.html#2010-04-14-liu-qi-beijing")
        page.wait_for_url(re.compile(re.escape(prefix + LIU.replace("index.html", "index.html#editorial")) + "$"))
        assert page.locator("#editorial").is_visible()
    page.goto(base_url + "editorial.html#principles")  # the page's own sections stay
    assert page.url.endswith("editorial.html#principles")


def test_each_text_leads_to_the_next_and_previous_in_date_order(page, site, edition):
    """Reading an archive in date order: the foot of each text page links its neighbours, the
    first text's previous and the last text's next being pages other than texts, in both scripts."""
    slugs = [d.meta.slug for d in edition.docs]  # in date order (test_load)
    for variant in ["", "zh-Hant/"]:
        order = [(site / variant / "texts" / slug / "index.html").as_uri() for slug in slugs]
        for k, url in enumerate(order):
            page.goto(url)
            prev, next_ = (page.locator(f".md-footer__link--{direction}").evaluate("a => a.href")
                           for direction in ("prev", "next"))
            assert prev == order[k - 1] if k > 0 else "/texts/" not in prev
            assert next_ == order[k + 1] if k + 1 < len(order) else "/texts/" not in next_


@pytest.fixture(scope="module")
def renumbered_site(tmp_path_factory):
    """The real texts after a published paragraph of Liu Qi's speech (¶4) was split in two:
    every later id moved on by one, and `make manifest` recorded it."""
    project = copy_project(ROOT, tmp_path_factory.mktemp("renumbered") / "project")
    spec = project / "source_texts" / "2010-04-14-liu-qi-beijing.yml"
    after = "  - break: 全市各级党组织都要以高度的政治责任感\n"
    spec.write_text(spec.read_text(encoding="utf-8").replace(after, after + "  - break: 特别是要深刻理解\n"), encoding="utf-8")
    docs = [segment(s) for s in load_texts(project / "source_texts")]
    manifest.update(project / "anchors.manifest.json", docs, "2026-11-24", references.scan(project))
    build_site(load_edition(project), project / "site")
    return project / "site"


@pytest.mark.parametrize("online", [True, False])
def test_a_reader_arriving_at_a_renumbered_id_is_told_where_its_words_are_now(browser, renumbered_site, online):
    from tests.browser.conftest import served
    from tests.browser.test_pages import serious_violations

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)

    def arrive(url):  # in a new tab, as from a link in a paper
        tab = context.new_page()
        tab.goto(url)
        return tab

    try:
        with served(renumbered_site) if online else contextlib.nullcontext(renumbered_site.as_uri() + "/") as base:
            for prefix, title in (("", "段号变更"), ("zh-Hant/", "段號變更")):
                page = arrive(f"{base}{prefix}{LIU}#p5")  # a citation made before the split
                notice = page.locator(".id-change-notice")
                assert notice.locator(".admonition-title").text_content() == title
                assert "2026年11月24日以前引用的 ¶5，所引文字今在 ¶6。" in notice.text_content()
                assert notice.locator("a[href='#p6']").count() == 1
                box, header = notice.bounding_box(), page.locator(".md-header").bounding_box()
                assert box["y"] >= header["y"] + header["height"] and box["y"] + box["height"] < 844  # in view
                assert page.evaluate("document.getElementById('p5').previousElementSibling.matches('.id-change-notice')")
                page.wait_for_timeout(300)  # the theme answers a scroll up with its back-to-top button
                assert page.evaluate("document.querySelector('.md-top').matches('[hidden], .md-top--hidden')")
                assert serious_violations(page) == []
                page = arrive(f"{base}{prefix}{LIU}#p4")  # split: its words are now in two paragraphs
                assert "¶4，所引文字今在 ¶4–¶5。" in page.locator(".id-change-notice").text_content()
                page.goto(f"{base}{prefix}index.html")
                page.goto(f"{base}{prefix}{LIU}#p6")  # from within the edition, whose links name today's ids
                assert page.locator(".id-change-notice").count() == 0
                assert page.locator("#id-changes").count() == 1  # the record itself stays at the end
    finally:
        context.close()
