"""The detail pane of 人才库: the edit form, the talent's agreement, grants, schedule and
payments, reviews and departures, the recognition, service cases, visits and talent
apartment (认定与服务), attachments (scans: add, preview, open) and history."""

from __future__ import annotations

import datetime as dt
import functools
import html
import importlib
import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QInputDialog, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QScrollArea, QSizePolicy, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from talentdesk.domain import money, roster
from talentdesk.domain.errors import ConflictError, NotFoundError
from talentdesk.domain.status import AGREEMENT_STATUS, GRANT_STATUS, INSTALLMENT_STATUS, TALENT_STATUS
from talentdesk.services.benefits import agreements, grant_facts
from talentdesk.services.register import attachments, talent_query, talents
from talentdesk.services.office.audit import log as audit
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import Col, DataTable, RowsModel
from talentdesk.ui.talents.form import TalentForm, to_text

log = logging.getLogger("talentdesk.ui")

ACTIONS = {"create": "新增", "update": "修改", "delete": "删除", "import": "导入", "approve": "批准",
           "propose": "提交", "reject": "退回", "pay": "发放", "cancel": "取消", "export": "导出", "print": "打印",
           "suspend": "暂停", "resume": "恢复", "reverse": "冲销", "restore": "恢复", "recompute": "重新测算",
           "conclude": "期满考核", "renew": "续签", "terminate": "解除", "lift": "解除",
           "confirm": "确认", "revoke": "撤销", "close": "办结", "reopen": "重新办理", "allocate": "入住",
           "vacate": "退房", "gift": "赠予"}
ENTITIES = {"talent": "人才信息", "attachment": "附件", "benefit_grant": "待遇", "grant": "待遇",
            "installment": "发放", "annual_review": "年度考核", "review": "年度考核", "departure": "离职登记",
            "service_agreement": "服务协议", "agreement": "服务协议", "recovery": "追回款", "case_decision": "一事一议",
            "grant_year_fact": "服务年度情况", "credit_entry": "失信名单",
            "recognition": "人才认定", "service_case": "服务事项", "visit": "走访记录", "occupancy": "人才公寓入住",
            "flat": "房源"}
OPERATIONS = {("pay", "installment"): "登记发放", ("approve", "installment"): "审核发放",
              ("propose", "installment"): "提交发放", ("cancel", "installment"): "取消发放",
              ("propose", "benefit_grant"): "申请待遇", ("approve", "benefit_grant"): "批准待遇",
              ("reject", "benefit_grant"): "退回待遇", ("cancel", "benefit_grant"): "取消待遇",
              ("create", "talent"): "登记人才", ("create", "annual_review"): "登记考核",
              ("create", "departure"): "离职登记", ("create", "recovery"): "登记追回",
              ("create", "service_agreement"): "登记协议", ("create", "attachment"): "添加附件",
              ("delete", "attachment"): "删除附件", ("update", "grant_year_fact"): "登记服务年度情况",
              ("recompute", "departure"): "重新测算应退回", ("conclude", "service_agreement"): "期满考核",
              ("renew", "service_agreement"): "续签协议", ("terminate", "service_agreement"): "解除协议"}
FIELD_LABELS = {"status": "状态", "paid_date": "发放日期", "voucher_no": "凭证号", "status_reason": "说明",
                "approval_date": "批准日期", "approval_doc_no": "批准文号", "benefit_name": "待遇",
                "total_fen": "总额", "amount_fen": "金额", "kind": "类型", "year": "年度", "result": "结果",
                "departed_on": "离职日期", "reason": "原因", "refund_due_fen": "应退回", "recovered_on": "追回日期",
                "file_name": "文件", "signed_date": "签订日期", "start_date": "起始日期", "term_years": "期限（年）",
                "required_service_years": "服务期（年）", "policy_id": "适用政策", "review_date": "考核日期",
                "remarks": "备注", "number": "决定文号", "months_served": "服务月数", "onsite_days": "在岗天数",
                "returned_to_post": "是否返岗", "note": "说明",
                "scheme": "认定类型", "tier": "类别或层次", "body": "认定机构", "doc_no": "文号",
                "recognised_on": "认定日期", "valid_until": "有效期至", "confirmed_by": "确认人",
                "confirmed_on": "确认日期", "revoked_on": "撤销日期", "revoked_by": "撤销人", "revoke_reason": "撤销原因"}
