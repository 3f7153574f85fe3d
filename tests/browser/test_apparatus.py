"""The apparatus as a reader meets it: one popover for notes, parallels, glossary terms and
corrections, opened by click, tap or keyboard, over the text and never moving it; named for
what it is; the reading control; the marks a print shows. Online and from file://."""

from __future__ import annotations

import json
import shutil

import pytest
from bs4 import BeautifulSoup

from build_tools.export import citations
from tests.browser.test_pages import COLOUR_RULES, serious_violations

QA = "texts/2010-xinhua-qa/index.html"
LIU = "texts/2010-04-14-liu-qi-beijing/index.html"
# kind -> (page, marker, what the popover says, its accessible name), simplified script
KINDS = {
    "note": (QA, "#ref-third-batch", "分三个批次", "注释 3"),
    "parallel": (QA, "a.parallel-ref[aria-controls*=' ']", "区委书记", "互见文句：区委书记"),
    "term": (QA, "#p6 a.term >> text=五个好", "先进基层党组织的标准", "术语：五个好"),
    "correction": (LIU, "#p2 span.corr >> nth=0", "原文作“刚才,几位同志”", "校改：刚才，几位同志"),
    "paragraph": (QA, "#p3 a.pnum", "/edition/texts/2010-xinhua-qa/#p3", "引用第3段"),
}


def boxes(page):
    return page.evaluate("[...document.querySelectorAll('article p.para')].map(p => "
                         "{ const r = p.getBoundingClientRect(); return [r.x, r.y + scrollY, r.width, r.height]; })")


def show_everything(page):
    """The reading control: markers of parallels are hidden by default."""
    for box in page.locator(".reading-control input").all():
        box.check()


def open_marker(page, kind, base_url, how):
    path, selector, words, name = KINDS[kind]
    page.goto(base_url + path)
    show_everything(page)
    marker = page.locator(selector)
    marker.scroll_into_view_if_needed()
    before = boxes(page)
    if how == "tap":
        marker.tap()
    elif how == "click":
        marker.click()
    else:
        marker.focus()
        page.keyboard.press(how)
    popover = page.locator(".edition-popover")
    popover.wait_for(state="visible", timeout=3000)
    page.wait_for_timeout(300)  # a popover that closes itself again (mouseover + click) would be gone
    assert popover.count() == 1 and popover.is_visible()
    assert words in popover.inner_text()
    assert popover.get_attribute("aria-label").startswith(name)
    assert boxes(page) == before, "opening the popover moved the text"
    return marker, popover


@pytest.fixture
def touch_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    yield context.new_page()
    context.close()


def test_a_term_in_another_form_names_the_headword_its_pinyin_spells(page, base_url):
    """创先争优活动 links the entry 创先争优: the pinyin shown is the headword's, so the popover
    names the headword beside the words of the text."""
    page.goto(base_url + QA)
    link = page.locator("a.term[data-term]").first
    headword, pinyin = link.get_attribute("data-term"), link.get_attribute("data-pinyin")
    assert headword != link.inner_text()
    link.scroll_into_view_if_needed()
    link.click()
    head = page.locator(".edition-popover .edition-popover__head")
    head.wait_for(state="visible", timeout=3000)
    assert head.locator("strong").inner_text() == link.inner_text()
    assert head.locator(".edition-popover__headword").inner_text() == "即" + headword
    assert head.locator(".edition-popover__pinyin").inner_text() == pinyin


@pytest.mark.parametrize("kind", KINDS)
def test_one_tap_opens_and_it_stays_open(touch_page, base_url, kind):
    open_marker(touch_page, kind, base_url, "tap")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", ["click", "Enter", " "])
def test_click_or_key_opens_over_the_text_and_escape_gives_focus_back(page, base_url, kind, how):
    marker, popover = open_marker(page, kind, base_url, how)
    assert marker.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.classList.contains('edition-popover')")
    page.keyboard.press("Escape")
    assert page.locator(".edition-popover").count() == 0
    assert marker.evaluate("m => m === document.activeElement")
    assert marker.get_attribute("aria-expanded") == "false"


def test_an_outside_click_closes_and_the_entry_link_is_inside(page, base_url):
    marker, popover = open_marker(page, "term", base_url, "click")
    assert page.url.split("#")[0].endswith(QA)  # the tap did not leave the page
    page.mouse.click(5, 400)
    assert page.locator(".edition-popover").count() == 0
    marker.click()
    with page.expect_navigation():
        page.locator(".edition-popover a").click()
    assert page.url.split("#")[0].endswith("glossary/wu-ge-hao.html")


