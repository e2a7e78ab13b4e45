"""Near-duplicate index: insert and query time per document for zonenews.dedup.index.DuplicateIndex
at 10k, 100k and 1M signatures (quick: 10k, 50k), measured side by side.

One child process (`bench_dedup.py --child SIZES FILLS ...`) builds one DuplicateIndex per size,
all kept in memory together, each filled one of three ways:

* ``add``: `DuplicateIndex.add(url, body)` for N synthetic article bodies (generated zone news,
  ~830 characters, benchmarks/corpus.py TextMaker): the path the dedup pipeline takes (10k);
* ``pooled``: the same kind of bodies, their content hash and MinHash computed with the index's
  own functions (match_key, minhash_of) in two worker processes and stored the way
  `DuplicateIndex.add_signature` stores them: the index ``add`` would build, in half the time on
  two cores (100k; 10k in quick mode);
* ``resampled``: precomputed signatures put in directly, to keep the build of a 1M index sane
  (1M; 50k in quick mode). Each is recombined band by band from the signatures of the largest
  index filled from bodies: every LSH band (the rows the index buckets together) is copied from
  another, randomly drawn, real document. A query then meets a band it shares with some stored
  document exactly as often as it does among real documents, so the LSH proposes candidates at
  the same rate per stored document as a real 1M corpus of such articles would, while no two
  stored documents are near-duplicates of each other. Digests are distinct fake content hashes.
  (Uniformly sampled signatures, ``--fill-large sampled``, would have no band in common with
  anything and hide the cost of candidates.)

``pooled`` and ``resampled`` store entries as add_signature does (the exact-hash dict, the LSH,
the signature dict) with MinHash objects sharing one permutation array. After the fills,
gc.freeze() moves the indexes out of the collector's way.

Then, in rounds, each round in a fresh shuffled order of sizes and with fresh bodies shared by
all sizes, it times per document: `add` of a new body (insert), `find` of a new body (query,
miss), `find` of a near copy of a body inserted this round (query, hit: one sentence added),
`check_and_add` of a new body (what the pipeline pays), the LSH lookup alone with the MinHash
precomputed (the index's own share), and `add_signature` of a stored signature (what loading a
run state pays per signature when a crawl starts). The table shows medians over rounds and the median
per-round ratio against the smallest index. The target is on `find`.

    .venv/bin/python benchmarks/bench_dedup.py [--quick] [--sizes 10000,100000,1000000] [--rounds N]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from common import BENCH_DIR, PYTHON, Result, Target, banner, median, run_child, table, vm_status

TARGET_RATIO = 2.0
SHINGLES = 800  # the shingle count of a typical article body (its match key is ~800 characters)
URL = "https://www.bench-zone.example/a/{}.html"


def _body_maker(seed: int) -> Callable[[], str]:
    from corpus import TextMaker

    maker = TextMaker(seed)

    def body() -> str:
        maker.new_article()
        return "\n".join(maker.paragraph(maker.rng.randint(60, 180)) for _ in range(maker.rng.randint(5, 9)))

    return body


def _insert(index: Any, urls: list[str], digests: list[str], sigs: Any) -> None:
    """Store documents as DuplicateIndex.add_signature does, with one shared permutation array."""
    from datasketch import MinHash

    from zonenews.dedup.index import NUM_PERM, SCHEME

    permutations = _permutations()
    for url, digest, sig in zip(urls, digests, sigs, strict=True):
        index._exact.setdefault(digest, url)
        index._lsh.insert(url, MinHash(num_perm=NUM_PERM, seed=1, hashvalues=sig, permutations=permutations,
                                       scheme=SCHEME))
        index._signatures[url] = sig


def _permutations() -> Any:
    from datasketch import MinHash

    from zonenews.dedup.index import NUM_PERM, SCHEME

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def _fill_sampled(index: Any, n: int, seed: int) -> None:
    import numpy as np

    from zonenews.dedup.index import NUM_PERM

    rng = np.random.default_rng(seed)
    chunk = 50_000
    for lo in range(0, n, chunk):
        size = min(chunk, n - lo)
        u = rng.random((size, NUM_PERM))
        sigs = np.minimum((1.0 - u ** (1.0 / SHINGLES)) * 2.0**32, 2.0**32 - 1).astype(np.uint32)
        _insert(index, [URL.format(lo + j) for j in range(size)], [f"{lo + j:040x}" for j in range(size)],
                [sigs[j].copy() for j in range(size)])


def _fill_resampled(index: Any, n: int, pool: Any, seed: int) -> None:
    """n signatures recombined band by band from real ones (pool: an index filled from bodies)."""
    import numpy as np

    sigs_pool = np.stack(list(pool._signatures.values()))
    rng = np.random.default_rng(seed)
    chunk = 50_000
    for lo in range(0, n, chunk):
        size = min(chunk, n - lo)
        sigs = np.empty((size, sigs_pool.shape[1]), dtype=np.uint32)
        for start, end in index._lsh.hashranges:  # each LSH band from another real document
            rows = rng.integers(0, len(sigs_pool), size=size)
            sigs[:, start:end] = sigs_pool[rows, start:end]
        _insert(index, [URL.format(lo + j) for j in range(size)], [f"{lo + j:040x}" for j in range(size)],
                [sigs[j].copy() for j in range(size)])


def _hash_chunk(task: tuple[int, int, int]) -> tuple[list[str], list[Any]]:
    """(content hashes, signatures) of `count` synthetic bodies, as DuplicateIndex.add computes them."""
    import numpy as np

    from zonenews.clean.text import content_hash, match_key
    from zonenews.dedup.index import minhash_of

    seed, _start, count = task
    body = _body_maker(seed)
    digests, sigs = [], []
    for _ in range(count):
        text = body()
        digests.append(content_hash(text))
        sigs.append(minhash_of(match_key(text)).hashvalues.astype(np.uint32))
    return digests, sigs


def _fill_pooled(index: Any, n: int, seed: int, workers: int = 2) -> None:
    from concurrent.futures import ProcessPoolExecutor

    chunk = 5_000
    tasks = [(seed * 1000 + i, lo, min(chunk, n - lo)) for i, lo in enumerate(range(0, n, chunk))]
    with ProcessPoolExecutor(workers) as pool:
        for (_seed, lo, count), (digests, sigs) in zip(tasks, pool.map(_hash_chunk, tasks), strict=True):
            _insert(index, [URL.format(lo + j) for j in range(count)], digests, sigs)


def _time(fn: Callable[[Any], Any], items: list[Any]) -> tuple[float, list[Any]]:
    """Microseconds per item, and the results."""
    out = []
    start = time.perf_counter()
    for item in items:
        out.append(fn(item))
    return (time.perf_counter() - start) / len(items) * 1e6, out


def _time_pairs(fn: Callable[[str, str], Any], pairs: list[tuple[str, str]]) -> float:
    """Microseconds per fn(url, body) call."""
    start = time.perf_counter()
    for url, text in pairs:
        fn(url, text)
    return (time.perf_counter() - start) / len(pairs) * 1e6


OPS = ("add", "find_miss", "find_hit", "check_and_add", "lsh", "add_signature")


def child(sizes: list[int], fills: list[str], rounds: int, batch: int) -> None:
    import random

    from zonenews.clean.text import match_key
    from zonenews.dedup.index import DuplicateIndex, minhash_of

    indexes: dict[int, Any] = {}
    info: dict[int, dict[str, Any]] = {}
    for n, fill in zip(sizes, fills, strict=True):
        index = DuplicateIndex()
        rss0 = vm_status().get("VmRSS", 0)
        start = time.perf_counter()
        if fill == "add":
            body = _body_maker(n)
            for i in range(n):
                index.add(URL.format(i), body())
        elif fill == "pooled":
            _fill_pooled(index, n, seed=n)
        elif fill == "resampled":
            pool = max((indexes[m] for m in indexes if info[m]["fill"] in ("add", "pooled")), key=len)
            _fill_resampled(index, n, pool, seed=n)
        else:
            _fill_sampled(index, n, seed=n)
        seconds = time.perf_counter() - start
        assert len(index) == n, (len(index), n)
        indexes[n] = index
        info[n] = {"size": n, "fill": fill, "build_s": seconds, "build_us_per_doc": seconds / n * 1e6,
                   "bytes_per_doc": (vm_status().get("VmRSS", 0) - rss0) * 1024 / n}
        print(f"  {n:,}: filled in {seconds:.1f} s ({fill})", file=sys.stderr, flush=True)
    gc.collect()
    gc.freeze()

    body = _body_maker(7)
    rng = random.Random(8)
    times: dict[int, dict[str, list[float]]] = {n: {op: [] for op in OPS} for n in sizes}
    hits = {n: 0 for n in sizes}
    false_hits = {n: 0 for n in sizes}
    candidates = {n: 0 for n in sizes}
    serial = iter(range(10**9))
    for _ in range(rounds):
        fresh = [body() for _ in range(batch)]
        near = [b[: len(b) // 2] + "据悉，相关工作将持续推进。" + b[len(b) // 2:] for b in fresh]
        misses = [body() for _ in range(batch)]
        extra = [body() for _ in range(batch)]
        mhs = [minhash_of(match_key(b)) for b in misses]
        stored = [mh.hashvalues.astype("uint32") for mh in mhs]
        order = sizes[:]
        rng.shuffle(order)
        for n in order:
            index, t = indexes[n], times[n]
            urls = [URL.format(f"new-{next(serial)}") for _ in range(2 * batch)]
            t["add"].append(_time_pairs(index.add, list(zip(urls[:batch], fresh, strict=True))))
            us, found = _time(index.find, near)
            t["find_hit"].append(us)
            hits[n] += sum(f is not None for f in found)
            us, found = _time(index.find, misses)
            t["find_miss"].append(us)
            false_hits[n] += sum(f is not None for f in found)
            # microseconds each: best of 3 passes, so that one preemption does not decide it
            passes = [_time(index._lsh.query, mhs) for _ in range(3)]
            t["lsh"].append(min(us for us, _ in passes))
            candidates[n] += sum(len(c) for c in passes[0][1])
            t["check_and_add"].append(_time_pairs(index.check_and_add, list(zip(urls[batch:], extra, strict=True))))
            # what loading a run state costs per stored signature (DedupPipeline.__init__)
            state = [(URL.format(f"state-{next(serial)}"), f"{next(serial):040x}", sig) for sig in stored]
            start = time.perf_counter()
            for url, digest, sig in state:
                index.add_signature(url, digest, sig)
            t["add_signature"].append((time.perf_counter() - start) / len(state) * 1e6)
    for n in sizes:
        info[n].update(times=times[n], hits=hits[n], false_hits=false_hits[n], queries=rounds * batch,
                       candidates=candidates[n] / (rounds * batch))
    print(json.dumps({"sizes": [info[n] for n in sizes], **vm_status()}))


def run(quick: bool = False, sizes: list[int] | None = None, rounds: int | None = None,
        batch: int | None = None, large_fill: str = "resampled") -> Result:
    sizes = sorted(sizes or ([10_000, 50_000] if quick else [10_000, 100_000, 1_000_000]))
    rounds = rounds or (3 if quick else 5)
    batch = batch or (60 if quick else 80)
    # the smallest index from bodies, the largest by resampling the biggest one filled from bodies
    fills = (["pooled"] + [large_fill] * (len(sizes) - 1) if quick else
             ["add" if n <= 10_000 else "pooled" if n <= 100_000 else large_fill for n in sizes])
    if fills[0] in ("resampled", "sampled"):
        fills[0] = "pooled"
    banner(f"Near-duplicate index: {', '.join(f'{n:,}' for n in sizes)} documents side by side, "
           f"{rounds} rounds x {batch} documents per operation")
    c = run_child([PYTHON, str(BENCH_DIR / "bench_dedup.py"), "--child", ",".join(map(str, sizes)),
                   ",".join(fills), "--rounds", str(rounds), "--batch", str(batch)], timeout=1800)
    print(c.stderr.rstrip(), flush=True)
    if c.returncode != 0:
        raise RuntimeError(f"dedup child failed:\n{c.stderr[-3000:]}")
    data = json.loads(c.stdout.strip().splitlines()[-1])
    results = data["sizes"]
    base = results[0]["times"]
    rows = []
    for r in results:
        t = r["times"]
        rows.append([r["size"], r["fill"], r["build_us_per_doc"], median(t["add"]), median(t["find_miss"]),
                     median(t["find_hit"]), median(t["check_and_add"]), median(t["lsh"]),
                     median([a / b for a, b in zip(t["find_miss"], base["find_miss"], strict=True)]),
                     median([a / b for a, b in zip(t["lsh"], base["lsh"], strict=True)]),
                     r["candidates"], f"{r['hits']}/{r['queries']}", r["bytes_per_doc"], median(t["add_signature"])])
    print(table(["documents", "filled by", "fill us/doc", "add us", "find (miss) us", "find (hit) us",
                 "check_and_add us", "LSH lookup us", "find x", "LSH x", "candidates", "hits", "bytes/doc",
                 "add_signature us"],
                rows))
    print(f"  'x' = median per-round ratio against {results[0]['size']:,}; peak RSS of the child "
          f"(all indexes together) {data.get('VmHWM', 0) / 1024:.0f} MB")
    last = rows[-1]
    ratio, lsh_ratio = float(last[8]), float(last[9])
    target = Target(f"near-duplicate query time within 2x from {sizes[0]:,} to {sizes[-1]:,}",
                    ratio <= TARGET_RATIO,
                    f"find() {rows[0][4]:.0f} -> {last[4]:.0f} us/doc (x{ratio:.2f}); "
                    f"LSH lookup alone {rows[0][7]:.1f} -> {last[7]:.1f} us (x{lsh_ratio:.2f})")
    print(target.line())
    return Result("dedup", {"sizes": results, "find_ratio": ratio, "lsh_ratio": lsh_ratio,
                            "peak_rss_kb": data.get("VmHWM")}, [target])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--sizes", help="comma-separated index sizes (default 10000,100000,1000000; quick 10000,50000)")
    p.add_argument("--rounds", type=int, help="rounds (default 5; quick 3)")
    p.add_argument("--batch", type=int, help="documents per operation per round (default 80; quick 60)")
    p.add_argument("--fill-large", choices=["resampled", "sampled"], default="resampled",
                   help="how indexes above 100k (quick: above the smallest) are filled (default resampled)")
    p.add_argument("--child", nargs=2, metavar=("SIZES", "FILLS"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child([int(x) for x in args.child[0].split(",")], args.child[1].split(","), args.rounds or 3,
              args.batch or 60)
        return
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else None
    run(quick=args.quick, sizes=sizes, rounds=args.rounds, batch=args.batch, large_fill=args.fill_large)


if __name__ == "__main__":
    main()
