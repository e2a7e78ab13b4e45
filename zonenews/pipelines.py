"""The item pipeline chain: extract -> clean -> dedup -> export.

A crawl runs these as Scrapy item pipelines; `zonenews clean`, `eval`, `check` and `explain` run
the very same classes through `zonenews.chain.Chain`. Every pipeline is built by `from_settings(settings,
stats)`, so both paths construct them one way.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings
from w3lib.url import file_uri_to_path

from zonenews.clean.verdict import judge
from zonenews.dedup import make_index
from zonenews.dedup.state import open_state
from zonenews.export import JsonLinesWriter, OutputError, sidecar_path
from zonenews.extract import extract_tree
from zonenews.extract.page import UnreadablePage, load_page
from zonenews.feeds import JSON_LINES_FORMATS
from zonenews.items import ExtractedItem, PageItem
from zonenews.stats import DUPLICATES, SKIPPED, WRITTEN, Stats

logger = logging.getLogger(__name__)


class PageSkipped(DropItem):
    """A page that is no article (or no page): `reason` is what it is counted under."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"skipped ({reason}): {url}", log_level="DEBUG")
        self.reason = reason


class Duplicate(DropItem):
    reason = "duplicate"


def skip(stats: Stats, reason: str, url: str) -> PageSkipped:
    """Count a skipped page under its reason and make the DropItem that stops it."""
    stats.inc_value(SKIPPED + reason)
    return PageSkipped(reason, url)


class _Pipeline:
    def __init__(self, settings: BaseSettings, stats: Stats) -> None:
        self.settings = settings
        self.stats = stats

    @classmethod
    def from_settings(cls, settings: BaseSettings, stats: Stats) -> Self:
        return cls(settings, stats)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        return cls.from_settings(crawler.settings, crawler.stats)


