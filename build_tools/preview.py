"""`make serve`: live preview of every script variant (/ and /zh-Hant/…) on one port.

On each save in source_texts/, docs/ or overrides/ the pipeline re-runs and MkDocs rebuilds
only the pages that changed (dirty builds), then open pages reload. A bad edit never stops the
server: its errors are shown on top of every page in the browser (and in the terminal), and the
next good save clears them. Serving and reloading are MkDocs' LiveReloadServer.
"""

from __future__ import annotations

import errno
import html
import logging
import socket
import sys
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer

from build_tools.errors import EditionError
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


def serve(root: Path, host: str, port: int) -> int:
    from build_tools.pipeline import check, load_edition
    from build_tools.site import config_path, write_markdown

    if not port_is_free(host, port):
        print(f"error: 端口 {port} 已被占用 (port {port} is in use) — 换一个端口：make serve PORT={port + 1}",
              file=sys.stderr)
        return 1
    site_dir = Path(tempfile.mkdtemp(prefix="edition-preview-"))
    url = f"http://{host}:{port}/"

    def rebuild() -> None:
        started = time.perf_counter()
        try:
            edition = load_edition(root)
            check(edition)
            write_markdown(edition)  # writes only changed pages, so dirty builds stay small
            for variant in edition.variants:
                sub = variant.path + "/" if variant.path else ""
                config = load_config(config_file=str(config_path(edition, variant.code)), strict=False,
                                     site_dir=str(site_dir / variant.path), site_url=url + sub)
                build(config, serve_url=url + sub, dirty=True)
        except (EditionError, MkDocsException) as err:
            server.failure = grouped(err) if isinstance(err, EditionError) else f"MkDocs: {err}"
            print(server.failure, file=sys.stderr)
            return  # returning (not raising) lets the pages reload and show the errors
        server.failure = ""
        log.info(f"preview rebuilt in {time.perf_counter() - started:.2f} s")

    # Dirty builds are the point of a preview; `make site` stays strict and clean.
    logging.getLogger("mkdocs.commands.build").addFilter(lambda record: "'dirty' build" not in record.getMessage())
    server = PreviewServer(builder=rebuild, host=host, port=port, root=str(site_dir))
    server.error_handler = server.error_page
    rebuild()
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    print(f"preview: {url} (简体)  {url}zh-Hant/ (繁體) — Ctrl-C to stop")
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0
