"""Invariant 2, stable anchors: published ids cannot vanish or move without a deliberate update."""

from __future__ import annotations

import datetime
import json

import pytest

from build_tools import manifest, references
from build_tools.errors import EditionError
from build_tools.pipeline import check, load_edition
from tests.conftest import ROOT
from tests.test_site import run_cli

LIU = "2010-04-14-liu-qi-beijing"


def test_manifest_records_every_id_of_both_kinds(edition, root):
    recorded = json.loads((root / "anchors.manifest.json").read_text(encoding="utf-8"))
    for doc in edition.docs:
        assert list(recorded[doc.meta.slug]) == [b.id for b in doc.blocks if b.id]


def remove_break(project, phrase):
    # Renumbering would also (rightly) stop the build at this text's notes; this test is about
    # the manifest, so the text goes without notes here.
    (project / "source_texts" / "annotations" / f"{LIU}.yml").unlink()
    path = project / "source_texts" / f"{LIU}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"  - break: {phrase}\n", ""), encoding="utf-8")


def paragraphs_of_liu(edition) -> int:
    return len(next(d for d in edition.docs if d.meta.slug == LIU).paragraphs)


def test_removing_a_break_fails_and_names_the_yml_line_where_the_text_changed(project, edition):
    last = paragraphs_of_liu(edition)
    remove_break(project, "五是要加快城镇化")  # p17 merges into p16: p16 to p(last - 1) change, the last disappears
    with pytest.raises(EditionError) as err:
        check(load_edition(project))
    text = err.value.message
    assert "anchors.manifest.json:" in text
    assert f"{LIU}#p{last} 已不存在" in text  # one line per text and kind, the ids listed and clipped
    moved = next(e for e in err.value.errors if "现在指向另一段文字" in e.problem)
    spec = project / "source_texts" / f"{LIU}.yml"
    # The merged paragraph p16 begins at this break: the removed line stood right after it.
    starts_p16 = spec.read_text(encoding="utf-8").splitlines().index("  - break: 四是要着力提高自主创新能力") + 1
    assert (moved.path, moved.line) == (spec, starts_p16)
    moved_ids = last - 16  # p16 to p(last - 1); eight are named
    assert f"{LIU}: {moved_ids} 个段号 p16, p17," in moved.problem and f"…（另 {moved_ids - 8} 项）" in moved.problem
    assert "anchors.manifest.json 第" in moved.problem and "从 p16 起文字变了" in moved.fix
    assert "make manifest" in text


def test_a_correction_keeps_its_paragraphs_id_without_a_manifest_update(project):
    spec = project / "source_texts" / f"{LIU}.yml"
    edition = load_edition(project)
    before = edition.docs[[d.meta.slug for d in edition.docs].index(LIU)].block("p5").text
    wrong, right = before[:6], "某" * 6  # any emendation of the received words
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text + f"corrections:\n  - from: {wrong}\n    to: {right}\n    reason: 测试\n"
                    if "corrections:" not in text else
                    text.replace("corrections:\n", f"corrections:\n  - from: {wrong}\n    to: {right}\n    reason: 测试\n"),
                    encoding="utf-8")
    edition = load_edition(project)
    assert edition.docs[[d.meta.slug for d in edition.docs].index(LIU)].block("p5").text.startswith(right)
    manifest.check(edition.manifest_path, list(edition.docs))  # p5 is still p5: nothing to record


def test_an_archives_manifest_is_read_past_the_limit_on_an_editors_file(tmp_path):
    from build_tools.yamlio import MAX_YAML_BYTES

    path = tmp_path / "anchors.manifest.json"
    anchors = {f"2010-01-01-text-{n:05d}": {f"p{i}": "0123456789ab" for i in range(1, 30)} for n in range(12_000)}
    path.write_text(manifest.dumps(anchors), encoding="utf-8")
    assert path.stat().st_size > MAX_YAML_BYTES  # 10,000 synthetic texts wrote 5.4 MB
    with pytest.raises(EditionError) as err:
        manifest.check(path, [])  # read whole: every text is named as gone, not the file as too large
    assert "2010-01-01-text-11999' 不见了" in err.value.message and "超过上限" not in err.value.message


