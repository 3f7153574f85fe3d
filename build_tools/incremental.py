"""The live preview's fast path: after a save that changed only notes files
(source_texts/annotations/<slug>.yml), the new Edition and the pages that depend on those notes,
from the last good Edition kept in memory instead of a whole new pipeline run.

What a note reaches: its text's page in every variant, that text's TEI, annotations.jsonld,
hand-written pages that count notes (counts.py placeholders), and the search index. All but the
search index are rendered here; the search index (all texts, seconds at 1,000 texts) is left to
a full write of the new Edition after the page is served (preview.py). Any other change, and
the first build, take the full pipeline. `tests/test_incremental.py` holds it to the full path:
the Markdown written equals what write_markdown writes for the same inputs.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from build_tools import evidence, manifest, references
from build_tools.annotate import attach, load_notes_file, note_anchors
from build_tools.convert import Variant, convert_document, converter
from build_tools.counts import edition_facts
from build_tools.errors import EditionError, EditionErrors
from build_tools.export import citations
from build_tools.model import Document
from build_tools.parallels import attach as attach_parallels
from build_tools.pipeline import (Edition, TextPages, annotations_page, check_final_markdown, handwritten_pages,
                                  tei_pages)
from build_tools.render import Page
from build_tools.render_glossary import counts_per_text
from build_tools.yamlio import read_text

# What load_edition and the renderer configs read: a change anywhere here is a change of input.
INPUTS = ("source_texts", "docs", "overrides", "schemas", "mkdocs.yml", "edition.yml", "anchors.manifest.json",
          "anchors.changes.json")
Snapshot = dict[Path, tuple[int, int, str]]  # file -> (mtime in ns, size, sha256 of its bytes)


def snapshot(root: Path, previous: Snapshot | None = None) -> Snapshot:
    """Every input file with its content hash; a file whose time and size are as in `previous`
    keeps its hash there (so a save costs a stat per file, and a hash per changed file)."""
    previous = previous or {}
    out: Snapshot = {}
    for name in INPUTS:
        top = root / name
        for path in ([top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else []):
            stat = path.stat()
            known = previous.get(path)
            if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
                out[path] = known
            else:
                out[path] = (stat.st_mtime_ns, stat.st_size, hashlib.sha256(path.read_bytes()).hexdigest())
    return out


def changed_files(before: Snapshot, after: Snapshot) -> set[Path]:
    """Files added, removed or with other content (a save that rewrites the same bytes is no change)."""
    return {p for p in before.keys() | after.keys() if (before.get(p) or (0, 0, ""))[2] != (after.get(p) or (0, 0, ""))[2]}


def only_notes(root: Path, changed: set[Path]) -> bool:
    folder = root / "source_texts" / "annotations"
    return bool(changed) and all(p.parent == folder and p.suffix == ".yml" for p in changed)


class Converted(Mapping):
    """A variant's texts by slug, converted to its script when first asked for (the canonical
    variant's are the texts themselves)."""

    def __init__(self, docs: tuple[Document, ...], t, canonical: bool):
        self.docs, self.t, self.canonical = {d.meta.slug: d for d in docs}, t, canonical
        self.done: dict[str, Document] = {}

    def __getitem__(self, slug: str) -> Document:
        if self.canonical:
            return self.docs[slug]
        if slug not in self.done:
            self.done[slug] = convert_document(self.docs[slug], self.t)
        return self.done[slug]

    def __iter__(self):
        return iter(self.docs)

    def __len__(self) -> int:
        return len(self.docs)

    def replaced(self, docs: tuple[Document, ...], slugs: set[str]) -> "Converted":
        """The same, with the texts of `slugs` taken anew from `docs`."""
        out = Converted(docs, self.t, self.canonical)
        out.done = {s: d for s, d in self.done.items() if s not in slugs}
        return out


