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

Modules: ``options`` (settings of a distributed run), ``keys`` (the crawl's Redis keys, seeding,
reset), ``worker`` (heartbeat, leases, recovery and their Lua scripts), ``queue``, ``scheduler``,
``spider`` and ``pipeline`` (the Scrapy components). Importing this package, ``options``, ``keys``
or ``worker`` does not import scrapy-redis: the command line imports them for every command.
"""

from zonenews.distributed.errors import DistributedError, RedisConfigError

__all__ = ["DistributedError", "RedisConfigError"]
