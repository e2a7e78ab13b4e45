"""Site profiles: what is known about one zone site, as data (zonenews/sites/*.toml).

A profile names the site, its zone and start URLs and, only where the automatic crawl gets a
site wrong, URL patterns or CSS selectors that override discovery or extraction:

    name = "cdht"                                  # [a-z0-9_-]+, also the output folder name
    zone = "成都高新区"                              # a gazetteer name or alias; stored as the official name
    start_urls = ["https://www.example.gov.cn/xwzx/"]
    allowed_hosts = ["news.example.gov.cn"]        # optional: more hosts the crawl may enter
    follow_allow = ['/xwzx/']                      # optional: only follow URLs matching one of these
    follow_deny = ['/english/']                    # optional: never follow URLs matching these
    [selectors]                                    # optional CSS overrides for extraction
    title = "h1.article-title"
    body = "div.article-content"
    published_at = "span.pubtime"

Profiles are read from the package's sites/ folder and from every folder in ZONENEWS_SITES
(os.pathsep-separated) or --sites; a later folder's profile replaces one of the same name.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from zonenews.gazetteer import Gazetteer

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
KNOWN_KEYS = frozenset({"name", "zone", "start_urls", "allowed_hosts", "follow_allow", "follow_deny",
                        "selectors", "notes"})
SELECTOR_KEYS = frozenset({"title", "body", "published_at"})


class ProfileError(ValueError):
    """A profile file is wrong; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    zone: str | None
    start_urls: tuple[str, ...]
    allowed_hosts: tuple[str, ...] = ()
    follow_allow: tuple[str, ...] = ()
    follow_deny: tuple[str, ...] = ()
    selectors: dict[str, str] = field(default_factory=dict)
    path: str = ""

    def spider_args(self) -> dict[str, object]:
        return {"start_urls": list(self.start_urls), "zone": self.zone, "allowed_hosts": list(self.allowed_hosts),
                "follow_allow": list(self.follow_allow), "follow_deny": list(self.follow_deny),
                "selectors": dict(self.selectors), "profile": self.name}


def _fail(path: Path, key: str, problem: str) -> ProfileError:
    return ProfileError(f"{path}: field '{key}': {problem}")


def _str_list(data: dict, key: str, path: Path, *, required: bool = False) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, key, "must be a list of non-empty strings")
    if required and not value:
        raise _fail(path, key, "must list at least one entry")
    return tuple(v.strip() for v in value)


def parse_profile(path: Path) -> Profile:
    """Read and check one profile file."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read: {exc}") from None
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise _fail(path, unknown[0], f"unknown field (known: {', '.join(sorted(KNOWN_KEYS))})")
    name = data.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise _fail(path, "name", "must be lower-case letters, digits, '-' or '_' (it names output folders)")
    zone = data.get("zone")
    if zone is not None:
        if not isinstance(zone, str) or not zone.strip():
            raise _fail(path, "zone", "must be a zone name")
        known = Gazetteer.load().lookup(zone)
        zone = known.name if known else zone.strip()
    start_urls = _str_list(data, "start_urls", path, required=True)
    for url in start_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _fail(path, "start_urls", f"not an http(s) URL: {url!r}")
    patterns = {}
    for key in ("follow_allow", "follow_deny"):
        patterns[key] = _str_list(data, key, path)
        for pattern in patterns[key]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise _fail(path, key, f"bad regular expression {pattern!r}: {exc}") from None
    selectors = data.get("selectors", {})
    if not isinstance(selectors, dict) or set(selectors) - SELECTOR_KEYS or not all(
            isinstance(v, str) and v.strip() for v in selectors.values()):
        raise _fail(path, "selectors", f"must be a table with CSS strings for {', '.join(sorted(SELECTOR_KEYS))}")
    from cssselect import SelectorError, parse

    for key, css in selectors.items():
        try:
            parse(css)
        except SelectorError as exc:
            raise _fail(path, f"selectors.{key}", f"bad CSS selector {css!r}: {exc}") from None
    return Profile(name=name, zone=zone, start_urls=start_urls,
                   allowed_hosts=_str_list(data, "allowed_hosts", path), follow_allow=patterns["follow_allow"],
                   follow_deny=patterns["follow_deny"], selectors=dict(selectors), path=str(path))


def profile_dirs(extra: list[str] | None = None) -> list[Path]:
    dirs = [Path(str(resources.files("zonenews").joinpath("sites")))]
    env = os.environ.get("ZONENEWS_SITES", "")
    dirs += [Path(d) for d in env.split(os.pathsep) if d]
    dirs += [Path(d) for d in extra or []]
    return dirs


def load_profiles(extra_dirs: list[str] | None = None) -> dict[str, Profile]:
    """Every profile by name; raises ProfileError on the first bad file."""
    profiles: dict[str, Profile] = {}
    for folder in profile_dirs(extra_dirs):
        if not folder.is_dir():
            if folder.exists() or (extra_dirs and str(folder) in extra_dirs):
                raise ProfileError(f"{folder}: not a folder of profiles")
            continue
        for path in sorted(folder.glob("*.toml")):
            profile = parse_profile(path)
            profiles[profile.name] = profile
    return profiles
