"""Exact and near-duplicate detection over article bodies: the matching rule, and the in-process index.

Exact: the body's content hash. Near: MinHash over character 5-shingles of the body's match key
(Chinese needs no word segmentation), bucketed by LSH so a lookup touches only the candidates that
share a band, never every stored document. Each candidate the LSH proposes is then verified on its
whole signature (`best_match`); a body is a near-duplicate of a stored one when either

* the estimated Jaccard is >= 0.8 (>= 0.9 when the new body's key is under 300 characters), or
* the shorter body is almost wholly contained in the longer: estimated containment >= 0.85, with a
  Jaccard of at least 0.6 and both bodies of 250+ distinct shingles (~250 characters). Containment comes from
  the Jaccard and the two shingle-set sizes: |A∩B| = J(|A|+|B|)/(1+J). Abridged reposts (a paragraph
  or two dropped, the lead cut) score Jaccard 0.7-0.9 but containment 0.95-1.0; the length floor keeps
  short notices built from one template (~150 characters) out of this rule.

Every body checked is remembered, kept or dropped, with the URL of the copy that was kept (its
root). A body matching a dropped copy is a duplicate of that copy's root, so a story on three sites
(A~B, B~C, A!~C) comes out once when B arrives before the second of A and C; only A and C both
arriving before B gives two records (nothing streamed can be taken back). A URL already recorded
gets its recorded answer again (a refetch after a kill is not a duplicate of itself).

The first copy seen is kept. Ties between candidates go to the earliest stored document.
"""

from __future__ import annotations

import hashlib
import random
import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import MinHash

from zonenews.clean.text import match_key

SHINGLE = 5
NUM_PERM = 64
THRESHOLD = 0.8
# LSH only proposes candidates, each then checked on the whole signature. 40 bands of 7 rows, each
# band a fixed sample of the 64 positions (bands overlap): a pair at Jaccard 0.7 is proposed with
# probability ~0.97, at 0.76 ~0.998, while a pair of distinct articles at 0.13 (the benchmark corpus's
# median) is proposed 35x less often than with the 14 disjoint bands of 4 rows that datasketch picks
# for the same recall, so candidates per lookup stay few at 1M documents (benchmarks/README.md).
BANDS, ROWS = 40, 7
SHORT_THRESHOLD = 0.9
SHORT_BODY = 300
MIN_NEAR_BODY = 40
CONTAINMENT = 0.85
CONTAIN_MIN_JACCARD = 0.6
CONTAIN_MIN_SHINGLES = 250  # distinct 5-shingles: a key of ~250 characters; template notices have ~150


@dataclass(slots=True)
class Duplicate:
    duplicate_of: str
    similarity: float  # estimated Jaccard with the matched copy (1.0 for an exact copy)


@dataclass(slots=True, frozen=True)
class Fingerprint:
    key_chars: int
    digest: str
    signature: np.ndarray | None  # NUM_PERM uint32 MinHash values; None for a body too short to compare
    shingles: int  # distinct shingles of the key (0 without a signature)


# Pinned so that signatures stored by the run state stay comparable across datasketch versions.
SCHEME = "affine32"


# One set of permutations for every signature (building them is most of a MinHash's cost), and
# CRC-32 for shingles: a C call, where datasketch's default SHA-1 wrapper is Python code.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def _new_minhash(hashvalues: np.ndarray | None = None) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashfunc=zlib.crc32, permutations=_PERMUTATIONS,
                   hashvalues=hashvalues)


def shingles_of(key: str) -> set[str]:
    return {key[i:i + SHINGLE] for i in range(max(1, len(key) - SHINGLE + 1))}


def minhash_of(key: str) -> MinHash:
    mh = _new_minhash()
    mh.update_batch([s.encode("utf-8") for s in shingles_of(key)])
    return mh


def fingerprint(body: str) -> Fingerprint:
    key = match_key(body)
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()  # = clean.text.content_hash(body)
    if len(key) < MIN_NEAR_BODY:
        return Fingerprint(len(key), digest, None, 0)
    shingles = shingles_of(key)
    mh = _new_minhash()
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return Fingerprint(len(key), digest, mh.hashvalues.astype(np.uint32), len(shingles))


@cache
def bands() -> tuple[tuple[int, ...], ...]:
    """The signature positions of each LSH band. Pinned (stored band keys depend on them)."""
    rng = random.Random(1)
    return tuple(tuple(sorted(rng.sample(range(NUM_PERM), ROWS))) for _ in range(BANDS))


def band_keys(signature: np.ndarray) -> list[int]:
    """One integer per band: the band number in the top byte, 56 bits of the band's SHA-1 below it."""
    values = np.asarray(signature).astype("<u4")
    return [(i << 56) | int.from_bytes(hashlib.sha1(values[list(rows)].tobytes()).digest()[:7], "big")
            for i, rows in enumerate(bands())]


