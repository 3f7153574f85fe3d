"""Stage render (search): units, folding, the sharded index, and a mirror of the browser's
matching that must find exactly what a linear scan finds."""

from __future__ import annotations

import json
import re

from build_tools.search import DIGITS, SHARD_DIR, Unit, encode, fold_map, numbered, postings, shard_of
from tests.search_queries import queries, source_units, truth


def load_script(path):
    text = path.read_text(encoding="utf-8")
    return json.loads(re.search(r"^(?:window\.EDITION_SEARCH = |EDITION_SEARCH_PART\(\"\w+\",)(.*?)\)?;$",
                                text, re.M | re.S).group(1))


def load_index(site, variant=""):
    return load_script(site / variant / "assets" / "search-index.js")


def units_of(site, variant=""):
    """Unit number -> (url#anchor, shown text), from the manifest and the text chunks."""
    index = load_index(site, variant)
    urls = []
    for p in index["pages"]:
        url = p[0] if "/" in p[0] else f"texts/{p[0]}/index.html"
        urls.append((url, p))
    order = [url for url, p in urls for _ in p[2]] + [url for url, p in urls for _ in range(p[3] + p[4])]
    chunks = sorted((site / variant / SHARD_DIR).glob("u*.js"), key=lambda f: int(f.stem[1:]))
    rows = [row for f in chunks for row in load_script(f)]
    assert len(rows) == len(order)
    return [(f"{url}#{anchor}", shown) for url, (anchor, shown) in zip(order, rows)]


def decode(text):
    numbers, value = [], 0
    for char in text:
        digit = DIGITS.index(char)
        if digit >= 32:
            value = value * 32 + digit - 32
        else:
            numbers.append(value * 32 + digit)
            value = 0
    return numbers


def rows(term, encoded):
    """The browser's reading of a term's postings: unit -> places (first place only for a char)."""
    numbers, out, unit, at = decode(encoded), {}, -1, 0
    while at < len(numbers):
        unit += numbers[at] + 1
        count = numbers[at + 1]
        if len(term) == 1:
            out[unit] = (count, [numbers[at + 2]])
            at += 3
        else:
            places = [numbers[at + 2]]
            for k in range(1, count):
                places.append(places[-1] + numbers[at + 2 + k])
            out[unit] = (count, places)
            at += 2 + count
    return out


def sharded_search(table, q):
    """Python mirror of search()/chain() in edition-search.js: unit -> (count, first position)."""
    if len(q) == 1:
        return {u: (count, places[0]) for u, (count, places) in rows(q, table.get(q, "")).items()}
    offsets = sorted({*range(0, len(q) - 1, 2), len(q) - 2})
    lists = [rows(q[at:at + 2], table.get(q[at:at + 2], "")) for at in offsets]
    found = {}
    for unit in set.intersection(*(set(r) for r in lists)):
        count, first, next_free = 0, -1, 0
        for p in lists[0][unit][1]:
            if all(p + at in set(lists[j][unit][1]) for j, at in enumerate(offsets)) and p >= next_free:
                first = p if first < 0 else first
                count, next_free = count + 1, p + len(q)
        if count:
            found[unit] = (count, first)
    return found


def linear_search(texts, q):
    found = {}
    for unit, text in enumerate(texts):
        pos = text.find(q)
        if pos >= 0:
            count, at = 0, pos
            while at >= 0:
                count, at = count + 1, text.find(q, at + len(q))
            found[unit] = (count, pos)
    return found


def test_sharded_postings_find_exactly_what_a_linear_scan_finds(edition):
    texts = list(source_units(edition).values())
    table = postings(texts)
    rng_queries = [meant for _, meant in queries(edition)] + ["的", "发", "，", "创先争优创先", "工作工作", "党党"]
    for q in rng_queries:
        assert sharded_search(table, q) == linear_search(texts, q), q


def test_overlapping_and_repeated_pairs():
    texts = ["啊啊啊啊啊", "啊啊", "甲乙甲乙甲乙甲", "乙甲乙", ""]
    table = postings(texts)
    for q in ["啊", "啊啊", "啊啊啊", "啊啊啊啊啊", "啊啊啊啊啊啊", "甲乙甲", "甲乙甲乙甲", "乙甲乙甲乙", "丙"]:
        assert sharded_search(table, q) == linear_search(texts, q), q


def test_numbers_round_trip():
    numbers = [0, 1, 31, 32, 33, 1023, 1024, 123456789]
    assert decode(encode(numbers)) == numbers


def test_shard_of_is_stable():
    assert shard_of("创先", 1) == 0 and shard_of("创先", 97) == (ord("创") * 31 + ord("先")) % 1_000_003 % 97


def test_index_holds_every_source_unit_in_both_scripts(site, edition):
    hans, hant = units_of(site), units_of(site, "zh-Hant")
    assert {key for key, _ in hans} == set(source_units(edition))
    assert [key for key, _ in hans] == [key for key, _ in hant]
    assert all(len(a) == len(b) for (_, a), (_, b) in zip(hans, hant))  # same offsets in both scripts
    assert any(a != b for (_, a), (_, b) in zip(hans, hant))


def test_units_are_numbered_titles_and_headings_first():
    made = [Unit("a", "top", "A", "title", "x", "x"), Unit("a", "p1", "A", "text", "y", "y"),
            Unit("a", "s1", "A", "heading", "z", "z"), Unit("b", "top", "B", "title", "w", "w")]
    assert [u.anchor + u.url for u in numbered(made)] == ["topa", "s1a", "topb", "p1a"]


def test_term_shards_are_shared_and_only_under_the_canonical_root(site):
    assert list((site / SHARD_DIR).glob("t*.js"))
    assert not list((site / "zh-Hant" / SHARD_DIR).glob("t*.js"))
    assert load_index(site, "zh-Hant")["shared"] == "../" + SHARD_DIR + "/"


def test_fold_map_maps_traditional_to_the_canonical_form(site):
    fold = load_index(site)["fold"]
    table = dict(zip(fold[::2], fold[1::2]))
    assert table["黨"] == "党" and table["著"] == "着" and table["幹"] == "干" and table["髮"] == "发"
    assert all(k != v for k, v in table.items())


def test_fold_map_prefers_the_corpus_pairs():
    unit = Unit("u", "a", "p", "text", "干部", "幹部")
    assert fold_map([[unit]])["幹"] == "干"


def test_query_set_is_generated_from_the_corpus(edition):
    qs = queries(edition)
    assert len(qs) >= 40 + len(edition.glossary.entries)
    assert any(typed != meant for typed, meant in qs)  # cross-script queries included
    units = source_units(edition)
    assert all(any(meant in text for text in units.values()) for _, meant in qs)
    assert truth(units, qs[0][1])


def test_each_index_file_stays_small(site):
    for variant in ("", "zh-Hant"):
        assert (site / variant / "assets" / "search-index.js").stat().st_size < 100_000
        assert max(f.stat().st_size for f in (site / variant / SHARD_DIR).glob("*.js")) < 400_000
