"""JSON Lines output that stays valid whatever happens to the process.

Each record is encoded first and written with one write() on a file opened for appending,
so a kill can lose the record being written but never leaves half a line; a partial last
line left by a crash elsewhere (a full disk, an older writer) is cut off when the file is
opened again.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def encode_record(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def repair_tail(path: Path) -> int:
    """Cut a partial last line off path; returns how many bytes were cut."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size == 0:
        return 0
    with path.open("rb+") as fh:
        fh.seek(-1, os.SEEK_END)
        if fh.read(1) == b"\n":
            return 0
        pos = size
        while pos > 0:
            step = min(65536, pos)
            fh.seek(pos - step)
            chunk = fh.read(step)
            nl = chunk.rfind(b"\n")
            if nl >= 0:
                keep = pos - step + nl + 1
                fh.truncate(keep)
                return size - keep
            pos -= step
        fh.truncate(0)
        return size


class JsonLinesWriter:
    """Append (or overwrite) records to a .jsonl file, or write them to stdout for '-'."""

    def __init__(self, target: str, *, overwrite: bool = False) -> None:
        self.target = target
        self.count = 0
        self._fd: int | None = None
        if target == "-":
            return
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        if overwrite:
            flags |= os.O_TRUNC
        else:
            repair_tail(path)
        self._fd = os.open(path, flags, 0o644)

    def write(self, record: dict[str, Any]) -> None:
        data = encode_record(record)
        if self._fd is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            view = memoryview(data)
            while view:  # os.write may write less than asked on a signal
                view = view[os.write(self._fd, view):]
        self.count += 1

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> JsonLinesWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sidecar_path(output: str, suffix: str = "duplicates") -> str | None:
    """out.jsonl -> out.duplicates.jsonl; None for stdout."""
    if not output or output == "-":
        return None
    path = Path(output)
    stem = path.name[: -len(".jsonl")] if path.name.endswith(".jsonl") else path.stem
    return str(path.with_name(f"{stem}.{suffix}.jsonl"))