def test_deliberate_update_is_accepted(project):
    remove_break(project, "五是要加快城镇化")
    edition = load_edition(project)
    manifest.write(edition.manifest_path, list(edition.docs))
    # The manifest accepts the renumbering; the glossary's `slug#pN` citations after the removed
    # break now point one paragraph off, which the evidence check reports (tests/test_evidence.py).
    manifest.check(edition.manifest_path, list(load_edition(project).docs))


def test_new_ids_must_be_recorded(project, edition):
    (project / "source_texts" / "annotations" / f"{LIU}.yml").unlink()
    path = project / "source_texts" / f"{LIU}.yml"
    text = path.read_text(encoding="utf-8").replace("  - break: 同志们，在全市开展创先争优活动\n",
                                                    "  - break: 同志们，在全市开展创先争优活动\n  - break: 让我们紧密团结\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError, match=rf"new ids not yet recorded\): p{paragraphs_of_liu(edition) + 1}"):
        check(load_edition(project))


def add_break(project, after, phrase):
    path = project / "source_texts" / f"{LIU}.yml"
    text = path.read_text(encoding="utf-8")
    assert f"  - break: {after}\n" in text
    path.write_text(text.replace(f"  - break: {after}\n", f"  - break: {after}\n  - break: {phrase}\n"), encoding="utf-8")


def cited_texts(project) -> dict[tuple[str, int, int], str]:
    """(file, line, column) of each reference to Liu Qi's speech -> the text it points at."""
    from build_tools.load import load_texts
    from build_tools.segment import segment

    docs = {d.meta.slug: d for d in map(segment, load_texts(project / "source_texts"))}
    return {(r.path.name, r.line, r.start): docs[r.slug].block(r.id).text
            for r in references.scan(project) if r.slug == LIU}


def test_a_renumbering_names_every_moved_reference_and_make_manifest_remaps_them(project):
    before = cited_texts(project)
    add_break(project, "全市各级党组织都要以高度的政治责任感", "特别是要深刻理解")  # p4 splits: p5… shift by one
    moved = [r for r in references.scan(project) if r.slug == LIU and int(r.id[1:]) >= 5 and r.id[0] == "p"]
    assert moved
    result = run_cli(project, "check")
    assert result.returncode == 1
    for ref in moved:  # each affected reference, at its own file and line
        assert f"{ref.path}:{ref.line}: 引用 {ref.anchor} 现在会指向另一段文字" in result.stderr

    update = run_cli(project, "manifest", "--update")
    assert update.returncode == 0, update.stderr
    assert f"{LIU}#p5 → {LIU}#p6" in update.stdout
    assert f"注意 (note): {LIU} 已发布的" in update.stdout and "站外按这些段号的引用会落到别处" in update.stdout
    assert update.stdout.count("注意 (note):") == 1  # only the renumbered text
    assert cited_texts(project) == before  # every reference holds the words it held
    assert run_cli(project, "check").returncode == 0
    home = (project / "docs" / "home.md").read_text(encoding="utf-8")
    assert "(texts/2010-xinhua-qa/index.md#p1)" in home  # other texts' references untouched


def test_a_reference_whose_paragraph_was_split_is_refused_until_fixed_or_accepted(project):
    manifest_before = (project / "anchors.manifest.json").read_bytes()
    add_break(project, "今天会议的主要任务", "下面，我讲几点意见")  # p2 itself changes
    cited = [r for r in references.scan(project) if r.anchor == f"{LIU}#p2" and not r.implied]
    assert cited
    update = run_cli(project, "manifest", "--update")
    assert update.returncode == 1
    for ref in cited:
        assert f"{ref.path}:{ref.line}: 引用 {LIU}#p2 会指向另一段文字：原段落已拆为 p2、p3" in update.stderr
    for ref in references.scan(project):  # a note's own paragraph follows its quote instead (next test)
        assert not ref.implied or f"{ref.path}:{ref.line}:" not in update.stderr
    assert f"ACCEPT={LIU}#p2" in update.stderr
    assert (project / "anchors.manifest.json").read_bytes() == manifest_before  # nothing recorded
    assert run_cli(project, "manifest", "--update", "--accept", f"{LIU}#p2").returncode == 0
    assert run_cli(project, "check").returncode == 0


