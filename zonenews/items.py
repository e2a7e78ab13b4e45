"""What flows between the steps: a fetched page, then its extracted article, then a record dict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from zonenews.extract import RawArticle


@dataclass(slots=True, repr=False)
class PageItem:
    """A fetched (or saved) page, before extraction."""

    url: str
    body: bytes
    content_type: str | None = None
    status: int = 200
    zone: str | None = None
    fetched_at: str | None = None    # when the page was fetched (UTC ISO 8601); None: now
    text: str | None = None          # decoded text, when the spider already decoded it
    tree: etree._Element | None = None  # parsed tree, when the spider already parsed it
    meta: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:  # Scrapy logs dropped items; never dump the page body
        return f"<PageItem {self.url}>"


@dataclass(slots=True, repr=False)
class ExtractedItem:
    """A page's raw article fields, before cleaning."""

    page: PageItem
    raw: RawArticle

    def __repr__(self) -> str:
        return f"<ExtractedItem {self.page.url}>"
