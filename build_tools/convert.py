"""Stage 4, convert: canonical (simplified) Document -> a derived-script Document.

OpenCC converts *text*, never markup: this stage runs before render, so no link, id or marker
can split a word or be converted itself. Phrase overrides from conversion.yml are applied as
fixed segments that OpenCC never sees, which also stops its phrase dictionary from matching
across them. Conversion changes script only, so every offset (corrections, spans) stays valid.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

import opencc

from build_tools.errors import EditionError
from build_tools.model import Block, Document, Meta
from build_tools.schema import validate
from build_tools.yamlio import load_yaml


@dataclass(frozen=True)
class Variant:
    code: str
    label: str
    opencc: str | None  # None: the canonical variant
    path: str  # URL prefix below the site root ("" for the canonical one)
    theme_language: str

    @property
    def canonical(self) -> bool:
        return self.opencc is None


@dataclass(frozen=True)
class Override:
    simplified: str
    traditional: str
    reason: str
    variants: tuple[str, ...]
    line: int
    opencc_gives: str
    example: str


@dataclass(frozen=True)
class ConversionRules:
    overrides: tuple[Override, ...] = ()
    kept: tuple[str, ...] = ()  # reviewed phrases whose simplified-looking character is right


def load_rules(path: Path, variants: tuple[Variant, ...] = ()) -> ConversionRules:
    """The reviewed overrides; given the edition's variants, also checked against them (so
    `make check` refuses exactly what `make site` would convert wrongly)."""
    if not path.exists():
        return ConversionRules()
    doc = load_yaml(path)
    validate(doc, "conversion.schema.json")
    rules = ConversionRules(_overrides(doc), tuple(k["phrase"] for k in doc.data.get("kept", [])))
    if variants:
        check_overrides(path, rules, variants)
    return rules


def check_overrides(path: Path, rules: ConversionRules, variants: tuple[Variant, ...]) -> None:
    """Each override names only known variants, is listed once, writes no character the variant
    would convert (a simplified form), records what OpenCC alone gives, and still gives its
    traditional form in its own example once all the other overrides apply (else two overrides
    conflict)."""
    overrides = rules.overrides
    derived = {v.code: v for v in variants if not v.canonical}
    first: dict[str, Override] = {}
    for o in overrides:
        unknown = [code for code in o.variants if code not in derived]
        if unknown:
            raise EditionError(path, o.line, f"转换例外“{o.simplified}”：没有版本 {'、'.join(unknown)} "
                               f"(override '{o.simplified}': unknown variant {', '.join(unknown)})",
                               f"用 edition.yml 中派生版本的代码：{'、'.join(derived)} "
                               f"(use the codes of derived variants in edition.yml: {', '.join(derived)})")
        if o.simplified in first:
            raise EditionError(path, o.line, f"转换例外“{o.simplified}”列了两次（第 {first[o.simplified].line} 行也有） "
                               f"(override '{o.simplified}' is listed twice (also on line {first[o.simplified].line}))",
                               "每个词语只留一项 (keep one entry per phrase)")
        first[o.simplified] = o
        if o.simplified not in o.example:
            raise EditionError(path, o.line, f"转换例外“{o.simplified}”：例句“{o.example}”里没有这个词 "
                               f"(override '{o.simplified}': its example '{o.example}' does not contain it)",
                               "引用语料中显示这个转换错误的原句 (quote the corpus phrase that shows the error)")
    for variant in derived.values():
        convert, plain = converter(variant, overrides), converter(variant)
        for o in overrides:
            if o.variants and variant.code not in o.variants:
                continue
            left = simplified_only(o.traditional, plain, rules.kept)
            if left:
                raise EditionError(path, o.line, f"转换例外“{o.simplified}”：繁体写法“{o.traditional}”里的“{'、'.join(left)}”"
                                   f"在 {variant.code} 中是简体字形 (override '{o.simplified}': '{''.join(left)}' in "
                                   f"'{o.traditional}' is a simplified form in {variant.code})",
                                   f"写繁体字形，如“{plain(''.join(left))}”；若这里确应保留，把词语加进 kept 并说明理由 "
                                   f"(write the traditional form, e.g. '{plain(''.join(left))}'; if it is right here, "
                                   "add the phrase to kept with a reason)")
            if o.opencc_gives not in plain(o.example):
                raise EditionError(path, o.line, f"转换例外“{o.simplified}”：opencc_gives“{o.opencc_gives}”不是 OpenCC 的结果，"
                                   f"例句在 OpenCC 中是“{plain(o.example)}” (override '{o.simplified}': opencc_gives "
                                   f"'{o.opencc_gives}' is not what OpenCC gives; the example becomes '{plain(o.example)}')",
                                   "照抄 OpenCC 对这个词的转换结果 (copy what OpenCC makes of the phrase)")
            if o.traditional not in convert(o.example):
                others = [f"'{x.simplified}' (line {x.line})" for x in overrides
                          if x is not o and x.simplified in o.example and (not x.variants or variant.code in x.variants)]
                raise EditionError(path, o.line, f"转换例外“{o.simplified}”与{'、'.join(others) or '另一项转换例外'}冲突："
                                   f"例句在 {variant.code} 中变成“{convert(o.example)}” "
                                   f"(override '{o.simplified}' conflicts with "
                                   f"{', '.join(others) or 'another override'}: its example becomes "
                                   f"'{convert(o.example)}' in {variant.code})",
                                   "把重叠的几项合并为一个较长的词语 "
                                   "(merge the overlapping overrides into one longer phrase)")


def _overrides(doc) -> tuple[Override, ...]:
    path = doc.path
    out = []
    for i, entry in enumerate(doc.data["overrides"]):
        line = doc.line_of(("overrides", i))
        if len(entry["simplified"]) != len(entry["traditional"]):
            raise EditionError(path, line, f"转换例外“{entry['simplified']}”改变了字数 (override '{entry['simplified']}' changes the length)",
                               "简繁转换逐字对应；请核对繁体写法 "
                               "(script conversion maps character to character; check the traditional form)")
        forms = traditional_forms()
        for simp, trad in zip(entry["simplified"], entry["traditional"]):
            if trad not in forms.get(simp, {simp}):  # a typo or a simplified character would be published as is
                what = (f"“{trad}”是简体字形 ('{trad}' is the simplified form)" if trad == simp else
                        f"“{trad}”不是“{simp}”的繁体写法 ('{trad}' is not a traditional form of '{simp}')")
                raise EditionError(path, line, f"转换例外“{entry['simplified']}”：{what}",
                                   f"繁体只换字形，不换字；OpenCC 知道的写法：{'、'.join(sorted(forms.get(simp, {simp})))} "
                                   "(conversion changes script only: use one of these forms)")
        out.append(Override(entry["simplified"], entry["traditional"], entry["reason"],
                            tuple(entry.get("variants", ())), line, entry["opencc_gives"], entry["example"]))
    return tuple(out)


@cache
def _opencc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(f"{config}.json" if not config.endswith(".json") else config)


def converter(variant: Variant, overrides: tuple[Override, ...] = ()) -> Callable[[str], str]:
    """A str -> str function for this variant (identity for the canonical one)."""
    if variant.canonical:
        return lambda text: text
    engine = _opencc(variant.opencc)
    mine = {o.simplified: o.traditional for o in overrides if not o.variants or variant.code in o.variants}
    if not mine:
        return engine.convert
    pattern = re.compile("|".join(re.escape(p) for p in sorted(mine, key=len, reverse=True)))

    def convert(text: str) -> str:
        out, pos = [], 0
        for m in pattern.finditer(text):
            out.append(engine.convert(text[pos:m.start()]))
            out.append(mine[m.group()])
            pos = m.end()
        out.append(engine.convert(text[pos:]))
        return "".join(out)

    return convert


# Hand-written pages mark a passage that must stay in one script, such as an example of the
# simplified forms on the traditional page, as <span lang="zh-Hans">…</span>: it is never converted.
# Nor is code (fenced or inline): it is literal input an editor copies, in the simplified script
# the tools read (a note's YAML, a command line). What in code is written for the reader is
# converted: a comment (` # …` to the end of a line in a fenced block) and a placeholder the
# editor replaces (`<标识>#p<段号>`).
_SCRIPT_TAGGED = re.compile(r'(<span lang="zh-Han[st]">.*?</span>|```.*?```|`[^`\n]+`)', re.S)
_FOR_THE_READER_IN_CODE = re.compile(r"<[^<>\s]+>|(?:^|(?<=\s))# .*$", re.M)


def keeping_tagged_script(convert: Callable[[str], str]) -> Callable[[str], str]:
    """`convert` applied outside the passages tagged with a script (`<span lang="zh-Hans">`)
    and, in code, only to comments and placeholders."""
    def in_code(code: str) -> str:
        return _FOR_THE_READER_IN_CODE.sub(lambda m: convert(m.group()), code)

    def convert_untagged(text: str) -> str:
        return "".join(convert(part) if i % 2 == 0 else part if part.startswith("<span") else in_code(part)
                       for i, part in enumerate(_SCRIPT_TAGGED.split(text)))

    return convert_untagged


def convert_document(doc: Document, convert: Callable[[str], str]) -> Document:
    return dataclasses.replace(doc, meta=_convert_meta(doc.meta, convert),
                               blocks=tuple(_convert_block(b, convert, doc.meta.slug) for b in doc.blocks),
                               interventions=tuple(dataclasses.replace(i, text=convert(i.text), reason=convert(i.reason))
                                                   for i in doc.interventions))


def _convert_meta(meta: Meta, convert) -> Meta:
    keep = {"slug", "date", "source_file", "source_sha256", "kind"}  # and what is not text (date_inferred)
    return Meta(**{k: v if k in keep or not isinstance(v, str) else convert(v)
                   for k, v in dataclasses.asdict(meta).items()})


def _convert_block(block: Block, convert, slug: str) -> Block:
    text = convert(block.text)
    if len(text) != len(block.text):  # offsets of spans and corrections rely on this
        raise EditionError(f"{slug}#{block.id}", None, "简繁转换改变了文字长度 (conversion changed the text length)",
                           "在 conversion.yml 中加一项字数相同的转换例外 (add a same-length override to conversion.yml)")
    corrections = tuple(dataclasses.replace(c, original=convert(c.original), reason=convert(c.reason))
                        for c in block.corrections)
    return dataclasses.replace(block, text=text, corrections=corrections)


@cache
def opencc_dictionary(name: str) -> dict[str, tuple[str, ...]]:
    """One of the dictionaries shipped inside the pinned `opencc` package (e.g. STCharacters),
    exported with its bundled `opencc_dict` tool: key -> candidate values, in OpenCC's order."""
    clib = Path(opencc.__file__).parent / "clib"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.txt"
        subprocess.run([str(clib / "bin" / "opencc_dict"), "-i", str(clib / "share" / "opencc" / f"{name}.ocd2"),
                        "-o", str(out), "-f", "ocd2", "-t", "text"], check=True, capture_output=True)
        lines = out.read_text(encoding="utf-8").splitlines()
    return {key: tuple(values.split()) for key, _, values in (line.partition("\t") for line in lines) if values}


