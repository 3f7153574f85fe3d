"""I/O edge: write each variant's Markdown and renderer config, run MkDocs, publish `site/`.

The new site is built beside the old one and published only when every variant built, by one
atomic switch of the `site/` link, so a failed, concurrent or interrupted build never destroys
or half-replaces the last good `site/` (see `publish`).
"""

from __future__ import annotations

import ctypes
import dataclasses
import fcntl
import gc
import gzip
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from html import unescape
from pathlib import Path

import yaml

from build_tools.convert import Variant
from build_tools.errors import EditionError, EditionErrors
from build_tools.load import load_settings
from build_tools.parallels import clear_cache as clear_parallels_cache
from build_tools.pipeline import (Edition, check, mkdocs_config, offline_zip, rendered_variants,
                                  search_shard_pages, variant_url)
from build_tools.render import Page
from build_tools.renderers import JINJA_CACHE, Renderers
from build_tools.sitemap import MAX_URLS, split_sitemap

log = logging.getLogger("build_tools")


def write_pages(pages: Iterable[Page], out_dir: Path, remove_stale: bool = True) -> int:
    """Write pages, as they come, whose content changed (so live preview reloads only what
    changed) and remove stale files. Returns how many files were written."""
    wanted: set[Path] = set()
    written = 0
    for page in pages:
        path = out_dir / page.path
        wanted.add(path)
        if not path.exists() or path.read_text(encoding="utf-8") != page.content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page.content, encoding="utf-8")
            written += 1
    if remove_stale and out_dir.exists():
        for path in out_dir.rglob("*"):
            if path.is_file() and path not in wanted:
                path.unlink()
    return written


def move_files(source: Path, target: Path) -> None:
    """Every file under `source` to the same place under `target` (same file system: renames)."""
    for path in sorted(source.rglob("*")):
        if path.is_file():
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, dest)


def release_memory() -> None:
    """Hand back to the system what the pipeline freed (the rendering's working copies; at the
    end, the Edition, most of a GB for an archive): the C allocator trims its heap."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused, just not returned
        pass


def config_path(edition: Edition, code: str) -> Path:
    return edition.root / "build" / f"mkdocs.{code}.yml"


def write_variants(edition: Edition, timings: dict[str, float] | None = None,
                   with_search_shards: bool = True) -> Iterator[Variant]:
    """Pipeline output, one variant at a time: build/md/<code>/ and build/mkdocs.<code>.yml,
    yielding each variant as soon as it is on disk (so its MkDocs build can start)."""
    by_code = {v.code: v for v in edition.variants}
    for code, pages in rendered_variants(edition, timings, with_search_shards):  # written as they are made
        made_before, started = sum((timings or {}).values()), time.perf_counter()
        write_pages(pages, edition.root / "build" / "md" / code)
        writing = time.perf_counter() - started - (sum((timings or {}).values()) - made_before)  # less the making
        started = time.perf_counter()
        text = yaml.safe_dump(mkdocs_config(edition, by_code[code]), allow_unicode=True, sort_keys=False)
        path = config_path(edition, code)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        if timings is not None:
            timings["write"] = timings.get("write", 0.0) + writing + time.perf_counter() - started
        yield by_code[code]


def write_markdown(edition: Edition, timings: dict[str, float] | None = None) -> None:
    for _ in write_variants(edition, timings):
        pass


def reproducible_epoch(root: Path) -> str:
    """Fixed build time (last commit) so two builds of the same inputs are byte-identical."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                             check=True).stdout.strip()
        return out or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


