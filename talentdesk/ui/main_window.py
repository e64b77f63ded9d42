"""The main window: navigation on the left, one page at a time, menus, status bar.

Pages are created the first time they are shown (start-up stays fast); see the package
docstring of ``talentdesk.ui`` for the page contract.
"""

from __future__ import annotations

import importlib
import logging
import traceback
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QPushButton,
                               QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from talentdesk.ui.env import UiEnv
from talentdesk.ui.i18n import tr

log = logging.getLogger("talentdesk.ui")


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    module: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "首页", "talentdesk.ui.overview.dashboard"),
    PageSpec("talents", "人才库", "talentdesk.ui.talents"),
    PageSpec("employers", "用人单位", "talentdesk.ui.register.employers"),
    PageSpec("recognitions", "人才认定", "talentdesk.ui.register.recognitions"),
    PageSpec("agreements", "服务协议", "talentdesk.ui.benefits.agreements"),
    PageSpec("payments", "待遇发放", "talentdesk.ui.benefits.payments"),
    PageSpec("reviews", "年度考核", "talentdesk.ui.benefits.reviews"),
    PageSpec("departures", "离职追回", "talentdesk.ui.benefits.departures"),
    PageSpec("budget", "资金测算", "talentdesk.ui.finance.budget"),
    PageSpec("care", "人才服务", "talentdesk.ui.care.page"),
    PageSpec("housing", "人才公寓", "talentdesk.ui.care.housing"),
    PageSpec("statistics", "人才统计", "talentdesk.ui.overview.statistics"),
    PageSpec("reports", "报表打印", "talentdesk.ui.overview.reports"),
    PageSpec("settings", "系统设置", "talentdesk.ui.office.settings"),
)
PAGE_KEYS = tuple(p.key for p in PAGES)


class Placeholder(QWidget):
    """Shown for a page whose module does not exist yet (or failed to load)."""

    def __init__(self, title: str, note: str, details: str | None = None, parent=None):
        super().__init__(parent)
        self.title = title
        self.error_details = details
        lay = QVBoxLayout(self)
        lay.addStretch(2)
        head = QLabel(title)
        head.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = head.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        head.setFont(font)
        lay.addWidget(head)
        body = QLabel(note)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.setWordWrap(True)
        body.setStyleSheet("color: palette(mid);")
        lay.addWidget(body)
        lay.addStretch(3)


