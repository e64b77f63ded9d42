"""A realistic sample database (演示数据) so that every screen and report has something to show.

``generate(ctx, size=2000, seed=2024, ...)`` fills an empty database with:

- about 20 employers in eleven districts of the three shipped policies' regions
  (阿拉善盟 under alxa-2023, 阿拉山口市 under alashankou-2014, 包头市 under baotou-2022),
  with valid synthetic credit codes;
- ``size`` talents introduced 2019-2025 (each under the policy of its employer's region,
  and only when that policy was in force), with synthetic names, valid synthetic ID
  numbers, education, titles and contracts that make them eligible for the policies'
  money benefits;
- then, through the workflow services and in calendar order, what an office would have
  done since: service agreements, grants proposed by a clerk and approved by a
  reviewer (a few rejected or left waiting), installments paid in monthly payment runs
  (the latest ones left due), annual reviews every March (mostly 合格/优秀, some 不合格,
  which stops the rest of a grant), departures with refunds due and some recovered;
  high-level (D 类) talents get their settlement allowance by a 一事一议 decision;
- a few experienced hires of each year introduced flexibly (柔性引进: 兼职、特聘、挂职 …,
  ``demo_flexible``) with an appointment contract, so the 柔性引进人才备案表 has rows.

Talents and employers are written in bulk with SQLAlchemy Core (as the roster import
does) with their audit events (``audit.record_many``); everything after goes through
``talentdesk.services`` so the audit trail and every status are exactly what the
application itself would write. The same seed on the same day gives the same database.

Two named actors (演示经办人 proposes, 演示审核人 approves: four-eyes) sign everything; never
a real account (issue 15: a clerk's demo run wrote approvals signed by a reviewer who had
never logged in).

Demo data is marked and never mixed with an office's real records: ``generate`` first
writes the setting ``demo_database = true`` (not one of the office settings a user can
change) and refuses a database holding anything real (talents, employers, grants, user
accounts, imports, audit events). ``is_demo`` tells the window title and status bar, every
printout and ledger (the office name reads “…（演示数据）”), and the CLI and the importer,
which warn when real work is recorded into a demo database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import func, insert, select

from talentdesk.domain import idcard, pinyin, uscc, values
from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.base import utcnow
from talentdesk.models.entities import Employer, Talent
from talentdesk.services.exchange.demodata import care as demo_care, flexible as demo_flexible
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange.demodata.mark import DEMO_SETTING, is_demo, is_demo_session  # noqa: F401 (is_demo: API)
from talentdesk.services.exchange.demodata import credit as demo_credit
from talentdesk.services.exchange.demodata import recovery as demo_recovery
from talentdesk.services.exchange.demodata import recognitions as demo_recognitions
from talentdesk.services.exchange.demodata import orggrants as demo_orggrants
from talentdesk.services.exchange.demodata.budget import add_budget
from talentdesk.services.exchange.demodata.housing import seed_housing

# Share of the latest hires whose grants are still waiting for the reviewer.
RECENT_SHARE = 0.05

DEMO_CLERK = "演示经办人"
DEMO_REVIEWER = "演示审核人"

Progress = Callable[[str, int, int], None]


# ---------------------------------------------------------------- vocabulary

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
            "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕")
GIVEN_M = ("伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 帅 旭 宁 龙 林 阳 "
           "建华 建国 志强 志明 海涛 晓东 文博 宇航 子轩 浩然 俊杰 天宇 思远 博文 振宇 国栋 立新 永刚 "
           "世杰 明辉 德胜 嘉豪 哲 睿 晨 昊 毅 诚 巴特尔 苏和 朝鲁 额尔敦 宝力道 那顺").split()
GIVEN_F = ("芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 琳 颖 洁 倩 丹 萍 红 慧 莉 月 璐 瑶 欣 悦 "
           "晓燕 秀英 桂英 丽娟 海燕 婷婷 雅琪 思琪 欣怡 梦洁 佳怡 雨涵 诗涵 子涵 晓红 玉兰 "
           "春梅 文静 雅静 乌兰 其其格 萨仁 娜仁 高娃 托娅").split()
ETHNICITY = (("汉族", 82), ("蒙古族", 12), ("回族", 3), ("满族", 2), ("维吾尔族", 1))
POLITICAL = (("中共党员", 45), ("共青团员", 20), ("群众", 32), ("民主党派", 3))
# (ID area code, 籍贯): GB/T 2260 codes in use for every birth year the demo draws
BIRTHPLACES = (
    ("152921", "内蒙古阿拉善左旗"), ("152922", "内蒙古阿拉善右旗"), ("150102", "内蒙古呼和浩特"),
    ("150203", "内蒙古包头"), ("152501", "内蒙古二连浩特"), ("152502", "内蒙古锡林浩特"),
    ("150402", "内蒙古赤峰"), ("652722", "新疆精河"), ("650102", "新疆乌鲁木齐"), ("620102", "甘肃兰州"),
    ("640121", "宁夏永宁"), ("610113", "陕西西安"), ("410105", "河南郑州"), ("370102", "山东济南"),
    ("130102", "河北石家庄"), ("140121", "山西清徐"), ("210102", "辽宁沈阳"), ("230102", "黑龙江哈尔滨"),
    ("320102", "江苏南京"), ("420102", "湖北武汉"), ("510121", "四川金堂"), ("110105", "北京"),
)
UNIVERSITIES = {
    "双一流": ("内蒙古大学", "兰州大学", "新疆大学", "中国农业大学", "西北农林科技大学", "北京科技大学",
              "东北大学", "四川大学", "武汉大学", "吉林大学", "中国矿业大学", "北京师范大学", "南京大学"),
    "985": ("西安交通大学", "山东大学", "重庆大学"),
    "211": ("宁夏大学", "石河子大学", "太原理工大学"),
    "QS前500": ("莫斯科国立大学", "蒙古国立大学", "悉尼大学", "墨尔本大学"),
    "其他": ("内蒙古农业大学", "内蒙古工业大学", "内蒙古科技大学", "内蒙古医科大学", "包头医学院",
            "内蒙古师范大学", "新疆农业大学", "兰州交通大学", "河套学院"),
}
MAJORS = {
    "medical": ("临床医学", "中医学", "医学影像学", "护理学", "公共卫生", "蒙医学"),
    "school": ("汉语言文学", "数学与应用数学", "物理学", "化学", "英语", "思想政治教育", "学前教育"),
    "agri": ("草业科学", "畜牧学", "农学", "林学", "生态学", "水土保持与荒漠化防治", "兽医学"),
    "industry": ("材料科学与工程", "冶金工程", "化学工程与工艺", "机械工程", "电气工程及其自动化",
                 "稀土材料", "自动化", "计算机科学与技术", "安全工程"),
    "gov": ("法学", "经济学", "行政管理", "国际贸易", "物流管理", "会计学", "计算机科学与技术"),
}


@dataclass(frozen=True)
class DemoEmployer:
    name: str
    kind: str
    district: str
    policy_id: str
    field: str  # which majors it hires
    weight: int
    uscc_body: str  # 9 characters of the organisation code
    # attributes policy clauses read (talentdesk.domain.employer_attrs); left out = 未登记
    attributes: tuple[tuple[str, Any], ...] = ()

    def attrs(self) -> dict[str, Any]:
        return dict(self.attributes)


# Synthetic employers (invented names in real districts).
EMPLOYERS: tuple[DemoEmployer, ...] = (
    DemoEmployer("阿拉善盟中心医院", "事业单位", "阿拉善左旗", "alxa-2023", "medical", 9, "MB1234561",
                 (("industry", "Q"), ("civil_service_managed", False))),
    DemoEmployer("阿拉善盟农牧业科学研究所", "事业单位", "阿拉善左旗", "alxa-2023", "agri", 6, "MB1234572",
                 (("industry", "M"), ("civil_service_managed", False))),
    DemoEmployer("阿拉善左旗第一中学", "事业单位", "阿拉善左旗", "alxa-2023", "school", 5, "MB1234583",
                 (("industry", "P"), ("civil_service_managed", False))),
    DemoEmployer("阿拉善高新区绿源化工有限公司", "民营企业", "阿拉善高新区", "alxa-2023", "industry", 6, "MA0KXY812",
                 (("industry", "C"), ("civil_service_managed", False), ("above_scale", True), ("high_tech", True))),
    DemoEmployer("阿拉善右旗人民医院", "事业单位", "阿拉善右旗", "alxa-2023", "medical", 4, "MB1234594",
                 (("industry", "Q"), ("civil_service_managed", False))),
    DemoEmployer("额济纳旗胡杨林生态保护站", "事业单位", "额济纳旗", "alxa-2023", "agri", 3, "MB1234605",
                 (("industry", "N"),)),
    DemoEmployer("额济纳旗口岸物流有限公司", "国有企业", "额济纳旗", "alxa-2023", "gov", 3, "MA0KXY923",
                 (("industry", "G"), ("civil_service_managed", False))),
    DemoEmployer("阿拉山口市人民医院", "事业单位", "阿拉山口市", "alashankou-2014", "medical", 6, "MB1987651",
                 (("industry", "Q"), ("civil_service_managed", False))),
    DemoEmployer("阿拉山口综合保税区服务中心", "事业单位", "阿拉山口市", "alashankou-2014", "gov", 5, "MB1987662",
                 (("industry", "S"), ("civil_service_managed", True))),
    DemoEmployer("阿拉山口市第一中学", "事业单位", "阿拉山口市", "alashankou-2014", "school", 4, "MB1987673",
                 (("industry", "P"), ("civil_service_managed", False))),
    DemoEmployer("阿拉山口中欧班列物流有限公司", "国有企业", "阿拉山口市", "alashankou-2014", "gov", 5, "MA7ABCD12",
                 (("industry", "G"), ("civil_service_managed", False), ("above_scale", True))),
    DemoEmployer("阿拉山口恒远能源有限公司", "民营企业", "阿拉山口市", "alashankou-2014", "industry", 4, "MA7ABCD23",
                 (("industry", "D"), ("civil_service_managed", False), ("above_scale", False))),
    DemoEmployer("包头市稀土新材料研究院", "事业单位", "稀土高新区", "baotou-2022", "industry", 6, "MB0246811",
                 (("industry", "M"), ("civil_service_managed", False), ("key_industry", True), ("above_scale", False), ("high_tech", False), ("key_project_10bn", False), ("rare_earth", True))),
    DemoEmployer("包头鑫源稀土材料有限公司", "民营企业", "稀土高新区", "baotou-2022", "industry", 7, "MA0BT1001",
                 (("industry", "C"), ("civil_service_managed", False), ("key_industry", True), ("above_scale", True), ("high_tech", True), ("key_project_10bn", False), ("rare_earth", True))),
    DemoEmployer("包头华晟永磁科技有限公司", "民营企业", "稀土高新区", "baotou-2022", "industry", 5, "MA0BT1002",
                 (("industry", "C"), ("civil_service_managed", False), ("key_industry", True), ("above_scale", True), ("high_tech", True), ("key_project_10bn", False), ("rare_earth", True))),
    DemoEmployer("包头北辰重型装备有限公司", "国有企业", "青山区", "baotou-2022", "industry", 5, "MA0BT1003",
                 (("industry", "C"), ("civil_service_managed", False), ("key_industry", True), ("above_scale", True), ("high_tech", False), ("key_project_10bn", False), ("rare_earth", False))),
    DemoEmployer("包头昆都仑特钢有限公司", "国有企业", "昆都仑区", "baotou-2022", "industry", 5, "MA0BT1004",
                 (("industry", "C"), ("civil_service_managed", False), ("key_industry", True), ("above_scale", True), ("high_tech", False), ("key_project_10bn", True), ("rare_earth", False))),
    DemoEmployer("包头九原新能源装备有限公司", "民营企业", "九原区", "baotou-2022", "industry", 3, "MA0BT1005",
                 (("industry", "C"), ("civil_service_managed", False), ("key_industry", True), ("above_scale", False), ("high_tech", True), ("key_project_10bn", False), ("rare_earth", False))),
    DemoEmployer("包头市第四人民医院", "事业单位", "昆都仑区", "baotou-2022", "medical", 3, "MB0246822",
                 (("industry", "Q"), ("civil_service_managed", False), ("key_industry", False), ("above_scale", False), ("high_tech", False), ("key_project_10bn", False), ("rare_earth", False))),
)
# Share of talents per policy.
POLICY_SHARE = (("alxa-2023", 55), ("alashankou-2014", 13), ("baotou-2022", 32))
DISTRICT_AREA = {"阿拉善左旗": "152921", "阿拉善右旗": "152922", "额济纳旗": "152923", "阿拉善高新区": "152971",
                 "阿拉山口市": "652702", "稀土高新区": "150271", "青山区": "150204", "昆都仑区": "150203",
                 "九原区": "150207"}
# The ID area code of someone born in an employer's district: 高新区 are no GB/T 2260
# division, and 阿拉山口市 was set up in 2012, after the demo's talents were born.
BIRTH_AREA = {**DISTRICT_AREA, "阿拉善高新区": "152921", "稀土高新区": "150203", "阿拉山口市": "652722"}


# ---------------------------------------------------------------- result

@dataclass
class DemoSummary:
    database: str
    seed: int
    size: int
    employers: int = 0
    talents: int = 0
    agreements: int = 0
    grants: int = 0
    grants_approved: int = 0
    installments: int = 0
    installments_paid: int = 0
    paid_fen: int = 0
    reviews: int = 0
    reviews_failed: int = 0
    departures: int = 0
    recoveries: int = 0
    skipped: int = 0  # workflow steps the services refused (kept, counted)
    seconds: float = 0.0
    existing: bool = False  # --if-empty found data and did nothing
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- synthetic talents

def _weighted(rng: random.Random, pairs):
    items = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(items, weights)[0]


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _working_day(d: dt.date) -> dt.date:
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


# (education, degree, tier choices, title, age range at introduction, weight) per policy
_PROFILES = {
    "alxa-2023": (
        ("博士研究生", "博士", ("双一流", "985", "其他"), "中级", (28, 40), True, 14),
        ("硕士研究生", "硕士", ("双一流", "QS前500"), "初级", (24, 31), True, 30),
        ("硕士研究生", "硕士", ("双一流",), "中级", (25, 33), False, 16),
        ("大学本科", "学士", ("双一流",), "无", (21, 26), True, 25),
        ("博士研究生", "博士", ("双一流", "其他"), "副高级", (30, 42), False, 8),
        ("大学本科", "学士", ("其他", "211"), "初级", (22, 30), False, 7),
    ),
    "alashankou-2014": (
        ("博士研究生", "博士", ("双一流", "985", "其他"), "副高级", (29, 42), True, 10),
        ("硕士研究生", "硕士", ("双一流", "211", "其他"), "中级", (24, 34), True, 35),
        ("大学本科", "学士", ("双一流", "211", "其他"), "初级", (21, 28), True, 45),
        ("大学专科", "无", ("其他",), "中级", (24, 40), False, 10),
    ),
    "baotou-2022": (
        ("博士研究生", "博士", ("双一流", "985", "QS前500"), "中级", (27, 38), True, 30),
        ("硕士研究生", "硕士", ("双一流", "211", "其他"), "初级", (23, 29), True, 70),
    ),
}
# Introduction windows: the policy must be in force (baotou's generic plan ran in 2022;
# its rare-earth measures to 2025; alxa-2023 from 12 January 2023).
_WINDOWS = {
    "alxa-2023": (dt.date(2023, 2, 1), dt.date(2025, 12, 15)),
    "alashankou-2014": (dt.date(2019, 1, 2), dt.date(2025, 12, 15)),
    "baotou-2022": (dt.date(2022, 4, 11), dt.date(2025, 11, 30)),
}


def _talent_records(rng: random.Random, size: int, employer_ids: dict[str, int]) -> list[dict[str, Any]]:
    used_ids: set[str] = set()
    used_phones: set[str] = set()
    by_policy = {pid: [e for e in EMPLOYERS if e.policy_id == pid] for pid, _ in POLICY_SHARE}
    out = []
    for i in range(size):
        policy_id = _weighted(rng, POLICY_SHARE)
        emp = rng.choices(by_policy[policy_id], [e.weight for e in by_policy[policy_id]])[0]
        profiles = _PROFILES[policy_id]
        edu, degree, tiers, title, (age_lo, age_hi), full_time, _w = rng.choices(profiles, [p[-1] for p in profiles])[0]
        start, end = _WINDOWS[policy_id]
        if policy_id == "baotou-2022" and emp.district != "稀土高新区" and rng.random() < 0.85:
            end = dt.date(2022, 12, 10)  # the generic plan: agreements signed in 2022
        intro = _date_between(rng, start, end)
        if policy_id == "alashankou-2014" and rng.random() < 0.35:
            intro = _date_between(rng, start, dt.date(2021, 12, 31))  # an older cohort
        age = rng.randint(age_lo, age_hi)
        birth = _date_between(rng, _add_years(intro, -age - 1) + dt.timedelta(days=1), _add_years(intro, -age))
        male = rng.random() < 0.56
        area, native = rng.choice(BIRTHPLACES) if rng.random() < 0.8 else (BIRTH_AREA[emp.district], emp.district)
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
            number = idcard.make(area, birth, seq)
            if number not in used_ids:
                used_ids.add(number)
                break
        given = rng.choice(GIVEN_M if male else GIVEN_F)
        name = rng.choice(SURNAMES) + given
        while True:
            phone = rng.choice(("138", "139", "150", "151", "152", "158", "176", "180", "187", "189")) + \
                f"{rng.randrange(0, 10 ** 8):08d}"
            if phone not in used_phones:
                used_phones.add(phone)
                break
        tier = rng.choice(tiers)
        grad = dt.date(intro.year - (0 if intro.month > 7 else 1), 6, 30) if rng.random() < 0.7 else \
            dt.date(intro.year - rng.randint(1, 4), 7, 1)
        if grad <= _add_years(birth, 18):
            grad = _add_years(birth, 22)
        signed = intro + dt.timedelta(days=rng.randint(0, 20))
        mode = _weighted(rng, (("招聘", 80), ("调动", 20)))
        years = Decimal(rng.choice((5, 5, 5, 6, 8, 10)) if edu != "大学专科" else rng.choice((3, 5)))
        own_home = rng.random() < 0.15
        apartment = (not own_home) and rng.random() < 0.2
        urgent = full_time and rng.random() < 0.92 if policy_id == "alxa-2023" else rng.random() < 0.6
        rec = {
            "name": name, "name_initials": pinyin.initials(name), "sex": "男" if male else "女",
            "id_number": number, "birth_date": birth, "ethnicity": _weighted(rng, ETHNICITY),
            "political_status": _weighted(rng, POLITICAL), "native_place": native,
            "education": edu, "degree": degree, "study_mode": "全日制" if full_time or rng.random() < 0.5 else "非全日制",
            "university": rng.choice(UNIVERSITIES[tier]), "university_tier": tier,
            "major": rng.choice(MAJORS[emp.field]),
            # most rosters give only the year and month of graduation
            "graduation_date": values.YearMonth(grad.year, grad.month) if number[-2] in "0123456" else grad,
            "title": title,
            "talent_class": "无", "introduction_mode": mode, "employer_id": employer_ids[emp.name],
            "introduction_date": intro, "contract_start": intro, "contract_years": years,
            "agreement_signed_date": signed, "urgently_needed": urgent, "own_home": own_home,
            "talent_apartment": apartment, "postdoc_entry_date": None, "phone": phone,
            "remarks": None, "policy_id": policy_id, "status": "active",
        }
        if edu == "大学专科":
            rec["study_mode"] = "全日制"
        if policy_id == "alxa-2023" and edu == "博士研究生" and rng.random() < 0.25:
            rec["postdoc_entry_date"] = intro + dt.timedelta(days=rng.randint(10, 60))
            rec["remarks"] = "博士后科研工作站进站"
        if edu == "博士研究生" and full_time is False:
            rec["study_mode"] = "全日制"
        if policy_id == "alxa-2023" and title == "副高级" and rng.random() < 0.5:
            rec["talent_class"] = "D"  # 高端人才: amounts decided case by case (一事一议)
        out.append(rec)
    return out


# ---------------------------------------------------------------- bulk writes

def _employer_uscc(e: DemoEmployer) -> str:
    area = DISTRICT_AREA[e.district]
    prefix = "12" if e.kind == "事业单位" else "91"
    return uscc.make(f"{prefix}{area}{e.uscc_body}")


def _insert_employers(ctx: ServiceContext) -> dict[str, int]:
    from talentdesk.services.register import employers

    ids = {}
    for e in EMPLOYERS:
        view = employers.add(ctx, e.name, _employer_uscc(e), e.kind, e.district, **e.attrs())
        ids[e.name] = view.id
    return ids


def _insert_talents(ctx: ServiceContext, records: list[dict[str, Any]], progress: Progress | None,
                    chunk: int = 5000) -> list[int]:
    """Core executemany in chunks, each chunk with its audit events, like the importer."""
    from talentdesk.services.register import talents as talents_svc

    ids: list[int] = []
    names = {}
    with ctx.read() as session:
        for eid, name, uscc_, kind, district in session.execute(
                select(Employer.id, Employer.name, Employer.uscc, Employer.kind, Employer.district)):
            names[eid] = {"employer_name": name, "employer_uscc": uscc_, "employer_kind": kind, "district": district}
    now = utcnow()
    for start in range(0, len(records), chunk):
        part = records[start:start + chunk]
        rows = [dict(r, created_at=now, updated_at=now, version=1) for r in part]
        with ctx.write() as session:
            session.execute(insert(Talent), rows)
            numbers = [r["id_number"] for r in part]
            got = dict(session.execute(select(Talent.id_number, Talent.id)
                                       .where(Talent.id_number.in_(numbers))).all())
            changes = []
            for r in part:
                tid = got[r["id_number"]]
                ids.append(tid)
                snap = {k: r.get(k) for k in talents_svc.TALENT_KEYS} | names[r["employer_id"]]
                snap["status"] = "active"
                snap["policy_id"] = r["policy_id"]
                changes.append(audit.Change("create", "talent", tid, tid, None, snap))
            audit.record_many(session, ctx.actor, changes)
        if progress:
            progress("登记人才", min(start + chunk, len(records)), len(records))
    return ids


# ---------------------------------------------------------------- entry point

def is_empty(ctx: ServiceContext) -> bool:
    with ctx.read() as session:
        return not session.execute(select(func.count(Talent.id))).scalar_one()


def _real_records(session) -> list[str]:
    """What real (non-demo) records the database holds, in Chinese ("人才 3 条" …)."""
    from talentdesk.models.entities import AuditEvent, BenefitGrant, ImportBatch, User

    out = []
    for model, label in ((Talent, "人才"), (Employer, "用人单位"), (BenefitGrant, "待遇"), (User, "用户账户"),
                         (ImportBatch, "导入记录"), (AuditEvent, "操作记录")):
        n = session.execute(select(func.count()).select_from(model)).scalar_one()
        if n:
            out.append(f"{label}{n}条")
    return out


def _mark(ctx: ServiceContext) -> None:
    """``demo_database = true``, before any demo row is written (a killed run is still marked)."""
    from talentdesk.models.entities import Setting

    with ctx.write() as session:
        if session.get(Setting, DEMO_SETTING) is None:
            session.add(Setting(key=DEMO_SETTING, value="true"))
            session.flush()
            audit.record(session, ctx.actor, "create", "setting", DEMO_SETTING, after={DEMO_SETTING: True})


def _contexts(ctx: ServiceContext) -> tuple[ServiceContext, ServiceContext]:
    """(clerk, reviewer): the two named demo actors, never a real account."""
    return ServiceContext(ctx.db, user=DEMO_CLERK), ServiceContext(ctx.db, user=DEMO_REVIEWER)


def _office_settings(ctx: ServiceContext, clerk: ServiceContext, reviewer: ServiceContext) -> None:
    """Signatories and a name for the printed forms, if the office has not set its own."""
    from talentdesk.services.office import permissions, settings

    current = settings.get_settings(ctx)
    if current != settings.OfficeSettings() or not permissions.allowed(ctx, "settings.write"):
        return
    settings.save_settings(ctx, office_name="人才工作领导小组办公室（演示数据）", signatory_clerk=clerk.actor,
                           signatory_reviewer=reviewer.actor, signatory_head="演示负责人", doc_prefix="演示人才字")


def generate(ctx: ServiceContext, *, size: int = 2000, seed: int = 2024, if_empty: bool = False,
             workflow: bool = True, progress: Progress | None = None, today: dt.date | None = None) -> DemoSummary:
    """Fill the database with ``size`` demo talents and their history (see module doc).

    Refuses (TalentDeskError) a database that already holds talents, unless ``if_empty``,
    which then does nothing and returns ``existing=True``; refuses outright a database
    that is not a demo database and holds any real record (accounts, imports, audit
    events …): demo data never mixes with an office's own.
    """
    t0 = time.perf_counter()
    summary = DemoSummary(ctx.db.describe(), seed, size)
    with ctx.read() as session:
        demo_db, real = is_demo_session(session), _real_records(session)
    if real and not demo_db:
        if if_empty and not is_empty(ctx):
            summary.existing = True
            return summary
        raise TalentDeskError("此数据库中已有正式记录（" + "、".join(real) + "），演示数据不能写入正式数据库；"
                              "请用 --db 指定一个新的数据库文件")
    if not is_empty(ctx):
        if if_empty:
            summary.existing = True
            return summary
        raise TalentDeskError("数据库中已有人才数据，演示数据只能写入空数据库；请用 --db 指定一个新的数据库文件")
    if size < 1:
        raise TalentDeskError("演示人才数量至少为1")
    _mark(ctx)
    today = today or dt.date.today()
    rng = random.Random(seed)
    clerk, reviewer = _contexts(ctx)
    employer_ids = _insert_employers(clerk)
    summary.employers = len(employer_ids)
    records = _talent_records(rng, size, employer_ids)
    records.sort(key=lambda r: (r["introduction_date"], r["id_number"]))
    demo_flexible.mark(records, seed)  # 柔性引进 talents (their own random stream)
    if workflow:
        demo_orggrants.mark_enterprise_talents(records, EMPLOYERS, employer_ids)  # 第十八条: a 高端人才 each
    ids = _insert_talents(clerk, records, progress)
    summary.talents = len(ids)
    _office_settings(ctx, clerk, reviewer)
    if workflow:
        by_id = {employer_ids[e.name]: e for e in EMPLOYERS}
        barred = demo_credit.add_examples(reviewer, clerk, records, today)
        demo_recognitions.add_recognitions(clerk, reviewer, records, today)  # 人才认定, before the grants rest on them
        _workflow(clerk, reviewer, rng, records, by_id, today, summary, progress)
        demo_credit.confirm_blocked(clerk, barred, today, summary)
        demo_care.generate_care(clerk, random.Random(seed + 17), records, today)
        seed_housing(clerk, random.Random(seed + 17), records, today)
        demo_recovery.add_cases(clerk, reviewer, today)  # 在岗追回: one fraud case, one review failure
        demo_orggrants.add_org_grants(clerk, reviewer, today, summary)  # 单位/平台奖补 (第十八、二十四条 …)
        demo_recovery.split_departure(clerk, reviewer, today)  # a 包头 refund decided, split 1:1 (第六十五条)
        add_budget(reviewer, today)  # 资金测算: budget lines 2019–2027 per level (第四十八条)
        _count(clerk, summary)
    summary.seconds = round(time.perf_counter() - t0, 2)
    return summary


# ---------------------------------------------------------------- workflow

# (benefit codes to propose, in order) per policy; the services refuse what a talent is
# not eligible for (e.g. rent subsidy next to a settlement allowance) and we move on.
_BENEFITS = {
    "alxa-2023": ("settlement_allowance", "rent_subsidy", "postdoc_living"),
    "alashankou-2014": ("living_allowance", "settlement_allowance"),
    "baotou-2022": ("introduction_subsidy",),
}
_DOC_PREFIX = {"alxa-2023": "阿人才审", "alashankou-2014": "阿市人才审", "baotou-2022": "包人才审"}
_REVIEW_RESULTS = (("合格", 74), ("优秀", 18), ("基本合格", 5), ("不合格", 3))
_DEPARTURE_REASONS = ("个人原因辞职", "考取外地公务员", "随配偶调往外地", "继续深造（攻读博士学位）", "与用人单位协商解除聘用合同",
                      "考核不合格，解除聘用合同")


@contextlib.contextmanager
def _cached_packs():
    """Parse each policy file once while the demo runs (the services re-read the packs on
    every call, which is right for a clerk editing a pack but slow for thousands of calls)."""
    from talentdesk.rules import loader

    original = loader.read_pack
    cache: dict = {}

    def read_pack(path):
        st = Path(path).stat()
        key = (str(path), st.st_mtime_ns, st.st_size)
        if key not in cache:
            cache[key] = original(path)
        return cache[key]

    loader.read_pack = read_pack
    try:
        yield
    finally:
        loader.read_pack = original


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


@dataclass
class _Plan:
    """What will happen to one talent, decided up front from the seed."""
    index: int
    rec: dict[str, Any]
    approve_on: dt.date
    grant_fate: str  # approved / rejected / pending
    departs_on: dt.date | None = None
    recover: float = 0.0  # share of the refund recovered (0: none yet)
    recover_on: dt.date | None = None
    reviews: dict[int, str] = field(default_factory=dict)


def _plans(rng: random.Random, records: list[dict[str, Any]], today: dt.date) -> list[_Plan]:
    plans = []
    recent_from = len(records) - max(1, int(len(records) * RECENT_SHARE))  # records are by introduction date
    for i, rec in enumerate(records):
        intro = rec["introduction_date"]
        pid = rec["policy_id"]
        if pid == "baotou-2022":
            approve_on = rec["agreement_signed_date"] + dt.timedelta(days=rng.randint(1, 5))
        else:
            approve_on = intro + dt.timedelta(days=rng.randint(20, 75))
        approve_on = _working_day(approve_on)
        fate = "approved"
        if i >= recent_from and rng.random() < 0.6:
            # proposed lately, waiting for the reviewer (the 待遇审批 list is never empty)
            fate = "pending"
            approve_on = max(intro, _working_day(today - dt.timedelta(days=rng.randint(5, 40))))
        elif approve_on > today - dt.timedelta(days=45):
            fate = "pending" if rng.random() < 0.7 else "approved"
        elif rng.random() < 0.02:
            fate = "rejected"
        p = _Plan(i, rec, approve_on, fate)
        for year in range(intro.year, today.year):
            p.reviews[year] = _weighted(rng, _REVIEW_RESULTS)
        if rng.random() < 0.06:
            earliest = _add_years(intro, 1)
            latest = today - dt.timedelta(days=40)
            if earliest < latest:
                p.departs_on = _date_between(rng, earliest, latest)
                roll = rng.random()
                p.recover = 1.0 if roll < 0.45 else (0.5 if roll < 0.7 else 0.0)
                p.recover_on = p.departs_on + dt.timedelta(days=rng.randint(25, 150))
                if p.recover_on > today:
                    p.recover = 0.0
        plans.append(p)
    _ensure_examples(plans, today)
    return plans


def _ensure_examples(plans: list[_Plan], today: dt.date) -> None:
    """Even a small demo shows a failed review and a departure with a recovery."""
    settled = [p for p in plans if p.grant_fate == "approved" and p.departs_on is None
               and p.approve_on < today - dt.timedelta(days=500)]
    if not any(p.departs_on and p.recover > 0 and p.rec["policy_id"] != "alashankou-2014" for p in plans):
        # Baotou's subsidy is paid within ten working days and refunded in full on leaving.
        pick = [p for p in settled if p.rec["policy_id"] == "baotou-2022"] or \
            [p for p in settled if p.rec["policy_id"] == "alxa-2023"]
        if pick:
            p = pick[len(pick) // 2]
            p.departs_on = _working_day(p.approve_on + dt.timedelta(days=400))
            p.recover, p.recover_on = 1.0, p.departs_on + dt.timedelta(days=45)
    if not any("不合格" in p.reviews.values() for p in plans):
        pick = [p for p in plans if p.departs_on is None and p.reviews]
        if pick:
            p = pick[len(pick) // 3]
            p.reviews[max(p.reviews)] = "不合格"


def _workflow(clerk: ServiceContext, reviewer: ServiceContext, rng: random.Random, records: list[dict[str, Any]],
              employers_by_id: dict[int, DemoEmployer], today: dt.date, summary: DemoSummary,
              progress: Progress | None) -> None:
    from talentdesk.services.benefits import packs

    # one batch: each pack parsed once, and looked up once (not a folder listing per service call)
    with _cached_packs(), packs.held():
        _run_workflow(clerk, reviewer, rng, records, employers_by_id, today, summary, progress)
    _count(clerk, summary)


def _run_workflow(clerk: ServiceContext, reviewer: ServiceContext, rng: random.Random,
                  records: list[dict[str, Any]], employers_by_id: dict[int, DemoEmployer], today: dt.date,
                  summary: DemoSummary, progress: Progress | None) -> None:
    from talentdesk.services.benefits import agreements, departures, grants, payments, reviews

    plans = _plans(rng, records, today)
    by_month: dict[tuple[int, int], dict[str, list]] = {}

    def slot(d: dt.date) -> dict[str, list]:
        return by_month.setdefault((d.year, d.month), {"intro": [], "grant": [], "depart": [], "recover": []})

    for p in plans:
        slot(p.rec["introduction_date"])["intro"].append(p)
        slot(p.approve_on)["grant"].append(p)
        if p.departs_on:
            slot(p.departs_on)["depart"].append(p)
    first = min(by_month)
    months = []
    y, m = first
    while (y, m) <= (today.year, today.month):
        months.append((y, m))
        y, m = (y + (m == 12), m % 12 + 1)
    departure_ids: dict[int, int] = {}
    departed: set[int] = set()
    steps = len(months)

    def skip(exc: TalentDeskError) -> None:
        summary.skipped += 1
        if len(summary.notes) < 5:
            summary.notes.append(f"跳过：{exc.message[:80]}")

    for n, (y, m) in enumerate(months, 1):
        work = by_month.get((y, m), {"intro": [], "grant": [], "depart": [], "recover": []})
        # 1. service agreements signed on introduction
        for p in work["intro"]:
            r = p.rec
            kind = "三方协议" if r["policy_id"] == "baotou-2022" else "服务期协议"
            if demo_flexible.is_flexible(r):
                kind = demo_flexible.AGREEMENT_KIND  # 柔性引进人才不设服务期
            try:
                agreements.add(clerk, r["id_number"], kind=kind, start_date=r["introduction_date"],
                               term_years=r["contract_years"], signed_date=r["agreement_signed_date"])
            except TalentDeskError as exc:
                skip(exc)
        # 2. annual reviews of last year, in March
        if m == 3 and y - 1 >= first[0]:
            rows = [{"id_number": p.rec["id_number"], "year": y - 1, "result": p.reviews[y - 1],
                     "review_date": dt.date(y, 3, 10 + p.index % 15),
                     "remarks": "年度考核不合格" if p.reviews[y - 1] == "不合格" else None}
                    for p in plans if (y - 1) in p.reviews and p.index not in departed]
            if rows:
                batch = reviews.record_many(reviewer, rows)
                for r in batch.rows:
                    if not r.ok:
                        summary.skipped += 1
        # 3. grants proposed by the clerk, decided by the reviewer
        for p in sorted(work["grant"], key=lambda p: (p.approve_on, p.index)):
            if p.index in departed:
                continue
            r = p.rec
            facts = _facts(r)
            known = {y: res for y, res in p.reviews.items() if dt.date(y + 1, 3, 1) <= p.approve_on}
            decision = None
            if r["talent_class"] in ("A", "B", "C", "D") and r["policy_id"] == "alxa-2023":
                decision = _case_decision(clerk, r, p, skip)
            recorded = [decision] if decision else []
            if (r["policy_id"] == "alxa-2023" and p.index % 3
                    and employers_by_id[r["employer_id"]].attrs().get("industry") in ("P", "Q")):
                # 第四十条: 教育、医疗卫生 另行规定 — the office decides two cases in three; the
                # third stays 待定 (nothing proposed) until it does
                recorded += [d for d in [_defer_decision(clerk, r, p, skip)] if d]
            for k, code in enumerate(_eligible(r, employers_by_id, p.approve_on, facts, known, recorded), 1):
                doc = f"{_DOC_PREFIX[r['policy_id']]}〔{p.approve_on.year}〕{p.index * 10 + k}号"  # one number per grant
                number = decision.number if decision and decision.applies_to(code) else None
                try:
                    g = grants.propose(clerk, r["id_number"], code, approved_on=p.approve_on, approval_doc_no=doc,
                                       facts=facts, decision_number=number)
                    if p.grant_fate == "approved":
                        grants.approve(reviewer, g.id)
                    elif p.grant_fate == "rejected":
                        grants.reject(reviewer, g.id, "材料不全，请补充学历学位认证报告后重新申报")
                except TalentDeskError as exc:
                    skip(exc)
        # 4. departures, with the refund the policy asks for
        for p in work["depart"]:
            r = p.rec
            reason = _DEPARTURE_REASONS[p.index % len(_DEPARTURE_REASONS)]
            try:
                dep = departures.record(clerk, r["id_number"], p.departs_on, reason)
            except TalentDeskError as exc:
                skip(exc)
                continue
            departed.add(p.index)
            if dep.refund_due_fen > 0 and p.recover > 0:
                departure_ids[p.index] = dep.id
                slot(p.recover_on)["recover"].append((p, dep.id, int(dep.refund_due_fen * p.recover)))
        # 5. recoveries received
        for p, dep_id, amount in work["recover"]:
            if amount <= 0:
                continue
            try:
                departures.record_recovery(clerk, dep_id, amount, p.recover_on,
                                           f"追{p.recover_on:%Y%m}-{p.index:05d}", "退回人才补贴")
            except TalentDeskError as exc:
                skip(exc)
        # 6. the monthly payment run: due installments proposed, approved and paid,
        #    except in the last months (left due / awaiting approval / awaiting payment)
        run_date = min(_working_day(dt.date(y, m, 25)), today)
        lag = (today.year - y) * 12 + today.month - m
        if lag >= 1 or run_date <= today:
            due = payments.list_installments(clerk, date_to=run_date, status="scheduled")
            ids_due = [i.id for i in due if i.grant_status == "approved"]
            if lag <= 0:
                ids_due = ids_due[: len(ids_due) // 2]
            if ids_due:
                proposed = payments.propose(clerk, ids_due, as_of=run_date).done
                if lag >= 1 and proposed:
                    approved = set(payments.approve(reviewer, proposed).done)
                    rows = [{"id_number": i.id_number, "benefit": i.benefit_code, "amount_fen": i.amount_fen,
                             "installment_id": i.id, "paid_date": run_date, "voucher_no": f"记{run_date:%Y%m}-{k + 1:04d}"}
                            for k, i in enumerate(due) if i.id in approved]
                    if lag >= 2 and rows:
                        summary.skipped += _pay(clerk, rows)
        if progress:
            progress("办理审批、发放、考核和离职", n, steps)


def _facts(rec: dict[str, Any]) -> dict | None:
    """Facts about the talent not in the roster, given at proposal: Baotou's 市外 (recruited
    from outside the city: most, one in seven from inside it)."""
    if rec["policy_id"] == "baotou-2022":
        return {"recruited_from_outside_city": int(rec["id_number"][-5:-1]) % 7 != 0}
    return None


def _defer_decision(clerk: ServiceContext, rec: dict[str, Any], plan: "_Plan", skip):
    """The office's decision on a case 阿拉善 第四十条 leaves to “另行规定” (教育、医疗卫生)."""
    from talentdesk import rules
    from talentdesk.services.benefits import decisions

    on = plan.approve_on - dt.timedelta(days=10)
    number = f"阿人才办〔{on.year}〕{plan.index + 200}号"
    note = "依教育、医疗卫生领域刚性引进人才安家补贴的另行规定，按本办法标准发放"
    try:
        decisions.record(clerk, rec["id_number"], number=number, decided_on=on, override="defer",
                         benefit_code="settlement_allowance", description=note)
    except TalentDeskError as exc:
        skip(exc)
        return None
    return rules.Decision(number=number, kind="defer", benefit_code="settlement_allowance", date=on, note=note)


