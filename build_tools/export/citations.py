"""The edition's own CSL-JSON for each text, and what is derived from it: BibTeX, RIS, and the
GB/T 7714-2015 and Chicago strings a CSL processor renders from it, for the text and for any of
its paragraphs.

The strings are rendered by citeproc-js (export/render_citations.js) with the official styles in
export/csl/. Each rendering is kept with the CSL-JSON item it was rendered from, so a string is
shown only for exactly the metadata it was rendered from (never a stale citation):
- `rendered.json` (in the repository): the committed texts' strings, so a machine without Node
  still shows them; `python -m build_tools.export.citations --update` refreshes it.
- `build/citations.json` (not in the repository): what a build had to render because the
  repository's record lacked it (a new text, changed metadata); every build and preview renders
  that automatically when Node and node_modules are there, and otherwise warns in one line
  naming the command, and the page shows the downloads without the strings.
A paragraph's citations are rendered once per text with the sentinel paragraph number SENTINEL
and shown as a template with `{n}` (docs/assets/edition.js fills in the paragraph), so a text
page carries no bytes per paragraph; tests/browser/test_apparatus.py checks the filled-in
strings against citeproc-js's own renderings of real paragraphs.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from build_tools.model import Document

HERE = Path(__file__).resolve().parent
RENDERED = HERE / "rendered.json"
RENDERER = HERE / "render_citations.js"
CITEPROC = HERE.parent.parent / "node_modules" / "citeproc"
STYLES = {"gb-t-7714-2015": "GB/T 7714-2015", "chicago": "Chicago"}
CSL_TYPES = {"speech": "speech", "interview": "interview"}  # anything else is a "document"
LANGS = {True: "zh-CN", False: "zh-TW"}  # canonical (simplified) variant -> CSL locale
# What a text's language is declared as in the files a reader downloads: the script, as the pages'
# lang attributes say it (BCP 47 script subtags); the conversion changes the script, not a region.
SCRIPTS = {"zh-CN": "zh-Hans", "zh-TW": "zh-Hant"}
SENTINEL = "987654321"  # the paragraph number a template is rendered with (no text has that many)
PLACEHOLDER = "{n}"  # what edition.js replaces with the paragraph number (no metadata holds braces)
# GB/T 7714-2015 cites an online text with the date it was consulted ([引用日期]): the reader's,
# which edition.js writes in when the page opens. Every item is rendered as consulted on a
# sentinel date, which the strings then hold as this placeholder (Chicago prints no access date
# for a dated text, so only GB/T's strings hold it).
ACCESSED_SENTINEL = [1111, 11, 11]
ACCESSED = "{accessed}"
UPDATE = "make citations (python -m build_tools.export.citations --update)"

log = logging.getLogger("build_tools")


def text_url(settings: dict, slug: str, variant_path: str = "") -> str:
    prefix = f"{variant_path.strip('/')}/" if variant_path.strip("/") else ""
    return f"{settings['site_url']}{prefix}texts/{slug}/"


def raw_text_url(settings: dict, source_file: str) -> str:
    """Where the raw text is kept as received: the repository's source_texts/."""
    return f"{settings['repo_url']}/blob/main/source_texts/{quote(source_file)}"


def csl_item(doc: Document, settings: dict, t=lambda s: s, lang: str = "zh-CN", variant_path: str = "") -> dict:
    """One text as a CSL-JSON item, in the variant's script (every field through `t`)."""
    m = doc.meta
    item = {"id": m.slug, "type": CSL_TYPES.get(m.kind, "document"), "title": t(m.title),
            "author": [{"literal": t(m.author)}],
            "issued": {"date-parts": [[int(p) for p in m.date.split("-")]]},
            "container-title": t(settings["site_name"]), "URL": text_url(settings, m.slug, variant_path),
            "language": SCRIPTS[lang]}
    if m.date_inferred:  # the editors' inference: Chicago prints it as conjectural
        item["issued"]["circa"] = True
    if m.kind == "speech":
        item["event-title"] = t(m.occasion)
    return item


def items(docs, settings: dict, t=lambda s: s, lang: str = "zh-CN", variant_path: str = "") -> list[dict]:
    return [csl_item(d, settings, t, lang, variant_path) for d in docs]


