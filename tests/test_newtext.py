"""`make new-text`: a raw text the edition has never seen goes from file to published page.

The fixture (tests/fixtures/new-text/) is a composed two-page web text with page counters, a
pager, its title repeated and truncated: the debris a real download carries."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from build_tools.errors import EditionError
from build_tools.export import citations
from build_tools.newtext import draft, guess_date, lines_of, open_reviews, take_in
from build_tools.segment import strip_ws
from tests.test_site import run_cli

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "new-text" / "county-meeting-speech.txt"
SLUG = "2011-06-20-lin-xiangdong"


@pytest.fixture(scope="module")
def guessed():
    return draft(FIXTURE.read_text(encoding="utf-8"), FIXTURE.name)


def test_title_speaker_date_and_kind_are_guessed(guessed):
    assert guessed.title.value == "在全县创先争优活动推进会上的讲话"
    assert guessed.speaker.value == "林 向 东" and guessed.date.value == "2011-06-20"
    assert guessed.kind.value == "speech" and guessed.occasion.value == "全县创先争优活动推进会"
    assert guessed.slug.value == SLUG
    assert all(g.review for g in (guessed.title, guessed.speaker, guessed.date, guessed.kind))


def test_page_debris_and_the_repeated_and_truncated_title_are_candidates(guessed):
    debris = {(text, occurrence) for text, occurrence, _, _ in guessed.debris}
    assert debris == {("第1页 共 2 页", None), ("第2页 共 2 页", None), ("上一页 1 2 下一页", 1),
                      ("上一页 1 2 下一页", 2), ("在全县创先争优活动推进会上的讲话", 2),
                      ("在全县创先争优活动推进会上的...", None)}


def test_headings_and_paragraph_marks_are_proposed(guessed):
    roles = [(role, phrase) for role, phrase, _ in guessed.structure]
    assert ("heading", "二、清醒认识当前存在的不足") in roles
    breaks = [phrase for role, phrase in roles if role == "break"]
    assert [b[:2] for b in breaks] == ["一是", "二是", "三是", "第一", "第二", "第三"]
    skeleton = strip_ws(FIXTURE.read_text(encoding="utf-8"))
    assert all(skeleton.count(b) == 1 for b in breaks)  # every quoted phrase is unique
    # each runs to the end of its clause rather than stopping inside a word (抓好承诺践)
    assert all(skeleton[skeleton.index(b) + len(b)] in "，。；：" for b in breaks), breaks


def test_no_break_is_proposed_where_the_raw_text_already_starts_a_line():
    raw = "在某会议上的讲话\n同志们：今天开会。一是要学习。\n二是要实践，这是一句话。\n"
    breaks = [phrase for role, phrase, _ in draft(raw, "x.txt").structure if role == "break"]
    assert [b[:2] for b in breaks] == ["一是"]


def test_a_short_title_is_not_cut_inside_a_bracket():
    title = "在全县创先争优活动推进会暨表彰大会上的讲话（2011年6月20日）"
    short = draft(f"{title}\n同志们：今天开会。\n", "x.txt").short_title.value
    assert short == title[:title.index("（")][:24] and "（" not in short


@pytest.mark.parametrize("line, date", [("（2011年6月20日）", "2011-06-20"), ("二〇一〇年五月二十日", "2010-05-20"),
                                        ("2010年7月", "2010-07"), ("无日期", "")])
def test_dates_in_digits_or_chinese_numerals(line, date):
    assert guess_date(lines_of(f"标题\n{line}\n")).value == date


def test_an_existing_text_is_never_overwritten(project):
    take_in(project, FIXTURE)
    with pytest.raises(EditionError, match="already exists"):
        take_in(project, FIXTURE)


def test_a_text_already_in_the_edition_is_not_taken_in_again(project, tmp_path):
    raw = tmp_path / "again.txt"
    raw.write_bytes((project / "source_texts" / "2010-xinhua-qa.txt").read_bytes())
    with pytest.raises(EditionError, match="已收录为 2010-xinhua-qa（SHA-256 相同）"):
        take_in(project, raw, "2010-05-01-again")
    assert not (project / "source_texts" / "2010-05-01-again.txt").exists()


def test_a_raw_file_in_source_texts_keeps_its_name(project):
    """The advice for a raw text whose .yml is missing is `make new-text SRC=source_texts/…`: a
    published text's raw file must not be renamed to a guessed slug by following it."""
    source = project / "source_texts"
    (source / "2010-xinhua-qa.yml").unlink()
    raw, spec, _ = take_in(project, source / "2010-xinhua-qa.txt")
    assert raw == source / "2010-xinhua-qa.txt" and raw.exists() and spec == source / "2010-xinhua-qa.yml"


