"""`make bench`: build cost against the bare renderer, scaling, preview latency and reader-side
speed, measured in one run (ratios are taken within the run; every figure is a median).

Usage: python tools/bench.py [--sizes 5,50,500] [--runs 3] [--out bench/results.md]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_tools.bench import copy_project, make_corpus  # noqa: E402
from build_tools.pipeline import load_edition  # noqa: E402
from build_tools.site import write_markdown  # noqa: E402

STAGES = ["load", "segment", "enrich", "convert", "render", "write"]
QUERIES = ["两张皮", "创先争优", "党建带团建", "善洲", "科学发展", "窗口单位", "體內循環", "五帶頭", "发", "学习实践活动"]


def median(values):
    return statistics.median(values)


def clear_caches() -> None:
    """Cold runs, as `make site` is: drop the in-process caches that serve live preview."""
    from build_tools import enrich, parallels, safety

    parallels._detect.cache_clear()
    safety.unsafe_reason.cache_clear()
    enrich._alternation.cache_clear()


def pipeline_times(project: Path, runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        clear_caches()
        timings: dict[str, float] = {}
        write_markdown(load_edition(project, timings), timings)
        samples.append(timings)
    return {stage: median([s.get(stage, 0.0) for s in samples]) for stage in STAGES}


def bare_renderer_time(project: Path, runs: int) -> float:
    """MkDocs alone on the Markdown the pipeline wrote: both variants, as `make site` runs it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1300000000"}
    code = ("import sys,logging; logging.disable(logging.INFO)\n"
            "from mkdocs.config import load_config; from mkdocs.commands.build import build\n"
            "for cfg, out in zip(sys.argv[1::2], sys.argv[2::2]): build(load_config(config_file=cfg, site_dir=out))\n")
    times = []
    for _ in range(runs):
        out = Path(tempfile.mkdtemp(prefix="bare-"))
        args = [str(config_path_for(project, "zh-Hans")), str(out), str(config_path_for(project, "zh-Hant")),
                str(out / "zh-Hant")]
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, *args], check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - started)
        shutil.rmtree(out)
    return median(times)


def config_path_for(project: Path, code: str) -> Path:
    return project / "build" / f"mkdocs.{code}.yml"


def make_site(project: Path, runs: int) -> tuple[float, float]:
    """Wall time of `python -m build_tools site` (what `make site` runs) and its peak memory (MB)."""
    times, peaks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, "-m", "build_tools", "--root", str(project),
                               "site"], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        times.append(time.perf_counter() - started)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])
        peaks.append(int(proc.stderr.strip().splitlines()[-1]) / 1024)
    return median(times), median(peaks)


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edit_to_preview(project: Path, edits: int = 3) -> float:
    """Seconds from saving one note to `make serve` serving the page with the new wording."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "build_tools", "--root", str(project), "serve", "--dev-addr",
                               f"127.0.0.1:{port}"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    url = f"http://127.0.0.1:{port}/texts/2010-xinhua-qa/index.html"
    notes = project / "source_texts" / "annotations" / "2010-xinhua-qa.yml"
    original = notes.read_text(encoding="utf-8")
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urlopen(url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        times = []
        for k in range(edits):
            marker = f"基准修改{k}号"
            notes.write_text(original.replace("即2010年5月7日。", f"即2010年5月7日。{marker}"), encoding="utf-8")
            started = time.perf_counter()
            while marker not in urlopen(url, timeout=5).read().decode("utf-8"):
                if time.perf_counter() - started > 60:
                    raise RuntimeError("preview did not refresh")
                time.sleep(0.05)
            times.append(time.perf_counter() - started)
            time.sleep(1.0)
        return median(times)
    finally:
        notes.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(timeout=10)


class _LikePages(SimpleHTTPRequestHandler):
    """A static host as GitHub Pages serves the site: text compressed with gzip when the browser
    asks for it, and cacheable for ten minutes."""
    COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".svg", ".jsonld"}

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_file() and path.suffix in self.COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def log_message(self, *args):
        pass


# Bytes as the browser itself counts them (Resource Timing): decoded = the files, encoded = the
# bodies on the wire, transferred = encoded + headers, 0 when served from the cache.
PAGE_BYTES = """() => {
  const all = [performance.getEntriesByType("navigation")[0], ...performance.getEntriesByType("resource")];
  const sum = key => all.reduce((total, e) => total + e[key], 0);
  return {decoded: sum("decodedBodySize"), encoded: sum("encodedBodySize"), transferred: sum("transferSize"),
          index: all.some(e => e.name.includes("search-index"))};
}"""


def reader_side(site: Path) -> dict:
    """Page weight of a text page and time to the first search result, in headless Chromium,
    online (127.0.0.1) and from file://."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_LikePages, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bases = {"online": f"http://127.0.0.1:{server.server_address[1]}/", "file://": site.as_uri() + "/"}
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                          "--no-first-run", "--disable-background-networking"])
        page = browser.new_page()
        page.goto(bases["online"] + "texts/2010-xinhua-qa/index.html")
        page.wait_for_load_state("networkidle")
        out["first_visit"] = page.evaluate(PAGE_BYTES)
        page.goto(bases["online"] + "texts/2010-04-14-liu-qi-beijing/index.html")  # theme assets now cached
        page.wait_for_load_state("networkidle")
        out["next_page"] = page.evaluate(PAGE_BYTES)
        page.goto(bases["online"] + "search.html?q=" + QUERIES[0])  # the index comes with the first search
        page.wait_for_load_state("networkidle")
        out["index_transferred"] = page.evaluate(
            "performance.getEntriesByType('resource').filter(e => e.name.includes('search-index'))"
            ".reduce((total, e) => total + e.transferSize, 0)")
        out["index_kb"] = (site / "assets" / "search-index.js").stat().st_size / 1000
        for label, base in bases.items():
            times = []
            for q in QUERIES:
                page.goto(base + "search.html?q=" + q)
                page.wait_for_function("document.body.dataset.searchMs !== undefined", timeout=60000)
                times.append(float(page.evaluate("document.body.dataset.searchMs")))
            out[label] = (median(times), max(times))
        browser.close()
    server.shutdown()
    return out


