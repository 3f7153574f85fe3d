"""Stage convert: OpenCC s2tw + reviewed overrides; script only, never vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.audit import audit, boundary_suspects, texts_of
from build_tools.convert import Variant, convert_document, converter, load_rules, simplified_only
from build_tools.errors import EditionError
from build_tools.pipeline import check, load_edition

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules(ROOT / "source_texts" / "conversion.yml")
OVERRIDES = RULES.overrides
HANT = Variant("zh-Hant", "繁體", "s2tw", "zh-Hant", "zh-TW")


@pytest.mark.parametrize("override", OVERRIDES, ids=lambda o: o.simplified)
def test_override_regression_case(override):
    """Each reviewed error: plain OpenCC still gets it wrong (else the override is stale) and
    the pipeline gets it right, in the corpus sentence it was found in."""
    assert override.simplified in override.example
    assert override.opencc_gives in converter(HANT)(override.example)
    assert override.traditional in converter(HANT, OVERRIDES)(override.example)


@pytest.mark.parametrize("simplified,expected", [
    ("信息", "信息"), ("窗口单位", "窗口單位"), ("体内循环", "體內循環"),  # s2twp would localise these
    ("为了群众", "為了群眾"), ("着力", "著力"), ("前头发生", "前頭髮生"),  # OpenCC's own known trap
])
def test_script_only_never_vocabulary(simplified, expected):
    assert converter(HANT)(simplified) == expected


def test_overrides_do_not_leak_across_their_boundary():
    convert = converter(HANT, OVERRIDES)
    assert convert("关爱困难群众，促进改善民生") == "關愛困難群眾，促進改善民生"


def test_corpus_has_no_open_boundary_suspect(edition):
    """Every string the editors write (texts, glossary, notes, hand-written pages) converts each
    word as it converts alone, once the overrides apply."""
    suspects = boundary_suspects(edition, converter(HANT), converter(HANT, OVERRIDES))
    assert suspects and [s for s in suspects if not s.fixed] == []


def test_override_examples_and_kept_phrases_must_be_quoted_from_the_edition(project):
    """`make check` refuses an example no text holds (no regression case) and a kept phrase
    that no longer occurs, at its line in conversion.yml."""
    rules = project / "source_texts" / "conversion.yml"
    good = rules.read_text(encoding="utf-8")
    check(load_edition(project))
    for old, new, entry_starts, cause in [
            ("example: 122个中央和国家机关", "example: 123个中央和国家机关", "- simplified: 个中央", "is not in the edition"),
            (f"phrase: {RULES.kept[0]}", f"phrase: {RULES.kept[0]}甲", f"- phrase: {RULES.kept[0]}甲",
             "no longer occurs in the edition")]:
        rules.write_text(good.replace(old, new), encoding="utf-8")
        line = next(i for i, text in enumerate(rules.read_text(encoding="utf-8").splitlines(), 1)
                    if text.strip() == entry_starts)
        with pytest.raises(EditionError) as err:
            check(load_edition(project))
        assert err.value.message.startswith(f"{rules}:{line}: ") and cause in err.value.message, err.value.message


def test_audit_lists_every_ambiguous_occurrence(edition):
    found = audit(edition, converter(HANT, OVERRIDES))
    fa = [o for o in found if o.char == "发"]
    plain_count = sum(text.count("发") for _, _, text in texts_of(edition))
    assert len(fa) == plain_count
    assert {o.chosen for o in fa} == {"發"}


def test_conversion_keeps_ids_and_lengths(edition):
    convert = converter(HANT, OVERRIDES)
    for doc in edition.docs:
        hant = convert_document(doc, convert)
        assert [b.id for b in hant.blocks] == [b.id for b in doc.blocks]
        assert [len(b.text) for b in hant.blocks] == [len(b.text) for b in doc.blocks]
        for block in hant.blocks:
            left = simplified_only(block.text, converter(HANT), RULES.kept)
            assert left == [], (f"{doc.meta.slug}#{block.id or block.role}: {left} left simplified in “{block.text[:40]}…”; "
                                "fix it in source_texts/conversion.yml (overrides, or kept with a reason)")


def test_override_changing_length_is_refused(tmp_path):
    path = tmp_path / "conversion.yml"
    path.write_text("overrides:\n  - simplified: 好干部\n    traditional: 好幹部們\n    opencc_gives: 好乾部\n"
                    "    example: 好干部\n    reason: test\n", encoding="utf-8")
    with pytest.raises(EditionError, match=r"conversion.yml:2: 转换例外“好干部”改变了字数 \(override '好干部' changes the length"):
        load_rules(path)


@pytest.mark.parametrize("traditional, problem", [
    ("個中共", "“共”不是“央”的繁体写法"),  # a typo would change the published wording
    ("个中央", "“个”是简体字形"),  # a simplified character would be published on the traditional page
])
def test_override_must_only_change_script(tmp_path, traditional, problem):
    path = tmp_path / "conversion.yml"
    path.write_text(f"overrides:\n  - simplified: 个中央\n    traditional: {traditional}\n    opencc_gives: 箇中央\n"
                    "    example: 122个中央和国家机关\n    reason: test\n", encoding="utf-8")
    with pytest.raises(EditionError, match=f"conversion.yml:2: 转换例外“个中央”：{problem}"):
        load_rules(path)
    path.write_text(path.read_text(encoding="utf-8").replace(traditional, "個中央"), encoding="utf-8")
    assert load_rules(path).overrides[0].traditional == "個中央"


def test_a_passage_tagged_with_a_script_is_not_converted():
    from build_tools.convert import keeping_tagged_script

    convert = keeping_tagged_script(converter(HANT))
    assert convert('简体“<span lang="zh-Hans">为、群众</span>”作“<span lang="zh-Hant">為、群眾</span>”，为') == \
        '簡體“<span lang="zh-Hans">为、群众</span>”作“<span lang="zh-Hant">為、群眾</span>”，為'


def test_code_on_a_handwritten_page_stays_as_the_tools_read_it():
    """A YAML example or a command is literal input: on the traditional page it stays simplified."""
    from build_tools.convert import keeping_tagged_script

    convert = keeping_tagged_script(converter(HANT))
    page = "复制这一条：\n\n```yaml\n- term: 李长春\n  sources: [维基百科“李长春”条]\n```\n\n写 `建党90周年`，不写“建党”。"
    assert convert(page) == ("複製這一條：\n\n```yaml\n- term: 李长春\n  sources: [维基百科“李长春”条]\n```\n\n"
                             "寫 `建党90周年`，不寫“建黨”。")


def test_what_code_says_to_the_reader_is_converted():
    """A comment and a placeholder the editor replaces are read, not copied: they follow the page's script."""
    from build_tools.convert import keeping_tagged_script

    convert = keeping_tagged_script(converter(HANT))
    page = "```yaml\n  quote: 五个好   # 被注释的原话\n  sources: [2010-xinhua-qa#p6]\n```\n写 `<标识>#p<段号>`。"
    assert convert(page) == "```yaml\n  quote: 五个好   # 被註釋的原話\n  sources: [2010-xinhua-qa#p6]\n```\n寫 `<標識>#p<段號>`。"
