"""Anchor manifest: every published block id with a fingerprint of its text.

A build fails when an id disappears or would now point at different text, or when a new id is
not yet recorded; `make manifest` records the change on purpose, and keeps it in the change
record (`anchors.changes.json`): each renumbered id, the day, and where its words are now, for
the text's page and TEI, since citations outside the edition cannot be rewritten.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
from pathlib import Path
from typing import Callable

from build_tools import references
from build_tools.errors import EditionError, EditionErrors, label as label_of
from build_tools.references import Ref
from build_tools.model import Document, IdChange, Intervention
from build_tools.segment import strip_ws
from build_tools.wording import clipped
from build_tools.yamlio import load_yaml, read_text

# The manifest grows with the archive (about 540 bytes a text: 5.4 MB at 10,000 texts), past the
# limit on an editor's YAML file; this one holds a million texts.
MAX_MANIFEST_BYTES = 600_000_000
UPDATE_HINT = "若是有意的改动，运行 make manifest 并提交 anchors.manifest.json (if deliberate, run make manifest and commit it)"


def fingerprint(text: str) -> str:
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()[:12]


def received_words(docs: list[Document]) -> dict[str, dict[str, str]]:
    """Each text's ids, in reading order, with their words as received (so that a correction
    never asks for `make manifest`)."""
    return {d.meta.slug: {b.id: b.received for b in d.blocks if b.id} for d in docs}


def anchors_of(docs: list[Document]) -> dict[str, dict[str, str]]:
    return _fingerprints(received_words(docs))


def _fingerprints(words: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    return {slug: {i: fingerprint(text) for i, text in ids.items()} for slug, ids in words.items()}


def dumps(anchors: dict[str, dict[str, str]]) -> str:
    """Texts by slug (the same order whatever order the texts load in, so an update's diff shows
    only what changed), each text's ids in reading order."""
    return json.dumps(dict(sorted(anchors.items())), ensure_ascii=False, indent=1) + "\n"


def write(path: Path, docs: list[Document]) -> None:
    path.write_text(dumps(anchors_of(docs)), encoding="utf-8")


def update(path: Path, docs: list[Document], today: str, refs: list[Ref] = (),
           accepted: frozenset[str] = frozenset()) -> list[str]:
    """Record the texts' ids, first rewriting every reference whose paragraph moved; refuse
    (writing nothing) while a reference would be left pointing at different text. Renumbered
    published ids go into the change record under `today` (YYYY-MM-DD)."""
    recorded = _read(path)[0] if path.exists() else {}
    received = received_words(docs)
    current = _fingerprints(received)
    where = {slug: moves(ids, current.get(slug, {}), received.get(slug, {})) for slug, ids in recorded.items()}
    remap = references.plan(list(refs), current, where, accepted, note_home(docs))
    if remap.refused:
        raise EditionErrors(list(remap.refused))
    history_path = changes_path(path)
    history = _read_changes(history_path)[0]
    report = references.apply(remap)
    for slug, changed in where.items():  # the edition's own references are rewritten; citations elsewhere cannot be
        if slug not in current:  # a text withdrawn: it has no page to show its record on
            continue
        if changed:
            history.setdefault(slug, []).append({"recorded": today, "ids": changed})
            report.append(f"注意 (note): {slug} 已发布的 {len(changed)} 个段号 {clipped(list(changed))} 现在指向别的文字或已不存在："
                          f"站外按这些段号的引用会落到别处；这些改动已记入 {history_path.name}，文本页和 TEI 会列出 "
                          f"(published ids now pointing elsewhere or gone: citations of them outside the edition "
                          f"will land on other text; recorded in {history_path.name}, shown on the page and in the TEI)")
    path.write_text(dumps(current), encoding="utf-8")
    if history:
        history_path.write_text(dumps_changes(history), encoding="utf-8")
    return report


