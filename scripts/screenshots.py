"""Render every screen to PNG (offscreen, QWidget.grab()) for review and the manual.

    python scripts/screenshots.py OUT_DIR [--db PATH] [--size 300] [--width 1400 --height 860]

Without ``--db`` a demo database (talentdesk.services.exchange.demo, ``--size`` talents) is made in
OUT_DIR/screenshots.sqlite3 (kept and reused on the next run). Writes main-<page>.png for
the nine pages (and main-<page>-bottom.png for a page that scrolls), talent-<tab>.png for the detail pane's tabs, talent-new-invalid.png (live
validation), import-<n>-<step>.png for the import wizard, and error-dialog.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TALENTDESK_HOME", tempfile.mkdtemp(prefix="td-shots-"))


def write_sample_roster(path: Path, rows: int = 40) -> Path:
    """An employer's roster as they come: a title line, synonyms, an extra column, two bad rows."""
    import datetime as dt

    import openpyxl

    from talentdesk.domain import idcard

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "引进人才"
    ws.append(["阿拉善盟中心医院 2025年引进人才花名册（填报单位：阿拉善盟中心医院）"])
    ws.append(["序号", "姓名", "身份证号码", "最高学历", "学位", "学习形式", "毕业院校", "专业", "引进方式",
               "用人单位", "所属地区", "引进时间", "联系电话", "备注"])
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    for i in range(rows):
        number = idcard.make("152921", dt.date(1988 + i % 8, 1 + i % 12, 1 + i % 27), 201 + 2 * i)
        if i == 7:
            number = number[:-1] + ("0" if number[-1] != "0" else "1")  # wrong check digit
        ws.append([i + 1, "赵钱孙李周吴郑王"[i % 8] + given[i % 20], number, ["硕士研究生", "博士", "本科"][i % 3],
                   ["硕士", "博士", "学士"][i % 3], "全日制", "内蒙古大学", "临床医学", "招聘", "阿拉善盟中心医院",
                   "阿拉善左旗", "2025-13-01" if i == 12 else f"2025-0{1 + i % 9}-15", f"1390483{i:04d}", ""])
    wb.save(path)
    return path


