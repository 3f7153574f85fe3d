"""MkDocs worker processes, started before the pipeline so that their start-up overlaps it.

`make site` runs the pipeline (one core) and then one MkDocs build per script variant. A
worker forked at the very start imports MkDocs, the theme and the Markdown extensions on the
other core while the pipeline runs, and builds as soon as the Markdown is written; the two
variants then build in parallel. This module imports nothing heavy itself, so the fork is cheap.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import zlib
from pathlib import Path

JINJA_CACHE = "jinja"  # folder under build/: compiled theme templates, reused by the next build


def render_variant(job: tuple[str, str, str]) -> str:
    """One variant's MkDocs build: '' or the error to report. `job` is (config file, target
    folder, template cache folder)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_file, target, cache_dir = job
    warnings = _Warnings()
    logging.getLogger("mkdocs").addHandler(warnings)
    try:
        config = load_config(config_file=config_file, site_dir=target, strict=True)
        _cache_templates(config, cache_dir)
        _release_pages_early()
        mkdocs_build(config)
    except MkDocsException as err:  # strict mode: the warnings it counts say what is wrong
        return "\n".join([*warnings.messages, str(err) or type(err).__name__])
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)
    drop_unused_theme_assets(Path(target))
    return ""


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record) -> None:
        self.messages.append(record.getMessage())


def preview_variant(job: tuple[str, str, str, str]) -> str:
    """One variant's dirty build for the live preview (only pages whose Markdown is newer than
    their HTML are rendered again): '' or the error. `job` is (config file, the preview's folder
    of this variant, template cache folder, the URL it is served at)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_file, target, cache_dir, url = job
    quiet = logging.getLogger("mkdocs.commands.build")
    if not_dirty_warning not in quiet.filters:  # dirty builds are the point of a preview
        quiet.addFilter(not_dirty_warning)
    try:
        config = load_config(config_file=config_file, site_dir=target, site_url=url, strict=False)
        _cache_templates(config, cache_dir)
        mkdocs_build(config, serve_url=url, dirty=True)
    except MkDocsException as err:
        return f"MkDocs: {err}"
    return ""


def not_dirty_warning(record) -> bool:
    return "'dirty' build" not in record.getMessage()


def _cache_templates(config, cache_dir: str) -> None:
    """The theme's templates compile once, not on every build."""
    from jinja2 import FileSystemBytecodeCache

    make_env = config.theme.get_env

    def env_with_cache():
        env = make_env()
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(cache_dir)
        return env

    config.theme.get_env = env_with_cache


def _release_pages_early() -> None:
    """MkDocs 1.6 converts every page before writing any and keeps each page's Markdown and HTML
    to the end: for an archive, gigabytes. Here a page's Markdown is dropped once converted, its
    HTML is kept compressed (about a third of its UTF-8 size) until its page is written, then dropped
    (nothing else reads them: mkdocs.commands.build, the theme's templates). Patched in the
    worker process only; MkDocs is pinned (requirements.txt)."""
    from mkdocs.commands import build as mkdocs_build_module

    if getattr(mkdocs_build_module._populate_page, "packs_pages", False):
        return
    populate_page, build_page = mkdocs_build_module._populate_page, mkdocs_build_module._build_page

    def populate_then_pack(page, *args, **kwargs):
        populate_page(page, *args, **kwargs)
        if page.content is not None:
            page.markdown = None
            page.packed_content, page.content = zlib.compress(page.content.encode("utf-8"), 1), None

    def build_page_then_release(page, *args, **kwargs):
        packed = getattr(page, "packed_content", None)
        if packed is not None:
            page.content, page.packed_content = zlib.decompress(packed).decode("utf-8"), None
        try:
            build_page(page, *args, **kwargs)
        finally:
            page.content = None

    populate_then_pack.packs_pages = True
    mkdocs_build_module._populate_page = populate_then_pack
    mkdocs_build_module._build_page = build_page_then_release


# The theme copies these whatever the configuration: lunr and the search worker serve the search
# plugin the edition replaces (build_tools/search.py); source maps serve only a debugger. Without
# them the site, and the offline zip, are smaller by about 2.2 MB per script variant.
UNUSED_THEME_ASSETS = ["assets/javascripts/lunr", "assets/javascripts/workers"]


