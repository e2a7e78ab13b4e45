"""Build the multi-site fixture web (see :func:`build_fixture_web`)."""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import random
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from zonenews.devserver import Routes

from . import content as C
from . import textdata as T
from .families import (
    COLUMNS,
    FAMILIES,
    HANWEB_JS,
    Family,
    Hanweb,
    Item,
    Php,
    SiteData,
    calendar_template,
    category,
    endless_list_template,
)
from .model import Article, Manifest, body_sha

SEED = 20240601

SITE_SPECS: dict[str, dict[str, Any]] = {
    "dede": {
        "zone": C.Zone("西岭高新区", "西岭高新技术产业开发区", "西岭高新技术产业开发区管理委员会",
                       ["菁湖片区", "西岭芯谷", "科创港"], "028-85123456", "xlgxq@xiling-hitech.example",
                       "西岭市高新区天府大道北段1480号"),
        "icp": "蜀ICP备05012345号-1", "dates": (dt.date(2019, 1, 7), dt.date(2019, 12, 20)),
        "robots": "User-agent: *\nDisallow: /private/\nDisallow: /data/\n",
    },
    "trs": {
        "zone": C.Zone("江海开发区", "江海经济技术开发区", "江海经济技术开发区管理委员会",
                       ["临江科技城", "江海国际生物港", "滨江智造园"], "0512-66881234", "jhkfq@jianghai-etdz.example",
                       "江海市开发区星湖街328号"),
        "icp": "苏ICP备10023456号", "dates": (dt.date(2020, 1, 6), dt.date(2020, 12, 18)),
        "robots": "User-agent: *\nDisallow: /private/\nDisallow: /cms/\n",
    },
    "hanweb": {
        "zone": C.Zone("明湖高新区", "明湖高新技术产业开发区", "明湖高新技术产业开发区管理委员会",
                       ["明湖科学城", "云栖智谷", "湖东产业园"], "0571-87651234", "mhgxq@minghu.example",
                       "明湖市滨湖路99号"),
        "icp": "浙ICP备11045678号", "dates": (dt.date(2021, 1, 4), dt.date(2021, 12, 20)),
        "robots": "User-agent: *\nDisallow:\n",
    },
    "php": {
        "zone": C.Zone("金沙经开区", "金沙经济技术开发区", "金沙经济技术开发区管理委员会",
                       ["金沙智造谷", "星沙生物城", "湘江数字港"], "0731-84561234", "jsjkq@jinsha.example",
                       "金沙市开元东路1号"),
        "icp": "湘ICP备12034567号", "dates": (dt.date(2021, 6, 1), dt.date(2022, 5, 30)),
        "robots": None,
    },
    "portal": {
        "zone": C.Zone("星河高新区", "星河高新技术产业开发区", "星河高新技术产业开发区管理委员会",
                       ["星河科学城", "光谷未来城", "海创湾"], "020-32061234", "xhgxq@xinghe.example",
                       "星河市科学大道188号"),
        "icp": "粤ICP备13056789号", "dates": (dt.date(2022, 3, 1), dt.date(2023, 2, 28)),
        "robots": "User-agent: *\nAllow: /\n",
    },
}
COUNTS = {"yqdt": 15, "mtjj": 2, "tzgg": 5, "zcwj": 2}
# republished stories: (site of the original, [(copy site, copy source), ...])
REPUBLISH = [
    ("dede", [("trs", "中国高新网"), ("portal", "科技日报")]),
    ("trs", [("hanweb", "中国开发区网"), ("php", "江海经济技术开发区管委会")]),
    ("hanweb", [("php", "经济日报")]),
    ("php", [("portal", "中国经济网")]),  # the portal copy gets one extra sentence
    ("portal", [("dede", "新华网")]),
]
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DOCX = b"PK\x03\x04fixture-docx\n"
CSS = "body{font-family:SimSun,serif;font-size:14px}.nav li{display:inline}.footer{text-align:center}\n"
COUNT_JS = "document.write('{hits}');\n"


@dataclass
class PageRec:
    site: str
    url: str
    file: str
    html: str
    kind: str  # home, list, article, overview, plain, search, trap, disallowed
    script_links: list[str] = field(default_factory=list)


