"""用人单位: the employers with their talent counts; add and edit (credit code checked as
typed, and the attributes policy clauses read: 所属行业, 参公管理, 规上 …); filter by district;
double-click (or Enter) opens 人才库 filtered by the employer."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel

from talentdesk.domain import employer_attrs
from talentdesk.domain import uscc as uscc_mod
from talentdesk.domain.errors import FieldError, ValidationError
from talentdesk.services.register import employers
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (Col, DataTable, FormDialog, PageBase, RowsModel, add_shortcut, allowed,
                                         button, call, hint, line, notify_changed)

KINDS = ("机关", "事业单位", "国有企业", "民营企业", "外资企业", "社会组织", "其他")


class EmployerDialog(FormDialog):
    """Add (``employer=None``) or edit one employer."""

    def __init__(self, env, employer=None, parent=None, *, districts=()):
        super().__init__(env, tr("修改用人单位") if employer else tr("新增用人单位"), parent)
        self.employer = employer
        self.saved = None
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.name = line(tr("单位全称，与公章一致"), employer.name if employer else "")
        self.uscc = line(tr("18位，如 12152900MB0000001X"), (employer.uscc or "") if employer else "")
        self.uscc.setMaxLength(20)
        self.uscc_state = QLabel("")
        self.uscc_state.setMinimumHeight(self.uscc_state.fontMetrics().height() + 4)
        self.kind = QComboBox()
        self.kind.setEditable(True)
        self.kind.addItems(("",) + KINDS)
        if employer and employer.kind:
            self.kind.setCurrentText(employer.kind)
        self.district = QComboBox()
        self.district.setEditable(True)
        self.district.addItems([""] + [d for d in districts if d])
        if employer and employer.district:
            self.district.setCurrentText(employer.district)
        form.addRow(tr("单位名称(&N)："), self.name)
        form.addRow(tr("统一社会信用代码(&C)："), self.uscc)
        form.addRow("", self.uscc_state)
        form.addRow(tr("单位性质(&K)："), self.kind)
        form.addRow(tr("所属地区(&D)："), self.district)
        self.industry = widgets.combo([(tr("（未登记）"), None)] +
                                      [(employer_attrs.industry_text(c), c) for c in employer_attrs.INDUSTRIES])
        if employer is not None and employer.industry:
            self.industry.setCurrentIndex(max(self.industry.findData(employer.industry), 0))
        form.addRow(tr("所属行业(&I)："), self.industry)
        self.body.addLayout(form)
        # yes/no attributes: blank = not recorded (the clauses reading them stay 待补充)
        box = QGroupBox(tr("政策条款所需的单位属性（未登记的，相关待遇为“待补充”）"))
        grid = QGridLayout(box)
        self.flags: dict[str, QComboBox] = {}
        for n, flag in enumerate(employer_attrs.FLAGS):
            editor = widgets.combo([(tr("（未登记）"), None), (tr("是"), True), (tr("否"), False)])
            value = getattr(employer, flag.key) if employer is not None else None
            editor.setCurrentIndex(editor.findData(value) if value is not None else 0)
            editor.setToolTip(tr("依据：{cite}").format(cite=flag.cite))
            editor.setAccessibleName(tr(flag.label))
            self.flags[flag.key] = editor
            grid.addWidget(QLabel(tr(flag.label) + "："), n // 2, (n % 2) * 2)
            grid.addWidget(editor, n // 2, (n % 2) * 2 + 1)
        self.body.addWidget(box)
        self.finish_layout()
        self.uscc.textChanged.connect(self._check_uscc)
        self._check_uscc(self.uscc.text())
        self.watch(self.name, self.uscc, self.kind, self.district, self.industry, *self.flags.values())
        self.resize(520, self.sizeHint().height())

    def _check_uscc(self, text: str) -> None:
        text = text.strip()
        if not text:
            self.uscc_state.setText(tr("可不填；填写时按国家标准校验"))
            self.uscc_state.setStyleSheet("color: #777;")
            return
        try:
            uscc_mod.validate(text)
        except ValueError as exc:
            self.uscc_state.setText(str(exc))
            self.uscc_state.setStyleSheet("color: #b00020;")
        else:
            self.uscc_state.setText(tr("✓ 代码有效"))
            self.uscc_state.setStyleSheet("color: #1b7f3b;")

    def accept_form(self) -> bool:
        name = self.name.text().strip()
        code = self.uscc.text().strip() or None
        kind = self.kind.currentText().strip() or None
        district = self.district.currentText().strip() or None
        if not name:
            self.env.show_error(ValidationError([FieldError("name", "单位名称", name, tr("单位名称：必填项不能为空"))]))
            self.name.setFocus()
            return False
        attributes = {"industry": self.industry.currentData(),
                      **{k: editor.currentData() for k, editor in self.flags.items()}}
        if self.employer is None:
            ok, result = call(self.env, employers.add, self.env.ctx, name, code, kind, district, **attributes)
        else:
            e = self.employer
            changes = {k: v for k, v in (("name", name), ("uscc", code), ("kind", kind), ("district", district),
                                         *attributes.items())
                       if v != getattr(e, k)}
            if not changes:
                return True
            ok, result = call(self.env, employers.update, self.env.ctx, e.id, expected_version=e.version, **changes)
        if ok:
            self.saved = result
            notify_changed(self.env, "employer")
        return ok


class Page(PageBase):
    title = tr("用人单位")
    watches = ("employer", "talent", "import")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        bar = QHBoxLayout()
        self.search = line(tr("按单位名称或信用代码查找"))
        self.search.textChanged.connect(self._apply_search)
        self.district = QComboBox()
        self.district.setMinimumContentsLength(8)
        self.district.currentIndexChanged.connect(lambda *_: self.reload())
        self.add_btn = button(tr("新增单位(&A)…"), self.add_employer)
        self.edit_btn = button(tr("修改(&E)…"), self.edit_employer, tip=tr("修改选中的单位（F2）"))
        self.talents_btn = button(tr("查看人才(&T)"), self.open_talents, tip=tr("在人才库中查看该单位的人才（回车或双击）"))
        self.grants_btn = button(tr("单位/平台奖补(&G)…"), self.open_org_grants,
                                 tip=tr("该单位及其平台载体的奖补：测算、一事一议决定、提交和审核（第十八、二十四条等）"))
        bar.addWidget(QLabel(tr("所属地区：")))
        bar.addWidget(self.district)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.add_btn)
        bar.addWidget(self.edit_btn)
        bar.addWidget(self.talents_btn)
        bar.addWidget(self.grants_btn)
        self.outer.addLayout(bar)
        self.model = RowsModel([
            Col(tr("单位名称"), "name", width=22, stretch=True),
            Col(tr("统一社会信用代码"), "uscc", width=13),
            Col(tr("单位性质"), "kind", width=6),
            Col(tr("所属地区"), "district", width=7),
            Col(tr("所属行业"), "industry_text", width=9),
            Col(tr("参公管理"), lambda e: employer_attrs.flag_text(e.civil_service_managed), width=5),
            Col(tr("未登记属性"), lambda e: "、".join(e.missing_attributes()), width=12,
                tip=lambda e: tr("未登记的属性使读取它的待遇条款为“待补充”") if e.missing_attributes() else None),
            Col(tr("人才数"), "talents", kind="int", width=5),
        ], self)
        self.table = DataTable(self.model, self)
        self.table.activated_row.connect(lambda row: self.open_talents(row))
        self.table.selection_changed.connect(self._update_buttons)
        self.outer.addWidget(self.table, 1)
        self.status = hint("")
        self.outer.addWidget(self.status)
        self.outer.addWidget(hint(tr("双击或按回车在人才库中查看该单位的人才；F2 修改；Alt+A 新增；Ctrl+F 查找。")))
        add_shortcut(self, "F2", self.edit_employer)
        self._all: list = []
        self._districts: list[str] = []
        self.add_btn.setEnabled(allowed(env, "talent.write"))
        self._update_buttons()

    # -------------------------------------------------------------- data

    def _fill_districts(self) -> None:
        current = self.district.currentData()
        self._districts = employers.districts(self.env.ctx)
        self.district.blockSignals(True)
        self.district.clear()
        self.district.addItem(tr("全部"), None)
        for d in self._districts:
            self.district.addItem(d, d)
        idx = self.district.findData(current) if current else 0
        self.district.setCurrentIndex(max(idx, 0))
        self.district.blockSignals(False)

    def refresh(self) -> None:
        self._fill_districts()
        super().refresh()

    def reload(self) -> None:
        self._all = employers.list_all(self.env.ctx, district=self.district.currentData())
        self._apply_search()

    def _apply_search(self, *_):
        text = self.search.text().strip().lower()
        rows = [e for e in self._all if not text or text in e.name.lower() or text in (e.uscc or "").lower()]
        self.model.set_rows(rows)
        total = sum(e.talents for e in rows)
        self.status.setText(tr("共 {n} 家单位，人才 {t} 人").format(n=len(rows), t=total))
        self._update_buttons()

    def apply_filters(self, **filters) -> None:
        if "district" in filters:
            self._fill_districts()
            idx = self.district.findData(filters["district"])
            self.district.setCurrentIndex(max(idx, 0))
        if "search" in filters:
            self.search.setText(filters["search"] or "")
        self.refresh()

    def _update_buttons(self) -> None:
        has = self.table.current_row() is not None
        self.edit_btn.setEnabled(has and allowed(self.env, "talent.write"))
        self.talents_btn.setEnabled(has)
        self.grants_btn.setEnabled(has)

    # -------------------------------------------------------------- actions

    def add_employer(self) -> None:
        dlg = EmployerDialog(self.env, None, self, districts=self._districts)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.refresh()
            self.select(dlg.saved.id)

    def edit_employer(self) -> None:
        row = self.table.current_row()
        if row is None:
            return
        dlg = EmployerDialog(self.env, row, self, districts=self._districts)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.refresh()
            self.select(row.id)

    def open_talents(self, row=None) -> None:
        row = row or self.table.current_row()
        if row is not None:
            self.env.navigate("talents", employer=row.name)

    def open_org_grants(self) -> None:
        row = self.table.current_row()
        if row is None:
            return
        from talentdesk.ui.register.org_grants import OrgGrantDialog

        widgets.exec_dialog(OrgGrantDialog(self.env, row, self))

    def select(self, employer_id: int) -> None:
        for r, e in enumerate(self.model.rows):
            if e.id == employer_id:
                self.table.selectRow(r)
                self.table.scrollTo(self.model.index(r, 0))
                return


__all__ = ["Page", "EmployerDialog"]
