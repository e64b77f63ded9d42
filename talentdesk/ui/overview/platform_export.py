"""报表打印 → 人才云平台实名数据…: the 智汇驼乡 real-name export (阿拉善 第四十六条;
talentdesk.services.exchange.platform) — format and encoding, where to save, then the
export on env.run_op. The file holds full ID and phone numbers (real-name entry); the
dialog says so and the export is audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout

from talentdesk.domain.status import TALENT_STATUS
from talentdesk.services.exchange import platform
from talentdesk.ui.common import widgets
from talentdesk.ui.common.widgets import hint
from talentdesk.ui.i18n import tr


class PlatformDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("导出人才云平台实名数据"))
        lay = QVBoxLayout(self)
        lay.addWidget(hint(tr("{p}实名录入（{b}）：人才花名册各列（可用本程序重新导入），其后为所享服务各列。"
                              "文件含完整身份证号、手机号，导出将记入审计。").format(p=platform.PLATFORM, b=platform.BASIS)))
        form = QFormLayout()
        self.fmt = widgets.combo([(tr("Excel 工作簿（xlsx）"), "xlsx"), (tr("CSV 文本（csv）"), "csv")])
        self.encoding = widgets.combo([(tr("UTF-8（推荐，CSV 带 BOM）"), "utf-8"),
                                       (tr("GBK（平台要求时；生僻字无法表示时拒绝导出并列出）"), "gbk")])
        self.status = widgets.combo([(tr("全部人才"), None)] + [(v, k) for k, v in TALENT_STATUS.items()])
        form.addRow(tr("格式(&F)："), self.fmt)
        form.addRow(tr("编码(&N)："), self.encoding)
        form.addRow(tr("人才："), self.status)
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("导出…"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def choice(self) -> dict:
        return {"fmt": self.fmt.currentData(), "encoding": self.encoding.currentData(),
                "status": self.status.currentData()}


def export_platform(env, parent, on_done=None) -> None:
    dlg = PlatformDialog(parent)
    if not widgets.exec_dialog(dlg):
        return
    choice = dlg.choice()
    suffix = "." + choice["fmt"]
    name = f"{tr('人才云平台实名数据')}-{dt.date.today():%Y%m%d}{suffix}"
    filters = tr("Excel 工作簿 (*.xlsx)") if choice["fmt"] == "xlsx" else tr("CSV 文件 (*.csv)")
    path = widgets.ask_save_file(env, parent, tr("保存到"), name, filters)
    if not path:
        return
    if not path.lower().endswith(suffix):
        path += suffix
    ctx = env.ctx

    def work(progress, cancelled):
        progress(0, 0, tr("正在导出人才云平台实名数据……"))
        return platform.export_platform(ctx, Path(path), **choice)

    def done(result) -> None:
        if on_done is not None:
            on_done(result)
        if env.confirm(tr("已导出 {n} 人到 {p}。现在打开吗？").format(n=result.rows, p=result.path)):
            widgets.open_file(str(result.path))

    env.run_op(tr("导出人才云平台实名数据"), work, done, write=True)
