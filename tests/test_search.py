"""Stage render (search): units, folding, the sharded index, and a mirror of the browser's
matching that must find exactly what a linear scan finds."""

from __future__ import annotations

import json
import re

import pytest

from build_tools import search
from build_tools.model import display_date
from build_tools.search import (BASE, DIGITS, LEAD_BASE, SHARD_DIR, Unit, characters, encode, fold_map, layout,
                                script_patch, shard_of, standing_for_themselves, term_shards, units, windowed_postings)
from tests.search_queries import queries, source_units, traditional_units, truth


def load_script(path):
    return load_script_text(path.read_text(encoding="utf-8"))


def load_script_text(text):
    return json.loads(re.search(r"^(?:window\.EDITION_SEARCH = |EDITION_SEARCH_PART\(\"\w+\",)(.*?)\)?;$",
                                text, re.M | re.S).group(1))


def load_index(site, variant=""):
    return load_script(site / variant / "assets" / "search-index.js")


def numbered_files(site, variant, letter):
    return sorted((site / variant / SHARD_DIR).glob(f"{letter}[0-9]*.js"), key=lambda f: int(f.stem[1:]))


def apply_patch(guess: str, patch: str) -> str:
    """The inverse of script_patch, as edition-search.js applies it."""
    chars, at, i = list(guess), 0, 0
    while i < len(patch):
        n = 0
        while DIGITS.index(patch[i]) >= BASE:
            n = n * LEAD_BASE + DIGITS.index(patch[i]) - BASE
            i += 1
        at += n * BASE + DIGITS.index(patch[i])
        chars[at] = patch[i + 1]
        at, i = at + 1, i + 2
    return "".join(chars)


def units_of(site, variant=""):
    """Unit number -> (url#anchor, shown text), from the manifest, the names and the text chunks."""
    index = load_index(site, variant)
    names = [entry for f in numbered_files(site, variant, "n") for entry in load_script(f)]
    urls = [name if "/" in name else f"texts/{name}/index.html" for name, _ in names]
    order = [url for url, page in zip(urls, index["pages"].split(" "))
             for letter, run in re.findall(r"([a-z])(\d*)", page) for _ in range(int(run or 1))]
    rows = [row for f in numbered_files(site, "", "u") for row in load_script(f)]  # the canonical text, shared
    if "unfold" in index:  # a derived script: its text as patches on the canonical text
        table = str.maketrans(dict(zip(index["unfold"][::2], index["unfold"][1::2])))
        patches = [patch for f in numbered_files(site, variant, "v") for patch in load_script(f)]
        assert len(patches) == len(rows)
        rows = [[anchor, apply_patch(text.translate(table), patch), *rest] for (anchor, text, *rest), patch in zip(rows, patches)]
    assert len(rows) == len(order) and len(names) == len(index["pages"].split(" "))
    return [(f"{url}#{anchor}", shown) for url, (anchor, shown, *_) in zip(order, rows)]


def decode(text):
    numbers, value = [], 0
    for char in text:
        digit = DIGITS.index(char)
        if digit >= BASE:
            value = value * (len(DIGITS) - BASE) + digit - BASE
        else:
            numbers.append(value * BASE + digit)
            value = 0
    return numbers


def rows(term, windows):
    """The browser's reading of a term's windowed postings: unit -> places (first place only for
    a char)."""
    out = {}
    for window, encoded in zip(windows[::2], windows[1::2]):
        out.update(window_rows(term, encoded, window * search.WINDOW_UNITS))
    return out


def window_rows(term, encoded, first):
    numbers, out, unit, at = decode(encoded), {}, first - 1, 0
    while at < len(numbers):
        step, small = divmod(numbers[at], search.COUNTS)
        unit += step + 1
        count = small + 1 if small < search.COUNTS - 1 else numbers[at + 1]
        at += 1 if small < search.COUNTS - 1 else 2
        places = [numbers[at]]
        for k in range(1, count if len(term) > 1 else 1):
            places.append(places[-1] + numbers[at + k])
        out[unit] = (count, places)
        at += len(places)
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


@pytest.mark.parametrize("window", [search.WINDOW_UNITS, 7])
def test_sharded_postings_find_exactly_what_a_linear_scan_finds(edition, monkeypatch, window):
    monkeypatch.setattr(search, "WINDOW_UNITS", window)  # the real corpus in one window, then in many
    texts = list(source_units(edition).values())
    table = windowed_postings(texts)
    rng_queries = [meant for _, meant in queries(edition)] + ["的", "发", "，", "创先争优创先", "工作工作", "党党"]
    for q in rng_queries:
        assert sharded_search(table, q) == linear_search(texts, q), q


def test_overlapping_and_repeated_pairs(monkeypatch):
    monkeypatch.setattr(search, "WINDOW_UNITS", 2)
    texts = ["啊啊啊啊啊", "啊啊", "甲乙甲乙甲乙甲", "乙甲乙", "", "啊啊啊", "啊啊啊啊"]  # counts about search.COUNTS
    table = windowed_postings(texts)
    for q in ["啊", "啊啊", "啊啊啊", "啊啊啊啊啊", "啊啊啊啊啊啊", "甲乙甲", "甲乙甲乙甲", "乙甲乙甲乙", "丙"]:
        assert sharded_search(table, q) == linear_search(texts, q), q


def test_numbers_round_trip():
    lead = len(DIGITS) - BASE
    numbers = [0, 1, BASE - 1, BASE, BASE + 1, BASE * lead - 1, BASE * lead, BASE * lead * lead, 123456789]
    assert decode(encode(numbers)) == numbers
    assert len(encode([BASE - 1])) == 1 and len(encode([BASE])) == 2 and len(encode([BASE * lead])) == 3
    assert not set(DIGITS) & set('"\\ ') and len(set(DIGITS)) == len(DIGITS)


