"""Bad pages and bad command-line input (issue #6): keep working, lose nothing, let nothing in.

A site served on 127.0.0.1 mixes good article pages with malformed, deeply nested, empty,
binary, oversized, wrongly labelled, undated and untitled pages, a truncated GBK sequence,
404/500 answers and a redirect. It is crawled once with `zonenews crawl` and its files are
passed once through `zonenews clean`; every bad page must be skipped under a counted reason or
recorded, and every good page written. Bad command-line input gets one `zonenews: error:` line
naming the problem, a non-zero exit and no traceback.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import read_jsonl, run_cli
from zonenews.devserver import StaticSite
from zonenews.schema import record_schema

# Crawl settings for a quick run against a local server, with no state kept between runs.
FAST = ("-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "ZONENEWS_STATE=")
BIG_PAGE_BYTES = 50 * 1024 * 1024  # over the default DOWNLOAD_MAXSIZE (20 MB, zonenews/settings.py)

_CHARS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
          "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些"
          "然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公")


def paragraphs_for(seed: str, count: int = 3) -> list[str]:
    """Distinct Chinese paragraphs (so that no two test pages are near-duplicates)."""
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_CHARS) for _ in range(rnd.randrange(50, 90))) + "。" for _ in range(count)]


def article_html(title: str, *, charset: str = "utf-8", date_line: str = "发布时间：2023-05-06",
                 paragraphs: list[str] | None = None, head_extra: str = "", body_extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in (paragraphs or paragraphs_for(title)))
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}_成都高新区</title>{head_extra}'
            f'</head><body><div class="nav"><a href="/">首页</a></div><h1>{title}</h1>'
            f'<div class="info">{date_line} 来源：高新区</div><div class="content">{body}{body_extra}</div>'
            f'<div class="footer">版权所有 成都高新区</div></body></html>')


def skipped_counts(stderr: str) -> tuple[int, dict[str, int]]:
    """(total, {reason: n}) from the summary line `pages skipped: N (reason n, ...)`."""
    m = re.search(r"^pages skipped:\s+(\d+)(?: \((.*)\))?$", stderr, re.M)
    assert m, stderr[-2000:]
    reasons = {k: int(v) for k, v in (part.rsplit(" ", 1) for part in (m.group(2) or "").split(", ") if part)}
    assert sum(reasons.values()) == int(m.group(1))
    return int(m.group(1)), reasons


def written_count(stderr: str) -> int:
    m = re.search(r"^articles written:\s+(\d+)$", stderr, re.M)
    assert m, stderr[-2000:]
    return int(m.group(1))


# -- the bad site -----------------------------------------------------------------------------------

GOOD = {  # path -> title of the record it must give
    "/news/good1.html": "高新区召开数字经济产业发展大会",
    "/news/good2_gbk.html": "高新区签约一批重大产业项目",
    "/news/nested.html": "高新区深层嵌套页面测试文章",
    "/news/malformed.html": "高新区畸形标记页面测试文章",
    "/news/liar_header.html": "高新区谎报字符集页面测试文章",
    "/news/liar_meta.html": "高新区声明与实际编码不符测试文章",
    "/news/truncated_gbk.html": "高新区截断编码测试文章",
    "/news/moved.html": "高新区重定向目标测试文章",
    "/news/control_chars.html": "高新区控制字符测试文章",
}
# The meta tag names rot13, a codec that is not a charset: Scrapy's MetaRefreshMiddleware reads
# response.text and w3lib raises LookupError, so the page is lost before the spider sees it.
CODEC_LABEL = ("/news/codec_label.html", "高新区非字符集编码声明测试文章")
UNDATED = {  # impossible or invalid dates: written with published_at null when undated pages are kept
    "/news/date_impossible.html": "高新区不可能日期测试文章",
    "/news/date_future.html": "高新区未来日期测试文章",
}
BAD_200 = ["/news/empty.html", "/news/blank.html", "/news/binary.html", "/news/binary_no_nul.html",
           "/news/no_title.html", "/news/only_head.html", "/news/deep_json_ld.html"]
NOT_PAGES = {"/news/missing.html": 404, "/news/error.html": 500, "/news/big.html": "too large",
             "/news/old.html": "redirect"}


def build_bad_site(root: Path) -> None:
    def put(rel: str, data: str | bytes) -> None:
        path = root / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    t = {**GOOD, **UNDATED, CODEC_LABEL[0]: CODEC_LABEL[1]}
    put("/news/good1.html", article_html(t["/news/good1.html"]))
    put("/news/good2_gbk.html", article_html(t["/news/good2_gbk.html"], charset="gbk").encode("gbk"))
    nested = article_html(t["/news/nested.html"]).replace(
        '<div class="content">', '<div class="content">' + "<div>" * 5000).replace(
        '<div class="footer">', "</div>" * 5000 + '<div class="footer">')
    put("/news/nested.html", nested)
    unseen = ("<script>document.write('<p>MARK</p>')</script><style>.MARK{color:red}</style><noscript>MARK"
              "</noscript><!-- MARK --><template><p>MARK</p></template><p style='display:none'>MARK</p>")
    malformed = (article_html(t["/news/malformed.html"], body_extra=unseen)
                 .replace("</p>", "<p><b><i></table></td><div")
                 .replace('<div class="info">', '<div class="info"><<>>&&#;<!-- a -- b --><!--->')
                 + "</html></html><html><body></p><td><tr>")
    put("/news/malformed.html", malformed)
    # The header says UTF-8, the bytes are GBK (and the meta tag agrees with the header).
    put("/news/liar_header.html", article_html(t["/news/liar_header.html"]).encode("gbk"))
    # The meta tag says GBK, the bytes are UTF-8.
    put("/news/liar_meta.html", article_html(t["/news/liar_meta.html"], charset="gbk"))
    # A label Python knows as a codec but that is no charset (rot13 would crash bytes.decode).
    put("/news/codec_label.html", article_html(t["/news/codec_label.html"], charset="rot13").encode("gbk"))
    paragraphs = paragraphs_for("truncated")
    gbk = article_html(t["/news/truncated_gbk.html"], charset="gbk", paragraphs=paragraphs).encode("gbk")
    cut = paragraphs[1][-10:-1].encode("gbk")
    put("/news/truncated_gbk.html", gbk.replace(cut, cut + "高".encode("gbk")[:1], 1) + "区".encode("gbk")[:1])
    put("/news/moved.html", article_html(t["/news/moved.html"]))
    put("/news/control_chars.html", article_html(t["/news/control_chars.html"],
                                                 body_extra="<p>控制字符\x01\x02\x1b&#1;&#x7f;&#xFFFF;&#0;夹在正文中间的一段文字，仍然应当被保留下来。</p>"))
    put("/news/date_impossible.html", article_html(t["/news/date_impossible.html"], date_line="发布时间：2023-02-30"))
    put("/news/date_future.html", article_html(t["/news/date_future.html"], date_line="发布时间：2099-13-45 25:61"))
    put("/news/empty.html", b"")
    put("/news/blank.html", b" \r\n\t \n")
    put("/news/binary.html", random.Random(1).randbytes(20_000))
    put("/news/binary_no_nul.html", random.Random(2).randbytes(20_000).replace(b"\x00", b"\x01"))
    put("/news/no_title.html", article_html("X").replace("<title>X_成都高新区</title>", "").replace("<h1>X</h1>", ""))
    put("/news/only_head.html", "<html><head><title>只有标题没有正文</title><meta charset='utf-8'></head></html>")
    put("/news/deep_json_ld.html", article_html("高新区深层结构化数据测试文章",
                                                head_extra=f"<script type='application/ld+json'>{'[' * 100_000}</script>"))
    put("/news/error.html", "never served")
    with (root / "news" / "big.html").open("wb") as fh:  # a real 50 MB page
        fh.write(article_html("高新区超大页面测试文章").encode())
        chunk = ("<p>" + "填充内容" * 2000 + "</p>").encode()
        while fh.tell() < BIG_PAGE_BYTES:
            fh.write(chunk)
    put("/_routes.json", json.dumps({
        "status": {"/news/error.html": 500},
        "redirects": {"/news/old.html": "/news/moved.html"},
        "headers": {"/news/liar_header.html": {"Content-Type": "text/html; charset=utf-8"},
                    "/news/binary*": {"Content-Type": "text/html"}},
    }))
    links = [*GOOD, *UNDATED, CODEC_LABEL[0], *BAD_200, *NOT_PAGES]
    links.remove("/news/moved.html")  # reached only through the redirect
    put("/index.html", "<html><head><title>成都高新区</title></head><body>"
        + "".join(f'<a href="{href}">{href}</a><br>' for href in links) + "</body></html>")


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, StaticSite]]:
    root = tmp_path_factory.mktemp("badsite")
    build_bad_site(root / "site")
    with StaticSite(root / "site") as site:
        yield root, site


@pytest.fixture(scope="module")
def crawl(bad_site: tuple[Path, StaticSite]) -> dict[str, Any]:
    root, site = bad_site
    out = root / "crawl.jsonl"
    proc = run_cli("crawl", site.base_url + "/", "-O", str(out), "-q", *FAST,
                   "-s", "ZONENEWS_ALLOW_UNDATED=1", cwd=root, timeout=120)
    records = read_jsonl(out) if out.exists() else []
    return {"proc": proc, "records": records, "requests": list(site.requests),
            "by_path": {r["url"].removeprefix(site.base_url): r for r in records}}


def test_the_crawl_goes_on_and_writes_every_good_page(crawl: dict[str, Any]) -> None:
    proc = crawl["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Spider error processing" not in proc.stderr and "Error processing" not in proc.stderr, proc.stderr[-3000:]
    by_path = crawl["by_path"]
    for path, title in {**GOOD, **UNDATED}.items():
        assert path in by_path, (path, sorted(by_path))
        assert by_path[path]["title"] == title
    assert "/news/old.html" not in by_path, "a redirect is recorded under its target"
    assert written_count(proc.stderr) == len(crawl["records"])


def test_every_fetched_page_is_written_or_counted(crawl: dict[str, Any]) -> None:
    """Each 200 page the spider read is either a record or counted under a reason."""
    proc = crawl["proc"]
    _total, reasons = skipped_counts(proc.stderr)
    requested = set(crawl["requests"]) - {"/robots.txt", *NOT_PAGES, CODEC_LABEL[0]}  # (see below)
    assert set(BAD_200) <= requested
    records = [r for r in crawl["records"] if not r["url"].endswith(CODEC_LABEL[0])]
    read = sum(n for reason, n in reasons.items()  # pages read, not failed downloads (counted once fixed)
               if not reason.startswith("http_") and reason not in ("too_large", "timeout", "download_error"))
    assert read == len(requested) - len(records), (reasons, sorted(requested))
    assert reasons.get("empty", 0) >= 2  # empty.html, blank.html
    assert reasons.get("not_html", 0) >= 1  # binary.html (NUL bytes)
    assert reasons.get("no_title", 0) >= 1  # no_title.html


def test_records_are_valid_and_clean(crawl: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(record_schema())
    for record in crawl["records"]:
        errors = [e.message for e in validator.iter_errors(record)]
        assert not errors, (record["url"], errors)
        for field in ("title", "body"):
            assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f\ufffd]", record[field]), (record["url"], field)
        assert "<" not in record["body"] and ">" not in record["body"], record["url"]
        assert "MARK" not in record["body"], "script, style, comment and hidden text stay out"


def test_lying_and_truncated_encodings_still_give_the_text(crawl: dict[str, Any]) -> None:
    by_path = crawl["by_path"]
    truncated = by_path["/news/truncated_gbk.html"]["body"].split("\n")
    paragraphs = paragraphs_for("truncated")
    assert truncated[0] == paragraphs[0] and truncated[2] == paragraphs[2]
    assert truncated[1].startswith(paragraphs[1][:-10]), "the text around a cut character survives"
    assert by_path["/news/liar_header.html"]["body"].split("\n") == paragraphs_for(GOOD["/news/liar_header.html"])
    assert by_path["/news/liar_meta.html"]["body"].split("\n") == paragraphs_for(GOOD["/news/liar_meta.html"])
    assert "夹在正文中间的一段文字" in by_path["/news/control_chars.html"]["body"]
    assert by_path["/news/nested.html"]["body"].split("\n") == paragraphs_for(GOOD["/news/nested.html"])


def test_impossible_dates_are_null(crawl: dict[str, Any]) -> None:
    for path in UNDATED:
        assert crawl["by_path"][path]["published_at"] is None


def test_the_50mb_page_is_cut_by_download_maxsize(crawl: dict[str, Any]) -> None:
    assert "/news/big.html" in crawl["requests"]
    assert not any(r["title"] == "高新区超大页面测试文章" for r in crawl["records"])
    assert "max size" in crawl["proc"].stderr  # Scrapy's DOWNLOAD_MAXSIZE cancellation


def test_failed_downloads_are_counted_in_the_summary(crawl: dict[str, Any]) -> None:
    _total, reasons = skipped_counts(crawl["proc"].stderr)
    named = " ".join(reasons)
    assert "404" in named and "500" in named and re.search(r"large|size", named), reasons


def test_a_charset_label_that_is_no_charset_does_not_lose_the_page(crawl: dict[str, Any]) -> None:
    path, title = CODEC_LABEL
    assert crawl["by_path"].get(path, {}).get("title") == title
    assert "LookupError" not in crawl["proc"].stderr


def test_a_deeply_nested_json_ld_block_does_not_lose_the_article(crawl: dict[str, Any]) -> None:
    assert "/news/deep_json_ld.html" in crawl["by_path"]


def test_clean_reads_the_same_files(bad_site: tuple[Path, StaticSite]) -> None:
    root, _site = bad_site
    out = root / "clean.jsonl"
    pages = sorted(p for p in (root / "site").rglob("*.html") if p.name != "big.html")  # no size limit offline
    proc = run_cli("clean", *map(str, pages), "-O", str(out), "--no-progress", cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    titles = {r["title"] for r in read_jsonl(out)}
    # Offline there are no headers: liar_header's GBK bytes are detected, moved.html is a file of its own.
    assert {*GOOD.values(), CODEC_LABEL[1]} <= titles, {*GOOD.values(), CODEC_LABEL[1]} - titles
    total, reasons = skipped_counts(proc.stderr)
    assert total + written_count(proc.stderr) == len(pages), reasons
    assert reasons.get("empty", 0) >= 2


# -- bad command-line input --------------------------------------------------------------------------

def _warc(path: Path, *, gz: bool, pages: int = 3) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for i in range(pages):
            body = article_html(f"高新区归档页面第{i}篇测试文章").encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"http://zone.example/news/{i}.html", "response",
                                                          payload=io.BytesIO(body), http_headers=headers))


def _cut(src: Path, dst: Path, size: int) -> Path:
    dst.write_bytes(src.read_bytes()[:size])
    return dst


def _record_offsets(path: Path) -> list[int]:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        it = ArchiveIterator(fh)
        return [it.get_record_offset() for _ in it]


WARC_PAGES = 3


@pytest.fixture(scope="module")
def warcs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("warc")
    full_gz, full = tmp / "full.warc.gz", tmp / "full.warc"
    _warc(full_gz, gz=True, pages=WARC_PAGES)
    _warc(full, gz=False, pages=WARC_PAGES)
    return {"tmp": tmp, "full.warc.gz": full_gz, "full.warc": full}


# name -> (how to make the file from the full ones, records read before the error, words of the error or None)
WARC_CASES = {
    "complete_gz": (lambda gz, plain, o: gz.read_bytes(), 3, None),
    "complete": (lambda gz, plain, o: plain.read_bytes(), 3, None),
    "complete_minus_final_blank_line": (lambda gz, plain, o: plain.read_bytes()[:-2], 3, None),
    "gz_cut_in_record_2": (lambda gz, plain, o: gz.read_bytes()[:o["gz"][1] + 200], 1, "truncated"),
    "gz_cut_in_gzip_trailer": (lambda gz, plain, o: gz.read_bytes()[:-4], 3, "truncated"),
    "gz_cut_in_gzip_header": (lambda gz, plain, o: gz.read_bytes()[:10], 0, "truncated"),
    "gz_member_missing": (lambda gz, plain, o: gz.read_bytes()[:o["gz"][2]], 2, None),  # whole records only
    "cut_in_record_1_body": (lambda gz, plain, o: plain.read_bytes()[:500], 0, "truncated"),
    "cut_in_record_2_headers": (lambda gz, plain, o: plain.read_bytes()[:o["plain"][1] + 40], 1, "WARC"),
    "cut_in_record_3_http_headers": (lambda gz, plain, o: plain.read_bytes()[:o["plain"][2] + 300], 2,
                                     "truncated"),
    "cut_in_first_line": (lambda gz, plain, o: plain.read_bytes()[:5], 0, "WARC"),
    "junk": (lambda gz, plain, o: random.Random(3).randbytes(3000), 0, "not a readable WARC"),
    "html_named_warc": (lambda gz, plain, o: article_html("高新区").encode(), 0, "not a readable WARC"),
    "gzip_of_html": (lambda gz, plain, o: gzip.compress(article_html("高新区").encode()), 0, "not a readable WARC"),
    "empty": (lambda gz, plain, o: b"", 0, "empty"),
    "only_blank_lines": (lambda gz, plain, o: b"\r\n\r\n", 0, "WARC"),
}


@pytest.mark.parametrize("name", list(WARC_CASES))
def test_a_cut_or_broken_warc_gives_its_whole_records_then_one_error(name: str, warcs: dict[str, Path]) -> None:
    from zonenews.offline import InputError, iter_saved_pages
    from zonenews.stats import RunStats

    make, whole, words = WARC_CASES[name]
    offsets = {"gz": _record_offsets(warcs["full.warc.gz"]), "plain": _record_offsets(warcs["full.warc"])}
    suffix = ".warc.gz" if name.startswith(("gz", "complete_gz", "gzip")) else ".warc"
    path = warcs["tmp"] / f"{name}{suffix}"
    path.write_bytes(make(warcs["full.warc.gz"], warcs["full.warc"], offsets))
    pages, error = [], None
    try:
        for page in iter_saved_pages([path], RunStats()):
            pages.append(page)
    except InputError as exc:
        error = str(exc)
    assert [p.url for p in pages] == [f"http://zone.example/news/{i}.html" for i in range(whole)]
    if words is None:
        assert error is None, error
    else:
        assert error is not None and str(path) in error and words in error, error
        assert "\n" not in error and len(error) < 300 + len(str(path)), error


# case id -> (argv, expected exit status or None for any non-zero, words in the error line, records written)
Case = tuple[list[str], int | None, str, int | None]


def _cases(tmp: Path, site: StaticSite) -> dict[str, Case]:
    page = tmp / "page.html"
    page.write_text(article_html("高新区命令行测试文章"), "utf-8")
    full_gz, full = tmp / "full.warc.gz", tmp / "full.warc"
    _warc(full_gz, gz=True)
    _warc(full, gz=False)
    gz_offsets = _record_offsets(full_gz)
    junk = tmp / "junk.warc"
    junk.write_bytes(random.Random(3).randbytes(3000))
    fifo = tmp / "fifo.html"
    os.mkfifo(fifo)
    a_file = tmp / "a_file"
    a_file.write_text("x")
    folder = tmp / "out_folder.jsonl"
    folder.mkdir()
    return {
        "clean_missing_among_good": (["clean", str(page), str(tmp / "nope")], 2, "no such file or folder", None),
        "clean_not_a_file": (["clean", str(fifo)], 2, "not a file or folder", None),
        "clean_truncated_warc": (["clean", str(_cut(full_gz, tmp / "c1.warc.gz", gz_offsets[1] + 200))],
                                 1, "truncated", 1),
        "clean_junk_warc": (["clean", str(junk)], 1, "not a readable WARC", 0),
        "clean_broken_warc_then_good_html": (["clean", str(_cut(full, tmp / "c2.warc", full.stat().st_size - 700)),
                                              str(page)], 1, "truncated", 3),
        "clean_unreadable_file": (["clean", "/proc/self/mem"], 1, "cannot read", 0),
        "clean_bad_url_option": (["clean", str(page), "--url", "javascript:alert(1)"], 2, "not an http(s) URL",
                                 None),
        "clean_output_is_a_folder": (["clean", str(page), "-O", str(folder)], None, "out_folder.jsonl", None),
        "clean_output_under_a_file": (["clean", str(page), "-O", str(a_file / "x.jsonl")], 2, "a_file", None),
        "clean_output_disk_full": (["clean", str(page), "-O", "/dev/full"], None, "No space left", None),
        "crawl_file_url": (["crawl", "file:///etc/passwd", *FAST], 2, "not an http(s) URL", None),
        "crawl_bad_ipv6_url": (["crawl", "http://[::1/", *FAST], 2, "URL", None),
        "crawl_port_out_of_range": (["crawl", "http://127.0.0.1:99999/", *FAST], 2, "URL", None),
        "crawl_output_is_a_folder": (["crawl", site.base_url + "/", "-O", str(folder), *FAST], None,
                                     "out_folder.jsonl", None),
        "crawl_output_disk_full": (["crawl", site.base_url + "/", "-O", "/dev/full", *FAST], None,
                                   "No space left", None),
    }


CLI_CASES = ["clean_missing_among_good", "clean_not_a_file", "clean_truncated_warc", "clean_junk_warc",
             "clean_broken_warc_then_good_html", "clean_unreadable_file", "clean_bad_url_option",
             "clean_output_is_a_folder", "clean_output_under_a_file", "clean_output_disk_full", "crawl_file_url",
             "crawl_bad_ipv6_url", "crawl_port_out_of_range", "crawl_output_is_a_folder", "crawl_output_disk_full"]


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Case, Any]]]:
    """Every bad-input case, run at once (each is a separate `python -m zonenews` process)."""
    tmp = tmp_path_factory.mktemp("cli")
    site_root = tmp / "site"
    site_root.mkdir()
    (site_root / "a.html").write_text(article_html("高新区命令行站点第二篇文章"), "utf-8")
    (site_root / "index.html").write_text(
        article_html("高新区命令行站点首页文章", body_extra='<a href="/a.html">第二篇</a>'), "utf-8")
    with StaticSite(site_root) as site:
        cases = _cases(tmp, site)
        for name, (argv, status, words, records) in list(cases.items()):
            if argv[0] == "clean" and "-O" not in argv:
                cases[name] = ([*argv, "-O", str(tmp / f"{name}.jsonl")], status, words, records)

        def run(name: str) -> tuple[str, tuple[Case, Any]]:
            try:
                proc = run_cli(*cases[name][0], cwd=tmp, timeout=90)
            except subprocess.TimeoutExpired as exc:
                proc = exc
            return name, (cases[name], proc)

        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            results = dict(pool.map(run, cases))
        yield results


def _unreadable(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError:
        return Path(path).is_file()
    return False


@pytest.mark.parametrize("name", CLI_CASES)
def test_bad_input_gets_one_error_line_and_a_nonzero_exit(name: str, cli_results: dict[str, Any]) -> None:
    (argv, status, words, records), proc = cli_results[name]
    if name == "clean_unreadable_file" and not _unreadable("/proc/self/mem"):
        pytest.skip("needs /proc/self/mem (Linux): a file that exists and cannot be read, even by root")
    if name.endswith("disk_full") and not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    assert isinstance(proc, subprocess.CompletedProcess), f"timed out: {argv}"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode != 0 and (status is None or proc.returncode == status), (proc.returncode, proc.stderr)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("zonenews: error:")]
    assert len(errors) == 1, proc.stderr
    assert words in errors[0], errors[0]
    assert len(errors[0]) < 400
    if argv[0] == "clean" and proc.returncode == 1 and not records:  # a fatal error: what next, no output named
        assert "run again" in errors[0] and "output:" not in proc.stderr, proc.stderr
    if records is not None:  # what could be read before the problem is not lost
        out = Path(argv[argv.index("-O") + 1])
        assert len(read_jsonl(out)) == records
        assert written_count(proc.stderr) == records


def test_a_broken_warc_does_not_stop_the_other_files(cli_results: dict[str, Any]) -> None:
    (argv, _status, _words, _records), proc = cli_results["clean_broken_warc_then_good_html"]
    titles = [r["title"] for r in read_jsonl(Path(argv[argv.index("-O") + 1]))]
    assert titles == ["高新区归档页面第0篇测试文章", "高新区归档页面第1篇测试文章", "高新区命令行测试文章"], proc.stderr


if __name__ == "__main__":  # pragma: no cover - build the bad site to look at: python tests/test_bad_input.py DIR
    build_bad_site(Path(sys.argv[1]))
