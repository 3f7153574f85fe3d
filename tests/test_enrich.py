"""Stage enrich: the CJK-aware longest-match linker, occurrences, and glossary validation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_tools.enrich import LINK_POLICIES, hits_by_text, link, load_glossary, tokenizer
from build_tools.errors import EditionError

ALPHABET = "创先争优活动小组五个好"
FORMS = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=5), min_size=1, max_size=8, unique=True)


@given(FORMS, st.text(alphabet=ALPHABET, max_size=60))
def test_longest_leftmost_without_overlap(forms, text):
    table = {f: f"e{i}" for i, f in enumerate(forms)}
    hits = tokenizer(table)(text)
    covered = set()
    for start, end, entry in hits:
        assert text[start:end] in table and table[text[start:end]] == entry
        assert not covered & set(range(start, end))  # no overlap
        covered |= set(range(start, end))
        longer = [f for f in forms if len(f) > end - start and text.startswith(f, start)]
        assert longer == []  # longest form wins at its start
    for i in set(range(len(text))) - covered:
        assert not any(text.startswith(f, i) for f in forms)  # nothing left unmatched


@given(FORMS, st.text(alphabet=ALPHABET, max_size=60))
def test_the_tokenizer_finds_what_a_longest_first_alternation_finds(forms, text):
    """The reference: Python's regex takes the first alternative matching at the leftmost
    position, so longer forms listed first give leftmost-longest matches (as the tokenizer once was)."""
    table = {f: f"e{i}" for i, f in enumerate(forms)}
    alternation = re.compile("|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))))
    assert tokenizer(table)(text) == [(m.start(), m.end(), table[m.group()]) for m in alternation.finditer(text)]


def test_no_forms_find_nothing():
    assert tokenizer({})("创先争优") == []


def test_longest_match_prefers_the_longer_entry(edition):
    forms = edition.glossary.forms()
    text = "各级党委都成立了中央创先争优活动领导小组，深入开展创先争优活动"
    matched = [text[s:e] for s, e, _ in tokenizer(forms)(text)]
    assert matched == ["中央创先争优活动领导小组", "创先争优活动"]


def test_aliases_resolve_to_their_entry(edition):
    forms = edition.glossary.forms()
    ids = edition.glossary.by_term
    assert forms["中组部"] == forms["中央组织部"] == ids["中央组织部"].id


def independent_count(entry, glossary, docs) -> int:
    """Plain substring search: positions of the entry's forms, merged, minus those inside a
    longer form of another entry."""
    total = 0
    others = [f for e in glossary.entries if e.id != entry.id for f in e.forms]
    for doc in docs:
        for block in doc.blocks:
            text = block.text
            mine = sorted({(i, i + len(f)) for f in entry.forms for i in range(len(text)) if text.startswith(f, i)})
            merged = []
            for s, e in mine:
                if merged and s < merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
                else:
                    merged.append((s, e))
            shadows = [(i, i + len(g)) for g in others for i in range(len(text)) if text.startswith(g, i)]
            total += sum(1 for s, e in merged
                         if not any(a <= s and e <= b and (b - a) > (e - s) for a, b in shadows))
    return total


def test_occurrences_match_a_plain_substring_count(edition):
    for entry in edition.glossary.entries:
        assert len(edition.occurrences[entry.id]) == independent_count(entry, edition.glossary, edition.docs), entry.term


def test_policy_first_per_paragraph(edition):
    for doc in edition.docs:
        for block in doc.blocks:
            refs = [s.ref for s in block.spans if s.kind == "term"]
            assert len(refs) == len(set(refs))
            if block.role != "paragraph":
                assert refs == []  # never in headings, titles or bylines


def test_policy_is_configuration(edition):
    doc = edition.docs[0]
    hits = hits_by_text(edition.occurrences)[doc.meta.slug]
    counts = {p: sum(len(b.spans) for b in link(doc, hits, p).blocks) for p in LINK_POLICIES}
    assert counts["all"] > counts["first-per-paragraph"] > counts["first-per-section"] > counts["first-per-text"] == len(
        {s.ref for b in link(doc, hits, "first-per-text").blocks for s in b.spans})


def test_first_per_section_links_a_term_once_between_two_headings(edition):
    for doc in edition.docs:
        linked = link(doc, hits_by_text(edition.occurrences)[doc.meta.slug], "first-per-section")
        section: list[str] = []
        for block in linked.blocks:
            if block.is_heading:
                section = []
            section += [s.ref for s in block.spans if s.kind == "term"]
            assert len(section) == len(set(section)), (doc.meta.slug, block.id)


def test_terms_never_split_a_correction(edition):
    for doc in edition.docs:
        for block in doc.blocks:
            for span in block.spans:
                assert not any(span.start < c.end and c.start < span.end for c in block.corrections)


GLOSSARY = "source_texts/glossary.yml"


def edit_glossary(project, old, new):
    path = project / GLOSSARY
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, text[: text.index(old)].count("\n") + 1


def _docs(project):
    from build_tools.load import load_texts
    from build_tools.segment import segment

    return tuple(segment(s) for s in load_texts(project / "source_texts"))


@pytest.mark.parametrize("old,new,message", [
    ("- term: 体内循环\n", "- term: 两张皮\n", "'两张皮' duplicate term"),
    ("  aliases: [中宣部]\n", "  aliases: [中宣部, 中组部]\n", "'中组部' shadows another entry"),
    ("- term: 两张皮\n", "- term: 三张皮\n", "'三张皮' never occurs in the texts"),
    ("  sources: [2010-xinhua-qa#p6]\n  related: [五带头, 创先争优]", "  sources: [2010-xinhua-qa#p99]\n  related: [五带头, 创先争优]",
     "source anchor '2010-xinhua-qa#p99' does not exist"),
    ("  related: [五带头, 创先争优]", "  related: [五带头, 六个好]", "related entry '六个好' is not in the glossary"),
    ("  related: [五带头, 创先争优]", "  related: [五带头, 创先争优, 五带头]", "lists the entry itself or one entry twice"),
    ("  related: [五带头, 创先争优]", "  related: [五带头, 五个好]", "lists the entry itself or one entry twice"),
    ("  gloss: 比喻本应结合的两件事互相脱节\n", "", "缺少必填字段 'gloss'"),
    ("  gloss: 比喻本应结合的两件事互相脱节\n", "  gloss: " + "很长" * 21 + "\n", "太长"),
    ("  pinyin: lǐ cháng chūn\n", "", "含多音字，须写明 pinyin"),
    ("  pinyin: lǐ cháng chūn\n", "  pinyin: lǐ cháng chūn jīn\n", "pinyin 有 4 个音节，词有 3 个字"),
])
def test_glossary_errors_name_file_line_and_term(project, old, new, message):
    path, line = edit_glossary(project, old, new)
    with pytest.raises(EditionError) as err:
        load_glossary(path, _docs(project))
    assert message in err.value.message
    assert f"{path}:" in err.value.message


def test_error_line_points_at_the_entry(project):
    path, line = edit_glossary(project, "- term: 两张皮\n", "- term: 三张皮\n")
    with pytest.raises(EditionError) as err:
        load_glossary(path, _docs(project))
    assert err.value.message.startswith(f"{path}:{line}: term '三张皮'")


def test_a_missing_anchor_is_named_at_the_sources_line_and_a_duplicate_term_once(project):
    path, line = edit_glossary(project, "  sources: [2010-xinhua-qa#p6]\n  related: [五带头, 创先争优]",
                               "  sources: [2010-xinhua-qa#p99]\n  related: [五带头, 创先争优]")
    with pytest.raises(EditionError) as err:
        load_glossary(path, _docs(project))
    assert err.value.message.startswith(f"{path}:{line}: term ") and "#p99" in err.value.message
    path, line = edit_glossary(project, "  sources: [2010-xinhua-qa#p99]\n", "  sources: [2010-xinhua-qa#p6]\n")
    path, line = edit_glossary(project, "- term: 体内循环\n", "- term: 两张皮\n")
    with pytest.raises(EditionError) as err:
        load_glossary(path, _docs(project))
    message = err.value.message  # one error for one mistake, not also its id's clash
    assert message.count("duplicate term") == 1 and "clashes with" not in message, message


@pytest.mark.parametrize("stated", ["zhōu qù", "zhōu qū/qù"])
def test_wrong_tone_is_refused_also_among_alternatives(project, stated):
    path, _ = edit_glossary(project, "  pinyin: zhōu qū/qǔ\n", f"  pinyin: {stated}\n")
    with pytest.raises(EditionError, match="'qù' 不是“曲”的读音"):
        load_glossary(path, _docs(project))


def test_an_undetermined_reading_is_shown_with_its_alternatives_and_its_slug_from_the_first(project):
    glossary, _ = load_glossary(project / "source_texts" / "glossary.yml", _docs(project))
    entry = next(e for e in glossary.entries if e.term == "舟曲")
    assert entry.pinyin == "zhōu qū/qǔ" and entry.id == "zhou-qu"


def test_a_polyphone_lists_every_reading_and_suggests_none(project):
    path, line = edit_glossary(project, "  pinyin: lǐ cháng chūn\n", "")
    with pytest.raises(EditionError) as err:
        load_glossary(path, _docs(project))
    message = err.value.message
    assert message.startswith(f"{path}:{line - 1}: term '李长春'")
    choices = message.split("长: ")[1].split(" — ")[0]
    assert sorted(choices.split(" / ")) == ["cháng", "zhǎng"]
    assert "lǐ" not in message  # no guessed reading to copy


def test_stated_pinyin_drives_slug_order_and_keeps_the_old_url(project):
    from build_tools.render_glossary import glossary_pages, render_index

    docs = _docs(project)
    glossary, occ = load_glossary(project / GLOSSARY, docs)
    entry = glossary.by_term["李长春"]
    assert entry.id == "li-chang-chun"  # from the stated cháng, not pypinyin's zhǎng
    path, _ = edit_glossary(project, "  pinyin: lǐ cháng chūn\n", "  pinyin: lǐ zhǎng chūn\n")
    restated, occ2 = load_glossary(path, docs)
    assert restated.by_term["李长春"].id == "li-zhang-chun"
    by_pinyin = render_index(glossary, occ, str).split("{: #by-pinyin }")[1]
    assert by_pinyin.index("(li-chang-chun.md)") < by_pinyin.index("(li-yuan-chao.md)")  # chang < yuan
    pages = {p.path: p.content for p in glossary_pages(glossary, occ, list(docs), str)}
    assert 'url=li-chang-chun.html' in pages["glossary/li-zhang-chun.md"]  # the old address forwards


def test_digits_stay_in_the_pinyin_and_the_slug(edition):
    entry = edition.glossary.by_term["建党90周年"]
    assert entry.pinyin == "jiàn dǎng 90 zhōu nián" and entry.id == "jian-dang-90-zhou-nian"


def test_the_pinyin_cache_answers_as_pypinyin_does_and_ignores_a_bad_or_foreign_file(tmp_path, monkeypatch):
    import json
    from importlib.metadata import version

    from pypinyin import Style, pinyin

    from build_tools import enrich

    path = tmp_path / "pinyin-cache.json"
    monkeypatch.setattr(enrich._Readings, "PATH", path)
    for content in ["{not json", json.dumps({"pypinyin": "0.0", "tone": {"建党90周年": "wrong"}, "plain": {},
                                               "heteronyms": {"长": ["wrong"]}})]:
        path.write_text(content, encoding="utf-8")
        monkeypatch.setattr(enrich, "_READINGS", enrich._Readings())
        assert enrich.generated_pinyin("建党90周年") == "jiàn dǎng 90 zhōu nián"
        assert enrich.readings("长") == pinyin("长", style=Style.TONE, heteronym=True)[0]
        enrich._READINGS.save()
        saved = json.loads(path.read_text(encoding="utf-8"))
        assert saved["pypinyin"] == version("pypinyin") and saved["tone"]["建党90周年"] == "jiàn dǎng 90 zhōu nián"
    monkeypatch.setattr(enrich, "_READINGS", enrich._Readings())  # a fresh process reads the file
    assert enrich.readings("长") == pinyin("长", style=Style.TONE, heteronym=True)[0]
