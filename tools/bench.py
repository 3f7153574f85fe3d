"""`make bench`: whole-process build cost against the bare renderer, scaling, the published
site against static hosts' limits, preview latency, search and the long text, in one run.

Every build figure is a whole process (imports, zip and post-processing included): wall time,
CPU time (user + system of the process and its children) and peak memory (resident memory of the
whole process tree, sampled). The bare renderer is `mkdocs build` over the same generated
Markdown, one process per script variant, run one after the other; `make site` and the bare runs
alternate, and the ratio is taken pair by pair.

Usage: python tools/bench.py [--sizes 5,50,500,1000] [--runs 3] [--out bench/results.md]
       BENCH_SIZES=5,50,500,1000,10000 make bench
Sizes above 1000 texts run once (a 10,000-text pair takes most of an hour on 2 cores).
Results are kept per size in bench/results.json, so a long size can be run on its own and
the report still shows every size measured (each row says when it was measured).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zlib
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_tools.bench import copy_project, grown_glossary, make_corpus, make_long_text, reworded  # noqa: E402
from build_tools.enrich import occurrences  # noqa: E402
from build_tools.convert import converter  # noqa: E402
from build_tools.pipeline import load_edition, render_all  # noqa: E402
from build_tools.render_glossary import IN_CONTEXT, counts_per_text, glossary_pages, terms_panel  # noqa: E402
from build_tools.errors import EditionError  # noqa: E402
from build_tools.hosting import (HOST_BYTES, HOST_ENTRIES, LikeGitHubPages, folder_count, gitlab_pages,  # noqa: E402
                                 site_files)
from build_tools.site import write_markdown  # noqa: E402

STAGES = ["load", "segment", "enrich", "convert", "render", "search", "write"]
QUERIES = ["两张皮", "创先争优", "党建带团建", "善洲", "科学发展", "窗口单位", "體內循環", "五帶頭", "发", "学习实践活动"]
LONG_SIZES = [75_000, 150_000, 300_000]
GLOSSARY_SIZES = [100, 1000, 3000]  # entries: an archive's glossary grows with it
GLOSSARY_TEXTS = 1000
PHONE_CPU = 4  # CPU slowdown for a phone: what Lighthouse applies for its mobile runs
BARE_UP_TO = 1000  # sizes above: `make site` alone, once
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1300000000"}


def median(values):
    return statistics.median(values)


# --- whole processes --------------------------------------------------------------------------

def _tree_rss(pid: int) -> int:
    """Proportional resident bytes (PSS: pages shared after a fork counted once) of a process and
    all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            total += int(rollup.split("\nPss:", 1)[1].split()[0]) * 1024
        except (OSError, IndexError, ValueError):
            pass
    return total


def run_process(cmd: list[str], cwd: Path = ROOT) -> dict:
    """Wall, CPU and peak memory (whole tree) of one process; raises with its stderr on failure."""
    errors = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=errors)
    peak, done = [0], threading.Event()

    def sample():
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        errors.seek(0)
        raise RuntimeError(f"{' '.join(cmd)} failed:\n" + errors.read().decode("utf-8", "replace")[-3000:])
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak[0] / 1e6}


def bare_renderer(project: Path) -> dict:
    """`mkdocs build` over the pipeline's Markdown, one process per variant, one after the other."""
    out = Path(tempfile.mkdtemp(prefix="bare-"))
    runs = []
    try:
        for code, sub in (("zh-Hans", ""), ("zh-Hant", "zh-Hant")):
            runs.append(run_process([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                                     str(project / "build" / f"mkdocs.{code}.yml"), "-d", str(out / code / sub)]))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"wall": sum(r["wall"] for r in runs), "cpu": sum(r["cpu"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs)}


def make_site(project: Path) -> dict:
    return run_process([sys.executable, "-m", "build_tools", "--root", str(project), "site"])


def clear_caches() -> None:
    """Cold runs, as `make site` is: drop the in-process caches that serve live preview."""
    from build_tools import parallels, safety

    parallels._detect.cache_clear()
    safety.unsafe_reason.cache_clear()


