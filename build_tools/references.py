"""Citation integrity: every `slug#pN` / `#sN` reference in the editors' files, checked against
the anchor manifest, and remapped when its paragraph moved.

A reference means the text its id held when the manifest last recorded it (the manifest keeps a
fingerprint of every id). When an id would now point at other text, every reference to it is
named with file:line; `make manifest` rewrites the references whose paragraph is found again
under another id (same fingerprint) and refuses the change while any reference would be left
pointing at different text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from build_tools.errors import EditionError
from build_tools.yamlio import read_text

# slug#p3 (glossary, notes, docs) and Markdown links texts/<slug>/index.md#p3 or texts/<slug>/#p3
CITATION = re.compile(r"(?:texts/)?(?P<slug>[0-9]{4}(?:-[a-z0-9]+)+)(?:/(?:index\.(?:md|html))?)?#(?P<id>[ps][0-9]+)(?![0-9])")
NOTE_PARAGRAPH = re.compile(r"^\s*(?:-\s+)?paragraph:\s*(?P<id>p[0-9]+)\s*(?:#.*)?$")
PILCROW_LINK = re.compile(r"¶(?P<n>[0-9]+)\]\((?P<target>[^)]*)\)")


@dataclass(frozen=True)
class Ref:
    path: Path
    line: int
    start: int  # offsets of the id in the line
    end: int
    slug: str
    id: str
    implied: bool = False  # a note's `paragraph: pN`, whose text is named by its file

    @property
    def anchor(self) -> str:
        return f"{self.slug}#{self.id}"

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def find_references(path: Path, text: str, note_slug: str | None = None) -> list[Ref]:
    """Every reference in one file; in a notes file also each note's `paragraph: pN`."""
    refs = []
    for n, line in enumerate(text.splitlines(), start=1):
        for m in CITATION.finditer(line):
            refs.append(Ref(path, n, m.start("id"), m.end("id"), m.group("slug"), m.group("id")))
        m = NOTE_PARAGRAPH.match(line) if note_slug else None
        if m:
            refs.append(Ref(path, n, m.start("id"), m.end("id"), note_slug, m.group("id"), implied=True))
    return refs


def cited_files(root: Path) -> list[tuple[Path, str | None]]:
    """The files editors cite in: glossary and notes (YAML), hand-written pages (Markdown)."""
    source = root / "source_texts"
    files = [(p, None) for p in sorted(source.glob("*.yml"))]
    files += [(p, p.stem) for p in sorted((source / "annotations").glob("*.yml"))]
    files += [(p, None) for p in sorted((root / "docs").rglob("*.md"))]
    return files


def scan(root: Path) -> list[Ref]:
    return [ref for path, slug in cited_files(root)
            for ref in find_references(path, read_text(path), slug)]


Anchors = dict[str, dict[str, str]]  # slug -> id -> fingerprint


def check(refs: list[Ref], recorded: Anchors, current: Anchors) -> list[EditionError]:
    """A reference to a missing id, or to an id whose text changed since it was recorded."""
    errors = []
    for ref in refs:
        if ref.slug not in current:
            if not ref.implied:  # a notes file named after no text is said once, at its name (annotate)
                errors.append(EditionError(ref.path, ref.line, f"引用 {ref.anchor} 指向不存在的文本 (unknown text)",
                                           "核对文本标识（source_texts/ 中的文件名）"))
        elif ref.id not in current[ref.slug]:
            if ref.implied:  # a note's own paragraph: the notes' loader names it, with the numbers to use
                continue
            errors.append(EditionError(ref.path, ref.line, f"引用 {ref.anchor} 指向不存在的段落 (no such id)",
                                       "在文本页上核对段号；若是段号变动所致，运行 make manifest 改写引用"))
        elif recorded.get(ref.slug, {}).get(ref.id, current[ref.slug][ref.id]) != current[ref.slug][ref.id]:
            errors.append(EditionError(ref.path, ref.line,
                                       f"引用 {ref.anchor} 现在会指向另一段文字 (would point at different text)",
                                       "运行 make manifest：段落移动了的引用会自动改写"))
    return errors


