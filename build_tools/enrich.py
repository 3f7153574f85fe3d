"""Stage 3, enrich: glossary entries -> occurrences and marked spans in the Documents.

One longest-leftmost tokenizer over every form of every entry serves both the entry pages
(every occurrence) and the links in the text (marked occurrences), so the two always agree:
创先争优 inside 创先争优活动领导小组 belongs to the longer entry. Our own matcher, because
Python-Markdown's `abbr` needs word boundaries that running Chinese text does not have.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import ahocorasick

from build_tools.errors import EditionError, EditionErrors
from build_tools.model import ANCHOR, Document, Span
from build_tools.safety import unsafe_reason
from build_tools.schema import validate
from build_tools.yamlio import fold_cjk, load_yaml

CATEGORY_LABELS = {"term": "术语", "slogan": "提法", "person": "人物", "place": "地点", "organisation": "机构",
                   "meeting": "会议", "document": "文件", "event": "事件"}
# How often a term is linked in running text: every time, or only its first occurrence in each
# paragraph, section (up to the next heading) or text. edition.yml chooses (README says why).
LINK_POLICIES = ("all", "first-per-paragraph", "first-per-section", "first-per-text")
# Characters whose reading pypinyin may get wrong in a name or term: an entry containing one
# must state its pinyin, so a person has checked it.
POLYPHONES = set("率长重行干系数将好为了参处调教乐会传藏曾朝还间觉量落差种相少省便当中更只几着兴发曲")


@dataclass(frozen=True)
class Event:
    date: str
    label: str
    source: str


@dataclass(frozen=True)
class Entry:
    id: str  # URL slug from toneless pinyin, e.g. chuang-xian-zheng-you
    term: str
    aliases: tuple[str, ...]
    category: str
    pinyin: str
    gloss: str
    explanation: str
    sources: tuple[str, ...]
    related: tuple[str, ...]
    events: tuple[Event, ...]
    line: int

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True, slots=True)  # one per occurrence: millions in an archive
class Hit:
    slug: str
    block: int  # index into the Document's blocks
    anchor: str  # block id, or "top" for the title and bylines
    start: int
    end: int
    entry: str  # entry id


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]

    @cached_property
    def by_term(self) -> dict[str, Entry]:
        return {e.term: e for e in self.entries}

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def forms(self) -> dict[str, str]:
        return {form: e.id for e in self.entries for form in e.forms}


def is_han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")


def toneless(syllable: str) -> str:
    """cháng -> chang, lǜ -> lv (pypinyin's spelling of ü in plain style, as in older URLs)."""
    decomposed = unicodedata.normalize("NFD", syllable.lower()).replace("u\u0308", "v")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def entry_id(pinyin_text: str) -> str:
    """URL slug from the entry's pinyin (the editor's word where stated): li-chang-chun, jian-dang-90-zhou-nian;
    of an undetermined syllable (qū/qǔ) its first alternative."""
    return "-".join(filter(None, (re.sub(r"[^a-z0-9]", "", toneless(s.split("/")[0])) for s in pinyin_text.split())))


class _Readings:
    """pypinyin's answers, remembered in build/pinyin-cache.json: pypinyin takes 0.2 s to import
    (its phrase dictionary), so a build whose terms it has seen does not load it at all. The
    cache is keyed by pypinyin's version; a wrong or unreadable file is simply rebuilt."""

    PATH = Path(__file__).resolve().parent.parent / "build" / "pinyin-cache.json"

    def __init__(self):
        self.memo: dict | None = None
        self.changed = False

    def _load(self) -> dict:
        if self.memo is None:
            from importlib.metadata import version
            wanted = version("pypinyin")
            try:
                memo = json.loads(self.PATH.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                memo = {}
            fresh = {"pypinyin": wanted, "tone": {}, "plain": {}, "heteronyms": {}}
            self.memo = memo if isinstance(memo, dict) and memo.get("pypinyin") == wanted else fresh
        return self.memo

    def ask(self, kind: str, text: str, compute):
        table = self._load()[kind]
        if text not in table:
            table[text] = compute(text)
            self.changed = True
        return table[text]

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.PATH.parent.mkdir(parents=True, exist_ok=True)
            draft = self.PATH.with_name(f"{self.PATH.name}.{os.getpid()}")
            draft.write_text(json.dumps(self.memo, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(draft, self.PATH)
            self.changed = False
        except OSError:
            pass  # a cache: the next build asks pypinyin again


_READINGS = _Readings()


def _plain(term: str) -> str:
    from pypinyin import lazy_pinyin
    return "-".join(s for s in lazy_pinyin([ch for ch in term if is_han(ch)]))


def _tone(spelled: str) -> str:
    from pypinyin import Style, pinyin
    return " ".join(s[0] for s in pinyin(spelled, style=Style.TONE) if s[0].strip())


def _heteronyms(ch: str) -> list[str]:
    from pypinyin import Style, pinyin
    return pinyin(ch, style=Style.TONE, heteronym=True)[0]


def former_id(term: str) -> str:
    """The slug entries had before pinyin came from the editor's word (pypinyin's guess,
    digits dropped): kept working as a redirect when it differs."""
    return _READINGS.ask("plain", term, _plain)


def reading_tokens(term: str) -> list[str]:
    """What the pinyin of a term spells: a syllable per Han character, digits and Latin kept."""
    return [tok for tok in re.findall(r"[0-9A-Za-z]+|.", term) if tok.isalnum()]


def generated_pinyin(term: str) -> str:
    """pypinyin's phrase-aware reading, one syllable per Han character, digits kept (建党90周年 ->
    jiàn dǎng 90 zhōu nián)."""
    return _READINGS.ask("tone", "".join(reading_tokens(term)), _tone)


def readings(ch: str) -> list[str]:
    return _READINGS.ask("heteronyms", ch, _heteronyms)


def tokenizer(forms: dict[str, str]) -> Callable[[str], list[tuple[int, int, str]]]:
    """Longest-leftmost, non-overlapping matches of any form in a text: (start, end, entry id).
    Aho-Corasick (in C) finds every match in one pass, whose cost per character does not grow
    with the glossary (an alternation regex tries each form in turn: ten times the entries, ten
    times the time); the leftmost-longest choice among them is made here."""
    if not forms:
        return lambda text: []
    automaton = ahocorasick.Automaton()
    for form, entry in forms.items():
        automaton.add_word(form, (len(form), entry))
    automaton.make_automaton()

    def tokenize(text: str) -> list[tuple[int, int, str]]:
        longest: dict[int, tuple[int, str]] = {}  # start -> (end, entry) of the longest form there
        for last, (length, entry) in automaton.iter(text):
            start = last - length + 1
            if longest.get(start, (0,))[0] <= last:
                longest[start] = (last + 1, entry)
        found, reached = [], 0
        for start in sorted(longest):
            if start >= reached:
                end, entry = longest[start]
                found.append((start, end, entry))
                reached = end
        return found
    return tokenize


def occurrences(glossary: Glossary, docs) -> dict[str, list[Hit]]:
    """Every occurrence of every entry in the reading text: paragraphs and headings at their
    own anchor, the title and bylines at the top of the page; each entry's in `docs`' order."""
    tokenize = tokenizer(glossary.forms())
    found: dict[str, list[Hit]] = {e.id: [] for e in glossary.entries}
    for doc in docs:
        for index, block in enumerate(doc.blocks):
            for start, end, entry in tokenize(block.text):
                found[entry].append(Hit(doc.meta.slug, index, block.id or "top", start, end, entry))
    return found


def link(doc: Document, hits: list[Hit], policy: str) -> Document:
    """Mark glossary terms in paragraphs (never headings or apparatus) as spans, by policy.
    `hits` are this document's occurrences (from `occurrences`: the text is matched once)."""
    per_block: dict[int, list[Hit]] = defaultdict(list)
    for hit in sorted(hits, key=lambda h: (h.block, h.start)):
        per_block[hit.block].append(hit)
    seen: set[str] = set()  # entries already linked in the policy's scope
    blocks = []
    for index, block in enumerate(doc.blocks):
        if block.is_heading and policy == "first-per-section":
            seen = set()
        if block.role != "paragraph":
            blocks.append(block)
            continue
        if policy == "first-per-paragraph":
            seen = set()
        spans = [s for s in block.spans if s.kind != "term"]  # re-linking replaces, never duplicates
        for hit in per_block[index]:
            if any(hit.start < c.end and c.start < hit.end for c in block.corrections):
                continue  # never split an editorial mark
            if policy != "all" and hit.entry in seen:
                continue
            seen.add(hit.entry)
            spans.append(Span(hit.start, hit.end, "term", hit.entry))
        blocks.append(dataclasses.replace(block, spans=tuple(sorted(spans, key=lambda s: s.start))))
    return dataclasses.replace(doc, blocks=tuple(blocks))


def hits_by_text(found: dict[str, list[Hit]]) -> dict[str, list[Hit]]:
    by_text: dict[str, list[Hit]] = defaultdict(list)
    for hits in found.values():
        for hit in hits:
            by_text[hit.slug].append(hit)
    return by_text


def load_glossary(path: Path, docs) -> tuple[Glossary, dict[str, list[Hit]]]:
    """The glossary, checked against the texts, and every occurrence of its entries (found
    once here; the cross-check, the linker and the entry pages all use them)."""
    if not path.exists():
        return Glossary(()), {}
    doc = load_yaml(path)
    validate(doc, "glossary.schema.json")
    entries = [_entry(doc, i, raw) for i, raw in enumerate(doc.data)]
    for e in entries:
        former_id(e.term)  # asked now (the entry pages' redirects), so that the cache holds it
    _READINGS.save()
    glossary = Glossary(tuple(entries))
    found = occurrences(glossary, docs)
    errors = _cross_check(doc, glossary, docs, found)
    if errors:
        raise EditionErrors(errors)
    return glossary, found


def _entry(doc, i: int, raw: dict) -> Entry:
    line = doc.line_of((i,))
    term = raw["term"]
    stated = raw.get("pinyin", "")
    if not stated and POLYPHONES & set(term):
        choices = "；".join(f"{ch}: {' / '.join(readings(ch))}" for ch in term if ch in POLYPHONES)
        raise EditionError(doc.path, line, f"term '{term}': 含多音字，须写明 pinyin (polyphonic: state the pinyin) — "
                           f"{choices} — 请选择", "加一行 pinyin: …，每个汉字一个音节，数字照写")
    if stated:
        _check_pinyin(doc.path, doc.line_of((i, "pinyin")), term, stated)
    reason = unsafe_reason(fold_cjk(raw["explanation"]))
    if reason:
        raise EditionError(doc.path, line, f"term '{term}': explanation {reason}", "写普通 Markdown (write plain Markdown)")
    events = tuple(Event(e["date"], e["label"], e["source"]) for e in raw.get("events", []))
    spoken = stated or generated_pinyin(term)
    return Entry(id=entry_id(spoken), term=term, aliases=tuple(raw.get("aliases", [])), category=raw["category"],
                 pinyin=spoken, gloss=fold_cjk(raw["gloss"]), explanation=fold_cjk(raw["explanation"]),
                 sources=tuple(raw["sources"]), related=tuple(raw.get("related", [])), events=events, line=line)


def _check_pinyin(path, line: int, term: str, stated: str) -> None:
    tokens = reading_tokens(term)
    syllables = stated.split()
    if len(syllables) != len(tokens):
        raise EditionError(path, line, f"term '{term}': pinyin 有 {len(syllables)} 个音节，词有 {len(tokens)} 个字 "
                           f"(syllables vs characters)", "每个汉字写一个音节，数字照写（建党90周年：jiàn dǎng 90 zhōu nián）")
    for token, syllable in zip(tokens, syllables):
        if not is_han(token):
            if syllable != token:
                raise EditionError(path, line, f"term '{term}': '{syllable}' 应照写为 '{token}'", "数字和拉丁字母照原样写")
        else:
            for alternative in syllable.split("/"):  # qū/qǔ: a reading no source settles, both given
                if alternative not in readings(token):
                    raise EditionError(path, line, f"term '{term}': '{alternative}' 不是“{token}”的读音 "
                                       f"(not a reading of {token}: {' / '.join(readings(token))})", "改正声调或音节")


def _cross_check(doc, glossary: Glossary, docs, found: dict[str, list[Hit]]) -> list[EditionError]:
    path, errors = doc.path, []
    owner: dict[str, Entry] = {}
    ids: dict[str, Entry] = {}
    blocks = {f"{d.meta.slug}#{'top' if b.role == 'title' else b.id}" for d in docs for b in d.blocks
              if b.id or b.role == "title"}
    texts = {d.meta.slug: d for d in docs}
    matched_forms = {texts[h.slug].blocks[h.block].text[h.start:h.end] for hits in found.values() for h in hits}
    terms = glossary.by_term
    for i, entry in enumerate(glossary.entries):
        where = f"term '{entry.term}'"
        if entry.id in ids and ids[entry.id].term != entry.term:  # the same term twice is named below, once
            errors.append(EditionError(path, entry.line, f"{where}: id“{entry.id}”与“{ids[entry.id].term}”（第 "
                                       f"{ids[entry.id].line} 行）相同 (its id '{entry.id}' clashes with "
                                       f"'{ids[entry.id].term}' (line {ids[entry.id].line}))",
                                       "把两个词条合并 (merge the two entries)"))
        ids[entry.id] = entry
        for form in entry.forms:
            if form in owner:
                other = owner[form]
                kind = "duplicate term" if form == entry.term and form == other.term else "shadows another entry"
                errors.append(EditionError(path, entry.line, f"{where}: “{form}”已用于词条“{other.term}”（第 "
                                           f"{other.line} 行） ('{form}' {kind}: already used by "
                                           f"'{other.term}' (line {other.line}))",
                                           "每个术语和别名只能属于一个词条 "
                                           "(each term and alias may belong to one entry only)"))
            owner[form] = entry
            if form not in matched_forms:
                errors.append(EditionError(path, entry.line, f"{where}: “{form}”在文本中从未出现（或只出现在更长的词条里） "
                                           f"('{form}' never occurs in the texts (or only inside a longer entry))",
                                           "术语表的词条必须见于语料：请核对写法，或删去 "
                                           "(glossary entries must occur in the corpus; check the spelling or "
                                           "remove it)"))
        for at, ref in [*(((i, "sources"), s) for s in entry.sources),
                        *(((i, "events", k), e.source) for k, e in enumerate(entry.events))]:
            if ANCHOR.match(ref) and ref not in blocks:
                errors.append(EditionError(path, doc.line_of(at), f"{where}: 来源锚点“{ref}”不存在 "
                                           f"(source anchor '{ref}' does not exist)",
                                           "用现有段落的 <标识>#p<段号>（见文本页） "
                                           "(use <slug>#pN of an existing paragraph (see the text page))"))
        for rel in entry.related:
            if rel not in terms:
                errors.append(EditionError(path, doc.line_of((i, "related")), f"{where}: 相关词条“{rel}”不在术语表中 "
                                           f"(related entry '{rel}' is not in the glossary)",
                                           "用术语写出另一个词条 (name another entry by its term)"))
        if entry.term in entry.related or len(set(entry.related)) < len(entry.related):
            errors.append(EditionError(path, entry.line, f"{where}: 相关词条列了本条或同一条两次 "
                                       "(related lists the entry itself or one entry twice)",
                                       "每个相关词条只写一次，不写本条 (name each other entry once)"))
    return errors