@dataclass
class SiteBuild:
    name: str
    fam: Family
    data: SiteData
    routes: dict[str, dict[str, Any]] = field(default_factory=lambda: {
        "headers": {}, "redirects": {}, "status": {}, "files": {}, "endless": {}})
    pages: dict[str, PageRec] = field(default_factory=dict)  # by url
    by_file: dict[str, PageRec] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # rel path -> bytes


def _dates(rng: random.Random, lo: dt.date, hi: dt.date, n: int, taken: set[dt.date]) -> list[dt.date]:
    span = (hi - lo).days
    out: list[dt.date] = []
    while len(out) < n:
        d = lo + dt.timedelta(days=rng.randint(0, span))
        if d not in taken and d.weekday() < 5:
            taken.add(d)
            out.append(d)
    return sorted(out)


def _time(rng: random.Random, fmt: str | None) -> str | None:
    if fmt is None:
        return None
    h, m, s = rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59)
    return f"{h:02d}:{m:02d}" if fmt == "hm" else f"{h:02d}:{m:02d}:{s:02d}"


TIME_FMT = {"dede": None, "trs": "hm", "hanweb": None, "php": "hms", "portal": "hms"}


def _make_articles(rng: random.Random, name: str, spec: dict[str, Any], used: set[str]) -> dict[str, list[Article]]:
    zone: C.Zone = spec["zone"]
    lo, hi = spec["dates"]
    taken: set[dt.date] = set()
    cols: dict[str, list[Article]] = {}
    tf = TIME_FMT[name]
    for col, n in COUNTS.items():
        arts: list[Article] = []
        for i, date in enumerate(_dates(rng, lo, hi, n, taken)):
            src_default = {"dede": zone.zone, "trs": zone.org, "hanweb": f"{zone.zone}{rng.choice(T.DEPTS)}",
                           "php": zone.zone, "portal": f"{zone.zone}融媒体中心"}[name]
            if col in ("yqdt", "mtjj"):
                title, blocks, _ent = C.news(rng, zone, date, used, subheads=rng.random() < 0.25)
                kind = "news"
                group = None
                if col == "mtjj":
                    src_default = rng.choice(T.MEDIA)
            elif col == "tzgg":
                maker = C.gongshi if i % 5 in (0, 2, 4) else C.tongzhi
                title, blocks = maker(rng, zone, date)
                kind, group = "notice", ("gongshi" if maker is C.gongshi else "tongzhi")
                if title in used:
                    title = title.replace("的", f"（第{i + 1}批）的", 1)
                used.add(title)
            else:
                title, blocks = C.policy(rng, zone, date, "", used)
                kind, group = "policy", "policy"
            art = Article(site=name, column=col, kind=kind, title=title, date=date, time=_time(rng, tf),
                          blocks=blocks, source_shown=src_default, source=src_default, hits=rng.randint(30, 3000),
                          template_group=group)
            if name in ("trs", "php") and col != "tzgg":
                art.editor = C.person(rng)
            if name == "portal" and kind == "news":
                art.editor = C.person(rng)
                if rng.random() < 0.5:
                    art.author = C.person(rng)
            if name == "php" and kind == "news" and rng.random() < 0.4:
                art.author = C.person(rng)
            arts.append(art)
        cols[col] = arts
    return cols


def _plain_news(art: Article) -> bool:
    return (art.kind == "news" and art.story is None and not art.print_copy and art.column == "yqdt"
            and all(b[0] in ("p", "h") for b in art.blocks))


