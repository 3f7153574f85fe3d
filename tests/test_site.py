"""The real site: strict MkDocs build, links, fidelity on the rendered HTML, variants,
reproducibility, and failed builds that keep the last good site."""

from __future__ import annotations

import copy
import filecmp
import subprocess
import sys
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from build_tools.bench import make_corpus
from build_tools.load import load_texts
from build_tools.pipeline import OFFLINE_RELEASE, load_edition, variant_url
from build_tools.render_parallels import PARALLELS_LISTED
from build_tools.segment import strip_ws
from build_tools.site import build_site, file_size
from tests.sitecheck import block_texts, broken_links, external_references, html_pages
from tests.test_segment import raw_minus_debris

LIU = "2010-04-14-liu-qi-beijing"


def text_page(site, slug, variant_path=""):
    return site / variant_path / "texts" / slug / "index.html"


def test_every_internal_link_and_anchor_resolves(site, edition):
    assert len(html_pages(site)) >= 2 * (len(edition.docs) + len(edition.glossary.entries))
    assert broken_links(site, urlsplit(edition.settings["site_url"]).path) == []


def test_no_page_loads_anything_from_outside(site):
    assert external_references(site) == []


def test_fidelity_on_the_rendered_pages(site, root):
    """Invariant 1 on what a reader gets: rendered blocks = raw text - whitespace - debris."""
    for spec in load_texts(root / "source_texts"):
        rendered = "".join(text for _, text in block_texts(text_page(site, spec.meta.slug)))
        assert strip_ws(rendered) == raw_minus_debris(spec), spec.meta.slug


def test_both_variants_have_the_same_anchors_page_by_page(site, edition):
    for doc in edition.docs:
        hans = [key for key, _ in block_texts(text_page(site, doc.meta.slug))]
        hant = [key for key, _ in block_texts(text_page(site, doc.meta.slug, "zh-Hant"))]
        assert hans == hant
        assert [k for k in hans if k[0] in "ps" and k[1:].isdigit()] == [b.id for b in doc.blocks if b.id]


def test_every_page_exists_in_both_variants(site):
    hans = {p.relative_to(site) for p in html_pages(site) if "zh-Hant" not in p.parts}
    hant = {p.relative_to(site / "zh-Hant") for p in html_pages(site / "zh-Hant")}
    assert hans == hant


def test_two_builds_are_byte_identical(tmp_path, site):
    project = site.parent
    again = tmp_path / "again"
    build_site(load_edition(project), again)
    cmp = filecmp.dircmp(site, again)
    differing = []

    def walk(c, prefix=""):
        differing.extend(prefix + f for f in c.diff_files + c.left_only + c.right_only)
        for name, sub in c.subdirs.items():
            walk(sub, prefix + name + "/")

    walk(cmp)
    assert differing == []


def run_cli(project, *args):
    return subprocess.run([sys.executable, "-m", "build_tools", "--root", str(project), *args],
                          capture_output=True, text=True, cwd=project)


BAD_INPUTS = {
    "break phrase not found": (f"source_texts/{LIU}.yml", "  - break: 二是要按照优化一产", "  - break: 二是要按照优化三产",
                               f"{LIU}.yml:", "not found in the raw text"),
    "break phrase occurs twice": (f"source_texts/{LIU}.yml", "  - break: 二是要按照优化一产", "  - break: 二是要",
                                  f"{LIU}.yml:", "occurs"),
    "debris not found": ("source_texts/2010-xinhua-qa.yml", "  - text: 上一页 1 2 3 4 下一页", "  - text: 上一页 1 2 下一页",
                         "2010-xinhua-qa.yml:", "not found in the raw text"),
    "malformed YAML": (f"source_texts/{LIU}.yml", "kind: speech", "kind: [speech", f"{LIU}.yml:", "malformed YAML"),
    "schema-invalid YAML": (f"source_texts/{LIU}.yml", "kind: speech", "kind: lecture", f"{LIU}.yml:",
                            "不是允许的值"),
    "raw text not UTF-8": (f"source_texts/{LIU}.txt", None, None, f"{LIU}.txt:1:", "not valid UTF-8"),
    "notes not UTF-8": ("source_texts/annotations/2010-xinhua-qa.yml", None, None, "2010-xinhua-qa.yml:", "not valid UTF-8"),
    "page not UTF-8": ("docs/about.md", None, None, "about.md:", "not valid UTF-8"),
}


