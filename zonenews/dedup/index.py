"""Exact and near-duplicate detection over article bodies.

Exact: the body's content hash. Near: MinHash over character 5-shingles of the body's match
key (Chinese needs no word segmentation), bucketed by LSH so a lookup touches only the
candidates that share a band, never every stored document.

Threshold: estimated Jaccard >= 0.8 for bodies of 300+ key characters. Republished copies
with another 来源 line or one extra sentence score 0.85-0.98; distinct articles on the same
topic score below 0.4. Short notices built from one template (公示, 通知) share most of their
characters, so below 300 characters a match needs 0.9, and below 40 only the exact hash counts.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from zonenews.clean.text import match_key

SHINGLE = 5
NUM_PERM = 64
THRESHOLD = 0.8
# LSH only proposes candidates, each then checked against THRESHOLD on the whole signature. Banded
# for 0.8 itself, a 64-permutation LSH proposes only ~80% of the pairs at 0.89; banded for 0.6 it
# proposes ~98.5% of pairs at 0.78-0.90 while candidates per query stay few (11 at 100k
# documents; 0.5 gave 640 and grew linearly: benchmarks/README.md).
LSH_THRESHOLD = 0.6
SHORT_THRESHOLD = 0.9
SHORT_BODY = 300
MIN_NEAR_BODY = 40


@dataclass(slots=True)
class Duplicate:
    duplicate_of: str
    similarity: float


# Pinned so that signatures stored by the run state stay comparable across datasketch versions.
SCHEME = "affine32"


# One set of permutations for every signature (building them is most of a MinHash's cost), and
# CRC-32 for shingles: a C call, where datasketch's default SHA-1 wrapper is Python code.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def _new_minhash(hashvalues: np.ndarray | None = None) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashfunc=zlib.crc32, permutations=_PERMUTATIONS,
                   hashvalues=hashvalues)


def minhash_of(key: str) -> MinHash:
    mh = _new_minhash()
    shingles = {key[i:i + SHINGLE] for i in range(max(1, len(key) - SHINGLE + 1))}
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return mh


class DuplicateIndex:
    """Bodies seen so far in this process; `check_and_add` says whether a body is a repeat."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._exact: dict[str, str] = {}
        self._lsh = MinHashLSH(threshold=min(threshold, LSH_THRESHOLD), num_perm=NUM_PERM)
        self._signatures: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._exact)

    def find(self, body: str) -> Duplicate | None:
        return self._find(*_fingerprint(body))

    def _find(self, key: str, digest: str, mh: MinHash | None) -> Duplicate | None:
        if digest in self._exact:
            return Duplicate(self._exact[digest], 1.0)
        if mh is None:
            return None
        needed = SHORT_THRESHOLD if len(key) < SHORT_BODY else self.threshold
        candidates = list(self._lsh.query(mh))
        if not candidates:
            return None
        sims = (np.stack([self._signatures[url] for url in candidates]) == mh.hashvalues).mean(axis=1)
        best = int(np.argmax(sims))
        return Duplicate(candidates[best], round(float(sims[best]), 3)) if sims[best] >= needed else None

    def add(self, url: str, body: str) -> None:
        _key, digest, mh = _fingerprint(body)
        self.add_signature(url, digest, mh.hashvalues if mh is not None else None)

    def add_signature(self, url: str, digest: str, signature: np.ndarray | None) -> None:
        """Add a document by its content hash and MinHash values (as stored by the run state)."""
        self._exact.setdefault(digest, url)
        if signature is not None and url not in self._signatures:
            self._lsh.insert(url, _new_minhash(signature))
            self._signatures[url] = signature.astype(np.uint32)

    def signature_of(self, url: str) -> np.ndarray | None:
        return self._signatures.get(url)

    def check_and_add(self, url: str, body: str) -> Duplicate | None:
        key, digest, mh = _fingerprint(body)  # once: the key and the signature cost the most
        found = self._find(key, digest, mh)
        if found is None:
            self.add_signature(url, digest, mh.hashvalues if mh is not None else None)
        return found


def _fingerprint(body: str) -> tuple[str, str, MinHash | None]:
    """(match key, content hash, MinHash or None for a body too short to compare)."""
    key = match_key(body)
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()  # = clean.text.content_hash(body)
    return key, digest, minhash_of(key) if len(key) >= MIN_NEAR_BODY else None
