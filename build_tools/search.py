"""Stage 5, render (search part): the full-text search index, sharded so that a query reads a
small, bounded part of it however large the archive grows.

Ctrl-F semantics: a query matches every unit (paragraph, heading, title, glossary entry, note)
whose text contains it, in either script. Matching runs on the canonical (simplified) text; the
query is folded to simplified character by character with a map built here from the corpus's
own simplified/traditional pairs and OpenCC's traditional->simplified character table. Because
script conversion keeps offsets, a hit found in the canonical text is shown from the variant's
text at the same place.

Units are numbered in reading order: the glossary's entries, then each text's title, headings
and paragraphs, and notes, text after text. Results come in that order, so a results page can
be drawn as soon as its first pages are complete, while the rest of the archive is still read.

Layout (every file a `<script>`: a `fetch` fails from file://):
- `assets/search-index.js`, per variant: each page's units' kinds, fold map, labels (no text).
- `assets/search/n<k>.js`, per variant: address and title of NAMES_PER_FILE pages, loaded only
  for the pages drawn.
- `assets/search/t<k>.js`, once, under the canonical root (both variants read it): a positional
  n-gram index of the canonical text, split into shards by term. The units are cut into windows
  of WINDOW_UNITS; a term's postings are kept per window. Each character maps to the units
  holding it, with the count and first position; each character pair to the units holding it
  with every position. A query of n >= 2 characters reads the pairs at offsets 0, 2, 4, … and
  n-2, and chains their positions: exact substring matches and counts, no text needed.
- `assets/search/t<k>p<j>.js`: a frequent term's postings, a run of windows per file of about
  PART_BYTES, so that the first pages of results read only the first part.
- `assets/search/u<k>.js`, under the canonical root: anchor and text of UNITS_PER_CHUNK units
  (and a note's number, as its marker shows it), loaded only for the results drawn.
- `assets/search/v<k>.js`, per derived variant: the same units' text in its script, as a patch
  on the canonical chunk (script conversion keeps offsets): each character converted alone (the
  manifest's `unfold`), then the places where the phrase-aware conversion chose otherwise. The
  text is published once, not once per script (at 10,000 texts 138 MB less).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Iterator

from build_tools.annotate import Note
from build_tools.convert import opencc_dictionary
from build_tools.enrich import Glossary
from build_tools.model import Document, display_date

INDEX_FILE = "assets/search-index.js"
SHARD_DIR = "assets/search"
UNITS_PER_CHUNK = 16  # small: the first results may lie in as many chunks across the archive
NAMES_PER_FILE = 64  # pages whose address and title share a file (loaded for the pages drawn)
SHARD_BYTES = 48_000  # a term shard's target size; the shard count follows the text's size
INDEX_BYTES_PER_CHAR = 5  # encoded index bytes per character of text, as measured on the synthetic archive
WINDOW_UNITS = 1024  # units per window (about 50 texts): the step in which a query reads the archive
PART_BYTES = 24_000  # postings larger than this leave the shard for part files of about this size
KIND_LETTERS = {"title": "t", "heading": "h", "text": "p", "note": "n", "glossary": "g"}

# Numbers in a term's postings: the last digit of a number from DIGITS[:BASE] (base BASE), the
# others from DIGITS[BASE:] (base LEAD_BASE). DIGITS are the printable ASCII characters a JSON
# string holds without escaping (no space, quote or backslash). Most numbers are small steps and
# positions: a large BASE gives most of them one character and positions up to about 1,000 two
# (on the synthetic archive the index is 6% smaller than with 46 and 46).
DIGITS = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"\\')
BASE = 80
LEAD_BASE = len(DIGITS) - BASE
# A unit's count rides in its step's number, step * COUNTS + count - 1, for counts below COUNTS;
# a larger count is written out after step * COUNTS + COUNTS - 1. Counts took a sixth of the index.
COUNTS = 4


@dataclass(frozen=True)
class Unit:
    url: str  # page path from the variant's root, e.g. texts/<slug>/index.html
    anchor: str  # fragment on that page
    page: str  # page title in the variant's script
    kind: str  # title | heading | text | glossary | note
    canonical: str  # simplified text the query is matched against
    shown: str  # the same text in the variant's script (same length)
    number: int = 0  # a note's number on its page (its marker's [n]); 0 for any other unit
    year: str = ""  # the text's year ("" for a glossary entry), for the results' year filter


def units(canonical: list[Document], variant: list[Document], glossary: Glossary,
          notes: dict[str, tuple[Note, ...]], t: Callable[[str], str]) -> list[Unit]:
    """Every searchable unit of one variant, in reading order: the glossary (what a term means
    comes before where it is used), then the texts."""
    out = []
    for entry in glossary.entries:
        text = f"{entry.term}：{entry.gloss}。{entry.explanation}"
        out.append(Unit(f"glossary/{entry.id}.html", "top", t(entry.term), "glossary", text, t(text)))
    for doc, vdoc in zip(canonical, variant):
        url = f"texts/{doc.meta.slug}/index.html"
        page = f"{display_date(doc.meta.date)} {vdoc.meta.short_title}"  # as the sidebar names it
        year = doc.meta.date[:4]
        for block, vblock in zip(doc.blocks, vdoc.blocks):
            if block.role == "title":
                out.append(Unit(url, "top", page, "title", block.text, vblock.text, year=year))
            elif block.id:
                kind = "heading" if block.is_heading else "text"
                out.append(Unit(url, block.id, page, kind, block.text, vblock.text, year=year))
        for note in notes.get(doc.meta.slug, ()):
            out.append(Unit(url, f"note-{note.id}", page, "note", note.body, t(note.body), note.number, year))
    return out


def characters(canonical_units: list[Unit]) -> set[str]:
    """Every character of the canonical text."""
    return set().union(*(unit.canonical for unit in canonical_units)) if canonical_units else set()


def fold_map(all_units: list[list[Unit]], present: set[str] | None = None) -> dict[str, str]:
    """Character -> its canonical (simplified) form, for every character a reader might type
    that differs from the canonical text: the corpus's own pairs first, then OpenCC's table for
    any traditional form of a character the corpus contains (`present`: characters() of the
    canonical units, all_units[0])."""
    pairs: Counter = Counter()  # (shown, canonical) -> times, counted in C
    for variant_units in all_units:
        for unit in variant_units:
            if unit.shown != unit.canonical:
                pairs.update(zip(unit.shown, unit.canonical))
    present = characters(all_units[0] if all_units else []) if present is None else present
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


def standing_for_themselves(fold: dict[str, str], present: set[str]) -> str:
    """The characters the fold map changes that the canonical text (`present`: its characters())
    also holds as themselves: 著, which the traditional text writes for 着 (着力) but the simplified
    keeps in 显著. A query's such character is looked up in both forms (edition-search.js), so
    that 显著 and 顯著 find 显著."""
    return "".join(sorted(c for c in fold if c in present))


def single_characters(fold: dict[str, str], convert: Callable[[str], str]) -> dict[str, str]:
    """Canonical character -> the variant's, converting it alone, for every character that has
    another form in the corpus (the fold map's); where a word needs another form (头发, 皇后),
    the phrase-aware conversion chose it and the unit's patch says so."""
    return {c: alone for c in sorted(set(fold.values())) if (alone := convert(c)) != c}


def script_patch(guess: str, shown: str) -> str:
    """Where `shown` differs from `guess` (of the same length): each place as its distance from
    the end of the previous one, in index digits, then the character there. "" when they agree."""
    if guess == shown:
        return ""
    out, last = [], 0
    for at, (g, c) in enumerate(zip(guess, shown)):
        if g != c:
            out.append(_digits(at - last).decode("ascii") + c)
            last = at + 1
    return "".join(out)


def encode(numbers: list[int]) -> str:
    out = bytearray()
    encode_into(out, numbers)
    return out.decode("ascii")


def _digits(n: int) -> bytes:
    n, last = divmod(n, BASE)
    groups = [last]
    while n:
        n, digit = divmod(n, LEAD_BASE)
        groups.append(BASE + digit)
    return "".join(DIGITS[g] for g in reversed(groups)).encode("ascii")


_CODES = [_digits(n) for n in range(1 << 15)]  # the numbers below 32,768, looked up instead of computed


def encode_into(out: bytearray, numbers) -> None:
    if max(numbers) < len(_CODES):
        out += b"".join(map(_CODES.__getitem__, numbers))
    else:
        out += b"".join(map(_digits, numbers))


def head(step: int, count: int) -> list[int]:
    """A unit's step from the term's previous unit and its count, as numbers (see COUNTS)."""
    return [step * COUNTS + count - 1] if count < COUNTS else [step * COUNTS + COUNTS - 1, count]


def postings(texts: list[str]) -> dict[str, str]:
    """Term -> encoded postings over the canonical texts, in unit order. A character: (head,
    first position) per unit; a pair: (head, positions as steps), the head being the unit's step
    and count (see head()).
    Each unit's numbers are encoded as soon as they are known (as a list of Python ints the
    index of 10,000 texts took gigabytes); counting and pairing run in C where they can. Most
    pairs occur once in a unit: that case is encoded inline (a third less time overall)."""
    terms: dict[str, bytearray] = defaultdict(bytearray)
    last: dict[str, int] = {}
    get_last, codes = last.get, _CODES

    for number, text in enumerate(texts):
        for char, count in Counter(text).items():
            step = number - get_last(char, -1) - 1
            last[char] = number
            encode_into(terms[char], [*head(step, count), text.index(char)])
        places: dict[str, list[int]] = defaultdict(list)
        for at, pair in enumerate(map(str.__add__, text, text[1:])):
            places[pair].append(at)
        for pair, at in places.items():
            step = number - get_last(pair, -1) - 1
            last[pair] = number
            if len(at) == 1 and step * COUNTS < len(codes) and at[0] < len(codes):
                terms[pair] += codes[step * COUNTS] + codes[at[0]]
            else:
                encode_into(terms[pair], [*head(step, len(at)), at[0], *map(int.__sub__, at[1:], at)])
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


def windowed_postings(texts: list[str]) -> dict[str, list]:
    """Term -> [window, encoded postings in that window, window, …] for the windows holding it;
    unit numbers count from the window's first unit."""
    table: dict[str, list] = defaultdict(list)
    for start in range(0, len(texts), WINDOW_UNITS):
        for term, encoded in postings(texts[start:start + WINDOW_UNITS]).items():
            table[term] += (start // WINDOW_UNITS, encoded)
    return table


def _runs(entries: list, size: int) -> list[list]:
    """[window, encoded, …] cut into runs of consecutive windows of about `size` characters."""
    runs, run, length = [], [], 0
    for at in range(0, len(entries), 2):
        if run and length + len(entries[at + 1]) > size:
            runs.append(run)
            run, length = [], 0
        run += entries[at:at + 2]
        length += len(entries[at + 1])
    return runs + [run]


def term_shards(canonical_units: list[Unit]) -> Iterator[tuple[str, str]]:
    """(path, script) of every term shard and part, shared by the variants (built from the
    canonical text). In a shard, a term maps to its windowed postings, or, when they are larger
    than PART_BYTES, to {"parts": [[first window, part name], …]}. Made a shard at a time, each
    term's postings let go once encoded: the index of an archive is hundreds of MB."""
    table = windowed_postings([u.canonical for u in canonical_units])
    shards = term_shard_count(canonical_units)
    terms_of: dict[int, list[str]] = defaultdict(list)
    for term in sorted(table):
        terms_of[shard_of(term, shards)].append(term)
    for k in range(shards):
        part, named = {}, 0
        for term in terms_of.pop(k, ()):
            entries = table.pop(term)
            if sum(map(len, entries[1::2])) <= PART_BYTES:
                part[term] = entries
                continue
            pieces = part[term] = {"parts": []}
            for run in _runs(entries, PART_BYTES):
                name, named = f"t{k}p{named}", named + 1
                pieces["parts"].append([run[0], name])
                yield f"{SHARD_DIR}/{name}.js", _script(name, run)
        yield f"{SHARD_DIR}/t{k}.js", _script(f"t{k}", part)


def layout(kinds: list[str]) -> str:
    """A page's units' kinds in reading order, as letters with run lengths: "tp12hp8n3"."""
    out = []
    for letter, run in itertools.groupby(KIND_LETTERS[k] for k in kinds):
        length = len(list(run))
        out.append(letter + (str(length) if length > 1 else ""))
    return "".join(out)


def variant_index(variant_units: list[Unit], fold: dict[str, str], labels: dict[str, str], shards: int,
                  shared_root: str, unfold: dict[str, str] | None = None, also: str = "") -> list[tuple[str, str]]:
    """(path, script) of one variant's manifest and text chunks. `shared_root` leads from the
    variant's root to the canonical root holding the term shards and text; `unfold`, for a
    derived variant: single_characters(), its text then written as patches; `also`:
    standing_for_themselves()."""
    kinds: dict[str, list[str]] = defaultdict(list)
    titles: dict[str, str] = {}
    years: list[list] = []  # [year, the first page of a run of its texts] (in date order: one run a year)
    for u in variant_units:  # a page's units are consecutive
        kinds[u.url].append(u.kind)
        if u.url not in titles and u.year and (not years or years[-1][0] != u.year):
            years.append([u.year, len(titles)])
        titles.setdefault(u.url, u.page)
    names = [[url[len("texts/"):-len("/index.html")] if url.startswith("texts/") else url, title]
             for url, title in titles.items()]
    # One string, the pages' layouts spaced: an archive's 10,000 array items took the browser twice
    # as long to load.
    manifest = {"pages": " ".join(layout(k) for k in kinds.values()), "years": years,
                "fold": "".join(k + v for k, v in fold.items()), "also": also, "labels": labels, "digits": DIGITS, "base": BASE,
                "counts": COUNTS, "shards": shards, "window": WINDOW_UNITS, "chunk": UNITS_PER_CHUNK,
                "names": NAMES_PER_FILE, "shared": shared_root + SHARD_DIR + "/", "own": SHARD_DIR + "/"}
    derived = unfold is not None
    if derived:
        manifest["unfold"] = "".join(k + v for k, v in unfold.items())
        table = str.maketrans(unfold)
    files = [(INDEX_FILE, "/* generated by build_tools — do not edit: full-text search index */\n"
              "window.EDITION_SEARCH = " + json.dumps(manifest, ensure_ascii=False, separators=(",", ":")) + ";\n")]
    for k in range(0, len(variant_units), UNITS_PER_CHUNK):
        group = variant_units[k:k + UNITS_PER_CHUNK]
        name = f"{'v' if derived else 'u'}{k // UNITS_PER_CHUNK}"
        chunk = ([script_patch(u.canonical.translate(table), u.shown) for u in group] if derived else
                 [[u.anchor, u.shown, *([u.number] if u.number else [])] for u in group])
        files.append((f"{SHARD_DIR}/{name}.js", _script(name, chunk)))
    for k in range(0, len(names), NAMES_PER_FILE):
        files.append((f"{SHARD_DIR}/n{k // NAMES_PER_FILE}.js", _script(f"n{k // NAMES_PER_FILE}", names[k:k + NAMES_PER_FILE])))
    return files
