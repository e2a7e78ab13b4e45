"""The one page loader: response bytes to a parsed tree, the same way on every path.

A crawl, `zonenews clean`, `eval`, `check` and `explain` all read a page through `load_page`, so
the same bytes get the same answer (read, or skipped for the same reason) wherever they come from.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from zonenews.extract.document import EmptyPage, parse_html
from zonenews.extract.encoding import decode_html
from zonenews.extract.sniff import unreadable_reason


class UnreadablePage(EmptyPage):
    """The response is no page to read; `reason` is the skip reason it is counted under."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class LoadedPage:
    text: str
    tree: etree._Element
    encoding: str


def load_page(body: bytes, content_type: str | None = None) -> LoadedPage:
    """Sniff, decode and parse; raises UnreadablePage('empty' | 'not_html' | 'unparseable')."""
    if reason := unreadable_reason(body, content_type):
        raise UnreadablePage(reason)
    text, encoding = decode_html(body, content_type)
    try:
        tree = parse_html(text)
    except EmptyPage:
        raise UnreadablePage("empty") from None
    except RecursionError:  # absurd markup lxml gives up on
        raise UnreadablePage("unparseable") from None
    return LoadedPage(text, tree, encoding)
