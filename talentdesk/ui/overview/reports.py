"""报表打印: every ledger (Excel) and form (PDF) of the outputs with its options, a
print preview of the forms (QPdfView), printing, and saving. Exports ask where to save
and offer to open the file. Long runs go through env.run_op (progress, cancel).

Filters from ``env.navigate("reports", ...)``: ``ledger`` (talents / disbursement /
recovery / review) or ``form`` (approval / batch / review / recovery; recognition / case /
visit / housing with ``record``, the record's id: the other registers' forms), with ``talent``
(ID number), ``benefit``, ``year``, ``month`` ("YYYY-MM"); a form with its talent is
previewed at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QListWidget,
                               QListWidgetItem, QSizePolicy, QSpinBox, QSplitter, QStackedWidget, QVBoxLayout,
                               QWidget)

from talentdesk.domain import idcard
from talentdesk.domain.errors import TalentDeskError
from talentdesk.domain.status import TALENT_STATUS
from talentdesk.services.register import employers, talents
from talentdesk.services.benefits import grants
from talentdesk.services.exchange import filings, reports
from talentdesk.ui.i18n import tr
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import (Col, DataTable, PageBase, RowsModel, allowed, button, from_qdate, hint, line,
                                         month_edit)

PREVIEW_ROWS = 200

# (key, kind, title, description); kind "ledger" → Excel, "form" → PDF
OUTPUTS = (
    ("talents", "ledger", tr("人才信息台账"), tr("全部人才的登记信息（Excel），可按单位、地区、引进年份、状态筛选")),
    ("disbursement", "ledger", tr("待遇发放台账"), tr("某年度应发、已发、暂停和取消的各期待遇，按资金来源分列（Excel）")),
    ("recovery", "ledger", tr("追回台账"), tr("离职人员应退回、已追回和尚欠金额（Excel）")),
    ("review", "ledger", tr("年度考核台账"), tr("某年度负有服务义务人员的考核结果（Excel）")),
    ("approval", "form", tr("人才待遇审批表"), tr("已批准待遇的审批表，含计算依据和发放计划，供签字盖章（PDF）")),
    ("batch", "form", tr("补贴发放审批表"), tr("某月应发放的各期补贴汇总，供财务审批（PDF）")),
    ("review_form", "form", tr("年度考核登记表 / 汇总报告"), tr("某年度考核汇总报告和每人一张登记表（PDF）")),
    ("recovery_notice", "form", tr("追回通知书"), tr("离职人员应退回补贴的通知书（PDF）")),
    ("filing_hires", "filing", tr("新引进刚性人才备案表"),
     tr("备案期间内引进的刚性引进人才，报盟委人才办备案（第十三条；PDF 或 Excel）")),
    ("filing_flexible", "filing", tr("柔性引进人才备案表"),
     tr("备案期间内签订柔性引进协议的人才（兼职、挂职、委托、合作等，第十四条；PDF 或 Excel）")),
    ("filing_departures", "filing", tr("离职及追回备案表"),
     tr("备案期间内离职的引进人才及应退回、已追回补贴（第十九条；PDF 或 Excel）")),
    ("filing_recognitions", "filing", tr("待确认人才认定备案表"),
     tr("备案期间内登记、尚未审核确认的人才分类认定，报盟委人才办确认（第二十条；PDF 或 Excel）")),
    ("register_recognition", "register", tr("人才认定备案表"),
     tr("一条人才认定记录：认定类型、类别、文号、审核确认、有效期、撤销（第二十条、第三十六条；PDF）")),
    ("register_case", "register", tr("人才服务事项办理单"),
     tr("一件服务事项：类别、责任部门、办理时限（工作日）、经办人、办理结果（PDF）")),
    ("register_visit", "register", tr("回访记录表"),
     tr("一次走访：走访人员、反映问题、跟进措施、转办事项（第三十七条；PDF）")),
    ("register_housing", "register", tr("人才公寓入住/腾退确认单"),
     tr("一次入住：房号、面积、入住和腾退日期、免费期限（第四十一条）、住房赠予（阿拉山口第十四条；PDF）")),
)
# the forms of the office's other registers (services.care.forms): one record each
REGISTER_KIND = {"register_recognition": "recognition", "register_case": "case", "register_visit": "visit",
                 "register_housing": "housing"}
FILING_KIND = {"filing_hires": "hires", "filing_flexible": "flexible", "filing_departures": "departures",
               "filing_recognitions": "recognitions"}
FORM_KIND = {"approval": "approval", "batch": "batch", "review_form": "review", "recovery_notice": "recovery"}
LEDGER_FOR_FILTER = {"talents": "talents", "disbursement": "disbursement", "recovery": "recovery", "review": "review"}
FORM_FOR_FILTER = {"approval": "approval", "batch": "batch", "review": "review_form", "recovery": "recovery_notice"}
FORM_FOR_FILTER.update({v: k for k, v in REGISTER_KIND.items()})


def register_records(ctx, kind: str, id_number: str) -> list[tuple[str, int]]:
    """(text, record id) of one talent's records of a register, newest first, for the picker."""
    from talentdesk.services.care import cases, housing, visits
    from talentdesk.services.register import recognitions

    if kind == "recognition":
        return [(f"#{v.id} {v.scheme} {v.tier_label}　{v.doc_no}　{v.status_label}", v.id)
                for v in recognitions.list_recognitions(ctx, talent=id_number)]
    if kind == "case":
        return [(f"#{c.id} {c.kind}　{c.requested_on}申请　{c.status_text}", c.id)
                for c in cases.list_cases(ctx, talent=id_number)]
    if kind == "visit":
        return [(f"#{v.id} {v.visited_on} {v.form}　{v.visitors}", v.id)
                for v in visits.list_visits(ctx, talent=id_number)]
    return [(f"#{o.id} {o.unit}　{o.start_date}入住　{o.state_label}", o.id)
            for o in housing.list_occupancies(ctx, id_number=id_number)]


