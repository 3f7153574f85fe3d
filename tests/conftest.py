"""Shared fixtures: the real project, one real site build per session, disposable copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_tools.pipeline import load_edition
from build_tools.site import build_site

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ["source_texts", "docs", "overrides", "schemas", "build_tools", "mkdocs.yml", "edition.yml",
                 "anchors.manifest.json"]


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def edition():
    return load_edition(ROOT)


def copy_project(dest: Path) -> Path:
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture
def project(tmp_path) -> Path:
    """A disposable copy of the project that a test may break."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built once per session by the real pipeline and MkDocs."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    site_dir = project / "site"
    build_site(load_edition(project), site_dir)
    return site_dir
