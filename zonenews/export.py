"""JSON Lines output that stays valid whatever happens to the process.

Each record is encoded first and written with one write() on a file opened for appending,
so a kill loses at most the record being written. One limit no writer can lift: Linux may
stop a write() of more than a page (4 KiB) part-way when SIGKILL arrives during that very
call, leaving part of one line. That partial last line (or one left by a full disk or a
crash) is cut off whenever the file is opened again for appending, before anything is added;
a write that fails with an error is cut back at once and raises OutputError.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any


class OutputError(OSError):
    """The output file cannot be opened or written (a folder, a read-only place, a full disk)."""


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
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        if overwrite:
            flags |= os.O_TRUNC
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not overwrite:
                repair_tail(path)
            self._fd = os.open(path, flags, 0o644)
        except OSError as exc:
            raise OutputError(exc.errno, f"cannot write {target}: {exc.strerror or exc}") from None

    def write(self, record: dict[str, Any]) -> None:
        data = encode_record(record)
        if self._fd is None:
            try:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            except OSError as exc:  # a closed pipe: `zonenews clean ... -o - | head -1`
                raise OutputError(exc.errno, f"cannot write to stdout: {exc.strerror or exc}") from None
        else:
            view = memoryview(data)
            try:
                while view:  # os.write may write less than asked on a signal
                    view = view[os.write(self._fd, view):]
            except OSError as exc:
                written = len(data) - len(view)
                if written:  # never leave half a line behind: cut back to the last whole record
                    with contextlib.suppress(OSError):
                        os.ftruncate(self._fd, os.lseek(self._fd, 0, os.SEEK_END) - written)
                raise OutputError(exc.errno, f"cannot write {self.target}: {exc.strerror or exc}") from None
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
    """out.jsonl -> out.jsonl.duplicates (or out.jsonl.summary); None for stdout.

    The kind comes last so that no sidecar matches `*.jsonl` or `*.json`: an analyst's glob over a
    folder of outputs (`data/*/*.jsonl`) reads records and nothing else."""
    if not output or output == "-":
        return None
    path = Path(output)
    return str(path.with_name(f"{path.name}.{suffix}"))
