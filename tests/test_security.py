"""Issue 16, at load: every editable field is untrusted. Each payload is refused with the file
(and line) it stands in, in simplified and in traditional characters, before anything is built.

The table of fields and payloads is data (FIELDS, PLAIN_PAYLOADS, MARKDOWN_PAYLOADS); one
project copy per file and payload kind, all of a file's fields poisoned at once (schema errors
of one file are reported together)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from build_tools.errors import EditionError
from build_tools.annotate import load_notes
from build_tools.convert import load_rules, load_variants
from build_tools.enrich import load_glossary
from build_tools.evidence import load_references
from build_tools.load import load_settings, load_text, sha256_of
from build_tools.pipeline import load_edition
from build_tools.safety import unsafe_reason
from build_tools.schema import field_name
from build_tools.yamlio import MAX_FIELD_CHARS, load_yaml, read_raw_text

LIU = "2010-04-14-liu-qi-beijing"
QA = "2010-xinhua-qa"

# Plain-text payloads: script through HTML, Markdown links, entities the theme decodes, a title
# break-out, invisible bidi controls. Each in simplified and traditional characters.
PLAIN_PAYLOADS = {
    "svg onload": ("刘<svg onload=alert(1)>淇", "劉<svg onload=alert(1)>淇"),
    "markdown link": ("刘[点此](javascript:alert(1))淇", "劉[點此](javascript:alert(1))淇"),
    "entity tooltip": ("&lt;img src=x onerror=alert(1)&gt;说明", "&lt;img src=x onerror=alert(1)&gt;說明"),
    "title break-out": ("甲</title><img src=x onerror=alert(1)>乙", "甲</title><img src=x onerror=alert(1)>乙"),
    "attribute list": ("标题{ onclick=alert(1) }", "標題{ onclick=alert(1) }"),
    "bidi override": ("刘淇\u202e讲话", "劉淇\u202e講話"),
}

# Every plain-text field an editor writes: file -> key paths into its YAML data.
FIELDS = {
    f"source_texts/{LIU}.yml": [("short_title",), ("speaker",), ("date_basis",), ("occasion",), ("occasion_basis",),
                                ("provenance",),
                                ("structure", 4, "reason"), ("corrections", 0, "reason"), ("corrections", 0, "to")],
    "source_texts/2010-xinhua-qa.yml": [("debris", 0, "reason")],
    "source_texts/2010-07-23-central-office-notice.yml": [("issuer",)],
    f"source_texts/annotations/{QA}.yml": [(0, "author"), (0, "sources", 0)],
    "source_texts/glossary.yml": [(0, "term"), (0, "aliases", 0), (0, "gloss"), (0, "sources", 0), (0, "related", 0),
                                  (-1, "events", 0, "label"), (-1, "events", 0, "source")],
    "source_texts/conversion.yml": [("overrides", 0, "traditional"), ("overrides", 0, "reason"),
                                    ("overrides", 0, "example"), ("overrides", 0, "opencc_gives"),
                                    ("kept", 0, "phrase"), ("kept", 0, "reason")],
    "edition.yml": [("site_name",), ("variants", 0, "label"), ("variants", 1, "label")],
    "source_texts/references.yml": [(0, "label"), (0, "title"), (0, "publisher")],
}


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


def put(data, key_path, value):
    for key in key_path[:-1]:
        data = data[key]
    data[key_path[-1]] = value


def first_event_entry(data):
    return next(i for i, e in enumerate(data) if e.get("events"))


def refusal(project) -> EditionError:
    with pytest.raises(EditionError) as err:
        load_edition(project)
    return err.value


def file_refusal(project, rel: str, docs) -> EditionError:
    """The refusal of the loader that reads this file (the one load_edition calls), alone: the
    same validation in milliseconds instead of the whole edition's second."""
    path = project / rel
    loaders = {"edition.yml": lambda: load_settings(project),
               "source_texts/glossary.yml": lambda: load_glossary(path, docs),
               "source_texts/references.yml": lambda: load_references(path.parent),
               "source_texts/conversion.yml": lambda: load_rules(path, load_variants(load_settings(project).data))}
    with pytest.raises(EditionError) as err:
        if rel in loaders:
            loaders[rel]()
        elif rel.startswith("source_texts/annotations/"):
            load_notes(project / "source_texts", docs)
        else:
            load_text(path)
    return err.value


