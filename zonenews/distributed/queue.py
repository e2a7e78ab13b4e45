"""The shared request queue: scrapy-redis's priority queue, whose pop leases the request to this worker."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.utils.request import request_from_dict
from scrapy_redis.queue import PriorityQueue

from zonenews.distributed.keys import LEASE
from zonenews.distributed.worker import Worker

logger = logging.getLogger(__name__)

REFUSED = "zonenews/redis/refused"  # stats: queue entries that were not a JSON request of this crawl
# request_from_dict imports and instantiates the class an entry names: only Scrapy's own.
REQUEST_CLASSES = frozenset({"scrapy.http.request.form.FormRequest", "scrapy.http.request.json_request.JsonRequest"})


class RefusedRequest(ValueError):
    """A queue entry that is not a request this crawl would have queued."""


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue (a zset, score -priority); a pop moves the request into this
    worker's in-flight hash instead of forgetting it, and an entry that is not a JSON request of
    this crawl (a planted pickle, say) is dropped, counted and logged, never loaded."""

    def pop(self, timeout: int = 0) -> Request | None:
        worker: Worker | None = getattr(self.spider, "worker", None)
        if worker is None:
            return super().pop(timeout)
        while (popped := worker.pop(self.key)) is not None:
            data, token = popped
            try:
                request = self._decode_request(data)
            except (ValueError, TypeError, KeyError) as exc:
                worker.release(token)
                self._refused(data, exc)
                continue
            request.meta[LEASE] = token
            if request.errback is None:
                request.errback = self.spider.release_on_error
            return request
        return None

    def _decode_request(self, encoded_request: bytes) -> Request:
        entry: dict[str, Any] = self.serializer.loads(encoded_request)
        if entry.get("_class", "scrapy.http.request.Request") not in REQUEST_CLASSES | {"scrapy.http.request.Request"}:
            raise RefusedRequest(f"request class {entry['_class']!r}")
        callbacks = getattr(self.spider, "queued_callbacks", frozenset())
        for name in ("callback", "errback"):
            if entry.get(name) not in (None, *callbacks):
                raise RefusedRequest(f"{name} {entry[name]!r}")
        return request_from_dict(entry, spider=self.spider)

    def _refused(self, data: bytes, exc: Exception) -> None:
        stats = getattr(getattr(self.spider, "crawler", None), "stats", None)
        if stats is not None:
            stats.inc_value(REFUSED)
        logger.warning("refused an entry of %s that is not a JSON request of this crawl (%s): %r",
                       self.key, exc, data[:60])
