"""Contributed text may carry no script, and plain-text fields no markup at all.

Markdown fields (note bodies, glossary explanations) have two lines of defence: the source may
contain no HTML at all (also not as entities that decode to markup), and the HTML it renders to,
with the site's own Markdown extensions, must use only an allowlist of tags, attributes and URL
schemes. They are checked in the form that is rendered: after folding, converted into every
script, and together with the other fields that share a page (a reference definition in one
field would turn a `[1]` anywhere on the page into a link), so reference definitions are refused.

Plain-text fields (titles, names, labels, reasons, glosses…) are escaped at render, and on top
of that accept none of the characters that Markdown or HTML read as syntax.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

import markdown
from bs4 import BeautifulSoup

EXTENSIONS = ["attr_list", "tables", "admonition", "pymdownx.details", "md_in_html", "toc"]  # as in mkdocs.yml
ALLOWED_TAGS = {"p", "a", "em", "strong", "code", "ul", "ol", "li", "blockquote", "br", "hr", "table", "thead",
                "tbody", "tr", "th", "td", "del", "sup", "sub"}
ALLOWED_ATTRS = {"a": {"href"}}  # no title: the theme shows a title as HTML in its tooltip
SAFE_SCHEMES = {"", "http", "https", "mailto"}
_RAW_HTML = re.compile(r"<[a-zA-Z!/?]")  # what HTML parsers read as a tag; "a < b" is text
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
# Markdown syntax is ASCII: text with no ASCII punctuation, space or control character renders
# to one plain paragraph, so it needs no rendering to be judged (most notes in Chinese).
_PLAIN = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]*")
# Python-Markdown scans to the end of the text for every '[' it cannot close and for every level
# of nesting: 20,000 '[' took minutes. Links in a note are few, flat and closed; the structure is
# checked in one pass before rendering.
MAX_BRACKETS = 64
MAX_NESTING = 3
_EMPHASIS_RUN = re.compile(r"\*{4,}|_{4,}")
_NESTING = re.compile(r"^(?:[ \t]*>){4}|^(?:[ \t]*[-*+][ \t]+){4}", re.M)

# Plain text: no HTML (< > &), no Markdown (link brackets, emphasis '*', code '`', escapes,
# attribute lists '{ }', table pipes, a heading '#' at the start), no control or invisible
# formatting characters (bidi overrides, zero-width). '(' ')' and '_' stay: real provenance and
# date notes use them, and without brackets they build no link; the renderer escapes them anyway.
_INVISIBLE = r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\u061c\u3164\ufeff\ufff9-\ufffb\ufffe\uffff]"  # controls, bidi and zero-width formatting, noncharacters
_PLAIN_REFUSED = re.compile(r"[<>&\[\]*`\\{}|]|^\s*#|" + _INVISIBLE)
# A reference (a note's or entry's source) may be a URL or a bibliographic line: '#', '&', '/'
# and ':' are allowed, markup and entities are not.
_REFERENCE_REFUSED = re.compile(r"[<>\[\]`\\{}|]|&#?\w+;|" + _INVISIBLE)

_MARKDOWN = markdown.Markdown(extensions=EXTENSIONS)


def _refused(pattern: re.Pattern, text: str) -> str | None:
    found = pattern.search(text)
    if not found:
        return None
    char = found.group().strip() or found.group()
    shown = f"'{char}'" if char.isprintable() else f"U+{ord(char[-1]):04X}"
    return f"含有{shown}，这是标记或控制字符 (contains {shown}, which is markup or a control character)"


def plain_text_reason(text: str) -> str | None:
    """Why this plain-text field is refused, or None."""
    return _refused(_PLAIN_REFUSED, text)


def reference_reason(text: str) -> str | None:
    return _refused(_REFERENCE_REFUSED, text)


def _bracket_reason(text: str) -> str | None:
    if text.count("[") > MAX_BRACKETS:
        return (f"“[”超过 {MAX_BRACKETS} 个（链接写作 [文字](https://…)）；括号请用全角【】 "
                f"(has more than {MAX_BRACKETS} '[' (links are marked [text](https://…)); use full-width 【】 for brackets)")
    depth = 0
    for char in re.findall(r"\\.|[\[\]]", text):
        if char == "[":
            depth += 1
            if depth > MAX_NESTING:
                return (f"“[”嵌套超过 {MAX_NESTING} 层；文中的括号请用全角【】 "
                        f"(nests '[' more than {MAX_NESTING} deep; use full-width 【】 for brackets in the text)")
        elif char == "]":
            depth = max(depth - 1, 0)
    if depth:
        return ("有一个“[”没有闭合；链接写作 [文字](https://…)，括号写作【】 "
                "(has a '[' that is never closed; write links as [text](https://…) and brackets as 【】)")
    if _NESTING.search(text):
        return "引用或列表嵌套超过三层 (nests quotes or lists more than three levels deep)"
    if _EMPHASIS_RUN.search(text):  # long runs nest emphasis so deep that the Markdown parser overflows
        return ("“*”或“_”连写超过三个；强调写作 *文字* 或 **文字** "
                "(more than three '*' or '_' in a row; emphasis is *text* or **text**)")
    return None


@lru_cache(maxsize=4096)
def unsafe_reason(text: str) -> str | None:
    """Why this Markdown is refused, or None when it is safe."""
    if _PLAIN.fullmatch(text):
        return None
    if raw := _RAW_HTML.search(text):
        at = raw.start()
        found = text[at:at + 2]
        if re.match(r"<https?:", text[at:], re.I):  # an autolink: the one form of a link refused
            return ("链接写成了 <https://…>；请写成 [文字](https://…) "
                    "(a link written as <https://…>; write it as [text](https://…))")
        return f"含有 HTML（{found}…）；请写普通 Markdown (contains raw HTML ({found}…); write plain Markdown)"
    decoded = html.unescape(html.unescape(text))
    if decoded != text and _RAW_HTML.search(decoded):
        return ("含有解码后成为标记的 HTML 实体；请写普通 Markdown "
                "(contains HTML entities that decode to markup; write plain Markdown)")
    structure = _bracket_reason(text)
    if structure:
        return structure
    rendered = _MARKDOWN.reset().convert(text)
    if _MARKDOWN.references:
        label = next(iter(_MARKDOWN.references))
        return (f"定义了引用式链接“[{label}]: …”，会把页面上所有的 [{label}] 都变成链接；"
                "请把链接写在行内：[文字](https://…) "
                f"(defines a reference link '[{label}]: …', which would turn every [{label}] on the page into a link; "
                "write links inline as [text](https://…))")
    return rendered_html_reason(rendered)


def rendered_html_reason(rendered: str, allowed: dict[str, set[str]] | None = None) -> str | None:
    """Why this rendered HTML is refused: a tag, attribute or URL scheme outside the allowlist
    (`allowed`: extra tag -> attributes permitted in this context)."""
    allowed = allowed or {}
    for el in BeautifulSoup(rendered, "html.parser").find_all(True):
        if el.name not in ALLOWED_TAGS and el.name not in allowed:
            what = "images are not allowed" if el.name == "img" else f"<{el.name}> is not allowed"
            zh = "不允许图片" if el.name == "img" else f"不允许 <{el.name}>"
            return f"生成了被拒绝的标记：{zh} (renders to markup that is refused: {what})"
        for attr, value in el.attrs.items():
            if attr == "id" and value.startswith("__"):  # the theme finds its own elements by these (#__config)
                return (f"id“{value}”以 __ 开头，是主题自用的标识 "
                        f"(the id '{value}' starts with __, as the theme's own elements do)")
            if attr not in ALLOWED_ATTRS.get(el.name, set()) | allowed.get(el.name, set()):
                return (f"在 <{el.name}> 上生成了被拒绝的属性“{attr}”（不允许属性列表） "
                        f"(renders to a refused attribute '{attr}' on <{el.name}> (attribute lists are not allowed))")
            if attr in ("href", "action"):
                scheme = urlsplit(_CONTROL.sub("", html.unescape(value))).scheme.lower()
                if scheme not in SAFE_SCHEMES:
                    return (f"链接使用了被拒绝的协议“{scheme}:”；请用 http(s) 链接 "
                            f"(links to a refused URL scheme '{scheme}:'; use an http(s) link)")
    return None


# Hand-written pages (docs/*.md) are Markdown with headings, ids and classes, and may hold these
# few HTML elements with these attributes only (the search page's live results region, the 404 page's search form).
DOCS_ALLOWED = {**{f"h{n}": {"id", "class"} for n in range(1, 7)}, "p": {"id", "class"}, "pre": set(),
                "span": {"lang"},  # a passage kept in one script (convert.keeping_tagged_script)
                "div": {"id", "class", "aria-live"}, "details": {"class"}, "summary": set(),
                # the 404 page's search form (a GET to search.html)
                "form": {"class", "role", "aria-label", "action", "method", "markdown"}, "label": {"for"},
                "input": {"id", "type", "name", "autocomplete"}, "button": {"type"}}
_DOCS_MARKDOWN = markdown.Markdown(extensions=EXTENSIONS)


FRONT_MATTER_KEYS = ("title", "description")  # what build_tools escapes; the theme prints any key raw
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def docs_page_reason(text: str) -> tuple[int, str] | None:
    """(line, reason) when a hand-written page's front matter holds a key other than its title and
    description, or the page would render to markup outside the allowlist."""
    front = FRONT_MATTER.match(text)
    for n, line in enumerate(front[1].splitlines() if front else [], start=2):
        key = line.split(":", 1)[0].strip()
        if line.strip() and key not in FRONT_MATTER_KEYS:
            return n, (f"页首只能写 title 和 description，不能写“{key}”：主题会把它原样写进页面 "
                       f"(front matter holds only title and description, not '{key}', which the theme prints raw)")

    def reason_of(source: str) -> str | None:
        return rendered_html_reason(_DOCS_MARKDOWN.reset().convert(source), DOCS_ALLOWED)

    reason = reason_of(text)
    if not reason:
        return None
    return next((i for i, line in enumerate(text.splitlines(), 1) if reason_of(line)), 1), reason


def page_reason(fields: list[str]) -> str | None:
    """Why the Markdown fields that share one rendered page are refused together, or None."""
    return unsafe_reason("\n\n".join(fields)) if len(fields) > 1 else unsafe_reason(fields[0]) if fields else None
