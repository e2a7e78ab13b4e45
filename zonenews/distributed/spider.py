"""Crawling past one machine: N worker processes share one frontier and one duplicate index in Redis.

``zonenews crawl URL... --redis redis://HOST:PORT/DB -o partN.jsonl`` (or env/setting
``ZONENEWS_REDIS_URL``) runs this process as one worker of a shared crawl:

* scheduler and request dupefilter are scrapy-redis's (the scheduler subclassed here to lease
  what it pops, see below), so every request of the crawl is fetched once by whichever worker
  pops it;
* the cross-page duplicate index is :class:`zonenews.dedup.redis_index.RedisDuplicateIndex`, so
  every article is written once, by one worker, into that worker's own part file;
* start URLs given on several workers' command lines are seeded once (one atomic SADD per URL on
  ``P:seeded``); ``--seed-only`` queues them on ``P:start_urls`` (the scrapy-redis ``redis_key``
  convention) for workers started without URLs;
* the hosts a crawl may follow are shared (``P:hosts``), so a worker that did not see the start
  URLs follows the same links;
* a worker exits once the shared frontier (queued requests, queued start URLs, and requests that
  other workers are still processing) has stayed empty for ``--idle-exit`` seconds.

Leases: scrapy-redis pops a request off the shared queue and forgets it; a worker killed with
requests in flight would lose them for good (they stay in the dupefilter, so nobody fetches them
again). Here a pop moves the request atomically (Lua) into the worker's in-flight hash
``P:inflight:<worker>``; the lease is released when the page's callback has run and every item it
yielded has left the item pipelines (written or dropped), when the download fails, or when the
request is re-queued (redirect, retry). Each worker refreshes a heartbeat key ``P:worker:<id>``
(TTL ``ZONENEWS_REDIS_WORKER_TTL``); any worker that finds a registered worker without heartbeat
puts that worker's leased requests back on the queue. See docs/distributed.md.

``P`` is the key prefix, ``--redis-prefix`` / ``ZONENEWS_REDIS_PREFIX`` (default ``zone``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import re
import socket
import sys
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import SETTINGS_PRIORITIES, Settings

ENV_URL = "ZONENEWS_REDIS_URL"
DEFAULT_PREFIX = "zone"
DEFAULT_IDLE_EXIT = 60.0
DEFAULT_WORKER_TTL = 30.0
DEFAULT_POLL = 0.5
SCRAPY_ROBOTS = "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"
PREFIX_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

LEASE = "zonenews_lease"   # request meta: the in-flight token of the worker that popped it
LOCAL = "zonenews_local"   # request meta: already popped from Redis, hand it to this engine
ZONE = "zonenews_zone"     # request meta: the zone of the crawl the request belongs to

logger = logging.getLogger(__name__)


# -- command line -----------------------------------------------------------------------------

def add_redis_options(parser: argparse.ArgumentParser) -> None:
    """Command-line options of a distributed crawl."""
    g = parser.add_argument_group("distributed crawl (scrapy-redis; see docs/distributed.md)")
    g.add_argument("--redis", metavar="URL", help=(
        f"share the crawl with other workers through Redis at URL, e.g. redis://10.0.0.5:6379/0 "
        f"(default: ${ENV_URL} or the {ENV_URL} setting); give each worker its own -o file"))
    g.add_argument("--redis-prefix", metavar="PREFIX", help=(
        f"prefix of the crawl's Redis keys (default: the ZONENEWS_REDIS_PREFIX setting, else "
        f"'{DEFAULT_PREFIX}'); one prefix = one crawl"))
    g.add_argument("--seed-only", action="store_true", help=(
        "queue the start URLs in Redis (PREFIX:start_urls) and exit; workers started without URLs "
        "take them from there"))
    g.add_argument("--idle-exit", type=float, metavar="SECONDS", help=(
        f"exit once the shared frontier has stayed empty this long; 0 waits for ever "
        f"(default: the ZONENEWS_REDIS_IDLE_EXIT setting, else {DEFAULT_IDLE_EXIT:g})"))
    g.add_argument("--redis-reset", action="store_true", help=(
        "delete the crawl's keys (queue, seen URLs, duplicate index) first; refused while workers run"))


def redis_url_of(settings: Settings, args: argparse.Namespace | None = None) -> str | None:
    """--redis, else a -s ZONENEWS_REDIS_URL, else $ZONENEWS_REDIS_URL, else the project setting."""
    if args is not None and getattr(args, "redis", None):
        return str(args.redis)
    if (settings.getpriority(ENV_URL) or 0) >= SETTINGS_PRIORITIES["cmdline"] and settings.get(ENV_URL):
        return str(settings.get(ENV_URL))
    return os.environ.get(ENV_URL) or settings.get(ENV_URL) or None


def apply_redis_settings(settings: Settings, args: argparse.Namespace) -> None:
    """Switch scheduler, dupefilter and duplicate index to Redis when asked to."""
    from zonenews.commands import UsageError

    url = redis_url_of(settings, args)
    if not url:
        for flag in ("seed_only", "redis_reset", "idle_exit", "redis_prefix"):
            if getattr(args, flag, None) not in (None, False):
                raise UsageError(f"--{flag.replace('_', '-')} needs --redis URL (or ${ENV_URL})")
        return
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise UsageError(f"not a Redis URL: {url!r} (give redis://HOST:PORT/DB)")
    prefix = getattr(args, "redis_prefix", None) or settings.get("ZONENEWS_REDIS_PREFIX") or DEFAULT_PREFIX
    if not PREFIX_RE.match(prefix):
        raise UsageError(f"bad Redis key prefix {prefix!r}: use letters, digits, '_', '.', '-'")
    idle_exit = getattr(args, "idle_exit", None)
    if idle_exit is not None and idle_exit < 0:
        raise UsageError("--idle-exit must be 0 or more seconds")

    import redis

    server = redis.Redis.from_url(url, socket_connect_timeout=10)
    try:
        server.ping()
    except redis.RedisError as exc:
        raise UsageError(f"cannot reach Redis at {url}: {exc}") from None

    cmdline = "cmdline"
    redis_settings = {
        ENV_URL: url,
        "ZONENEWS_REDIS_PREFIX": prefix,
        "REDIS_URL": url,
        "SCHEDULER": "zonenews.distributed.RedisScheduler",
        "SCHEDULER_QUEUE_CLASS": "zonenews.distributed.LeasedPriorityQueue",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "REDIS_START_URLS_KEY": f"{prefix}:start_urls",
    }
    for name, value in redis_settings.items():
        settings.set(name, value, priority=cmdline)
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    pipelines["zonenews.distributed.LeasePipeline"] = max([1000, *(int(v) + 1 for v in pipelines.values() if v)])
    settings.set("ITEM_PIPELINES", pipelines, priority=cmdline)
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    if middlewares.get(SCRAPY_ROBOTS, 100) is not None:  # unless the robots middleware was turned off
        order = middlewares.pop(SCRAPY_ROBOTS, None) or 100
        middlewares.update({SCRAPY_ROBOTS: None, "zonenews.middlewares.SharedRobotsTxtMiddleware": order})
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority=cmdline)
    if idle_exit is not None:
        settings.set("ZONENEWS_REDIS_IDLE_EXIT", idle_exit, priority=cmdline)
    # Redis holds this crawl's state (seen URLs, kept bodies); a per-machine run-state file would
    # be shared by the workers of one machine and disagree between machines.
    if (settings.getpriority("ZONENEWS_STATE") or 0) < SETTINGS_PRIORITIES[cmdline]:
        settings.set("ZONENEWS_STATE", "", priority=cmdline)

    keys = CrawlKeys(prefix)
    if getattr(args, "redis_reset", False):
        try:
            removed = reset_crawl(server, keys)
        except RuntimeError as exc:
            raise UsageError(str(exc)) from None
        print(f"reset crawl '{prefix}': {removed} keys deleted", file=sys.stderr)
    if getattr(args, "seed_only", False):
        urls = _start_urls_of(args)
        if not urls:
            raise UsageError("--seed-only needs at least one start URL")
        queued = seed_start_urls(server, keys, urls, zone=getattr(args, "zone", None),
                                 allowed_hosts=getattr(args, "allow_host", None) or [])
        print(f"queued {queued} start URLs on {keys.start_urls} at {url}", file=sys.stderr)
        raise SystemExit(0)


def _start_urls_of(args: argparse.Namespace) -> list[str]:
    urls = getattr(args, "urls", None)
    if urls is None:  # start URLs and profile names share one positional
        urls = [t for t in getattr(args, "targets", None) or [] if "://" in t]
    return list(urls)


def spider_class(settings: Settings) -> type[Spider]:
    from zonenews.spiders.zone import ZoneSpider

    if settings.get(ENV_URL):
        return globals().get("RedisZoneSpider") or __getattr__("RedisZoneSpider")
    return ZoneSpider


# -- keys, seeding, reset ---------------------------------------------------------------------

class CrawlKeys:
    """The Redis keys of one crawl."""

    def __init__(self, prefix: str = DEFAULT_PREFIX) -> None:
        self.prefix = prefix
        self.requests = f"{prefix}:requests"        # zset: pickled requests, score -priority (scrapy-redis)
        self.dupefilter = f"{prefix}:dupefilter"    # set: request fingerprints (scrapy-redis)
        self.start_urls = f"{prefix}:start_urls"    # list: queued start URLs, JSON (scrapy-redis redis_key)
        self.seeded = f"{prefix}:seeded"            # set: start URLs already seeded
        self.hosts = f"{prefix}:hosts"              # set: hosts the crawl may follow
        self.workers = f"{prefix}:workers"          # hash: worker id -> JSON info

    def heartbeat(self, worker: str) -> str:
        return f"{self.prefix}:worker:{worker}"     # str with TTL: the worker is alive

    def inflight(self, worker: str) -> str:
        return f"{self.prefix}:inflight:{worker}"   # hash: lease token -> "score:request"


def _host(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


def seed_start_urls(server: Any, keys: CrawlKeys, urls: Iterable[str], zone: str | None = None,
                    allowed_hosts: Iterable[str] = ()) -> int:
    """Queue start URLs on PREFIX:start_urls (and their hosts on PREFIX:hosts); returns how many."""
    from zonenews.spiders.links import canonical_url

    urls = [canonical_url(u) for u in urls]
    hosts = {_host(u) for u in urls} | {h.lower() for h in allowed_hosts}
    meta: dict[str, Any] = {"hops": 0, "list_hops": 0}
    if zone:
        meta[ZONE] = zone
    with server.pipeline(transaction=True) as pipe:
        if hosts:
            pipe.sadd(keys.hosts, *sorted(hosts))
        for url in urls:
            pipe.rpush(keys.start_urls, json.dumps({"url": url, "meta": meta}, ensure_ascii=False))
        pipe.execute()
    return len(urls)


def live_workers(server: Any, keys: CrawlKeys) -> list[str]:
    ids = [w.decode() if isinstance(w, bytes) else w for w in server.hkeys(keys.workers)]
    with server.pipeline(transaction=False) as pipe:
        for worker in ids:
            pipe.exists(keys.heartbeat(worker))
        alive = pipe.execute()
    return [w for w, a in zip(ids, alive, strict=True) if a]


def reset_crawl(server: Any, keys: CrawlKeys) -> int:
    """Delete every key of the crawl; refuses while a worker is alive. Returns how many were deleted."""
    alive = live_workers(server, keys)
    if alive:
        raise RuntimeError(f"refusing to reset crawl '{keys.prefix}': {len(alive)} workers still running "
                           f"({', '.join(alive[:3])})")
    removed = 0
    batch: list[bytes] = []
    for key in server.scan_iter(match=f"{keys.prefix}:*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            removed += server.unlink(*batch)
            batch = []
    if batch:
        removed += server.unlink(*batch)
    return int(removed)


# -- workers: heartbeat, leases, recovery -----------------------------------------------------

# KEYS: queue, in-flight hash; ARGV: lease token. Pop the best request and lease it, atomically.
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. ':' .. r[1])
return r[1]
"""

