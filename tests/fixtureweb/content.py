"""Generate article texts (titles, paragraphs, notices, policies) from the vocabulary."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from . import textdata as T
from .model import Block

WEEKDAYS = "一二三四五六日"


@dataclass
class Zone:
    zone: str  # short name, e.g. 西岭高新区
    zone_full: str  # 西岭高新技术产业开发区
    org: str  # 西岭高新技术产业开发区管理委员会
    parks: list[str]
    phone: str
    email: str
    address: str


def person(rng: random.Random) -> str:
    return rng.choice(T.SURNAMES) + rng.choice(T.GIVEN)


def company(rng: random.Random, industry: str) -> str:
    return rng.choice(T.COMPANY_PREFIX) + rng.choice(T.COMPANY_SUFFIX[industry])


def entities(rng: random.Random, zone: Zone, date: dt.date) -> dict[str, Any]:
    ind, ind2 = rng.sample(T.INDUSTRIES, 2)
    return {
        "zone": zone.zone, "zone_full": zone.zone_full, "org": zone.org,
        "industry": ind, "industry2": ind2,
        "company": company(rng, ind), "company2": company(rng, ind2),
        "person": person(rng), "ptitle": rng.choice(T.PERSON_TITLES),
        "person2": person(rng), "ptitle2": rng.choice(T.PERSON_TITLES),
        "park": rng.choice(zone.parks), "venue": rng.choice(T.VENUES), "city": rng.choice(T.CITIES),
        "univ": rng.choice(T.UNIVERSITIES), "project": rng.choice(T.PROJECTS),
        "campaign": rng.choice(T.CAMPAIGNS), "dept": rng.choice(T.DEPTS),
        "month": date.month, "day": date.day, "year": date.year, "year0": rng.randint(2003, 2016),
        "year1": rng.randint(2009, 2015), "q": rng.randint(1, 3),
        "n": rng.randint(3, 9), "n2": rng.randint(12, 98), "amount": rng.randint(2, 60),
        "amount2": round(rng.uniform(12, 480), 1), "pct": round(rng.uniform(5, 38), 1),
        "pct2": rng.choice([10, 15, 20, 30, 50]), "area": round(rng.uniform(1.2, 28), 1),
    }


def fill(template: str, ent: dict[str, Any]) -> str:
    return template.format(**ent)


def news(rng: random.Random, zone: Zone, date: dt.date, used_titles: set[str], *,
         subheads: bool = False) -> tuple[str, list[Block], dict[str, Any]]:
    """A news article: title, blocks (400+ chars of body), its entities."""
    for _ in range(200):
        ent = entities(rng, zone, date)
        title_t, open_t = rng.choice(T.TITLE_KINDS)
        title = fill(title_t, ent)
        if title not in used_titles:
            break
    used_titles.add(title)
    pool = rng.sample(T.SENTENCES, len(T.SENTENCES))
    paragraphs: list[str] = [fill(open_t, ent) + fill(pool.pop(), ent)]
    quote_used = False
    while sum(len(p) for p in paragraphs) < 430 or len(paragraphs) < 4:
        k = rng.choice([1, 2, 2, 3])
        sents = [fill(pool.pop(), ent) for _ in range(k)]
        if not quote_used and rng.random() < 0.35:
            quote = fill(rng.choice(T.QUOTES), ent)
            sents.insert(rng.randint(0, len(sents)), fill(rng.choice(T.QUOTE_TEMPLATES), {**ent, "quote": quote}))
            quote_used = True
        paragraphs.append("".join(sents))
    blocks: list[Block] = [("p", p) for p in paragraphs]
    if subheads:
        heads = rng.choice(T.SUBHEADINGS)
        # after the opening paragraph, put the subheadings before paragraphs 2.., evenly
        out: list[Block] = [blocks[0]]
        rest = blocks[1:]
        step = max(1, len(rest) // len(heads))
        for i, b in enumerate(rest):
            if i % step == 0 and i // step < len(heads):
                out.append(("h", heads[i // step]))
            out.append(b)
        blocks = out
    return title, blocks, ent


def extra_sentence(rng: random.Random, ent: dict[str, Any], body: list[str]) -> str:
    for tmpl in rng.sample(T.SENTENCES, len(T.SENTENCES)):
        s = fill(tmpl, ent)
        if not any(s in p for p in body):
            return s
    return T.EXTRA_SENTENCE


def stats_table(rng: random.Random, year: int) -> list[list[str]]:
    rows = [["指标名称", "单位", f"{year}年1-3月", "同比增长(%)"]]
    for name, unit in [("地区生产总值", "亿元"), ("规模以上工业增加值", "亿元"), ("固定资产投资", "亿元"),
                       ("社会消费品零售总额", "亿元"), ("实际利用外资", "亿美元"), ("高新技术产业产值", "亿元")]:
        rows.append([name, unit, f"{rng.uniform(8, 420):.1f}", f"{rng.uniform(-3, 25):.1f}"])
    return rows


def gongshi(rng: random.Random, zone: Zone, date: dt.date) -> tuple[str, list[Block]]:
    """A short 公示 notice; all share one template (distinct but near-duplicate texts)."""
    kind = rng.choice(T.NOTICE_KINDS)
    ind = rng.choice(T.INDUSTRIES)
    end = date + dt.timedelta(days=rng.choice([5, 7, 10]))
    title = f"关于{date.year}年度{zone.zone}{kind}拟认定名单的公示"
    blocks: list[Block] = [
        ("p", f"根据《{zone.zone}{kind}认定管理办法》有关规定，经企业申报、形式审查和专家评审，现将"
              f"{company(rng, ind)}等{rng.randint(6, 48)}家单位拟认定名单予以公示。"),
        ("p", f"公示期为{date.year}年{date.month}月{date.day}日至{end.month}月{end.day}日。如有异议，"
              f"请于公示期内以书面形式向{rng.choice(T.DEPTS)}反映。"),
        ("p", f"联系人：{person(rng)}，联系电话：{zone.phone[:-4]}{rng.randint(1000, 9999)}。"),
        ("sign", zone.org),
        ("sign", f"{date.year}年{date.month}月{date.day}日"),
    ]
    return title, blocks


def tongzhi(rng: random.Random, zone: Zone, date: dt.date) -> tuple[str, list[Block]]:
    """A short 通知 notice; all share one template."""
    topic = rng.choice(T.TOPICS)
    day = date + dt.timedelta(days=rng.randint(4, 9))
    reply = day - dt.timedelta(days=2)
    dept = rng.choice(T.DEPTS)
    title = f"关于举办{date.year}年{topic}政策培训会的通知"
    blocks: list[Block] = [
        ("p", "各有关企业："),
        ("p", f"为帮助企业深入了解{topic}相关政策，{zone.zone}{dept}定于{day.year}年{day.month}月{day.day}日"
              f"（星期{WEEKDAYS[day.weekday()]}）下午14:30在{rng.choice(T.VENUES)}举办培训会，请各企业安排相关负责人准时参加。"),
        ("p", f"请于{reply.month}月{reply.day}日前将参会回执发送至指定邮箱。联系电话：{zone.phone[:-4]}{rng.randint(1000, 9999)}。"),
        ("sign", f"{zone.zone}{dept}"),
        ("sign", f"{date.year}年{date.month}月{date.day}日"),
    ]
    return title, blocks


def policy(rng: random.Random, zone: Zone, date: dt.date, attach_dir: str,
           used_titles: set[str]) -> tuple[str, list[Block]]:
    for _ in range(50):
        ind = rng.choice(T.INDUSTRIES)
        name = f"{zone.zone}支持{ind}产业高质量发展若干政策"
        title = f"关于印发《{name}》的通知"
        if title not in used_titles:
            break
    used_titles.add(title)
    ent = entities(rng, zone, date)
    ent["industry"] = ind
    blocks: list[Block] = [
        ("p", "各部门、各有关单位："),
        ("p", f"《{name}》已经管委会主任办公会审议通过，现印发给你们，请结合实际认真贯彻执行。"),
        ("h", name),
        ("p", f"为深入实施创新驱动发展战略，加快推动{ind}产业集群发展，结合{zone.zone}实际，制定本政策。"),
    ]
    clauses = [*rng.sample(T.POLICY_CLAUSES, 6), T.POLICY_LAST]
    for k, clause in enumerate(clauses, start=1):
        blocks.append(("p", fill(clause, {**ent, "k": "一二三四五六七八九十"[k - 1]})))
    blocks += [("sign", zone.org), ("sign", f"{date.year}年{date.month}月{date.day}日")]
    token = f"{date:%Y%m%d}{rng.randint(100000, 999999)}"
    blocks.append(("attach", [(f"{attach_dir}{token}.pdf", f"{name}.pdf"),
                              (f"{attach_dir}{token}_1.docx", "政策申报表.docx")]))
    return title, blocks


def about_text(rng: random.Random, zone: Zone) -> list[str]:
    ent = entities(rng, zone, dt.date(2020, 1, 1))
    return [
        f"{zone.zone_full}成立于{ent['year0']}年，{ent['year1']}年经国务院批准升级为国家级高新技术产业开发区，"
        f"规划面积{ent['area']}平方公里，下辖{'、'.join(zone.parks)}等功能片区。",
        f"{zone.zone}坚持“发展高科技、实现产业化”的初心使命，聚焦{ent['industry']}、{ent['industry2']}等主导产业，"
        f"已集聚各类企业{ent['n2']}00余家，其中高新技术企业{ent['n2']}0余家、上市企业{ent['n']}家。",
        f"近年来，{zone.zone}综合排名在全国国家高新区评价中持续提升，先后获评国家知识产权示范园区、"
        f"国家双创示范基地、国家绿色园区等称号。",
    ]


def leaders(rng: random.Random, zone: Zone) -> list[tuple[str, str, str]]:
    out = []
    for i, (title, bio) in enumerate(zip(["党工委书记", "管委会主任", "管委会副主任", "管委会副主任"], T.LEADER_BIOS,
                                         strict=True)):
        name = person(rng)
        out.append((name, title, bio.format(name=name, birth=1966 + 3 * i + rng.randint(0, 2),
                                            zone_full=zone.zone_full, title=title)))
    return out
