"""Duplicate index at scale: RSS and lookup time of the disk store (zonenews.dedup.store, what a run
uses) and of the in-memory DuplicateIndex, at 10k, 100k and 1M distinct articles (quick: 10k, 50k).

Each (index, size) is built in a child process of its own, so its RSS is its own:

* a pool of real signatures: synthetic zone news bodies (benchmarks/corpus.py TextMaker, ~830
  characters) fingerprinted by the index's own `fingerprint` in two worker processes, once per run;
* N documents *resampled* from the pool band by band: every LSH band of a stored signature is copied
  from another randomly drawn real document, so a query shares a band with stored documents exactly
  as often as among real ones, while no two stored documents are near-duplicates;
* in the same child, a baseline: an in-memory index of 10k documents, timed in the same rounds, so
  the `x base` column is a ratio measured under the same load.

Per round it times, per document: `lookup` (the index's own work for a fingerprinted body: exact
hash, band query, candidate check), `find` (lookup plus fingerprinting the body) on new bodies, and
`check_and_add` on new bodies (what the pipeline pays). `hits` counts abridged copies (a paragraph
dropped) of stored bodies that were found. Medians over rounds.

    .venv/bin/python benchmarks/bench_dedup.py [--quick] [--sizes 10000,100000,1000000] [--rounds N]
        [--index disk,memory]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import BENCH_DIR, OUT_DIR, PYTHON, Result, Target, banner, median, run_child, table, vm_status

URL = "https://www.bench-zone.example/a/{}.html"
BASELINE = 10_000
LOOKUP_TARGET_US = 1000.0
RSS_TARGET_MB = 300
MEMORY_MAX = 100_000  # the in-memory index above this needs GBs


def _body_maker(seed: int) -> Callable[[], str]:
    from corpus import TextMaker

    maker = TextMaker(seed)

    def body() -> str:
        maker.new_article()
        return "\n".join(maker.paragraph(maker.rng.randint(60, 180)) for _ in range(maker.rng.randint(5, 9)))

    return body


def _pool_chunk(task: tuple[int, int]) -> tuple[Any, Any]:
    import numpy as np

    from zonenews.dedup.index import fingerprint

    seed, count = task
    body = _body_maker(seed)
    fps = [fingerprint(body()) for _ in range(count)]
    return np.stack([f.signature for f in fps]), np.array([f.shingles for f in fps])


def build_pool(size: int, path: Path) -> None:
    """`size` real signatures and shingle counts, fingerprinted in two processes, saved to path (.npz)."""
    from concurrent.futures import ProcessPoolExecutor

    import numpy as np

    chunk = 2_500
    tasks = [(1000 + i, min(chunk, size - lo)) for i, lo in enumerate(range(0, size, chunk))]
    with ProcessPoolExecutor(2) as pool:
        parts = list(pool.map(_pool_chunk, tasks))
    np.savez(path, signatures=np.concatenate([p[0] for p in parts]), shingles=np.concatenate([p[1] for p in parts]))


def _resampled(pool: Any, n: int, seed: int, chunk: int = 10_000) -> Any:
    """Yield lists of (url, Fingerprint) of n distinct documents, each band from another pool document."""
    import numpy as np

    from zonenews.dedup.index import SHORT_BODY, Fingerprint, bands

    sigs, shingles = pool["signatures"], pool["shingles"]
    rng = np.random.default_rng(seed)
    for lo in range(0, n, chunk):
        size = min(chunk, n - lo)
        out = np.empty((size, sigs.shape[1]), dtype=np.uint32)
        for rows in bands():  # overlapping bands: a later band overwrites shared positions
            cols = list(rows)
            out[:, cols] = sigs[rng.integers(0, len(sigs), size=size)][:, cols]
        sizes = shingles[rng.integers(0, len(sigs), size=size)]
        yield [(URL.format(f"{seed}-{lo + j}"), Fingerprint(SHORT_BODY, f"{seed:08x}{lo + j:032x}", out[j],
                                                           int(sizes[j]))) for j in range(size)]


def _fill(index: Any, pool: Any, n: int, seed: int) -> None:
    from zonenews.dedup.store import DiskDuplicateIndex

    for docs in _resampled(pool, n, seed):
        if isinstance(index, DiskDuplicateIndex):
            index.bulk_keep(docs)
        else:
            for url, fp in docs:
                index._store(url, fp, None)


def _lookup(index: Any) -> Callable[[Any], Any]:
    from zonenews.dedup.store import DiskDuplicateIndex

    return index._find_root if isinstance(index, DiskDuplicateIndex) else index._find


def _per_doc_us(fn: Callable[[Any], Any], items: list[Any]) -> tuple[float, list[Any]]:
    start = time.perf_counter()
    out = [fn(item) for item in items]
    return (time.perf_counter() - start) / len(items) * 1e6, out


def child(kind: str, n: int, pool_path: str, rounds: int, batch: int) -> None:
    import numpy as np

    from zonenews.dedup.index import DuplicateIndex, band_keys, fingerprint
    from zonenews.dedup.store import DiskDuplicateIndex

    pool = dict(np.load(pool_path))
    rss0 = vm_status()["VmRSS"]
    workdir = Path(tempfile.mkdtemp(dir=OUT_DIR))
    index = DiskDuplicateIndex(workdir / "dedup.sqlite") if kind == "disk" else DuplicateIndex()
    start = time.perf_counter()
    _fill(index, pool, n, seed=n)
    fill_s = time.perf_counter() - start
    rss_filled = vm_status()["VmRSS"]
    base = DuplicateIndex()
    _fill(base, pool, BASELINE, seed=7)
    gc.collect()
    gc.freeze()
    body = _body_maker(99)
    times: dict[str, list[float]] = {"lookup": [], "base": [], "find": [], "check_and_add": [], "ratio": []}
    hits = candidates = queries = 0
    for r in range(rounds):
        fresh = [body() for _ in range(2 * batch)]
        fps = [fingerprint(b) for b in fresh[:batch]]
        for i, text in enumerate(fresh[batch:]):  # stored now, looked up as abridged copies below
            index.check_and_add(URL.format(f"kept-{r}-{i}"), text)
        abridged = [fingerprint("\n".join(t.split("\n")[:2] + t.split("\n")[3:])) for t in fresh[batch:]]
        for _ in range(3):  # best of 3 passes each, interleaved with the baseline
            us, _ = _per_doc_us(_lookup(index), fps)
            base_us, _ = _per_doc_us(_lookup(base), fps)
            times["lookup"].append(us)
            times["base"].append(base_us)
            times["ratio"].append(us / base_us)
        hits += sum(f is not None for f in map(_lookup(index), abridged))
        times["find"].append(_per_doc_us(index.find, fresh[:batch])[0])
        extra = [(URL.format(f"new-{r}-{i}"), body()) for i in range(batch)]
        start = time.perf_counter()
        for url, text in extra:
            index.check_and_add(url, text)
        times["check_and_add"].append((time.perf_counter() - start) / batch * 1e6)
        for fp in fps:
            keys = band_keys(fp.signature)
            if isinstance(index, DiskDuplicateIndex):
                candidates += index.db.execute(f"SELECT count(DISTINCT doc) FROM dedup_band WHERE key IN "
                                               f"({','.join('?' * len(keys))})", keys).fetchone()[0]
            else:
                candidates += len({d for k in keys for d in index._bands.get(k, ())})
        queries += batch
    disk_mb = sum(p.stat().st_size for p in workdir.iterdir()) / 2**20
    if isinstance(index, DiskDuplicateIndex):
        index.close()
    for p in workdir.iterdir():
        p.unlink()
    workdir.rmdir()
    status = vm_status()
    print(json.dumps({"kind": kind, "size": n, "fill_s": fill_s, "rss_filled_mb": rss_filled / 1024,
                      "index_mb": (rss_filled - rss0) / 1024, "peak_mb": status["VmHWM"] / 1024, "disk_mb": disk_mb,
                      "times": times, "hits": hits, "queries": queries, "candidates": candidates / queries}))


def run(quick: bool = False, sizes: list[int] | None = None, rounds: int | None = None,
        batch: int | None = None, kinds: list[str] | None = None) -> Result:
    sizes = sorted(sizes or ([10_000, 50_000] if quick else [10_000, 100_000, 1_000_000]))
    kinds = kinds or ["memory", "disk"]
    rounds, batch = rounds or (2 if quick else 4), batch or (40 if quick else 60)
    banner(f"Duplicate index: {', '.join(kinds)} at {', '.join(f'{n:,}' for n in sizes)} documents, "
           f"{rounds} rounds x {batch} documents")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    pool_path = OUT_DIR / "dedup-pool.npz"
    start = time.perf_counter()
    build_pool(5_000 if quick else 10_000, pool_path)
    print(f"  pool of real signatures built in {time.perf_counter() - start:.0f} s", flush=True)
    results = []
    for kind in kinds:
        for n in sizes:
            if kind == "memory" and n > MEMORY_MAX:
                print(f"  memory {n:,}: skipped (several GB; the run index is the disk store)", flush=True)
                continue
            c = run_child([PYTHON, str(BENCH_DIR / "bench_dedup.py"), "--child", kind, str(n), str(pool_path),
                           "--rounds", str(rounds), "--batch", str(batch)], timeout=3600)
            if c.returncode != 0:
                raise RuntimeError(f"dedup child failed:\n{c.stderr[-3000:]}")
            results.append(json.loads(c.stdout.strip().splitlines()[-1]))
            r = results[-1]
            print(f"  {kind} {n:,}: filled in {r['fill_s']:.0f} s, lookup {median(r['times']['lookup']):.0f} us",
                  flush=True)
    pool_path.unlink()
    rows = [[r["kind"], r["size"], r["index_mb"], r["peak_mb"], r["disk_mb"], median(r["times"]["lookup"]),
             median(r["times"]["base"]), median(r["times"]["ratio"]), median(r["times"]["find"]),
             median(r["times"]["check_and_add"]), r["candidates"], f"{r['hits']}/{r['queries']}"] for r in results]
    print(table(["index", "documents", "index RSS MB", "peak RSS MB", "disk MB", "lookup us", "base lookup us",
                 "x base", "find us", "check_and_add us", "candidates", "abridged found"], rows))
    print(f"  base = an in-memory index of {BASELINE:,} in the same child, same rounds; 'x base' = median ratio")
    disk = [r for r in results if r["kind"] == "disk"]
    targets = []
    if disk:
        top = disk[-1]
        targets.append(Target(f"disk store peak RSS < {RSS_TARGET_MB} MB at {top['size']:,}",
                              top["peak_mb"] < RSS_TARGET_MB, f"{top['peak_mb']:.0f} MB"))
        targets.append(Target(f"disk store lookup < 1 ms at {top['size']:,}",
                              median(top["times"]["lookup"]) < LOOKUP_TARGET_US,
                              f"{median(top['times']['lookup']):.0f} us, {top['candidates']:.0f} candidates"))
    for target in targets:
        print(target.line())
    return Result("dedup", {"sizes": results}, targets)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--sizes", help="comma-separated sizes (default 10000,100000,1000000; quick 10000,50000)")
    p.add_argument("--index", help="comma-separated: disk,memory (default both)")
    p.add_argument("--rounds", type=int, help="rounds (default 4; quick 2)")
    p.add_argument("--batch", type=int, help="documents per operation per round (default 60; quick 40)")
    p.add_argument("--child", nargs=3, metavar=("KIND", "N", "POOL"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2], args.rounds or 2, args.batch or 40)
        return
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else None
    kinds = args.index.split(",") if args.index else None
    run(quick=args.quick, sizes=sizes, rounds=args.rounds, batch=args.batch, kinds=kinds)


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH_DIR.parent))
    main()