def test_failed_build_keeps_the_last_good_site(project):
    assert run_cli(project, "site").returncode == 0
    index = project / "site" / "index.html"
    before = index.read_bytes()
    for name, (rel, old, new, where, cause) in BAD_INPUTS.items():
        path = project / rel
        good = path.read_bytes()
        if old is None:
            path.write_bytes(good[:30] + "再".encode("gb18030") + good[30:])
        else:
            path.write_text(good.decode("utf-8").replace(old, new, 1), encoding="utf-8")
        result = run_cli(project, "site")
        assert result.returncode != 0, name
        assert where in result.stderr and cause in result.stderr, (name, result.stderr)
        assert index.read_bytes() == before, name
        assert not (project / "site.new").exists(), name
        path.write_bytes(good)


def test_renderer_failure_also_keeps_the_site(project):
    """A broken link on a hand-written page fails the build in MkDocs; it is named at its line."""
    assert run_cli(project, "site").returncode == 0
    before = (project / "site" / "index.html").read_bytes()
    about = project / "docs" / "about.md"
    text = about.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    about.write_text(text + "\n[坏链接](missing-page.md)\n\n[坏锚点](editorial.md#no-such-anchor)\n", encoding="utf-8")
    result = run_cli(project, "site")
    assert result.returncode != 0
    assert f"about.md:{lines + 2}: 链接“missing-page.md”指向不存在的页面" in result.stderr
    assert f"about.md:{lines + 4}: 链接“editorial.md#no-such-anchor”指向页面上不存在的锚点" in result.stderr
    assert (project / "site" / "index.html").read_bytes() == before


def test_check_command_validates_without_building(project, edition):
    result = run_cli(project, "check")
    assert result.returncode == 0 and f"ok: {len(edition.docs)} texts" in result.stdout
    assert f"notes: {sum(bool(edition.notes[d.meta.slug]) for d in edition.docs)} of {len(edition.docs)} texts" \
        in result.stdout
    assert not (project / "site").exists()


def test_traditional_pages_contain_no_simplified_only_character(site, edition):
    """Everything a reader of a traditional page reads or hears (text, tooltips, accessible labels),
    except a passage the page itself tags as simplified (<span lang="zh-Hans">) or as another
    language (a Japanese title)."""
    from build_tools.convert import simplified_only
    from build_tools.convert import converter
    from tests.sitecheck import soup

    plain = converter(edition.variants[1])
    for page in html_pages(site / "zh-Hant"):
        body = copy.copy(soup(page).body)  # soup() is shared between tests: cut from a copy
        for tagged in body.select('[lang="zh-Hans"], [lang="ja"]'):
            tagged.decompose()
        for code in body.select("code, script"):  # file names, commands and scripts, not prose
            code.decompose()
        heard = [el[attr] for attr in ("title", "aria-label", "placeholder") for el in body.select(f"[{attr}]")]
        text = body.get_text() + "".join(heard)
        assert simplified_only(text, plain, edition.conversion.kept) == [], page


def test_a_passage_tagged_with_its_script_keeps_it_on_the_other_scripts_page(site):
    from tests.sitecheck import soup

    example = soup(site / "zh-Hant" / "editorial.html").select_one('article span[lang="zh-Hans"]')
    assert example is not None and example.get_text() == "为、群众、着"


def test_no_glossary_link_inside_a_heading(site):
    from tests.sitecheck import soup

    for page in html_pages(site):
        assert not soup(page).select("h1 a.term, h2 a.term, h3 a.term, h4 a.term"), page


def test_glossary_links_are_the_same_in_both_variants(site, edition):
    from tests.sitecheck import soup

    total = 0
    for doc in edition.docs:
        hans = [a["href"] for a in soup(text_page(site, doc.meta.slug)).select("a.term")]
        hant = [a["href"] for a in soup(text_page(site, doc.meta.slug, "zh-Hant")).select("a.term")]
        assert hans == hant and hans
        total += len(hans)
    assert total == sum(1 for d in edition.docs for b in d.blocks for s in b.spans if s.kind == "term")


def test_entry_pages_list_every_occurrence(site, edition):
    from tests.sitecheck import soup

    for variant_dir in (site, site / "zh-Hant"):
        for entry in edition.glossary.entries:
            page = soup(variant_dir / "glossary" / f"{entry.id}.html")
            listed = [li for h3 in page.select("h3[id^=in-]") for li in h3.find_next_sibling("ul").select("li")]
            assert len(listed) == len(edition.occurrences[entry.id]), entry.term


