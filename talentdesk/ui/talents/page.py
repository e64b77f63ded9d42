"""The talent library page (being built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from talentdesk.ui.i18n import tr


class Page(QWidget):
    title = "人才库"

    def __init__(self, env, parent=None):
        super().__init__(parent)
        self.env = env
        lay = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索姓名、拼音首字母、身份证号或单位"))
        lay.addWidget(self.search)
        lay.addWidget(QLabel(tr("人才库")))
        lay.addStretch(1)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
