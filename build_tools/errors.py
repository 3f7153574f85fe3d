"""The one domain exception: every bad input names its file, line and the fix."""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path

# The input file last read or being processed, so that even an unforeseen failure (a bug the
# data provokes) is reported naming a file instead of as a bare traceback (see cli.py).
processing: ContextVar[Path | None] = ContextVar("processing", default=None)

# What editors call the actions and block roles of a text's .yml (the words of docs/contributing.md),
# so that messages name them in Chinese.
LABELS = {"break": "断段", "join": "合并", "debris": "残留", "correction": "校改", "paragraph": "段落",
          "title": "标题", "subtitle": "副标题", "heading": "小标题", "question": "设问小标题", "speaker": "讲话人",
          "dateline": "日期行", "issuer": "发文机关", "doc_number": "文号", "signature": "署名", "issued": "印发日期"}


def label(name: str) -> str:
    """The Chinese name of a directive or block role (the code itself when it has none)."""
    return LABELS.get(name, name)


class EditionError(Exception):
    """Bad editorial input. Raised, never `sys.exit`, so live preview survives it."""

    def __init__(self, path: Path | str, line: int | None, problem: str, fix: str = ""):
        self.path = Path(path)
        self.line = line
        self.problem = problem
        self.fix = fix
        super().__init__(self.message)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    @property
    def message(self) -> str:
        return f"{self.location}: {self.problem}" + (f" — {self.fix}" if self.fix else "")


class EditionErrors(EditionError):
    """Several independent input errors, reported together so an editor fixes them in one pass."""

    def __init__(self, errors: list[EditionError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.path, first.line, first.problem, first.fix)

    @property
    def message(self) -> str:
        return "\n".join(e.message for e in self.errors)


def attempt_each(stage, items) -> tuple[list, list[EditionError]]:
    """`stage` applied to every item: the results of those it took, and the errors of the rest,
    so that one run reports every file's problems."""
    done, errors = [], []
    for item in items:
        try:
            done.append(stage(item))
        except EditionErrors as err:
            errors += err.errors
        except EditionError as err:
            errors.append(err)
    return done, errors
