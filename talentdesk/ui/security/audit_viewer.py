"""审计记录: the audit trail, filterable by user, date and talent; verify the chain;
export to Excel. ID numbers and phone numbers are masked in the list; selecting a row
shows that event in full (opening the record)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit, export as audit_export, text as audit_text
from talentdesk.services.context import ServiceContext
from talentdesk.ui.i18n import tr

COLUMNS = ("编号", "时间", "用户", "操作", "对象", "对象编号", "内容")


def _summary(e: audit.AuditEntry) -> str:
    """What changed, in field names and values: 状态：已审核 → 已发放；凭证号：（空） → 记-1."""
    before = e.before if isinstance(e.before, dict) else ({} if e.before is None else {"value": e.before})
    after = e.after if isinstance(e.after, dict) else ({} if e.after is None else {"value": e.after})
    parts = []
    for key in list(dict.fromkeys([*before, *after])):
        name = audit_text.fields_text({key: None}).split("：")[0]
        if key in before and key in after:
            parts.append(f"{name}：{audit_text.value_text(key, before[key])} → {audit_text.value_text(key, after[key])}")
        elif key in after:
            parts.append(f"{name}：{audit_text.value_text(key, after[key])}")
        else:
            parts.append(f"{name}：{audit_text.value_text(key, before[key])}（删除前）")
    return audit_export.mask_text("；".join(parts))[:2000]


class AuditViewer(QDialog):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None, *, limit: int = 2000):
        super().__init__(parent)
        self.ctx = ctx
        self.limit = limit
        self.setWindowTitle(tr("审计记录"))
        self.resize(980, 560)
        self.user = QLineEdit()
        self.user.setObjectName("user")
        self.user.setPlaceholderText(tr("用户名"))
        self.talent = QLineEdit()
        self.talent.setObjectName("talent")
        self.talent.setPlaceholderText(tr("人才身份证号"))
        self.use_dates = QCheckBox(tr("日期"))
        self.use_dates.setObjectName("use_dates")
        self.since = QDateEdit(QDate.currentDate().addMonths(-1))
        self.since.setObjectName("since")
        self.until = QDateEdit(QDate.currentDate())
        self.until.setObjectName("until")
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        search = QPushButton(tr("查询"))
        search.setObjectName("search")
        search.clicked.connect(self.refresh)
        filters = QHBoxLayout()
        for w in (QLabel(tr("用户")), self.user, QLabel(tr("人才")), self.talent, self.use_dates, self.since,
                  QLabel("—"), self.until, search):
            filters.addWidget(w)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("events")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_detail(row))
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("detail")
        self.detail.setReadOnly(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([400, 120])
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        verify = QPushButton(tr("校验审计链"))
        verify.setObjectName("verify")
        verify.clicked.connect(self.verify)
        self.mask = QCheckBox(tr("导出时遮盖身份证号和手机号"))
        self.mask.setObjectName("mask")
        self.mask.setChecked(True)
        export = QPushButton(tr("导出 Excel…"))
        export.setObjectName("export")
        export.clicked.connect(self.export)
        bottom = QHBoxLayout()
        for w in (verify, self.mask, export):
            bottom.addWidget(w)
        bottom.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.events: list[audit.AuditEntry] = []
        self.refresh()

    # -- filters ---------------------------------------------------------------
    def _filters(self) -> dict:
        talent_id = None
        text = self.talent.text().strip()
        if text:
            from talentdesk.services.register import talents

            talent_id = talents.get(self.ctx, text).id
        out = {"user": self.user.text().strip() or None, "talent_id": talent_id}
        if self.use_dates.isChecked():
            out["since"] = self.since.date().toPython()
            out["until"] = self.until.date().toPython()
        return out

    def refresh(self) -> None:
        try:
            permissions.require(self.ctx, "audit.view")
            self.events = audit.list_events(self.ctx, limit=self.limit, **self._filters())
        except TalentDeskError as exc:
            self.status.setText(exc.message)
            self.events = []
        else:
            more = tr("（只显示最近 %d 条，请缩小条件）") % self.limit if len(self.events) >= self.limit else ""
            self.status.setText(tr("共 %d 条") % len(self.events) + more)
        self.table.setRowCount(len(self.events))
        for r, e in enumerate(self.events):
            values = (str(e.id), audit_text.local_time(e.at), e.user or "",
                      tr(audit_text.action_name(e.action)), tr(audit_text.entity_name(e.entity)),
                      audit_export.mask_text(e.entity_id or ""), _summary(e))
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(v))
        self.detail.clear()

    def show_detail(self, row: int) -> None:
        if not 0 <= row < len(self.events):
            self.detail.clear()
            return
        e = self.events[row]
        lines = [f"#{e.id}  {audit_text.local_time(e.at)}  {e.user or ''}  "
                 f"{audit_text.action_name(e.action)}  {audit_text.entity_name(e.entity)} {e.entity_id or ''}",
                 tr("修改前：") + audit_text.fields_text(e.before), tr("修改后：") + audit_text.fields_text(e.after)]
        self.detail.setPlainText("\n".join(lines))

    def verify(self) -> bool:
        result = audit.verify(self.ctx)
        self.status.setText(tr(result.message))
        return result.ok

    def export(self, _checked=False, *, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("导出审计记录"),
                                                  f"审计记录-{dt.date.today():%Y%m%d}.xlsx", "Excel (*.xlsx)")
            if not path:
                return False
        try:
            result = audit_export.export_xlsx(self.ctx, path, mask=self.mask.isChecked(), **self._filters())
        except TalentDeskError as exc:
            self.status.setText(exc.message)
            return False
        self.status.setText(tr("已导出 %d 条到 %s") % (result.rows, str(result.path)))
        return True