def test_a_later_link_to_an_entry_shows_the_gloss_the_first_one_carries(page, base_url):
    """Gloss and pinyin are on a page's first link to an entry only (page weight); every link's
    popover shows them."""
    page.goto(base_url + QA)
    later = page.locator("a.term[href]:not([data-gloss])").first
    href = later.get_attribute("href")
    first = page.locator(f'a.term[data-gloss][href="{href}"]')
    assert first.count() == 1
    gloss, pinyin = first.get_attribute("data-gloss"), first.get_attribute("data-pinyin")
    later.scroll_into_view_if_needed()
    later.click()
    popover = page.locator(".edition-popover")
    popover.wait_for(state="visible", timeout=3000)
    assert gloss in popover.inner_text() and pinyin in popover.inner_text()
    assert later.inner_text() in popover.inner_text()


@pytest.mark.parametrize("kind", KINDS)
def test_the_popover_fits_a_320_px_screen(browser, base_url, kind):
    context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True, is_mobile=True)
    page = context.new_page()
    _, popover = open_marker(page, kind, base_url, "tap")
    box = popover.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    width_open = page.evaluate("document.documentElement.scrollWidth")
    page.keyboard.press("Escape")
    assert page.evaluate("document.documentElement.scrollWidth") == width_open  # it widens nothing
    context.close()


@pytest.mark.parametrize("kind", ["note", "parallel", "paragraph"])
def test_on_a_short_window_the_popover_opens_below_its_marker_and_fits(browser, base_url, kind):
    """A note's or a parallel's passage ends at its marker: a popover opened above would cover what
    it comments on. With the marker at the bottom of a short desktop window the page scrolls it up
    and the popover opens below it, whole inside the window, the marker still in view."""
    context = browser.new_context(viewport={"width": 1280, "height": 560})
    page = context.new_page()
    path, selector, words, _ = KINDS[kind]
    page.goto(base_url + path)
    show_everything(page)
    marker = page.locator(selector)
    marker.evaluate("m => scrollBy({ top: m.getBoundingClientRect().bottom - innerHeight + 30, behavior: 'instant' })")
    assert 500 <= marker.bounding_box()["y"] <= 540, "the test needs its marker at the window's bottom"
    marker.click()
    popover = page.locator(".edition-popover")
    popover.wait_for(state="visible", timeout=3000)
    assert words in popover.inner_text()
    m, b = marker.bounding_box(), popover.bounding_box()
    header = page.locator(".md-header").bounding_box()
    assert b["y"] >= m["y"] + m["height"], "the popover covers the passage above its marker"
    assert b["y"] + b["height"] <= 560
    assert m["y"] >= header["y"] + header["height"], "the marker scrolled out of view"
    context.close()


