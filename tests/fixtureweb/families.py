"""Page templates of the five zone-CMS families of the fixture web.

Each family knows its URL scheme (list pages, article pages, files on disk) and renders home,
list, article and plain pages with its own chrome. Links inside a site are relative (or
root-relative); links to another site use ``{{site:NAME}}``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote

from .content import Zone
from .model import Article, Block

NAV = ["首页", "新闻中心", "园区动态", "通知公告", "政策文件", "关于我们", "领导之窗", "联系我们", "搜索"]
COLUMNS: dict[str, tuple[str, str | None]] = {
    "yqdt": ("园区动态", "新闻中心"),
    "mtjj": ("媒体聚焦", "新闻中心"),
    "tzgg": ("通知公告", None),
    "zcwj": ("政策文件", None),
}


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def category(col: str) -> list[str]:
    label, parent = COLUMNS[col]
    return [parent, label] if parent else [label]


@dataclass
class Item:
    """A list entry: href as written, title, date text."""

    href: str
    title: str
    date: str


@dataclass
class SiteData:
    name: str
    zone: Zone
    icp: str
    columns: dict[str, list[Article]]  # newest first
    others: list[tuple[str, str]] = field(default_factory=list)  # (site name, zone name) for 友情链接
    list_extra: dict[str, list[Item]] = field(default_factory=dict)  # extra items on page 1 of a column
    home_extra: list[Item] = field(default_factory=list)  # extra links in a home block
    overview_extra: list[Item] = field(default_factory=list)
    related_extra: dict[int, list[Item]] = field(default_factory=dict)  # by article uid
    leaders: list[tuple[str, str, str]] = field(default_factory=list)
    about: list[str] = field(default_factory=list)


class Family:
    family = "static"
    encoding = "utf-8"
    declared = "utf-8"
    per_page = 6
    meta = '<meta charset="utf-8">'
    title_sep = " - "
    script_prevnext = False  # 上一篇/下一篇 written by document.write (only JS-aware crawlers follow them)

    def __init__(self, site: SiteData) -> None:
        self.site = site
        self.z = site.zone

    # -- URL scheme -------------------------------------------------------------------------
    def nav(self) -> dict[str, str]:
        raise NotImplementedError

    def list_url(self, col: str, page: int) -> str:
        raise NotImplementedError

    def list_file(self, col: str, page: int) -> str:
        raise NotImplementedError

    def list_aliases(self, col: str, page: int) -> list[str]:
        """Other URLs (e.g. the column directory) serving the same list page."""
        return []

    def article_url(self, art: Article) -> str:
        raise NotImplementedError

    def article_file(self, art: Article) -> str:
        url = self.article_url(art)
        return url.lstrip("/").split("?")[0]

    def image_path(self, art: Article, i: int) -> str:
        raise NotImplementedError

    def attach_dir(self, art: Article) -> str:
        return f"/uploadfile/{art.date:%Y/%m%d}/"

    def overview_url(self) -> str:
        return self.nav()["新闻中心"]

    def plain_url(self, which: str) -> str:
        return self.nav()[which]

    def search_url(self) -> str:
        return "/search?q="

    def href(self, target: str) -> str:
        """How a same-site link to target URL is written."""
        return target

    # -- shared chrome ----------------------------------------------------------------------
    def nav_html(self) -> str:
        nav = self.nav()
        items = "".join(f'<li><a href="{esc(self.href(nav[label]))}">{label}</a></li>' for label in NAV)
        return f'<div class="nav"><ul>{items}</ul></div>'

    def header(self) -> str:
        return (f'<div class="top"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{self.z.zone}"></a></div>'
                f'<div class="topsearch"><form action="/search" method="get"><input type="text" name="q" value="">'
                f'<input type="submit" value="搜索"></form><a href="javascript:void(0);">设为首页</a> '
                f'<a href="javascript:void(0);">加入收藏</a></div></div>{self.nav_html()}')

    def footer(self) -> str:
        return (f'<div class="footer"><p>主办单位：{self.z.org} 版权所有 Copyright &copy; 2012-2023</p>'
                f'<p>地址：{self.z.address} 电话：{self.z.phone} 邮箱：<a href="mailto:{self.z.email}">{self.z.email}</a></p>'
                f'<p>{self.site.icp} 公网安备 51010702001234号 网站标识码：5101000012</p>'
                f'<p><img src="/images/qrcode.png" alt="扫一扫关注微信公众号">扫一扫关注微信公众号</p></div>')

    def document(self, title: str, body: str, head_extra: str = "") -> str:
        return ("<!DOCTYPE html>\n<html>\n<head>\n" + self.meta + "\n"
                f"<title>{esc(title)}</title>\n"
                f'<meta name="keywords" content="{self.z.zone},{self.z.zone_full}">\n'
                '<link rel="stylesheet" href="/css/style.css" type="text/css">\n'
                f"{head_extra}</head>\n<body>\n{self.header()}\n<div class=\"main\">\n{body}\n</div>\n"
                f"{self.footer()}\n</body>\n</html>\n")

    def page_title(self, title: str) -> str:
        return f"{title}{self.title_sep}{self.z.zone}"

    def date_text(self, art: Article) -> str:
        return art.date.isoformat()

    def item_of(self, art: Article) -> Item:
        return Item(self.href(self.article_url(art)), art.title, art.date.isoformat())

    def items_html(self, items: list[Item], cls: str = "list") -> str:
        lis = "".join(f'<li><a href="{esc(i.href)}" target="_blank" title="{esc(i.title)}">{esc(i.title)}</a>'
                      f"<span>{i.date}</span></li>\n" for i in items)
        return f'<ul class="{cls}">\n{lis}</ul>'

    def crumbs(self, col: str, home: str = "首页", sep: str = " &gt; ") -> str:
        nav = self.nav()
        parts = [f'<a href="/">{home}</a>']
        for label in category(col):
            parts.append(f'<a href="{esc(self.href(nav.get(label, self.list_url(col, 1))))}">{label}</a>')
        return sep.join(parts)

    # -- blocks -----------------------------------------------------------------------------
    def para(self, text: str) -> str:
        return f'<p style="text-indent: 2em;">{esc(text)}</p>'

    def heading(self, text: str) -> str:
        return f'<p style="text-indent: 2em;"><strong>{esc(text)}</strong></p>'

    def image(self, art: Article, src: str, caption: str | None) -> str:
        out = f'<p style="text-align: center;"><img src="{esc(src)}" alt="" border="0"></p>'
        if caption:
            out += f'<p style="text-align: center;">{esc(caption)}</p>'
        return out

    def img_src(self, art: Article, path: str) -> str:
        return path

    def render_blocks(self, art: Article) -> str:
        out: list[str] = []
        for b in art.blocks:
            kind = b[0]
            if kind == "p":
                out.append(self.para(b[1]))
            elif kind == "h":
                out.append(self.heading(b[1]))
            elif kind == "sign":
                out.append(f'<p style="text-align: right;">{esc(b[1])}</p>')
            elif kind == "echo":
                out.append(f'<p style="text-align: center;"><strong>{esc(b[1])}</strong></p>')
            elif kind == "img":
                out.append(self.image(art, self.img_src(art, b[1]), b[2]))
            elif kind == "table":
                rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>\n" for row in b[1])
                out.append(f'<table border="1" cellspacing="0" cellpadding="4" align="center"><tbody>\n{rows}</tbody></table>')
            elif kind == "attach":
                out.append("<p>附件：</p>")
                out += [f'<p><a href="{esc(p)}" target="_blank">{esc(n)}</a></p>' for p, n in b[1]]
        return "\n".join(out)

    def prevnext(self, art: Article, prev_label: str = "上一篇：", next_label: str = "下一篇：") -> str:
        def one(label: str, other: Article | None) -> str:
            if other is None:
                return f"<li>{label}没有了</li>"
            return f'<li>{label}<a href="{esc(self.href(self.article_url(other)))}">{esc(other.title)}</a></li>'

        out = f'<ul class="prevnext">{one(prev_label, art.prev)}{one(next_label, art.next)}</ul>'
        if self.script_prevnext:
            js = out.replace("</", "<\\/").replace("'", "\\'")
            return f"<script type=\"text/javascript\">document.write('{js}');</script>"
        return out

    def related_html(self, art: Article, head: str = "相关新闻") -> str:
        items = [self.item_of(r) for r in art.related] + self.site.related_extra.get(art.uid, [])
        return f'<div class="related"><h3>{head}</h3>{self.items_html(items, "relist")}</div>'

    def tools(self) -> str:
        return ('<div class="tools">【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
                '<a href="javascript:doZoom(14)">小</a>】 【<a href="javascript:window.print();">打印本页</a>】 '
                '【<a href="javascript:window.close();">关闭窗口</a>】</div>')

    # -- pages ------------------------------------------------------------------------------
    def home(self) -> str:
        s = self.site
        news = [self.item_of(a) for a in s.columns["yqdt"][:6]]
        media = [self.item_of(a) for a in s.columns["mtjj"][:4]]
        notices = [self.item_of(a) for a in s.columns["tzgg"][:4]]
        policies = [self.item_of(a) for a in s.columns["zcwj"][:3]]
        nav = self.nav()
        blocks = [
            ("园区动态", nav["园区动态"], news), ("媒体聚焦", self.list_url("mtjj", 1), media),
            ("通知公告", nav["通知公告"], notices), ("政策文件", nav["政策文件"], policies),
        ]
        out = []
        for head, more, items in blocks:
            out.append(f'<div class="box"><div class="boxtit"><h3>{head}</h3><a class="more" href="{esc(self.href(more))}">更多&gt;&gt;</a></div>'
                       f"{self.items_html(items)}</div>")
        if s.home_extra:
            out.append('<div class="box"><h3>专题专栏</h3><ul>' + "".join(
                f'<li><a href="{esc(i.href)}">{esc(i.title)}</a></li>' for i in s.home_extra) + "</ul></div>")
        links = "".join(f'<li><a href="{{{{site:{n}}}}}/" target="_blank">{z}</a></li>' for n, z in s.others)
        out.append(f'<div class="friendlink"><h3>友情链接</h3><ul>{links}</ul></div>')
        return self.document(f"{self.z.zone_full}", "\n".join(out))

    def list_page(self, col: str, page: int, npages: int, items: list[Item]) -> str:
        label = COLUMNS[col][0]
        body = (f'<div class="position">当前位置：{self.crumbs(col)}</div>\n<div class="listbox"><h2>{label}</h2>\n'
                f"{self.items_html(items)}\n{self.pager(col, page, npages, len(self.site.columns[col]))}</div>")
        return self.document(self.page_title(label), body)

    def pager(self, col: str, page: int, npages: int, total: int) -> str:
        raise NotImplementedError

    def overview(self) -> str:
        s = self.site
        out = ['<div class="position">当前位置：<a href="/">首页</a> &gt; 新闻中心</div>']
        for col in ("yqdt", "mtjj"):
            items = [self.item_of(a) for a in s.columns[col][:5]]
            out.append(f'<div class="box"><h3>{COLUMNS[col][0]}</h3><a class="more" href="{esc(self.href(self.list_url(col, 1)))}">更多</a>'
                       f"{self.items_html(items)}</div>")
        if s.overview_extra:
            out.append('<div class="box"><h3>活动专题</h3><ul>' + "".join(
                f'<li><a href="{esc(i.href)}">{esc(i.title)}</a></li>' for i in s.overview_extra) + "</ul></div>")
        return self.document(self.page_title("新闻中心"), "\n".join(out))

    def plain(self, which: str) -> str:
        z = self.z
        crumb = f'<div class="position">当前位置：<a href="/">首页</a> &gt; {which}</div>'
        if which == "关于我们":
            inner = "".join(self.para(t) for t in self.site.about)
        elif which == "领导之窗":
            inner = "".join(f'<div class="leader"><h4>{name} {title}</h4>{self.para(bio)}</div>'
                            for name, title, bio in self.site.leaders)
        else:
            inner = (f"<p>单位名称：{z.org}</p><p>办公地址：{z.address}</p><p>联系电话：{z.phone}</p>"
                     f'<p>电子邮箱：<a href="mailto:{z.email}">{z.email}</a></p>'
                     f'<p>投诉建议：<a href="mailto:{z.email}?subject=%E6%8A%95%E8%AF%89">点击发送邮件</a></p>'
                     "<p>工作时间：周一至周五 上午9:00-12:00 下午13:30-17:30（法定节假日除外）</p>")
        return self.document(self.page_title(which), f'{crumb}<div class="single"><h2>{which}</h2>{inner}</div>')

    def search(self) -> str:
        hot = "".join(f'<a href="/search?q={quote(w)}">{w}</a> ' for w in ("高新技术企业", "人才政策", "招商引资"))
        body = ('<div class="position">当前位置：<a href="/">首页</a> &gt; 站内搜索</div>'
                '<div class="search"><form action="/search" method="get"><input type="text" name="q">'
                '<input type="submit" value="搜索"></form>'
                f"<p>请输入关键词进行搜索。</p><p>热门搜索：{hot}</p><p>没有找到相关结果。</p></div>")
        return self.document(self.page_title("站内搜索"), body)

    def article(self, art: Article, body_html: str) -> str:
        raise NotImplementedError

    def render_article(self, art: Article) -> str:
        return self.article(art, self.render_blocks(art))


# ---------------------------------------------------------------------------------------------
class Dede(Family):
    family = "dedecms"
    encoding = "gbk"
    declared = "gb2312"
    meta = "<meta charset=gb2312>"
    title_sep = "_"
    dirs: ClassVar[dict[str, Any]] = {"yqdt": ("xwzx", 5), "mtjj": ("mtjj", 8), "tzgg": ("tzgg", 6), "zcwj": ("zcwj", 7)}

    def nav(self) -> dict[str, str]:
        return {"首页": "/", "新闻中心": "/a/news/", "园区动态": "/a/xwzx/", "通知公告": "/a/tzgg/",
                "政策文件": "/a/zcwj/", "关于我们": "/a/about/", "领导之窗": "/a/ldzc/",
                "联系我们": "/a/contact/", "搜索": "/search?q="}

    def list_url(self, col: str, page: int) -> str:
        d, tid = self.dirs[col]
        return f"/a/{d}/" if page == 1 else f"/a/{d}/list_{tid}_{page}.html"

    def list_file(self, col: str, page: int) -> str:
        d, tid = self.dirs[col]
        return f"a/{d}/index.html" if page == 1 else f"a/{d}/list_{tid}_{page}.html"

    def list_aliases(self, col: str, page: int) -> list[str]:
        d, tid = self.dirs[col]
        return [f"/a/{d}/list_{tid}_1.html"] if page == 1 else []

    def article_url(self, art: Article) -> str:
        return f"/a/{self.dirs[art.column][0]}/{art.date:%Y/%m%d}/{art.uid}.html"

    def image_path(self, art: Article, i: int) -> str:
        return f"/uploads/allimg/{art.date:%y%m%d}/1-{art.date:%y%m%d}1{art.uid % 100:02d}{i}.png"

    def attach_dir(self, art: Article) -> str:
        return f"/uploads/soft/{art.date:%y%m%d}/"

    def pager(self, col: str, page: int, npages: int, total: int) -> str:
        _, tid = self.dirs[col]
        li = [f'<li><a href="list_{tid}_1.html">首页</a></li>']
        if page > 1:
            li.append(f'<li><a href="list_{tid}_{page - 1}.html">上一页</a></li>')
        for n in range(1, npages + 1):
            li.append(f'<li class="thisclass">{n}</li>' if n == page else f'<li><a href="list_{tid}_{n}.html">{n}</a></li>')
        if page < npages:
            li.append(f'<li><a href="list_{tid}_{page + 1}.html">下一页</a></li>')
        li.append(f'<li><a href="list_{tid}_{npages}.html">末页</a></li>')
        return (f'<div class="dede_pages"><ul class="pagelist">{"".join(li)}'
                f'<span class="pageinfo">共 <strong>{npages}</strong>页<strong>{total}</strong>条</span></ul></div>')

    def crumbs(self, col: str, home: str = "主页", sep: str = " &gt; ") -> str:
        return super().crumbs(col, home, sep) + " &gt; "

    def meta_line(self, art: Article, date_first: bool = False) -> str:
        src = f"<small>来源:</small>{esc(art.source_shown or '')}" if art.source_shown is not None else ""
        date = f"<small>日期:</small>{art.date.isoformat()}" if art.show_date else ""
        hits = (f'<small>点击:</small><script src="/plus/count.php?view=yes&amp;aid={art.uid}&amp;mid=1" '
                'type="text/javascript" language="javascript"></script>')
        if date_first:
            return f'<div class="info">{art.date.isoformat()} {src} {hits}</div>'
        return f'<div class="info">{src} {date} {hits}</div>'

    def article(self, art: Article, body_html: str) -> str:
        crumb = f'<div class="place"><strong>当前位置:</strong>{self.crumbs(art.column)}</div>'
        main = (f'{crumb}\n<div class="viewbox">\n<div class="title"><h2>{esc(art.title)}</h2></div>\n'
                f"{self.meta_line(art)}\n<div class=\"content\"><table width=\"100%\"><tr><td>\n{body_html}\n</td></tr></table></div>\n"
                '<div class="boxoff"><strong>------分隔线----------------------------</strong></div>\n'
                f'<div class="handle"><div class="context">{self.prevnext(art)}</div>'
                '<div class="actbox"><ul><li id="act-pnt"><a href="javascript:window.print();">打印本页</a></li>'
                '<li id="act-cls"><a href="javascript:window.close();">关闭窗口</a></li></ul></div></div>\n</div>\n'
                f"{self.related_html(art, '相关文章')}")
        if art.print_copy:
            main += (f'\n<div id="printcopy" style="display:none"><div class="place">{self.crumbs(art.column)}</div>'
                     f"<h2>{esc(art.title)}</h2>{self.meta_line(art, date_first=True)}<div>{body_html}</div></div>")
        return self.document(self.page_title(art.title), main)


# ---------------------------------------------------------------------------------------------
TRS_PAGE_JS = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0){
    document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;");
  } else {
    var nPreIndex = nCurrIndex - 1;
    var sPreFileExt = nPreIndex == 0 ? "" : ("_" + nPreIndex);
    document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a>&nbsp;");
    document.write("<a href=\\"" + _sPageName + sPreFileExt + "." + _sPageExt + "\\">上一页</a>&nbsp;");
  }
  if(nCurrIndex == (_nPageCount - 1)){
    document.write("<span>下一页</span>&nbsp;<span>尾页</span>");
  } else {
    var nNextIndex = nCurrIndex + 1;
    document.write("<a href=\\"" + _sPageName + "_" + nNextIndex + "." + _sPageExt + "\\">下一页</a>&nbsp;");
    document.write("<a href=\\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\\">尾页</a>");
  }
  document.write("&nbsp;共" + _nPageCount + "页");
}
</script>"""