def pipeline_times(project: Path) -> dict[str, float]:
    """Stage timings of one in-process pipeline run (what the whole-process figures break into)."""
    clear_caches()
    timings: dict[str, float] = {}
    write_markdown(load_edition(project, timings), timings)
    return {stage: timings.get(stage, 0.0) for stage in STAGES}


# What the published bytes are made of: the first matching part of a file's path in the site.
PARTS = [("text pages", ("texts/", "zh-Hant/texts/")), ("search index", ("assets/search", "zh-Hant/assets/search")),
         ("glossary", ("glossary/", "zh-Hant/glossary/")), ("TEI", ("tei/", "zh-Hant/tei/")),
         ("citations", ("citations/", "zh-Hant/citations/")), ("offline zip", ("downloads/",))]


def published(site: Path) -> dict:
    parts: dict[str, int] = {}
    files = total = archives = 0
    for rel, size in site_files(site):
        part = next((name for name, prefixes in PARTS if rel.startswith(prefixes)), "other")
        parts[part] = parts.get(part, 0) + size
        files, total = files + 1, total + size
        archives += size if rel.endswith(".zip") else 0
    return {"bytes": total, "files": files, "entries": files + folder_count(site), "zip": archives, "parts": parts,
            "artifact": pages_artifact(site), "gitlab": gitlab_layout(site)}


def gitlab_layout(site: Path) -> dict:
    """`python -m build_tools gitlab-pages` run on the site (beside it, then removed): the public/
    folder GitLab would take, its bytes and entries counted on disk, or why it was refused."""
    public = Path(tempfile.mkdtemp(prefix="public-", dir=site.resolve().parent))
    try:
        started = time.perf_counter()
        layout = gitlab_pages(site, public)
        wall = time.perf_counter() - started
        sizes = [size for _path, size in site_files(public)]
        return {"bytes": sum(sizes), "wall": wall, "entries": len(sizes) + folder_count(public),
                "compressed_only": len(layout.compressed_only), "copied": len(layout.copied)}
    except EditionError as refused:
        return {"refused": refused.problem}
    finally:
        shutil.rmtree(public, ignore_errors=True)


class _Deflated:
    """A write-only stream that counts what zlib at `level` makes of the bytes written to it."""
    def __init__(self, level: int):
        self.zlib, self.bytes = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS), 0

    def write(self, data: bytes) -> int:
        self.bytes += len(self.zlib.compress(data))
        return len(data)

    def close(self) -> None:
        self.bytes += len(self.zlib.flush())


def pages_artifact(site: Path) -> int:
    """Bytes of the artifact a GitHub Pages deploy uploads: upload-pages-artifact tars site/
    (links followed) and upload-artifact zips that one tar at zlib level 6, its default; this
    deflates the same tar stream (Python's tarfile, GNU format: headers as GNU tar writes them)
    without writing it. deploy-pages compares this size with its 1 GiB limit."""
    out = _Deflated(6)
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.GNU_FORMAT, dereference=True) as tar:
        tar.add(site, arcname=".")
    out.close()
    return out.bytes


