"""The example page of the brief (shared/example-zone-page.txt), exactly right on both paths."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import read_jsonl, run_cli
from zonenews.demo import demo_site_root

EXAMPLE_PATH = "/a/xwzx/2019/1202/1035.html"
TITLE = "2019年国家高新区发展战略研讨会在成都高新区举行"
FIRST = "9月10日,2019年国家高新区发展战略研讨会暨国家高新区(成都)创新高层论坛在成都高新区菁蓉汇开幕。"
LAST_END = "迸发出许多思想的火花。"
SUBHEADING = "60余家高新区代表齐聚菁蓉汇"


def check_example(record: dict) -> None:
    assert record["title"] == TITLE
    assert record["published_at"] == "2019-12-02"
    assert record["source"] is None
    assert record["category"] == ["新闻中心", "高新区新闻"]
    lines = record["body"].split("\n")
    assert lines[0].startswith(FIRST)
    assert lines[-1].endswith(LAST_END)
    assert SUBHEADING in lines, "the subheading is its own paragraph"
    assert len(lines) == 8, lines
    assert len(set(lines)) == len(lines)
    body = record["body"]
    for junk in ("Network", "当前位置", "主页 >", "来源:", "点击", TITLE):
        assert junk not in body, junk
    assert all(img["caption"] != TITLE for img in record["images"])
    assert "成都高新技术产业开发区" in record["zones_mentioned"]
    assert "武汉东湖新技术开发区" in record["zones_mentioned"]


def test_example_page_through_clean(tmp_path: Path) -> None:
    page = demo_site_root() / EXAMPLE_PATH.lstrip("/")
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", str(page), "-O", str(out), "--url", "http://demo.local" + EXAMPLE_PATH)
    assert proc.returncode == 0, proc.stderr
    records = read_jsonl(out)
    assert len(records) == 1
    check_example(records[0])
    assert records[0]["url"] == "http://demo.local" + EXAMPLE_PATH


def test_example_page_through_crawl(demo_crawl: dict) -> None:
    found = [r for r in demo_crawl["records"] if r["url"].endswith(EXAMPLE_PATH)]
    assert len(found) == 1
    check_example(found[0])
    assert found[0]["zone"] == "成都高新技术产业开发区"
