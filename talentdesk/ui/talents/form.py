"""The talent edit form: one editor per standard roster column, validated as typed
(``roster.parse_record``: ID checksum, dates, value sets, cross-checks), birth date and
sex filled from the ID number, the message under each bad field, dirty tracking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QCompleter, QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout,
                               QWidget)

from talentdesk.domain import idcard, roster
from talentdesk.ui.i18n import tr

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("基本信息", ("name", "id_number", "sex", "birth_date", "ethnicity", "political_status", "native_place",
                  "phone")),
    ("学历与职称", ("education", "degree", "study_mode", "university", "university_tier", "major",
                    "graduation_date", "title")),
    ("引进与单位", ("talent_class", "introduction_mode", "employer_name", "employer_uscc", "employer_kind",
                    "employer_industry", "employer_civil_service", "district", "introduction_date",
                    "contract_start", "contract_years", "agreement_signed_date", "postdoc_entry_date")),
    ("待遇相关", ("urgently_needed", "own_home", "talent_apartment", "remarks")),
)
PLACEHOLDERS = {"date": "例如 2023-05-01", "month_or_date": "例如 2020-07 或 2020-07-15", "idcard": "18位居民身份证号", "phone": "11位手机号码",
                "uscc": "18位统一社会信用代码", "decimal": "例如 5"}
ERROR_STYLE = "border: 1px solid #d9363e; border-radius: 2px; background: #fff1f0;"


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return str(value)


class FieldEditor(QWidget):
    """An editor and the message under it."""

    def __init__(self, col: roster.Column, parent=None):
        super().__init__(parent)
        self.col = col
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        if col.kind in ("choice", "bool"):
            self.editor = QComboBox()
            self.editor.addItem("")
            self.editor.addItems(list(col.choices if col.kind == "choice" else roster.YES_NO))
            self.editor.setEditable(False)
            self.editor.currentTextChanged.connect(lambda _t: self._changed())
        elif col.key == "employer_name":
            self.editor = QComboBox()
            self.editor.setEditable(True)
            self.editor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            self.editor.lineEdit().setPlaceholderText(tr("单位全称，与公章一致"))
            self.editor.currentTextChanged.connect(lambda _t: self._changed())
        else:
            self.editor = QLineEdit()
            if col.kind in PLACEHOLDERS:
                self.editor.setPlaceholderText(tr(PLACEHOLDERS[col.kind]))
            if col.kind == "idcard":
                self.editor.setMaxLength(22)
            self.editor.textChanged.connect(lambda _t: self._changed())
        self.editor.setObjectName(f"field_{col.key}")
        self.editor.setAccessibleName(tr(col.label))
        lay.addWidget(self.editor)
        self.message = QLabel()
        self.message.setObjectName(f"error_{col.key}")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c0392b;")
        self.message.hide()
        lay.addWidget(self.message)
        self.on_change = None

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self.col.key)

    def text(self) -> str:
        if isinstance(self.editor, QComboBox):
            return self.editor.currentText().strip()
        return self.editor.text().strip()

    def set_text(self, text: str) -> None:
        if isinstance(self.editor, QComboBox):
            if self.editor.isEditable():
                self.editor.setCurrentText(text)
            else:
                i = self.editor.findText(text)
                if i < 0:
                    self.editor.addItem(text)
                    i = self.editor.findText(text)
                self.editor.setCurrentIndex(i)
        else:
            self.editor.setText(text)

    def set_error(self, message: str | None) -> None:
        self.message.setStyleSheet("color: #c0392b;")
        if message:
            self.message.setText(message)
            self.message.show()
            self.editor.setStyleSheet(ERROR_STYLE if isinstance(self.editor, QLineEdit) else "")
            self.editor.setToolTip(message)
        else:
            self.message.hide()
            self.message.clear()
            self.editor.setStyleSheet("")
            self.editor.setToolTip("")


    def set_notice(self, message: str) -> None:
        """A note under a valid value that does not stop saving (amber, the field not red)."""
        self.message.setText(message)
        self.message.setStyleSheet("color: #a15c00;")
        self.message.show()


class TalentForm(QWidget):
    """Edits one talent's roster record. ``values()`` → raw strings keyed by field key."""

    changed = Signal()  # any edit (dirty state or validity may have changed)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.fields: dict[str, FieldEditor] = {}
        self._loaded: dict[str, str] = {}
        self._auto: dict[str, str] = {}  # fields filled from the ID number, with the value
        self._loading = False
        self.errors: dict[str, str] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel()
        self.summary.setObjectName("form_summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #c0392b;")
        self.summary.hide()
        label_width = self.fontMetrics().horizontalAdvance("博士后进站日期*：") + 4
        for title, keys in SECTIONS:
            box = QGroupBox(tr(title))
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            form.setVerticalSpacing(6)
            for key in keys:
                col = roster.BY_KEY[key]
                editor = FieldEditor(col)
                editor.on_change = self._on_field_changed
                self.fields[key] = editor
                label = QLabel(tr(col.label) + ("*" if col.required else "") + "：")
                label.setBuddy(editor.editor)
                label.setMinimumWidth(label_width)
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col.required:
                    label.setToolTip(tr("必填"))
                form.addRow(label, editor)
            lay.addWidget(box)
        lay.addWidget(self.summary)
        lay.addStretch(1)

    # -- loading --------------------------------------------------------------------------
    def set_employers(self, names: list[str]) -> None:
        combo = self.fields["employer_name"].editor
        current = combo.currentText()
        self._loading = True
        combo.clear()
        combo.addItems([""] + names)
        completer = QCompleter(names, combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        combo.setCompleter(completer)
        combo.setCurrentText(current)
        self._loading = False

    def load(self, record: dict[str, Any] | None) -> None:
        """Show a stored record (None: an empty form for a new talent)."""
        self._loading = True
        try:
            self._loaded = {}
            for key, editor in self.fields.items():
                text = to_text((record or {}).get(key))
                editor.set_text(text)
                self._loaded[key] = editor.text()
            self._auto = {}
            id_editor = self.fields["id_number"].editor
            id_editor.setReadOnly(record is not None)  # a wrong ID: delete and register again
            id_editor.setToolTip(tr("身份证号登记后不能修改；如有误，请删除后重新登记") if record is not None else "")
        finally:
            self._loading = False
        self.validate()
        self.changed.emit()

    # -- state ----------------------------------------------------------------------------
    def values(self) -> dict[str, str | None]:
        return {key: (editor.text() or None) for key, editor in self.fields.items()}

    def changed_values(self) -> dict[str, str | None]:
        current = self.values()
        return {k: v for k, v in current.items() if (v or "") != self._loaded.get(k, "")}

    def is_dirty(self) -> bool:
        return bool(self.changed_values())

    def mark_clean(self) -> None:
        self._loaded = {k: e.text() for k, e in self.fields.items()}
        self.changed.emit()

    # -- validation -----------------------------------------------------------------------
    def _on_field_changed(self, key: str) -> None:
        if self._loading:
            return
        if key == "id_number":
            self._fill_from_id()
        if key in self._auto and self.fields[key].text() != self._auto[key]:
            del self._auto[key]  # the clerk overrode a value filled from the ID number
        self.validate()
        self.changed.emit()

    def _fill_from_id(self) -> None:
        """Birth date and sex follow a valid ID number unless the clerk typed them."""
        try:
            info = idcard.parse(self.fields["id_number"].text())
        except ValueError:
            return
        for key, value in (("birth_date", info.birth_date.isoformat()), ("sex", info.sex)):
            editor = self.fields[key]
            current = editor.text()
            if not current or self._auto.get(key) == current:
                self._loading = True
                editor.set_text(value)
                self._loading = False
                self._auto[key] = value

    def validate(self) -> dict[str, str]:
        raw = self.values()
        _record, errors = roster.parse_record(raw, by="key", partial=False)
        messages: dict[str, str] = {}
        for err in errors:
            messages.setdefault(err.field, err.message)
        self.errors = messages
        for key, editor in self.fields.items():
            editor.set_error(messages.get(key))
        notice = None if "id_number" in messages else self._id_notice()
        if notice:
            self.fields["id_number"].set_notice(notice)
        if messages:
            self.summary.setText(tr("还有 {n} 处需要修改：").format(n=len(messages)) + "；".join(messages.values()))
            self.summary.show()
        else:
            self.summary.hide()
        return messages

    def _id_notice(self) -> str | None:
        """A valid ID number from a division since abolished: say so, without blocking."""
        try:
            number = idcard.parse(self.fields["id_number"].text()).number
        except ValueError:
            return None
        return idcard.region_warning(number)

    def is_valid(self) -> bool:
        return not self.errors

    def clear_errors(self) -> None:
        """No red marks on a form that is not being edited (nothing selected)."""
        self.errors = {}
        for editor in self.fields.values():
            editor.set_error(None)
        self.summary.hide()

    def focus_first_error(self) -> None:
        for key, editor in self.fields.items():
            if key in self.errors:
                editor.editor.setFocus()
                return
