"""Stage segment: fidelity to the raw text, editorial structure, and every structure error."""

from __future__ import annotations

import re

import pytest

from build_tools.errors import EditionError
from build_tools.load import load_text, load_texts
from build_tools.segment import segment, strip_ws

LIU = "2010-04-14-liu-qi-beijing"


def original_text(block) -> str:
    """A block's text with editorial corrections reverted."""
    out, pos = [], 0
    for c in block.corrections:
        out += [block.text[pos:c.start], c.original]
        pos = c.end
    return "".join(out) + block.text[pos:]


def raw_minus_debris(spec) -> str:
    """Computed without the segmenter: whitespace-free raw text minus each listed debris."""
    text = strip_ws(spec.raw)
    for d in spec.debris:
        needle = strip_ws(d.text)
        starts = [m.start() for m in re.finditer(re.escape(needle), text)]
        at = starts[(d.occurrence or 1) - 1]
        text = text[:at] + text[at + len(needle):]
    return text


@pytest.mark.parametrize("spec", load_texts(__import__("pathlib").Path(__file__).parent.parent / "source_texts"),
                         ids=lambda s: s.meta.slug)
def test_fidelity_blocks_reassemble_the_raw_text(spec):
    doc = segment(spec)
    assert strip_ws("".join(original_text(b) for b in doc.blocks)) == raw_minus_debris(spec)


def test_ids_are_unique_and_sequential(edition):
    for doc in edition.docs:
        for prefix, blocks in (("p", doc.paragraphs), ("s", doc.headings)):
            assert [b.id for b in blocks] == [f"{prefix}{i}" for i in range(1, len(blocks) + 1)]


def by_slug(edition, slug):
    return next(d for d in edition.docs if d.meta.slug == slug)


def test_run_together_title_date_speaker_are_separated(edition):
    doc = by_slug(edition, "2011-04-07-li-yuanchao-symposium")
    roles = [(b.role, b.text) for b in doc.blocks[:3]]
    assert roles == [("title", "紧紧围绕“十二五”发展目标任务争科学发展之先创社会和谐之优"),
                     ("dateline", "（2011年4月7日，根据记录整理）"), ("speaker", "李源潮")]
    assert doc.blocks[1].corrections[0].original == "(2011年4月7日，根据记录整理)"  # the raw text's half-width marks


def test_spaced_names_are_normalised(edition):
    assert by_slug(edition, LIU).blocks[1].text == "刘淇"
    notice = by_slug(edition, "2010-07-23-central-office-notice")
    assert [b.text for b in notice.blocks if b.role == "speaker"] == ["李源潮"]


def test_unbroken_beijing_speech_gets_headings_and_paragraphs(edition):
    doc = by_slug(edition, LIU)
    assert [h.text for h in doc.headings] == ["一、认真学习贯彻胡锦涛总书记重要讲话精神",
                                              "二、认真组织、深入开展创先争优活动", "三、切实加强组织领导"]
    assert len(doc.paragraphs) == 36
    assert doc.block("p13").text.startswith("一是要围绕建设世界城市的目标")


def test_notice_apparatus_and_embedded_speech(edition):
    doc = by_slug(edition, "2010-07-23-central-office-notice")
    roles = {b.role: b.text for b in doc.blocks if not b.id}
    assert roles["issuer"] == "中央创先争优活动领导小组办公室文件"
    assert roles["doc_number"] == "创先办〔2010〕2号"
    assert roles["signature"] == "中央创先争优活动领导小组办公室" and roles["issued"] == "2010年7月23日"
    assert doc.block("p1").text.startswith("各省、自治区、直辖市党委")  # addressees
    assert doc.block("s1").text == "在中央创先争优活动领导小组办公室全体人员会议上的讲话"


def test_interview_questions_are_headings_and_answers_paragraphs(edition):
    doc = by_slug(edition, "2010-xinhua-qa")
    assert [h.role for h in doc.headings] == ["question"] * 4
    assert all(h.text.startswith("记者：") for h in doc.headings)
    answers = [b for b in doc.paragraphs if b.text.startswith("答：")]
    assert len(answers) == 4
    assert not any("上一页" in b.text for b in doc.blocks)


def test_district_speech_debris_removed(edition):
    doc = by_slug(edition, "2010-hecheng-district-mobilisation")
    assert doc.blocks[0].text == "区委书记在创先争优活动动员会上的讲话"
    assert doc.block("p1").text == "同志们："
    assert not any("..." in b.text for b in doc.blocks)
    kinds = [i.kind for i in doc.interventions]
    assert kinds.count("debris") == 2


def test_corrections_are_recorded_with_original(edition):
    doc = by_slug(edition, LIU)
    corr = doc.block("p2").corrections[0]
    assert doc.block("p2").text[corr.start:corr.end] == "刚才，几位同志"
    assert corr.original == "刚才,几位同志"


