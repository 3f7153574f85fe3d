"""Stage 3, enrich (notes): editorial annotations -> anchored Notes and spans in the Documents.

A note names its paragraph and quotes the words it is about (a W3C TextQuoteSelector: exact
quote, optional prefix/suffix). The quote is found anew on every build, so a note follows its
words through harmless changes and never drifts silently: a missing or ambiguous quote stops
the build and names the note.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from build_tools.convert import traditional_only_characters
from build_tools.errors import EditionError, EditionErrors
from build_tools.model import ANCHOR, Document, Span
from build_tools.safety import unsafe_reason
from build_tools.schema import validate
from build_tools.segment import strip_ws
from build_tools.yamlio import fold_cjk, load_yaml

KIND_LABELS = {"context": "背景", "explanation": "解释", "cross-reference": "互见", "textual": "文本"}


@dataclass(frozen=True)
class Note:
    slug: str
    id: str
    paragraph: str
    quote: str
    prefix: str
    suffix: str
    kind: str
    body: str  # Markdown, simplified
    author: str
    date: str
    sources: tuple[str, ...]
    start: int  # offsets of the quote in the paragraph's text
    end: int
    number: int  # 1.. in reading order within the text
    path: Path
    line: int


def annotation_path(source_dir: Path, slug: str) -> Path:
    return source_dir / "annotations" / f"{slug}.yml"


def load_notes(source_dir: Path, docs) -> dict[str, tuple[Note, ...]]:
    """slug -> its notes in reading order. Raises EditionErrors naming file, line and note id."""
    by_slug = {d.meta.slug: d for d in docs}
    anchors = note_anchors(docs)
    notes: dict[str, tuple[Note, ...]] = {slug: () for slug in by_slug}
    for path in sorted((source_dir / "annotations").glob("*.yml")):
        notes[path.stem] = load_notes_file(path, by_slug, anchors)
    return notes


def note_anchors(docs) -> set[str]:
    """What a note's `sources` may cite: <slug>#<paragraph id> and <slug>#top."""
    return {f"{d.meta.slug}#{b.id}" for d in docs for b in d.blocks if b.id} | {f"{d.meta.slug}#top" for d in docs}


def load_notes_file(path: Path, by_slug: dict[str, Document], anchors: set[str]) -> tuple[Note, ...]:
    """The notes of one file (named after its text's slug), in reading order; an empty tuple
    for a file that is gone (the live preview reloads just the files that changed)."""
    if path.stem not in by_slug:
        # the nearest slugs, not all of them: an archive has thousands
        near = difflib.get_close_matches(path.stem, by_slug, n=3, cutoff=0.6)
        raise EditionError(path, 1, f"没有标识为“{path.stem}”的文本 (unknown text '{path.stem}')",
                           "注释文件以文本的标识（source_texts/ 中 .txt 的文件名）命名"
                           + (f"；是不是：{'、'.join(near)}" if near else "")
                           + " (name the file after a text's slug, the name of its .txt in source_texts/"
                           + (f"; did you mean: {', '.join(near)}" if near else "") + ")")
    return _load_file(path, by_slug[path.stem], anchors) if path.exists() else ()


def _load_file(path: Path, doc: Document, anchors: set[str]) -> tuple[Note, ...]:
    located = load_yaml(path)
    if located.data is None:
        return ()
    validate(located, "annotation.schema.json")
    errors, found, seen = [], [], {}
    order = {b.id: i for i, b in enumerate(doc.blocks)}
    for i, raw in enumerate(located.data):
        line = located.line_of((i,))
        try:
            found.append(_note(raw, doc, path, line, seen, anchors, located.line_of((i, "paragraph")),
                               located.line_of((i, "quote"))))
        except EditionError as err:
            errors.append(err)
    if errors:
        raise EditionErrors(errors)
    found.sort(key=lambda n: (order[n.paragraph], n.end, n.start))
    return tuple(dataclasses.replace(n, number=k) for k, n in enumerate(found, start=1))


