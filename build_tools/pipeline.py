"""Wires the pure stages together: load -> segment -> enrich -> convert -> render, per variant.

No MkDocs here: the result is a list of pages (path, text) per variant plus the renderer
settings for each variant, which `site` writes and hands to MkDocs.
"""

from __future__ import annotations

import itertools
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from build_tools import evidence, manifest, references
from build_tools.audit import check_conversion_quotes
from build_tools.annotate import Note, annotation_path, attach, load_notes
from build_tools.convert import (ConversionRules, Variant, convert_document, converter, keeping_tagged_script, load_rules,
                                 load_variants)
from build_tools.counts import edition_facts, fill, year_span
from build_tools.enrich import Glossary, Hit, hits_by_text, link, load_glossary
from build_tools.errors import EditionError, EditionErrors
from build_tools.export import citations
from build_tools.export.tei import tei_document
from build_tools.load import handwritten_files, load_settings, load_texts
from build_tools.model import Document
from build_tools.newtext import open_reviews
from build_tools.render import (Apparatus, Page, attr_escape, catalogue_pages, catalogue_path, catalogued_by_month,
                                display_date, month_catalogue, render_editorial, render_home, render_text_page,
                                text_page_path, with_front_matter)
from build_tools.render_glossary import (INDEX_PAGES, counts_per_text, edit_footer, glossary_pages, term_links,
                                        terms_panel)
from build_tools.parallels import Parallel, by_text, detect
from build_tools.parallels import attach as attach_parallels
from build_tools.parallels import to_json as parallels_json
from build_tools.render_notes import note_numbers, notes_section, web_annotations
from build_tools.render_parallels import marker_labels, parallels_pages, parallels_section, render_parallels_page
from build_tools.safety import DOCS_ALLOWED, docs_page_reason, page_reason, unsafe_reason
from build_tools.schema import validate_files
from build_tools.search import (characters, fold_map, single_characters, standing_for_themselves, term_shard_count, term_shards, units,
                                 variant_index)
from build_tools.segment import segment_all
from build_tools.wording import problems
from build_tools.yamlio import project_files, read_text

PAGE_INTROS = {"home.md": "index.md", "editorial.md": "editorial.md"}  # intro file -> generated page
SITE_DESCRIPTION = "{years}年“创先争优”活动文献的整理本：分段编号、注释、术语表、互见文句与全文检索，简体、繁体两种文本"
# The theme's light and dark schemes (theme.css overrides their colours); each toggle's name is
# its tooltip and accessible label, converted for each script.
PALETTE = (("(prefers-color-scheme: light)", "default", "material/weather-night", "夜间模式"),
           ("(prefers-color-scheme: dark)", "slate", "material/weather-sunny", "日间模式"))
NAV_GROUP_OVER = 40  # more texts than this in one sidebar list: group them by year, then by month


@dataclass(frozen=True)
class Edition:
    root: Path
    settings: dict
    variants: tuple[Variant, ...]
    docs: tuple[Document, ...]  # canonical script, in date order, enriched with glossary links
    conversion: ConversionRules
    glossary: Glossary
    occurrences: dict[str, list[Hit]]  # entry id -> every occurrence (offsets valid in every script)
    notes: dict[str, tuple[Note, ...]]  # slug -> editorial notes in reading order
    parallels: tuple[Parallel, ...]  # passages shared between texts
    references: dict[str, evidence.Reference] = field(default_factory=dict)  # label -> public source (references.yml)

    @property
    def source_dir(self) -> Path:
        return self.root / "source_texts"

    @property
    def manifest_path(self) -> Path:
        return self.root / "anchors.manifest.json"

    def parallels_of(self, slug: str) -> tuple[Parallel, ...]:
        return self._parallels_by_text.get(slug, ())

    @cached_property
    def _parallels_by_text(self) -> dict[str, tuple[Parallel, ...]]:
        return by_text(self.parallels)


