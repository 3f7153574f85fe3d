"""Issue 16, publishing: `site/` is a complete build at every instant. Concurrent builds wait
for each other, a build killed midway or unable to write leaves the published site as it was
and no debris that troubles the next build. Real builds through the command line."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from build_tools.bench import copy_project


def cli(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "build_tools", "--root", str(project), *args]


def build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cli(project, "site"), capture_output=True, text=True, cwd=project)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A project with one published site; each test leaves it published and clean."""
    project = copy_project(Path(__file__).resolve().parent.parent, tmp_path_factory.mktemp("publish") / "project")
    assert build(project).returncode == 0
    return project


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def builds(project: Path) -> list[Path]:
    return sorted((project / ".site.builds").iterdir())


def wait_for(condition, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_site_is_a_link_to_one_complete_build(published):
    site = published / "site"
    assert site.is_symlink() and (site / "index.html").is_file() and (site / "zh-Hant" / "index.html").is_file()
    assert builds(published) == [site.resolve()]


def test_concurrent_builds_wait_for_each_other(published):
    """Two builds started while a third holds the lock: both say they wait, neither touches
    site/ meanwhile, then each publishes a whole site in turn."""
    site = published / "site"
    before = snapshot(site)
    with open(published / ".site.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        runs = [subprocess.Popen(cli(published, "site"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 cwd=published) for _ in range(2)]
        logs = [""] * 2
        for i, run in enumerate(runs):
            while "waiting" not in logs[i]:
                line = run.stderr.readline()
                assert line, f"build {i} ended without waiting: {logs[i]}"
                logs[i] += line
        assert "another build is publishing" in logs[0] and snapshot(site) == before
        fcntl.flock(lock, fcntl.LOCK_UN)
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    assert snapshot(site) == before  # same inputs, same bytes: a whole site, not a mix
    assert builds(published) == [site.resolve()]


def test_a_build_killed_midway_leaves_the_site_and_no_debris(published):
    site = published / "site"
    before, live = snapshot(site), site.resolve()
    run = subprocess.Popen(cli(published, "site"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           cwd=published, start_new_session=True)
    wait_for(lambda: any((b / "index.html").exists() for b in builds(published) if b != live))
    os.killpg(run.pid, signal.SIGKILL)  # in the middle of MkDocs: the simplified variant is written
    run.wait()
    assert site.resolve() == live and snapshot(site) == before
    # An interrupted swap of the earlier kind left these too: the next build clears them all.
    (published / "site.new").mkdir()
    (published / "site.new" / "index.html").write_text("partial", encoding="utf-8")
    result = build(published)
    assert result.returncode == 0, result.stderr
    assert builds(published) == [site.resolve()] and not (published / "site.new").exists()
    assert snapshot(site) == before


def test_an_old_swap_interrupted_between_its_renames_is_recovered(published, tmp_path):
    """The earlier swap renamed site/ to site.old, then site.new to site/: killed between the
    two there was no site/ at all. The next build puts site.old back first, then publishes."""
    site = published / "site"
    before = snapshot(site)
    old = published / "site.old"
    shutil.copytree(site.resolve(), old)
    shutil.rmtree(site.resolve())
    site.unlink()
    (published / "site.new").mkdir()
    result = build(published)
    assert result.returncode == 0, result.stderr
    assert snapshot(site) == before and not old.exists() and not (published / "site.new").exists()


def read_only(path: Path) -> bool:
    """Make a folder unwritable for real: chmod does not stop root, the immutable flag does."""
    if os.geteuid() != 0:
        path.chmod(0o555)
        return True
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def writable(path: Path) -> None:
    if os.geteuid() != 0:
        path.chmod(0o755)
    else:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_site_gives_a_clear_error_and_no_debris(published, tmp_path):
    """The folder holding site/ cannot be written: the new site cannot be published. The old
    one stays, nothing is left behind, and once writable again the next build just works."""
    holder = tmp_path / "holder"
    holder.mkdir()
    site = holder / "site"
    assert subprocess.run(cli(published, "site", "--site-dir", str(site)), capture_output=True).returncode == 0
    before = snapshot(site)
    if not read_only(holder):
        pytest.skip("cannot make a folder read-only here (no chattr)")
    try:
        result = subprocess.run(cli(published, "site", "--site-dir", str(site)), capture_output=True, text=True)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"{site}: 无法发布新网站 (cannot publish the new site" in result.stderr, result.stderr
        assert "the previous site is unchanged" in result.stderr
        assert snapshot(site) == before
        assert sorted((holder / ".site.builds").iterdir()) == [site.resolve()]  # no half-built site left
    finally:
        writable(holder)
    again = subprocess.run(cli(published, "site", "--site-dir", str(site)), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr


def test_a_file_in_the_way_of_site_is_named(published, tmp_path):
    blocker = tmp_path / "site"
    blocker.write_text("not a site", encoding="utf-8")
    result = subprocess.run(cli(published, "site", "--site-dir", str(blocker)), capture_output=True, text=True)
    assert result.returncode == 1 and f"{blocker}: 已存在，但不是文件夹 (exists and is not a folder)" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "not a site" and not (tmp_path / ".site.builds").exists()