# --- preview ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edit_to_preview(project: Path, edits: int = 3) -> dict[str, float | None]:
    """Seconds from saving one note to `make serve` serving the page with the new wording, per
    script (None where the preview does not serve that script)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "build_tools", "--root", str(project), "serve", "--dev-addr",
                               f"127.0.0.1:{port}"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=ENV)
    edition = load_edition(project)
    hant = converter(edition.variants[1], edition.conversion.overrides)
    urls = {"zh-Hans": f"http://127.0.0.1:{port}/texts/2010-xinhua-qa/index.html",
            "zh-Hant": f"http://127.0.0.1:{port}/zh-Hant/texts/2010-xinhua-qa/index.html"}
    notes = project / "source_texts" / "annotations" / "2010-xinhua-qa.yml"
    original = notes.read_text(encoding="utf-8")
    times: dict[str, list[float]] = {code: [] for code in urls}

    def fetch(url):
        try:
            return urlopen(url, timeout=5).read().decode("utf-8")
        except OSError:
            return ""

    try:
        deadline = time.time() + 1800
        while not fetch(urls["zh-Hans"]) and time.time() < deadline:
            time.sleep(0.5)
        served = {code: bool(fetch(url)) for code, url in urls.items()}
        for k in range(edits):
            marker = f"基准修改{k}号"
            wanted = {"zh-Hans": marker, "zh-Hant": hant(marker)}
            notes.write_text(reworded(original, marker), encoding="utf-8")
            started = time.perf_counter()
            pending = {code for code in urls if served[code]}
            while pending and time.perf_counter() - started < 120:
                for code in list(pending):
                    if wanted[code] in fetch(urls[code]):
                        times[code].append(time.perf_counter() - started)
                        pending.discard(code)
                time.sleep(0.05)
            time.sleep(1.0)
        return {code: median(t) if t else None for code, t in times.items()}
    finally:
        notes.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(timeout=30)


# --- reader side ------------------------------------------------------------------------------

# Bytes as the browser itself counts them (Resource Timing): decoded = the files, encoded = the
# bodies on the wire, transferred = encoded + headers, 0 when served from the cache.
PAGE_BYTES = """() => {
  const all = [performance.getEntriesByType("navigation")[0], ...performance.getEntriesByType("resource")];
  const sum = key => all.reduce((total, e) => total + e[key], 0);
  return {decoded: sum("decodedBodySize"), encoded: sum("encodedBodySize"), transferred: sum("transferSize"),
          index: all.some(e => e.name.includes("search"))};
}"""

FIRST_PAINT = """() => new Promise(resolve => new PerformanceObserver((list, observer) => {
  const entry = list.getEntries().find(e => e.name === "first-contentful-paint");
  if (entry) { observer.disconnect(); resolve(entry.startTime); }
}).observe({type: "paint", buffered: true}))"""

# Open the last note's popover: time from the click to the next frame with the popover in it.
OPEN_LAST_NOTE = """async () => {
  const refs = document.querySelectorAll("a.note-ref");
  const ref = refs[refs.length - 1];
  ref.scrollIntoView();
  await new Promise(requestAnimationFrame);
  const started = performance.now();
  ref.click();
  await new Promise(requestAnimationFrame);
  return {ms: performance.now() - started, open: !!document.querySelector(".edition-popover")};
}"""


@functools.cache
def chromium():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    return playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                      args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                            "--no-first-run", "--disable-background-networking"])


def serve_site(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(LikeGitHubPages, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def local_file(site: Path, url: str, bases: dict[str, str]) -> Path:
    for base in bases.values():
        if url.startswith(base):
            return site / unquote(urlsplit(url[len(base) - 1:]).path).lstrip("/")
    raise ValueError(url)


def reader_side(site: Path) -> dict:
    """Page weight of a text page, then the search figures."""
    server, online = serve_site(site)
    out = {}
    context = chromium().new_context()
    page = context.new_page()
    page.goto(online + "texts/2010-xinhua-qa/index.html")
    page.wait_for_load_state("networkidle")
    out["first_visit"] = page.evaluate(PAGE_BYTES)
    page.goto(online + "texts/2010-04-14-liu-qi-beijing/index.html")  # theme assets now cached
    page.wait_for_load_state("networkidle")
    out["next_page"] = page.evaluate(PAGE_BYTES)
    context.close()
    server.shutdown()
    return {**out, **search_figures(site)}


def search_figures(site: Path) -> dict:
    """Per query, in headless Chromium online and from file://: time to the first results drawn
    (index loading included) and to the whole archive read (the count, the filter buttons), and
    bytes of index read by each moment; then online again with the CPU slowed PHONE_CPU times,
    for a reader on a phone."""
    server, online = serve_site(site)
    bases = {"online": online, "file://": site.as_uri() + "/"}  # local_file maps either back to the site
    out = {}
    passes = [("online", online, 1), ("file://", bases["file://"], 1), ("phone", online, PHONE_CPU)]
    for label, base, slowdown in passes:
        context = chromium().new_context()  # each with an empty cache
        page = context.new_page()
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
        times, read, done_times, done_read = [], [], [], []
        for variant in ("", "zh-Hant/"):
            for q in QUERIES:
                page.goto(base + variant + "search.html?q=" + q)
                page.wait_for_function("document.body.dataset.searchDoneMs !== undefined", timeout=120000)
                times.append(float(page.evaluate("document.body.dataset.searchMs")))
                done_times.append(float(page.evaluate("document.body.dataset.searchDoneMs")))
                sizes = [local_file(site, url, bases).stat().st_size for url in page.evaluate("editionSearch.loaded")]
                read.append(sum(sizes[:page.evaluate("editionSearch.firstLoaded")]))
                done_read.append(sum(sizes))
        out[label] = {"median_ms": median(times), "worst_ms": max(times), "median_kb": median(read) / 1000,
                      "worst_kb": max(read) / 1000, "done_median_ms": median(done_times), "done_worst_ms": max(done_times),
                      "done_median_kb": median(done_read) / 1000, "done_worst_kb": max(done_read) / 1000}
        context.close()
    server.shutdown()
    return out


SEARCH_PAGE = ('<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
               '<link rel="preload" href="assets/search-index.js" as="script"></head><body>'
               '<div id="edition-search-results"></div><script src="assets/edition-search.js"></script></body></html>')


def archive_without_renderer(n: int, work: Path) -> dict:
    """For a size whose MkDocs build does not fit the bench's time: the pipeline as a whole
    process (`python -m build_tools markdown`: everything `make site` does before MkDocs) and
    the search on the index it wrote, served with the real edition-search.js."""
    project = make_corpus(ROOT, work / f"corpus-{n}", n)
    result = {"n": n, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "pipeline": run_process([sys.executable, "-m", "build_tools", "--root", str(project), "markdown"])}
    md, harness = project / "build" / "md", work / f"search-{n}"
    index = {"zh-Hans": "", "zh-Hant": "zh-Hant"}
    for code, sub in index.items():
        (harness / sub).mkdir(parents=True, exist_ok=True)
        (harness / sub / "assets").symlink_to(md / code / "assets")
        (harness / sub / "search.html").write_text(SEARCH_PAGE.format(lang=code), encoding="utf-8")
    files = [p for code in index for p in (md / code / "assets" / "search").glob("*.js")]
    result["index"] = {"bytes": sum(p.stat().st_size for p in files), "files": len(files),
                       "markdown": sum(p.stat().st_size for p in md.rglob("*.md"))}
    result["search"] = search_figures(harness)
    shutil.rmtree(project, ignore_errors=True)
    return result


# --- the long text ----------------------------------------------------------------------------

def long_text(work: Path) -> dict:
    """Pipeline cost against the volume's length, then the 300,000-character page in Chromium."""
    base = copy_project(ROOT, work / "long-0")
    out = {"pipeline": {}}
    for chars in [0] + LONG_SIZES:
        project = base if chars == 0 else make_long_text(ROOT, work / f"long-{chars}", chars)
        samples = []
        for _ in range(3):
            clear_caches()
            started = time.perf_counter()
            render_all(load_edition(project))
            samples.append(time.perf_counter() - started)
        out["pipeline"][chars] = median(samples)
    project = work / f"long-{LONG_SIZES[-1]}"
    out["site"] = make_site(project)
    site = project / "site"
    slug = next(p.stem for p in (project / "source_texts").glob("*compiled-volume.txt"))
    page_path = f"texts/{slug}/index.html"
    out["page_kb"] = (site / page_path).stat().st_size / 1000
    server, online = serve_site(site)
    context = chromium().new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    paints, jumps = [], []
    for _ in range(3):
        page.goto(online + page_path, wait_until="commit")
        paints.append(page.evaluate(FIRST_PAINT))
        page.wait_for_load_state("load")
    last = page.evaluate("[...document.querySelectorAll('[id^=p]')].map(e => e.id).filter(i => /^p\\d+$/.test(i)).pop()")
    for _ in range(3):
        started = time.perf_counter()
        page.goto(online + page_path + "#" + last, wait_until="load")
        page.wait_for_function("id => { const r = document.getElementById(id).getBoundingClientRect();"
                               "return r.top >= 0 && r.top < innerHeight; }", arg=last, timeout=30000)
        jumps.append(time.perf_counter() - started)
    note = page.evaluate(OPEN_LAST_NOTE)
    context.close()
    server.shutdown()
    out.update(first_paint_ms=median(paints), jump_s=median(jumps), jump_to=last, note_ms=note["ms"],
               note_open=note["open"])
    return out


