"""The scheduler of a distributed crawl: scrapy-redis's, plus leases and an atomic enqueue."""

from __future__ import annotations

import logging
from collections import deque

from scrapy import Request, Spider
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from zonenews.distributed.keys import LEASE, LOCAL, CrawlKeys

logger = logging.getLogger(__name__)

# KEYS: dupefilter, queue; ARGV: fingerprint ('' for dont_filter), score, request.
# Queue a request unless its fingerprint is known, atomically (scrapy-redis: SADD, then ZADD).
PUSH_UNLESS_SEEN = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


class RedisScheduler(Scheduler):
    """scrapy-redis's scheduler plus leases: a request pushed again (redirect, retry) gives back
    the lease of the request it came from, and a request woken into this engine skips Redis."""

    def open(self, spider: Spider) -> None:
        # Keys from this crawler's ZONENEWS_REDIS_PREFIX (not the global SCHEDULER_*_KEY), so that
        # crawlers of one process may run separate crawls.
        # (scrapy-redis's open() without its deprecated spider.log() call.)
        keys = CrawlKeys(spider.settings.get("ZONENEWS_REDIS_PREFIX"))
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
        self._push = self.server.register_script(PUSH_UNLESS_SEEN)
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
