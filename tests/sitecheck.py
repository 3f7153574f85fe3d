"""Helpers that read the built site as a reader's browser would."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup


@cache
def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@cache
def ids(path: Path) -> frozenset[str]:
    return frozenset(el["id"] for el in soup(path).find_all(id=True))


def html_pages(site: Path) -> list[Path]:
    """Every page of a built site (never none: a test looping over them would check nothing)."""
    pages = sorted(site.rglob("*.html"))
    assert pages, f"no pages in {site}"
    return pages


def broken_links(site: Path, url_prefix: str = "/") -> list[str]:
    """Every internal href/src that points at a missing file or a missing #anchor. Absolute
    paths (used by 404.html) are resolved below `url_prefix`, the path of site_url."""
    problems = []
    for page in html_pages(site):
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for el in soup(page).find_all(tag):
                url = el.get(attr)
                if not url or url.startswith(("mailto:", "javascript:", "data:")):
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    continue  # external: counted separately, must not exist
                path = unquote(parts.path)
                if path.startswith(url_prefix):
                    target = site / path[len(url_prefix):]
                elif path.startswith("/"):
                    problems.append(f"{page.relative_to(site)}: {url} -> outside the site")
                    continue
                else:
                    target = (page.parent / path).resolve() if path else page
                    if path and not target.is_relative_to(site.resolve()):  # file:// and the zip have nothing above
                        problems.append(f"{page.relative_to(site)}: {url} -> outside the site")
                        continue
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    problems.append(f"{page.relative_to(site)}: {url} -> missing file")
                elif parts.fragment and target.suffix == ".html":
                    if unquote(parts.fragment) not in ids(target):
                        problems.append(f"{page.relative_to(site)}: {url} -> missing anchor")
    return problems


def external_references(site: Path) -> list[str]:
    """Resources a page would load from outside the site (scripts, styles, images, fonts)."""
    found = []
    for page in html_pages(site):
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src")):
            for el in soup(page).find_all(tag):
                url = el.get(attr) or ""
                if tag == "link" and "stylesheet" not in (el.get("rel") or []) and "preload" not in (el.get("rel") or []):
                    continue
                if urlsplit(url).scheme in ("http", "https") or url.startswith("//"):
                    found.append(f"{page.relative_to(site)}: {url}")
    return found


def block_texts(page: Path) -> list[tuple[str, str]]:
    """(id or role, text) of every rendered block of a text page, in reading order, with
    editorial corrections reverted to the raw wording."""
    out = []
    content = soup(page).select_one("article")
    for el in content.select("h1.doc-title, p.apparatus, h2[id], h3[id], p.para"):
        if el.name in ("h2", "h3") and not re.fullmatch(r"s\d+", el["id"]):
            continue  # the edition's own headings (notes…), not the text's
        el = BeautifulSoup(str(el), "html.parser").find()  # a copy we may edit
        for num in el.select("a.pnum, a.headerlink, a.note-ref"):
            num.decompose()
        for corr in el.select("span.corr"):
            corr.replace_with(corr["data-original"])
        out.append((el.get("id") or " ".join(el.get("class", [])), el.get_text()))
    return out
