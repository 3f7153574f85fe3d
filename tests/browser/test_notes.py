"""A reader opens a note in place, by mouse or keyboard, in both scripts, online and offline."""

from __future__ import annotations

import pytest

HC = "texts/2010-hecheng-district-mobilisation/index.html"


@pytest.mark.parametrize("variant,words", [("", "过来”疑为“过去”之误"), ("zh-Hant/", "過來”疑為“過去”之誤")])
def test_marker_opens_the_note_in_place(page, base_url, variant, words):
    page.goto(base_url + variant + HC)
    marker = page.locator("#ref-guolai-slip")
    assert marker.evaluate("m => m.previousSibling.textContent.endsWith('过来开展的') || "
                           "m.previousSibling.textContent.endsWith('過來開展的')")  # right after the quote
    marker.click()
    popover = page.locator(".note-popover")
    assert popover.is_visible() and words in popover.inner_text()
    assert marker.get_attribute("aria-expanded") == "true"
    assert popover.evaluate("p => p.previousElementSibling.id") == "p11"  # in place, after its paragraph
    marker.click()
    assert page.locator(".note-popover").count() == 0


def test_keyboard_opens_and_escape_closes(page, base_url):
    page.goto(base_url + HC)
    page.locator("#ref-guolai-slip").focus()
    page.keyboard.press("Enter")
    assert page.locator(".note-popover").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('note-popover')")
    page.keyboard.press("Escape")
    assert page.locator(".note-popover").count() == 0
    assert page.evaluate("document.activeElement.id") == "ref-guolai-slip"


def test_notes_list_links_back_to_the_spot(page, base_url):
    page.goto(base_url + HC + "#note-guolai-slip")
    back = page.locator("#note-guolai-slip a.note-back")
    assert back.get_attribute("href") == "#ref-guolai-slip"
    back.click()
    assert page.url.endswith("#ref-guolai-slip")
