"""`make serve`: live preview of every script variant (/ and /zh-Hant/…) on one port.

On each save in source_texts/, docs/ or overrides/ the preview finds which input files changed
(content hashes). A save that changed only notes (source_texts/annotations/*.yml) takes the fast
path (incremental.py): the last good Edition, kept in memory, gets those notes anew, only their
checks run, and only the pages that depend on them are written; the search index follows in a
background process once the page is served. Any other save re-runs the whole pipeline. Either
way MkDocs rebuilds only the pages that changed (dirty builds), both variants at once in warm
worker processes (renderers.py), then open pages reload. A bad edit never stops the server: its
errors are shown on top of every page in the browser (and in the terminal), and the next good
save clears them. Serving and reloading are MkDocs' LiveReloadServer.
"""

from __future__ import annotations

import errno
import html
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from build_tools.errors import EditionError
from build_tools.renderers import not_dirty_warning
from build_tools.wording import grouped

log = logging.getLogger("build_tools")
WATCHED = ("source_texts", "docs", "overrides", "mkdocs.yml", "edition.yml")


def error_banner(report: str) -> str:
    """What the reader of a preview page sees while the last save does not build."""
    return ('<div id="edition-preview-error" role="alert" style="position:fixed;inset:0 0 auto 0;z-index:10000;'
            'max-height:70vh;overflow:auto;margin:0;padding:1em 1.2em;background:#fff3f3;color:#5c0000;'
            'border-bottom:3px solid #b00020;font:14px/1.5 monospace;white-space:pre-wrap">'
            '<strong>构建失败，修正后保存即可自动恢复 (the last save does not build; fix it and save again)</strong>\n'
            f"{html.escape(report)}</div>")


class PreviewServer(LiveReloadServer):
    failure = ""  # the last rebuild's errors, shown on every page until a good build

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        if not self.failure:
            return content
        at = content.find(b">", content.find(b"<body")) + 1 if b"<body" in content else 0
        return content[:at] + error_banner(self.failure).encode() + content[at:]

    def error_page(self, code: int) -> bytes | None:
        """Before any good build there are no pages: show the errors instead of a 404."""
        if not self.failure:
            return None
        page = b"<!doctype html><html lang=\"zh\"><meta charset=\"utf-8\"><title>build failed</title><body></body></html>"
        return self._inject_js_into_html(page, self._visible_epoch)


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                return False
            raise
    return True


COMPLETING_STOPS_WITHIN = 10.0  # seconds: writing one variant's files and its dirty build take about one


class RendererFailed(Exception):
    """A MkDocs build of the preview failed; the message is MkDocs' own."""


class Preview:
    """The builds behind the server: the last good build (incremental.LastBuild), the MkDocs
    workers, and the background process that completes a fast rebuild (the search index)."""

    def __init__(self, root: Path, site_dir: Path, url: str, renderers):
        self.root, self.site_dir, self.url, self.renderers = root, site_dir, url, renderers
        self.last = None  # incremental.LastBuild of the last good build; None: the next build is full
        self.completing = None  # the background process finishing the last fast rebuild

    def rebuild(self) -> str:
        """Build what the saves since the last good build changed: '' or the errors to show."""
        from build_tools.incremental import changed_files, only_notes, snapshot

        started = time.perf_counter()
        inputs = snapshot(self.root, self.last.inputs if self.last else None)
        changed = changed_files(self.last.inputs, inputs) if self.last else None
        if changed is not None and not changed:
            # back to the inputs of the last good build, which the pages show; its search index,
            # still being written, goes on (a save is often seen twice: stopping it here left the
            # index stale until the next real change)
            return ""
        self.stop_completing()
        fast = changed is not None and only_notes(self.root, changed)
        try:
            written = self.fast(changed, inputs) if fast else self.full(inputs)
        except EditionError as err:
            return grouped(err)
        except RendererFailed as err:
            return str(err)
        log.info(f"preview rebuilt in {time.perf_counter() - started:.2f} s "
                 + (f"(notes only, {written} file(s) written)" if fast else "(whole pipeline, changed pages written)"))
        if fast:
            self.complete_in_background()
        return ""

    def full(self, inputs) -> int:
        from build_tools.incremental import LastBuild
        from build_tools.newtext import open_reviews
        from build_tools.pipeline import check, load_edition
        from build_tools.site import write_markdown

        self.last = None  # until this build is good: a failure may leave part of it written
        edition = load_edition(self.root, drafts=True)
        check(edition, drafts=True)  # a draft is previewed while its # REVIEW marks are worked through
        for mark in open_reviews(edition.source_dir):
            log.warning(mark.message)
        write_markdown(edition)  # writes only changed pages, so dirty builds stay small
        self.build(edition, [v.code for v in edition.variants])
        self.last = LastBuild(edition, inputs)
        return 0

    def fast(self, changed, inputs) -> int:
        from build_tools.site import write_pages

        started = time.perf_counter()
        state, pages = self.last.after_note_edit(changed, inputs)  # checks before anything is written
        md = self.root / "build" / "md"
        written = {code: write_pages(variant_pages, md / code, remove_stale=False) for code, variant_pages in pages.items()}
        self.last = None
        rendered = time.perf_counter()
        self.build(state.edition, [code for code, n in written.items() if n])
        self.last = state
        log.info(f"notes only: checks and pages {rendered - started:.2f} s, MkDocs {time.perf_counter() - rendered:.2f} s")
        return sum(written.values())

    def jobs(self, edition, codes) -> list[tuple[str, str, str, str]]:
        from build_tools.renderers import JINJA_CACHE
        from build_tools.site import config_path

        out = []
        for variant in edition.variants:
            if variant.code in codes:
                sub = variant.path + "/" if variant.path else ""
                out.append((str(config_path(edition, variant.code)), str(self.site_dir / variant.path),
                            str(edition.root / "build" / JINJA_CACHE), self.url + sub))
        return out

    def build(self, edition, codes) -> None:
        """Dirty MkDocs builds of these variants, in parallel on the workers."""
        from build_tools.renderers import preview_variant

        errors = [e for e in self.renderers.build(self.jobs(edition, codes), preview_variant) if e]
        if errors:
            raise RendererFailed("\n".join(errors))

    def complete_in_background(self) -> None:
        """Write everything the new Edition renders (in effect: the search index, which the fast
        path leaves out) and rebuild what changed, in a forked process that the next save stops."""
        import multiprocessing

        self.completing = multiprocessing.get_context("fork").Process(
            target=_complete, args=(self.last.edition, self.jobs(self.last.edition, [v.code for v in self.last.edition.variants])),
            daemon=True)
        self.completing.start()

    def stop_completing(self) -> None:
        if self.completing is not None and self.completing.is_alive():
            self.completing.terminate()  # an unfinished write is written again by the next completion
            self.completing.join(COMPLETING_STOPS_WITHIN)
            if self.completing.is_alive():  # stuck where it does not take SIGTERM: no save may wait on it
                log.warning("preview: the background update of the search index did not stop; killed it, "
                            "the next build runs the whole pipeline")
                self.completing.kill()
                self.completing.join()
                self.last = None
        self.completing = None


