"""Dates as Chinese texts write them (2010年4月14日, 二〇一〇年七月二十三日) read as ISO dates."""

from __future__ import annotations

import re

HAN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}
DATE = re.compile(r"(\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*([\d一二三四五六七八九十]{1,3})\s*月"
                  r"(?:\s*([\d一二三四五六七八九十]{1,3})\s*日)?")


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if len(token) == 4:  # 二〇一〇
        return int("".join(str(HAN_DIGITS[c]) for c in token))
    tens, _, ones = token.rpartition("十")
    if "十" not in token:
        return HAN_DIGITS[token]
    return (HAN_DIGITS[tens] if tens else 1) * 10 + (HAN_DIGITS[ones] if ones else 0)


def iso(match: re.Match) -> str | None:
    """YYYY-MM or YYYY-MM-DD of a DATE match, or None where its numerals do not read as one."""
    try:
        parts = [_number(p) for p in match.groups() if p]
    except KeyError:
        return None
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


def first_date(text: str) -> str | None:
    match = DATE.search(text)
    return iso(match) if match else None
