"""The sharded index, read by the real edition-search.js in Chromium from file://, finds exactly
what a linear scan of the source finds, on a synthetic corpus larger than the real one."""

from __future__ import annotations

import shutil

import pytest

from build_tools.bench import make_corpus
from build_tools.pipeline import load_edition, render_all
from build_tools.search import INDEX_FILE, SHARD_DIR
from tests.search_queries import queries, source_units, truth

EXTRA = ["发", "的", "，", "创先争优", "创先争优活动", "工作工作", "合成文本1"]  # frequent terms, repeats


@pytest.fixture(scope="module")
def synthetic(root, tmp_path_factory):
    """A 40-text corpus; each variant's search files under out/ (the site layout), nothing else."""
    work = tmp_path_factory.mktemp("sharded")
    edition = load_edition(make_corpus(root, work / "project", 40))
    out = work / "site"
    for variant, pages in render_all(edition).items():
        path = next(v.path for v in edition.variants if v.code == variant)
        for page in pages:
            if page.path == INDEX_FILE or page.path.startswith(SHARD_DIR + "/"):
                target = out / path / page.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(page.content, encoding="utf-8")
        (out / path / "assets" / "edition-search.js").parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / "docs" / "assets" / "edition-search.js", out / path / "assets" / "edition-search.js")
        (out / path / "search.html").write_text('<!doctype html><html lang="zh"><head><meta charset="utf-8"></head>'
                                                '<body><script src="assets/edition-search.js"></script></body></html>',
                                                encoding="utf-8")
    return edition, out


@pytest.mark.parametrize("variant", ["", "zh-Hant/"])
def test_sharded_search_equals_a_linear_scan(page, synthetic, variant):
    edition, out = synthetic
    units = source_units(edition)
    qs = queries(edition) + [(q, q) for q in EXTRA]
    page.goto((out / variant / "search.html").as_uri())
    page.wait_for_function("window.editionSearch !== undefined")
    found = page.evaluate("qs => Promise.all(qs.map(q => editionSearch.search(q).then(hits => "
                          "hits.map(h => [h.url + '#' + h.anchor, h.count, h.shown.slice(h.pos, h.pos + h.length)]))))",
                          [typed for typed, _ in qs])
    misses = {typed: sorted(truth(units, meant) ^ {key for key, _, _ in hits})
              for (typed, meant), hits in zip(qs, found) if {key for key, _, _ in hits} != truth(units, meant)}
    assert misses == {}
    counts = {(typed, key): count for (typed, _), hits in zip(qs, found) for key, count, _ in hits}
    assert all(counts[typed, key] == units[key].count(meant) for (typed, meant), hits in zip(qs, found)
               for key, _, _ in hits if len(meant) == 1)  # one character: occurrences cannot overlap
    assert all(len(marked) == len(meant) for (_, meant), hits in zip(qs, found) for _, _, marked in hits)
    assert page.outside_requests == []
