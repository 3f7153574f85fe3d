"""Anchor manifest: every published block id with a fingerprint of its text.

A build fails when an id disappears or would now point at different text, or when a new id is
not yet recorded; `make manifest` records the change on purpose.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from build_tools import references
from build_tools.errors import EditionError, EditionErrors, label as label_of
from build_tools.references import Ref
from build_tools.model import Block, Document, Intervention
from build_tools.segment import strip_ws
from build_tools.wording import clipped
from build_tools.yamlio import read_text

# The manifest grows with the archive (about 540 bytes a text: 5.4 MB at 10,000 texts), past the
# limit on an editor's YAML file; this one holds a million texts.
MAX_MANIFEST_BYTES = 600_000_000
UPDATE_HINT = "若是有意的改动，运行 make manifest 并提交 anchors.manifest.json (if deliberate, run make manifest and commit it)"


def fingerprint(text: str) -> str:
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()[:12]


def as_received(block: Block) -> str:
    """The block's words before the editors' corrections: a correction changes a paragraph's
    wording, not which paragraph its id names (so it never asks for `make manifest`)."""
    text = block.text
    for c in sorted(block.corrections, key=lambda c: c.start, reverse=True):
        text = text[:c.start] + c.original + text[c.end:]
    return text


def anchors_of(docs: list[Document]) -> dict[str, dict[str, str]]:
    return {d.meta.slug: {b.id: fingerprint(as_received(b)) for b in d.blocks if b.id} for d in docs}


def dumps(anchors: dict[str, dict[str, str]]) -> str:
    """Texts by slug (the same order whatever order the texts load in, so an update's diff shows
    only what changed), each text's ids in reading order."""
    return json.dumps(dict(sorted(anchors.items())), ensure_ascii=False, indent=1) + "\n"


def write(path: Path, docs: list[Document]) -> None:
    path.write_text(dumps(anchors_of(docs)), encoding="utf-8")


def update(path: Path, docs: list[Document], refs: list[Ref] = (), accepted: frozenset[str] = frozenset()) -> list[str]:
    """Record the texts' ids, first rewriting every reference whose paragraph moved; refuse
    (writing nothing) while a reference would be left pointing at different text."""
    recorded = _read(path)[0] if path.exists() else {}
    current = anchors_of(docs)
    remap = references.plan(list(refs), recorded, current, accepted)
    if remap.refused:
        raise EditionErrors(list(remap.refused))
    report = references.apply(remap)
    for slug, ids in recorded.items():  # the edition's own references are rewritten; citations elsewhere cannot be
        changed = [i for i, print_ in ids.items() if current.get(slug, {}).get(i) != print_]
        if changed:
            report.append(f"注意 (note): {slug} 已发布的 {len(changed)} 个段号 {clipped(changed)} 现在指向别的文字或已不存在："
                          f"站外按这些段号的引用会落到别处 (published ids now pointing elsewhere or gone: "
                          "citations of them outside the edition will land on other text)")
    write(path, docs)
    return report


def _read(path: Path) -> tuple[dict, str]:
    text = read_text(path, MAX_MANIFEST_BYTES)
    try:
        return json.loads(text), text
    except json.JSONDecodeError as err:
        raise EditionError(path, err.lineno, f"malformed JSON: {err.msg}", UPDATE_HINT) from None


