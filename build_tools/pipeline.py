"""Wires the pure stages together: load -> segment -> convert -> render, per variant.

No MkDocs here: the result is a list of pages (path, text) per variant plus the renderer
settings for each variant, which `site` writes and hands to MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from build_tools import manifest
from build_tools.convert import ConversionRules, Variant, convert_document, converter, load_rules, load_variants
from build_tools.load import load_texts
from build_tools.model import Document
from build_tools.render import Page, display_date, render_editorial, render_home, render_text_page, text_page_path
from build_tools.segment import segment
from build_tools.yamlio import load_yaml

PAGE_INTROS = {"home.md": "index.md", "editorial.md": "editorial.md"}  # intro file -> generated page


@dataclass(frozen=True)
class Edition:
    root: Path
    settings: dict
    variants: tuple[Variant, ...]
    docs: tuple[Document, ...]  # canonical script, in date order
    conversion: ConversionRules

    @property
    def source_dir(self) -> Path:
        return self.root / "source_texts"

    @property
    def manifest_path(self) -> Path:
        return self.root / "anchors.manifest.json"


def load_edition(root: Path) -> Edition:
    settings = load_yaml(root / "edition.yml").data
    source_dir = root / "source_texts"
    docs = tuple(segment(spec) for spec in load_texts(source_dir))
    return Edition(root=root, settings=settings, variants=load_variants(settings), docs=docs,
                   conversion=load_rules(source_dir / "conversion.yml"))


def check(edition: Edition) -> None:
    """Everything that can fail on editorial input, short of rendering."""
    manifest.check(edition.manifest_path, list(edition.docs))


def render_variant(edition: Edition, variant: Variant) -> list[Page]:
    t = converter(variant, edition.conversion.overrides)
    docs = [convert_document(d, t) for d in edition.docs] if not variant.canonical else list(edition.docs)
    pages = [Page(text_page_path(d.meta.slug), render_text_page(d, t)) for d in docs]
    handwritten = edition.root / "docs"
    for path in sorted(p for p in handwritten.rglob("*") if p.is_file()):
        rel = path.relative_to(handwritten).as_posix()
        content = path.read_text(encoding="utf-8")
        if rel in PAGE_INTROS:
            render = render_home if rel == "home.md" else render_editorial
            pages.append(Page(PAGE_INTROS[rel], render(docs, t(content), t)))
        else:
            pages.append(Page(rel, t(content) if rel.endswith(".md") else content))
    return pages


def mkdocs_config(edition: Edition, variant: Variant) -> dict:
    """The per-variant renderer settings that INHERIT the thin base mkdocs.yml."""
    root = edition.root
    t = converter(variant, edition.conversion.overrides)
    up = "../" * len([p for p in variant.path.split("/") if p])
    return {
        "INHERIT": str(root / "mkdocs.yml"),
        "site_name": t(edition.settings["site_name"]),
        "site_url": edition.settings["site_url"] + (variant.path + "/" if variant.path else ""),
        "docs_dir": str(root / "build" / "md" / variant.code),
        "theme": {"language": variant.theme_language, "custom_dir": str(root / "overrides")},
        "extra": {"variant": variant.code,
                  "alternate": [{"name": v.label, "lang": v.code, "current": v == variant,
                                 "link": up + (v.path + "/" if v.path else "")} for v in edition.variants]},
        "nav": [{t("首页"): "index.md"},
                {t("文献"): [{f"{display_date(d.meta.date)} {t(d.meta.short_title)}": text_page_path(d.meta.slug)}
                            for d in edition.docs]},
                {t("编辑说明"): "editorial.md"},
                {t("关于本版"): "about.md"}],
    }
