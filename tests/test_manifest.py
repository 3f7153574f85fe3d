"""Invariant 2, stable anchors: published ids cannot vanish or move without a deliberate update."""

from __future__ import annotations

import json

import pytest

from build_tools import manifest
from build_tools.errors import EditionError
from build_tools.pipeline import check, load_edition

LIU = "2010-04-14-liu-qi-beijing"


def test_committed_manifest_matches_the_texts(edition):
    check(edition)


def test_manifest_records_every_id_of_both_kinds(edition, root):
    recorded = json.loads((root / "anchors.manifest.json").read_text(encoding="utf-8"))
    for doc in edition.docs:
        assert list(recorded[doc.meta.slug]) == [b.id for b in doc.blocks if b.id]


def remove_break(project, phrase):
    # Renumbering would also (rightly) stop the build at this text's notes; this test is about
    # the manifest, so the text goes without notes here.
    (project / "source_texts" / "annotations" / f"{LIU}.yml").unlink()
    path = project / "source_texts" / f"{LIU}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"  - break: {phrase}\n", ""), encoding="utf-8")


def test_removing_a_break_fails_and_names_the_manifest_line(project):
    remove_break(project, "五是要加快城镇化")  # p17 merges into p16: p16 changes, p36 disappears
    with pytest.raises(EditionError) as err:
        check(load_edition(project))
    text = err.value.message
    assert "anchors.manifest.json:" in text
    assert f"{LIU}#p16 现在指向另一段文字" in text and f"{LIU}#p36 已不存在" in text
    assert "make manifest" in text


def test_deliberate_update_is_accepted(project):
    remove_break(project, "五是要加快城镇化")
    edition = load_edition(project)
    manifest.write(edition.manifest_path, list(edition.docs))
    check(load_edition(project))


def test_new_ids_must_be_recorded(project):
    (project / "source_texts" / "annotations" / f"{LIU}.yml").unlink()
    path = project / "source_texts" / f"{LIU}.yml"
    text = path.read_text(encoding="utf-8").replace("  - break: 同志们，在全市开展创先争优活动\n",
                                                    "  - break: 同志们，在全市开展创先争优活动\n  - break: 让我们紧密团结\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError, match=r"new ids not yet recorded\): p37"):
        check(load_edition(project))