class Trs(Family):
    family = "trs_wcm"
    script_prevnext = True
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    title_sep = "-"
    dirs: ClassVar[dict[str, Any]] = {"yqdt": "/xwzx/yqdt/", "mtjj": "/xwzx/mtjj/", "tzgg": "/tzgg/", "zcwj": "/zcwj/"}

    def nav(self) -> dict[str, str]:
        return {"首页": "/", "新闻中心": "/xwzx/", "园区动态": "/xwzx/yqdt/", "通知公告": "/tzgg/",
                "政策文件": "/zcwj/", "关于我们": "/gywm/", "领导之窗": "/ldzc/", "联系我们": "/lxwm/",
                "搜索": "/search?q="}

    def page_title(self, title: str) -> str:
        return f"{title}-{self.z.zone_full}"

    def list_url(self, col: str, page: int) -> str:
        d = self.dirs[col]
        return d if page == 1 else f"{d}index_{page - 1}.html"

    def list_file(self, col: str, page: int) -> str:
        return (self.dirs[col] + ("index.html" if page == 1 else f"index_{page - 1}.html")).lstrip("/")

    def list_aliases(self, col: str, page: int) -> list[str]:
        return [self.dirs[col] + "index.html"] if page == 1 else []

    def article_url(self, art: Article) -> str:
        return f"{self.dirs[art.column]}{art.date:%Y%m}/t{art.date:%Y%m%d}_{art.uid}.html"

    def image_path(self, art: Article, i: int) -> str:
        return f"{self.dirs[art.column]}{art.date:%Y%m}/W0{art.date:%Y%m%d}{art.uid}{i}.png"

    def img_src(self, art: Article, path: str) -> str:
        return "./" + path.rsplit("/", 1)[1]

    def attach_dir(self, art: Article) -> str:
        return f"{self.dirs[art.column]}{art.date:%Y%m}/P0"

    def list_page(self, col: str, page: int, npages: int, items: list[Item]) -> str:
        base = self.dirs[col]
        rel = [Item("./" + i.href[len(base):] if i.href.startswith(base) else i.href, i.title, i.date) for i in items]
        return super().list_page(col, page, npages, rel)

    def pager(self, col: str, page: int, npages: int, total: int) -> str:
        return (f'<div class="page">{TRS_PAGE_JS}\n<script type="text/javascript">'
                f'createPageHTML({npages}, {page - 1}, "index", "html");</script></div>')

    def article(self, art: Article, body_html: str) -> str:
        meta = [f"发布时间：{art.date.isoformat()} {art.time}" if art.time else f"发布时间：{art.date.isoformat()}"]
        if art.source_shown is not None:
            meta.append(f"来源：{esc(art.source_shown)}")
        meta.append(f"浏览次数：{art.hits}")
        editor = f'<div class="editor">责任编辑：{esc(art.editor)}</div>' if art.editor else ""
        main = (f'<div class="position">您现在的位置：{self.crumbs(art.column)}</div>\n<div class="article">\n'
                f'<h1 class="art-title">{esc(art.title)}</h1>\n<div class="art-info">{"&nbsp;&nbsp;".join(meta)}'
                f"&nbsp;&nbsp;{self.tools()}</div>\n"
                f'<div class="art-con"><div class="TRS_Editor">\n{body_html}\n</div></div>\n{editor}\n'
                f'<div class="art-page">{self.prevnext(art)}</div>\n</div>\n{self.related_html(art)}')
        return self.document(self.page_title(art.title), main)