# --- the glossary's size ----------------------------------------------------------------------

def glossary_scaling(work: Path) -> dict:
    """What the glossary's size costs at a fixed archive: finding every occurrence, and the
    pages that list them (entries, indexes, each text's term panel), both scripts' worth of the
    latter. In-process CPU seconds, median of 3: synthetic entries would not pass the editors'
    checks that a whole `make site` runs first."""
    project = make_corpus(ROOT, work / "glossary", GLOSSARY_TEXTS)
    edition = load_edition(project)
    docs = list(edition.docs)
    out = {"texts": GLOSSARY_TEXTS, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "sizes": {}}
    for size in GLOSSARY_SIZES:
        glossary = grown_glossary(edition.glossary, docs, size)
        matching, pages = [], []
        for _ in range(3):
            started = time.process_time()
            found = occurrences(glossary, docs)
            matched = time.process_time()
            per_text = counts_per_text(found)
            for _script in range(2):
                glossary_pages(glossary, found, docs, str)
                for d in docs:
                    terms_panel(d, glossary, per_text[d.meta.slug], str)
            matching.append(matched - started)
            pages.append(time.process_time() - matched)
        out["sizes"][str(size)] = {"entries": len(glossary.entries), "hits": sum(map(len, found.values())),
                                   "matching_s": median(matching), "pages_s": median(pages)}
    shutil.rmtree(project, ignore_errors=True)
    return out