def _specialize(rng: random.Random, name: str, fam: Family, cols: dict[str, list[Article]]) -> None:
    """Per-site special cases: images, tables, print copies, placeholders, kickers, lying headers."""
    yq = cols["yqdt"]
    zone = fam.z
    if name == "dede":
        for a in (yq[1], yq[7], yq[12]):
            a.source_shown, a.source = "未知", None
        yq[3].source_shown = yq[3].source = "本站"
        yq[2].print_copy = yq[9].print_copy = True
        yq[5].blocks.insert(0, ("echo", yq[5].title))
        yq[11].show_date = False
        for a in cols["tzgg"][:2]:
            a.lying_header = True
    if name == "php":
        yq[4].print_copy = True
    if name in ("trs", "php"):
        a = yq[6]
        a.title = f"{zone.zone}{a.date.year}年一季度经济运行情况"
        ent = C.entities(rng, zone, a.date)
        a.blocks = [("p", f"{a.date.year}年一季度，{zone.zone}坚持稳中求进工作总基调，主要经济指标保持平稳增长，"
                          f"经济运行呈现稳中有进、进中提质的良好态势。"),
                    ("table", C.stats_table(rng, a.date.year)),
                    ("p", C.fill(T.SENTENCES[4], ent) + C.fill(T.SENTENCES[20], ent) + C.fill(T.SENTENCES[29], ent)),
                    ("p", C.fill(T.SENTENCES[56], ent) + C.fill(T.SENTENCES[60], ent) + C.fill(T.SENTENCES[10], ent))]
    if name == "portal":
        yq[8].kicker = "聚焦高质量发展"
        yq[8].subtitle = f"——{zone.zone}加快建设世界一流高科技园区综述"
    # images in three articles
    for k, idx in enumerate((0, 3, 10)):
        a = yq[idx]
        if not all(b[0] in ("p", "h") for b in a.blocks):
            continue
        caption = None if (name == "php" and k == 2) else rng.choice(T.CAPTIONS)
        a.blocks.insert(1, ("img", fam.image_path(a, 1), caption))
        if name == "portal" and k == 0:
            a.blocks.insert(3, ("img", fam.image_path(a, 2), rng.choice(T.CAPTIONS)))


def build_fixture_web(dest: Path, seed: int = SEED) -> Manifest:
    """Write the fixture web into ``dest`` (one subdirectory per site) and return its manifest.

    ``dest`` should be empty or not exist. The manifest is also written as ``dest/manifest.json``.
    Output is deterministic for a given seed.
    """
    dest = Path(dest)
    rng = random.Random(seed)
    used_titles: set[str] = set()
    builds: dict[str, SiteBuild] = {}
    all_cols: dict[str, dict[str, list[Article]]] = {}

    # 1. articles
    for name, spec in SITE_SPECS.items():
        all_cols[name] = _make_articles(rng, name, spec, used_titles)
    for name, spec in SITE_SPECS.items():
        others = [(o, SITE_SPECS[o]["zone"].zone) for o in SITE_SPECS if o != name]
        data = SiteData(name=name, zone=spec["zone"], icp=spec["icp"], columns=all_cols[name], others=others,
                        leaders=C.leaders(rng, spec["zone"]), about=C.about_text(rng, spec["zone"]))
        builds[name] = SiteBuild(name, FAMILIES[name](data), data)

    # 2. republished copies
    stories: list[list[Article]] = []
    for sid, (orig_site, copies) in enumerate(REPUBLISH):
        cands = [a for a in all_cols[orig_site]["yqdt"][1:] if _plain_news(a)]
        orig = cands[sid % len(cands)]
        orig.story = sid
        group = [orig]
        for copy_site, source in copies:
            c = Article(site=copy_site, column="mtjj", kind="news", title=orig.title,
                        date=orig.date + dt.timedelta(days=rng.randint(0, 2)), time=_time(rng, TIME_FMT[copy_site]),
                        blocks=copy.deepcopy(orig.blocks), source_shown=source, source=source,
                        hits=rng.randint(10, 900), story=sid)
            if copy_site in ("trs", "php", "portal"):
                c.editor = C.person(rng)
            if sid == 3:
                ent = C.entities(rng, builds[orig_site].fam.z, orig.date)
                c.blocks.insert(len(c.blocks) - 1, ("p", C.extra_sentence(rng, ent, orig.body)))
            all_cols[copy_site]["mtjj"].append(c)
            group.append(c)
        stories.append(group)

    # 3. ids, paths, ordering, prev/next, related, specials
    for name, b in builds.items():
        cols = all_cols[name]
        every = sorted((a for col in COLUMNS for a in cols[col]), key=lambda a: (a.date, list(COLUMNS).index(a.column)))
        uid = {"dede": 100, "trs": 100200, "hanweb": 500, "php": 40, "portal": 0}[name]
        for a in every:
            uid += 1 if name != "trs" else rng.randint(3, 37)
            a.uid = uid
            a.token = f"{rng.getrandbits(32):08x}"
        _specialize(rng, name, b.fam, cols)
        for col in COLUMNS:
            cols[col].sort(key=lambda a: (a.date, a.uid))
            for i, a in enumerate(cols[col]):
                a.prev = cols[col][i - 1] if i > 0 else None
                a.next = cols[col][i + 1] if i + 1 < len(cols[col]) else None
            cols[col].reverse()  # newest first for lists
        for a in every:
            a.path = b.fam.article_url(a)
            if a.kind == "policy":
                # attachments live under the family's upload dir
                for j, blk in enumerate(a.blocks):
                    if blk[0] == "attach":
                        d = b.fam.attach_dir(a)
                        a.blocks[j] = ("attach", [(d + p.rsplit("/", 1)[-1], n) for p, n in blk[1]])
        visible = cols["yqdt"][:6] + cols["mtjj"][:4] + cols["tzgg"][:4] + cols["zcwj"][:3]
        for a in every:
            # TRS/Hanweb related lists only name articles that are on the home page anyway, so that
            # older articles are only reachable through the JS pagers and datastore lists
            pool = [o for o in (visible if b.fam.script_prevnext else every) if o is not a]
            a.related = sorted(rng.sample(pool, 4), key=lambda o: o.date, reverse=True)

    manifest_extra = _specials(rng, builds, all_cols, stories)

    # 4. render
    for b in builds.values():
        _render_site(b, all_cols[b.name], manifest_extra)

    # 5. write
    for b in builds.values():
        root = dest / b.name
        for rel, data in sorted(b.files.items()):
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        routes = {k: v for k, v in b.routes.items() if v}
        (root / "_routes.json").write_text(json.dumps(routes, ensure_ascii=False, indent=1, sort_keys=True),
                                           encoding="utf-8")
    manifest = _manifest(builds, all_cols, stories, manifest_extra)
    manifest.save(dest / "manifest.json")
    return manifest


