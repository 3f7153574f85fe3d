"""Stage enrich (notes): anchoring by quote, every validation error, unsafe content refused."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from build_tools import safety
from build_tools.annotate import load_notes
from build_tools.errors import EditionError
from build_tools.load import load_texts
from build_tools.pipeline import load_edition
from build_tools.wording import problems
from build_tools.safety import unsafe_reason
from build_tools.segment import segment
from tests.test_site import run_cli

QA = "2010-xinhua-qa"


def docs_of(project):
    return tuple(segment(s) for s in load_texts(project / "source_texts"))


def rerecord_hash(raw):
    import re

    from build_tools.load import sha256_of

    spec = raw.with_suffix(".yml")
    text = re.sub(r"(?m)^source_sha256: [0-9a-f]{64}", f"source_sha256: {sha256_of(raw)}", spec.read_text(encoding="utf-8"))
    spec.write_text(text, encoding="utf-8")


def notes_file(project, slug=QA):
    return project / "source_texts" / "annotations" / f"{slug}.yml"


def add_note(project, text: str, slug=QA):
    path = notes_file(project, slug)
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return path, before.count("\n") + 1  # the new note's first line


NOTE = """- id: {id}
  paragraph: {paragraph}
  quote: {quote}
  body: {body}
  author: 编辑部
  date: {date}
  sources: []
"""


def note(id="test-note", paragraph="p6", quote="五带头", body="测试注释。", date="2026-11-22", extra=""):
    return NOTE.format(id=id, paragraph=paragraph, quote=quote, body=body, date=date) + extra


def test_notes_coverage_is_reported_naming_the_texts_without_notes(project):
    """A new text starts without notes: reported by `make check`, never a failure."""
    from build_tools.counts import notes_coverage

    notes_file(project).unlink()
    edition = load_edition(project)
    line = notes_coverage(list(edition.docs), edition.notes)
    bare = [d.meta.slug for d in edition.docs if not edition.notes[d.meta.slug]]  # QA, and any text an editor has just added
    assert QA in bare
    assert f"{len(edition.docs) - len(bare)} of {len(edition.docs)} texts annotated" in line
    assert line.endswith(f"without notes: {', '.join(bare)}")


def test_markers_follow_the_quoted_words(edition):
    for doc in edition.docs:
        for n in edition.notes[doc.meta.slug]:
            assert doc.block(n.paragraph).text[n.start:n.end] == n.quote
    assert [n.number for n in edition.notes[QA]] == list(range(1, len(edition.notes[QA]) + 1))


@pytest.mark.parametrize("text,message", [
    (note(paragraph="p99"), "中没有段落“p99” (unknown paragraph 'p99' in"),
    (note(quote="六带头"), "note 'test-note': p6 中找不到引文“六带头” (quote '六带头' not found in p6)"),
    (note(quote="五个好", paragraph="p10"), "(quote '五个好' not found in p10) — 这段文字在 p6 (it occurs in p6)"),
    (note(quote="创先争优活动", paragraph="p5"), "quote '创先争优活动' is ambiguous: it occurs 3 times in p5"),
    (note(id="wuge-hao-definition"), "note 'wuge-hao-definition': id 重复（第"),
    (note(date="2010-02-30"), "date: 日期不对 ('2010-02-30' is not a real date"),
    (note(date="22.11.2026"), "date: '22.11.2026' 格式不对"),
    (note().replace("  author: 编辑部\n", ""), "缺少必填字段 'author'"),
    (note(extra="  prefix: 不存在的前文\n"), "prefix/suffix fit none of the"),
    (note().replace("sources: []", "sources: [2010-xinhua-qa#p77]"), "source anchor '2010-xinhua-qa#p77' does not exist"),
])
def test_note_errors_name_file_line_and_id(project, text, message):
    path, line = add_note(project, text)
    with pytest.raises(EditionError) as err:
        load_notes(project / "source_texts", docs_of(project))
    assert message in err.value.message
    assert f"{path}:" in err.value.message


def test_a_quote_not_found_is_named_at_its_line_with_why(project, edition):
    """Two mistakes an editor makes copying words: from the traditional page, and across the
    end of a paragraph. Each is named, at the quote's own line."""
    doc = next(d for d in edition.docs if d.meta.slug == QA)
    first, second = doc.paragraphs[5], doc.paragraphs[6]
    for quote, why in [("五個好", "引文里有繁体字（個）"),
                       (first.text[-4:] + second.text[:4], f"引文跨越了 {first.id}、{second.id} 两段")]:
        path = notes_file(project)
        good = path.read_text(encoding="utf-8")
        _, line = add_note(project, note(paragraph=first.id, quote=quote))
        with pytest.raises(EditionError) as err:
            load_notes(project / "source_texts", docs_of(project))
        assert err.value.message.startswith(f"{path}:{line + 2}: note 'test-note': ") and why in err.value.message
        path.write_text(good, encoding="utf-8")


