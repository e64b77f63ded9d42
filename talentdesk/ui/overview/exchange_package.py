"""报表打印 → 交换包…: offices without a connection (talentdesk.services.exchange.package).

A banner exports its records and the changes since the last exchange as one checksummed
file (the office code the first time, then remembered); the league imports a banner's
package: it is verified and rehearsed first (what would be inserted, updated, left as a
conflict), the clerk confirms, then it is imported in one transaction. Both run on
env.run_op with a progress dialog; the exchange log is listed below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QVBoxLayout)

from talentdesk.services.exchange import package
from talentdesk.services.office import settings as settings_service
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import allowed, button, hint
from talentdesk.ui.i18n import tr

FILTERS = "TalentDesk 交换包 (*.zip)"
_DIRECTION = {"export": "导出", "import": "导入"}


def _counts(counts: dict) -> str:
    return "，".join(f"{package.kind_label(k)} {n} 条" for k, n in counts.items()) or tr("无")


class ExchangeDialog(QDialog):
    def __init__(self, env, parent=None):
        super().__init__(parent)
        self.env = env
        self.last_result = None
        self.setWindowTitle(tr("交换包"))
        lay = QVBoxLayout(self)
        lay.addWidget(hint(tr("无网络连接的旗县区与盟级人才办之间交换数据（阿党人才字〔2023〕2号 第十三、十五、二十条 备案）："
                              "旗县区导出本单位的记录和上次交换以来的变动，盟级导入，旗县区仍为记录的所属单位。")))

        out = QGroupBox(tr("导出交换包（旗县区）"))
        form = QFormLayout(out)
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("如行政区划代码 152921（第一次导出时填写，以后沿用）"))
        self.code.setMaxLength(12)
        self.name = QLineEdit()
        self.name.setMaxLength(60)
        self.full = QCheckBox(tr("导出全部记录（不勾选：只导出上次交换以来的变动）"))
        self.last = hint("")
        self.export_btn = button(tr("导出交换包(&E)…"), self.export)
        self.export_btn.setEnabled(allowed(env, "exchange.export"))
        form.addRow(tr("本单位代码(&C)："), self.code)
        form.addRow(tr("本单位名称(&N)："), self.name)
        form.addRow(QLabel(""), self.full)
        form.addRow(QLabel(""), self.last)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.export_btn)
        form.addRow(row)
        lay.addWidget(out)

        into = QGroupBox(tr("导入交换包（盟级）"))
        il = QVBoxLayout(into)
        il.addWidget(hint(tr("先校验文件（校验值、格式、所属单位）并试导入，列出将新增、更新的记录和冲突，确认后一次导入；"
                             "本库修改过的记录不被覆盖（列为冲突），同一交换包重复导入不改变任何数据。")))
        self.import_btn = button(tr("导入交换包(&I)…"), self.import_)
        self.import_btn.setEnabled(allowed(env, "exchange.import"))
        if not self.import_btn.isEnabled():
            self.import_btn.setToolTip(tr("导入交换包需要审核人或管理员权限"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.import_btn)
        il.addLayout(row)
        lay.addWidget(into)

        lay.addWidget(QLabel(tr("交换记录（最近 8 次）：")))
        self.log = QLabel("")
        self.log.setWordWrap(True)
        self.log.setObjectName("exchange_log")
        lay.addWidget(self.log)
        lay.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        widgets.fit_to_screen(self, 760, 600)
        self.reload()

    def reload(self) -> None:
        ctx = self.env.ctx
        last = package.last_export(ctx)
        if last is not None:
            self.code.setText(last["office_code"])
            self.name.setText(last["office_name"])
            self.last.setText(tr("上次导出：{at:%Y-%m-%d %H:%M}，{n} 条（交换包 {p}…）").format(
                at=last["at"], n=last["records"], p=last["package_id"][:8]))
        else:
            self.code.clear()
            self.name.setText(settings_service.get_settings(ctx).office_name)
            self.last.setText(tr("尚未导出过交换包：第一次导出全部记录。"))
        lines = []
        for h in package.history(ctx, limit=8):
            lines.append(f"{h['at']:%Y-%m-%d %H:%M}  {_DIRECTION.get(h['direction'], h['direction'])}  "
                         f"{h['office_name']}（{h['office_code']}）  {h['records']} 条  {h['user'] or ''}")
        self.log.setText("\n".join(lines) or tr("（无）"))

    # -------------------------------------------------------------- export

    def export(self) -> None:
        code, name, full = self.code.text().strip(), self.name.text().strip(), self.full.isChecked()
        suggested = f"{tr('交换包')}-{code or tr('本单位')}-{dt.date.today():%Y%m%d}{package.SUFFIX}"
        path = widgets.ask_save_file(self.env, self, tr("交换包保存到"), suggested, FILTERS)
        if not path:
            return
        if not path.lower().endswith(".zip"):
            path += package.SUFFIX
        ctx = self.env.ctx

        def work(progress, cancelled):
            return package.export(ctx, Path(path), office_code=code or None, office_name=name or None, full=full,
                                  progress=lambda text, done, total: progress(done, total, text))

        self.env.run_op(tr("正在导出交换包"), work, self._exported, write=True, cancellable=False)

    def _exported(self, res) -> None:
        self.last_result = res
        self.reload()
        what = tr("全部记录") if res.since is None else tr("上次交换以来的变动")
        self.env.info(tr("已导出交换包 {p}\n{o}（{c}），{w}，共 {n} 条：{k}\n文件校验值（SHA-256）：{s}").format(
            p=res.path, o=res.office_name, c=res.office_code, w=what, n=res.records, k=_counts(res.counts),
            s=res.checksum))

    # -------------------------------------------------------------- import

    def import_(self) -> None:
        path = widgets.ask_open_file(self.env, self, tr("选择要导入的交换包"), FILTERS)
        if not path:
            return
        ctx = self.env.ctx

        def rehearse(progress, cancelled):
            pkg = package.show(path)
            preview = package.import_package(ctx, path, dry_run=True,
                                             progress=lambda text, done, total: progress(done, total, text))
            return pkg, preview

        self.env.run_op(tr("正在校验交换包"), rehearse, lambda r: self._confirm(path, *r), cancellable=False)

    def _confirm(self, path: str, pkg, preview) -> None:
        m = pkg.manifest
        rng = m.get("range") or {}
        text = tr("交换包：{o}（{c}），{at} 由 {by} 导出，{w}，共 {n} 条。\n试导入结果：{s}").format(
            o=pkg.office_name, c=pkg.office_code, at=m.get("created_at", "").replace("T", " "), by=m.get("created_by"),
            w=tr("全部记录") if rng.get("full") else tr("上次交换以来的变动"), n=len(pkg.records), s=preview.summary())
        if preview.inserted:
            text += "\n" + tr("新增：") + _counts(preview.inserted)
        if preview.updated:
            text += "\n" + tr("更新：") + _counts(preview.updated)
        if preview.conflicts:
            text += "\n" + tr("冲突（保留本库记录）：") + "\n" + widgets.refusal_list(preview.conflicts, shown=8)
        if not preview.changed and preview.already_imported:
            self.env.info(text + "\n" + tr("此交换包已导入过，没有需要导入的新记录或变动。"))
            return
        if not self.env.confirm(text + "\n\n" + tr("确定导入吗？")):
            return
        self._run_import(path)

    def _run_import(self, path: str) -> None:
        ctx = self.env.ctx

        def work(progress, cancelled):
            return package.import_package(ctx, path, progress=lambda text, done, total: progress(done, total, text))

        self.env.run_op(tr("正在导入交换包"), work, self._imported, write=True, cancellable=False)

    def _imported(self, res) -> None:
        self.last_result = res
        self.reload()
        for what in ("talent", "employer", "grant", "installment", "review", "departure", "recognition", "care"):
            widgets.notify_changed(self.env, what)
        text = tr("“{o}”的交换包：{s}").format(o=res.office_name, s=res.summary())
        if res.conflicts:
            text += "\n" + tr("冲突（保留本库记录，请与报送单位核对）：") + "\n" + widgets.refusal_list(res.conflicts)
        self.env.info(text)


def open_exchange(env, parent) -> ExchangeDialog:
    dlg = ExchangeDialog(env, parent)
    widgets.exec_dialog(dlg)
    return dlg
