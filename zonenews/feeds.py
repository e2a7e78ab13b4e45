"""Scrapy feed storage for local files: every record reaches the operating system when it is exported.

Scrapy's FileFeedStorage hands exporters a buffered file, so a record counted as scraped (and
committed to the run state) could still sit in the process's buffer when SIGKILL arrives: lost for
good, since the state then says it was written. Here the file is unbuffered and each write is
retried until whole, so once an exporter's export_item returns the bytes are the kernel's and
survive any kill of the process (zonenews.pipelines.ExportPipeline commits the state after that).
Appending to a JSON Lines feed first cuts a partial last line a killed run left, as our own writer
does; overwriting (-O) replaces the file when the crawl starts, so a run with nothing new leaves an
empty file rather than the previous run's records.
"""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path
from typing import IO, Any

from scrapy import Spider
from scrapy.extensions.feedexport import FileFeedStorage

from zonenews.export import repair_tail

JSON_LINES_FORMATS = frozenset({"jsonlines", "jsonl", "jl"})


class WholeWritesFile(io.FileIO):
    """An unbuffered file whose write() writes everything it is given (os.write may write less)."""

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        size = len(view)
        while view:
            written = super().write(view)
            if not written:
                raise OSError(errno.EIO, f"cannot write {self.name}: nothing written")
            view = view[written:]
        return size


class WriteThroughFileFeedStorage(FileFeedStorage):
    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.json_lines = (feed_options or {}).get("format") in JSON_LINES_FORMATS
        path = Path(self.path)
        if self.write_mode == "wb" and path.is_file() and path.stat().st_size:
            os.truncate(path, 0)

    def open(self, spider: Spider) -> IO[bytes]:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.write_mode == "ab" and self.json_lines:
            repair_tail(path)
        return WholeWritesFile(path, self.write_mode[0])  # type: ignore[return-value]
