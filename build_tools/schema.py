"""Validate located YAML against the JSON Schemas in schemas/, reporting `file:line: key: cause`.

Two things JSON Schema alone gets wrong for this edition are fixed here, once for every schema:
a `pattern` ending in `$` would accept a trailing newline (Python's `$` matches before it), so
`$` is read as end-of-string; and the edition's own formats (calendar dates, plain text, Han
phrases, references, confined file names, http(s) URLs) are checked, each with its reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path

import jsonschema
from jsonschema import ValidationError

from build_tools.errors import EditionError, EditionErrors
from build_tools.safety import plain_text_reason, reference_reason
from build_tools.yamlio import LocatedYaml

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_ONLY = re.compile(f"[{HAN}]+")
_HAN_ANY = re.compile(f"[{HAN}]")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?")

FORMATS = jsonschema.FormatChecker([])
FORMAT_FIXES = {
    "calendar-date": "write a date that exists, as YYYY, YYYY-MM or YYYY-MM-DD",
    "plain-text": "plain-text fields take no Markdown or HTML: drop the character or use full-width punctuation "
                  "（ ） 【 】 ＆ ＜ ＞",
    "reference": "name the source in plain words (title, publisher, date, URL) or as <slug>#pN",
    "term": "write the term in Chinese as it occurs in the texts",
    "han": "write the phrase in Han characters only, the same length as the simplified one",
    "file-name": "use a plain file name such as cxzy-edition",
    "url-path": "use a folder name such as zh-Hant",
    "http-url": "use a full http:// or https:// address",
}


def _format(name: str):
    return FORMATS.checks(name, raises=ValueError)


@_format("calendar-date")
def _calendar_date(value) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD that exists in the calendar (no 2010-02-30, no 2010-13)."""
    match = _DATE.fullmatch(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"'{value}' is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(p) if p else 1 for p in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError as err:
        raise ValueError(f"'{value}' is not a real date ({err})") from None
    return True


def _refusing(reason_of):
    """A format check from a function that says why a string is refused (or None)."""
    def check(value) -> bool:
        reason = reason_of(value) if isinstance(value, str) else None
        if reason:
            raise ValueError(reason)
        return True
    return check


_plain_text = _format("plain-text")(_refusing(plain_text_reason))
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
    errors = sorted(_validator(schema_name).iter_errors(doc.data), key=lambda e: list(map(str, e.path)))
    if errors:
        raise EditionErrors([_describe(doc, e, schema_name) for e in errors])


def _describe(doc: LocatedYaml, error: ValidationError, schema_name: str) -> EditionError:
    key_path = tuple(error.absolute_path)
    where = ".".join(str(k) for k in key_path) or "(top level)"
    if error.validator == "oneOf":
        problem = f"{where}: needs exactly one of its allowed keys, found {sorted(error.instance)}"
    elif error.validator == "format" and error.cause:
        problem = f"{where}: {error.cause}"
    else:
        problem = f"{where}: {error.message}"
    hint = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    if error.validator == "format":
        hint = FORMAT_FIXES.get(error.validator_value, hint)
    return EditionError(doc.path, doc.line_of(key_path), problem,
                        hint or f"see schemas/{schema_name} for the allowed form")