def _case_decision(clerk: ServiceContext, rec: dict[str, Any], plan: "_Plan", skip):
    """一事一议: the office sets a high-level talent's settlement allowance (Alxa art. 40)."""
    from talentdesk import rules
    from talentdesk.services.benefits import decisions

    on = plan.approve_on - dt.timedelta(days=7)
    number = f"阿人才领议〔{on.year}〕{plan.index + 1}号"
    amount = (250_000 if rec["title"] == "正高级" else 220_000) * 100
    try:
        decisions.record(clerk, rec["id_number"], number=number, decided_on=on, override="amount",
                         benefit_code="settlement_allowance", amount_fen=amount,
                         description="经评价认定为高端人才（D类），经人才工作领导小组会议研究，核定安家补贴金额")
    except TalentDeskError as exc:
        skip(exc)
        return None
    return rules.Decision(number=number, kind="amount", benefit_code="settlement_allowance", amount_fen=amount,
                          date=on)


def _eligible(rec: dict[str, Any], employers_by_id: dict[int, DemoEmployer], approved_on: dt.date,
              facts: dict | None, reviews: dict[int, str] | None = None, decisions=()) -> list[str]:
    """The money benefits the engine grants this talent (so the clerk proposes only those)."""
    from talentdesk import rules
    from talentdesk.domain import employer_attrs, roster
    from talentdesk.services.benefits import grants
    from talentdesk.services.register import talents

    emp = employers_by_id[rec["employer_id"]]
    record = {k: rec.get(k) for k in talents.TALENT_KEYS} | {
        "employer_name": emp.name, "employer_uscc": _employer_uscc(emp), "employer_kind": emp.kind,
        "district": emp.district}
    # the facts the services gather from the employer's recorded attributes, then the talent's
    facts = demo_recognitions.with_class(rec, employer_attrs.engine_facts(emp.attrs()) | (facts or {}))
    ev = rules.evaluate(grants.load_pack(rec["policy_id"]), roster.to_row(record), approved_on=approved_on,
                        as_of=approved_on, reviews=reviews or {}, decisions=list(decisions), facts=facts)
    wanted = _BENEFITS[rec["policy_id"]]
    return [b.code for b in ev.benefits if b.code in wanted and b.status == "eligible"
            and any(i.status != "cancelled" for i in b.installments)]


