"""Read pages archived by other tools (wget --warc-file, Heritrix, ...) from WARC files."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from zonenews.items import PageItem
from zonenews.offline import InputError, page_from_bytes
from zonenews.stats import SKIPPED, Stats


def iter_warc_pages(path: Path, stats: Stats, *, zone: str | None = None) -> Iterator[PageItem]:
    """HTML response records as PageItems; other records are skipped and counted."""
    try:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or path.resolve().as_uri()
                content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
                if not content_type or "html" not in content_type.lower():
                    stats.inc_value(SKIPPED + "not_html")
                    continue
                body = record.content_stream().read()
                yield page_from_bytes(body, url, url=url, content_type=content_type, zone=zone)
    except (ArchiveLoadFailed, EOFError, zlib.error, ValueError) as exc:
        raise InputError(f"{path}: not a readable WARC file or truncated ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
