"""The TEI P5 edition: every site/tei/<slug>.xml validates against tei_all.rng (TEI P5 4.12.0,
copied into tests/fixtures) and its body holds exactly the edition's reading text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from lxml import etree

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NS = {"t": "http://www.tei-c.org/ns/1.0"}


@pytest.fixture(scope="session")
def tei_schema():
    """Compiled once per session (several seconds)."""
    return etree.RelaxNG(etree.parse(str(Path(__file__).parent / "fixtures" / "tei_all.rng")))


@pytest.fixture(scope="session")
def tei_files(site, edition):
    return {d.meta.slug: etree.parse(str(site / "tei" / f"{d.meta.slug}.xml")) for d in edition.docs}


def _reading_text(node) -> str:
    """Text content with `sic` left out (the reading text shows the correction)."""
    parts = [node.text or ""]
    for child in node:
        if child.tag != f"{TEI}sic":
            parts.append(_reading_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def test_every_tei_file_validates(tei_schema, tei_files):
    for slug, tree in tei_files.items():
        assert tei_schema.validate(tree), f"{slug}: {tei_schema.error_log}"


def test_body_text_is_the_reading_text(tei_files, edition):
    for doc in edition.docs:
        body = tei_files[doc.meta.slug].find(f".//{TEI}body")
        blocks = [b for b in body.iter(f"{TEI}head", f"{TEI}p", f"{TEI}byline", f"{TEI}dateline", f"{TEI}opener",
                                       f"{TEI}signed")]
        assert [_reading_text(b) for b in blocks] == [b.text for b in doc.blocks]


def test_paragraphs_carry_the_edition_ids(tei_files, edition):
    for doc in edition.docs:
        paras = tei_files[doc.meta.slug].findall(f".//{TEI}body//{TEI}p[@{XML_ID}]")
        assert [(p.get(XML_ID), p.get("n")) for p in paras] == [(b.id, b.id[1:]) for b in doc.paragraphs]


def test_header_has_the_metadata_and_every_intervention(tei_files, edition):
    for doc in edition.docs:
        tree, m = tei_files[doc.meta.slug], doc.meta
        assert tree.findtext(".//t:titleStmt/t:title", namespaces=NS) == m.title
        assert tree.findtext(".//t:titleStmt/t:author", namespaces=NS) == m.author
        assert tree.find(".//t:sourceDesc//t:date", namespaces=NS).get("when") == m.date
        assert tree.findtext(".//t:sourceDesc//t:note[@type='provenance']", namespaces=NS) == m.provenance
        assert "OpenCC s2tw" in tree.findtext(".//t:projectDesc/t:p", namespaces=NS)
        items = tree.findall(".//t:editorialDecl//t:item", namespaces=NS)
        assert len(items) == len(doc.interventions)
        assert all(i.text.endswith(f"（{iv.reason}）") and iv.text in i.text for i, iv in zip(items, doc.interventions))


def test_the_header_names_the_raw_text_by_its_address_and_its_sha256(tei_files, edition, site):
    """A scholar can fetch the raw text as received and check it is the one this edition read."""
    for doc in edition.docs:
        raw = (edition.root / "source_texts" / doc.meta.source_file).read_bytes()
        tree = tei_files[doc.meta.slug]
        assert tree.findtext(".//t:sourceDesc//t:idno[@type='SHA-256']", namespaces=NS) == hashlib.sha256(raw).hexdigest()
        link = tree.find(".//t:sourceDesc//t:note[@type='file']/t:ref", namespaces=NS).get("target")
        assert link.startswith(edition.settings["repo_url"]) and link.endswith(f"/source_texts/{doc.meta.source_file}")
        page = (site / "texts" / doc.meta.slug / "index.html").read_text(encoding="utf-8")
        assert f'href="{link}"' in page and hashlib.sha256(raw).hexdigest() in page


def test_corrections_terms_notes_and_parallels_are_encoded(tei_files, edition, site):
    for doc in edition.docs:
        tree = tei_files[doc.meta.slug]
        sics = [s.text for s in tree.iterfind(".//t:choice/t:sic", namespaces=NS)]
        assert sics == [c.original for b in doc.blocks for c in b.corrections]
        names = tree.findall(".//t:body//*[@ref]", namespaces=NS)
        assert all((site / "tei" / name.get("ref")).resolve().is_file() for name in names)
        # every glossary span, in order, but one crossing a correction (TEI elements nest)
        assert [("".join(name.itertext()), name.get("ref").rsplit("/", 1)[-1]) for name in names] == \
            [(b.text[s.start:s.end], f"{s.ref}.html") for b in doc.blocks for s in sorted(b.spans, key=lambda s: (s.start, s.end))
             if s.kind == "term" and not any(c.start < s.end and s.start < c.end for c in b.corrections)]
        notes = tree.findall(".//t:back//t:note", namespaces=NS)
        assert [(n.get(XML_ID), n.get("target")) for n in notes] == \
            [(f"note-{n.id}", f"#{n.paragraph}") for n in edition.notes[doc.meta.slug]]
        links = tree.findall(".//t:linkGrp[@type='parallels']/t:link", namespaces=NS)
        assert len(links) == sum(doc.meta.slug in (p.a.slug, p.b.slug) for p in edition.parallels)
    terms = sum(len(t.findall(".//t:body//t:persName", namespaces=NS)) for t in tei_files.values())
    assert terms > 0


def test_a_correction_is_choice_sic_corr(project):
    from build_tools.export.tei import tei_document
    from build_tools.pipeline import load_edition
    spec = project / "source_texts" / "2010-xinhua-qa.yml"
    spec.write_text(spec.read_text(encoding="utf-8") + "corrections:\n  - from: 创先争优活动是学习实践活动的延展和深入\n"
                    "    to: 创先争优活动是学习实践活动的延伸和深入\n    reason: 测试\n", encoding="utf-8")
    edition = load_edition(project)
    doc = next(d for d in edition.docs if d.meta.slug == "2010-xinhua-qa")
    tree = etree.fromstring(tei_document(doc, edition.settings, {}).encode())
    choice = tree.find(".//t:choice", namespaces=NS)
    assert choice.findtext("t:sic", namespaces=NS) == "创先争优活动是学习实践活动的延展和深入"
    assert choice.findtext("t:corr", namespaces=NS) == "创先争优活动是学习实践活动的延伸和深入"


def test_a_glossary_link_is_encoded_by_its_entrys_kind_and_the_header_claims_only_the_work_done(tei_files, edition):
    """A document's title is <title>, an event or meeting a typed <name>, a person <persName>…;
    the respStmt names 分段 and 校改 only for a text that had them; an inferred date says so."""
    from build_tools.export.tei import NAME_ELEMENTS

    kinds = {e.id: e.category for e in edition.glossary.entries}
    for doc in edition.docs:
        tree = tei_files[doc.meta.slug]
        for name in tree.findall(".//t:body//*[@ref]", namespaces=NS):
            tag, attrs = NAME_ELEMENTS.get(kinds[name.get("ref").rsplit("/", 1)[1].removesuffix(".html")], ("term", {}))
            assert name.tag == f"{TEI}{tag}" and all(name.get(k) == v for k, v in attrs.items())
        resp = tree.find(".//t:titleStmt/t:respStmt/t:resp", namespaces=NS).text
        kinds_done = {i.kind for i in doc.interventions}
        assert ("校改" in resp) == ("correction" in kinds_done)
        assert ("分段" in resp) == bool({"break", "join"} & kinds_done)
        date = tree.find(".//t:sourceDesc/t:bibl/t:date", namespaces=NS)
        assert (date.get("cert") == "medium") == doc.meta.date_inferred
        created = tree.find(".//t:profileDesc/t:creation/t:date", namespaces=NS)
        assert created.get("when") == doc.meta.date and created.get("cert") == date.get("cert")
        numbers = [i.text for i in tree.findall(".//t:sourceDesc/t:bibl/t:idno[@type='documentNumber']", namespaces=NS)]
        assert numbers == [b.text for b in doc.blocks if b.role == "doc_number"]
    assert any(t.find(".//t:body//t:title[@ref]", namespaces=NS) is not None for t in tei_files.values())


def test_a_notes_sources_are_refs_that_resolve(tei_files, edition):
    """Each note keeps its evidence: a corpus anchor points at that paragraph's xml:id (in this
    file or the other text's), a public reference at its registered URL."""
    from build_tools.model import ANCHOR

    urls = {ref.url for ref in edition.references.values()}
    ids = {slug: {el.get(XML_ID) for el in tree.iter() if el.get(XML_ID)} for slug, tree in tei_files.items()}
    for doc in edition.docs:
        notes = tei_files[doc.meta.slug].findall(".//t:back//t:note", namespaces=NS)
        for note, source in zip(notes, edition.notes[doc.meta.slug]):
            refs = note.findall(".//t:ref", namespaces=NS)
            assert [r.text for r in refs] == [s for s in source.sources if ANCHOR.match(s) or s in edition.references]
            for ref in refs:
                target = ref.get("target")
                if target.startswith("http"):
                    assert target in urls
                else:
                    file, fragment = target.split("#")
                    assert fragment in ids[file.removesuffix(".xml") or doc.meta.slug], target


