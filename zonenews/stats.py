"""Run counters: Scrapy's stats collector in a crawl, this small stand-in offline."""

from __future__ import annotations

from typing import Any, Protocol

SKIPPED = "zonenews/skipped/"
WRITTEN = "zonenews/articles_written"
DUPLICATES = "zonenews/duplicates_dropped"


class Stats(Protocol):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...
    def get_value(self, key: str, default: Any = None) -> Any: ...
    def set_value(self, key: str, value: Any) -> None: ...
    def get_stats(self) -> dict[str, Any]: ...


class RunStats:
    """The subset of scrapy.statscollectors.StatsCollector the pipelines use."""

    def __init__(self) -> None:
        self._stats: dict[str, Any] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self._stats[key] = self._stats.get(key, start) + count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self._stats.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self._stats[key] = value

    def get_stats(self) -> dict[str, Any]:
        return self._stats


def skipped_by_reason(stats: dict[str, Any]) -> dict[str, int]:
    return {k[len(SKIPPED):]: v for k, v in sorted(stats.items()) if k.startswith(SKIPPED)}


def summary_lines(stats: dict[str, Any], output: str | None) -> list[str]:
    """The short closing summary every command prints."""
    skipped = skipped_by_reason(stats)
    lines = [
        f"articles written:   {stats.get(WRITTEN, 0)}",
        f"duplicates dropped: {stats.get(DUPLICATES, 0)}",
        f"pages skipped:      {sum(skipped.values())}"
        + (" (" + ", ".join(f"{k} {v}" for k, v in skipped.items()) + ")" if skipped else ""),
    ]
    if "downloader/response_count" in stats:
        lines.insert(0, f"pages fetched:      {stats.get('downloader/response_count', 0)}")
    if output:
        lines.append(f"output:             {output}")
    return lines
