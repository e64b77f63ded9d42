"""Screenshots for the user manual (docs/manual/用户手册.md), taken offscreen with
QWidget.grab() from the real main window, pages and dialogs on a demo database.

    QT_QPA_PLATFORM=offscreen python scripts/manual_screenshots.py [--out docs/manual/screenshots]
                                                                   [--size 300] [--seed 2024]

Makes a demo database (talentdesk.services.exchange.demo) in a temporary TALENTDESK_HOME, sets the
office settings, writes an employer's sample roster, and saves one PNG per step of the
manual: first start, the home page, the talent library, the import wizard, the grant
dialog, payments, annual review, departures, printing and backup. A shot that fails is
reported and the script exits 1 (the others are still written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["TALENTDESK_HOME"] = tempfile.mkdtemp(prefix="td-manual-")
os.environ.pop("TALENTDESK_DB", None)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROSTER_PEOPLE = (  # name, education, degree, tier, major, birth, seq, urgently needed
    ("郝思远", "博士研究生", "博士", "双一流", "草学", dt.date(1991, 4, 12), 311, "是"),
    ("乌兰", "硕士研究生", "硕士", "双一流", "临床医学", dt.date(1998, 8, 3), 322, "是"),
    ("包宇航", "硕士研究生", "硕士", "211", "药学", dt.date(1997, 1, 25), 333, "否"),
    ("齐雅静", "大学本科", "学士", "双一流", "护理学", dt.date(2001, 3, 9), 344, "是"),
    ("白振宇", "博士研究生", "博士", "985", "生态学", dt.date(1990, 11, 30), 355, "否"),
    ("苏和", "硕士研究生", "硕士", "双一流", "医学影像学", dt.date(1999, 6, 16), 367, "是"),
)


def write_roster(path: Path) -> Path:
    """An employer's roster as it arrives: a title row, their own column names, one bad ID."""
    import openpyxl

    from talentdesk.domain import idcard

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2026年引进人才"
    ws.append(["阿拉善盟中心医院2026年引进人才花名册"])
    ws.append(["序号", "姓名", "身份证号码", "最高学历", "学位", "学习形式", "毕业院校", "院校类别", "专业", "引进方式",
               "用人单位", "所属地区", "引进时间", "合同期限", "急需紧缺", "本地自有住房", "联系电话"])
    for i, (name, edu, degree, tier, major, birth, seq, urgent) in enumerate(ROSTER_PEOPLE, 1):
        number = idcard.make("152921", birth, seq)
        if i == 3:
            number = number[:-1] + ("1" if number[-1] != "1" else "2")  # a typo in the check digit
        ws.append([i, name, number, edu, degree, "全日制", "内蒙古大学" if tier != "双一流" else "兰州大学", tier, major,
                   "公开招聘", "阿拉善盟中心医院", "阿拉善左旗", f"2026-0{i % 5 + 3}-01", "5年", urgent, "否",
                   f"1394830{i:04d}"])
    ws.column_dimensions["C"].width = 22
    wb.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "manual" / "screenshots")
    ap.add_argument("--size", type=int, default=300, help="demo talents (default 300)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=800)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    home = Path(os.environ["TALENTDESK_HOME"])

    from PySide6.QtWidgets import QApplication

    from talentdesk.models.db import open_database
    from talentdesk.services.exchange import demo
    from talentdesk.services.office import settings
    from talentdesk.services.context import ServiceContext
    from talentdesk.ui.app import make_application

    app = make_application(["manual"])
    db = open_database(home / "data" / "talentdesk.sqlite3")
    ctx = ServiceContext(db)
    failures: list[str] = []
    written: list[Path] = []

    def settle(env=None, rounds: int = 6) -> None:
        for _ in range(rounds):
            app.processEvents()
        if env is not None:
            env.runner.wait()
            for _ in range(rounds):
                app.processEvents()

    def wait(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.05)

    def shot(widget, name: str, env=None) -> None:
        settle(env)
        path = args.out / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise RuntimeError(f"could not save {path}")
        written.append(path)
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, flush=True)

    def step(name: str, fn) -> None:
        try:
            fn()
        except Exception:  # noqa: BLE001 - report, go on with the other shots
            failures.append(name)
            sys.stderr.write(f"shot {name} failed:\n{traceback.format_exc()}\n")

    # 1. first start: the offer to create the first administrator (an empty database)
    def first_start():
        from talentdesk.ui.security.dialogs import FirstAdminDialog

        dlg = FirstAdminDialog(db)
        dlg.show()
        shot(dlg, "01-首次启动-创建管理员")
        dlg.close()

    step("first-start", first_start)

    print(f"generating {args.size} demo talents …", flush=True)
    demo.generate(ctx, size=args.size, seed=args.seed)
    settings.save_settings(ctx, office_name="阿拉善左旗人才工作领导小组办公室", district="阿拉善左旗",
                           default_policy_id="alxa-2023", signatory_clerk="王芳", signatory_reviewer="李明",
                           signatory_head="张建国", doc_prefix="阿左人才字")

    from talentdesk.ui.env import UiEnv, open_qsettings
    from talentdesk.ui.main_window import MainWindow

    env = UiEnv(ctx, open_qsettings(), headless=True)
    env.confirm = lambda text: True
    win = MainWindow(env)
    win.resize(args.width, args.height)
    win.show()
    settle(env)

    def page(key: str, name: str, **filters):
        def go():
            win.show_page(key, **filters)
            shot(win, name, env)
        return go

    step("dashboard", page("dashboard", "02-首页"))

    def talents_page():
        win.show_page("talents")
        settle(env)
        p = win.pages["talents"]
        p.table.selectRow(2)
        shot(win, "03-人才库", env)
        p.search.setText("zw")
        shot(win, "03-人才库-拼音搜索", env)
        p.clear_filters()

    step("talents", talents_page)

    roster = write_roster(home / "阿拉善盟中心医院2026年引进人才花名册.xlsx")

    def import_wizard():
        from talentdesk.ui.importer import ImportWizard

        wizard = ImportWizard(env, win)
        wizard.resize(1100, 720)
        wizard.show()
        wizard.file_page.set_path(str(roster))
        shot(wizard, "04-导入-1-选择文件", env)
        for name in ("04-导入-2-工作表", "04-导入-3-列对应", "04-导入-4-检查"):
            wizard.next()
            shot(wizard, name, env)
        wizard.next()
        shot(wizard, "04-导入-5-完成", env)
        wizard.close()

    step("import", import_wizard)

    def grant_dialog():
        from talentdesk.domain import idcard
        from talentdesk.ui.benefits.grant_dialog import GrantDialog

        number = idcard.make("152921", ROSTER_PEOPLE[0][5], ROSTER_PEOPLE[0][6])
        dlg = GrantDialog(env, number, win)
        dlg.show()
        settle(env)
        if hasattr(dlg, "evaluate"):
            dlg.evaluate()
        if hasattr(dlg, "set_checked"):
            dlg.set_checked("settlement_allowance", True)
        shot(dlg, "05-待遇审批", env)
        dlg._dirty = False
        dlg.close()

    step("grant", grant_dialog)
    step("payments", page("payments", "06-待遇发放", month=dt.date(2026, 6, 1)))
    step("payments-grants", page("payments", "06-待遇发放-待审批", tab="grants"))
    step("reviews", page("reviews", "07-年度考核", year=2025))

    def departures_page():
        win.show_page("departures")
        settle(env)
        shot(win, "08-离职追回", env)

    step("departures", departures_page)

    def departure_dialog():
        from talentdesk.services.benefits import grants
        from talentdesk.services.register import talents
        from talentdesk.ui.benefits.departures import DepartureDialog

        # someone with an Alxa settlement allowance partly paid: leaving early means a refund
        pick = None
        for g in grants.list_grants(ctx, status="approved", benefit_code="settlement_allowance",
                                    policy_id="alxa-2023"):
            if g.paid_fen and g.paid_fen < (g.total_fen or 0) and talents.get(ctx, g.id_number).status == "active":
                pick = g.id_number
                break
        dlg = DepartureDialog(env, pick, win)
        dlg.departed_on.setDate(dt.date(2026, 6, 15))
        dlg.reason.setPlainText("考取外地公务员")
        dlg.show()
        shot(dlg, "08-离职登记-退回计算", env)
        dlg.reject()

    step("departure-dialog", departure_dialog)

    def reports_page():
        from talentdesk.domain import idcard

        number = idcard.make("152921", ROSTER_PEOPLE[0][5], ROSTER_PEOPLE[0][6])
        win.show_page("reports")
        settle(env)
        shot(win, "09-报表打印", env)
        from talentdesk.services.benefits import grants

        approved = grants.list_grants(ctx, status="approved", limit=1)
        talent = approved[0].id_number if approved else number
        win.show_page("reports", form="approval", talent=talent)
        settle(env)
        wait(2.0)  # the PDF view renders its pages asynchronously
        shot(win, "09-报表打印-审批表预览", env)

    step("reports", reports_page)
    step("settings", page("settings", "10-系统设置"))

    def backup_dialog():
        from talentdesk.services.office import backup
        from talentdesk.ui.security.dialogs import BackupDialog

        backup.backup_now(ctx)
        dlg = BackupDialog(ctx, win)
        dlg.show()
        shot(dlg, "11-备份与恢复", env)
        dlg.close()

    step("backup", backup_dialog)

    def budget_page():
        win.show_page("budget")
        p = win.pages["budget"]
        end = time.monotonic() + 120
        while p.forecast_result is None and time.monotonic() < end:  # the forecast runs off the GUI thread
            wait(0.2)
        p.lines.selectRow(0)
        shot(win, "14-资金测算", env)

    step("budget", budget_page)

    win.close()
    env.runner.wait()
    QApplication.processEvents()
    db.dispose()
    print(f"{len(written)} screenshots in {args.out}")
    if failures:
        print("FAILED: " + ", ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