def test_on_a_phone_a_paragraphs_citations_open_whole(browser, base_url):
    """Three citations fill most of a phone's window: the page scrolls the paragraph number up to
    the header rather than cut the last citation off inside a scrolling box."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    marker, popover = open_marker(page, "paragraph", base_url, "tap")
    assert "Chicago" in popover.inner_text()
    assert popover.evaluate("p => p.scrollHeight <= p.clientHeight + 1"), "the citations scroll inside the popover"
    m, b = marker.bounding_box(), popover.bounding_box()
    assert m["y"] >= page.locator(".md-header").bounding_box()["height"] and b["y"] >= m["y"] + m["height"]
    assert b["y"] + b["height"] <= 844
    context.close()


HECHENG = "texts/2010-hecheng-district-mobilisation/index.html"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_correction_does_not_look_like_a_glossary_term(browser, http_root, scheme):
    """Both open a popover, but a correction is the editors' change to the text, a term a gloss:
    a reader tells them apart at a glance, and the difference keeps AA contrast."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    look = "el => ['backgroundColor', 'borderBottomStyle', 'borderBottomColor', 'textDecorationLine']" \
           ".map(p => getComputedStyle(el)[p])"
    try:
        for variant in ("", "zh-Hant/"):
            page.goto(http_root + variant + HECHENG)
            correction = page.locator("#p2 span.corr", has_text="下面，我就")
            term = page.locator("#p2 a.term").first
            assert correction.evaluate(look) != term.evaluate(look)
            assert serious_violations(page, COLOUR_RULES) == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_differences_between_parallel_wordings_stand_out(browser, http_root, scheme):
    """On the parallels page and in a text's 互见文句, what differs has a background a reader
    sees at a glance, and the text on it keeps AA contrast."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        for variant in ("", "zh-Hant/"):
            for path in ("parallels.html", HECHENG):
                page.goto(http_root + variant + path)
                diffs = page.locator("article .diff")
                assert diffs.count() > 3
                lifts = diffs.evaluate_all(f"els => els.map(el => ({LIFT})(el))")
                texts = diffs.evaluate_all(f"els => els.map(el => ({CONTRAST})(el))")
                assert min(lifts) >= 1.3 and min(texts) >= 4.5, (path, min(lifts), min(texts))
                assert serious_violations(page, COLOUR_RULES) == []
    finally:
        context.close()


def test_hover_inserts_nothing(page, base_url):
    page.goto(base_url + QA)
    show_everything(page)
    before = boxes(page)
    for selector in ["a.parallel-ref", "a.term", "a.note-ref"]:
        page.locator(selector).first.hover()
    page.wait_for_timeout(300)
    assert page.locator(".edition-popover").count() == 0 and boxes(page) == before


@pytest.mark.parametrize("variant,names", [
    ("", ["注释 3", "互见文句：区委书记：创先争优活动动员会讲话 ¶11；刘淇", "第3段，复制链接与引文"]),
    ("zh-Hant/", ["註釋 3", "互見文句：區委書記：創先爭優活動動員會講話 ¶11；劉淇", "第3段，複製鏈接與引文"])])
def test_markers_are_named_for_what_they_are(page, base_url, variant, names):
    page.goto(base_url + variant + QA)
    labels = [page.locator(s).get_attribute("aria-label")
              for s in ["#ref-third-batch", "a.parallel-ref[aria-controls*=' ']", "#p3 a.pnum"]]
    assert [label.startswith(name) for label, name in zip(labels, names)] == [True] * 3, labels
    assert page.locator("article [title]").count() == 0  # the theme renders a title as HTML
    page.goto(base_url + variant + LIU)
    corr = page.locator("#p2 span.corr").first
    assert corr.get_attribute("aria-label") == "校改：" + corr.inner_text()  # not the corrected words alone (same in both scripts)


def test_a_note_marker_is_readable_and_never_starts_a_line(browser, site, http_root):
    """On every text page at phone widths, no note or parallel marker stands first on a line (a
    marker after a glossary term once wrapped away from it: “五个好” / [6])."""
    texts = sorted(path.parent.relative_to(site).as_posix() for path in site.glob("texts/*/index.html"))
    assert texts
    for width in (320, 390):
        context = browser.new_context(viewport={"width": width, "height": 640})
        context.add_init_script("localStorage.setItem('edition.reading', JSON.stringify({parallels: true}))")  # markers shown
        page = context.new_page()
        for text in texts:
            page.goto(f"{http_root}{text}/index.html")
            sizes = page.eval_on_selector_all("a.note-ref", "ms => ms.map(m => parseFloat(getComputedStyle(m).fontSize))")
            assert not sizes or min(sizes) >= 12.5
            starts = page.eval_on_selector_all("article p.para a.note-ref", """ms => ms.filter(m => {
                const left = m.closest('p').getBoundingClientRect().left, r = m.getClientRects()[0];
                return r && r.left - left < 2 && m.closest('p').querySelector('a.pnum').getBoundingClientRect().top < r.top - 5;
            }).map(m => m.closest('p').id + ' ' + m.textContent)""")
            assert starts == [], (width, text)
        context.close()


def test_the_reading_control_is_remembered_across_pages_and_visits(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + QA)
    assert page.locator("a.parallel-ref").first.is_hidden()  # calm by default
    passages = page.locator("#parallels ~ div.note.parallel").count()
    assert passages > page.locator("a.parallel-ref").count()  # one marker stands for two passages here
    assert page.locator(".reading-control label:has(input[name=parallels])").inner_text().endswith(f"（{passages}）")
    assert f"本文有{passages}处" in page.locator("#parallels + p").inner_text()  # the section says the same
    page.locator(".reading-control input[name=terms]").uncheck()
    assert page.locator("a.term[href]").count() == 0  # plain text, no tab stop
    page.locator(".reading-control input[name=parallels]").check()
    page.locator(".md-nav a[href$='2010-04-14-liu-qi-beijing/index.html']").first.click()
    page.wait_for_load_state("load")
    assert page.url.split("#")[0].endswith(LIU)
    assert not page.locator(".reading-control input[name=terms]").is_checked()
    assert page.locator("a.term[href]").count() == 0 and page.locator("a.parallel-ref").first.is_visible()
    later = context.new_page()  # a later visit
    later.goto(base_url + QA)
    assert later.locator("a.term[href]").count() == 0
    context.close()


COLOURS = """
  const rgba = c => { const v = c.match(/[\\d.]+/g).map(Number); return v.length > 3 ? v : [...v, 1]; };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const white = [255, 255, 255, 1];
  const backdrop = el => {  // the backgrounds behind the element, translucent ones (a :target tint) included
    const layers = [];
    for (let node = el; node; node = node.parentElement) layers.push(rgba(getComputedStyle(node).backgroundColor));
    return layers.reverse().reduce((under, top) => over(top, under), white);
  };
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
"""
# Text against what is behind it; on paper (no background is printed), against white.
CONTRAST = "(el, paper) => {" + COLOURS + """
  const back = paper ? white : backdrop(el);
  return ratio(over(rgba(getComputedStyle(el).color), back), back);
}"""
# How far an element's background stands out from its surroundings'.
LIFT = "el => {" + COLOURS + "  return ratio(backdrop(el), backdrop(el.parentElement));\n}"


@pytest.mark.parametrize("variant", ["", "zh-Hant/"])
def test_print_shows_the_text_numbers_notes_and_citation_without_the_apparatus(page, base_url, variant):
    page.goto(base_url + variant + QA)
    show_everything(page)
    page.emulate_media(media="print")
    for selector in ["a.parallel-ref", ".reading-control", ".md-header", ".md-sidebar--primary", ".screen-only",
                     "#parallels", "article details:not(.doc-info)"]:
        assert page.locator(selector).first.is_hidden(), selector
    assert page.locator("#p3 a.pnum").is_visible() and page.locator("#ref-third-batch").is_visible()
    assert page.locator("#notes ~ .note").first.is_visible()  # the notes, as endnotes
    assert page.eval_on_selector("#p6 a.term", "a => getComputedStyle(a).borderBottomStyle") == "none"
    margins = page.evaluate("[...document.querySelectorAll('head style')].map(s => s.textContent).join('')")
    assert "@bottom-left" in margins and f"/edition/{variant}texts/2010-xinhua-qa/" in margins
    assert "@top-center" in margins and ("答新华社记者问" in margins or "答新華社記者問" in margins)


NOTICE = "texts/2010-07-23-central-office-notice/index.html"  # letterhead, dateline, speaker


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("variant", ["", "zh-Hant/"])
def test_print_is_dark_on_white_whatever_the_screen_scheme(browser, base_url, variant, scheme):
    """Paper has no page background (a browser prints none by default): every line of the title,
    the metadata and the text reads at AA against white, also printed from a dark screen."""
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + variant + NOTICE)
    page.emulate_media(media="print", color_scheme=scheme)
    assert page.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
    # a light page, its margins too (the theme's script puts a dark color-scheme <meta> in the page)
    assert page.evaluate("getComputedStyle(document.documentElement).color") == "rgb(0, 0, 0)"
    lines = "article :is(h1, .apparatus, .admonition li, p.para, .note p, .citation, td)"
    assert page.locator(".apparatus.speaker").count() == 1 and page.locator(".apparatus.dateline").count() == 1
    on_paper = f"els => els.map(el => [el.className || el.tagName, ({CONTRAST})(el, true)])"
    ratios = page.eval_on_selector_all(lines, on_paper)
    assert len(ratios) > 20 and [r for r in ratios if r[1] < 4.5] == []
    context.close()


@pytest.mark.parametrize("variant", ["", "zh-Hant/"])
def test_print_has_plain_numbers_and_no_links_or_controls(page, base_url, variant):
    """On paper ¶N and every other link is plain text, paragraph numbers stay (the citation
    anchors), and what only works on a screen (buttons, the download links) is not printed."""
    page.goto(base_url + variant + QA)
    page.locator("#p3 a.pnum").click()  # focused, its popover with the copy buttons open
    page.emulate_media(media="print")
    assert page.locator("#p3 a.pnum").is_visible() and page.locator("#p3 a.pnum").inner_text() == "3"
    shown = "els => els.filter(el => el.getClientRects().length)"
    decorated = page.eval_on_selector_all("article a, article .corr", shown + """.map(el => getComputedStyle(el))
        .filter(s => s.textDecorationLine !== 'none' || s.borderBottomStyle !== 'none').length""")
    assert decorated == 0
    assert page.eval_on_selector_all("article a[href^='#p'], .note a", shown + ".length") > 5
    assert page.eval_on_selector_all("button, .edition-popover", shown + ".length") == 0
    assert page.locator("article a[href$='.bib']").is_hidden()  # the downloads
    assert page.locator("#cite ~ .citation").first.is_visible() and page.locator("#editorial").is_visible()


def test_paragraph_numbers_print_inside_the_page_whole(page, base_url):
    """Chromium clips what lies in a page's margin: a number stands in the paragraph's own box."""
    page.goto(base_url + LIU)
    page.emulate_media(media="print")
    outside = page.eval_on_selector_all("article p.para", """ps => ps.filter(p => {
        const n = p.querySelector('a.pnum').getBoundingClientRect(), box = p.getBoundingClientRect();
        return n.left < box.left || n.right > box.left + parseFloat(getComputedStyle(p).paddingLeft);
      }).map(p => p.id)""")
    assert page.locator("article p.para").count() > 9 and outside == []  # ¶10 and on too


@pytest.mark.parametrize("kind", KINDS)
def test_tab_out_of_a_popover_returns_to_its_marker_either_way(page, base_url, kind):
    """The popover is appended to the page's end: leaving it by Tab must not land in the footer or at the top."""
    for key in ["Tab", "Shift+Tab"]:
        marker, popover = open_marker(page, kind, base_url, "Enter")
        stops = popover.locator("a[href], button").count()
        for _ in range(stops + 1 if key == "Tab" else 1):  # past the last control, or back from the box
            page.keyboard.press(key)
        assert page.locator(".edition-popover").count() == 0, key
        assert marker.evaluate("m => m === document.activeElement"), key


