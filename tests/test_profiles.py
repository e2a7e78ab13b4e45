"""Site profiles: loading, errors that name file and field, `zonenews sites`, `crawl NAME`, `crawl --all`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import read_jsonl, run_cli
from tests.fixtureweb import build_fixture_web
from zonenews.devserver import SiteGroup
from zonenews.profiles import ProfileError, parse_profile

GOOD = """
name = "{name}"
zone = "{zone}"
start_urls = ["{start}"]
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, "utf-8")
    return path


def test_zone_alias_becomes_the_official_name(tmp_path: Path) -> None:
    path = write(tmp_path, "cd", GOOD.format(name="cd", zone="成都高新区", start="http://www.example.gov.cn/"))
    assert parse_profile(path).zone == "成都高新技术产业开发区"


@pytest.mark.parametrize("text, field", [
    ('name = "Bad Name"\nstart_urls = ["http://x.example/"]', "name"),
    ('name = "ok"\nstart_urls = []', "start_urls"),
    ('name = "ok"\nstart_urls = ["ftp://x.example/"]', "start_urls"),
    ('name = "ok"\nstart_urls = ["http://x.example/"]\nfollow_deny = ["("]', "follow_deny"),
    ('name = "ok"\nstart_urls = ["http://x.example/"]\nspeed = 3', "speed"),
    ('name = "ok"\nstart_urls = ["http://x.example/"]\n[selectors]\nbody = "div[["', "selectors.body"),
    ('name = "ok"\nstart_urls = "http://x.example/" "', "not valid TOML"),
])
def test_bad_profile_names_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    path = write(tmp_path, "broken", text)
    with pytest.raises(ProfileError) as info:
        parse_profile(path)
    assert str(path) in str(info.value) and field in str(info.value)
    proc = run_cli("sites", "--sites", str(tmp_path))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert str(path) in proc.stderr and "Traceback" not in proc.stderr


def test_sites_lists_profiles(tmp_path: Path) -> None:
    write(tmp_path, "alpha", GOOD.format(name="alpha", zone="东湖高新区", start="http://a.example/"))
    proc = run_cli("sites", "--sites", str(tmp_path))
    assert proc.returncode == 0
    assert "alpha" in proc.stdout and "武汉东湖新技术开发区" in proc.stdout and "http://a.example/" in proc.stdout


def test_crawl_all_writes_one_file_per_site_and_a_summary(tmp_path: Path) -> None:
    build_fixture_web(tmp_path / "web")
    manifest = json.loads((tmp_path / "web" / "manifest.json").read_text("utf-8"))
    profiles = tmp_path / "profiles"
    with SiteGroup(tmp_path / "web") as group:
        for name in ("dede", "portal"):
            site = manifest["sites"][name]
            write(profiles, name, GOOD.format(name=name, zone=site["zone_full"], start=group.url(name, site["start"])))
        # A profile may refine the automatic crawl: this one never enters the notices column.
        (profiles / "portal.toml").write_text((profiles / "portal.toml").read_text() + 'follow_deny = ["/notice/"]\n')
        proc = run_cli("crawl", "--all", "--sites", str(profiles), "--data-dir", str(tmp_path / "data"), "-q",
                       "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0")
        portal_requests = list(group.sites["portal"].requests)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for name in ("dede", "portal"):
        outputs = list((tmp_path / "data" / name).glob("*.jsonl"))
        records = [r for out in outputs if not out.name.endswith(".duplicates.jsonl") for r in read_jsonl(out)]
        assert records, name
        assert {r["zone"] for r in records} == {manifest["sites"][name]["zone_full"]}
        summaries = list((tmp_path / "data" / name).glob("*.jsonl.summary"))
        assert len(summaries) == 1
        summary = json.loads(summaries[0].read_text("utf-8"))
        assert summary["articles_written"] == len(records)
        assert summary["spider"] == name and summary["pages_fetched"] > 0
        assert {"pages_skipped", "errors", "duration_seconds", "duplicates_dropped"} <= set(summary)
    assert not any(r.startswith("/notice/") for r in portal_requests)
    assert "[all 2 sites]" in proc.stderr


def test_profile_selectors_override_extraction(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<html><body><a href="a1.html">新闻一</a></body></html>', "utf-8")
    (site / "a1.html").write_text(
        "<html><head><title>站点</title></head><body><div class='x-head'><span class='t'>真正的标题在这里</span>"
        "<span class='d'>2021-04-05</span></div><div class='x-body'><p>" + "正文内容，" * 30 + "</p></div>"
        "<div class='other'><p>" + "另一段很长的无关文字，" * 60 + "</p></div></body></html>", "utf-8")
    from zonenews.devserver import StaticSite

    with StaticSite(site) as server:
        profiles = tmp_path / "profiles"
        write(profiles, "sel", f'name = "sel"\nstart_urls = ["{server.base_url}/"]\n[selectors]\n'
              'title = "span.t"\nbody = "div.x-body"\npublished_at = "span.d"\n')
        out = tmp_path / "o.jsonl"
        proc = run_cli("crawl", "sel", "--sites", str(profiles), "-O", str(out), "-q",
                       "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0")
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = read_jsonl(out)
    assert len(records) == 1
    assert records[0]["title"] == "真正的标题在这里"
    assert records[0]["published_at"] == "2021-04-05"
    assert records[0]["body"].startswith("正文内容") and "无关" not in records[0]["body"]