@dataclass
class LastBuild:
    """The last good build's Edition, its inputs, and what checking a note against it needs."""
    edition: Edition
    inputs: Snapshot
    anchors: dict[str, dict[str, str]] = field(init=False)  # manifest.anchors_of: what references are held to
    cite_anchors: set[str] = field(init=False)  # what a note's sources may cite
    evidence: evidence.Evidence = field(init=False)
    converted: dict[str, Converted] = field(init=False)
    per_text: dict = field(init=False)  # render_glossary.counts_per_text: the glossary does not change here
    annotations: dict = field(init=False)  # render_notes.web_annotations' items, per text
    cites: dict[str, dict] = field(init=False)  # citations.renderings

    def __post_init__(self):
        docs = list(self.edition.docs)
        self.anchors = manifest.anchors_of(docs)
        self.cite_anchors = note_anchors(docs)
        self.evidence = evidence.Evidence(docs, self.edition.references)
        self.converted = {v.code: Converted(self.edition.docs, converter(v, self.edition.conversion.overrides),
                                            v.canonical) for v in self.edition.variants}
        self.per_text = counts_per_text(self.edition.occurrences)
        self.annotations = {}
        annotations_page(self.edition, self.annotations)  # so that the first note edit serialises only its notes
        self.cites = citations.renderings(self.edition)  # the notes are no part of a citation

    def after_note_edit(self, changed: set[Path], inputs: Snapshot) -> tuple["LastBuild", dict[str, list[Page]]]:
        """The build after a save that changed only these notes files: the new state and, per
        variant code, the pages that changed. Raises EditionError(s) as the full path would."""
        old = self.edition
        slugs = {p.stem for p in changed}
        new = with_notes(old, sorted(changed), self.cite_anchors)
        refs = [r for p in sorted(changed) if p.exists()
                for r in references.find_references(p, read_text(p), p.stem)]
        manifest.check_references(old.manifest_path, self.anchors, refs)
        problems = evidence.note_problems(self.evidence, sorted(changed), {d.meta.slug for d in old.docs})
        if problems:
            raise EditionErrors(problems)
        check_final_markdown(new, notes_of=slugs)

        state = copy.copy(self)  # the texts are the same: anchors, evidence and term counts hold
        state.edition, state.inputs = new, inputs
        state.converted = {code: c.replaced(new.docs, slugs) for code, c in self.converted.items()}
        state.annotations = dict(self.annotations)
        annotations = annotations_page(new, state.annotations)
        counts_changed = (edition_facts(list(old.docs), old.notes, len(old.glossary.entries))
                          != edition_facts(list(new.docs), new.notes, len(new.glossary.entries)))
        changed_docs = [d for d in new.docs if d.meta.slug in slugs]
        pages: dict[str, list[Page]] = {}
        for variant in new.variants:
            text_pages = TextPages(new, variant, state.converted[variant.code].t, state.converted[variant.code],
                                   self.cites[citations.LANGS[variant.canonical]], self.per_text)
            pages[variant.code] = (_variant_pages(new, variant, text_pages, changed_docs, counts_changed)
                                   + ([annotations] if variant.canonical else []))
        return state, pages


def _variant_pages(edition: Edition, variant: Variant, text_pages: TextPages, changed_docs: list[Document],
                   counts_changed: bool) -> list[Page]:
    by_slug = text_pages.by_slug
    pages = [text_pages.page(by_slug[d.meta.slug]) for d in changed_docs]
    if variant.canonical:
        pages += tei_pages(edition, changed_docs)
    if counts_changed:
        pages += handwritten_pages(edition, variant, by_slug.t, [by_slug[d.meta.slug] for d in edition.docs])
    return pages


def with_notes(edition: Edition, paths: list[Path], cite_anchors: set[str]) -> Edition:
    """The Edition with the notes of these files read anew and attached to their texts, exactly
    as load_edition attaches them (notes, then the parallels' spans over them)."""
    by_slug = {d.meta.slug: d for d in edition.docs}
    notes = dict(edition.notes)
    try:
        for path in paths:
            notes[path.stem] = load_notes_file(path, by_slug, cite_anchors)
    except EditionError as err:
        raise manifest.with_anchor_errors(err, edition.manifest_path, list(edition.docs),
                                          references.scan(edition.root)) from None
    slugs = {p.stem for p in paths}
    docs = tuple(attach_parallels(attach(d, notes[d.meta.slug]), edition.parallels_of(d.meta.slug))
                 if d.meta.slug in slugs else d for d in edition.docs)
    return dataclasses.replace(edition, docs=docs, notes=notes)
