"""Stage 5, render (glossary part): entry pages with every occurrence in context, indices by
category and pinyin, people/places/organisations pages, the timeline, and the per-text panel.

Takes the glossary (simplified), its occurrences, and the Documents already in the variant's
script (offsets are shared across scripts); labels and entry texts pass through `t`.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from itertools import islice
from typing import Callable
from urllib.parse import quote

from build_tools.enrich import CATEGORY_LABELS, Entry, Event, Glossary, Hit, former_id
from build_tools.evidence import cited_text, year_written
from build_tools.model import ANCHOR, Document, date_order
from build_tools.render import (GENERATED_STAMP, Page, TermLink, anchor_label, catalogue_months, catalogued_by_month,
                                catalogue_path, date_cell, display_date, front_matter, md_escape, source_link,
                                text_page_path)

KWIC_CONTEXT = 14
IN_CONTEXT = 300  # entry pages: texts in context until this many occurrences, then paragraph numbers
LISTED_TEXTS = 200  # entry and category pages list this many texts; past it, counts by year and the search
INDEX_PAGES = {"people": ("person", "人物"), "places": ("place", "地点"), "organisations": ("organisation", "机构")}


def entry_path(entry_id: str) -> str:
    return f"glossary/{entry_id}.md"


def term_links(glossary: Glossary, t: Callable[[str], str], from_dir: str) -> dict[str, TermLink]:
    """entry id -> its link from a page in `from_dir`, the gloss in the variant's script."""
    up = "../" * len([p for p in from_dir.split("/") if p])
    return {e.id: TermLink(up + entry_path(e.id), t(e.gloss), e.pinyin, t(e.term)) for e in glossary.entries}


def _kwic(hit: Hit, docs: dict[str, Document]) -> str:
    """Keyword in context, from the block in the variant's script (offsets are shared)."""
    text = docs[hit.slug].blocks[hit.block].text
    before = text[max(0, hit.start - KWIC_CONTEXT):hit.start]
    after = text[hit.end:hit.end + KWIC_CONTEXT]
    return (("…" if hit.start > KWIC_CONTEXT else "") + md_escape(before) + f"**{md_escape(text[hit.start:hit.end])}**"
            + md_escape(after) + ("…" if hit.end + KWIC_CONTEXT < len(text) else ""))


def event_label(event: Event, docs: dict[str, Document], t) -> str:
    """An event's label as Markdown, saying so when its year is the editors' inference: its
    paragraph writes no year and its text's date is inferred (the interview's “5月7日”)."""
    label = md_escape(t(event.label))
    cited = ANCHOR.match(event.source)
    doc = docs[cited["slug"]] if cited else None
    if doc and doc.meta.date_inferred and not year_written(event.date, dict(cited_text(doc))[event.source], doc.meta.date):
        label += t("（年份由本版推定）")
    return label


def render_entry(entry: Entry, hits: list[Hit], glossary: Glossary, docs: dict[str, Document], t,
                 in_context: int = IN_CONTEXT, listed_texts: int = LISTED_TEXTS, refs: dict | None = None) -> str:
    by_term = glossary.by_term
    lines = [front_matter(t(entry.term), f"{t(entry.term)}（{t(CATEGORY_LABELS[entry.category])}）：{t(entry.gloss)}"),
             GENERATED_STAMP, "",
             f"# {md_escape(t(entry.term))} {{: #top .entry-title }}", "",
             f"**{entry.pinyin}** · {t(CATEGORY_LABELS[entry.category])}"
             + (f" · {t('又作')}：{'、'.join(md_escape(t(a)) for a in entry.aliases)}" if entry.aliases else ""),
             "", f"!!! abstract \"{t('释义')}\"", "", f"    {md_escape(t(entry.gloss))}", "",
             t(entry.explanation), "", f"## {t('出处')} {{: #sources }}", ""]
    lines += [f"- {source_link(s, docs, '../', t, refs)}" for s in entry.sources]
    if entry.related:
        lines += ["", f"## {t('相关条目')} {{: #related }}", ""]
        lines += [f"- [{md_escape(t(r))}]({by_term[r].id}.md)：{md_escape(t(by_term[r].gloss))}" for r in entry.related]
    if entry.events:
        lines += ["", f"## {t('大事')} {{: #events }}", ""]
        lines += [f"- {display_date(e.date)}　{event_label(e, docs, t)}（{source_link(e.source, docs, '../', t, refs)}）"
                  for e in entry.events]
    counts = Counter(h.slug for h in hits)
    listed = list(islice(counts, listed_texts))  # in date order, as `hits` are (occurrences)
    lines += ["", f"## {t('文中出现')} {{: #occurrences }}", "",
              t(f"共{len(hits)}次，见于{len(counts)}篇文献。")
              + (t("出现次数多，后面各篇只列段号（括号内为次数）。") if len(hits) > in_context else ""), ""]
    if len(counts) > listed_texts:  # an archive: a page per entry stays the same size whatever its size
        def search(form: str, year: str = "") -> str:
            return f"../search.md?q={quote(t(form))}" + (f"&year={year}" if year else "")

        lines += [t(f"下面只列出前{listed_texts}篇中的出现位置，另{len(counts) - listed_texts}篇从略；"
                    "各年的篇数与次数见下表，点年份可在全文检索中列出该年的出处。"), "",
                  t("全文检索按字面查找，包含在更长词条中的出现也算在内，次数因而可能多于本页：") + " · ".join(
                      f"[{md_escape(t(form))}]({search(form)})" for form in entry.forms), "",
                  f"| {t('年份')} | {t('文献')} | {t('次数')} |", "|---|---|---|"]
        by_year: dict[str, Counter] = defaultdict(Counter)
        for slug, n in counts.items():
            by_year[docs[slug].meta.date[:4]][slug] += n
        lines += [f"| [{year}]({search(entry.term, year)}) | {len(texts)} | {sum(texts.values())} |"
                  for year, texts in sorted(by_year.items())]
    elif hits:
        lines += [f"| {t('文献')} | {t('次数')} |", "|---|---|"]
        lines += [f"| [{md_escape(docs[slug].meta.short_title)}](#in-{slug}) | {counts[slug]} |" for slug in listed]
    grouped: dict[str, list[Hit]] = defaultdict(list)
    listed_set = set(listed)
    for hit in hits:
        if hit.slug in listed_set:
            grouped[hit.slug].append(hit)
    shown = 0
    for slug in listed:
        group, doc = grouped[slug], docs[slug]
        lines += ["", f"### {display_date(doc.meta.date)}　{md_escape(doc.meta.short_title)} {{: #in-{slug} }}", ""]
        if shown < in_context:
            lines += [f"- [{anchor_label(h.anchor, t)}](../{text_page_path(slug)}#{h.anchor}) {_kwic(h, docs)}"
                      for h in group]
            shown += len(group)
        else:  # a concordance of thousands of lines would weigh megabytes: a line per text instead
            per_anchor = Counter(h.anchor for h in group)
            lines.append(" · ".join(f"[{anchor_label(a, t)}](../{text_page_path(slug)}#{a})"
                                    + (f"（{n}）" if n > 1 else "") for a, n in per_anchor.items()))
    return "\n".join(lines) + "\n"


