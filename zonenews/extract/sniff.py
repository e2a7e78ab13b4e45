"""Whether a response is a page at all, before anything tries to read it as one."""

from __future__ import annotations


def unreadable_reason(body: bytes, content_type: str | None) -> str | None:
    """'empty' or 'not_html' for a response no extractor should read, else None."""
    if not body.strip():
        return "empty"
    if b"\x00" in body[:2048] or (content_type and "html" not in content_type.lower()
                                  and body.lstrip()[:1] != b"<"):
        return "not_html"
    return None
