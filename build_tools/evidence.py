"""Evidence check: every factual claim of a gloss, explanation, note or dated event can be
checked where it says.

The convention (also in docs/contributing.md):
- `sources` lists where a claim can be checked: corpus anchors `<slug>#pN`, or the label of a
  public reference registered in `source_texts/references.yml` (title, publisher, URL, the date
  the editors consulted it and, where the page states one, its publication date).
- A quotation is written in Chinese double quotes “…” (inner quotes ‘…’; "…" and 「…」 around
  Chinese words are refused, as what they quote would go unchecked). Every quotation in a
  gloss, explanation or note must occur verbatim (whitespace aside; ‘’ matching the text's “”)
  in one paragraph the claim cites: for a note, its own paragraph or an anchor in its sources.
  A heading's anchor holds the lines printed under it (a speech's dateline), `<slug>#top` the
  title and the lines printed with it, and a notice's signature and date of issue.
  A quotation cut with “……” must have all its pieces in that one paragraph. A quotation from a
  public reference (not from the corpus) is listed in that reference's `quotes`.
- A dated event whose source is a corpus anchor must have its date in that paragraph at the
  precision stated: `M月D日` for YYYY-MM-DD, `M月` for YYYY-MM, the year for YYYY. Its year is
  the one the paragraph gives that date (`2010年4月6日`, or 去年/今年/明年/前年 counted from the
  text's date); where it gives none, the text's year, or the year before for a day later in
  the year than the text's own date (a speech of January recalling 12月).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from build_tools.errors import EditionError, EditionErrors
from build_tools.model import ANCHOR, CLOSING_ROLES
from build_tools.schema import validate
from build_tools.segment import strip_ws
from build_tools.yamlio import fold_cjk, load_yaml

QUOTATION = re.compile(r"“([^“”]*(?:‘[^’]*’[^“”]*)*)”")
# Other quotation marks around Chinese words: what they quote would go unchecked. A title in 《》
# keeps its own marks (a Japanese title's 「」).
OTHER_QUOTES = re.compile(r'"[^"\n]*[\u3400-\u9fff][^"\n]*"|[「『＂][^」』＂]*[」』＂]')
TITLE = re.compile(r"《[^》]*》")
ELLIPSIS = re.compile(r"……|…")
KANA = re.compile("[\u3040-\u30ff]")  # hiragana and katakana: a title that has them is Japanese


@dataclass(frozen=True)
class Reference:
    """A public source, cited by its label (e.g. 维基百科“沈浩”条)."""

    label: str
    title: str
    publisher: str
    url: str
    accessed: str  # the date the editors consulted it (YYYY-MM-DD)
    published: str = ""  # its own publication date; "" for a continuously edited page (a wiki article)
    quotes: tuple[str, ...] = ()  # words quoted from it in glosses and notes
    lang: str = ""  # the title's language when not Chinese ("ja"): never converted to another script


def references_path(source_dir: Path) -> Path:
    return source_dir / "references.yml"


def load_references(source_dir: Path) -> dict[str, Reference]:
    path = references_path(source_dir)
    if not path.exists():
        return {}
    doc = load_yaml(path)
    validate(doc, "references.schema.json")
    refs: dict[str, Reference] = {}
    for i, raw in enumerate(doc.data):
        if raw["label"] in refs:
            raise EditionError(path, doc.line_of((i,)), f"文献“{raw['label']}”列了两次 (reference '{raw['label']}' is listed twice)",
                               "每个标签只留一项 (keep one entry per label)")
        if raw.get("published", "") > raw["accessed"]:
            raise EditionError(path, doc.line_of((i, "accessed")), f"文献“{raw['label']}”的访问日期 {raw['accessed']} 早于发布日期 "
                               f"{raw['published']} (accessed before it was published)", "核对两个日期 (check both dates)")
        if KANA.search(raw["title"]) and raw.get("lang") != "ja":
            raise EditionError(path, doc.line_of((i, "title")), f"文献“{raw['label']}”的题名有假名，是日文 "
                               "(the title has kana: it is Japanese)",
                               "加上 lang: ja，题名便在繁体版中照原样显示 (add lang: ja, so the traditional pages print it as written)")
        refs[raw["label"]] = Reference(raw["label"], raw["title"], raw["publisher"], raw["url"], raw["accessed"],
                                       raw.get("published", ""), tuple(raw.get("quotes", [])), raw.get("lang", ""))
    return refs


def _fold(text: str) -> str:
    return strip_ws(text).replace("‘", "“").replace("’", "”")


def quotations(text: str) -> list[str]:
    return [m.group(1) for m in QUOTATION.finditer(text)]


def _holds(paragraph: str, quotation: str) -> bool:
    return all(_fold(piece) in paragraph for piece in ELLIPSIS.split(quotation) if piece.strip())


RELATIVE_YEARS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1}
YEAR_BEFORE = re.compile(rf"(?:(\d{{4}})年|({'|'.join(RELATIVE_YEARS)}))$")


def date_forms(date: str) -> tuple[str, ...]:
    """How a paragraph writes a date of this precision (any one of the forms will do)."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 3:
        return (f"{parts[1]}月{parts[2]}日",)
    if len(parts) == 2:
        return (f"{parts[1]}月",)
    return (f"{parts[0]}",)


