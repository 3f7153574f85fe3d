"""Schema errors an editor can act on: all at once, at the field's own line, in plain Chinese,
with "did you mean" for a misspelt field and the command to run."""

from __future__ import annotations

import pytest

from build_tools.annotate import load_notes
from build_tools.errors import EditionError
from build_tools.wording import clipped, grouped
from tests.test_annotate import add_note, docs_of, note


def test_a_misspelt_field_is_named_at_its_own_line_with_a_suggestion(project):
    path, first = add_note(project, note().replace("  sources:", "  source:"))
    with pytest.raises(EditionError) as err:
        load_notes(project / "source_texts", docs_of(project))
    message = err.value.message
    assert "未知字段 'source'，是不是 'sources'？" in message and "did you mean 'sources'?" in message
    assert "note 'test-note'" in message  # the note by its id, not by an index
    assert "缺少必填字段 'sources'" not in message
    line = next(n for n, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if n >= first and t.startswith("  source:"))
    assert f"{path}:{line}: note 'test-note': 未知字段 'source'" in message  # the field's line, not the note's


def test_every_error_of_a_file_at_once(project):
    bad = note(id="first").replace("  author:", "  autor:") + note(id="second", date="22.11.2026")
    add_note(project, bad)
    with pytest.raises(EditionError) as err:
        load_notes(project / "source_texts", docs_of(project))
    message = err.value.message
    assert "'autor'，是不是 'author'？" in message
    assert "缺少必填字段 'author'" not in message  # the misspelling is the one error, not also a missing field
    assert "note 'second'.date: '22.11.2026' 格式不对" in message
    assert message.count("note 'second'.date") == 1  # not also as a calendar date, in other words


def test_long_lists_say_how_many_more():
    assert clipped([f"p{n}" for n in range(1, 13)]) == "p1, p2, p3, p4, p5, p6, p7, p8, …（另 4 项）"
    assert clipped(["p1", "p2"]) == "p1, p2"


def test_errors_of_a_run_are_grouped_by_file(tmp_path):
    from build_tools.errors import EditionErrors

    a, b = tmp_path / "a.yml", tmp_path / "b.yml"
    report = grouped(EditionErrors([EditionError(a, 3, "x"), EditionError(b, 1, "y"), EditionError(a, 1, "z")]))
    assert report.splitlines() == ["error: 3 处问题，涉及 2 个文件 (3 problem(s) in 2 file(s))",
                                   f"{a}:1: z", f"{a}:3: x", "", f"{b}:1: y"]


def test_a_text_error_and_a_glossary_error_are_reported_in_one_run(project):
    from build_tools.pipeline import load_edition

    spec = project / "source_texts" / "2010-xinhua-qa.yml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("kind: interview", "kind: interveiw"), encoding="utf-8")
    glossary = project / "source_texts" / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("  sources:", "  sourcse:", 1), encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_edition(project)
    message = err.value.message
    assert "'interveiw' 不是允许的值，是不是 'interview'？" in message
    assert f"{glossary}:" in message and "未知字段 'sourcse'，是不是 'sources'？" in message


def test_a_list_item_is_named_by_its_term_id_or_label_not_its_index():
    from build_tools.schema import field_name

    data = [{"term": "两张皮"}, {"id": "x"}, {"label": "维基百科“沈浩”条", "url": "https://zh.wikipedia.org/"},
            {"label": "繁體", "code": "zh-Hant"}]
    assert [field_name(data, (i, "f")) for i in range(4)] == [
        "term '两张皮'.f", "note 'x'.f", "reference '维基百科“沈浩”条'.f", "3.f"]
