"""MkDocs hooks, named by each variant's generated config (build/mkdocs.<code>.yml). Thin and
self-contained (MkDocs loads this file by its path, also in a bare `mkdocs build`): no edition
logic, only what the rendered HTML needs on its way to disk."""

from __future__ import annotations

import re

# Elements whose whitespace is content (or code): left exactly as the theme wrote them.
_VERBATIM = re.compile(r"(<(pre|textarea|script|style|code)\b.*?</\2\s*>)", re.S | re.I)
_INDENTED_BREAK = re.compile(r"[ \t\r\f]*\n\s*")


def compact_html(html: str) -> str:
    """The theme's templates indent every line and leave the lines of unused branches blank:
    about a fifth of a text page. A run of whitespace holding a line break becomes that one
    line break, which renders the same in normal flow (CSS collapses the run either way)."""
    pieces = _VERBATIM.split(html)  # text, verbatim element, its tag name, text, …
    for at in range(0, len(pieces), 3):
        pieces[at] = _INDENTED_BREAK.sub("\n", pieces[at])
    return "".join(piece for at, piece in enumerate(pieces) if at % 3 != 2)


def directory_url(url: str) -> str:
    """texts/x/index.html -> texts/x/: the address the edition cites a page by (its citations,
    TEI and annotations), which a web server answers with that index.html."""
    return url[:-len("index.html")] if url == "index.html" or url.endswith("/index.html") else url


def on_env(env, config, files):
    env.filters["directory_url"] = directory_url
    return env


def on_page_context(context, page, config, nav):
    if page.canonical_url:  # <link rel="canonical"> and the sitemap's <loc>
        page.canonical_url = directory_url(page.canonical_url)
    return context


def on_post_page(output: str, page, config) -> str:
    return compact_html(output)


def on_post_template(output_content: str, template_name: str, config) -> str:
    return compact_html(output_content) if template_name.endswith(".html") else output_content
