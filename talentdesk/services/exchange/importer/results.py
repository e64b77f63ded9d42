"""What an import run ends with: the issues found in cells, its summary, or its
cancellation (shared by the engine, the validation and the writer, so none of them
imports another for it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talentdesk.domain.errors import TalentDeskError


@dataclass
class CellIssue:
    """One problem, located as the clerk sees it in Excel."""

    row: int  # row number as Excel shows it (1-based)
    col: int | None  # 0-based sheet column; None when the column is not in the file
    column: str  # the header as written in the file (or the standard label if missing)
    field: str | None
    value: Any
    message: str
    severity: str = "error"  # error | warning

    def as_dict(self) -> dict:
        out = {"row": self.row or None, "column": self.column}  # row None: about the whole file
        if self.severity == "error":
            out["value"] = _show(self.value)
        out["message"] = self.message
        return out


def _show(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return repr(value) if not value.is_integer() or abs(value) >= 1e15 else int(value)
    return str(value)


class ImportCancelled(TalentDeskError):
    def __init__(self, message: str = "导入已取消，数据库未作任何改动"):
        super().__init__(message)



@dataclass
class ImportSummary:
    kind: str
    file_name: str
    sha256: str
    rows: int
    valid: int
    inserted: int
    updated: int
    unchanged: int
    skipped: int
    errors: list[CellIssue]
    warnings: list[CellIssue]
    changes: list[dict] = field(default_factory=list)  # [{"row", "id_number", "name", "fields": {label: [old, new]}}]
    dry_run: bool = False
    committed: bool = False  # something was written
    batch_id: int | None = None
    report_path: Path | None = None
    message: str = ""
    ignored_lines: list[dict] = field(default_factory=list)  # [{"row", "why"}]: 合计, 填表说明 … lines skipped
    errors_omitted: int = 0  # errors found but not listed in ``errors`` (beyond MAX_ERRORS_KEPT)

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

    @property
    def exit_code(self) -> int:
        return 3 if self.errors else 0

    def as_json(self) -> dict:
        return {
            "rows": self.rows, "valid": self.valid, "inserted": self.inserted, "updated": self.updated,
            "unchanged": self.unchanged, "skipped": self.skipped,
            "errors": [e.as_dict() for e in self.errors],
            "error_count": self.error_count, "errors_not_listed": self.errors_omitted,
            "warnings": [w.as_dict() for w in self.warnings],
            "changes": self.changes, "ignored_lines": self.ignored_lines,
            "dry_run": self.dry_run, "committed": self.committed,
            "batch_id": self.batch_id, "file_name": self.file_name, "sha256": self.sha256,
            "report": str(self.report_path) if self.report_path else None, "message": self.message,
        }