# ---------------------------------------------------------------------------------------------
HANWEB_JS = """function jpage(opt) {
  // Hanweb JCMS style pager: builds col/colNNNN/index.html?uid=UNIT&pageNum=N links
  var box = document.getElementById(opt.container + "_pager");
  var html = "<span>共" + opt.totalRecord + "条 " + opt.pageNum + "/" + opt.totalPage + "页</span> ";
  function link(n, text) { return "<a href=\\"" + opt.col + "?uid=" + opt.unitid + "&pageNum=" + n + "\\">" + text + "</a> "; }
  if (opt.pageNum > 1) { html += link(1, "首页") + link(opt.pageNum - 1, "上页"); }
  if (opt.pageNum < opt.totalPage) { html += link(opt.pageNum + 1, "下页") + link(opt.totalPage, "尾页"); }
  box.innerHTML = html;
}
"""


class Hanweb(Family):
    family = "hanweb_jcms"
    script_prevnext = True
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    cols: ClassVar[dict[str, Any]] = {"yqdt": (1234, 5678), "mtjj": (1235, 5679), "tzgg": (1236, 5680), "zcwj": (1237, 5681)}

    def nav(self) -> dict[str, str]:
        return {"首页": "/", "新闻中心": "/col/col1233/index.html", "园区动态": "/col/col1234/index.html",
                "通知公告": "/col/col1236/index.html", "政策文件": "/col/col1237/index.html",
                "关于我们": "/col/col1240/index.html", "领导之窗": "/col/col1241/index.html",
                "联系我们": "/col/col1242/index.html", "搜索": "/search?q="}

    def list_url(self, col: str, page: int) -> str:
        colid, uid = self.cols[col]
        return f"/col/col{colid}/index.html" + ("" if page == 1 else f"?uid={uid}&pageNum={page}")

    def list_file(self, col: str, page: int) -> str:
        colid, _ = self.cols[col]
        return f"col/col{colid}/index.html" if page == 1 else f"_pages/col{colid}_{page}.html"

    def article_url(self, art: Article) -> str:
        d = art.date
        return f"/art/{d.year}/{d.month}/{d.day}/art_{self.cols[art.column][0]}_{art.uid}.html"

    def image_path(self, art: Article, i: int) -> str:
        return f"/picture/0/{art.date:%y%m%d}{art.uid}{i}.png"

    def attach_dir(self, art: Article) -> str:
        return f"/module/download/downfile.jsp_files/{art.date:%Y%m}/"

    def image(self, art: Article, src: str, caption: str | None) -> str:
        return f'<p style="text-align: center;"><img src="{esc(src)}" alt="{esc(caption or "")}" title=""></p>'

    def list_page(self, col: str, page: int, npages: int, items: list[Item]) -> str:
        colid, unit = self.cols[col]
        label = COLUMNS[col][0]
        records = "".join(
            f'<record><![CDATA[\n<li><a href="{esc(i.href)}" title="{esc(i.title)}" target="_blank">{esc(i.title)}</a>'
            f"<span>{i.date}</span></li>\n]]></record>\n" for i in items)
        total = len(self.site.columns[col])
        body = (f'<div class="position">当前位置：{self.crumbs(col)}</div>\n<div class="listbox"><h2>{label}</h2>\n'
                f'<div class="default_pgContainer" id="{unit}"><script type="text/xml">\n<datastore>\n'
                f"<recordset>\n{records}</recordset>\n</datastore>\n</script></div>\n"
                f'<div class="default_pgPanel" id="{unit}_pager"></div>\n'
                '<script type="text/javascript" src="/module/jslib/jpage/jpage.js"></script>\n'
                f'<script type="text/javascript">var unitid = {unit}; var pageNum = {page};\n'
                f'jpage({{container: "{unit}", col: "/col/col{colid}/index.html", unitid: {unit}, pageNum: {page}, '
                f"totalPage: {npages}, totalRecord: {total}, perPage: {self.per_page}}});</script>\n</div>")
        return self.document(self.page_title(label), body)

    def pager(self, col: str, page: int, npages: int, total: int) -> str:
        return ""

    def article(self, art: Article, body_html: str) -> str:
        meta = f"发布日期：{art.date.isoformat()}" if art.show_date else ""
        if art.source_shown is not None:
            meta += f"&nbsp;&nbsp;信息来源：{esc(art.source_shown)}"
        meta += f'&nbsp;&nbsp;浏览次数：<span id="hits">{art.hits}</span>'
        main = (f'<div class="position">当前位置：{self.crumbs(art.column)}</div>\n<table class="main_tab"><tr><td>\n'
                f'<div class="title"><h1>{esc(art.title)}</h1></div>\n<div class="info">{meta}&nbsp;&nbsp;'
                '字体：[ <a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> '
                '<a href="javascript:doZoom(12)">小</a> ]</div>\n'
                f'<div id="zoom">\n<!--ZJEG_RSS.content.begin--><meta name="ContentStart">\n{body_html}\n'
                "<meta name=\"ContentEnd\"><!--ZJEG_RSS.content.end-->\n</div>\n"
                f'<div class="pn">{self.prevnext(art)}</div>\n'
                '<div class="bt"><a href="javascript:window.print()">【打印本页】</a> '
                '<a href="javascript:window.opener=null;window.open(\'\',\'_self\');window.close();">【关闭窗口】</a></div>\n'
                f"</td></tr></table>\n{self.related_html(art, '相关信息')}")
        return self.document(self.page_title(art.title), main)


