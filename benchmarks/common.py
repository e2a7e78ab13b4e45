"""Helpers every benchmark shares: paths, the machine, tables, medians, PASS/FAIL lines."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "benchmarks"
OUT_DIR = BENCH_DIR / "out"  # git-ignored
PYTHON = sys.executable


@dataclass
class Target:
    """One target of issue #8 and whether this run met it."""

    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"[{'PASS' if self.passed else 'FAIL'}] {self.name}: {self.detail}"


@dataclass
class Result:
    """What one benchmark returns to run.py: its numbers (for the JSON file) and its targets."""

    name: str
    numbers: dict[str, Any] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    seconds: float = 0.0


def machine() -> dict[str, str]:
    """nproc, CPU model and Python version, as benchmarks/README.md records them."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "code": code_version(),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def code_version() -> str:
    """The commit benchmarked, and the zonenews files changed in the working tree on top of it."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "zonenews"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    changed = sorted(line[3:] for line in dirty if line.strip())
    return head + (f" + uncommitted changes to {', '.join(changed)}" if changed else "")


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain fixed-width table (numbers right-aligned)."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]

    def render(row: Sequence[str], numeric: Sequence[bool]) -> str:
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric, strict=True))

    numeric = [all(isinstance(r[i], int | float) for r in rows) for i in range(len(headers))]
    lines = [render(list(headers), numeric), render(["-" * w for w in widths], numeric)]
    lines += [render(r, numeric) for r in cells]
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def banner(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def save_json(name: str, data: dict[str, Any]) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def vm_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS/VmHWM (peak RSS) of a process in KiB, from /proc/PID/status."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


class Stopwatch:
    """`with Stopwatch() as sw: ...; sw.seconds`."""

    def __init__(self) -> None:
        self.start = 0.0
        self.seconds = 0.0

    def __enter__(self) -> Stopwatch:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


@dataclass
class Child:
    """A finished child process: its exit status, output, wall and CPU time and peak RSS."""

    returncode: int
    stdout: str
    stderr: str
    wall: float
    cpu: float  # user + system seconds of the child
    # ru_maxrss from os.wait4, KiB. Beware: on Linux it starts at the parent's RSS at fork (exec does
    # not reset it), so for a child smaller than its parent it is the parent's size; use VmHWM.
    maxrss_kb: int


def run_child(cmd: Sequence[str], *, timeout: float = 900, cwd: Path | None = None,
              env: dict[str, str] | None = None) -> Child:
    """Run cmd and collect its rusage with os.wait4 (this child's alone, unlike RUSAGE_CHILDREN)."""
    import signal
    import subprocess
    import tempfile
    import threading

    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, cwd=cwd or ROOT, env=full_env)
        timer = threading.Timer(timeout, lambda: os.kill(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                     wall, usage.ru_utime + usage.ru_stime, int(usage.ru_maxrss))
