"""The search query set, generated from the corpus (fixed seed), and its truth computed by
plain substring search over the source: texts, headings, glossary entries and note bodies."""

from __future__ import annotations

import random
import re

from build_tools.convert import converter

HAN = re.compile(r"[\u4e00-\u9fff]+")


def traditional_units(edition):
    """The search units of the traditional script, as the pipeline makes them (converter and all)."""
    from build_tools.convert import convert_document
    from build_tools.search import units

    t = converter(edition.variants[1], edition.conversion.overrides)
    return units(list(edition.docs), [convert_document(d, t) for d in edition.docs], edition.glossary, edition.notes, t)


def source_units(edition) -> dict[str, str]:
    """'url#anchor' -> canonical text, straight from the edition's source data."""
    units = {}
    for doc in edition.docs:
        url = f"texts/{doc.meta.slug}/index.html"
        for block in doc.blocks:
            if block.role == "title":
                units[f"{url}#top"] = block.text
            elif block.id:
                units[f"{url}#{block.id}"] = block.text
        for note in edition.notes[doc.meta.slug]:
            units[f"{url}#note-{note.id}"] = note.body
    for entry in edition.glossary.entries:
        units[f"glossary/{entry.id}.html#top"] = f"{entry.term}：{entry.gloss}。{entry.explanation}"
    return units


def folding(edition) -> tuple[dict[str, str], str]:
    """The search's fold map and the characters it changes that the canonical text also holds."""
    from build_tools.search import characters, fold_map, standing_for_themselves, units

    canonical = units(list(edition.docs), list(edition.docs), edition.glossary, edition.notes, str)
    fold = fold_map([canonical, traditional_units(edition)])
    return fold, standing_for_themselves(fold, characters(canonical))


def forms(typed: str, fold: dict[str, str], also: str, max_forms: int = 8) -> list[str]:
    """The canonical strings a typed query stands for: each character folded, and one the fold
    changes but the canonical text also holds as itself in both forms (up to max_forms strings)."""
    out = [""]
    for c in typed:
        folded = fold.get(c, c)
        both = folded != c and c in also and len(out) * 2 <= max_forms
        out = [s + folded for s in out] + ([s + c for s in out] if both else [])
    return out


def queries(edition, n_random: int = 40, seed: int = 20100414) -> list[tuple[str, str]]:
    """(query as typed, the simplified query it means): random 1–6 character substrings from the
    middle of sentences, every glossary term, a word around each character the search looks up in
    two forms (著 in 显著), and each of those in traditional script."""
    rng = random.Random(seed)
    runs = [run for doc in edition.docs for block in doc.paragraphs for run in HAN.findall(block.text) if len(run) >= 8]
    chosen = []
    while len(chosen) < n_random:
        run = rng.choice(runs)
        size = rng.randint(1, 6)
        start = rng.randint(1, len(run) - size - 1)  # from the middle, not the edges
        chosen.append(run[start:start + size])
    texts = list(source_units(edition).values())
    both_forms = [next(m.group() for text in texts for m in re.finditer(f"[\u4e00-\u9fff]?{c}[\u4e00-\u9fff]?", text)
                       if len(m.group()) > 1) for c in folding(edition)[1]]
    simplified = list(dict.fromkeys(chosen + [e.term for e in edition.glossary.entries] + both_forms))
    hant = converter(edition.variants[1], edition.conversion.overrides)
    return [(q, q) for q in simplified] + [(hant(q), q) for q in simplified if hant(q) != q]


def truth(units: dict[str, str], *meant: str) -> set[str]:
    """The units holding any of these strings (a query's forms)."""
    return {key for key, text in units.items() if any(m in text for m in meant)}
