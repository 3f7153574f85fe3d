"""Notes open in the popover over the text and keep their place in the list at the end."""

from __future__ import annotations

import pytest

HC = "texts/2010-hecheng-district-mobilisation/index.html"


@pytest.mark.parametrize("variant,words", [("", "过来”疑为“过去”之误"), ("zh-Hant/", "過來”疑為“過去”之誤")])
def test_marker_opens_the_note_after_its_words(page, base_url, variant, words):
    page.goto(base_url + variant + HC)
    marker = page.locator("#ref-guolai-slip")
    before = marker.evaluate("m => { const r = document.createRange(); r.setStart(m.closest('p'), 0); "
                             "r.setEndBefore(m); return r.toString(); }")
    assert before.endswith(("过来开展的", "過來開展的"))  # right after the quoted words
    marker.click()
    popover = page.locator(".edition-popover")
    assert popover.is_visible() and words in popover.inner_text()
    assert marker.get_attribute("aria-expanded") == "true"
    marker.click()
    assert page.locator(".edition-popover").count() == 0


def test_notes_list_links_back_to_the_spot(page, base_url):
    page.goto(base_url + HC + "#note-guolai-slip")
    back = page.locator("#note-guolai-slip a.note-back")
    assert back.get_attribute("href") == "#ref-guolai-slip"
    back.click()
    assert page.url.endswith("#ref-guolai-slip")
