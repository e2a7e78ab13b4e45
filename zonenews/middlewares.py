"""Downloader middlewares zonenews puts in place of Scrapy's own, or adds: the host boundary of a
crawl, and pages whose charset label is no charset."""

from __future__ import annotations

import codecs
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from zonenews.extract.encoding import declared_charsets, decode_html


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


_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: str) -> str:
    """host[:port] of a URL, lower-case, without the scheme's default port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return parts.netloc.lower()
    return host if port in (None, _DEFAULT_PORTS.get(parts.scheme)) else f"{host}:{port}"


class AllowedHostsMiddleware:
    """Every request, start and redirected ones included, goes to a host:port the spider allows.

    Scrapy's OffsiteMiddleware ignores ports and lets dont_filter requests (the start URLs, and
    redirects of them) through; this one runs before it and before robots.txt is fetched."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        allowed = getattr(self.crawler.spider, "allowed_hosts", None)
        if not allowed:
            return
        if host_key(request.url) not in {host_key(f"{urlsplit(request.url).scheme}://{h}/") for h in allowed}:
            self.crawler.stats.inc_value("zonenews/offsite_requests")
            raise IgnoreRequest(f"not an allowed host: {request.url}")


def _is_text_codec(name: str) -> bool:
    try:
        return codecs.lookup(name)._is_text_encoding  # type: ignore[attr-defined]
    except LookupError:
        return False


class SafeEncodingMiddleware:
    """A page whose declared charset Python cannot decode text with (rot13, idna, ...) gets the
    encoding zonenews would use, before MetaRefreshMiddleware reads response.text."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if not isinstance(response, TextResponse):
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if all(_is_text_codec(name) for name in declared_charsets(response.body, content_type)):
            return response  # nothing to fix; leave the decoding to whoever needs it
        return response.replace(encoding=decode_html(response.body, content_type)[1])
