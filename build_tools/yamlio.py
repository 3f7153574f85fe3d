"""Read YAML while remembering where each value came from, so errors can say `file:line`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from build_tools.errors import EditionError

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
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")  # a single space, never a paragraph break


def fold_cjk(text: str) -> str:
    """Drop the spaces YAML puts where a folded (`>-`) scalar was wrapped between Chinese
    characters; spaces next to Latin letters or digits stay."""
    return _CJK_GAP.sub("", text.strip())


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        raise EditionError(path, line, f"not valid UTF-8 (byte {err.start})",
                           "re-save the file as UTF-8 without changing its text") from None


def load_yaml(path: Path) -> LocatedYaml:
    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(err, "problem", None) or str(err)
        raise EditionError(path, line, f"malformed YAML: {problem}",
                           "check indentation and quoting on that line") from None
    lines: dict[Path_, int] = {}
    data = _construct(node, (), lines) if node is not None else None
    return LocatedYaml(path, data, lines)


def _construct(node: yaml.Node, here: Path_, lines: dict[Path_, int]) -> Any:
    lines[here] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value
            out[key] = _construct(value_node, (*here, key), lines)
            lines[(*here, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*here, i), lines) for i, item in enumerate(node.value)]
    # Scalars: let the safe constructor resolve types, but keep dates as the text written
    # (an edition date may be "2010-05"; one type for all dates keeps the schema simple).
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=True)
    except ValueError:  # e.g. a date like 2010-02-30: keep the text, the schema/validator reports it
        return node.value
    return value.isoformat() if isinstance(value, (date, datetime)) else value