def test_an_archive_page_carries_only_its_own_group_of_texts(tmp_path, root):
    project = make_corpus(root, tmp_path / "archive", 60)  # 59 texts in 2010: grouped by month
    edition = load_edition(project)
    build_site(edition, project / "site")
    may = [d.meta.slug for d in edition.docs if d.meta.date.startswith("2010-05")]
    html = text_page(project / "site", may[0]).read_text(encoding="utf-8")
    sidebar = BeautifulSoup(html, "html.parser").select_one("nav.md-nav--primary")
    linked = {slug for slug in (d.meta.slug for d in edition.docs) if sidebar.select(f'a[href*="/{slug}/"]')}
    assert set(may[1:]) <= linked  # the rest of the page's own month (it links itself as "./")
    assert len(linked) < len(edition.docs) / 2  # other months and years by one link each
    assert "5月" in sidebar.get_text() and "2011年" in sidebar.get_text()
    page = text_page(project / "site", may[0])
    targets = {urlsplit(a["href"]).path for a in sidebar.select("a[href]")} - {""}
    assert targets and all((page.parent / target).resolve().is_file() for target in targets)
    # At 60 texts the recombined paragraphs recur in a few texts each: more parallels than one page
    # lists, so the parallels page lists months, and each month's page links both texts of a pair.
    parallels = BeautifulSoup((project / "site" / "parallels.html").read_text(encoding="utf-8"), "html.parser")
    months = [a["href"] for a in parallels.select("article .month a")]
    assert len(edition.parallels) > PARALLELS_LISTED and months
    rows = 0
    for href in months:
        month = BeautifulSoup((project / "site" / href).read_text(encoding="utf-8"), "html.parser")
        links = [urlsplit(a["href"]).path for a in month.select("article td a[href]")]
        assert links and all((project / "site" / href).parent.joinpath(link).resolve().is_file() for link in links)
        rows += len(month.select("article tbody tr"))
    assert rows == len(edition.parallels)


def test_offline_zip_holds_both_variants_and_leaves_the_site_past_the_threshold(project, site):
    import zipfile

    inside = site / "downloads" / "cxzy-edition-offline.zip"
    names = set(zipfile.ZipFile(inside).namelist())
    assert {"index.html", "zh-Hant/index.html", "assets/search-index.js", "zh-Hant/assets/search-index.js"} <= names
    assert not any(name.startswith("downloads/") for name in names)
    settings = project / "edition.yml"
    texts = len(load_edition(project).docs)
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "offline_zip_in_site_up_to: 2000", f"offline_zip_in_site_up_to: {texts - 1}"), encoding="utf-8")
    build_site(load_edition(project), project / "site")
    assert not list((project / "site").rglob("*.zip"))
    artifact = project / "build" / "offline" / "cxzy-edition-offline.zip"
    assert set(zipfile.ZipFile(artifact).namelist()) == names  # the same site, now beside it
    for variant in ("", "zh-Hant"):
        labels = download_labels(project / "site" / variant / "downloads.html")
        release = next(href for href in labels if href.endswith(f"/releases/download/{OFFLINE_RELEASE}/cxzy-edition-offline.zip"))
        assert labels[release] == f"（{file_size(artifact.stat().st_size)}）"  # its size, though it is elsewhere


def download_labels(page, html: str | None = None) -> dict[str, str | None]:
    """The downloads page's links: href -> the size shown after the link (None: no size)."""
    article = BeautifulSoup(html or page.read_text(encoding="utf-8"), "html.parser").find("article")
    def label(a):
        after = a.find_next_sibling()
        return after.get_text() if after is not None and "file-size" in after.get("class", []) and a.next_sibling is after else None
    return {a["href"]: label(a) for a in article.find_all("a", href=True)}


def test_the_downloads_page_gives_the_size_of_each_file_it_links(site):
    for variant in ("", "zh-Hant"):
        page = site / variant / "downloads.html"
        labels = download_labels(page)
        files = {href: (page.parent / href).resolve() for href in labels if "://" not in href}
        files = {href: path for href, path in files.items() if path.is_file() and path.suffix != ".html"}
        assert len(files) >= 5 and any(href.endswith(".zip") for href in files)
        assert {href: labels[href] for href in files} == {href: f"（{file_size(path.stat().st_size)}）" for href, path in files.items()}
        assert all(labels[href] is None for href in labels if href not in files)  # pages and other sites: none


