"""Stage 1, load: read every editorial input, validate it, and return plain specs.

Takes the `source_texts/` folder; returns `TextSpec`s (raw text + metadata + structure, each
directive still carrying its line for later error messages). Raises EditionError on bad input.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import takewhile
from pathlib import Path

from build_tools.dates import first_date
from build_tools.errors import EditionError, EditionErrors, attempt_each, label
from build_tools.model import Meta, date_order
from build_tools.schema import validate
from build_tools.yamlio import LocatedYaml, fold_cjk, load_yaml, project_files, read_raw_text

# Editorial data files that are not per-text structure files.
SHARED_DATA_FILES = {"glossary.yml", "conversion.yml", "references.yml"}


@dataclass(frozen=True)
class Directive:
    """One quoted-phrase instruction from a structure file."""

    action: str  # break | join | a block role (title, heading, question…)
    phrase: str
    line: int
    level: int = 2
    reason: str = ""


@dataclass(frozen=True)
class Debris:
    text: str
    reason: str
    occurrence: int | None
    line: int


@dataclass(frozen=True)
class CorrectionSpec:
    original: str
    replacement: str
    reason: str
    line: int


@dataclass(frozen=True)
class TextSpec:
    meta: Meta
    raw: str
    spec_path: Path
    directives: tuple[Directive, ...]
    debris: tuple[Debris, ...]
    corrections: tuple[CorrectionSpec, ...]


def load_settings(root: Path) -> LocatedYaml:
    """edition.yml, validated: plain-text names, http(s) URLs, confined paths, known variants."""
    from build_tools.enrich import LINK_POLICIES

    path = root / "edition.yml"
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise EditionError(path, 1, "这里应是一组设置（key: value） (expected a mapping of settings)",
                           "从仓库里的 edition.yml 改起 (start from the repository's edition.yml)")
    validate(doc, "edition.schema.json")
    variants = doc.data["variants"]
    seen: dict[str, int] = {}
    for i, variant in enumerate(variants):
        line = doc.line_of(("variants", i))
        canonical = i == 0
        if (variant["opencc"] is None) != canonical or (variant["path"] == "") != canonical:
            raise EditionError(path, line, f"版本“{variant['code']}”：只有第一个版本是底本（opencc: null, path: ''） "
                               f"(variant '{variant['code']}': only the first variant is canonical "
                               "(opencc: null, path: ''))", "把简体版本列在最前；其余每个版本都要有 OpenCC 配置和文件夹 "
                               "(list the simplified variant first; give every other "
                               "one an OpenCC config and a folder)")
        for key in ("code", "path"):
            if (key, variant[key]) in seen:
                raise EditionError(path, line, f"版本的 {key}“{variant[key]}”在第 {seen[(key, variant[key])]} 行也用了 "
                                   f"(variant {key} '{variant[key]}' is also used on line "
                                   f"{seen[(key, variant[key])]})",
                                   "每个版本用自己的代码和文件夹 (give every variant its own code and folder)")
            seen[(key, variant[key])] = line
    policy = doc.data.get("glossary", {}).get("link", "first-per-paragraph")
    if policy not in LINK_POLICIES:
        raise EditionError(path, doc.line_of(("glossary", "link")), f"未知的 glossary.link“{policy}” (glossary.link '{policy}' is unknown)",
                           f"从这几项中选一个：{'、'.join(LINK_POLICIES)} (use one of {', '.join(LINK_POLICIES)})")
    return doc


def handwritten_files(docs_dir: Path) -> list[Path]:
    """The hand-written pages and assets in docs/, none of them a link out of the project."""
    return project_files(docs_dir) if docs_dir.exists() else []


def structure_files(source_dir: Path) -> list[Path]:
    return sorted(p for p in source_dir.glob("*.yml") if p.name not in SHARED_DATA_FILES)


def load_texts(source_dir: Path) -> list[TextSpec]:
    """Every text, in date order. Errors of all files are collected and raised together."""
    specs, errors = attempt_each(load_text, structure_files(source_dir))
    seen: dict[str, Path] = {}
    for spec in specs:
        if spec.meta.slug in seen:
            errors.append(EditionError(spec.spec_path, 1, f"标识“{spec.meta.slug}”已被 {seen[spec.meta.slug]} 使用 "
                                       f"(slug '{spec.meta.slug}' is also used by {seen[spec.meta.slug]})",
                                       "每篇文本用自己的标识 (give every text its own slug)"))
        seen[spec.meta.slug] = spec.spec_path
    # a .yml that failed to load still claims its namesake raw text: one error, not two
    errors += orphan_raw_texts(source_dir, {s.meta.source_file for s in specs}
                               | {p.stem + ".txt" for p in structure_files(source_dir)})
    errors += [EditionError(path, None, "编辑文件的扩展名是 .yaml，构建不会读它 (a .yaml file is never read)",
                            f"改名为 {path.with_suffix('.yml').name} (rename it to .yml)")
               for path in sorted(source_dir.rglob("*.yaml"))]
    if errors:
        raise EditionErrors(errors)
    return sorted(specs, key=lambda s: (date_order(s.meta.date), s.meta.slug))


def edited_raw_texts(root: Path, base: str) -> list[EditionError]:
    """Raw texts changed or renamed since the git revision `base`: a published text's words as
    received are what every id, quotation and citation rests on (its SHA-256 alone cannot tell
    an edit from an editor who pasted the new one)."""
    import subprocess

    diff = subprocess.run(["git", "diff", "--name-only", "--diff-filter=MR", base, "--", "source_texts/*.txt"],
                          cwd=root, capture_output=True, text=True, check=True)
    return [EditionError(root / name, None, "原始文本在这次改动中被修改；收到的原文必须逐字节保持不变 "
                         "(a raw text was changed: the text as received stays byte for byte)",
                         "用 git checkout 恢复它，把改动写成 .yml 中的 corrections 或 debris；换用了另一个底本的，"
                         "作为新文本收入 (restore it; record the change as corrections or debris, or take in another "
                         "witness as a new text)")
            for name in diff.stdout.splitlines()]


def orphan_raw_texts(source_dir: Path, claimed: set[str]) -> list[EditionError]:
    """A raw text no structure file names would silently stay out of the edition."""
    return [EditionError(raw, None, "原始文本没有对应的 .yml 文件，不会收入本版 (raw text without a structure file)",
                         f"已发布的文本，恢复它的 {raw.stem}.yml（git checkout）；新文本运行 make new-text "
                         f"SRC={raw.relative_to(source_dir.parent).as_posix()} 生成草稿，或把文件移出 source_texts/ "
                         "(restore the .yml of a published text; draft one for a new text)")
            for raw in sorted(source_dir.glob("*.txt")) if raw.name not in claimed and not raw.with_suffix(".yaml").exists()]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_text(spec_path: Path) -> TextSpec:
    doc = load_yaml(spec_path)
    if not isinstance(doc.data, dict):
        raise EditionError(spec_path, 1, "这里应是元数据和 structure 的设置（key: value） (expected a mapping of metadata and structure)",
                           "以现有文本的 .yml 文件为样板 (start from an existing text's .yml file)")
    validate(doc, "text.schema.json")
    data = doc.data
    if spec_path.stem != data["slug"]:
        raise EditionError(spec_path, doc.line_of(("slug",)),
                           f"标识“{data['slug']}”与文件名“{spec_path.stem}”不一致 "
                           f"(slug '{data['slug']}' differs from the file name '{spec_path.stem}')",
                           "改文件名或改 slug，使两者一致 (rename the file or fix the slug so they agree)")
    raw_path = spec_path.parent / data["source"]
    if not raw_path.exists():
        raise EditionError(spec_path, doc.line_of(("source",)), f"找不到原始文本“{data['source']}” (raw text '{data['source']}' not found)",
                           f"把原始文件放在 {spec_path.name} 旁边，或改正 source "
                           f"(put the raw file beside {spec_path.name} or fix 'source')")
    raw = read_raw_text(raw_path)  # an encoding error names its line, more precise than a hash mismatch
    recorded, digest = data.get("source_sha256"), sha256_of(raw_path)
    if recorded and digest != recorded:
        raise EditionError(spec_path, doc.line_of(("source_sha256",)),
                           f"原始文本 {data['source']} 与记录的 SHA-256 不符：原始文本必须逐字节保持原样 "
                           "(raw text changed since it was recorded)",
                           f"用 git checkout -- source_texts/{data['source']} 恢复原文；改动应写成 .yml 里的 "
                           "corrections 或 debris")
    meta = Meta(slug=data["slug"], title="", short_title=fold_cjk(data["short_title"]), speaker=fold_cjk(data["speaker"]),
                date=str(data["date"]), date_basis=fold_cjk(data["date_basis"]), occasion=fold_cjk(data["occasion"]),
                kind=data["kind"], provenance=fold_cjk(data["provenance"]), source_file=data["source"],
                occasion_basis=fold_cjk(data.get("occasion_basis", "")), issuer=fold_cjk(data.get("issuer", "")),
                date_inferred=data.get("date_inferred", False), source_sha256=digest)
    if meta.issuer and "".join(meta.issuer.split()) not in "".join(raw.split()):
        raise EditionError(spec_path, doc.line_of(("issuer",)),
                           f"发文机关“{meta.issuer}”不见于原文 (issuer '{meta.issuer}' is not named in the raw text)",
                           "照原文版头或落款抄录发文机关的名称 (copy the issuing body's name from the letterhead or signature)")
    directives = tuple(_directives(doc))
    _date_agrees_with_the_text(meta, directives, doc)
    return TextSpec(meta=meta, raw=raw, spec_path=spec_path, directives=directives, debris=tuple(_debris(doc)),
                    corrections=tuple(_corrections(doc)))


def _date_agrees_with_the_text(meta: Meta, directives: tuple[Directive, ...], doc: LocatedYaml) -> None:
    """The date a text prints for itself (a notice's date of issue, else a dateline above its
    first heading; a dateline under a heading dates what that section prints) is its `date`."""
    header = takewhile(lambda d: d.action not in ("heading", "question"), directives)
    stating = next((d for d in directives if d.action == "issued"), None) or next(
        (d for d in header if d.action == "dateline"), None)
    stated = first_date(stating.phrase) if stating else None
    if not stated:
        return
    if meta.date != stated:
        raise EditionError(doc.path, doc.line_of(("date",)),
                           f"date 写作 {meta.date}，而第 {stating.line} 行的{label(stating.action)}“{stating.phrase}”"
                           f"写的是 {stated} (date {meta.date} differs from the {stated} the text prints)",
                           f'照原文写 date: "{stated}" (write the date the text prints)')
    if meta.date_inferred:
        raise EditionError(doc.path, doc.line_of(("date_inferred",)),
                           f"原文写明了日期“{stating.phrase}”，不是推定的 (the text prints its date: it is not inferred)",
                           "删去 date_inferred (remove date_inferred)")


def _directives(doc: LocatedYaml):
    for i, entry in enumerate(doc.data["structure"]):
        (action,) = [k for k in entry if k not in ("level", "reason")]
        yield Directive(action=action, phrase=entry[action], line=doc.line_of(("structure", i)),
                        level=entry.get("level", 2), reason=entry.get("reason", ""))


def _debris(doc: LocatedYaml):
    for i, entry in enumerate(doc.data.get("debris", [])):
        yield Debris(entry["text"], entry["reason"], entry.get("occurrence"), doc.line_of(("debris", i)))


def _corrections(doc: LocatedYaml):
    for i, entry in enumerate(doc.data.get("corrections", [])):
        yield CorrectionSpec(entry["from"], entry["to"], entry["reason"], doc.line_of(("corrections", i)))