def _note(raw: dict, doc: Document, path: Path, line: int, seen: dict[str, int], anchors: set[str],
          paragraph_line: int, quote_line: int) -> Note:
    note_id = raw["id"]

    def fail(problem: str, english: str, fix: str, at: int = line) -> EditionError:
        return EditionError(path, at, f"note '{note_id}': {problem} ({english})", fix)

    if note_id in seen:
        raise fail(f"id 重复（第 {seen[note_id]} 行也用了）", f"duplicate id (also on line {seen[note_id]})",
                   "每条注释用自己的 id (give every note its own id)")
    seen[note_id] = line
    block = doc.block(raw["paragraph"])
    if block is None or block.role != "paragraph":
        raise fail(f"{doc.meta.slug} 中没有段落“{raw['paragraph']}”",
                   f"unknown paragraph '{raw['paragraph']}' in {doc.meta.slug}",
                   f"用文本页上标出的段号 p1…p{len(doc.paragraphs)} "
                   f"(use p1…p{len(doc.paragraphs)} as numbered on the text page)", paragraph_line)
    for source in raw["sources"]:
        if ANCHOR.match(source) and source not in anchors:
            raise fail(f"来源锚点“{source}”不存在", f"source anchor '{source}' does not exist",
                       "引用现有段落的 <标识>#p<段号> (cite <slug>#pN of an existing paragraph)")
    body = fold_cjk(raw["body"])
    reason = unsafe_reason(body)
    if reason:
        raise EditionError(path, line, f"note '{note_id}': 正文{reason}",
                           "注释用普通 Markdown：文字、强调、列表和 http(s) 链接 "
                           "(notes are plain Markdown: text, emphasis, lists and http(s) links)")
    quote, prefix, suffix = (strip_ws(raw.get(k, "")) for k in ("quote", "prefix", "suffix"))
    start = _find_quote(block.text, quote, prefix, suffix, partial(fail, at=quote_line), doc, raw["paragraph"])
    return Note(slug=doc.meta.slug, id=note_id, paragraph=raw["paragraph"], quote=quote, prefix=prefix, suffix=suffix,
                kind=raw.get("kind", "explanation"), body=body, author=raw["author"], date=raw["date"],
                sources=tuple(raw["sources"]), start=start, end=start + len(quote), number=0, path=path, line=line)


def _find_quote(text: str, quote: str, prefix: str, suffix: str, fail, doc: Document, paragraph: str) -> int:
    starts = [m.start() for m in re.finditer(re.escape(quote), text)]
    if not starts:
        raise fail(f"{paragraph} 中找不到引文“{quote}”", f"quote '{quote}' not found in {paragraph}",
                   _not_found_hint(quote, doc))
    fitting = [s for s in starts if text[:s].endswith(prefix) and text[s + len(quote):].startswith(suffix)]
    if len(fitting) == 1:
        return fitting[0]
    if not fitting:  # the fix shows what stands around each occurrence, to copy from
        around = "；".join(f"…{text[max(0, s - 6):s]}【{quote}】{text[s + len(quote):s + len(quote) + 6]}…"
                          for s in starts[:3])
        raise fail(f"prefix/suffix 与 {paragraph} 中“{quote}”的 {len(starts)} 处都对不上",
                   f"prefix/suffix fit none of the {len(starts)} occurrences of '{quote}' in {paragraph}",
                   f"prefix、suffix 是引文紧前、紧后的原文，逐字复制；这一段里是：{around} "
                   "(copy prefix and suffix exactly from the words just before and after the quote)")
    if prefix or suffix:
        problem = (f"加上 prefix/suffix 后引文“{quote}”仍有 {len(fitting)} 处相符",
                   f"quote '{quote}' is still ambiguous with this prefix/suffix ({len(fitting)} matches)")
    else:
        problem = (f"引文“{quote}”在 {paragraph} 中出现 {len(starts)} 次，不知指哪一处",
                   f"quote '{quote}' is ambiguous: it occurs {len(starts)} times in {paragraph}")
    raise fail(*problem, "加上 prefix 和/或 suffix：引文紧前、紧后的几个字 "
               "(add 'prefix' and/or 'suffix': the words just before/after the quote)")


def _not_found_hint(quote: str, doc: Document) -> str:
    """Where the words are, or why they cannot be found as written."""
    paragraphs = doc.paragraphs
    elsewhere = [b.id for b in paragraphs if quote in b.text]
    if elsewhere:
        return f"这段文字在 {'、'.join(elsewhere)} (it occurs in {', '.join(elsewhere)})"
    across = next(((a.id, b.id) for a, b in zip(paragraphs, paragraphs[1:]) if quote in a.text + b.text), None)
    if across:
        return (f"引文跨越了 {'、'.join(across)} 两段；注释的引文只能在一段之内，只引其中一段的文字 "
                f"(the quote runs across {' and '.join(across)}: a note quotes words within one paragraph)")
    traditional = [ch for ch in quote if ch in traditional_only_characters()]
    if traditional:
        return (f"引文里有繁体字（{'、'.join(dict.fromkeys(traditional))}）：注释按简体底本核对，请从简体页面复制 "
                "(the quote has traditional characters: notes are checked against the simplified text; copy from the simplified page)")
    return "从文本页逐字复制 (copy the words exactly from the text page)"


def attach(doc: Document, notes: tuple[Note, ...]) -> Document:
    """Add a note span for each note (offsets into its paragraph's text)."""
    by_paragraph: dict[str, list[Span]] = {}
    for note in notes:
        by_paragraph.setdefault(note.paragraph, []).append(Span(note.start, note.end, "note", note.id))
    blocks = []
    for block in doc.blocks:
        spans = [s for s in block.spans if s.kind != "note"] + by_paragraph.get(block.id, [])
        blocks.append(dataclasses.replace(block, spans=tuple(sorted(spans, key=lambda s: (s.start, s.end)))))
    return dataclasses.replace(doc, blocks=tuple(blocks))
