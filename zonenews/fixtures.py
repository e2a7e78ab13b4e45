"""Saved site fixtures: one fetched page, how it was served, and the record zonenews should make of it.

A fixture is three files in a folder per site (default ``tests/fixtures/sites/<profile or host>/``)::

    <case>.html.gz        the response body exactly as received, gzip-compressed (only a Content-Encoding
                          the server applied despite ``Accept-Encoding: identity`` is undone first)
    <case>.response.json  how it was served: requested URL, final URL, status, every response header,
                          when it was saved and with which zonenews, the site profile and zone
    <case>.expected.json  the record, as `zonenews fixture save` made it and a person then reviewed and
                          corrected by hand; ``crawled_at`` and ``content_hash`` are left out (volatile, and
                          derived from body), keys starting with ``_`` are notes, and a field deleted from
                          the file is not compared

Replaying a fixture runs the stored bytes through the same chain as a crawl (offline.page_from_bytes with
the stored Content-Type header, then the Extract and Clean pipelines, with the profile's zone and
selectors), so a page whose charset only the header gives, or that the header gets wrong, decodes
offline exactly as it did live. The fixture pairs of tests/fixtures/pages (``<case>.html`` +
``<case>.json``, no headers) replay the same way; their hand-written bodies are compared by character
F1 (>= 0.95) instead of exactly, plus no repeated paragraphs and nothing of ``body_must_not_contain``.
"""

from __future__ import annotations

import contextlib
import difflib
import gzip
import json
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha1
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from zonenews.evaluate import Case, Chain, char_f1, load_pair, repeated_paragraphs, replay

FORMAT = 1
BODY_SUFFIX = ".html.gz"
RESPONSE_SUFFIX = ".response.json"
EXPECTED_SUFFIX = ".expected.json"
DEFAULT_ROOT = Path("tests/fixtures/sites")

# Never compared: crawled_at changes on every run; content_hash is a function of body.
IGNORED_FIELDS = frozenset({"crawled_at", "content_hash"})
PAIR_BODY_MIN_F1 = 0.95
PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".php", ".asp", ".aspx", ".jsp", ".jspx", ".do")
MAX_NAME = 80
MAX_DIFF_LINES = 40
MAX_VALUE_CHARS = 300


class FetchError(Exception):
    """The page could not be fetched (network, HTTP status, redirect elsewhere, size)."""


# -- fetching ------------------------------------------------------------------------------------------

@dataclass
class Response:
    url: str
    final_url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    decoded_from: str | None = None  # a Content-Encoding undone before saving

    @property
    def content_type(self) -> str | None:
        return header_value(self.headers, "Content-Type")


def header_value(headers: Iterable[Iterable[str]], name: str) -> str | None:
    """The last value of a header, as Scrapy's Headers.get gives it; None when absent or empty."""
    found = None
    for key, value in headers:
        if key.lower() == name.lower():
            found = value
    return found or None


