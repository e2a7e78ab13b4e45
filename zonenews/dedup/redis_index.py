"""The duplicate index shared by every worker of a distributed crawl, kept in Redis.

Same interface and same answers as :class:`zonenews.dedup.index.DuplicateIndex` (the same
content hash, the same MinHash signatures, the same LSH banding and the same rule: Jaccard, or the
shorter body contained in the longer; every body remembered, kept or dropped, with the URL of the
kept copy), but the state lives in Redis so that N crawl workers on any number of machines drop
each other's repeats.

Keys (``P`` is the crawl's key prefix, ``zone`` by default)::

    P:dedup:exact            hash  content hash (hex) -> URL of the kept copy
    P:dedup:doc              hash  URL -> doc id (every body checked)
    P:dedup:rec              hash  doc id -> 256-byte MinHash signature (zeros for a short body), shingle
                                   count (10 digits), matches with the kept copy (3 digits; 64 = exact),
                                   URL of the kept copy
    P:dedup:seq              str   last doc id given out
    P:dedup:kept             str   bodies kept
    P:dedup:lsh:BxR:I        hash  (one per band I) 8-byte band hash -> comma-separated doc ids

Race safety: `check_and_add` is one Lua script, and Redis runs a script atomically, so "look
for a duplicate, and keep the body if there is none" is a single step for the whole cluster.
Two workers adding the same (or a near-same) body at the same moment are serialised: the first
keeps it, the second gets it back as a duplicate of the first. A script, rather than WATCH/MULTI
(which retries under contention) or a SETNX lock over the band keys (which needs expiry and unlock
handling), also keeps it to one round trip per article; the similarity of the (few) LSH
candidates is counted inside the script.

A URL already recorded gets its recorded answer again, as in the in-process index: a URL is
processed twice in one crawl when a killed worker's in-flight requests are given to another worker
(zonenews.distributed); the dead worker may have kept the body without writing its record, and
dropping the refetch as a copy of itself would lose it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import redis

from zonenews.dedup.index import (
    BANDS,
    CONTAIN_MIN_JACCARD,
    CONTAIN_MIN_SHINGLES,
    CONTAINMENT,
    NUM_PERM,
    ROWS,
    SHORT_BODY,
    THRESHOLD,
    Duplicate,
    DuplicateIndex,
    Fingerprint,
    band_keys,
    bands,
    fingerprint,
    needed_similarity,
)

SIG_BYTES = 4 * NUM_PERM

# KEYS: exact, doc, rec, seq, kept, band 1..b
# ARGV: mode (check_and_add | find | add), url, digest, near (0/1), needed Jaccard, signature, shingles,
#       containment floor (shingles), containment's Jaccard floor, containment, NUM_PERM, band hash 1..b
_SCRIPT = """
local mode, url, digest = ARGV[1], ARGV[2], ARGV[3]
local near, needed, sig, shingles = ARGV[4] == '1', tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
local cmin, jmin, containment = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local nbands, nperm = #KEYS - 5, tonumber(ARGV[11])
local head = 4 * nperm + 13
if mode ~= 'find' then
  local doc = redis.call('HGET', KEYS[2], url)
  if doc then
    if mode == 'add' then return false end
    local rec = redis.call('HGET', KEYS[3], doc)
    local root = string.sub(rec, head + 1)
    if root == url then return false end
    return {'near', root, tonumber(string.sub(rec, 4 * nperm + 11, head))}
  end
end
local root, matches = false, 0
if mode ~= 'add' then
  root = redis.call('HGET', KEYS[1], digest)
  if root then matches = nperm end
  if not root and near then
    local best_m, best_id, seen = -1, 0, {}
    for i = 1, nbands do
      local ids = redis.call('HGET', KEYS[5 + i], ARGV[11 + i])
      if ids then
        for id in string.gmatch(ids, '[^,]+') do
          if not seen[id] then
            seen[id] = true
            local rec = redis.call('HGET', KEYS[3], id)
            local m = 0
            for j = 0, 4 * (nperm - 1), 4 do
              if string.sub(rec, j + 1, j + 4) == string.sub(sig, j + 1, j + 4) then m = m + 1 end
            end
            local jac = m / nperm
            local other = tonumber(string.sub(rec, 4 * nperm + 1, 4 * nperm + 10))
            local small = math.min(other, shingles)
            local ok = jac >= needed or (small >= cmin and jac >= jmin
              and jac * (other + shingles) / (1.0 + jac) >= containment * math.max(small, 1))
            local n = tonumber(id)
            if ok and (m > best_m or (m == best_m and n < best_id)) then
              best_m, best_id, root = m, n, string.sub(rec, head + 1)
            end
          end
        end
      end
    end
    if root then matches = best_m end
  end
  if mode == 'find' then
    if root then return {'near', root, matches} end
    return false
  end
