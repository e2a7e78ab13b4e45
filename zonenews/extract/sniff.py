"""Whether a response is a page at all, before anything tries to read it as one."""

from __future__ import annotations

# File signatures of the binaries sites serve under .html names or a wrong Content-Type.
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"Rar!",
                 b"7z\xbc\xaf", b"\xd0\xcf\x11\xe0")
# Control bytes no text page holds (tab, newline, form feed and carriage return excepted).
_CONTROL = bytes(sorted(set(range(32)) - {9, 10, 12, 13}))
# A page is binary when this share of its first bytes are control bytes. One stray NUL in a
# <title> is a damaged page, not a binary one; random bytes hold about 9 %.
MAX_CONTROL_SHARE = 0.02
_SNIFF_BYTES = 2048


def unreadable_reason(body: bytes, content_type: str | None) -> str | None:
    """'empty' or 'not_html' for a response no extractor should read, else None."""
    if not body.strip():
        return "empty"
    head = body[:_SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text: its NULs are half of every character
        return None
    if head.lstrip().startswith(_BINARY_MAGIC) or _control_share(head) > MAX_CONTROL_SHARE:
        return "not_html"
    if content_type and "html" not in content_type.lower() and body.lstrip()[:1] != b"<":
        return "not_html"
    return None


def _control_share(head: bytes) -> float:
    return (len(head) - len(head.translate(None, _CONTROL))) / len(head)