def test_a_notices_signature_and_date_close_it_and_the_speech_it_prints_stands_beside_it(tei_files, edition):
    """TEI 4.2.2: <closer><signed/><dateline><date when/></dateline></closer> ends the notice; a
    division cannot follow a closer, so the printed speech is the next division of the body."""
    signed = [d for d in edition.docs if any(b.role == "signature" for b in d.blocks)]
    assert signed
    for doc in signed:
        body = tei_files[doc.meta.slug].find(f".//{TEI}body")
        notice, *after = body.findall(f"{TEI}div")
        closer = notice.find(f"{TEI}closer")
        assert notice[-1] is closer
        assert closer.find(f"{TEI}signed").text == next(b.text for b in doc.blocks if b.role == "signature")
        if any(b.role == "issued" for b in doc.blocks):
            assert closer.find(f"{TEI}dateline/{TEI}date").get("when") == doc.meta.date
        signature = next(i for i, b in enumerate(doc.blocks) if b.role == "signature")
        assert [d.get(XML_ID) for d in after] == [b.id for b in doc.blocks[signature:] if b.is_heading]


def test_a_signature_after_the_sections_closes_the_whole_text(tei_schema, edition):
    """A report signed at its end: the closer follows its sections in the text's division,
    rather than ending the last section as if only that were signed."""
    from dataclasses import replace

    from build_tools.export.tei import tei_document
    from build_tools.model import Block

    blocks = (Block("title", "情况汇报"), Block("heading", "一、基本情况", "s1"), Block("paragraph", "做了工作。", "p1"),
              Block("heading", "二、下一步打算", "s2"), Block("paragraph", "继续努力。", "p2"),
              Block("signature", "某街道党工委"))
    tree = etree.fromstring(tei_document(replace(edition.docs[0], blocks=blocks), edition.settings, {}).encode())
    assert tei_schema.validate(tree), tei_schema.error_log
    (text,) = tree.findall(f".//{TEI}body/{TEI}div")
    assert [child.tag for child in text] == [f"{TEI}head", f"{TEI}div", f"{TEI}div", f"{TEI}closer"]
    assert text[-1].find(f"{TEI}signed").text == "某街道党工委"