def note_home(docs: list[Document]) -> Callable[[Ref], str | None]:
    """For a note's `paragraph: pN` whose paragraph changed: the one paragraph of its text now
    holding its quote, with its prefix and suffix (a split paragraph's notes follow their own
    words, each to its part). A notes file is read when one of its notes is first asked about."""
    by_slug = {d.meta.slug: d for d in docs}
    read: dict[Path, dict[int, str]] = {}

    def home(ref: Ref) -> str | None:
        if ref.path not in read:
            read[ref.path] = _homes_in(ref.path, by_slug.get(ref.path.stem))
        return read[ref.path].get(ref.line)
    return home


def _homes_in(path: Path, doc: Document | None) -> dict[int, str]:
    """Line of each note's `paragraph:` -> the one paragraph holding its words."""
    notes, homes = load_yaml(path), {}
    for i, note in enumerate(notes.data or []):
        if doc is None or not isinstance(note, dict) or not isinstance(note.get("quote"), str):
            continue
        words = strip_ws(f"{note.get('prefix', '')}{note['quote']}{note.get('suffix', '')}")
        held = [b.id for b in doc.paragraphs if words in strip_ws(b.text)]
        if len(held) == 1:
            homes[notes.line_of((i, "paragraph"))] = held[0]
    return homes


def dumps_changes(history: dict[str, list[dict]]) -> str:
    """Texts by slug, each a line (where errors point); each renumbered id a line of its own."""
    def entry(e: dict) -> str:
        ids = ",\n".join(f"    {json.dumps(old)}: {json.dumps(now)}" for old, now in e["ids"].items())
        return f'  {{"recorded": {json.dumps(e["recorded"])}, "ids": {{\n{ids}\n  }}}}'
    texts = [f' {json.dumps(slug)}: [\n' + ",\n".join(map(entry, entries)) + "\n ]"
             for slug, entries in sorted(history.items())]
    return "{\n" + ",\n".join(texts) + "\n}\n"


def moves(was: dict[str, str], now: dict[str, str], texts: dict[str, str]) -> dict[str, list[str]]:
    """Each id whose recorded text it no longer holds -> where that text is now (found by its
    fingerprint): the one id of its kind holding it, the run of paragraphs it was split into, or
    the paragraph it was merged into; else none (reworded, gone, or the same words twice).
    `texts`: the current ids' words as received, in reading order."""
    changed: dict[str, list[str]] = {}
    lost: dict[str, str] = {}  # fingerprint -> paragraph id whose words no one id holds now
    for old, print_ in was.items():
        if now.get(old) != print_:
            found = [i for i, p in now.items() if p == print_ and i[0] == old[0]]
            changed[old] = found if len(found) == 1 else []  # the same words twice: which one is not known
            if not found and old[0] == "p":
                lost[print_] = old
    if lost:
        splits = _split_runs(texts)
        for print_, old in lost.items():
            changed[old] = splits.get(print_, [])
        known = set(was.values())
        unknown = {i: t for i, t in texts.items() if i[0] == "p" and now[i] not in known}  # new words
        for new, olds in _merges(unknown, {p: o for p, o in lost.items() if not changed[o]}).items():
            for old in olds:
                changed[old] = [new]
    return changed


def _merges(texts: dict[str, str], lost: dict[str, str]) -> dict[str, list[str]]:
    """Current paragraph -> the lost ids (by fingerprint) whose words, one after another, make
    it up: paragraphs merged into one."""
    merged = {}
    for new, text in texts.items():
        words, olds, start = "".join(text.split()), [], 0
        for end in range(1, len(words) + 1):
            old = lost.get(fingerprint(words[start:end]))
            if old:
                olds.append(old)
                start = end
        if start == len(words) and len(olds) > 1:
            merged[new] = olds
    return merged


MAX_SPLIT = 10  # parts a paragraph is split into, at most, that the record can follow


def _split_runs(texts: dict[str, str]) -> dict[str, list[str]]:
    """Fingerprint -> each run of 2 to MAX_SPLIT consecutive paragraphs, of their words together."""
    ids = [i for i in texts if i[0] == "p"]
    runs: dict[str, list[str]] = {}
    for start in range(len(ids)):
        for end in range(start + 2, min(start + MAX_SPLIT, len(ids)) + 1):
            runs.setdefault(fingerprint("".join(texts[i] for i in ids[start:end])), ids[start:end])
    return runs