def _progress(progress, text: str):
    """reports' progress(done, total|None) → run_op's progress(done, total, text)."""
    return lambda done, total=None: progress(int(done or 0), int(total or 0), text)


def _page_progress(progress, title: str):
    """print_forms' progress(page, pages|None) → run_op's progress with the page count."""
    def report(done, total=None):
        if not total:
            progress(0, 0, tr("{t}：正在排版……").format(t=title))
        else:
            progress(int(done), int(total), tr("{t}：正在生成第 {n} / {m} 页").format(t=title, n=done, m=total))
    return report


def _wide_combo() -> QComboBox:
    box = QComboBox()
    box.setMinimumContentsLength(24)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return box


class TalentPicker(QWidget):
    """A search box and a combo of matching talents (ID number as data)."""

    def __init__(self, env, *, status: str | None = None, parent=None):
        super().__init__(parent)
        self.env = env
        self.status = status
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.search = line(tr("姓名、拼音首字母或身份证号"))
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(22)
        lay.addWidget(self.search, 1)
        lay.addWidget(self.combo, 2)
        self.search.textChanged.connect(self._find)

    def _find(self, text: str) -> None:
        self.combo.clear()
        text = text.strip()
        if not text:
            return
        ok, found = widgets.call(self.env, talents.list_talents, self.env.ctx, search=text, status=self.status,
                                 limit=30)
        for s in (found[1] if ok else []):
            self.combo.addItem(f"{s.name}　{idcard.mask(s.id_number)}　{s.employer or ''}", s.id_number)

    def set_id(self, id_number: str) -> None:
        self.search.setText(id_number)

    def id_number(self) -> str | None:
        return self.combo.currentData()


