"""The one entry point: `python -m build_tools <command>`."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
import time
from pathlib import Path

from build_tools.errors import EditionError, EditionErrors, processing

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_tools",
                                     description="Build the annotated edition from source_texts/.")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this checkout)")
    parser.add_argument("--github", action="store_true",
                        help="also print errors as GitHub annotations (::error file=…,line=…::) for pull requests")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate all editorial data in seconds, without building the site")
    check.add_argument("--base", default=None,
                       help="git revision a pull request starts from: its raw texts must be unchanged since")
    sub.add_parser("markdown", help="run the pipeline only: write build/md/<variant>/ and renderer configs")
    site = sub.add_parser("site", help="pipeline + MkDocs for every variant into site/ (last good site kept on failure)")
    site.add_argument("--site-dir", type=Path, default=None)
    gitlab = sub.add_parser("gitlab-pages", help="lay the built site out as public/ for GitLab Pages' limits "
                                                 "(gzip copies; the largest pages compressed only when it must)")
    gitlab.add_argument("--site-dir", type=Path, default=None, help="the built site (default: site/)")
    gitlab.add_argument("--out", type=Path, default=None, help="where to write it (default: public/)")
    man = sub.add_parser("manifest", help="check the anchor manifest, or record deliberate changes")
    man.add_argument("--update", action="store_true",
                     help="record the texts' ids in anchors.manifest.json, rewriting references whose paragraph moved")
    man.add_argument("--accept", action="append", default=[], metavar="SLUG#ID",
                     help="a reference that still means its changed paragraph (repeatable)")
    audit = sub.add_parser("audit-conversion", help="list every character OpenCC could convert more than one way")
    audit.add_argument("--variant", default="zh-Hant")
    audit.add_argument("--out", type=Path, default=None, help="write the review sheet (Markdown) here")
    corpus = sub.add_parser("bench-corpus", help="write a synthetic N-text project (real texts recombined) for benchmarks")
    corpus.add_argument("n", type=int)
    corpus.add_argument("--out", type=Path, required=True)
    new = sub.add_parser("new-text", help="take in a raw text: copy it verbatim under a slug, draft its .yml "
                                          "(guesses marked # REVIEW) and an empty notes file")
    new.add_argument("src", type=Path, help="the raw text file (UTF-8)")
    new.add_argument("--slug", default=None, help="the text's permanent id, e.g. 2011-06-20-lin-xiangdong")
    summary = sub.add_parser("summary", help="Markdown summary for a pull request (counts, changed editorial files)")
    summary.add_argument("--base", default=None, help="git revision to compare with, e.g. origin/main")
    serve = sub.add_parser("serve", help="live preview of both scripts at 127.0.0.1:8000 (/ and /zh-Hant/), "
                                          "rebuilt on every save; a bad save shows its errors in the page")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000")
    serve.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (overrides --dev-addr's)")
    args = parser.parse_args(argv)
    args.root = args.root.resolve()  # generated configs name files by absolute path
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        return COMMANDS[args.command](args)
    except EditionError as err:
        from build_tools.wording import github_annotations, grouped

        print(grouped(err), file=sys.stderr)
        if args.github:
            print("\n".join(github_annotations(err, args.root)))
        return 1
    except OSError as err:  # disk full, permissions, a file vanishing mid-build
        where = err.filename or processing.get() or args.root
        problem = "the disk is full" if err.errno == errno.ENOSPC else err.strerror or str(err)
        zh = "磁盘已满" if err.errno == errno.ENOSPC else "无法读写"
        print(f"error: {where}: {zh} ({problem}) — 腾出空间或修改权限后重新运行；原有的 site/ 没有改动 "
              f"({problem} — free space or fix permissions and run again; "
              "the previous site/ was left as it was)", file=sys.stderr)
        return 1
    except Exception as err:  # a bug that some input provokes: still name the input, never a traceback
        where = processing.get() or args.root
        print(f"error: {where}: 无法处理 (could not be processed ({type(err).__name__}: {err})) — "
              "对照 schemas/ 和 README 检查这个文件；如果看来没错，请附上这条消息报告程序错误 "
              "(check this file against schemas/ and the README; if it looks right, report a bug with this message)",
              file=sys.stderr)
        if os.environ.get("BUILD_TOOLS_DEBUG"):
            raise
        return 1


def _check(args) -> int:
    from build_tools.counts import notes_coverage
    from build_tools.pipeline import check, load_edition

    started = time.perf_counter()
    if args.base:
        from build_tools.load import edited_raw_texts

        if edited := edited_raw_texts(args.root, args.base):
            raise EditionErrors(edited)
    edition = load_edition(args.root)
    check(edition)
    paragraphs = sum(len(d.paragraphs) for d in edition.docs)
    print(f"ok: {len(edition.docs)} texts, {paragraphs} paragraphs valid "
          f"({time.perf_counter() - started:.2f} s)")
    print(notes_coverage(list(edition.docs), edition.notes))
    return 0


def _markdown(args) -> int:
    from build_tools.pipeline import load_edition
    from build_tools.site import write_markdown

    write_markdown(load_edition(args.root))
    print(f"markdown written to {args.root / 'build' / 'md'}")
    return 0


def _site(args) -> int:
    from build_tools.renderers import Renderers

    started = time.perf_counter()
    with Renderers() as renderers:  # forked first: MkDocs starts up while the pipeline runs
        from mkdocs.exceptions import MkDocsException

        from build_tools.pipeline import load_edition
        from build_tools.hosting import hosting_summary
        from build_tools.site import build_site

        site_dir = (args.site_dir or args.root / "site").absolute()  # MkDocs reads a relative one from build/
        try:
            build_site(load_edition(args.root), site_dir, renderers)
        except MkDocsException as err:  # strict-mode warnings, broken links…
            print(f"error: MkDocs: {err} — 原有的 site/ 没有改动 (the previous site/ was left as it was)",
                  file=sys.stderr)
            return 1
    print(f"site built in {time.perf_counter() - started:.1f} s: {site_dir}\n{hosting_summary(site_dir)}\n"
          f"  open {site_dir / 'index.html'} in a browser (works offline), or run `make serve`")
    return 0


def _gitlab_pages(args) -> int:
    from build_tools.hosting import gitlab_pages

    started = time.perf_counter()
    out = args.out or args.root / "public"
    layout = gitlab_pages(args.site_dir or args.root / "site", out)
    print(f"{out} written in {time.perf_counter() - started:.1f} s for GitLab Pages: {layout.bytes / 1e6:,.1f} MB "
          f"in {layout.entries:,} entries; {len(layout.copied):,} files with a gzip copy beside them, "
          f"{len(layout.compressed_only):,} kept compressed only")
    return 0


def _manifest(args) -> int:
    from datetime import date

    from build_tools import manifest, references
    from build_tools.load import load_texts
    from build_tools.newtext import open_reviews
    from build_tools.segment import segment_all

    # Texts only: notes whose paragraph moved cannot load until their references are rewritten.
    docs = segment_all(load_texts(args.root / "source_texts"))
    path, refs = args.root / "anchors.manifest.json", references.scan(args.root)
    if args.update:
        if reviews := open_reviews(args.root / "source_texts"):  # a guessed id is not made permanent
            raise EditionErrors(reviews)
        for change in manifest.update(path, docs, date.today().isoformat(), refs, frozenset(args.accept)):
            print(change)
        print(f"updated {path}")
    else:
        manifest.check(path, docs, refs)
        print("anchor manifest matches the texts")
    return 0


def _audit(args) -> int:
    from build_tools.audit import audit, boundary_suspects, report
    from build_tools.convert import converter
    from build_tools.pipeline import load_edition

    edition = load_edition(args.root)
    variant = next(v for v in edition.variants if v.code == args.variant)
    started = time.perf_counter()
    convert = converter(variant, edition.conversion.overrides)
    found = audit(edition, convert)
    suspects = boundary_suspects(edition, converter(variant), convert)
    sheet = report(found, suspects)
    out = args.out or args.root / "build" / f"conversion-audit.{variant.code}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(sheet, encoding="utf-8")
    print("\n".join(sheet.splitlines()[2:4]))
    print(f"review sheet: {out} ({time.perf_counter() - started:.2f} s)")
    return 0


def _bench_corpus(args) -> int:
    from build_tools.bench import make_corpus

    started = time.perf_counter()
    project = make_corpus(args.root, args.out, args.n)
    print(f"{args.n} texts in {project} ({time.perf_counter() - started:.1f} s)")
    return 0


def _new_text(args) -> int:
    from build_tools.newtext import summary, take_in

    raw, spec, found = take_in(args.root, args.src.resolve(), args.slug)
    rel = spec.relative_to(args.root)
    print(f"原始文本已逐字节复制 (copied verbatim): {raw.relative_to(args.root)}\n"
          f"草稿 (draft): {rel} — 标有 # REVIEW 的每一行都要核对\n"
          f"注释文件 (notes): {rel.parent / 'annotations' / rel.name}（空）\n猜测 (guesses):")
    print("\n".join(summary(found)))
    print("下一步 (next):\n  1. 编辑草稿，核对每个 # REVIEW 后删去标记；make serve 可即时预览\n"
          "  2. make check（列出尚未核对的 REVIEW）\n  3. make manifest（登记新文本的段号）\n"
          "  4. make citations（把引文记入仓库）\n  5. make test，提交（见 docs/contributing.md“添加一篇文献”）")
    return 0


def _summary(args) -> int:
    import subprocess

    from build_tools.counts import summary_markdown
    from build_tools.pipeline import load_edition
    from build_tools.hosting import hosting_summary

    edition = load_edition(args.root)
    changed = []
    if args.base:
        diff = subprocess.run(["git", "diff", "--name-status", args.base, "--", "source_texts", "docs",
                               "anchors.manifest.json", "anchors.changes.json", "edition.yml"], cwd=args.root, capture_output=True, text=True)
        changed = [line.replace("\t", " ") for line in diff.stdout.splitlines()]
    site_dir = args.root / "site"
    site = hosting_summary(site_dir).strip() if site_dir.exists() else ""
    print(summary_markdown(list(edition.docs), edition.notes, len(edition.glossary.entries),
                           len(edition.parallels), changed, site), end="")
    return 0


def _serve(args) -> int:
    from build_tools.preview import serve

    host, _, port = args.dev_addr.rpartition(":")
    return serve(args.root, host or "127.0.0.1", int(args.port or port))


COMMANDS = {"audit-conversion": _audit, "bench-corpus": _bench_corpus, "check": _check, "gitlab-pages": _gitlab_pages, "markdown": _markdown, "site": _site, "manifest": _manifest,
            "new-text": _new_text, "serve": _serve, "summary": _summary}
