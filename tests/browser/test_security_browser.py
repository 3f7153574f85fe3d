"""Issue 16 in the browser: payloads the build accepts (they stand in the raw text, which is
published as it is, or in phrases quoted from it) are escaped everywhere they appear, in both
scripts: the built HTML carries no event attribute, no javascript:/data: URL and no tooltip
attribute holding markup, and Chromium runs none of them on load, hover or click.

One project copy, one build, every payload at once."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from build_tools.bench import copy_project
from build_tools.load import load_texts, sha256_of
from build_tools.segment import segment

QA = "2010-xinhua-qa"
ROOT = Path(__file__).resolve().parents[2]

# Raw-text lines (each becomes a paragraph) and what each tries. Every payload sets
# window.__pwned and opens a dialog if it ever runs.
RAW_PAYLOADS = {
    "raw img": "创先争优<img src=x onerror=\"window.__pwned='raw img';alert(1)\">活动",
    "raw script": "<script>window.__pwned='raw script';alert(1)</script>创先争优",
    "markdown link": "创先争优[点此](javascript:window.__pwned='markdown link';alert(1))活动",
    "attribute list": "创先争优{ onclick=\"window.__pwned='attribute list'\" }",
    "entity": "创先争优&lt;img src=x onerror=window.__pwned='entity'&gt;活动",
    "break-out": "创先争优</textarea></title><svg onload=window.__pwned='break-out'>活动",
    "heading": "一、<b onmouseover=window.__pwned='heading'>创先争优</b>",
    "debris": "<iframe src=\"javascript:window.__pwned='debris'\"></iframe>",
    "correction": "创先争优,<img src=x onerror=window.__pwned='correction'>活动",
}
# A title may not hold < > { } (citeproc-js would drop a tag; edition.js fills {n}): these break
# out of an attribute, or become markup if an entity is ever decoded twice.
TITLE_PAYLOAD = "\"' onmouseover=\"window.__pwned='title'\" &lt;/title&gt;&lt;img src=x onerror=window.__pwned='title'&gt;"


def cli(project, *args):
    result = subprocess.run([sys.executable, "-m", "build_tools", "--root", str(project), *args],
                            capture_output=True, text=True, cwd=project)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> Path:
    project = copy_project(ROOT, tmp_path_factory.mktemp("poisoned") / "project")
    source = project / "source_texts"
    raw = source / f"{QA}.txt"
    lines = raw.read_text(encoding="utf-8").rstrip("\n").split("\n")
    title = lines[0].strip()
    lines[0] = lines[0] + TITLE_PAYLOAD
    raw.write_text("\n".join(lines + list(RAW_PAYLOADS.values())) + "\n", encoding="utf-8")
    spec_path = source / f"{QA}.yml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    spec["source_sha256"] = sha256_of(raw)
    spec["structure"][0] = {"title": title + TITLE_PAYLOAD}
    spec["structure"].append({"heading": RAW_PAYLOADS["heading"]})
    spec["debris"].append({"text": RAW_PAYLOADS["debris"], "reason": "测试用的残留"})
    spec.setdefault("corrections", []).append({"from": "<img src=x onerror=window.__pwned='correction'>",
                                               "to": "图片", "reason": "测试用的校改"})
    spec_path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    doc = next(segment(s) for s in load_texts(source) if s.meta.slug == QA)
    target = next(b for b in doc.paragraphs if "raw img" in b.text)
    notes_path = source / "annotations" / f"{QA}.yml"
    notes = yaml.safe_load(notes_path.read_text(encoding="utf-8"))
    notes.append({"id": "payload-note", "paragraph": target.id, "quote": "活动", "kind": "textual",
                  "body": "这一段的原文含有标记；见[说明](https://example.org/a?b=1&c=2)。", "author": "编辑部",
                  "date": "2026-11-22", "sources": [f"{QA}#{target.id}"]})
    notes_path.write_text(yaml.safe_dump(notes, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    cli(project, "manifest", "--update")
    cli(project, "site")
    return project / "site"


PAGES = [f"texts/{QA}/index.html", "editorial.html", "glossary/index.html", "index.html"]
VARIANTS = ["", "zh-Hant/"]
_MARKUP = re.compile(r"<[a-zA-Z!/?]|&[#\w]+;")


def test_the_payloads_are_published_as_text(poisoned):
    """The build accepted them (they are the raw text) and shows each as the words it is."""
    for variant in VARIANTS:
        page = BeautifulSoup((poisoned / variant / PAGES[0]).read_text(encoding="utf-8"), "html.parser")
        text = page.get_text()
        for name in ("raw img", "markdown link", "break-out"):
            assert f"window.__pwned='{name}'" in text, (variant, name)


def test_built_html_has_no_event_attribute_script_url_or_markup_tooltip(poisoned):
    """Every page of both scripts, statically (the theme's JS turns a title into HTML)."""
    pages = sorted(poisoned.rglob("*.html"))
    assert pages
    tooltips = []
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for el in soup.find_all(True):
            for attr, value in el.attrs.items():
                value = " ".join(value) if isinstance(value, list) else value
                where = f"{path.relative_to(poisoned)}: <{el.name} {attr}={value[:60]!r}>"
                assert not attr.lower().startswith("on"), where
                if attr in ("href", "src", "action", "formaction", "xlink:href"):
                    assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), where
                if attr == "title" and _MARKUP.search(value):  # mkdocs-material's tooltips render a title as HTML
                    tooltips.append(where)
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":  # data, never run: it must parse whole as JSON
                json.loads(script.get_text())  # (a payload that broke out of it would not)
                continue
            assert "__pwned" not in script.get_text(), path
    assert tooltips == []