def poison_fields(project, rel: str, value: str) -> list[str]:
    """Put `value` into every plain-text field of one file; returns the fields' dotted names."""
    path = project / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    paths = []
    for key_path in FIELDS[rel]:
        if key_path[0] == -1:
            key_path = (first_event_entry(data), *key_path[1:])
        put(data, key_path, value)
        paths.append(key_path)
    where = [field_name(data, key_path) for key_path in paths]  # as the error names it
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    return where


@pytest.mark.parametrize("rel", FIELDS)
def test_plain_text_fields_refuse_markup(project, edition, rel):
    """Every payload, in both scripts, in every plain-text field of the file: each field named."""
    path = project / rel
    good = path.read_bytes()
    for payload, forms in PLAIN_PAYLOADS.items():
        for value in forms:
            path.write_bytes(good)
            fields = poison_fields(project, rel, value)
            message = file_refusal(project, rel, edition.docs).message
            for where in fields:
                assert f"{path}:" in message and f"{where}: " in message, (payload, where, message)
            assert "Traceback" not in message


@pytest.mark.parametrize("rel", FIELDS)
def test_the_command_line_names_the_file_and_field(project, rel):
    where = poison_fields(project, rel, PLAIN_PAYLOADS["svg onload"][0])
    result = run_cli(project, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{project / rel}:" in result.stderr, result.stderr
    assert any(f"{field}: 含有'<'" in result.stderr for field in where), result.stderr


MARKDOWN_PAYLOADS = {
    "raw script": "见<script>alert(1)</script>。",
    "javascript link": "见[点此](javascript:alert(1))。",
    "data URL": "见[点此](data:text/html;base64,PHNjcmlwdD4=)。",
    "entity-obfuscated scheme": "见[点此](javascript&#58;alert(1))。",
    "image": "![x](https://example.org/x.png)",
    "attribute list": "说明\n{ onclick=alert(1) }",
    "link title (theme tooltip)": '见[出处](https://example.org "&lt;img src=x onerror=alert(1)&gt;")。',
    "reference definition": "注释正文。\n\n[1]: javascript:alert(1)",
    "definition after folding": "见[两张 皮]。\n\n[两张皮]: javascript:alert(1)",
    "20,000 brackets": "[" * 20_000,
    "deep quotes": "> " * 5_000 + "引文",
    "deep emphasis": "*" * 2_000 + "a" + "*" * 2_000,
    "traditional script link": "見[點此](javascript:alert(1))。",
    "table of contents": "注释正文。\n\n[TOC]",
}


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS)
def test_note_bodies_and_glossary_explanations_refuse_unsafe_markdown(project, edition, payload):
    value = MARKDOWN_PAYLOADS[payload]
    notes = f"source_texts/annotations/{QA}.yml"
    edit_yaml(project / notes, lambda data: put(data, (1, "body"), value))
    message = file_refusal(project, notes, edition.docs).message
    assert f"{project / notes}:" in message and "may-7-meeting" in message, message

    glossary = "source_texts/glossary.yml"
    edit_yaml(project / glossary, lambda data: put(data, (2, "explanation"), value))
    message = file_refusal(project, glossary, edition.docs).message
    assert f"{project / glossary}:" in message and "explanation" in message, message


