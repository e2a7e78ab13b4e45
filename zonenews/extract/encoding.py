"""Bytes to text for pages whose charset is declared in a header, a meta tag, wrongly, or not at all."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import resolve_encoding

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)

# w3lib's table (WHATWG labels: gb2312/gbk -> gb18030, big5 -> big5hkscs, latin-1 -> cp1252 ...) misses
# these: Chinese sites declare the narrow charset and use characters only its superset has.
_SUPERSETS = {"x-gbk": "gb18030", "cp950": "big5hkscs", "big5-hkscs": "big5hkscs"}

# Codecs Python knows that no web page is written in: a lying label naming one is ignored.
_NOT_PAGE_CODECS = frozenset(["idna", "punycode", "undefined", "utf-7", "unicode-escape", "raw-unicode-escape",
                              "mbcs", "oem", "palmos"])

# Invalid sequences a page may have and still be UTF-8: a stray byte, a cut tail. GBK or Big5 text
# read as UTF-8 fails on nearly every character, so it never comes near these.
_UTF8_STRAYS_ALWAYS_OK = 2
_UTF8_STRAYS_PER_CHAR = 1 / 1000
_UTF8_MIN_GOOD_PER_STRAY = 10
_REPLACEMENT_RUNS = re.compile("\ufffd+")


def _canonical(name: str) -> str | None:
    name = name.strip().lower()
    resolved = resolve_encoding(_SUPERSETS.get(name, name))
    if resolved is None:
        return None
    info = codecs.lookup(resolved)
    # rot13, base64, zlib ... are bytes-to-bytes or str-to-str transforms, not charsets
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_CODECS:
        return None
    return info.name


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """The charset names a page declares (header, then meta tags), as written."""
    found: list[str] = []
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        found.append(m.group(1))
    found += [m.group(1).decode("ascii", "ignore") for m in _META_CHARSET.finditer(body[:4096])]
    return found


def declared_encodings(body: bytes, content_type: str | None) -> list[str]:
    """Encodings the page claims, header first, then meta tags in the first 4 KiB."""
    out: list[str] = []
    for name in declared_charsets(body, content_type):
        enc = _canonical(name)
        if enc and enc not in out:
            out.append(enc)
    return out


def mostly_utf8(body: bytes) -> str | None:
    """The page as UTF-8 when only a stray byte or a cut tail spoils it, else None.

    Accepted when the runs of invalid bytes number at most 2, or 1 per 1000 non-ASCII characters, and
    valid multi-byte characters outnumber them tenfold (a short GBK page has no valid ones)."""
    text = body.decode("utf-8", "replace")
    # One broken character gives up to 4 replacements in a row: a run is one stray. A U+FFFD written
    # in the page is none.
    strays = len(_REPLACEMENT_RUNS.findall(text)) - body.count("\ufffd".encode())
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    allowed = max(_UTF8_STRAYS_ALWAYS_OK, int(good * _UTF8_STRAYS_PER_CHAR))
    return text if strays <= allowed and good >= _UTF8_MIN_GOOD_PER_STRAY * strays else None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page to text; returns (text, encoding used).

    Valid UTF-8 wins whatever the page declares (long GBK text is never valid UTF-8 by chance);
    a page labelled UTF-8 or not at all that is UTF-8 but for a stray byte or a cut tail is UTF-8
    with a replacement character; then each declared charset that decodes strictly, then detection
    among the Chinese charsets, then nearly-valid UTF-8 under a lying label, and as a last resort
    the declared charset (or GB18030) with replacement characters.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace"), "utf-8"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", "replace"), "utf-16"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    labels = declared_encodings(body, content_type)
    if (not labels or labels[0] == "utf-8") and (text := mostly_utf8(body)) is not None:
        return text, "utf-8"
    declared = [e for e in labels if e != "utf-8"]
    for enc in declared:
        try:
            return body.decode(enc), enc
        except (UnicodeError, LookupError):  # UnicodeDecodeError, or a codec that refuses outright
            continue
    if not declared:
        best = from_bytes(body, cp_isolation=["gb18030", "big5hkscs", "utf_8", "cp1252"]).best()
        if best is not None and best.encoding:
            enc = _canonical(best.encoding) or "gb18030"
            return body.decode(enc, "replace"), enc
    if (text := mostly_utf8(body)) is not None:  # labelled GBK, written in UTF-8 with a stray byte
        return text, "utf-8"
    # A truncated multi-byte tail or a stray byte: keep the rest of the page readable.
    enc = declared[0] if declared else "gb18030"
    return body.decode(enc, "replace"), enc