def needed_similarity(key_chars: int, threshold: float = THRESHOLD) -> float:
    return SHORT_THRESHOLD if key_chars < SHORT_BODY else threshold


def best_match(fp: Fingerprint, needed: float, signatures: np.ndarray,
               shingles: np.ndarray) -> tuple[int, float] | None:
    """(row, Jaccard) of the best near-duplicate among candidate rows (ordered oldest first), or None."""
    assert fp.signature is not None
    jaccard = (signatures == fp.signature).mean(axis=1)
    smaller = np.minimum(shingles, fp.shingles)
    shared = jaccard * (shingles + fp.shingles) / (1.0 + jaccard)
    contained = (smaller >= CONTAIN_MIN_SHINGLES) & (jaccard >= CONTAIN_MIN_JACCARD) & (
        shared >= CONTAINMENT * np.maximum(smaller, 1))
    ok = (jaccard >= needed) | contained
    if not ok.any():
        return None
    best = int(np.argmax(np.where(ok, jaccard, -1.0)))  # argmax: the first (oldest) of equal ones
    return best, round(float(jaccard[best]), 3)


class DuplicateIndex:
    """Bodies seen so far in this process; `check_and_add` says whether a body is a repeat.

    In memory (~2 KiB a document): the reference for the disk store (zonenews.dedup.store), which a
    run uses, and the interface of the Redis index.
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._urls: list[str] = []  # by doc id
        self._roots: list[int] = []  # doc id of the kept copy (itself when kept)
        self._similarity: list[float] = []
        self._by_url: dict[str, int] = {}
        self._exact: dict[str, int] = {}  # content hash -> kept doc id
        self._signatures: dict[int, np.ndarray] = {}
        self._shingles: dict[int, int] = {}
        self._bands: dict[int, list[int]] = {}
        self._kept = 0

    def __len__(self) -> int:
        """Documents kept (dropped copies are remembered too, but not counted)."""
        return self._kept

    def find(self, body: str) -> Duplicate | None:
        return self._find(fingerprint(body))

    def _find(self, fp: Fingerprint) -> Duplicate | None:
        root = self._exact.get(fp.digest)
        if root is not None:
            return Duplicate(self._urls[root], 1.0)
        if fp.signature is None:
            return None
        ids = sorted({doc for key in band_keys(fp.signature) for doc in self._bands.get(key, ())})
        if not ids:
            return None
        found = best_match(fp, needed_similarity(fp.key_chars, self.threshold),
                           np.stack([self._signatures[i] for i in ids]),
                           np.array([self._shingles[i] for i in ids]))
        if found is None:
            return None
        row, similarity = found
        return Duplicate(self._urls[self._roots[ids[row]]], similarity)

    def _store(self, url: str, fp: Fingerprint, found: Duplicate | None) -> None:
        doc = len(self._urls)
        self._urls.append(url)
        self._roots.append(doc if found is None else self._by_url[found.duplicate_of])
        self._similarity.append(found.similarity if found else 1.0)
        self._by_url[url] = doc
        self._exact.setdefault(fp.digest, self._roots[doc])
        self._kept += found is None
        if fp.signature is not None:
            self._signatures[doc] = fp.signature
            self._shingles[doc] = fp.shingles
            for key in band_keys(fp.signature):
                self._bands.setdefault(key, []).append(doc)

    def _recorded(self, url: str) -> Duplicate | bool | None:
        """The answer recorded for url, or False when url is new."""
        doc = self._by_url.get(url)
        if doc is None:
            return False
        root = self._roots[doc]
        return None if root == doc else Duplicate(self._urls[root], self._similarity[doc])

    def add(self, url: str, body: str) -> None:
        if url not in self._by_url:
            self._store(url, fingerprint(body), None)

    def add_signature(self, url: str, digest: str, signature: np.ndarray | None, shingles: int = 0) -> None:
        """Keep a document by its content hash and MinHash values (as an older run state stored them,
        without the shingle count: such a document matches by Jaccard only)."""
        if url not in self._by_url:
            sig = signature.astype(np.uint32) if signature is not None else None
            self._store(url, Fingerprint(SHORT_BODY, digest, sig, shingles), None)

    def signature_of(self, url: str) -> np.ndarray | None:
        doc = self._by_url.get(url)
        return self._signatures.get(doc) if doc is not None else None

    def check_and_add(self, url: str, body: str) -> Duplicate | None:
        recorded = self._recorded(url)
        if recorded is not False:
            return recorded
        fp = fingerprint(body)  # once: the key and the signature cost the most
        found = self._find(fp)
        self._store(url, fp, found)
        return found