def render(by_lang: dict[str, list[dict]], paragraphs: dict[str, dict[str, list[str]]] | None = None) -> dict:
    """Render with citeproc-js (Node, offline). `paragraphs`: lang -> id -> paragraph numbers.
    Returns {"text": {lang: {style: {id: str}}}, "paragraph": {lang: {style: {id: {n: str}}}}}."""
    payload = {lang: {"items": [{**item, "accessed": {"date-parts": [ACCESSED_SENTINEL]}} for item in found],
                      "paragraphs": (paragraphs or {}).get(lang, {})} for lang, found in by_lang.items()}
    done = subprocess.run(["node", str(RENDERER)], input=json.dumps(payload, ensure_ascii=False),
                          capture_output=True, text=True, check=True)
    sentinel = "-".join(f"{n:02d}" for n in ACCESSED_SENTINEL)  # as GB/T prints it
    return json.loads(done.stdout.replace(sentinel, ACCESSED))


def without_access_date(text: str) -> str:
    """A rendered string as shown where no script writes in the reader's date."""
    return text.replace(f"[{ACCESSED}]", "")


def fingerprint() -> str:
    """The styles, locales and renderer a rendering depends on: a record made with others is stale."""
    digest = hashlib.sha256()
    for path in [*sorted((HERE / "csl").iterdir()), RENDERER]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(json.dumps([ACCESSED_SENTINEL, ACCESSED]).encode())  # how render() marks the access date
    return digest.hexdigest()[:16]


def render_entries(by_lang: dict[str, list[dict]]) -> dict[str, dict[str, dict]]:
    """lang -> id -> {"item", "text": {style: str}, "paragraph": {style: template with {n}}}."""
    out = render(by_lang, {lang: {i["id"]: [SENTINEL] for i in found} for lang, found in by_lang.items()})
    entries: dict[str, dict[str, dict]] = {}
    for lang, found in by_lang.items():
        for item in found:
            entry = {"item": item, "text": {s: out["text"][lang][s][item["id"]] for s in STYLES}, "paragraph": {}}
            for style in STYLES:
                template = out["paragraph"][lang][style][item["id"]][SENTINEL]
                if SENTINEL in template and PLACEHOLDER not in template:
                    entry["paragraph"][style] = template.replace(SENTINEL, PLACEHOLDER)
            entries.setdefault(lang, {})[item["id"]] = entry
    return entries


