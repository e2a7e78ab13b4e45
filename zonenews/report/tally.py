"""Counters a report needs, filled by streaming record files, duplicate sidecars and run summaries.

Nothing here keeps a list of records: memory grows with the number of sites, months, runs and
distinct sources/categories (the latter capped), never with the number of records.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zonenews.extract import site_of

# Fields whose share of filled records per site the report shows.
COMPLETENESS_FIELDS = ("published_at", "source", "author", "category", "images", "attachments")
NO_ZONE = "(no zone)"


class TopCounter(Counter):
    """A Counter that keeps at most about `cap` keys: past 2 x cap it keeps the cap largest, so the top
    of a long-tailed count (sources, categories) stays right in bounded memory."""

    def __init__(self, cap: int = 20_000) -> None:
        super().__init__()
        self.cap = cap
        self.pruned = False

    def add(self, key: str) -> None:
        self[key] += 1
        if len(self) > 2 * self.cap:
            keep = sorted(self.items(), key=lambda kv: (-kv[1], kv[0]))[: self.cap]
            self.clear()
            self.update(dict(keep))
            self.pruned = True

    def top(self, n: int) -> list[tuple[str, int]]:
        return sorted(self.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


@dataclass
class SiteTally:
    records: int = 0
    filled: Counter = field(default_factory=Counter)
    months: Counter = field(default_factory=Counter)
    latest_date: str | None = None


@dataclass
class RunRecord:
    """One crawl's summary (OUT.summary.json), labelled with the site its records came from."""
    site: str
    finished_at: str
    source: str
    pages_fetched: int
    articles_written: int
    duplicates_dropped: int
    pages_skipped: dict[str, int]
    errors: dict[str, int]

    def metrics(self) -> dict[str, int]:
        return {"pages fetched": self.pages_fetched, "articles written": self.articles_written,
                "pages skipped": sum(self.pages_skipped.values()), "duplicates dropped": self.duplicates_dropped,
                "errors": sum(self.errors.values())}


@dataclass
class DuplicateTally:
    dropped: int = 0
    cross_site: int = 0
    similarity_sum: Counter = field(default_factory=Counter)  # (first site, copy site) -> summed similarity
    pairs: Counter = field(default_factory=Counter)  # (site of the first copy, site of the dropped copy) -> n
    _stories: set[int] = field(default_factory=set)  # 8-byte hashes of first copies republished elsewhere

    @property
    def stories_republished(self) -> int:
        return len(self._stories)

    def add(self, url: str, duplicate_of: str, similarity: float) -> None:
        self.dropped += 1
        first, copy = site_of(duplicate_of), site_of(url)
        if first == copy:
            return
        self.cross_site += 1
        self.pairs[first, copy] += 1
        self.similarity_sum[first, copy] += similarity
        self._stories.add(int.from_bytes(hashlib.blake2b(duplicate_of.encode(), digest_size=8).digest(), "big"))


@dataclass
class Tally:
    records: int = 0
    lines_skipped: int = 0  # non-blank lines that are not records (bad JSON, no content_hash)
    sites: dict[str, SiteTally] = field(default_factory=dict)
    zone_months: dict[str, Counter] = field(default_factory=dict)
    sources: TopCounter = field(default_factory=TopCounter)
    categories: TopCounter = field(default_factory=TopCounter)
    zones_mentioned: TopCounter = field(default_factory=TopCounter)
    latest_crawl: str = ""  # the newest crawled_at: "today" for staleness, so output depends on data only
    duplicates: DuplicateTally = field(default_factory=DuplicateTally)
    runs: list[RunRecord] = field(default_factory=list)

    def add_record(self, rec: dict[str, Any]) -> str:
        self.records += 1
        site = str(rec.get("site") or site_of(str(rec.get("url") or "")) or "(unknown)")
        st = self.sites.setdefault(site, SiteTally())
        st.records += 1
        st.filled.update(name for name in COMPLETENESS_FIELDS if rec.get(name))
        zone = rec.get("zone") or NO_ZONE
        date = rec.get("published_date") or (rec.get("published_at") or "")[:10] or None
        if date:
            month = date[:7]
            st.months[month] += 1
            self.zone_months.setdefault(zone, Counter())[month] += 1
            st.latest_date = max(st.latest_date or date, date)
        if rec.get("source"):
            self.sources.add(str(rec["source"]))
        if rec.get("category"):
            self.categories.add(str(rec["category"][-1]))  # the leaf label: comparable across sites
        for zone_name in rec.get("zones_mentioned") or ():
            self.zones_mentioned.add(str(zone_name))
        self.latest_crawl = max(self.latest_crawl, str(rec.get("crawled_at") or ""))
        return site


def json_lines(path: Path) -> Iterator[Any]:
    """Parsed lines of a JSON Lines file, one at a time; a line that is not JSON yields None."""
    with path.open("rb") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except ValueError:
                yield None


def read_records(path: Path, tally: Tally) -> Counter:
    """Add every record of path to tally; returns how many records each site had in this file."""
    sites: Counter = Counter()
    for row in json_lines(path):
        if isinstance(row, dict) and "content_hash" in row:
            sites[tally.add_record(row)] += 1
        else:
            tally.lines_skipped += 1
    return sites


def read_duplicates(path: Path, tally: Tally) -> None:
    for row in json_lines(path):
        if isinstance(row, dict) and row.get("url") and row.get("duplicate_of"):
            tally.duplicates.add(str(row["url"]), str(row["duplicate_of"]), float(row.get("similarity") or 0))


def read_summary(path: Path, site: str) -> RunRecord | None:
    """The run summary at path, or None when it is not one (unreadable, not a JSON object)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None

    def counts(value: Any) -> dict[str, int]:
        return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}

    return RunRecord(site=site, finished_at=str(data.get("finished_at") or ""), source=str(path),
                     pages_fetched=int(data.get("pages_fetched") or 0),
                     articles_written=int(data.get("articles_written") or 0),
                     duplicates_dropped=int(data.get("duplicates_dropped") or 0),
                     pages_skipped=counts(data.get("pages_skipped")), errors=counts(data.get("errors")))
