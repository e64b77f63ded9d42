"""Export the audit trail to Excel for an auditor (``talentdesk audit export OUT.xlsx``).

Every cell is written as a value, never a formula: text starting with = + - @ (or a
tab/CR) is stored as a string cell (``data_type = "s"``), so Excel shows it as typed and
never evaluates it. ID numbers and phone numbers inside the before/after values can be
masked (``mask=True``). The export itself is an audit event (it holds personal data).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from talentdesk.fileio import atomic_path
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit, text as audit_text
from talentdesk.services.context import ServiceContext

HEADERS = ("序号", "时间（UTC）", "用户", "操作", "对象", "对象编号", "人才编号", "修改前", "修改后", "操作系统账户")
ACTION_NAMES = audit_text.ACTION_NAMES  # one list of the actions' Chinese names
_ID_RE = re.compile(r"(?<![0-9])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9])")
_PHONE_RE = re.compile(r"(?<![0-9])(1\d{2})\d{4}(\d{4})(?![0-9])")


def mask_text(text: str) -> str:
    """Mask 18-digit ID numbers (keep 6 + 4) and 11-digit mobile numbers (keep 3 + 4)."""
    text = _ID_RE.sub(lambda m: m[1] + "*" * 8 + m[2], text)
    return _PHONE_RE.sub(lambda m: m[1] + "****" + m[2], text)


def write_cell(ws, row: int, col: int, value) -> None:
    """Write a value so that it can never become a formula in Excel."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise turn "=…" into a formula


@dataclass
class ExportResult:
    path: Path
    rows: int

    def as_dict(self) -> dict:
        return {"path": str(self.path), "rows": self.rows}


def _fmt(value) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=audit.json_default)


def export_xlsx(ctx: ServiceContext, out: Path, *, user: str | None = None, talent_id: int | None = None,
                since: dt.date | None = None, until: dt.date | None = None, mask: bool = False,
                limit: int = 1_000_000) -> ExportResult:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    permissions.require(ctx, "audit.view")
    events = audit.list_events(ctx, user=user, talent_id=talent_id, since=since, until=until, limit=limit)
    events.reverse()  # oldest first
    wb = Workbook()
    ws = wb.active
    ws.title = "审计记录"
    for col, h in enumerate(HEADERS, 1):
        write_cell(ws, 1, col, h)
        ws.cell(row=1, column=col).font = Font(bold=True)
    for r, e in enumerate(events, 2):
        before, after = _fmt(e.before), _fmt(e.after)
        entity_id = e.entity_id or ""
        if mask:
            before, after, entity_id = mask_text(before), mask_text(after), mask_text(entity_id)
        values = (e.id, e.at.replace(microsecond=0), e.user or "", ACTION_NAMES.get(e.action, e.action),
                  e.entity, entity_id, e.talent_id, before, after, e.os_user or "")
        for col, v in enumerate(values, 1):
            write_cell(ws, r, col, v)
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJ", (8, 20, 12, 10, 14, 20, 10, 60, 60, 14)):
        ws.column_dimensions[col].width = width
    out = Path(out)
    with atomic_path(out) as tmp:
        wb.save(tmp)
    with ctx.write() as session:
        audit.record(session, ctx.actor, "export", "audit_event", None, talent_id=talent_id,
                     after={"file": str(out), "rows": len(events), "masked": mask,
                            "filter": {"user": user, "talent_id": talent_id, "since": since, "until": until}})
    return ExportResult(out, len(events))