@contextmanager
def timed(timings: dict[str, float] | None, stage: str):
    """Add the wall time of a stage to `timings` (the benchmark's view of the pipeline)."""
    started = time.perf_counter()
    yield
    if timings is not None:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def load_edition(root: Path, timings: dict[str, float] | None = None, drafts: bool = False) -> Edition:
    """`drafts`: a new text's lines still marked # REVIEW are not reported with other errors (the
    live preview, where the editor works through them)."""
    settings = load_settings(root).data
    source_dir = root / "source_texts"

    def reviews() -> list[EditionError]:  # read only when something else has failed
        return [] if drafts else open_reviews(source_dir)
    with timed(timings, "load"):
        for folder in ("source_texts", "docs", "overrides"):
            project_files(root / folder)  # refuses a symlink leading out of the editorial folders
        try:
            specs = load_texts(source_dir)
        except EditionError as err:  # report a draft's lines to review, the glossary's and notes' form errors in the same run
            others = [(source_dir / "glossary.yml", "glossary.schema.json")] + \
                     [(p, "annotation.schema.json") for p in sorted((source_dir / "annotations").glob("*.yml"))]
            raise EditionErrors(reviews() + problems(err) + validate_files([f for f in others if f[0].exists()])) from None
    with timed(timings, "segment"):
        try:
            docs = segment_all(specs)
        except EditionErrors as err:  # a new draft's lines still to review belong to the same pass
            raise EditionErrors(reviews() + err.errors) from None
        docs = manifest.with_id_changes(root / "anchors.manifest.json", docs)
    with timed(timings, "enrich"):
        glossary, found = load_glossary(source_dir / "glossary.yml", docs)
        policy = settings.get("glossary", {}).get("link", "first-per-paragraph")
        try:
            notes = load_notes(source_dir, docs)
        except EditionError as err:
            raise manifest.with_anchor_errors(err, root / "anchors.manifest.json", list(docs),
                                              references.scan(root)) from None
        parallels = detect(docs, formulae=tuple(f for e in glossary.entries for f in e.forms))
        hits, mine = hits_by_text(found), by_text(parallels)
        enriched = tuple(attach_parallels(attach(link(d, hits[d.meta.slug], policy), notes[d.meta.slug]),
                                          mine.get(d.meta.slug, ())) for d in docs)
    variants = load_variants(settings)
    return Edition(root=root, settings=settings, variants=variants, docs=enriched,
                   conversion=load_rules(source_dir / "conversion.yml", variants), glossary=glossary,
                   occurrences=found, notes=notes, parallels=tuple(parallels),
                   references=evidence.load_references(source_dir))


def check(edition: Edition, drafts: bool = False) -> None:
    """Everything that can fail on editorial input, short of rendering. `drafts`: a new text's
    guesses still marked # REVIEW pass (the live preview, where the editor reviews them)."""
    reviews = [] if drafts else open_reviews(edition.source_dir)
    try:
        manifest.check(edition.manifest_path, list(edition.docs), references.scan(edition.root))
    except EditionError as err:  # a new draft fails both: its marks first, then its ids
        raise EditionErrors(reviews + problems(err)) from None
    if reviews:
        raise EditionErrors(reviews)
    evidence.check(edition.source_dir, edition.docs)
    check_conversion_quotes(edition)
    check_final_markdown(edition)


IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}  # published as they are: they hold no script
ASSET_CODE = {".js", ".css"}  # the edition's own code, in docs/assets/ only


def check_handwritten_files(docs_dir: Path) -> None:
    """Hand-written pages are Markdown, checked as they render; any other file in docs/ is
    published byte for byte, so only images and the edition's own scripts and styles may be there."""
    for path in handwritten_files(docs_dir):
        suffix = path.suffix.lower()
        if suffix == ".md" or suffix in IMAGES or suffix in ASSET_CODE and path.parent == docs_dir / "assets":
            continue
        raise EditionError(path, None, "docs/ 中的这个文件会原样发布（HTML、SVG 里的脚本会在本站运行） "
                                       "(this file would be published as it is; a script in HTML or SVG would run on the site)",
                           "页面写成 Markdown（.md）；图片用 PNG、JPEG、GIF 或 WebP；样式和脚本只放在 docs/assets/ "
                           "(write pages as Markdown; images as PNG, JPEG, GIF or WebP; styles and scripts only in docs/assets/)")


