"""Memory: peak RSS of the offline clean chain as the page count grows.

Each count runs in its own child process (`bench_memory.py --child N OUT`): N pages through
zonenews.offline.run_chain with zonenews.settings, records written to a temp JSON Lines file (as
`zonenews clean -O` does; no run state). Peak RSS is the child's VmHWM from /proc/self/status,
read by the child at its end. (Not ru_maxrss from wait4: on Linux a child's ru_maxrss starts at
the parent's RSS at fork, which exec does not reset, so it shows this benchmark process's own
size for any child smaller than it.) Two children run at a time (2 cores).

* replicated (the target): every saved page (tests/fixtures/pages + the demo site) again and again, a new URL
  per copy. Every copy after the first is an exact duplicate, so the duplicate index stays small.
* distinct (information): the fixture pages as templates with generated text (benchmarks/corpus.py),
  every page a new article, so the duplicate index holds one signature per article, as in a real
  crawl.

    .venv/bin/python benchmarks/bench_memory.py [--quick] [--counts 5000,20000,50000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from common import BENCH_DIR, PYTHON, Result, Target, banner, run_child, table, vm_status

LIMIT_MB = 300.0
FLAT_TOLERANCE = 0.10  # peak at the largest count within 10% (or 10 MB) of the peak at the smallest


def _pages(n: int, distinct: bool) -> Iterator[Any]:
    from corpus import TextMaker, article_templates, saved_pages, variant_url

    from zonenews.offline import page_from_bytes

    if distinct:
        templates = article_templates()
        maker = TextMaker(50)
        for i in range(n):
            t = templates[i % len(templates)]
            url = variant_url(t.url, i)
            yield page_from_bytes(t.render(maker), url, url=url)
    else:
        src = saved_pages()
        for i in range(n):
            page = src[i % len(src)]
            url = variant_url(page.url, i // len(src))
            yield page_from_bytes(page.body, url, url=url)


def child(n: int, out: Path, distinct: bool) -> None:
    from bench_clean import zonenews_settings

    from zonenews.offline import run_chain
    from zonenews.stats import DUPLICATES, SKIPPED, WRITTEN, RunStats

    settings = zonenews_settings()
    settings.set("ZONENEWS_OUTPUT", str(out), priority="cmdline")
    settings.set("ZONENEWS_OUTPUT_OVERWRITE", True, priority="cmdline")
    stats = RunStats()
    before = vm_status()
    start = time.perf_counter()
    run_chain(_pages(n, distinct), settings, stats)
    seconds = time.perf_counter() - start
    s = stats.get_stats()
    print(json.dumps({
        "pages": n, "seconds": seconds, "rss_start_kb": before.get("VmRSS", 0), **vm_status(),
        "written": s.get(WRITTEN, 0), "duplicates": s.get(DUPLICATES, 0),
        "skipped": sum(v for k, v in s.items() if k.startswith(SKIPPED)),
    }))


def _measure(n: int, distinct: bool, tmp: Path) -> dict[str, Any]:
    out = tmp / f"{'d' if distinct else 'r'}{n}.jsonl"
    cmd = [PYTHON, str(BENCH_DIR / "bench_memory.py"), "--child", str(n), str(out)]
    if distinct:
        cmd.append("--distinct")
    c = run_child(cmd, timeout=1800)
    if c.returncode != 0:
        raise RuntimeError(f"memory child {n} failed:\n{c.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(c.stdout.strip().splitlines()[-1])
    data.update(wall=c.wall, distinct=distinct, output_bytes=out.stat().st_size)
    out.unlink()
    return data


def run(quick: bool = False, counts: list[int] | None = None, distinct_counts: list[int] | None = None) -> Result:
    counts = counts or ([300, 600, 1200] if quick else [5000, 20000, 50000])
    if distinct_counts is None:
        distinct_counts = [] if quick else [1000, 5000]
    banner(f"Memory: peak RSS of the offline chain at {', '.join(f'{n:,}' for n in counts)} pages "
           f"(+ distinct articles at {', '.join(f'{n:,}' for n in distinct_counts) or 'none'})")
    jobs = sorted([(n, False) for n in counts] + [(n, True) for n in distinct_counts], key=lambda j: -j[0])
    with tempfile.TemporaryDirectory(prefix="zonenews-bench-mem-") as tmp, ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda j: _measure(j[0], j[1], Path(tmp)), jobs))
    results.sort(key=lambda r: (r["distinct"], r["pages"]))
    for r in results:
        r["peak_kb"] = r.get("VmHWM", 0)
    rows = [["distinct" if r["distinct"] else "replicated", r["pages"], r["peak_kb"] / 1024,
             r["rss_start_kb"] / 1024, r.get("VmRSS", 0) / 1024, r["written"], r["duplicates"],
             r["pages"] / r["seconds"], r["output_bytes"] / 2**20] for r in results]
    print(table(["pages", "count", "peak RSS MB", "RSS after imports MB", "RSS at end MB", "written",
                 "duplicates", "pages/s", "output MB"], rows))
    rep = [r for r in results if not r["distinct"]]
    small, large = rep[0], rep[-1]
    peak_mb = large["peak_kb"] / 1024
    growth_mb = (large["peak_kb"] - small["peak_kb"]) / 1024
    allowed = max(10.0, FLAT_TOLERANCE * small["peak_kb"] / 1024)
    flat = growth_mb <= allowed
    targets = [
        Target(f"peak RSS < {LIMIT_MB:.0f} MB at {large['pages']:,} pages", peak_mb < LIMIT_MB, f"{peak_mb:.0f} MB"),
        Target("peak RSS flat as the page count grows", flat,
               f"{growth_mb:+.1f} MB from {small['pages']:,} to {large['pages']:,} pages "
               f"(allowed: +{allowed:.0f} MB)"),
    ]
    dist = [r for r in results if r["distinct"]]
    if len(dist) >= 2:
        per_page = (dist[-1]["peak_kb"] - dist[0]["peak_kb"]) * 1024 / (dist[-1]["pages"] - dist[0]["pages"])
        print(f"  distinct articles: +{per_page / 1024:.2f} KiB of peak RSS per article (the duplicate index; "
              f"{per_page * 50000 / 2**20:.0f} MB per 50,000 articles)")
    for t in targets:
        print(t.line())
    return Result("memory", {"runs": results}, targets)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--counts", help="comma-separated page counts (default 5000,20000,50000; quick 300,600,1200)")
    p.add_argument("--distinct-counts", help="comma-separated counts of distinct articles (default 1000,5000; "
                   "quick none; '' for none)")
    p.add_argument("--child", nargs=2, metavar=("N", "OUT"), help=argparse.SUPPRESS)
    p.add_argument("--distinct", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(int(args.child[0]), Path(args.child[1]), args.distinct)
        return
    counts = [int(x) for x in args.counts.split(",")] if args.counts else None
    distinct = ([int(x) for x in args.distinct_counts.split(",") if x] if args.distinct_counts is not None
                else None)
    run(quick=args.quick, counts=counts, distinct_counts=distinct)


if __name__ == "__main__":
    main()