def years_given(paragraph: str, form: str, text_date: str) -> dict[int, str]:
    """The years a paragraph gives the day or month `form` wherever it writes it, each with the
    words that give it (nothing when the paragraph does not write it)."""
    text_year, text_rest = int(text_date[:4]), [int(p) for p in text_date.split("-")[1:]]
    years: dict[int, str] = {}
    for found in re.finditer(rf"(?<!\d){re.escape(form)}", paragraph):
        stated = YEAR_BEFORE.search(paragraph, 0, found.start())
        if stated:
            year = int(stated[1]) if stated[1] else text_year + RELATIVE_YEARS[stated[2]]
            years.setdefault(year, stated[0] + form)
            continue
        years.setdefault(text_year, form)
        day = [int(n) for n in re.findall(r"\d+", form)]
        if text_rest and day > text_rest[:len(day)]:  # later in the year than the text: last year's
            years.setdefault(text_year - 1, form)
    return years


def year_written(date: str, held: str, text_date: str) -> bool:
    """Whether the words an anchor holds write the year of an event's date in figures
    (“2010年5月7日”) rather than leave it to be read from the text's own date (“5月7日”, “今年5月”)."""
    if "-" not in date:
        return True  # a bare year is found as written
    found = [years_given(held, form, text_date).get(int(date[:4]), "") for form in date_forms(date)]
    return any(re.match(r"\d{4}年", words) for words in found)


def cited_text(doc) -> Iterator[tuple[str, str]]:
    """What each anchor of a text holds: a paragraph its words; `#top` the title and the lines
    printed with it (issuer, document number, speaker, dateline) and a notice's signature and
    date of issue wherever they stand; a heading its words and the lines printed under it (a
    speech's dateline "（2010年7月19日，根据记录整理）")."""
    held = {"top": []}
    current = "top"
    for block in doc.blocks:
        if block.id:
            held[block.id] = [block.text]
            current = block.id if block.is_heading else None
        elif block.role in CLOSING_ROLES:
            held["top"].append(block.text)
        elif current:
            held[current].append(block.text)
    # joined by a character no quotation holds, so that none is found across two lines
    return ((f"{doc.meta.slug}#{anchor}", "\0".join(texts)) for anchor, texts in held.items())


FIX = ("引用含有这一说法的段落（或 references.yml 中的文献），或改正这一说法 "
       "(cite the paragraph that holds it (or a reference in references.yml), or correct the claim)")
SOURCE_FIX = ("写现有段落的 <标识>#p<段号>，或 references.yml 中登记的标签 "
              "(write <slug>#pN of an existing paragraph, or a label registered in references.yml)")


def _source_fix(source: str) -> str:
    numbered = re.fullmatch(r"(.+)#(\d+)", source)  # the number as the page shows it, without its p
    if numbered:
        meant = f"{numbered[1]}#p{numbered[2]}"
        return f"是不是 {meant}？段落锚点写 p 加段号 (did you mean {meant}? a paragraph anchor is p and its number)"
    return SOURCE_FIX


class Problem(str):
    """What a claim's sources do not hold (compared and printed as its text), with what to do and
    the field it is about."""

    def __new__(cls, text: str, fix: str = FIX, field: str = ""):
        problem = super().__new__(cls, text)
        problem.fix, problem.field = fix, field
        return problem


