"""tools/bench.py's measure of what a GitHub Pages deploy uploads, checked against the real
thing: the site's tar written to disk and zipped at level 6, as upload-artifact does."""

from __future__ import annotations

import importlib.util
import tarfile
import zipfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "tools" / "bench.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_tool", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pages_artifact_measure_is_the_zipped_tar(site, tmp_path):
    tar_path, zip_path = tmp_path / "artifact.tar", tmp_path / "artifact.zip"
    with tarfile.open(tar_path, "w", format=tarfile.GNU_FORMAT, dereference=True) as tar:
        tar.add(site, arcname=".")
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.write(tar_path, "artifact.tar")
    stored = zipfile.ZipFile(zip_path).getinfo("artifact.tar").compress_size
    measured = load_bench().pages_artifact(site)
    assert measured == stored  # the same deflate stream, byte for byte
    assert measured < tar_path.stat().st_size  # and it is the compressed size
