"""The shared request queue: scrapy-redis's priority queue, whose pop leases the request to this worker."""

from __future__ import annotations

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

from zonenews.distributed.keys import LEASE
from zonenews.distributed.worker import Worker


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue (a zset, score -priority); a pop moves the request into this
    worker's in-flight hash instead of forgetting it."""

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
