"""Citations: the edition's CSL-JSON (valid CSL data), the GB/T 7714-2015 and Chicago strings
shown on each text page (exactly what citeproc-js renders from that CSL-JSON), BibTeX, RIS, and
the citation_* meta tags and JSON-LD reference managers read."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from html import unescape
from pathlib import Path

import jinja2
import jsonschema
import pytest

from build_tools.export import citations

FIXTURES = Path(__file__).parent / "fixtures"
VARIANTS = {"": "zh-CN", "zh-Hant/": "zh-TW"}


def _downloads(site: Path, prefix: str, name: str) -> Path:
    return site / prefix / "citations" / name


def _shown(html: str) -> dict[str, str]:
    return {style: unescape(text) for style, text in
            re.findall(r'<p class="citation" data-citation-style="([^"]+)" data-citation="([^"]*)"', html)}


def test_csl_json_is_valid_csl_data(site, edition):
    schema = json.loads((FIXTURES / "csl" / "csl-data.json").read_text(encoding="utf-8"))
    for prefix in VARIANTS:
        everything = json.loads(_downloads(site, prefix, "edition.json").read_text(encoding="utf-8"))
        jsonschema.Draft7Validator(schema).validate(everything)
        assert [item["id"] for item in everything] == [d.meta.slug for d in edition.docs]
        for doc in edition.docs:
            one = json.loads(_downloads(site, prefix, f"{doc.meta.slug}.json").read_text(encoding="utf-8"))
            jsonschema.Draft7Validator(schema).validate(one)


@pytest.mark.skipif(not shutil.which("node"), reason="Node is needed to run citeproc-js")
def test_shown_strings_are_what_citeproc_js_renders_from_the_csl_json(site, edition):
    by_lang = {lang: json.loads(_downloads(site, prefix, "edition.json").read_text(encoding="utf-8"))
               for prefix, lang in VARIANTS.items()}
    rendered = citations.render(by_lang)["text"]  # citeproc-js, official styles, offline
    for prefix, lang in VARIANTS.items():
        for doc in edition.docs:
            page = (site / prefix / "texts" / doc.meta.slug / "index.html").read_text(encoding="utf-8")
            shown = _shown(page)
            assert set(shown) == set(citations.STYLES), doc.meta.slug
            for style, text in shown.items():
                assert text == rendered[lang][style][doc.meta.slug]
                assert doc.meta.slug in text  # its URL
    assert "[Z/OL]" in rendered["zh-CN"]["gb-t-7714-2015"][edition.docs[0].meta.slug]  # GB/T's type code
    assert any(ch in rendered["zh-TW"]["chicago"][edition.docs[0].meta.slug] for ch in "「創")  # traditional


def test_recorded_renderings_are_of_the_current_metadata(edition):
    """rendered.json keeps each string with the item it was rendered from; a stale one is not shown."""
    recorded = json.loads(citations.RENDERED.read_text(encoding="utf-8"))
    assert recorded["fingerprint"] == citations.fingerprint(), f"run: {citations.UPDATE}"
    current = citations.current_items(edition)
    for lang, found in current.items():
        assert {i: e["item"] for i, e in recorded["entries"][lang].items()} == {i["id"]: i for i in found}, \
            f"run: {citations.UPDATE}"
    shown = citations.renderings(edition)
    assert {lang: set(found) for lang, found in shown.items()} == {lang: {i["id"] for i in found}
                                                                   for lang, found in current.items()}
    for lang, found in shown.items():
        for entry in found.values():
            assert set(entry["text"]) == set(entry["paragraph"]) == set(citations.STYLES)
            assert all(t.count(citations.PLACEHOLDER) >= 1 for t in entry["paragraph"].values())


def test_a_stale_rendering_is_never_shown(project):
    """A rendering of other metadata (here: the repository's record of a title since changed)
    is not shown; without Node the page shows no string at all, and the build says so."""
    import logging
    import os

    import yaml

    from build_tools.pipeline import load_edition
    def shown_without_node(records: list | None = None):
        handler = logging.Handler()
        handler.emit = records.append if records is not None else (lambda record: None)
        logging.getLogger("build_tools").addHandler(handler)
        path = os.environ["PATH"]
        try:
            os.environ["PATH"] = ""  # no Node on this machine
            return {lang: set(found) for lang, found in citations.renderings(load_edition(project)).items()}
        finally:
            os.environ["PATH"] = path
            logging.getLogger("build_tools").removeHandler(handler)

    before = shown_without_node()  # every recorded text (a new text an editor has not recorded yet is not)
    spec_path = project / "source_texts" / "2010-04-14-liu-qi-beijing.yml"  # a speech: its occasion is cited
    text = spec_path.read_text(encoding="utf-8")
    occasion = yaml.safe_load(text)["occasion"]
    spec_path.write_text(text.replace(f"occasion: {occasion}", f"occasion: {occasion}（全体会议）", 1), encoding="utf-8")
    records: list[logging.LogRecord] = []
    shown = shown_without_node(records)
    assert shown == {lang: found - {"2010-04-14-liu-qi-beijing"} for lang, found in before.items()} != before
    [warning] = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    unshown = len(load_edition(project).docs) - len(shown["zh-CN"])  # 1, and any new text not yet recorded
    assert f"{unshown} 篇" in warning and "make site" in warning and "\n" not in warning


def test_bibtex_and_ris_carry_each_text(site, edition):
    bib = _downloads(site, "", "edition.bib").read_text(encoding="utf-8")
    ris = _downloads(site, "", "edition.ris").read_text(encoding="utf-8")
    assert bib.count("@misc{") == len(edition.docs) and ris.count("\nER  - ") == len(edition.docs)
    for doc in edition.docs:
        m = doc.meta
        assert f"@misc{{{m.slug}," in bib and f"title = {{{m.title}}}" in bib and f"author = {{{{{m.author}}}}}" in bib
        assert f"TI  - {m.title}\n" in ris and f"AU  - {m.author}\n" in ris and f"PY  - {m.date[:4]}\n" in ris
        entry = bib[bib.index(f"@misc{{{m.slug},"):].split("\n}", 1)[0]
        assert (f"date = {{{m.date}}}" in entry) == (len(m.date) > 4)  # as precise as the text's date, never more
    hant = _downloads(site, "zh-Hant/", "edition.ris").read_text(encoding="utf-8")
    assert "LA  - zh-Hant" in hant and "劉淇" in hant  # the script, as the pages' lang says it
    speech = next(d.meta for d in edition.docs if d.meta.kind == "speech" and not d.meta.date_inferred)
    entry = ris[ris.index(f"ID  - {speech.slug}\n"):].split("ER  - ", 1)[0]
    assert f"DA  - {speech.date.replace('-', '/')}/\n" in entry and f"N1  - {speech.occasion}\n" in entry
    year_only = next((d.meta for d in edition.docs if len(d.meta.date) == 4), None)
    if year_only:
        assert f"DA  - {year_only.date}///\n" in ris  # RIS: YYYY/MM/DD/other, the slashes required


# Occasions whose editors' evidence (occasion_basis) once stood inside the occasion, and so in
# every citation: the Chicago string, CSL-JSON event-title and the BibTeX note.
CITED_OCCASIONS = {"2011-04-07-li-yuanchao-symposium": "创先争优座谈会",
                   "2010-hecheng-district-mobilisation": "区委召开的创先争优活动动员会"}


def test_a_citation_names_the_occasion_and_never_the_editors_remark_on_it(edition):
    from build_tools.convert import converter

    docs = {d.meta.slug: d for d in edition.docs}
    for slug, occasion in CITED_OCCASIONS.items():
        assert docs[slug].meta.occasion == occasion and docs[slug].meta.occasion_basis
    current, shown = citations.current_items(edition), citations.renderings(edition)
    for variant in edition.variants:
        t, lang = converter(variant, edition.conversion.overrides), citations.LANGS[variant.canonical]
        found = current[lang]
        exports = [json.dumps(found, ensure_ascii=False), citations.bibtex(found), citations.ris(found)]
        for item in found:
            m = docs[item["id"]].meta
            if m.kind == "speech":
                assert item["event-title"] == t(m.occasion)
                assert f"note = {{{t(m.occasion)}" in citations.bibtex([item])
            if m.occasion_basis:
                entry = shown[lang][item["id"]]
                strings = [*exports, *entry["text"].values(), *entry["paragraph"].values()]
                assert not any(t(m.occasion_basis) in s for s in strings), (lang, m.slug)


def test_the_remark_on_an_occasion_stays_on_the_page_and_in_the_tei(edition):
    from build_tools.export.tei import tei_document
    from build_tools.render import render_text_page

    remarked = [doc for doc in edition.docs if doc.meta.occasion_basis]
    assert remarked
    for doc in remarked:
        m = doc.meta
        page = render_text_page(doc, lambda s: s)
        assert f"- **场合**：{m.occasion}（{m.occasion_basis}）" in page
        tei = tei_document(doc, edition.settings, {})
        assert f'<note type="occasion">{m.occasion}</note>' in tei
        assert f'<note type="occasion-basis" resp="#editors">{m.occasion_basis}</note>' in tei


NOTICE = "2010-07-23-central-office-notice"
ISSUER = "中央创先争优活动领导小组办公室"  # the notice's letterhead and signature


def test_a_notice_is_cited_as_its_issuers_not_as_the_speakers_it_prints(edition):
    """The notice prints 李源潮's speech, but it is the office's document: the office is the
    author in CSL-JSON (so in GB/T 7714 and Chicago), BibTeX, RIS, the meta tags and JSON-LD."""
    doc = next(d for d in edition.docs if d.meta.slug == NOTICE)
    assert doc.meta.kind == "notice" and doc.meta.author == doc.meta.issuer == ISSUER and doc.meta.speaker == "李源潮"
    item = citations.csl_item(doc, edition.settings)
    assert item["author"] == [{"literal": ISSUER}]
    assert f"author = {{{{{ISSUER}}}}}" in citations.bibtex([item]) and f"AU  - {ISSUER}\n" in citations.ris([item])
    for lang, found in citations.renderings(edition).items():
        for style, text in found[NOTICE]["text"].items():
            assert not text.startswith("李源潮") and text.startswith(ISSUER if lang == "zh-CN" else "中央創先爭優"), text
    fields = citations.meta_fields(doc, edition.settings, lambda s: s, "zh-CN", "")
    assert fields["citation_author"] == ISSUER
    assert json.loads(fields["citation_jsonld"])["author"] == {"@type": "Organization", "name": ISSUER}
    speech = next(d for d in edition.docs if d.meta.kind == "speech")
    assert json.loads(citations.meta_fields(speech, edition.settings, lambda s: s, "zh-CN", "")["citation_jsonld"]
                      )["author"]["@type"] == "Person"


def test_the_notice_names_its_issuer_and_the_speaker_of_the_speech_on_its_page_and_in_its_tei(edition):
    from build_tools.export.tei import tei_document
    from build_tools.render import render_text_page, text_description

    doc = next(d for d in edition.docs if d.meta.slug == NOTICE)
    page = render_text_page(doc, lambda s: s)
    assert f"- **发文机关**：{ISSUER}" in page and "- **讲话人**：李源潮" in page
    assert text_description(doc, lambda s: s).startswith(f"{doc.meta.title}（{ISSUER}，")
    tei = tei_document(doc, edition.settings, {})
    assert tei.count(f"<author>{ISSUER}</author>") == 2 and "<author>李源潮</author>" not in tei
    assert "<name>李源潮</name>" in tei


def test_an_issuer_the_raw_text_does_not_name_is_refused(project):
    from build_tools.errors import EditionError
    from build_tools.load import load_text

    spec = project / "source_texts" / f"{NOTICE}.yml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace(f"issuer: {ISSUER}", "issuer: 李源潮办公室"), encoding="utf-8")
    with pytest.raises(EditionError, match=r"\.yml:\d+: 发文机关“李源潮办公室”不见于原文"):
        load_text(spec)
    spec.write_text("\n".join(line for line in text.splitlines() if not line.startswith("issuer:")), encoding="utf-8")
    with pytest.raises(EditionError, match="missing required field 'issuer'"):
        load_text(spec)


def test_bibtex_escapes_braces_and_latex_specials_but_reads_the_url_verbatim():
    entry = {"id": "x", "title": "a{b}\\ 50%_$#&^~", "author": [{"literal": "某"}], "issued": {"date-parts": [[2010]]},
             "container-title": "汇编", "URL": "https://e.org/a_b%20c", "language": "zh-CN", "type": "document"}
    out = citations.bibtex([entry])
    assert ("title = {a\\textbraceleft{}b\\textbraceright{}\\textbackslash{} 50\\%\\_\\$\\#\\&"
            "\\textasciicircum{}\\textasciitilde{}}") in out
    assert "url = {https://e.org/a_b%20c}" in out
    for title in ["答记者问{", "}答记者问", "{{{"]:  # BibTeX counts braces even after a backslash
        depth = list(itertools.accumulate({"{": 1, "}": -1}.get(ch, 0) for ch in citations.bibtex([{**entry, "title": title}])))
        assert min(depth) >= 0 and depth[-1] == 0, title


def test_text_pages_have_citation_meta_and_json_ld(site, edition):
    for prefix, lang in VARIANTS.items():
        for doc in edition.docs:
            html = (site / prefix / "texts" / doc.meta.slug / "index.html").read_text(encoding="utf-8")
            head = html.split("</head>")[0]
            meta = {k: unescape(v) for k, v in re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)"', head)}
            assert meta["citation_title"] and meta["citation_author"]
            assert meta["citation_publication_date"] == doc.meta.date.replace("-", "/")
            assert meta["citation_public_url"].endswith(f"{prefix}texts/{doc.meta.slug}/")
            canonical = re.search(r'<link rel="canonical" href="([^"]*)"', head)[1]
            assert canonical == meta["citation_public_url"]  # one address, in the page and in what cites it
            assert meta["citation_language"] == citations.SCRIPTS[lang] and meta["citation_publisher"]
            ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)[1])
            assert ld["name"] == meta["citation_title"] and ld["url"] == meta["citation_public_url"]
            if not prefix:
                assert meta["citation_title"] == doc.meta.title and meta["citation_author"] == doc.meta.author
    assert "citation_title" not in (site / "glossary" / "index.html").read_text(encoding="utf-8")


def test_meta_values_are_escaped_for_the_template(edition, root):
    """The theme prints these raw (no autoescape): markup in a title must arrive as text."""
    doc = edition.docs[0]
    hostile = doc.__class__(doc.meta.__class__(**{**doc.meta.__dict__, "title": '"><script>alert(1)</script>&',
                                                  "speaker": "</script><b>x"}), doc.blocks)
    fields = citations.meta_fields(hostile, edition.settings, lambda s: s, "zh-CN", "")
    template = jinja2.Environment(autoescape=False).from_string(
        (root / "overrides" / "partials" / "citation-meta.html").read_text(encoding="utf-8"))
    html = template.render(page={"meta": fields})
    assert "<script>alert" not in html and "<b>" not in html
    assert '&#x27;' in html or "&quot;&gt;&lt;script&gt;" in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    assert json.loads(ld)["name"] == '"><script>alert(1)</script>&'


def test_downloads_page_and_text_pages_link_the_exports(site, edition):
    downloads = (site / "downloads.html").read_text(encoding="utf-8")
    for name in ("edition.json", "edition.bib", "edition.ris"):
        assert f'href="citations/{name}"' in downloads
    for prefix in VARIANTS:
        root = "../" * prefix.count("/")
        for doc in edition.docs:
            page = (site / prefix / "texts" / doc.meta.slug / "index.html").read_text(encoding="utf-8")
            for target in (f"citations/{doc.meta.slug}.json", f"citations/{doc.meta.slug}.bib",
                           f"citations/{doc.meta.slug}.ris"):
                assert f'href="../../{target}"' in page and (site / prefix / target).is_file()
            # one TEI file per text and one annotation collection, at the site root: both scripts link them
            for target in (f"tei/{doc.meta.slug}.xml", "annotations.jsonld"):
                assert f'href="../../{root}{target}"' in page and (site / target).is_file()
        downloads = (site / prefix / "downloads.html").read_text(encoding="utf-8")
        for target in ("annotations.jsonld", "schemas/annotation.schema.json"):
            assert f'href="{root}{target}"' in downloads and (site / target).is_file()
    for shared in ("tei", "annotations.jsonld", "schemas"):
        assert not (site / "zh-Hant" / shared).exists()


def test_the_offline_zip_holds_the_exports(site, edition):
    import zipfile
    names = set(zipfile.ZipFile(next((site / "downloads").glob("*-offline.zip"))).namelist())
    for prefix in VARIANTS:
        assert f"{prefix}citations/edition.json" in names
        for doc in edition.docs:
            assert {f"tei/{doc.meta.slug}.xml", f"{prefix}citations/{doc.meta.slug}.ris"} <= names
    assert not any(name.startswith("zh-Hant/tei/") for name in names)


def test_a_date_the_editors_inferred_is_cited_as_conjectural_and_a_stated_one_is_not(edition):
    """date_inferred: true (the text states no date) sets CSL's `circa`, which Chicago prints as
    a conjectural date; the official GB/T 7714 style has no such mark and prints the year."""
    inferred = [d for d in edition.docs if d.meta.date_inferred]
    stated = [d for d in edition.docs if not d.meta.date_inferred]
    assert inferred and stated
    shown = citations.renderings(edition)["zh-CN"]
    for doc in inferred:
        assert "推定" in doc.meta.date_basis
        assert citations.csl_item(doc, edition.settings)["issued"].get("circa") is True
        year = doc.meta.date[:4]
        assert f"[{year}年?]" in shown[doc.meta.slug]["text"]["chicago"]
        assert f"[{year}年?]" in shown[doc.meta.slug]["paragraph"]["chicago"]
        item = citations.csl_item(doc, edition.settings)
        assert citations.INFERRED_YEAR in citations.bibtex([item]) and citations.INFERRED_YEAR in citations.ris([item])
    for doc in stated:
        item = citations.csl_item(doc, edition.settings)
        assert "circa" not in item["issued"]
        assert "?]" not in shown[doc.meta.slug]["text"]["chicago"]
        assert citations.INFERRED_YEAR not in citations.bibtex([item]) + citations.ris([item])


def test_ris_types_are_those_reference_managers_read(edition):
    """There is no SPEECH type: a reader falls back to its default. The types below are those
    Zotero's RIS translator reads (zotero/translators, RIS.js, exportTypeMap and importTypeMap)."""
    specified = set("ART SOUND BILL BLOG BOOK CHAP CASE COMP CONF DICT ENCYC ICOMM MPCT HEAR JOUR PCOMM MGZN "
                    "MANSCPT MAP NEWS PAT SLIDE RPRT STAT THES VIDEO ELEC ABST ADVS AGGR ANCIENT CHART CLSWK "
                    "CPAPER CTLG DATA DBASE EBOOK ECHAP EDBOOK EJOUR EQUA FIGURE GEN GOVDOC GRNT INPR JFULL "
                    "LEGAL MULTI MUSIC PAMP SER STAND UNBILL UNPD".split())
    types = {line[6:] for line in citations.ris(citations.items(edition.docs, edition.settings)).splitlines()
             if line.startswith("TY  - ")}
    assert types and types <= specified, types
    notice = next(d for d in edition.docs if d.meta.kind == "notice")
    assert "TY  - GOVDOC" in citations.ris([citations.csl_item(notice, edition.settings)])