# ---------------------------------------------------------------------------------------------
class Php(Family):
    family = "phpcms"
    catids: ClassVar[dict[str, Any]] = {"yqdt": 8, "mtjj": 11, "tzgg": 9, "zcwj": 10}
    plain_cats: ClassVar[dict[str, Any]] = {"新闻中心": 6, "关于我们": 2, "领导之窗": 3, "联系我们": 4}

    @staticmethod
    def lists(catid: int, page: int = 1) -> str:
        return f"/index.php?m=content&c=index&a=lists&catid={catid}" + ("" if page == 1 else f"&page={page}")

    def nav(self) -> dict[str, str]:
        nav = {label: self.lists(cat) for label, cat in self.plain_cats.items()}
        nav.update({"首页": "/", "园区动态": self.lists(8), "通知公告": self.lists(9), "政策文件": self.lists(10),
                    "搜索": "/search?q="})
        return nav

    def list_url(self, col: str, page: int) -> str:
        return self.lists(self.catids[col], page)

    def list_file(self, col: str, page: int) -> str:
        return f"_pages/list_{self.catids[col]}_{page}.html"

    def article_url(self, art: Article) -> str:
        cat = self.catids[art.column]
        if art.column == "yqdt":
            return f"/index.php?m=content&c=index&a=show&catid={cat}&id={art.uid}"
        return f"/show-{cat}-{art.uid}-1.html"

    def article_file(self, art: Article) -> str:
        if art.column == "yqdt":
            return f"_pages/show_{self.catids[art.column]}_{art.uid}.html"
        return super().article_file(art)

    def image_path(self, art: Article, i: int) -> str:
        return f"/uploadfile/{art.date:%Y/%m%d}/{art.date:%Y%m%d}{art.uid:05d}{i}.png"

    def pager(self, col: str, page: int, npages: int, total: int) -> str:
        cat = self.catids[col]

        def h(n: int) -> str:
            return esc(self.lists(cat, n))

        out = [f'<a class="a1">{total}条</a>']
        out.append(f'<a href="{h(max(1, page - 1))}" class="a1">上一页</a>')
        for n in range(1, npages + 1):
            out.append(f"<span>{n}</span>" if n == page else f'<a href="{h(n)}">{n}</a>')
        out.append(f'<a href="{h(min(npages, page + 1))}" class="a1">下一页</a>')
        return f'<div id="pages" class="text-c">{" ".join(out)}</div>'

    def article(self, art: Article, body_html: str) -> str:
        meta = [f"发布时间：{art.date.isoformat()} {art.time}" if art.time else f"发布时间：{art.date.isoformat()}"]
        if art.source_shown is not None:
            meta.append(f"来源：{esc(art.source_shown)}")
        if art.author:
            meta.append(f"作者：{esc(art.author)}")
        meta.append(f'点击：<span id="hits">{art.hits}</span>')
        editor = f'<div class="editor" style="text-align:right">【责任编辑：{esc(art.editor)}】</div>' if art.editor else ""

        def block() -> str:
            return (f'<div id="Article"><h1>{esc(art.title)}</h1>\n<div class="info">{"&nbsp;&nbsp;".join(meta)}</div>\n'
                    f'<div class="content">\n{body_html}\n</div>\n{editor}</div>')

        main = (f'<div class="crumbs">当前位置：{self.crumbs(art.column)} &gt; 正文</div>\n{block()}\n'
                f'<div class="pn">{self.prevnext(art, "上一篇：", "下一篇：")}</div>\n'
                '<div class="share">分享到：<a href="javascript:;">微信</a> <a href="javascript:;">微博</a> '
                '<a href="javascript:window.print();">【打印】</a> <a href="javascript:window.close();">【关闭】</a></div>\n'
                f"{self.related_html(art)}")
        if art.print_copy:
            main += f'\n<div class="print-version" style="display:none">{block()}</div>'
        return self.document(self.page_title(art.title), main)