def check_final_markdown(edition: Edition, notes_of: set[str] | None = None) -> None:
    """Contributed Markdown as it is rendered: in every script (after conversion with the
    overrides) and together with the fields that share its page. `notes_of`: check only the
    notes of these texts (the live preview after a note edit; the rest was checked before)."""
    glossary_path = edition.source_dir / "glossary.yml"
    if notes_of is None:
        check_handwritten_files(edition.root / "docs")
    for variant in edition.variants:
        t = converter(variant, edition.conversion.overrides)
        pages = [[(n.path, n.line, t(n.body)) for n in notes] for slug, notes in edition.notes.items()
                 if notes_of is None or slug in notes_of]
        if notes_of is None:
            pages += [[(glossary_path, e.line, t(e.explanation))] for e in edition.glossary.entries]
        for fields in pages:
            reason = page_reason([text for _, _, text in fields])
            if reason:
                path, line, _ = next((f for f in fields if unsafe_reason(f[2])), fields[0])
                raise EditionError(path, line, f"{variant.code} 版所在页面上的 Markdown {reason}",
                                   "写普通 Markdown：文字、强调、列表和行内 http(s) 链接 "
                                   "(write plain Markdown: text, emphasis, lists and inline http(s) links)")
        for path in handwritten_files(edition.root / "docs") if notes_of is None else ():
            found = docs_page_reason(t(read_text(path))) if path.suffix == ".md" else None
            if found:
                tags = "、".join(f"<{tag}>" for tag in sorted(DOCS_ALLOWED))
                raise EditionError(path, found[0], f"{variant.code} 版：{found[1]}",
                                   f"手写页面用 Markdown；HTML 只能用 {tags}，且不带事件属性和脚本 "
                                   f"(hand-written pages are Markdown; HTML only as {tags}, without event attributes or scripts)")


def render_all(edition: Edition, timings: dict[str, float] | None = None) -> dict[str, list[Page]]:
    """Every variant's pages."""
    return {code: list(pages) for code, pages in rendered_variants(edition, timings)}


def rendered_variants(edition: Edition, timings: dict[str, float] | None = None,
                      with_search_shards: bool = True) -> Iterator[tuple[str, Iterator[Page]]]:
    """(variant code, its pages as they are made), one variant at a time, so that a caller writing
    them holds one page at a time. Each variant's Documents are converted once; the search fold map
    needs all variants, so it is built between conversion and rendering. The search index's
    term shards (under the canonical root, shared by the variants) come with the canonical
    pages, unless `with_search_shards` is False: `make site` writes them itself, while MkDocs runs."""
    converted = {}
    cites = citations.renderings(edition)  # citeproc-js, only for what no record holds yet
    for variant in edition.variants:
        t = converter(variant, edition.conversion.overrides)
        with timed(timings, "convert"):
            docs = list(edition.docs) if variant.canonical else [convert_document(d, t) for d in edition.docs]
        with timed(timings, "render"):
            converted[variant.code] = (t, docs, units(list(edition.docs), docs, edition.glossary, edition.notes, t))
    with timed(timings, "render"):
        canonical = next(v for v in edition.variants if v.canonical)
        present = characters(converted[canonical.code][2])
        fold = fold_map([u for _, _, u in converted.values()], present)
        shard_count = term_shard_count(converted[canonical.code][2])
        also = standing_for_themselves(fold, present)
        tei = timed_pages(timings, "render", tei_pages(edition, edition.docs))  # made as written
        shared = [annotations_page(edition),
                  Page("schemas/annotation.schema.json",
                       (edition.root / "schemas" / "annotation.schema.json").read_text(encoding="utf-8"))]
    for v in edition.variants:
        pages = timed_pages(timings, "render", _render_variant(edition, v, *converted.pop(v.code), fold, also, shard_count,
                                                                cites[citations.LANGS[v.canonical]]))
        pages = itertools.chain(pages, *([shared, tei] if v.canonical else []))
        if v.canonical and with_search_shards:
            pages = itertools.chain(pages, search_shard_pages(edition, timings))
        yield v.code, pages


