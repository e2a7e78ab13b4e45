"""Cleaning throughput: the `zonenews clean` chain against trafilatura and a bare lxml parse.

Every contestant reads the same page bytes (with the page's URL) in one thread. The contestants
run in rounds, each round in a fresh shuffled order, and the table shows the median pages/s over
rounds and the median of the per-round ratios, so a noisy neighbour slows all of them alike.

    .venv/bin/python benchmarks/bench_clean.py [--quick] [--rounds N] [--pages N]
"""

from __future__ import annotations

import argparse
import gc
import random
import time

import lxml.html
import trafilatura
import trafilatura.meta
from common import Result, Target, banner, median, table
from corpus import clean_corpus, saved_pages
from scrapy.settings import Settings

from zonenews import settings as settings_module
from zonenews.chain import Chain
from zonenews.offline import page_from_bytes
from zonenews.stats import DUPLICATES, WRITTEN, RunStats

TARGET_RATIO = 1.5
Pages = list[tuple[bytes, str]]


def zonenews_settings() -> Settings:
    """zonenews.settings as `zonenews clean` without -o sees them: no output file, no run state."""
    settings = Settings()
    settings.setmodule(settings_module, priority="project")
    settings.set("ZONENEWS_STATE", "", priority="cmdline")
    return settings


class ZonenewsChain:
    """page_from_bytes + the ITEM_PIPELINES chain, run by zonenews.chain.Chain as `zonenews clean` runs it.
    The pipelines (gazetteer load, empty duplicate index) are built before the clock starts."""

    label = "zonenews clean chain"

    def __init__(self) -> None:
        self.settings = zonenews_settings()
        self.stats = RunStats()
        self.chain: Chain | None = None

    def prepare(self) -> None:
        self.stats = RunStats()
        self.chain = Chain(self.settings, self.stats)

    def __call__(self, pages: Pages) -> int:
        assert self.chain is not None, "prepare() first"
        with self.chain as chain:
            for body, url in pages:
                chain.process(page_from_bytes(body, url, url=url))
        return int(self.stats.get_value(WRITTEN, 0)) + int(self.stats.get_value(DUPLICATES, 0))


class Trafilatura:
    def __init__(self, fast: bool = False) -> None:
        self.fast = fast
        self.label = "trafilatura bare_extraction" + (" fast=True" if fast else "")

    def prepare(self) -> None:
        trafilatura.meta.reset_caches()  # every round starts from the same (cold) LRU caches

    def __call__(self, pages: Pages) -> int:
        found = 0
        for body, url in pages:
            doc = trafilatura.bare_extraction(body, url=url, with_metadata=True, fast=self.fast)
            found += doc is not None and bool(getattr(doc, "text", None))
        return found


class LxmlParse:
    label = "lxml.html.document_fromstring (floor)"

    def prepare(self) -> None:
        pass

    def __call__(self, pages: Pages) -> int:
        for body, _url in pages:
            lxml.html.document_fromstring(body)
        return len(pages)


Contestant = ZonenewsChain | Trafilatura | LxmlParse


def distinct_corpus(n: int) -> Pages:
    """n distinct article pages: the fixture templates with generated text (benchmarks/corpus.py)."""
    from corpus import TextMaker, article_templates, variant_url

    templates = article_templates()
    maker = TextMaker(77)
    return [(t.render(maker), variant_url(t.url, i)) for i, t in ((i, templates[i % len(templates)])
                                                                  for i in range(n))]