# ---------------------------------------------------------------------------------------------
class Portal(Family):
    family = "modern_portal"
    title_sep = " | "
    dirs: ClassVar[dict[str, Any]] = {"yqdt": "news", "mtjj": "media", "tzgg": "notice", "zcwj": "policy"}

    def nav(self) -> dict[str, str]:
        return {"首页": "/", "新闻中心": "/newscenter/", "园区动态": "/news/", "通知公告": "/notice/",
                "政策文件": "/policy/", "关于我们": "/about/", "领导之窗": "/leaders/", "联系我们": "/contact/",
                "搜索": "/search?q="}

    def list_url(self, col: str, page: int) -> str:
        return f"/{self.dirs[col]}/" + ("" if page == 1 else f"?page={page}")

    def list_file(self, col: str, page: int) -> str:
        d = self.dirs[col]
        return f"{d}/index.html" if page == 1 else f"_pages/{d}_{page}.html"

    def article_url(self, art: Article) -> str:
        return f"/{self.dirs[art.column]}/detail/{art.date.isoformat()}/{art.token}.html"

    def image_path(self, art: Article, i: int) -> str:
        return f"/static/upload/{art.date:%Y/%m}/{art.token}{i}.png"

    def attach_dir(self, art: Article) -> str:
        return f"/static/files/{art.date:%Y%m}/"

    def header(self) -> str:
        nav = self.nav()
        items = "".join(f'<a class="nav-item" href="{nav[label]}">{label}</a>' for label in NAV)
        return (f'<header class="site-header"><a class="brand" href="/"><img src="/images/logo.png" alt="{self.z.zone}">'
                f"</a><nav>{items}</nav></header>")

    def para(self, text: str) -> str:
        return f"<p>{esc(text)}</p>"

    def heading(self, text: str) -> str:
        return f"<h3>{esc(text)}</h3>"

    def image(self, art: Article, src: str, caption: str | None) -> str:
        cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
        return f'<figure class="image"><img src="{esc(src)}" alt="{esc(caption or "")}" loading="lazy">{cap}</figure>'

    def pager(self, col: str, page: int, npages: int, total: int) -> str:
        out = []
        if page > 1:
            out.append(f'<a class="prev" href="?page={page - 1}" aria-label="上一页">&lt;</a>')
        for n in range(1, npages + 1):
            out.append(f'<span class="current">{n}</span>' if n == page else f'<a href="?page={n}">{n}</a>')
        if page < npages:
            out.append(f'<a class="next" href="?page={page + 1}" aria-label="下一页">&gt;</a>')
        return f'<nav class="pagination">{"".join(out)}</nav>'

    def crumbs(self, col: str, home: str = "首页", sep: str = " / ") -> str:
        return super().crumbs(col, home, sep)

    def article(self, art: Article, body_html: str) -> str:
        when = f"{art.date.isoformat()} {art.time}" if art.time else art.date.isoformat()
        meta = [f'<span class="time">{when}</span>']
        if art.source_shown is not None:
            meta.append(f'<span class="source">来源：{esc(art.source_shown)}</span>')
        if art.author:
            meta.append(f'<span class="author">作者：{esc(art.author)}</span>')
        meta.append(f'<span class="views">阅读：{art.hits}</span>')
        ld: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": art.title,
            "datePublished": f"{art.date.isoformat()}T{art.time or '00:00:00'}+08:00",
            "publisher": {"@type": "Organization", "name": self.z.org},
        }
        if art.author:
            ld["author"] = {"@type": "Person", "name": art.author}
        head = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
        kicker = f'<p class="kicker">{esc(art.kicker)}</p>' if art.kicker else ""
        sub = f'<p class="subtitle">{esc(art.subtitle)}</p>' if art.subtitle else ""
        editor = f'<p class="editor">编辑：{esc(art.editor)}</p>' if art.editor else ""
        main = (f'<div class="breadcrumb">{self.crumbs(art.column)} / 正文</div>\n<article class="detail">\n'
                f'{kicker}<h1 class="detail-title">{esc(art.title)}</h1>{sub}\n<div class="detail-meta">{" ".join(meta)}</div>\n'
                f'<div class="detail-content">\n{body_html}\n</div>\n{editor}\n'
                '<div class="detail-tools"><a href="javascript:window.print()">打印本页</a> '
                '<a href="javascript:window.close()">关闭窗口</a> <span class="share">分享到：微信 微博</span></div>\n'
                f'<div class="detail-pn">{self.prevnext(art)}</div>\n</article>\n{self.related_html(art, "相关推荐")}')
        return self.document(self.page_title(art.title), main, head)


