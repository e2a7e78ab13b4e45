"""How much a saved input may hold: the bounds `zonenews clean` reads files and WARC archives with.

A page is bounded like a crawl bounds a download (DOWNLOAD_MAXSIZE), so a saved page gets the same
answer as the same page fetched; an archive is bounded in what it inflates to, per record and per
file, so a gzip bomb ends in seconds instead of filling memory or running for hours.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.settings import BaseSettings


@dataclass(frozen=True, slots=True)
class InputLimits:
    page_bytes: int    # DOWNLOAD_MAXSIZE: a larger saved page or archived response is skipped (too_large)
    record_bytes: int  # ZONENEWS_WARC_MAX_RECORD_BYTES: a record inflating past this ends its file
    file_bytes: int    # ZONENEWS_WARC_MAX_BYTES: an archive inflating past this is not read further

    @classmethod
    def from_settings(cls, settings: BaseSettings | None = None) -> InputLimits:
        if settings is None:
            from zonenews import settings as defaults

            return cls(defaults.DOWNLOAD_MAXSIZE, defaults.ZONENEWS_WARC_MAX_RECORD_BYTES,
                       defaults.ZONENEWS_WARC_MAX_BYTES)
        return cls(settings.getint("DOWNLOAD_MAXSIZE"), settings.getint("ZONENEWS_WARC_MAX_RECORD_BYTES"),
                   settings.getint("ZONENEWS_WARC_MAX_BYTES"))


def size_text(n: int) -> str:
    """A byte count for a message: 20 MiB, 1.5 GiB, 900 bytes."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"