def _complete(edition, jobs) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # stopped by the next save: no clean-up to run
    _own_stderr()
    from build_tools.pipeline import rendered_variants
    from build_tools.renderers import preview_variant
    from build_tools.site import write_pages

    by_code = dict(zip([v.code for v in edition.variants], jobs))
    for code, made in rendered_variants(edition):  # the long part: a save may stop it at any point
        pages = list(made)  # read twice below
        md = edition.root / "build" / "md" / code
        # Writing and copying into the served site are not stopped half-way (a file cut short in
        # the site would look up to date to the next dirty build): the stop waits for them.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        written = [p.path for p in pages if _differs(md / p.path, p.content)]
        if write_pages(pages, md):
            stale = [path for path in written if path.endswith(".md")]
            if stale:  # the fast path should have written these: the page may show old text until the next save
                log.warning("preview: the notes-only rebuild missed %s (%s); rebuilt now", ", ".join(stale[:5]), code)
            error = preview_variant(by_code[code])
            if error:
                print(error, file=sys.stderr)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _own_stderr() -> None:
    """In a process forked from the server: its own stderr for its messages. The server's other
    threads may have held the old stream's lock at the moment of the fork, and nothing releases
    it in the child."""
    stream = open(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    sys.stderr = stream
    loggers = [logging.getLogger(), *(v for v in logging.Logger.manager.loggerDict.values() if isinstance(v, logging.Logger))]
    for handler in (h for lg in loggers for h in lg.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.stream = stream  # not setStream: it would flush the old stream first


def _differs(path: Path, content: str) -> bool:
    return not path.exists() or path.read_text(encoding="utf-8") != content


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(root: Path, host: str, port: int) -> int:
    from build_tools.renderers import Renderers

    if not port_is_free(host, port):
        print(f"error: 端口 {port} 已被占用 (port {port} is in use) — 换一个端口：make serve PORT={port + 1}",
              file=sys.stderr)
        return 1
    site_dir = Path(tempfile.mkdtemp(prefix="edition-preview-"))
    url = f"http://{host}:{port}/"
    renderers = Renderers(2)  # forked before the pipeline is imported: warm MkDocs for every save
    preview = Preview(root, site_dir, url, renderers)

    def rebuild() -> None:
        server.failure = preview.rebuild()
        if server.failure:
            print(server.failure, file=sys.stderr)  # returning (not raising) lets the pages reload and show the errors

    # Dirty builds are the point of a preview (workers without a fork build here); `make site` stays strict and clean.
    logging.getLogger("mkdocs.commands.build").addFilter(not_dirty_warning)
    server = PreviewServer(builder=rebuild, host=host, port=port, root=str(site_dir), polling_interval=0.2)
    server.error_handler = server.error_page
    rebuild()
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    print(f"preview: {url} (简体)  {url}zh-Hant/ (繁體) — Ctrl-C to stop")
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated preview stops its workers too
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        preview.stop_completing()
        renderers.close()
        shutil.rmtree(site_dir, ignore_errors=True)  # the preview's pages live only as long as the server
    return 0
