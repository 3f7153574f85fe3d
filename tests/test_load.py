"""Stage load: every bad input stops with file:line and what to do."""

from __future__ import annotations

import pytest

from build_tools.errors import EditionError
from build_tools.model import date_order
from build_tools.load import load_text, load_texts, sha256_of, structure_files

LIU = "2010-04-14-liu-qi-beijing"


def test_all_texts_load_in_date_order(root):
    specs = load_texts(root / "source_texts")
    assert len(specs) == len(structure_files(root / "source_texts"))
    dates = [s.meta.date for s in specs]
    assert dates == sorted(dates, key=date_order)
    assert dates.index("2010") > dates.index("2010-07-23")  # a year's undated texts after its dated ones


def test_every_raw_text_records_its_sha256_and_matches_it(root):
    """Verbatim sources: the hash recorded beside each raw text when it was received (the
    loader compares them on every build; this test also insists every text records one)."""
    from build_tools.yamlio import load_yaml

    for path in structure_files(root / "source_texts"):
        data = load_yaml(path).data
        assert data.get("source_sha256") == sha256_of(root / "source_texts" / data["source"]), path.name


def test_a_changed_raw_text_is_refused_at_the_hash_line(project):
    raw = project / "source_texts" / f"{LIU}.txt"
    raw.write_bytes(raw.read_bytes().replace("北京".encode(), "北平".encode(), 1))
    path = project / "source_texts" / f"{LIU}.yml"
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("source_sha256:"))
    with pytest.raises(EditionError) as err:
        load_text(path)
    assert f"{LIU}.yml:{line}:" in err.value.message and "SHA-256" in err.value.message


def test_a_raw_text_without_its_yml_is_named_with_the_command(project):
    stray = project / "source_texts" / "2012-new-speech.txt"
    stray.write_text("标题\n正文。\n", encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_texts(project / "source_texts")
    assert f"{stray}: " in err.value.message
    assert "make new-text SRC=source_texts/2012-new-speech.txt" in err.value.message


@pytest.mark.parametrize("name", ["2010-xinhua-qa", "annotations/2010-xinhua-qa"])
def test_an_editorial_file_saved_as_yaml_is_an_error_not_left_out(project, name):
    path = project / "source_texts" / f"{name}.yml"
    path.rename(path.with_suffix(".yaml"))
    with pytest.raises(EditionError) as err:
        load_texts(project / "source_texts")
    assert f"{name}.yaml: " in err.value.message and "rename it to .yml" in err.value.message
    assert "raw text without a structure file" not in err.value.message


@pytest.mark.parametrize("slug,old,new,cause", [
    (LIU, "date: 2010-04-14", "date: 2010-04-15", "date 2010-04-15 differs from the 2010-04-14 the text prints"),
    (LIU, "date: 2010-04-14", "date: 2010-04-14\ndate_inferred: true", "the text prints its date: it is not inferred"),
    ("2010-07-23-central-office-notice", "date: 2010-07-23", "date: 2010-07-19", "differs from the 2010-07-23"),
])
def test_a_date_the_text_prints_is_its_date(project, slug, old, new, cause):
    """The notice prints its speech's dateline (2010-07-19) under a heading: its own date is the
    date of issue at its foot."""
    path = project / "source_texts" / f"{slug}.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_text(path)
    assert f"{path}:" in err.value.message and cause in err.value.message


def test_a_name_printed_with_a_space_is_cited_without_it(project):
    """刘 淇 is how a two-character name is set in print; a citation names 刘淇."""
    path = project / "source_texts" / f"{LIU}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("speaker: 刘淇", "speaker: 刘 淇", 1), encoding="utf-8")
    assert load_text(path).meta.speaker == "刘淇"


def test_not_utf8_names_file_and_line(project):
    raw = project / "source_texts" / f"{LIU}.txt"
    raw.write_bytes("在北京市\n第二行".encode("utf-8") + "再".encode("gb18030"))
    with pytest.raises(EditionError) as err:
        load_text(project / "source_texts" / f"{LIU}.yml")
    assert f"{LIU}.txt:2: 不是有效的 UTF-8" in err.value.message


def test_malformed_yaml_names_line(project):
    path = project / "source_texts" / f"{LIU}.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[8] = "occasion: [unclosed"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_text(path)
    assert f"{LIU}.yml:" in err.value.message and "malformed YAML" in err.value.message


def test_schema_violation_names_key_and_line(project):
    path = project / "source_texts" / f"{LIU}.yml"
    text = path.read_text(encoding="utf-8").replace("kind: speech", "kind: lecture")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("kind: lecture") + 1
    with pytest.raises(EditionError) as err:
        load_text(path)
    assert f"{LIU}.yml:{line}: kind: 'lecture' 不是允许的值" in err.value.message


def test_missing_required_field_is_reported(project):
    path = project / "source_texts" / f"{LIU}.yml"
    text = path.read_text(encoding="utf-8").replace("occasion: 北京市开展创先争优暨党员作风建设年活动动员大会\n", "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError, match=rf"{LIU}\.yml:\d+: 缺少必填字段 'occasion'"):
        load_text(path)


def test_bad_date_is_reported(project):
    path = project / "source_texts" / f"{LIU}.yml"
    text = path.read_text(encoding="utf-8").replace("date: 2010-04-14", "date: 14.4.2010")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError, match=r"\.yml:\d+: date: '14\.4\.2010' 格式不对"):
        load_text(path)


def test_an_unquoted_year_is_told_to_take_quotes_in_one_message(project):
    path = project / "source_texts" / f"{LIU}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2010-04-14", "date: 2010"), encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_text(path)
    assert err.value.message.count("\n") == 0  # not also "'2010' is not a date"
    assert "date: 应为文字，YAML 把 2010 读成了数字" in err.value.message and '写成 date: "2010"' in err.value.message


def test_reading_yaml_keeps_nothing_of_it_behind(root):
    """The scalar constructor remembers every node it builds unless told to forget: across an
    archive's thousands of files that was about 10 MB per 1,000 texts, held for the whole build."""
    from build_tools import yamlio

    for path in sorted((root / "source_texts").glob("*.yml")):
        yamlio.load_yaml(path)
    assert yamlio._CONSTRUCTOR.constructed_objects == {}


@pytest.mark.parametrize("folded, expected", [
    ("九十周年开展 之际", "九十周年开展之际"),  # a wrap between characters
    ("开展， 2011年7月", "开展，2011年7月"),  # a wrap after Chinese punctuation, before a digit
    ("见 “创先争优”", "见“创先争优”"),
    ("编号 001_c5f.txt", "编号 001_c5f.txt"),  # a space between a character and a Latin letter or digit stays
])
def test_folding_drops_the_spaces_of_wrapped_chinese_lines(folded, expected):
    from build_tools.yamlio import fold_cjk

    assert fold_cjk(folded) == expected
