"""Start the desktop application: ``run(argv)`` (from ``talentdesk`` with no arguments)
and ``main()`` (the ``talentdesk-gui`` script).

Options: ``--db URL_OR_PATH`` (else ``TALENTDESK_DB`` or the embedded file), ``--smoke``
(offscreen: open the main window, visit every page, process events, quit with 0; 1 if a
page failed to load; used by CI on the built program).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback

log = logging.getLogger("talentdesk.ui")

# Preferred UI fonts, best first: Windows, then fonts commonly installed on Linux.
UI_FONTS_WINDOWS = ["Microsoft YaHei UI", "Microsoft YaHei", "SimHei"]
UI_FONTS_LINUX = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
                  "Droid Sans Fallback", "AR PL UMing CN", "AR PL SungtiL GB"]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="talentdesk", add_help=True)
    parser.add_argument("--db", help="数据库文件路径或 SQLAlchemy URL")
    parser.add_argument("--smoke", action="store_true", help="离屏启动主窗口后立即退出（用于自动测试）")
    args, _qt_args = parser.parse_known_args(argv[1:])
    return args


def choose_ui_font(app) -> None:
    """Microsoft YaHei UI on Windows; an installed CJK font elsewhere (else Qt's fallback)."""
    from PySide6.QtGui import QFont, QFontDatabase

    available = set(QFontDatabase.families())
    wanted = UI_FONTS_WINDOWS if sys.platform == "win32" else UI_FONTS_LINUX + UI_FONTS_WINDOWS
    families = [f for f in wanted if f in available]
    if not families:
        return
    font = QFont(app.font())
    base = font.family()
    font.setFamilies(families + ([base] if base not in families else []))
    if sys.platform == "win32" and font.pointSizeF() < 9:
        font.setPointSizeF(9)
    app.setFont(font)


def make_application(argv: list[str]):
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        # Qt 6 is high-DPI aware by default; keep fractional scale factors (125 %, 150 %).
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv)
    QCoreApplication.setOrganizationName("TalentDesk")
    QCoreApplication.setApplicationName("TalentDesk")
    QGuiApplication.setApplicationDisplayName("人才服务台账")
    choose_ui_font(app)
    install_qt_translations(app)
    set_window_icon(app)
    return app


