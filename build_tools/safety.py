"""Contributed Markdown (annotation bodies, glossary explanations) may carry no script.

Two lines of defence: the source may contain no HTML at all (also not as entities that decode
to markup), and the HTML it renders to, with the site's own Markdown extensions, must use only
an allowlist of tags, attributes and URL schemes. Anything else is refused with the reason.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

import markdown
from bs4 import BeautifulSoup

EXTENSIONS = ["attr_list", "tables", "admonition"]  # what the site renders contributions with
ALLOWED_TAGS = {"p", "a", "em", "strong", "code", "ul", "ol", "li", "blockquote", "br", "hr", "table", "thead",
                "tbody", "tr", "th", "td", "del", "sup", "sub"}
ALLOWED_ATTRS = {"a": {"href", "title"}}
SAFE_SCHEMES = {"", "http", "https", "mailto"}
_RAW_HTML = re.compile(r"<[a-zA-Z!/?]")  # what HTML parsers read as a tag; "a < b" is text
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
# Markdown syntax is ASCII: text with no ASCII punctuation, space or control character renders
# to one plain paragraph, so it needs no rendering to be judged (most notes in Chinese).
_PLAIN = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]*")


_MARKDOWN = markdown.Markdown(extensions=EXTENSIONS)


@lru_cache(maxsize=4096)
def unsafe_reason(text: str) -> str | None:
    """Why this Markdown is refused, or None when it is safe."""
    if _PLAIN.fullmatch(text):
        return None
    if _RAW_HTML.search(text):
        return f"contains raw HTML ({_RAW_HTML.search(text).group()}…); write plain Markdown"
    decoded = html.unescape(html.unescape(text))
    if decoded != text and _RAW_HTML.search(decoded):
        return "contains HTML entities that decode to markup; write plain Markdown"
    rendered = _MARKDOWN.reset().convert(text)
    for el in BeautifulSoup(rendered, "html.parser").find_all(True):
        if el.name not in ALLOWED_TAGS:
            what = "images are not allowed" if el.name == "img" else f"<{el.name}> is not allowed"
            return f"renders to markup that is refused: {what}"
        for attr, value in el.attrs.items():
            if attr not in ALLOWED_ATTRS.get(el.name, set()):
                return f"renders to a refused attribute '{attr}' on <{el.name}> (attribute lists are not allowed)"
            if attr == "href":
                scheme = urlsplit(_CONTROL.sub("", html.unescape(value))).scheme.lower()
                if scheme not in SAFE_SCHEMES:
                    return f"links to a refused URL scheme '{scheme}:'; use an http(s) link"
    return None
