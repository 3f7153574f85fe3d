"""Stage 5, render (parallels part): the twin's wording with the differences marked, at the end
of each text page (the marker's popover shows it) and on the parallels page, in the variant's
script (offsets are shared across scripts)."""

from __future__ import annotations

import difflib
from collections import defaultdict
from typing import Callable

from build_tools.model import Document
from build_tools.parallels import Parallel, Place, Settings, _normalise
from build_tools.render import (GENERATED_STAMP, by_month, display_date, front_matter, md_escape, month_label, month_lines,
                                 text_page_path)


PHRASE_END = set("，。；：、！？…—（）《》“”‘’,.;:!?()")
CLOSING = set("”’）》)")
REACH = 16  # at most this many characters of context on each side, to finish a phrase


def snippet(place: Place, docs: dict[str, Document]) -> tuple[str, str, str]:
    """The shared wording with what completes its first and last phrase: (before, wording,
    after); `before`/`after` start or end with "…" where the paragraph goes on."""
    text = docs[place.slug].block(place.paragraph).text
    start, end = place.start, place.end
    while start > 0 and place.start - start < REACH and text[start - 1] not in PHRASE_END:
        start -= 1
    if start > 0 and text[start - 1] in "“‘《（(" and place.start - start < REACH:
        start -= 1  # an opening quote belongs to the phrase it opens
    while end < len(text) and end - place.end < REACH and text[end] not in PHRASE_END:
        end += 1
    while end < len(text) and text[end] in CLOSING:
        end += 1
    return (("…" if start > 0 else "") + text[start:place.start], text[place.start:place.end],
            text[place.end:end] + ("…" if end < len(text) else ""))


def marked_diff(mine: str, theirs: str) -> tuple[str, str]:
    """Both wordings as Markdown, with what differs wrapped in <span class="diff">. Punctuation
    is not compared (as in the similarity): a difference in punctuation alone is not marked."""
    if _normalise(mine) == _normalise(theirs):
        return md_escape(mine), md_escape(theirs)
    a_out, b_out = [], []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, mine, theirs, autojunk=False).get_opcodes():
        a, b = md_escape(mine[a0:a1]), md_escape(theirs[b0:b1])
        if op == "equal" or _normalise(mine[a0:a1]) == _normalise(theirs[b0:b1]):
            a_out.append(a)
            b_out.append(b)
        else:
            a_out.append(f'<span class="diff">{a}</span>' if a else "")
            b_out.append(f'<span class="diff">{b}</span>' if b else "")
    return "".join(a_out), "".join(b_out)


def _context(words: str) -> str:
    """Words completing a phrase around the compared wording: shown muted, as they are neither
    compared nor counted in the similarity (their differences are not marked)."""
    return f'<span class="parallel-context">{md_escape(words)}</span>' if words else ""


def marked_snippets(here: Place, there: Place, docs: dict[str, Document]) -> tuple[str, str]:
    """Both sides as Markdown: whole phrases, the shared wording's differences marked."""
    (a_before, a, a_after), (b_before, b, b_after) = snippet(here, docs), snippet(there, docs)
    a, b = marked_diff(a, b)
    return (_context(a_before) + a + _context(a_after), _context(b_before) + b + _context(b_after))


CONTEXT_NOTE = "前后淡色的文字只为补足语句，不参与比对，也不计入相似度。"


def _sides(par: Parallel, slug: str) -> tuple[Place, Place]:
    return (par.a, par.b) if par.a.slug == slug else (par.b, par.a)


def marker_labels(doc: Document, parallels: list[Parallel], docs: dict[str, Document]) -> dict[str, str]:
    """parallel id -> the twin as a marker names it, e.g. "刘淇讲话 ¶7"."""
    labels = {}
    for par in parallels:
        if doc.meta.slug in (par.a.slug, par.b.slug):
            there = _sides(par, doc.meta.slug)[1]
            labels[par.id] = f"{docs[there.slug].meta.short_title} ¶{there.paragraph[1:]}"
    return labels


def parallels_section(doc: Document, parallels: list[Parallel], docs: dict[str, Document],
                      t: Callable[[str], str]) -> list[str]:
    mine = [p for p in parallels if doc.meta.slug in (p.a.slug, p.b.slug)]
    if not mine:
        return []
    lines = [f"## {t('互见文句')} {{: #parallels }}", "",
             t(f"本文有{len(mine)}处文句与本版其他文献相同或相近（[全部互见文句](../../parallels.md)）。{CONTEXT_NOTE}"), ""]
    for par in mine:
        here, there = _sides(par, doc.meta.slug)
        a, b = marked_snippets(here, there, docs)
        twin = docs[there.slug]
        lines += [f'<div class="note parallel" id="{par.id}" markdown>', "",
                  f'<a class="note-back" href="#ref-{par.id}">⇄</a> [¶{here.paragraph[1:]}](#{here.paragraph}) ↔ '
                  f"[{md_escape(twin.meta.short_title)} ¶{there.paragraph[1:]}](../../{text_page_path(there.slug)}"
                  f"#{there.paragraph})<span class=\"note-kind\">{t('相似度')} {round(par.similarity * 100)}%</span>",
                  "", f"{t('本文')}：{a}", "", f"{t('对方')}：{b}", "", "</div>", ""]
    return lines