end
local id = tostring(redis.call('INCR', KEYS[4]))
local holder = root or url
redis.call('HSET', KEYS[2], url, id)
if not near then sig = string.rep('\\0', 4 * nperm) end
redis.call('HSET', KEYS[3], id, sig .. string.format('%010d%03d', shingles, matches) .. holder)
redis.call('HSETNX', KEYS[1], digest, holder)
if not root then redis.call('INCR', KEYS[5]) end
if near then
  for i = 1, nbands do
    local ids = redis.call('HGET', KEYS[5 + i], ARGV[11 + i])
    redis.call('HSET', KEYS[5 + i], ARGV[11 + i], ids and (ids .. ',' .. id) or id)
  end
end
if root then return {'near', root, matches} end
return false
"""


class RedisDuplicateIndex(DuplicateIndex):
    """Bodies seen so far by any worker of the crawl; `check_and_add` says whether a body is a repeat.

    A DuplicateIndex by interface: every method is overridden and none of the in-process state
    is built (``DuplicateIndex.__init__`` is deliberately not called).
    """

    def __init__(self, client: redis.Redis | str, prefix: str = "zone", threshold: float = THRESHOLD) -> None:
        self.client = redis.Redis.from_url(client) if isinstance(client, str) else client
        self.threshold = threshold
        self.prefix = prefix
        self.bands = bands()
        base = f"{prefix}:dedup"
        self.exact_key, self.doc_key, self.rec_key = f"{base}:exact", f"{base}:doc", f"{base}:rec"
        self.seq_key, self.kept_key = f"{base}:seq", f"{base}:kept"
        self.band_keys = [f"{base}:lsh:{BANDS}x{ROWS}:{i}" for i in range(len(self.bands))]
        self._script = self.client.register_script(_SCRIPT)

    def keys(self) -> list[str]:
        """Every key this index writes."""
        return [self.exact_key, self.doc_key, self.rec_key, self.seq_key, self.kept_key, *self.band_keys]

    def __len__(self) -> int:
        return int(self.client.get(self.kept_key) or 0)

    def clear(self) -> None:
        self.client.unlink(*self.keys())

    def find(self, body: str) -> Duplicate | None:
        return self._run("find", "", fingerprint(body))

    def add(self, url: str, body: str) -> None:
        self._run("add", url, fingerprint(body))

    def add_signature(self, url: str, digest: str, signature: np.ndarray | None, shingles: int = 0) -> None:
        """Keep a document by its content hash and MinHash values (as a run state stores them)."""
        self._run("add", url, Fingerprint(SHORT_BODY, digest, signature, shingles))

    def signature_of(self, url: str) -> np.ndarray | None:
        doc = self.client.hget(self.doc_key, url)
        record = self.client.hget(self.rec_key, doc) if doc is not None else None
        if not record or not record[:SIG_BYTES].strip(b"\0"):
            return None
        return np.frombuffer(record[:SIG_BYTES], dtype="<u4").astype(np.uint32)

    def check_and_add(self, url: str, body: str) -> Duplicate | None:
        return self._run("check_and_add", url, fingerprint(body))

    def _run(self, mode: str, url: str, fp: Fingerprint) -> Duplicate | None:
        sig, band_hashes = b"", [b""] * len(self.bands)
        if fp.signature is not None:
            values = np.asarray(fp.signature).astype("<u4")
            sig = values.tobytes()
            band_hashes = [key.to_bytes(8, "big") for key in band_keys(values)]
        found: Any = self._script(
            keys=[self.exact_key, self.doc_key, self.rec_key, self.seq_key, self.kept_key, *self.band_keys],
            args=[mode, url, fp.digest, int(fp.signature is not None),
                  repr(float(needed_similarity(fp.key_chars, self.threshold))), sig, fp.shingles,
                  CONTAIN_MIN_SHINGLES, repr(float(CONTAIN_MIN_JACCARD)), repr(float(CONTAINMENT)), NUM_PERM,
                  *band_hashes])
        if not found:
            return None
        _kind, holder, matches = found
        holder = holder.decode("utf-8") if isinstance(holder, bytes) else str(holder)
        return Duplicate(holder, round(int(matches) / NUM_PERM, 3))