def _entry_item(entry: Entry, hits: list[Hit], t, prefix: str = "") -> str:
    return (f"- [{md_escape(t(entry.term))}]({prefix}{entry.id}.md) {entry.pinyin} — "
            f"{md_escape(t(entry.gloss))}（{len(hits)}）")


def render_index(glossary: Glossary, occ: dict[str, list[Hit]], t) -> str:
    lines = [front_matter(t("术语表"), t("活动术语、提法、人物、地点、机构、会议、文件和事件的释义、出处与出现位置")),
             GENERATED_STAMP, "", f"# {t('术语表')} {{: #top }}", "",
             t(f"共{len(glossary.entries)}条，收录文中的活动术语、提法、人物、地点、机构、会议、文件和事件，"
               "每条列出释义、出处和出现位置（括号内为出现次数）。"), "",
             f"[{t('按类别')}](#by-category) · [{t('按拼音')}](#by-pinyin) · "
             + " · ".join(f"[{t(label)}]({name}.md)" for name, (_, label) in INDEX_PAGES.items())
             + f" · [{t('大事年表')}](../timeline.md)", "",
             f"## {t('按类别')} {{: #by-category }}", ""]
    for category, label in CATEGORY_LABELS.items():
        members = sorted((e for e in glossary.entries if e.category == category), key=lambda e: e.id)
        if members:
            lines += [f"### {t(label)}（{len(members)}） {{: #cat-{category} }}", ""]
            lines += [_entry_item(e, occ[e.id], t) for e in members] + [""]
    lines += [f"## {t('按拼音')} {{: #by-pinyin }}", ""]
    by_letter: dict[str, list[Entry]] = defaultdict(list)
    for e in sorted(glossary.entries, key=lambda e: (e.id, e.term)):
        by_letter[e.id[0].upper()].append(e)
    for letter, members in by_letter.items():
        lines += [f"### {letter} {{: #py-{letter.lower()} }}", ""]
        lines += [_entry_item(e, occ[e.id], t) for e in members] + [""]
    return "\n".join(lines)


def render_category_page(category: str, label: str, glossary: Glossary, occ, docs: dict[str, Document], t) -> str:
    members = sorted((e for e in glossary.entries if e.category == category), key=lambda e: e.id)
    lines = [front_matter(t(label), t(f"文中出现的{label}：释义与所见文献")), GENERATED_STAMP, "",
             f"# {t(label)} {{: #top }}", "",
             t(f"文中出现的{label}，共{len(members)}条。"), ""]
    for e in members:
        counts = Counter(h.slug for h in occ[e.id])
        where = "、".join(f"[{md_escape(docs[s].meta.short_title)}](../{text_page_path(s)})（{n}）"
                         for s, n in islice(counts.items(), LISTED_TEXTS))  # in date order, as occ's hits
        if len(counts) > LISTED_TEXTS:
            where += t(f"等{len(counts)}篇（[详见条目]({e.id}.md#occurrences)）")  # the entry too lists a part
        lines += [f"## {md_escape(t(e.term))} {{: #{e.id} }}", "", f"{md_escape(t(e.gloss))} [{t('详见条目')}]({e.id}.md)",
                  "", f"{t('见于')}：{where}", ""]
    return "\n".join(lines)