def edit_structure(project, slug, old, new):
    path = project / "source_texts" / f"{slug}.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    return path, line


@pytest.mark.parametrize("old,new,cause", [
    ("  - break: 二是要按照优化一产\n", "  - break: 二是要按照优化三产\n", "not found in the raw text"),
    ("  - break: 二是要按照优化一产\n", "  - break: 二是要\n", "occurs"),
    ("  - break: 二是要按照优化一产\n", "  - break: 同志们：今天会议\n", "already breaks there"),
    ("  - break: 二是要按照优化一产\n", "  - join: 二是要按照优化一产\n", "no break before it"),
])
def test_structure_errors_name_file_and_line(project, old, new, cause):
    path, line = edit_structure(project, LIU, old, new)
    with pytest.raises(EditionError) as err:
        segment(load_text(path))
    assert f"{path}:{line}:" in err.value.message and cause in err.value.message


@pytest.mark.parametrize("old,new,piece", [
    ("  - question: 记者：如何把创先争优活动抓实抓好？", "  - question: 如何把创先争优活动抓实抓好？", "记者："),
    ("  - question: 记者：如何把创先争优活动抓实抓好？", "  - question: 记者：如何把创先争优活动抓实抓好", "？"),
])
def test_a_role_quoting_part_of_its_line_names_the_piece_it_leaves(project, old, new, piece):
    path, line = edit_structure(project, "2010-xinhua-qa", old, new)
    with pytest.raises(EditionError) as err:
        segment(load_text(path))
    assert f"{path}:{line}:" in err.value.message and f"leaves '{piece}' as a paragraph" in err.value.message


def test_two_corrections_of_one_place_are_refused(project):
    first = "  - from: (2011年4月7日，根据记录整理)\n    to: （2011年4月7日，根据记录整理）\n    reason: 原文误用半角括号\n"
    path, line = edit_structure(project, "2011-04-07-li-yuanchao-symposium", first, first + first.replace("）\n", "）。\n", 1))
    with pytest.raises(EditionError) as err:
        segment(load_text(path))
    assert f"{path}:{line + 3}:" in err.value.message and f"the one at line {line}" in err.value.message


def test_a_heading_cut_by_debris_says_so(project):
    path, line = edit_structure(project, "2010-xinhua-qa", "  - text: 上一页 1 2 3 4 下一页",
                                "  - text: 如何把创先争优活动抓实抓好")
    with pytest.raises(EditionError) as err:
        segment(load_text(path))
    # Blamed on the debris entry, whose line the editor shortens, naming the heading it cuts.
    assert f"{path}:{line}:" in err.value.message and "removes part of the raw text that the question at line" in err.value.message
    assert "记者：如何把创先争优活动抓实抓好？" in err.value.message


def test_debris_not_found_names_file_and_line(project):
    path, line = edit_structure(project, "2010-xinhua-qa", "  - text: 上一页 1 2 3 4 下一页",
                                "  - text: 上一页 1 2 3 下一页")
    with pytest.raises(EditionError) as err:
        segment(load_text(path))
    assert f"{path}:{line}:" in err.value.message
    assert "debris '上一页 1 2 3 下一页' not found" in err.value.message


def test_a_break_names_the_paragraph_it_begins_and_a_join_the_one_it_runs_through(edition):
    placed = 0
    for doc in edition.docs:
        blocks = {b.id: b for b in doc.blocks if b.id}
        for item in doc.interventions:
            words = "".join(item.text.split())
            if item.kind == "break":
                assert blocks[item.anchor].text.startswith(words), (doc.meta.slug, item)
            elif item.kind == "join":
                assert words in blocks[item.anchor].text, (doc.meta.slug, item)
            placed += item.kind in ("break", "join")
    assert placed


def test_one_run_reports_every_bad_quote_of_every_text(project):
    """An editor fixes a draft in one pass: each directive and correction stands on its own quote,
    so every one that cannot be placed is reported, in every text, not only the first."""
    from build_tools.pipeline import load_edition

    liu, first = edit_structure(project, LIU, "  - break: 二是要按照优化一产\n", "  - break: 二是要按照优化三产\n")
    _, second = edit_structure(project, LIU, "  - break: 三是要着力加强重点产业功能区建设\n", "  - break: 三是要\n")
    symposium, third = edit_structure(project, "2011-04-07-li-yuanchao-symposium", "  - from: ;同做好\n", "  - from: ;同作好\n")
    with pytest.raises(EditionError) as err:
        load_edition(project)
    message = err.value.message
    assert f"{liu}:{first}: " in message and f"{liu}:{second}: " in message and f"{symposium}:{third}: " in message
