"""The Document model shared by every stage: small frozen dataclasses, no behaviour beyond
derived views."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A corpus anchor as editors cite it: <slug>#p12, <slug>#s2 or <slug>#top.
ANCHOR = re.compile(r"^(?P<slug>[0-9]{4}[a-z0-9-]*)#(?P<id>[ps][0-9]+|top)$")
NUMBERED_ROLES = {"paragraph": "p", "heading": "s", "question": "s"}
HEADING_ROLES = {"heading", "question"}
# Blocks that print the document's own apparatus (title, byline…) rather than its body.
APPARATUS_ROLES = {"title", "speaker", "dateline", "issuer", "doc_number", "signature", "issued",
                   "subtitle"}
# The apparatus that closes a document (who issued it and when): the TEI's closer, cited as the
# document's #top as its title is.
CLOSING_ROLES = {"signature", "issued"}


def date_order(date: str) -> str:
    """Sort key of a date of any precision ("2010-07-23", "2010-07", "2010"): a period's dated
    items first, then those known only to the month, then to the year (as a chronicle puts
    an undated year's items at the year's end)."""
    return date.ljust(10, "~")


def display_date(date: str) -> str:
    """"2010-07-23" -> "2010年7月23日" (and "2010-07" -> "2010年7月", "2010" -> "2010年")."""
    parts = [int(p) for p in date.split("-")]
    return "".join(f"{n}{unit}" for n, unit in zip(parts, "年月日"))


@dataclass(frozen=True)
class Meta:
    slug: str
    title: str
    short_title: str
    speaker: str
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD: the precision the evidence allows
    date_basis: str
    occasion: str
    kind: str
    provenance: str
    source_file: str  # the raw text's file name in source_texts/
    # The editors' evidence for `occasion` or their doubt about it: shown beside it on the page
    # and in the TEI header, never cited (a citation names the occasion only).
    occasion_basis: str = ""
    issuer: str = ""  # the body that issues a notice, as the raw text names it ("" for other kinds)
    date_inferred: bool = False  # the text states no date: `date` is the editors' inference
    source_sha256: str = ""  # of the raw file's bytes: a reader can check the copy they fetch

    @property
    def author(self) -> str:
        """Who a citation names as the text's author: a notice's issuer, else the speaker (a
        notice that prints a speech is the issuer's document, not the speaker's)."""
        return self.issuer or self.speaker


@dataclass(frozen=True, slots=True)
class Correction:
    """An editorial emendation inside a block: display text [start:end] replaced `original`."""

    start: int
    end: int
    original: str
    reason: str


@dataclass(frozen=True, slots=True)  # one per mark: hundreds of thousands in an archive
class Span:
    """A marked range of a block's display text (glossary hit, annotation, parallel)."""

    start: int
    end: int
    kind: str
    ref: str


@dataclass(frozen=True, slots=True)
class Block:
    role: str  # paragraph | heading | question | one of APPARATUS_ROLES
    text: str
    id: str = ""  # p<N> for paragraphs, s<N> for headings, "" for apparatus
    level: int = 2
    corrections: tuple[Correction, ...] = ()
    spans: tuple[Span, ...] = ()

    @property
    def is_heading(self) -> bool:
        return self.role in HEADING_ROLES

    @property
    def received(self) -> str:
        """The words as received, before the editors' corrections (a correction changes a
        paragraph's wording, not which paragraph its id names)."""
        text = self.text
        for c in sorted(self.corrections, key=lambda c: c.start, reverse=True):
            text = text[:c.start] + c.original + text[c.end:]
        return text


@dataclass(frozen=True)
class Intervention:
    """One editorial decision, listed at the end of its text's page and in its TEI header."""

    kind: str  # debris | break | join | correction | whitespace
    text: str
    reason: str
    anchor: str = ""  # block id it concerns, if any
    line: int = 0  # line of the decision in the text's .yml (0: not one of its lines)


@dataclass(frozen=True)
class IdChange:
    """A published id renumbered by `make manifest`: the words a citation of `old` made before
    `recorded` meant are now at `now` (one id; the ids it was split into; none when no
    paragraph holds those words any more)."""

    recorded: str  # YYYY-MM-DD, the day the change was recorded
    old: str
    now: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    meta: Meta
    blocks: tuple[Block, ...]
    interventions: tuple[Intervention, ...] = ()
    id_changes: tuple[IdChange, ...] = ()  # anchors.changes.json, oldest first

    @property
    def paragraphs(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.role == "paragraph")

    @property
    def headings(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.is_heading)

    def block(self, block_id: str) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)
