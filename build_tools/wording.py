"""Editor-facing wording shared by the checks: how lists are cut, how commands are named."""

from __future__ import annotations


def clipped(items, limit: int = 8, sep: str = ", ") -> str:
    """The first `limit` items, then how many more: 'p1, p2, …（另 12 项）'."""
    items = [str(i) for i in items]
    if len(items) <= limit:
        return sep.join(items)
    return sep.join(items[:limit]) + f", …（另 {len(items) - limit} 项）"