HIDDEN = {"approved_by", "proposed_by", "installments", "talent_id", "explanation", "basis", "decision_id",
          "cancelled", "sha256", "size", "departure_id", "benefit_code", "recorded_by", "grant_id", "funding"}
STATUS_NAMES = {"installment": INSTALLMENT_STATUS, "benefit_grant": GRANT_STATUS,
                "service_agreement": AGREEMENT_STATUS, "talent": TALENT_STATUS}


GRANT_BUTTON = tr("待遇申请…")  # the detail pane's button the 首页's hint names


def operation(e: audit.AuditEntry) -> str:
    return OPERATIONS.get((e.action, e.entity)) or ACTIONS.get(e.action, e.action) + ENTITIES.get(e.entity, "")


def _label(key: str) -> str:
    col = roster.BY_KEY.get(key)
    return col.label if col else FIELD_LABELS.get(key, key)


def _value(entity: str, key: str, value) -> str:
    if value is None or value == "":
        return "（空）"
    if key == "status" and isinstance(value, str):
        return STATUS_NAMES.get(entity, {}).get(value, value)
    if key.endswith("_fen") and isinstance(value, int):
        return money.yuan(value) + "元"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def describe_event(e: audit.AuditEntry) -> str:
    before = e.before if isinstance(e.before, dict) else {}
    after = e.after if isinstance(e.after, dict) else {}
    if before and after:  # a change: field: old → new
        keys = [k for k in after if k not in HIDDEN]
        return "；".join(f"{_label(k)}：{_value(e.entity, k, before.get(k))} → {_value(e.entity, k, after.get(k))}"
                        for k in keys)
    data = after or before
    if e.entity == "talent":
        return data.get("name", "")
    keys = [k for k in data if k not in HIDDEN and data[k] not in (None, "")]
    return "；".join(f"{_label(k)}：{_value(e.entity, k, data[k])}" for k in keys[:6])


def local_time(at: dt.datetime) -> str:
    return at.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def agreement_state(a) -> str:
    """履行中 / 期满待处理 / 已期满 / 已解除 (the one definition: ``agreements.state_of``)."""
    state = agreements.state_of(a.status, agreements.end_date(a.start_date, a.term_years))
    return agreements.STATE_LABELS.get(state, state)


class _ShortTable(DataTable):
    """A list of the 认定与服务 tab: it asks for a header and a few rows (three lists and
    their summaries share the pane; each still grows into the room there is), so that on a
    1366×768 screen the layout never squeezes the wrapped summaries above them."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        rows = self.verticalHeader().defaultSectionSize()
        return QSize(super().sizeHint().width(), self.horizontalHeader().sizeHint().height() + 3 * rows + 4)


@functools.lru_cache(maxsize=32)
def _policy_title(policy_id: str) -> str:
    """The policy's full title as the office knows it (its id when the pack cannot be read)."""
    try:
        from talentdesk import paths, rules

        return rules.get_pack(policy_id, extra_dirs=(paths.user_policy_dir(),)).title
    except Exception:  # noqa: BLE001 - a header: the id is better than nothing
        log.warning("could not load the policy %s", policy_id, exc_info=True)
        return policy_id


def _policy_short(title: str) -> str:
    """“阿拉善盟政策” for 阿拉善盟人才引进…办法 (the header is narrow; the tooltip has the title)."""
    for i, ch in enumerate(title[:6]):
        if ch in "盟市旗区":
            return title[:i + 1] + tr("政策")
    return title if len(title) <= 8 else title[:7] + "…"


