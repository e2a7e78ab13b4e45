"""Profile `zonenews crawl` end to end with pyinstrument, on the crawl benchmark's local site.

The crawl runs as in benchmarks/bench_crawl.py, but under `python -m pyinstrument -m zonenews
crawl ...`; the session is saved to benchmarks/out/profile_crawl.pyisession (and a text tree to
profile_crawl.txt) and summarised like the clean chain's profile: time per stage (Scrapy's
engine, the spider's link discovery, each item pipeline), top functions by self time.

    .venv/bin/python benchmarks/profile_crawl.py [--articles N] [--top N]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench_crawl import OVERRIDES, TimedSite
from common import OUT_DIR, PYTHON, run_child
from corpus import build_crawl_site
from profile_clean import report
from pyinstrument.session import Session

STAGES = ("ZoneSpider.parse", "decode_html", "parse_html", "page_links", "canonical_url",
          "ExtractPipeline.process_item", "CleanPipeline.process_item", "DedupPipeline.process_item",
          "ExportPipeline.process_item", "StateStore.stage", "StateStore.commit", "JsonLinesWriter.write")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--interval", type=float, default=0.001)
    args = p.parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    session_file = OUT_DIR / "profile_crawl.pyisession"
    with tempfile.TemporaryDirectory(prefix="zonenews-profile-crawl-") as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        site_info = build_crawl_site(root, args.articles)
        site = TimedSite(root)
        with site:
            cmd = [PYTHON, "-m", "pyinstrument", "-i", str(args.interval), "-r", "pyisession",
                   "-o", str(session_file), "-m", "zonenews", "crawl", site.url("/"),
                   "-O", str(Path(tmp) / "out.jsonl"), "-q", "-s", f"ZONENEWS_STATE={Path(tmp) / 'state.sqlite'}"]
            for o in OVERRIDES:
                cmd += ["-s", o]
            child = run_child(cmd, timeout=900)
            if child.returncode != 0:
                raise SystemExit(f"profiled crawl failed:\n{child.stderr[-3000:]}")
            fetched = len(site.requests)
    session = Session.load(session_file)
    frame = session.root_frame()
    assert frame is not None
    report(f"zonenews crawl of {site_info.articles} articles", frame, fetched, args.top, STAGES)
    text = OUT_DIR / "profile_crawl.txt"
    from pyinstrument.renderers import ConsoleRenderer

    text.write_text(ConsoleRenderer(unicode=False, color=False).render(session), encoding="utf-8")
    print(f"\nsession: {session_file}; call tree: {text}")


if __name__ == "__main__":
    main()