def install_qt_translations(app) -> bool:
    """Qt's own strings (standard buttons 确定/取消/关闭, file dialogs) in Chinese: the
    qtbase_zh_CN catalogue from the Qt installation (bundled in the Windows build)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    if getattr(app, "_td_translator", None) is not None:
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        log.warning("Qt's Chinese translations not found in %s", folder)
        return False
    app.installTranslator(translator)
    app._td_translator = translator
    return True


def set_window_icon(app) -> None:
    from PySide6.QtGui import QIcon

    from talentdesk import paths

    icon = paths.resources_dir() / "icons" / "talentdesk.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def database_target(cli_db: str | None) -> str | None:
    """Which database to open: ``--db``, else ``TALENTDESK_DB``, else the location chosen in
    系统设置 on this PC (QSettings ``database/url``), else the embedded default (None)."""
    import os

    if cli_db:
        return cli_db
    if os.environ.get("TALENTDESK_DB"):
        return os.environ["TALENTDESK_DB"]
    from talentdesk.ui.env import open_qsettings

    chosen = open_qsettings().value("database/url", "", type=str)
    return chosen or None


def open_database_interactive(target, parent=None, *, headless: bool = False):
    """Open the database; on failure explain it and offer the last good backup."""
    from PySide6.QtWidgets import QMessageBox

    from talentdesk.domain.errors import TalentDeskError
    from talentdesk.models.db import open_database
    from talentdesk.ui.i18n import tr

    try:
        return open_database(target)
    except TalentDeskError as exc:
        message = exc.message
        log.error("cannot open database: %s", message)
    if headless:
        sys.stderr.write(message + "\n")
        return None
    restored = _offer_restore(target, message, parent)
    if restored:
        try:
            return open_database(target)
        except TalentDeskError as exc:
            message = exc.message
    QMessageBox.critical(parent, tr("无法打开数据库"),
                         message + "\n\n" + tr("可以在命令行运行 talentdesk restore 备份文件 从备份恢复，"
                                               "或联系管理员。"))
    return None


def _offer_restore(target, message: str, parent) -> bool:
    """The database would not open: ask ``services.integrity`` (the security engineer's)
    what is wrong and, if a verified backup exists, offer to restore it."""
    from PySide6.QtWidgets import QMessageBox

    from talentdesk.ui.i18n import tr

    try:
        from talentdesk.services.office import integrity
    except ModuleNotFoundError:
        return False
    try:
        result = integrity.check(target)
    except Exception:
        log.error("integrity check failed:\n%s", traceback.format_exc())
        return False
    if result.ok or not result.can_restore:
        return False
    created = f"{result.last_good.created:%Y-%m-%d %H:%M}"
    answer = QMessageBox.question(
        parent, tr("数据库无法打开"),
        message + "\n\n" + tr(result.message) + "\n\n" + tr("找到 {t} 的完好备份：").format(t=created)
        + f"\n{result.last_good.path}\n\n" + tr("是否用这个备份恢复数据库？（损坏的文件会另存保留）"))
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        kept = integrity.restore_last_good(result.path, result.last_good.path)
    except Exception as exc:
        QMessageBox.critical(parent, tr("恢复失败"), str(getattr(exc, "message", exc)))
        return False
    QMessageBox.information(parent, tr("已恢复"), tr("已恢复到 {t} 的备份。损坏的文件保存在：\n{p}")
                            .format(t=created, p=kept))
    return True


def login(db, parent=None):
    """``talentdesk.ui.security.login.login(db, parent)`` if the security module exists;
    else the single-user context. None means: quit."""
    from talentdesk.services.context import ServiceContext

    try:
        from talentdesk.ui.security import login as login_module
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("talentdesk.ui.security"):
            return ServiceContext(db)
        raise
    return login_module.login(db, parent)


def run(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = parse_args(argv)
    if args.smoke:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ["TALENTDESK_NO_ERR_WINDOWS"] = "1"
    from talentdesk.ui.errors import install_excepthook, setup_logging

    setup_logging()
    app = make_application(argv)
    from talentdesk.ui.env import UiEnv, open_qsettings
    from talentdesk.ui.main_window import PAGES, MainWindow

    db = open_database_interactive(database_target(args.db), headless=args.smoke)
    if db is None:
        return 1
    if args.smoke:
        from talentdesk.services.context import ServiceContext

        ctx = ServiceContext(db)
    else:
        ctx = login(db)
        if ctx is None:
            db.dispose()
            return 0
    env = UiEnv(ctx, open_qsettings())
    install_excepthook(env)
    window = MainWindow(env)
    window.show()
    if args.smoke:
        app.processEvents()
        for spec in PAGES:
            window.show_page(spec.key)
            app.processEvents()
        window.show_page("talents")
        app.processEvents()
        failed = sorted(window.failed_pages)
        window.close()
        env.runner.wait()
        db.dispose()
        if failed:
            sys.stderr.write("pages failed to load: " + ", ".join(failed) + "\n")
            for key in failed:
                sys.stderr.write(window.failed_pages[key] + "\n")
            return 1
        print("smoke ok")
        return 0
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, freeze_startup_objects)
    code = app.exec()
    env.runner.wait()
    db.dispose()
    return code


def freeze_startup_objects() -> None:
    """Move everything alive once the window is up (Qt, SQLAlchemy, the modules: about
    300,000 objects) out of the garbage collector's sight. Without it a full collection
    while scrolling 100,000 talents scans them all and freezes one frame for 230–250 ms
    (bench/bench_gui.py); with it the worst frame is a fetch of the next page."""
    import gc

    gc.collect()
    gc.freeze()


def main() -> None:
    sys.exit(run(sys.argv))