# --- the change record ---------------------------------------------------------------------------

CHANGES_NAME = "anchors.changes.json"
RECORDED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
BLOCK_ID = re.compile(r"[ps][1-9][0-9]*")
CHANGES_HINT = ("这份记录由 make manifest 写入，不要手改：用 git checkout 恢复它；若它是这次改动中新生成、尚未提交的，"
                "撤销改动时一并删除它 (written by make manifest, not by hand: restore it with git checkout, "
                "or delete it if it is new and uncommitted and you are undoing the change that wrote it)")


def changes_path(manifest_path: Path) -> Path:
    return manifest_path.with_name(CHANGES_NAME)


def with_id_changes(manifest_path: Path, docs: tuple[Document, ...]) -> tuple[Document, ...]:
    """The texts with their renumbered ids (`Document.id_changes`), each change followed through
    the later ones to where the words are now."""
    path = changes_path(manifest_path)
    history, text = _read_changes(path)
    by_slug = {d.meta.slug: d for d in docs}
    lines = {line.split('"')[1]: n for n, line in enumerate(text.splitlines(), start=1)
             if line.startswith(' "')}  # a text's line, as written by `update`
    changes: dict[str, tuple[IdChange, ...]] = {}
    for slug, entries in history.items():
        if slug not in by_slug:
            continue  # withdrawn since: the manifest check names it
        where = lines.get(slug)
        if not isinstance(entries, list) or not all(_well_formed(e) for e in entries):
            raise EditionError(path, where, f"{slug} 的段号变更记录格式不对 (malformed entry): 应为 "
                               '[{"recorded": "YYYY-MM-DD", "ids": {"p5": ["p6"], "p6": ["p7", "p8"], "p9": []}}]',
                               CHANGES_HINT)
        followed = tuple(_followed(entries))
        ids = {b.id for b in by_slug[slug].blocks if b.id}
        missing = [i for c in followed for i in c.now if i not in ids]
        if missing:
            raise EditionError(path, where, f"{slug} 的段号变更记录指向不存在的段号 (points at missing ids): {clipped(missing)}",
                               CHANGES_HINT)
        changes[slug] = followed
    return tuple(dataclasses.replace(d, id_changes=changes[d.meta.slug]) if d.meta.slug in changes else d
                 for d in docs)


def _well_formed(entry) -> bool:
    return (isinstance(entry, dict) and set(entry) == {"recorded", "ids"}
            and isinstance(entry["recorded"], str) and _is_day(entry["recorded"])
            and isinstance(entry["ids"], dict)
            and all(BLOCK_ID.fullmatch(old) and isinstance(now, list)
                    and all(isinstance(i, str) and BLOCK_ID.fullmatch(i) for i in now)
                    for old, now in entry["ids"].items()))


def _is_day(text: str) -> bool:
    try:
        return RECORDED.fullmatch(text) is not None and bool(datetime.date.fromisoformat(text))
    except ValueError:
        return False


def _followed(entries: list[dict]) -> list[IdChange]:
    """Each recorded change, its new ids carried through every later renumbering of the text;
    an id whose words are back under it by now is left out (its citations land right)."""
    out = []
    for k, entry in enumerate(entries):
        for old, now in entry["ids"].items():
            for later in entries[k + 1:]:
                now = [j for i in now for j in later["ids"].get(i, [i])]
            if now != [old]:
                out.append(IdChange(entry["recorded"], old, tuple(now)))
    return out


def _read_changes(path: Path) -> tuple[dict, str]:
    if not path.exists():
        return {}, ""
    history, text = _read(path, CHANGES_HINT)
    if not isinstance(history, dict):
        raise EditionError(path, 1, "段号变更记录应是以文本标识为键的对象 (expected an object keyed by slug)", CHANGES_HINT)
    return history, text


def _read(path: Path, hint: str = UPDATE_HINT) -> tuple[dict, str]:
    text = read_text(path, MAX_MANIFEST_BYTES)
    try:
        return json.loads(text), text
    except json.JSONDecodeError as err:
        raise EditionError(path, err.lineno, f"malformed JSON: {err.msg}", hint) from None


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
