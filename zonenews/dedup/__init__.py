"""Dedup: the same article at several URLs, on several sites, or in an earlier run."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from zonenews.dedup.index import THRESHOLD, DuplicateIndex


def make_index(settings: BaseSettings) -> DuplicateIndex:
    """The duplicate index a run uses: in this process, or shared in Redis (ZONENEWS_REDIS_URL)."""
    threshold = settings.getfloat("ZONENEWS_NEAR_DUP_THRESHOLD", THRESHOLD)
    url = settings.get("ZONENEWS_REDIS_URL")
    if url:  # a distributed crawl: one index shared by every worker (a DuplicateIndex subclass)
        from zonenews.dedup.redis_index import RedisDuplicateIndex

        return RedisDuplicateIndex(str(url), prefix=settings.get("ZONENEWS_REDIS_PREFIX") or "zone",
                                   threshold=threshold)
    return DuplicateIndex(threshold)