# KEYS: dupefilter, queue; ARGV: fingerprint ('' for dont_filter), score, request.
# Queue a request unless its fingerprint is known, atomically (scrapy-redis: SADD, then ZADD).
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# KEYS: dead worker's in-flight hash, queue, workers hash, dead worker's heartbeat; ARGV: worker id.
# Put a dead worker's leased requests back on the queue, atomically (-1: it is alive after all).
_RECOVER = """
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local entries = redis.call('HVALS', KEYS[1])
for _, v in ipairs(entries) do
  local sep = string.find(v, ':', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(v, 1, sep - 1), string.sub(v, sep + 1))
end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return #entries
"""


class Worker:
    """This process as one worker of a shared crawl: its heartbeat, its leases, its peers."""

    def __init__(self, server: Any, keys: CrawlKeys, ttl: float = DEFAULT_WORKER_TTL) -> None:
        self.server = server
        self.keys = keys
        self.ttl = max(1.0, float(ttl))
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.inflight = keys.inflight(self.id)
        self._tokens = itertools.count(1)
        self._pop = server.register_script(_POP)
        self._recover = server.register_script(_RECOVER)

    def join(self, info: dict[str, Any]) -> None:
        self.server.hset(self.keys.workers, self.id, json.dumps(info, ensure_ascii=False))
        self.beat()

    def beat(self) -> None:
        with self.server.pipeline(transaction=False) as pipe:
            pipe.set(self.keys.heartbeat(self.id), int(time.time()), px=int(self.ttl * 1000))
            pipe.hsetnx(self.keys.workers, self.id, "{}")  # back in the registry after a false death
            pipe.execute()

    def leave(self) -> None:
        with self.server.pipeline(transaction=True) as pipe:
            pipe.delete(self.inflight, self.keys.heartbeat(self.id))
            pipe.hdel(self.keys.workers, self.id)
            pipe.execute()

    def pop(self, queue_key: str) -> tuple[bytes, str] | None:
        """Pop the best queued request and lease it to this worker: (encoded request, token)."""
        token = str(next(self._tokens))
        data = self._pop(keys=[queue_key, self.inflight], args=[token])
        return (data, token) if data else None

    def release(self, token: str) -> None:
        self.server.hdel(self.inflight, token)

    def drop_leases(self) -> None:
        """Forget every lease (only when nothing is in progress here, so any left is stale)."""
        self.server.delete(self.inflight)

    def recover(self) -> int:
        """Re-queue the leased requests of registered workers whose heartbeat expired."""
        moved = 0
        for raw in self.server.hkeys(self.keys.workers):
            worker = raw.decode() if isinstance(raw, bytes) else raw
            if worker == self.id or self.server.exists(self.keys.heartbeat(worker)):
                continue
            n = int(self._recover(keys=[self.keys.inflight(worker), self.keys.requests, self.keys.workers,
                                        self.keys.heartbeat(worker)], args=[worker]))
            if n > 0:
                logger.warning("worker %s stopped without heartbeat: re-queued its %d in-flight requests",
                               worker, n)
                moved += n
        return moved

    def peers_in_flight(self) -> int:
        """Requests other workers have popped and not finished (their pages may yield new links)."""
        ids = [w for w in self.server.hkeys(self.keys.workers)
               if (w.decode() if isinstance(w, bytes) else w) != self.id]
        if not ids:
            return 0
        with self.server.pipeline(transaction=False) as pipe:
            for raw in ids:
                pipe.hlen(self.keys.inflight(raw.decode() if isinstance(raw, bytes) else raw))
            return int(sum(pipe.execute()))


