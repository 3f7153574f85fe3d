"""A TEI P5 file per text (`tei/<slug>.xml`), in the canonical (simplified) script.

Why one script: the traditional text is derived, not witnessed. It is OpenCC `s2tw` plus the
reviewed phrase overrides of source_texts/conversion.yml, applied to exactly this text, so the
header states the derivation instead of encoding a second, dependent copy.

- teiHeader: title, author (a notice's issuer, else the speaker), date, source description, provenance; the editorial declaration
  lists every intervention (debris removed, paragraphs broken or joined, corrections,
  whitespace), with its reason.
- body: one `div` with the title as `head`; each heading opens a `div` with its `head`;
  a heading's dateline and speaker are its `dateline` and `byline`; a notice's signature and
  date are its `closer` (what follows, the speech it prints, is the body's next `div`; a text
  signed after its sections has the closer after them); paragraphs are
  `p xml:id="pN" n="N"`. Corrections are `choice/sic/corr`; a glossary link is the element of
  its entry's kind (NAME_ELEMENTS) with `ref` to the entry page.
- revisionDesc: the ids renumbered since first published (anchors.changes.json), where the
  words an older citation names are now.
- back: notes as `note target="#pN"` (with the words annotated and the sources as `ref`s),
  parallels as `link`s.
The body's text, `sic` left out, is the edition's reading text (tests/test_tei.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from build_tools.dates import first_date
from build_tools.export.citations import raw_text_url
from build_tools.model import ANCHOR, APPARATUS_ROLES, CLOSING_ROLES, Block, Document

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# A glossary link by its entry's category: names (TEI 13.2), a document's title (3.12.2.2), an
# event or meeting as a name of its type; slogans and terms are <term> (3.4.1).
NAME_ELEMENTS = {"person": ("persName", {}), "place": ("placeName", {}), "organisation": ("orgName", {}),
                 "document": ("title", {}), "event": ("name", {"type": "event"}), "meeting": ("name", {"type": "meeting"})}
TOP_ELEMENTS = {"speaker": "byline", "issuer": "byline", "dateline": "dateline"}  # before the body text
INTERVENTION_TYPES = {"debris": "删除网页残留", "break": "增加分段", "join": "合并断行", "correction": "校改",
                      "whitespace": "空白规范化"}
ET.register_namespace("", TEI_NS)


def _el(parent, tag: str, text: str = "", **attrs) -> ET.Element:
    node = ET.SubElement(parent, f"{{{TEI_NS}}}{tag}", {k.replace("_", "-") if k != XML_ID else k: v
                                                         for k, v in attrs.items()})
    if text:
        node.text = text
    return node


def _append_text(node: ET.Element, text: str) -> None:
    if not text:
        return
    if len(node):
        node[-1].tail = (node[-1].tail or "") + text
    else:
        node.text = (node.text or "") + text


def _inline(node: ET.Element, block: Block, categories: dict[str, str], up: str) -> None:
    """Block text with corrections (choice/sic/corr) and glossary names or terms; a term that
    overlaps a correction is left unmarked (TEI needs nesting)."""
    marks = [(c.start, c.end, "corr", c) for c in block.corrections]
    for span in block.spans:
        if span.kind == "term" and not any(s < span.end and span.start < e for s, e, _, _ in marks):
            marks.append((span.start, span.end, "term", span))
    pos = 0
    for start, end, kind, mark in sorted(marks, key=lambda m: (m[0], m[1])):
        if start < pos:
            continue
        _append_text(node, block.text[pos:start])
        if kind == "corr":
            choice = _el(node, "choice")
            _el(choice, "sic", mark.original)
            _el(choice, "corr", block.text[start:end], resp="#editors")
        else:
            tag, attrs = NAME_ELEMENTS.get(categories.get(mark.ref, ""), ("term", {}))
            _el(node, tag, block.text[start:end], ref=f"{up}glossary/{mark.ref}.html", **attrs)
        pos = end
    _append_text(node, block.text[pos:])


def _note_sources(note: ET.Element, sources, slug: str, references: dict) -> None:
    """来源： each source a <ref>: a corpus anchor to its paragraph in this or another TEI file,
    a public reference to its URL; the edition's evidence for the note."""
    if not sources:
        return
    para = _el(note, "p", "来源：")
    for k, source in enumerate(sources):
        if k:
            _append_text(para, "；")
        anchor = ANCHOR.match(source)
        if anchor:
            local = anchor["slug"] == slug
            _el(para, "ref", source, target=f"{'' if local else anchor['slug'] + '.xml'}#{anchor['id']}")
        elif source in references:
            _el(para, "ref", source, target=references[source].url)
        else:
            _append_text(para, source)


