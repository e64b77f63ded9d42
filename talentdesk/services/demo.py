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
  which stops the rest of a grant), departures with refunds due and some recovered.

Talents and employers are written in bulk with SQLAlchemy Core (as the roster import
does) with their audit events (``audit.record_many``); everything after goes through
``talentdesk.services`` so the audit trail and every status are exactly what the
application itself would write. The same seed on the same day gives the same database.

If the database has user accounts, a clerk proposes and a reviewer approves (four-eyes);
otherwise two named actors do it in single-user mode.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import func, insert, select

from talentdesk.domain import idcard, pinyin, uscc
from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.base import utcnow
from talentdesk.models.entities import Employer, Talent
from talentdesk.services import audit
from talentdesk.services.context import ServiceContext

# The data is anchored to a fixed date so that a seed gives the same data whenever it
# runs (as long as the machine's clock is later; otherwise today).
ANCHOR = dt.date(2026, 6, 30)

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
# (ID area code, 籍贯)
BIRTHPLACES = (
    ("152921", "内蒙古阿拉善左旗"), ("152922", "内蒙古阿拉善右旗"), ("150102", "内蒙古呼和浩特"),
    ("150203", "内蒙古包头"), ("150602", "内蒙古鄂尔多斯"), ("152502", "内蒙古锡林浩特"),
    ("150402", "内蒙古赤峰"), ("652701", "新疆博乐"), ("650102", "新疆乌鲁木齐"), ("620102", "甘肃兰州"),
    ("640104", "宁夏银川"), ("610113", "陕西西安"), ("410105", "河南郑州"), ("370102", "山东济南"),
    ("130102", "河北石家庄"), ("140105", "山西太原"), ("210102", "辽宁沈阳"), ("230102", "黑龙江哈尔滨"),
    ("320102", "江苏南京"), ("420102", "湖北武汉"), ("510104", "四川成都"), ("110105", "北京"),
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


# Synthetic employers (invented names in real districts).
EMPLOYERS: tuple[DemoEmployer, ...] = (
    DemoEmployer("阿拉善盟中心医院", "事业单位", "阿拉善左旗", "alxa-2023", "medical", 9, "MB1234561"),
    DemoEmployer("阿拉善盟农牧业科学研究所", "事业单位", "阿拉善左旗", "alxa-2023", "agri", 6, "MB1234572"),
    DemoEmployer("阿拉善左旗第一中学", "事业单位", "阿拉善左旗", "alxa-2023", "school", 5, "MB1234583"),
    DemoEmployer("阿拉善高新区绿源化工有限公司", "民营企业", "阿拉善高新区", "alxa-2023", "industry", 6, "MA0KXY812"),
    DemoEmployer("阿拉善右旗人民医院", "事业单位", "阿拉善右旗", "alxa-2023", "medical", 4, "MB1234594"),
    DemoEmployer("额济纳旗胡杨林生态保护站", "事业单位", "额济纳旗", "alxa-2023", "agri", 3, "MB1234605"),
    DemoEmployer("额济纳旗口岸物流有限公司", "国有企业", "额济纳旗", "alxa-2023", "gov", 3, "MA0KXY923"),
    DemoEmployer("阿拉山口市人民医院", "事业单位", "阿拉山口市", "alashankou-2014", "medical", 6, "MB1987651"),
    DemoEmployer("阿拉山口综合保税区服务中心", "事业单位", "阿拉山口市", "alashankou-2014", "gov", 5, "MB1987662"),
    DemoEmployer("阿拉山口市第一中学", "事业单位", "阿拉山口市", "alashankou-2014", "school", 4, "MB1987673"),
    DemoEmployer("阿拉山口中欧班列物流有限公司", "国有企业", "阿拉山口市", "alashankou-2014", "gov", 5, "MA7ABCD12"),
    DemoEmployer("阿拉山口恒远能源有限公司", "民营企业", "阿拉山口市", "alashankou-2014", "industry", 4, "MA7ABCD23"),
    DemoEmployer("包头市稀土新材料研究院", "事业单位", "稀土高新区", "baotou-2022", "industry", 6, "MB0246811"),
    DemoEmployer("包头鑫源稀土材料有限公司", "民营企业", "稀土高新区", "baotou-2022", "industry", 7, "MA0BT1001"),
    DemoEmployer("包头华晟永磁科技有限公司", "民营企业", "稀土高新区", "baotou-2022", "industry", 5, "MA0BT1002"),
    DemoEmployer("包头北辰重型装备有限公司", "国有企业", "青山区", "baotou-2022", "industry", 5, "MA0BT1003"),
    DemoEmployer("包头昆都仑特钢有限公司", "国有企业", "昆都仑区", "baotou-2022", "industry", 5, "MA0BT1004"),
    DemoEmployer("包头九原新能源装备有限公司", "民营企业", "九原区", "baotou-2022", "industry", 3, "MA0BT1005"),
    DemoEmployer("包头市第四人民医院", "事业单位", "昆都仑区", "baotou-2022", "medical", 3, "MB0246822"),
)
# Share of talents per policy.
POLICY_SHARE = (("alxa-2023", 45), ("alashankou-2014", 30), ("baotou-2022", 25))
DISTRICT_AREA = {"阿拉善左旗": "152921", "阿拉善右旗": "152922", "额济纳旗": "152923", "阿拉善高新区": "152971",
                 "阿拉山口市": "652702", "稀土高新区": "150271", "青山区": "150204", "昆都仑区": "150203",
                 "九原区": "150207"}


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
        area, native = rng.choice(BIRTHPLACES) if rng.random() < 0.8 else (DISTRICT_AREA[emp.district], emp.district)
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
            "major": rng.choice(MAJORS[emp.field]), "graduation_date": grad, "title": title,
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
        out.append(rec)
    return out


# ---------------------------------------------------------------- bulk writes

def _employer_uscc(e: DemoEmployer) -> str:
    area = DISTRICT_AREA[e.district]
    prefix = "12" if e.kind == "事业单位" else "91"
    return uscc.make(f"{prefix}{area}{e.uscc_body}")


def _insert_employers(ctx: ServiceContext) -> dict[str, int]:
    from talentdesk.services import employers

    ids = {}
    for e in EMPLOYERS:
        view = employers.add(ctx, e.name, _employer_uscc(e), e.kind, e.district)
        ids[e.name] = view.id
    return ids


def _insert_talents(ctx: ServiceContext, records: list[dict[str, Any]], progress: Progress | None,
                    chunk: int = 5000) -> list[int]:
    """Core executemany in chunks, each chunk with its audit events, like the importer."""
    from talentdesk.services import talents as talents_svc

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


def _contexts(ctx: ServiceContext) -> tuple[ServiceContext, ServiceContext]:
    """(clerk, reviewer): real accounts when the database has them, else named actors."""
    from talentdesk.models.entities import User

    with ctx.read() as session:
        users = session.execute(select(User.username, User.role).where(User.active.is_(True))
                                .order_by(User.id)).all()
    clerk = next((u for u, r in users if r == "clerk"), None) or next((u for u, r in users if r == "admin"), None)
    reviewer = next((u for u, r in users if r == "reviewer" and u != clerk), None) or \
        next((u for u, r in users if r == "admin" and u != clerk), None)
    if users and clerk and reviewer:
        roles = dict(users)
        return (ServiceContext(ctx.db, user=clerk, role=roles[clerk]),
                ServiceContext(ctx.db, user=reviewer, role=roles[reviewer]))
    return ServiceContext(ctx.db, user=DEMO_CLERK), ServiceContext(ctx.db, user=DEMO_REVIEWER)


def generate(ctx: ServiceContext, *, size: int = 2000, seed: int = 2024, if_empty: bool = False,
             workflow: bool = True, progress: Progress | None = None, today: dt.date | None = None) -> DemoSummary:
    """Fill the database with ``size`` demo talents and their history (see module doc).

    Refuses (TalentDeskError) a database that already holds talents, unless ``if_empty``,
    which then does nothing and returns ``existing=True``.
    """
    t0 = time.perf_counter()
    summary = DemoSummary(ctx.db.describe(), seed, size)
    if not is_empty(ctx):
        if if_empty:
            summary.existing = True
            return summary
        raise TalentDeskError("数据库中已有人才数据，演示数据只能写入空数据库；请用 --db 指定一个新的数据库文件")
    if size < 1:
        raise TalentDeskError("演示人才数量至少为1")
    today = min(today or dt.date.today(), ANCHOR)
    rng = random.Random(seed)
    clerk, reviewer = _contexts(ctx)
    employer_ids = _insert_employers(clerk)
    summary.employers = len(employer_ids)
    records = _talent_records(rng, size, employer_ids)
    records.sort(key=lambda r: (r["introduction_date"], r["id_number"]))
    ids = _insert_talents(clerk, records, progress)
    summary.talents = len(ids)
    if workflow:
        _workflow(clerk, reviewer, rng, records, ids, today, summary, progress)
    summary.seconds = round(time.perf_counter() - t0, 2)
    return summary


# ---------------------------------------------------------------- workflow

def _workflow(clerk: ServiceContext, reviewer: ServiceContext, rng: random.Random, records: list[dict[str, Any]],
              ids: list[int], today: dt.date, summary: DemoSummary, progress: Progress | None) -> None:
    pass
