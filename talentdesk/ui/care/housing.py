"""人才公寓: the housing register — flats (top) and, below, the stays, the limits and
gifts falling due, and the roster hints to check.

登记房源… / 修改… register or change a flat; 分配… moves a talent into the selected (free)
flat; 退房… ends the selected stay (or gives the flat, 阿拉山口 第十四条, from its gift date);
确认未入住… records that a talent the roster says is housed is not. Red: still living
there past the free limit (阿拉善 第四十一条, three years); yellow: the limit ends within
90 days; green: the flat may now be given. The limits and gift dates are the rules
engine's (``rules.occupancy_terms``), stored with their articles.

Filters from ``env.navigate("housing", tab="due")`` (or ``"hints"``, ``"stays"``).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox,
                               QSplitter, QTabWidget, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from talentdesk.domain import idcard
from talentdesk.domain.errors import TalentDeskError
from talentdesk.services.care import housing
from talentdesk.services.register import talents
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (ID_SAMPLE, Col, DataTable, FormDialog, PageBase, RowsModel, allowed,
                                         button, call, date_edit, from_qdate, hint, line, notify_changed)

ARTICLES = tr("阿拉善盟：刚性引进人才在单位驻地无自有住房的，优先免费入住人才公寓，期限不超过三年；"
              "已免费入住的不享受租房补贴（第四十一条）。阿拉山口市：连续工作5年（紧缺本科8年）以上的，"
              "住房可直接赠予（第十四条）。")
RED, YELLOW, GREEN = QColor("#fbe3e3"), QColor("#fff4d6"), QColor("#e2f4e2")


def _tint(o) -> QColor | None:
    if o is None or not o.current:
        return None
    if o.over_limit:
        return RED
    if o.gift_due:
        return GREEN
    if o.days_to_limit is not None and o.days_to_limit <= 90:
        return YELLOW
    return None


class FlatDialog(FormDialog):
    """登记房源 (``flat=None``) or 修改: 房号/地址, 面积, 产权单位/项目, 备注."""

    def __init__(self, env, flat=None, parent=None):
        super().__init__(env, tr("修改房源") if flat else tr("登记房源"), parent)
        self.flat = flat
        self.saved = None
        form = QFormLayout()
        self.unit = line(tr("如：人才公寓1号楼1单元101"), flat.unit if flat else "")
        self.area = QSpinBox()
        self.area.setRange(0, 1000)
        self.area.setSuffix(tr(" 平方米"))
        self.area.setSpecialValueText(tr("未登记"))
        self.area.setValue(flat.area_m2 or 0 if flat else 0)
        self.programme = line(tr("产权单位或项目名称"), flat.programme or "" if flat else "")
        self.note = line("", flat.note or "" if flat else "")
        form.addRow(tr("房号/地址(&U)："), self.unit)
        form.addRow(tr("面积："), self.area)
        form.addRow(tr("产权单位/项目："), self.programme)
        form.addRow(tr("备注："), self.note)
        self.body.addLayout(form)
        self.finish_layout()
        self.watch(self.unit, self.area, self.programme, self.note)
        self.resize(480, self.sizeHint().height())

    def accept_form(self) -> bool:
        values = {"unit": self.unit.text(), "area_m2": self.area.value() or None,
                  "programme": self.programme.text(), "note": self.note.text()}
        if self.flat is None:
            ok, result = call(self.env, housing.add_flat, self.env.ctx, **values)
        else:
            ok, result = call(self.env, housing.update_flat, self.env.ctx, self.flat.id,
                              expected_version=self.flat.version, **values)
        if ok:
            self.saved = result
            notify_changed(self.env, "housing")
        return ok


class AllocateDialog(FormDialog):
    """分配: a free flat, a talent (found by name, 拼音 or 身份证号), the 入住日期."""

    def __init__(self, env, flats, flat=None, parent=None):
        super().__init__(env, tr("分配人才公寓"), parent)
        self.saved = None
        form = QFormLayout()
        self.flat = QComboBox()
        for f in flats:
            if f.status == "available" and f.occupancy is None:
                self.flat.addItem(f"{f.unit}" + (f"（{f.area_m2}平方米）" if f.area_m2 else ""), f.id)
        if flat is not None:
            self.flat.setCurrentIndex(max(0, self.flat.findData(flat.id)))
        self.search = line(tr("输入姓名、拼音首字母或身份证号查找"))
        self.talent = QComboBox()
        self.talent.setMinimumContentsLength(28)
        self.start = date_edit(dt.date.today())
        form.addRow(tr("房源："), self.flat)
        form.addRow(tr("查找人才(&F)："), self.search)
        form.addRow(tr("人才："), self.talent)
        form.addRow(tr("入住日期(&S)："), self.start)
        self.body.addLayout(form)
        self.body.addWidget(hint(tr("免费入住期限和住房赠予日期按人才适用的政策计算（阿拉善第四十一条、阿拉山口第十四条）。")))
        self.finish_layout()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("分配"))
        self.search.textChanged.connect(self._find)
        self.watch(self.flat, self.search, self.start)
        self.resize(520, self.sizeHint().height())

    def _find(self, text: str) -> None:
        self.talent.clear()
        if text.strip():
            ok, found = call(self.env, talents.list_talents, self.env.ctx, search=text.strip(), limit=30)
            for s in (found[1] if ok else []):
                self.talent.addItem(f"{s.name}　{idcard.mask(s.id_number)}　{s.employer or ''}", s.id_number)

    def accept_form(self) -> bool:
        if self.flat.currentData() is None:
            self.env.show_error(TalentDeskError(tr("没有可分配的房源，请先登记房源或办理退房")))
            return False
        if not self.talent.currentData():
            self.env.show_error(TalentDeskError(tr("请先选择人才")))
            return False
        ok, result = call(self.env, housing.allocate, self.env.ctx, int(self.flat.currentData()),
                          self.talent.currentData(), start=from_qdate(self.start.date()))
        if ok:
            self.saved = result
            notify_changed(self.env, "housing")
        return ok


class VacateDialog(FormDialog):
    """退房: the last day of the stay and the reason; or 住房赠予 from the gift date."""

    def __init__(self, env, occupancy, parent=None):
        super().__init__(env, tr("退房"), parent)
        self.occupancy = occupancy
        self.saved = None
        form = QFormLayout()
        self.on = date_edit(dt.date.today())
        self.reason = line(tr("如：购买自有住房、调离、免费期满"))
        self.gift = QCheckBox(tr("住房直接赠予（阿拉山口第十四条）"))
        self.gift.setEnabled(occupancy.gift_on is not None)
        if occupancy.gift_on is not None:
            self.gift.setToolTip(tr("{d}起可赠予").format(d=occupancy.gift_on))
        form.addRow(tr("人才："), QLabel(f"{occupancy.name}　{occupancy.unit}　{occupancy.start_date}起"))
        form.addRow(tr("退房日期(&D)："), self.on)
        form.addRow(tr("退房原因(&R)："), self.reason)
        form.addRow("", self.gift)
        self.body.addLayout(form)
        self.finish_layout()
        self.watch(self.on, self.reason, self.gift)
        self.resize(480, self.sizeHint().height())

    def accept_form(self) -> bool:
        o = self.occupancy
        ok, result = call(self.env, housing.vacate, self.env.ctx, o.id, on=from_qdate(self.on.date()),
                          reason=self.reason.text(), gifted=self.gift.isChecked(), expected_version=o.version)
        if ok:
            self.saved = result
            notify_changed(self.env, "housing")
        return ok


OCC_END_COL = 5  # 退房日期 in the stays table


class Page(PageBase):
    title = tr("人才公寓")
    watches = ("housing", "talent", "import", "departure")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        bar = QHBoxLayout()
        self.add_btn = button(tr("登记房源(&A)…"), self.add_flat)
        self.edit_btn = button(tr("修改(&M)…"), self.edit_flat)
        self.allocate_btn = button(tr("分配(&G)…"), self.allocate)
        self.vacate_btn = button(tr("退房(&V)…"), self.vacate)
        self.confirm_btn = button(tr("确认未入住…"), self.confirm_not_housed,
                                  tip=tr("花名册填报入住人才公寓、住房登记中无记录：核实后确认该人才未入住"))
        self.print_btn = button(tr("打印(&P)…"), self.print_form,
                                tip=tr("所选入住记录的人才公寓入住/腾退确认单（PDF）"))
        self.search = line(tr("房号 / 姓名 / 身份证号"))
        for w in (self.add_btn, self.edit_btn, self.allocate_btn, self.vacate_btn, self.confirm_btn, self.print_btn):
            bar.addWidget(w)
        bar.addWidget(self.search, 1)
        self.outer.addLayout(bar)
        split = QSplitter(Qt.Orientation.Vertical, self)
        self.flats = RowsModel([
            Col(tr("房号/地址"), "unit", width=14, tip="unit", sample="包头稀土高新区人才公寓1号楼101"),
            Col(tr("面积（平方米）"), "area_m2", kind="int", width=5),
            Col(tr("产权单位/项目"), "programme", width=12, stretch=True, tip="programme"),
            Col(tr("状态"), "status_label", width=4),
            Col(tr("在住人员"), lambda f: f.occupancy.name if f.occupancy else "", width=5),
            Col(tr("入住日期"), lambda f: f.occupancy.start_date if f.occupancy else None, kind="date", width=6),
            Col(tr("免费至"), lambda f: f.occupancy.limit_until if f.occupancy else None, kind="date", width=6),
            Col(tr("可赠予日期"), lambda f: f.occupancy.gift_on if f.occupancy else None, kind="date", width=6),
        ], self, muted=lambda f: f.status != "available", tint=lambda f: _tint(f.occupancy))
        self.flat_table = DataTable(self.flats, self)
        self.flat_table.activated_row.connect(lambda f: self.edit_flat())
        self.flat_table.selection_changed.connect(self._update_buttons)
        split.addWidget(self.flat_table)
        self.tabs = QTabWidget(self)
        stays = QWidget()
        lay = QVBoxLayout(stays)
        lay.setContentsMargins(0, 4, 0, 0)
        self.history = QCheckBox(tr("含已退房的记录"))
        self.history.toggled.connect(lambda *_: self.reload())
        lay.addWidget(self.history)
        occ_cols = [
            Col(tr("房号"), "unit", width=10, tip="unit", sample="巴彦浩特人才公寓3号楼1201"),
            Col(tr("姓名"), "name", width=4),
            Col(tr("身份证号"), lambda o: idcard.mask(o.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("用人单位"), "employer", width=12, tip="employer"),
            Col(tr("入住日期"), "start_date", kind="date", width=6),
            Col(tr("退房日期"), "end_date", kind="date", width=6),
            Col(tr("免费至"), "limit_until", kind="date", width=6),
            Col(tr("剩余天数"), "days_to_limit", kind="int", width=4),
            Col(tr("可赠予日期"), "gift_on", kind="date", width=6),
            Col(tr("状态"), "state_label", width=5),
            Col(tr("依据"), "basis", width=10, tip="basis", stretch=True),
        ]
        self.stays = RowsModel(occ_cols, self, muted=lambda o: not o.current, tint=_tint)
        self.stay_table = DataTable(self.stays, self)
        self.stay_table.selection_changed.connect(self._update_buttons)
        lay.addWidget(self.stay_table, 1)
        self.tabs.addTab(stays, tr("入住记录"))
        self.due = RowsModel([
            Col(tr("事项"), lambda d: tr("免费期限") if d.kind == "limit" else tr("住房赠予"), width=5),
            Col(tr("日期"), "date", kind="date", width=6),
            Col(tr("天数"), "days", kind="int", width=4),
            Col(tr("说明"), "text", width=40, stretch=True, tip="text"),
        ], self, tint=lambda d: (RED if d.days < 0 else YELLOW) if d.kind == "limit" else (GREEN if d.days <= 0 else None))
        self.due_table = DataTable(self.due, self)
        self.tabs.addTab(self.due_table, tr("到期提醒"))
        self.hints = RowsModel([
            Col(tr("姓名"), "name", width=5),
            Col(tr("身份证号"), lambda h: idcard.mask(h.id_number), width=10, tip="id_number", sample=ID_SAMPLE),
            Col(tr("用人单位"), "employer", width=14, stretch=True),
        ], self)
        self.hint_table = DataTable(self.hints, self)
        self.hint_table.selection_changed.connect(self._update_buttons)
        self.tabs.addTab(self.hint_table, tr("待核实"))
        self.tabs.currentChanged.connect(lambda *_: self._update_buttons())
        split.addWidget(self.tabs)
        split.setSizes([300, 260])
        self.outer.addWidget(split, 1)
        self.totals = hint("")
        self.outer.addWidget(self.totals)
        self.outer.addWidget(hint(ARTICLES + tr("红色：超过免费入住期限；黄色：90天内到期；绿色：住房可赠予。")))
        self.search.textChanged.connect(lambda *_: self._apply_search())
        self._flats, self._stays = [], []
        self._update_buttons()

    def apply_filters(self, **filters) -> None:
        index = {"stays": 0, "due": 1, "hints": 2}.get(filters.get("tab") or "", None)
        if index is not None:
            self.tabs.setCurrentIndex(index)
        self.refresh()

    def reload(self) -> None:
        ok, flats = call(self.env, housing.list_flats, self.env.ctx)
        self._flats = flats if ok else []
        ok, stays = call(self.env, housing.list_occupancies, self.env.ctx, current=not self.history.isChecked())
        self._stays = stays if ok else []
        # 退房日期 is blank for every current stay: shown with the past ones only (room for 依据)
        self.stay_table.setColumnHidden(OCC_END_COL, not self.history.isChecked())
        ok, due = call(self.env, housing.due, self.env.ctx, within_days=90)
        self.due.set_rows(due if ok else [])
        ok, hints = call(self.env, housing.unconfirmed_hints, self.env.ctx)
        self.hints.set_rows(hints if ok else [])
        self.tabs.setTabText(1, tr("到期提醒（{n}）").format(n=len(self.due.rows)))
        self.tabs.setTabText(2, tr("待核实（{n}）").format(n=len(self.hints.rows)))
        self._apply_search()

    def _apply_search(self) -> None:
        text = self.search.text().strip().lower()

        def hit(*values) -> bool:
            return not text or any(text in (v or "").lower() for v in values)

        self.flats.set_rows([f for f in self._flats if hit(f.unit, f.programme, f.occupancy.name if f.occupancy else "",
                                                          f.occupancy.id_number if f.occupancy else "")])
        self.stays.set_rows([o for o in self._stays if hit(o.unit, o.name, o.id_number, o.employer)])
        busy = sum(1 for f in self._flats if f.occupancy is not None)
        over = sum(1 for o in self._stays if o.over_limit)
        self.totals.setText(tr("共 {n} 套房源，已入住 {b} 套，空置 {e} 套；超过免费期限 {o} 人；到期提醒 {d} 项；"
                               "花名册填报入住、待核实 {h} 人").format(
            n=len(self._flats), b=busy, e=sum(1 for f in self._flats if f.status == "available" and not f.occupancy),
            o=over, d=len(self.due.rows), h=len(self.hints.rows)))
        self._update_buttons()

    def _update_buttons(self) -> None:
        can = allowed(self.env, housing.ACTION)
        f = self.flat_table.current_row()
        o = self.stay_table.current_row() if self.tabs.currentIndex() == 0 else None
        if o is None and f is not None and f.occupancy is not None:
            o = f.occupancy
        self.add_btn.setEnabled(can)
        self.edit_btn.setEnabled(can and f is not None)
        self.allocate_btn.setEnabled(can and any(x.status == "available" and x.occupancy is None for x in self._flats))
        self.vacate_btn.setEnabled(can and o is not None and o.end_date is None)
        self.print_btn.setEnabled(o is not None and allowed(self.env, "export"))
        self.confirm_btn.setEnabled(can and self.tabs.currentIndex() == 2 and self.hint_table.current_row() is not None)

    def add_flat(self) -> None:
        dlg = FlatDialog(self.env, None, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.refresh()

    def edit_flat(self) -> None:
        f = self.flat_table.current_row()
        if f is None:
            return
        dlg = FlatDialog(self.env, f, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.refresh()

    def allocate(self) -> None:
        dlg = AllocateDialog(self.env, self._flats, self.flat_table.current_row(), self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            o = dlg.saved
            self.env.info(tr("{name}自{s}起入住“{u}”").format(name=o.name, s=o.start_date, u=o.unit)
                          + (tr("，免费入住至{d}").format(d=o.limit_until) if o.limit_until else "")
                          + (tr("，{d}起住房可直接赠予").format(d=o.gift_on) if o.gift_on else "")
                          + (f"（{o.basis}）" if o.basis else ""))
            self.refresh()

    def vacate(self) -> None:
        o = self.stay_table.current_row() if self.tabs.currentIndex() == 0 else None
        if o is None:
            f = self.flat_table.current_row()
            o = f.occupancy if f is not None else None
        if o is None:
            return
        dlg = VacateDialog(self.env, o, self)
        if widgets.exec_dialog(dlg) and dlg.saved is not None:
            self.refresh()

    def print_form(self) -> None:
        """人才公寓入住/腾退确认单 of the selected stay (or of the selected flat's occupant)."""
        from talentdesk.ui.care.printing import print_record

        o = self.stay_table.current_row() if self.tabs.currentIndex() == 0 else None
        if o is None:
            f = self.flat_table.current_row()
            o = f.occupancy if f is not None else None
        if o is not None:
            print_record(self.env, self, "housing", o.id, o.name)

    def confirm_not_housed(self) -> None:
        h = self.hint_table.current_row()
        if h is None:
            return
        note = widgets.ask_text(self, tr("确认未入住"), tr("{name}：花名册填报入住人才公寓，住房登记中无记录。"
                                                      "核实情况（确认其未入住人才公寓）：").format(name=h.name))
        if note is None:
            return
        ok, _ = call(self.env, housing.confirm_not_housed, self.env.ctx, h.id_number, note=note)
        if ok:
            notify_changed(self.env, "housing")
            self.refresh()