def timed_pages(timings: dict[str, float] | None, stage: str, pages: Iterator[Page]) -> Iterator[Page]:
    """`pages` as they are made, the time spent making them added to `stage`."""
    while True:
        with timed(timings, stage):
            page = next(pages, None)
        if page is None:
            return
        yield page


def tei_pages(edition: Edition, docs) -> Iterator[Page]:
    """The TEI of the canonical text (the other script derives from it): published once, at the
    site root, and linked from both scripts' pages. One at a time: an archive's TEI is about 200 MB."""
    categories = {e.id: e.category for e in edition.glossary.entries}
    return (Page(f"tei/{d.meta.slug}.xml", tei_document(d, edition.settings, categories, edition.notes[d.meta.slug],
                                                         edition.parallels_of(d.meta.slug), edition.references))
            for d in docs)


def annotations_page(edition: Edition, reuse: dict | None = None) -> Page:
    """Every note as one W3C Web Annotation collection, both scripts in each note's body:
    published once, at the canonical root its `id` names, and linked from every variant;
    `reuse`: see render_notes.web_annotations."""
    hant = converter(next(v for v in edition.variants if not v.canonical), edition.conversion.overrides)
    return Page("annotations.jsonld", web_annotations(edition.notes, edition.settings["site_url"], hant, reuse,
                                                      edition.references))


def search_shard_pages(edition: Edition, timings: dict[str, float] | None = None) -> Iterator[Page]:
    """The search index's term shards, built from the canonical text (both variants read them),
    one at a time: an archive's index is hundreds of MB, never all held."""
    def pages() -> Iterator[Page]:
        canonical_units = units(list(edition.docs), list(edition.docs), edition.glossary, edition.notes, str)
        yield from (Page(path, text) for path, text in term_shards(canonical_units))

    return timed_pages(timings, "search", pages())


def _render_variant(edition: Edition, variant: Variant, t, docs: list[Document], search_units,
                    fold: dict[str, str], also: str, shard_count: int, cites: dict[str, dict]) -> Iterator[Page]:
    """A variant's pages, one at a time: an archive's pages are written as they are made, never
    all held at once."""
    by_slug = {d.meta.slug: d for d in docs}
    repo = edition.settings["repo_url"]
    text_pages = TextPages(edition, variant, t, by_slug, cites)
    yield from (text_pages.page(d) for d in docs)
    lang = citations.LANGS[variant.canonical]
    yield from (Page(path, text) for path, text in
                citations.download_pages(list(edition.docs), edition.settings, t, lang, variant.path))
    yield from glossary_pages(edition.glossary, edition.occurrences, docs, t,
                              edit_url=f"{repo}/edit/main/source_texts/glossary.yml", refs=edition.references)
    yield Page("parallels.md", render_parallels_page(list(edition.parallels), by_slug, t))
    yield from (Page(path, text) for path, text in parallels_pages(list(edition.parallels), by_slug, t))
    yield Page("parallels.json", parallels_json(list(edition.parallels), docs, variant_url(edition.settings, variant)))
    labels = {"note": t("注释"), "glossary": t("术语表"), "title": t("标题"), "found": t("“{q}”：共出现{c}次（{n}处），见于{m}页"),
              "none": t("“{q}”：没有找到"), "exact": t("检索逐字比对原文，标点和空格也算在内。"), "retry": t("改查“{q}”"), "foundIn": t("“{q}”在{f}中：共出现{c}次（{n}处），见于{m}页"),
              "searching": t("“{q}”：正在检索其余……"), "progress": t("检索进度"),
              "more": t("再显示下面的结果（还有{n}处）"), "morePages": t("再显示{n}页（还有{m}页）"),
              "restPages": t("再显示其余{m}页"), "inPage": t("{n}处"), "kinds": t("按类别筛选"), "all": t("全部"),
              "kind_text": t("正文"), "kind_title": t("标题"), "kind_glossary": t("术语"), "kind_note": t("注释"),
              "years": t("按年份筛选"), "allYears": t("所有年份"), "year": "{y}年",
              "noYear": t("术语表（不分年份）"), "noYearIn": t("术语表")}
    up = to_root(variant)
    unfold = None if variant.canonical else single_characters(fold, t)
    yield from (Page(path, text) for path, text in variant_index(search_units, fold, labels, shard_count, up, unfold, also))
    yield from handwritten_pages(edition, variant, t, docs)


