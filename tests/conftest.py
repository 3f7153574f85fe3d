"""Shared fixtures: the real project, one real site build per session, disposable copies."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import settings

from build_tools.bench import copy_project
from build_tools.pipeline import load_edition
from build_tools.site import build_site

ROOT = Path(__file__).resolve().parent.parent

# Speed is measured by `make bench`, never asserted by a test: no per-example time limit
# (Hypothesis's default 200 ms deadline fails property tests on a busy 2-core machine).
settings.register_profile("edition", deadline=None)
settings.load_profile("edition")


def pytest_sessionstart(session):
    """A mistake in the editorial data is reported once, as the editor's message, instead of
    failing every test that uses the edition with the same traceback. This is the test that the
    repository's own texts, manifest, notes and evidence pass every check."""
    from build_tools.errors import EditionError
    from build_tools.pipeline import check
    from build_tools.wording import grouped

    try:
        check(_root_edition())
    except EditionError as err:
        pytest.exit(f"the editorial data has errors; fix them first (make check):\n{grouped(err)}", returncode=1)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@functools.cache
def _root_edition():
    return load_edition(ROOT)


@pytest.fixture(scope="session")
def edition():
    return _root_edition()


@pytest.fixture
def project(tmp_path) -> Path:
    """A disposable copy of the project that a test may break."""
    return copy_project(ROOT, tmp_path / "project")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built once per session by the real pipeline and MkDocs."""
    project = copy_project(ROOT, tmp_path_factory.mktemp("built") / "project")
    site_dir = project / "site"
    build_site(load_edition(project), site_dir)
    return site_dir
