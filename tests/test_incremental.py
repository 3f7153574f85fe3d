"""The live preview's fast path for note edits (build_tools/incremental.py) against the full
pipeline: after a note edit, the Markdown the fast path writes, and then the full write of the
Edition it derived, equal what write_markdown writes after a fresh load_edition of the same
inputs. Real pipeline, real OpenCC; on the real corpus and on a small synthetic one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from build_tools.bench import make_corpus
from build_tools.errors import EditionError
from build_tools.incremental import LastBuild, changed_files, only_notes, snapshot
from build_tools.pipeline import check, load_edition
from build_tools.site import write_markdown, write_pages

REAL = "2010-xinhua-qa"
NEW_NOTE = """- id: preview-added-note
  paragraph: {paragraph}
  quote: {quote}
  kind: context
  body: 预览测试新加的注释，说明“{quote}”。
  author: 编辑部
  date: 2026-11-22
  sources: []
"""


def tree(root: Path) -> dict[str, str]:
    md = root / "build" / "md"
    return {p.relative_to(md).as_posix(): p.read_text(encoding="utf-8") for p in sorted(md.rglob("*")) if p.is_file()}


def full_build(project: Path) -> LastBuild:
    inputs = snapshot(project)
    edition = load_edition(project)
    check(edition)
    write_markdown(edition)
    return LastBuild(edition, inputs)


def note_files(project: Path) -> list[Path]:
    return sorted((project / "source_texts" / "annotations").glob("*.yml"))


def reword(path: Path) -> None:
    """Change the wording of the file's first note without touching its anchoring."""
    notes = yaml.safe_load(path.read_text(encoding="utf-8"))
    notes[0]["body"] += "（预览改稿）"
    path.write_text(yaml.safe_dump(notes, allow_unicode=True, sort_keys=False), encoding="utf-8")


def add_note(path: Path, edition) -> None:
    """Add a note on the first four characters that occur once in a paragraph of the text."""
    doc = next(d for d in edition.docs if d.meta.slug == path.stem)
    paragraph, quote = next((b.id, b.text[i:i + 4]) for b in doc.paragraphs for i in range(len(b.text) - 4)
                            if b.text.count(b.text[i:i + 4]) == 1 and not set(b.text[i:i + 4]) & set("：:，,。\"“”#[]{}'"))
    with path.open("a", encoding="utf-8") as out:
        out.write(NEW_NOTE.format(paragraph=paragraph, quote=quote))


def assert_incremental_equals_full(project: Path, edit) -> None:
    """Build, edit notes, take the fast path, and compare with a full build of the edited inputs."""
    last = full_build(project)
    edited = edit(project, last.edition)
    inputs = snapshot(project, last.inputs)
    changed = changed_files(last.inputs, inputs)
    assert changed == set(edited) and only_notes(project, changed)

    state, pages = last.after_note_edit(changed, inputs)
    for code, variant_pages in pages.items():
        write_pages(variant_pages, project / "build" / "md" / code, remove_stale=False)
    fast = tree(project)

    fresh = project.parent / f"{project.name}-fresh"
    shutil.copytree(project, fresh, symlinks=True)
    shutil.rmtree(fresh / "build" / "md")
    full_build(fresh)
    expected = tree(fresh)

    # What the fast path leaves to the background write is the search index, nothing a reader sees on a page.
    behind = sorted(p for p in fast.keys() | expected.keys() if fast.get(p) != expected.get(p))
    assert not [p for p in behind if p.endswith(".md") or "/texts/" in p or "/tei/" in p or p.endswith(".jsonld")], behind

    write_markdown(state.edition)  # what the preview's background process writes
    assert tree(project) == expected


def test_reworded_note_on_the_real_corpus(project):
    def edit(root, edition):
        path = root / "source_texts" / "annotations" / f"{REAL}.yml"
        reword(path)
        return [path]

    assert_incremental_equals_full(project, edit)


def test_added_note_and_removed_notes_file_on_the_real_corpus(project):
    """A note more and a text's notes gone: a hand-written page that counts the notes changes too."""
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n本版共有注释{{ note_count }}条。\n", encoding="utf-8")

    def edit(root, edition):
        files = note_files(root)
        add_note(files[0], edition)
        files[-1].unlink()
        return [files[0], files[-1]]

    assert_incremental_equals_full(project, edit)


def test_note_edits_on_a_synthetic_corpus(root, tmp_path):
    project = make_corpus(root, tmp_path / "archive", 12)

    def edit(project, edition):
        files = note_files(project)
        reword(files[0])
        add_note(files[1], edition)
        return files[:2]

    assert_incremental_equals_full(project, edit)


def test_a_bad_note_edit_fails_as_the_full_path_does(project):
    last = full_build(project)
    path = project / "source_texts" / "annotations" / f"{REAL}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("quote: 近日", "quote: 近日里", 1), encoding="utf-8")
    inputs = snapshot(project, last.inputs)
    with pytest.raises(EditionError) as fast:
        last.after_note_edit(changed_files(last.inputs, inputs), inputs)
    with pytest.raises(EditionError) as full:
        load_edition(project)
    assert str(fast.value) == str(full.value) and f"{REAL}.yml:" in str(fast.value)


def test_other_edits_are_not_notes_only(project):
    before = snapshot(project)
    glossary = project / "source_texts" / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    notes = note_files(project)[0]
    notes.write_text(notes.read_text(encoding="utf-8"), encoding="utf-8")  # same bytes: no change
    changed = changed_files(before, snapshot(project, before))
    assert changed == {glossary} and not only_notes(project, changed)