def check(path: Path, docs: list[Document], refs: list[Ref] = ()) -> None:
    """Ids recorded and current agree, and every reference still means the text it was written for."""
    if not path.exists():
        raise EditionError(path, None, "段号清单缺失 (anchor manifest missing)", UPDATE_HINT)
    recorded, text = _read(path)
    current = anchors_of(docs)
    by_slug = {d.meta.slug: d for d in docs}
    lines = _line_index(text)
    errors = []
    for slug, ids in recorded.items():
        now = current.get(slug)
        if now is None:
            errors.append(EditionError(path, lines.get((slug, "")), f"已发布的文本 '{slug}' 不见了 (was published but is gone)",
                                       UPDATE_HINT))
            continue
        gone = [i for i in ids if i not in now]
        moved = [i for i, print_ in ids.items() if i in now and now[i] != print_]
        look = f"已发布的段落应保持不变：查看 source_texts/{slug}.yml 中分段或残留的改动；"
        for found, what in ((moved, "现在指向另一段文字 (now points at different text)"),
                            (gone, "已不存在 (disappeared)")):
            if not found:
                continue
            # one line per text and kind: at the .yml line whose decision stands where the text
            # first changed, else at the manifest's line of the first id
            label = f"{slug}#{found[0]}" if len(found) == 1 else f"{slug}: {len(found)} 个段号 {clipped(found)}"
            where = lines.get((slug, found[0]))
            decision = _decision_near(by_slug[slug], found[0]) if found is moved else None
            if decision:
                spec = path.parent / "source_texts" / f"{slug}.yml"
                errors.append(EditionError(spec, decision.line, f"{label} {what}（{path.name} 第 {where} 行）",
                                           f"从 {found[0]} 起文字变了：检查这一行附近的{label_of(decision.kind)}及其前后的改动"
                                           f" (the text changed from {found[0]}: check the decisions around this line)；"
                                           + UPDATE_HINT))
            else:
                errors.append(EditionError(path, where, f"{label} {what}", look + UPDATE_HINT))
    for slug, ids in current.items():
        new = [i for i in ids if i not in recorded.get(slug, {})]
        if new and slug not in recorded:  # a new text: named at its own structure file
            spec = path.parent / "source_texts" / f"{slug}.yml"
            errors.append(EditionError(spec if spec.exists() else path, None,
                                       f"新文本 {slug} 的段号尚未登记 (new text: ids not recorded yet): {clipped(new)}",
                                       "核对草稿后运行 make manifest (run make manifest)"))
        elif new:
            errors.append(EditionError(path, lines.get((slug, "")),
                                       f"{slug}: 新段号尚未登记 (new ids not yet recorded): {clipped(new)}", UPDATE_HINT))
    errors += references.check(list(refs), recorded, current)
    if errors:
        raise EditionErrors(errors)


def check_references(path: Path, current: dict[str, dict[str, str]], refs: list[Ref]) -> None:
    """Only that these references still mean the text they were written for (the live preview
    after a note edit, the texts and `current` anchors being those of the last full check)."""
    errors = references.check(list(refs), _read(path)[0], current)
    if errors:
        raise EditionErrors(errors)


def _decision_near(doc: Document, block_id: str) -> Intervention | None:
    """The editorial decision (break or join, with its .yml line) that stands in the block whose
    text changed, or in the block before it: where an editor should look first."""
    index = next(i for i, b in enumerate(doc.blocks) if b.id == block_id)
    for block in (doc.blocks[index], *doc.blocks[max(0, index - 1):index]):
        text = strip_ws(block.text)
        for item in doc.interventions:
            if item.line and item.kind in ("break", "join") and strip_ws(item.text) in text:
                return item
    return None


def _line_index(text: str) -> dict[tuple[str, str], int]:
    """(slug, id) -> line in the manifest as written by `dumps` (one id per line)."""
    index, slug = {}, ""
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.endswith("{") and stripped.startswith('"'):
            slug = stripped.split('"')[1]
            index[(slug, "")] = n
        elif stripped.startswith('"') and slug:
            index[(slug, stripped.split('"')[1])] = n
    return index


def with_anchor_errors(err: EditionError, path: Path, docs: list[Document], refs: list[Ref]) -> EditionError:
    """A note that lost its quote is often the symptom of moved ids: report the cause first."""
    try:
        check(path, docs, refs)
    except EditionErrors as cause:
        return EditionErrors(cause.errors + list(getattr(err, "errors", [err])))
    except EditionError:
        return err
    return err
