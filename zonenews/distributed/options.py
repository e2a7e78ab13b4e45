"""The settings a crawl runs with as one worker of a shared crawl in Redis.

No command line here: the command layer (zonenews/commands/crawl.py) reads its options, calls
these functions, and turns a RedisConfigError into its one-line message.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider
from scrapy.settings import SETTINGS_PRIORITIES, Settings

from zonenews.distributed.errors import RedisConfigError
from zonenews.distributed.keys import CrawlKeys

URL_SETTING = "ZONENEWS_REDIS_URL"  # also the environment variable
PREFIX_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
SCRAPY_ROBOTS = "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"
CMDLINE = "cmdline"


def redis_url_of(settings: Settings, cli_url: str | None = None) -> str | None:
    """--redis, else a -s ZONENEWS_REDIS_URL, else $ZONENEWS_REDIS_URL, else the project setting."""
    if cli_url:
        return str(cli_url)
    if (settings.getpriority(URL_SETTING) or 0) >= SETTINGS_PRIORITIES[CMDLINE] and settings.get(URL_SETTING):
        return str(settings.get(URL_SETTING))
    return os.environ.get(URL_SETTING) or settings.get(URL_SETTING) or None


def check_options(url: str, prefix: str | None, idle_exit: float | None) -> None:
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise RedisConfigError(f"not a Redis URL: {url!r} (give redis://HOST:PORT/DB)")
    if not PREFIX_RE.match(prefix or ""):
        raise RedisConfigError(f"bad Redis key prefix {prefix!r}: use letters, digits, '_', '.', '-'")
    if idle_exit is not None and idle_exit < 0:
        raise RedisConfigError("--idle-exit must be 0 or more seconds")


def connect(url: str) -> Any:
    """A client of the crawl's Redis, checked with a PING."""
    import redis

    server = redis.Redis.from_url(url, socket_connect_timeout=10)
    try:
        server.ping()
    except redis.RedisError as exc:
        raise RedisConfigError(f"cannot reach Redis at {url}: {exc}") from None
    return server


def use_redis(settings: Settings, url: str, prefix: str | None = None,
              idle_exit: float | None = None) -> tuple[Any, CrawlKeys]:
    """Switch scheduler, dupefilter and duplicate index to the Redis at `url`; returns its client
    and the crawl's keys. `prefix` and `idle_exit` override their settings."""
    prefix = prefix or settings.get("ZONENEWS_REDIS_PREFIX")
    check_options(url, prefix, idle_exit)
    server = connect(url)
    scheduler = {
        URL_SETTING: url,
        "ZONENEWS_REDIS_PREFIX": prefix,
        "REDIS_URL": url,
        "SCHEDULER": "zonenews.distributed.scheduler.RedisScheduler",
        "SCHEDULER_QUEUE_CLASS": "zonenews.distributed.queue.LeasedPriorityQueue",
        "SCHEDULER_SERIALIZER": "zonenews.distributed.serializer",  # JSON: no pickle from Redis
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "REDIS_START_URLS_KEY": f"{prefix}:start_urls",
    }
    for name, value in scheduler.items():
        settings.set(name, value, priority=CMDLINE)
    _add_components(settings)
    if idle_exit is not None:
        settings.set("ZONENEWS_REDIS_IDLE_EXIT", idle_exit, priority=CMDLINE)
    # Redis holds this crawl's state (seen URLs, kept bodies); a per-machine run-state file would
    # be shared by the workers of one machine and disagree between machines.
    if (settings.getpriority("ZONENEWS_STATE") or 0) < SETTINGS_PRIORITIES[CMDLINE]:
        settings.set("ZONENEWS_STATE", "", priority=CMDLINE)
    return server, CrawlKeys(prefix)


def _add_components(settings: Settings) -> None:
    """The lease pipeline after every item pipeline; robots.txt shared by every waiting request."""
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    pipelines["zonenews.distributed.pipeline.LeasePipeline"] = max(
        [1000, *(int(v) + 1 for v in pipelines.values() if v)])
    settings.set("ITEM_PIPELINES", pipelines, priority=CMDLINE)
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    if middlewares.get(SCRAPY_ROBOTS, 100) is not None:  # unless the robots middleware was turned off
        order = middlewares.pop(SCRAPY_ROBOTS, None) or 100
        middlewares.update({SCRAPY_ROBOTS: None, "zonenews.middlewares.SharedRobotsTxtMiddleware": order})
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority=CMDLINE)


def spider_class(settings: Settings) -> type[Spider]:
    """The zone spider, or its distributed worker once use_redis() has run on these settings."""
    if settings.get(URL_SETTING):
        from zonenews.distributed.spider import RedisZoneSpider

        return RedisZoneSpider
    from zonenews.spiders.zone import ZoneSpider

    return ZoneSpider
