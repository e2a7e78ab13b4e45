"""Read pages archived by other tools (wget --warc-file, Heritrix, ...) from WARC files.

A WARC cut short (an interrupted download or copy) yields the records before the cut and
then an InputError naming the file and the record: a truncated page is never cleaned as if
it were whole.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from zonenews.items import PageItem
from zonenews.offline import InputError, page_from_bytes, utc_iso
from zonenews.stats import SKIPPED, Stats

_CHUNK = 1 << 16


class _CheckedIterator(ArchiveIterator):
    """ArchiveIterator that remembers whether the last gzip member ended properly."""

    gzip_complete: bool | None = None  # None: not gzip-compressed

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


def _records(fh: BinaryIO, path: Path) -> Iterator[tuple[str | None, str | None, bytes | None, str | None]]:
    """(url, content type, body, WARC-Date) of each response record, all None for other records;
    raises InputError where the file is not a WARC or is cut short."""
    records = _CheckedIterator(fh)
    count = 0
    while True:
        try:
            record = next(records, None)
            if record is None:
                break
            count += 1
            where = f"record {count}"
            if record.rec_headers.get_header("Content-Length") is None:
                what = "truncated or malformed WARC file" if count > 1 else "not a readable WARC file"
                raise InputError(f"{path}: {what} ({where} has no Content-Length)")
            if record.rec_type != "response":
                while record.raw_stream.read(_CHUNK):
                    pass
                item: tuple[str | None, str | None, bytes | None, str | None] = (None, None, None, None)
            else:
                url = record.rec_headers.get_header("WARC-Target-URI")
                where = f"record {count}, {url}" if url else where
                content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
                item = (url, content_type, record.content_stream().read(),
                        record.rec_headers.get_header("WARC-Date"))
            if getattr(record.raw_stream, "limit", 0) > 0:  # the file ended inside this record
                raise InputError(f"{path}: truncated WARC file (cut inside {where})")
        except InputError:
            raise
        except Exception as exc:  # warcio fails in many ways on a broken file (even AttributeError)
            what = "truncated or not a WARC file" if count else "not a readable WARC file"
            raise InputError(f"{path}: {what} ({_describe(exc)})") from None
        yield item
    if records.gzip_complete is False:
        raise InputError(f"{path}: truncated WARC file (the gzip stream ends early, after {count} records)")
    if records.gzip_complete is None:
        fh.seek(records.offset)
        if fh.read(_CHUNK).strip():
            raise InputError(f"{path}: truncated WARC file (a partial record after record {count})")
    if count == 0:
        raise InputError(f"{path}: no WARC records in it")


def iter_warc_pages(path: Path, stats: Stats, *, zone: str | None = None) -> Iterator[PageItem]:
    """HTML response records as PageItems; other records are skipped and counted."""
    try:
        fh = path.open("rb")
        if path.stat().st_size == 0:
            fh.close()
            raise InputError(f"{path}: empty file, not a WARC")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with fh:
        try:
            for url, content_type, body, warc_date in _records(fh, path):
                if body is None:
                    continue
                if not content_type or "html" not in content_type.lower():
                    stats.inc_value(SKIPPED + "not_html")
                    continue
                url = url or path.resolve().as_uri()
                yield page_from_bytes(body, url, url=url, content_type=content_type, zone=zone,
                                      fetched_at=utc_iso(warc_date))
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
