"""The notes export: W3C Web Annotation model MUST assertions (the W3C test suite's own JSON
Schemas, tests/fixtures/w3c-annotation-tests) on every exported annotation, after showing that the
harness accepts the suite's correct samples and rejects its incorrect ones."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

# The suite's schemas and samples, copied into the repository (SOURCE-COMMIT.txt names the commit).
SUITE = Path(__file__).resolve().parent / "fixtures" / "w3c-annotation-tests"

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str) or re.search(r"\s", value):
        return False
    parts = urlsplit(value)
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*$", parts.scheme or "")) and bool(parts.netloc or parts.path)


@FORMATS.checks("date-time")
def _is_date_time(value) -> bool:
    return not isinstance(value, str) or bool(RFC3339.match(value))


@cache
def assertions() -> list[tuple[str, jsonschema.Validator]]:
    resources = []
    for path in [*SUITE.joinpath("definitions").glob("*.json"), *SUITE.joinpath("annotations").rglob("*.json")]:
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema.get("id", path.name), Resource(schema, DRAFT4)))
    registry = Registry().with_resources(resources)
    listed = json.loads((SUITE / "annotations" / "annotationMusts.test").read_text(encoding="utf-8"))["assertions"]
    out = []
    for rel in listed:
        schema = json.loads((SUITE / rel).read_text(encoding="utf-8"))
        assert schema["expectedResult"] == "valid"
        out.append((schema.get("errorMessage", rel), jsonschema.Draft4Validator(schema, registry=registry,
                                                                                format_checker=FORMATS)))
    return out


def violations(annotation) -> list[str]:
    return [message for message, validator in assertions() if not validator.is_valid(annotation)]


def samples(kind: str):
    return sorted((SUITE / "tools" / "samples" / kind).glob("*.json"), key=lambda p: int(re.sub(r"\D", "", p.name)))


def test_the_suite_lists_54_must_assertions():
    assert len(assertions()) == 54


# "Correct" samples the annotation MUST assertions do not apply to, with the reason:
NOT_SINGLE_ANNOTATIONS = {"collection1.json", "example41.json", "example42.json", "example43.json"}  # collections/pages
REMOVED_FROM_FINAL_MODEL = {"anno11.json": "Composite", "anno12.json": "List", "anno13.json": "Independents"}
# (the final Recommendation kept only the Choice set type; the suite's schemas follow it)


@pytest.mark.parametrize("path", samples("correct"), ids=lambda p: p.name)
def test_harness_accepts_every_correct_sample(path):
    annotation = json.loads(path.read_text(encoding="utf-8"))
    if path.name in NOT_SINGLE_ANNOTATIONS:
        assert annotation["type"] in ("AnnotationCollection", "AnnotationPage")
    elif path.name in REMOVED_FROM_FINAL_MODEL:
        assert annotation["target"]["type"] == REMOVED_FROM_FINAL_MODEL[path.name]
        assert violations(annotation) != []
    else:
        assert violations(annotation) == []


TRAILING_COMMA = re.compile(r",(\s*[}\]])")
NOT_JSON = {"anno1.json"}  # "this is not json"


@pytest.mark.parametrize("path", samples("incorrect"), ids=lambda p: p.name)
def test_harness_rejects_every_incorrect_sample(path):
    # Most samples end an object with a comma; that is not the defect their label names.
    text = TRAILING_COMMA.sub(r"\1", path.read_text(encoding="utf-8"))
    if path.name in NOT_JSON:
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)
        return
    assert violations(json.loads(text)) != []


@pytest.fixture(scope="module")
def exported(site):
    return json.loads((site / "annotations.jsonld").read_text(encoding="utf-8"))


def test_every_exported_annotation_passes_every_must_assertion(exported):
    items = exported["first"]["items"]
    assert items  # every note: test_export_shape counts them
    failures = {a["id"]: v for a in items if (v := violations(a))}
    assert failures == {}


def test_export_shape(exported, edition, site):
    site_url = edition.settings["site_url"]
    assert exported["@context"] == "http://www.w3.org/ns/anno.jsonld" and exported["type"] == "AnnotationCollection"
    items = exported["first"]["items"]
    assert exported["total"] == len(items) == sum(len(n) for n in edition.notes.values())
    docs = {d.meta.slug: d for d in edition.docs}
    for item in items:
        match = re.fullmatch(re.escape(site_url) + r"texts/([a-z0-9-]+)/", item["target"]["source"])
        assert match, item["target"]["source"]
        fragment = item["target"]["selector"]
        assert fragment["type"] == "FragmentSelector" and re.fullmatch(r"p\d+", fragment["value"])
        paragraph = docs[match[1]].block(fragment["value"]).text
        selector = fragment["refinedBy"]
        assert selector["type"] == "TextQuoteSelector" and selector["exact"] in paragraph
        start = paragraph.find(selector.get("prefix", "") + selector["exact"] + selector.get("suffix", ""))
        assert start >= 0
        assert {b["language"] for b in item["body"] if b["type"] == "TextualBody"} == {"zh-Hans", "zh-Hant"}
        note = next(n for n in edition.notes[match[1]] if item["id"].endswith(f"#note-{n.id}"))
        linked = [b["source"] for b in item["body"] if b["type"] == "SpecificResource"]
        assert linked == [f"{site_url}texts/{s.replace('#', '/#')}" if "#" in s else edition.references[s].url
                          for s in note.sources]  # every source: a paragraph's permalink or a reference's URL
        assert all(b["purpose"] == "linking" for b in item["body"] if b["type"] == "SpecificResource")


def test_no_annotation_asks_for_a_change_to_its_text(exported):
    """oa:editing is a request to edit the target; the edition's notes comment, describe or link."""
    motivations = {a["motivation"] for a in exported["first"]["items"]}
    assert motivations and motivations <= {"commenting", "describing", "linking"}


def test_every_annotation_finds_its_words_in_its_paragraph_as_the_page_shows_it(exported, site, edition):
    """What a Web Annotation client matches is the page's text: no marker of the apparatus may
    stand inside a note's quoted words (a parallel's ⇄ once split 加强基层组织|建设); with their
    prefix and suffix they occur once in the paragraph's reading text (the markers aside: a
    note's own marker follows its words)."""
    from bs4 import BeautifulSoup

    pages: dict[str, BeautifulSoup] = {}
    for item in exported["first"]["items"]:
        slug = item["target"]["source"].rstrip("/").rsplit("/", 1)[1]
        if slug not in pages:
            pages[slug] = BeautifulSoup((site / "texts" / slug / "index.html").read_text(encoding="utf-8"), "html.parser")
        fragment = item["target"]["selector"]
        quote = fragment["refinedBy"]
        paragraph = copy.copy(pages[slug].find(id=fragment["value"]))
        assert quote["exact"] in paragraph.get_text(), (item["id"], paragraph.get_text())
        for marker in paragraph.select("a.note-ref, a.pnum"):
            marker.decompose()
        reading = paragraph.get_text()
        assert reading.count(quote.get("prefix", "") + quote["exact"] + quote.get("suffix", "")) == 1, (item["id"], reading)
    assert 'href="annotations.jsonld"' in (site / "downloads.html").read_text(encoding="utf-8")
