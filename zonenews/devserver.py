"""A small static web server for demos and crawl tests (standard library only).

:class:`StaticSite` serves one directory over HTTP on a loopback address in a background
thread; :class:`SiteGroup` serves every subdirectory of a directory as its own site, each on
its own loopback IP (127.0.0.2, 127.0.0.3, ...) so that sites have distinct hosts.

Behaviour of a site:

* ``GET`` and ``HEAD``. ``/`` and ``/dir/`` serve ``index.html``; ``/dir`` (a directory
  without the trailing slash) answers 301 to ``/dir/``. Paths that would leave the root are
  404, and so is any path with a component starting with ``_`` (``_routes.json``, template
  and backing files); those files can only be served through a route.
* The query string is ignored for file lookup (``/list.html?page=3`` serves ``list.html``)
  unless a ``files`` or ``endless`` route says otherwise; it is recorded in
  :attr:`StaticSite.requests` all the same.
* Content-Type by extension. ``.html``/``.htm``/``.shtml`` are ``text/html`` *without* a
  charset parameter (like many old government servers), so the page's meta tag decides.
* In served text bodies (and redirect targets) the ASCII placeholder ``{{site:NAME}}`` is
  replaced, at byte level, with the base URL of site ``NAME`` of the same :class:`SiteGroup`
  (unknown names are left alone), so that static files can link across sites whose ports
  are only known at run time.
* No request logging to stderr.

An optional ``_routes.json`` in a site's root customises answers. All keys are optional::

    {
      "headers":   {"<fnmatch glob>": {"Header-Name": "value"}},
      "redirects": {"/path": "/target-or-absolute-url"},
      "status":    {"/path": 500},
      "files":     {"/path?with=query": "file/in/root.html"},
      "slow":      {"/path": 2.5},
      "endless":   {"/path": {"param": "date", "type": "date", "start": "2022-06-01",
                              "template": "_tpl/calendar.html"}}
    }

Matching: ``redirects``, ``status``, ``files`` and ``slow`` keys are tried as the exact
path+query, then the same query with its parameters in any order, then the bare path (for keys
without ``?``), then as fnmatch globs against path+query (for ``files``/``slow`` keys with
glob characters). ``headers`` globs are matched against the path and against path+query; every
matching entry applies, in file order, later ones overriding earlier ones.

* ``headers`` adds or overrides response headers (e.g. a lying
  ``"Content-Type": "text/html; charset=utf-8"`` on a page that is really GBK).
* ``redirects`` answers 301 with ``Location`` (a target starting with ``/`` is made absolute on
  this site; ``{{site:NAME}}`` is substituted).
* ``status`` answers that status with a tiny HTML body.
* ``files`` serves the given file (relative to the site root) for that path.
* ``slow`` sleeps that many seconds before answering.
* ``endless`` serves a crawler trap: the template file is served for the path with any query,
  and ``{{endless:value}}``, ``{{endless:prev}}`` and ``{{endless:next}}`` in it are replaced
  by the current, previous and next value of query parameter ``param`` (``type`` ``"int"``:
  integers, ``start`` default 1, ``prev`` never below ``start``; ``type`` ``"date"``:
  ISO dates one day apart). A missing or malformed parameter counts as ``start``. So a
  template link ``calendar?date={{endless:next}}`` goes on forever.

Run ``python -m zonenews.devserver DIR`` to serve a directory (a site group if DIR has no
``index.html``) until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fnmatch
import json
import posixpath
import re
import socket
import threading
import time
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["SiteGroup", "StaticSite"]

ROUTES_FILE = "_routes.json"

_CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".txt": "text/plain",
    ".css": "text/css",
    ".js": "application/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".rar": "application/vnd.rar",
}
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml",
               "application/rss+xml", "application/xhtml+xml", "image/svg+xml")
_SITE_PLACEHOLDER = re.compile(rb"\{\{site:([A-Za-z0-9_.-]+)\}\}")
_GLOB_CHARS = re.compile(r"[*?\[]")


def content_type_for(path: str) -> str:
    """Content-Type for a file name by extension (``application/octet-stream`` if unknown)."""
    return _CONTENT_TYPES.get(posixpath.splitext(path)[1].lower(), "application/octet-stream")


def _normalized_query(query: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(parse_qsl(query, keep_blank_values=True)))


class Routes:
    """The parsed ``_routes.json`` of one site."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        data = data or {}
        self.headers: list[tuple[str, dict[str, str]]] = [
            (glob, {str(k): str(v) for k, v in hdrs.items()})
            for glob, hdrs in dict(data.get("headers", {})).items()
        ]
        self.redirects: dict[str, str] = {str(k): str(v) for k, v in dict(data.get("redirects", {})).items()}
        self.status: dict[str, int] = {str(k): int(v) for k, v in dict(data.get("status", {})).items()}
        self.files: dict[str, str] = {str(k): str(v) for k, v in dict(data.get("files", {})).items()}
        self.slow: dict[str, float] = {str(k): float(v) for k, v in dict(data.get("slow", {})).items()}
        self.endless: dict[str, dict[str, Any]] = {
            str(k): dict(v) for k, v in dict(data.get("endless", {})).items()
        }

    @classmethod
    def load(cls, root: Path) -> Routes:
        path = root / ROUTES_FILE
        if not path.is_file():
            return cls()
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @staticmethod
    def lookup(table: Mapping[str, Any], path: str, query: str, *, globs: bool = False) -> Any:
        """Find the entry for a request in a path-keyed table (see module docs for the order)."""
        full = f"{path}?{query}" if query else path
        if full in table:
            return table[full]
        if query:
            want = _normalized_query(query)
            for key, value in table.items():
                kpath, sep, kquery = key.partition("?")
                if sep and kpath == path and _normalized_query(kquery) == want:
                    return value
        if path in table and "?" not in path:
            return table[path]
        if globs:
            for key, value in table.items():
                if _GLOB_CHARS.search(key) and (fnmatch.fnmatchcase(full, key) or fnmatch.fnmatchcase(path, key)):
                    return value
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: StaticSite) -> None:
        self.site = site
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.connections_lock:
            conns = list(self.connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart on a kept-alive socket
    server_version = "Apache"
    sys_version = ""
    timeout = 30
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.server.site.handle(self, head=False)

    def do_HEAD(self) -> None:
        self.server.site.handle(self, head=True)


class StaticSite:
    """Serve one directory over HTTP on a loopback address in a background thread."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0, sites: SiteGroup | None = None) -> None:
        self.root = Path(root).resolve()
        self.host = host
        self.port = port
        self.sites = sites
        self.base_url = ""
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._routes = Routes()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> StaticSite:
        if self._server is not None:
            return self
        self._routes = Routes.load(self.root)
        self._server = _Server((self.host, self.port), self)
        host, port = self._server.server_address[:2]
        self.host, self.port = str(host), int(port)
        self.base_url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"StaticSite({self.root.name})", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> StaticSite:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def url(self, path: str = "/") -> str:
        """Absolute URL of ``path`` on this site."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- request handling ------------------------------------------------------------------
    def substitute(self, data: bytes) -> bytes:
        """Replace ``{{site:NAME}}`` placeholders with the base URLs of the group's sites."""
        if b"{{site:" not in data:
            return data

        def repl(m: re.Match[bytes]) -> bytes:
            name = m.group(1).decode("ascii")
            if self.sites is not None and name in self.sites.sites:
                return self.sites.sites[name].base_url.encode("ascii")
            return m.group(0)

        return _SITE_PLACEHOLDER.sub(repl, data)

    def _resolve(self, rel: str) -> Path | None:
        """Map a site-relative path to a file/dir under root, or None if outside / hidden."""
        if "\x00" in rel:
            return None
        norm = posixpath.normpath("/" + rel.lstrip("/"))
        parts = [p for p in norm.split("/") if p]
        if any(p.startswith("_") or p in ("..", ".") for p in parts):
            return None
        candidate = self.root.joinpath(*parts) if parts else self.root
        try:
            resolved = candidate.resolve()
        except OSError:
            return None
        if resolved != self.root and not resolved.is_relative_to(self.root):
            return None
        return resolved

    def _file_in_root(self, rel: str) -> Path | None:
        """A route target (may be a hidden ``_`` file) that stays inside root."""
        resolved = (self.root / rel.lstrip("/")).resolve()
        if not resolved.is_relative_to(self.root) or not resolved.is_file():
            return None
        return resolved

    def handle(self, h: _Handler, *, head: bool) -> None:
        raw = h.path
        with self._lock:
            self.requests.append(raw)
        split = urlsplit(raw)
        path = unquote(split.path) or "/"
        query = split.query
        routes = self._routes

        delay = routes.lookup(routes.slow, path, query, globs=True)
        if delay:
            time.sleep(float(delay))

        extra = self._matching_headers(path, query)

        status = routes.lookup(routes.status, path, query)
        if status is not None:
            self._send_status(h, int(status), extra, head=head)
            return

        target = routes.lookup(routes.redirects, path, query)
        if target is not None:
            location = self.substitute(str(target).encode("utf-8")).decode("utf-8")
            if location.startswith("/"):
                location = self.base_url + location
            self._send_redirect(h, location, extra, head=head)
            return

        endless = routes.lookup(routes.endless, path, query)
        if endless is not None:
            self._send_endless(h, endless, query, extra, head=head)
            return

        mapped = routes.lookup(routes.files, path, query, globs=True)
        if mapped is not None:
            file = self._file_in_root(str(mapped))
            if file is None:
                self._send_status(h, 404, extra, head=head)
            else:
                self._send_file(h, file, extra, head=head)
            return

        resolved = self._resolve(path)
        if resolved is None:
            self._send_status(h, 404, extra, head=head)
            return
        if resolved.is_dir():
            if not split.path.endswith("/"):
                location = self.base_url + split.path + "/" + (f"?{query}" if query else "")
                self._send_redirect(h, location, extra, head=head)
                return
            resolved = resolved / "index.html"
        if not resolved.is_file():
            self._send_status(h, 404, extra, head=head)
            return
        self._send_file(h, resolved, extra, head=head)

    def _matching_headers(self, path: str, query: str) -> dict[str, str]:
        full = f"{path}?{query}" if query else path
        out: dict[str, str] = {}
        for glob, hdrs in self._routes.headers:
            if fnmatch.fnmatchcase(path, glob) or fnmatch.fnmatchcase(full, glob):
                for name, value in hdrs.items():
                    for existing in [k for k in out if k.lower() == name.lower()]:
                        del out[existing]
                    out[name] = value
        return out

    @staticmethod
    def _send(h: _Handler, code: int, headers: Mapping[str, str], body: bytes, *, head: bool) -> None:
        h.send_response(code)
        for name, value in headers.items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if not head:
            h.wfile.write(body)

    @staticmethod
    def _merge(base: dict[str, str], extra: Mapping[str, str]) -> dict[str, str]:
        out = dict(base)
        for name, value in extra.items():
            for existing in [k for k in out if k.lower() == name.lower()]:
                del out[existing]
            out[name] = value
        return out

    def _send_status(self, h: _Handler, code: int, extra: Mapping[str, str], *, head: bool) -> None:
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        body = f"<html><head><title>{code} {phrase}</title></head><body><h1>{code} {phrase}</h1></body></html>\n"
        self._send(h, code, self._merge({"Content-Type": "text/html"}, extra), body.encode("ascii"), head=head)

    def _send_redirect(self, h: _Handler, location: str, extra: Mapping[str, str], *, head: bool) -> None:
        body = f'<html><body>Moved <a href="{location}">here</a>.</body></html>\n'.encode()
        headers = self._merge({"Location": location, "Content-Type": "text/html"}, extra)
        self._send(h, 301, headers, body, head=head)

    def _send_file(self, h: _Handler, file: Path, extra: Mapping[str, str], *, head: bool) -> None:
        ctype = content_type_for(file.name)
        body = file.read_bytes()
        if ctype.startswith(_TEXT_TYPES):
            body = self.substitute(body)
        self._send(h, 200, self._merge({"Content-Type": ctype}, extra), body, head=head)

    def _send_endless(self, h: _Handler, spec: Mapping[str, Any], query: str,
                      extra: Mapping[str, str], *, head: bool) -> None:
        file = self._file_in_root(str(spec.get("template", "")))
        if file is None:
            self._send_status(h, 404, extra, head=head)
            return
        param = str(spec.get("param", "n"))
        raw_value = dict(parse_qsl(query, keep_blank_values=True)).get(param, "")
        value, prev, nxt = _endless_values(spec, raw_value)
        body = file.read_bytes()
        for key, val in (("value", value), ("prev", prev), ("next", nxt)):
            body = body.replace(b"{{endless:" + key.encode("ascii") + b"}}", val.encode("ascii"))
        body = self.substitute(body)
        self._send(h, 200, self._merge({"Content-Type": content_type_for(file.name)}, extra), body, head=head)


def _endless_values(spec: Mapping[str, Any], raw: str) -> tuple[str, str, str]:
    kind = str(spec.get("type", "int"))
    if kind == "date":
        start = dt.date.fromisoformat(str(spec.get("start", "2020-01-01")))
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            day = start
        one = dt.timedelta(days=1)
        return day.isoformat(), (day - one).isoformat(), (day + one).isoformat()
    first = int(spec.get("start", 1))
    try:
        n = int(raw)
    except ValueError:
        n = first
    n = max(n, first)
    return str(n), str(max(first, n - 1)), str(n + 1)


class SiteGroup:
    """Serve each subdirectory of root as its own site, each on its own loopback IP
    (127.0.0.2, 127.0.0.3, ...) and a free port, so sites have distinct hosts.

    Subdirectories whose names start with ``.`` or ``_`` are not sites. If an address of
    127.0.0.0/8 other than 127.0.0.1 cannot be bound (some non-Linux systems), that site falls
    back to 127.0.0.1, and sites then differ by port only.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.sites: dict[str, StaticSite] = {}
        names = sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
        for i, name in enumerate(names):
            if i + 2 > 254:
                raise ValueError("too many sites for 127.0.0.0/24")
            self.sites[name] = StaticSite(self.root / name, host=f"127.0.0.{i + 2}", sites=self)

    def start(self) -> SiteGroup:
        try:
            for site in self.sites.values():
                try:
                    site.start()
                except OSError:
                    site.host = "127.0.0.1"
                    site.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for site in self.sites.values():
            site.stop()

    def __enter__(self) -> SiteGroup:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __getitem__(self, name: str) -> StaticSite:
        return self.sites[name]

    def url(self, name: str, path: str = "/") -> str:
        """Absolute URL of ``path`` (may carry a query) on site ``name``."""
        return self.sites[name].url(path)

    def site_of(self, url: str) -> str | None:
        """Name of the site serving ``url`` (by scheme-less host:port), or None."""
        netloc = urlsplit(url).netloc
        for name, site in self.sites.items():
            if urlsplit(site.base_url).netloc == netloc:
                return name
        return None

    def all_requests(self) -> dict[str, list[str]]:
        """A snapshot of every site's received request paths."""
        return {name: list(site.requests) for name, site in self.sites.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a directory (or a group of site directories) on loopback.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--single", action="store_true", help="serve root as one site even without index.html")
    parser.add_argument("--port", type=int, default=0, help="port for a single site (default: any free port)")
    args = parser.parse_args(argv)
    root: Path = args.root
    server: StaticSite | SiteGroup
    if args.single or (root / "index.html").is_file():
        server = StaticSite(root, port=args.port).start()
        print(f"{root}: {server.base_url}/", flush=True)
    else:
        server = SiteGroup(root).start()
        for name, site in server.sites.items():
            print(f"{name}: {site.base_url}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
