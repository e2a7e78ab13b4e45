"""The duplicate index on disk (SQLite): flat memory whatever the number of articles.

Same rule and same answers as :class:`zonenews.dedup.index.DuplicateIndex`; only the storage
differs. Tables (in the run state's file when a run has a state, so they live and go with it)::

    dedup_doc   id, url, content hash, root (doc id of the kept copy), similarity, shingle count,
                signature (NUM_PERM little-endian uint32)
    dedup_band  (band key, doc id), the primary key: one row per LSH band of each signature

Memory is SQLite's page cache (ZONENEWS_DEDUP_CACHE_MB), never a Python object per document. A lookup
is one indexed query for the band keys and one for the candidates' rows. Without a state the store
is a private temporary database, which SQLite keeps in its cache and spills to a temporary file
past it: small runs never touch the disk, big ones stay bounded. Each decision is committed at once,
like the state's, so a resumed run still knows the signatures of copies it dropped before a kill.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import ClassVar

import numpy as np

from zonenews.dedup.index import (
    NUM_PERM,
    SHORT_BODY,
    THRESHOLD,
    Duplicate,
    DuplicateIndex,
    Fingerprint,
    band_keys,
    best_match,
    fingerprint,
    needed_similarity,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS dedup_doc (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL,
    root INTEGER NOT NULL,
    similarity REAL NOT NULL,
    shingles INTEGER NOT NULL,
    signature BLOB
);
CREATE INDEX IF NOT EXISTS dedup_doc_digest ON dedup_doc(digest);
CREATE TABLE IF NOT EXISTS dedup_band (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))
    WITHOUT ROWID;
"""


