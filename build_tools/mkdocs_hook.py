"""Thin MkDocs hook for `make serve` only: re-run the pipeline before each rebuild so an edit
in source_texts/ shows up live. A bad edit is reported (file:line) without killing the server."""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from build_tools.errors import EditionError
from build_tools.pipeline import check, load_edition
from build_tools.site import write_markdown

ROOT = Path(__file__).resolve().parent.parent


def on_pre_build(config, **kwargs) -> None:
    try:
        edition = load_edition(ROOT)
        check(edition)
        write_markdown(edition)  # writes only changed pages, so no rebuild loop
    except EditionError as err:
        raise PluginError(err.message) from None