def measure(n: int, runs: int, work: Path) -> dict:
    project = work / f"corpus-{n}"
    if n <= 5:
        copy_project(ROOT, project)
    else:
        make_corpus(ROOT, project, n)
    stages = pipeline_times(project, runs)
    bare = bare_renderer_time(project, runs)
    wall, peak = make_site(project, runs)
    site = project / "site"
    result = {"n": n, "stages": stages, "pipeline": sum(stages.values()), "bare": bare, "wall": wall, "peak_mb": peak,
              "site_mb": size_mb(site),
              "index_kb": {v: (site / v / "assets" / "search-index.js").stat().st_size / 1000 for v in ("", "zh-Hant")},
              "parallels": len(json.loads((site / "parallels.json").read_text(encoding="utf-8"))["pairs"])}
    result["reader"] = reader_side(site)
    if n <= 5:
        result["preview"] = edit_to_preview(project)
    return result


def report(results: list[dict], runs: int) -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    lines = ["# Benchmark results", "",
             f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
             f"- machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}; Python "
             f"{platform.python_version()}",
             f"- every figure is the median of {runs} runs in this one run of `make bench`; ratios are taken within it",
             "", "## Build", "",
             "| texts | " + " | ".join(STAGES) + " | pipeline | bare MkDocs | pipeline / MkDocs | make site (wall) "
             "| peak memory | site/ | search index 简 / 繁 | parallels |",
             "|---|" + "---|" * (len(STAGES) + 8)]
    for r in results:
        lines.append(f"| {r['n']} | " + " | ".join(f"{r['stages'][s]:.2f} s" for s in STAGES)
                     + f" | {r['pipeline']:.2f} s | {r['bare']:.2f} s | {r['pipeline'] / r['bare']:.0%} | {r['wall']:.1f} s "
                     f"| {r['peak_mb']:.0f} MB | {r['site_mb']:.0f} MB | {r['index_kb']['']:.0f} / "
                     f"{r['index_kb']['zh-Hant']:.0f} KB | {r['parallels']} |")
    for a, b in zip(results, results[1:]):
        lines += ["", f"Scaling {a['n']} → {b['n']} texts ({b['n'] / a['n']:.0f}×): pipeline "
                  f"{b['pipeline'] / a['pipeline']:.1f}×, bare MkDocs {b['bare'] / a['bare']:.1f}×, "
                  f"make site {b['wall'] / a['wall']:.1f}×, peak memory {b['peak_mb'] / a['peak_mb']:.1f}×."]
    lines += ["", "## Preview and reader side", "",
              "| texts | edit-to-preview (one note) | text page, first visit: files / transferred | next text page: "
              "files / transferred | search index: file / transferred | first search result online: median / worst | file://: median / "
              "worst |", "|---|---|---|---|---|---|---|"]
    for r in results:
        rd = r["reader"]
        first, following = rd["first_visit"], rd["next_page"]
        preview = f"{r['preview']:.2f} s" if "preview" in r else "—"
        lines.append(f"| {r['n']} | {preview} | {first['decoded'] / 1000:.0f} / {first['transferred'] / 1000:.0f} KB | "
                     f"{following['decoded'] / 1000:.0f} / {following['transferred'] / 1000:.0f} KB | "
                     f"{rd['index_kb']:.0f} / {rd['index_transferred'] / 1000:.0f} KB | {rd['online'][0]:.0f} / {rd['online'][1]:.0f} ms | "
                     f"{rd['file://'][0]:.0f} / {rd['file://'][1]:.0f} ms |")
    loads_index = [r["n"] for r in results if r["reader"]["first_visit"]["index"] or r["reader"]["next_page"]["index"]]
    lines += ["", "Text page: the Xinhua interview, then the Liu Qi speech, from a local server that compresses and "
              "caches as GitHub Pages does; bytes as Chromium's Resource Timing counts them (files = decoded bodies, "
              "what a reader of the offline copy loads from disk). "
              + (f"The search index was loaded by a text page at {loads_index} texts." if loads_index
                 else "No text page loaded the search index.")]
    lines += ["", "First search result: from the results page asking for the index to the results drawn, including "
              f"loading and parsing the index on first use; queries: {'、'.join(QUERIES)}.", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "5,50,500"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="edition-bench-"))
    try:
        results = [measure(int(n), args.runs, work) for n in args.sizes.split(",")]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(results, args.runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
