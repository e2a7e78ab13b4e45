"""Data model of the fixture web: articles, sites, the manifest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# A content block of an article:
#   ("p", text) paragraph; ("h", text) subheading; ("sign", text) right-aligned signature/date line;
#   ("img", path, caption|None); ("table", [[cell, ...], ...]); ("attach", [(path, name), ...]);
#   ("echo", text) the title repeated at the top of the content (not body).
Block = tuple[Any, ...]


@dataclass
class Article:
    site: str
    column: str
    kind: str  # news | notice | policy
    title: str
    date: dt.date
    time: str | None  # "HH:MM" or "HH:MM:SS" when the page shows a time
    blocks: list[Block]
    source_shown: str | None  # what the meta line shows after 来源
    source: str | None  # expected record value
    author: str | None = None
    editor: str | None = None
    hits: int = 0
    uid: int = 0
    path: str = ""
    story: int | None = None  # republished group id
    print_copy: bool = False
    lying_header: bool = False
    kicker: str | None = None
    subtitle: str | None = None
    show_date: bool = True
    template_group: str | None = None  # notices sharing a template
    old_paths: list[str] = field(default_factory=list)
    prev: Article | None = None
    next: Article | None = None
    related: list[Article] = field(default_factory=list)
    token: str = ""

    @property
    def published_at(self) -> str:
        if self.time and self.show_date:
            return f"{self.date.isoformat()}T{self.time}+08:00"
        return self.date.isoformat()

    @property
    def body(self) -> list[str]:
        out: list[str] = []
        for block in self.blocks:
            if block[0] in ("p", "h", "sign"):
                out.append(block[1])
            elif block[0] == "table":
                out.extend(" ".join(row) for row in block[1])
        return out

    @property
    def images(self) -> list[dict[str, Any]]:
        return [{"path": b[1], "caption": b[2]} for b in self.blocks if b[0] == "img"]

    @property
    def attachments(self) -> list[dict[str, str]]:
        return [{"path": p, "name": n} for b in self.blocks if b[0] == "attach" for p, n in b[1]]


@dataclass
class Manifest:
    """Ground truth of a built fixture web (also written as ``manifest.json``).

    Paths are site-relative (path plus query, as a crawler would request them); make URLs with
    ``SiteGroup.url(site, path)`` or :meth:`url`.
    """

    sites: dict[str, dict[str, Any]]
    articles: list[dict[str, Any]]
    non_articles: list[dict[str, str]]
    disallowed: list[dict[str, str]]
    traps: list[dict[str, Any]]
    republished: list[list[dict[str, str]]]
    offsite_targets: list[dict[str, str]]
    redirects: list[dict[str, Any]]
    broken: list[dict[str, Any]]
    near_duplicates_distinct: list[list[dict[str, str]]]
    lists: list[dict[str, Any]]
    special_links: list[dict[str, str]]
    version: int = 1

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Manifest:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    # -- helpers ---------------------------------------------------------------------------
    def article(self, site: str, path: str) -> dict[str, Any] | None:
        for art in self.articles:
            if art["site"] == site and art["path"] == path:
                return art
        return None

    def articles_of(self, site: str) -> list[dict[str, Any]]:
        return [a for a in self.articles if a["site"] == site]

    def article_keys(self, site: str | None = None) -> set[tuple[str, str]]:
        return {(a["site"], a["path"]) for a in self.articles if site is None or a["site"] == site}

    @staticmethod
    def url(base_urls: dict[str, str], site: str, path: str) -> str:
        return base_urls[site].rstrip("/") + path


def body_sha(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