def test_the_offline_copys_downloads_page_gives_sizes_and_links_the_online_zip(site, edition):
    import zipfile

    offline = zipfile.ZipFile(site / "downloads" / "cxzy-edition-offline.zip")
    site_url = edition.settings["site_url"]
    for variant in ("", "zh-Hant"):
        page = site / variant / "downloads.html"
        online = download_labels(page)
        in_copy = download_labels(page, offline.read(f"{variant}/downloads.html".lstrip("/")).decode("utf-8"))
        zip_link = next(href for href in online if href.endswith(".zip"))
        assert in_copy.pop(site_url + "downloads/cxzy-edition-offline.zip") is None  # not in the copy: the site's
        assert in_copy == {href: label for href, label in online.items() if href != zip_link}


def test_a_sitemap_past_the_protocol_limit_is_published_as_an_index_of_its_parts(project, site, edition, monkeypatch):
    import gzip
    import xml.etree.ElementTree as ET

    import build_tools.site

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

    def entry(url) -> bytes:
        url.tail = None  # the whitespace after it
        return ET.tostring(url)

    monkeypatch.setattr(build_tools.site, "MAX_URLS", 40)  # the protocol's 50,000, for an archive of the real texts
    build_site(load_edition(project), project / "site")
    for variant in edition.variants:
        published, base = project / "site" / variant.path, variant_url(edition.settings, variant)
        index = ET.parse(published / "sitemap.xml").getroot()
        assert index.tag == "{%s}sitemapindex" % ns["s"]
        assert gzip.decompress((published / "sitemap.xml.gz").read_bytes()) == (published / "sitemap.xml").read_bytes()
        entries = []
        for loc in (e.text for e in index.findall("s:sitemap/s:loc", ns)):
            assert loc.startswith(base)
            part = ET.parse(published / loc.removeprefix(base)).getroot().findall("s:url", ns)
            assert 0 < len(part) <= 40
            entries += [entry(url) for url in part]
        unsplit = ET.parse(site / variant.path / "sitemap.xml").getroot().findall("s:url", ns)  # same input, one file
        assert len(unsplit) > 40 and entries == [entry(url) for url in unsplit]


def test_every_sitemap_address_is_a_page_and_a_text_is_listed_at_the_address_it_is_cited_by(site, edition):
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root_url = edition.settings["site_url"]

    def page(url: str):
        assert url.startswith(root_url), url
        path = url.removeprefix(root_url)
        return site / (path + "index.html" if path == "" or path.endswith("/") else path)

    for variant in edition.variants:
        urls = ET.parse(site / variant.path / "sitemap.xml").getroot().findall("s:url", ns)
        locs = [u.find("s:loc", ns).text for u in urls]
        for url in urls:
            assert url.find("s:lastmod", ns) is None  # MkDocs would give the day of the build
            for address in [url.find("s:loc", ns).text, *(a.get("href") for a in url.findall("x:link", ns))]:
                assert page(address).is_file(), address
        for doc in edition.docs:
            assert f"{variant_url(edition.settings, variant)}texts/{doc.meta.slug}/" in locs


def test_a_pull_request_that_edits_a_raw_text_is_refused_even_with_its_new_fingerprint(project):
    """The SHA-256 in the .yml guards the raw text only until an editor pastes the new one: a
    pull request's check compares the raw texts with where it started."""
    import hashlib

    def git(*args):
        subprocess.run(["git", "-c", "user.name=editor", "-c", "user.email=editor@example.org", *args],
                       cwd=project, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    assert run_cli(project, "check", "--base", "HEAD").returncode == 0
    raw, spec = project / "source_texts" / f"{LIU}.txt", project / "source_texts" / f"{LIU}.yml"
    old_digest = hashlib.sha256(raw.read_bytes()).hexdigest()
    raw.write_bytes(raw.read_bytes().replace("同志们".encode(), "同志们！".encode(), 1))
    spec.write_text(spec.read_text(encoding="utf-8").replace(old_digest, hashlib.sha256(raw.read_bytes()).hexdigest()),
                    encoding="utf-8")
    result = run_cli(project, "check", "--base", "HEAD")
    assert result.returncode == 1
    assert f"{raw}: 原始文本在这次改动中被修改" in result.stderr and "corrections 或 debris" in result.stderr