# --- one size ---------------------------------------------------------------------------------

def measure(n: int, runs: int, work: Path, preview: bool) -> dict:
    project = work / f"corpus-{n}"
    if n <= 5:
        copy_project(ROOT, project)
    else:
        make_corpus(ROOT, project, n)
    result = {"n": n, "runs": runs, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "stages": pipeline_times(project)}
    if n <= BARE_UP_TO:
        pairs = [(bare_renderer(project), make_site(project)) for _ in range(runs)]
        result["bare"] = {k: median([b[k] for b, _ in pairs]) for k in ("wall", "cpu", "peak_mb")}
        result["ratio"] = median([s["wall"] / b["wall"] for b, s in pairs])
        result["cpu_ratio"] = median([s["cpu"] / b["cpu"] for b, s in pairs])
    else:  # the bare runs would double an hour-long measurement; target 1 is set up to 1,000 texts
        pairs = [(None, make_site(project)) for _ in range(runs)]
    result["site"] = {k: median([s[k] for _, s in pairs]) for k in ("wall", "cpu", "peak_mb")}
    result["published"] = published(project / "site")
    outside = project / "build" / "offline"
    result["offline_outside"] = sum(p.stat().st_size for p in outside.glob("*.zip")) if outside.exists() else 0
    result["reader"] = reader_side(project / "site")
    if preview:
        result["preview"] = edit_to_preview(project)
    shutil.rmtree(project, ignore_errors=True)
    return result


# --- report -----------------------------------------------------------------------------------

SEARCH_HEADS = ("first results online: median / worst | file://: median / worst | index read to first results: "
                "median / worst | whole archive online: median / worst | file://: median / worst | index read, whole: "
                f"median / worst | phone (CPU {PHONE_CPU}× slower), online: first results | whole archive |")


def search_cells(sr: dict) -> str:
    """The cells under SEARCH_HEADS; runs from before a figure was measured show a dash."""
    def pair(figures: dict | None, key: str, unit: str) -> str:
        if not figures or f"{key}median_{unit}" not in figures:
            return "— |"
        return f"{figures[key + 'median_' + unit]:.0f} / {figures[key + 'worst_' + unit]:.0f} {unit.upper() if unit == 'kb' else unit} |"
    return " ".join([pair(sr[where], key, unit) for key in ("", "done_")
                     for where, unit in (("online", "ms"), ("file://", "ms"), ("online", "kb"))]
                    + [pair(sr.get("phone"), key, "ms") for key in ("", "done_")])


