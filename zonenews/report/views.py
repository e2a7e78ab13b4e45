"""Figures derived from a Tally: run totals per site, changes against the previous run, staleness."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from zonenews.report.tally import RunRecord, Tally


@dataclass
class SiteRuns:
    runs: int = 0
    pages_fetched: int = 0
    articles_written: int = 0
    duplicates_dropped: int = 0
    skipped: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    last_run: str = ""


@dataclass
class Change:
    site: str
    score: float  # largest relative change of any metric
    previous: dict[str, int]
    latest: dict[str, int]


def runs_by_site(runs: list[RunRecord]) -> dict[str, list[RunRecord]]:
    """Each site's runs, oldest first (by finished_at, then file name, so ties order the same way)."""
    grouped: dict[str, list[RunRecord]] = {}
    for run in sorted(runs, key=lambda r: (r.finished_at, r.source)):
        grouped.setdefault(run.site, []).append(run)
    return dict(sorted(grouped.items()))


def site_run_totals(runs: list[RunRecord]) -> dict[str, SiteRuns]:
    totals: dict[str, SiteRuns] = {}
    for site, site_runs in runs_by_site(runs).items():
        t = totals[site] = SiteRuns()
        for run in site_runs:
            t.runs += 1
            t.pages_fetched += run.pages_fetched
            t.articles_written += run.articles_written
            t.duplicates_dropped += run.duplicates_dropped
            t.skipped.update(run.pages_skipped)
            t.errors.update(run.errors)
            t.last_run = run.finished_at
    return totals


def relative_change(before: int, after: int) -> float:
    return abs(after - before) / max(before, 1)


def biggest_changes(runs: list[RunRecord], n: int = 10) -> list[Change]:
    """Sites whose latest run differs most from the run before it (sites with one run have no change)."""
    changes = []
    for site, site_runs in runs_by_site(runs).items():
        if len(site_runs) < 2:
            continue
        prev, last = site_runs[-2].metrics(), site_runs[-1].metrics()
        score = max(relative_change(prev[k], last[k]) for k in prev)
        if score > 0:
            changes.append(Change(site, score, prev, last))
    return sorted(changes, key=lambda c: (-c.score, c.site))[:n]


@dataclass
class Freshness:
    site: str
    latest: str | None
    days: int | None  # days from the latest article to the newest crawl
    stale: bool


def freshness(tally: Tally, stale_days: int) -> list[Freshness]:
    """Per site, the latest article date and whether it is older than stale_days before the newest crawl
    in the data (not today: the same files give the same report)."""
    ref = _day(tally.latest_crawl[:10])
    rows = []
    for site, st in sorted(tally.sites.items()):
        latest = _day(st.latest_date or "")
        days = (ref - latest).days if ref and latest else None
        rows.append(Freshness(site, st.latest_date, days, days is None or days > stale_days))
    return rows


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def month_axis(counters: list[Counter], limit: int) -> list[str]:
    """The last `limit` months from the first to the last month any counter has, every month present."""
    months = sorted({m for c in counters for m in c if _valid_month(m)})
    if not months:
        return []
    year, month = int(months[-1][:4]), int(months[-1][5:7])
    first = months[0]
    axis = []
    while len(axis) < limit:
        label = f"{year:04d}-{month:02d}"
        axis.append(label)
        if label <= first:
            break
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return axis[::-1]


def _valid_month(m: str) -> bool:
    return len(m) == 7 and m[4] == "-" and m[:4].isdigit() and m[5:].isdigit() and 1 <= int(m[5:]) <= 12


def top_series(per_key: dict[str, Counter], n: int) -> list[tuple[str, Counter]]:
    """The n keys with most counts, then the rest summed as 'other'."""
    ranked = sorted(per_key.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    top = ranked[:n]
    rest: Counter = Counter()
    for _, c in ranked[n:]:
        rest.update(c)
    return [*top, ("other", rest)] if rest else top
