"""`make serve`: both scripts, a busy port in one line, a bad save shown in the page and cleared
by the next good save. A real server process, real pipeline and MkDocs builds."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from urllib.error import HTTPError
from urllib.request import urlopen

NOTES = "source_texts/annotations/2010-xinhua-qa.yml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        return urlopen(url, timeout=10).read().decode("utf-8")
    except HTTPError as err:
        return err.read().decode("utf-8", "replace")


def wait_for(condition, what: str, limit: float = 180.0):
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"preview never showed: {what}")


def serve(project, port):
    return subprocess.Popen([sys.executable, "-m", "build_tools", "--root", str(project), "serve", "--port", str(port)],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_preview_serves_both_scripts_and_shows_a_bad_save_in_the_page(project):
    port = free_port()
    server = serve(project, port)
    base = f"http://127.0.0.1:{port}/"
    page, hant = base + "texts/2010-xinhua-qa/index.html", base + "zh-Hant/texts/2010-xinhua-qa/index.html"
    try:
        wait_for(lambda: "答新华社记者问" in fetch(page), "the simplified page")
        assert "答新華社記者問" in fetch(hant)

        busy = serve(project, port)  # a second preview on the same port
        out, err = busy.communicate(timeout=60)
        assert busy.returncode == 1 and len(err.strip().splitlines()) == 1 and f"PORT={port + 1}" in err

        notes = project / NOTES
        good = notes.read_text(encoding="utf-8")
        notes.write_text(good.replace("quote: 近日", "quote: 近日里", 1), encoding="utf-8")
        wait_for(lambda: "edition-preview-error" in fetch(page), "the error banner")
        shown = fetch(hant)
        assert "edition-preview-error" in shown and "2010-xinhua-qa.yml:" in shown and "近日里" in shown

        notes.write_text(good, encoding="utf-8")
        wait_for(lambda: "edition-preview-error" not in fetch(page), "recovery after a good save")
    finally:
        server.terminate()
        server.wait(timeout=20)