HANDWRITTEN_PAYLOADS = {  # what a hand-written page may not hold, and the line it is named at
    "front matter the theme prints raw": ("---\ntitle: 关于\ntemplate: redirect.html\nlocation: javascript:alert(1)\n---\n# 关于\n", 3),
    "an author meta tag": ('---\ntitle: 关于\nauthor: "><img src=x onerror=alert(1)>\n---\n# 关于\n', 3),
    "the theme's config element": ('---\ntitle: 关于\n---\n# 关于\n\n<p id="__config">{"base": "data:,"}</p>\n', 6),
    "a script": ("---\ntitle: 关于\n---\n# 关于\n\n正文\n\n<script>alert(1)</script>\n", 8),
}


@pytest.mark.parametrize("payload", HANDWRITTEN_PAYLOADS)
def test_a_hand_written_page_is_refused_at_the_line_that_would_run_or_print_raw(project, payload):
    text, line = HANDWRITTEN_PAYLOADS[payload]
    page = project / "docs" / "about.md"
    page.write_text(text, encoding="utf-8")
    result = run_cli(project, "check")
    assert result.returncode == 1 and f"{page}:{line}:" in result.stderr, result.stderr


@pytest.mark.parametrize("name", ["x.svg", "x.html", "assets/x.xml", "x.js"])
def test_a_file_in_docs_published_as_it_is_must_hold_no_script(project, name):
    path = project / "docs" / name
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', encoding="utf-8")
    result = run_cli(project, "check")
    assert result.returncode == 1 and f"{path}:" in result.stderr and "published as it is" in result.stderr
    path.unlink()
    (project / "docs" / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # an image is published as it is
    assert run_cli(project, "check").returncode == 0


def test_a_harmless_looking_reference_definition_is_refused_too(project):
    """'[1]: https://…' alone renders to nothing; on the text page it would make every [1] note
    marker a link. The page's notes are also checked together, in every script."""
    notes = project / "source_texts" / "annotations" / f"{QA}.yml"
    edit_yaml(notes, lambda data: put(data, (1, "body"), "见[1]。"))
    assert unsafe_reason("见[1]。") is None
    edit_yaml(notes, lambda data: put(data, (2, "body"), "[1]: https://example.org"))
    result = run_cli(project, "check")
    assert result.returncode == 1 and f"{notes}:" in result.stderr and "defines a reference link" in result.stderr


def test_conversion_into_markup_or_across_overrides_is_refused_by_check_and_site(project, edition):
    rel = "source_texts/conversion.yml"
    rules = project / rel
    good = rules.read_bytes()
    cases = {
        "markup": (lambda d: put(d, ("overrides", 0, "traditional"), "<b>"), "holds more than Han characters"),
        "unknown variant": (lambda d: put(d, ("overrides", 0, "variants"), ["zh-XX"]), "unknown variant zh-XX"),
        "listed twice": (lambda d: d["overrides"].append(dict(d["overrides"][0])), "is listed twice"),
        "simplified form kept": (lambda d: d["overrides"].append({**d["overrides"][0], "simplified": "党员", "traditional": "党員",
                                                                  "opencc_gives": "黨員", "example": "广大党员"}),
                                 "'党' in '党員' is a simplified form in zh-Hant"),
        "opencc_gives misrecorded": (lambda d: put(d, ("overrides", 0, "opencc_gives"), "個中央"),
                                     "opencc_gives '個中央' is not what OpenCC gives"),
        "conflict": (lambda d: d["overrides"].append({**d["overrides"][0], "simplified": "个中", "traditional": "箇中"}),
                     "conflicts with"),
    }
    for name, (change, cause) in cases.items():
        rules.write_bytes(good)
        edit_yaml(rules, change)
        message = file_refusal(project, rel, edition.docs).message
        assert f"{rules}:" in message and cause in message, (name, message)
    for command in ("check", "site"):  # the last case, end to end: both commands refuse it alike
        result = run_cli(project, command)
        assert result.returncode == 1 and f"{rules}:" in result.stderr and "conflicts with" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (project / "site").exists()


def run_cli(project, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "build_tools", "--root", str(project), *args],
                          capture_output=True, text=True, cwd=project, **kwargs)