def run(quick: bool = False, rounds: int | None = None, min_pages: int | None = None,
        extra: bool | None = None, fast: bool = False) -> Result:
    """extra (default: not quick): both extractors on distinct articles too; fast: trafilatura fast=True too."""
    rounds = rounds or (2 if quick else 5)
    pages = clean_corpus(min_pages or (170 if quick else 510))
    extra = (not quick) if extra is None else extra
    corpora: dict[str, Pages] = {"replicated": pages}
    entries: list[tuple[str, Contestant]] = [("replicated", ZonenewsChain()), ("replicated", Trafilatura()),
                                             ("replicated", LxmlParse())]
    if fast:
        entries.append(("replicated", Trafilatura(fast=True)))
    if extra:
        corpora["distinct"] = distinct_corpus(len(pages))
        entries += [("distinct", ZonenewsChain()), ("distinct", Trafilatura())]
    banner(f"Cleaning throughput: {len(pages)} pages, {rounds} rounds, 1 thread")
    saved = saved_pages()
    fixtures = sum(p.expected is not None for p in saved)
    print(f"  replicated: the {fixtures} fixture pages + {len(saved) - fixtures} demo site pages, copy after copy, "
          "a new URL per copy")
    if extra:
        print("  distinct:   as many distinct articles (fixture templates, generated text), information only")
    for corpus, c in entries:  # imports, lazy loads, first-call costs
        c.prepare()
        c(corpora[corpus][:85])
    labels = [f"{c.label} [{corpus}]" for corpus, c in entries]
    rates: dict[str, list[float]] = {label: [] for label in labels}
    outputs: dict[str, int] = {}
    rng = random.Random(8)
    for r in range(rounds):
        order = list(zip(labels, entries, strict=True))
        rng.shuffle(order)
        for label, (corpus, c) in order:
            c.prepare()
            gc.collect()
            start = time.perf_counter()
            outputs[label] = c(corpora[corpus])
            rates[label].append(len(corpora[corpus]) / (time.perf_counter() - start))
        print(f"  round {r + 1}/{rounds}: " + ", ".join(f"{label.split()[0]}{'*' if 'distinct' in label else ''} "
                                                      f"{rates[label][-1]:.0f}/s" for label in labels), flush=True)
    rows = []
    for label, (corpus, _c) in zip(labels, entries, strict=True):
        base = labels[0] if corpus == "replicated" else labels[-2]
        ratios = [z / x for z, x in zip(rates[base], rates[label], strict=True)]
        rows.append([label, median(rates[label]), min(rates[label]), max(rates[label]),
                     1000 / median(rates[label]), median(ratios), outputs[label]])
    print(table(["contestant [corpus]", "pages/s (median)", "min", "max", "ms/page", "zonenews x", "output"], rows))
    print("  'zonenews x' = median over rounds of (zonenews pages/s / this contestant's pages/s) on the same corpus;\n"
          "  'output' = zonenews records + duplicates dropped, trafilatura documents with text, lxml trees")
    base, traf, floor = labels[0], labels[1], labels[2]
    ratio = median([z / t for z, t in zip(rates[base], rates[traf], strict=True)])
    numbers = {
        "pages": len(pages), "rounds": rounds, "pages_per_s": {label: median(rates[label]) for label in labels},
        "rates": rates, "ratio_vs_trafilatura": ratio,
        "ratio_vs_lxml_parse": median([z / x for z, x in zip(rates[base], rates[floor], strict=True)]),
    }
    if extra:
        numbers["ratio_vs_trafilatura_distinct"] = median(
            [z / t for z, t in zip(rates[labels[-2]], rates[labels[-1]], strict=True)])
    target = Target("cleaning >= 1.5x trafilatura bare_extraction", ratio >= TARGET_RATIO,
                    f"{ratio:.2f}x ({median(rates[base]):.0f} vs {median(rates[traf]):.0f} pages/s per core)")
    print(target.line())
    return Result("clean", numbers, [target])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--rounds", type=int)
    p.add_argument("--pages", type=int, help="at least this many pages (default 510; quick 170)")
    p.add_argument("--fast", action="store_true", help="also trafilatura.bare_extraction(fast=True)")
    args = p.parse_args(argv)
    run(quick=args.quick, rounds=args.rounds, min_pages=args.pages, fast=args.fast)


if __name__ == "__main__":
    main()
