"""I/O edge: what static hosts accept of a built site, and the site laid out for GitLab Pages.

GitHub Pages publishes `site/` as it is: its deploy checks the compressed upload (`make bench`
measures it). GitLab Pages checks the unpacked artifact, at most 1 GB, and counts its entries,
folders too, at most 200,000; it does not compress on the fly, but serves `X.gz` in place of
`X`, with `Content-Encoding: gzip`, to a client that accepts gzip (gitlab-pages,
internal/serving/disk: the plain `X` must exist, its name gives the type, and a Range request
gets the plain file). `gitlab_pages` writes `public/` for that server:

- what only a browser reads (pages, scripts, styles) gets a gzip copy beside it, about a
  quarter of the bytes to send;
- when the unpacked site would not fit otherwise, some are kept compressed only, until it fits
  (see `plan`): their plain name holds a short note, in both scripts, for a client that does
  not accept gzip (`curl` without `--compressed`), linking the copy;
- what tools read (TEI, JSON, citations, sitemaps, downloads) stays plain, always.
"""

from __future__ import annotations

import dataclasses
import gzip
import html
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote

from build_tools.errors import EditionError

HOST_BYTES, HOST_ENTRIES = 1_000_000_000, 200_000
BROWSER_READ = (".html", ".js", ".css")


def site_files(site_dir: Path) -> Iterator[tuple[str, int]]:
    """Every file a Pages deploy uploads from `site_dir`: (path in the site, bytes)."""
    for folder, _dirs, names in os.walk(site_dir, followlinks=True):
        for name in names:
            path = Path(folder, name)
            yield path.relative_to(site_dir).as_posix(), path.stat().st_size


def folder_count(site_dir: Path) -> int:
    """Folders in the artifact, `site_dir` itself included (GitLab counts them as entries)."""
    return 1 + sum(len(dirs) for _folder, dirs, _names in os.walk(site_dir, followlinks=True))


def hosting_summary(site_dir: Path, max_bytes: int = HOST_BYTES, max_entries: int = HOST_ENTRIES) -> str:
    """The published site's size and file count, and what to do past GitLab Pages' limits."""
    sizes = [size for _path, size in site_files(site_dir)]
    total, files = sum(sizes), len(sizes)
    line = f"  {total / 1e6:,.1f} MB in {files:,} files"
    if total > max_bytes or files + folder_count(site_dir) > max_entries:
        line += (f": over GitLab Pages' limits on the unpacked site ({max_bytes / 1e6:,.0f} MB, {max_entries:,} "
                 "entries); `python -m build_tools gitlab-pages` lays it out to fit there. GitHub Pages checks "
                 "the compressed upload instead (`make bench` measures it)")
    return line


# --- the plan: pure, over sizes ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Candidate:
    """A file only browsers read: its bytes, its gzip copy's, and the note that would replace it.
    `shared`: loaded by every page (the theme's and the edition's scripts and styles)."""
    path: str
    plain: int
    packed: int
    note: int
    shared: bool = False


@dataclasses.dataclass(frozen=True)
class Layout:
    compressed_only: frozenset[str]   # the plain name holds the note; the copy holds the file
    copied: frozenset[str]            # the plain file and its gzip copy
    bytes: int
    entries: int


def plan(candidates: list[Candidate], site_bytes: int, site_entries: int,
         max_bytes: int = HOST_BYTES, max_entries: int = HOST_ENTRIES) -> Layout | None:
    """Which candidates are kept compressed only and which get a copy beside them; None when
    even every saving leaves the site too large.

    Past `max_bytes`, what a client without gzip would lose is kept small: files only scripts
    read (the search index's parts) are kept compressed only before pages, as many as the
    entries allow (each adds one), then pages, biggest saving first, until the site fits; the
    scripts and styles every page loads keep a copy unless only giving that up makes it fit.
    Then the rest get copies, biggest first, as many as still fit."""
    for reserve in (True, False):
        shared = [c for c in candidates if reserve and c.shared and c.packed < c.plain]
        start, entries = site_bytes + sum(c.packed for c in shared), site_entries + len(shared)
        savers = sorted((c for c in candidates if c not in shared and _saving(c) > 0), key=_saving, reverse=True)
        scripts = [c for c in savers if not c.path.endswith(".html")]
        fits = lambda k: _compressed_only(scripts[:k], savers, start, entries, max_bytes, max_entries)  # noqa: E731
        if fits(0) is None:
            continue
        low, high = 0, len(scripts)  # the most scripts first that still fits (fewer pages kept compressed only)
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if fits(mid) is not None else (low, mid - 1)
        only = fits(low)
        total = start - sum(_saving(c) for c in only)
        entries += len(only)
        copied = [c.path for c in shared]
        kept = {c.path for c in only} | set(copied)
        for c in sorted((c for c in candidates if c.path not in kept), key=lambda c: c.plain, reverse=True):
            if entries < max_entries and total + c.packed <= max_bytes and c.packed < c.plain:
                copied.append(c.path)
                total, entries = total + c.packed, entries + 1
        return Layout(frozenset(c.path for c in only), frozenset(copied), total, entries)
    return None


