"""Scrapy extensions: the run summary JSON written when a crawl ends."""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from zonenews.export import sidecar_path
from zonenews.stats import DUPLICATES, WRITTEN, skipped_by_reason

logger = logging.getLogger(__name__)


def errors_by_kind(stats: dict[str, Any]) -> dict[str, int]:
    """Download exceptions, HTTP error statuses and spider exceptions, by kind."""
    errors: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("downloader/exception_type_count/"):
            errors[key.rsplit("/", 1)[-1].rsplit(".", 1)[-1]] = value
        elif key.startswith("downloader/response_status_count/") and key.rsplit("/", 1)[-1][:1] in "45":
            errors["http_" + key.rsplit("/", 1)[-1]] = value
        elif key.startswith("spider_exceptions/"):
            errors[key.rsplit("/", 1)[-1]] = value
        elif key == "retry/max_reached":
            errors["gave_up_after_retries"] = value
    return dict(sorted(errors.items()))


def run_summary(stats: dict[str, Any], *, spider: str, output: str | None, duration: float) -> dict[str, Any]:
    return {
        "spider": spider,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "duration_seconds": round(duration, 1),
        "finish_reason": stats.get("finish_reason"),
        "pages_fetched": stats.get("downloader/response_count", 0),
        "articles_written": stats.get(WRITTEN, 0),
        "duplicates_dropped": stats.get(DUPLICATES, 0),
        "already_known": stats.get("zonenews/state/known_skipped", 0),
        "pages_skipped": skipped_by_reason(stats),
        "errors": errors_by_kind(stats),
        "bounded": {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("zonenews/bounded/")},
        "output": output,
    }


class RunSummary:
    """Write `<output>.summary.json` (or ZONENEWS_SUMMARY_OUTPUT) when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started = time.monotonic()
        settings = crawler.settings
        self.output = settings.get("ZONENEWS_OUTPUT")
        self.target = settings.get("ZONENEWS_SUMMARY_OUTPUT") or (
            sidecar_path(self.output, "summary").removesuffix(".jsonl") + ".json"
            if self.output and self.output != "-" else None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        stats.setdefault("finish_reason", reason)
        summary = run_summary(stats, spider=getattr(spider, "profile", None) or spider.name, output=self.output,
                              duration=time.monotonic() - self.started)
        if self.crawler.stats:
            self.crawler.stats.set_value("zonenews/summary", summary)
        if not self.target:
            return
        path = Path(self.target)
        tmp = path.with_name(path.name + ".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", "utf-8")
            os.replace(tmp, path)  # a reader never sees half a summary
        except OSError as exc:
            logger.warning("cannot write the run summary %s: %s", path, exc)
