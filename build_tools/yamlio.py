"""Read YAML while remembering where each value came from, so errors can say `file:line`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator

import yaml

from build_tools.errors import EditionError, EditionErrors, processing

Path_ = tuple[str | int, ...]



@dataclass(frozen=True)
class LocatedYaml:
    path: Path
    data: Any
    lines: dict[Path_, int]  # key path -> 1-based line of that value

    def line_of(self, key_path: Path_) -> int:
        """Line of the deepest known ancestor of key_path (a missing key reports its parent)."""
        for cut in range(len(key_path), -1, -1):
            if key_path[:cut] in self.lines:
                return self.lines[key_path[:cut]]
        return 1


# libyaml's parser when available (much faster; it keeps line marks too), and one constructor
# for every scalar.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_FULLWIDTH_PUNCTUATION = "\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\u2018-\u201d\u2026"
_CJK_GAP = re.compile(rf"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])"  # a single space, never a paragraph break
                      rf"|(?<=[{_FULLWIDTH_PUNCTUATION}]) | (?=[{_FULLWIDTH_PUNCTUATION}])")


def fold_cjk(text: str) -> str:
    """Drop the spaces YAML puts where a folded (`>-`) scalar was wrapped between Chinese
    characters or next to Chinese punctuation; spaces between a character and a Latin letter or
    digit stay (编号 001)."""
    return _CJK_GAP.sub("", text.strip())


# Size limits: generous for an edition (the largest field today is under 300 characters, the
# largest raw text 17 KB), small enough that no input can exhaust memory or time.
MAX_YAML_BYTES = 5_000_000  # one YAML file (the glossary grows fastest: 44 KB for 103 entries)
MAX_RAW_CHARS = 2_000_000  # one raw text (a 300,000-character speech passes)
MAX_FIELD_CHARS = 20_000  # one YAML value (a note body, a glossary explanation)
MAX_DEPTH = 20  # nesting of YAML collections (the data needs 3)

_LINE_ENDINGS = re.compile(r"\r\n?")
# Invisible characters no editorial value needs: C0 and C1 controls (tab and newline aside) and
# the bidirectional controls, which would reorder what a reader sees. XML cannot hold C0 controls
# nor the noncharacters U+FFFE and U+FFFF at all: one of them in a title would make the TEI file unreadable.
INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_DELETE_IT = "删去它（多见于从网页或 PDF 复制的文字） (delete it: it usually comes with text copied from a web page or PDF)"
_SPACE_LIKE = re.compile(r"[\x0b\x0c\x1c-\x1f\x85]")  # controls Python counts as whitespace


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of an input file, refusing a symlink that leads out of the project and a file
    too large to be editorial input."""
    confined(path)
    processing.set(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise EditionError(path, None, f"文件有 {size:,} 字节，超过上限 {limit:,} (file is {size:,} bytes, over the limit of {limit:,})",
                               "把它拆开，或确认这确实是要用的文件 (split it, or check that this is really the file meant)")
        return path.read_bytes()
    except OSError as err:
        raise EditionError(path, None, f"无法读取 (cannot be read ({err.strerror}))",
                           "检查文件是否存在、是否可读 (check that the file exists and is readable)") from None


def read_text(path: Path, limit: int = MAX_YAML_BYTES) -> str:
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        fix = "不改动文字，把文件另存为 UTF-8 (re-save the file as UTF-8 without changing its text)"
        try:
            data.decode("gb18030")
            fix = (f"文件看来是 GBK/GB18030 编码：转成 UTF-8，如 iconv -f GB18030 -t UTF-8 {path.name} > utf8-{path.name}，"
                   "并在 provenance 里写明原件的编码 (it reads as GBK/GB18030: convert it to UTF-8, e.g. with iconv, "
                   "and say in provenance how the file was received)")
        except UnicodeDecodeError:
            pass
        raise EditionError(path, line, f"不是有效的 UTF-8（第 {err.start} 字节） (not valid UTF-8 (byte {err.start}))",
                           fix) from None


def read_raw_text(path: Path) -> str:
    """A raw text as the pipeline reads it. The file itself is never changed (it stays byte for
    byte as received); a byte-order mark and CRLF or CR-only line endings are normalised here, in
    reading, so quoted phrases and offsets behave exactly as for an LF file, and invisible control
    characters are dropped (those Python reads as whitespace become a space, as they were read
    before)."""
    text = read_text(path, limit=4 * MAX_RAW_CHARS)
    if len(text) > MAX_RAW_CHARS:
        raise EditionError(path, None, f"原始文本有 {len(text):,} 个字符，超过上限 {MAX_RAW_CHARS:,} "
                           f"(raw text has {len(text):,} characters, over the limit of {MAX_RAW_CHARS:,})",
                           "把文本分成几部分，每部分有自己的 .yml (split the text into parts, each with its own .yml)")
    text = _LINE_ENDINGS.sub("\n", text.removeprefix("\ufeff"))
    return INVISIBLE.sub("", _SPACE_LIKE.sub(" ", text)) if INVISIBLE.search(text) else text


EDITORIAL_FOLDERS = ("source_texts", "docs", "overrides")


def confined(path: Path, root: Path | None = None) -> Path:
    """Refuse a symlink (the file or a folder on its way) that leads anywhere but into the
    editorial folders: a pull request could otherwise publish any file of the machine that
    builds it, or of the checkout's own `.git` (where CI keeps its credentials)."""
    root = root or project_root(path)
    real_root = root.resolve()
    target = path.resolve()
    literal = Path(os.path.abspath(path))
    try:
        linked = real_root / literal.relative_to(Path(os.path.abspath(root))) != target
    except ValueError:  # the path itself is outside the project
        linked = True
    if linked and not any(folder in target.parents for folder in (real_root / f for f in EDITORIAL_FOLDERS)):
        link = next((p for p in (path, *path.parents) if p.is_symlink()), path)
        raise EditionError(path, 1, "是指向编辑文件夹（source_texts/、docs/、overrides/）之外的符号链接 "
                           f"(is a symlink leading out of the editorial folders ({link} -> {target}))",
                           "用仓库内的普通文件代替这个链接 (replace the link by a regular file inside the repository)")
    return path


def project_files(folder: Path) -> list[Path]:
    """Every file below a project folder, in order, refusing any symlink that leads out of the
    editorial folders (links to folders are not descended into, as MkDocs and the pipeline would)."""
    root = project_root(folder / "x")
    found = []
    for here, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            path = Path(here) / name
            if path.is_symlink():
                confined(path, root)
        found.extend(Path(here) / name for name in files)
    return sorted(found)


def project_root(path: Path) -> Path:
    """The project folder holding this input: the nearest ancestor with edition.yml, else the
    file's own folder."""
    absolute = Path(os.path.abspath(path))
    return next((folder for folder in absolute.parents if (folder / "edition.yml").is_file()), absolute.parent)


def load_yaml(path: Path) -> LocatedYaml:
    text = read_text(path)
    try:
        _refuse_unsafe_events(path, text)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as err:
        raise yaml_error(path, text, err) from None
    lines: dict[Path_, int] = {}
    data = _construct(path, node, (), lines) if node is not None else None
    located = LocatedYaml(path, data, lines)
    if INVISIBLE.search(text) or "\\" in text:  # a control character, or an escape that may write one
        found = list(_invisible(located, data, ()))
        if found:
            raise EditionErrors(found)
    return located


def _invisible(doc: LocatedYaml, value: Any, here: Path_) -> Iterator[EditionError]:
    """Every string value holding an invisible control character, as an error naming its field."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _invisible(doc, item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _invisible(doc, item, (*here, i))
    elif isinstance(value, str) and (invisible := INVISIBLE.search(value)):
        from build_tools.schema import field_name

        code = f"U+{ord(invisible.group()):04X}"
        yield EditionError(doc.path, doc.line_of(here), f"{field_name(doc.data, here)}: 含有不可见的控制字符 {code} "
                           f"(contains the invisible control character {code})",
                           _DELETE_IT)


# PyYAML's words for the mistakes editors make, and what to do, in the edition's languages.
_YAML_PROBLEMS = {
    "found unexpected end of stream": ("引号没有闭合", "在这个值的末尾补上同样的引号 (close the quote at the end of this value)"),
    "mapping values are not allowed": ("值里有“: ”，YAML 把它读成了新的键",
                                       "给整个值加上引号，或把半角冒号改成全角“：” (quote the whole value, or use the full-width colon “：”)"),
    "did not find expected '-' indicator": ("列表项的缩进与上一项不一致",
                                            "让每个“- ”与上一项的“- ”对齐 (align each '- ' with the one above)"),
    "did not find expected key": ("缩进与上一行不一致", "让同一层的键对齐，用空格缩进 (align keys of one level, indenting with spaces)"),
    "cannot start any token": ("有制表符（Tab）或不能放在这里的字符", "用空格缩进；特殊字符放进引号 (indent with spaces; quote special characters)"),
    "did not find expected ',' or ']'": ("方括号列表没有闭合", "在列表末尾补上“]” (close the list with ']')"),
}


# Slips of a Chinese input method that PyYAML reports a line late and in general words: a
# full-width colon after an (ASCII) key, a full-width space after the colon or as indentation.
_SLIPS = (
    (re.compile(r"^[ \u3000]*(?:- )?[A-Za-z_]\w*[ \u3000]*："), "键后面是全角冒号“：”",
     "改成半角冒号加空格“: ” (use the ASCII colon and a space after the key)"),
    (re.compile(r"^ *(?:- )?[A-Za-z_]\w*:\u3000"), "冒号后面是全角空格",
     "把冒号后的全角空格改成半角空格 (use an ASCII space after the colon)"),
    (re.compile(r"^ *\u3000"), "用全角空格缩进", "用半角空格缩进 (indent with ASCII spaces)"),
)
_KEY_LINE = re.compile(r"^( *)(- )?[A-Za-z_]\w*: ")


def _key_column(key_line: re.Match) -> int:
    return len(key_line[1]) + len(key_line[2] or "")


def _slip(lines: list[str], at: int, problem: str) -> tuple[int, str, str] | None:
    """The input slip behind a syntax error reported at line `at` (1-based), with its own line."""
    for n, line in enumerate(lines[:at + 1], start=1):
        for pattern, zh, fix in _SLIPS:
            if pattern.match(line):
                return n, zh, fix
    if "mapping values are not allowed" in problem and 1 < at <= len(lines):
        here = _KEY_LINE.match(lines[at - 1])
        above = next((_KEY_LINE.match(line) for line in reversed(lines[:at - 1])
                      if line.strip() and not line.lstrip().startswith("#")), None)
        if here and above and not here[2] and _key_column(here) > _key_column(above):
            return at, "这一行比上一行的键多缩进了，YAML 把它读成上一行的值", \
                "让它与上一行的键对齐 (align it with the key above)"
    return None


def yaml_error(path: Path, text: str, err: yaml.YAMLError) -> EditionError:
    """A YAML syntax error at the line where the mistake starts (an unclosed quote is reported by
    PyYAML at the end of the file, its opening at the context mark), in the editor's words."""
    if isinstance(err, yaml.reader.ReaderError):
        char = chr(err.character) if isinstance(err.character, int) else str(err.character)
        return EditionError(path, text[:err.position].count("\n") + 1,
                            f"含有 YAML 不允许的字符 U+{ord(char[:1] or ' '):04X} (contains a character YAML does not allow)",
                            _DELETE_IT)
    problem = getattr(err, "problem", None) or str(err)
    zh, fix = next((v for k, v in _YAML_PROBLEMS.items() if k in problem),
                   ("格式有误", "检查这一行的缩进和引号 (check indentation and quoting on that line)"))
    mark = getattr(err, "context_mark", None) if "end of stream" in problem else None
    mark = mark or getattr(err, "problem_mark", None)
    line = mark.line + 1 if mark else None
    slip = _slip(text.split("\n"), line, problem) if line else None
    if slip:
        line, zh, fix = slip
    return EditionError(path, line, f"YAML {zh} (malformed YAML: {problem})", fix)


def _refuse_unsafe_events(path: Path, text: str) -> None:
    """Look at the parse events before anything is built: an alias can multiply a few lines
    into gigabytes (an "alias bomb"), and tags can ask for arbitrary types. The edition's data
    needs neither, so both are refused outright, as is absurd nesting."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise EditionError(path, line, "不允许使用 YAML 锚点和别名（&name、*name） (YAML anchors and aliases (&name, *name) are not allowed)",
                               "在需要的地方把值完整写出 (write the value out in full where it is needed)")
        if getattr(event, "tag", None):
            raise EditionError(path, line, f"不允许使用 YAML 标签“{event.tag}” (YAML tag '{event.tag}' is not allowed)",
                               "去掉标签：值只能是普通文字、数字、列表和键值 "
                               "(remove the tag: values are plain strings, numbers, lists and mappings)")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise EditionError(path, line, f"嵌套超过 {MAX_DEPTH} 层 (nested more than {MAX_DEPTH} levels deep)",
                                   "本版的文件最多只需三层：请检查缩进 "
                                   "(the edition's files need at most three levels; check the indentation)")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _construct(path: Path, node: yaml.Node, here: Path_, lines: dict[Path_, int]) -> Any:
    lines[here] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise EditionError(path, key_line, "键本身不能是列表或键值 (a key that is itself a list or mapping is not allowed)",
                                   "键是普通的词，如“title:” (keys are plain words such as 'title:')")
            key = key_node.value
            if key in out:
                raise EditionError(path, key_line, f"键“{key}”重复（第 {lines[(*here, key)]} 行也有） "
                                   f"(duplicate key '{key}' (also on line {lines[(*here, key)]}))",
                                   "两者只留一个：YAML 会不声不响地用后一个 "
                                   "(keep one of the two: YAML would silently use the last)")
            lines[(*here, key)] = key_line
            out[key] = _construct(path, value_node, (*here, key), lines)
            lines[(*here, key)] = key_line
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(path, item, (*here, i), lines) for i, item in enumerate(node.value)]
    if len(node.value) > MAX_FIELD_CHARS:
        raise EditionError(path, lines[here], f"值有 {len(node.value):,} 个字符，超过上限 {MAX_FIELD_CHARS:,} "
                           f"(value of {len(node.value):,} characters, over the limit of {MAX_FIELD_CHARS:,})",
                           "缩短它，或把长注释拆成几条 (shorten it, or split a long note into several)")
    # Scalars: let the safe constructor resolve types, but keep dates as the text written
    # (an edition date may be "2010-05"; one type for all dates keeps the schema simple).
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=True)
    except ValueError:  # e.g. a date like 2010-02-30: keep the text, the schema reports it
        return node.value
    finally:  # the constructor remembers every node it built: about 100 MB at 10,000 texts
        _CONSTRUCTOR.constructed_objects.clear()
    return value.isoformat() if isinstance(value, (date, datetime)) else value
