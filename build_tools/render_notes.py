"""Stage 5, render (notes part): the list of notes at the end of a text page, and the W3C Web
Annotation export of every note (`annotations.jsonld`).

Takes Notes (simplified) and the Document in the variant's script; offsets are shared across
scripts, so the quoted words are sliced from the variant's own text.
"""

from __future__ import annotations

import json
from typing import Callable

from build_tools.annotate import KIND_LABELS, Note
from build_tools.model import ANCHOR, Document
from build_tools.render import date_span, md_escape, source_link

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# W3C Web Annotation motivations (oa:). A textual note (原文如此, a conversion, an undated text)
# comments on the words; oa:editing would be a request to change them.
MOTIVATIONS = {"context": "commenting", "explanation": "describing", "cross-reference": "linking",
               "textual": "commenting"}


def notes_section(doc: Document, notes: tuple[Note, ...], docs: dict[str, Document], t: Callable[[str], str],
                  refs: dict | None = None) -> list[str]:
    if not notes:
        return []
    lines = [f"## {t('注释')} {{: #notes }}", ""]
    for note in notes:
        quote = doc.block(note.paragraph).text[note.start:note.end]
        sources = "；".join(source_link(s, docs, "../../", t, refs) for s in note.sources)
        lines += [f'<div class="note" id="note-{note.id}" markdown>', "",
                  f'<a class="note-back" href="#ref-{note.id}">[{note.number}]</a> '
                  f"[¶{note.paragraph[1:]}](#{note.paragraph}) “{md_escape(quote)}”"
                  f"<span class=\"note-kind\">{t(KIND_LABELS[note.kind])}</span>", "",
                  t(note.body), "",
                  f"{md_escape(t(note.author))}，{date_span(note.date)}" + (f"。{t('来源')}：{sources}" if sources else ""),
                  "{: .note-meta }", "", "</div>", ""]
    return lines


def note_numbers(notes: tuple[Note, ...]) -> dict[str, int]:
    return {n.id: n.number for n in notes}


def web_annotations(notes: dict[str, tuple[Note, ...]], site_url: str, hant: Callable[[str], str],
                    reuse: dict[str, tuple[tuple[Note, ...], str]] | None = None, references: dict | None = None) -> str:
    """All notes as a W3C Web Annotation collection: each target the text's page, a
    FragmentSelector for the paragraph refined by a TextQuoteSelector for the words (Web
    Annotation Data Model 4.2.9), the body in both scripts and each of its sources (`references`:
    label -> Reference) as a linked resource. `reuse`: slug -> (its notes, their items as written
    before), kept by the live preview so that a note edit serialises only its own text's notes;
    the text is the same as json.dumps(collection, ensure_ascii=False, indent=1)."""
    reuse = {} if reuse is None else reuse
    parts, total = [], 0
    for slug, text_notes in sorted(notes.items()):
        if slug not in reuse or reuse[slug][0] != text_notes:
            items = [_annotation(note, site_url, f"{site_url}texts/{slug}/", hant, references or {})
                     for note in text_notes]
            # each item as it stands in the collection: three levels deep, one space a level
            reuse[slug] = (text_notes, ",\n".join("   " + json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n   ")
                                                   for item in items))
        total += len(text_notes)
        if text_notes:
            parts.append(reuse[slug][1])
    collection = {
        "@context": ANNO_CONTEXT,
        "id": f"{site_url}annotations.jsonld",
        "type": "AnnotationCollection",
        "label": "创先争优活动文献汇编：编辑注释",
        "total": total,
        "first": {"id": f"{site_url}annotations.jsonld#page1", "type": "AnnotationPage", "startIndex": 0,
                  "items": [ITEMS] if parts else []},
    }
    return json.dumps(collection, ensure_ascii=False, indent=1).replace(f'   "{ITEMS}"', ",\n".join(parts)) + "\n"


ITEMS = "\u2063items\u2063"  # where the serialised items go (INVISIBLE SEPARATOR: in no note)


def _source_url(source: str, site_url: str, references: dict) -> str | None:
    anchor = ANCHOR.match(source)
    if anchor:
        return f"{site_url}texts/{anchor['slug']}/#{anchor['id']}"
    return references[source].url if source in references else None


def _annotation(note: Note, site_url: str, page: str, hant: Callable[[str], str], references: dict) -> dict:
    selector = {"type": "TextQuoteSelector", "exact": note.quote}
    if note.prefix:
        selector["prefix"] = note.prefix
    if note.suffix:
        selector["suffix"] = note.suffix
    return {
        "@context": ANNO_CONTEXT,
        "id": f"{page}#note-{note.id}",
        "type": "Annotation",
        "motivation": MOTIVATIONS[note.kind],
        "created": f"{note.date}T00:00:00Z",
        "creator": {"name": note.author},  # no agent type: the data does not say person or body
        "body": [{"type": "TextualBody", "value": note.body, "format": "text/markdown", "language": "zh-Hans"},
                 {"type": "TextualBody", "value": hant(note.body), "format": "text/markdown",
                  "language": "zh-Hant"},
                 # the note's sources, where what it says can be checked
                 *({"type": "SpecificResource", "purpose": "linking", "source": url}
                   for s in note.sources if (url := _source_url(s, site_url, references)))],
        # the page, narrowed to the paragraph (its HTML id), then to the quoted words within it
        "target": {"type": "SpecificResource", "source": page,
                   "selector": {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3236",
                                "value": note.paragraph, "refinedBy": selector}},
    }