def test_an_unknown_paragraph_is_named_once_at_its_line(project):
    path, line = add_note(project, note(paragraph="p99"))
    result = run_cli(project, "check")
    assert result.returncode == 1 and result.stderr.count("p99") == 2  # one error: its Chinese and English
    assert f"{path}:{line + 1}: note 'test-note': {QA} 中没有段落“p99”" in result.stderr


def test_an_unregistered_source_is_named_at_the_sources_line(project):
    path, line = add_note(project, note().replace("sources: []", "sources: [没有登记的文献]"))
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert f"{path}:{line + 6}: note 'test-note': 来源“没有登记的文献”既不是语料锚点" in result.stderr
    assert "或 references.yml 中登记的标签" in result.stderr


def test_a_quote_that_does_not_fit_is_named_at_the_quote_line(project):
    path, line = add_note(project, note(quote="六带头"))
    with pytest.raises(EditionError) as err:
        load_notes(project / "source_texts", docs_of(project))
    assert err.value.message.startswith(f"{path}:{line + 2}: note 'test-note'")


def test_unknown_text_file_is_refused(project):
    path = notes_file(project, "2010-no-such-text")
    path.write_text(note(), encoding="utf-8")
    with pytest.raises(EditionError, match=r"2010-no-such-text\.yml:1: 没有标识为“2010-no-such-text”的文本 \(unknown text"):
        load_notes(project / "source_texts", docs_of(project))


def test_a_misnamed_notes_file_is_one_error_naming_the_nearest_text(project):
    """Not one error per note (each note's paragraph points into the unknown text), and not every
    slug of the archive: the nearest."""
    path = notes_file(project)
    path.rename(path.with_name(QA[:-1] + ".yml"))
    with pytest.raises(EditionError) as err:
        load_edition(project)
    errors = problems(err.value)
    assert len(errors) == 1, [e.message for e in errors]
    assert f"did you mean: {QA})" in errors[0].message
    assert "2010-04-14-liu-qi-beijing" not in errors[0].message


def test_a_suffix_that_fits_no_occurrence_shows_the_words_around_each(project):
    add_note(project, note(quote="创先争优活动", paragraph="p5", extra="  suffix: 的出发点\n"))
    with pytest.raises(EditionError) as err:
        load_notes(project / "source_texts", docs_of(project))
    text = next(d for d in docs_of(project) if d.meta.slug == QA).block("p5").text
    first = text.index("创先争优活动")
    assert "prefix/suffix 与 p5 中“创先争优活动”的 3 处都对不上" in err.value.message
    assert f"…{text[max(0, first - 6):first]}【创先争优活动】{text[first + 6:first + 12]}…" in err.value.fix