class Page(PageBase):
    title = tr("报表打印")
    watches = ("employer", "talent", "settings")

    def __init__(self, env, parent=None):
        super().__init__(env, parent)
        self._tmp = Path(tempfile.mkdtemp(prefix="talentdesk-preview-"))
        self._preview_path: Path | None = None
        self._preview_signature: tuple | None = None
        self.last_result = None
        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget()
        self.list.setMinimumWidth(220)
        self.list.setMaximumWidth(300)
        self.list.setSpacing(2)
        for i, (key, kind, title, desc) in enumerate(OUTPUTS):
            if i == 0:
                head = QListWidgetItem(tr("Excel 台账"))
                head.setFlags(Qt.ItemFlag.NoItemFlags)
                self.list.addItem(head)
            if i == 4:
                head = QListWidgetItem(tr("打印表单（PDF）"))
                head.setFlags(Qt.ItemFlag.NoItemFlags)
                self.list.addItem(head)
            if i == 8:
                head = QListWidgetItem(tr("备案表（报盟委人才办）"))
                head.setFlags(Qt.ItemFlag.NoItemFlags)
                self.list.addItem(head)
            if i == 11:
                head = QListWidgetItem(tr("人才服务表单（PDF）"))
                head.setFlags(Qt.ItemFlag.NoItemFlags)
                self.list.addItem(head)
            item = QListWidgetItem("　" + title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(desc)
            self.list.addItem(item)
        for r in range(self.list.count()):
            it = self.list.item(r)
            if it.data(Qt.ItemDataRole.UserRole) is None:
                f = it.font()
                f.setBold(True)
                it.setFont(f)
        split.addWidget(self.list)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        self.heading = widgets.heading("", size=13)
        self.description = hint("")
        rl.addWidget(self.heading)
        rl.addWidget(self.description)
        box = QGroupBox(tr("选项"))
        bl = QVBoxLayout(box)
        self.stack = QStackedWidget()
        bl.addWidget(self.stack)
        # Masked by default; full numbers only when asked for (the audit event records it).
        self.full = QCheckBox(tr("写出完整身份证号、手机号（仅限必须使用完整号码的表格，将记入审计）"))
        self.full.setObjectName("full_numbers")
        bl.addWidget(self.full)
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        rl.addWidget(box)
        self.options: dict[str, dict] = {}
        self._build_options()
        actions = QHBoxLayout()
        self.preview_btn = button(tr("预览(&V)"), self.preview)
        self.print_btn = button(tr("打印(&P)…"), self.print_preview)
        self.save_btn = button(tr("导出(&S)…"), self.save)
        actions.addWidget(self.preview_btn)
        actions.addWidget(self.print_btn)
        actions.addStretch(1)
        actions.addWidget(self.save_btn)
        rl.addLayout(actions)
        self.platform_btn = button(tr("人才云平台实名数据(&Z)…"), self.export_platform,
                                   tip=tr("智汇驼乡实名录入（阿拉善 第四十六条）：人才信息及所享服务，xlsx 或 CSV"))
        self.platform_btn.setEnabled(allowed(self.env, "platform.export"))
        actions.insertWidget(2, self.platform_btn)
        self.exchange_btn = button(tr("交换包(&X)…"), self.open_exchange,
                                   tip=tr("旗县区导出本单位记录及变动，盟级导入（无网络连接时交换数据）"))
        actions.insertWidget(3, self.exchange_btn)
        self.status = hint("")
        rl.addWidget(self.status)
        self.viewer = self._make_viewer()
        self.ledger_model = RowsModel([], self)
        self.ledger_table = DataTable(self.ledger_model, self)
        self.ledger_table.setSortingEnabled(False)
        self.views = QStackedWidget()
        self.views.addWidget(self.viewer)
        self.views.addWidget(self.ledger_table)
        rl.addWidget(self.views, 1)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        self.outer.addWidget(split, 1)
        self.list.currentRowChanged.connect(lambda *_: self._selected())
        self.list.setCurrentRow(1)

    # -------------------------------------------------------------- options

    def _year(self, value: int | None = None, optional: bool = False) -> QSpinBox:
        w = QSpinBox()
        w.setRange(1999 if optional else 2000, 2100)
        if optional:
            w.setSpecialValueText(tr("全部年份"))
        w.setValue(value if value is not None else dt.date.today().year)
        w.setSuffix("" if optional else tr(" 年"))
        return w

    def _build_options(self) -> None:
        year = dt.date.today().year
        o = self.options
        # talents ledger
        page, form = self._page()
        o["talents"] = {"employer": _wide_combo(), "district": _wide_combo(), "year": self._year(1999, True),
                        "status": widgets.combo([(tr("全部"), None)] + [(v, k) for k, v in TALENT_STATUS.items()])}
        form.addRow(tr("用人单位："), o["talents"]["employer"])
        form.addRow(tr("所属地区："), o["talents"]["district"])
        form.addRow(tr("引进年份："), o["talents"]["year"])
        form.addRow(tr("状态："), o["talents"]["status"])
        self._add("talents", page)
        # disbursement
        page, form = self._page()
        o["disbursement"] = {"year": self._year(year)}
        form.addRow(tr("年度(&Y)："), o["disbursement"]["year"])
        self._add("disbursement", page)
        # recovery
        page, form = self._page()
        o["recovery"] = {"year": self._year(1999, True)}
        form.addRow(tr("离职年度："), o["recovery"]["year"])
        self._add("recovery", page)
        # review ledger
        page, form = self._page()
        o["review"] = {"year": self._year(year - 1)}
        form.addRow(tr("考核年度(&Y)："), o["review"]["year"])
        self._add("review", page)
        # approval forms
        page, form = self._page()
        o["approval"] = {"talent": TalentPicker(self.env), "benefit": _wide_combo()}
        o["approval"]["talent"].combo.currentIndexChanged.connect(lambda *_: self._fill_benefits())
        form.addRow(tr("人才(&T)："), o["approval"]["talent"])
        form.addRow(tr("待遇项目："), o["approval"]["benefit"])
        form.addRow("", hint(tr("不选人才时，按待遇项目打印全部已批准人员的审批表。")))
        self._fill_benefits()
        self._add("approval", page)
        # batch
        page, form = self._page()
        o["batch"] = {"month": month_edit()}
        form.addRow(tr("发放月份(&M)："), o["batch"]["month"])
        self._add("batch", page)
        # review forms
        page, form = self._page()
        o["review_form"] = {"year": self._year(year - 1), "talent": TalentPicker(self.env),
                            "summary_only": QCheckBox(tr("只打印汇总报告（不含每人一张的登记表）"))}
        o["review_form"]["summary_only"].setObjectName("summary_only")
        o["review_form"]["summary_only"].toggled.connect(lambda on: o["review_form"]["talent"].setEnabled(not on))
        form.addRow(tr("考核年度(&Y)："), o["review_form"]["year"])
        form.addRow("", o["review_form"]["summary_only"])
        form.addRow(tr("只打印某人："), o["review_form"]["talent"])
        self._add("review_form", page)
        # recovery notice
        page, form = self._page()
        o["recovery_notice"] = {"talent": TalentPicker(self.env, status="departed")}
        form.addRow(tr("离职人员(&T)："), o["recovery_notice"]["talent"])
        self._add("recovery_notice", page)
        # 备案 lists: a period, by default this year so far
        for key in FILING_KIND:
            page, form = self._page()
            o[key] = {"from": widgets.date_edit(dt.date(year, 1, 1)), "to": widgets.date_edit(dt.date.today())}
            form.addRow(tr("备案期间 自(&F)："), o[key]["from"])
            form.addRow(tr("至："), o[key]["to"])
            self._add(key, page)
        # the other registers' forms: a talent, then one of its records
        for key, kind in REGISTER_KIND.items():
            page, form = self._page()
            o[key] = {"talent": TalentPicker(self.env), "record": _wide_combo()}
            o[key]["record"].setMinimumContentsLength(44)
            o[key]["talent"].combo.currentIndexChanged.connect(lambda *_, k=key: self._fill_records(k))
            form.addRow(tr("人才(&T)："), o[key]["talent"])
            form.addRow(tr("记录(&R)："), o[key]["record"])
            self._add(key, page)

    def _fill_records(self, key: str) -> None:
        box: QComboBox = self.options[key]["record"]
        box.clear()
        idn = self.options[key]["talent"].id_number()
        if not idn:
            return
        ok, rows = widgets.call(self.env, register_records, self.env.ctx, REGISTER_KIND[key], idn)
        for text, rid in rows if ok else []:
            box.addItem(text, rid)

    def _page(self):
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        return page, form

    def _add(self, key: str, page: QWidget) -> None:
        self.options[key]["_index"] = self.stack.addWidget(page)

    def _fill_benefits(self) -> None:
        box: QComboBox = self.options["approval"]["benefit"]
        box.clear()
        idn = self.options["approval"]["talent"].id_number()
        box.addItem(tr("全部已批准的待遇"), None)
        if idn:
            ok, rows = widgets.call(self.env, grants.list_grants, self.env.ctx, idn, status="approved")
            for g in rows if ok else []:
                box.addItem(g.benefit_name or g.benefit_code, g.benefit_code)
        else:
            try:
                from talentdesk.rules import BENEFIT_NAMES
            except ImportError:  # pragma: no cover
                BENEFIT_NAMES = {}
            for code, name in BENEFIT_NAMES.items():
                box.addItem(name, code)

    def reload(self) -> None:
        o = self.options["talents"]
        for box, values in ((o["employer"], [e.name for e in employers.list_all(self.env.ctx)]),
                            (o["district"], employers.districts(self.env.ctx))):
            current = box.currentData()
            box.clear()
            box.addItem(tr("全部"), None)
            for v in values:
                box.addItem(v, v)
            box.setCurrentIndex(max(0, box.findData(current)))

    # -------------------------------------------------------------- selection

    def current_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _spec(self, key: str):
        return next(s for s in OUTPUTS if s[0] == key)

    def _selected(self) -> None:
        key = self.current_key()
        if key is None:
            return
        _, kind, title, desc = self._spec(key)
        self.heading.setText(title)
        self.description.setText(desc)
        self.stack.setCurrentIndex(self.options[key]["_index"])
        is_form = kind in ("form", "filing", "register")
        self.print_btn.setVisible(is_form)
        self.views.setCurrentWidget(self.viewer if is_form else self.ledger_table)
        self.save_btn.setText({"form": tr("另存为 PDF(&S)…"), "register": tr("另存为 PDF(&S)…"), "filing": tr("另存为 PDF 或 Excel(&S)…")}.get(
            kind, tr("导出 Excel(&S)…")))
        self.save_btn.setEnabled(allowed(self.env, "export"))
        self.preview_btn.setEnabled(allowed(self.env, "export"))
        self.print_btn.setEnabled(self._preview_path is not None)
        self.status.setText(tr("点“预览”查看，确认无误后打印或另存为 PDF。") if is_form else
                            tr("点“预览”查看前 {n} 行；导出后可用 Excel 打开、打印或报送。").format(n=PREVIEW_ROWS))

    def select(self, key: str) -> None:
        for r in range(self.list.count()):
            if self.list.item(r).data(Qt.ItemDataRole.UserRole) == key:
                self.list.setCurrentRow(r)
                return

    def apply_filters(self, **filters) -> None:
        self.refresh()
        key = LEDGER_FOR_FILTER.get(filters.get("ledger")) or FORM_FOR_FILTER.get(filters.get("form"))
        if key is None:
            return
        self.select(key)
        o = self.options[key]
        if "year" in filters and "year" in o:
            o["year"].setValue(int(filters["year"]))
        if "month" in filters and "month" in o:
            m = str(filters["month"])
            o["month"].setDate(QDate(int(m[:4]), int(m[5:7]), 1))
        if filters.get("talent") and "talent" in o:
            o["talent"].set_id(filters["talent"])
        if filters.get("benefit") and key == "approval":
            o["benefit"].setCurrentIndex(max(0, o["benefit"].findData(filters["benefit"])))
        if key in REGISTER_KIND and filters.get("record") is not None:
            box = o["record"]
            box.setCurrentIndex(max(0, box.findData(int(filters["record"]))))
        if self._spec(key)[1] in ("form", "register") and filters.get("talent"):
            self.preview()

    # -------------------------------------------------------------- running

    def params(self, key: str) -> dict:
        o = self.options[key]
        if key == "talents":
            y = o["year"].value()
            return {"employer": o["employer"].currentData(), "district": o["district"].currentData(),
                    "year": None if y == o["year"].minimum() else y, "status": o["status"].currentData()}
        if key in ("disbursement", "review"):
            return {"year": o["year"].value()}
        if key == "recovery":
            y = o["year"].value()
            return {"year": None if y == o["year"].minimum() else y}
        if key == "approval":
            return {"talent": o["talent"].id_number(), "benefit": o["benefit"].currentData()}
        if key == "batch":
            return {"month": from_qdate(o["month"].date()).isoformat()[:7]}
        if key == "review_form":
            if o["summary_only"].isChecked():
                return {"year": o["year"].value(), "talent": None, "summary_only": True}
            return {"year": o["year"].value(), "talent": o["talent"].id_number()}
        if key == "recovery_notice":
            return {"talent": o["talent"].id_number()}
        if key in FILING_KIND:
            return {"date_from": from_qdate(o["from"].date()), "date_to": from_qdate(o["to"].date())}
        if key in REGISTER_KIND:
            return {"record_id": o["record"].currentData()}
        raise KeyError(key)

    def suggested_name(self, key: str) -> str:
        _, kind, title, _ = self._spec(key)
        p = self.params(key)
        bits = [self.env_office_prefix(), tr("年度考核汇总报告") if p.get("summary_only") else
                title.split(" / ")[0].replace("/", "、")]
        if p.get("year"):
            bits.append(f"{p['year']}年")
        if p.get("month"):
            bits.append(p["month"])
        if p.get("date_from") and p.get("date_to"):
            bits.append(f"{p['date_from']:%Y%m%d}至{p['date_to']:%Y%m%d}")
        else:
            bits.append(dt.date.today().strftime("%Y%m%d"))
        return "-".join(b for b in bits if b) + (".xlsx" if kind == "ledger" else ".pdf")

    def env_office_prefix(self) -> str:
        try:
            from talentdesk.services.office import settings

            return settings.get_settings(self.env.ctx).district or ""
        except Exception:  # noqa: BLE001
            return ""

    def missing_choice(self, key: str) -> str | None:
        """What the clerk still has to choose before this output can be made (Chinese)."""
        p = self.params(key)
        if key == "approval" and not p["talent"] and not p["benefit"]:
            return tr("请选择人才，或选择一个待遇项目以打印该项目全部已批准人员的审批表")
        if key == "recovery_notice" and not p["talent"]:
            return tr("请先查找并选择离职人员")
        if key in REGISTER_KIND and p["record_id"] is None:
            return tr("请先查找并选择人才，再选择要打印的记录")
        return None

    def _ready(self, key: str) -> bool:
        problem = self.missing_choice(key)
        if problem:
            self.env.show_error(TalentDeskError(problem))
            return False
        if self._spec(key)[1] in ("form", "filing", "register"):  # a form prints the office's name, 文号 and signatories
            from talentdesk.ui.office.print_setup import ensure_office_details

            return ensure_office_details(self.env, self)
        return True

    def _signature(self, key: str) -> tuple:
        """What a built file depends on: a preview with the same signature can be saved as is."""
        return key, tuple(sorted((k, str(v)) for k, v in self.params(key).items())), self.full.isChecked()

    def _job(self, key: str, path: Path, *, preview: bool = False):
        _, kind, title, _ = self._spec(key)
        params = self.params(key)
        mask = False if self.full.isChecked() else None  # None: masked, or the office's rule for 审批表
        ctx = self.env.ctx

        if kind == "ledger":
            def work(progress, cancelled):
                return reports.export_ledger(ctx, key, path, mask=mask, progress=_progress(progress, title),
                                             cancel=cancelled, **params)
        elif kind == "filing":
            def work(progress, cancelled):
                return filings.export(ctx, FILING_KIND[key], path, mask=mask, preview=preview, **params)
        elif kind == "register":
            from talentdesk.services.care import forms

            def work(progress, cancelled):
                return forms.print_form(ctx, REGISTER_KIND[key], params["record_id"], path, mask=mask,
                                        preview=preview)
        else:
            def work(progress, cancelled):
                return reports.print_forms(ctx, FORM_KIND[key], path, mask=mask,
                                           progress=_page_progress(progress, title), cancel=cancelled,
                                           preview=preview, **params)
        return work

    def save(self) -> None:
        key = self.current_key()
        if key is None:
            return
        if not self._ready(key):
            return
        kind = self._spec(key)[1]
        filters = {"ledger": tr("Excel 工作簿 (*.xlsx)"), "form": tr("PDF 文件 (*.pdf)"),
                   "register": tr("PDF 文件 (*.pdf)"),
                   "filing": tr("PDF 文件 (*.pdf);;Excel 工作簿 (*.xlsx)")}[kind]
        path = widgets.ask_save_file(self.env, self, tr("保存到"), self.suggested_name(key), filters)
        if not path:
            return
        suffix = ".xlsx" if kind == "ledger" else ".pdf"
        if kind == "filing" and path.lower().endswith(".xlsx"):
            suffix = ".xlsx"
        if not path.lower().endswith(suffix):
            path += suffix
        if kind == "form" and self._preview_path is not None and self._preview_signature == self._signature(key):
            # the preview on screen is the file: saved as it is, not built again
            ok, result = widgets.call(self.env, reports.save_preview, self.env.ctx, self.last_result, path)
            if ok:
                self._saved(result)
            return
        self.env.run_op(tr("正在生成 {t}").format(t=self._spec(key)[2]), self._job(key, Path(path)), self._saved,
                        write=True)

    def _saved(self, result) -> None:
        self.last_result = result
        what = tr("{n} 行").format(n=result.rows) if not result.pages else \
            tr("{n} 页").format(n=result.pages)
        self.status.setText(tr("已保存 {p}（{w}）").format(p=result.path, w=what))
        if self.env.confirm(tr("已保存到 {p}（{w}）。现在打开吗？").format(p=result.path, w=what)):
            widgets.open_file(str(result.path))

    def export_platform(self) -> None:
        from talentdesk.ui.overview import platform_export

        platform_export.export_platform(self.env, self, on_done=self._platform_saved)

    def open_exchange(self) -> None:
        from talentdesk.ui.overview import exchange_package

        exchange_package.open_exchange(self.env, self)

    def _platform_saved(self, result) -> None:
        self.last_result = result
        self.status.setText(tr("已导出人才云平台实名数据 {p}（{n} 人）").format(p=result.path, n=result.rows))

    def preview(self) -> None:
        key = self.current_key()
        if key is None:
            return
        if not self._ready(key):
            return
        if self._spec(key)[1] == "ledger":
            self.preview_ledger(key)
            return
        path = self._tmp / f"preview-{dt.datetime.now():%H%M%S%f}.pdf"
        self.status.setText(tr("正在生成预览……"))
        signature = self._signature(key)
        self.env.run_op(tr("正在生成预览"), self._job(key, path, preview=True),
                        lambda result: self._previewed(result, signature), write=True)

    def _previewed(self, result, signature=None) -> None:
        self.last_result = result
        self._preview_path = Path(result.path)
        self._preview_signature = signature
        unit = tr("条") if result.kind in filings.KINDS else tr("份")
        self.status.setText(tr("预览：{n} {u}，共 {p} 页。确认无误后可打印或另存。").format(n=result.rows, u=unit,
                                                                                  p=result.pages))
        self.print_btn.setEnabled(True)
        self._show_pdf(self._preview_path)

    def preview_ledger(self, key: str) -> None:
        params = self.params(key)
        ctx = self.env.ctx
        builders = {"talents": reports.talent_ledger, "disbursement": reports.disbursement_ledger,
                    "recovery": reports.recovery_ledger, "review": reports.review_ledger}

        def work(progress, cancelled):
            if key in ("disbursement", "review"):
                ledger = builders[key](ctx, params["year"])
            else:
                ledger = builders[key](ctx, **params)
            rows = list(itertools.islice(iter(ledger.rows), PREVIEW_ROWS))
            close = getattr(ledger.rows, "close", None)
            if callable(close):
                close()
            return ledger, rows

        self.status.setText(tr("正在生成预览……"))
        self.env.run_op(tr("正在生成预览"), work, self._ledger_previewed)

    def _ledger_previewed(self, result) -> None:
        ledger, rows = result
        cols = []
        for i, c in enumerate(ledger.columns):
            kind = {"money": "money", "int": "int", "date": "date"}.get(c.kind, "text")
            cols.append(Col(c.label, lambda r, i=i: r[i] if i < len(r) else None, kind=kind,
                            width=max(3, min(int(c.width * 0.6), 16))))
        self.ledger_model = RowsModel(cols, self, tint=lambda r: QColor("#eef3f8") if type(r) is not tuple else None)
        self.ledger_model.set_rows(rows)
        old = self.ledger_table
        self.ledger_table = DataTable(self.ledger_model, self)
        self.ledger_table.setSortingEnabled(False)
        self.views.insertWidget(1, self.ledger_table)
        self.views.removeWidget(old)
        old.deleteLater()
        for r, row in enumerate(rows):
            if type(row).__name__ == "Heading":
                self.ledger_table.setSpan(r, 0, 1, len(cols))
        self.views.setCurrentWidget(self.ledger_table)
        text = tr("{t}（预览，显示 {n} 行，含小计、合计）").format(t=ledger.title, n=len(rows))
        if len(rows) >= PREVIEW_ROWS:
            text = tr("{t}（预览前 {n} 行，完整内容请导出）").format(t=ledger.title, n=len(rows))
        self.status.setText(text)

    # -------------------------------------------------------------- PDF view and printing

    def _make_viewer(self) -> QWidget:
        try:
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView
        except ImportError:  # pragma: no cover - PySide6-Essentials
            self.pdf_doc = None
            return hint(tr("本机缺少 PDF 预览组件，请另存为 PDF 后查看。"))
        self.pdf_doc = QPdfDocument(self)
        view = QPdfView(self)
        view.setDocument(self.pdf_doc)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        view.setMinimumHeight(300)
        return view

    def _show_pdf(self, path: Path) -> None:
        if self.pdf_doc is None:
            return
        self.pdf_doc.close()
        self.pdf_doc.load(str(path))

    def page_count(self) -> int:
        return self.pdf_doc.pageCount() if self.pdf_doc is not None else 0

    def print_preview(self) -> None:
        """Print the previewed PDF on a printer chosen in the system print dialog."""
        if self._preview_path is None or self.pdf_doc is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dlg = QPrintDialog(printer, self)
        dlg.setWindowTitle(tr("打印"))
        if not widgets.exec_dialog(dlg):
            return
        self.print_to(printer)

    def print_to(self, printer) -> int:
        """Draw every page of the previewed PDF on ``printer`` (a QPagedPaintDevice)."""
        painter = QPainter()
        if not painter.begin(printer):
            self.env.show_error(TalentDeskError(tr("无法开始打印，请检查打印机")))
            return 0
        n = self.pdf_doc.pageCount()
        try:
            for i in range(n):
                if i:
                    printer.newPage()
                rect = painter.viewport()
                size = self.pdf_doc.pagePointSize(i).toSize()
                scale = min(rect.width() / max(1, size.width()), rect.height() / max(1, size.height()))
                target = QSize(int(size.width() * scale), int(size.height() * scale))
                image = self.pdf_doc.render(i, target)
                painter.drawImage(0, 0, image)
        finally:
            painter.end()
        if n and self.last_result is not None:
            widgets.call(self.env, reports.record_printed, self.env.ctx, self.last_result)
        return n

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.pdf_doc is not None:
            self.pdf_doc.close()
        super().closeEvent(event)

    def __del__(self):  # pragma: no cover - best effort cleanup of preview files
        try:
            for p in self._tmp.glob("*.pdf"):
                p.unlink()
            os.rmdir(self._tmp)
        except Exception:  # noqa: BLE001
            pass


__all__ = ["Page", "OUTPUTS"]
