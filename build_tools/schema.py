"""Validate located YAML against the JSON Schemas in schemas/, reporting `file:line: key: cause`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema

from build_tools.errors import EditionError, EditionErrors
from build_tools.yamlio import LocatedYaml

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def validate(doc: LocatedYaml, schema_name: str) -> None:
    errors = sorted(_validator(schema_name).iter_errors(doc.data), key=lambda e: list(map(str, e.path)))
    if errors:
        raise EditionErrors([_describe(doc, e, schema_name) for e in errors])


def _describe(doc: LocatedYaml, error: jsonschema.ValidationError, schema_name: str) -> EditionError:
    key_path = tuple(error.absolute_path)
    where = ".".join(str(k) for k in key_path) or "(top level)"
    if error.validator == "oneOf":
        problem = f"{where}: needs exactly one of its allowed keys, found {sorted(error.instance)}"
    else:
        problem = f"{where}: {error.message}"
    hint = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    return EditionError(doc.path, doc.line_of(key_path), problem,
                        hint or f"see schemas/{schema_name} for the allowed form")
