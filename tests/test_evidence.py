"""The evidence check (build_tools/evidence.py) and the regression cases of issue 14's corrections."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_tools.errors import EditionError
from build_tools.evidence import (Evidence, Reference, check, date_forms, load_references, quotations, year_written,
                                  years_given)
from build_tools.model import Block, Document, Meta
from build_tools.pipeline import load_edition
from build_tools.yamlio import fold_cjk, load_yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "source_texts"


def _doc(*paragraphs: str) -> Document:
    meta = Meta("2010-test", "题", "题", "某", "2010", "", "", "speech", "", "x.txt")
    return Document(meta, tuple(Block("paragraph", text, f"p{i}") for i, text in enumerate(paragraphs, 1)))


REF = Reference("某报2010-01-01《题》", "题", "某报", "https://example.org/a", "2026-11-22", "2010-01-01", ("报上的话",))
EV = Evidence([_doc("他说要结合纪念建党90周年活动，加强党史教育。", "4月6日，中央召开了总结大会。")], {REF.label: REF})


def test_quotations_keep_inner_quotes():
    assert quotations("李说“搞成‘两张皮’”，又说“好”。") == ["搞成‘两张皮’", "好"]


def test_a_quotation_in_the_cited_paragraph_passes_and_elsewhere_fails():
    assert EV.problems("“加强党史教育”", ("2010-test#p1",)) == []
    assert EV.problems("“加强党史教育”", ("2010-test#p2",)) == ["所引段落 2010-test#p2 中没有引文“加强党史教育” (quotation “加强党史教育” is not in 2010-test#p2)"]


def test_a_cut_quotation_needs_every_piece_in_one_paragraph():
    assert EV.problems("“他说要……加强党史教育”", ("2010-test#p1",)) == []
    assert EV.problems("“他说要……总结大会”", ("2010-test#p1", "2010-test#p2"))


@pytest.mark.parametrize("marks", ['"{}"', "「{}」", "『{}』"])
def test_a_quotation_in_other_marks_is_refused_as_it_would_go_unchecked(marks):
    quoted = marks.format("最担心的是结合不紧")  # not in the cited paragraph, in any marks
    assert EV.problems(f"他说{quoted}", ("2010-test#p1",)) == [
        f"{quoted}：引文要写在中文双引号“…”里（内层‘…’），才能与原文核对 "
        "(write quotations in “…”, inner ‘…’, so that they are checked against the text)"]
    assert EV.problems('见《「十二五」計画綱要》与 "Beijing Review"', ("2010-test#p1",)) == []  # a title; no Chinese


def test_mentions_and_reference_quotes_are_exempt_and_only_they():
    assert EV.problems("“地”与“报上的话”", ("2010-test#p1", REF.label), mentions=("地",)) == []
    assert EV.problems("“地”", ("2010-test#p1",))


def test_a_heading_and_the_top_hold_the_lines_printed_with_them_and_a_paragraph_does_not():
    """A speech's dateline under its heading is evidence (cited as the heading's anchor); a
    notice's signature and date of issue after a paragraph are the document's (cited as its top),
    not the paragraph's, and no quotation runs across two lines."""
    meta = Meta("2010-test", "题", "题", "某", "2010", "", "", "notice", "", "x.txt")
    blocks = (Block("title", "关于印发讲话的通知"), Block("paragraph", "现将讲话印发给你们。", "p1"),
              Block("signature", "某办公室"), Block("issued", "2010年7月23日"), Block("heading", "在会议上的讲话", "s1"),
              Block("dateline", "（2010年7月19日，根据记录整理）"), Block("paragraph", "今天来看望大家。", "p2"))
    ev = Evidence([Document(meta, blocks)], {})
    assert ev.problems("“关于印发讲话的通知”", ("2010-test#top",)) == []
    assert ev.problems("讲话题下署“2010年7月19日，根据记录整理”", ("2010-test#s1",)) == []
    assert ev.problems("“2010年7月19日，根据记录整理”", ("2010-test#p2",))
    assert ev.problems("“某办公室”", ("2010-test#p1",))
    assert ev.problems("“关于印发讲话的通知”“某办公室”“2010年7月23日”", ("2010-test#top",)) == []
    assert ev.problems("“2010年7月23日”", ("2010-test#s1",))
    assert ev.problems("“讲话（2010年7月19日”", ("2010-test#s1",))


