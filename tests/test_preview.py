"""`make serve`: both scripts, a busy port in one line, a bad save shown in the page and cleared
by the next good save; a note edit shown in both scripts by the notes-only path (the search index
following in the background), an edit of a text or of the glossary by the whole pipeline. A real
server process, real pipeline and MkDocs builds."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from urllib.error import HTTPError
from urllib.request import urlopen

from build_tools.bench import reworded

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


def serve(project, port, log=None):
    return subprocess.Popen([sys.executable, "-m", "build_tools", "--root", str(project), "serve", "--port", str(port)],
                            cwd=project, stdout=subprocess.PIPE if log is None else subprocess.DEVNULL,
                            stderr=subprocess.PIPE if log is None else log, text=True)


def rebuilds(log_path, kind: str) -> int:
    """How many rebuilds of this kind ('notes only' or 'whole pipeline') the server has logged."""
    return log_path.read_text(encoding="utf-8").count(f"({kind},")


def test_preview_serves_both_scripts_and_shows_a_bad_save_in_the_page(project, tmp_path):
    port = free_port()
    log_path = tmp_path / "serve.log"
    server = serve(project, port, log_path.open("w", encoding="utf-8"))
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

        # A note edit: the new wording on the text's page in both scripts, by the notes-only path.
        wording = "预览新措辞：这是一处测试用的修改"
        notes.write_text(reworded(good, wording), encoding="utf-8")
        wait_for(lambda: wording in fetch(page), "the new wording of a note (简体)")
        wait_for(lambda: "預覽新措辭" in fetch(hant), "the new wording of a note (繁體)")
        assert rebuilds(log_path, "notes only") >= 1 and rebuilds(log_path, "whole pipeline") == 1
        # ... and, once the page is served, the search index (whatever files hold it) in the background
        md = project / "build" / "md" / "zh-Hans"
        wait_for(lambda: any(wording in p.read_text(encoding="utf-8") for p in md.rglob("*.js")), "the search index")

        # A text or the glossary: the whole pipeline.
        glossary = project / "source_texts" / "glossary.yml"
        glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        wait_for(lambda: rebuilds(log_path, "whole pipeline") == 2, "a whole rebuild after a glossary edit")
        text = project / "source_texts" / "2010-xinhua-qa.yml"
        text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        wait_for(lambda: rebuilds(log_path, "whole pipeline") == 3, "a whole rebuild after a text edit")
        assert wording in fetch(page) and "edition-preview-error" not in fetch(page)
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_save_that_changes_nothing_lets_the_search_index_be_finished(project, tmp_path):
    """A save is often seen twice. The second, finding nothing changed, must not stop the
    background process that writes the search index after a notes-only rebuild."""
    from build_tools.preview import Preview
    from build_tools.renderers import Renderers

    renderers = Renderers(2)
    preview = Preview(project, tmp_path / "served", "http://127.0.0.1:1/", renderers)
    try:
        assert preview.rebuild() == ""  # the whole pipeline
        notes = project / NOTES
        wording = "预览新措辞：这是一处测试用的修改"
        notes.write_text(reworded(notes.read_text(encoding="utf-8"), wording), encoding="utf-8")
        assert preview.rebuild() == ""  # notes only: the index follows in the background
        completing = preview.completing
        assert completing is not None and completing.is_alive()
        assert preview.rebuild() == ""  # the same save, seen again
        completing.join(120)
        assert completing.exitcode == 0
        md = project / "build" / "md" / "zh-Hans"
        assert any(wording in p.read_text(encoding="utf-8") for p in md.rglob("*.js"))
    finally:
        preview.stop_completing()
        renderers.close()