def render_timeline(glossary: Glossary, docs: list[Document], t, refs: dict | None = None) -> str:
    by_slug = {d.meta.slug: d for d in docs}
    if not catalogued_by_month(len(docs)):
        rows = [(d.meta.date, f"**{md_escape(d.meta.short_title)}**", f"[{t('全文')}]({text_page_path(d.meta.slug)})")
                for d in docs]
    else:  # an archive: a row per month, as the home page's catalogue, so the page keeps its size
        rows = [(month, f"**{t(f'收录文献{len(texts)}篇')}**", f"[{t('本月目录' if '-' in month else '本年目录（月份不详）')}]"
                 f"({catalogue_path(month)})") for month, texts in catalogue_months(docs).items()]
    for e in glossary.entries:
        for ev in e.events:
            rows.append((ev.date, event_label(ev, by_slug, t),
                         f"[{md_escape(t(e.term))}]({entry_path(e.id)})；{source_link(ev.source, by_slug, '', t, refs)}"))
    lines = [front_matter(t("大事年表"), t("本版所收文献与文中提到的事件，按日期排列，附出处")), GENERATED_STAMP, "",
             f"# {t('大事年表')} {{: #top }}", "",
             t("本版所收文献（粗体）与文中提到的事件。日期只写到来源允许的精度；只知年份或月份的，排在该年、该月之末。"), "",
             '<div class="timeline" markdown>', "",  # on a phone each row stacks (theme.css)
             f"| {t('日期')} | {t('事件')} | {t('条目与出处')} |", "|---|---|---|"]
    lines += [f"| {date_cell(date)} | {what} | {refs} |" for date, what, refs in sorted(rows, key=lambda r: date_order(r[0]))]
    return "\n".join([*lines, "", "</div>"]) + "\n"


def counts_per_text(occ: dict[str, list[Hit]]) -> dict[str, Counter]:
    """slug -> Counter of entry ids: one pass over all occurrences, shared by every text page."""
    per_text: dict[str, Counter] = defaultdict(Counter)
    for hits in occ.values():
        for hit in hits:
            per_text[hit.slug][hit.entry] += 1
    return per_text


def terms_panel(doc: Document, glossary: Glossary, counts: Counter, t) -> list[str]:
    """The "terms in this text" panel; `counts` is this text's entry id -> occurrences."""
    if not counts:
        return []
    entries = sorted((glossary.by_id[i] for i in counts), key=lambda e: (-counts[e.id], e.id))
    items = "、".join(f"[{md_escape(t(e.term))}](../../{entry_path(e.id)})（{counts[e.id]}）" for e in entries)
    return [f'??? abstract "{t("本文术语")}（{len(entries)}）"', "", f"    {items}", ""]


def edit_footer(url: str, label: str) -> str:
    """The "edit this page" line at the end of a page an editor maintains by hand."""
    return f"\n\n---\n\n[✎ {label}]({url}){{: .edit-link }}\n"


def glossary_pages(glossary: Glossary, occ: dict[str, list[Hit]], docs: list[Document], t,
                   edit_url: str = "", refs: dict | None = None) -> list[Page]:
    by_slug = {d.meta.slug: d for d in docs}
    pages = [Page("glossary/index.md", render_index(glossary, occ, t)),
             Page("timeline.md", render_timeline(glossary, docs, t, refs))]
    pages += [Page(f"glossary/{name}.md", render_category_page(cat, label, glossary, occ, by_slug, t))
              for name, (cat, label) in INDEX_PAGES.items()]
    pages += [Page(entry_path(e.id), render_entry(e, occ[e.id], glossary, by_slug, t, refs=refs)
                   + (edit_footer(edit_url, t(f"编辑本条目（source_texts/glossary.yml 第{e.line}行）")) if edit_url else ""))
              for e in glossary.entries]
    return pages + redirect_pages(glossary, t)


def redirect_pages(glossary: Glossary, t) -> list[Page]:
    """An entry whose URL changed when its slug came to follow the stated pinyin (李长春:
    li-zhang-chun -> li-chang-chun) keeps its old address, as a page that forwards to the new one."""
    ids = {e.id for e in glossary.entries}
    pages = []
    for e in glossary.entries:
        old = former_id(e.term)
        if old and old not in ids:
            term = t(e.term)
            pages.append(Page(entry_path(old), "\n".join([
                f"---\ntitle: {json.dumps(term, ensure_ascii=False)}\n---", GENERATED_STAMP, "",
                f'<meta http-equiv="refresh" content="0; url={e.id}.html">', "",
                f"# {md_escape(term)}", "", f"{t('本条目已迁至')}[{md_escape(term)}]({e.id}.md)。", ""])))
    return pages
