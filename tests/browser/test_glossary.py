"""A reader hovers a marked term and sees its gloss, in both scripts, online and offline."""

from __future__ import annotations

import pytest

QA = "texts/2010-xinhua-qa/index.html"


@pytest.mark.parametrize("variant,gloss", [("", "先进基层党组织的标准"), ("zh-Hant/", "先進基層黨組織的標準")])
def test_hovering_a_term_shows_its_gloss(page, base_url, variant, gloss):
    page.goto(base_url + variant + QA)
    term = page.locator("#p6 a.term").filter(has_text="五个好" if not variant else "五個好").first
    term.hover()
    tooltip = page.locator(".md-tooltip2--active, [role=tooltip]:visible").first
    tooltip.wait_for(state="visible", timeout=3000)
    assert gloss in tooltip.inner_text()
    assert term.get_attribute("href").endswith("glossary/wu-ge-hao.html")


def test_term_link_opens_the_entry_with_its_occurrences(page, base_url):
    page.goto(base_url + QA)
    page.locator("#p6 a.term").filter(has_text="五个好").first.click()
    page.wait_for_load_state("load")
    assert page.url.split("#")[0].endswith("glossary/wu-ge-hao.html")
    assert page.locator("h1").inner_text().startswith("五个好")
    assert page.locator("#occurrences ~ ul li, h3[id^=in-] + ul li").count() == 3
