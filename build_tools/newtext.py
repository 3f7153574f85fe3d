"""`make new-text SRC=raw.txt`: take in a raw text and draft its structure file.

The raw file is copied byte for byte under a slug and its SHA-256 recorded. Everything else in
the draft is a guess from the text itself — title, date, speaker, headings (一、…), paragraph
marks (一是…, 第一，…) and web-page debris (page counters, 上一页…下一页, a repeated or
truncated title line) — and every guess carries a `# REVIEW:` comment until an editor has
confirmed it. The guessing functions are pure (text in, guesses out); `take_in` does the I/O.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.dates import DATE, iso
from build_tools.errors import EditionError
from build_tools.load import sha256_of
from build_tools.segment import strip_ws
from build_tools.yamlio import read_raw_text, read_text

REVIEW = "# REVIEW:"
HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}、\S")
# Ordinal marks that open a new point inside a running line: 一是 / 第一，/ （一）
MARK = re.compile(r"(?<=[。；！？])\s*((?:[一二三四五六七八九十]{1,2}是|第[一二三四五六七八九十]{1,2}[，、,]"
                  r"|[（(][一二三四五六七八九十]{1,2}[)）]))")
PAGE_COUNTER = re.compile(r"^第\s*\d+\s*页\s*[，,]?\s*共\s*\d+\s*页$")
PAGER = re.compile(r"^上一页[\s\d]*下一页$|^(?:上一页|下一页)$|^【?(?:打印|关闭|返回顶部)】?")
SLUG = re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}-[a-z0-9]+(-[a-z0-9]+)*")
NAME_LINE = re.compile(r"^[\u4e00-\u9fff](?:[\s\u3000]*[\u4e00-\u9fff]){1,3}$")
KIND_WORDS = (("interview", ("答记者问", "记者问", "访谈", "专访")), ("notice", ("通知", "意见", "决定", "办法")),
              ("speech", ("讲话", "发言", "报告", "致辞")))
SLUG_SYLLABLES = 4


@dataclass
class Guess:
    """One draft value and what the editor must check about it (empty: nothing to check)."""

    value: object
    review: str = ""


@dataclass
class Draft:
    slug: Guess
    title: Guess
    date: Guess
    speaker: Guess
    kind: Guess
    occasion: Guess
    short_title: Guess
    structure: list[tuple[str, str, str]] = field(default_factory=list)  # (role, phrase, review)
    debris: list[tuple[str, int | None, str, str]] = field(default_factory=list)  # (text, occurrence, reason, review)


def lines_of(raw: str) -> list[str]:
    return [line.strip(" \t\u3000\u00a0") for line in raw.splitlines() if line.strip()]


def is_page_debris(line: str) -> bool:
    return bool(PAGE_COUNTER.match(line) or PAGER.match(line))


def truncates(line: str, title: str) -> bool:
    """A web page's shortened title: a proper prefix of the title, usually ending in … or ..."""
    stem = line.rstrip(".…。 ")
    return line != title and len(stem) >= 6 and title.startswith(stem) and stem != title


def guess_title(lines: list[str]) -> Guess:
    for line in lines:
        if not is_page_debris(line) and len(line) >= 4:
            return Guess(line, "首个非残留行，确认是标题 (first non-debris line)")
    return Guess("", "未找到标题，请从原文抄录 (no title found)")


def guess_debris(lines: list[str], title: str, skeleton: str) -> list[tuple[str, int | None, str, str]]:
    """Page counters, pagers, and every repeat or truncation of the title after its first line.
    Each entry names its occurrence when the same text stands more than once."""
    out = []
    cursor, title_seen = 0, False
    for line in lines:
        needle = strip_ws(line)
        at = skeleton.find(needle, cursor)
        cursor = at + len(needle)
        if is_page_debris(line):
            reason = "网页分页标记" if PAGE_COUNTER.match(line) else "网页分页链接"
        elif line == title and title_seen:
            reason = "网页重复的标题"
        elif title and truncates(line, title):
            reason = "网页截短的标题"
        else:
            title_seen = title_seen or line == title
            continue
        starts = [m.start() for m in re.finditer(re.escape(needle), skeleton)]
        occurrence = starts.index(at) + 1 if len(starts) > 1 and at in starts else None
        out.append((line, occurrence, reason, f"确认是网页残留而非正文 ({reason})"))
    return out


