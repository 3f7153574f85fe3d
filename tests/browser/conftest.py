"""Headless Chromium (whichever the machine has; `make test` installs Debian's if none) driving the real built site."""

from __future__ import annotations

import contextlib
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from build_tools.browser import find_browser

CHROMIUM = find_browser()
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(root, handler=_QuietHandler):
    """`root` served on loopback, as a host would serve it; yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def http_root(site):
    """The built site served on loopback."""
    with served(site) as address:
        yield address


@pytest.fixture(params=["http", "file"])
def base_url(request, site, http_root):
    """Each browser test runs online (127.0.0.1) and offline (file://)."""
    return http_root if request.param == "http" else site.as_uri() + "/"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    outside = []

    def block_outside(route):
        outside.append(route.request.url)
        route.abort()

    context.route("http*://**", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else block_outside(route))
    pg = context.new_page()
    pg.outside_requests = outside
    yield pg
    context.close()