class AttachmentsTab(QWidget):
    changed = Signal()

    def __init__(self, detail: "TalentDetail"):
        super().__init__()
        self.detail = detail
        self.env = detail.env
        self.setAcceptDrops(True)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.btn_add = QPushButton(tr("添加附件…"))
        self.btn_add.clicked.connect(self.choose_and_add)
        self.btn_open = QPushButton(tr("打开"))
        self.btn_open.clicked.connect(self.open_selected)
        self.btn_delete = QPushButton(tr("删除附件"))
        self.btn_delete.clicked.connect(self.delete_selected)
        for b in (self.btn_add, self.btn_open, self.btn_delete):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(lambda _r: self.preview_selected())
        self.list.itemDoubleClicked.connect(lambda _i: self.open_selected())
        split.addWidget(self.list)
        self.preview = QLabel(tr("选择一个附件以预览；也可以把扫描件拖到这里。"))
        self.preview.setObjectName("attachment_preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(160)
        self.preview.setWordWrap(True)
        self.preview.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        split.addWidget(self.preview)
        split.setSizes([120, 300])
        lay.addWidget(split, 1)
        self.items: list[attachments.AttachmentView] = []

    def load(self, id_number: str | None) -> None:
        self.list.clear()
        self._pixmap = None
        self.items = attachments.list_for(self.env.ctx, id_number) if id_number else []
        for a in self.items:
            size = f"{a.size / 1024:.0f} KB" if a.size < 1048576 else f"{a.size / 1048576:.1f} MB"
            item = QListWidgetItem(f"{a.kind}　{a.file_name}　（{size}）")
            self.list.addItem(item)
        self.preview.setPixmap(QPixmap())
        self.preview.setText(tr("选择一个附件以预览；也可以把扫描件拖到这里。") if id_number
                             else tr("保存人才信息后即可添加附件。"))
        self.btn_add.setEnabled(bool(id_number))
        self.btn_open.setEnabled(bool(self.items))
        self.btn_delete.setEnabled(bool(self.items))
        if self.items:
            self.list.setCurrentRow(0)

    def current(self) -> attachments.AttachmentView | None:
        r = self.list.currentRow()
        return self.items[r] if 0 <= r < len(self.items) else None

    def choose_and_add(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("选择扫描件"), self.env.last_folder(),
                                              tr("扫描件 (*.pdf *.png *.jpg *.jpeg *.bmp *.tif *.tiff);;所有文件 (*)"))
        if not path:
            return
        self.env.remember_folder(path)
        kind, ok = QInputDialog.getItem(self, tr("附件类别"), tr("这是什么材料？"), list(attachments.KINDS), 0, False)
        if ok:
            self.add(path, kind)

    def add(self, path: str, kind: str):
        id_number = self.detail.id_number
        if not id_number:
            return None

        def done(_view):
            self.load(id_number)
            self.list.setCurrentRow(self.list.count() - 1)
            self.env.data_changed.emit("attachment")

        return self.env.run_op(tr("正在保存附件"), lambda p, c: attachments.add(self.env.ctx, id_number, path, kind),
                               done, write=True, cancellable=False)

    def preview_selected(self) -> None:
        a = self.current()
        if a is None:
            return
        try:
            data = attachments.read_bytes(self.env.ctx, a.id)
        except Exception as exc:
            self.preview.setText(getattr(exc, "message", str(exc)))
            return
        image = QImage()
        if a.is_pdf:
            image = render_pdf_page(data, QSize(700, 900))
            if not image.isNull():  # a white page on a white pane: draw its edge
                from PySide6.QtGui import QColor, QPainter

                image = image.convertToFormat(QImage.Format.Format_RGB32)
                painter = QPainter(image)
                painter.setPen(QColor(150, 150, 150))
                painter.drawRect(0, 0, image.width() - 1, image.height() - 1)
                painter.end()
        elif a.is_image:
            image.loadFromData(data)
        if image.isNull():
            self._pixmap = None
            self.preview.setPixmap(QPixmap())
            self.preview.setText(tr("此类文件无法预览，请双击用相应的程序打开。"))
            return
        self._pixmap = QPixmap.fromImage(image)
        self._fit_preview()

    def _fit_preview(self) -> None:
        pix = getattr(self, "_pixmap", None)
        if pix is None or pix.isNull() or self.current() is None:
            return
        box = self.preview.size().expandedTo(QSize(200, 160))
        self.preview.setPixmap(pix.scaled(box, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_preview()

    def open_selected(self) -> None:
        a = self.current()
        if a is None:
            return
        try:
            path = attachments.local_path(self.env.ctx, a.id)
        except Exception as exc:
            self.env.show_error(exc)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def delete_selected(self) -> None:
        a = self.current()
        if a is None:
            return
        if not self.env.confirm(tr("确定删除附件“{name}”吗？").format(name=a.file_name)):
            return
        try:
            attachments.delete(self.env.ctx, a.id)
        except Exception as exc:
            self.env.show_error(exc)
            return
        self.load(self.detail.id_number)
        self.env.data_changed.emit("attachment")

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and self.detail.id_number:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                kind, ok = QInputDialog.getItem(self, tr("附件类别"), Path(url.toLocalFile()).name,
                                                list(attachments.KINDS), 0, False)
                if ok:
                    self.add(url.toLocalFile(), kind)


def render_pdf_page(data: bytes, size: QSize) -> QImage:
    """The first page of a PDF as an image (QtPdf); a null image if it cannot be read."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buf)
    if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
        return QImage()
    page = doc.pagePointSize(0)
    scale = min(size.width() / max(page.width(), 1), size.height() / max(page.height(), 1))
    image = doc.render(0, QSize(int(page.width() * scale), int(page.height() * scale)))
    doc.close()
    return image


class TalentDetail(QWidget):
    """Shows and edits one talent. ``saved(talent_id, created)``, ``deleted(talent_id)``;
    ``occupied(bool)``: whether it shows a talent or a new one (false after ``clear()``)."""

    saved = Signal(int, bool)
    deleted = Signal(int)
    dirty_changed = Signal(bool)
    occupied = Signal(bool)

    def __init__(self, env, parent=None):
        super().__init__(parent)
        self.env = env
        self.talent_id: int | None = None
        self.id_number: str | None = None
        self.version: int | None = None
        self.view: talents.TalentView | None = None
        self.creating = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 0, 0, 0)
        head = QHBoxLayout()
        self.title = QLabel(tr("未选择人才"))
        self.title.setObjectName("detail_title")
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.title.setFont(f)
        head.addWidget(self.title, 1)
        self.btn_grant = QPushButton(GRANT_BUTTON)
        self.btn_grant.setToolTip(tr("按政策测算并提交待遇申请"))
        self.btn_grant.clicked.connect(self.open_grant_dialog)
        self.btn_delete = QPushButton(tr("删除…"))
        self.btn_delete.clicked.connect(self.delete_talent)
        self.btn_revert = QPushButton(tr("撤销修改"))
        self.btn_revert.clicked.connect(self.revert)
        self.btn_save = QPushButton(tr("保存"))
        self.btn_save.setObjectName("btn_save")
        self.btn_save.setToolTip(tr("保存 (Ctrl+S)"))
        self.btn_save.setDefault(True)
        self.btn_save.clicked.connect(self.save)
        for b in (self.btn_grant, self.btn_delete, self.btn_revert, self.btn_save):
            head.addWidget(b)
        lay.addLayout(head)
        self.tabs = QTabWidget()
        self.form = TalentForm()
        self.form.changed.connect(self._update_buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.tabs.addTab(scroll, tr("基本信息"))
        self.tabs.addTab(self._build_benefits(), tr("协议与待遇"))
        self.tabs.addTab(self._build_reviews(), tr("考核与离职"))
        self.duties_tab = self._build_duties()
        self.tabs.addTab(self.duties_tab, tr("认定与服务"))
        self.attachments = AttachmentsTab(self)
        self.tabs.addTab(self.attachments, tr("附件"))
        self.history_model = RowsModel([Col(tr("时间"), lambda e: local_time(e.at), width=8),
                                        widgets.person_col(self.env, tr("用户"), "user", width=5),
                                        Col(tr("操作"), operation, width=5),
                                        Col(tr("内容"), describe_event, width=16, tip=describe_event)])
        self.history = DataTable(self.history_model)
        self.history.setSortingEnabled(False)
        self.tabs.addTab(self.history, tr("历史记录"))
        lay.addWidget(self.tabs, 1)
        self._duties_for, self._duties_stale = None, False
        self.tabs.currentChanged.connect(self._tab_changed)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._employers_loaded = False
        self.clear()

    # -- tabs ---------------------------------------------------------------------------
    def _build_benefits(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(QLabel(tr("服务协议")))
        self.agreements_model = RowsModel([
            Col(tr("类型"), "kind", width=7), Col(tr("签订日期"), "signed_date", "date", 8),
            Col(tr("起始日期"), "start_date", "date", 8),
            Col(tr("期限（年）"), lambda a: to_text(a.term_years), width=5),
            Col(tr("服务期（年）"), "required_service_years", "int", 5),
            Col(tr("状态"), agreement_state, width=5)])
        self.agreements_table = DataTable(self.agreements_model)
        self.agreements_table.setMaximumHeight(110)
        lay.addWidget(self.agreements_table)
        lay.addWidget(QLabel(tr("待遇")))
        self.grants_model = RowsModel([
            Col(tr("待遇"), "benefit_name", width=8), Col(tr("政策"), "policy_id", width=8),
            Col(tr("总额（元）"), "total_fen", "money", 8), Col(tr("已发（元）"), "paid_fen", "money", 8),
            Col(tr("状态"), lambda g: GRANT_STATUS.get(g.status, g.status), width=5),
            Col(tr("批准日期"), "approval_date", "date", 8), Col(tr("依据"), "basis", width=14, tip="basis")],
            muted=lambda g: g.status in ("rejected", "cancelled"))
        self.grants_table = DataTable(self.grants_model)
        self.grants_table.setMaximumHeight(150)
        lay.addWidget(self.grants_table)
        facts_row = QHBoxLayout()
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pending_facts")
        self.pending_label.setWordWrap(True)
        self.pending_label.setStyleSheet("color: #b8560c;")
        self.btn_facts = QPushButton(tr("登记服务年度情况(&Y)…"))
        self.btn_facts.setToolTip(tr("批准后逐年补充：服务月数、在岗天数、是否返岗（选中一项待遇）"))
        self.btn_facts.clicked.connect(lambda *_: self.open_facts_dialog())
        facts_row.addWidget(self.pending_label, 1)
        facts_row.addWidget(self.btn_facts, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        lay.addLayout(facts_row)
        self.grants_table.selection_changed.connect(lambda *_: self._update_facts_button())
        lay.addWidget(QLabel(tr("发放计划与记录")))
        self.schedule_model = RowsModel([
            Col(tr("待遇"), "benefit_name", width=8), Col(tr("期次"), "seq", "int", 3),
            Col(tr("应发日期"), "due_date", "date", 8), Col(tr("金额（元）"), "amount_fen", "money", 8),
            Col(tr("状态"), lambda i: INSTALLMENT_STATUS.get(i.status, i.status), width=6),
            Col(tr("发放日期"), "paid_date", "date", 8), Col(tr("凭证号"), "voucher_no", width=8),
            Col(tr("说明"), "status_reason", width=10, tip="status_reason")],
            muted=lambda i: i.status in ("cancelled", "suspended", "reversed"))
        self.schedule_table = DataTable(self.schedule_model)
        lay.addWidget(self.schedule_table, 1)
        self.benefit_totals = QLabel()
        lay.addWidget(self.benefit_totals)
        return w

    def _build_reviews(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(QLabel(tr("年度考核")))
        self.reviews_model = RowsModel([Col(tr("年度"), "year", "int", 4), Col(tr("结果"), "result", width=5),
                                        Col(tr("考核日期"), "review_date", "date", 8),
                                        Col(tr("备注"), "remarks", width=16)],
                                       muted=lambda r: r.result == "不合格")
        lay.addWidget(DataTable(self.reviews_model), 1)
        lay.addWidget(QLabel(tr("离职与追回")))
        self.departures_model = RowsModel([Col(tr("离职日期"), "departed_on", "date", 8),
                                           Col(tr("原因"), "reason", width=12),
                                           Col(tr("应退回（元）"), "refund_due_fen", "money", 8),
                                           Col(tr("已追回（元）"), "recovered_fen", "money", 8)])
        lay.addWidget(DataTable(self.departures_model), 1)
        return w

    def _build_duties(self) -> QWidget:
        """认定与服务: the current recognition (第二十条: only a confirmed one counts), the
        talent apartment, the service cases and the visits (services.care.talent_duties)."""
        w = QWidget()
        lay = QVBoxLayout(w)
        self.recognition_label = QLabel()
        self.recognition_label.setObjectName("recognition_summary")
        self.recognition_label.setWordWrap(True)
        self.housing_label = QLabel()
        self.housing_label.setObjectName("housing_summary")
        self.housing_label.setWordWrap(True)
        self.service_label = QLabel()
        self.service_label.setObjectName("service_summary")
        self.service_label.setWordWrap(True)
        for label in (self.recognition_label, self.housing_label, self.service_label):
            lay.addWidget(label)
        self.recognitions_head = QLabel(tr("认定记录"))
        lay.addWidget(self.recognitions_head)
        self.recognitions_model = RowsModel([
            Col(tr("状态"), "status_label", width=3),
            Col(tr("认定类型"), "scheme", width=8, tip="scheme"), Col(tr("类别或层次"), "tier_label", width=7),
            Col(tr("认定日期"), "recognised_on", "date", 6),
            Col(tr("有效期至"), "valid_until", "date", 6, display=lambda v: None if v.valid_until else tr("长期")),
            Col(tr("文号"), "doc_no", width=9, tip="doc_no"),
            Col(tr("确认"), lambda v: (f"{v.confirmed_on} {widgets.person(self.env, v.confirmed_by)}"
                                     if v.confirmed_on else tr("待确认")), width=8)],
            muted=lambda v: v.status in ("expired", "revoked"))
        self.recognitions_table = _ShortTable(self.recognitions_model)
        self.recognitions_table.setMaximumHeight(110)
        lay.addWidget(self.recognitions_table)
        self.cases_head = QLabel(tr("服务事项"))
        lay.addWidget(self.cases_head)
        self.cases_model = RowsModel([
            Col(tr("类别"), "kind", width=4), Col(tr("状态"), "status_text", width=5, sample="未办结（超期）"),
            Col(tr("申请日期"), "requested_on", "date", 6),
            Col(tr("办结期限"), "due_date", "date", 6, display=lambda c: None if c.due_date else tr("不限时")),
            Col(tr("事项内容"), "summary", width=10, tip="summary"),
            Col(tr("责任部门"), "department", width=8, tip="department")],
            muted=lambda c: c.status == "closed")
        self.cases_table = _ShortTable(self.cases_model)
        lay.addWidget(self.cases_table, 1)
        self.visits_head = QLabel(tr("走访记录"))
        lay.addWidget(self.visits_head)
        self.visits_model = RowsModel([
            Col(tr("走访日期"), "visited_on", "date", 6), Col(tr("形式"), "form", width=3),
            Col(tr("反映问题"), "issues", width=12, tip="issues"), Col(tr("走访人员"), "visitors", width=8, tip="visitors"),
            Col(tr("跟进措施"), "follow_up", width=10, tip="follow_up")])
        self.visits_table = _ShortTable(self.visits_model)
        lay.addWidget(self.visits_table, 1)
        lay.addStretch(0)  # the lists hidden (none to show): the summaries stay at the top
        return w

    def _fill_duties(self, view) -> None:
        """Read when the tab is shown (browsing the list with the arrow keys stays fast)."""
        self._duties_for = view
        if view is not None and self.tabs.currentWidget() is not self.duties_tab:
            self._duties_stale = True
            return
        self._duties_stale = False
        from talentdesk.domain.errors import TalentDeskError
        from talentdesk.services.care import talent_duties

        d = None
        if view is not None:
            try:
                d = talent_duties.of_talent(self.env.ctx, view.id_number)
            except TalentDeskError as exc:
                self.env.show_error(exc)
        self.recognitions_model.set_rows(d.recognitions if d else [])
        self.cases_model.set_rows(d.cases if d else [])
        self.visits_model.set_rows(d.visits if d else [])
        # an empty list says so in its heading instead of showing a blank table
        for head, table, title in ((self.recognitions_head, self.recognitions_table, tr("认定记录")),
                                   (self.cases_head, self.cases_table, tr("服务事项")),
                                   (self.visits_head, self.visits_table, tr("走访记录"))):
            empty = table.rows_model.rowCount() == 0
            head.setText(tr("{t}：无").format(t=title) if empty else title)
            table.setVisible(not empty)
        self.recognition_label.setText(d.recognition_text() if d else "")
        self.housing_label.setText(d.housing_text() if d else "")
        self.service_label.setText(d.service_text() if d else "")

    def _tab_changed(self, _index: int) -> None:
        if self._duties_stale and self.tabs.currentWidget() is self.duties_tab:
            self._fill_duties(self._duties_for)

    # -- loading --------------------------------------------------------------------------
    def _ensure_employers(self) -> None:
        if not self._employers_loaded:
            self.form.set_employers(talent_query.employer_names(self.env.ctx))
            self._employers_loaded = True

    def clear(self) -> None:
        self.talent_id = self.id_number = self.version = self.view = None
        self.creating = False
        self.form.load(None)
        self.form.clear_errors()
        self.form.setEnabled(False)
        self.title.setText(tr("未选择人才"))
        self._fill_related(None)
        self._update_buttons()
        self.occupied.emit(False)

    def is_occupied(self) -> bool:
        return self.talent_id is not None or self.creating

    def new(self) -> None:
        self._ensure_employers()
        self.talent_id = self.id_number = self.version = self.view = None
        self.creating = True
        self.form.setEnabled(True)
        self.form.load(None)
        self.title.setText(tr("新增人才"))
        self._fill_related(None)
        self.tabs.setCurrentIndex(0)
        self._update_buttons()
        self.occupied.emit(True)
        self.form.fields["name"].editor.setFocus()

    def load(self, talent_id: int) -> None:
        self._ensure_employers()
        try:
            view = talents.get_by_id(self.env.ctx, talent_id)
        except NotFoundError as exc:
            self.env.show_error(exc)
            self.clear()
            return
        self.view = view
        self.talent_id = view.id
        self.id_number = view.id_number
        self.version = view.version
        self.creating = False
        self.form.setEnabled(True)
        self.form.load(view.record)
        status = TALENT_STATUS.get(view.status, view.status)
        self.title.setText(f"{html.escape(view.name)}　<span style='font-weight:normal;font-size:small;color:#666'>{status}"
                           f"{'　' + html.escape(_policy_short(_policy_title(view.policy_id))) if view.policy_id else ''}"
                           "</span>")
        self.title.setToolTip(tr("适用政策：{t}（{p}）").format(t=_policy_title(view.policy_id), p=view.policy_id)
                              if view.policy_id else "")
        self._fill_related(view)
        self._update_buttons()
        self.occupied.emit(True)

    def reload(self) -> None:
        if self.talent_id is not None:
            self.load(self.talent_id)

    def _fill_related(self, view) -> None:
        if view is None:
            for m in (self.agreements_model, self.grants_model, self.schedule_model, self.reviews_model,
                      self.departures_model, self.history_model):
                m.set_rows([])
            self.benefit_totals.clear()
            self.pending_label.clear()
            self.pending_label.setVisible(False)
            self._update_facts_button()
            self.attachments.load(None)
            self._fill_duties(None)
            return
        ov = talent_query.overview(self.env.ctx, view.id)
        self.agreements_model.set_rows(ov.agreements)
        self.grants_model.set_rows(ov.grants)
        self.schedule_model.set_rows(ov.installments)
        self.reviews_model.set_rows(ov.reviews)
        self.departures_model.set_rows(ov.departures)
        total = sum(g.total_fen or 0 for g in ov.grants if g.status == "approved")
        self.benefit_totals.setText(tr("已批准合计 {a} 元，已发放 {b} 元").format(a=money.yuan(total),
                                                                             b=money.yuan(ov.paid_fen)))
        self._show_pending(view.id_number)
        self._update_facts_button()
        self.attachments.load(view.id_number)
        self._fill_duties(view)
        self.history_model.set_rows(audit.list_events(self.env.ctx, talent_id=view.id, limit=500))

    def _show_pending(self, id_number: str) -> None:
        """What the engine waits for (“待补充：…” with the article)."""
        from talentdesk.domain.errors import TalentDeskError

        try:
            pending = grant_facts.pending(self.env.ctx, id_number)
        except TalentDeskError:
            pending = []
        self.pending_texts = [p.text for p in pending]
        shown = self.pending_texts[:6]
        if len(self.pending_texts) > 6:
            shown.append(tr("另有 {n} 项待补充").format(n=len(self.pending_texts) - 6))
        self.pending_label.setText("\n".join(shown))
        self.pending_label.setToolTip("\n".join(self.pending_texts))
        self.pending_label.setVisible(bool(shown))

    def _selected_grant(self):
        g = self.grants_table.current_row()
        if g is None and len(self.grants_model.rows) == 1:
            g = self.grants_model.rows[0]
        return g

    def _update_facts_button(self) -> None:
        from talentdesk.ui.common.widgets import allowed

        g = self._selected_grant() if self.talent_id is not None else None
        self.btn_facts.setEnabled(g is not None and g.status in ("proposed", "approved")
                                  and allowed(self.env, "grant.facts"))

    def open_facts_dialog(self, year: int | None = None):
        """Record a service year's facts for the selected grant; returns the dialog."""
        from talentdesk.ui.common.widgets import exec_dialog
        from talentdesk.ui.talents.facts import YearFactsDialog, outcome_text

        g = self._selected_grant()
        if g is None:
            return None
        if year is None:
            waiting = [p.year for p in grant_facts.pending(self.env.ctx, self.id_number)
                       if p.grant_id == g.id and p.year]
            year = waiting[0] if waiting else 1
        dlg = YearFactsDialog(self.env, g, year=year, parent=self)
        if exec_dialog(dlg) and dlg.outcome is not None:
            self.env.info(outcome_text(dlg.outcome))
            self.reload()
        return dlg

    # -- state ------------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return (self.creating or self.talent_id is not None) and self.form.is_dirty()

    def _update_buttons(self) -> None:
        editing = self.creating or self.talent_id is not None
        dirty = self.is_dirty()
        self.btn_save.setEnabled(editing and dirty and self.form.is_valid())
        self.btn_revert.setEnabled(editing and dirty)
        self.btn_delete.setEnabled(self.talent_id is not None)
        self.btn_grant.setEnabled(self.talent_id is not None and self._grant_dialog_class() is not None)
        self.dirty_changed.emit(dirty)

    def can_leave(self) -> bool:
        """True if there is nothing unsaved, or the clerk agrees to discard it."""
        if not self.is_dirty():
            return True
        who = self.view.name if self.view else tr("新人才")
        if self.env.confirm(tr("“{who}”有未保存的修改。放弃这些修改吗？").format(who=who)):
            self.revert()
            return True
        return False

    def revert(self) -> None:
        if self.creating:
            self.form.load(None)
        elif self.view is not None:
            self.form.load(self.view.record)
        self._update_buttons()

    # -- saving -------------------------------------------------------------------------------
    def save(self):
        """Save the form (on the database-write thread). Returns the Op, or None."""
        if not self.is_dirty():
            return None
        if self.form.validate():
            self.form.focus_first_error()
            self._update_buttons()
            return None
        ctx = self.env.ctx
        if self.creating:
            raw = {k: v for k, v in self.form.values().items() if v}
            policy_id = self._default_policy()

            def work(progress, cancelled):
                return talents.add(ctx, raw, by="key", policy_id=policy_id)

            def done(view):
                self.form.mark_clean()
                self.creating = False
                self.load(view.id)
                self.env.data_changed.emit("talent")
                self.env.notify(tr("已登记：") + view.name)
                self.saved.emit(view.id, True)
        else:
            changes = self.form.changed_values()
            id_number, version, talent_id = self.id_number, self.version, self.talent_id

            def work(progress, cancelled):
                return talents.update(ctx, id_number, changes, by="key", expected_version=version)

            def done(view):
                self.form.mark_clean()
                self.load(view.id)
                self.env.data_changed.emit("talent")
                self.env.notify(tr("已保存：") + view.name)
                self.saved.emit(talent_id, False)

        self.btn_save.setEnabled(False)
        return self.env.run_op(tr("正在保存"), work, done, write=True, cancellable=False,
                               on_error=self._save_failed)

    def _save_failed(self, exc: BaseException) -> bool:
        self._update_buttons()
        if isinstance(exc, ConflictError) and not self.creating:
            # Someone else saved meanwhile: say so plainly, then show their version.
            self.env.show_error(ConflictError(
                exc.message + "\n\n" + tr("将重新载入最新的信息，您的修改未保存，请核对后重新填写。")))
            self.form.mark_clean()
            self.reload()
            return True
        return False

    def _default_policy(self) -> str | None:
        try:
            from talentdesk.services.office import settings as settings_service

            return settings_service.get_settings(self.env.ctx).default_policy_id or None
        except Exception:
            log.warning("no default policy", exc_info=True)
            return None

    # -- other actions -----------------------------------------------------------------------
    def delete_talent(self) -> None:
        if self.view is None:
            return
        view = self.view
        if not self.env.confirm(tr("确定删除“{name}”（{id}）吗？\n只能删除误登记、没有任何发放记录的人才；"
                                   "删除会记入审计日志。").format(name=view.name, id=view.id_number)):
            return
        try:
            talents.delete(self.env.ctx, view.id_number)
        except Exception as exc:
            self.env.show_error(exc)
            return
        self.form.mark_clean()
        tid = view.id
        self.clear()
        self.env.data_changed.emit("talent")
        self.deleted.emit(tid)

    def _grant_dialog_class(self):
        try:
            module = importlib.import_module("talentdesk.ui.benefits.grant_dialog")
        except ModuleNotFoundError:
            return None
        except Exception:
            log.error("grant dialog failed to import", exc_info=True)
            return None
        return getattr(module, "GrantDialog", None)

    def open_grant_dialog(self) -> None:
        cls = self._grant_dialog_class()
        if cls is None or self.id_number is None:
            return
        if not self.can_leave():
            return
        dlg = cls(self.env, self.id_number, self)
        dlg.exec()
        self.reload()