def test_a_control_reached_backwards_is_not_left_under_the_header(page, base_url):
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(base_url + LIU + "#p8")
    page.wait_for_timeout(300)
    hidden = []
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        hidden += page.evaluate("""() => {
            const el = document.activeElement, header = document.querySelector('.md-header').getBoundingClientRect();
            return el.closest('article') && el.getBoundingClientRect().top < header.bottom ? [el.outerHTML.slice(0, 80)] : [];
          }""")
    assert hidden == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_reading_controls_show_where_focus_is(browser, base_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + QA)
    page.keyboard.press("Tab")  # keyboard modality: :focus-visible
    page.locator(".reading-control input").first.focus()
    style = page.locator(".reading-control input").first.evaluate("i => getComputedStyle(i).outlineStyle")
    context.close()
    assert style == "solid"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_paragraph_numbers_meet_aa_contrast_with_a_24_px_target(browser, base_url, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + QA + "#p3")
    numbers = page.locator("article a.pnum").all()[:4]
    assert len(numbers) == 4
    for number in numbers:
        box = number.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
        assert number.evaluate(CONTRAST) >= 4.5
    context.close()


VARIANTS = {"": "zh-CN", "zh-Hant/": "zh-TW"}


@pytest.fixture(scope="module")
def paragraph_citations(site, edition):
    """What citeproc-js renders, with the official styles, from each page's own CSL-JSON for real
    paragraphs: every paragraph of the Xinhua interview, the first and last of every text."""
    if not shutil.which("node") or not citations.CITEPROC.is_dir():
        pytest.skip("Node and node_modules (make node_modules/.installed) are needed to run citeproc-js")
    wanted = {d.meta.slug: [b.id[1:] for b in d.paragraphs] for d in edition.docs}
    wanted = {slug: ids if slug == "2010-xinhua-qa" else [ids[0], ids[-1]] for slug, ids in wanted.items()}
    by_lang = {lang: json.loads((site / prefix / "citations" / "edition.json").read_text(encoding="utf-8"))
               for prefix, lang in VARIANTS.items()}
    rendered = citations.render(by_lang, {lang: wanted for lang in by_lang})["paragraph"]
    items = {lang: {i["id"]: i for i in found} for lang, found in by_lang.items()}
    return {(prefix, slug, n): [items[lang][slug]["URL"] + f"#p{n}",
                                *(rendered[lang][style][slug][n] for style in citations.STYLES)]
            for prefix, lang in VARIANTS.items() for slug, numbers in wanted.items() for n in numbers}