def guess_date(lines: list[str]) -> Guess:
    """The first full date near the top, else the first date anywhere (often the signature)."""
    for scope, where in ((lines[:8], "标题附近"), (lines, "正文")):
        for line in scope:
            m = DATE.search(line)
            date = iso(m) if m else None
            if date:
                return Guess(date, f"据{where}“{m.group()}”；这是文献本身的日期吗？写明 date_basis")
    return Guess("", "原文未见日期：填写证据允许的精度（YYYY、YYYY-MM 或 YYYY-MM-DD）并说明依据")


def guess_speaker(lines: list[str], title: str) -> Guess:
    after_title = lines[lines.index(title) + 1:] if title in lines else lines
    for line in after_title[:4]:
        if NAME_LINE.match(line) and not is_page_debris(line) and line != title:
            return Guess(line, "标题后的短行，确认是讲话人或署名")
    m = re.match(r"^([\u4e00-\u9fff]{2,4}?)(?:同志)?在.+上的(?:讲话|发言|报告)", title)
    if m:
        return Guess(m.group(1), "据标题推断，确认讲话人")
    return Guess("待定", "未能推断讲话人或署名机构，请填写")


def guess_kind(title: str) -> Guess:
    for kind, words in KIND_WORDS:
        if any(w in title for w in words):
            return Guess(kind, f"据标题中的“{next(w for w in words if w in title)}”")
    return Guess("speech", "据标题无法判断文体：speech、notice 或 interview")


def guess_occasion(title: str) -> Guess:
    m = re.search(r"在(.+?)上的(?:讲话|发言|报告|致辞)", title)
    if m:
        return Guess(m.group(1), "据标题")
    return Guess("待定", "请填写场合（会议、发文或采访）")


def short_title_of(speaker: str, occasion: str, title: str) -> Guess:
    base = f"{''.join(speaker.split())}：{occasion}讲话" if occasion != "待定" and speaker != "待定" else title
    short = base[:24]
    if short.count("（") > short.count("）"):  # cut inside a bracket: end before it
        short = short[:short.rindex("（")]
    return Guess(short, "导航用短题，至多24字")


CLAUSE_END = re.compile(r"[，。；：！？、）」”]")


def unique_phrase(skeleton: str, start: int, minimum: int = 8, maximum: int = 24) -> str | None:
    """The shortest phrase from `start` (skeleton offsets) that occurs once in the text, run on
    to the end of its clause when that is near, so that the editor reads words, not a word cut
    in two (第一，抓好承诺践诺, not 第一，抓好承诺践)."""
    for length in range(minimum, maximum + 1):
        phrase = skeleton[start:start + length]
        if len(phrase) < length:
            return None
        if skeleton.count(phrase) == 1:
            end = CLAUSE_END.search(skeleton, start + length, start + maximum)
            return skeleton[start:end.start()] if end else phrase
    return None


def guess_structure(lines: list[str], title: Guess, speaker: Guess, date_line: str | None,
                    skeleton: str, debris: set[str]) -> list[tuple[str, str, str]]:
    structure = [("title", title.value, title.review)] if title.value else []
    if speaker.review.startswith("标题后"):
        structure.append(("speaker", speaker.value, "确认是讲话人"))
    if date_line:
        structure.append(("dateline", date_line, "确认是日期行（不是正文的一句）"))
    for line in lines:
        if line in debris:
            continue
        if HEADING.match(line) and len(line) <= 40 and not line.endswith("。"):
            if skeleton.count(strip_ws(line)) == 1:
                structure.append(("heading", line, "小标题？确认层级（level: 3 为下级标题）"))
    line_starts, at = set(), 0  # skeleton offsets where the raw text already starts a line
    for line in lines:
        line_starts.add(at)
        at += len(strip_ws(line))
    for m in MARK.finditer(skeleton):
        phrase = unique_phrase(skeleton, m.start(1))
        if phrase and m.start(1) not in line_starts:
            structure.append(("break", phrase, f"原文“{m.group(1)}”处另起一段？不需要就删去此行"))
    return structure