def _pay(clerk: ServiceContext, rows: list[dict]) -> int:
    """Record a payment run as paid (one paid date, a voucher each) through the payments
    service's run (the engine's answer for each, one transaction); returns how many were
    refused."""
    from talentdesk.services.benefits import payments

    refused = 0
    by_date: dict[dt.date, dict[int, str]] = {}
    for r in rows:
        by_date.setdefault(r["paid_date"], {})[r["installment_id"]] = r["voucher_no"]
    for paid_date, vouchers in by_date.items():
        refused += len(payments.record_paid_run(clerk, vouchers, paid_date).refused)
    return refused


def _count(ctx: ServiceContext, summary: DemoSummary) -> None:
    from talentdesk.models.entities import (AnnualReview, BenefitGrant, Departure, Installment, Recovery,
                                            ServiceAgreement)

    with ctx.read() as session:
        def n(stmt):
            return int(session.execute(stmt).scalar_one() or 0)

        summary.agreements = n(select(func.count(ServiceAgreement.id)))
        summary.grants = n(select(func.count(BenefitGrant.id)))
        summary.grants_approved = n(select(func.count(BenefitGrant.id)).where(BenefitGrant.status == "approved"))
        summary.installments = n(select(func.count(Installment.id)))
        summary.installments_paid = n(select(func.count(Installment.id)).where(Installment.status == "paid"))
        summary.paid_fen = n(select(func.sum(Installment.amount_fen))
                             .where(Installment.status.in_(("paid", "reversed"))))
        summary.reviews = n(select(func.count(AnnualReview.id)))
        summary.reviews_failed = n(select(func.count(AnnualReview.id)).where(AnnualReview.result == "不合格"))
        summary.departures = n(select(func.count(Departure.id)))
        summary.recoveries = n(select(func.count(Recovery.id)))