# ---------------------------------------------------------------------------------------------
def _specials(rng: random.Random, builds: dict[str, SiteBuild], cols: dict[str, dict[str, list[Article]]],
              stories: list[list[Article]]) -> dict[str, Any]:
    """Traps, redirects, broken links, disallowed pages, off-site links."""
    extra: dict[str, Any] = {"redirects": [], "broken": [], "traps": [], "disallowed": [], "list_redirect": {}}
    dede, trs, hanweb, php, portal = (builds[n] for n in ("dede", "trs", "hanweb", "php", "portal"))

    # dede: a deleted article (404) and an off-site article in a related list; endless dede list trap
    a = cols["dede"]["yqdt"][4]
    target = cols["portal"]["yqdt"][2]
    dede.data.related_extra[a.uid] = [
        Item("/a/xwzx/2018/0101/1.html", "西岭高新区召开2018年度工作会议", "2018-01-01"),
        Item("{{site:portal}}" + target.path, target.title, target.date.isoformat()),
    ]
    extra["broken"].append({"site": "dede", "path": "/a/xwzx/2018/0101/1.html", "status": 404})
    dede.data.overview_extra.append(Item("/plus/list.php?tid=9&PageNo=1", "活动专题", ""))
    extra["traps"].append({"site": "dede", "path_prefix": "/plus/list.php", "entry": "/plus/list.php?tid=9&PageNo=1",
                           "param": "PageNo", "kind": "endless ?PageNo=N list, every page links PageNo=N+1"})
    dede.data.home_extra.append(Item("/private/2019/neibu_01.html", "2019年重点项目推进情况通报（内部资料）", ""))

    # trs: an old URL that 301s to the new one (linked from a list); a 500 link; a disallowed page
    moved = cols["trs"]["yqdt"][5]
    old = f"/gzdt/{moved.date:%Y%m}/t{moved.date:%Y%m%d}_{moved.uid}.html"
    extra["list_redirect"][id(moved)] = old
    moved.old_paths.append(old)
    trs.routes["redirects"][old] = moved.path
    extra["redirects"].append({"site": "trs", "path": old, "location_site": "trs", "location_path": moved.path,
                               "cross_site": False})
    bad = "/tzgg/202001/t20200110_100999.html"
    trs.data.list_extra["tzgg"] = [Item(bad, "关于2020年春节期间值班安排的通知", "2020-01-10")]
    trs.routes["status"][bad] = 500
    extra["broken"].append({"site": "trs", "path": bad, "status": 500})
    trs.data.home_extra.append(Item("/private/nbzl/t20200101_100001.html", "内部资料：2020年度招商项目库", ""))

    # hanweb: a link that 301s to another site
    story = stories[4][0]  # the portal original of a republished story
    moved_away = "/art/2021/6/1/art_1235_999.html"
    hanweb.routes["redirects"][moved_away] = "{{site:portal}}" + story.path
    hanweb.data.home_extra.append(Item(moved_away, story.title, story.date.isoformat()))
    extra["redirects"].append({"site": "hanweb", "path": moved_away, "location_site": "portal",
                               "location_path": story.path, "cross_site": True})

    # php: a link to a missing article (404)
    gone = "/index.php?m=content&c=index&a=show&catid=8&id=404"
    php.data.home_extra.append(Item(gone, "金沙经开区召开2020年度总结表彰大会", ""))
    extra["broken"].append({"site": "php", "path": gone, "status": 404})

    # portal: an endless calendar
    portal.data.home_extra.append(Item("/calendar?date=2022-06-01", "活动日历", ""))
    extra["traps"].append({"site": "portal", "path_prefix": "/calendar", "entry": "/calendar?date=2022-06-01",
                           "param": "date", "kind": "endless calendar, every day links the previous and next day"})
    del rng
    return extra


