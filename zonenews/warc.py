"""Read pages archived by other tools (wget --warc-file, Heritrix, ...) from WARC files.

A WARC cut short (an interrupted download or copy) yields the records before the cut and
then an InputError naming the file and the record: a truncated page is never cleaned as if
it were whole. What a file inflates to is bounded (zonenews.limits): a response larger than
DOWNLOAD_MAXSIZE is skipped as too_large, a line longer than 1 MiB is no WARC, and a record or a
file inflating past its limit ends the file, so a gzip bomb costs seconds and little memory.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from zonenews.items import PageItem
from zonenews.limits import InputLimits, size_text
from zonenews.offline import InputError, page_from_bytes, utc_iso
from zonenews.stats import SKIPPED, Stats

logger = logging.getLogger(__name__)

_CHUNK = 1 << 16
_MAX_LINE = 1 << 20  # WARC and HTTP header lines; warcio would otherwise read a line of zeros forever


class _Refused(Exception):
    """The file inflates past a bound; the message says which."""


class _BoundedReader(DecompressingBufferedReader):
    """warcio's reader, counting what it inflates (per file and since the current record began)
    and refusing lines longer than _MAX_LINE."""

    def __init__(self, stream: BinaryIO, limits: InputLimits, **kwargs: object) -> None:
        super().__init__(stream, **kwargs)
        self.limits = limits
        self.inflated = 0
        self.record_start = 0

    def _process_read(self, data: bytes) -> None:
        super()._process_read(data)
        self.inflated += self.buff_size if data else 0
        if self.inflated - self.record_start > self.limits.record_bytes:
            raise _Refused(f"a record inflates past {size_text(self.limits.record_bytes)} "
                           "(ZONENEWS_WARC_MAX_RECORD_BYTES)")
        if self.inflated > self.limits.file_bytes:
            raise _Refused(f"the file inflates past {size_text(self.limits.file_bytes)} (ZONENEWS_WARC_MAX_BYTES)")

    def readline(self, length: int | None = None) -> bytes:
        cap = _MAX_LINE if length is None or length > _MAX_LINE else length
        line = super().readline(cap)
        if len(line) >= _MAX_LINE and not line.endswith(b"\n"):
            raise _Refused(f"not a WARC file: a line longer than {size_text(_MAX_LINE)}")
        return line


class _CheckedIterator(ArchiveIterator):
    """ArchiveIterator over a bounded reader, remembering whether the last gzip member ended properly."""

    gzip_complete: bool | None = None  # None: not gzip-compressed

    def __init__(self, fh: BinaryIO, limits: InputLimits) -> None:
        super().__init__(fh)
        self.reader = _BoundedReader(self.fh, limits)

    def close(self) -> None:
        reader = self.reader
        if reader is not None and reader.decompressor is not None:
            self.gzip_complete = bool(getattr(reader.decompressor, "eof", True))
        super().close()


def _describe(exc: BaseException) -> str:
    """One short printable line from a warcio or zlib error."""
    if not isinstance(exc, ArchiveLoadFailed | EOFError | ValueError | zlib.error):
        return "a record warcio cannot parse"  # e.g. AttributeError deep inside warcio
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 100 else text[:97] + "..."


Page = tuple[str | None, str | None, bytes, str | None]  # url, content type, body, WARC-Date


def _page(record: ArcWarcRecord, where: str, stats: Stats, limits: InputLimits) -> Page | None:
    """The HTML page a response record holds, or None (counted) when it holds none or too much."""
    content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
    if not content_type or "html" not in content_type.lower():
        stats.inc_value(SKIPPED + "not_html")
        return None
    body = record.content_stream().read(limits.page_bytes + 1)  # inflated from any Content-Encoding
    if len(body) > limits.page_bytes:
        logger.warning("%s: over DOWNLOAD_MAXSIZE (%s), skipped (too_large)", where, size_text(limits.page_bytes))
        stats.inc_value(SKIPPED + "too_large")
        return None
    return (record.rec_headers.get_header("WARC-Target-URI"), content_type, body,
            record.rec_headers.get_header("WARC-Date"))


def _records(fh: BinaryIO, path: Path, stats: Stats, limits: InputLimits) -> Iterator[Page | None]:
    """The page of each response record, None for other records; raises InputError where the file is
    not a WARC, is cut short or inflates past a bound."""
    records = _CheckedIterator(fh, limits)
    count = 0
    where = "record 1"
    while True:
        try:
            record = next(records, None)
            if record is None:
                break
            count += 1
            records.reader.record_start = records.reader.inflated
            where = f"record {count}"
            if record.rec_headers.get_header("Content-Length") is None:
                what = "truncated or malformed WARC file" if count > 1 else "not a readable WARC file"
                raise InputError(f"{path}: {what} ({where} has no Content-Length)")
            page = None
            if record.rec_type == "response":
                url = record.rec_headers.get_header("WARC-Target-URI")
                where = f"record {count}, {url}" if url else where
                page = _page(record, f"{path}: {where}", stats, limits)
            while record.raw_stream.read(_CHUNK):  # what _page left (all of other records), within the bounds
                pass
            if getattr(record.raw_stream, "limit", 0) > 0:  # the file ended inside this record
                raise InputError(f"{path}: truncated WARC file (cut inside {where})")
        except InputError:
            raise
        except _Refused as exc:
            raise InputError(f"{path}: {exc} at {where}; the rest of the file is not read") from None
        except Exception as exc:  # warcio fails in many ways on a broken file (even AttributeError)
            what = "truncated or not a WARC file" if count else "not a readable WARC file"
            raise InputError(f"{path}: {what} ({_describe(exc)})") from None
        yield page
    if records.gzip_complete is False:
        raise InputError(f"{path}: truncated WARC file (the gzip stream ends early, after {count} records)")
    if records.gzip_complete is None:
        fh.seek(records.offset)
        if fh.read(_CHUNK).strip():
            raise InputError(f"{path}: truncated WARC file (a partial record after record {count})")
    if count == 0:
        raise InputError(f"{path}: no WARC records in it")


def iter_warc_pages(path: Path, stats: Stats, *, zone: str | None = None,
                    limits: InputLimits | None = None) -> Iterator[PageItem]:
    """HTML response records as PageItems; other records are skipped and counted."""
    limits = limits or InputLimits.from_settings()
    try:
        fh = path.open("rb")
        if path.stat().st_size == 0:
            fh.close()
            raise InputError(f"{path}: empty file, not a WARC")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with fh:
        try:
            for page in _records(fh, path, stats, limits):
                if page is None:
                    continue
                url, content_type, body, warc_date = page
                url = url or path.resolve().as_uri()
                yield page_from_bytes(body, url, url=url, content_type=content_type, zone=zone,
                                      fetched_at=utc_iso(warc_date))
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
