"""Dedup: the same article at several URLs, on several sites, or in an earlier run."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from zonenews.dedup.index import THRESHOLD, DuplicateIndex


def make_index(settings: BaseSettings) -> DuplicateIndex:
    """The duplicate index a run uses: shared in Redis (ZONENEWS_REDIS_URL), else on disk: in the run
    state's file (every pipeline of the process shares it), or a temporary store without a state."""
    threshold = settings.getfloat("ZONENEWS_NEAR_DUP_THRESHOLD", THRESHOLD)
    url = settings.get("ZONENEWS_REDIS_URL")
    if url:  # a distributed crawl: one index shared by every worker (a DuplicateIndex subclass)
        from zonenews.dedup.redis_index import RedisDuplicateIndex

        return RedisDuplicateIndex(str(url), prefix=settings.get("ZONENEWS_REDIS_PREFIX") or "zone",
                                   threshold=threshold)
    from zonenews.dedup.store import DiskDuplicateIndex

    return DiskDuplicateIndex.open(settings.get("ZONENEWS_STATE") or None, threshold=threshold,
                                   cache_mb=settings.getint("ZONENEWS_DEDUP_CACHE_MB", 32))
