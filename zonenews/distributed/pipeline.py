"""The last item pipeline of a distributed crawl: a record is written, so its page's lease may end."""

from __future__ import annotations

from typing import Any, Self

from zonenews.distributed.spider import RedisZoneSpider


class LeasePipeline:
    """Tells the worker spider that an item has left every other pipeline (RedisZoneSpider.item_written)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        spider = self.crawler.spider
        if isinstance(spider, RedisZoneSpider):
            spider.item_written(item)
        return item