def slug_of(date: str, speaker: str, title: str) -> str:
    """date + pinyin of the speaker (surname-givenname) or of the title's first characters."""
    from pypinyin import lazy_pinyin

    name = "".join(speaker.split()) if speaker != "待定" else ""
    if 2 <= len(name) <= 4:
        syllables = lazy_pinyin(name)
        words = [syllables[0], "".join(syllables[1:])]
    else:
        words = lazy_pinyin([ch for ch in title if "\u4e00" <= ch <= "\u9fff"][:SLUG_SYLLABLES])
    tail = "-".join(re.sub(r"[^a-z0-9]", "", w.lower()) for w in words if w)
    return f"{date}-{tail}".strip("-")


def draft(raw: str, source_name: str) -> Draft:
    """Every guess about one raw text (pure)."""
    lines = lines_of(raw)
    skeleton = strip_ws(raw)
    title = guess_title(lines)
    debris = guess_debris(lines, title.value, skeleton)
    date = guess_date(lines)
    speaker = guess_speaker(lines, title.value)
    date_line = next((line for line in lines[:8] if DATE.fullmatch(line.strip("（）() ")) is not None), None)
    structure = guess_structure(lines, title, speaker, date_line, skeleton, {d[0] for d in debris})
    kind, occasion = guess_kind(title.value), guess_occasion(title.value)
    slug = slug_of(date.value or "0000", speaker.value, title.value)
    return Draft(slug=Guess(slug, "网址中的永久标识，发布后不可再改"), title=title, date=date, speaker=speaker,
                 kind=kind, occasion=occasion,
                 short_title=short_title_of(speaker.value, occasion.value, title.value),
                 structure=structure, debris=debris)


def _scalar(value) -> str:
    """A YAML scalar: plain where that is unambiguous, else a (YAML-compatible) JSON string."""
    text = str(value)
    if re.fullmatch(r"[^\s:#'\"{}\[\],&*!|>%@`?-][^:#]*", text) and not text.endswith(" ") and \
            not re.fullmatch(r"[\d.\-]+|true|false|null|yes|no|on|off|~", text, re.I):
        return text
    return json.dumps(text, ensure_ascii=False)


def _review(note: str) -> str:
    return f"  {REVIEW} {note}" if note else ""


def render_yaml(d: Draft, source_name: str, sha256: str) -> str:
    """The draft structure file, every guess followed by its REVIEW comment."""
    def field_(key: str, g: Guess) -> str:
        return f"{key}: {_scalar(g.value)}{_review(g.review)}"

    out = [f"# Draft written by `make new-text` from {source_name}. Confirm or fix every line marked",
           f"# {REVIEW[2:]} and delete the mark; `make check` lists the marks still open. Delete these",
           "# three lines with the last mark.",
           field_("slug", d.slug), f"source: {d.slug.value}.txt",
           f"source_sha256: {sha256}  # SHA-256 of the raw file as received; never edit the .txt",
           field_("short_title", d.short_title),
           field_("speaker", Guess("".join(str(d.speaker.value).split()), d.speaker.review)),
           f'date: "{d.date.value or "待定"}"{_review(d.date.review)}',
           f"date_basis: {_scalar(d.date.review.split('；')[0] if d.date.value else '待定')}"
           f"{_review('写明日期的依据（原文哪一处，或推定的理由）；原文未署日期而由编者推定的，加一行 date_inferred: true')}",
           field_("occasion", d.occasion),
           "# occasion_basis: 场合名称的依据或存疑之处（可选：原文明说的不必写；写了显示在文本页和 TEI 中）",
           field_("kind", d.kind),
           *([f"issuer: 待定{_review('发文机关：照原文版头或落款抄录，引文以它为作者')}"] if d.kind.value == "notice" else []),
           f"provenance: {_scalar(f'据原始文件 {source_name} 整理，来源网址待核')}"
           f"{_review('写明来源（网址、出版物）和原始文件名')}"]
    if d.debris:
        out.append("debris:")
        for text, occurrence, reason, review in d.debris:
            out.append(f"  - text: {_scalar(text)}{_review(review)}")
            if occurrence:
                out.append(f"    occurrence: {occurrence}")
            out.append(f"    reason: {reason}")
    out.append("structure:")
    for role, phrase, review in d.structure:
        out.append(f"  - {role}: {_scalar(phrase)}{_review(review)}")
    return "\n".join(out) + "\n"