def test_an_empty_raw_file_is_refused(project, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    with pytest.raises(EditionError, match="the raw file is empty"):
        take_in(project, empty, "2011-06-20-empty")
    assert not (project / "source_texts" / "2011-06-20-empty.txt").exists()


@pytest.mark.parametrize("mark, newline", [("\ufeff", "\n"), ("", "\r\n"), ("\ufeff", "\r\n"), ("", "\r")])
def test_a_byte_order_mark_or_other_line_endings_draft_as_the_plain_file_does(project, tmp_path, mark, newline):
    """The draft is made from the text as the pipeline reads it: a byte-order mark once put every
    proposed break one character off, proposing breaks where the raw text already breaks."""
    raw = FIXTURE.read_text(encoding="utf-8").rstrip("\n") + "\n会议要求抓好三件事。\n一是加强组织领导，明确责任。二是广泛宣传动员，营造氛围。\n"
    plain, other = tmp_path / "plain.txt", tmp_path / "other.txt"
    plain.write_text(raw, encoding="utf-8")
    other.write_bytes((mark + raw.replace("\n", newline)).encode())
    plain = take_in(project, plain, "2011-06-20-plain")[2]
    breaks = [phrase for role, phrase, _ in plain.structure if role == "break"]
    assert breaks[-1].startswith("二是广泛") and not any(b.startswith("一是加强") for b in breaks)  # it starts a line
    found = take_in(project, other, "2011-06-20-other")[2]
    assert found.title.value == plain.title.value != ""
    assert found.structure == plain.structure and found.debris == plain.debris


def test_a_new_text_goes_from_raw_file_to_published_page(project):
    source = project / "source_texts"
    result = run_cli(project, "new-text", str(FIXTURE))
    assert result.returncode == 0, result.stderr
    assert "make manifest" in result.stdout and "REVIEW" in result.stdout
    raw, spec = source / f"{SLUG}.txt", source / f"{SLUG}.yml"
    assert raw.read_bytes() == FIXTURE.read_bytes()
    assert (source / "annotations" / f"{SLUG}.yml").exists()
    marks = open_reviews(source)
    assert marks and all(mark.path == spec for mark in marks)

    # Before the editor has reviewed the draft and the manifest records the new ids, the check
    # names every open mark at its line, then the ids and the command; the build publishes nothing.
    check = run_cli(project, "check")
    assert check.returncode == 1 and f"{spec}: 新文本 {SLUG} 的段号尚未登记" in check.stderr
    assert all(f"{spec}:{mark.line}: 待核对" in check.stderr for mark in marks)
    assert "make manifest" in check.stderr and "python -m" not in check.stderr
    built = run_cli(project, "site")
    assert built.returncode == 1 and "待核对" in built.stderr and not (project / "site").exists()
    # …and the manifest will not make a guessed id permanent.
    refused = run_cli(project, "manifest", "--update")
    assert refused.returncode == 1 and f"{spec}:{marks[0].line}: 待核对" in refused.stderr

    # The editor reviews the draft: drops the 第一/第二/第三 breaks, names the source, confirms.
    text = spec.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  - break: 第.*\n", "", text)
    text = re.sub(r"(?m)^provenance: .*$", "provenance: 测试用文本（tests/fixtures/new-text），非真实文献", text)
    spec.write_text(re.sub(r"  # REVIEW:.*", "", text), encoding="utf-8")
    assert run_cli(project, "manifest", "--update").returncode == 0
    check = run_cli(project, "check")
    assert check.returncode == 0, check.stderr
    assert "REVIEW" not in check.stdout
    assert SLUG in re.search(r"without notes: (.*)", check.stdout)[1].split(", ")

    if citations.CITEPROC.is_dir():  # a checkout with `make node_modules/.installed` done
        (project / "node_modules").symlink_to(citations.CITEPROC.parent)
    assert run_cli(project, "site").returncode == 0
    for prefix in ("", "zh-Hant/"):
        page = (project / "site" / prefix / "texts" / SLUG / "index.html").read_text(encoding="utf-8")
        text, record = page.split('id="editorial"')  # the debris is cut from the text, listed in its record
        assert 'id="p1"' in text and "第1页" not in text and "下一页" not in text
        assert ("第1頁" if prefix else "第1页") in record
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert f"texts/{SLUG}/" in home

    # Its citations were rendered by the build (no manual Node step) into build/, not into the
    # repository's record: the working tree is as it was.
    if not (shutil.which("node") and citations.CITEPROC.is_dir()):
        pytest.skip("the citations need Node and citeproc-js (make node_modules/.installed; make test does it)")
    shown = {prefix: dict(re.findall(r'<p class="citation" data-citation-style="([^"]+)" data-citation="([^"]*)"',
                                     (project / "site" / prefix / "texts" / SLUG / "index.html").read_text(encoding="utf-8")))
             for prefix in ("", "zh-Hant/")}
    by_lang = {lang: [json.loads((project / "site" / prefix / "citations" / f"{SLUG}.json").read_text(encoding="utf-8"))[0]]
               for prefix, lang in (("", "zh-CN"), ("zh-Hant/", "zh-TW"))}
    rendered = citations.render(by_lang)["text"]
    for prefix, lang in (("", "zh-CN"), ("zh-Hant/", "zh-TW")):
        assert {s: html.unescape(v) for s, v in shown[prefix].items()} == \
            {s: rendered[lang][s][SLUG] for s in citations.STYLES}
    assert (project / "build_tools" / "export" / "rendered.json").read_bytes() == citations.RENDERED.read_bytes()
    assert SLUG in (project / "build" / "citations.json").read_text(encoding="utf-8")


def test_a_draft_whose_quote_fails_is_reported_with_the_lines_still_to_review(project):
    """One pass over a new draft: a guessed phrase the editor mistyped fails segmentation, and the
    same run still lists the draft's other open # REVIEW lines rather than only the one error."""
    assert run_cli(project, "new-text", str(FIXTURE)).returncode == 0
    spec = project / "source_texts" / f"{SLUG}.yml"
    text = spec.read_text(encoding="utf-8")
    bad = text.index("  - break: 二是")
    spec.write_text(text[:bad] + "  - break: 二是领导点评工做" + text[text.index("  # REVIEW", bad):], encoding="utf-8")
    marks = open_reviews(project / "source_texts")
    check = run_cli(project, "check")
    line = text[:bad].count("\n") + 1
    assert check.returncode == 1 and f"{spec}:{line}: 原文中找不到断段" in check.stderr
    assert all(f"{spec}:{mark.line}: 待核对" in check.stderr for mark in marks if mark.line != line)


def test_a_draft_with_placeholders_lists_them_with_its_lines_to_review_in_one_check(project, tmp_path):
    """The editor's second day: one `make check` lists everything still to do in the draft, not
    the placeholders first and the # REVIEW marks only once those are filled in."""
    raw = tmp_path / "raw.txt"
    raw.write_text("关于某项工作的情况说明（测试）\n\n一段正文，说明工作的情况。\n", encoding="utf-8")
    spec = take_in(project, raw, "2010-09-15-ce-shi")[0].with_suffix(".yml")
    assert "待定" in spec.read_text(encoding="utf-8")
    check = run_cli(project, "check")
    assert check.returncode == 1
    assert "待定”是 make new-text 草稿的占位词" in check.stderr
    assert all(f"{spec}:{mark.line}: 待核对" in check.stderr for mark in open_reviews(project / "source_texts"))