class DiskDuplicateIndex(DuplicateIndex):
    """A DuplicateIndex by interface, its documents in SQLite (``DuplicateIndex.__init__`` is not called)."""

    _open: ClassVar[dict[str, DiskDuplicateIndex]] = {}
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: str | Path | None = None, threshold: float = THRESHOLD, cache_mb: int = 32) -> None:
        self.threshold = threshold
        self.path = Path(path) if path else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path) if self.path else "", check_same_thread=False,
                                  isolation_level=None)
        self.db.execute("PRAGMA busy_timeout = 10000")  # the run state writes to the same file
        if self.path is not None:
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"PRAGMA cache_size = {-1024 * max(1, int(cache_mb))}")
        self.db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._kept = self.db.execute("SELECT count(*) FROM dedup_doc WHERE root = id").fetchone()[0]

    @classmethod
    def open(cls, path: str | Path | None, threshold: float = THRESHOLD, cache_mb: int = 32) -> DiskDuplicateIndex:
        """The store for path, shared by every pipeline of this process; a new temporary one for None."""
        if not path:
            return cls(None, threshold, cache_mb)
        key = str(Path(path).resolve())
        with cls._guard:
            if key not in cls._open:
                cls._open[key] = cls(key, threshold, cache_mb)
            return cls._open[key]

    def close(self) -> None:
        with self._guard:
            if self.path is not None and self._open.get(str(self.path)) is self:
                del self._open[str(self.path)]
        self.db.close()

    def __len__(self) -> int:
        return self._kept

    def _url(self, doc: int) -> str:
        return self.db.execute("SELECT url FROM dedup_doc WHERE id = ?", (doc,)).fetchone()[0]

    def _find_root(self, fp: Fingerprint) -> tuple[int, float] | None:
        """(root doc id, similarity) of the copy fp repeats, or None."""
        row = self.db.execute("SELECT root FROM dedup_doc WHERE digest = ? ORDER BY id LIMIT 1",
                              (fp.digest,)).fetchone()
        if row is not None:
            return row[0], 1.0
        if fp.signature is None:
            return None
        keys = band_keys(fp.signature)
        rows = self.db.execute(
            "SELECT id, root, shingles, signature FROM dedup_doc WHERE id IN (SELECT doc FROM dedup_band "
            f"WHERE key IN ({','.join('?' * len(keys))})) ORDER BY id", keys).fetchall()
        if not rows:
            return None
        signatures = np.frombuffer(b"".join(r[3] for r in rows), dtype="<u4").reshape(len(rows), NUM_PERM)
        found = best_match(fp, needed_similarity(fp.key_chars, self.threshold), signatures,
                           np.array([r[2] for r in rows]))
        return None if found is None else (rows[found[0]][1], found[1])

    def find(self, body: str) -> Duplicate | None:
        fp = fingerprint(body)
        with self._lock:
            found = self._find_root(fp)
            return None if found is None else Duplicate(self._url(found[0]), found[1])

    def _insert(self, url: str, fp: Fingerprint, root: tuple[int, float] | None) -> None:
        sig = fp.signature.astype("<u4").tobytes() if fp.signature is not None else None
        self.db.execute("BEGIN")
        try:
            cur = self.db.execute(
                "INSERT INTO dedup_doc (url, digest, root, similarity, shingles, signature) VALUES (?, ?, ?, ?, ?, ?)",
                (url, fp.digest, root[0] if root else -1, root[1] if root else 1.0, fp.shingles, sig))
            doc = cur.lastrowid
            if root is None:
                self.db.execute("UPDATE dedup_doc SET root = id WHERE id = ?", (doc,))
            if fp.signature is not None:
                self.db.executemany("INSERT OR IGNORE INTO dedup_band (key, doc) VALUES (?, ?)",
                                    [(key, doc) for key in band_keys(fp.signature)])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self._kept += root is None

    def _recorded(self, url: str) -> Duplicate | bool | None:
        row = self.db.execute("SELECT id, root, similarity FROM dedup_doc WHERE url = ?", (url,)).fetchone()
        if row is None:
            return False
        doc, root, similarity = row
        return None if root == doc else Duplicate(self._url(root), similarity)

    def add(self, url: str, body: str) -> None:
        fp = fingerprint(body)
        with self._lock:
            if self._recorded(url) is False:
                self._insert(url, fp, None)

    def add_signature(self, url: str, digest: str, signature: np.ndarray | None, shingles: int = 0) -> None:
        with self._lock:
            if self._recorded(url) is False:
                sig = signature.astype(np.uint32) if signature is not None else None
                self._insert(url, Fingerprint(SHORT_BODY, digest, sig, shingles), None)

    def signature_of(self, url: str) -> np.ndarray | None:
        row = self.db.execute("SELECT signature FROM dedup_doc WHERE url = ?", (url,)).fetchone()
        return np.frombuffer(row[0], dtype="<u4").astype(np.uint32) if row and row[0] else None

    def check_and_add(self, url: str, body: str) -> Duplicate | None:
        fp = fingerprint(body)
        with self._lock:
            recorded = self._recorded(url)
            if recorded is not False:
                return recorded
            found = self._find_root(fp)
            self._insert(url, fp, found)
            return None if found is None else Duplicate(self._url(found[0]), found[1])

    def bulk_keep(self, docs: list[tuple[str, Fingerprint]]) -> None:
        """Keep many new documents in one transaction (benchmarks fill big stores this way)."""
        with self._lock:
            self.db.execute("BEGIN")
            start = (self.db.execute("SELECT max(id) FROM dedup_doc").fetchone()[0] or 0) + 1
            self.db.executemany(
                "INSERT INTO dedup_doc (id, url, digest, root, similarity, shingles, signature) "
                "VALUES (?, ?, ?, ?, 1.0, ?, ?)",
                [(start + i, url, fp.digest, start + i, fp.shingles,
                  fp.signature.astype("<u4").tobytes() if fp.signature is not None else None)
                 for i, (url, fp) in enumerate(docs)])
            self.db.executemany("INSERT OR IGNORE INTO dedup_band (key, doc) VALUES (?, ?)",
                                [(key, start + i) for i, (_url, fp) in enumerate(docs) if fp.signature is not None
                                 for key in band_keys(fp.signature)])
            self.db.execute("COMMIT")
            self._kept += len(docs)