def test_a_reference_to_a_paragraph_merged_into_its_neighbour_follows_it_without_asking(project):
    second = next(i for i, words in liu_texts(project).items() if words.startswith("五是要加快城镇化"))
    first = f"p{int(second[1:]) - 1}"
    home = project / "docs" / "home.md"
    home.write_text(home.read_text(encoding="utf-8") + f"\n[刘淇¶{second[1:]}](texts/{LIU}/index.md#{second})\n",
                    encoding="utf-8")
    before = cited_texts(project)
    remove_break(project, "五是要加快城镇化")
    update = run_cli(project, "manifest", "--update")
    assert update.returncode == 0, update.stderr
    assert f"{LIU}#{second} → {LIU}#{first}" in update.stdout
    assert f"[刘淇¶{first[1:]}](texts/{LIU}/index.md#{first})" in home.read_text(encoding="utf-8")
    after = cited_texts(project)
    for where, words in before.items():  # each reference's words are all in the paragraph it cites now
        if where[0] != f"{LIU}.yml":  # (whose lines moved up with the break taken out)
            assert "".join(words.split()) in "".join(after[where].split()), where
    assert run_cli(project, "check").returncode == 0


def test_a_reference_to_a_missing_paragraph_names_its_line(project):
    glossary = project / "source_texts" / "glossary.yml"
    text = glossary.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "2010-xinhua-qa#p6" in t)
    glossary.write_text(text.replace("2010-xinhua-qa#p6", "2010-xinhua-qa#p99", 1), encoding="utf-8")
    refs = references.scan(project)
    errors = references.check(refs, {}, manifest.anchors_of(list(load_edition(ROOT).docs)))
    assert [e.message.split(" — ")[0] for e in errors] == [f"{glossary}:{line}: 引用 2010-xinhua-qa#p99 指向不存在的段落 (no such id)"]


def test_link_text_pilcrow_follows_the_remapped_anchor(tmp_path):
    page = tmp_path / "home.md"
    page.write_text("见[访谈¶1](texts/2010-xinhua-qa/index.md#p1)与¶1。\n", encoding="utf-8")
    (ref,) = references.find_references(page, page.read_text(encoding="utf-8"))
    report = references.apply(references.Remap(((ref, "p2"),), ()))
    assert page.read_text(encoding="utf-8") == "见[访谈¶2](texts/2010-xinhua-qa/index.md#p2)与¶1。\n"
    assert any("¶1" in line and "核对" in line for line in report)


def liu_texts(project) -> dict[str, str]:
    """Liu Qi's speech as it segments now: id -> words as received (what the manifest holds)."""
    from build_tools.load import load_texts
    from build_tools.segment import segment

    doc = next(d for d in map(segment, load_texts(project / "source_texts")) if d.meta.slug == LIU)
    return {b.id: "".join(b.received.split()) for b in doc.blocks if b.id}


def update_manifest(project, day, accept=()):
    from build_tools.load import load_texts
    from build_tools.segment import segment_all

    docs = segment_all(load_texts(project / "source_texts"))
    return manifest.update(project / "anchors.manifest.json", docs, day, references.scan(project), frozenset(accept))


def test_make_manifest_records_where_each_moved_ids_words_are_now(project):
    add_break(project, "全市各级党组织都要以高度的政治责任感", "特别是要深刻理解")  # p4 split in two, the rest shift
    assert run_cli(project, "manifest", "--update").returncode == 0
    record = json.loads((project / manifest.CHANGES_NAME).read_text(encoding="utf-8"))
    assert list(record) == [LIU]  # only the renumbered text
    [entry] = record[LIU]
    assert entry["recorded"] == datetime.date.today().isoformat()
    assert entry["ids"]["p4"] == ["p4", "p5"] and entry["ids"]["p5"] == ["p6"]


