"""Validate located YAML against the JSON Schemas in schemas/: every error of a file at once,
each at the offending field's own line, in plain Chinese (the schema's English alongside), with
"did you mean" for a misspelt field or value.

Two things JSON Schema alone gets wrong for this edition are fixed here, once for every schema:
a `pattern` ending in `$` would accept a trailing newline (Python's `$` matches before it), so
`$` is read as end-of-string; and the edition's own formats (calendar dates, plain text, Han
phrases, references, confined file names, http(s) URLs) are checked, each with its reason.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from functools import cache
from pathlib import Path

import jsonschema
from jsonschema import ValidationError

from build_tools.errors import EditionError, EditionErrors
from build_tools.safety import plain_text_reason, reference_reason
from build_tools.wording import clipped, problems
from build_tools.yamlio import LocatedYaml, load_yaml

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_ONLY = re.compile(f"[{HAN}]+")
_HAN_ANY = re.compile(f"[{HAN}]")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?")

TYPE_NAMES = {"string": "文字", "array": "列表（- …）", "object": "键值（key: value）", "integer": "整数",
              "number": "数字", "boolean": "true 或 false"}

FORMATS = jsonschema.FormatChecker([])
FORMAT_FIXES = {
    "calendar-date": "写一个存在且已经过去的日期 (write a date that exists and has passed, in the field's form)",
    "plain-text": "纯文字字段不用 Markdown 或 HTML：去掉这个字符，或改用全角标点（ ） 【 】 ＆ ＜ ＞ "
                  "(plain-text fields take no Markdown or HTML: drop the character or use full-width punctuation)",
    "reference": "用平实的文字写出处（题名、发布者、日期、网址），或写 <标识>#p<段号> "
                 "(name the source in plain words (title, publisher, date, URL) or as <slug>#pN)",
    "term": "照正文写出中文词语 (write the term in Chinese as it occurs in the texts)",
    "han": "只写汉字，与简体字数相同 (write the phrase in Han characters only, the same length as the simplified one)",
    "file-name": "用简单的文件名：字母、数字、“.”“_”“-”，如 2010-xinhua-qa.txt (use a plain file name: letters, digits, '.', '_', '-')",
    "url-path": "用文件夹名，如 zh-Hant (use a folder name such as zh-Hant)",
    "http-url": "写完整的 http:// 或 https:// 地址 (use a full http:// or https:// address)",
}
FORMAT_PROBLEMS = {"calendar-date": "日期不对", "term": "术语不对", "han": "只能是汉字", "file-name": "文件名不对",
                   "url-path": "文件夹名不对", "http-url": "网址不对"}  # plain-text and reference say why in Chinese
PLACEHOLDER = "待定"  # what `make new-text` drafts where it could not guess


def _format(name: str):
    return FORMATS.checks(name, raises=ValueError)


@_format("calendar-date")
def _calendar_date(value) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD that exists in the calendar (no 2010-02-30, no 2010-13)."""
    if not isinstance(value, str):
        return True  # the type check names it (an unquoted 2010 is a number)
    match = _DATE.fullmatch(value)
    if not match:
        raise ValueError(f"'{value}' is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(p) if p else 1 for p in match.groups())
    try:
        first_day = dt.date(year, month, day)
    except ValueError as err:
        raise ValueError(f"'{value}' is not a real date ({err})") from None
    if first_day > dt.date.today() + dt.timedelta(days=1):  # a day's grace: an editor east of the CI's clock
        raise ValueError(f"'{value}' is in the future")
    return True


def _refusing(reason_of):
    """A format check from a function that says why a string is refused (or None)."""
    def check(value) -> bool:
        reason = reason_of(value) if isinstance(value, str) else None
        if reason:
            raise ValueError(reason)
        return True
    return check


def _plain_text_reason(text: str) -> str | None:
    if not text.strip():
        return "只有空白 (only whitespace)"
    if text.strip() == PLACEHOLDER:
        return f"“{PLACEHOLDER}”是 make new-text 草稿的占位词，还没有填写 (the draft's placeholder, not yet filled in)"
    return plain_text_reason(text)


_plain_text = _format("plain-text")(_refusing(_plain_text_reason))
_format("reference")(_refusing(reference_reason))


@_format("term")
def _term(value) -> bool:
    _plain_text(value)
    if isinstance(value, str) and not _HAN_ANY.search(value):
        raise ValueError(f"'{value}' has no Han character (terms are matched in Chinese text)")
    return True


@_format("han")
def _han(value) -> bool:
    if isinstance(value, str) and not _HAN_ONLY.fullmatch(value):
        raise ValueError(f"'{value}' holds more than Han characters (no Latin letters, spaces, punctuation or markup)")
    return True


@_format("file-name")
def _file_name(value) -> bool:
    if isinstance(value, str) and not (_FILE_NAME.fullmatch(value) and ".." not in value):
        raise ValueError(f"'{value}' is not a plain file name (letters, digits, '.', '_', '-'; no '/', no '..')")
    return True


@_format("url-path")
def _url_path(value) -> bool:
    """A folder below the site root: '' or names joined by '/', never '..' or absolute."""
    if isinstance(value, str) and value and not all(_FILE_NAME.fullmatch(part) and part != ".."
                                                    for part in value.split("/")):
        raise ValueError(f"'{value}' is not a folder inside the site (names joined by '/'; no '..', no leading '/')")
    return True


@_format("http-url")
def _http_url(value) -> bool:
    if isinstance(value, str) and not _URL.fullmatch(value):
        raise ValueError(f"'{value}' is not a plain http(s) URL")
    return True


def _pattern(validator, pattern: str, instance, schema):
    """`pattern` with `$` meaning end of string, as every schema here intends."""
    if not validator.is_type(instance, "string"):
        return
    anchored = pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern
    if not re.search(anchored, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})