def drop_unused_theme_assets(variant_dir: Path) -> None:
    for rel in UNUSED_THEME_ASSETS:
        shutil.rmtree(variant_dir / rel, ignore_errors=True)
    for source_map in (variant_dir / "assets").glob("*/*.map"):
        source_map.unlink()


def _warm_up() -> None:
    """What every build imports first (about 0.3 s of CPU), done while the pipeline runs."""
    import markdown.extensions.attr_list  # noqa: F401
    import markdown.extensions.md_in_html  # noqa: F401
    import markdown.extensions.tables  # noqa: F401
    import markdown.extensions.toc  # noqa: F401
    import material.plugins  # noqa: F401
    import mkdocs.commands.build  # noqa: F401
    import mkdocs.config  # noqa: F401
    import pymdownx.details  # noqa: F401


def _serve(conn) -> None:
    try:
        _warm_up()
    except ImportError:
        pass  # the build itself reports it
    parent = os.getppid()
    while True:
        if not conn.poll(1.0):
            if os.getppid() != parent:
                return  # the parent was killed without closing us (a sibling holds our pipe open)
            continue
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        render, job = task
        try:
            conn.send(render(job))
        except BaseException as err:  # noqa: BLE001 - reported by the parent, which owns the error handling
            conn.send(f"{type(err).__name__}: {err}")


class Pending:
    """A build started on a worker: `result()` waits for it ('' or the error)."""

    def __init__(self, conn=None, process=None, order: int = 0, value: str | None = None):
        self.conn, self.process, self.order, self.value = conn, process, order, value

    @property
    def done(self) -> bool:
        return self.value is not None

    def result(self) -> str:
        if self.value is None:
            try:
                self.value = self.conn.recv()
            except (EOFError, OSError):
                self.value = f"MkDocs worker {self.process.pid} ended without a result (exit code {self.process.exitcode})"
        return self.value


class Renderers:
    """Up to `count` MkDocs workers (forked now, idle until given a build). With one core,
    or when forking is not available, builds run in this process."""

    def __init__(self, count: int = 2):
        self.workers: list[tuple[multiprocessing.Process, object]] = []
        count = min(count, os.cpu_count() or 1)
        if count >= 2 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            for _ in range(count):
                ours, theirs = context.Pipe()
                process = context.Process(target=_serve, args=(theirs,), daemon=True)
                process.start()
                theirs.close()
                self.workers.append((process, ours))
        self.running: list[Pending | None] = [None] * len(self.workers)  # each worker's last build
        self.submitted = 0

    def submit(self, job: tuple[str, ...], render=render_variant) -> Pending:
        """Start `render(job)` on an idle worker (waiting for the oldest one when all are busy):
        render_variant, or preview_variant for the live preview."""
        if not self.workers:
            return Pending(value=render(job))
        idle = [i for i in range(len(self.workers)) if self.running[i] is None or self.running[i].done]
        if not idle:
            oldest = min(range(len(self.workers)), key=lambda i: self.running[i].order)
            self.running[oldest].result()
            idle = [oldest]
        process, conn = self.workers[idle[0]]
        conn.send((render, job))
        self.submitted += 1
        self.running[idle[0]] = Pending(conn, process, self.submitted)
        return self.running[idle[0]]

    def build(self, jobs: list[tuple[str, ...]], render=render_variant) -> list[str]:
        """Run the builds (in parallel when there are workers); their errors, '' for success."""
        return [pending.result() for pending in [self.submit(job, render) for job in jobs]]

    def stop(self) -> None:
        """Kill the workers that are still building (their output is not wanted); later builds
        run in this process."""
        for (process, _), pending in zip(self.workers, self.running):
            if pending is not None and not pending.done:
                process.kill()
        self.close()

    def close(self) -> None:
        for process, conn in self.workers:
            try:
                conn.send(None)
                conn.close()
            except OSError:
                pass
            process.join(5)
            if process.is_alive():
                process.kill()
        self.workers, self.running = [], []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
