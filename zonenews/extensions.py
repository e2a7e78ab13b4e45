"""Scrapy extensions: the run summary written when a crawl ends (with what went wrong, said once),
and the redirects the run state remembers."""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from zonenews.export import sidecar_path
from zonenews.stats import DUPLICATES, WRITTEN, skipped_by_reason

logger = logging.getLogger(__name__)

# Refusals are rules of the crawl (robots.txt, the host boundary), not failures of the site.
REFUSAL_EXCEPTIONS = ("IgnoreRequest",)
NETWORK_ERRORS = {  # download exception kind (Scrapy's own, or Twisted's) -> what an operator reads
    "CannotResolveHostError": "DNS lookup failed (no such host)", "DNSLookupError": "DNS lookup failed (no such host)",
    "DownloadConnectionRefusedError": "connection refused", "ConnectionRefusedError": "connection refused",
    "DownloadTimeoutError": "timed out", "TimeoutError": "timed out", "TCPTimedOutError": "timed out",
    "DownloadFailedError": "download failed", "ResponseDataLossError": "connection lost mid-response",
    "ConnectionLost": "connection lost", "ResponseNeverReceived": "no response", "ConnectError": "cannot connect",
}
# Scrapy logs each request that failed for good at ERROR, the robots.txt one with a traceback; the
# run summary says what went wrong once, so these become one INFO line each.
NOISY_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")


def errors_by_kind(stats: dict[str, Any]) -> dict[str, int]:
    """Download exceptions, HTTP error statuses (robots.txt's own not included) and spider exceptions."""
    errors: dict[str, int] = {}
    for key, value in stats.items():
        kind = key.rsplit("/", 1)[-1]
        if key.startswith("downloader/exception_type_count/"):
            if kind.rsplit(".", 1)[-1] not in REFUSAL_EXCEPTIONS:
                errors[kind.rsplit(".", 1)[-1]] = value
        elif key.startswith("downloader/response_status_count/") and kind[:1] in "45":
            errors["http_" + kind] = value - stats.get(f"robotstxt/response_status_count/{kind}", 0)
        elif key.startswith("spider_exceptions/"):
            errors[kind] = value
        elif key == "retry/max_reached":
            errors["gave_up_after_retries"] = value
    return dict(sorted((k, v) for k, v in errors.items() if v > 0))


def refusals(stats: dict[str, Any]) -> dict[str, int]:
    """Requests the crawl's own rules stopped: robots.txt and hosts outside the crawl."""
    found = {"robots_txt": stats.get("robotstxt/forbidden", 0), "offsite": stats.get("zonenews/offsite_requests", 0)}
    return {k: v for k, v in found.items() if v}


def failed_requests(stats: dict[str, Any]) -> dict[str, int]:
    """Requests that gave no page for good (after retries), by reason, as the spider counts them."""
    return {k: v for k, v in skipped_by_reason(stats).items() if k in ("download_error", "timeout") or k.startswith("http_")}


def pages_received(stats: dict[str, Any]) -> int:
    """Pages the site answered with a success status (robots.txt not counted)."""
    http_failed = sum(v for k, v in failed_requests(stats).items() if k.startswith("http_"))
    return stats.get("response_received_count", 0) - stats.get("robotstxt/response_count", 0) - http_failed


def network_reason(stats: dict[str, Any]) -> str:
    """The most frequent download failure in words ('connection refused'), else the HTTP statuses."""
    kinds = {k: v for k, v in errors_by_kind(stats).items() if k in NETWORK_ERRORS}
    if kinds:
        return NETWORK_ERRORS[max(sorted(kinds), key=kinds.__getitem__)]
    failed = failed_requests(stats)
    return ", ".join(f"{k} {v}" for k, v in failed.items()) or "robots.txt refuses every page"


