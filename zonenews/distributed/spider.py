"""The zone spider as one worker of a shared crawl: start URLs seeded once, shared hosts, leases
released when a page is done, and a watcher that pulls work in, recovers dead peers and exits."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.spiders import RedisMixin
from twisted.internet import task

from zonenews.distributed.keys import LEASE, LOCAL, ZONE, CrawlKeys, host_of, text_of
from zonenews.distributed.scheduler import RedisScheduler
from zonenews.distributed.worker import Worker
from zonenews.spiders.links import canonical_url
from zonenews.spiders.zone import ZoneSpider

logger = logging.getLogger(__name__)


class RedisZoneSpider(RedisMixin, ZoneSpider):
    """The zone spider as one worker of a shared crawl: same links, bounds and items.

    ZoneSpider's bounds (pages per host, query variants) and its `seen` set stay per worker:
    the shared dupefilter keeps any URL from being fetched twice, and each worker stops
    following new links to a host after it has itself allowed ZONENEWS_MAX_PAGES_PER_HOST of them.
    """

    worker: Worker
    redis_scheduler: RedisScheduler | None = None
    # The only methods a request taken from the shared queue may name as callback or errback.
    queued_callbacks = frozenset({"parse", "failed", "release_on_error"})

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
        spider.keys = CrawlKeys(settings.get("ZONENEWS_REDIS_PREFIX"))
        spider.redis_key = spider.keys.start_urls
        spider.setup_redis(crawler)  # RedisMixin: connection, PREFIX:start_urls, spider_idle signal
        spider.worker = Worker(spider.server, spider.keys,
                               settings.getfloat("ZONENEWS_REDIS_WORKER_TTL"))
        spider.idle_exit = settings.getfloat("ZONENEWS_REDIS_IDLE_EXIT")
        spider.poll = settings.getfloat("ZONENEWS_REDIS_POLL")
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
        if host_of(url) not in self.allowed_hosts:
            self.server.sadd(self.keys.hosts, host_of(url))
            self._refresh_hosts()
        self.seen.add(url)
        return self._start_request(url, {"hops": 0, "list_hops": 0, **dict(entry.get("meta") or {})})

    # -- shared hosts ------------------------------------------------------------------
    def _refresh_hosts(self) -> None:
        self._hosts_checked = time.monotonic()
        shared = {text_of(h) for h in self.server.smembers(self.keys.hosts)}
        if not shared <= self.allowed_hosts:
            self.allowed_hosts |= shared
            self.allowed_domains = sorted({h.split(":")[0] for h in self.allowed_hosts})

    def note_host(self, url: str) -> None:
        """A request popped from the shared queue: make sure this worker may fetch its host."""
        if host_of(url) not in self.allowed_hosts:
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
        if host_of(url) not in self.allowed_hosts and time.monotonic() - self._hosts_checked > 1.0:
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
                self._wake(scheduler)
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

    def _wake(self, scheduler: RedisScheduler) -> None:
        """The engine asks its scheduler for more only when a request ends (or every 5 s): hand it
        one request from the shared queue, and it goes on pulling from there."""
        request = scheduler.queue.pop()
        if request is not None:
            self.note_host(request.url)  # before the offsite check on scheduling
            request.meta[LOCAL] = True
            self.crawler.stats.inc_value("zonenews/redis/woken")
            self.crawler.engine.crawl(request)
