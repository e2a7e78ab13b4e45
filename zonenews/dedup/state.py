"""Persistent crawl state (SQLite): which article URLs earlier runs emitted or dropped, with
their content signatures, so a scheduled run fetches and emits only what is new.

One writer at a time: a lock file beside the database stops a second run on the same state.
A record is committed to the state only after its output line is written; on start, lines
already in an appended output file are reconciled into the state, so a run killed between the
two steps neither loses nor repeats a record.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import numpy as np
from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL,            -- 'emitted', 'duplicate', or 'redirect' (a URL that redirected to an article)
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    signature BLOB                   -- MinHash values (uint32), for near-duplicates across runs
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles(content_hash);
"""


class StateLocked(RuntimeError):
    """Another run holds the state."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class StateStore:
    _open: ClassVar[dict[str, StateStore]] = {}
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fh = open(f"{path}.lock", "a+")  # noqa: SIM115 - held for the life of the store
        try:
            fcntl.flock(self._lock_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_fh.seek(0)
            holder = self._lock_fh.read().strip() or "another process"
            self._lock_fh.close()
            raise StateLocked(f"the state {path} is in use by {holder}; wait for that run to finish or give "
                              f"this one another state (--state PATH, or -s ZONENEWS_STATE=PATH)") from None
        self._lock_fh.seek(0)
        self._lock_fh.truncate()
        self._lock_fh.write(f"pid {os.getpid()} (since {_now()})")
        self._lock_fh.flush()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._known: set[str] = {row[0] for row in self.db.execute("SELECT url FROM articles")}
        self._staged: dict[str, tuple[str, str, bytes | None]] = {}
        self._redirected_from: dict[str, list[str]] = {}  # final URL -> URLs that redirected to it

    @classmethod
    def open(cls, path: str | Path) -> StateStore:
        """The store for path, shared by every component of this process."""
        key = str(Path(path).resolve())
        with cls._guard:
            if key not in cls._open:
                cls._open[key] = cls(Path(key))
            return cls._open[key]

    def close(self) -> None:
        with self._guard:
            self._open.pop(str(self.path), None)
        self.db.close()
        fcntl.flock(self._lock_fh, fcntl.LOCK_UN)
        self._lock_fh.close()

    def __len__(self) -> int:
        return len(self._known)

    def known(self, url: str) -> bool:
        return url in self._known

    def stored_hash(self, url: str) -> str | None:
        row = self.db.execute("SELECT content_hash FROM articles WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def stage(self, url: str, content_hash: str, status: str, signature: np.ndarray | None = None) -> None:
        """Remember a decision until its output is written (commit) or at once for a drop."""
        blob = signature.astype(np.uint32).tobytes() if signature is not None else None
        self._staged[url] = (content_hash, status, blob)
        if status != "emitted":
            self.commit(url)

    def note_redirect(self, final_url: str, sources: list[str]) -> None:
        """Remember that sources redirected to final_url; they are stored when its record is."""
        aliases = [u for u in sources if u != final_url]
        if aliases:
            self._redirected_from.setdefault(final_url, []).extend(aliases)

    def commit(self, url: str) -> None:
        staged = self._staged.pop(url, None)
        if staged is None:
            return
        content_hash, status, blob = staged
        self._upsert(url, content_hash, status, blob)
        # A link to a URL that redirected here is this article too: 'redirect' rows make a rerun
        # skip the link instead of fetching the article again and dropping it as its own duplicate.
        for alias in dict.fromkeys(self._redirected_from.pop(url, [])):
            self._upsert(alias, content_hash, "redirect", None)

    def _upsert(self, url: str, content_hash: str, status: str, blob: bytes | None) -> None:
        now = _now()
        self.db.execute(
            "INSERT INTO articles (url, content_hash, status, first_seen, last_seen, signature) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET content_hash = excluded.content_hash, "
            "status = CASE WHEN articles.status = 'emitted' THEN 'emitted' ELSE excluded.status END, "
            "last_seen = excluded.last_seen, "
            "signature = COALESCE(excluded.signature, articles.signature)",
            (url, content_hash, status, now, now, blob))
        self._known.add(url)

    def signatures(self, limit: int) -> Iterator[tuple[str, str, np.ndarray | None]]:
        """The most recent emitted articles' (url, content_hash, MinHash values)."""
        rows = self.db.execute(
            "SELECT url, content_hash, signature FROM articles WHERE status = 'emitted' "
            "ORDER BY last_seen DESC LIMIT ?", (limit,))
        for url, content_hash, blob in rows:
            yield url, content_hash, np.frombuffer(blob, dtype=np.uint32) if blob else None

    def reconcile(self, output: Path) -> int:
        """Commit records already in an output file that the state missed (a kill between the
        write and the commit); returns how many."""
        added = 0
        try:
            fh = output.open("rb")
        except FileNotFoundError:
            return 0
        with fh:
            for line in fh:
                try:
                    record = json.loads(line)
                    url, content_hash = record["url"], record["content_hash"]
                except (ValueError, KeyError, TypeError):
                    continue
                if url not in self._known:
                    self._staged[url] = (content_hash, "emitted", None)
                    self.commit(url)
                    added += 1
        if added:
            logger.info("state: %d records of %s were not in the state yet; added", added, output)
        return added


def open_state(settings: BaseSettings) -> StateStore | None:
    """The run's state store, or None when ZONENEWS_STATE is empty (offline clean, the demo)."""
    path = settings.get("ZONENEWS_STATE")
    return StateStore.open(path) if path else None
