"""The zone gazetteer (zonenews/data/zones.tsv): the file's shape, its matching guarantees, real mentions."""

from __future__ import annotations

import collections
import csv
import re
from importlib import resources

import pytest

from zonenews.gazetteer import Gazetteer

COLUMNS = ["id", "kind", "name", "short", "aliases", "province", "city"]
# Rows of the two reference lists reconciled in ZONES.md: 156 high-tech zones (March 2018), 232 ETDZs.
REFERENCE_COUNTS = {"hitech": 156, "etdz": 232}
GENERIC = {"高新区", "开发区", "经开区", "经济开发区", "经济技术开发区", "高新技术产业开发区", "国家高新区",
           "国家级经开区", "园区", "工业园区", "新区", "示范区", "火炬开发区", "台商投资区", "工业园"}
# Deliberately short landmark names that are specific in practice (ZONES.md); every other entry has 4+ characters.
LANDMARKS = {"中关村", "光谷", "松山湖", "TEDA"}
# The one overlap that is in the place names themselves (鞍山 inside 马鞍山); matchers take the longer.
ALLOWED_OVERLAPS = {("鞍山高新区", "马鞍山高新区")}


def raw_text() -> str:
    return resources.files("zonenews").joinpath("data/zones.tsv").read_text(encoding="utf-8")


def rows() -> list[dict[str, str]]:
    return list(csv.DictReader(raw_text().splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))


def entries(row: dict[str, str]) -> set[str]:
    return {row["name"], row["short"], *filter(None, row["aliases"].split("|"))}


def test_file_parses_into_seven_clean_columns() -> None:
    text = raw_text()
    assert text.endswith("\n") and "\r" not in text and '"' not in text
    lines = text.splitlines()
    assert lines[0].split("\t") == COLUMNS
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        assert len(fields) == 7 and all(f == f.strip() and f for f in fields[:4] + fields[5:]), (number, line)
    for row in rows():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", row["id"]), row
        assert row["kind"] in ("hitech", "etdz"), row
        aliases = row["aliases"].split("|")
        assert row["name"] not in aliases, row["id"]
        assert aliases[0] == row["short"] or row["short"] == row["name"], row["id"]


def test_ids_and_official_names_are_unique() -> None:
    ids = collections.Counter(r["id"] for r in rows())
    names = collections.Counter(r["name"] for r in rows())
    assert [i for i, n in ids.items() if n > 1] == []
    assert [m for m, n in names.items() if n > 1] == []


def test_every_alias_belongs_to_exactly_one_zone() -> None:
    owner: dict[str, set[str]] = collections.defaultdict(set)
    all_rows = rows()
    places = {r["city"] for r in all_rows} | {r["province"] for r in all_rows}
    for row in all_rows:
        for entry in entries(row):
            assert entry not in GENERIC and entry not in places, (row["id"], entry)
            assert len(entry) >= 4 or entry in LANDMARKS, (row["id"], entry)
            owner[entry].add(row["id"])
    assert {a: o for a, o in owner.items() if len(o) > 1} == {}
    overlaps = {(a, b) for a in owner for b in owner if a != b and a in b and owner[a] != owner[b]}
    assert overlaps == ALLOWED_OVERLAPS


def test_counts_per_kind_reach_the_reference_lists() -> None:
    counts = collections.Counter(r["kind"] for r in rows())
    for kind, reference in REFERENCE_COUNTS.items():
        assert counts[kind] >= reference, (kind, counts[kind], reference)
    assert len(Gazetteer.load().zones) == sum(counts.values())


@pytest.mark.parametrize(("sentence", "official"), [
    ("光谷举办2024年招才引智活动，百家企业进场招聘。", ["武汉东湖新技术开发区"]),
    ("张江高新区集成电路产业规模再创新高。", ["上海张江高新技术产业开发区"]),
    ("北京亦庄发布机器人产业支持政策。", ["北京经济技术开发区"]),
    ("松山湖举办中国（东莞）科技成果交易会。", ["东莞松山湖高新技术产业开发区"]),
    ("马鞍山高新区召开安全生产会议。", ["马鞍山慈湖高新技术产业开发区"]),
    ("黄三角农高区盐碱地综合利用取得新进展。", ["黄河三角洲农业高新技术产业示范区"]),
    ("攀枝花钒钛高新区举办钒钛新材料论坛。", ["攀枝花钒钛高新技术产业开发区"]),
    ("深圳高新区南山园区企业营收增长。", ["深圳市高新技术产业园区"]),
    ("甘泉堡经开区新材料项目集中开工。", ["乌鲁木齐甘泉堡经济技术开发区"]),
    ("苏州工业园区与成都高新区签署合作协议，东湖高新区派员参加。",
     ["苏州工业园区", "成都高新技术产业开发区", "武汉东湖新技术开发区"]),
    ("高新区管委会召开会议，部署开发区和经开区企业服务工作。", []),
    ("成都市与四川省有关部门调研园区建设。", []),
])
def test_a_common_name_in_a_sentence_gives_the_official_name(sentence: str, official: list[str]) -> None:
    assert Gazetteer.load().mentioned(sentence) == official


@pytest.mark.parametrize(("alias", "official", "kind"), [
    ("中关村", "中关村科技园区", "hitech"),
    ("天津泰达", "天津经济技术开发区", "etdz"),
    ("襄樊经济技术开发区", "襄阳经济技术开发区", "etdz"),
    ("源城高新技术产业开发区", "河源高新技术产业开发区", "hitech"),
    ("新疆生产建设兵团石河子高新技术产业开发区", "石河子高新技术产业开发区", "hitech"),
    ("成都青白江经济技术开发区", "成都国际铁路港经济技术开发区", "etdz"),
    ("苏州工业园区", "苏州工业园区", "etdz"),
])
def test_lookup_resolves_old_and_short_names(alias: str, official: str, kind: str) -> None:
    zone = Gazetteer.load().lookup(alias)
    assert zone is not None and (zone.name, zone.kind) == (official, kind)


def test_every_entry_looks_up_its_own_zone() -> None:
    gazetteer = Gazetteer.load()
    for row in rows():
        for entry in entries(row):
            found = gazetteer.lookup(entry)
            assert found is not None and found.id == row["id"], (entry, row["id"])
