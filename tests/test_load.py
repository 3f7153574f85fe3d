"""Stage load: every bad input stops with file:line and what to do."""

from __future__ import annotations

import pytest

from build_tools.errors import EditionError
from build_tools.load import load_text, load_texts

LIU = "2010-04-14-liu-qi-beijing"


def test_all_texts_load_in_date_order(root):
    specs = load_texts(root / "source_texts")
    assert len(specs) == 5
    assert [s.meta.date for s in specs] == sorted(s.meta.date for s in specs)


def test_raw_texts_are_byte_identical_to_the_seeds(root):
    import hashlib

    seeds = root.parent / "shared" / "seeds"
    if not seeds.exists():
        pytest.skip("shared/seeds not beside this checkout")
    seed_hashes = {hashlib.sha256(p.read_bytes()).hexdigest(): p.name for p in seeds.glob("*.txt")}
    for spec in load_texts(root / "source_texts"):
        raw = (root / "source_texts" / spec.meta.source_file).read_bytes()
        assert hashlib.sha256(raw).hexdigest() in seed_hashes, spec.meta.slug
    assert len(seed_hashes) == 5


def test_not_utf8_names_file_and_line(project):
    raw = project / "source_texts" / f"{LIU}.txt"
    raw.write_bytes("在北京市\n第二行".encode("utf-8") + "再".encode("gb18030"))
    with pytest.raises(EditionError) as err:
        load_text(project / "source_texts" / f"{LIU}.yml")
    assert f"{LIU}.txt:2: not valid UTF-8" in err.value.message


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
    assert f"{LIU}.yml:{line}: kind: 'lecture' is not one of" in err.value.message


def test_missing_required_field_is_reported(project):
    path = project / "source_texts" / f"{LIU}.yml"
    text = path.read_text(encoding="utf-8").replace("occasion: 北京市开展创先争优暨党员作风建设年活动动员大会\n", "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError, match=rf"{LIU}\.yml:\d+: \(top level\): 'occasion' is a required property"):
        load_text(path)


def test_bad_date_is_reported(project):
    path = project / "source_texts" / f"{LIU}.yml"
    text = path.read_text(encoding="utf-8").replace("date: 2010-04-14", "date: 14.4.2010")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError, match=r"\.yml:\d+: date: '14\.4\.2010' does not match"):
        load_text(path)