FAMILIES: dict[str, type[Family]] = {"dede": Dede, "trs": Trs, "hanweb": Hanweb, "php": Php, "portal": Portal}


def calendar_template(fam: Family) -> str:
    body = ('<div class="position">当前位置：<a href="/">首页</a> / 活动日历</div>\n<div class="calendar">'
            "<h2>活动日历 {{endless:value}}</h2><p>当日暂无活动安排。</p>"
            '<p><a href="calendar?date={{endless:prev}}">&lt; 前一天</a> | '
            '<a href="calendar?date={{endless:next}}">后一天 &gt;</a></p></div>')
    return fam.document("活动日历 {{endless:value}}" + fam.title_sep + fam.z.zone, body)


def endless_list_template(fam: Family, items: list[Item]) -> str:
    lis = fam.items_html(items)
    body = ('<div class="place"><strong>当前位置:</strong><a href="/">主页</a> &gt; 活动专题 &gt; </div>\n'
            f'<div class="listbox"><h2>活动专题</h2>{lis}\n<div class="dede_pages"><ul class="pagelist">'
            '<li><a href="list.php?tid=9&amp;PageNo=1">首页</a></li>'
            '<li><a href="list.php?tid=9&amp;PageNo={{endless:prev}}">上一页</a></li>'
            '<li class="thisclass">{{endless:value}}</li>'
            '<li><a href="list.php?tid=9&amp;PageNo={{endless:next}}">下一页</a></li></ul></div></div>')
    return fam.document("活动专题" + fam.title_sep + fam.z.zone, body)


def item_for(fam: Family, art: Article) -> Item:
    return fam.item_of(art)


__all__ = ["COLUMNS", "FAMILIES", "NAV", "Block", "Family", "Item", "SiteData", "category"]