def _saving(c: Candidate) -> int:
    return c.plain - c.packed - c.note


def _compressed_only(first: list[Candidate], savers: list[Candidate], total: int, entries: int,
                     max_bytes: int, max_entries: int) -> list[Candidate] | None:
    """`first`, then the other savers in their order, each only while the site is still too
    large; None if they cannot bring it under both limits."""
    taken = {c.path for c in first}
    chosen = []
    for c in first + [c for c in savers if c.path not in taken]:
        if total <= max_bytes:
            break
        chosen.append(c)
        total -= _saving(c)
    return chosen if total <= max_bytes and entries + len(chosen) <= max_entries else None


def is_shared(path: str) -> bool:
    """A script or style every page loads: the assets, not the search index's parts."""
    folders = path.split("/")[:-1]
    return "assets" in folders[:2] and "search" not in folders and path.endswith((".js", ".css"))  # a variant's assets/ too


def note_for(path: str) -> bytes:
    """What a client that does not accept gzip gets in place of a file kept compressed only."""
    raw = path.rsplit("/", 1)[-1] + ".gz"  # a name the site holds, escaped all the same
    name, href = html.escape(raw), "./" + quote(raw)
    if path.endswith(".html"):
        return ('<!doctype html>\n<html lang="zh"><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
                '<meta name="color-scheme" content="light dark"><style>code{white-space:nowrap}</style>'
                '<title>压缩存放 壓縮存放</title>\n'
                f'<p lang="zh-Hans">此页只以 gzip 压缩存放：请用网页浏览器打开，或下载 <a href="{href}">{name}</a> 解压'
                '（命令行请加 <code>curl --compressed</code> 或 <code>wget --compression=auto</code>）。\n'
                f'<p lang="zh-Hant">此頁只以 gzip 壓縮存放：請用網頁瀏覽器開啟，或下載 <a href="{href}">{name}</a> 解壓'
                '（命令列請加 <code>curl --compressed</code> 或 <code>wget --compression=auto</code>）。\n').encode()
    raw = raw.replace("*/", "*_/")
    return f"/* 此文件只以 gzip 压缩存放，见 {raw}。此檔案只以 gzip 壓縮存放，見 {raw}。 */\n".encode()


# --- the layout on disk ------------------------------------------------------------------------