def test_unregistered_public_source_and_unknown_anchor_are_named():
    problems = "\n".join(EV.problems("无引文", ("维基百科“某”条", "2010-test#p9")))
    assert "source '维基百科“某”条' is neither a corpus anchor nor a reference in references.yml" in problems
    assert "source '2010-test#p9' names no paragraph of the corpus" in problems
    unnumbered = EV.problems("无引文", ("2010-test#9",))
    assert [p.fix for p in unnumbered] == ["是不是 2010-test#p9？段落锚点写 p 加段号 (did you mean 2010-test#p9? a paragraph anchor is p and its number)"]
    assert EV.problems("“无处可查”", ()) == ["没有引用语料段落，无法核对引文“无处可查” "
                                         "(quotation “无处可查” cannot be checked: no corpus paragraph is cited)"]


@pytest.mark.parametrize("date, forms", [("2010-04-06", ("4月6日",)), ("2011-01", ("1月",)), ("2007", ("2007",))])
def test_date_forms_follow_the_precision(date, forms):
    assert date_forms(date) == forms


def test_a_date_must_be_in_the_paragraph_it_is_cited_to():
    assert EV.date_problem("2010-04-06", "2010-test#p2") == ""
    assert "date 2011-01-10 is not in 2010-test#p2" in EV.date_problem("2011-01-10", "2010-test#p2")
    assert EV.date_problem("2011-01-10", REF.label) == ""  # a public reference holds its own date


@pytest.mark.parametrize("paragraph, form, text_date, years", [
    ("4月6日，中央召开", "4月6日", "2010-04-14", {2010}),                # no year: the text's
    ("去年4月6日党中央作出部署", "4月6日", "2011-04-07", {2010}),          # counted from the text's year
    ("2009年12月28日的会议", "12月28日", "2011-01-05", {2009}),          # stated
    ("12月28日的会议", "12月28日", "2011-01-05", {2011, 2010}),         # later in the year than the text
    ("5月7日召开会议", "5月7日", "2010", {2010}),                        # a text dated by its year only
    ("11月召开", "1月", "2011-03-01", set()),                          # 1月 is not in 11月
])
def test_the_year_a_paragraph_gives_a_date(paragraph, form, text_date, years):
    assert set(years_given(paragraph, form, text_date)) == years


@pytest.mark.parametrize("date, held, text_date, written", [
    ("2010-05-07", "2010年5月7日召开会议", "2010", True),
    ("2010-05-07", "5月7日召开会议", "2010", False),           # the year is the text's
    ("2010-04-06", "今年4月6日，中央召开", "2010-04-14", False),  # counted from the text's date
    ("2009-12", "2010年1月与2009年12月", "2010-03-01", True),
    ("2010", "2010年是开局之年", "2010", True),                 # a bare year is found as written
])
def test_whether_a_paragraph_writes_an_event_s_year(date, held, text_date, written):
    assert year_written(date, held, text_date) is written


def test_an_event_whose_year_rests_on_an_inferred_text_date_says_so(edition):
    """The interview states no date: its “5月7日” is 2010 only by the editors' dating of it."""
    from build_tools.render_glossary import event_label
    from build_tools.enrich import Event

    docs = {d.meta.slug: d for d in edition.docs}
    inferred = "（年份由本版推定）"
    assert docs["2010-xinhua-qa"].meta.date_inferred
    assert event_label(Event("2010-05-07", "开会", "2010-xinhua-qa#p1"), docs, str) == "开会" + inferred
    dated = next(d for d in edition.docs if not d.meta.date_inferred)
    assert event_label(Event("2010-05-07", "开会", f"{dated.meta.slug}#p1"), docs, str) == "开会"
    assert event_label(Event("2010-05-07", "开会", REF.label), docs, str) == "开会"
    timeline = render_timeline_of(edition)
    assert "中央创先争优活动领导小组召开会议研究部署" + inferred in timeline


