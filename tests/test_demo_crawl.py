"""A real crawl of the bundled demo site over HTTP: the right pages, once each, valid records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema

from tests.conftest import read_jsonl, run_cli
from zonenews.demo import demo_site_root
from zonenews.evaluate import char_f1, repeated_paragraphs
from zonenews.schema import record_schema

# EXPECTED.md lists, one JSON object a line, the record of every article page judged by reading it.
EXPECTED = {rec["url"]: rec for rec in map(json.loads, (
    line for line in (demo_site_root() / "EXPECTED.md").read_text("utf-8").splitlines()
    if line.startswith('{"url"')))}
ARTICLE_PATHS = set(EXPECTED)
REPUBLISHED = {"/a/xwzx/2020/0615/1196.html", "/art/2020/6/17/art_1234_8821.html"}
NOT_ARTICLES = {"/a/gywm/index.html", "/a/lxwm/index.html", "/", "/a/xwzx/list_5_1.html", "/tzgg/index.html"}


def _paths(records: list[dict]) -> set[str]:
    return {re.sub(r"^https?://[^/]+", "", r["url"]) for r in records}


def test_demo_crawl_finds_every_article_once(demo_crawl: dict) -> None:
    paths = _paths(demo_crawl["records"])
    assert len(ARTICLE_PATHS) >= 22
    missing = ARTICLE_PATHS - paths - REPUBLISHED
    assert not missing, missing
    assert len(paths & REPUBLISHED) == 1, "a republished article is emitted once"
    assert not (paths & NOT_ARTICLES)
    assert len(demo_crawl["records"]) == len(paths), "one record per URL"
    assert "/admin/index.html" not in demo_crawl["requests"], "robots.txt is obeyed"


def test_demo_records_match_the_expected_fields(demo_crawl: dict) -> None:
    for record in demo_crawl["records"]:
        expected = EXPECTED[re.sub(r"^https?://[^/]+", "", record["url"])]
        for name in ("title", "published_at", "source", "author", "editor", "category"):
            assert record[name] == expected[name], (record["url"], name)
        assert char_f1(record["body"], expected["body"]) >= 0.97, record["url"]
        assert repeated_paragraphs(record["body"]) == 0


def test_demo_records_match_schema(demo_crawl: dict) -> None:
    validator = jsonschema.Draft202012Validator(record_schema())
    for record in demo_crawl["records"]:
        validator.validate(record)
        assert list(record) == list(record_schema()["properties"]), "keys in the documented order"


def test_demo_output_is_utf8_unescaped(demo_crawl: dict) -> None:
    raw = Path(demo_crawl["out"]).read_bytes().decode("utf-8")
    assert "\\u" not in raw and "高新区" in raw
    for line in raw.splitlines():
        json.loads(line)


def test_duplicates_sidecar_names_the_kept_record(demo_crawl: dict) -> None:
    sidecar = Path(demo_crawl["out"]).with_name("demo.jsonl.duplicates")
    dropped = read_jsonl(sidecar)
    assert len(dropped) == 1
    assert {dropped[0]["url"], dropped[0]["duplicate_of"]} == {
        r["url"] for r in demo_crawl["records"] if r["url"].endswith(tuple(REPUBLISHED))} | {dropped[0]["url"]}
    assert dropped[0]["similarity"] >= 0.8


def test_summary_is_printed(demo_crawl: dict) -> None:
    err = demo_crawl["proc"].stderr
    assert re.search(r"articles written:\s+\d+", err)
    assert "duplicates dropped:" in err and "output:" in err


def test_scrapy_crawl_command_gives_the_same_records(tmp_path: Path, demo_site, demo_crawl: dict) -> None:
    out = tmp_path / "scrapy.jsonl"
    proc = run_cli("crawl", "zone", "-a", f"start_url={demo_site.base_url}/", "-O", str(out),
                   "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING",
                   module="scrapy")
    assert proc.returncode == 0, proc.stderr[-2000:]
    ours = {r["url"]: r["body"] for r in demo_crawl["records"]}
    theirs = {r["url"]: r["body"] for r in read_jsonl(out)}
    assert set(theirs) - set(ours) <= {u for u in theirs if u.endswith(tuple(REPUBLISHED))}
    assert len(theirs) == len(ours)
    for url in set(ours) & set(theirs):
        assert ours[url] == theirs[url]
