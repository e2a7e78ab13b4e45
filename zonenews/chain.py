"""The chain runner for every path outside a Scrapy crawl: `clean`, `eval`, `check`, `explain`.

A crawl runs ITEM_PIPELINES through Scrapy's own item pipeline manager; `Chain` builds the very
same classes from the same setting, in the same order, and runs them with the same rules: a
DropItem ends one page (counted under its reason), an error in one page never ends the run, and
an output that cannot be written ends it before a record could be lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from zonenews.stats import SKIPPED, RunStats, Stats

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Outcome:
    """What the chain made of one page: a record, or the reason it was dropped."""

    record: dict[str, Any] | None
    reason: str | None = None


def drop_reason(exc: DropItem) -> str:
    """The reason a stage gave (pipelines.PageSkipped, Duplicate), else the DropItem's text."""
    return getattr(exc, "reason", None) or str(exc)


class Chain:
    """ITEM_PIPELINES (or the given subset of them) built once and run page by page."""

    def __init__(self, settings: BaseSettings, stats: Stats | None = None,
                 pipelines: dict[str, int] | None = None) -> None:
        self.stats = stats if stats is not None else RunStats()
        stages = pipelines if pipelines is not None else settings.getdict("ITEM_PIPELINES")
        ordered = sorted(((p, n) for p, n in stages.items() if n is not None), key=itemgetter(1))
        self.pipelines = [load_object(path).from_settings(settings, self.stats) for path, _ in ordered]

    def process(self, item: Any) -> Outcome:
        """One page through every stage. OutputError (from zonenews.export) is not caught."""
        from zonenews.export import OutputError

        current: Any = item
        try:
            for pipeline in self.pipelines:
                current = pipeline.process_item(current)
        except DropItem as exc:
            logger.debug("%s", exc)
            return Outcome(None, drop_reason(exc))
        except OutputError:
            raise
        except Exception as exc:  # one bad page never ends a run; Scrapy's scraper does the same
            logger.exception("error processing %s", getattr(item, "url", item))
            self.stats.inc_value(SKIPPED + "error")
            return Outcome(None, f"error: {exc.__class__.__name__}: {exc}")
        if not isinstance(current, dict):
            return Outcome(None, "no record")
        return Outcome(current)

    def close(self) -> None:
        for pipeline in self.pipelines:
            if hasattr(pipeline, "close_spider"):
                pipeline.close_spider()

    def __enter__(self) -> Chain:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
