"""Stage 5, render (search part): the full-text search index, sharded so that a query reads a
small, bounded part of it however large the archive grows.

Ctrl-F semantics: a query matches every unit (paragraph, heading, title, glossary entry, note)
whose text contains it, in either script. Matching runs on the canonical (simplified) text; the
query is folded to simplified character by character with a map built here from the corpus's
own simplified/traditional pairs and OpenCC's traditional->simplified character table. Because
script conversion keeps offsets, a hit found in the canonical text is shown from the variant's
text at the same place.

Layout (every file a `<script>`: a `fetch` fails from file://):
- `assets/search-index.js`, per variant: pages, kinds, fold map, labels (no unit text).
- `assets/search/t<k>.js`, once, under the canonical root (both variants read it): a positional
  n-gram index of the canonical text, split into shards by term. Each character maps to the
  units holding it, with the count and first position; each character pair to the units holding
  it with every position. A query of n >= 2 characters reads the pairs at offsets 0, 2, 4, …
  and n-2, and chains their positions: exact substring matches and counts, no text needed.
- `assets/search/u<k>.js`, per variant: anchor and shown text of UNITS_PER_CHUNK units, loaded
  only for the results drawn.

Unit numbers put titles and headings first, then texts, notes and glossary entries, each group
in reading order: the results order (titles/headings, then frequency, then number) is then the
order of the former single index.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable

from build_tools.annotate import Note
from build_tools.convert import opencc_dictionary
from build_tools.enrich import Glossary
from build_tools.model import Document

INDEX_FILE = "assets/search-index.js"
SHARD_DIR = "assets/search"
UNITS_PER_CHUNK = 32  # small: the first 50 results may lie in 50 chunks across the archive
SHARD_BYTES = 48_000  # a term shard's target size; the shard count follows the text's size
INDEX_BYTES_PER_CHAR = 5  # encoded index bytes per character of text, as measured on the synthetic archive
HEADING_KINDS = ("title", "heading")

# Numbers in a term's postings: base-32 digits, the last one of a number from DIGITS[:32], the
# others from DIGITS[32:] (JSON-safe characters, no escaping).
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


@dataclass(frozen=True)
class Unit:
    url: str  # page path from the variant's root, e.g. texts/<slug>/index.html
    anchor: str  # fragment on that page
    page: str  # page title in the variant's script
    kind: str  # title | heading | text | glossary | note
    canonical: str  # simplified text the query is matched against
    shown: str  # the same text in the variant's script (same length)


def units(canonical: list[Document], variant: list[Document], glossary: Glossary,
          notes: dict[str, tuple[Note, ...]], t: Callable[[str], str]) -> list[Unit]:
    """Every searchable unit of one variant, in reading order."""
    out = []
    for doc, vdoc in zip(canonical, variant):
        url = f"texts/{doc.meta.slug}/index.html"
        for block, vblock in zip(doc.blocks, vdoc.blocks):
            if block.role == "title":
                out.append(Unit(url, "top", vdoc.meta.short_title, "title", block.text, vblock.text))
            elif block.id:
                kind = "heading" if block.is_heading else "text"
                out.append(Unit(url, block.id, vdoc.meta.short_title, kind, block.text, vblock.text))
        for note in notes.get(doc.meta.slug, ()):
            out.append(Unit(url, f"note-{note.id}", vdoc.meta.short_title, "note", note.body, t(note.body)))
    for entry in glossary.entries:
        text = f"{entry.term}：{entry.gloss}。{entry.explanation}"
        out.append(Unit(f"glossary/{entry.id}.html", "top", t(entry.term), "glossary", text, t(text)))
    return out


def numbered(variant_units: list[Unit]) -> list[Unit]:
    """Units in index order: titles and headings, then the rest, each in reading order."""
    return ([u for u in variant_units if u.kind in HEADING_KINDS]
            + [u for u in variant_units if u.kind not in HEADING_KINDS])


def fold_map(all_units: list[list[Unit]]) -> dict[str, str]:
    """Character -> its canonical (simplified) form, for every character a reader might type
    that differs from the canonical text: the corpus's own pairs first, then OpenCC's table for
    any traditional form of a character the corpus contains."""
    pairs: Counter = Counter()  # (shown, canonical) -> times, counted in C
    for variant_units in all_units:
        for unit in variant_units:
            if unit.shown != unit.canonical:
                pairs.update(zip(unit.shown, unit.canonical))
    present = set().union(*(unit.canonical for unit in all_units[0])) if all_units else set()
    votes: dict[str, Counter] = defaultdict(Counter)
    changed = {v for v, c in pairs if v != c}
    for (v, c), times in pairs.items():
        if v in changed:  # where a variant character also stands for itself, that votes too
            votes[v][c] += times
    fold = {v: counts.most_common(1)[0][0] for v, counts in votes.items()}
    for trad, simps in opencc_dictionary("TSCharacters").items():
        if simps[0] in present and trad not in present:  # 覆 stays 覆 where the text has 覆盖
            fold.setdefault(trad, simps[0])
    fold = {v: c for v, c in fold.items() if v != c}
    return dict(sorted(fold.items()))


def encode(numbers: list[int]) -> str:
    out = bytearray()
    encode_into(out, numbers)
    return out.decode("ascii")


def _digits(n: int) -> bytes:
    groups = [n & 31]
    n >>= 5
    while n:
        groups.append(32 + (n & 31))
        n >>= 5
    return "".join(DIGITS[g] for g in reversed(groups)).encode("ascii")


_CODES = [_digits(n) for n in range(1 << 15)]  # up to three digits, looked up instead of computed


def encode_into(out: bytearray, numbers) -> None:
    if max(numbers) < len(_CODES):
        out += b"".join(map(_CODES.__getitem__, numbers))
    else:
        out += b"".join(map(_digits, numbers))


def postings(texts: list[str]) -> dict[str, str]:
    """Term -> encoded postings over the canonical texts, in unit order. A character: (unit
    step, count, first position) per unit; a pair: (unit step, count, positions as steps).
    Each unit's numbers are encoded as soon as they are known (as a list of Python ints the
    index of 10,000 texts took gigabytes); counting and pairing run in C where they can. Most
    pairs occur once in a unit: that case is encoded inline (a third less time overall)."""
    terms: dict[str, bytearray] = defaultdict(bytearray)
    last: dict[str, int] = {}
    get_last, codes, one = last.get, _CODES, _CODES[1]

    for number, text in enumerate(texts):
        for char, count in Counter(text).items():
            step = number - get_last(char, -1) - 1
            last[char] = number
            encode_into(terms[char], (step, count, text.index(char)))
        places: dict[str, list[int]] = defaultdict(list)
        for at, pair in enumerate(map(str.__add__, text, text[1:])):
            places[pair].append(at)
        for pair, at in places.items():
            step = number - get_last(pair, -1) - 1
            last[pair] = number
            if len(at) == 1 and step < len(codes) and at[0] < len(codes):
                terms[pair] += codes[step] + one + codes[at[0]]
            else:
                encode_into(terms[pair], [step, len(at), at[0], *map(int.__sub__, at[1:], at)])
    return {term: encoded.decode("ascii") for term, encoded in terms.items()}


def shard_of(term: str, shards: int) -> int:
    """Same arithmetic as shardOf() in edition-search.js."""
    h = 0
    for char in term:
        h = (h * 31 + ord(char)) % 1_000_003
    return h % shards


def _script(name: str, data) -> str:
    return f'EDITION_SEARCH_PART("{name}",' + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ");\n"


def term_shard_count(canonical_units: list[Unit]) -> int:
    """How many term shards: from the text's length, so that it is known before the index is
    built (each variant's manifest records it, and the variants are rendered first)."""
    return max(1, -(-sum(len(u.canonical) for u in canonical_units) * INDEX_BYTES_PER_CHAR // SHARD_BYTES))


def term_shards(canonical_units: list[Unit]) -> list[tuple[str, str]]:
    """(path, script) of every term shard, shared by the variants (built from canonical text)."""
    table = postings([u.canonical for u in numbered(canonical_units)])
    shards = term_shard_count(canonical_units)
    parts: list[dict[str, str]] = [{} for _ in range(shards)]
    for term, encoded in sorted(table.items()):
        parts[shard_of(term, shards)][term] = encoded
    return [(f"{SHARD_DIR}/t{k}.js", _script(f"t{k}", part)) for k, part in enumerate(parts)]


def variant_index(variant_units: list[Unit], fold: dict[str, str], labels: dict[str, str], shards: int,
                  shared_root: str) -> list[tuple[str, str]]:
    """(path, script) of one variant's manifest and text chunks. `shared_root` leads from the
    variant's root to the canonical root holding the term shards."""
    ordered = numbered(variant_units)
    pages: dict[str, list] = {}  # url -> [url or slug, title, title/heading kinds, texts, notes(, 1: glossary)]
    for u in variant_units:  # reading order, so that pages and both unit groups agree
        slug = u.url[len("texts/"):-len("/index.html")] if u.url.startswith("texts/") else u.url
        page = pages.setdefault(u.url, [slug, u.page, "", 0, 0] + ([1] if u.kind == "glossary" else []))
        if u.kind in HEADING_KINDS:
            page[2] += u.kind[0]
        else:
            page[4 if u.kind == "note" else 3] += 1
    manifest = {"pages": list(pages.values()), "fold": "".join(k + v for k, v in fold.items()), "labels": labels,
                "shards": shards, "chunk": UNITS_PER_CHUNK, "shared": shared_root + SHARD_DIR + "/",
                "own": SHARD_DIR + "/"}
    files = [(INDEX_FILE, "/* generated by build_tools — do not edit: full-text search index */\n"
              "window.EDITION_SEARCH = " + json.dumps(manifest, ensure_ascii=False, separators=(",", ":")) + ";\n")]
    for k in range(0, len(ordered), UNITS_PER_CHUNK):
        chunk = [[u.anchor, u.shown] for u in ordered[k:k + UNITS_PER_CHUNK]]
        files.append((f"{SHARD_DIR}/u{k // UNITS_PER_CHUNK}.js", _script(f"u{k // UNITS_PER_CHUNK}", chunk)))
    return files