def test_each_change_is_followed_through_later_ones(project):
    first_words = liu_texts(project)
    add_break(project, "全市各级党组织都要以高度的政治责任感", "特别是要深刻理解")  # p4 split in two, the rest shift
    update_manifest(project, "2026-11-20")
    remove_break(project, "五是要加快城镇化")  # then two paragraphs merge into one
    update_manifest(project, "2026-11-24")  # what cited either of them cites the paragraph holding both now
    days = [e["recorded"] for e in json.loads((project / manifest.CHANGES_NAME).read_text(encoding="utf-8"))[LIU]]
    assert days == ["2026-11-20", "2026-11-24"]

    now_words = liu_texts(project)
    doc = next(d for d in load_edition(project).docs if d.meta.slug == LIU)
    first = {c.old: c.now for c in doc.id_changes if c.recorded == "2026-11-20"}
    assert all(now_words.get(old) != first_words[old] for old in first)  # only ids whose words moved
    for old, words in first_words.items():  # where each id's first words are after both changes
        now = first.get(old, (old,))
        joined = "".join(now_words[i] for i in now)
        assert joined == words or len(now) == 1 and words in joined, (old, now)
    # ¶16 and ¶17 merged (after the split moved them to ¶17 and ¶18): both now ¶17, which the
    # old ¶17 names already, so only ¶16 needs a record
    merged = [old for old, now in first.items() if len(now) == 1 and now_words[now[0]] != first_words[old]]
    assert merged == ["p16"] and first["p16"] == ("p17",) and "p17" not in first
    assert first["p4"] == ("p4", "p5")  # the split one


def test_the_change_record_shows_on_the_text_page_and_in_its_tei(project):
    add_break(project, "全市各级党组织都要以高度的政治责任感", "特别是要深刻理解")
    assert run_cli(project, "manifest", "--update").returncode == 0
    last = len(liu_texts(project)) - 3  # paragraphs: the ids less the three headings
    pages = run_cli(project, "markdown")
    assert pages.returncode == 0, pages.stderr
    for code in ("zh-Hans", "zh-Hant"):
        page = (project / "build" / "md" / code / "texts" / LIU / "index.md").read_text(encoding="utf-8")
        assert "{: #id-changes }" in page
        assert 'data-old="p4" data-now="p4+p5">¶4</span> | [¶4](#p4)–[¶5](#p5) |' in page  # split
        assert f'>¶5–¶{last - 1}</span> | [¶6](#p6)–[¶{last}](#p{last}) |' in page  # one row for the shifted run
    tei = tei_of(load_edition(project), LIU)
    assert '<change when="' in tei and '<item n="p4">p4：<ref target="#p4">p4</ref>、<ref target="#p5">p5</ref></item>' in tei


def tei_of(edition, slug):
    from build_tools.pipeline import tei_pages

    return next(p.content for p in tei_pages(edition, [d for d in edition.docs if d.meta.slug == slug]))