def build_site(edition: Edition, site_dir: Path, renderers: Renderers | None = None) -> None:
    """Pipeline, MkDocs and the offline zip, overlapped: each variant's MkDocs build starts as
    soon as its Markdown is written (while the pipeline renders the next), and the zip takes in
    each variant as soon as it is built. `renderers`: MkDocs workers started earlier (see
    renderers.py); by default, started here."""
    from mkdocs.exceptions import MkDocsException

    os.environ.setdefault("SOURCE_DATE_EPOCH", reproducible_epoch(edition.root))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    root = edition.root
    cache = str(root / "build" / JINJA_CACHE)
    with publishing_lock(site_dir), (nullcontext(renderers) if renderers else Renderers(len(edition.variants))) as pool:
        staging = new_build_dir(site_dir)
        zip_at, in_site = offline_zip(edition)
        target = staging / zip_at if in_site else offline_artifact(edition)
        zip_draft = staging.with_name(f"{staging.name}.zip")
        index_dir = staging.with_name(f"{staging.name}.search")
        urls = {v.code: variant_url(edition.settings, v) for v in edition.variants}
        edition_url = edition.settings["site_url"]
        builds = []
        try:
            for variant in write_variants(edition, with_search_shards=False):
                built = staging.with_name(f"{staging.name}.{variant.code}")
                builds.append((variant, built, pool.submit((str(config_path(edition, variant.code)), str(built), cache))))
            # While MkDocs runs: the checks (nothing is published unless they pass, and their
            # errors come before anything MkDocs could say), then the search index, written
            # beside the build as it is made (never all in memory), moved into the site below.
            release_memory()  # the other script's texts and the search units, while MkDocs grows
            check(edition)
            # The index reads the texts, the glossary and the notes: every glossary hit, the
            # parallels and their detection's cache go back before it is built.
            edition = dataclasses.replace(edition, occurrences={}, parallels=())
            clear_parallels_cache()  # kept for the live preview, which does not come here
            release_memory()
            write_pages(search_shard_pages(edition), index_dir, remove_stale=False)
            del edition  # the pipeline is done: its memory goes back while MkDocs still runs
            release_memory()
            with OfflineZip(zip_draft, int(os.environ["SOURCE_DATE_EPOCH"])) as archive:
                for variant, built, pending in sorted(builds, key=lambda b: len(b[0].path)):  # canonical first
                    error = pending.result()
                    if error:
                        raise handwritten_link_errors(root, error) or MkDocsException(error)
                    place = staging / variant.path if variant.path else staging
                    if variant.path and (staging / variant.path.split("/")[0]).exists():
                        raise variant_path_taken(root, variant)
                    built.rename(place)
                    split_sitemap_file(place, urls[variant.code])
                    if variant.canonical:
                        move_files(index_dir, place)
                    # The sizes of all the files but the zip, not made yet; in the offline copy,
                    # which is the zip, the zip's link goes to the site's.
                    downloads = place / DOWNLOADS_PAGE
                    label_download_sizes(downloads, staging, {})
                    archive.add_tree(place, staging, {downloads: linking_online(
                        downloads, staging, target, edition_url + zip_at)} if in_site else {})
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(zip_draft, target)
            for variant, _, _ in builds:
                label_download_sizes(staging / variant.path / DOWNLOADS_PAGE, staging, {zip_at: target})
        except BaseException:
            pool.stop()  # a build of input that failed its checks could run for minutes
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            for _, built, _ in builds:
                shutil.rmtree(built, ignore_errors=True)
            zip_draft.unlink(missing_ok=True)
            shutil.rmtree(index_dir, ignore_errors=True)
        publish(staging, site_dir)


# MkDocs' words (1.6) for a link it cannot follow, with validation.links and .anchors at "warn"
BROKEN_LINK = re.compile(r"Doc file '(?P<page>[^']+)' contains a link '(?P<link>[^']+)', but (?:(?P<page_missing>"
                         r"the target (?:'[^']*' )?is not found among documentation files)|the doc '[^']+' does "
                         r"not contain an anchor '[^']+'|there is no such anchor on this page)")


def variant_path_taken(root: Path, variant: Variant) -> EditionError:
    """A variant's folder that the canonical site already uses (texts/, assets/…) would mix the
    two scripts' files: name the setting, not the rename that fails."""
    settings = load_settings(root)
    at = next(i for i, v in enumerate(settings.data["variants"]) if v["code"] == variant.code)
    taken = variant.path.split("/")[0]
    return EditionError(settings.path, settings.line_of(("variants", at, "path")),
                        f"版本“{variant.code}”的文件夹“{taken}”已被网站本身使用 "
                        f"(variant '{variant.code}': the folder '{taken}' is already used by the site itself)",
                        "换一个文件夹名，如 zh-Hant (choose another folder name, such as zh-Hant)")


