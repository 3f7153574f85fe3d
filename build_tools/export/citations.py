"""The edition's own CSL-JSON for each text, and what is derived from it: BibTeX, RIS, and the
GB/T 7714-2015 and Chicago strings a CSL processor renders from it.

The strings are rendered by citeproc-js with the official styles in export/csl/ and kept in
`rendered.json` (a build needs no Node). `python -m build_tools.export.citations --update`
re-renders them; tests/test_citations.py renders again and compares, so a stale string fails.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

from build_tools.model import Document

HERE = Path(__file__).resolve().parent
RENDERED = HERE / "rendered.json"
RENDERER = HERE.parent.parent / "tools" / "render_citations.js"
STYLES = {"gb-t-7714-2015": "GB/T 7714-2015", "chicago": "Chicago"}
CSL_TYPES = {"speech": "speech", "interview": "interview"}  # anything else is a "document"
LANGS = {True: "zh-CN", False: "zh-TW"}  # canonical (simplified) variant -> CSL locale


def text_url(settings: dict, slug: str, variant_path: str = "") -> str:
    prefix = f"{variant_path.strip('/')}/" if variant_path.strip("/") else ""
    return f"{settings['site_url']}{prefix}texts/{slug}/"


def csl_item(doc: Document, settings: dict, t=lambda s: s, lang: str = "zh-CN", variant_path: str = "") -> dict:
    """One text as a CSL-JSON item, in the variant's script (every field through `t`)."""
    m = doc.meta
    item = {"id": m.slug, "type": CSL_TYPES.get(m.kind, "document"), "title": t(m.title),
            "author": [{"literal": t(m.speaker)}],
            "issued": {"date-parts": [[int(p) for p in m.date.split("-")]]},
            "container-title": t(settings["site_name"]), "URL": text_url(settings, m.slug, variant_path), "language": lang}
    if m.kind == "speech":
        item["event-title"] = t(m.occasion)
    return item


def items(docs, settings: dict, t=lambda s: s, lang: str = "zh-CN", variant_path: str = "") -> list[dict]:
    return [csl_item(d, settings, t, lang, variant_path) for d in docs]