def summary(d: Draft) -> list[str]:
    """What `make new-text` prints: each guess and what to confirm."""
    rows = [("题目 title", d.title), ("日期 date", d.date), ("讲话人 speaker", d.speaker), ("文体 kind", d.kind),
            ("场合 occasion", d.occasion), ("标识 slug", d.slug)]
    out = [f"  {label}: {g.value or '—'}" + (f"   ← {g.review}" if g.review else "") for label, g in rows]
    out.append(f"  结构 structure: {len(d.structure)} 条（标题、署名、小标题、分段），逐条确认")
    out.append(f"  残留 debris: {len(d.debris)} 条（分页标记、重复或截短的标题），逐条确认")
    return out


def take_in(root: Path, src: Path, slug: str | None = None) -> tuple[Path, Path, Draft]:
    """Copy the raw file in (verbatim), write the draft .yml and an empty notes file."""
    if not src.is_file():
        raise EditionError(src, None, "找不到原始文本 (raw file not found)", "用 SRC=路径/文件.txt 指明原始文本")
    raw = read_raw_text(src)  # as the pipeline will read it (no byte-order mark, LF); refuses a file not UTF-8
    if not raw.strip():
        raise EditionError(src, None, "原始文本是空的 (the raw file is empty)", "检查 SRC 指向的文件 (check the file SRC names)")
    found = draft(raw, src.name)
    source_dir = root / "source_texts"
    if not slug and src.resolve().parent == source_dir.resolve() and SLUG.fullmatch(src.stem):
        slug = src.stem  # a raw file already in source_texts/ keeps its name (it may be a published text's)
    if slug:
        found.slug = Guess(slug, "")
    if not SLUG.fullmatch(found.slug.value):
        raise EditionError(src, None, f"无法从原文推断可用的标识（得到 '{found.slug.value}'）(no usable slug)",
                           "用 SLUG=年-月-日-拼音 指定，例如 make new-text SRC=… SLUG=2011-06-20-lin-xiangdong")
    target = source_dir / f"{found.slug.value}.txt"
    spec = target.with_suffix(".yml")
    for existing in (target, spec):
        if existing.exists() and existing.resolve() != src.resolve():
            raise EditionError(existing, None, "已有同名文件，未作改动 (already exists, nothing changed)",
                               "用 SLUG=… 另取标识，或先删除旧文件")
    digest = sha256_of(src)
    for other in sorted(source_dir.glob("*.yml")):
        if re.search(rf"(?m)^source_sha256:\s*{digest}\b", read_text(other)):
            raise EditionError(src, None, f"这份原文已收录为 {other.stem}（SHA-256 相同），未作改动 "
                               f"(already in the edition as {other.stem}: the same SHA-256; nothing changed)",
                               f"不必再收录；要改这篇的处理，编辑 {other.relative_to(root)}")
    if src.resolve().parent == source_dir.resolve():
        src.rename(target)  # already in source_texts/: give it its slug, bytes untouched
    else:
        shutil.copyfile(src, target)
    spec.write_text(render_yaml(found, src.name, digest), encoding="utf-8")
    notes = source_dir / "annotations" / f"{found.slug.value}.yml"
    if not notes.exists():
        notes.write_text(f"# Notes on {found.slug.value} (see the 参与编辑 page). None yet.\n", encoding="utf-8")
    return target, spec, found


def open_reviews(source_dir: Path) -> list[EditionError]:
    """Every REVIEW mark still in a structure file: a guess nobody has confirmed is not published."""
    out = []
    for path in sorted(source_dir.glob("*.yml")):
        for n, line in enumerate(read_text(path).splitlines(), start=1):
            if REVIEW in line and not line.lstrip().startswith("#"):
                out.append(EditionError(path, n, f"待核对 (not yet reviewed): {line.split(REVIEW, 1)[1].strip()}",
                                        "核对这一行，改好后删去行尾的 “# REVIEW: …” 标记 "
                                        "(check this line, then delete its # REVIEW mark)"))
    return out