@cache
def traditional_forms() -> dict[str, frozenset[str]]:
    """Simplified character -> every traditional form OpenCC gives it (its candidates, and their
    Taiwan and Hong Kong variants); a character OpenCC leaves as it is is absent."""
    regional = (opencc_dictionary("TWVariants"), opencc_dictionary("HKVariants"))
    return {simp: frozenset(f for t in trads for f in (t, *(v for table in regional for v in table.get(t, ()))))
            for simp, trads in st_characters().items()}


def st_characters() -> dict[str, tuple[str, ...]]:
    """Simplified character -> its traditional candidates, from OpenCC's STCharacters table."""
    return opencc_dictionary("STCharacters")


@cache
def traditional_only_characters() -> frozenset[str]:
    """Characters that are only ever the traditional form of another (軟, 黨): never found in
    the simplified canonical text."""
    table = st_characters()
    return frozenset(t for s, forms in table.items() for t in forms if t != s and t not in table)


def simplified_only(text: str, convert: Callable[[str], str], kept: tuple[str, ...] = ()) -> list[str]:
    """Characters this variant's conversion never keeps as they are (e.g. 这, 们, 干 alone):
    in converted text each one is a leftover, unless it stands in a reviewed `kept` phrase."""
    table = st_characters()
    for phrase in kept:  # each character may stand in either script
        text = re.sub("".join(f"[{re.escape(ch)}{re.escape(convert(ch))}]" for ch in phrase), "", text)
    return [ch for ch in text if ch in table and convert(ch) != ch]


def load_variants(edition: dict) -> tuple[Variant, ...]:
    return tuple(Variant(v["code"], v["label"], v.get("opencc"), v.get("path", ""), v["theme_language"])
                 for v in edition["variants"])
