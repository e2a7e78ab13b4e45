"""Parse a decoded page once into an lxml tree that every extractor shares."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

# lxml refuses str input that carries an XML encoding declaration.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, huge_tree=True)

# Dropped before anything reads the tree: never visible article text.
UNSEEN_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
               "select", "textarea", "button", "input", "canvas", "map", "audio", "video")


class EmptyPage(ValueError):
    """The response has no HTML to read."""


def parse_html(text: str) -> etree._Element:
    """Parse HTML text into a tree; raise EmptyPage when there is nothing to parse."""
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    if not text.strip():
        raise EmptyPage("empty document")
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise EmptyPage(str(exc)) from exc
    if root is None:
        raise EmptyPage("empty document")
    return root


def meta_content(root: etree._Element, *names: str) -> str | None:
    """First non-empty <meta name|property|itemprop=...> content among names (case-insensitive)."""
    wanted = {n.lower() for n in names}
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
        if key in wanted:
            value = (meta.get("content") or "").strip()
            if value:
                return value
    return None
