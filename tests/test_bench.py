"""build_tools/bench.py: the synthetic data `make bench` measures with."""

from __future__ import annotations

from build_tools.bench import grown_glossary
from build_tools.enrich import occurrences


def test_a_grown_glossary_keeps_the_real_entries_and_every_entry_is_found(edition):
    docs = list(edition.docs)
    size = len(edition.glossary.entries) + 60
    grown = grown_glossary(edition.glossary, docs, size)
    assert len(grown.entries) == size
    assert grown.entries[:len(edition.glossary.entries)] == edition.glossary.entries
    forms = [form for e in grown.entries for form in e.forms]
    assert len({e.id for e in grown.entries}) == size and len(set(forms)) == len(forms)
    found = occurrences(grown, docs)
    assert all(found[e.id] for e in grown.entries[len(edition.glossary.entries):])
