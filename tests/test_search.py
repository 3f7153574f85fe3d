"""Stage render (search): units, folding, and the index a browser loads."""

from __future__ import annotations

import json

from build_tools.search import fold_map
from tests.search_queries import queries, source_units


def load_index(site, variant=""):
    text = (site / variant / "assets" / "search-index.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1:].rstrip().rstrip(";"))


def test_index_holds_every_source_unit(site, edition):
    for variant in ("", "zh-Hant"):
        index = load_index(site, variant)
        keys = {f"{index['pages'][u[0]][0]}#{u[1]}" for u in index["units"]}
        assert keys == set(source_units(edition))


def test_index_text_is_canonical_and_shown_text_is_the_variant(site, edition):
    hans, hant = load_index(site), load_index(site, "zh-Hant")
    assert [u[3] for u in hans["units"]] == [u[3] for u in hant["units"]]
    assert all(len(u) == 4 for u in hans["units"])  # simplified: shown == canonical
    shown = [u[4] for u in hant["units"] if len(u) == 5]
    assert shown and all(len(s) == len(u[3]) for u, s in zip([u for u in hant["units"] if len(u) == 5], shown))


def test_fold_map_maps_traditional_to_the_canonical_form(site):
    fold = load_index(site)["fold"]
    table = dict(zip(fold[::2], fold[1::2]))
    assert table["黨"] == "党" and table["著"] == "着" and table["幹"] == "干" and table["髮"] == "发"
    assert all(k != v for k, v in table.items())


def test_fold_map_prefers_the_corpus_pairs():
    from build_tools.search import Unit

    unit = Unit("u", "a", "p", "text", "干部", "幹部")
    assert fold_map([[unit]])["幹"] == "干"


def test_query_set_is_generated_from_the_corpus(edition):
    qs = queries(edition)
    assert len(qs) >= 40 + len(edition.glossary.entries)
    assert any(typed != meant for typed, meant in qs)  # cross-script queries included
    units = source_units(edition)
    assert all(any(meant in text for text in units.values()) for _, meant in qs)


def test_index_sizes_stay_small(site):
    for variant in ("", "zh-Hant"):
        assert (site / variant / "assets" / "search-index.js").stat().st_size < 400_000
