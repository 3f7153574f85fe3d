"""Facts about the edition that hand-written pages state, derived from the data at render time.

An editor writes `{{ text_count }}篇文献` in docs/*.md and never has to recount when a text is
added. Placeholders are filled before script conversion, so their values are simplified Chinese.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from build_tools.errors import EditionError
from build_tools.model import Document
from build_tools.render import KIND_LABELS, catalogued_by_month, display_date, md_escape

DIGITS = "零一二三四五六七八九"
# Measure word per kind of text (三篇讲话, 一份通知); any other kind counts in 篇.
MEASURE_WORDS = {"notice": "份"}
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def chinese_number(n: int) -> str:
    """Chinese numerals as written in running text: 五, 十二, 一百零三, 两千 is 二千 here, 一万零四十八."""
    if n >= 10_000:  # 万 groups: 一万, 十一万, 一万零一十五
        high, low = divmod(n, 10_000)
        if not low:
            return chinese_number(high) + "万"
        return chinese_number(high) + "万" + ("零" if low < 1000 else "") + ("一" if 10 <= low < 20 else "") + \
            chinese_number(low)
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + DIGITS[digit] + unit
            zero = False
        else:
            zero = True
    return out


def enumerate_zh(items: list[str]) -> str:
    """A、B和C"""
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]


def kinds_summary(docs: list[Document]) -> str:
    """三篇讲话、一份通知和一篇访谈 — kinds in order of first appearance."""
    counts = Counter(d.meta.kind for d in docs)
    return enumerate_zh([f"{chinese_number(n)}{MEASURE_WORDS.get(kind, '篇')}{KIND_LABELS.get(kind, kind)}"
                         for kind, n in counts.items()])


def text_list(docs: list[Document]) -> str:
    """短题（日期） for every text in date order (full titles may hold 《》 themselves); for an
    archive past one catalogue table, the texts per year and a link to the catalogue instead."""
    if catalogued_by_month(len(docs)):
        years = Counter(d.meta.date[:4] for d in docs)
        return enumerate_zh([f"{year}年{chinese_number(n)}篇" for year, n in sorted(years.items())]) + \
            "（逐篇见[文献目录](index.md#texts)）"
    return enumerate_zh([f"{md_escape(d.meta.short_title)}（{display_date(d.meta.date)}）" for d in docs])


def year_span(docs: list[Document]) -> str:
    """2010—2011: the years the texts are dated in."""
    years = sorted({d.meta.date[:4] for d in docs})
    return years[0] if len(years) == 1 else f"{years[0]}—{years[-1]}"


def edition_facts(docs: list[Document], notes: dict, term_count: int) -> dict[str, str]:
    return {"text_count": chinese_number(len(docs)), "text_kinds": kinds_summary(docs), "years": year_span(docs),
            "text_list": text_list(docs), "note_count": str(sum(len(n) for n in notes.values())),
            "term_count": str(term_count)}


def fill(path: Path, content: str, values: dict[str, str]) -> str:
    """Replace every {{ name }}; an unknown name stops the build at its line."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            line = content.count("\n", 0, match.start()) + 1
            raise EditionError(path, line, f"未知的占位符 {{{{ {name} }}}} (unknown placeholder)",
                               f"可用的占位符：{'、'.join('{{ ' + k + ' }}' for k in sorted(values))}")
        return values[name]
    return PLACEHOLDER.sub(value, content)


def notes_coverage(docs: list[Document], notes: dict) -> str:
    """One line for `make check`: coverage is reported, never required (a new text starts bare)."""
    bare = [d.meta.slug for d in docs if not notes.get(d.meta.slug)]
    line = (f"notes: {len(docs) - len(bare)} of {len(docs)} texts annotated, "
            f"{sum(len(n) for n in notes.values())} notes")
    return line + (f"; without notes: {', '.join(bare)}" if bare else "")


def summary_markdown(docs: list[Document], notes: dict, term_count: int, parallel_count: int,
                     changed: list[str], site: str = "") -> str:
    """The pull request's job summary: what the edition holds, the built site's size against the
    hosts' limits (`site`, from hosting.hosting_summary) and which editorial files changed."""
    rows = [("texts 文献", len(docs)), ("paragraphs 段落", sum(len(d.paragraphs) for d in docs)),
            ("notes 注释", sum(len(n) for n in notes.values())), ("glossary entries 术语", term_count),
            ("parallel passages 互见文句", parallel_count)] + ([("published site 网站", site)] if site else [])
    out = ["## 创先争优活动文献汇编: this pull request", "", "| | |", "|---|---:|",
           *[f"| {label} | {n} |" for label, n in rows], "", "### What changed", ""]
    out += [f"- `{line}`" for line in changed] or ["- (no editorial file changed)"]
    out += ["", "The built site (offline zip) is attached to this run as the artifact `site-preview`."]
    return "\n".join(out) + "\n"