def _read_record(path: Path) -> dict[str, dict[str, dict]]:
    """A record of renderings (lang -> id -> entry), or {} when missing, unreadable or made with
    other styles or another renderer."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record.get("entries", {}) if isinstance(record, dict) and record.get("fingerprint") == fingerprint() else {}


def _write_record(path: Path, entries: dict[str, dict[str, dict]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"fingerprint": fingerprint(), "entries": entries}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def build_record(root: Path) -> Path:
    return root / "build" / "citations.json"


def node_missing() -> str | None:
    """Why citeproc-js cannot run here (one line, with the command that fixes it), or None."""
    if not shutil.which("node"):
        return "没有 Node (Node is not installed): 装上 Node 后运行 make site (install Node, then run make site)"
    if not CITEPROC.is_dir():
        return "没有 node_modules/citeproc: 运行 make node_modules/.installed 后再构建 (run make node_modules/.installed, then build again)"
    return None


def renderings(edition) -> dict[str, dict[str, dict]]:
    """lang -> id -> entry for every text whose strings can be shown: from the repository's
    record, else the build's, else rendered now (and kept in the build's record). Without Node,
    a text lacking a rendering gets none (one warning), never a stale one."""
    current = current_items(edition)
    sources = [_read_record(RENDERED), _read_record(build_record(edition.root))]
    found: dict[str, dict[str, dict]] = {lang: {} for lang in current}
    missing: dict[str, list[dict]] = {}
    for lang, wanted in current.items():
        for item in wanted:
            entry = next((r[lang][item["id"]] for r in sources
                          if r.get(lang, {}).get(item["id"], {}).get("item") == item), None)
            if entry:
                found[lang][item["id"]] = entry
            else:
                missing.setdefault(lang, []).append(item)
    if not missing:
        return found
    count = len({i["id"] for wanted in missing.values() for i in wanted})
    reason = node_missing()
    if not reason:
        try:
            fresh = render_entries(missing)
        except (OSError, subprocess.CalledProcessError, ValueError, KeyError) as err:
            detail = (getattr(err, "stderr", "") or str(err)).strip().splitlines()
            reason = f"citeproc-js 出错 (citeproc-js failed: {detail[-1] if detail else type(err).__name__})"
        else:
            built = sources[1]
            for lang, entries in fresh.items():
                built.setdefault(lang, {}).update(entries)
                found[lang].update(entries)
            _write_record(build_record(edition.root), built)
            log.info("citations: rendered GB/T 7714-2015 and Chicago for %d text(s) with citeproc-js", count)
            return found
    log.warning("%d 篇文献的引文（GB/T 7714、Chicago）未能生成，页面只列下载 (%d text(s) show no citation strings): %s",
                count, count, reason)
    return found


# BibTeX counts every brace, a backslash before it or not: a lone "\\{" would leave the entry
# open. In a title or a note a brace is written as a command whose own braces pair, and LaTeX
# reads these specials as commands; a `url` field is read verbatim by biblatex and the url
# package, so there a brace is percent-encoded, as in any URL.
_LATEX_SPECIALS = {"\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}",
                   "%": "\\%", "$": "\\$", "#": "\\#", "&": "\\&", "_": "\\_",
                   "^": "\\textasciicircum{}", "~": "\\textasciitilde{}"}
_URL_BRACES = {"{": "%7B", "}": "%7D"}


def _bibtex_escape(text: str, verbatim: bool = False) -> str:
    table = _URL_BRACES if verbatim else _LATEX_SPECIALS
    return "".join(table.get(ch, ch) for ch in text)


# RIS has no type for a speech or an interview (no SPEECH: a reference manager falls back to its
# default): they are generic; a notice is a government document.
RIS_TYPES = {"speech": "GEN", "interview": "GEN", "document": "GOVDOC"}
INFERRED_YEAR = "年份为编者推定"  # the note on a year the text does not state (date_inferred)


def _joined_date(parts: list[int], sep: str) -> str:
    """[2010, 4, 14] as 2010<sep>04<sep>14, to the precision given."""
    return sep.join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def _notes(e: dict, inferred: str) -> list[str]:
    """What a BibTeX `note` and RIS `N1` say: the occasion of a speech, and an inferred year."""
    return ([e["event-title"]] if "event-title" in e else []) + ([inferred] if e["issued"].get("circa") else [])


def bibtex(entries: list[dict], inferred: str = INFERRED_YEAR) -> str:
    """`inferred`: the note on an inferred year, in the entries' script."""
    out = []
    for e in entries:
        parts = e["issued"]["date-parts"][0]
        fields = {"title": e["title"], "author": e["author"][0]["literal"], "year": str(parts[0]),
                  "howpublished": e["container-title"], "url": e["URL"], "language": e["language"]}
        if len(parts) > 1:  # classic BibTeX keeps year and month; biblatex reads the whole date
            fields["month"] = str(parts[1])
            fields["date"] = _joined_date(parts, "-")
        notes = _notes(e, inferred)
        if notes:
            fields["note"] = "；".join(notes)
        # the author is a name as written (a person, an office): double braces keep BibTeX from splitting it
        body = ",\n".join(f"  {k} = {{{'{' if k == 'author' else ''}{_bibtex_escape(v, verbatim=k == 'url')}{'}' if k == 'author' else ''}}}"
                          for k, v in fields.items())
        out.append(f"@misc{{{e['id']},\n{body}\n}}\n")
    return "\n".join(out)


def ris(entries: list[dict], inferred: str = INFERRED_YEAR) -> str:
    out = []
    for e in entries:
        parts = e["issued"]["date-parts"][0]
        date = _joined_date(parts, "/") + "/" * (4 - len(parts))  # YYYY/MM/DD/other, every slash written
        lines = [("TY", RIS_TYPES[e["type"]]), ("ID", e["id"]), ("TI", e["title"]),
                 ("AU", e["author"][0]["literal"]), ("PY", str(parts[0])), ("DA", date), ("T2", e["container-title"]),
                 ("UR", e["URL"]), ("LA", e["language"]), *(("N1", note) for note in _notes(e, inferred))]
        out.append("\n".join(f"{k}  - {v}" for k, v in lines) + "\nER  - \n")
    return "\n".join(out)