def test_paragraph_citations_are_what_citeproc_js_renders(page, base_url, paragraph_citations):
    """The popover of a paragraph number shows the permalink, GB/T 7714-2015 and Chicago exactly
    as citeproc-js renders them for that paragraph, in both scripts, online and from file://."""
    pages = sorted({(prefix, slug) for prefix, slug, _ in paragraph_citations})
    for prefix, slug in pages:
        page.goto(f"{base_url}{prefix}texts/{slug}/index.html")
        numbers = [n for p, s, n in paragraph_citations if (p, s) == (prefix, slug)]
        shown = page.evaluate("ns => ns.map(n => window.editionParagraphCitations('p' + n).map(p => p[1]))", numbers)
        accessed = page.evaluate("window.editionAccessed")  # the reader's date, GB/T's [引用日期]
        expected = {n: [c.replace(citations.ACCESSED, accessed) for c in paragraph_citations[prefix, slug, n]]
                    for n in numbers}
        assert shown == [expected[n] for n in numbers], (prefix, slug)
        labels = page.evaluate("window.editionParagraphCitations('p1').map(p => p[0])")
        assert labels[1:] == list(citations.STYLES.values())
        for n in (numbers[0], numbers[-1]):  # the control itself
            page.locator(f"#p{n} a.pnum").click()
            popover = page.locator(".edition-popover")
            assert popover.locator(".edition-cite__text").all_inner_texts() == expected[n]
            page.keyboard.press("Escape")