def render_timeline_of(edition) -> str:
    from build_tools.render_glossary import render_timeline
    return render_timeline(edition.glossary, list(edition.docs), str, edition.references)


def test_an_event_s_year_must_agree_with_its_paragraph():
    ev = Evidence([_doc("去年4月6日，党中央作出部署。", "11月召开。")], {})
    assert ev.date_problem("2009-04-06", "2010-test#p1") == ""  # the test text is dated 2010
    assert "'去年4月6日' as 2009" in ev.date_problem("2010-04-06", "2010-test#p1")
    assert "date 2010-01 is not in 2010-test#p2" in ev.date_problem("2010-01", "2010-test#p2")


def test_every_reference_has_title_publisher_access_date_and_url():
    refs = load_references(SOURCES)
    assert refs and all(r.title and r.publisher and r.accessed and r.url.startswith("http") for r in refs.values())
    wiki = [r for r in refs.values() if r.publisher.startswith("维基百科")]
    assert wiki and not any(r.published for r in wiki)  # a wiki article is edited continuously: no publication date


@pytest.mark.parametrize("old,new,cause", [
    ("  published: 2012-11-15\n", "  published: 2026-11-23\n", "accessed before it was published"),
    ("で演説\n  lang: ja\n", "で演説\n", "the title has kana: it is Japanese"),
])
def test_a_reference_that_contradicts_itself_is_refused_at_its_line(tmp_path, old, new, cause):
    text = (SOURCES / "references.yml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    (tmp_path / "references.yml").write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(EditionError) as err:
        load_references(tmp_path)
    assert cause in err.value.message and f"{tmp_path / 'references.yml'}:" in err.value.message


def test_an_entry_page_and_the_timeline_print_a_wiki_articles_date_as_the_date_consulted(edition):
    from build_tools.render_glossary import render_entry, render_timeline

    docs = {d.meta.slug: d for d in edition.docs}
    entry = next(e for e in edition.glossary.entries if e.term == "沈浩")  # 维基百科“沈浩”条, with an event
    page = render_entry(entry, [], edition.glossary, docs, str, refs=edition.references)
    timeline = render_timeline(edition.glossary, list(edition.docs), str, edition.references)
    for text in (page, timeline):
        assert '维基百科（Wikimedia Foundation），访问于 <span class="date">2026-11-22</span>' in text
        assert "（Wikimedia Foundation），2026-11-22" not in text
    assert '中国日报网，发布于 <span class="date">2011-07-20</span>，访问于 <span class="date">2026-11-22</span>' in timeline


def test_a_reference_labels_its_access_date_and_never_prints_it_bare():
    """A wiki article's date is the day it was consulted: printed bare, it read as a publication date."""
    from build_tools.render import source_link

    wiki = Reference("维基百科“某”条", "某", "维基百科（Wikimedia Foundation）", "https://example.org/w", "2026-11-22")
    refs = {REF.label: REF, wiki.label: wiki}
    assert source_link(wiki.label, {}, "", str, refs) == \
        '[维基百科“某”条](<https://example.org/w>)，维基百科（Wikimedia Foundation），访问于 <span class="date">2026-11-22</span>'
    assert source_link(REF.label, {}, "", str, refs).endswith(
        '，某报，发布于 <span class="date">2010-01-01</span>，访问于 <span class="date">2026-11-22</span>')


@pytest.mark.parametrize("old, new, message", [
    # a quotation moved to a paragraph that does not hold it
    ("sources: [2010-xinhua-qa#p8, 2011-04-07-li-yuanchao-symposium#p1, 2011-04-07-li-yuanchao-symposium#p12,",
     "sources: [2010-xinhua-qa#p8, 2011-04-07-li-yuanchao-symposium#p1,",
     ("term '建党90周年' explanation: 所引段落", "(quotation “要结合纪念建党90周年活动，加强党史党风党性教育” is not in")),
    # the old wrong event source comes back
    ("- {date: 2011-01-10, label: 胡锦涛在十七届中央纪委第六次全会上讲话, source: 人民网日文版2011-01-11“胡錦濤総書記、中央紀律検査委員会全体会議で演説”}",
     "- {date: 2011-01, label: 十七届中央纪委第六次全会召开, source: 2011-04-07-li-yuanchao-symposium#p1}",
     ("event '十七届中央纪委第六次全会召开': 日期 2011-01 不在 2011-04-07-li-yuanchao-symposium#p1 中",
      "(date 2011-01 is not in 2011-04-07-li-yuanchao-symposium#p1")),
])
def test_check_names_file_line_and_claim(project, old, new, message):
    glossary = project / "source_texts" / "glossary.yml"
    text = glossary.read_text(encoding="utf-8")
    assert old in text
    glossary.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(EditionError) as err:
        check(project / "source_texts", load_edition(project).docs)
    assert all(part in err.value.message for part in message)
    assert f"{glossary}:" in err.value.message and "cite the paragraph" in err.value.message


def test_the_build_runs_the_check(project):
    """`make check` and the site build both call pipeline.check, which runs the evidence check."""
    from build_tools.pipeline import check as pipeline_check
    notes = project / "source_texts" / "annotations" / "2010-04-14-liu-qi-beijing.yml"
    notes.write_text(notes.read_text(encoding="utf-8").replace("中央文件里是否有此表述", "中央“文件里有此表述”"),
                     encoding="utf-8")
    with pytest.raises(EditionError, match="note 'leadership-formula': 所引段落 .* 中没有引文“文件里有此表述”"):
        pipeline_check(load_edition(project))


# ── Regression cases of the corrections (tests/fixtures/corrections.yml) ─────────────────────
CASES = load_yaml(Path(__file__).parent / "fixtures" / "corrections.yml").data


def _claim(case: dict) -> tuple[str, tuple[str, ...], list[dict]]:
    """The claim's whole text, its sources and events, as the edition states them now."""
    if "term" in case:
        entry = next(e for e in load_yaml(SOURCES / "glossary.yml").data if e["term"] == case["term"])
        events = entry.get("events", [])
        text = " ".join([fold_cjk(entry["gloss"]), fold_cjk(entry["explanation"]), *(e["label"] for e in events)])
        return text, tuple(entry["sources"]), events
    slug, note_id = case["note"].split("/")
    note = next(n for n in load_yaml(SOURCES / "annotations" / f"{slug}.yml").data if n["id"] == note_id)
    return fold_cjk(note["body"]), tuple(note["sources"]), []


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_correction_stays_corrected(case):
    text, sources, events = _claim(case)
    for wrong in case.get("forbid", []):
        assert wrong not in text, f"the old claim is back: {wrong}"
    for right in case.get("require", []):
        assert right in text, f"the corrected wording is gone: {right}"
    for source in case.get("cite", []):
        assert source in sources
    if "event" in case:
        assert any(e["date"] == case["event"]["date"] and e["source"] == case["event"]["source"] for e in events)
    for source in case.get("forbid_event_source", []):
        assert all(e["source"] != source for e in events)
    if "pinyin" in case:  # a reading no source settles is not stated as one
        assert next(e for e in load_yaml(SOURCES / "glossary.yml").data if e["term"] == case["term"])["pinyin"] == case["pinyin"]


def test_a_renumbering_that_shifts_cited_paragraphs_is_caught(project):
    """Invariant 9: a `slug#pN` citation never silently points at another paragraph."""
    (project / "source_texts" / "annotations" / "2010-04-14-liu-qi-beijing.yml").unlink()  # they stop earlier
    spec = project / "source_texts" / "2010-04-14-liu-qi-beijing.yml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("  - break: 五是要加快城镇化\n", ""), encoding="utf-8")
    with pytest.raises(EditionError, match="quotation “深化平安北京建设” is not in 2010-04-14-liu-qi-beijing#p19"):
        check(project / "source_texts", load_edition(project).docs)


def shown_label(ref: Reference, t) -> str:
    """A label as a page shows it: in the page's script, but a foreign title in “…” as written."""
    if not ref.lang:
        return t(ref.label)
    return "".join(part if part.startswith("“") else t(part) for part in re.split(r"(“[^”]*”)", ref.label))


def test_every_reference_shown_on_a_page_links_to_its_registered_url(site, edition):
    """Wherever a reader sees a public source (glossary entries, event lists, the timeline, the
    notes of a text), its label is a link to the URL registered in references.yml, followed by
    its publisher and its labelled dates (发布于 … where the page states one, 访问于 …); no label
    stands unlinked and no date stands bare."""
    from bs4 import BeautifulSoup

    from build_tools.convert import converter

    cited = {s for e in edition.glossary.entries for s in [*e.sources, *(ev.source for ev in e.events)]}
    cited |= {s for notes in edition.notes.values() for n in notes for s in n.sources}
    cited &= set(edition.references)
    assert cited, "the edition cites public references"
    for variant in edition.variants:
        t = converter(variant, edition.conversion.overrides)
        labels = {shown_label(ref, t): ref for ref in edition.references.values()}
        seen = set()
        folder = site / variant.path if variant.path else site
        pages = [p for p in folder.rglob("*.html") if variant.path or "zh-Hant" not in p.relative_to(site).parts]
        for path in pages:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            for foreign in soup.select("a span[lang]"):  # a Japanese title inside a label: read as one string
                foreign.unwrap()
            soup.smooth()
            for node in soup.find_all(string=lambda s: any(label in s for label in labels)):
                if node.find_parent(["code", "pre"]):
                    continue  # an example in 参与编辑, not a source
                label = next(label for label in labels if label in node)
                link = node.parent
                where = f"{path.relative_to(site)}: {label}"
                assert link.name == "a" and str(node) == label, f"{where} is not a link"
                assert link["href"] == labels[label].url, where
                after = "".join(s.get_text() if hasattr(s, "get_text") else str(s) for s in link.next_siblings)
                ref = labels[label]
                dates = [f"发布于 {ref.published}"] if ref.published else []
                dates.append(f"访问于 {ref.accessed}")
                assert after.startswith(f"，{t(ref.publisher)}，{t('，'.join(dates))}"), where
                spans = link.find_next_siblings("span", class_="date", limit=len(dates))  # never broken at a hyphen
                assert [s.get_text() for s in spans] == [d.split(" ")[1] for d in dates], where
                seen.add(labels[label].label)
        assert seen == cited, f"{variant.code}: references not shown as links: {sorted(cited - seen)}"


def test_a_japanese_pages_title_is_printed_as_written_in_both_scripts(edition):
    """Its label's Chinese words follow the script; the Japanese title in “…” is not Chinese to
    convert (会 would become 會 beside Japanese 検査) and is tagged as Japanese."""
    from build_tools.convert import converter
    from build_tools.render import source_link

    foreign = [ref for ref in edition.references.values() if ref.lang]
    assert foreign
    docs = {d.meta.slug: d for d in edition.docs}
    for variant in edition.variants:
        t = converter(variant, edition.conversion.overrides)
        for ref in foreign:
            shown = source_link(ref.label, docs, "../", t, edition.references)
            before, title, after = re.fullmatch(r"([^“]*)“([^”]*)”(.*)", ref.label).groups()
            assert shown.startswith(f'[{t(before)}“<span lang="{ref.lang}">{title}</span>”{t(after)}]'), shown


def test_a_quotation_of_words_a_correction_changed_says_so():
    """An editor adds a correction; a gloss quoting the paragraph as received no longer checks:
    the error names the correction, not just a missing quotation."""
    from build_tools.model import Correction

    meta = Meta("2010-test", "题", "题", "某", "2010", "", "", "speech", "", "x.txt")
    text = "建立工作台帐，逐项抓好落实。"
    block = Block("paragraph", text.replace("台帐", "台账"), "p1", corrections=(Correction(4, 6, "台帐", "规范写法"),))
    ev = Evidence([Document(meta, (Block("title", "题"), block))], {})
    assert ev.problems("“建立工作台账”", ("2010-test#p1",)) == []
    (problem,) = ev.problems("“建立工作台帐”", ("2010-test#p1",))
    assert problem.startswith("引文“建立工作台帐”是 2010-test#p1 校改前的原文") and "quote the corrected words" in problem.fix
    assert ev.problems("“建立工作制度”", ("2010-test#p1",))[0].startswith("所引段落 2010-test#p1 中没有引文")