@pytest.mark.parametrize("record, problem", [
    ('{\n "%s": [\n  {"recorded": "yesterday", "ids": {}}\n ]\n}\n' % LIU, "段号变更记录格式不对"),
    ('{\n "%s": [\n  {"recorded": "2026-02-30", "ids": {}}\n ]\n}\n' % LIU, "段号变更记录格式不对"),
    # the ids go into the page's attributes and links: nothing but an id passes
    ('{\n "%s": [\n  {"recorded": "2026-11-24", "ids": {"p4": ["p5\\"><img src=x onerror=alert(1)>"]}}\n ]\n}\n' % LIU,
     "段号变更记录格式不对"),
    ('{\n "%s": [\n  {"recorded": "2026-11-24", "ids": {"p4": ["p999"]}}\n ]\n}\n' % LIU, "指向不存在的段号"),
    ('{\n "%s": [\n' % LIU, "malformed JSON"),
])
def test_a_hand_edited_change_record_is_refused_at_its_line(project, record, problem):
    (project / manifest.CHANGES_NAME).write_text(record, encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_edition(project)
    assert err.value.path == project / manifest.CHANGES_NAME and err.value.line in (2, 3)
    assert problem in err.value.problem and "make manifest" in err.value.fix


def test_moves_follow_words_to_one_id_or_to_the_paragraphs_they_were_split_into():
    fp = manifest.fingerprint
    was = {"p1": fp("甲乙"), "s1": fp("题"), "p2": fp("丙"), "p3": fp("丁"), "p4": fp("戊己")}
    texts = {"p1": "甲", "p2": "乙", "s1": "题", "p3": "丙", "p4": "丁", "p5": "丁", "p6": "戊 己"}
    assert manifest.moves(was, {i: fp(t) for i, t in texts.items()}, texts) == {
        "p1": ["p1", "p2"],  # split in two
        "p2": ["p3"],  # moved on
        "p3": [],  # the same words twice: which one a citation meant is not known
        "p4": ["p6"],  # whitespace is not the words
    }
    was = {"p1": fp("甲"), "p2": fp("乙丙"), "p3": fp("丁"), "p4": fp("戊")}
    texts = {"p1": "甲乙丙", "p2": "丁改", "p3": "戊"}
    assert manifest.moves(was, {i: fp(t) for i, t in texts.items()}, texts) == {
        "p1": ["p1"], "p2": ["p1"],  # merged into one
        "p3": [],  # reworded
        "p4": ["p3"],
    }


def test_a_renumbered_reference_reminds_once_of_each_number_written_beside_it(tmp_path):
    """The link is rewritten; a ¶5 in the running text may mean the old number and is named for
    checking by hand, once per line however often it stands there."""
    from build_tools.references import Ref, Remap, apply

    note = tmp_path / "notes.yml"
    text = "  body: 见访谈¶5；¶5与¶50不同。\n  sources: [2010-xinhua-qa#p5]\n"
    note.write_text(text, encoding="utf-8")
    at = text.split("\n")[1].index("p5]")
    report = apply(Remap(((Ref(note, 2, at, at + 2, "2010-xinhua-qa", "p5"), "p6"),), ()))
    assert "sources: [2010-xinhua-qa#p6]" in note.read_text(encoding="utf-8")
    reminders = [line for line in report if "可能也要改" in line]
    assert reminders == [f"{note}:1: 正文里的“¶5”可能也要改，请核对 (check by hand)"]


def test_a_split_paragraphs_notes_follow_their_quotes_each_to_its_part(project):
    """ACCEPT keeps every reference to an id on it; a note's `paragraph:` need not wait for it:
    its quote says which part of a split paragraph it belongs to."""
    notes = project / "source_texts" / "annotations" / f"{LIU}.yml"
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text + "- id: test-later-half\n  paragraph: p2\n  quote: 下面，我讲几点意见\n  kind: explanation\n"
                     "  body: 测试用注释。\n  author: 编辑部\n  date: 2026-11-24\n  sources: [2010-04-14-liu-qi-beijing#p2]\n",
                     encoding="utf-8")
    assert run_cli(project, "manifest", "--update").returncode == 0
    add_break(project, "今天会议的主要任务", "下面，我讲几点意见")  # p2 splits: its last sentence is p3
    update = run_cli(project, "manifest", "--update", "--accept", f"{LIU}#p2")
    assert update.returncode == 0, update.stderr
    after = notes.read_text(encoding="utf-8")
    assert "- id: test-later-half\n  paragraph: p3\n" in after  # followed its words
    assert "sources: [2010-04-14-liu-qi-beijing#p2]" in after.split("test-later-half")[1]  # accepted, kept
    first_half = [block for block in after.split("- id: ")[1:] if block.startswith("same-day-yushu")]
    assert first_half and "paragraph: p2\n" in first_half[0]  # its quote is still in p2
    assert run_cli(project, "check").returncode == 0