def render(by_lang: dict[str, list[dict]]) -> dict:
    """Render with citeproc-js (Node, offline): {lang: {style: {id: text}}}."""
    done = subprocess.run(["node", str(RENDERER)], input=json.dumps(by_lang, ensure_ascii=False),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@cache
def _recorded() -> dict:
    return json.loads(RENDERED.read_text(encoding="utf-8")) if RENDERED.exists() else {}


def rendered_strings(item: dict) -> dict[str, str]:
    """style -> the string citeproc-js rendered for exactly this item (empty when the recorded
    rendering is of other metadata, e.g. a text added since: never a stale citation)."""
    recorded = _recorded()
    lang, slug = item["language"], item["id"]
    if recorded.get("items", {}).get(lang, {}).get(slug) != item:
        return {}
    return {style: recorded["strings"][lang][style][slug] for style in STYLES}


def _bibtex_escape(text: str) -> str:
    return "".join({"\\": "\\textbackslash{}", "{": "\\{", "}": "\\}"}.get(ch, ch) for ch in text)


def bibtex(entries: list[dict]) -> str:
    out = []
    for e in entries:
        parts = e["issued"]["date-parts"][0]
        fields = {"title": e["title"], "author": e["author"][0]["literal"], "year": str(parts[0]),
                  "howpublished": e["container-title"], "url": e["URL"], "language": e["language"]}
        if len(parts) > 1:
            fields["month"] = str(parts[1])
        if "event-title" in e:
            fields["note"] = e["event-title"]
        # the author is a name as written (a person, an office): double braces keep BibTeX from splitting it
        body = ",\n".join(f"  {k} = {{{'{' if k == 'author' else ''}{_bibtex_escape(v)}{'}' if k == 'author' else ''}}}"
                          for k, v in fields.items())
        out.append(f"@misc{{{e['id']},\n{body}\n}}\n")
    return "\n".join(out)


def ris(entries: list[dict]) -> str:
    types = {"speech": "SOUND", "interview": "GEN", "document": "GEN"}
    out = []
    for e in entries:
        parts = e["issued"]["date-parts"][0]
        date = "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + "/" * (3 - len(parts))
        lines = [("TY", "SPEECH" if e["type"] == "speech" else types[e["type"]]), ("ID", e["id"]), ("TI", e["title"]),
                 ("AU", e["author"][0]["literal"]), ("PY", str(parts[0])), ("DA", date), ("T2", e["container-title"]),
("UR", e["URL"]), ("LA", e["language"])]
        out.append("\n".join(f"{k}  - {v}" for k, v in lines) + "\nER  - \n")
    return "\n".join(out)


def download_pages(docs, settings: dict, t, lang: str, variant_path: str) -> list[tuple[str, str]]:
    """(path, text) of the citation downloads: one set per text and one for the whole edition."""
    entries = items(docs, settings, t, lang, variant_path)
    out = []
    for name, chosen in [*((e["id"], [e]) for e in entries), ("edition", entries)]:
        base = f"citations/{name}"
        out += [(f"{base}.json", json.dumps(chosen, ensure_ascii=False, indent=1) + "\n"),
                (f"{base}.bib", bibtex(chosen)), (f"{base}.ris", ris(chosen))]
    return out


def cite_block(item: dict, t, up: str) -> list[str]:
    """The 「引用本文」 section of a text page: the rendered strings (also as data attributes for
    the paragraph-number click in edition.js) and the downloads."""
    strings = rendered_strings(item)
    lines = [f"## {t('引用本文')} {{: #cite }}", ""]
    for key, label in STYLES.items():
        if key in strings:
            text = strings[key]
            lines += [f'<p class="citation" data-citation-style="{key}" data-citation="{html.escape(text, quote=True)}">'
                      f"<strong>{label}</strong>　{html.escape(text)}</p>", ""]
    base = f"{up}citations/{item['id']}"
    links = " · ".join([f"[CSL-JSON]({base}.json)", f"[BibTeX]({base}.bib)", f"[RIS]({base}.ris)",
                        f"[TEI P5]({up}tei/{item['id']}.xml)", f"[{t('W3C 注释')}]({up}annotations.jsonld)",
                        f"[{t('全部下载')}]({up}downloads.md)"])
    lines += [f"{t('下载')}：{links}", ""]
    return lines


def meta_fields(doc: Document, settings: dict, t, lang: str, variant_path: str) -> dict[str, str]:
    """Front matter for overrides/partials/citation-meta.html: HTML-escaped here (autoescape is off)."""
    m = doc.meta
    url = text_url(settings, m.slug, variant_path)
    date = m.date.replace("-", "/")
    ld = {"@context": "https://schema.org", "@type": "CreativeWork", "name": t(m.title),
          "author": {"@type": "Person" if m.kind == "speech" else "Organization", "name": t(m.speaker)},
          "dateCreated": m.date, "inLanguage": lang, "url": url,
          "isPartOf": {"@type": "Collection", "name": t(settings["site_name"]), "url": text_url(settings, "", variant_path).removesuffix("texts//")},
          "publisher": {"@type": "Organization", "name": t(settings["site_name"])}}
    jsonld = json.dumps(ld, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    esc = lambda s: html.escape(s, quote=True)  # noqa: E731
    return {"citation_title": esc(t(m.title)), "citation_author": esc(t(m.speaker)),
            "citation_publication_date": esc(date), "citation_publisher": esc(t(settings["site_name"])),
            "citation_journal_title": esc(t(settings["site_name"])),
            "citation_public_url": esc(url), "citation_language": esc(lang), "citation_jsonld": jsonld}


def add_front_matter(markdown: str, fields: dict[str, str]) -> str:
    """Add keys to the page's YAML front matter (values as JSON strings, which YAML reads)."""
    head, sep, rest = markdown.partition("\n---")
    extra = "".join(f"\n{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items())
    return head + extra + sep + rest


def current_items(edition) -> dict[str, list[dict]]:
    """lang -> every text's CSL-JSON item in that variant's script (canonical Documents, converted here)."""
    from build_tools.convert import converter
    out = {}
    for variant in edition.variants:
        t = converter(variant, edition.conversion.overrides)
        lang = LANGS[variant.canonical]
        out[lang] = items(edition.docs, edition.settings, t, lang, variant.path)
    return out


def main(argv: list[str]) -> int:
    from build_tools.pipeline import load_edition
    by_lang = current_items(load_edition(HERE.parent.parent))
    result = {"items": {lang: {i["id"]: i for i in found} for lang, found in by_lang.items()},
              "strings": render(by_lang)}
    if "--update" in argv:
        RENDERED.write_text(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(result["strings"], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
