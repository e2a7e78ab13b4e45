"""Hostile input (issue 15): pages that are nearly UTF-8, archives and pages that inflate without
end, and a hostile site on 127.0.0.1. Everything is generated here; nothing big is committed.

Decoding: a page that is UTF-8 but for a stray byte or a cut tail is UTF-8 with a replacement
character, while GBK and Big5 pages (even labelled UTF-8) keep their charset. Bounds: a gzip bomb
named .warc.gz, a WARC record that inflates to gigabytes and a saved page over DOWNLOAD_MAXSIZE are
refused in seconds with one clear line each and a peak RSS under 300 MB.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from tests.conftest import read_jsonl
from tests.test_bad_input import article_html, paragraphs_for, skipped_counts
from zonenews.extract.encoding import decode_html

REALPAGES = Path("/work/shared/realpages")
# A real page (finance.ce.cn, 2011) whose meta tag says gb2312 and whose bytes are UTF-8.
LYING_GB2312_PAGE = REALPAGES / "daniel_20111209_finance.ce.cn_3d5502a97074.html"

TITLE = "高新区召开数字经济产业发展大会"


def _utf8_page() -> bytes:
    return article_html(TITLE, paragraphs=paragraphs_for("hostile", 8)).encode()


# -- decoding -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["text/html; charset=utf-8", "text/html", None])
def test_a_utf8_page_with_one_invalid_byte_is_utf8_with_one_replacement(label: str | None) -> None:
    page = _utf8_page()
    at = page.index("召开".encode())
    text, encoding = decode_html(page[:at] + b"\xff" + page[at:], label)
    assert encoding == "utf-8"
    assert text.count("\ufffd") == 1
    assert text.replace("\ufffd", "") == page.decode()


def test_a_utf8_page_cut_inside_its_last_character_keeps_the_rest() -> None:
    page = _utf8_page()
    last = page.rindex("。".encode())
    text, encoding = decode_html(page[:last + 1], "text/html; charset=utf-8")  # 1 of the 3 bytes of 。
    assert encoding == "utf-8"
    assert text == page[:last].decode() + "\ufffd"


def test_a_utf8_page_labelled_gb2312_with_a_stray_byte_is_still_utf8() -> None:
    page = article_html(TITLE, charset="gb2312", paragraphs=paragraphs_for("gb2312", 8)).encode()
    at = page.index("召开".encode())
    text, encoding = decode_html(page[:at] + b"\x80" + page[at:])
    assert encoding == "utf-8" and TITLE in text


def test_a_gbk_page_with_a_utf8_label_is_gbk() -> None:
    page = article_html(TITLE, paragraphs=paragraphs_for("gbk", 4)).encode("gbk")  # meta says utf-8 too
    text, encoding = decode_html(page, "text/html; charset=utf-8")
    assert encoding == "gb18030"
    assert TITLE in text and "\ufffd" not in text


def test_a_gbk_page_cut_inside_its_last_character_stays_gbk() -> None:
    page = article_html(TITLE, charset="gbk", paragraphs=paragraphs_for("gbk-cut", 4)).encode("gbk")
    text, encoding = decode_html(page + "区".encode("gbk")[:1], "text/html; charset=utf-8")
    assert encoding == "gb18030" and TITLE in text and text.count("\ufffd") == 1


def test_a_big5_page_is_big5_whatever_its_label() -> None:
    title = "新竹科學園區簽約儀式"
    page = (f'<html><head><meta charset="big5"><title>{title}</title></head><body><h1>{title}</h1><p>'
            + "科學園區發展計畫，今日正式啟動，廠商進駐踴躍。" * 6 + "</p></body></html>").encode("big5")
    for label in (None, "text/html; charset=utf-8", "text/html; charset=big5"):
        text, encoding = decode_html(page, label)
        assert encoding == "big5hkscs" and title in text, label
    unlabelled = page.replace(b'<meta charset="big5">', b"")
    assert title in decode_html(unlabelled)[0]


def test_a_short_gbk_page_is_not_read_as_utf8() -> None:
    """Two GBK characters are invalid UTF-8 bytes, and no valid sequence vouches for them."""
    page = "<html><head><title>高新</title></head><body><p>hello</p></body></html>".encode("gbk")
    assert decode_html(page, "text/html; charset=gbk") == (page.decode("gbk"), "gb18030")
    assert decode_html(page, "text/html; charset=utf-8")[1] != "utf-8"


@pytest.mark.skipif(not LYING_GB2312_PAGE.is_file(), reason="needs the real-pages folder /work/shared/realpages")
def test_a_real_page_labelled_gb2312_that_is_utf8() -> None:
    page = LYING_GB2312_PAGE.read_bytes()
    assert b"charset=gb2312" in page[:2000]
    gold = json.loads(LYING_GB2312_PAGE.with_suffix(".json").read_text("utf-8"))
    second = gold["body"][1][:12].encode()
    middle = page.index(second) + 1  # inside the first character of the body's second paragraph
    for body in (page, page[:middle], page[:middle] + b"\xfe" + page[middle:]):
        text, encoding = decode_html(body, "text/html; charset=gb2312")
        assert encoding == "utf-8"
        assert gold["title"] in text
        broken = text.index(gold["body"][1][1:12]) if len(body) > middle else len(text)
        assert "\ufffd" not in text[:broken - 5] + text[broken:], "one broken character, the rest intact"


# -- archives and saved pages that inflate without end ---------------------------------------------

MAX_RSS_MB = 300
_MEASURED = """import json, resource, subprocess, sys, time
start = time.monotonic()
p = subprocess.run(sys.argv[2:], capture_output=True, text=True)
json.dump({"returncode": p.returncode, "stdout": p.stdout, "stderr": p.stderr, "seconds": time.monotonic() - start,
           "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}, open(sys.argv[1], "w"))
"""


def run_measured(tmp: Path, *args: str, timeout: float = 120) -> dict[str, Any]:
    """`zonenews ARGS` in a process of its own, with its exit status, output, wall time and peak RSS:
    the wrapper's only child is the command, so RUSAGE_CHILDREN is the command's peak alone."""
    report = tmp / "measured.json"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "ZONENEWS_STATE": ""}
    subprocess.run([sys.executable, "-c", _MEASURED, str(report), sys.executable, "-m", "zonenews", *args],
                   cwd=tmp, env=env, timeout=timeout, check=True)
    return json.loads(report.read_text())


def _zero_blocks(out: BinaryIO, compressor: Any, mib: int) -> None:
    """mib MiB of zeros through compressor, written as one fully flushed deflate block repeated:
    a few KB per GiB, made in milliseconds. (The gzip trailer's CRC is not that of the zeros: a
    hostile file need not be valid where no reader should ever get to.)"""
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    for _ in range(mib):
        out.write(block)


def write_zeros_gzip(path: Path, mib: int) -> Path:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    with path.open("wb") as out:
        out.write(compressor.compress(b""))
        _zero_blocks(out, compressor, mib)
        out.write(compressor.flush())
    return path


def warc_response(url: str, body: bytes, headers: list[tuple[str, str]] | None = None) -> bytes:
    """One uncompressed WARC response record."""
    http = "HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers or
                                          [("Content-Type", "text/html; charset=utf-8")]) + "\r\n"
    block = http.encode() + body
    return (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2021-03-04T05:06:07Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{zlib.crc32(url.encode()):012d}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
            ).encode() + block + b"\r\n\r\n"


def write_record_bomb_warc(path: Path, mib: int) -> Path:
    """A good record, then one gzip member holding a response record whose body is mib MiB of zeros."""
    with path.open("wb") as out:
        out.write(gzip.compress(warc_response("http://zone.example/news/good.html", _utf8_page()), mtime=0))
        head = warc_response("http://zone.example/news/bomb.html", b"")[:-4]  # headers only, no body yet
        size = head.index(b"Content-Length: ") + len(b"Content-Length: ")
        declared = int(head[size:head.index(b"\r", size)]) + (mib << 20)
        head = head[:size] + str(declared).encode() + head[head.index(b"\r", size):]
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        out.write(compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH))
        _zero_blocks(out, compressor, mib)
        out.write(compressor.compress(b"\r\n\r\n") + compressor.flush())
    return path


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("zonenews: error:")]


@pytest.mark.parametrize("mib", [100, 4096], ids=["100KB_of_gzip", "4GiB_inflated"])
def test_a_gzip_of_zeros_named_warc_is_refused_in_seconds(tmp_path: Path, mib: int) -> None:
    bomb = write_zeros_gzip(tmp_path / "bomb.warc.gz", mib)
    assert bomb.stat().st_size < mib * 1100 + 1000  # about 1 KB per MiB of zeros
    out = tmp_path / "out.jsonl"
    run = run_measured(tmp_path, "clean", str(bomb), "-O", str(out), "--no-progress")
    assert run["returncode"] == 1, run["stderr"][-2000:]
    errors = error_lines(run["stderr"])
    assert len(errors) == 1 and str(bomb) in errors[0] and "not a WARC file" in errors[0], run["stderr"][-2000:]
    assert "run again" in errors[0], "a fatal error says what to do next"
    assert "Traceback" not in run["stderr"]
    assert run["seconds"] < 30 and run["rss_mb"] < MAX_RSS_MB, run
    assert "output:" not in run["stderr"], "the summary names no output that was never written"


def test_a_warc_record_inflating_to_gigabytes_ends_its_file_after_the_good_records(tmp_path: Path) -> None:
    bomb = write_record_bomb_warc(tmp_path / "record_bomb.warc.gz", 4096)
    page = tmp_path / "after.html"
    page.write_text(article_html("高新区炸弹之后的正常页面测试文章"), "utf-8")
    out = tmp_path / "out.jsonl"
    run = run_measured(tmp_path, "clean", str(bomb), str(page), "-O", str(out), "--no-progress")
    errors = error_lines(run["stderr"])
    assert run["returncode"] == 1 and len(errors) == 1, run["stderr"][-2000:]
    assert "record 2" in errors[0] and "ZONENEWS_WARC_MAX_RECORD_BYTES" in errors[0], errors
    assert [r["title"] for r in read_jsonl(out)] == [TITLE, "高新区炸弹之后的正常页面测试文章"]
    assert f"output:             {out}" in run["stderr"]
    assert run["seconds"] < 30 and run["rss_mb"] < MAX_RSS_MB, run


def test_oversized_pages_are_skipped_as_too_large_in_files_and_archives(tmp_path: Path) -> None:
    limit = 200_000
    big = article_html("高新区超大页面测试文章").encode() + b"<p>" + "填充".encode() * limit + b"</p>"
    bomb_body = gzip.compress(bytes(200 << 20), compresslevel=9)  # 200 MiB of zeros in Content-Encoding: gzip
    gz_headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    archive = tmp_path / "pages.warc"
    archive.write_bytes(warc_response("http://zone.example/big.html", big)
                        + warc_response("http://zone.example/gzip-bomb.html", bomb_body, gz_headers)
                        + warc_response("http://zone.example/good.html", _utf8_page()))
    (tmp_path / "big.html").write_bytes(big)
    with (tmp_path / "sparse.html").open("wb") as fh:  # 30 GB on paper, nothing on disk
        fh.truncate(30 << 30)
    out = tmp_path / "out.jsonl"
    run = run_measured(tmp_path, "clean", str(archive), str(tmp_path / "big.html"), str(tmp_path / "sparse.html"),
                       "-O", str(out), "--no-progress", "-s", f"DOWNLOAD_MAXSIZE={limit}")
    assert run["returncode"] == 0, run["stderr"][-2000:]
    assert [r["url"] for r in read_jsonl(out)] == ["http://zone.example/good.html"]
    _total, reasons = skipped_counts(run["stderr"])
    assert reasons == {"too_large": 4}, run["stderr"][-2000:]
    refused = [line for line in run["stderr"].splitlines() if line.endswith("skipped (too_large)")]
    assert len(refused) == 4 and any("gzip-bomb.html" in line for line in refused), refused
    assert run["seconds"] < 30 and run["rss_mb"] < MAX_RSS_MB, run


# -- a hostile site on 127.0.0.1 ----------------------------------------------------------------------

HUGE_BYTES = 60 * 1024 * 1024
GOOD_PAGES = {f"/news/good{i}.html": f"高新区恶意站点旁的正常文章第{i}篇" for i in range(3)}


def _bomb_body(mib: int) -> bytes:
    buffer = io.BytesIO()
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    buffer.write(compressor.compress(article_html("高新区压缩炸弹页面").encode()))
    _zero_blocks(buffer, compressor, mib)
    buffer.write(compressor.flush())
    return buffer.getvalue()


class HostileHandler(BaseHTTPRequestHandler):
    """A gzip bomb (Content-Encoding: gzip, 2 GiB inflated), 60 MB pages with and without a
    Content-Length, a body that trickles slower than the download timeout, and good articles."""

    protocol_version = "HTTP/1.1"
    bomb = _bomb_body(2048)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _head(self, headers: dict[str, str]) -> None:
        self.send_response(200)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.end_headers()

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the crawler hung up on purpose
            self._answer()

    def _answer(self) -> None:
        path = self.path
        if path in GOOD_PAGES:
            body = article_html(GOOD_PAGES[path], paragraphs=paragraphs_for(path)).encode()
            self._head({"Content-Length": str(len(body))})
            self.wfile.write(body)
        elif path == "/news/gzip-bomb.html":
            self._head({"Content-Encoding": "gzip", "Content-Length": str(len(self.bomb))})
            self.wfile.write(self.bomb)
        elif path in ("/news/huge.html", "/news/huge-streamed.html"):
            streamed = path.endswith("streamed.html")
            self._head({"Connection": "close"} if streamed else {"Content-Length": str(HUGE_BYTES)})
            self.wfile.write(article_html("高新区六十兆页面").encode()[:-len("</body></html>")])
            chunk = ("<p>" + "填充内容" * 5000 + "</p>").encode()
            for _ in range(HUGE_BYTES // len(chunk)):
                self.wfile.write(chunk)
            self.close_connection = True
        elif path == "/news/slow.html":
            self._head({"Content-Length": "100000"})
            for _ in range(100):
                self.wfile.write(b"<p>" + b"x" * 997)
                self.wfile.flush()
                time.sleep(0.5)
        elif path == "/":
            links = [*GOOD_PAGES, "/news/gzip-bomb.html", "/news/huge.html", "/news/huge-streamed.html",
                     "/news/slow.html"]
            body = ("<html><head><title>恶意站点</title></head><body>"
                    + "".join(f'<a href="{href}">{href}</a><br>' for href in links) + "</body></html>").encode()
            self._head({"Content-Length": str(len(body))})
            self.wfile.write(body)
        else:
            self.send_error(404)


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_crawl_of_a_hostile_site_stays_small_and_counts_every_cut(hostile_site: str, tmp_path: Path) -> None:
    out = tmp_path / "hostile.jsonl"
    run = run_measured(tmp_path, "crawl", hostile_site + "/", "-O", str(out), "-s", "AUTOTHROTTLE_ENABLED=0",
                       "-s", "DOWNLOAD_DELAY=0", "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_TIMES=1",
                       "-s", "ROBOTSTXT_OBEY=0", "-s", "ZONENEWS_STATE=")
    assert run["returncode"] == 0, run["stderr"][-3000:]
    assert sorted(r["title"] for r in read_jsonl(out)) == sorted(GOOD_PAGES.values())
    _total, reasons = skipped_counts(run["stderr"])
    # the gzip bomb and both 60 MB pages are cut by DOWNLOAD_MAXSIZE, the trickle by DOWNLOAD_TIMEOUT;
    # the home page, a list of links, is read and is no article
    assert reasons == {"too_large": 3, "timeout": 1, "not_article": 1}, run["stderr"][-3000:]
    assert run["rss_mb"] < MAX_RSS_MB, run["rss_mb"]