def test_a_paragraph_citation_is_copied_from_the_keyboard(page, base_url):
    page.goto(base_url + "zh-Hant/" + LIU)
    number = page.locator("#p12 a.pnum")
    number.focus()
    page.keyboard.press("Enter")
    popover = page.locator(".edition-popover")
    popover.wait_for(state="visible", timeout=3000)
    assert page.url.endswith("#p12") and popover.get_attribute("aria-label") == "引用第12段"
    page.keyboard.press("Tab")  # the close button
    page.keyboard.press("Tab")  # the permalink's copy button
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # Chicago's
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "複製Chicago"
    page.keyboard.press("Enter")
    chicago = popover.locator(".edition-cite__text").nth(2).inner_text()
    assert "段 12" in chicago and chicago.endswith("/zh-Hant/texts/2010-04-14-liu-qi-beijing/#p12.")
    page.wait_for_function("document.body.dataset.lastCitation !== undefined")
    assert page.evaluate("document.body.dataset.lastCitation") == chicago
    page.wait_for_selector(".edition-toast", state="visible", timeout=3000)  # after the clipboard promise
    page.keyboard.press("Escape")
    assert number.evaluate("m => m === document.activeElement")


def test_gb_t_citations_carry_the_date_the_reader_consults_the_text(page, base_url, site):
    """GB/T 7714-2015's [引用日期] for an online text: written in when the page opens; the page
    without script shows the citation without it, never the placeholder."""
    import datetime

    for prefix in ("", "zh-Hant/"):
        static = (site / prefix / LIU).read_text(encoding="utf-8")
        assert citations.ACCESSED in static  # in the data the script fills
        shown_static = BeautifulSoup(static, "html.parser").select_one('p.citation[data-citation-style="gb-t-7714-2015"]')
        assert citations.ACCESSED not in shown_static.get_text() and "[Z/OL]" in shown_static.get_text()
        page.goto(base_url + prefix + LIU)
        accessed = page.evaluate("window.editionAccessed")
        assert abs(datetime.date.fromisoformat(accessed) - datetime.date.today()) <= datetime.timedelta(days=1)
        gbt = page.locator('article p.citation[data-citation-style="gb-t-7714-2015"]')
        assert f"[{accessed}]. https://" in gbt.inner_text() and f"[{accessed}]" in gbt.get_attribute("data-citation")
        assert citations.ACCESSED not in page.locator("article").inner_text()
        assert f"[{accessed}]" not in page.locator('article p.citation[data-citation-style="chicago"]').inner_text()
