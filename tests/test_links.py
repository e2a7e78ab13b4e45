"""Link discovery and crawl scope, on small pages (no network)."""

from __future__ import annotations

from zonenews.extract.document import parse_html
from zonenews.spiders.links import canonical_url, is_fetchable, page_links
from zonenews.spiders.zone import ZoneSpider, is_private_host

BASE = "http://www.example.gov.cn/xwzx/yqdt/index.html"


def links(html: str) -> dict[str, bool]:
    return {link.url: link.pagination for link in page_links(parse_html(html), BASE)}


def test_canonical_urls_drop_fragments_tracking_and_sort_queries() -> None:
    assert canonical_url("http://X.gov.cn/a.html?b=2&utm_source=wx&a=1#top") == "http://x.gov.cn/a.html?a=1&b=2"
    assert canonical_url("http://x.gov.cn/a.jsp;jsessionid=ABC?id=3") == "http://x.gov.cn/a.jsp?id=3"


def test_attachments_media_and_other_schemes_are_not_fetched() -> None:
    assert not is_fetchable("http://x.gov.cn/files/a.pdf")
    assert not is_fetchable("ftp://x.gov.cn/a.html")
    assert is_fetchable("http://x.gov.cn/index.php?m=content&c=index&a=show&id=9")
    found = links("<a href='mailto:a@b.c'>m</a><a href='javascript:void(0)'>j</a><a href='file:///etc/passwd'>f</a>"
                  "<a href='/a.doc'>d</a><a href='t20200305_1.html'>ok</a>")
    assert list(found) == ["http://www.example.gov.cn/xwzx/yqdt/t20200305_1.html"]


def test_trs_create_page_html_pager() -> None:
    found = links('<script>createPageHTML(4, 0, "index", "html");</script>')
    assert found == {f"http://www.example.gov.cn/xwzx/yqdt/index{s}.html": True for s in ("", "_1", "_2", "_3")}


def test_hanweb_script_records_and_jpage_pager() -> None:
    html = ('<script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href="/art/2021/5/6/'
            'art_1234_567.html">新闻</a></li>]]></record></recordset></datastore></script>'
            '<script>jpage({unitid: 5678, totalPage: 3, pageNum: 1});</script>')
    found = links(html)
    assert found["http://www.example.gov.cn/art/2021/5/6/art_1234_567.html"] is False
    assert found["http://www.example.gov.cn/xwzx/yqdt/index.html?pageNum=2&uid=5678"] is True
    assert found["http://www.example.gov.cn/xwzx/yqdt/index.html?pageNum=3&uid=5678"] is True


def test_next_links_are_pagination_and_articles_are_not() -> None:
    found = links("<a href='list_5_2.html'>下一页</a><a href='?page=3'>3</a><a href='a/2019/1202/12.html'>标题</a>")
    assert found["http://www.example.gov.cn/xwzx/yqdt/list_5_2.html"] is True
    assert found["http://www.example.gov.cn/xwzx/yqdt/index.html?page=3"] is True
    assert found["http://www.example.gov.cn/xwzx/yqdt/a/2019/1202/12.html"] is False


def test_public_crawl_never_enters_private_addresses() -> None:
    assert is_private_host("127.0.0.1:8080") and is_private_host("10.1.2.3") and is_private_host("localhost")
    assert not is_private_host("www.example.gov.cn") and not is_private_host("8.8.8.8")
    spider = ZoneSpider(start_urls=["http://www.example.gov.cn/"],
                        allowed_hosts=["192.168.1.10", "news.example.gov.cn"])
    assert spider.allowed_hosts == {"www.example.gov.cn", "news.example.gov.cn"}
    local = ZoneSpider(start_urls=["http://127.0.0.2:8000/"], allowed_hosts=["127.0.0.3:8001"])
    assert local.allowed_hosts == {"127.0.0.2:8000", "127.0.0.3:8001"}
