"""The yearly 人才服务事项统计表 (Excel): cases by kind — 受理、已办结、办理中、超期、平均用时
(working days) — the figures offices report upward, rendered by ``talentdesk.outputs.xlsx``
like the other ledgers, audited as an export.

    write_year(ctx, year, path) -> int   (rows written)
    ledger(ctx, year) -> Ledger          (the model, no file)
"""

from __future__ import annotations

import os
from pathlib import Path

from talentdesk.fileio import atomic_path
from talentdesk.outputs.model import Ledger, LedgerColumn, Total
from talentdesk.services.care import cases
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import reports
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit

COLUMNS = [LedgerColumn("服务类别", "text", 12), LedgerColumn("受理件数", "int", 10), LedgerColumn("已办结", "int", 10),
           LedgerColumn("办理中", "int", 10), LedgerColumn("超期件数", "int", 10),
           LedgerColumn("平均用时（工作日）", "text", 16), LedgerColumn("依据", "text", 48)]


def _avg(s: cases.KindStats) -> str:
    return "—" if s.avg_days is None else f"{s.avg_days:.1f}"


def ledger(ctx: ServiceContext, year: int) -> Ledger:
    s = cases.yearly_stats(ctx, year)
    arts = {k: "；".join(sorted(set(v.articles.values()))) for k, v in cases.KINDS.items()}
    rows: list[tuple] = [(r.kind, r.count, r.closed, r.open, r.overdue, _avg(r), arts.get(r.kind, "")) for r in s.rows]
    t = s.total
    rows.append(Total(("合计", t.count, t.closed, t.open, t.overdue, _avg(t), "")))
    return Ledger("care", "人才服务事项统计表", reports.office(ctx), year, COLUMNS, rows, len(rows),
                  subtitle=f"统计截至{s.on}",
                  notes=["用时：自申请次日起至办结日的工作日数（法定节假日、调休按国家安排）；超期：办结日或统计日晚于办结期限。",
                         cases.LIMIT_NOTE])


def write_year(ctx: ServiceContext, year: int, path: str | os.PathLike) -> int:
    from talentdesk.outputs import xlsx

    permissions.require(ctx, "export")
    model = ledger(ctx, year)
    path = Path(path)
    with atomic_path(path, hint="（文件是否正在其他程序中打开？）") as tmp:
        n = xlsx.write_ledger(model, tmp)
    with ctx.write() as session:
        audit.record(session, ctx.actor, "export", "ledger", "care", after={"ledger": model.name, "file": path.name,
                                                                          "rows": n, "year": year})
    return n
