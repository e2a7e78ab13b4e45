"""Requests in the shared Redis queue as JSON, not pickle: scrapy-redis's SCHEDULER_SERIALIZER.

scrapy-redis hands ``dumps`` the dict of ``Request.to_dict(spider=...)`` and gives what ``loads``
returns to ``request_from_dict(..., spider=...)``. A pickle runs code when loaded, so anyone able
to write to the Redis could run code on every worker; JSON is only data. Bytes become text: header
names and values as latin-1 (HTTP's own charset, and lossless for any byte), the body as base64.
Meta, cb_kwargs and cookies must already be JSON values (zonenews puts strings, numbers, booleans
and lists there, and so do Scrapy's middlewares); anything else is refused when queued.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any


def dumps(request: dict[str, Any]) -> bytes:
    entry = dict(request)
    entry["headers"] = {_text(name): [_text(v) for v in values] for name, values in request["headers"].items()}
    entry["body"] = base64.b64encode(request["body"]).decode("ascii")
    return json.dumps(entry, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                      default=_not_json).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    """The request dict of one queue entry; ValueError when the entry is not one (a pickle, say)."""
    entry = json.loads(data)  # bytes that are not UTF-8 JSON raise a ValueError here, unread
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
        raise ValueError("not a JSON request: no url")
    headers, body = entry.get("headers") or {}, entry.get("body") or ""
    if not isinstance(headers, dict) or not isinstance(body, str) or not all(
            isinstance(values, list) and all(isinstance(v, str) for v in values) for values in headers.values()):
        raise ValueError("not a JSON request: bad headers or body")
    entry["headers"] = {name.encode("latin-1"): [v.encode("latin-1") for v in values]
                        for name, values in headers.items()}
    try:
        entry["body"] = base64.b64decode(body, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"not a JSON request: body is not base64 ({exc})") from None
    return entry


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _not_json(value: Any) -> Any:
    raise TypeError(f"a request for the Redis queue holds a {type(value).__name__}, which JSON cannot carry: "
                    f"give meta, cb_kwargs and cookies only strings, numbers, booleans, lists and dicts")
