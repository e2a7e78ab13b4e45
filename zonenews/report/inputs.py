"""Which files a report reads: record files given or found under folders, and each one's sidecars."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from zonenews.export import sidecar_path

# Sidecar kinds a crawl writes beside its records (zonenews/export.py, zonenews/extensions.py).
SIDECAR_KINDS = ("duplicates", "summary")
# Record files are JSON Lines; summaries are JSON.
RECORD_GLOB = "*.jsonl"


class NoRecordFiles(Exception):
    """Nothing to report on: the message says what was looked at."""


@dataclass
class Sidecars:
    duplicates: Path | None = None
    summary: Path | None = None


@dataclass
class Inputs:
    record_files: list[Path] = field(default_factory=list)
    sidecars: dict[Path, Sidecars] = field(default_factory=dict)
    not_records: list[Path] = field(default_factory=list)  # *.jsonl files whose lines are no records
    sidecar_files: set[Path] = field(default_factory=set)  # sidecars of the record files, among not_records


def sidecar_candidates(record_file: Path, kind: str) -> list[Path]:
    """Where a crawl puts the `kind` sidecar of record_file: the name sidecar_path gives today, then
    the names older versions gave (`OUT.duplicates.jsonl`, `OUT.summary.json`), first one first."""
    current = Path(sidecar_path(str(record_file), kind) or "")
    stem = record_file.name.removesuffix(".jsonl")
    paths = [current, current.with_name(current.name.removesuffix(".jsonl") + ".json"),
             record_file.with_name(f"{stem}.{kind}.jsonl"), record_file.with_name(f"{stem}.{kind}.json")]
    return list(dict.fromkeys(paths))


def find_sidecars(record_file: Path) -> Sidecars:
    found = Sidecars()
    for kind in SIDECAR_KINDS:
        path = next((p for p in sidecar_candidates(record_file, kind) if p.is_file()), None)
        setattr(found, kind, path)
    return found


def is_record_file(path: Path) -> bool:
    """True when the first non-blank line is a record (has content_hash); sidecars and other
    JSON Lines files are not."""
    try:
        with path.open("rb") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    return isinstance(row, dict) and "content_hash" in row
    except (OSError, ValueError):
        return False
    return False


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob(RECORD_GLOB) if p.is_file())
    return [path] if path.is_file() else []


def find_inputs(paths: list[str]) -> Inputs:
    """Record files among paths (files, or folders searched recursively), sorted, each with its sidecars."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise NoRecordFiles(f"no such file or folder: {missing[0]}")
    inputs = Inputs()
    candidates = sorted({p.resolve() for arg in paths for p in _expand(Path(arg))})
    sidecar_names = {s for p in candidates for kind in SIDECAR_KINDS for s in sidecar_candidates(p, kind)}
    for path in candidates:
        if path in sidecar_names or not is_record_file(path):
            inputs.not_records.append(path)
            continue
        inputs.record_files.append(path)
        inputs.sidecars[path] = side = find_sidecars(path)
        inputs.sidecar_files.update(p for p in (side.duplicates, side.summary) if p)
    if not inputs.record_files:
        looked = ", ".join(paths)
        raise NoRecordFiles(f"no record files (*.jsonl with article records) in {looked}")
    return inputs