def fetch(url: str, *, user_agent: str, timeout: float, max_size: int, max_redirects: int = 5,
          other_hosts: Iterable[str] = ()) -> Response:
    """One plain GET; redirects are followed only to the same host (or other_hosts)."""
    import http.client
    import urllib.error
    import urllib.request

    hosts = {(urlsplit(url).hostname or "").lower(), *(h.lower() for h in other_hosts)}

    class SameHostRedirects(urllib.request.HTTPRedirectHandler):
        max_redirections = max_redirects

        def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
            target = urlsplit(newurl)
            if target.scheme not in ("http", "https") or (target.hostname or "").lower() not in hosts:
                raise FetchError(f"{req.full_url} redirects ({code}) to another host: {newurl} "
                                 "(save that URL directly if it is the page you mean)")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    opener = urllib.request.build_opener(SameHostRedirects())
    request = urllib.request.Request(url, headers={
        "User-Agent": user_agent, "Accept-Encoding": "identity",
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Accept-Language": "en"})
    try:
        with opener.open(request, timeout=timeout) as resp:
            body = resp.read(max_size + 1)
            if len(body) > max_size:
                raise FetchError(f"{url}: response larger than {max_size} bytes")
            response = Response(url, resp.geturl(), resp.status, [(k, v) for k, v in resp.headers.items()], body)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{exc.url or url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(f"{url}: no answer within {timeout:g} s") from None
        raise FetchError(f"{url}: {getattr(reason, 'strerror', None) or reason}") from None
    except TimeoutError:
        raise FetchError(f"{url}: no answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"{url}: {exc.__class__.__name__}: {exc}") from None
    encoding = (header_value(response.headers, "Content-Encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            if encoding == "deflate":
                try:
                    response.body = zlib.decompress(response.body)
                except zlib.error:
                    response.body = zlib.decompress(response.body, -zlib.MAX_WBITS)
            else:
                response.body = gzip.decompress(response.body)
        except (OSError, zlib.error, EOFError) as exc:
            raise FetchError(f"{url}: cannot undo Content-Encoding {encoding}: {exc}") from None
        response.decoded_from = encoding
    elif encoding not in ("", "identity"):
        raise FetchError(f"{url}: the server sent a {encoding}-encoded body despite Accept-Encoding: identity")
    return response


# -- names ---------------------------------------------------------------------------------------------

def safe_name(text: str, *, keep_dots: bool = False) -> str:
    """Lower-case ASCII letters, digits, '_' and '-' (and '.' for host names); nothing that makes a path."""
    allowed = r"[^a-z0-9._-]+" if keep_dots else r"[^a-z0-9_-]+"
    name = re.sub(r"_+", "_", re.sub(allowed, "_", text.lower())).strip("._-")
    if len(name) > MAX_NAME:
        name = name[: MAX_NAME - 9].rstrip("._-") + "_" + sha1(text.encode("utf-8")).hexdigest()[:8]
    return name


def case_name_for(url: str) -> str:
    """A case name from a URL's path and query: /xwzx/2021/0506/1135.html -> xwzx_2021_0506_1135."""
    parts = urlsplit(url)
    segments = [s for s in unquote(parts.path).split("/") if s]
    if segments and segments[-1].lower().endswith(PAGE_SUFFIXES):
        segments[-1] = segments[-1].rsplit(".", 1)[0]
    raw = "_".join(segments) + ("_" + unquote(parts.query) if parts.query else "")
    if not raw:
        return "index"
    return safe_name(raw) or "page_" + sha1(raw.encode("utf-8")).hexdigest()[:8]  # e.g. a path all in Chinese


def site_folder_name(url: str) -> str:
    return safe_name(urlsplit(url).hostname or "", keep_dots=True) or "site"


@dataclass
class FixturePaths:
    body: Path
    response: Path
    expected: Path

    @classmethod
    def of(cls, folder: Path, case: str) -> FixturePaths:
        return cls(folder / (case + BODY_SUFFIX), folder / (case + RESPONSE_SUFFIX), folder / (case + EXPECTED_SUFFIX))

    def existing(self) -> list[Path]:
        return [p for p in (self.body, self.response, self.expected) if p.exists()]


# -- saving --------------------------------------------------------------------------------------------

def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def expected_from_record(record: dict[str, Any], saved_at: str) -> dict[str, Any]:
    expected: dict[str, Any] = {"_saved_at": saved_at}
    expected.update((k, v) for k, v in record.items() if k not in IGNORED_FIELDS)
    return expected


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def save_fixture(paths: FixturePaths, response: Response, expected: dict[str, Any], *, source: str,
                 profile: str | None, zone: str | None, saved_at: str) -> None:
    from zonenews import __version__

    paths.body.parent.mkdir(parents=True, exist_ok=True)
    paths.body.write_bytes(gzip.compress(response.body, mtime=0))
    meta: dict[str, Any] = {
        "format": FORMAT, "url": response.url, "final_url": response.final_url, "status": response.status,
        "headers": [[k, v] for k, v in response.headers], "body_bytes": len(response.body),
        "saved_at": saved_at, "saved_with": f"zonenews {__version__}", "source": source,
        "profile": profile, "zone": zone,
    }
    if response.decoded_from:
        meta["content_encoding_undone"] = response.decoded_from
    text = json.dumps(meta, ensure_ascii=False, indent=2)
    text = re.sub(r'\[\n\s+("(?:[^"\\]|\\.)*"),\n\s+("(?:[^"\\]|\\.)*")\n\s+\]', r"[\1, \2]", text)
    paths.response.write_text(text + "\n", encoding="utf-8")
    write_json(paths.expected, expected)


# -- loading -------------------------------------------------------------------------------------------

def _stem(path: Path) -> str | None:
    for suffix in (BODY_SUFFIX, RESPONSE_SUFFIX, EXPECTED_SUFFIX):
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return None


def load_site_fixture(folder: Path, case: str) -> Case:
    paths = FixturePaths.of(folder, case)
    missing = [p.name for p in (paths.body, paths.response, paths.expected) if not p.is_file()]
    if missing:
        return Case(paths.body, {}, kind="site", expected_path=paths.expected,
                    error=f"incomplete fixture: missing {', '.join(missing)}")
    try:
        meta = json.loads(paths.response.read_text("utf-8"))
        expected = json.loads(paths.expected.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return Case(paths.body, {}, kind="site", expected_path=paths.expected, error=f"unreadable: {exc}")
    if not isinstance(meta, dict) or not isinstance(meta.get("final_url"), str):
        return Case(paths.body, {}, kind="site", expected_path=paths.expected,
                    error=f"{paths.response.name} has no final_url")
    if not isinstance(expected, dict):
        return Case(paths.body, {}, kind="site", expected_path=paths.expected,
                    error=f"{paths.expected.name} must hold a JSON object")
    headers = [tuple(h) for h in meta.get("headers") or [] if isinstance(h, list) and len(h) == 2]
    return Case(paths.body, expected, url=meta["final_url"], content_type=header_value(headers, "Content-Type"),
                zone=meta.get("zone"), profile=meta.get("profile"), kind="site", expected_path=paths.expected)


def _case_for_file(path: Path) -> Case | None:
    if (case := _stem(path)) is not None:
        return load_site_fixture(path.parent, case)
    if path.suffix == ".html" and path.with_suffix(".json").is_file():
        return load_pair(path)
    if path.suffix == ".json" and path.with_suffix(".html").is_file():
        return load_pair(path.with_suffix(".html"))
    return None


def discover(paths: Iterable[Path]) -> list[Case]:
    """Every fixture in the folders and files given: saved site fixtures and <case>.html + .json pairs.

    An incomplete or unreadable fixture comes back with its error set; a file that is no fixture is left out."""
    found: dict[tuple[str, str], Case] = {}
    for path in paths:
        candidates: list[Path] = []
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file() and (
                _stem(p) is not None or p.suffix == ".html"))
        elif path.is_file():
            candidates = [path]
        for file in candidates:
            stem = _stem(file)
            key = (str(file.parent.resolve()), f"site:{stem}" if stem is not None else f"pair:{file.stem}")
            if key in found:
                continue
            case = _case_for_file(file)
            if case is not None:
                found[key] = case
    return sorted(found.values(), key=lambda c: str(c.html))


# -- checking ------------------------------------------------------------------------------------------

MISSING = object()


@dataclass
class FieldDiff:
    field: str
    expected: Any
    got: Any
    detail: list[str] = field(default_factory=list)


@dataclass
class CheckResult:
    case: Case
    record: dict[str, Any] | None = None
    skipped: str | None = None
    diffs: list[FieldDiff] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.diffs and self.error is None


def compared_fields(expected: dict[str, Any]) -> list[str]:
    return [k for k in expected if not k.startswith("_") and k not in IGNORED_FIELDS
            and k != "body_must_not_contain"]


def body_min_f1(case: Case) -> float:
    default = PAIR_BODY_MIN_F1 if case.kind == "pair" else 1.0
    try:
        return float(case.expected.get("_body_min_f1", default))
    except (TypeError, ValueError):
        return default


def compare(case: Case, record: dict[str, Any] | None, skipped: str | None = None) -> list[FieldDiff]:
    """The fields of the expected JSON that the record does not match."""
    expected = case.expected
    if record is None:
        return [FieldDiff("record", "a record", f"none: the page was skipped ({skipped or 'unknown reason'})")]
    diffs = []
    min_f1 = body_min_f1(case)
    for name in compared_fields(expected):
        want, got = expected[name], record.get(name, MISSING)
        if name == "body" and isinstance(want, str) and isinstance(got, str):
            if min_f1 >= 1.0 and got == want:
                continue
            f1 = char_f1(got, want)
            if min_f1 < 1.0 and f1 >= min_f1:
                continue
            note = [f"character F1 {f1:.3f}" + (f" < {min_f1:g}" if min_f1 < 1.0 else "")]
            diffs.append(FieldDiff(name, want, got, note + body_diff(want, got)))
        elif got is MISSING or got != want:
            diffs.append(FieldDiff(name, want, got, list_diff(want, got)))
    if min_f1 < 1.0 and isinstance(record.get("body"), str) and (n := repeated_paragraphs(record["body"])):
        diffs.append(FieldDiff("body", "no repeated paragraphs", f"{n} repeated paragraph(s)"))
    must_not = expected.get("body_must_not_contain") or []
    if leaks := [s for s in must_not if isinstance(s, str) and s in (record.get("body") or "")]:
        diffs.append(FieldDiff("body_must_not_contain", "none of these strings in body", leaks))
    return diffs


def check_case(case: Case, chain: Chain | None = None, selectors: dict[str, str] | None = None) -> CheckResult:
    """Replay one fixture (with these profile selectors) and compare the record with the expected JSON."""
    if case.error:
        return CheckResult(case, error=case.error)
    try:
        record, skipped = replay(case, chain, selectors)
    except (OSError, EOFError, zlib.error) as exc:
        return CheckResult(case, error=f"cannot read {case.html.name}: {exc}")
    return CheckResult(case, record, skipped, compare(case, record, skipped))


def needs_profiles(cases: Iterable[Case]) -> bool:
    return any(c.profile for c in cases)


def check_fixture(case: Case, profiles: dict[str, Any], chain: Chain | None = None) -> CheckResult:
    """check_case, replayed as a crawl with the fixture's site profile would run today (its zone, selectors)."""
    selectors = None
    if case.profile and case.error is None:
        profile = profiles.get(case.profile)
        if profile is None:
            return CheckResult(case, error=f"site profile {case.profile!r} not found ('zonenews sites' lists "
                               "them; --sites DIR or ZONENEWS_SITES adds folders)")
        case.zone, selectors = profile.zone, dict(profile.selectors)
    return check_case(case, chain, selectors)


# -- showing -------------------------------------------------------------------------------------------

def show(value: Any) -> str:
    if value is MISSING:
        return "(no such field)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def body_diff(want: str, got: str) -> list[str]:
    lines = list(difflib.unified_diff(want.split("\n"), got.split("\n"), "expected", "got", n=1, lineterm=""))
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"... {len(lines) - MAX_DIFF_LINES} more diff lines"]
    return lines


def list_diff(want: Any, got: Any) -> list[str]:
    if not isinstance(want, list) or not isinstance(got, list):
        return []
    w = Counter(json.dumps(x, ensure_ascii=False, sort_keys=True) for x in want)
    g = Counter(json.dumps(x, ensure_ascii=False, sort_keys=True) for x in got)
    lines = [f"- {item}" for item in (w - g).elements()] + [f"+ {item}" for item in (g - w).elements()]
    return lines or ["(same items, different order)"]


def format_result(result: CheckResult, root: Path | None = None) -> list[str]:
    """Lines for a CI log: one for a pass, a block per failing fixture."""
    case = result.case
    if result.ok:
        return [f"ok    {case.name}"]
    where = case.expected_path or case.html
    with contextlib.suppress(ValueError):
        where = where.resolve().relative_to((root or Path.cwd()).resolve())
    if result.error:
        return [f"ERROR {case.name} ({where}): {result.error}"]
    lines = [f"FAIL  {case.name} ({where}): {len(result.diffs)} field(s) differ"]
    for diff in result.diffs:
        lines.append(f"  {diff.field}:")
        if diff.field == "body" and isinstance(diff.got, str) and diff.detail:
            lines += [f"    {line}" for line in diff.detail]
            continue
        lines.append(f"    expected: {show(diff.expected)}")
        lines.append(f"    got:      {show(diff.got)}")
        lines += [f"      {line}" for line in diff.detail]
    return lines
