"""The site laid out by `gitlab-pages` with every page and script kept compressed only, served as
GitLab Pages serves it, reads in Chromium exactly as the site itself does; a client that does not
accept gzip gets the note and can fetch the compressed copy."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import pytest

from build_tools.hosting import LikeGitLabPages, gitlab_pages, is_shared, note_for, site_files
from tests.browser.conftest import served
from tests.search_queries import queries


@pytest.fixture(scope="module")
def public(site, tmp_path_factory):
    """Every page and script kept compressed only: the limit is what the site takes with all of them so."""
    out = tmp_path_factory.mktemp("gitlab") / "public"
    roomy = gitlab_pages(site, out, max_bytes=1 << 62)  # every copy beside its file: their sizes
    packed = {p: (out / f"{p}.gz").stat().st_size for p in roomy.copied}
    savings = [(site / p).stat().st_size - packed[p] - len(note_for(p)) for p in roomy.copied if not is_shared(p)]
    smallest = (sum(s for _p, s in site_files(site)) + sum(packed[p] for p in roomy.copied if is_shared(p))
                - sum(s for s in savings if s > 0))
    layout = gitlab_pages(site, out, max_bytes=smallest)
    assert any(p.startswith("texts/") for p in layout.compressed_only)
    assert any(p.startswith("assets/search/") for p in layout.compressed_only)
    with served(out, LikeGitLabPages) as address:
        yield out, address, layout


def _reading(page, url: str) -> dict:
    page.goto(url)
    page.wait_for_selector("article")
    return page.evaluate("() => ({text: document.querySelector('article').innerText, "
                         "paragraphs: [...document.querySelectorAll('[id^=p]')].map(e => e.id), "
                         "scripts: [...document.scripts].filter(s => s.src).length})")


def test_a_text_page_and_the_search_read_as_the_site_does(page, site, http_root, public, edition):
    out, address, layout = public
    encodings = []
    page.on("response", lambda r: encodings.append((r.url, r.headers.get("content-encoding"))))
    slug = next(d.meta.slug for d in edition.docs if b"note-ref" in (site / "texts" / d.meta.slug / "index.html").read_bytes())
    for variant in ("", "zh-Hant/"):
        assert f"{variant}texts/{slug}/index.html" in layout.compressed_only
        text_page = f"{variant}texts/{slug}/"
        assert _reading(page, address + text_page) == _reading(page, http_root + text_page)
        page.click("a.note-ref >> nth=0")
        assert page.locator(".edition-popover").is_visible()
        hits = []
        for base in (address, http_root):
            page.goto(base + variant + "search.html")
            page.wait_for_function("window.editionSearch !== undefined")
            hits.append(page.evaluate("qs => Promise.all(qs.map(q => editionSearch.search(q).then(hits => "
                                      "hits.map(h => h.url + '#' + h.anchor + ':' + h.count))))",
                                      [typed for typed, _ in queries(edition, n_random=10)]))
        assert hits[0] == hits[1] and any(hits[0])
    gzipped = {url for url, enc in encodings if url.startswith(address) and enc == "gzip"}
    assert any("/assets/search/" in url for url in gzipped) and any(url.endswith("/") for url in gzipped)
    every_page = {url for url, _enc in encodings  # the theme's and the edition's scripts and styles
                  if url.startswith(address) and url.split("?")[0].endswith((".js", ".css")) and "/search/" not in url}
    assert every_page and every_page <= gzipped


def test_a_client_that_does_not_accept_gzip_gets_the_note_and_can_fetch_the_copy(site, public, edition):
    out, address, _layout = public
    page = f"texts/{edition.docs[0].meta.slug}/"
    with urllib.request.urlopen(address + page) as plain:  # urllib asks for no encoding
        note = plain.read()
    assert note == note_for(page + "index.html") and plain.headers.get("Content-Encoding") is None
    with urllib.request.urlopen(address + page + "index.html.gz") as copy:
        assert gzip.decompress(copy.read()) == (site / page / "index.html").read_bytes()
    asking_gzip = {"Accept-Encoding": "gzip"}
    head = urllib.request.urlopen(urllib.request.Request(address + page, method="HEAD", headers=asking_gzip))
    assert head.headers["Content-Encoding"] == "gzip" and head.headers["Content-Type"].startswith("text/html")
    redirected = urllib.request.urlopen(address + page.rstrip("/"))  # GitLab redirects a folder to its slash
    assert redirected.url.endswith(page)
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(urllib.request.Request(address + "texts/no-such-text/", headers=asking_gzip))
    assert missing.value.code == 404 and gzip.decompress(missing.value.read()) == (site / "404.html").read_bytes()
    tei = next(p for p, _s in site_files(site) if p.startswith("tei/"))  # what tools read stays plain
    with urllib.request.urlopen(address + tei) as plain:
        assert plain.read() == (site / tei).read_bytes()
