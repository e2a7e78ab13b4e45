"""Profile the cleaning chain (page_from_bytes + ITEM_PIPELINES) with pyinstrument.

Two corpora, profiled separately:

* replicated: the cleaning benchmark's corpus (every saved page, copy after copy, new URL each);
  every copy after the first is an exact duplicate, so near-duplicate hashing hardly runs;
* distinct: as many distinct articles (the fixture templates with generated text), as a crawl
  of new articles sees them.

For each it prints the time per pipeline stage, the top functions by self time and the top
zonenews functions by inclusive time, and writes the whole call tree to
benchmarks/out/profile_clean_<corpus>.txt (and .html with --html).

    .venv/bin/python benchmarks/profile_clean.py [--corpus replicated|distinct|both] [--pages N] [--top N]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

from bench_clean import ZonenewsChain
from common import OUT_DIR, banner, table
from corpus import TextMaker, article_templates, clean_corpus, variant_url
from pyinstrument import Profiler
from pyinstrument.frame import Frame

Key = tuple[str, str, int]
STAGES = ("page_from_bytes", "decode_html", "parse_html", "ExtractPipeline.process_item",
          "extract_tree", "CleanPipeline.process_item", "build_record", "Gazetteer.mentioned",
          "DedupPipeline.process_item", "check_and_add", "find", "add", "minhash_of", "match_key",
          "content_hash")


def distinct_corpus(n: int) -> list[tuple[bytes, str]]:
    templates = article_templates()
    maker = TextMaker(77)
    pages = []
    for i in range(n):
        t = templates[i % len(templates)]
        pages.append((t.render(maker), variant_url(t.url, i)))
    return pages


def _name(frame: Frame) -> str:
    return f"{frame.class_name}.{frame.function}" if frame.class_name else frame.function


def aggregate(root: Frame) -> tuple[dict[Key, float], dict[Key, float], dict[Key, str]]:
    """Self time and inclusive time (outermost call only) per function, and a display name per key."""
    self_t: dict[Key, float] = defaultdict(float)
    total_t: dict[Key, float] = defaultdict(float)
    names: dict[Key, str] = {}
    stack: list[tuple[Frame, frozenset[Key]]] = [(root, frozenset())]
    while stack:
        frame, above = stack.pop()
        key: Key = (frame.function, frame.file_path_short or "", frame.line_no or 0)
        if not frame.is_synthetic:
            names[key] = _name(frame)
            self_t[key] += frame.total_self_time
            if key not in above:
                total_t[key] += frame.time
            above = above | {key}
        stack += [(c, above) for c in frame.children]
    return self_t, total_t, names


def report(label: str, root: Frame, pages: int, top: int, stages: tuple[str, ...] = STAGES,
           unit: str = "page") -> dict[str, Any]:
    """Print time per stage, top functions by self time and top zonenews functions by inclusive time."""
    total = root.time
    self_t, total_t, names = aggregate(root)
    banner(f"Profile, {label}: {pages} {unit}s, {total:.2f} s sampled ({total / pages * 1000:.2f} ms/{unit})")

    by_name: dict[str, float] = defaultdict(float)
    for key, t in total_t.items():
        by_name[names[key]] += t
    stage_rows = []
    for stage in stages:
        t = sum(v for n, v in by_name.items() if n == stage or n.endswith("." + stage))
        if t:
            stage_rows.append([stage, t * 1000 / pages, 100 * t / total])
    print("Stages (inclusive; a row includes the rows nested in it):")
    print(table(["stage", f"ms/{unit}", "% of total"], stage_rows))

    def location(key: Key) -> str:
        return f"{key[1]}:{key[2]}"

    print(f"\nTop {top} functions by self time:")
    rows = [[names[k], location(k), t * 1000 / pages, 100 * t / total]
            for k, t in sorted(self_t.items(), key=lambda kv: -kv[1])[:top]]
    print(table(["function", "where", f"self ms/{unit}", "%"], rows))

    print(f"\nTop {top} zonenews functions by inclusive time:")
    zrows = [[names[k], location(k), t * 1000 / pages, 100 * t / total]
             for k, t in sorted(total_t.items(), key=lambda kv: -kv[1])
             if "zonenews/" in k[1] and "benchmarks" not in k[1]][:top]
    print(table(["function", "where", f"ms/{unit}", "%"], zrows))
    return {"pages": pages, "seconds": total, "stages": {r[0]: r[1] for r in stage_rows},
            "self": [r[:3] for r in rows], "inclusive": [r[:3] for r in zrows]}


def profile(label: str, pages: list[tuple[bytes, str]], top: int, html: bool, interval: float) -> dict[str, Any]:
    chain = ZonenewsChain()
    chain.prepare()
    chain(pages[: min(len(pages), 85)])  # warm: imports, lazy loads
    chain.prepare()
    profiler = Profiler(interval=interval)
    profiler.start()
    chain(pages)
    session = profiler.stop()
    root = session.root_frame()
    assert root is not None
    result = report(f"clean chain, {label}", root, len(pages), top)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stem = OUT_DIR / f"profile_clean_{label}"
    stem.with_suffix(".txt").write_text(profiler.output_text(show_all=False), encoding="utf-8")
    if html:
        stem.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    print(f"\nfull call tree: {stem.with_suffix('.txt')}" + (f" and {stem.with_suffix('.html')}" if html else ""))
    return result


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", choices=["replicated", "distinct", "both"], default="both")
    p.add_argument("--pages", type=int, default=510)
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--interval", type=float, default=0.0005, help="sampling interval in seconds")
    p.add_argument("--html", action="store_true", help="also write an HTML report")
    args = p.parse_args(argv)
    if args.corpus in ("replicated", "both"):
        profile("replicated", clean_corpus(args.pages), args.top, args.html, args.interval)
    if args.corpus in ("distinct", "both"):
        profile("distinct", distinct_corpus(args.pages), args.top, args.html, args.interval)


if __name__ == "__main__":
    main()