@dataclass(frozen=True)
class Remap:
    rewrites: tuple[tuple[Ref, str], ...]  # reference -> new id
    refused: tuple[EditionError, ...]


def plan(refs: list[Ref], current: Anchors, where: dict[str, dict[str, list[str]]],
         accepted: frozenset[str] = frozenset(), note_home: Callable[[Ref], str | None] | None = None) -> Remap:
    """For each reference whose recorded text moved (`where`: slug -> changed id -> where its
    words are now, as `manifest.moves` finds them): the one paragraph now holding all its words
    (moved, or merged with a neighbour), for a note's own paragraph the part holding its quote
    (`note_home`, asked only for those), or a refusal that names the parts of a split paragraph."""
    rewrites, refused = [], []
    for ref in refs:
        now = where.get(ref.slug, {}).get(ref.id)
        if now is None:
            continue  # never recorded (new) or unchanged
        home = note_home(ref) if ref.implied and note_home and len(now) != 1 else None
        if len(now) == 1:
            if now[0] != ref.id:
                rewrites.append((ref, now[0]))
        elif home:
            if home != ref.id:
                rewrites.append((ref, home))
        elif ref.anchor in accepted and ref.id in current.get(ref.slug, {}):
            continue  # the editor confirmed the reference still means this paragraph
        else:
            parts = (f"原段落已拆为 {'、'.join(now)}，改为其中所引的那一段 "
                     f"(the paragraph was split into {', '.join(now)}: cite the part meant)" if now else
                     "原段落已改写或删去（或原文不止一处），找不到唯一含原文的一段 (no one paragraph holds its words now)")
            refused.append(EditionError(
                ref.path, ref.line, f"引用 {ref.anchor} 会指向另一段文字：{parts}",
                f"改正此引用后再运行 make manifest；若引用仍指 {ref.id}，运行 make manifest ACCEPT={ref.anchor}"))
    return Remap(tuple(rewrites), tuple(refused))


def apply(remap: Remap) -> list[str]:
    """Rewrite the references in their files; returns one line per change (and a reminder for
    each ¶N that may name the old number in running text beside it)."""
    by_file: dict[Path, list[tuple[Ref, str]]] = {}
    for ref, new in remap.rewrites:
        by_file.setdefault(ref.path, []).append((ref, new))
    report = []
    for path, changes in by_file.items():
        lines = read_text(path).split("\n")
        for ref, new in sorted(changes, key=lambda c: (c[0].line, -c[0].start)):  # right to left
            line = lines[ref.line - 1]
            line = line[:ref.start] + new + line[ref.end:]
            line = _renumber_link_text(line, ref, new)
            lines[ref.line - 1] = line
            report.append(f"{ref.where}: {ref.anchor} → {ref.slug}#{new}")
        path.write_text("\n".join(lines), encoding="utf-8")
        old_numbers = {ref.id[1:] for ref, _ in changes}
        for n, line in enumerate(lines, start=1):
            for m in re.finditer(r"¶([0-9]+)(?![0-9\]])", line):
                if m.group(1) in old_numbers:
                    report.append(f"{path}:{n}: 正文里的“¶{m.group(1)}”可能也要改，请核对 (check by hand)")
    return list(dict.fromkeys(report))  # a ¶N written twice on a line is one reminder


def _renumber_link_text(line: str, ref: Ref, new: str) -> str:
    """[访谈¶1](texts/x/index.md#p1) -> [访谈¶2](…#p2): the link text shows the number too."""
    def fix(m: re.Match) -> str:
        target = m.group("target")
        if target.endswith(f"{ref.slug}/index.md#{new}") or target.endswith(f"{ref.slug}/#{new}"):
            if m.group("n") == ref.id[1:]:
                return f"¶{new[1:]}]({target})"
        return m.group()
    return PILCROW_LINK.sub(fix, line)
