"""Benchmark support: a synthetic corpus of N texts made from the real ones, so every stage does
real work (segmentation data, glossary hits, notes, parallels), and the measurements of
`make bench` (tools/bench.py prints and records them)."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import random
import re
import shutil
from pathlib import Path

import yaml

from build_tools import manifest
from build_tools.enrich import Entry, Glossary, is_han, occurrences
from build_tools.load import load_texts
from build_tools.pipeline import load_edition
from build_tools.segment import segment

FIRST_DATE = datetime.date(2010, 4, 15)
CLAUSE_END = re.compile(r"[，；。！？：]")
QUOTE_REACH = 50  # a synthetic text that quotes another quotes one of the 50 before it
SPAN_DAYS = 900  # synthetic texts are dated within about the campaign's length (2010-04 to 2012)
PROJECT_PARTS = ["source_texts", "docs", "overrides", "schemas", "build_tools", "mkdocs.yml", "edition.yml",
                 "anchors.manifest.json", "anchors.changes.json"]


def copy_project(root: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = root / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
        elif src.exists():  # anchors.changes.json: only once a published id has moved
            shutil.copy2(src, dest / part)
    return dest


def reworded(notes_yaml: str, words: str) -> str:
    """A notes file with `words` put before its first note's body: an edit whose result shows on
    the page (the edit-to-preview timing and the preview tests), whatever the notes say."""
    assert "\n  body: " in notes_yaml, "the first note's body is not a plain line"
    return notes_yaml.replace("\n  body: ", f"\n  body: {words}", 1)


def make_corpus(root: Path, dest: Path, n: int, seed: int = 2010) -> Path:
    """A project with the 5 real texts and n-5 synthetic ones, each of 8–30 real paragraphs in a
    new order under a title of its own, then a paragraph of its own (`OwnWords`) and, in
    about half of them, one quoting the own paragraph of one of the `QUOTE_REACH` synthetic texts
    before it (a text is quoted about once in two, whatever the corpus' size), with
    notes quoting its words, and a fresh manifest.

    The quotations keep the parallels' share of the work the same at every size: the recombined
    real paragraphs recur in every few texts, so from about 200 texts on each of their
    fingerprints is in more paragraphs than `parallels.Settings.max_postings` (a formula, not a
    parallel), while below that they make parallels between nearly every pair of texts."""
    project = copy_project(root, dest)
    source = project / "source_texts"
    real = [segment(s) for s in load_texts(source)]
    paragraphs = [b.text for d in real for b in d.paragraphs]
    rng = random.Random(seed)
    own_words = OwnWords(paragraphs, rng)
    synthetic = max(0, n - len(real))
    days_apart = min(2.0, SPAN_DAYS / max(1, synthetic))  # a small corpus two days apart; a large one many a day
    owns: list[str] = []
    for k in range(synthetic):
        date = FIRST_DATE + datetime.timedelta(days=int(k * days_apart))
        slug = f"{date.isoformat()}-synthetic-{k:04d}"
        chosen = rng.sample(paragraphs, rng.randint(8, 30))
        owns.append(own_words.paragraph())
        quotes = rng.randrange(max(0, k - QUOTE_REACH), k) if k and rng.random() < 0.5 else None
        quoting = [] if quotes is None else [own_words.quote(owns[quotes])]
        title = f"合成文本第{k + 1}号：关于深入开展创先争优活动的讲话"
        body = [*chosen, owns[-1], *quoting]
        (source / f"{slug}.txt").write_text(title + "\n" + "\n".join(body) + "\n", encoding="utf-8")
        spec = {"slug": slug, "source": f"{slug}.txt", "short_title": f"合成文本{k + 1}", "speaker": "合成",
                "date": slug[:10], "date_basis": "合成文本", "occasion": "基准测试", "kind": "speech",
                "provenance": "由真实文本的段落重新组合而成，仅供基准测试", "structure": [{"title": title}]}
        (source / f"{slug}.yml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
        notes = []
        for i, text in enumerate(chosen[:3], start=1):
            quote = _unique_quote(text, rng)
            if quote:
                notes.append({"id": f"n{i}", "paragraph": f"p{i}", "quote": quote, "body": f"合成注释：“{quote}”。",
                              "author": "基准测试", "date": "2026-11-22", "sources": []})
        (source / "annotations" / f"{slug}.yml").write_text(yaml.safe_dump(notes, allow_unicode=True), encoding="utf-8")
    edition = load_edition(project)
    manifest.write(edition.manifest_path, list(edition.docs))
    return project


class OwnWords:
    """Paragraphs no other text has, made of the real texts' clauses (words of the corpus). No
    two clauses stand next to each other in two of them, nor as they do in a real paragraph: a
    shared junction would be a parallel between texts that do not quote each other, and there
    would be more of those per text the larger the corpus."""

    def __init__(self, paragraphs: list[str], rng: random.Random):
        runs = [[c for c in re.split(CLAUSE_END, text) if c] for text in paragraphs]
        # Short enough that a clause shared by chance (with a character or two of its neighbours)
        # stays under a parallel's 20 characters; no quotation marks or brackets left open.
        self.clauses = sorted({c for run in runs for c in run
                               if 5 <= len(c) <= 12 and not set(c) & set("“”‘’《》（）()、")})
        self.used = {pair for run in runs for pair in zip(run, run[1:])}
        self.rng = rng

    def paragraph(self) -> str:
        """Five to nine clauses."""
        parts: list[str] = []
        for _ in range(self.rng.randint(5, 9)):
            parts.append(self._clause(parts[-1] if parts else None, None))
        return "，".join(parts) + "。"

    def quote(self, paragraph: str) -> str:
        """An earlier text's paragraph as a later one quotes it: whole, or (one time in two) with
        one clause in other words."""
        parts = paragraph[:-1].split("，")
        if self.rng.random() < 0.5:
            at = self.rng.randrange(len(parts))
            parts[at] = self._clause(parts[at - 1] if at else None, parts[at + 1] if at + 1 < len(parts) else None)
        return "，".join(parts) + "。"

    def _clause(self, before: str | None, after: str | None) -> str:
        while True:  # the junctions in use are a small share of those possible: a few tries at most
            clause = self.rng.choice(self.clauses)
            pairs = [pair for pair in ((before, clause), (clause, after)) if None not in pair]
            if clause not in (before, after) and not self.used.intersection(pairs):
                self.used.update(pairs)
                return clause


def _unique_quote(text: str, rng: random.Random) -> str:
    for _ in range(20):
        start = rng.randrange(0, max(1, len(text) - 6))
        quote = text[start:start + 6]
        if len(quote) == 6 and text.count(quote) == 1 and quote.strip() == quote:
            return quote
    return ""


def make_long_text(root: Path, dest: Path, chars: int, seed: int = 1921) -> Path:
    """A project with the 5 real texts and one compiled volume of about `chars` characters: real
    paragraphs in sections of 30 under headings of their own, with a note in every section."""
    project = copy_project(root, dest)
    source = project / "source_texts"
    paragraphs = [b.text for d in (segment(s) for s in load_texts(source)) for b in d.paragraphs]
    rng = random.Random(seed)
    slug = "2011-12-31-compiled-volume"
    title = "创先争优活动文献汇编（合成长文本）"
    lines, structure, notes, size, paragraph = [title], [{"title": title}], [], len(title), 0
    while size < chars:
        heading = f"第{len(structure)}部分　汇编之{len(structure)}"
        lines.append(heading)
        structure.append({"heading": heading})
        for text in rng.sample(paragraphs, 30):
            lines.append(text)
            size += len(text) + 1
        paragraph += 30
        quote = _unique_quote(lines[-1], rng)
        if quote:
            notes.append({"id": f"n{len(notes) + 1}", "paragraph": f"p{paragraph}", "quote": quote,
                          "body": f"合成注释：“{quote}”。", "author": "基准测试", "date": "2026-11-22", "sources": []})
    (source / f"{slug}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = {"slug": slug, "source": f"{slug}.txt", "short_title": "文献汇编（合成）", "speaker": "合成", "date": slug[:10],
            "date_basis": "合成文本", "occasion": "基准测试", "kind": "speech",
            "provenance": "由真实文本的段落重新组合而成，仅供基准测试", "structure": structure}
    (source / f"{slug}.yml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (source / "annotations" / f"{slug}.yml").write_text(yaml.safe_dump(notes, allow_unicode=True), encoding="utf-8")
    edition = load_edition(project)
    manifest.write(edition.manifest_path, list(edition.docs))
    return project


def grown_glossary(glossary: Glossary, docs, size: int, seed: int = 1949) -> Glossary:
    """The glossary with synthetic entries added up to `size`: words of two to four Han
    characters drawn from the texts, each kept only if it is matched somewhere (not only inside
    a longer form), as the editors' check requires. For timing the matching and the glossary's
    pages against the glossary's size; such entries would not pass the other checks."""
    rng, serial = random.Random(seed), itertools.count()
    blocks = [b.text for d in docs for b in d.blocks if len(b.text) > 4]
    entries, forms = list(glossary.entries), set(glossary.forms())
    while len(entries) < size:
        drawn: set[str] = set()
        while len(drawn) < size - len(entries):
            text = rng.choice(blocks)
            start = rng.randrange(len(text) - 4)
            word = text[start:start + rng.choice([2, 3, 4])]
            if word not in forms and all(is_han(ch) for ch in word):
                drawn.add(word)
        forms |= drawn
        trial = Glossary(tuple(entries) + tuple(_synthetic_entry(glossary.entries[0], next(serial), word)
                                               for word in sorted(drawn)))
        found = occurrences(trial, docs)
        entries = [e for e in trial.entries if found[e.id] or e in glossary.entries]
    return Glossary(tuple(entries[:size]))


def _synthetic_entry(model: Entry, serial: int, word: str) -> Entry:
    return dataclasses.replace(model, id=f"synthetic-{serial}", term=word, aliases=(), sources=(), related=(),
                               events=(), gloss=word, explanation=word)