def handwritten_link_errors(root: Path, mkdocs_error: str) -> EditionErrors | None:
    """A hand-written page's broken link, as MkDocs reported it, at its own line in docs/ (the
    links of generated pages are the tool's, and stay MkDocs' own words)."""
    found = []
    for m in BROKEN_LINK.finditer(mkdocs_error):
        path = root / "docs" / m["page"]
        if not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        line = next((n for n, text in enumerate(lines, 1) if f"]({m['link']}" in text), None)
        what = "不存在的页面 (a page that does not exist)" if m["page_missing"] else "页面上不存在的锚点 (an anchor the page does not have)"
        found.append(EditionError(path, line, f"链接“{m['link']}”指向{what}",
                                  "改正链接：手写页面写 about.md、editorial.md#principles 之类，文本写 texts/<标识>/index.md#p<段号> "
                                  "(link a page by its file, e.g. editorial.md#principles or texts/<slug>/index.md#p3)"))
    return EditionErrors(found) if found else None


DOWNLOADS_PAGE = "downloads.html"
ARTICLE_LINK = re.compile(r'<a [^>]*href="([^"#?]+)"[^>]*>.*?</a>(<span class="file-size">)?', re.S)


def label_download_sizes(page: Path, site: Path, elsewhere: dict[str, Path]) -> None:
    """After each file a built page's article links (not a page), its size: a reader on a phone
    sees what a tap downloads. `elsewhere`: addresses of files published outside the site (an
    archive's offline zip, a release asset) -> the file. A link already labelled is left as it is,
    so a page labelled before the zip existed gets only the zip's size."""
    def sized(link: re.Match, path: Path) -> str:
        if link.group(2) or not path.is_file() or path.suffix == ".html":
            return link.group(0)
        return f'{link.group(0)}<span class="file-size">（{file_size(path.stat().st_size)}）</span>'

    page.write_text(edit_file_links(page, site, elsewhere, sized), encoding="utf-8")


def linking_online(page: Path, site: Path, file: Path, url: str) -> str:
    """The page with its links to `file` (in the site, left out of the offline copy) going to `url`."""
    def online(link: re.Match, path: Path) -> str:
        return link.group(0).replace(f'href="{link.group(1)}"', f'href="{url}"', 1) if path == file.resolve() else link.group(0)

    return edit_file_links(page, site, {}, online)


def edit_file_links(page: Path, site: Path, elsewhere: dict[str, Path], edit) -> str:
    """The page's HTML with `edit(link, file)` made of each link of its article to a file (in the
    site, or named in `elsewhere`), whether that file exists or not."""
    html = page.read_text(encoding="utf-8")
    start, end = html.find("<article"), html.find("</article>")

    def edited(link: re.Match) -> str:
        href = unescape(link.group(1))
        if href in elsewhere:
            return edit(link, elsewhere[href])
        if "://" in href or href.startswith(("/", "mailto:")):
            return link.group(0)
        path = (page.parent / href).resolve()
        return edit(link, path) if site.resolve() in path.parents else link.group(0)

    return html[:start] + ARTICLE_LINK.sub(edited, html[start:end]) + html[end:]


def file_size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


def split_sitemap_file(folder: Path, base_url: str) -> None:
    """MkDocs' sitemap.xml (and its .gz) in `folder` as an index of parts, when past the
    protocol's limits (sitemap.py)."""
    files = split_sitemap((folder / "sitemap.xml").read_text(encoding="utf-8"), base_url, MAX_URLS)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if files:  # the .gz MkDocs writes beside it: the index too, stamped as MkDocs stamps it
        (folder / "sitemap.xml.gz").write_bytes(gzip.compress(files["sitemap.xml"].encode(),
                                                              mtime=int(os.environ["SOURCE_DATE_EPOCH"])))


# Publishing. `site/` is a symlink to one complete build in `.site.builds/`; a new build is made
# in a fresh folder there and published by replacing the link with os.replace (one atomic
# rename), so at every instant `site/` is a whole site, old or new. GitHub's
# upload-pages-artifact archives with `tar --dereference --directory site/`, and the offline zip
# is written inside the build, so neither sees the link. A lock file serialises builds.

def builds_dir(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}.builds")