def add_sample_attachments(ctx, id_number: str, folder: Path) -> None:
    """A scanned certificate (PNG) and an agreement (PDF), unless the talent has some."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPageSize, QPainter, QPdfWriter

    from talentdesk.services.register import attachments

    if attachments.list_for(ctx, id_number):
        return
    img = QImage(900, 640, QImage.Format.Format_RGB32)
    img.fill(QColor("#fbf7ec"))
    p = QPainter(img)
    p.setPen(QColor("#a33"))
    p.drawRect(20, 20, 860, 600)
    p.setFont(QFont("WenQuanYi Zen Hei", 40))
    p.drawText(QRect(0, 80, 900, 90), Qt.AlignmentFlag.AlignCenter, "学位证书")
    p.setPen(QColor("#333"))
    p.setFont(QFont("WenQuanYi Zen Hei", 18))
    p.drawText(QRect(80, 220, 740, 300), Qt.TextFlag.TextWordWrap,
               "兹证明该同志在本校完成研究生学业，成绩合格，经学位评定委员会审核，授予硕士学位。")
    p.end()
    png = folder / "学位证书扫描件.png"
    img.save(str(png))
    pdf = folder / "服务期协议.pdf"
    writer = QPdfWriter(str(pdf))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    p = QPainter(writer)
    p.setFont(QFont("WenQuanYi Zen Hei", 20))
    p.drawText(QRect(0, 400, writer.width(), 800), Qt.AlignmentFlag.AlignHCenter, "服务期协议")
    p.setFont(QFont("WenQuanYi Zen Hei", 11))
    p.drawText(QRect(600, 1400, writer.width() - 1200, 4000), Qt.TextFlag.TextWordWrap,
               "甲方（用人单位）与乙方（引进人才）经协商一致，约定乙方在甲方服务期不少于五年……")
    p.end()
    attachments.add(ctx, id_number, png, "学位证书")
    attachments.add(ctx, id_number, pdf, "服务协议")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--db")
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=860)
    parser.add_argument("--only", help="comma-separated: pages,talent,import,error")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    only = set(args.only.split(",")) if args.only else {"pages", "talent", "import", "error"}

    from talentdesk.models.db import open_database
    from talentdesk.services.exchange import demo
    from talentdesk.services.context import ServiceContext
    from talentdesk.ui.app import make_application

    app = make_application(["screenshots"])
    db_path = args.db or str(args.out / "screenshots.sqlite3")
    db = open_database(db_path)
    ctx = ServiceContext(db)
    if demo.is_empty(ctx):
        print(f"generating {args.size} demo talents into {db_path} …", flush=True)
        demo.generate(ctx, size=args.size)

    from talentdesk.ui.env import UiEnv, open_qsettings
    from talentdesk.ui.main_window import PAGES, MainWindow

    env = UiEnv(ctx, open_qsettings(), headless=True)
    env.confirm = lambda text: True  # answer "yes" to the wizard's questions
    win = MainWindow(env)
    win.resize(args.width, args.height)
    win.show()
    app.processEvents()

    def settle(rounds: int = 5) -> None:
        for _ in range(rounds):
            app.processEvents()
        env.runner.wait()
        for _ in range(rounds):  # the results of background jobs, then the layouts they change
            app.processEvents()

    def shot(widget, name: str) -> None:
        settle()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))
        print(path)

    if "pages" in only:
        from PySide6.QtWidgets import QScrollArea

        for spec in PAGES:
            win.show_page(spec.key)
            shot(win, f"main-{spec.key}")
            page = win.pages.get(spec.key)
            scroll = page.findChild(QScrollArea) if page is not None else None
            bar = scroll.verticalScrollBar() if scroll is not None else None
            if bar is not None and scroll.isVisible() and bar.maximum() > 0:  # a long page (首页, 系统设置): its bottom too
                bar.setValue(bar.maximum())
                shot(win, f"main-{spec.key}-bottom")
                bar.setValue(0)

    if "talent" in only:
        win.show_page("talents")
        page = win.pages["talents"]
        page.table.selectRow(3)
        detail = page.detail
        add_sample_attachments(ctx, detail.id_number, args.out)
        detail.reload()
        for i in range(detail.tabs.count()):
            detail.tabs.setCurrentIndex(i)
            if i == 3 and detail.attachments.items:
                detail.attachments.list.setCurrentRow(0)
            shot(win, f"talent-tab{i}-{detail.tabs.tabText(i)}")
            if i == 3 and len(detail.attachments.items) > 1:
                detail.attachments.list.setCurrentRow(1)
                shot(win, f"talent-tab{i}-{detail.tabs.tabText(i)}-pdf")
        detail.tabs.setCurrentIndex(0)
        from talentdesk.domain import pinyin

        page.search.setText(pinyin.initials(detail.view.name)[:2])  # pinyin initials, e.g. zw for 张伟
        shot(win, "talent-search-initials")
        page.clear_filters()
        page.new_talent()
        form = detail.form
        form.fields["name"].set_text("张伟")
        form.fields["id_number"].set_text("15292119900501123")
        shot(win, "talent-new-invalid")
        from talentdesk.domain import idcard
        import datetime as dt

        form.fields["id_number"].set_text(idcard.make("152921", dt.date(1990, 5, 1), 123))
        shot(win, "talent-new-filled-from-id")
        detail.revert()
        detail.clear()

    if "import" in only:
        from talentdesk.ui.importer import ImportWizard

        roster = write_sample_roster(args.out / "示例花名册.xlsx")
        wizard = ImportWizard(env, win)
        wizard.show()
        shot(wizard, "import-1-file-empty")
        wizard.file_page.set_path(str(roster))
        settle()
        shot(wizard, "import-1-file")
        for n, name in ((2, "sheet"), (3, "mapping"), (4, "preview")):
            wizard.next()
            settle()
            shot(wizard, f"import-{n}-{name}")
        wizard.preview_page.only_errors.setChecked(True)
        shot(wizard, "import-4-preview-errors-only")
        wizard.preview_page.only_errors.setChecked(False)
        wizard.next()
        settle()
        shot(wizard, "import-5-summary")
        wizard.close()

    if "error" in only:
        from talentdesk.ui.errors import ErrorDialog

        try:
            raise RuntimeError("示例：意外错误")
        except RuntimeError as exc:
            import traceback

            dlg = ErrorDialog(exc, traceback.format_exc(), win)
            dlg.show()
            shot(dlg, "error-dialog")
            dlg.close()

    win.close()
    env.runner.wait()
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