# -- scheduler and spider --------------------------------------------------------------------
# Built on first use (see __getattr__ below): importing this module, which the CLI does for every
# command, imports neither scrapy-redis nor the spider.

def _build_classes() -> dict[str, type]:
    from scrapy.utils.defer import deferred_from_coro
    from scrapy.utils.misc import load_object
    from scrapy_redis.dupefilter import RFPDupeFilter
    from scrapy_redis.queue import PriorityQueue
    from scrapy_redis.scheduler import Scheduler
    from scrapy_redis.spiders import RedisMixin
    from twisted.internet import task

    from zonenews.middlewares import SharedRobotsTxtMiddleware
    from zonenews.spiders.links import canonical_url
    from zonenews.spiders.zone import ZoneSpider

    class LeasedPriorityQueue(PriorityQueue):
        """scrapy-redis's priority queue, whose pop leases the request to this worker."""

        def pop(self, timeout: int = 0) -> Request | None:
            worker: Worker | None = getattr(self.spider, "worker", None)
            if worker is None:
                return super().pop(timeout)
            popped = worker.pop(self.key)
            if popped is None:
                return None
            data, token = popped
            request = self._decode_request(data)
            request.meta[LEASE] = token
            if request.errback is None:
                request.errback = self.spider.release_on_error
            return request

    class RedisScheduler(Scheduler):
        """scrapy-redis's scheduler plus leases: a request pushed again (redirect, retry) gives back
        the lease of the request it came from, and a request woken into this engine skips Redis."""

        def open(self, spider: Spider) -> None:
            # Keys from this crawler's ZONENEWS_REDIS_PREFIX (not the global SCHEDULER_*_KEY), so that
            # crawlers of one process may run separate crawls.
            # (scrapy-redis's open() without its deprecated spider.log() call.)
            keys = CrawlKeys(spider.settings.get("ZONENEWS_REDIS_PREFIX") or DEFAULT_PREFIX)
            self.spider = spider
            self.queue = load_object(self.queue_cls)(server=self.server, spider=spider, key=keys.requests,
                                                     serializer=self.serializer)
            if not self.df:
                self.df = RFPDupeFilter(self.server, key=keys.dupefilter,
                                        debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
            if self.flush_on_start:
                self.flush()
            if len(self.queue):
                logger.info("resuming crawl '%s': %d requests queued", keys.prefix, len(self.queue))
            self._push = self.server.register_script(_PUSH)
            self.local: deque[Request] = deque()
            # scrapy-redis passes spider= to inc_value(), which Scrapy 2.19 warns about: count here.
            self.counts, self.stats = self.stats, None
            spider.redis_scheduler = self

        def enqueue_request(self, request: Request) -> bool:
            if request.meta.pop(LOCAL, False):
                self.local.append(request)
                return True
            token = request.meta.pop(LEASE, None)
            try:
                # Dupefilter and queue in one step: a worker killed between the two would leave a
                # URL marked seen that no one ever fetches, even after its page is fetched again.
                fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
                queued = bool(self._push(keys=[self.df.key, self.queue.key],
                                         args=[fingerprint, -request.priority, self.queue._encode_request(request)]))
                if not queued:
                    self.df.log(request, self.spider)
                elif self.counts is not None:
                    self.counts.inc_value("scheduler/enqueued/redis")
                return queued
            finally:  # the new request is queued (or a known URL): the one it came from is done
                if token is not None:
                    self.spider.worker.release(token)

        def next_request(self) -> Request | None:
            request = self.local.popleft() if self.local else super().next_request()
            if request is not None:
                if self.counts is not None:
                    self.counts.inc_value("scheduler/dequeued/redis")
                if hasattr(self.spider, "note_host"):
                    self.spider.note_host(request.url)
            return request

        def has_pending_requests(self) -> bool:
            return bool(self.local) or super().has_pending_requests()

        def queued(self) -> int:
            return int(self.server.zcard(self.queue.key))

        def close(self, reason: str) -> None:
            while self.local:  # woken into this engine but never started: back to the shared queue
                request = self.local.popleft()
                token = request.meta.pop(LEASE, None)
                self.queue.push(request)
                if token is not None:
                    self.spider.worker.release(token)
            super().close(reason)

    class RedisZoneSpider(RedisMixin, ZoneSpider):
        """The zone spider as one worker of a shared crawl: same links, bounds and items.

        ZoneSpider's bounds (pages per host, query variants) and its `seen` set stay per worker:
        the shared dupefilter keeps any URL from being fetched twice, and each worker stops
        following new links to a host after it has itself allowed ZONENEWS_MAX_PAGES_PER_HOST of them.
        """

        worker: Worker
        redis_scheduler: RedisScheduler | None = None

        def __init__(self, start_url: str | None = None, start_urls: list[str] | str | None = None,
                     **kwargs: Any) -> None:
            urls = [start_url] if start_url else []
            urls += [u for u in start_urls.split(",") if u] if isinstance(start_urls, str) else list(start_urls or [])
            # ZoneSpider wants a start URL; a worker may take all of its start URLs from Redis.
            super().__init__(start_urls=urls or ["http://start-urls.from-redis.invalid/"], **kwargs)
            if not urls:
                self.start_urls = []
                self.seen.clear()
                self.allowed_hosts.clear()
                self.allowed_domains = []
            self._own_hosts = set(self.allowed_hosts)
            self._hosts_checked = 0.0
            self._leases: dict[str, list[int]] = {}  # token -> [items in the pipelines, callback done]
            self._item_leases: dict[str, str] = {}    # URL of an item in the pipelines -> its page's token
            self._counted: set[int] = set()           # items item_written has counted already
            self._idle_since: float | None = None
            self._closing = False
            self._loop: Any = None

        @classmethod
        def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> RedisZoneSpider:
            spider = super().from_crawler(crawler, *args, **kwargs)
            settings = crawler.settings
            spider.keys = CrawlKeys(settings.get("ZONENEWS_REDIS_PREFIX") or DEFAULT_PREFIX)
            spider.redis_key = spider.keys.start_urls
            spider.setup_redis(crawler)  # RedisMixin: connection, PREFIX:start_urls, spider_idle signal
            spider.worker = Worker(spider.server, spider.keys,
                                   settings.getfloat("ZONENEWS_REDIS_WORKER_TTL", DEFAULT_WORKER_TTL))
            spider.idle_exit = settings.getfloat("ZONENEWS_REDIS_IDLE_EXIT", DEFAULT_IDLE_EXIT)
            spider.poll = settings.getfloat("ZONENEWS_REDIS_POLL", DEFAULT_POLL)
            for handler, signal in ((spider._opened, signals.spider_opened),
                                    (spider._closed, signals.spider_closed),
                                    (spider._item_done, signals.item_scraped),
                                    (spider._item_done, signals.item_dropped),
                                    (spider._item_done, signals.item_error)):
                crawler.signals.connect(handler, signal=signal)
            return spider

        # -- lifecycle ---------------------------------------------------------------------
        def _opened(self, spider: Spider) -> None:
            self.worker.join({"host": socket.gethostname(), "pid": os.getpid(), "started": int(time.time()),
                              "output": self.crawler.settings.get("ZONENEWS_OUTPUT")})
            recovered = self.worker.recover()
            if recovered:
                self.crawler.stats.inc_value("zonenews/redis/recovered", recovered)
            if self._own_hosts:
                self.server.sadd(self.keys.hosts, *sorted(self._own_hosts))
            self._refresh_hosts()
            logger.info("worker %s joined crawl '%s' (%d requests queued)", self.worker.id, self.keys.prefix,
                        self.server.zcard(self.keys.requests))
            self._next_beat = time.monotonic() + self.worker.ttl / 3
            self._loop = task.LoopingCall(self._tick)
            self._loop.start(self.poll, now=False).addErrback(
                lambda f: logger.error("distributed crawl watcher stopped: %s", f.value))

        def _closed(self, spider: Spider, reason: str) -> None:
            if self._loop is not None and self._loop.running:
                self._loop.stop()
            # Everything this engine started has finished by now; queued requests stay in Redis.
            self.worker.leave()

        async def start(self) -> AsyncIterator[Any]:
            if self.start_urls:
                fresh = {url for url in self.start_urls if self.server.sadd(self.keys.seeded, url)}
                self.crawler.stats.inc_value("zonenews/redis/seeded", len(fresh))
                if len(fresh) < len(self.start_urls):
                    logger.info("%d of %d start URLs were seeded by another worker already",
                                len(self.start_urls) - len(fresh), len(self.start_urls))
                for request in ZoneSpider.start_requests(self):
                    if request.url in fresh:
                        yield self._start_request(request.url, request.meta)
            for request in self.next_requests():  # RedisMixin: start URLs queued on PREFIX:start_urls
                yield request

        def _start_request(self, url: str, meta: dict[str, Any]) -> Request:
            meta = dict(meta)
            if self.zone:
                meta.setdefault(ZONE, self.zone)
            # Through the shared dupefilter, so that a later link to it is not fetched again.
            return Request(url, callback=self.parse, meta=meta, dont_filter=False)

        def make_request_from_data(self, data: bytes | str) -> Request | list[Request]:
            """A start URL queued on PREFIX:start_urls: JSON {"url", "meta"} or a bare URL."""
            text = data.decode(self.redis_encoding or "utf-8") if isinstance(data, bytes) else data
            try:
                entry = json.loads(text)
            except ValueError:
                entry = {"url": text.strip()}
            if not isinstance(entry, dict) or not entry.get("url"):
                logger.warning("ignoring a start URL entry without url: %r", text[:200])
                return []
            url = canonical_url(str(entry["url"]))
            if _host(url) not in self.allowed_hosts:
                self.server.sadd(self.keys.hosts, _host(url))
                self._refresh_hosts()
            self.seen.add(url)
            return self._start_request(url, {"hops": 0, "list_hops": 0, **dict(entry.get("meta") or {})})

        # -- shared hosts ------------------------------------------------------------------
        def _refresh_hosts(self) -> None:
            self._hosts_checked = time.monotonic()
            shared = {h.decode() if isinstance(h, bytes) else h for h in self.server.smembers(self.keys.hosts)}
            if not shared <= self.allowed_hosts:
                self.allowed_hosts |= shared
                self.allowed_domains = sorted({h.split(":")[0] for h in self.allowed_hosts})

        def note_host(self, url: str) -> None:
            """A request popped from the shared queue: make sure this worker may fetch its host."""
            if _host(url) not in self.allowed_hosts:
                self._refresh_hosts()

        def _follow(self, response: Any, links: list[Any]) -> Iterator[Request]:
            # ZoneSpider asks `url in self.seen` of each link (a list page with no new link ends its
            # pager chain); here "seen" must mean seen by the crawl, not by this worker. One round
            # trip to the shared dupefilter marks the page's links other workers have queued.
            scheduler = self.redis_scheduler
            fresh = list(dict.fromkeys(link.url for link in links if link.url not in self.seen))
            if fresh and scheduler is not None:
                with self.server.pipeline(transaction=False) as pipe:
                    for url in fresh:
                        pipe.sismember(scheduler.df.key, scheduler.df.request_fingerprint(Request(url)))
                    known = pipe.execute()
                self.seen.update(url for url, hit in zip(fresh, known, strict=True) if hit)
            yield from super()._follow(response, links)

        def _allowed(self, url: str) -> bool:
            if _host(url) not in self.allowed_hosts and time.monotonic() - self._hosts_checked > 1.0:
                self._refresh_hosts()
            return super()._allowed(url)

        # -- callbacks and leases ----------------------------------------------------------
        def parse(self, response: Any) -> Iterator[Any]:
            """ZoneSpider.parse, with its requests handed over before its items, so that the page's
            lease can end as soon as its last item has left the pipelines."""
            token = response.meta.get(LEASE)
            zone = response.meta.get(ZONE) or self.zone
            requests: list[Request] = []
            items: list[Any] = []
            error: Exception | None = None
            try:
                for out in super().parse(response):
                    if isinstance(out, Request):
                        requests.append(out)
                    elif out is not None:
                        items.append(out)
            except Exception as exc:  # what came before still goes out, then the error
                error = exc
            for request in requests:
                if zone:
                    request.meta.setdefault(ZONE, zone)
            for item in items:
                if zone and hasattr(item, "zone"):
                    item.zone = zone
            if token is not None:
                self._leases[token] = [len(items), 0]
                for item in items:
                    if isinstance(getattr(item, "url", None), str):
                        self._item_leases[item.url] = token
            try:
                yield from requests
                # Scrapy takes a callback's output in order, a request being queued (in Redis) the
                # moment it is taken; the items come last, so when the last one has left the
                # pipelines, every request of the page is in Redis: the page is done.
                if token in self._leases:
                    self._leases[token][1] = 1
                yield from items
                if error is not None:
                    raise error
            finally:
                if token in self._leases:
                    self._leases[token][1] = 1
                    self._maybe_release(token)

        def item_written(self, item: Any) -> None:
            """LeasePipeline, right after the item pipelines wrote the record: one item of its page done.

            (The item_scraped signal comes too late for this: Scrapy runs signal handlers as asyncio
            tasks, and other pages' extraction may run first; a worker killed in between would have
            written the record and still hold the lease, and the page would be emitted twice.)"""
            url = item.get("url") if isinstance(item, dict) else getattr(item, "url", None)
            token = self._item_leases.pop(url, None) if isinstance(url, str) else None
            if token in self._leases:
                self._counted.add(id(item))
                self._leases[token][0] -= 1
                self._maybe_release(token)

        def _item_done(self, item: Any = None, response: Any = None, **kwargs: Any) -> None:
            """item_scraped (unless counted by item_written), item_dropped, item_error."""
            if id(item) in self._counted:
                self._counted.discard(id(item))
                return
            token = response.meta.get(LEASE) if response is not None and hasattr(response, "meta") else None
            if token in self._leases:
                self._item_leases.pop(getattr(response, "url", None), None)
                self._leases[token][0] -= 1
                self._maybe_release(token)

        def _maybe_release(self, token: str) -> None:
            pending, done = self._leases[token]
            if done and pending <= 0:
                del self._leases[token]
                self.worker.release(token)

        def release_on_error(self, failure: Any) -> Any:
            """Errback of every leased request: a failed download ends the lease, and the failure
            goes on to be logged exactly as without an errback."""
            request = getattr(failure, "request", None)
            token = request.meta.get(LEASE) if request is not None else None
            if token is not None:
                self._leases.pop(token, None)
                self.worker.release(token)
            return failure

        # -- idle: wake up, recover, exit ---------------------------------------------------
        def spider_idle(self) -> None:
            raise DontCloseSpider  # the watcher (_tick) decides when this worker is done

        def _tick(self) -> None:
            import redis

            try:
                self._watch()
            except redis.RedisError as exc:  # Redis away for a moment: try again next tick
                logger.warning("distributed crawl watcher: %s", exc)
            except Exception:  # keep watching: spider_idle leaves closing this worker to the watcher
                logger.exception("distributed crawl watcher failed")

        def _watch(self) -> None:
            if self._closing:
                return
            now = time.monotonic()
            engine = self.crawler.engine
            if now >= self._next_beat:
                self._next_beat = now + self.worker.ttl / 3
                self.worker.beat()
                recovered = self.worker.recover()
                if recovered:
                    self.crawler.stats.inc_value("zonenews/redis/recovered", recovered)
            idle = engine.spider_is_idle()
            if idle:  # nothing is in progress here, so any lease left is stale
                self.worker.drop_leases()
                self._leases.clear()
            scheduler = self.redis_scheduler
            queued = scheduler.queued() if scheduler is not None else 0
            starts = self.count_size(self.redis_key)
            if not engine.needs_backout():
                if starts:
                    self.schedule_next_requests()
                elif queued and scheduler is not None:
                    # The engine asks its scheduler for more only when a request ends (or every 5 s):
                    # hand it one request from the shared queue, and it goes on pulling from there.
                    request = scheduler.queue.pop()
                    if request is not None:
                        self.note_host(request.url)  # before the offsite check on scheduling
                        request.meta[LOCAL] = True
                        self.crawler.stats.inc_value("zonenews/redis/woken")
                        engine.crawl(request)
            if not idle or queued or starts or self.worker.peers_in_flight():
                self._idle_since = None
                return
            if self._idle_since is None:
                self._idle_since = now
            if self.idle_exit and now - self._idle_since >= self.idle_exit:
                logger.info("shared frontier empty for %.1f s: worker %s exits", now - self._idle_since,
                            self.worker.id)
                self._closing = True
                deferred_from_coro(engine.close_spider_async(reason="finished")).addErrback(
                    lambda f: logger.error("closing the spider failed: %s", f.value))

    class LeasePipeline:
        """The last item pipeline of a distributed crawl: a record is written, so its page's lease
        may end (RedisZoneSpider.item_written)."""

        def __init__(self, crawler: Any) -> None:
            self.crawler = crawler

        @classmethod
        def from_crawler(cls, crawler: Any) -> LeasePipeline:
            return cls(crawler)

        def process_item(self, item: Any) -> Any:
            spider = self.crawler.spider
            if isinstance(spider, RedisZoneSpider):
                spider.item_written(item)
            return item

    return {"LeasedPriorityQueue": LeasedPriorityQueue, "LeasePipeline": LeasePipeline, "RedisScheduler": RedisScheduler,
            "RedisZoneSpider": RedisZoneSpider, "SharedRobotsTxtMiddleware": SharedRobotsTxtMiddleware}


_LAZY = ("LeasePipeline", "LeasedPriorityQueue", "RedisScheduler", "RedisZoneSpider", "SharedRobotsTxtMiddleware")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        classes = _build_classes()
        globals().update(classes)
        return classes[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