# ── edition.yml ──────────────────────────────────────────────────────────────────────────────

EDITION_CASES = {
    "script in site_name": (("site_name",), "<svg onload=alert(1)>", "site_name:"),
    "javascript repo_url": (("repo_url",), "javascript:alert(1)//", "repo_url:"),
    "javascript site_url": (("site_url",), "javascript:alert(1)//", "site_url:"),
    "offline_name as attribute": (("offline_name",), 'x" onmouseover="alert(1)', "offline_name:"),
    "offline_name out of site/": (("offline_name",), "../../../x/pwn", "offline_name:"),
    "variant path out of site/": (("variants", 1, "path"), "../../dir", "variants.1.path:"),
    "absolute variant path": (("variants", 1, "path"), "/tmp/x", "variants.1.path:"),
    "unknown variant code": (("variants", 1, "code"), "zh-XX", "variants.1.code:"),
    "vocabulary-localising OpenCC": (("variants", 1, "opencc"), "s2twp", "variants.1.opencc:"),
    "unknown link policy": (("glossary", "link"), "every-other", "glossary.link"),
    "label with markup": (("variants", 1, "label"), "[繁](javascript:x)", "variants.1.label:"),
    "site_url with a newline": (("site_url",), "https://example.org/\n", "site_url:"),
}


def test_edition_settings_are_validated(project):
    path = project / "edition.yml"
    good = path.read_bytes()
    for name, (key_path, value, where) in EDITION_CASES.items():
        path.write_bytes(good)
        edit_yaml(path, lambda data: put(data, key_path, value))
        message = refusal(project).message
        assert f"{path}:" in message and where in message, (name, message)
    path.write_bytes(good)
    edit_yaml(path, lambda data: data.pop("variants"))
    result = run_cli(project, "check")
    assert result.returncode == 1 and f"{path}:" in result.stderr and "缺少必填字段 'variants'" in result.stderr


# ── YAML itself ──────────────────────────────────────────────────────────────────────────────

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


def test_alias_bomb_is_refused_before_anything_is_built(project):
    path = project / "source_texts" / f"{LIU}.yml"
    path.write_text(path.read_text(encoding="utf-8") + ALIAS_BOMB, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(EditionError) as err:
        load_text(path)
    print(f"9-level alias bomb refused in {1000 * (time.perf_counter() - started):.1f} ms")
    line = path.read_text(encoding="utf-8").splitlines().index(ALIAS_BOMB.splitlines()[0]) + 1
    assert f"{path}:{line}: 不允许使用 YAML 锚点和别名" in err.value.message


@pytest.mark.parametrize("text,line,cause", [
    ("speaker: 甲\nspeaker: 乙\n", 2, "duplicate key 'speaker' (also on line 1)"),
    ("a: !foo x\n", 1, "YAML tag '!foo' is not allowed"),
    ("a: !!python/object:os.system x\n", 1, "YAML tag"),
    ("? [a, b]\n: 1\n", 1, "a key that is itself a list or mapping"),
    ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 30)), 21, "nested more than"),
    (f"a: {'长' * (MAX_FIELD_CHARS + 1)}\n", 1, "over the limit"),
])
def test_yaml_forms_the_data_never_uses_are_refused_with_their_line(tmp_path, text, line, cause):
    path = tmp_path / "x.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_yaml(path)
    assert err.value.message.startswith(f"{path}:{line}: ") and cause in err.value.message