def _place(source: Path, target: Path) -> None:
    """A plain file as it is: linked when the file system allows (gigabytes, not copied)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _packed(source: Path, target: Path) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    data = gzip.compress(source.read_bytes(), 9, mtime=0)  # zlib releases the GIL: threads run in parallel
    target.write_bytes(data)
    return len(data)


def gitlab_pages(site_dir: Path, out: Path, max_bytes: int = HOST_BYTES, max_entries: int = HOST_ENTRIES) -> Layout:
    """Write `out` (GitLab's `public/`) from the built `site_dir`, laid out as the module says.
    Made beside `out` and swapped in only when whole; if it cannot fit or fails, `out` is left
    as it was. Plain files are hard links to the build where the file system allows (a build
    is never changed in place: the next `make site` writes a new one)."""
    given, site_dir, out = site_dir, site_dir.resolve(), out.absolute()
    if not (site_dir / "index.html").is_file():
        raise EditionError(given, None, "没有建好的网站 (no built site here)", "先运行 make site (run `make site` first)")
    if out.resolve().is_relative_to(site_dir) or site_dir.is_relative_to(out.resolve()):
        raise EditionError(out, None, f"{out.name}/ 不能放在网站里，也不能包含网站 (public/ cannot be inside the site, nor hold it)",
                           "另选一个文件夹（--out） (choose another folder with --out)")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise EditionError(out, None, f"{out.name} 是文件或链接，不是文件夹，没有改动 (it is a file or a link, not a folder; "
                           "left as it was)", "移走它，或另选一个文件夹（--out） (move it, or choose another folder with --out)")
    try:
        return _write_layout(given, site_dir, out, max_bytes, max_entries)
    except OSError as err:
        raise EditionError(out, None, f"无法写出 {out.name}/：{err.strerror or err}，原有的 {out.name}/ 没有改动 "
                           f"(cannot write {out.name}/: {err.strerror or err} ({err.filename}); the previous {out.name}/ "
                           "was left as it was)", "腾出空间或修改权限后重新运行 (free space or fix permissions and run again)") from None


def _write_layout(given: Path, site_dir: Path, out: Path, max_bytes: int, max_entries: int) -> Layout:
    files = dict(site_files(site_dir))
    browser_read = [p for p in files if p.endswith(BROWSER_READ) and f"{p}.gz" not in files]
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.*"):  # what an interrupted run left
        shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        with ThreadPoolExecutor(os.cpu_count()) as pool:
            packed = dict(zip(browser_read, pool.map(lambda p: _packed(site_dir / p, work / f"{p}.gz"), browser_read)))
        candidates = [Candidate(p, files[p], packed[p], len(note_for(p)), is_shared(p)) for p in browser_read]
        entries = len(files) + folder_count(site_dir)
        layout = plan(candidates, sum(files.values()), entries, max_bytes, max_entries)
        if layout is None:
            floor = sum(files.values()) - sum(max(0, _saving(c)) for c in candidates)
            why = (f"{entries:,} entries before any copy" if entries > max_entries else
                   f"{floor:,} bytes even with every page and script kept compressed only, in "
                   f"{entries + sum(_saving(c) > 0 for c in candidates):,} entries")
            raise EditionError(given, None,
                               f"网站放不进 GitLab Pages 的上限（{max_bytes:,} 字节、{max_entries:,} 项），原有的 "
                               f"{out.name}/ 没有改动 (the site does not fit GitLab Pages' limits of {max_bytes:,} bytes "
                               f"and {max_entries:,} entries: {why}; the previous {out.name}/ was left as it was)",
                               "在 GitHub Pages 发布（它检查压缩后的上传），或见 bench/notes.md 的取舍 "
                               "(publish on GitHub Pages, which checks the compressed upload, or see the trade-offs in bench/notes.md)")
        for path in files:
            if path in layout.compressed_only:
                (work / path).write_bytes(note_for(path))
            else:
                _place(site_dir / path, work / path)
                if path in packed and path not in layout.copied:
                    (work / f"{path}.gz").unlink()
        umask = os.umask(0)
        os.umask(umask)
        work.chmod(0o777 & ~umask)  # mkdtemp's 0700 would keep a web server of another user out
        old = out.with_name(f".{out.name}.old")
        if out.exists():
            out.rename(old)
        work.rename(out)
        shutil.rmtree(old, ignore_errors=True)
        return layout
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- how each host serves a site (the bench and the browser tests serve it so) ------------------

class _Host(SimpleHTTPRequestHandler):
    def send_body(self, body: bytes, plain: Path, gzipped: bool, status: int = 200, head: bool = False) -> None:
        """`body` in place of the file `plain`, typed by its name."""
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(plain)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def accepts_gzip(self) -> bool:
        return "gzip" in self.headers.get("Accept-Encoding", "") and "Range" not in self.headers

    def log_message(self, *args):
        pass


class LikeGitHubPages(_Host):
    """Text compressed on the fly when the client accepts gzip, cacheable for ten minutes."""
    COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".svg", ".jsonld"}

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_file() and path.suffix in self.COMPRESSED and self.accepts_gzip():
            self.send_body(gzip.compress(path.read_bytes(), 6), path, gzipped=True)
        else:
            super().do_GET()


class LikeGitLabPages(_Host):
    """gitlab-pages' rule (internal/serving/disk, reader.go and helpers.go): a folder asked for
    without its slash is redirected; a folder means its index.html; a missing file gets
    /404.html with status 404; the plain file must exist, and to a client that accepts gzip and
    asks for no range `X.gz` is sent in place of `X`, HEAD saying so too. Nothing is compressed
    on the fly. (Not copied: q-values in Accept-Encoding, partial answers to a Range request.)"""

    def do_GET(self):
        self.answer(head=False)

    def do_HEAD(self):
        self.answer(head=True)

    def answer(self, head: bool) -> None:
        path, status = Path(self.translate_path(self.path)), 200
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().do_HEAD() if head else super().do_GET()  # the redirect to the folder's slash
            path = path / "index.html"
        if not path.is_file():
            path, status = Path(self.translate_path("/404.html")), 404
            if not path.is_file():
                return self.send_error(404)
        packed = path.with_name(path.name + ".gz")
        gzipped = packed.is_file() and self.accepts_gzip()
        self.send_body((packed if gzipped else path).read_bytes(), path, gzipped, status, head)