STRUCTURAL = {f"{{{TEI_NS}}}{tag}" for tag in
              "TEI teiHeader fileDesc titleStmt respStmt publicationStmt availability sourceDesc bibl encodingDesc "
              "projectDesc editorialDecl list profileDesc creation langUsage revisionDesc text body div closer back linkGrp note".split()}


def _indent(node: ET.Element, depth: int = 0) -> None:
    """Indent element-only content; never touch mixed content (it is the reading text)."""
    if node.tag not in STRUCTURAL or not len(node):
        return
    pad = "\n" + " " * (depth + 1)
    if not (node.text or "").strip():
        node.text = pad
    for child in node:
        _indent(child, depth + 1)
        if not (child.tail or "").strip():
            child.tail = pad
    node[-1].tail = "\n" + " " * depth


def _revisions(header: ET.Element, doc: Document) -> None:
    """The ids renumbered since first published (manifest.py's change record), a `change` per
    day: where the words a citation made before it names are now."""
    if not doc.id_changes:
        return
    revisions = _el(header, "revisionDesc")
    for day in dict.fromkeys(c.recorded for c in doc.id_changes):
        change = _el(revisions, "change", "改正分段，已发布的段号改指别的文字；此日以前按下列段号所作的引用，所引文字今在：",
                     when=day, who="#editors")
        listing = _el(change, "list")
        for c in (c for c in doc.id_changes if c.recorded == day):
            item = _el(listing, "item", f"{c.old}：", n=c.old)
            for k, now in enumerate(c.now):
                _append_text(item, "、" if k else "")
                _el(item, "ref", now, target=f"#{now}")
            if not c.now:
                _append_text(item, "无法确定今在哪一段")