@pytest.mark.parametrize("text,line,cause", [
    ('a: 1\nb: "开了没关\nc: 2\nd: 3\n', 2, "YAML 引号没有闭合"),
    ("- term: 甲\n  gloss: 乙: 丙\n", 2, "YAML 值里有“: ”"),
    ("- term: 甲\n  gloss: 乙\n - term: 丙\n", 3, "YAML 列表项的缩进与上一项不一致"),
    ("a:\n\tb: 1\n", 2, "YAML 有制表符（Tab）"),
    ("a: 1\nb: 甲\x01乙\n", 2, "含有 YAML 不允许的字符 U+0001"),
    # slips of a Chinese input method, which PyYAML reports a line late in general words
    ("slug: x\noccasion：某会\n# 注释\nkind: speech\n", 2, "YAML 键后面是全角冒号“：”"),
    ("- term: 甲\n  related：[乙]\n\n# ── People\n- term: 丙\n", 2, "YAML 键后面是全角冒号“：”"),
    ("slug: x\noccasion:\u3000某会\nkind: speech\n", 2, "YAML 冒号后面是全角空格"),
    ("- id: a\n  paragraph: p3\n\u3000\u3000quote: 某\n", 3, "YAML 用全角空格缩进"),
    ("- id: a\n  paragraph: p3\n    quote: 某\n  kind: context\n", 3, "YAML 这一行比上一行的键多缩进了"),
])
def test_yaml_syntax_errors_name_the_line_where_the_mistake_starts(tmp_path, text, line, cause):
    path = tmp_path / "x.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_yaml(path)
    assert err.value.message.startswith(f"{path}:{line}: {cause}"), err.value.message


def test_invisible_controls_in_a_raw_text_are_dropped_in_reading(tmp_path):
    """The file stays as received; what is read holds nothing XML (the TEI) cannot carry and no
    bidi control that would reorder what a reader sees. Controls Python reads as whitespace
    stay whitespace, so a debris phrase matched across them still matches."""
    path = tmp_path / "raw.txt"
    path.write_bytes("网页\f残留\x1c垃圾\x01标\u202e题\ufffe\n正文\uffff".encode("utf-8"))
    assert read_raw_text(path) == "网页 残留 垃圾标题\n正文"


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.yml"
    with open(path, "wb") as out:
        out.truncate(50_000_000)
    with pytest.raises(EditionError) as err:
        load_yaml(path)
    assert "over the limit" in err.value.message


