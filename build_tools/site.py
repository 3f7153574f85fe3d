"""I/O edge: write each variant's Markdown and renderer config, run MkDocs, publish `site/`.

The new site is built beside the old one and swapped in only when every variant built, so a
failed build never destroys the last good `site/`.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

import yaml

from build_tools.pipeline import Edition, check, mkdocs_config, render_variant
from build_tools.render import Page

log = logging.getLogger("build_tools")


def write_pages(pages: list[Page], out_dir: Path) -> int:
    """Write pages whose content changed (so live preview reloads only what changed) and remove
    stale files. Returns how many files were written."""
    wanted = {out_dir / p.path: p.content for p in pages}
    written = 0
    for path, content in wanted.items():
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            written += 1
    if out_dir.exists():
        for path in out_dir.rglob("*"):
            if path.is_file() and path not in wanted:
                path.unlink()
    return written


def config_path(edition: Edition, code: str) -> Path:
    return edition.root / "build" / f"mkdocs.{code}.yml"


def write_markdown(edition: Edition) -> None:
    """Pipeline output for every variant: build/md/<code>/ and build/mkdocs.<code>.yml."""
    for variant in edition.variants:
        write_pages(render_variant(edition, variant), edition.root / "build" / "md" / variant.code)
        text = yaml.safe_dump(mkdocs_config(edition, variant), allow_unicode=True, sort_keys=False)
        path = config_path(edition, variant.code)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def reproducible_epoch(root: Path) -> str:
    """Fixed build time (last commit) so two builds of the same inputs are byte-identical."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                             check=True).stdout.strip()
        return out or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


def build_site(edition: Edition, site_dir: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    check(edition)
    write_markdown(edition)
    os.environ.setdefault("SOURCE_DATE_EPOCH", reproducible_epoch(edition.root))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    staging = site_dir.with_name(site_dir.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for variant in edition.variants:  # canonical first: MkDocs cleans its site_dir
            target = staging / variant.path if variant.path else staging
            config = load_config(config_file=str(config_path(edition, variant.code)), site_dir=str(target),
                                 strict=True)
            mkdocs_build(config)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, site_dir)


def _swap(staging: Path, site_dir: Path) -> None:
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