@cache
def _validator(name: str):
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return _Validator(schema, format_checker=FORMATS)


def validate(doc: LocatedYaml, schema_name: str) -> None:
    errors = list(_validator(schema_name).iter_errors(doc.data))
    # a value of the wrong form fails its pattern and its format: one error, the field's own words
    patterned = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    errors = [e for e in errors if not (e.validator == "format" and tuple(e.absolute_path) in patterned)]
    found = [e for error in errors for e in _describe(doc, error, schema_name)]
    if found:
        raise EditionErrors(sorted(found, key=lambda e: e.line or 0))


def field_name(data, key_path: tuple) -> str:
    """A reader's name for a place in a file: `term '两张皮'.sources`, `note 'x'.date`,
    `reference '人民网…'.accessed`, `structure.2.reason`."""
    parts, node = [], data
    for key in key_path:
        if isinstance(key, int):
            item = node[key] if isinstance(node, list) and key < len(node) else None
            named = next((f"{label} '{item[k]}'" for k, label in (("term", "term"), ("id", "note"), ("label", "reference"))
                          if isinstance(item, dict) and isinstance(item.get(k), str)
                          and (k != "label" or "url" in item)), None)  # a variant has a label too
            parts.append(named or str(key))  # other lists: the index, beside the field's own line
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts)


