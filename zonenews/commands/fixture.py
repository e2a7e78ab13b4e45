"""`zonenews fixture save`: fetch one page (or take a saved one) and store it as a test fixture."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from zonenews.commands import UsageError, check_url

SAVE_EPILOG = """examples:
  zonenews fixture save http://www.example-zone.gov.cn/xwzx/2021/0506/1135.html --profile example
  zonenews fixture save --from-file saved/1135.html --url http://www.example-zone.gov.cn/xwzx/2021/0506/1135.html

The fixture is <case>.html.gz (the body as received), <case>.response.json (status, final URL, headers)
and <case>.expected.json (the record, for you to review and correct); see docs/fixtures.md."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fixture", help="save a page as a test fixture (then: zonenews check)",
                       description="Fixtures pin the record zonenews makes of a real page, so that "
                       "'zonenews check' notices when a site's template (or zonenews) changes.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p), required=True)
    s = actions.add_parser(
        "save", help="fetch a page once and store it with the record zonenews makes of it",
        description="Fetch one page with a plain GET (project User-Agent, redirects followed on the same "
        "host only) or read a saved one, and store its bytes, response headers and the record zonenews makes "
        "of it (the expected JSON, which you then review and correct by hand).",
        epilog=SAVE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("url", nargs="?", metavar="URL", help="the article page to fetch (http or https)")
    s.add_argument("--from-file", metavar="PAGE", help="use a page saved elsewhere instead of fetching")
    s.add_argument("--url", dest="page_url", metavar="URL", help="with --from-file: the URL the page came from")
    s.add_argument("--content-type", metavar="TYPE",
                   help="with --from-file: the Content-Type header it was served with, e.g. 'text/html' "
                   "(default: none recorded)")
    s.add_argument("--profile", metavar="NAME", help="the site profile (zonenews sites): its zone, "
                   "selectors and folder name")
    s.add_argument("--sites", action="append", default=[], metavar="DIR",
                   help="another folder of site profiles (*.toml); also ZONENEWS_SITES")
    s.add_argument("--zone", help="zone name for the record when there is no profile")
    s.add_argument("-d", "--dir", metavar="DIR",
                   help="folder for the fixture (default: tests/fixtures/sites/<profile or host>/)")
    s.add_argument("--name", metavar="CASE", help="case name (default: from the URL path); sanitised")
    s.add_argument("--force", action="store_true", help="replace an existing fixture of that name "
                   "(its hand corrections are lost)")
    s.add_argument("--timeout", type=float, metavar="SECONDS", help="fetch timeout (default: DOWNLOAD_TIMEOUT)")


def run(args: argparse.Namespace) -> int:
    if args.action == "save":
        return save(args)
    raise UsageError(f"unknown action {args.action!r}")  # argparse already refuses it


def _check_arguments(args: argparse.Namespace) -> str:
    if args.url and args.from_file:
        raise UsageError("give a URL to fetch or --from-file PAGE, not both")
    if not args.url and not args.from_file:
        raise UsageError("give the page URL to fetch, or --from-file PAGE --url URL")
    if args.from_file and not args.page_url:
        raise UsageError("--from-file needs --url URL: the address the page was saved from")
    if args.page_url and not args.from_file:
        raise UsageError("--url goes with --from-file; give the URL to fetch as the argument")
    if args.content_type is not None and not args.from_file:
        raise UsageError("--content-type goes with --from-file (a fetched page keeps the headers it was served with)")
    if args.profile and args.zone:
        raise UsageError("--zone conflicts with --profile: the profile names the zone")
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
    if args.from_file and not Path(args.from_file).is_file():
        raise UsageError(f"no such file: {args.from_file}")
    return check_url(args.url or args.page_url)


def _profile(args: argparse.Namespace) -> Any:
    if not args.profile:
        return None
    from zonenews.profiles import ProfileError, load_profiles

    try:
        profiles = load_profiles(args.sites)
    except ProfileError as exc:
        raise UsageError(f"bad profile: {exc}") from None
    if args.profile not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise UsageError(f"unknown profile {args.profile!r} (known: {known}; 'zonenews sites' lists them)")
    return profiles[args.profile]


def save(args: argparse.Namespace) -> int:
    from zonenews import fixtures

    url = _check_arguments(args)
    profile = _profile(args)
    if args.name is not None:
        case = fixtures.safe_name(args.name)
        if not case:
            raise UsageError(f"--name {args.name!r} has no letters or digits to make a file name of")
    else:
        case = fixtures.case_name_for(url)
    site = fixtures.safe_name(profile.name) if profile else fixtures.site_folder_name(url)
    folder = Path(args.dir) if args.dir else fixtures.DEFAULT_ROOT / site
    paths = fixtures.FixturePaths.of(folder, case)
    if (existing := paths.existing()) and not args.force:
        raise UsageError(f"fixture {folder / case} exists ({existing[0].name}); --force replaces it and "
                         "its hand corrections, --name gives another case name")
    _check_folder(folder)

    if args.from_file:
        body = Path(args.from_file).read_bytes()
        headers = [("Content-Type", args.content_type)] if args.content_type else []
        response = fixtures.Response(url, url, 200, headers, body)
        source = "file"
    else:
        from zonenews.commands import project_settings

        settings = project_settings([])
        other_hosts = list(profile.allowed_hosts) if profile else []
        try:
            response = fixtures.fetch(url, user_agent=settings.get("USER_AGENT"),
                                      timeout=args.timeout or settings.getfloat("DOWNLOAD_TIMEOUT"),
                                      max_size=settings.getint("DOWNLOAD_MAXSIZE"),
                                      max_redirects=settings.getint("REDIRECT_MAX_TIMES"), other_hosts=other_hosts)
        except fixtures.FetchError as exc:
            print(f"zonenews: error: cannot fetch: {exc}", file=sys.stderr)
            return 1
        source = "http"
        if profile and not _host_in_profile(response.final_url, profile):
            print(f"zonenews: warning: {response.final_url} is not on a host of profile {profile.name!r}",
                  file=sys.stderr)

    from zonenews.evaluate import Chain

    zone = profile.zone if profile else args.zone
    selectors = dict(profile.selectors) if profile else None
    record, skipped = Chain().run(response.body, response.final_url, content_type=response.content_type,
                                  zone=zone, selectors=selectors)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create fixture folder {folder}: {exc.strerror}") from None
    saved_at = fixtures.utc_now()
    if record is not None:
        expected = fixtures.expected_from_record(record, saved_at)
    else:
        expected = _skeleton(response.final_url, zone, saved_at, skipped)
    fixtures.save_fixture(paths, response, expected, source=source, profile=profile.name if profile else None,
                          zone=zone, saved_at=saved_at)
    _report(paths, response, expected, record, skipped, folder, case)
    return 0


def _check_folder(folder: Path) -> None:
    """Fail before fetching when the fixture folder could not be written (it is made after the fetch)."""
    import os

    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise UsageError(f"cannot write fixtures to {folder} ({existing} is not a writable folder)")


def _host_in_profile(url: str, profile: Any) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    hosts = {(urlsplit(u).hostname or "").lower() for u in profile.start_urls} | {
        h.lower() for h in profile.allowed_hosts}
    return host in hosts


def _skeleton(url: str, zone: str | None, saved_at: str, skipped: str | None) -> dict[str, Any]:
    """The expected JSON for a page zonenews skips: every field to be filled in by hand."""
    from zonenews.clean.record import RECORD_FIELDS
    from zonenews.extract import site_of
    from zonenews.fixtures import IGNORED_FIELDS

    empty: dict[str, Any] = {"url": url, "site": site_of(url), "zone": zone, "category": [], "body": "",
                             "images": [], "attachments": [], "zones_mentioned": []}
    expected: dict[str, Any] = {"_saved_at": saved_at, "_skipped": f"zonenews skipped the page ({skipped})"}
    expected.update((name, empty.get(name)) for name in RECORD_FIELDS if name not in IGNORED_FIELDS)
    return expected


def _report(paths: Any, response: Any, expected: dict[str, Any], record: dict[str, Any] | None,
            skipped: str | None, folder: Path, case: str) -> None:
    width = max(len(str(p)) for p in (paths.body, paths.response, paths.expected))
    print(f"saved fixture {folder.name}/{case} from {response.url}"
          + (f" (final URL {response.final_url})" if response.final_url != response.url else ""))
    print(f"  {paths.body!s:<{width}}  {len(response.body)} bytes as received (gzip on disk)")
    print(f"  {paths.response!s:<{width}}  status {response.status}, {len(response.headers)} header(s), "
          f"Content-Type: {response.content_type or '(none)'}")
    print(f"  {paths.expected!s:<{width}}  the record zonenews makes of it today")
    if record is None:
        print(f"\nzonenews skips this page ({skipped}): a crawl would not write a record for it. The expected "
              "JSON is an empty skeleton; fill in what the page says, and 'zonenews check' fails until "
              "zonenews extracts it.", file=sys.stderr)
    else:
        paragraphs = len([p for p in record["body"].split("\n") if p])
        print(f"    title:        {record['title']}")
        print(f"    published_at: {record['published_at']}")
        print(f"    source: {record['source']}; author: {record['author']}; editor: {record['editor']}; "
              f"category: {' > '.join(record['category']) or '-'}")
        print(f"    body: {paragraphs} paragraphs, {len(record['body'])} characters; images: "
              f"{len(record['images'])}; attachments: {len(record['attachments'])}")
        if record["published_at"] is None:
            print("    note: no publish date found; a crawl skips undated pages (ZONENEWS_ALLOW_UNDATED)")
    print(f"\nNow review {paths.expected} by hand against the page: correct every field zonenews got wrong, "
          "so the fixture pins what the page really says (delete a field to leave it unchecked; keys "
          f"starting with '_' are notes). Then run: zonenews check {folder}")
