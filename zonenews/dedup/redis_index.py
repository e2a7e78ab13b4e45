"""The duplicate index shared by every worker of a distributed crawl, kept in Redis.

Same interface and same answers as :class:`zonenews.dedup.index.DuplicateIndex` (the same
content hash, the same MinHash signatures, the same LSH banding and thresholds), but the state
lives in Redis so that N crawl workers on any number of machines drop each other's repeats.

Keys (``P`` is the crawl's key prefix, ``zone`` by default)::

    P:dedup:exact            hash  content hash (hex) -> URL that holds it
    P:dedup:doc              hash  URL -> doc id (bodies long enough for near-duplicate search)
    P:dedup:sig              hash  doc id -> 256-byte MinHash signature followed by the URL
    P:dedup:seq              str   last doc id given out
    P:dedup:lsh:BxR:I        hash  (one per band I) 8-byte band hash -> comma-separated doc ids

Race safety: `check_and_add` is one Lua script, and Redis runs a script atomically, so "look
for a duplicate, and keep the body if there is none" is a single step for the whole cluster.
Two workers adding the same (or a near-same) body at the same moment are serialised: the first
keeps it, the second gets it back as a duplicate of the first. The exact claim inside the
script is an HSETNX on the content hash. A script, rather than WATCH/MULTI (which retries under
contention) or a SETNX lock over the band keys (which needs expiry and unlock handling), also
keeps it to one round trip per article; the similarity of the (few) LSH candidates is counted
inside the script.

One rule differs from the in-process index: a body already recorded under the *same URL* is
not a duplicate of itself. A URL is processed twice in one crawl only when a killed worker's
in-flight requests are given to another worker (zonenews.distributed); the dead worker may
have claimed the body without writing its record, and dropping the refetch would lose it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import redis
from datasketch import MinHashLSH

from zonenews.clean.text import content_hash, match_key
from zonenews.dedup.index import (
    LSH_THRESHOLD,
    MIN_NEAR_BODY,
    NUM_PERM,
    SHORT_BODY,
    SHORT_THRESHOLD,
    THRESHOLD,
    Duplicate,
    DuplicateIndex,
    minhash_of,
)

SIG_BYTES = 4 * NUM_PERM

# KEYS: exact, doc, sig, seq, band 1..b
# ARGV: mode (check_and_add | find | add), url, digest, near (0/1), needed similarity, signature,
#       band hash 1..b
_SCRIPT = """
local mode, url, digest = ARGV[1], ARGV[2], ARGV[3]
local near, needed, sig = ARGV[4] == '1', tonumber(ARGV[5]), ARGV[6]
local nperm = string.len(sig) / 4
local nbands = #KEYS - 4
if mode ~= 'add' then
  local holder = redis.call('HGET', KEYS[1], digest)
  if holder then
    if holder ~= url then return {'exact', holder, nperm} end
    if mode == 'check_and_add' then return false end
  end
  if near then
    local best, best_m, seen = false, -1, {}
    for i = 1, nbands do
      local ids = redis.call('HGET', KEYS[4 + i], ARGV[6 + i])
      if ids then
        for id in string.gmatch(ids, '[^,]+') do
          if not seen[id] then
            seen[id] = true
            local rec = redis.call('HGET', KEYS[3], id)
            if rec then
              local other = string.sub(rec, 4 * nperm + 1)
              if other ~= url then
                local m = 0
                for j = 0, 4 * (nperm - 1), 4 do
                  if string.sub(rec, j + 1, j + 4) == string.sub(sig, j + 1, j + 4) then m = m + 1 end
                end
                if m / nperm >= needed and m > best_m then best, best_m = other, m end
              end
            end
          end
        end
      end
    end
    if best then return {'near', best, best_m} end
  end
  if mode == 'find' then return false end
