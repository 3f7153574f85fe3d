"""Stage 3, enrich (parallels): passages of one text that reappear, exactly or nearly, in another.

Sub-quadratic by construction: each paragraph is reduced to winnowed fingerprints of its
character shingles (punctuation and spaces ignored); only paragraph pairs from different texts
that share fingerprints are aligned (difflib), and matching blocks separated by small edits are
chained into one passage. A passage shorter than `min_length` characters, or one that is only
glossary formulae (又好又快, the “four sentences”…, a meeting's name) with at most
`formula_margin` characters of its own around them (在…上, 把握好“…”), is not a parallel.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import zlib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from build_tools.model import Document, Span


@dataclass(frozen=True)
class Settings:
    min_length: int = 20  # matched characters (punctuation ignored) for a passage to count
    shingle: int = 8  # characters per fingerprinted shingle
    window: int = 6  # winnowing window: one fingerprint per `window` shingles at least
    max_gap: int = 6  # an insertion/deletion/change up to this many characters keeps a passage whole
    # A fingerprint in more paragraphs than this is a formula of the campaign, not evidence of a
    # parallel between two texts. It also bounds the work: a passage in k paragraphs makes k(k-1)/2
    # pairs, so an archive where every paragraph recurs a few dozen times would otherwise align
    # (and list) hundreds of thousands of pairs.
    max_postings: int = 10
    # Two texts naming the same meeting (在全党深入学习实践科学发展观活动总结大会上) share a name, not
    # a passage: what formulae leave of a passage must be longer than this for it to count.
    formula_margin: int = 4


@dataclass(frozen=True)
class Place:
    slug: str
    paragraph: str
    start: int  # offsets into the paragraph's text
    end: int


@dataclass(frozen=True)
class Parallel:
    id: str  # par-<hash of both places' slug and wording>: stable when texts are added
    a: Place
    b: Place
    similarity: float  # 2 × matched / (length a + length b), punctuation ignored


def _normalise(text: str) -> str:
    return "".join(filter(str.isalnum, text))


def _offsets(text: str) -> list[int]:
    """Where each character of the normalised text stands in the original."""
    return [i for i, ch in enumerate(text) if ch.isalnum()]


def _shingle_hashes(norm: str, s: Settings) -> list[int]:
    # CRC-32 of fixed-width (UTF-32) slices: deterministic across runs, unlike hash(str).
    data, width = norm.encode("utf-32-le"), 4 * s.shingle
    return [zlib.crc32(data[i:i + width]) for i in range(0, len(data) - width + 4, 4)]


def _window_minima(values: list[int], width: int):
    """The minimum of every run of `width` consecutive values. Sparse-table doubling keeps
    the per-value work in C (map over min), a few passes instead of a Python loop."""
    span, level = 1, values
    while span * 2 <= width:
        level = list(map(min, level, level[span:]))
        span *= 2
    return map(min, level, level[width - span:])


def _fingerprints(norm: str, s: Settings) -> frozenset[int]:
    """Winnowing: the least shingle hash of every window of `window` shingles, so any shared run
    of window + shingle - 1 characters shares at least one fingerprint."""
    hashes = _shingle_hashes(norm, s)
    if len(hashes) <= s.window:
        return frozenset([min(hashes)] if hashes else [])
    return frozenset(_window_minima(hashes, s.window))


def _positions(norm: str, fps: list[int], s: Settings) -> list[int]:
    wanted = set(fps)
    return [i for i, h in enumerate(_shingle_hashes(norm, s)) if h in wanted]


def _span(positions: list[int], margin: int, length: int) -> tuple[int, int]:
    return max(0, min(positions) - margin), min(length, max(positions) + margin)


def _passages(a: str, b: str, s: Settings) -> list[tuple[int, int, int, int, int]]:
    """Aligned passages (a_start, a_end, b_start, b_end, matched) of two normalised texts.
    Alignment is monotonic, so passages that stand in a different order in the two texts are
    found in further rounds, with what was already matched masked out."""
    if a == b:  # a paragraph reprinted whole: nothing to align
        return [(0, len(a), 0, len(b), len(a))] if len(a) >= s.min_length else []
    found = []
    for _ in range(4):
        more = _chain(difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks(), s)
        if not more:
            break
        found += more
        for a0, a1, b0, b1, _ in more:
            a = a[:a0] + "\x00" * (a1 - a0) + a[a1:]  # masks never match each other
            b = b[:b0] + "\x01" * (b1 - b0) + b[b1:]
    return sorted(found)


def _chain(blocks, s: Settings) -> list[tuple[int, int, int, int, int]]:
    """Join matching blocks separated by small edits into passages of at least min_length."""
    found, current = [], None
    for m in (m for m in blocks if m.size >= 3):
        if current and 0 <= m.a - current[1] <= s.max_gap and 0 <= m.b - current[3] <= s.max_gap:
            current = [current[0], m.a + m.size, current[2], m.b + m.size, current[4] + m.size]
        else:
            if current:
                found.append(tuple(current))
            current = [m.a, m.a + m.size, m.b, m.b + m.size, m.size]
    if current:
        found.append(tuple(current))
    return [p for p in found if p[4] >= s.min_length]


def only_formulae(passage: str, formulae: list[str], margin: int) -> bool:
    """Whether a (normalised) passage is one formula's words, or formulae and at most `margin`
    characters besides."""
    if any(passage in f for f in formulae):
        return True
    covered = bytearray(len(passage))
    for f in formulae:
        start = passage.find(f)
        while start != -1:
            covered[start:start + len(f)] = b"\1" * len(f)
            start = passage.find(f, start + 1)
    return len(passage) - sum(covered) <= margin


def detect(docs, formulae: tuple[str, ...] = (), settings: Settings = Settings()) -> list[Parallel]:
    return list(_detect(tuple(docs), tuple(formulae), settings))


def clear_cache() -> None:
    _detect.cache_clear()


@lru_cache(maxsize=4)  # live preview: an edit to a note or the glossary does not re-detect
def _detect(docs: tuple[Document, ...], formulae: tuple[str, ...], s: Settings) -> tuple[Parallel, ...]:
    paragraphs = [(d.meta.slug, b.id, b.text) for d in docs for b in d.paragraphs]
    normalised = [_normalise(text) for _, _, text in paragraphs]
    postings: dict[int, list[int]] = defaultdict(list)
    # One paragraph's fingerprints at a time: a set per paragraph took about 1 GB at 10,000 texts.
    for k, norm in enumerate(normalised):
        for fp in _fingerprints(norm, s):
            postings[fp].append(k)
    shared: dict[tuple[int, int], list[int]] = defaultdict(list)
    for fp, ks in postings.items():
        if len(ks) > s.max_postings:
            continue
        for i, x in enumerate(ks):
            for y in ks[i + 1:]:
                if paragraphs[x][0] != paragraphs[y][0]:
                    shared[(x, y)].append(fp)
    formulae_norm = [_normalise(f) for f in formulae]
    found = []
    for (x, y), fps in sorted(shared.items()):
        na, nb = normalised[x], normalised[y]
        pa, pb = _offsets(paragraphs[x][2]), _offsets(paragraphs[y][2])
        # Align only around the shared fingerprints: a passage reaches at most a shingle and a
        # window past its outermost fingerprints, plus chained edits (the margin allows for them).
        margin = s.shingle + s.window + 4 * s.max_gap + s.min_length
        lo_a, hi_a = _span(_positions(na, fps, s), margin, len(na))
        lo_b, hi_b = _span(_positions(nb, fps, s), margin, len(nb))
        for a0, a1, b0, b1, matched in ((a0 + lo_a, a1 + lo_a, b0 + lo_b, b1 + lo_b, m)
                                        for a0, a1, b0, b1, m in _passages(na[lo_a:hi_a], nb[lo_b:hi_b], s)):
            if only_formulae(na[a0:a1], formulae_norm, s.formula_margin):
                continue  # stock formulae: glossary material, not a parallel
            place_a = Place(paragraphs[x][0], paragraphs[x][1], pa[a0], pa[a1 - 1] + 1)
            place_b = Place(paragraphs[y][0], paragraphs[y][1], pb[b0], pb[b1 - 1] + 1)
            found.append((place_a, place_b, round(2 * matched / ((a1 - a0) + (b1 - b0)), 3)))
    order = {(d.meta.slug, b.id): (i, j) for i, d in enumerate(docs) for j, b in enumerate(d.blocks)}
    found.sort(key=lambda f: (order[(f[0].slug, f[0].paragraph)], f[0].start, order[(f[1].slug, f[1].paragraph)]))
    texts = {(slug, pid): text for slug, pid, text in paragraphs}
    ids: dict[str, int] = {}
    out = []
    for a, b, sim in found:
        base = parallel_id(a, b, texts)
        ids[base] = ids.get(base, 0) + 1  # the same wording twice in one pair of paragraphs
        out.append(Parallel(base if ids[base] == 1 else f"{base}-{ids[base]}", a, b, sim))
    return tuple(out)


def parallel_id(a: Place, b: Place, texts: dict[tuple[str, str], str]) -> str:
    """An anchor derived from the passage itself (both texts' slugs and wordings), so it stays
    put when other texts or other parallels come and go."""
    key = "|".join(f"{p.slug}:{_normalise(texts[(p.slug, p.paragraph)][p.start:p.end])}" for p in (a, b))
    return "par-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def by_text(parallels) -> dict[str, tuple[Parallel, ...]]:
    """slug -> the parallels with a side in that text, in order: all a text's page, TEI and
    spans need (each text scanning every parallel would grow with the square of the archive)."""
    mine: dict[str, list[Parallel]] = defaultdict(list)
    for par in parallels:
        mine[par.a.slug].append(par)
        if par.b.slug != par.a.slug:
            mine[par.b.slug].append(par)
    return {slug: tuple(pars) for slug, pars in mine.items()}


def attach(doc: Document, parallels) -> Document:
    """A span on each side of each parallel that falls in this document (`parallels`: its own,
    `by_text`, or any that include them)."""
    spans: dict[str, list[Span]] = defaultdict(list)
    for par in parallels:
        for place in (par.a, par.b):
            if place.slug == doc.meta.slug:
                spans[place.paragraph].append(Span(place.start, place.end, "parallel", par.id))
    blocks = tuple(dataclasses.replace(b, spans=tuple(sorted((*[s for s in b.spans if s.kind != "parallel"],
                                                               *spans.get(b.id, [])), key=lambda s: (s.start, s.end))))
                   for b in doc.blocks)
    return dataclasses.replace(doc, blocks=blocks)


def to_json(parallels: list[Parallel], docs, site_url: str) -> str:
    texts = {(d.meta.slug, b.id): b.text for d in docs for b in d.paragraphs}

    def place(p: Place) -> dict:
        return {"text": p.slug, "paragraph": p.paragraph, "start": p.start, "end": p.end,
                "url": f"{site_url}texts/{p.slug}/#{p.paragraph}",
                "wording": texts[(p.slug, p.paragraph)][p.start:p.end]}

    data = {"description": "Parallel passages between the texts of the edition (offsets are characters of the "
                           "paragraph text; similarity ignores punctuation).",
            "pairs": [{"id": p.id, "similarity": p.similarity, "a": place(p.a), "b": place(p.b)} for p in parallels]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