def _encode(b: SiteBuild, text: str) -> bytes:
    return text.encode(b.fam.encoding)


def _url_file(url: str) -> str:
    path = url.split("?", 1)[0]
    rel = path.lstrip("/")
    return rel + "index.html" if (rel == "" or rel.endswith("/")) else rel


def _write_page(b: SiteBuild, url: str, file: str, text: str, kind: str, script_links: list[str] | None = None,
                aliases: list[str] | None = None) -> None:
    rec = PageRec(b.name, url, file, text, kind, script_links or [])
    b.pages[url] = rec
    for alias in aliases or []:
        b.pages[alias] = PageRec(b.name, alias, _url_file(alias), text, kind, script_links or [])
        if _url_file(alias) != file:
            b.files[_url_file(alias)] = _encode(b, text)
            b.by_file[_url_file(alias)] = b.pages[alias]
    b.by_file[file] = rec
    b.files[file] = _encode(b, text)
    if _url_file(url) != file:
        b.routes["files"][url] = file


def _render_site(b: SiteBuild, cols: dict[str, list[Article]], extra: dict[str, Any]) -> None:
    fam, data = b.fam, b.data
    list_redirect: dict[int, str] = extra["list_redirect"]

    # static assets
    b.files["images/logo.png"] = PNG
    b.files["images/qrcode.png"] = PNG
    b.files["css/style.css"] = CSS.encode()
    spec = SITE_SPECS[b.name]
    if spec["robots"]:
        b.files["robots.txt"] = spec["robots"].encode()

    _write_page(b, "/", "index.html", fam.home(), "home")
    _write_page(b, fam.overview_url(), _url_file(fam.overview_url()) if b.name != "php" else "_pages/list_6_1.html",
                fam.overview(), "overview")
    for which in ("关于我们", "领导之窗", "联系我们"):
        url = fam.plain_url(which)
        file = _url_file(url) if b.name != "php" else f"_pages/single_{_php_cat(which)}.html"
        _write_page(b, url, file, fam.plain(which), "plain")
    b.files["_pages/search.html"] = _encode(b, fam.search())
    b.by_file["_pages/search.html"] = PageRec(b.name, "/search", "_pages/search.html", fam.search(), "search")
    b.routes["files"]["/search"] = "_pages/search.html"

    # lists
    for col in COLUMNS:
        arts = cols[col]
        items = [Item(list_redirect.get(id(a), fam.href(a.path)), a.title, a.date.isoformat()) for a in arts]
        items = data.list_extra.get(col, []) + items
        per = fam.per_page
        npages = max(1, -(-len(items) // per))
        for p in range(1, npages + 1):
            chunk = items[(p - 1) * per: p * per]
            text = fam.list_page(col, p, npages, chunk)
            url, file = fam.list_url(col, p), fam.list_file(col, p)
            _write_page(b, url, file, text, "list", _script_links(b, col, p, npages), fam.list_aliases(col, p))

    # articles
    for col in COLUMNS:
        for a in cols[col]:
            text = fam.render_article(a)
            file = fam.article_file(a)
            nav = [o.path for o in (a.prev, a.next) if o is not None] if fam.script_prevnext else []
            _write_page(b, a.path, file, text, "article", nav)
            for blk in a.blocks:
                if blk[0] == "img":
                    b.files[blk[1].lstrip("/")] = PNG
                elif blk[0] == "attach":
                    for p, _n in blk[1]:
                        b.files[p.lstrip("/")] = PDF if p.endswith(".pdf") else DOCX
            if a.lying_header:
                b.routes["headers"][a.path] = {"Content-Type": "text/html; charset=utf-8"}

    # family extras
    if b.name == "dede":
        b.files["_js/count.js"] = COUNT_JS.format(hits=123).encode()
        b.routes["files"]["/plus/count.php"] = "_js/count.js"
        items = [fam.item_of(a) for a in cols["yqdt"][:3]]
        b.files["_tpl/endless_list.html"] = _encode(b, endless_list_template(fam, items))
        b.by_file["_tpl/endless_list.html"] = PageRec(b.name, "/plus/list.php", "_tpl/endless_list.html",
                                                      endless_list_template(fam, items), "trap")
        b.routes["endless"]["/plus/list.php"] = {"param": "PageNo", "type": "int", "start": 1,
                                                 "template": "_tpl/endless_list.html"}
        _disallowed_page(b, "/private/2019/neibu_01.html", cols["yqdt"][5], extra)
    if b.name == "trs":
        b.routes["headers"]["*"] = {"Server": "TRS WCM"}
        _disallowed_page(b, "/private/nbzl/t20200101_100001.html", cols["yqdt"][5], extra)
    if b.name == "hanweb":
        b.files["module/jslib/jpage/jpage.js"] = HANWEB_JS.encode()
        b.routes["headers"]["*"] = {"X-Powered-By": "Hanweb JCMS"}
    if b.name == "portal":
        b.files["_tpl/calendar.html"] = _encode(b, calendar_template(fam))
        b.by_file["_tpl/calendar.html"] = PageRec(b.name, "/calendar", "_tpl/calendar.html",
                                                  calendar_template(fam), "trap")
        b.routes["endless"]["/calendar"] = {"param": "date", "type": "date", "start": "2022-06-01",
                                            "template": "_tpl/calendar.html"}
        for glob in ("*.html", "*/", "/calendar", "/search"):
            b.routes["headers"][glob] = {"Content-Type": "text/html; charset=utf-8"}


def _php_cat(which: str) -> int:
    return Php.plain_cats[which]


def _disallowed_page(b: SiteBuild, path: str, like: Article, extra: dict[str, Any]) -> None:
    """An article-looking page under a robots.txt Disallow prefix."""
    rng = random.Random(path)
    zone = b.fam.z
    title, blocks, _ = C.news(rng, zone, like.date, set())
    art = Article(site=b.name, column="yqdt", kind="news", title="（内部）" + title, date=like.date, time=like.time,
                  blocks=blocks, source_shown=zone.org, source=zone.org, hits=1, uid=like.uid + 1, path=path)
    art.token = "00000000"
    _write_page(b, path, path.lstrip("/"), b.fam.render_article(art), "disallowed")
    extra["disallowed"].append({"site": b.name, "path": path, "title": art.title})


def _script_links(b: SiteBuild, col: str, page: int, npages: int) -> list[str]:
    """Links that only the list page's JavaScript writes (TRS createPageHTML, Hanweb jpage)."""
    if b.name == "trs":
        base = b.fam.list_url(col, 1)
        links = []
        idx = page - 1
        if idx > 0:
            links += [base + "index.html", base + ("index.html" if idx == 1 else f"index_{idx - 1}.html")]
        if idx < npages - 1:
            links += [base + f"index_{idx + 1}.html", base + f"index_{npages - 1}.html"]
        return links
    if b.name == "hanweb":
        links = []
        if page > 1:
            unit = Hanweb.cols[col][1]
            links += [b.fam.list_url(col, 1) + f"?uid={unit}&pageNum=1", b.fam.list_url(col, page - 1)]
        if page < npages:
            links += [b.fam.list_url(col, page + 1), b.fam.list_url(col, npages)]
        return links
    return []


# ---------------------------------------------------------------------------------------------
# link graph and manifest

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_HREF = re.compile(r"""<a\b[^>]*?\shref\s*=\s*["']([^"']*)["']""", re.S | re.I)
_PLACEHOLDER = re.compile(r"\{\{site:([A-Za-z0-9_.-]+)\}\}")


def page_links(rec: PageRec) -> list[tuple[str, str]]:
    """(href, kind) of a page: kind html (plain <a>), datastore (inside <script type=text/xml>), script."""
    out: list[tuple[str, str]] = []
    for attrs, body in _SCRIPT.findall(rec.html):
        if "text/xml" in attrs:
            out += [(html.unescape(h), "datastore") for h in _HREF.findall(body)]
    plain = _SCRIPT.sub("", rec.html)
    out += [(html.unescape(h), "html") for h in _HREF.findall(plain)]
    out += [(h, "script") for h in rec.script_links]
    return out


def resolve(site: str, base: str, href: str) -> tuple[str, str] | None:
    """(site, path?query) a link points to, or None for mailto:/javascript:/fragment links."""
    href = href.strip()
    if not href or href.startswith(("mailto:", "javascript:", "tel:", "#")):
        return None
    href = _PLACEHOLDER.sub(lambda m: f"http://{m.group(1)}.fixture", href)
    absolute = urljoin(f"http://{site}.fixture{base}", href)
    parts = urlsplit(absolute)
    host = (parts.hostname or "").removesuffix(".fixture")
    return host, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def fetch(b: SiteBuild, url: str) -> tuple[str, Any]:
    """What the dev server answers for url on this site: (status|redirect|endless|page|file|missing, detail)."""
    path, _, query = url.partition("?")
    st = Routes.lookup(b.routes["status"], path, query)
    if st is not None:
        return "status", st
    red = Routes.lookup(b.routes["redirects"], path, query)
    if red is not None:
        target = resolve(b.name, path, red)
        return "redirect", target
    if Routes.lookup(b.routes["endless"], path, query) is not None:
        spec = Routes.lookup(b.routes["endless"], path, query)
        return "endless", b.by_file[spec["template"]]
    mapped = Routes.lookup(b.routes["files"], path, query, globs=True)
    if mapped is not None:
        rec = b.by_file.get(mapped)
        return ("page", rec) if rec else (("file", mapped) if mapped in b.files else ("missing", 404))
    rel = path.lstrip("/")
    if any(part.startswith("_") for part in rel.split("/")):
        return "missing", 404
    if rel and not rel.endswith("/") and any(f.startswith(rel + "/") for f in b.files):
        return "redirect", (b.name, path + "/" + (f"?{query}" if query else ""))
    file = _url_file(path)
    if file in b.by_file:
        return "page", b.by_file[file]
    if file in b.files:
        return "file", file
    return "missing", 404


def _crawl(builds: dict[str, SiteBuild], name: str, kinds: set[str], disallow: list[str]) -> dict[str, Any]:
    """Breadth-first crawl of one site following links of the given kinds, staying on its host."""
    b = builds[name]
    seen: set[str] = {"/"}
    queue: deque[str] = deque(["/"])
    pages: dict[str, PageRec] = {}
    offsite: list[tuple[str, str, str]] = []  # (from path, site, path)
    special: list[tuple[str, str]] = []
    statuses: dict[str, Any] = {}
    while queue:
        url = queue.popleft()
        what, detail = fetch(b, url)
        statuses[url] = (what, detail)
        if what == "redirect":
            tsite, tpath = detail
            if tsite != name:
                offsite.append((url, tsite, tpath))
            elif tpath not in seen and not any(tpath.startswith(d) for d in disallow):
                seen.add(tpath)
                queue.append(tpath)
            continue
        if what not in ("page", "endless"):
            continue
        rec: PageRec = detail
        pages[url] = rec
        for href, kind in page_links(rec):
            if href.startswith(("mailto:", "javascript:")):
                special.append((url, href))
            if kind not in kinds:
                continue
            target = resolve(name, url, href)
            if target is None:
                continue
            tsite, tpath = target
            if tsite != name:
                offsite.append((url, tsite, tpath))
                continue
            if tpath in seen or any(tpath.startswith(d) for d in disallow):
                continue
            if what == "endless" and fetch(b, tpath)[0] == "endless":
                continue  # don't walk into the trap beyond its entry page
            seen.add(tpath)
            queue.append(tpath)
    return {"pages": pages, "offsite": offsite, "special": special, "statuses": statuses, "seen": seen}


def _disallow_prefixes(name: str) -> list[str]:
    robots = SITE_SPECS[name]["robots"] or ""
    return [line.split(":", 1)[1].strip() for line in robots.splitlines()
            if line.lower().startswith("disallow:") and line.split(":", 1)[1].strip()]


def _manifest(builds: dict[str, SiteBuild], cols: dict[str, dict[str, list[Article]]],
              stories: list[list[Article]], extra: dict[str, Any]) -> Manifest:
    sites: dict[str, dict[str, Any]] = {}
    articles: list[dict[str, Any]] = []
    non_articles: list[dict[str, str]] = []
    offsite: list[dict[str, str]] = []
    special: list[dict[str, str]] = []
    lists: list[dict[str, Any]] = []
    for name, b in builds.items():
        fam = b.fam
        disallow = _disallow_prefixes(name)
        sites[name] = {"start": "/", "encoding": fam.encoding, "declared_charset": fam.declared,
                       "family": fam.family, "zone": fam.z.zone, "zone_full": fam.z.zone_full,
                       "robots_disallow": disallow, "has_robots": SITE_SPECS[name]["robots"] is not None}
        full = _crawl(builds, name, {"html", "datastore", "script"}, disallow)
        plain = _crawl(builds, name, {"html"}, disallow)
        no_script = _crawl(builds, name, {"html", "datastore"}, disallow)
        no_store = _crawl(builds, name, {"html", "script"}, disallow)
        art_paths = set()
        for col in COLUMNS:
            for a in cols[name][col]:
                art_paths.add(a.path)
                if a.path not in full["pages"]:
                    raise AssertionError(f"unreachable article {name}{a.path}")
                needs = [] if a.path in plain["pages"] else (
                    ["script"] if a.path in no_store["pages"] else
                    ["datastore"] if a.path in no_script["pages"] else ["datastore", "script"])
                articles.append({
                    "site": name, "path": a.path, "title": a.title, "published_at": a.published_at,
                    "source": a.source, "author": a.author, "editor": a.editor, "category": category(col),
                    "body": a.body, "body_sha": body_sha(a.body), "body_chars": sum(len(x) for x in a.body),
                    "images": a.images, "attachments": a.attachments, "kind": a.kind, "column": col,
                    "story": a.story, "template_group": a.template_group, "print_copy": a.print_copy,
                    "lying_header": a.lying_header, "redirected_from": a.old_paths, "needs": needs,
                })
        for url, rec in sorted(full["pages"].items()):
            if rec.kind not in ("article", "disallowed", "trap") and url not in art_paths:
                non_articles.append({"site": name, "path": url, "kind": rec.kind})
        for frm, tsite, tpath in full["offsite"]:
            entry = {"from_site": name, "from_path": frm, "site": tsite, "path": tpath}
            if entry not in offsite:
                offsite.append(entry)
        special += [{"site": name, "href": href, "example_path": frm} for frm, href in full["special"]]
        for col in COLUMNS:
            npages = max(1, -(-(len(cols[name][col]) + len(b.data.list_extra.get(col, []))) // fam.per_page))
            lists.append({"site": name, "column": col, "label": COLUMNS[col][0],
                          "pages": [fam.list_url(col, p) for p in range(1, npages + 1)],
                          "aliases": [x for p in range(1, npages + 1) for x in fam.list_aliases(col, p)],
                          "articles": [a.path for a in cols[name][col]]})
    # dedupe special links by (site, href)
    seen_special: set[tuple[str, str]] = set()
    special_out = []
    for s in special:
        if (s["site"], s["href"]) not in seen_special:
            seen_special.add((s["site"], s["href"]))
            special_out.append(s)
    groups: dict[str, list[dict[str, str]]] = {}
    for a in articles:
        if a["template_group"]:
            groups.setdefault(a["template_group"], []).append({"site": a["site"], "path": a["path"]})
    return Manifest(
        sites=sites, articles=articles, non_articles=non_articles,
        disallowed=extra["disallowed"], traps=extra["traps"],
        republished=[[{"site": a.site, "path": a.path} for a in g] for g in stories],
        offsite_targets=offsite, redirects=extra["redirects"], broken=extra["broken"],
        near_duplicates_distinct=[groups[k] for k in sorted(groups)], lists=lists, special_links=special_out,
    )