end
redis.call('HSETNX', KEYS[1], digest, url)
if near and redis.call('HEXISTS', KEYS[2], url) == 0 then
  local id = tostring(redis.call('INCR', KEYS[4]))
  redis.call('HSET', KEYS[2], url, id)
  redis.call('HSET', KEYS[3], id, sig .. url)
  for i = 1, nbands do
    local ids = redis.call('HGET', KEYS[4 + i], ARGV[6 + i])
    redis.call('HSET', KEYS[4 + i], ARGV[6 + i], ids and (ids .. ',' .. id) or id)
  end
end
return false
"""


class RedisDuplicateIndex(DuplicateIndex):
    """Bodies kept so far by any worker of the crawl; `check_and_add` says whether a body is a repeat.

    A DuplicateIndex by interface: every method is overridden and none of the in-process state
    is built (``DuplicateIndex.__init__`` is deliberately not called).
    """

    def __init__(self, client: redis.Redis | str, prefix: str = "zone", threshold: float = THRESHOLD) -> None:
        self.client = redis.Redis.from_url(client) if isinstance(client, str) else client
        self.threshold = threshold
        self.prefix = prefix
        lsh = MinHashLSH(threshold=min(threshold, LSH_THRESHOLD), num_perm=NUM_PERM)  # the in-process banding
        self.bands: list[tuple[int, int]] = list(lsh.hashranges)
        base = f"{prefix}:dedup"
        self.exact_key, self.doc_key, self.sig_key = f"{base}:exact", f"{base}:doc", f"{base}:sig"
        self.seq_key = f"{base}:seq"
        self.band_keys = [f"{base}:lsh:{lsh.b}x{lsh.r}:{i}" for i in range(len(self.bands))]
        self._script = self.client.register_script(_SCRIPT)

    def keys(self) -> list[str]:
        """Every key this index writes."""
        return [self.exact_key, self.doc_key, self.sig_key, self.seq_key, *self.band_keys]

    def __len__(self) -> int:
        return int(self.client.hlen(self.exact_key))

    def clear(self) -> None:
        self.client.unlink(*self.keys())

    def find(self, body: str) -> Duplicate | None:
        return self._run("find", "", *self._fingerprint(body))

    def add(self, url: str, body: str) -> None:
        self._run("add", url, *self._fingerprint(body))

    def add_signature(self, url: str, digest: str, signature: np.ndarray | None) -> None:
        """Add a document by its content hash and MinHash values (as a run state stores them)."""
        self._run("add", url, digest, signature, SHORT_BODY)

    def signature_of(self, url: str) -> np.ndarray | None:
        doc = self.client.hget(self.doc_key, url)
        record = self.client.hget(self.sig_key, doc) if doc is not None else None
        return np.frombuffer(record[:SIG_BYTES], dtype="<u4").astype(np.uint32) if record else None

    def check_and_add(self, url: str, body: str) -> Duplicate | None:
        return self._run("check_and_add", url, *self._fingerprint(body))

    @staticmethod
    def _fingerprint(body: str) -> tuple[str, np.ndarray | None, int]:
        key = match_key(body)
        signature = minhash_of(key).hashvalues if len(key) >= MIN_NEAR_BODY else None
        return content_hash(body), signature, len(key)

    def _run(self, mode: str, url: str, digest: str, signature: np.ndarray | None,
             key_chars: int) -> Duplicate | None:
        needed = SHORT_THRESHOLD if key_chars < SHORT_BODY else self.threshold
        sig, bands = b"", [b""] * len(self.bands)
        if signature is not None:
            values = np.asarray(signature).astype("<u4")
            sig = values.tobytes()
            bands = [hashlib.sha1(values[start:end].tobytes()).digest()[:8] for start, end in self.bands]
        found: Any = self._script(
            keys=[self.exact_key, self.doc_key, self.sig_key, self.seq_key, *self.band_keys],
            args=[mode, url, digest, int(signature is not None), repr(float(needed)), sig, *bands])
        if not found:
            return None
        kind, holder, matches = found
        holder = holder.decode("utf-8") if isinstance(holder, bytes) else str(holder)
        if kind in (b"exact", "exact"):
            return Duplicate(holder, 1.0)
        return Duplicate(holder, round(int(matches) / NUM_PERM, 3))