def test_a_300000_character_raw_text_is_within_the_limits(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(("同志们，创先争优活动要抓实抓好。" * 20_000)[:300_000], encoding="utf-8")
    assert len(read_raw_text(path)) == 300_000


@pytest.mark.parametrize("rel,key_path,value,cause", [
    (f"source_texts/{LIU}.yml", ("date",), "2010-02-30", "is not a real date"),
    (f"source_texts/{LIU}.yml", ("date",), "2010-13", "is not a real date"),
    (f"source_texts/{LIU}.yml", ("date",), "2010-04-14\n", "date:"),
    (f"source_texts/{LIU}.yml", ("slug",), f"{LIU}\n", "slug:"),
    (f"source_texts/annotations/{QA}.yml", (0, "date"), "2026-02-29", "is not a real date"),
    (f"source_texts/annotations/{QA}.yml", (0, "paragraph"), "p1\n", "paragraph:"),
    ("source_texts/glossary.yml", (-1, "events", 0, "date"), "2010-13", "is not a real date"),
    (f"source_texts/{LIU}.yml", ("date",), "2999", "'2999' is in the future"),
    ("source_texts/glossary.yml", (-1, "events", 0, "date"), "2999-09", "'2999-09' is in the future"),
    ("source_texts/references.yml", (0, "accessed"), "2999-01-01", "'2999-01-01' is in the future"),
    (f"source_texts/{LIU}.yml", ("speaker",), "  ", "只有空白 (only whitespace)"),
    (f"source_texts/{LIU}.yml", ("occasion",), "待定", "the draft's placeholder"),
    ("source_texts/references.yml", (0, "url"), 'https://example.org/"onmouseover=x', "url: 'https://example.org/"),
    (f"source_texts/{LIU}.yml", ("source",), "evil\n\n- **伪造**：x\n.txt", "is not a plain file name"),
    (f"source_texts/{QA}.yml", ("debris", 0, "text"), "网页\f残留", "debris.0.text: 含有不可见的控制字符 U+000C"),
    (f"source_texts/annotations/{QA}.yml", (0, "body"), "反\u202e转", "body: 含有不可见的控制字符 U+202E"),
    (f"source_texts/{QA}.yml", ("occasion",), "答新华社记者问\ufffe", "occasion: 含有不可见的控制字符 U+FFFE"),  # no XML holds it
])
def test_dates_names_and_formats_are_checked_field_by_field(project, edition, rel, key_path, value, cause):
    path = project / rel

    def change(data):
        put(data, (first_event_entry(data), *key_path[1:]) if key_path[0] == -1 else key_path, value)

    edit_yaml(path, change)
    message = file_refusal(project, rel, edition.docs).message
    assert f"{path}:" in message and cause in message, message


def test_a_term_without_han_characters_is_named_not_a_traceback(project):
    glossary = project / "source_texts" / "glossary.yml"
    edit_yaml(glossary, lambda data: put(data, (0, "term"), "CXZY"))
    result = run_cli(project, "check")
    assert result.returncode == 1 and f"{glossary}:" in result.stderr and "has no Han character" in result.stderr


def replace_raw(project, slug: str, data: bytes) -> Path:
    """A raw text received with these bytes: written, and its recorded hash updated."""
    raw = project / "source_texts" / f"{slug}.txt"
    raw.write_bytes(data)
    edit_yaml(project / "source_texts" / f"{slug}.yml", lambda spec: put(spec, ("source_sha256",), sha256_of(raw)))
    return raw


def test_a_text_holding_only_its_title_is_named(project):
    raw = project / "source_texts" / f"{QA}.txt"
    title = raw.read_text(encoding="utf-8").splitlines()[0]
    replace_raw(project, QA, (title + "\n").encode("utf-8"))
    spec = project / "source_texts" / f"{QA}.yml"
    edit_yaml(spec, lambda data: (data.pop("debris"), put(data, ("structure",), data["structure"][:1])))
    (project / "source_texts" / "annotations" / f"{QA}.yml").unlink()
    result = run_cli(project, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{spec}:1: {QA}.txt 除标题和小标题外没有正文段落" in result.stderr


@pytest.mark.parametrize("added", ["{n}", "<i>斜体</i>", "{accessed}"])
def test_a_title_the_citations_would_not_print_as_written_is_named_at_its_line(project, added):
    raw = project / "source_texts" / f"{QA}.txt"
    text = raw.read_text(encoding="utf-8")
    replace_raw(project, QA, text.replace("答新华社记者问\n", f"答新华社记者问{added}\n", 1).encode("utf-8"))
    spec = project / "source_texts" / f"{QA}.yml"
    rows = spec.read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(rows, 1) if row.lstrip().startswith("- title:"))
    rows[line - 1] += added  # the editor marks the whole line as the title
    spec.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli(project, "check")
    assert result.returncode == 1 and f"{spec}:{line}: 标题含有“{added[0]}”" in result.stderr, result.stderr


def test_disk_full_is_a_message_not_a_traceback(project):
    """/dev/full fails every write with ENOSPC, as a full disk does."""
    result = run_cli(project, "audit-conversion", "--out", "/dev/full")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the disk is full — free space" in result.stderr, result.stderr


# ── Raw-text encodings ───────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("name,encode", [
    ("BOM", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8")),
    ("CRLF", lambda text: text.replace("\n", "\r\n").encode("utf-8")),
    ("CR only", lambda text: text.replace("\n", "\r").encode("utf-8")),
])
def test_bom_and_cr_line_endings_read_like_lf_and_the_file_is_untouched(project, name, encode):
    raw = project / "source_texts" / f"{LIU}.txt"
    before = load_edition(project).docs
    stored = encode(raw.read_text(encoding="utf-8"))
    replace_raw(project, LIU, stored)  # as if received so
    after = load_edition(project).docs  # glossary, notes, manifest: nothing downstream notices
    assert [(b.id, b.text) for d in after for b in d.blocks] == [(b.id, b.text) for d in before for b in d.blocks]
    assert raw.read_bytes() == stored


