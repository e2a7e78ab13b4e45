"""Bytes to text for pages whose charset is declared in a header, a meta tag, wrongly, or not at all."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)

# Chinese sites declare the narrow charset and use characters only its superset has.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
              "big5": "big5hkscs", "cp950": "big5hkscs", "iso-8859-1": "cp1252", "latin-1": "cp1252",
              "ascii": "cp1252", "us-ascii": "cp1252"}


# Codecs Python knows that no web page is written in: a lying label naming one is ignored.
_NOT_PAGE_CODECS = frozenset(["idna", "punycode", "undefined", "utf-7", "unicode-escape", "raw-unicode-escape",
                              "mbcs", "oem", "palmos"])


def _canonical(name: str) -> str | None:
    name = name.strip().lower()
    name = _SUPERSETS.get(name, name)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
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


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page to text; returns (text, encoding used).

    Valid UTF-8 wins whatever the page declares (long GBK text is never valid UTF-8 by
    chance), then each declared charset that decodes strictly, then detection among the
    Chinese charsets, and as a last resort GB18030 with replacement characters.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace"), "utf-8"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", "replace"), "utf-16"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = [e for e in declared_encodings(body, content_type) if e != "utf-8"]
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
    # A truncated multi-byte tail or a stray byte: keep the rest of the page readable.
    enc = declared[0] if declared else "gb18030"
    return body.decode(enc, "replace"), enc
