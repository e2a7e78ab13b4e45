"""published_date: the date part of published_at, one type for DuckDB and pandas, in the schema."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from tests.conftest import read_jsonl, run_cli
from zonenews.clean.record import build_record
from zonenews.extract import extract_article
from zonenews.schema import record_schema

PARAS = "".join(f"<p>园区第{n}项工作扎实推进，企业服务持续优化，全年新增市场主体{n}00余户。</p>" for n in range(1, 6))


def page(meta_line: str, title: str = "园区召开经济运行分析会") -> str:
    return (f"<html><head><title>{title}_示例高新区</title></head><body><h1>{title}</h1>"
            f"<div>{meta_line}</div><div class='content'>{PARAS}</div></body></html>")


@pytest.mark.parametrize(("meta_line", "published_at", "published_date"), [
    ("发布时间：2021-03-05 10:23", "2021-03-05T10:23+08:00", "2021-03-05"),
    ("发布时间：2021-03-05 10:23:45", "2021-03-05T10:23:45+08:00", "2021-03-05"),
    ("发布日期：2019年12月2日", "2019-12-02", "2019-12-02"),
    ("点击：12", None, None),
])
def test_published_date_is_the_date_part(meta_line: str, published_at: str | None, published_date: str | None) -> None:
    record = build_record(extract_article(page(meta_line).encode("utf-8"), "http://www.example.gov.cn/a/1.html"))
    assert record["published_at"] == published_at
    assert record["published_date"] == published_date
    jsonschema.validate(record, record_schema())
    keys = list(record)
    assert keys.index("published_date") == keys.index("published_at") + 1


def test_schema_rejects_a_time_in_published_date() -> None:
    record = build_record(extract_article(page("发布时间：2021-03-05 10:23").encode("utf-8"),
                                          "http://www.example.gov.cn/a/1.html"))
    record["published_date"] = "2021-03-05T10:23+08:00"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, record_schema())
    assert record_schema()["version"] == "2"


def test_clean_writes_published_date(tmp_path: Path) -> None:
    saved = tmp_path / "a.html"
    saved.write_text(page("发布时间：2022-07-08 09:30"), "utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", str(saved), "-O", str(out), "--url", "http://www.example.gov.cn/a/2.html")
    assert proc.returncode == 0, proc.stderr
    [record] = read_jsonl(out)  # validated against the schema, keys in schema order
    assert (record["published_at"], record["published_date"]) == ("2022-07-08T09:30+08:00", "2022-07-08")