def test_the_theme_never_turns_a_title_into_html():
    """mkdocs-material's content.tooltips renders a title attribute as HTML (an escaped
    `&lt;img onerror&gt;` runs on hover): the edition's own popover replaces it."""
    features = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["theme"].get("features", [])
    assert "content.tooltips" not in features


HOVERED = (".md-content [title], .md-content a, .md-content mark, .md-nav__link, "
           ".md-content [data-note], .md-content button")
NEAR_PAYLOAD = ("els => els.map(el => !!el.closest('.md-content')"
                " && !!el.closest('p, li, td, h1, h2, h3, h4')?.textContent.includes('__pwned'))")


def probe(page, url: str) -> tuple[str | None, list[str], int]:
    """Load, hover every element with a tooltip or a link (those in a block holding a payload
    first), click every control of the text: what ran (window.__pwned), which dialogs opened and
    how many elements beside a payload were hovered."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    hovered = page.locator(HOVERED)
    elements = list(zip(hovered.evaluate_all(NEAR_PAYLOAD), hovered.all()))
    near_payload = 0
    for near, el in sorted(elements, key=lambda e: not e[0])[:400]:
        try:
            el.hover(timeout=300, force=True)
        except Exception:  # detached or hidden by an earlier hover: nothing to hover
            continue
        near_payload += near
    page.evaluate("""() => {
        const controls = document.querySelectorAll('.md-content a[href^="#"], .md-content button, '
            + '.md-content [role=button], .md-content [aria-expanded], .md-content [data-note], .md-content sup a');
        for (const el of controls) { try { el.click(); } catch (e) {} }
    }""")
    page.wait_for_timeout(200)
    return page.evaluate("window.__pwned || null"), dialogs, near_payload


@pytest.mark.parametrize("variant", VARIANTS, ids=["simplified", "traditional"])
@pytest.mark.parametrize("rel", PAGES)
def test_no_payload_runs_on_load_hover_or_click(page, poisoned, variant, rel):
    pwned, dialogs, near_payload = probe(page, (poisoned / variant / rel).as_uri())
    assert pwned is None and dialogs == [], (rel, variant, pwned, dialogs)
    # every page that shows a payload had the links and marks beside it hovered
    assert (near_payload > 0) == ("__pwned" in page.locator(".md-content").inner_text()), (rel, variant)


@pytest.mark.parametrize("variant", VARIANTS, ids=["simplified", "traditional"])
def test_search_results_show_payloads_as_text(page, poisoned, variant):
    pwned, dialogs, _ = probe(page, (poisoned / variant / "search.html").as_uri() + "?q=pwned")
    assert pwned is None and dialogs == []
    assert "window.__pwned" in page.locator(".md-content").inner_text()
