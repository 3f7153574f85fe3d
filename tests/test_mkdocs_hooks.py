"""The renderer hooks: the compacted HTML renders as the theme's did."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from build_tools.mkdocs_hooks import compact_html
from tests.sitecheck import html_pages

VERBATIM_TAGS = ("pre", "textarea", "script", "style", "code")


def rendered_words(html: str) -> list[str]:
    """What normal flow shows (whitespace runs collapse) plus every verbatim element exactly."""
    soup = BeautifulSoup(html, "html.parser")
    verbatim = [str(tag) for tag in soup.find_all(VERBATIM_TAGS)]
    for tag in soup.find_all(VERBATIM_TAGS):
        tag.decompose()
    return soup.get_text(" ").split() + verbatim


def test_indentation_and_blank_lines_go_and_verbatim_elements_stay():
    html = ("<nav>\n    <a href=x>\n\n      首页\n    </a>\n  </nav>\n"
            "<pre>  keep\n\n    this  </pre>\n   <script>\n  var s = `a\n   b`;\n</script>\n"
            "<p>前文 <code>a\n   b</code>   后文\n\t 继续</p>")
    compacted = compact_html(html)
    assert compacted == ("<nav>\n<a href=x>\n首页\n</a>\n</nav>\n"
                         "<pre>  keep\n\n    this  </pre>\n<script>\n  var s = `a\n   b`;\n</script>\n"
                         "<p>前文 <code>a\n   b</code>   后文\n继续</p>")


pieces = st.lists(st.one_of(st.sampled_from(["<p>", "</p>", "<span>", "</span>", "文", "ab", " ", "\n", "\t",
                                             "  \n  ", "<pre> x\n  y </pre>", "<code>\n c </code>"]),
                            st.text(alphabet=" \n\t文a<>", max_size=6).map(lambda s: s.replace("<", "&lt;")
                                                                              .replace(">", "&gt;"))),
                  max_size=40)


@given(pieces)
def test_compacting_never_changes_what_renders(parts):
    html = "".join(parts)
    assert rendered_words(compact_html(html)) == rendered_words(html)
    assert compact_html(compact_html(html)) == compact_html(html)


def test_the_built_pages_are_compacted(site):
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        outside = re.sub(r"<(pre|textarea|script|style|code)\b.*?</\1\s*>", "<>", html, flags=re.S)
        assert not re.search(r"\n[ \t]+|\n\n", outside), page