class TextPages:
    """One variant's text pages, a text at a time (the live preview re-renders only the texts
    whose notes changed). `by_slug`: every text in the variant's script, by slug (a mapping that
    may convert on demand); `cites`: the variant's rendered citations (citations.renderings)."""

    def __init__(self, edition: Edition, variant: Variant, t, by_slug, cites: dict[str, dict], per_text=None):
        self.edition, self.variant, self.t, self.by_slug, self.cites = edition, variant, t, by_slug, cites
        self.links = term_links(edition.glossary, t, "texts/slug")
        self.per_text = per_text or counts_per_text(edition.occurrences)  # render_glossary.counts_per_text
        self.canonical = {d.meta.slug: d for d in edition.docs}  # citation metadata: converted once, from simplified
        self.root_up = "../../" + to_root(variant)  # a text page -> the site root

    def page(self, d: Document) -> Page:
        edition, variant, t, by_slug = self.edition, self.variant, self.t, self.by_slug
        lang = citations.LANGS[variant.canonical]
        notes = edition.notes[d.meta.slug]
        item = citations.csl_item(self.canonical[d.meta.slug], edition.settings, t, lang, variant.path)
        extra = (terms_panel(d, edition.glossary, self.per_text[d.meta.slug], t) + notes_section(d, notes, by_slug, t, edition.references)
                 + parallels_section(d, edition.parallels_of(d.meta.slug), by_slug, t)
                 + citations.cite_block(item, t, "../../", self.cites.get(d.meta.slug), self.root_up))
        edit = f"{edition.settings['repo_url']}/edit/main/{annotation_path(Path('source_texts'), d.meta.slug).as_posix()}"
        apparatus = Apparatus(self.links, note_numbers(notes), marker_labels(d, edition.parallels_of(d.meta.slug), by_slug))
        month = month_catalogue(d, len(edition.docs))
        page = render_text_page(d, t, apparatus, extra, edit_url=edit, month_page=month,
                                raw_url=citations.raw_text_url(edition.settings, d.meta.source_file))
        meta = citations.meta_fields(self.canonical[d.meta.slug], edition.settings, t, lang, variant.path)
        return Page(text_page_path(d.meta.slug), citations.add_front_matter(page, meta))