def tei_document(doc: Document, settings: dict, categories: dict[str, str], notes=(), parallels=(),
                 references: dict | None = None) -> str:
    """`categories`: glossary entry id -> category; `notes`: the text's Notes; `parallels`: the
    Parallels with a side in this text (any others are left out); `references`: label ->
    Reference, the public sources a note may cite."""
    m = doc.meta
    url = f"{settings['site_url']}texts/{m.slug}/"
    tei = ET.Element(f"{{{TEI_NS}}}TEI", {XML_LANG: "zh-Hans"})
    header = _el(tei, "teiHeader")
    file_desc = _el(header, "fileDesc")
    title_stmt = _el(file_desc, "titleStmt")
    _el(title_stmt, "title", m.title)
    _el(title_stmt, "author", m.author)
    resp = _el(title_stmt, "respStmt", **{XML_ID: "editors"})
    _el(resp, "resp", "、".join(work for work, done in (
        ("整理", True), ("分段", any(i.kind in ("break", "join") for i in doc.interventions)),
        ("校改", any(i.kind == "correction" for i in doc.interventions)), ("注释", bool(notes))) if done))
    _el(resp, "name", f"{settings['site_name']}编辑部")
    publication = _el(file_desc, "publicationStmt")
    _el(publication, "publisher", settings["site_name"])
    _el(publication, "idno", url, type="URL")
    _el(_el(publication, "availability", status="unknown"), "p", "本版尚未声明许可条款。")
    source = _el(_el(file_desc, "sourceDesc"), "bibl")
    _el(source, "title", m.title)
    _el(source, "author", m.author)
    for number in (b.text for b in doc.blocks if b.role == "doc_number"):  # a notice's 文号
        _el(source, "idno", number, type="documentNumber")
    if m.author != m.speaker:  # a notice printing a speech: the speech's speaker, beside its issuer
        speech = _el(source, "respStmt")
        _el(speech, "resp", "所印发讲话的讲话人")
        _el(speech, "name", m.speaker)
    inferred = {"cert": "medium", "evidence": "internal", "resp": "#editors"} if m.date_inferred else {}
    _el(source, "date", f"{m.date}（{m.date_basis}）", when=m.date, **inferred)  # inferred: the text states none
    _el(source, "note", m.occasion, type="occasion")
    if m.occasion_basis:  # the editors' evidence for the occasion, apart from its name
        _el(source, "note", m.occasion_basis, type="occasion-basis", resp="#editors")
    _el(source, "note", m.provenance, type="provenance")
    raw = _el(source, "note", "原始文本文件：", type="file")
    _el(raw, "ref", f"source_texts/{m.source_file}", target=raw_text_url(settings, m.source_file))
    if m.source_sha256:
        _el(source, "idno", m.source_sha256, type="SHA-256")
    encoding = _el(header, "encodingDesc")
    project = _el(encoding, "projectDesc")
    _el(project, "p", "繁体本不另行编码：它由本文件的简体文本经 OpenCC s2tw 转换并套用 source_texts/conversion.yml "
                      "中审定的词语覆盖规则得出（只转换字形，不替换用语）。")
    editorial = _el(encoding, "editorialDecl")
    listing = _el(_el(editorial, "p", "本版对原文的全部处理："), "list")
    for item in doc.interventions:
        entry = _el(listing, "item", f"{INTERVENTION_TYPES.get(item.kind, item.kind)}：{item.text}（{item.reason}）",
                    n=item.kind)
        if item.anchor:
            entry.set("corresp", f"#{item.anchor}")
    profile = _el(header, "profileDesc")
    _el(_el(profile, "creation"), "date", when=m.date, **inferred)  # when the text was made (spoken, issued)
    _el(_el(profile, "langUsage"), "language", "汉语（简体）", ident="zh-Hans")
    _revisions(header, doc)

    text = _el(tei, "text")
    body = _el(text, "body")
    outer = _el(body, "div", type=m.kind, **{XML_ID: "top"})  # what <slug>#top cites
    current, seen_body = outer, False  # seen_body: the current division has text after its head
    parent = outer  # where a heading's division goes: beside the text once its closer has ended it
    for block in doc.blocks:
        ends = block.role in CLOSING_ROLES
        if not (block.is_heading or ends) and len(current) and current[-1].tag == f"{{{TEI_NS}}}closer":
            current, seen_body = _el(body, "div", type="attachment"), False  # nothing follows a closer in its div
        if block.role == "title":
            _inline(_el(outer, "head"), block, categories, "../")
        elif block.role in APPARATUS_ROLES and not seen_body:  # under a title or heading: its byline, dateline
            _inline(_el(current, TOP_ELEMENTS.get(block.role, "opener"), rend=block.role), block, categories, "../")
        elif block.is_heading:
            seen_body = False
            current = _el(parent, "div", type=block.role, n=block.id[1:], **{XML_ID: block.id})
            _inline(_el(current, "head"), block, categories, "../")
        elif ends:  # a notice's signature and date end it (TEI 4.2.2)
            if current is not outer and parent is outer:
                current = outer  # a signature after the sections closes the whole text, not its last section
            closer = current[-1] if len(current) and current[-1].tag == f"{{{TEI_NS}}}closer" else _el(current, "closer")
            if block.role == "signature":
                _inline(_el(closer, "signed"), block, categories, "../")
            else:
                when = first_date(block.text)  # a notice's date as printed
                date = {"when": when} if when else {}
                _inline(_el(_el(closer, "dateline"), "date", **date), block, categories, "../")
            parent = body  # what follows (the speech a notice prints) stands beside it, not in it
        elif block.role in APPARATUS_ROLES:
            _inline(_el(current, "p", rend=block.role), block, categories, "../")
        else:
            seen_body = True
            _inline(_el(current, "p", n=block.id[1:], **{XML_ID: block.id}), block, categories, "../")
    mine = [p for p in parallels if m.slug in (p.a.slug, p.b.slug)]
    if notes or mine:
        back = _el(text, "back")
        if notes:
            div = _el(back, "div", type="notes")
            for note in notes:
                element = _el(div, "note", target=f"#{note.paragraph}", type=note.kind, resp="#editors",
                              n=str(note.number), **{XML_ID: f"note-{note.id}"})
                _el(element, "quote", note.quote)
                _el(element, "p", note.body)
                _note_sources(element, note.sources, m.slug, references or {})
        if mine:
            group = _el(back, "linkGrp", type="parallels")
            for p in mine:
                here, there = (p.a, p.b) if p.a.slug == m.slug else (p.b, p.a)
                _el(group, "link", type="parallel", **{XML_ID: p.id},
                    target=f"#{here.paragraph} {there.slug}.xml#{there.paragraph}")
    _indent(tei)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tei, encoding="unicode") + "\n"