def test_prefix_disambiguates(project):
    add_note(project, note(quote="创先争优活动", paragraph="p5", extra="  suffix: 的落脚点\n"))
    notes = load_notes(project / "source_texts", docs_of(project))[QA]
    added = next(n for n in notes if n.id == "test-note")
    text = next(d for d in docs_of(project) if d.meta.slug == QA).block("p5").text
    assert text[added.end:].startswith("的落脚点") and text.count("创先争优活动") == 3


def test_quote_refound_after_harmless_whitespace_changes(project):
    """Whitespace in the quote, and new whitespace inside the raw text, change nothing."""
    add_note(project, note(quote="五 带\u3000头"))
    raw = project / "source_texts" / "2010-04-14-liu-qi-beijing.txt"
    text = raw.read_text(encoding="utf-8")
    raw.write_text(text.replace("建设世界城市的目标", "建设世界 城市的\u00a0目标"), encoding="utf-8")
    rerecord_hash(raw)  # as if the file had been received with this layout
    notes = load_notes(project / "source_texts", docs_of(project))
    assert next(n for n in notes[QA] if n.id == "test-note").quote == "五带头"
    assert next(n for n in notes["2010-04-14-liu-qi-beijing"] if n.id == "world-city").quote == "围绕建设世界城市的目标"


UNSAFE = {
    "script tag": "好<script>alert(1)</script>",
    "script tag upper case": "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
    "img onerror": '<img src=x onerror="alert(1)">',
    "svg with script": "<svg><script>alert(1)</script></svg>",
    "svg onload": "<svg/onload=alert(1)>",
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "javascript link": "[点这里](javascript:alert(1))",
    "javascript link mixed case": "[点这里](JaVaScRiPt:alert(1))",
    "javascript link with entity": "[点这里](jav&#x09;ascript:alert(1))",
    "javascript link with tab": "[点这里](java\tscript:alert(1))",
    "vbscript link": "[点这里](vbscript:msgbox(1))",
    "data link": "[点这里](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data image": "![图](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "image": "![图](https://example.org/x.png)",
    "reference-style javascript link": "[点这里][x]\n\n[x]: javascript:alert(1)",
    "autolink javascript": "<javascript:alert(1)>",
    "entity-encoded script": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "numeric-entity script": "&#60;script&#62;alert(1)&#60;/script&#62;",
    "attribute list onclick": "好\n{: onclick=\"alert(1)\" }",
    "attribute list style": "好\n{: style=\"background:url(javascript:alert(1))\" }",
    "html comment": "好<!-- <script>alert(1)</script> -->",
    "object tag": '<object data="x.swf"></object>',
}


@pytest.mark.parametrize("payload", UNSAFE.values(), ids=UNSAFE.keys())
def test_unsafe_body_is_refused(project, payload):
    assert unsafe_reason(payload) is not None
    body = '"' + payload.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    path, line = add_note(project, note(body=body))
    with pytest.raises(EditionError) as err:
        load_notes(project / "source_texts", docs_of(project))
    assert f"{path}:{line}: note 'test-note': 正文" in err.value.message


def test_an_autolink_is_told_how_to_write_a_link():
    assert unsafe_reason("见 <https://zh.wikipedia.org/> 。").startswith("链接写成了 <https://…>；请写成 [文字](https://…)")


@pytest.mark.parametrize("safe", ["普通文字。", "**强调**和*斜体*", "[维基百科](https://zh.wikipedia.org/)",
                                  "[本版](../../about.md#scope)", "- 一\n- 二", "引文：“五个好”", "a < b 与 c&d"])
def test_safe_markdown_passes(safe):
    assert unsafe_reason(safe) is None


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
       .filter(lambda t: safety._PLAIN.fullmatch(t)))
def test_text_without_ascii_syntax_renders_to_plain_text_only(text):
    # the premise of unsafe_reason's fast path: no tags but <p>, no attributes
    rendered = BeautifulSoup(safety._MARKDOWN.reset().convert(text), "html.parser")
    assert all(el.name == "p" and not el.attrs for el in rendered.find_all(True))
