"""Downloader middlewares zonenews puts in place of Scrapy's own, or adds: the host boundary of a
crawl, pages whose charset label is no charset, and the reason a download was cut."""

from __future__ import annotations

import codecs
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

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


_RECEIVED = "zonenews_bytes_received"
_OUTGREW = "zonenews_outgrew_maxsize"


class DownloadSizeMiddleware:
    """Marks a download whose body outgrew DOWNLOAD_MAXSIZE as it arrived.

    Scrapy cancels such a download (no Content-Length, or a lying one) with a DownloadCancelledError
    that carries no message, the same as any other cancellation; the mark lets the spider count it
    as too_large rather than download_error."""

    def __init__(self, crawler: Any) -> None:
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        request.meta[_RECEIVED] = 0  # each attempt counts afresh (a retry copies meta)
        request.meta.pop(_OUTGREW, None)

    def bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        received = request.meta.get(_RECEIVED, 0) + len(data)
        request.meta[_RECEIVED] = received
        maxsize = request.meta.get("download_maxsize", self.maxsize)
        if maxsize and received > maxsize:
            request.meta[_OUTGREW] = True


def _decompression_bound(exc: BaseException) -> bool:
    """HttpCompressionMiddleware's IgnoreRequest for a body inflating past DOWNLOAD_MAXSIZE."""
    cause = exc.__cause__
    return (cause is not None and type(cause).__name__ == "_DecompressionMaxSizeExceeded") or \
        "DOWNLOAD_MAXSIZE" in str(exc)


def cut_reason(failure: Failure) -> str | None:
    """The skip reason of a download Scrapy cut short, None when it was no cut.

    too_large: the Content-Length said too much, the body outgrew DOWNLOAD_MAXSIZE as it came
    (DownloadSizeMiddleware), or it inflated past it (a gzip bomb); timeout: DOWNLOAD_TIMEOUT."""
    request = getattr(failure, "request", None)
    if failure.check(DownloadCancelledError) and (
            "max size" in str(failure.value) or (request is not None and request.meta.get(_OUTGREW))):
        return "too_large"
    if failure.check(IgnoreRequest) and _decompression_bound(failure.value):
        return "too_large"
    if failure.check(DownloadTimeoutError, TwistedTimeoutError):
        return "timeout"
    return None
