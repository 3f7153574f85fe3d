"""Conversion audit: every occurrence of a simplified character that OpenCC's own character table
maps to more than one traditional form, with context and the form chosen, for human review.

The table is read from the dictionaries shipped inside the pinned `opencc` package (exported
with its bundled `opencc_dict` tool), so the audit always matches the converter in use.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterator

from build_tools.convert import st_characters
from build_tools.errors import EditionError
from build_tools.load import handwritten_files
from build_tools.yamlio import load_yaml

CONTEXT = 6


def ambiguous_characters() -> dict[str, tuple[str, ...]]:
    return {s: t for s, t in st_characters().items() if len(t) > 1}


@dataclass(frozen=True)
class Occurrence:
    slug: str
    block: str
    char: str
    candidates: tuple[str, ...]
    chosen: str
    context: str  # simplified, with the character bracketed
    converted: str  # the same context as converted


def texts_of(edition) -> Iterator[tuple[str, str, str]]:
    """(where, part, text) for every reader-visible string the editors write: the texts, the
    glossary, the notes and the hand-written pages (OpenCC meets them all the same way)."""
    for doc in edition.docs:
        for field in ("title", "speaker", "occasion", "occasion_basis", "date_basis", "provenance"):
            yield doc.meta.slug, field, getattr(doc.meta, field)
        for block in doc.blocks:
            yield doc.meta.slug, block.id or block.role, block.text
    for entry in edition.glossary.entries:
        for part, text in [("term", entry.term), *(("alias", a) for a in entry.aliases), ("gloss", entry.gloss),
                           ("explanation", entry.explanation), *(("event", e.label) for e in entry.events)]:
            yield f"glossary:{entry.id}", part, text
    for slug, notes in edition.notes.items():
        for note in notes:
            yield f"notes:{slug}", note.id, note.body
    for path in handwritten_files(edition.root / "docs"):
        if path.suffix == ".md":
            yield f"docs/{path.relative_to(edition.root / 'docs').as_posix()}", "page", path.read_text(encoding="utf-8")


def check_conversion_quotes(edition) -> None:
    """Each override's example and each kept phrase is quoted from the edition: an example that
    is not is no regression case, and a kept phrase that no longer occurs hides nothing."""
    path = edition.source_dir / "conversion.yml"
    wanted = {o.example: o.line for o in edition.conversion.overrides}
    kept = set(edition.conversion.kept)
    for _, _, text in texts_of(edition):
        wanted = {example: line for example, line in wanted.items() if example not in text}
        kept = {phrase for phrase in kept if phrase not in text}
        if not wanted and not kept:
            return
    if wanted:
        example, line = next(iter(wanted.items()))
        raise EditionError(path, line, f"转换例外的例句“{example}”不在本版的文字中 (the override's example '{example}' is not in the edition)",
                           "从文本、术语表、注释或手写页面中逐字复制出现这个词的原句 "
                           "(copy, character for character, the phrase where the word occurs in a text, the glossary, a note or a page)")
    phrase = next(iter(sorted(kept)))
    line = load_yaml(path).line_of(("kept", edition.conversion.kept.index(phrase)))
    raise EditionError(path, line, f"保留的词语“{phrase}”已不在本版的文字中 (the kept phrase '{phrase}' no longer occurs in the edition)",
                       "删去这一项 (remove the entry)")


def audit(edition, convert: Callable[[str], str]) -> list[Occurrence]:
    table = ambiguous_characters()
    found = []
    for slug, where, text in texts_of(edition):
        hant = convert(text)
        for i, ch in enumerate(text):
            if ch in table:
                lo, hi = max(0, i - CONTEXT), i + CONTEXT + 1
                found.append(Occurrence(slug, where, ch, table[ch], hant[i], f"{text[lo:i]}【{ch}】{text[i + 1:hi]}",
                                        f"{hant[lo:i]}【{hant[i]}】{hant[i + 1:hi]}"))
    return found


@dataclass(frozen=True)
class Suspect:
    """A word OpenCC converts differently inside the sentence than on its own: the sign of a
    phrase-dictionary match across a word boundary."""

    slug: str
    where: str
    word: str
    alone: str
    in_context: str
    fixed: bool  # the pipeline (with overrides) now gives the word's own conversion


def boundary_suspects(edition, plain: Callable[[str], str],
                      convert: Callable[[str], str]) -> list[Suspect]:
    import jieba

    jieba.setLogLevel(60)
    found = []
    for slug, where, text in texts_of(edition):
        context, fixed_text, pos = plain(text), convert(text), 0
        for word in jieba.cut(text):
            alone, end = plain(word), pos + len(word)
            if alone != context[pos:end]:
                found.append(Suspect(slug, where, word, alone, context[pos:end], fixed_text[pos:end] == alone))
            pos = end
    return found


def report(found: list[Occurrence], suspects: list[Suspect]) -> str:
    """Markdown review sheet: boundary suspects first, then every occurrence by character."""
    groups: dict[tuple[str, str], list[Occurrence]] = defaultdict(list)
    for occ in found:
        groups[(occ.char, occ.chosen)].append(occ)
    lines = ["# Conversion audit", "",
             f"{len(found)} occurrences of {len({o.char for o in found})} characters with several traditional "
             f"forms, in {len(groups)} (character, chosen form) groups.",
             f"{len(suspects)} word-boundary suspects, {sum(not s.fixed for s in suspects)} not yet fixed by "
             "source_texts/conversion.yml.", "", "## Word-boundary suspects", ""]
    lines += [f"- {'fixed' if s.fixed else '**OPEN**'} `{s.slug}#{s.where}` {s.word}: alone {s.alone}, "
              f"in context {s.in_context}" for s in suspects]
    lines.append("")
    for (char, chosen), occs in sorted(groups.items()):
        lines += [f"## {char} → {chosen}  ({len(occs)}; candidates {' '.join(occs[0].candidates)})", ""]
        lines += [f"- `{o.slug}#{o.block}` {o.context} → {o.converted}" for o in occs]
        lines.append("")
    return "\n".join(lines)
