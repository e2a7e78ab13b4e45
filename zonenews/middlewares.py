"""Downloader middlewares zonenews puts in place of Scrapy's own."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, with every request that waits for a host's robots.txt getting
    the parsed file.

    Scrapy 2.19 lets all such requests await the one Deferred of the robots.txt fetch through
    maybe_deferred_to_future(), whose callback returns None: the first waiter gets the parser, the
    others get None, which means "no robots.txt", and are fetched even when disallowed. Several
    start URLs of one host, or a distributed worker popping a batch of a host's requests, hit
    this. Here each waiter gets its own Deferred, fed without consuming the shared result.
    """

    async def robot_parser(self, request: Request) -> Any:
        parser = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(parser, Deferred):
            mine: Deferred[Any] = Deferred()

            def relay(result: Any) -> Any:
                mine.callback(result)
                return result

            parser.addBoth(relay)
            return await maybe_deferred_to_future(mine)
        return await super().robot_parser(request)
