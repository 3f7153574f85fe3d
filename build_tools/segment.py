"""Stage 2, segment: raw text + structure spec -> Document.

Every decision comes from the spec as data: debris to cut, breaks to add or remove, and the
role of each block (title, byline, heading, question…). Phrases are matched against the
*skeleton* — the raw text with all whitespace removed — so an editor quotes words as a reader
sees them, and the match survives re-wrapping or a change of indentation characters.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from build_tools.errors import EditionError, EditionErrors, attempt_each, label, processing
from build_tools.load import CorrectionSpec, Debris, Directive, TextSpec
from build_tools.model import NUMBERED_ROLES, Block, Correction, Document, Intervention

DEFAULT_BREAK_REASON = "原文未分段，依其自身序次（第一、一是等）分段"
DEFAULT_JOIN_REASON = "原文排版断行，文意相连，合为一段"


def strip_ws(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def is_natural_break(gap: str) -> bool:
    """The raw text marks a paragraph with a line break or ideographic-space indentation."""
    return "\n" in gap or "\u3000" in gap


_WHITESPACE = re.compile(r"\s+")  # \s in a str pattern is str.isspace()


@dataclass(frozen=True)
class Skeleton:
    text: str  # the non-whitespace characters in reading order
    gaps: dict[int, str]  # whitespace that stood before text[k] in the raw text (few entries)

    @classmethod
    def of(cls, raw: str) -> Skeleton:
        gaps, removed = {}, 0
        for m in _WHITESPACE.finditer(raw):
            if m.end() < len(raw):  # trailing whitespace stands before no character
                gaps[m.start() - removed] = m.group()
            removed += m.end() - m.start()
        return cls(_WHITESPACE.sub("", raw), gaps)

    @cached_property
    def spaced(self) -> list[int]:
        """Positions with whitespace before them, ascending."""
        return sorted(self.gaps)

    def starts_line(self, k: int) -> bool:
        return k == 0 or k >= len(self.text) or is_natural_break(self.gaps.get(k, ""))

    def find(self, phrase: str, path, line: int, what: str, occurrence: int | None = None,
             prefer_whole_lines: bool = False) -> tuple[int, int]:
        needle = strip_ws(phrase)
        hits = [m.start() for m in re.finditer(re.escape(needle), self.text)]
        if prefer_whole_lines and len(hits) > 1:
            # A role phrase that is a whole raw line (a signature, a byline) is found as that
            # line even where the same words recur inside the running text.
            whole = [h for h in hits if self.starts_line(h) and self.starts_line(h + len(needle))]
            hits = whole or hits
        if occurrence is not None:
            if occurrence > len(hits):
                raise EditionError(path, line, f"{label(what)}“{phrase}”在原文中出现 {len(hits)} 次，没有第 {occurrence} 处 "
                                   f"({what} '{phrase}' occurs {len(hits)} time(s), not {occurrence})",
                                   "改正 occurrence 或引用的文字 (fix 'occurrence' or the quoted text)")
            start = hits[occurrence - 1]
        elif not hits:
            raise EditionError(path, line, f"原文中找不到{label(what)}“{phrase}” ({what} '{phrase}' not found in the raw text)",
                               "从原始文件逐字复制这段文字（空白可以不同） (copy the phrase exactly from the raw file "
                               "(whitespace may differ))")
        elif len(hits) > 1:
            raise EditionError(path, line, f"{label(what)}“{phrase}”在原文中出现 {len(hits)} 次 ({what} '{phrase}' occurs {len(hits)} times)",
                               "多引几个字，使这段文字在原文中只出现一次 (quote more words so the phrase is unique)")
        else:
            start = hits[0]
        return start, start + len(needle)


def segment_all(specs: list[TextSpec]) -> list[Document]:
    """Every text segmented; the errors of all of them raised together."""
    docs, errors = attempt_each(segment, specs)
    if errors:
        raise EditionErrors(errors)
    return docs


def segment(spec: TextSpec) -> Document:
    path = spec.spec_path
    processing.set(path)  # named by the last-resort handler should anything here fail unforeseen
    skeleton, removed = _cut_debris(Skeleton.of(spec.raw), spec)
    flags = [False] * len(skeleton.text)
    for k, gap in skeleton.gaps.items():
        flags[k] = is_natural_break(gap)
    if flags:
        flags[0] = True
    interventions = [Intervention("debris", text, reason, line=line) for text, reason, line in removed]
    roles: dict[int, tuple[str, int, int, int]] = {}  # start -> (role, level, end, line)
    placed: list[tuple[int, int]] = []  # (index in interventions, offset) of breaks and joins

    corrections: dict[int, tuple[int, CorrectionSpec]] = {}  # start -> (end, correction)
    correction_lines: dict[str, int] = {}
    # Each directive and correction stands on its own quote: report every one that fails at once.
    _, errors = attempt_each(lambda d: _place(d, skeleton, spec, flags, roles, placed, interventions), spec.directives)
    _, more = attempt_each(lambda c: _place_correction(c, skeleton, spec, corrections, correction_lines), spec.corrections)
    if errors + more:
        raise EditionErrors(errors + more)
    _no_stray_fragments(skeleton, flags, roles, path)

    blocks = _blocks(skeleton, flags, roles, corrections, path)
    starts = [k for k, f in enumerate(flags) if f]
    for i, offset in placed:  # the block a break begins or a join runs through
        interventions[i] = dataclasses.replace(interventions[i], anchor=blocks[bisect_right(starts, offset) - 1].id)
    titles = [b for b in blocks if b.role == "title"]
    if len(titles) != 1:
        raise EditionError(path, 1, f"找到 {len(titles)} 个标题 (found {len(titles)} title blocks)",
                           "在 structure 里只标一个“- title: …” (mark exactly one '- title: …' in structure)")
    if markup := _CITATION_MARKUP.search(titles[0].text):
        line = next((d.line for d in spec.directives if d.action == "title"), 1)
        raise EditionError(path, line, f"标题含有“{markup.group()}”：引文处理器会把尖括号当作格式标记删去，"
                                       "花括号会被当作引文里的占位符 (the title holds a bracket that citeproc-js reads as "
                                       "formatting or the page as a citation placeholder)",
                           "这多半是网页残留：用 debris 或 corrections 处理 "
                           "(most likely web debris: remove it with debris or a correction)")
    if not any(b.role == "paragraph" for b in blocks):
        raise EditionError(path, 1, f"{spec.meta.source_file} 除标题和小标题外没有正文段落 "
                           f"({spec.meta.source_file} holds no paragraph of text besides its title and headings)",
                           "把正文补进原始文件，或检查 source 指向的文件 "
                           "(add the body of the text to the raw file, or check the 'source' it names)")
    for block in blocks:
        for corr in block.corrections:
            interventions.append(Intervention("correction", f"{corr.original} → {block.text[corr.start:corr.end]}",
                                              corr.reason, block.id, line=correction_lines.get(corr.original, 0)))
    interventions.append(_whitespace_summary(spec.raw))
    meta = dataclasses.replace(spec.meta, title=titles[0].text)
    return Document(meta=meta, blocks=tuple(blocks), interventions=tuple(interventions))


# In a title, what the citations would not print as written: '<…>' is formatting to citeproc-js,
# '{…}' a placeholder edition.js fills in ({n}, {accessed}).
_CITATION_MARKUP = re.compile(r"[{}<>]")


def _place(d: Directive, skeleton: Skeleton, spec: TextSpec, flags: list[bool], roles: dict, placed: list, interventions: list) -> None:
    """Mark one directive's break, join or role in `flags` and `roles` (breaks and joins also in
    `interventions`, their places in `placed`)."""
    path = spec.spec_path
    _not_cut_by_debris(d.phrase, skeleton, spec, d.line, d.action)
    start, end = skeleton.find(d.phrase, path, d.line, d.action, prefer_whole_lines=d.action not in ("break", "join"))
    if d.action == "break":
        if flags[start]:
            raise EditionError(path, d.line, f"断段“{d.phrase}”：原文在这里已经分段 (break '{d.phrase}': the text already breaks there)",
                               "删除这一行 (delete this line)")
        flags[start] = True
        placed.append((len(interventions), start))
        interventions.append(Intervention("break", d.phrase, d.reason or DEFAULT_BREAK_REASON, line=d.line))
    elif d.action == "join":
        if not flags[start]:
            raise EditionError(path, d.line, f"合并“{d.phrase}”：前面没有可以去掉的分段 "
                               f"(join '{d.phrase}': there is no break before it to remove)",
                               "引用要并入上一行的那一行开头的文字 (quote the words that begin the line to be joined)")
        flags[start] = False
        placed.append((len(interventions), start))
        interventions.append(Intervention("join", d.phrase, d.reason or DEFAULT_JOIN_REASON, line=d.line))
    else:
        flags[start] = True
        for k in range(start + 1, end):
            flags[k] = False  # a title broken over several raw lines is one block
        if end < len(flags):
            flags[end] = True
        roles[start] = (d.action, d.level, end, d.line)


def _place_correction(c: CorrectionSpec, skeleton: Skeleton, spec: TextSpec, corrections: dict, lines: dict) -> None:
    """Record where one correction applies in `corrections`, and its line by its quoted words."""
    path = spec.spec_path
    _not_cut_by_debris(c.original, skeleton, spec, c.line, "correction")
    start, end = skeleton.find(c.original, path, c.line, "correction")
    if start in corrections:
        raise EditionError(path, c.line, f"校改“{c.original}”与第 {corrections[start][1].line} 行的校改改的是同一处 "
                           f"(correction '{c.original}' changes the same place as the one at line {corrections[start][1].line})",
                           "只留一项 (keep one of them)")
    corrections[start] = (end, c)
    lines[strip_ws(c.original)] = c.line


STRAY = 4  # a piece of a raw line shorter than this, cut off by a role, is a quoting slip ("记者：", "？", "一、")


def _no_stray_fragments(skeleton: Skeleton, flags: list[bool], roles, path) -> None:
    """A title, heading or question may be cut out of a longer raw line (a speech printed as one
    line), but the piece it leaves beside it must be a paragraph, not a label or a mark the
    editor left out of the quotation: that would become a numbered paragraph of its own."""
    starts = [k for k, f in enumerate(flags) if f] + [len(flags)]
    for start, (role, _, end, line) in roles.items():
        i = bisect_left(starts, start)
        pieces = []
        if not skeleton.starts_line(start) and i > 0 and starts[i - 1] not in roles:
            pieces.append(skeleton.text[starts[i - 1]:start])
        if not skeleton.starts_line(end) and end not in roles:
            pieces.append(skeleton.text[end:starts[bisect_right(starts, end)]])
        for piece in pieces:
            if len(piece) < STRAY:
                phrase = skeleton.text[start:end]
                raise EditionError(path, line, f"{label(role)}“{phrase}”把原文的一行切开，剩下的“{piece}”会自成一段 "
                                   f"({role} '{phrase}' cuts its raw line and leaves '{piece}' as a paragraph of its own)",
                                   "照录整行，连同“记者：”、序号和标点；确是残留的，写进 debris "
                                   "(quote the whole line, label, number and punctuation included; "
                                   "list real debris under 'debris')")


def _not_cut_by_debris(phrase: str, skeleton: Skeleton, spec: TextSpec, line: int, what: str) -> None:
    """A phrase found in the raw text but not once its debris is cut: say so, not "not found",
    at the debris entry that cuts it, since shortening that entry is the usual fix."""
    needle = strip_ws(phrase)
    if not spec.debris or needle in skeleton.text or needle not in strip_ws(spec.raw):
        return
    raw = Skeleton.of(spec.raw)
    spans = [(m.start(), m.start() + len(needle)) for m in re.finditer(re.escape(needle), raw.text)]

    def cuts_phrase(d: Debris) -> bool:
        start, end = raw.find(d.text, spec.spec_path, d.line, "debris", d.occurrence)
        return any(s < end and start < e for s, e in spans)

    culprit = next(d for d in spec.debris if cuts_phrase(d))  # an occurrence left whole would still be found
    raise EditionError(spec.spec_path, culprit.line,
                       f"残留“{culprit.text}”删去了第 {line} 行{label(what)}“{phrase}”所引原文的一部分 "
                       f"(debris '{culprit.text}' removes part of the raw text that the {what} at line {line} quotes: '{phrase}')",
                       "缩短这一项残留，使它不含那段文字；那段文字若确是残留，改引别的文字 "
                       "(shorten this debris entry so that it leaves the phrase whole; if the phrase itself is debris, "
                       f"quote other words at line {line})")


def _cut_debris(skeleton: Skeleton, spec: TextSpec) -> tuple[Skeleton, list[tuple[str, str, int]]]:
    if not spec.debris:
        return skeleton, []
    drop: set[int] = set()
    removed = []
    for d in spec.debris:
        start, end = skeleton.find(d.text, spec.spec_path, d.line, "debris", d.occurrence)
        span = set(range(start, end))
        if span & drop:
            raise EditionError(spec.spec_path, d.line, f"残留“{d.text}”与另一处残留重叠 (debris '{d.text}' overlaps other debris)",
                               "把两项合并为一项 (merge the two entries into one)")
        drop |= span
        removed.append((d.text.strip(), d.reason, d.line))
    chars, gaps, carried = [], {}, ""
    for k, ch in enumerate(skeleton.text):
        gap = skeleton.gaps.get(k, "")
        if k in drop:
            carried += gap  # keep the layout that stood before the debris (e.g. a line break)
            continue
        if carried + gap:
            gaps[len(chars)] = carried + gap
        chars.append(ch)
        carried = ""
    return Skeleton("".join(chars), gaps), removed


def _blocks(skeleton: Skeleton, flags, roles, corrections, path) -> list[Block]:
    starts = [k for k, f in enumerate(flags) if f] + [len(flags)]
    counters: Counter[str] = Counter()
    blocks = []
    for start, end in zip(starts, starts[1:]):
        role, level, role_end, line = roles.get(start, ("paragraph", 2, end, 0))
        if role_end != end:
            raise EditionError(path, line, f"{label(role)}还没结束就被另一处断段截断 ({role} block is cut by another break before it ends)",
                               "去掉冲突的断段，或缩短引用的文字 (remove the conflicting break or shorten the quoted phrase)")
        text, applied = _display(skeleton, start, end, corrections, path)
        block_id = ""
        if role in NUMBERED_ROLES:
            prefix = NUMBERED_ROLES[role]
            counters[prefix] += 1
            block_id = f"{prefix}{counters[prefix]}"
        blocks.append(Block(role=role, text=text, id=block_id, level=level, corrections=tuple(applied)))
    return blocks


def _display(skeleton: Skeleton, start: int, end: int, corrections, path) -> tuple[str, list[Correction]]:
    """Reader-facing text of one block: whitespace normalised, corrections applied. Only the
    places with whitespace before them or a correction need a decision; runs between them are
    copied whole."""
    text = skeleton.text
    marks = sorted({*skeleton.spaced[bisect_right(skeleton.spaced, start):bisect_left(skeleton.spaced, end)],
                    *(k for k in corrections if start <= k < end)})
    out: list[str] = []
    applied = []
    k = start
    for mark in marks:
        if mark < k:
            continue  # whitespace inside a corrected passage goes with it
        out.append(text[k:mark])
        k = mark
        if mark in corrections:
            c_end, c = corrections[mark]
            if c_end > end:
                raise EditionError(path, c.line, f"校改“{c.original}”跨越了段落边界 (correction '{c.original}' crosses a block boundary)",
                                   "每段分别校改 (correct each block separately)")
            at = sum(map(len, out))
            out.append(c.replacement)
            applied.append(Correction(at, at + len(c.replacement), text[mark:c_end], c.reason))
            k = c_end
        elif _keeps_space(text[mark - 1], text[mark]):
            out.append(" ")
    out.append(text[k:end])
    return "".join(out), applied


def _keeps_space(left: str, right: str) -> bool:
    """A space survives only between two Latin letters or digits (never inside Chinese)."""
    return left.isascii() and right.isascii() and left.isalnum() and right.isalnum()


def _whitespace_summary(raw: str) -> Intervention:
    counts = Counter("".join(_WHITESPACE.findall(raw)))
    names = {"\u00a0": "不间断空格(U+00A0)", "\u3000": "全角空格(U+3000)", " ": "半角空格", "\n": "换行"}
    parts = [f"{names.get(ch, f'U+{ord(ch):04X}')}{n}个" for ch, n in sorted(counts.items())]
    return Intervention("whitespace", "、".join(parts) or "无",
                        "原文以空白表示缩进、分段或人名、版头文字的字距；整理本删去空白，以段落结构表示分段")
