"""The cleaning chain on real pages (../shared/realpages) against trafilatura on the same bytes.

Both run in this process over the same pages, several rounds, median per round; the ratio is
trafilatura's time over ours (target: ours at least 2x faster). Also counts how often the chain
asked a second opinion (zonenews/body_from/* in the run stats) and what body F1 it reached.
"""

from __future__ import annotations

import time
from pathlib import Path

from common import ROOT, Result, Target, banner, median, table

from zonenews.evaluate import Chain
from zonenews.testing.gold import load_gold, score_gold, summarize_gold

REAL_PAGES = ROOT.parent / "shared" / "realpages"
TARGET_RATIO = 2.0


def _ours(pages: list[tuple[bytes, str]]) -> tuple[float, Chain, list]:
    chain = Chain()
    started = time.perf_counter()
    records = [chain.run(body, url) for body, url in pages]
    return time.perf_counter() - started, chain, records


def _trafilatura(pages: list[tuple[bytes, str]]) -> float:
    import trafilatura

    started = time.perf_counter()
    for body, url in pages:
        trafilatura.bare_extraction(body, url=url, with_metadata=True)
    return time.perf_counter() - started


def run(quick: bool = False) -> Result:
    banner("Real pages: the chain vs trafilatura bare_extraction")
    result = Result("realpages")
    if not REAL_PAGES.is_dir():
        print(f"no real pages at {REAL_PAGES}: skipped")
        return result
    cases = load_gold(Path(REAL_PAGES))[: 80 if quick else None]
    pages = [(c.html.read_bytes(), c.url) for c in cases]
    rounds = 1 if quick else 3
    ours_times, theirs_times = [], []
    for _ in range(rounds):
        seconds, chain, records = _ours(pages)
        ours_times.append(seconds)
        theirs_times.append(_trafilatura(pages))
    ours, theirs = median(ours_times), median(theirs_times)
    stats = chain.stats.get_stats()
    asked = {k.rsplit("/", 1)[1]: v for k, v in sorted(stats.items()) if k.startswith("zonenews/body_from/")}
    summary = summarize_gold([score_gold(c, rec, why) for c, (rec, why) in zip(cases, records, strict=True)])
    print(table(["", "pages", "seconds (median)", "ms/page"], [
        ["zonenews chain", len(pages), f"{ours:.2f}", f"{1000 * ours / len(pages):.1f}"],
        ["trafilatura bare_extraction", len(pages), f"{theirs:.2f}", f"{1000 * theirs / len(pages):.1f}"],
    ]))
    print(f"bodies by candidate: {asked}; body bigram F1 median {summary['body_f1_median']:.3f}, "
          f"p10 {summary['body_f1_p10']:.3f}, pages without a record {summary['pages_without_record']}")
    ratio = theirs / ours if ours else 0.0
    result.numbers = {"pages": len(pages), "ours_s": ours, "trafilatura_s": theirs, "ratio": ratio,
                      "bodies_by_candidate": asked, "gold": summary}
    result.targets.append(Target("chain >= 2x trafilatura on real pages", ratio >= TARGET_RATIO,
                                 f"{ratio:.2f}x ({ours:.2f} s vs {theirs:.2f} s, {len(pages)} pages)"))
    return result