# ── Symlinks and paths ───────────────────────────────────────────────────────────────────────

OUTSIDE = Path("/etc/hostname")


@pytest.mark.parametrize("rel", ["docs/leak.txt", "docs/assets/leak.css", f"source_texts/{LIU}.txt",
                                 f"source_texts/annotations/{QA}.yml", "source_texts/glossary.yml",
                                 "overrides/leak.html"])
def test_symlinks_out_of_the_project_are_refused(project, rel):
    link = project / rel
    link.unlink(missing_ok=True)
    link.symlink_to(OUTSIDE)
    result = run_cli(project, "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{link}:1: 是指向编辑文件夹（source_texts/、docs/、overrides/）之外的符号链接 (is a symlink leading out of the editorial folders" in result.stderr, result.stderr
    assert not (project / "site").exists()


def test_a_symlinked_folder_out_of_the_project_is_refused(project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# 秘密\n", encoding="utf-8")
    (project / "docs" / "more").symlink_to(outside)
    message = refusal(project).message
    assert "docs/more:1: 是指向编辑文件夹（source_texts/、docs/、overrides/）之外的符号链接 (is a symlink leading out of the editorial folders" in message


def test_a_variant_folder_the_site_already_uses_is_named_in_edition_yml(project):
    settings = project / "edition.yml"
    edit_yaml(settings, lambda data: put(data, ("variants", 1, "path"), "texts"))
    result = run_cli(project, "site")
    line = next(i for i, text in enumerate(settings.read_text(encoding="utf-8").splitlines(), 1) if "path: texts" in text)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{settings}:{line}: 版本“zh-Hant”的文件夹“texts”已被网站本身使用" in result.stderr, result.stderr
    assert not (project / "site").exists()


def test_the_safety_check_renders_with_the_site_s_markdown_extensions(root):
    """A note is judged as MkDocs will render it: an extension left out of the check ([TOC] once)
    would let its syntax through unjudged."""
    from build_tools.safety import EXTENSIONS

    configured = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))["markdown_extensions"]
    assert sorted(EXTENSIONS) == sorted(next(iter(e)) if isinstance(e, dict) else e for e in configured)


def test_a_symlink_into_the_checkout_s_own_files_is_refused(project):
    """`.git/config` holds CI's credentials: a raw text linked there would be published."""
    (project / ".git").mkdir(exist_ok=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    raw = project / "source_texts" / f"{LIU}.txt"
    raw.unlink()
    raw.symlink_to(project / ".git" / "HEAD")
    assert f"{raw}:1: 是指向编辑文件夹" in refusal(project).message


def test_a_symlink_inside_the_editorial_folders_is_fine(project):
    (project / "docs" / "about-too.md").unlink(missing_ok=True)
    (project / "docs" / "assets" / "copy.css").symlink_to(project / "docs" / "assets" / "edition.css")
    load_edition(project)


def test_a_gbk_file_is_named_as_such_with_the_command_that_converts_it(tmp_path):
    """An editor's commonest encoding mistake: a raw text saved by a Chinese Windows tool."""
    from build_tools.yamlio import read_raw_text

    gbk, broken = tmp_path / "raw.txt", tmp_path / "broken.txt"
    gbk.write_bytes("关于印发讲话的通知\n各省党委：\n".encode("gbk"))
    broken.write_bytes("标题\n".encode() + b"\xff\xfe\xff")
    with pytest.raises(EditionError) as err:
        read_raw_text(gbk)
    assert err.value.message.startswith(f"{gbk}:1: 不是有效的 UTF-8")
    assert "GBK/GB18030" in err.value.message and "iconv -f GB18030 -t UTF-8 raw.txt" in err.value.message
    with pytest.raises(EditionError) as err:
        read_raw_text(broken)
    assert f"{broken}:2:" in err.value.message and "GB18030" not in err.value.message
