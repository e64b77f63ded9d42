"""A league database for the demo (``talentdesk demo --league``): one server shared by the
league office and three banners (阿党人才字〔2023〕2号 第七、二十条).

The ordinary demo (``demo.generate``, unchanged) fills the database; then the league office
阿拉善盟 and its banners 阿拉善左旗, 阿拉善右旗, 额济纳旗 are added, every employer goes to a
banner (its own district's, the 高新区 to 阿拉善左旗, the demo's employers outside the league
in turn to each banner) and every talent to its employer's banner; the accounts below are
made, all with the password ``DEMO_PASSWORD`` (a demo database only):

- 盟管理员 (admin) and 盟审核人 (reviewer) of the league office: see every banner, confirm
  the recognitions the banners file;
- 左旗经办, 右旗经办, 额旗经办 (clerks), and 左旗审核, 右旗审核, 额旗审核 (reviewers), one of
  each per banner: see and change only their banner's records.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from talentdesk.models.entities import Employer, Talent
from talentdesk.models.league.office import Office
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import demo
from talentdesk.services.office.audit import log as audit

DEMO_PASSWORD = "alxa-demo-2024"
LEAGUE = ("152900", "阿拉善盟")
BANNERS = (("152921", "阿拉善左旗"), ("152922", "阿拉善右旗"), ("152923", "额济纳旗"))
DISTRICT_BANNER = {"阿拉善左旗": "阿拉善左旗", "阿拉善高新区": "阿拉善左旗", "阿拉善右旗": "阿拉善右旗",
                   "额济纳旗": "额济纳旗"}
SHORT = {"阿拉善左旗": "左旗", "阿拉善右旗": "右旗", "额济纳旗": "额旗"}
LEAGUE_USERS = (("盟管理员", "admin", "盟人才办管理员"), ("盟审核人", "reviewer", "盟人才办审核人"))


def banner_users() -> list[tuple[str, str, str, str]]:
    """(username, role, display name, banner) of the banners' accounts."""
    out = []
    for _code, name in BANNERS:
        s = SHORT[name]
        out.append((f"{s}经办", "clerk", f"{s}经办人", name))
        out.append((f"{s}审核", "reviewer", f"{s}审核人", name))
    return out


def generate_league(ctx: ServiceContext, *, size: int = 2000, seed: int = 2024, workflow: bool = True,
                    progress=None, today: dt.date | None = None, password: str = DEMO_PASSWORD) -> demo.DemoSummary:
    from talentdesk.services.office import offices, users

    summary = demo.generate(ctx, size=size, seed=seed, workflow=workflow, progress=progress, today=today)
    with ctx.write() as session:
        league = Office(code=LEAGUE[0], name=LEAGUE[1], kind="league")
        session.add(league)
        session.flush()
        banners = {}
        for code, name in BANNERS:
            banners[name] = Office(code=code, name=name, kind="banner", parent_id=league.id)
            session.add(banners[name])
        session.flush()
        for o in (league, *banners.values()):
            audit.record(session, ctx.actor, "create", "office", o.id,
                         after={"code": o.code, "name": o.name, "kind": o.kind, "parent_id": o.parent_id})
        order = list(banners.values())
        spread = 0
        counts: dict[str, int] = {}
        for e in session.execute(select(Employer).order_by(Employer.id)).scalars():
            banner = DISTRICT_BANNER.get(e.district or "")
            if banner is None:
                office = order[spread % len(order)]
                spread += 1
            else:
                office = banners[banner]
            e.office_id = office.id
            session.flush()
            n = session.execute(update(Talent).where(Talent.employer_id == e.id)
                                .values(office_id=office.id)).rowcount
            counts[office.name] = counts.get(office.name, 0) + n
        left = session.execute(select(Talent.id).where(Talent.office_id.is_(None)).order_by(Talent.id)).scalars().all()
        for i, tid in enumerate(left):
            session.execute(update(Talent).where(Talent.id == tid).values(office_id=order[i % len(order)].id))
        audit.record(session, ctx.actor, "assign", "office", None,
                     after={"演示数据": "单位和人才按所在旗县分配", **{k: f"{v} 人" for k, v in counts.items()}})
    first, _role, display = LEAGUE_USERS[0]
    users.create_first_admin(ctx.db, first, password, display)
    admin = users.authenticate(ctx.db, first, password)
    offices.assign_user(admin, first, LEAGUE[1])
    for name, role, display in LEAGUE_USERS[1:]:
        users.add_user(admin, name, password, role, display, office=LEAGUE[1])
    for name, role, display, banner in banner_users():
        users.add_user(admin, name, password, role, display, office=banner)
    summary.notes.append(f"多旗县共用服务器：盟级 {LEAGUE[1]}，旗县 " + "、".join(n for _c, n in BANNERS)
                         + f"；账户 " + "、".join([u for u, *_ in LEAGUE_USERS] + [u for u, *_ in banner_users()])
                         + f"，演示密码 {password}")
    for o in offices.list_offices(admin):
        if o.kind == "banner":
            summary.notes.append(f"{o.name}：人才 {o.talents} 人")
    return summary