class ExtractPipeline(_Pipeline):
    """PageItem -> ExtractedItem: decode, parse once, read the raw fields."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        try:
            if item.tree is None:
                item.tree = load_page(item.body, item.content_type).tree
            raw = extract_tree(item.tree, item.url, date.today(), item.meta.get("selectors"))
        except UnreadablePage as exc:
            raise skip(self.stats, exc.reason, item.url) from None
        except (ValueError, RecursionError) as exc:  # lxml gives up on some binary or absurd markup
            logger.debug("unparseable page %s: %s", item.url, exc)
            raise skip(self.stats, "unparseable", item.url) from None
        item.tree = None  # free the tree; the raw fields are all we need from here on
        return ExtractedItem(page=item, raw=raw)


class CleanPipeline(_Pipeline):
    """ExtractedItem -> record dict: boilerplate and in-page repeats out, fields normalised."""

    def __init__(self, settings: BaseSettings, stats: Stats) -> None:
        super().__init__(settings, stats)
        from zonenews.gazetteer import Gazetteer

        self.gazetteer = Gazetteer.load()
        self.allow_undated = settings.getbool("ZONENEWS_ALLOW_UNDATED")

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ExtractedItem):
            return item
        page = item.page
        verdict = judge(item.raw, page.text, zone=page.zone, crawled_at=page.fetched_at,
                        allow_undated=self.allow_undated)
        page.text = None  # the second opinion was the last reader of the HTML
        if verdict.record is None:
            raise skip(self.stats, verdict.reason or "not_article", page.url)
        self.stats.inc_value(f"zonenews/body_from/{verdict.winner}")
        record = verdict.record
        record["zones_mentioned"] = self.gazetteer.mentioned(f"{record['title']}\n{record['body']}")
        return record


class DedupPipeline(_Pipeline):
    """Drop a record whose body was already emitted, in this run or (with a state) an earlier
    one; log it to the duplicates sidecar."""

    def __init__(self, settings: BaseSettings, stats: Stats) -> None:
        super().__init__(settings, stats)
        self.index = make_index(settings)
        self.state = open_state(settings)
        self.full = settings.getbool("ZONENEWS_FULL")
        output = settings.get("ZONENEWS_OUTPUT")
        if self.state is not None and output and output != "-" and not settings.getbool("ZONENEWS_OUTPUT_OVERWRITE"):
            self.state.reconcile(Path(output))  # before seeding: lines a killed run wrote count too
        if self.state is not None and not self.full and not len(self.index):
            limit = settings.getint("ZONENEWS_STATE_MAX_SIGNATURES", 200_000)
            for url, digest, signature in self.state.signatures(limit):
                self.index.add_signature(url, digest, signature)
        self.sidecar: JsonLinesWriter | None = None
        self.sidecar_target = settings.get("ZONENEWS_DUPLICATES_OUTPUT") or sidecar_path(
            _feed_target(settings) or "")

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, dict) or "content_hash" not in item:
            return item
        found = self.index.check_and_add(item["url"], item["body"])
        if self.state is not None:
            previous = self.state.stored_hash(item["url"]) if self.full else None
            if previous and previous != item["content_hash"]:
                self.stats.inc_value("zonenews/state/changed")
            self.state.stage(item["url"], item["content_hash"], "emitted" if found is None else "duplicate",
                             self.index.signature_of(item["url"]) if found is None else None)
        if found is None:
            return item
        self.stats.inc_value(DUPLICATES)
        if self.sidecar_target:
            if self.sidecar is None:
                self.sidecar = JsonLinesWriter(self.sidecar_target,
                                               overwrite=self.settings.getbool("ZONENEWS_OUTPUT_OVERWRITE"))
            self.sidecar.write({"url": item["url"], "duplicate_of": found.duplicate_of,
                                "similarity": found.similarity})
        raise Duplicate(f"duplicate of {found.duplicate_of}: {item['url']}", log_level="DEBUG")

    def close_spider(self) -> None:
        if self.sidecar is not None:
            self.sidecar.close()


class ExportPipeline(_Pipeline):
    """Write records to ZONENEWS_OUTPUT as JSON Lines (Scrapy's -o/-O feeds work as well), and commit
    each record to the run state only once it is written, whichever writer wrote it.

    Offline (zonenews clean) the commit follows our own write. In a crawl it waits for item_scraped:
    Scrapy sends it after this pipeline returns and after the feed exporter (an extension, so its
    receiver was connected first) has written the item through zonenews.feeds' unbuffered storage.
    A kill between write and commit leaves a record the state misses; an appended output is
    reconciled into the state on the next start, so it is neither lost nor repeated.
    """

    crawler: Any = None
    closing = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        pipeline = super().from_crawler(crawler)
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.item_written, signal=signals.item_scraped)
        return pipeline

    def __init__(self, settings: BaseSettings, stats: Stats) -> None:
        super().__init__(settings, stats)
        self.writer: JsonLinesWriter | None = None
        self.state = open_state(settings)
        self.target = settings.get("ZONENEWS_OUTPUT")
        self.overwrite = settings.getbool("ZONENEWS_OUTPUT_OVERWRITE")
        if self.target and (self.overwrite or self.target == "-"):
            self.writer = JsonLinesWriter(self.target, overwrite=self.overwrite)  # -O replaces the file now
        if self.state is not None:
            for feed in _appended_jsonl_feeds(settings):  # ZONENEWS_OUTPUT is reconciled by DedupPipeline
                self.state.reconcile(Path(feed))

    def open_spider(self) -> None:
        """Say which state this run reads and updates: `scrapy crawl` and scrapyd jobs find theirs by
        ZONENEWS_STATE relative to their working folder, which is easy to get wrong."""
        if self.state is None:
            logger.info("run state: none (every article is fetched and emitted)")
            return
        self.stats.set_value("zonenews/state/path", str(self.state.path))
        logger.info("run state: %s (%d article URLs known from earlier runs)", self.state.path, len(self.state))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, dict) and "content_hash" in item:
            if self.target:
                self._write(item)
            if self.state is not None and self.crawler is None:
                self.state.commit(item["url"])  # offline: the line is on disk now
            self.stats.inc_value(WRITTEN)
        return item

    def _write(self, item: dict) -> None:
        try:
            if self.writer is None:  # opened on the first record: a run with nothing new leaves no file
                self.writer = JsonLinesWriter(self.target, overwrite=self.overwrite)
            self.writer.write(item)
        except OutputError as exc:  # a full disk, a closed pipe: stop rather than lose every record
            if self.crawler is None:
                raise  # zonenews clean: run_chain reports it and exits 1
            self.stats.set_value("zonenews/output_error", exc.strerror)
            if not self.closing:
                self.closing = True
                _schedule(self.crawler.engine.close_spider_async(reason="output_error"))
            raise DropItem(f"not written: {exc.strerror}") from None

    def item_written(self, item: Any) -> None:
        """item_scraped: every writer has the record, so the state may say so."""
        if self.state is not None and isinstance(item, dict) and "content_hash" in item:
            self.state.commit(item["url"])

    def close_spider(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _schedule(coro: Any) -> None:
    from scrapy.utils.defer import deferred_from_coro

    deferred_from_coro(coro)


def _local_feeds(settings: BaseSettings) -> list[tuple[str, dict]]:
    """Scrapy FEEDS that are local files: (path, feed options), in the order given."""
    feeds = []
    for uri, options in settings.getdict("FEEDS").items():
        uri = str(uri)
        if uri.startswith("file://"):
            feeds.append((file_uri_to_path(uri), dict(options or {})))
        elif "://" not in uri and uri != "-" and not uri.startswith("stdout:"):
            feeds.append((uri, dict(options or {})))
    return feeds


def _appended_jsonl_feeds(settings: BaseSettings) -> list[str]:
    """Local JSON Lines feeds opened for appending (-o): their lines may be ahead of the state."""
    return [path for path, options in _local_feeds(settings)
            if not options.get("overwrite") and options.get("format") in JSON_LINES_FORMATS]


def _feed_target(settings: BaseSettings) -> str | None:
    """Where records go: our own output, else the first local file among Scrapy FEEDS."""
    if settings.get("ZONENEWS_OUTPUT"):
        return str(settings.get("ZONENEWS_OUTPUT"))
    feeds = _local_feeds(settings)
    return feeds[0][0] if feeds else None