def handwritten_pages(edition: Edition, variant: Variant, t, docs) -> Iterator[Page]:
    """The pages of docs/ in one variant, their placeholders filled (counts.py); `docs`: the
    texts in the variant's script, in date order (the home and editorial pages list them)."""
    repo = edition.settings["repo_url"]
    up = to_root(variant)
    zip_at, in_site = offline_zip(edition)  # written by site.py after MkDocs
    offline_link = (f'<a href="{up}{zip_at}" download>{t("下载整个网站（zip），解压后打开 index.html 即可离线阅读")}</a>'
                    if in_site else
                    f'<a href="{zip_at}">{t("下载整个网站（zip，存放在本项目的版本发布页，因网站托管的容量有限），解压后打开 index.html 即可离线阅读")}</a>')
    handwritten = edition.root / "docs"
    prose = keeping_tagged_script(t)
    facts = {**edition_facts(list(edition.docs), edition.notes, len(edition.glossary.entries)),
             "offline_zip": offline_link, "root": up}  # root: to the canonical root, where the shared files are
    for path in handwritten_files(handwritten):
        rel = path.relative_to(handwritten).as_posix()
        content = read_text(path)
        if rel.endswith(".md"):
            content = fill(path, content, facts)
            if rel not in PAGE_INTROS and rel != "404.md":  # intro pages end in generated tables; 404 only leads back
                content += edit_footer(f"{repo}/edit/main/docs/{rel}", t("在 GitHub 上编辑本页"))
        if rel in PAGE_INTROS:
            render = render_home if rel == "home.md" else render_editorial
            yield Page(PAGE_INTROS[rel], render(docs, prose(content), t))
        else:
            yield Page(rel, with_front_matter(prose(content)) if rel.endswith(".md") else content)
    yield from (Page(path, text) for path, text in catalogue_pages(docs, t))


# The GitHub release whose asset is a large archive's offline zip: the offline-release job of
# .github/workflows/ci.yml replaces the asset on every deploy. A tag of its own, not "latest",
# so that versioned releases of the edition never take the link over.
OFFLINE_RELEASE = "offline"


def offline_zip(edition: Edition) -> tuple[str, bool]:
    """Where the offline copy lives: (its path in the site, True), or, for an archive past
    `offline_zip_in_site_up_to` texts (a zip of the whole site would push it past the static
    host's 1 GB), (the URL of the release asset it is published as, False)."""
    name = f"{edition.settings['offline_name']}-offline.zip"
    if len(edition.docs) <= edition.settings.get("offline_zip_in_site_up_to", len(edition.docs)):
        return f"downloads/{name}", True
    return f"{edition.settings['repo_url']}/releases/download/{OFFLINE_RELEASE}/{name}", False


def text_nav(docs, t, limit: int = NAV_GROUP_OVER, catalogued: bool = False) -> list[dict]:
    """The texts in the sidebar: one list for a small edition; for an archive, a group per year,
    split by month where a year is itself long, a long month by ten-day period (旬), a long
    period by day, and a long day into runs of `limit`. With navigation.prune each page then
    carries only its own group: at most about `limit` texts whatever the archive's size.
    `catalogued`: the archive has a catalogue page per month, listed first in its month's group,
    so that a month in the sidebar (pruned: a link to its group's first page) opens its list."""
    def entries(group) -> list[dict]:  # the theme prints nav titles raw: escaped here
        return [{f"{display_date(d.meta.date)} {attr_escape(t(d.meta.short_title))}": text_page_path(d.meta.slug)}
                for d in group]

    def by(group, part) -> list[tuple[str, list]]:  # in reading order
        parts: dict[str, list] = {}
        for d in group:
            parts.setdefault(part(d.meta.date), []).append(d)
        return list(parts.items())

    def period(day: str) -> str:
        return "" if not day else t("上旬") if int(day) <= 10 else t("中旬") if int(day) <= 20 else t("下旬")

    levels = [(lambda date: date[:4], lambda year: f"{year}年"),
              (lambda date: date[5:7], lambda month: f"{int(month)}月" if month else t("月份不详")),
              (lambda date: period(date[8:10]), lambda name: name or t("日期不详")),
              (lambda date: date[8:10], lambda day: f"{int(day)}日" if day else t("日期不详"))]

    def grouped(group, level: int) -> list[dict]:
        if len(group) <= limit and level > 0:
            return entries(group)
        if level == len(levels):
            runs = [(k + 1, min(k + limit, len(group))) for k in range(0, len(group), limit)]
            return [{t(f"第{a}—{b}篇" if b > a else f"第{a}篇"): entries(group[a - 1:b])} for a, b in runs]
        part, label = levels[level]
        parts = by(group, part)
        if len(parts) == 1 and level > 1:  # one period or one day: no group of its own
            return grouped(group, level + 1)
        def catalogue(key, members) -> list[dict]:
            if not (catalogued and level == 1):
                return []
            return [{t("本月目录" if key else "目录"): catalogue_path(members[0].meta.date[:7])}]

        return [{label(key): catalogue(key, members) + grouped(members, level + 1)} for key, members in parts]

    return entries(docs) if len(docs) <= limit else grouped(docs, 0)