def run_problem(stats: dict[str, Any], *, start_urls: list[str], max_error_share: float) -> str | None:
    """Why a finished crawl failed (nothing fetched, or too many failed requests); None when it did not."""
    failed = sum(failed_requests(stats).values())
    received = pages_received(stats)
    if received <= 0 and (failed or refusals(stats).get("robots_txt")):
        where = ", ".join(start_urls[:3]) + (" ..." if len(start_urls) > 3 else "")
        return f"nothing could be fetched from {where}: {network_reason(stats)}"
    if received > 0 and failed / (failed + received) > max_error_share:
        return (f"{failed} of {failed + received} requests failed ({network_reason(stats)}), more than "
                f"ZONENEWS_MAX_ERROR_SHARE={max_error_share:g}")
    return None


def run_summary(stats: dict[str, Any], *, spider: str, output: str | None, duration: float) -> dict[str, Any]:
    return {
        "spider": spider,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "duration_seconds": round(duration, 1),
        "finish_reason": stats.get("finish_reason"),
        "problem": stats.get("zonenews/problem"),
        "pages_fetched": stats.get("downloader/response_count", 0),
        "articles_written": stats.get(WRITTEN, 0),
        "duplicates_dropped": stats.get(DUPLICATES, 0),
        "already_known": stats.get("zonenews/state/known_skipped", 0),
        "pages_skipped": skipped_by_reason(stats),
        "refused": refusals(stats),
        "errors": errors_by_kind(stats),
        "bounded": {k.rsplit("/", 1)[-1]: v for k, v in stats.items() if k.startswith("zonenews/bounded/")},
        "output": output,
        "state": stats.get("zonenews/state/path"),
    }


class _OneLineInfo(logging.Filter):
    """ERROR records of a failed download become INFO, without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.ERROR:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
        return True


def quiet_download_errors() -> None:
    for name in NOISY_LOGGERS:
        log = logging.getLogger(name)
        if not any(isinstance(f, _OneLineInfo) for f in log.filters):
            log.addFilter(_OneLineInfo())


class RunSummary:
    """Write `<output>.summary` (JSON; or ZONENEWS_SUMMARY_OUTPUT) when the spider closes, beside the
    records: our own output or the first local Scrapy feed (scrapyd's items file). A run that
    failed gets its `problem` in the summary, in the stats and as one ERROR log line."""

    def __init__(self, crawler: Crawler) -> None:
        from zonenews.pipelines import _feed_target

        self.crawler = crawler
        self.started = time.monotonic()
        settings = crawler.settings
        self.output = _feed_target(settings)
        self.target = settings.get("ZONENEWS_SUMMARY_OUTPUT") or sidecar_path(self.output or "", "summary")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        quiet_download_errors()
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        stats.setdefault("finish_reason", reason)
        if reason == "finished":
            problem = run_problem(stats, start_urls=list(getattr(spider, "start_urls", [])),
                                  max_error_share=self.crawler.settings.getfloat("ZONENEWS_MAX_ERROR_SHARE"))
            if problem:
                logger.error(problem)
                stats["zonenews/problem"] = problem
                self.crawler.stats.set_value("zonenews/problem", problem)
        summary = run_summary(stats, spider=getattr(spider, "profile", None) or spider.name, output=self.output,
                              duration=time.monotonic() - self.started)
        if self.crawler.stats:
            self.crawler.stats.set_value("zonenews/summary", summary)
        if self.target:
            write_json(Path(self.target), summary)


def write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
        os.replace(tmp, path)  # a reader never sees half a summary
    except OSError as exc:
        logger.warning("cannot write the run summary %s: %s", path, exc)


class RedirectAliases:
    """Tell the run state which URLs redirected to a page, so that once the page's record is
    committed a rerun knows those URLs too and does not fetch the article again through them."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def response_received(self, response: Response, request: Request) -> None:
        sources = request.meta.get("redirect_urls")
        if not sources:
            return
        from zonenews.dedup.state import open_state

        state = open_state(self.crawler.settings)
        if state is not None:
            state.note_redirect(response.url, sources)