def test_shard_of_is_stable():
    assert shard_of("创先", 1) == 0 and shard_of("创先", 97) == (ord("创") * 31 + ord("先")) % 1_000_003 % 97


def test_index_holds_every_source_unit_in_both_scripts(site, edition):
    hans, hant = units_of(site), units_of(site, "zh-Hant")
    assert {key for key, _ in hans} == set(source_units(edition))
    assert [key for key, _ in hans] == [key for key, _ in hant]
    assert all(len(a) == len(b) for (_, a), (_, b) in zip(hans, hant))  # same offsets in both scripts
    assert any(a != b for (_, a), (_, b) in zip(hans, hant))


def test_a_derived_scripts_text_is_published_once_as_patches_that_give_its_conversion(site, edition):
    assert [shown for _, shown in units_of(site, "zh-Hant")] == [u.shown for u in traditional_units(edition)]
    assert not list((site / "zh-Hant" / SHARD_DIR).glob("u*.js"))
    canonical = sum(f.stat().st_size for f in (site / SHARD_DIR).glob("u*.js"))
    assert sum(f.stat().st_size for f in (site / "zh-Hant" / SHARD_DIR).glob("v*.js")) < canonical / 5


@pytest.mark.parametrize("guess, shown", [("", ""), ("干部头发", "幹部頭髮"), ("头发", "头发"), ("甲" * 5000 + "乙", "甲" * 5000 + "丙"),
                                          ("一二", "𠀀二")])
def test_a_script_patch_gives_back_the_text(guess, shown):
    patch = script_patch(guess, shown)
    assert apply_patch(guess, patch) == shown and (patch == "") == (guess == shown)


def test_units_come_in_reading_order_glossary_first(edition):
    made = units(list(edition.docs), list(edition.docs), edition.glossary, edition.notes, str)
    kinds = [u.kind for u in made]
    assert kinds[:len(edition.glossary.entries)] == ["glossary"] * len(edition.glossary.entries)
    first_text = [u for u in made if u.url == made[len(edition.glossary.entries)].url]
    assert first_text == made[len(edition.glossary.entries):len(edition.glossary.entries) + len(first_text)]  # consecutive
    assert first_text[0].kind == "title" and first_text[-1].kind == "note"
    doc = edition.docs[0]
    assert [u.anchor for u in first_text if u.kind in ("heading", "text")] == [b.id for b in doc.blocks if b.id]
    assert {u.page for u in first_text} == {f"{display_date(doc.meta.date)} {doc.meta.short_title}"}  # as in the sidebar
    notes = [u for u in made if u.kind == "note"]
    assert notes and [u.number for u in notes] == [n.number for d in edition.docs for n in edition.notes[d.meta.slug]]
    assert all(u.number for u in notes) and not any(u.number for u in made if u.kind != "note")


def test_each_year_starts_where_its_first_text_does(site, edition):
    """The year filter's data: [year, first page] per run of a year's texts; every text page
    falls in its own year's run and the glossary's pages in none."""
    for variant in ("", "zh-Hant"):
        index = load_index(site, variant)
        names = [name for f in numbered_files(site, variant, "n") for name, _ in load_script(f)]
        years = index["years"]
        assert [y for y, _ in years] == sorted({d.meta.date[:4] for d in edition.docs})  # one run a year, in order
        year_of_slug = {d.meta.slug: d.meta.date[:4] for d in edition.docs}
        for page, name in enumerate(names):
            runs = [y for y, first in years if first <= page]
            assert (runs[-1] if runs else "") == year_of_slug.get(name, ""), name


def test_layout_is_the_kinds_with_run_lengths():
    assert layout(["title", "text", "text", "heading", "text", "note", "note", "note"]) == "tp2hpn3"
    assert layout(["glossary"]) == "g"


def test_a_frequent_term_is_split_into_parts_by_window(edition, monkeypatch):
    monkeypatch.setattr(search, "WINDOW_UNITS", 16)
    monkeypatch.setattr(search, "PART_BYTES", 300)
    made = units(list(edition.docs), list(edition.docs), edition.glossary, edition.notes, str)
    files = dict(term_shards(made))
    shards = {path: load_script_text(text) for path, text in files.items() if re.search(r"/t\d+\.js$", path)}
    split = {term: entry["parts"] for shard in shards.values() for term, entry in shard.items() if isinstance(entry, dict)}
    assert split, "the real corpus has terms above PART_BYTES"
    for term, pieces in split.items():
        windows = []
        for first, name in pieces:
            run = load_script_text(files[f"{SHARD_DIR}/{name}.js"])
            assert run[0] == first
            windows += run[::2]
            assert len(run) == 2 or sum(map(len, run[1::2])) <= search.PART_BYTES  # a run exceeds it only alone
        assert windows == sorted(set(windows)) and len(pieces) > 1


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


def test_a_character_folded_away_that_the_simplified_text_also_holds_is_looked_up_both_ways():
    """着力 is 著力 in traditional, and 显著 keeps its 著: a query's 著 must find both."""
    canonical = [Unit("u", "a", "p", "text", "着力着手", "着力着手"), Unit("u", "b", "p", "text", "显著", "显著")]
    traditional = [Unit("u", "a", "p", "text", "着力着手", "著力著手"), Unit("u", "b", "p", "text", "显著", "顯著")]
    fold = fold_map([canonical, traditional])
    assert fold["著"] == "着" and standing_for_themselves(fold, characters(canonical)) == "著"


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