def gitlab_cell(g: dict | None) -> str:
    if not g:
        return "not measured"
    if "refused" in g:
        return "does not fit"
    return (f"{mb(g['bytes'])} / {g['entries']:,} / {g['compressed_only']:,} / {g['copied']:,} "
            f"({fits(g['bytes'] <= HOST_BYTES and g['entries'] <= HOST_ENTRIES)})")


def mb(b: float) -> str:
    return f"{b / 1e6:,.0f} MB"


def fits(ok: bool) -> str:
    return "fits" if ok else "too large"


def report(results: list[dict], long: dict | None, archive: list[dict] = (), glossary: dict | None = None) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    lines = ["# Benchmark results", "",
             f"- machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}; Python "
             f"{platform.python_version()}; other jobs may have shared the cores (ratios are taken pair by pair)",
             "- whole processes: wall, CPU (user+system of the process tree) and peak memory (resident memory of the "
             "whole process tree in PSS, sampled every 0.1 s); `make site` = `python -m build_tools site`; bare MkDocs = "
             "`mkdocs build` over the same Markdown, one process per script variant, one after the other",
             "", "## Build (whole process)", "",
             "| texts | measured | pairs | make site: wall / CPU / peak | bare MkDocs: wall / CPU / peak | "
             "make site / bare (wall, median of pairs) | CPU ratio | wall per text |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        s, b = r["site"], r.get("bare")
        bare = (f"{b['wall']:.1f} s / {b['cpu']:.1f} s / {b['peak_mb']:.0f} MB | {r['ratio']:.2f}× | {r['cpu_ratio']:.2f}×"
                if b else "not run | — | —")
        lines.append(f"| {r['n']} | {r['date']} | {r['runs']} | {s['wall']:.1f} s / {s['cpu']:.1f} s / "
                     f"{s['peak_mb']:.0f} MB | {bare} | {s['wall'] / r['n'] * 1000:.0f} ms |")
    lines += ["", "Pipeline stages inside `make site` (one in-process run, seconds):", "",
              "| texts | " + " | ".join(STAGES) + " |", "|---|" + "---|" * len(STAGES)]
    for r in results:
        lines.append(f"| {r['n']} | " + " | ".join(f"{r['stages'][s]:.2f}" if s in r['stages'] else "—" for s in STAGES) + " |")
    for a, b in zip(results, results[1:]):
        k = b["n"] / a["n"]
        lines += ["", f"Scaling {a['n']} → {b['n']} texts ({k:.0f}×): make site wall {b['site']['wall'] / a['site']['wall']:.1f}×, "
                  f"CPU {b['site']['cpu'] / a['site']['cpu']:.1f}×, "
                  f"peak memory {b['site']['peak_mb'] / a['site']['peak_mb']:.1f}×, published bytes "
                  f"{b['published']['bytes'] / a['published']['bytes']:.1f}×."]
    lines += ["", "## Published site (what a Pages deploy uploads)", "",
              "| texts | site/ bytes | files | of which offline zip | offline zip built outside site/ | per text | "
              f"Pages artifact (uploaded, compressed) | GitHub Pages (artifact ≤ {mb(HOST_BYTES)}) | "
              f"GitLab Pages, site/ as it is (unpacked ≤ {mb(HOST_BYTES)}, ≤ {HOST_ENTRIES:,} entries) | "
              "GitLab Pages, `gitlab-pages` public/: unpacked / entries / kept compressed only / with a gzip copy |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        p, artifact = r["published"], r["published"].get("artifact")
        lines.append(f"| {r['n']} | {mb(p['bytes'])} | {p['files']:,} | {mb(p['zip'])} | "
                     f"{mb(r['offline_outside']) if r['offline_outside'] else '—'} | {p['bytes'] / r['n'] / 1000:.0f} KB | "
                     f"{mb(artifact) if artifact else 'not measured'} | "
                     f"{fits(artifact <= HOST_BYTES) if artifact else '—'} | "
                     f"{fits(p.get('entries', p['files']) <= HOST_ENTRIES and p['bytes'] <= HOST_BYTES)} | "
                     f"{gitlab_cell(p.get('gitlab'))} |")
    lines += ["", "What each host checks. GitHub: `actions/deploy-pages` warns \"Deployment might fail\" when the "
              "artifact `actions/upload-pages-artifact` uploaded is over 1 GiB; that artifact is a tar of site/ which "
              "`actions/upload-artifact` zips at zlib level 6, so the check is on compressed bytes (measured here by "
              "deflating the same tar stream at level 6; the limit is taken as 1,000 MB, stricter than 1 GiB). GitLab "
              "checks the unpacked size of the pages artifact and counts its entries, folders too; it serves `X.gz` for "
              "`X` to a client that accepts gzip, which `python -m build_tools gitlab-pages` uses (build_tools/hosting.py): "
              "pages, scripts and styles get a gzip copy, and when the site would not fit otherwise some are kept "
              "compressed only (the search index's parts first, then pages; never the scripts and styles every page "
              "loads), a note in both scripts at the plain name for clients that do not accept gzip."]
    with_parts = [r for r in results if "parts" in r["published"]]
    if with_parts:
        names = [name for name, _ in PARTS] + ["other"]
        lines += ["", "Per text, by part (both scripts together):", "",
                  "| texts | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for r in with_parts:
            lines.append(f"| {r['n']} | " + " | ".join(f"{r['published']['parts'].get(n, 0) / r['n'] / 1000:.1f} KB"
                                                        for n in names) + " |")
    lines += ["", "## Reader side", "",
              "| texts | text page, first visit: files / transferred | next text page | " + SEARCH_HEADS,
              "|---|---|---|" + "---|" * SEARCH_HEADS.count("|")]
    for r in results:
        if "reader" not in r:  # a run stopped before the browser part
            lines.append(f"| {r['n']} | not measured | |" + " |" * SEARCH_HEADS.count("|"))
            continue
        rd = r["reader"]
        lines.append(f"| {r['n']} | {rd['first_visit']['decoded'] / 1000:.0f} / {rd['first_visit']['transferred'] / 1000:.0f} KB "
                     f"| {rd['next_page']['decoded'] / 1000:.0f} / {rd['next_page']['transferred'] / 1000:.0f} KB | "
                     + search_cells(rd))
    lines += ["", "Text page: the Xinhua interview, then the Liu Qi speech, from a local server that compresses and "
              "caches as GitHub Pages does (files = decoded bodies, what a reader of the offline copy loads from disk). "
              "First results: from the results page asking for the index to its first pages of results drawn "
              "(before this index the first 50 results, after every part was read); whole archive: until the count "
              "and the filter buttons are filled in (the whole index for the query read). Index read = bytes of every "
              "index file loaded by then (manifest, term shards and parts, names, text chunks); online and file:// "
              f"read the same files. Phone: the same queries online with Chromium's CPU slowed {PHONE_CPU}× "
              "(Emulation.setCPUThrottlingRate, as Lighthouse's mobile runs), the network not throttled. "
              f"Each query in both scripts: {'、'.join(QUERIES)}."]
    if archive:
        lines += ["", "## Archive scale without the renderer", "",
                  "The pipeline as one whole process (`python -m build_tools markdown`: load, check, enrich, convert, "
                  "render, the search index, writing; all of `make site` before MkDocs) and the search on the index it "
                  "wrote, with the real edition-search.js on a bare page (no theme), each query in both scripts.", "",
                  "| texts | measured | pipeline: wall / CPU / peak | Markdown written | search index: files / bytes | "
                  + SEARCH_HEADS, "|---|---|---|---|---|" + "---|" * SEARCH_HEADS.count("|")]
        for a in archive:
            p, sr = a["pipeline"], a["search"]
            lines.append(f"| {a['n']} | {a['date']} | {p['wall']:.0f} s / {p['cpu']:.0f} s / {p['peak_mb']:.0f} MB | "
                         f"{mb(a['index']['markdown'])} | {a['index']['files']:,} / {mb(a['index']['bytes'])} | "
                         + search_cells(sr))
    previews = [r for r in results if r.get("preview")]
    if previews:
        lines += ["", "## Edit-to-preview (`make serve`, one note edited, median of 3)", "",
                  "| texts | simplified page | traditional page |", "|---|---|---|"]
        for r in previews:
            p = r["preview"]
            lines.append(f"| {r['n']} | " + " | ".join(f"{p[c]:.2f} s" if p.get(c) is not None else "not served"
                                                      for c in ("zh-Hans", "zh-Hant")) + " |")
    if long:
        base = long["pipeline"]["0"] if "0" in long["pipeline"] else long["pipeline"][0]
        lines += ["", "## One long text (a compiled volume, real paragraphs recombined)", "",
                  "| characters | pipeline (5 real texts + the volume) | the volume's share | per 100,000 characters |",
                  "|---|---|---|---|"]
        for chars, seconds in long["pipeline"].items():
            if int(chars):
                lines.append(f"| {int(chars):,} | {seconds:.2f} s | {seconds - base:.2f} s | "
                             f"{(seconds - base) / int(chars) * 1e5:.2f} s |")
        s = long["site"]
        lines += ["", f"Baseline (the 5 real texts alone): {base:.2f} s. At {LONG_SIZES[-1]:,} characters: `make site` "
                  f"{s['wall']:.1f} s wall, {s['cpu']:.1f} s CPU, {s['peak_mb']:.0f} MB; the page {long['page_kb']:.0f} KB; "
                  f"first contentful paint {long['first_paint_ms']:.0f} ms (bench server, median of 3); opening the "
                  f"page at its last paragraph (#{long['jump_to']}) until it is in view {long['jump_s']:.2f} s; "
                  f"opening the last note's popover {long['note_ms']:.0f} ms "
                  f"({'opened' if long['note_open'] else 'did NOT open'})."]
    if glossary:
        lines += ["", f"## The glossary's size ({glossary['texts']:,} texts, measured {glossary['date']})", "",
                  "Finding every occurrence, and the pages listing them (entry and index pages, each text's term "
                  "panel; both scripts), in-process CPU time, median of 3. The real entries first, then words "
                  f"drawn from the texts. An entry's page shows at most its first {IN_CONTEXT} occurrences in context, "
                  "so the pages cost per entry, the finding per occurrence.", "",
                  "| entries | occurrences | finding them | per 100,000 occurrences | their pages | per entry |",
                  "|---|---|---|---|---|---|"]
        for g in glossary["sizes"].values():
            lines.append(f"| {g['entries']:,} | {g['hits']:,} | {g['matching_s']:.2f} s | "
                         f"{g['matching_s'] / g['hits'] * 1e5:.2f} s | {g['pages_s']:.2f} s | "
                         f"{g['pages_s'] / g['entries'] * 1e3:.1f} ms |")
    notes = ROOT / "bench" / "notes.md"  # what the figures cannot say: load, commits, what was not run
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "5,50,500,1000"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--preview", default=os.environ.get("BENCH_PREVIEW", "5,1000"),
                        help="sizes at which to time edit-to-preview")
    parser.add_argument("--no-long", action="store_true", help="skip the long-text figures")
    parser.add_argument("--no-glossary", action="store_true", help="skip the glossary-size figures")
    parser.add_argument("--archive", default=os.environ.get("BENCH_ARCHIVE", ""),
                        help="sizes to measure without MkDocs: pipeline process and search only")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="edition-bench-"))
    store = args.out.with_suffix(".json")
    previews = {int(n) for n in args.preview.split(",") if n}
    measured: dict[str, dict] = {}
    try:
        for n in (int(n) for n in args.sizes.split(",") if n):
            measured[str(n)] = measure(n, args.runs if n <= 1000 else 1, work, n in previews)
        archive = {str(n): archive_without_renderer(int(n), work) for n in args.archive.split(",") if n}
        long = None if args.no_long else long_text(work)
        glossary = None if args.no_glossary else glossary_scaling(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    kept = json.loads(store.read_text(encoding="utf-8")) if store.exists() else {}  # read late: runs may overlap
    kept.setdefault("sizes", {}).update(measured)
    kept.setdefault("archive", {}).update(archive)
    if long:
        kept["long"] = long
    if glossary:
        kept["glossary"] = glossary
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps(kept, ensure_ascii=False, indent=1), encoding="utf-8")
    results = [kept["sizes"][k] for k in sorted(kept["sizes"], key=int)]
    text = report(results, kept.get("long"), [kept["archive"][k] for k in sorted(kept.get("archive", {}), key=int)],
                  kept.get("glossary"))
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
