"""Crawl throughput: `zonenews crawl` end to end against a bare Scrapy spider, same local site.

The site (benchmarks/corpus.py: build_crawl_site) has N article pages built from the saved fixture
page templates with generated text, four columns of list pages (20 links a page) and a home page,
served by zonenews.devserver.StaticSite on 127.0.0.1 from this process. Each crawler runs in its
own process, ABBA order over the rounds. Throughput is pages served / the window from the first
request to the last response as the server saw it (interpreter start-up and shutdown excluded);
the wall time of the whole process is shown too.

    .venv/bin/python benchmarks/bench_crawl.py [--quick] [--articles N] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import BENCH_DIR, PYTHON, Result, Target, banner, median, run_child, table
from corpus import build_crawl_site

from zonenews.devserver import StaticSite

TARGET_RATIO = 0.5
OVERRIDES = ["AUTOTHROTTLE_ENABLED=0", "DOWNLOAD_DELAY=0", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "ROBOTSTXT_OBEY=0"]


class TimedSite(StaticSite):
    """A StaticSite that notes when each request started and when its answer was sent, and that
    answers without Nagle's algorithm.

    StaticSite writes the headers and the body of an answer in two send() calls; on a kept-alive
    connection the body then waits for the client's delayed ACK (40 ms on Linux), which caps one
    connection at ~22 requests/s and 16 connections at ~350/s: the server, not the crawler, would
    set the pace. TCP_NODELAY on the connection lifts that to ~2,000 requests/s.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.first = 0.0
        self.last = 0.0
        self.statuses: dict[int, int] = {}
        self._tlock = threading.Lock()

    def reset(self) -> None:
        self.clear_requests()
        with self._tlock:
            self.first = self.last = 0.0

    def handle(self, h: Any, *, head: bool) -> None:
        h.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        start = time.perf_counter()
        with self._tlock:
            if not self.first:
                self.first = start
        super().handle(h, head=head)
        with self._tlock:
            self.last = max(self.last, time.perf_counter())


@dataclass
class Run:
    crawler: str
    pages: int  # requests the server answered
    window: float
    wall: float
    cpu: float
    records: int | None = None

    @property
    def rate(self) -> float:
        return self.pages / self.window if self.window else 0.0


def crawl_zonenews(site: TimedSite, workdir: Path, n: int) -> Run:
    out = workdir / "out.jsonl"
    cmd = [PYTHON, "-m", "zonenews", "crawl", site.url("/"), "-O", str(out), "-q"]
    for o in OVERRIDES:
        cmd += ["-s", o]
    # A first crawl with the default incremental state, in a fresh file per run: every run fetches
    # the whole site again, and the repository's data/state is left alone.
    cmd += ["-s", f"ZONENEWS_STATE={workdir / f'state-{n}.sqlite'}"]
    site.reset()
    child = run_child(cmd, timeout=900)
    if child.returncode != 0:
        raise RuntimeError(f"zonenews crawl failed ({child.returncode}):\n{child.stderr[-3000:]}")
    records = sum(1 for line in out.read_text("utf-8").splitlines() if line.strip())
    return Run("zonenews crawl", len(site.requests), site.last - site.first, child.wall, child.cpu, records)


def crawl_bare(site: TimedSite) -> Run:
    cmd = [PYTHON, str(BENCH_DIR / "bare_spider.py"), site.url("/")]
    for o in OVERRIDES:
        cmd += ["-s", o]
    site.reset()
    child = run_child(cmd, timeout=900)
    if child.returncode != 0:
        raise RuntimeError(f"bare spider failed ({child.returncode}):\n{child.stderr[-3000:]}")
    json.loads(child.stdout.strip().splitlines()[-1])
    return Run("bare Scrapy spider", len(site.requests), site.last - site.first, child.wall, child.cpu)


def run(quick: bool = False, articles: int | None = None, rounds: int | None = None) -> Result:
    articles = articles or (250 if quick else 2000)
    rounds = rounds or (1 if quick else 2)
    with tempfile.TemporaryDirectory(prefix="zonenews-bench-crawl-") as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        site_info = build_crawl_site(root, articles)
        banner(f"Crawl throughput: {site_info.articles} articles + {site_info.list_pages} list/home pages "
               f"on 127.0.0.1, {rounds} round(s), ABBA order")
        runs: dict[str, list[Run]] = {"zonenews crawl": [], "bare Scrapy spider": []}
        paths: dict[str, set[str]] = {}
        site = TimedSite(root)
        with site:
            for r in range(rounds):
                order = ("zonenews", "bare") if r % 2 == 0 else ("bare", "zonenews")
                for who in order:
                    result = crawl_zonenews(site, Path(tmp), r) if who == "zonenews" else crawl_bare(site)
                    runs[result.crawler].append(result)
                    paths[result.crawler] = set(site.requests)
                    print(f"  round {r + 1}: {result.crawler}: {result.pages} pages in {result.window:.2f} s "
                          f"({result.rate:.0f}/s), wall {result.wall:.1f} s"
                          + (f", {result.records} records" if result.records is not None else ""), flush=True)
    z, b = runs["zonenews crawl"], runs["bare Scrapy spider"]
    ratios = [zr.rate / br.rate for zr, br in zip(z, b, strict=True)]
    rows = []
    for name, rs in runs.items():
        rows.append([name, median([x.pages for x in rs]), median([x.rate for x in rs]),
                     median([x.pages / x.wall for x in rs]), median([x.cpu * 1000 / x.pages for x in rs]),
                     median([x.wall for x in rs]), str(rs[-1].records) if rs[-1].records is not None else "-"])
    print(table(["crawler", "pages", "pages/s", "pages/s (wall)", "CPU ms/page", "wall s", "records"], rows))
    only_z = sorted(paths["zonenews crawl"] - paths["bare Scrapy spider"])
    only_b = sorted(paths["bare Scrapy spider"] - paths["zonenews crawl"])
    print(f"  same pages fetched: {not only_z and not only_b} (only zonenews: {len(only_z)} {only_z[:3]}, "
          f"only bare: {len(only_b)} {only_b[:3]})")
    ratio = median(ratios)
    target = Target("crawl >= 0.5x bare Scrapy spider", ratio >= TARGET_RATIO,
                    f"{ratio:.2f}x ({median([x.rate for x in z]):.0f} vs {median([x.rate for x in b]):.0f} pages/s)")
    print(target.line())
    numbers = {
        "articles": site_info.articles, "list_pages": site_info.list_pages, "rounds": rounds,
        "runs": {k: [vars(x) | {"rate": x.rate} for x in v] for k, v in runs.items()},
        "ratio": ratio, "same_pages": not only_z and not only_b,
    }
    return Result("crawl", numbers, [target])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--articles", type=int, help="article pages (default 2000; quick 250)")
    p.add_argument("--rounds", type=int, help="rounds of both crawlers (default 2; quick 1)")
    args = p.parse_args(argv)
    run(quick=args.quick, articles=args.articles, rounds=args.rounds)


if __name__ == "__main__":
    main()
