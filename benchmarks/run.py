"""Run the zonenews benchmarks (`make bench`): cleaning, crawl, memory, near-duplicate index.

    .venv/bin/python benchmarks/run.py [--quick] [--only clean,crawl,memory,dedup,realpages] [--strict]

Each benchmark prints its table, its side-by-side ratios and PASS/FAIL per target; the summary
at the end repeats the targets with the machine they ran on. The numbers also go to
benchmarks/out/results.json (results-quick.json with --quick). --quick runs in under a minute
on an idle 2-core machine (smaller corpora, fewer rounds); its numbers are a smoke test, the
full run's are the ones to quote. Exit status 0, or 1 with --strict when a target fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict

import bench_clean
import bench_crawl
import bench_dedup
import bench_memory
import bench_realpages
from common import Result, banner, machine, save_json

BENCHMARKS: dict[str, Callable[..., Result]] = {
    "clean": bench_clean.run,
    "crawl": bench_crawl.run,
    "memory": bench_memory.run,
    "dedup": bench_dedup.run,
    "realpages": bench_realpages.run,
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smaller and fewer runs: under a minute")
    p.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = p.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(unknown)}")

    info = machine()
    load_before = os.getloadavg()
    print(f"zonenews benchmarks{' (quick)' if args.quick else ''}: nproc {info['nproc']}, {info['cpu']}, "
          f"Python {info['python']}, load average {load_before[0]:.2f}", flush=True)
    started = time.perf_counter()
    results: list[Result] = []
    for name in names:
        t0 = time.perf_counter()
        result = BENCHMARKS[name](quick=args.quick)
        result.seconds = time.perf_counter() - t0
        results.append(result)
    total = time.perf_counter() - started
    load_after = os.getloadavg()

    banner("Summary")
    print(f"machine: nproc {info['nproc']}, {info['cpu']}, Python {info['python']} ({info['platform']}); "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"code: {info['code']}")
    for r in results:
        for t in r.targets:
            print(t.line())
    print("time: " + ", ".join(f"{r.name} {r.seconds:.0f} s" for r in results) + f"; total {total:.0f} s")
    path = save_json("results-quick.json" if args.quick else "results.json", {
        "machine": info, "quick": args.quick, "load_average": [load_before, load_after], "seconds": total,
        "results": [asdict(r) for r in results],
    })
    print(f"numbers: {path}")
    failed = [t for r in results for t in r.targets if not t.passed]
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