def download_pages(docs, settings: dict, t, lang: str, variant_path: str) -> list[tuple[str, str]]:
    """(path, text) of the citation downloads: one set per text and one for the whole edition."""
    entries = items(docs, settings, t, lang, variant_path)
    out = []
    for name, chosen in [*((e["id"], [e]) for e in entries), ("edition", entries)]:
        base = f"citations/{name}"
        out += [(f"{base}.json", json.dumps(chosen, ensure_ascii=False, indent=1) + "\n"),
                (f"{base}.bib", bibtex(chosen, t(INFERRED_YEAR))), (f"{base}.ris", ris(chosen, t(INFERRED_YEAR)))]
    return out


def cite_block(item: dict, t, up: str, entry: dict | None, root_up: str | None = None) -> list[str]:
    """The 「引用本文」 section of a text page: the rendered strings, each with its paragraph
    template (data-paragraph, filled in by edition.js for the paragraph-number popover) and, for
    GB/T 7714, "{accessed}" where edition.js writes the reader's date (shown without it), and the
    downloads. `root_up` leads to the canonical site root (the TEI and the annotations are
    published once, there)."""
    lines = [f"## {t('引用本文')} {{: #cite }}", ""]
    for key, label in STYLES.items():
        if entry and key in entry["text"]:
            text = entry["text"][key]
            template = entry["paragraph"].get(key)
            para = f' data-paragraph="{html.escape(template, quote=True)}"' if template else ""
            lines += [f'<p class="citation" data-citation-style="{key}" '
                      f'data-citation="{html.escape(text, quote=True)}"{para}>'
                      f"<strong>{label}</strong>　{html.escape(without_access_date(text))}</p>", ""]
    base = f"{up}citations/{item['id']}"
    # raw HTML: MkDocs checks Markdown links against its own variant's files, and the TEI and the
    # annotations of the traditional pages are the one canonical file of each above them
    root = html.escape(root_up or up)
    links = " · ".join([f"[CSL-JSON]({base}.json)", f"[BibTeX]({base}.bib)", f"[RIS]({base}.ris)",
                        f'<a href="{root}tei/{html.escape(item["id"])}.xml">TEI P5</a>',
                        f'<a href="{root}annotations.jsonld">{t("W3C 注释")}</a>',
                        f"[{t('全部下载')}]({up}downloads.md)"])
    lines += [f"{t('下载')}：{links}", "{: .screen-only }", ""]  # nothing to download from paper
    return lines


def meta_fields(doc: Document, settings: dict, t, lang: str, variant_path: str) -> dict[str, str]:
    """Front matter for overrides/partials/citation-meta.html: HTML-escaped here (autoescape is off)."""
    m = doc.meta
    url = text_url(settings, m.slug, variant_path)
    date = m.date.replace("-", "/")
    ld = {"@context": "https://schema.org", "@type": "CreativeWork", "name": t(m.title),
          "author": {"@type": "Organization" if m.issuer else "Person", "name": t(m.author)},
          "dateCreated": m.date, "inLanguage": SCRIPTS[lang], "url": url,
          "isPartOf": {"@type": "Collection", "name": t(settings["site_name"]), "url": text_url(settings, "", variant_path).removesuffix("texts//")},
          "publisher": {"@type": "Organization", "name": t(settings["site_name"])}}
    jsonld = json.dumps(ld, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    esc = lambda s: html.escape(s, quote=True)  # noqa: E731
    return {"citation_title": esc(t(m.title)), "citation_author": esc(t(m.author)),
            "citation_publication_date": esc(date), "citation_publisher": esc(t(settings["site_name"])),
            "citation_public_url": esc(url), "citation_language": esc(SCRIPTS[lang]), "citation_jsonld": jsonld}


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
    entries = render_entries(current_items(load_edition(HERE.parent.parent)))
    if "--update" in argv:
        _write_record(RENDERED, entries)
        print(f"{RENDERED.relative_to(HERE.parent.parent)}: {', '.join(f'{len(found)} texts in {lang}' for lang, found in entries.items())}")
        return 0
    print(json.dumps({lang: {i: e["text"] for i, e in found.items()} for lang, found in entries.items()},
                     ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
