"""What static hosts accept: the build's size summary, and the site laid out for GitLab Pages
(the plan over sizes, then the real layout of the real built site)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_tools.errors import EditionError
from build_tools.hosting import (BROWSER_READ, Candidate, folder_count, gitlab_pages, hosting_summary, is_shared,
                                 note_for, plan, site_files)


def test_the_build_summary_gives_the_site_size_and_warns_past_the_host_limits(site):
    files = list(site_files(site))
    total = sum(size for _path, size in files)
    entries = len(files) + folder_count(site)
    summary = hosting_summary(site)
    assert f"{total / 1e6:,.1f} MB in {len(files):,} files" in summary and "over" not in summary
    assert "gitlab-pages" in hosting_summary(site, max_entries=entries - 1)
    assert "over GitLab Pages' limits" in hosting_summary(site, max_bytes=total - 1)
    assert "over" not in hosting_summary(site, max_entries=entries, max_bytes=total)


names = st.tuples(st.uuids().map(str), st.sampled_from([".html", ".js"])).map("".join)
candidates = st.lists(st.builds(Candidate, names, st.integers(1, 10_000), st.integers(1, 10_000),
                                st.integers(0, 500), st.booleans()), max_size=30)


def _greedy(cands, site_bytes, entries, max_bytes, max_entries, reserve):
    """The plain rule, biggest saving first: (compressed-only count, pages among them), or None."""
    shared = [c for c in cands if reserve and c.shared and c.packed < c.plain]
    total, entries = site_bytes + sum(c.packed for c in shared), entries + len(shared)
    only = []
    for c in sorted((c for c in cands if c not in shared and c.plain - c.packed - c.note > 0),
                    key=lambda c: c.plain - c.packed - c.note, reverse=True):
        if total <= max_bytes:
            break
        only.append(c)
        total -= c.plain - c.packed - c.note
    if total > max_bytes or entries + len(only) > max_entries:
        return None
    return len(only), sum(c.path.endswith(".html") for c in only)


@given(candidates, st.integers(0, 200_000), st.integers(0, 60), st.integers(0, 300_000), st.integers(1, 100))
def test_the_plan_fits_whenever_it_can_and_spares_pages_and_shared_assets(cands, others, entries, max_bytes, max_entries):
    site_bytes = others + sum(c.plain for c in cands)
    site_entries = entries + len(cands)
    layout = plan(cands, site_bytes, site_entries, max_bytes, max_entries)
    plainly = _greedy(cands, site_bytes, site_entries, max_bytes, max_entries, reserve=False)
    assert (layout is None) == (plainly is None)  # refused only when even every saving is not enough
    if layout is None:
        return
    by_path = {c.path: c for c in cands}
    assert layout.bytes <= max_bytes and layout.entries <= max_entries
    assert not layout.compressed_only & layout.copied
    assert all(by_path[p].plain > by_path[p].packed + by_path[p].note for p in layout.compressed_only)
    assert layout.bytes == site_bytes + sum(by_path[p].packed + by_path[p].note - by_path[p].plain
                                            for p in layout.compressed_only) + sum(by_path[p].packed for p in layout.copied)
    assert layout.entries == site_entries + len(layout.compressed_only) + len(layout.copied)
    reserved = _greedy(cands, site_bytes, site_entries, max_bytes, max_entries, reserve=True)
    if reserved is not None:  # every page's scripts and styles keep a copy whenever that can fit
        assert {c.path for c in cands if c.shared and c.packed < c.plain} <= layout.copied
    pages = sum(p.endswith(".html") for p in layout.compressed_only)
    assert pages <= (reserved or plainly)[1]  # no more pages lost to a client without gzip than the plain rule
    copies_first = sum(c.packed for c in cands if c.shared and c.packed < c.plain) if reserved is not None else 0
    if site_bytes + copies_first <= max_bytes:
        assert not layout.compressed_only  # nothing kept compressed only when it fits without


def _entries(folder: Path) -> int:
    return sum(1 for _ in site_files(folder)) + folder_count(folder)


def _bytes(folder: Path) -> int:
    return sum(size for _path, size in site_files(folder))


def test_a_site_within_the_limits_keeps_every_file_and_gets_gzip_copies(site, tmp_path):
    layout = gitlab_pages(site, tmp_path / "public")
    public = tmp_path / "public"
    assert not layout.compressed_only and layout.copied
    assert (_bytes(public), _entries(public)) == (layout.bytes, layout.entries)
    for path, _size in site_files(site):
        assert (public / path).read_bytes() == (site / path).read_bytes(), path
        copy = public / f"{path}.gz"
        if path in layout.copied:
            assert path.endswith(BROWSER_READ) and gzip.decompress(copy.read_bytes()) == (site / path).read_bytes()
        elif not path.endswith(".gz"):
            assert not copy.exists() or (site / f"{path}.gz").exists(), path


def test_a_site_over_the_limit_keeps_its_largest_pages_compressed_only_and_fits(site, tmp_path):
    public = tmp_path / "public"
    limit = _bytes(site) * 6 // 10
    layout = gitlab_pages(site, public, max_bytes=limit)
    assert layout.compressed_only and _bytes(public) == layout.bytes <= limit
    assert _entries(public) == layout.entries
    for path, _size in site_files(site):
        original = (site / path).read_bytes()
        if path in layout.compressed_only:
            assert (public / path).read_bytes() == note_for(path)
            assert gzip.decompress((public / f"{path}.gz").read_bytes()) == original
        else:  # TEI, JSON, citations, downloads and the smaller pages stay as built
            assert (public / path).read_bytes() == original, path
    assert all(p.endswith(BROWSER_READ) for p in layout.compressed_only)
    shared = [p for p, _size in site_files(site) if is_shared(p)]  # every page's scripts and styles: always a copy
    assert any(p.endswith("edition.js") for p in shared) and any(p.startswith("zh-Hant/assets/") for p in shared)
    assert not any("/search/" in p for p in shared) and set(shared) <= layout.copied
    assert any(p.startswith("texts/") and p.endswith("/index.html") for p in layout.compressed_only)


def test_the_note_in_place_of_a_page_links_its_compressed_copy_in_both_scripts():
    note = note_for("texts/x/index.html").decode()
    assert '<a href="./index.html.gz">' in note and "此页只以 gzip 压缩存放" in note and "此頁只以 gzip 壓縮存放" in note
    assert note_for("assets/search/u61.js").decode().startswith("/*") and "u61.js.gz" in note_for("assets/search/u61.js").decode()


def test_a_hostile_file_name_stays_text_in_the_note():
    note = note_for('texts/x/"><img src=x onerror=alert(1)>.html').decode()
    assert "<img" not in note and 'href="./%22%3E%3Cimg%20src%3Dx' in note and "&quot;&gt;&lt;img" in note
    assert "*/" not in note_for("assets/a*/b.js").decode()[2:-4]


def test_a_site_that_cannot_fit_is_refused_and_the_previous_public_folder_is_kept(site, tmp_path):
    public = tmp_path / "public"
    public.mkdir()
    (public / "index.html").write_text("the last good layout")
    with pytest.raises(EditionError) as refused:
        gitlab_pages(site, public, max_bytes=_bytes(site) // 10)
    assert "GitLab Pages" in refused.value.message and "GitHub Pages" in refused.value.message
    assert [p.name for p in public.iterdir()] == ["index.html"] and (public / "index.html").read_text() == "the last good layout"
    assert sorted(os.listdir(tmp_path)) == ["public"]  # no half-made folder left beside it
    with pytest.raises(EditionError, match="entries"):
        gitlab_pages(site, public, max_entries=_entries(site) - 1)


def test_a_file_or_link_in_the_way_is_refused_and_kept(site, tmp_path):
    (tmp_path / "public").write_text("not a folder")
    with pytest.raises(EditionError, match="not a folder"):
        gitlab_pages(site, tmp_path / "public")
    assert (tmp_path / "public").read_text() == "not a folder"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(EditionError, match="link"):
        gitlab_pages(site, tmp_path / "linked")
    with pytest.raises(EditionError, match="previous public/ was left as it was"):  # an OSError, named
        gitlab_pages(site, tmp_path / "public" / "public")


def test_a_rerun_clears_what_an_interrupted_run_left_and_publishes_readable_folders(site, tmp_path):
    (tmp_path / ".public.k2j4x9").mkdir()
    (tmp_path / ".public.k2j4x9" / "half.html.gz").write_bytes(b"...")
    gitlab_pages(site, tmp_path / "public")
    gitlab_pages(site, tmp_path / "public")
    assert sorted(os.listdir(tmp_path)) == ["public"]
    assert (tmp_path / "public").stat().st_mode & 0o055 == 0o055 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_the_command_needs_a_built_site_and_a_folder_apart_from_it(site, tmp_path):
    with pytest.raises(EditionError, match="make site"):
        gitlab_pages(tmp_path / "site", tmp_path / "public")
    for out in (site / "public", site.parent):
        with pytest.raises(EditionError, match="--out"):
            gitlab_pages(site, out)
    assert not (site / "public").exists()
