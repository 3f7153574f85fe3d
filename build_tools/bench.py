"""Benchmark support: a synthetic corpus of N texts made from the real ones, so every stage does
real work (segmentation data, glossary hits, notes, parallels), and the measurements of
`make bench` (tools/bench.py prints and records them)."""

from __future__ import annotations

import datetime
import random
import shutil
from pathlib import Path

import yaml

from build_tools import manifest
from build_tools.load import load_texts
from build_tools.pipeline import load_edition
from build_tools.segment import segment

FIRST_DATE = datetime.date(2010, 4, 15)
SPAN_DAYS = 900  # synthetic texts are dated within about the campaign's length (2010-04 to 2012)
PROJECT_PARTS = ["source_texts", "docs", "overrides", "schemas", "build_tools", "mkdocs.yml", "edition.yml",
                 "anchors.manifest.json"]


def copy_project(root: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = root / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
        else:
            shutil.copy2(src, dest / part)
    return dest


def make_corpus(root: Path, dest: Path, n: int, seed: int = 2010) -> Path:
    """A project with the 5 real texts and n-5 synthetic ones, each of 8–30 real paragraphs in a
    new order under a title of its own, with notes quoting its words, and a fresh manifest."""
    project = copy_project(root, dest)
    source = project / "source_texts"
    real = [segment(s) for s in load_texts(source)]
    paragraphs = [b.text for d in real for b in d.paragraphs]
    rng = random.Random(seed)
    synthetic = max(0, n - len(real))
    days_apart = min(2.0, SPAN_DAYS / max(1, synthetic))  # a small corpus two days apart; a large one many a day
    for k in range(synthetic):
        date = FIRST_DATE + datetime.timedelta(days=int(k * days_apart))
        slug = f"{date.isoformat()}-synthetic-{k:04d}"
        chosen = rng.sample(paragraphs, rng.randint(8, 30))
        title = f"合成文本第{k + 1}号：关于深入开展创先争优活动的讲话"
        (source / f"{slug}.txt").write_text(title + "\n" + "\n".join(chosen) + "\n", encoding="utf-8")
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
