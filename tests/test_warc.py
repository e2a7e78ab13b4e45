"""`zonenews clean` on WARC archives: HTML responses become records, the rest is counted."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.conftest import read_jsonl, run_cli
from zonenews.demo import demo_site_root

EXAMPLE = demo_site_root() / "a/xwzx/2019/1202/1035.html"
NOTICE = demo_site_root() / "tzgg/202003/t20200305_2256.html"


def write_warc(path: Path) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)

        def response(url: str, body: bytes, content_type: str, date: str) -> None:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers,
                                               warc_headers_dict={"WARC-Date": date})
            writer.write_record(record)

        # The example page is GBK and says so only in a meta tag; the header names no charset.
        response("http://www.cdht.gov.cn/a/1035.html", EXAMPLE.read_bytes(), "text/html", "2021-03-04T05:06:07Z")
        response("http://www.cdht.gov.cn/files/a.pdf", b"%PDF-1.4 ...", "application/pdf", "2021-03-04T05:06:08Z")
        response("http://www.cdht.gov.cn/tzgg/2256.html", NOTICE.read_bytes(), "text/html; charset=utf-8",
                 "2021-03-04T05:06:09Z")
        # The same notice archived again at another URL: a duplicate within this input.
        response("http://www.cdht.gov.cn/m/2256.html", NOTICE.read_bytes(), "text/html; charset=utf-8",
                 "2021-03-04T05:06:10Z")


def test_warc_records_become_records(tmp_path: Path) -> None:
    warc = tmp_path / "site.warc.gz"
    write_warc(warc)
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", str(warc), "-O", str(out))
    assert proc.returncode == 0, proc.stderr
    records = read_jsonl(out)
    assert [r["url"] for r in records] == ["http://www.cdht.gov.cn/a/1035.html",
                                            "http://www.cdht.gov.cn/tzgg/2256.html"]
    assert records[0]["title"] == "2019年国家高新区发展战略研讨会在成都高新区举行"
    assert records[0]["crawled_at"] == "2021-03-04T05:06:07Z", "crawled_at is when the archive fetched it"
    assert "not_html 1" in proc.stderr
    dropped = read_jsonl(tmp_path / "out.jsonl.duplicates")
    assert [(d["url"], d["duplicate_of"]) for d in dropped] == [
        ("http://www.cdht.gov.cn/m/2256.html", "http://www.cdht.gov.cn/tzgg/2256.html")]


def test_cleaning_the_same_input_twice_gives_the_same_file(tmp_path: Path) -> None:
    warc = tmp_path / "site.warc.gz"
    write_warc(warc)
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    for out in (first, second):
        assert run_cli("clean", str(warc), str(EXAMPLE), "-O", str(out)).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    assert len(read_jsonl(first)) == 2  # the saved example page repeats the archived one: a duplicate
