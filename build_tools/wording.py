"""Editor-facing wording shared by the checks: how lists are cut, how commands are named."""

from __future__ import annotations


def clipped(items, limit: int = 8, sep: str = ", ") -> str:
    """The first `limit` items, then how many more: 'p1, p2, …（另 12 项）'."""
    items = [str(i) for i in items]
    if len(items) <= limit:
        return sep.join(items)
    return sep.join(items[:limit]) + f", …（另 {len(items) - limit} 项）"


def problems(err) -> list:
    """The single errors inside an EditionError or EditionErrors."""
    return list(getattr(err, "errors", None) or [err])


def grouped(err) -> str:
    """All errors of a run, grouped by file (in order of first appearance), one per line."""
    found = problems(err)
    by_file: dict = {}
    for e in found:
        by_file.setdefault(e.path, []).append(e)
    head = f"error: {len(found)} 处问题，涉及 {len(by_file)} 个文件 ({len(found)} problem(s) in {len(by_file)} file(s))"
    blocks = ["\n".join(e.message for e in sorted(group, key=lambda e: e.line or 0)) for group in by_file.values()]
    return head + "\n" + "\n\n".join(blocks) if len(found) > 1 else f"error: {found[0].message}"


def github_annotations(err, root) -> list[str]:
    """GitHub workflow commands that show each error on the pull request's diff."""
    def escape(text: str, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    out = []
    for e in problems(err):
        try:
            path = e.path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            path = e.path.as_posix()
        where = f"file={escape(path, True)}" + (f",line={e.line}" if e.line else "")
        out.append(f"::error {where}::{escape(e.problem + (' — ' + e.fix if e.fix else ''))}")
    return out