def to_root(variant: Variant) -> str:
    """From a variant's root folder to the site's (the canonical variant's) root."""
    return "../" * len([p for p in variant.path.split("/") if p])


def variant_url(settings: dict, variant: Variant) -> str:
    """Where a variant is published, ending in /."""
    return settings["site_url"] + (variant.path + "/" if variant.path else "")


def mkdocs_config(edition: Edition, variant: Variant) -> dict:
    """The per-variant renderer settings that INHERIT the thin base mkdocs.yml."""
    root = edition.root
    t = converter(variant, edition.conversion.overrides)
    up = to_root(variant)
    site_url = variant_url(edition.settings, variant)
    return {  # the theme prints names, labels and nav titles raw (no autoescape): escaped here
        "INHERIT": str(root / "mkdocs.yml"),
        "site_name": attr_escape(t(edition.settings["site_name"])),
        "site_description": attr_escape(t(SITE_DESCRIPTION.format(years=year_span(list(edition.docs))))),
        "copyright": attr_escape(t("以 MkDocs 和 Material for MkDocs 生成")),
        "site_url": site_url,
        "docs_dir": str(root / "build" / "md" / variant.code),
        "theme": {"language": variant.theme_language, "custom_dir": str(root / "overrides"),
                  "palette": [{"media": media, "scheme": scheme, "primary": "red", "accent": "red",
                               "toggle": {"icon": icon, "name": attr_escape(t(name))}}
                              for media, scheme, icon, name in PALETTE]},
        "hooks": [str(Path(__file__).with_name("mkdocs_hooks.py"))],
        # `alternate: true` makes the theme include our switcher (overrides/partials/alternate.html)
        # but not its <link rel=alternate> list, for which its script fetches every variant's
        # sitemap.xml on every page (38 KB here, megabytes for an archive) to serve a switcher
        # edition.js replaces.
        # `scope`: the theme keeps the reader's light/dark choice under this path; one path for
        # both scripts, so the choice survives the script switcher (its default is each root).
        "extra": {"variant": attr_escape(variant.code), "alternate": True, "site_path": urlsplit(site_url).path,
                  "scope": urlsplit(edition.settings["site_url"]).path or "/",
                  "search_label": attr_escape(t("全文检索")), "switch_label": attr_escape(t("简体／繁体")),
                  "generator": False,  # the theme's English "Made with"
                  "variants": [{"name": attr_escape(v.label), "lang": attr_escape(v.code), "current": v == variant,
                                "link": up + (v.path + "/" if v.path else ""),
                                "url": attr_escape(variant_url(edition.settings, v))}
                               for v in edition.variants]},
        "nav": [{t("首页"): "index.md"},
                {t("文献"): text_nav(edition.docs, t, catalogued=catalogued_by_month(len(edition.docs)))},
                {t("术语与索引"): [{t("术语表"): "glossary/index.md"},
                                  *[{t(label): f"glossary/{name}.md"} for name, (_, label) in INDEX_PAGES.items()],
                                  {t("大事年表"): "timeline.md"},
                                  {t("互见文句"): "parallels.md"}]},
                {t("编辑说明"): "editorial.md"},
                {t("参与编辑"): "contributing.md"},
                {t("全文检索"): "search.md"},
                {t("下载"): "downloads.md"},
                {t("关于本版"): "about.md"}],
    }
