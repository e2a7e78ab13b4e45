"""The zone gazetteer (data/zones.tsv): which national zones a text names."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Zone:
    id: str
    kind: str
    name: str
    short: str
    aliases: tuple[str, ...]
    province: str
    city: str


class Gazetteer:
    def __init__(self, zones: list[Zone]) -> None:
        self.zones = zones
        self._by_alias: dict[str, Zone] = {}
        for zone in zones:
            for alias in (zone.name, zone.short, *zone.aliases):
                if alias:
                    self._by_alias.setdefault(alias, zone)
        # Longest alternatives first, so 马鞍山高新区 wins over 鞍山高新区 at the same place.
        alternatives = sorted(self._by_alias, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None

    @classmethod
    @cache
    def load(cls) -> Gazetteer:
        text = resources.files("zonenews").joinpath("data/zones.tsv").read_text(encoding="utf-8")
        rows = csv.DictReader(text.splitlines(), delimiter="\t")
        zones = [Zone(r["id"], r["kind"], r["name"], r["short"],
                      tuple(a for a in (r.get("aliases") or "").split("|") if a), r["province"], r["city"])
                 for r in rows]
        return cls(zones)

    def lookup(self, name: str) -> Zone | None:
        return self._by_alias.get(name.strip())

    def mentioned(self, text: str) -> list[str]:
        """Official names of the zones text names, in order of first mention."""
        if self._pattern is None:
            return []
        seen: dict[str, None] = {}
        for m in self._pattern.finditer(text):
            seen.setdefault(self._by_alias[m.group(0)].name, None)
        return list(seen)
