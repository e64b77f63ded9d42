"""Screenshot helpers for the pages (used by scripts/screenshots.py and by hand).

``seed_demo(clerk, reviewer)`` fills an empty database through the services with a
few talents, grants in every state, a review, a departure and an agreement, so that
every page has something to show. ``grab_page(env, key, path, size=(1280, 820),
**filters)`` builds the page (the same ``Page`` class the main window loads), applies
the filters, refreshes it and saves a PNG. ``main()`` does both into a folder::

    QT_QPA_PLATFORM=offscreen python -m talentdesk.ui.common.screenshots OUT_DIR
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path

PAGE_KEYS = ("dashboard", "employers", "agreements", "payments", "reviews", "departures", "reports", "settings")


def _id(birth: dt.date, seq: int, area: str = "152921") -> str:
    from talentdesk.domain import idcard

    return idcard.make(area, birth, seq)


def _uscc(n: int) -> str:
    from talentdesk.domain import uscc

    return uscc.make(f"12152900{n:09d}")


def seed_demo(clerk, reviewer, today: dt.date | None = None) -> None:
    """A small, realistic office: 8 talents at 4 employers, grants and payments."""
    from talentdesk.services.benefits import agreements, departures, grants, payments, reviews
    from talentdesk.services.register import employers, talents

    today = today or dt.date.today()
    units = [("阿拉善盟农牧科学研究所", "事业单位", "阿拉善左旗"), ("阿拉善盟中心医院", "事业单位", "阿拉善左旗"),
             ("内蒙古庆华集团有限公司", "民营企业", "阿拉善左旗"), ("额济纳旗第一中学", "事业单位", "额济纳旗")]
    for i, (name, kind, district) in enumerate(units, start=1):
        employers.add(clerk, name, _uscc(i), kind, district)
    people = [
        ("张伟", "博士研究生", "博士", "作物学", 0, dt.date(1988, 3, 12), 400),
        ("李娜", "硕士研究生", "硕士", "临床医学", 1, dt.date(1995, 7, 2), 30),
        ("王芳", "硕士研究生", "硕士", "化学工程", 2, dt.date(1994, 1, 20), 760),
        ("刘洋", "博士研究生", "博士", "草学", 0, dt.date(1986, 11, 5), 0),
        ("陈静", "大学本科", "学士", "汉语言文学", 3, dt.date(1998, 4, 18), None),
        ("赵磊", "硕士研究生", "硕士", "机械工程", 2, dt.date(1993, 9, 9), 500),
        ("孙悦", "硕士研究生", "硕士", "护理学", 1, dt.date(1996, 2, 14), None),
        ("周强", "博士研究生", "博士", "生态学", 0, dt.date(1985, 6, 30), None),
    ]
    made = []
    for n, (name, edu, degree, major, unit, birth, days_ago) in enumerate(people):
        unit_name, kind, district = units[unit]
        intro = today - dt.timedelta(days=(days_ago or 200) + 30)
        row = {"姓名": name, "身份证号": _id(birth, 2 * n + 1 if n % 2 == 0 else 2 * n + 2), "学历": edu,
               "学位": degree, "学习形式": "全日制", "院校类别": "双一流", "专业": major, "引进方式": "招聘",
               "用人单位": unit_name, "统一社会信用代码": _uscc(unit + 1), "单位性质": kind, "所属地区": district,
               "引进日期": intro.isoformat(), "合同起始日期": intro.isoformat(), "合同期限（年）": "5",
               "急需紧缺": "是", "本地自有住房": "否", "入住人才公寓": "否", "手机号码": f"1380013{8000 + n:04d}"}
        t = talents.add(clerk, row)
        made.append((t, days_ago, intro))
        agreements.add(clerk, t.id_number, kind="服务期协议", start_date=intro, term_years=5, signed_date=intro)
    for t, days_ago, intro in made:
        if days_ago is None:
            continue
        approved_on = (today - dt.timedelta(days=days_ago)).replace(day=1)
        g = grants.propose(clerk, t.id_number, "settlement_allowance", approved_on=approved_on,
                           approval_doc_no=f"阿左人才字〔{approved_on.year}〕{t.id}号")
        if days_ago > 0:
            grants.approve(reviewer, g.id)
    # pay what fell due for the earliest grant, propose the next ones
    rows = payments.list_installments(clerk, date_to=today, status="scheduled")
    for r in rows:
        if r.talent_name in ("王芳", "赵磊") and payments.propose(clerk, [r.id], as_of=today).done:
            payments.approve(reviewer, [r.id])
            if r.talent_name == "王芳":
                payments.record_paid(clerk, r.id, r.due_date + dt.timedelta(days=12),
                                     f"记-{r.due_date:%Y%m}-{r.id:03d}")
    waiting = [r.id for r in payments.list_installments(clerk, date_to=today, status="scheduled")
               if r.talent_name == "张伟" and r.review_year is None]
    if waiting:
        payments.propose(clerk, waiting, as_of=today)
    last_year = today.year - 1
    for t, _, _ in made[:2]:
        try:
            reviews.record(reviewer, t.id_number, last_year, "合格")
        except Exception:  # noqa: BLE001 - a demo: a talent without obligation that year
            pass
    # a departure with money to recover
    leaver = made[2][0]
    try:
        dep = departures.record(clerk, leaver.id_number, today - dt.timedelta(days=20), "个人原因辞职")
        if dep.refund_due_fen:
            departures.record_recovery(clerk, dep.id, dep.refund_due_fen // 2, today - dt.timedelta(days=5),
                                       "收-0001", "第一笔退回")
    except Exception:  # noqa: BLE001
        pass


def grab_page(env, key: str, path: str | Path, size: tuple[int, int] = (1280, 820), **filters) -> Path:
    """Render one page offscreen to a PNG file."""
    from PySide6.QtWidgets import QApplication

    from talentdesk.ui.main_window import PAGES

    module = importlib.import_module(next(spec.module for spec in PAGES if spec.key == key))
    page = module.Page(env)
    page.resize(*size)
    page.show()
    if filters and hasattr(page, "apply_filters"):
        page.apply_filters(**filters)
    elif hasattr(page, "refresh"):
        page.refresh()
    for _ in range(3):
        QApplication.processEvents()
    path = Path(path)
    page.grab().save(str(path))
    page.close()
    page.deleteLater()
    return path


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - a tool
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from talentdesk.models.db import open_database
    from talentdesk.services.context import ServiceContext
    from talentdesk.ui.env import UiEnv

    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp())
    db = open_database(tmp / "demo.sqlite3")
    clerk = ServiceContext(db, user="王芳", role="clerk")
    reviewer = ServiceContext(db, user="李审核", role="reviewer")
    seed_demo(clerk, reviewer)
    env = UiEnv(ServiceContext(db, user="管理员", role="admin"),
                QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat), headless=True)
    for key in PAGE_KEYS:
        try:
            grab_page(env, key, out / f"page-{key}.png")
        except ModuleNotFoundError:
            continue
    env.runner.wait()
    app.processEvents()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