def test_text_after_a_closer_opens_the_next_division_and_the_file_stays_valid(tei_schema, edition):
    """An attachment without a heading after a signature: never content after the closer."""
    from dataclasses import replace

    from build_tools.export.tei import tei_document
    from build_tools.model import Block

    doc = edition.docs[0]
    blocks = (Block("title", "关于印发材料的通知"), Block("paragraph", "现将材料印发给你们。", "p1"),
              Block("signature", "某办公室"), Block("issued", "2010年7月23日"), Block("paragraph", "材料正文。", "p2"))
    tree = etree.fromstring(tei_document(replace(doc, blocks=blocks), edition.settings, {}).encode())
    assert tei_schema.validate(tree), tei_schema.error_log
    notice, attachment = tree.findall(f".//{TEI}body/{TEI}div")
    assert notice[-1].tag == f"{TEI}closer" and attachment.find(f"{TEI}p").text == "材料正文。"
    assert notice.find(f".//{TEI}date").get("when") == "2010-07-23"


def test_renumbered_ids_are_a_valid_revision_description(tei_schema, edition):
    """The change record (anchors.changes.json, tests/test_manifest.py) as `revisionDesc`: a
    `change` per day, each old id with the ids its words are now at, or none."""
    from dataclasses import replace

    from build_tools.export.tei import tei_document
    from build_tools.model import IdChange

    doc = replace(edition.docs[0], id_changes=(IdChange("2026-11-20", "p2", ("p2", "p3")), IdChange("2026-11-20", "p3", ("p4",)),
                                               IdChange("2026-11-24", "p9", ())))
    tree = etree.fromstring(tei_document(doc, edition.settings, {}).encode())
    assert tei_schema.validate(tree), tei_schema.error_log
    changes = tree.findall(f"{TEI}teiHeader/{TEI}revisionDesc/{TEI}change")
    assert [c.get("when") for c in changes] == ["2026-11-20", "2026-11-24"]
    items = {i.get("n"): [r.get("target") for r in i.findall(f"{TEI}ref")] for c in changes for i in c.iter(f"{TEI}item")}
    assert items == {"p2": ["#p2", "#p3"], "p3": ["#p4"], "p9": []}