@contextmanager
def publishing_lock(site_dir: Path):
    """Hold `.site.lock` for the whole build: a second build waits, and says so."""
    lock_path = site_dir.with_name(f".{site_dir.name}.lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")
    except OSError as err:
        raise EditionError(site_dir, None, f"无法创建构建锁 {lock_path} (cannot create the build lock {lock_path} ({err.strerror}))",
                           "构建到一个可写的文件夹（--site-dir），或修改它的权限 "
                           "(build into a folder you can write (--site-dir), or fix its permissions)") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another build is publishing %s (lock %s): waiting for it to finish", site_dir, lock_path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            recover(site_dir)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(site_dir: Path) -> None:
    """Remove what an interrupted build left behind (never the published site): the
    site.new/site.old of earlier versions and builds that were never published."""
    live = site_dir.resolve() if site_dir.is_symlink() else None
    new, old = site_dir.with_name(site_dir.name + ".new"), site_dir.with_name(site_dir.name + ".old")
    if old.is_dir() and not site_dir.exists() and not site_dir.is_symlink():
        old.rename(site_dir)  # a swap of the old kind stopped between its two renames: put the site back
    _remove(new)
    _remove(old)
    folder = builds_dir(site_dir)
    if folder.is_dir():
        for build in folder.iterdir():
            if build.resolve() != live:
                _remove(build)


def new_build_dir(site_dir: Path) -> Path:
    if site_dir.exists() and not site_dir.is_dir():
        raise EditionError(site_dir, None, "已存在，但不是文件夹 (exists and is not a folder)",
                           "把那个文件移走，或用 --site-dir 指定别处 (move that file away or pass --site-dir)")
    folder = builds_dir(site_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="build-", dir=folder))
    except OSError as err:
        raise EditionError(site_dir, None, f"无法在旁边的 {folder} 中写入新网站 "
                           f"(cannot write the new site beside it in {folder} ({err.strerror}))",
                           "让那个文件夹可写，或用 --site-dir 构建到别处；原有网站没有改动 "
                           "(make that folder writable or build elsewhere with --site-dir; the previous site is "
                           "unchanged)") from None


def publish(build: Path, site_dir: Path) -> None:
    """Point `site_dir` at `build` in one atomic step, then delete the previous build."""
    previous = site_dir.resolve() if site_dir.is_symlink() else None
    link = build.with_suffix(".link")
    try:
        os.symlink(os.path.relpath(build, site_dir.parent), link)
        if site_dir.is_dir() and not site_dir.is_symlink():
            # A real folder from an older version of this tool: keep it as the "previous build"
            # (one rename; from then on every publish is atomic).
            previous = build.parent / "previous-folder"
            _remove(previous)
            site_dir.rename(previous)
        os.replace(link, site_dir)
    except OSError as err:
        _remove(link)
        _remove(build)
        raise EditionError(site_dir, None, f"无法发布新网站 (cannot publish the new site ({err.strerror}))",
                           "让 site/ 所在的文件夹可写；原有网站没有改动 "
                           "(make the folder holding site/ writable; the previous site is unchanged)") from None
    if previous and previous != build.resolve():
        _remove(previous)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def offline_artifact(edition: Edition) -> Path:
    """The offline zip of an archive too large to carry it in site/: to publish as a release asset."""
    return edition.root / "build" / "offline" / f"{edition.settings['offline_name']}-offline.zip"


class OfflineZip:
    """The whole site as one zip to read offline, written a folder at a time as the variants are
    built; byte-identical for the same inputs (fixed dates and modes, files in sorted order
    within each folder, the canonical variant first)."""

    def __init__(self, target: Path, epoch: int):
        self.stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip cannot store dates before 1980
        # Level 3: at 1,000 texts 3.8 s of CPU against level 6's 8.3 s, for a zip 6% larger (70 MB
        # against 66 MB); the traditional half of it is the last step of a build.
        self.archive = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)
        self.level = 3  # given to each writestr: a ZipInfo entry ignores the archive's compresslevel

    def add_tree(self, folder: Path, site_dir: Path, replaced: dict[Path, str] | None = None) -> None:
        """Every file under `folder` (a variant, added before any variant placed inside it),
        named by its path in `site_dir`; `replaced`: files whose text the zip holds instead."""
        replaced = replaced or {}
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(site_dir).as_posix(), date_time=self.stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            text = replaced.get(path)
            self.archive.writestr(info, path.read_bytes() if text is None else text.encode("utf-8"),
                                  compresslevel=self.level)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.archive.close()
