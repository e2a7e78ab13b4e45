"""What one distributed crawl holds in Redis: its keys, the request meta keys it adds, seeding, reset."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from zonenews.distributed.errors import DistributedError

LEASE = "zonenews_lease"   # request meta: the in-flight token of the worker that popped it
LOCAL = "zonenews_local"   # request meta: already popped from Redis, hand it to this engine
ZONE = "zonenews_zone"     # request meta: the zone of the crawl the request belongs to


class CrawlKeys:
    """The Redis keys of one crawl."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.requests = f"{prefix}:requests"        # zset: JSON requests, score -priority (scrapy-redis)
        self.dupefilter = f"{prefix}:dupefilter"    # set: request fingerprints (scrapy-redis)
        self.start_urls = f"{prefix}:start_urls"    # list: queued start URLs, JSON (scrapy-redis redis_key)
        self.seeded = f"{prefix}:seeded"            # set: start URLs already seeded
        self.hosts = f"{prefix}:hosts"              # set: hosts the crawl may follow
        self.workers = f"{prefix}:workers"          # hash: worker id -> JSON info

    def heartbeat(self, worker: str) -> str:
        return f"{self.prefix}:worker:{worker}"     # str with TTL: the worker is alive

    def inflight(self, worker: str) -> str:
        return f"{self.prefix}:inflight:{worker}"   # hash: lease token -> "score:request"


def host_of(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


def text_of(value: bytes | str) -> str:
    """A Redis reply as text (clients may or may not decode responses)."""
    return value.decode() if isinstance(value, bytes) else value


def seed_start_urls(server: Any, keys: CrawlKeys, urls: Iterable[str], zone: str | None = None,
                    allowed_hosts: Iterable[str] = ()) -> int:
    """Queue start URLs on PREFIX:start_urls (and their hosts on PREFIX:hosts); returns how many."""
    from zonenews.spiders.links import canonical_url

    urls = [canonical_url(u) for u in urls]
    hosts = {host_of(u) for u in urls} | {h.lower() for h in allowed_hosts}
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
    ids = [text_of(w) for w in server.hkeys(keys.workers)]
    with server.pipeline(transaction=False) as pipe:
        for worker in ids:
            pipe.exists(keys.heartbeat(worker))
        alive = pipe.execute()
    return [w for w, a in zip(ids, alive, strict=True) if a]


def reset_crawl(server: Any, keys: CrawlKeys) -> int:
    """Delete every key of the crawl; refuses while a worker is alive. Returns how many were deleted."""
    alive = live_workers(server, keys)
    if alive:
        raise DistributedError(f"refusing to reset crawl '{keys.prefix}': {len(alive)} workers still running "
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