class MainWindow(QMainWindow):
    def __init__(self, env: UiEnv, parent=None):
        super().__init__(parent)
        self.env = env
        env.main_window = self
        self.demo = False  # a demo database (演示数据): title and status bar say so
        self.setWindowTitle(tr("人才服务台账"))
        self.setMinimumSize(QSize(960, 600))
        self.pages: dict[str, QWidget] = {}
        self.failed_pages: dict[str, str] = {}
        self._current_key: str | None = None

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.nav.setMinimumWidth(120)
        self.nav.setMaximumWidth(220)
        self.nav.setSpacing(2)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the titles fit
        nav_font = self.nav.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.15)
        self.nav.setFont(nav_font)
        for spec in PAGES:
            item = QListWidgetItem(tr(spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setSizeHint(QSize(120, 36))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self._slots: dict[str, QWidget] = {}
        for spec in PAGES:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._slots[spec.key] = holder
            self.stack.addWidget(holder)

        self.splitter = QSplitter()
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([140, 1100])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self._build_status_bar()
        self._build_menus()
        self.nav.currentRowChanged.connect(self._on_nav_row)
        env.navigate_requested.connect(self._on_navigate)
        env.open_talent_requested.connect(self.open_talent)
        env.status_message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        env.data_changed.connect(self._on_data_changed)
        self._restore_state()
        start = str(env.qsettings.value("window/page", "dashboard"))
        self.show_page(start if start in PAGE_KEYS else "dashboard")

    # -- pages ------------------------------------------------------------------------
    def spec(self, key: str) -> PageSpec:
        for spec in PAGES:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def page(self, key: str) -> QWidget:
        """The page widget for ``key``, created on first use."""
        if key in self.pages:
            return self.pages[key]
        spec = self.spec(key)
        widget = self._create_page(spec)
        self.pages[key] = widget
        self._slots[key].layout().addWidget(widget)
        return widget

    def _create_page(self, spec: PageSpec) -> QWidget:
        try:
            module = importlib.import_module(spec.module)
        except ModuleNotFoundError as exc:
            if exc.name and (spec.module == exc.name or spec.module.startswith(exc.name + ".")):
                return Placeholder(tr(spec.title), tr("此功能正在建设中，敬请期待。"))
            return self._failed(spec, traceback.format_exc())
        except Exception:
            return self._failed(spec, traceback.format_exc())
        try:
            widget = module.Page(self.env)
        except Exception:
            return self._failed(spec, traceback.format_exc())
        return widget

    def _failed(self, spec: PageSpec, details: str) -> QWidget:
        log.error("page %s failed to load:\n%s", spec.key, details)
        self.failed_pages[spec.key] = details
        return Placeholder(tr(spec.title), tr("此页面加载失败，详细信息已写入日志文件。请联系技术支持。"), details)

    def current_key(self) -> str | None:
        return self._current_key

    def current_page(self) -> QWidget | None:
        return self.pages.get(self._current_key) if self._current_key else None

    def _can_leave(self) -> bool:
        page = self.current_page()
        can_leave = getattr(page, "can_leave", None)
        return bool(can_leave()) if callable(can_leave) else True

    def show_page(self, key: str, **filters) -> bool:
        """Switch to ``key`` (asking a page with unsaved edits first); apply filters."""
        if key not in PAGE_KEYS:
            raise KeyError(key)
        if key != self._current_key and self._current_key is not None and not self._can_leave():
            self._select_nav(self._current_key)
            return False
        widget = self.page(key)
        self._current_key = key
        self._select_nav(key)
        self.stack.setCurrentWidget(self._slots[key])
        if filters and hasattr(widget, "apply_filters"):
            widget.apply_filters(**filters)
        refresh = getattr(widget, "refresh", None)
        if callable(refresh) and not filters:
            refresh()
        self.setWindowTitle(self._title(f"{tr(self.spec(key).title)} - {tr('人才服务台账')}"))
        return True

    def _title(self, text: str) -> str:
        if getattr(self.env.ctx, "office_name", None):  # a league's shared server: which office this window acts for
            text = f"{text} - {self.env.ctx.office_name}"
        return f"{text}（{tr('演示数据')}）" if self.demo else text

    def _select_nav(self, key: str) -> None:
        row = PAGE_KEYS.index(key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)

    def _on_nav_row(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.show_page(PAGES[row].key)

    def _on_navigate(self, key: str, filters: dict) -> None:
        self.show_page(key, **filters)

    def open_talent(self, id_number: str) -> None:
        if self.show_page("talents"):
            page = self.pages["talents"]
            if hasattr(page, "open_talent"):
                page.open_talent(id_number)

    def _on_data_changed(self, entity: str) -> None:
        if entity == "settings":
            self._update_status()

    # -- menus and shortcuts ----------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, name: str | None = None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        if name:
            act.setObjectName(name)
        menu.addAction(act)
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m_file = bar.addMenu(tr("文件(&F)"))
        self.act_import = self._action(m_file, tr("导入花名册(&I)…"), lambda: self.import_roster(),
                                       QKeySequence("Ctrl+I"), "act_import")
        self.act_print = self._action(m_file, tr("报表打印(&P)…"), lambda: self.show_page("reports"),
                                      QKeySequence("Ctrl+P"), "act_print")
        m_file.addSeparator()
        self._action(m_file, tr("打开日志文件夹"), self.open_log_folder)
        m_file.addSeparator()
        self._action(m_file, tr("退出(&X)"), self.close, QKeySequence("Ctrl+Q"), "act_quit")

        m_talent = bar.addMenu(tr("人才(&T)"))
        self.act_new = self._action(m_talent, tr("新增人才(&N)"), self.new_talent, QKeySequence("Ctrl+N"), "act_new")
        self.act_find = self._action(m_talent, tr("查找(&F)"), self.focus_search, QKeySequence("Ctrl+F"), "act_find")

        m_go = bar.addMenu(tr("转到(&G)"))
        for i, spec in enumerate(PAGES, start=1):
            self._action(m_go, tr(spec.title), lambda checked=False, k=spec.key: self.show_page(k),
                         QKeySequence(f"Ctrl+{i}") if i <= 9 else None)  # Ctrl+1 … Ctrl+9
        self.m_system = bar.addMenu(tr("系统(&S)"))
        try:  # the security engineer's menu entries (user admin, audit viewer), if present
            security = importlib.import_module("talentdesk.ui.security")
            install = getattr(security, "install_menu", None)
            if callable(install):
                install(self, self.env)
        except ModuleNotFoundError:
            pass
        except Exception:
            log.error("security menu failed:\n%s", traceback.format_exc())
        self._action(self.m_system, tr("失信名单…"), self.open_credit_list, name="act_credit_list")
        self._action(self.m_system, tr("系统设置"), lambda: self.show_page("settings"))

        m_help = bar.addMenu(tr("帮助(&H)"))
        self._action(m_help, tr("关于人才服务台账"), self.about)

    # -- 注销/切换用户 -------------------------------------------------------------------
    def switch_user(self) -> bool:
        """Log the current user out and let the next one log in on the same window (a shared
        PC hands over to the second approver). 退出 in the log-in dialog closes the program,
        so nobody goes on as the user who logged out."""
        if not self._can_leave():
            return False
        security = importlib.import_module("talentdesk.ui.security")
        ctx = security.ask_login(self.env, self)
        if ctx is None:
            self.close()
            return False
        self.set_context(ctx)
        return True

    def set_context(self, ctx) -> None:
        """Work on as another user: pages, menus and status are built again for the new role."""
        key = self._current_key or "dashboard"
        self.env.ctx = ctx
        for k, widget in list(self.pages.items()):
            self._slots[k].layout().removeWidget(widget)
            widget.deleteLater()
        self.pages.clear()
        self.failed_pages.clear()
        self._current_key = None
        self.menuBar().clear()
        self._build_menus()
        self._update_status()
        self.show_page(key if key in PAGE_KEYS else PAGES[0].key)
        self.env.notify(tr("已切换为用户：") + ctx.actor)

    def import_roster(self, path: str | None = None) -> None:
        try:
            from talentdesk.ui.importer import ImportWizard
        except ModuleNotFoundError:
            self.env.info(tr("导入功能正在建设中。"))
            return

        wizard = ImportWizard(self.env, self, path=path)
        wizard.open()
        self._wizard = wizard

    def new_talent(self) -> None:
        if self.show_page("talents"):
            page = self.pages["talents"]
            if hasattr(page, "new_talent"):
                page.new_talent()

    def focus_search(self) -> None:
        page = self.current_page()
        if page is not None and hasattr(page, "focus_search"):
            page.focus_search()
            return
        if self.show_page("talents") and hasattr(self.pages["talents"], "focus_search"):
            self.pages["talents"].focus_search()

    def open_credit_list(self):
        """系统 → 失信名单… (条例 第六十六条)."""
        from talentdesk.ui.register.credit import open_credit_list

        return open_credit_list(self.env, self)

    def open_log_folder(self) -> None:
        from talentdesk import paths

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.log_dir())))

    def about(self) -> None:
        from talentdesk import __version__

        QMessageBox.about(self, tr("关于人才服务台账"),
                          tr("人才服务台账 TalentDesk") + f" {__version__}\n\n"
                          + tr("数据库：") + self.env.ctx.db.describe())

    # -- status bar ---------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.lbl_db = QLabel()
        self.lbl_user = QLabel()
        self.lbl_policy = QLabel()
        for lbl in (self.lbl_user, self.lbl_policy, self.lbl_db):
            lbl.setContentsMargins(8, 0, 8, 0)
            sb.addPermanentWidget(lbl)
        # The audit check at start: chain, anchor and money rows, verified in the background.
        self.btn_audit = QPushButton(tr("审计链校验中…"))
        self.btn_audit.setObjectName("audit_status")
        self.btn_audit.setFlat(True)
        self.btn_audit.setEnabled(False)
        self.btn_audit.clicked.connect(self.show_audit_details)
        sb.addPermanentWidget(self.btn_audit)
        self.audit_result = None
        self.audit_box: QMessageBox | None = None
        self._update_status(policy=False)
        QTimer.singleShot(0, self._update_status)  # the policy needs a query: after the first paint
        QTimer.singleShot(0, self.start_audit_check)

    def _update_status(self, policy: bool = True) -> None:
        ctx = self.env.ctx
        db_text = ctx.db.describe()
        short = db_text if len(db_text) <= 60 else "…" + db_text[-58:]
        if policy:
            self._check_demo()
        self.lbl_db.setText((f"【{tr('演示数据')}】" if self.demo else "") + tr("数据库：") + short)
        self.lbl_db.setToolTip(db_text)
        from talentdesk.domain.status import ROLES

        role = ROLES.get(ctx.role or "", "")
        who = ctx.extra.get("display_name") or ctx.actor  # the person's name, not the log-in code
        office = f" · {ctx.office_name}" if getattr(ctx, "office_name", None) else ""
        self.lbl_user.setText(tr("用户：") + who + (f"（{role}）" if role else "") + office)
        self.lbl_user.setToolTip(tr("登录名：") + ctx.actor)
        self.lbl_policy.setText(tr("政策：") + (self._policy_text() if policy else "…"))

    def _check_demo(self) -> None:
        from talentdesk.services.exchange.demodata import mark as demo_mark

        try:
            demo = demo_mark.is_demo(self.env.ctx)
        except Exception:
            log.warning("could not read the demo mark:\n%s", traceback.format_exc())
            return
        if demo != self.demo:
            self.demo = demo
            title = self.windowTitle()
            mark = f"（{tr('演示数据')}）"
            self.setWindowTitle(title + mark if demo else title.replace(mark, ""))

    def _policy_text(self) -> str:
        try:
            from talentdesk.services.office import settings as settings_service

            policy_id = settings_service.get_settings(self.env.ctx).default_policy_id
        except Exception:
            log.warning("could not read the default policy:\n%s", traceback.format_exc())
            return tr("未设置")
        if not policy_id:
            return tr("未设置")
        try:  # the policy's name as the office knows it, its id in the tooltip
            from talentdesk import paths, rules

            pack = rules.get_pack(policy_id, extra_dirs=(paths.user_policy_dir(),))
        except Exception:
            log.warning("could not load the default policy %s:\n%s", policy_id, traceback.format_exc())
            return policy_id
        self.lbl_policy.setToolTip(f"{pack.title}（{policy_id}）")
        return pack.title if len(pack.title) <= 20 else pack.title[:19] + "…"

    # -- audit check at start ------------------------------------------------------------
    def start_audit_check(self) -> None:
        """Verify the audit trail off the GUI thread; the result goes to the status bar."""
        from talentdesk.services.office.audit import log as audit

        ctx = self.env.ctx
        self.btn_audit.setText(tr("审计链校验中…"))
        self.btn_audit.setEnabled(False)
        self.btn_audit.setStyleSheet("")
        self.env.run_op(tr("校验审计链"), lambda _progress, _cancelled: audit.verify(ctx),
                        self._audit_checked, cancellable=False, dialog=False, on_error=self._audit_check_failed)

    def _audit_checked(self, result) -> None:
        try:
            self.audit_result = result
            if result.ok:
                self.btn_audit.setText(tr("审计链校验通过"))
                self.btn_audit.setToolTip(tr(result.message))
                self.btn_audit.setStyleSheet("color: #2e7d32;")
                self.btn_audit.setEnabled(True)
                return
            log.warning("audit check at start: %s", "; ".join(result.problems))
            self.btn_audit.setText(tr("审计校验发现问题（点击查看）"))
            self.btn_audit.setToolTip(tr(result.message))
            self.btn_audit.setStyleSheet("color: white; background: #c62828; font-weight: bold; padding: 0 8px;")
            self.btn_audit.setEnabled(True)
        except RuntimeError:  # the window was closed before the check finished
            pass

    def _audit_check_failed(self, exc: BaseException) -> bool:
        log.warning("audit check at start failed: %s", exc)
        try:
            self.btn_audit.setText(tr("审计链未能校验"))
            self.btn_audit.setToolTip(getattr(exc, "message", None) or str(exc))
            self.btn_audit.setStyleSheet("color: #c62828;")
            self.btn_audit.setEnabled(False)
        except RuntimeError:
            pass
        return True

    def show_audit_details(self, _checked: bool = False) -> None:
        result = self.audit_result
        if result is None:
            return
        if result.ok:
            box = QMessageBox(QMessageBox.Icon.Information, tr("审计链校验"), tr(result.message),
                              QMessageBox.StandardButton.Ok, self)
        else:
            box = QMessageBox(QMessageBox.Icon.Warning, tr("审计校验发现问题"), tr(result.message),
                              QMessageBox.StandardButton.Ok, self)
            box.setInformativeText(tr("审计记录、金额记录或用户账户可能在程序之外被删除或修改。请通知管理员，"
                                      "用单位另行保存的审计锚点核对（talentdesk audit verify --anchor 文件），"
                                      "必要时从校验通过的备份恢复。"))
            box.setDetailedText("\n".join(result.problems))
        box.setObjectName("audit_details")
        self.audit_box = box
        box.open()

    # -- geometry -----------------------------------------------------------------------
    def _restore_state(self) -> None:
        qs = self.env.qsettings
        geometry = qs.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = qs.value("window/state")
        if state is not None:
            self.restoreState(state)
        splitter = qs.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_state(self) -> None:
        qs = self.env.qsettings
        qs.setValue("window/geometry", self.saveGeometry())
        qs.setValue("window/state", self.saveState())
        qs.setValue("window/splitter", self.splitter.saveState())
        if self._current_key:
            qs.setValue("window/page", self._current_key)
        for page in self.pages.values():
            save = getattr(page, "save_state", None)
            if callable(save):
                save()
        qs.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        for page in self.pages.values():
            can_leave = getattr(page, "can_leave", None)
            if callable(can_leave) and not can_leave():
                event.ignore()
                return
        if self.env.busy() and not self.env.headless:
            if not self.env.confirm(tr("还有操作正在进行，确定要退出吗？（正在进行的操作会在完成当前步骤后停止）")):
                event.ignore()
                return
            for op in list(self.env._ops):
                op.cancel()
        self.save_state()
        self.env.runner.wait(30000)
        event.accept()

    def select_page_later(self, key: str) -> None:  # pragma: no cover - convenience
        QTimer.singleShot(0, lambda: self.show_page(key))