PARALLELS_LISTED = 200  # more parallels than this: the parallels page lists months, a page per month lists them


def parallels_path(month: str) -> str:
    return f"parallels/{month}.md"


def _by_month(parallels: list[Parallel], docs: dict[str, Document]) -> dict[str, list[Parallel]]:
    """Month of the earlier text of each pair (side a: `detect` orders pairs by the texts'
    order) -> its parallels."""
    return by_month(parallels, lambda par: docs[par.a.slug].meta.date)


def _pair_tables(parallels: list[Parallel], docs: dict[str, Document], t, up: str = "") -> list[str]:
    """A table per pair of texts: both wordings side by side, the differences marked."""
    pairs: dict[tuple[str, str], list[Parallel]] = defaultdict(list)
    for par in parallels:
        pairs[(par.a.slug, par.b.slug)].append(par)
    order = {slug: i for i, slug in enumerate(docs)}  # docs: in date order
    lines = []
    for (sa, sb), pars in sorted(pairs.items(), key=lambda pair: (order[pair[0][0]], order[pair[0][1]])):
        a_title, b_title = docs[sa].meta.short_title, docs[sb].meta.short_title
        lines += [f"## {display_date(docs[sa].meta.date)} {md_escape(a_title)} ↔ "
                  f"{display_date(docs[sb].meta.date)} {md_escape(b_title)}（{len(pars)}） {{: #{sa}--{sb} }}", "",
                  '<div class="parallel-pairs" markdown>', "",  # on a phone: the two wordings side by side
                  f"| {md_escape(a_title)} | {md_escape(b_title)} | {t('相似度')} |", "|---|---|---|"]
        for par in pars:
            a, b = marked_snippets(par.a, par.b, docs)
            link_a = f"[¶{par.a.paragraph[1:]}]({up}{text_page_path(sa)}#{par.a.paragraph})"
            link_b = f"[¶{par.b.paragraph[1:]}]({up}{text_page_path(sb)}#{par.b.paragraph})"
            lines.append(f"| {link_a} {a} | {link_b} {b} | {round(par.similarity * 100)}% |")
        lines += ["", "</div>", ""]
    return lines


def render_parallels_page(parallels: list[Parallel], docs: dict[str, Document], t,
                          found_by: Settings = Settings()) -> str:
    """How parallels are found, then every one (a table per pair of texts), or for an archive a
    line per year with its months (each month's parallels on a page of its own,
    `parallels_pages`), so the page stays one size whatever the archive's."""
    lines = [front_matter(t("互见文句"), t("本版各篇文献之间相同或相近的文句及其差异")), GENERATED_STAMP, "",
             f"# {t('互见文句')} {{: #top }}", "",
             t(f"本版各篇文献之间相同或相近的文句，共{len(parallels)}处（至少{found_by.min_length}字相同，不计标点；"
               f"仅为术语表所收固定提法、至多另有{found_by.formula_margin}字者不计）。检出方法：每段去掉标点后，以连续{found_by.shingle}字为单位取指纹比对，"
               f"再逐字对齐；凡有连续{found_by.window + found_by.shingle - 1}字以上完全相同者必能检出，"
               f"相同部分较短而改动较多的近似文句可能漏检。不同之处以底色标出；{CONTEXT_NOTE}"
               "数据另见 [parallels.json](parallels.json)。"), ""]
    if len(parallels) <= PARALLELS_LISTED:
        return "\n".join([*lines, *_pair_tables(parallels, docs, t)])
    counts = {month: len(members) for month, members in _by_month(parallels, docs).items()}
    return "\n".join([*lines, t("按两篇中较早一篇的年月列出，括号内为处数；各月的互见文句另页列出。"), "",
                      *month_lines(counts, parallels_path, t), ""])


def parallels_pages(parallels: list[Parallel], docs: dict[str, Document], t) -> list[tuple[str, str]]:
    """(path, Markdown) of the month pages of an archive with too many parallels for one page
    (none below)."""
    if len(parallels) <= PARALLELS_LISTED:
        return []
    pages = []
    for month, members in _by_month(parallels, docs).items():
        when = month_label(month, t)
        title = t("互见文句：") + when
        pages.append((parallels_path(month), "\n".join([
            front_matter(title, t(f"较早一篇作于{when}的{len(members)}处互见文句及其差异")), GENERATED_STAMP, "",
            f"# {title} {{: #top }}", "",
            t(f"两篇中较早一篇作于{when}的互见文句，共{len(members)}处。不同之处以底色标出。[全部月份](../parallels.md)"), "",
            *_pair_tables(members, docs, t, "../")])))
    return pages