class Evidence:
    """Paragraph texts by anchor (and, for a paragraph the edition corrects, its received words,
    to say why a quotation of those is not found), and the registered public references."""

    def __init__(self, docs, references: dict[str, Reference]):
        self.paragraphs, self.dates, self.received = {}, {}, {}
        for d in docs:
            for anchor, text in cited_text(d):
                self.paragraphs[anchor], self.dates[anchor] = _fold(text), d.meta.date
            for block in d.blocks:
                if block.corrections:
                    self.received[f"{d.meta.slug}#{block.id}"] = _fold(block.received)
        self.references = references

    def problems(self, text: str, sources: tuple[str, ...], mentions: tuple[str, ...] = ()) -> list[Problem]:
        """What in `text` the cited sources do not hold (empty when all is grounded)."""
        out = [Problem(f"来源“{s}”既不是语料锚点，也不是 references.yml 中的文献 "
                       f"(source '{s}' is neither a corpus anchor nor a reference in references.yml)",
                       _source_fix(s), "sources")
               for s in sources if not ANCHOR.match(s) and s not in self.references]
        out += [Problem(f"来源“{s}”不指向语料中的任何段落 (source '{s}' names no paragraph of the corpus)",
                        SOURCE_FIX, "sources") for s in sources if ANCHOR.match(s) and s not in self.paragraphs]
        held = [self.paragraphs[s] for s in sources if s in self.paragraphs]
        exempt = {_fold(q) for s in sources if s in self.references for q in self.references[s].quotes}
        exempt |= {_fold(m) for m in mentions}
        out += [Problem(f"{m.group(0)}：引文要写在中文双引号“…”里（内层‘…’），才能与原文核对 "
                        f"(write quotations in “…”, inner ‘…’, so that they are checked against the text)",
                        "改用“…”；只是讨论某个字词，把它列进 mentions；书名用《》 "
                        "(use “…”; list words merely discussed under 'mentions'; titles go in 《》)")
                for m in OTHER_QUOTES.finditer(TITLE.sub("", text))]
        for q in quotations(text):
            if _fold(q) not in exempt and not any(_holds(p, q) for p in held):
                held_by = [s for s in sources if s in self.paragraphs]
                corrected = [s for s in held_by if s in self.received and _holds(self.received[s], q)]
                if corrected:
                    out.append(Problem(f"引文“{q}”是 {'、'.join(corrected)} 校改前的原文；该段已有校改 "
                                       f"(quotation “{q}” has the words of {', '.join(corrected)} before its correction)",
                                       "照校改后的文字引用，或删去这条校改 (quote the corrected words, or drop the correction)"))
                elif held_by:
                    out.append(Problem(f"所引段落 {'、'.join(held_by)} 中没有引文“{q}” "
                                       f"(quotation “{q}” is not in {', '.join(held_by)})"))
                else:
                    out.append(Problem(f"没有引用语料段落，无法核对引文“{q}” "
                                       f"(quotation “{q}” cannot be checked: no corpus paragraph is cited)"))
        return out

    def date_problem(self, date: str, source: str) -> str:
        if source in self.references or source not in self.paragraphs:
            return ""
        forms, paragraph, text_date = date_forms(date), self.paragraphs[source], self.dates[source]
        if "-" in date:
            years = {y: words for f in forms for y, words in years_given(paragraph, f, text_date).items()}
        else:  # a year: found as written
            years = {int(date): date} if date in paragraph else {}
        if not years:
            return (f"日期 {date} 不在 {source} 中（查找了 {'、'.join(forms)}） "
                    f"(date {date} is not in {source} (looked for {' or '.join(forms)}))")
        if int(date[:4]) in years:
            return ""
        read = "、".join(f"“{words}”即{year}年" for year, words in sorted(years.items()))
        read_en = ", ".join(f"'{words}' as {year}" for year, words in sorted(years.items()))
        return (f"日期 {date} 的年份与 {source} 不符：该段（文献日期 {text_date}）{read} "
                f"(the year of {date} disagrees with {source}, a text of {text_date}: it reads {read_en})")


def check(source_dir: Path, docs) -> None:
    """Raise EditionErrors naming file:line and the claim for every ungrounded claim of the
    glossary and the notes (read here as written, beside the stages that use them)."""
    evidence = Evidence(docs, load_references(source_dir))
    errors: list[EditionError] = []
    glossary = source_dir / "glossary.yml"
    if glossary.exists():
        doc = load_yaml(glossary)
        for i, raw in enumerate(doc.data or []):
            claim = f"term '{raw['term']}'"
            sources, mentions = tuple(raw["sources"]), tuple(raw.get("mentions", []))
            found = [(problem.field or field, problem) for field in ("gloss", "explanation")
                     for problem in evidence.problems(fold_cjk(raw[field]), sources, mentions)]
            for field, problem in dict.fromkeys(found):  # a bad source is the entry's, not each field's
                errors.append(EditionError(glossary, doc.line_of((i, field)), f"{claim} {field}: {problem}", problem.fix))
            for k, event in enumerate(raw.get("events", [])):
                for problem in [Problem(evidence.date_problem(event["date"], event["source"])),
                                *evidence.problems(event["label"], (event["source"],), mentions)]:
                    if problem:
                        errors.append(EditionError(glossary, doc.line_of((i, "events", k)),
                                                   f"{claim} event '{event['label']}': {problem}", problem.fix))
    errors += note_problems(evidence, sorted((source_dir / "annotations").glob("*.yml")), {d.meta.slug for d in docs})
    if errors:
        raise EditionErrors(errors)


def note_problems(evidence: Evidence, paths: list[Path], slugs: set[str]) -> list[EditionError]:
    """Every ungrounded claim of the notes in these files (the live preview checks just the
    files that changed, with the Evidence of the last full build)."""
    errors = []
    for path in paths:
        if path.stem not in slugs or not path.exists():
            continue  # an unknown slug is reported by the notes' loader
        doc = load_yaml(path)
        for i, raw in enumerate(doc.data or []):
            sources = (f"{path.stem}#{raw['paragraph']}", *raw["sources"])
            for problem in evidence.problems(fold_cjk(raw["body"]), sources, tuple(raw.get("mentions", []))):
                errors.append(EditionError(path, doc.line_of((i, problem.field or "body")), f"note '{raw['id']}': {problem}",
                                           problem.fix))
    return errors
