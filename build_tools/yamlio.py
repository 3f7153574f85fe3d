"""Read YAML while remembering where each value came from, so errors can say `file:line`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from build_tools.errors import EditionError, processing

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
        raise EditionError(path, line, f"不是有效的 UTF-8（第 {err.start} 字节） (not valid UTF-8 (byte {err.start}))",
                           "不改动文字，把文件另存为 UTF-8 (re-save the file as UTF-8 without changing its text)") from None


def read_raw_text(path: Path) -> str:
    """A raw text as the pipeline reads it. The file itself is never changed (it stays byte for
    byte as received); a byte-order mark and CRLF or CR-only line endings are normalised here, in
    reading, so quoted phrases and offsets behave exactly as for an LF file."""
    text = read_text(path, limit=4 * MAX_RAW_CHARS)
    if len(text) > MAX_RAW_CHARS:
        raise EditionError(path, None, f"原始文本有 {len(text):,} 个字符，超过上限 {MAX_RAW_CHARS:,} "
                           f"(raw text has {len(text):,} characters, over the limit of {MAX_RAW_CHARS:,})",
                           "把文本分成几部分，每部分有自己的 .yml (split the text into parts, each with its own .yml)")
    return _LINE_ENDINGS.sub("\n", text.removeprefix("\ufeff"))


def confined(path: Path, root: Path | None = None) -> Path:
    """Refuse a symlink (the file or a folder on its way) that leads out of the project: a pull
    request could otherwise publish any file of the machine that builds it."""
    root = (root or project_root(path)).resolve()
    target = path.resolve()
    if target != root and root not in target.parents:
        link = next((p for p in (path, *path.parents) if p.is_symlink()), path)
        raise EditionError(path, 1, f"是指向项目之外的符号链接 (is a symlink leading out of the project ({link} -> {target}))",
                           "用仓库内的普通文件代替这个链接 (replace the link by a regular file inside the repository)")
    return path


def project_files(folder: Path) -> list[Path]:
    """Every file below a project folder, in order, refusing any symlink that leads out of the
    project (links to folders are not descended into, as MkDocs and the pipeline would)."""
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
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(err, "problem", None) or str(err)
        raise EditionError(path, line, f"YAML 格式有误 (malformed YAML: {problem})",
                           "检查这一行的缩进和引号 (check indentation and quoting on that line)") from None
    lines: dict[Path_, int] = {}
    data = _construct(path, node, (), lines) if node is not None else None
    return LocatedYaml(path, data, lines)


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
