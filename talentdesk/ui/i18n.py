"""``tr()``: every visible string goes through Qt's translation hook (context TalentDesk)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

CONTEXT = "TalentDesk"


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate(CONTEXT, text, disambiguation, n)