def _suggest(word, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return close[0] if close else ""


def _quoting_fix(key_path: tuple, value) -> str:
    if isinstance(value, bool):  # written yes/no/on/off/true/false: which one, YAML no longer says
        return '给这一行的值原样加上引号，如 "no" (put the value as written in quotes)'
    key = f"{key_path[-1]}: " if key_path and isinstance(key_path[-1], str) else ""
    return f'加上引号，写成 {key}"{value}" (put it in quotes)'


def quoted_fails_pattern(schema: dict, value) -> bool:
    """Quoting would not help: `paragraph: 6` quoted is still not `p6`."""
    pattern = schema.get("pattern") if isinstance(schema, dict) else None
    return bool(pattern) and not re.search(pattern, str(value))


def _describe(doc: LocatedYaml, error: ValidationError, schema_name: str) -> list[EditionError]:
    key_path = tuple(error.absolute_path)
    where = field_name(doc.data, key_path)
    prefix = f"{where}: " if where else ""
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = schema.get("description", "") or f"格式见 schemas/{schema_name} (see the schema for the allowed form)"
    value, kind = error.instance, error.validator

    def err(problem: str, fix: str = hint, at: tuple = key_path) -> EditionError:
        return EditionError(doc.path, doc.line_of(at), prefix + problem, fix)

    if kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        out = []
        for key in sorted(k for k in value if k not in allowed):
            close = _suggest(key, allowed)
            guess = f"，是不是 '{close}'？" if close else ""
            english = f"; did you mean '{close}'?" if close else ""
            out.append(err(f"未知字段 '{key}'{guess} (unknown field '{key}'{english})",
                           f"可用的字段 (allowed): {clipped(allowed, sep='、')}", (*key_path, key)))
        return out
    if kind == "required":
        allowed = list(schema.get("properties", {}))
        misspelt = {_suggest(k, allowed) for k in value if k not in allowed} if isinstance(value, dict) and allowed else set()
        missing = [k for k in error.validator_value if isinstance(value, dict) and k not in value
                   and k not in misspelt]  # 'ocasion' is reported once, as an unknown field meaning 'occasion'
        return [err(f"缺少必填字段 '{k}' (missing required field '{k}')",
                    schema.get("properties", {}).get(k, {}).get("description", hint)) for k in missing]
    if kind == "enum":
        close = _suggest(value, error.validator_value)
        guess = f"，是不是 '{close}'？" if close else ""
        return [err(f"'{value}' 不是允许的值{guess} (not one of the allowed values)",
                    f"可选 (allowed): {clipped(error.validator_value, sep='、')}")]
    if kind == "pattern":
        return [err(f"'{value}' 格式不对 (does not match the required form)")]
    if kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
        if expected == "string" and isinstance(value, (int, float, bool)):  # YAML read `2010` or `yes` as a number or truth value
            return [err(f"应为{TYPE_NAMES['string']}，YAML 把 {value!r} 读成了{'真假值' if isinstance(value, bool) else '数字'} "
                        f"(should be a string: YAML read it as a {'boolean' if isinstance(value, bool) else 'number'})",
                        hint if quoted_fails_pattern(schema, value) else _quoting_fix(key_path, value))]
        return [err(f"应为{TYPE_NAMES.get(expected, expected)} (should be {expected})")]
    if kind in ("minLength", "maxLength"):
        short = kind == "minLength"
        return [err(f"{'太短' if short else '太长'}：{'至少' if short else '至多'} {error.validator_value} 个字，"
                    f"现有 {len(value)} 个 (too {'short' if short else 'long'})")]
    if kind == "format":
        cause = f"{error.cause or error.message}"
        problem = FORMAT_PROBLEMS.get(error.validator_value)
        fix = ("填写在原文或出处中核实过的值 (fill in the value, verified in the text or its source)"
               if PLACEHOLDER in cause else FORMAT_FIXES.get(error.validator_value, hint))
        return [err(f"{problem} ({cause})" if problem else cause, fix)]
    if kind == "oneOf" and isinstance(value, dict):
        actions = [k for k in schema.get("properties", {}) if k not in ("level", "reason")]
        return [err(f"每条须恰有一个动作 (exactly one action), 这里是 {sorted(value)}",
                    f"可用的动作: {clipped(actions, sep='、')}")]
    return [err(f"{error.message}")]


def validate_files(files: list[tuple[Path, str]]) -> list[EditionError]:
    """Schema errors of several files (path, schema name), collected, so that a run that stops
    at one kind of error still reports the others' form errors with it."""
    found = []
    for path, schema_name in files:
        try:
            doc = load_yaml(path)
            if doc.data is not None:
                validate(doc, schema_name)
        except EditionError as err:
            found += problems(err)
    return found
