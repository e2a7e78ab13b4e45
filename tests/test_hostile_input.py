"""Hostile input (issue 15): pages that are nearly UTF-8, archives and pages that inflate without
end, and a hostile site on 127.0.0.1. Everything is generated here; nothing big is committed.

Decoding: a page that is UTF-8 but for a stray byte or a cut tail is UTF-8 with a replacement
character, while GBK and Big5 pages (even labelled UTF-8) keep their charset. Bounds: a gzip bomb
named .warc.gz, a WARC record that inflates to gigabytes and a saved page over DOWNLOAD_MAXSIZE are
refused in seconds with one clear line each and a peak RSS under 300 MB.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_bad_input import article_html, paragraphs_for
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
