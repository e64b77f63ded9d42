"""人才统计表: a cross-tab of the talents the clerk chooses (《内蒙古自治区人才发展促进条例》
第六条: 人才统计 “分行政区域和行业领域”).

Rows and columns are each one dimension (``DIMENSIONS``; by key or by its Chinese name):
地区 (the employer's district), 人才类别, 学历, 行业 (the employer's GB/T 4754 门类: a
talent's 行业领域 is its employer's industry), 引进方式, 年度 (year of introduction),
用人单位性质, 旗县区 (the office the talent belongs to on a league's shared server: the
league's table by banner; a banner's user sees only its own, ``services.office.scope``),
and — for amounts only — 资金层级 (InstallmentFunding.level).

Measures:

- ``count`` 人数: talents introduced in the period (``introduction_date``; every talent
  when no period is given), departed ones included.
- ``paid`` 已发放金额: money paid out on installments due in the period — the statuses
  and the year the 待遇发放台账 uses (``reports.PAID_STATUSES``, by 应发日期; a reversal
  is its own negative entry), so that the figures reconcile with that ledger. By 资金层级
  each installment is split by its funding rows; the part of an installment with no
  funding row is shown as 未登记资金层级, never dropped.

All figures come from GROUP BY queries (one per table), never a loop over rows. A talent
with a blank field counts under 未填写 (an employer's blank industry: 未登记行业), so the
totals always equal the number of talents / the money paid.

Public API::

    compute(ctx, rows, cols, *, measure="count", year=None, year_from=None, year_to=None) -> StatTable
    export_table(ctx, table, path) -> OutputResult     (the workbook; audited)
    dimension_choices(measure) -> [(key, label)]
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, extract, func, null, select, union_all

from talentdesk.domain import employer_attrs, pinyin, roster
from talentdesk.domain.errors import FieldError, ValidationError
from talentdesk.domain.status import FUNDING_LEVELS
from talentdesk.fileio import atomic_path
from talentdesk.models.entities import BenefitGrant, Employer, Installment, InstallmentFunding, Talent
from talentdesk.models.league.office import Office
from talentdesk.services.context import ServiceContext
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit

BASIS = "《内蒙古自治区人才发展促进条例》第六条"
BLANK = "未填写"
NO_INDUSTRY = "未登记行业"
NO_LEVEL = "未登记资金层级"
NO_OFFICE = "本办（未分旗县）"

# key → Chinese name (the order the pickers show)
DIMENSIONS: dict[str, str] = {
    "district": "地区",
    "talent_class": "人才类别",
    "education": "学历",
    "industry": "行业",
    "introduction_mode": "引进方式",
    "year": "年度",
    "employer_kind": "用人单位性质",
    "level": "资金层级",
    "office": "旗县区",  # the office a talent's records belong to (多旗县共用服务器)
}
MEASURES: dict[str, str] = {"count": "人数", "paid": "已发放金额"}
AMOUNT_ONLY = ("level",)
_KEY_OF_NAME = {v: k for k, v in DIMENSIONS.items()} | {"引进年度": "year", "单位性质": "employer_kind",
                                                        "所属地区": "district", "行业领域": "industry",
                                                        "旗县": "office", "所属旗县": "office", "单位": "office"}


def dimension_key(name: str) -> str:
    """A dimension by key (``education``) or Chinese name (学历)."""
    text = (name or "").strip()
    if text in DIMENSIONS:
        return text
    if text in _KEY_OF_NAME:
        return _KEY_OF_NAME[text]
    raise ValidationError([FieldError("dimension", "统计项", name,
                                      f"没有“{name}”这一统计项，可选：{'、'.join(DIMENSIONS.values())}")])


def dimension_choices(measure: str = "count") -> list[tuple[str, str]]:
    return [(k, v) for k, v in DIMENSIONS.items() if measure == "paid" or k not in AMOUNT_ONLY]


@dataclass
class StatTable:
    rows_dim: str
    cols_dim: str
    measure: str
    year_from: int | None
    year_to: int | None
    row_labels: list[str]
    col_labels: list[str]
    cells: dict[tuple[str, str], int]  # absent = 0
    notes: list[str] = field(default_factory=list)

    def value(self, row: str, col: str) -> int:
        return self.cells.get((row, col), 0)

    def row_total(self, row: str) -> int:
        return sum(self.value(row, c) for c in self.col_labels)

    def col_total(self, col: str) -> int:
        return sum(self.value(r, col) for r in self.row_labels)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    @property
    def money(self) -> bool:
        return self.measure == "paid"

    @property
    def unit(self) -> str:
        return "元" if self.money else "人"

    @property
    def period(self) -> str:
        return period_text(self.year_from, self.year_to)

    @property
    def heading(self) -> str:
        """人才统计表（学历 × 地区，人数）"""
        return f"{DIMENSIONS[self.rows_dim]} × {DIMENSIONS[self.cols_dim]}，{MEASURES[self.measure]}"

    def as_dict(self) -> dict[str, Any]:
        return {"rows": DIMENSIONS[self.rows_dim], "cols": DIMENSIONS[self.cols_dim], "measure": self.measure,
                "measure_label": MEASURES[self.measure], "unit": self.unit, "period": self.period,
                "year_from": self.year_from, "year_to": self.year_to, "basis": BASIS,
                "col_labels": self.col_labels,
                "table": [{"label": r, "cells": [self.value(r, c) for c in self.col_labels],
                           "total": self.row_total(r)} for r in self.row_labels],
                "col_totals": [self.col_total(c) for c in self.col_labels], "total": self.total,
                "money_in": "fen" if self.money else None, "notes": self.notes}


def period_text(year_from: int | None, year_to: int | None) -> str:
    if year_from is None and year_to is None:
        return "全部年度"
    if year_from == year_to:
        return f"{year_from}年度"
    if year_from is None:
        return f"{year_to}年及以前"
    if year_to is None:
        return f"{year_from}年以来"
    return f"{year_from}年至{year_to}年"


# ------------------------------------------------------------------ the queries

def _expr(dim: str, parts=None):
    T, E = Talent, Employer
    if dim == "district":
        return E.district
    if dim == "talent_class":
        return T.talent_class
    if dim == "education":
        return T.education
    if dim == "industry":
        return E.industry
    if dim == "introduction_mode":
        return T.introduction_mode
    if dim == "year":
        return extract("year", T.introduction_date)
    if dim == "employer_kind":
        return E.kind
    if dim == "level":
        return parts.c.level
    if dim == "office":
        return Office.name
    raise AssertionError(dim)


def _paid_parts(where):
    """Each paid installment's money by funding level: its funding rows, and the part no
    funding row covers (level NULL) — so the parts add up to the installment amount."""
    I, F = Installment, InstallmentFunding
    covered = select(F.installment_id.label("iid"), func.sum(F.amount_fen).label("s")) \
        .group_by(F.installment_id).subquery()
    funded = select(F.installment_id.label("iid"), cast(F.level, String(12)).label("level"),
                    F.amount_fen.label("amt")).join(I, F.installment_id == I.id).where(*where)
    rest = I.amount_fen - func.coalesce(covered.c.s, 0)
    unfunded = (select(I.id.label("iid"), cast(null(), String(12)).label("level"), rest.label("amt"))
                .outerjoin(covered, covered.c.iid == I.id).where(*where, rest != 0))
    return union_all(funded, unfunded).subquery()


def _year_bounds(year: int | None, year_from: int | None, year_to: int | None) -> tuple[int | None, int | None]:
    if year is not None:
        if year_from is not None or year_to is not None:
            raise ValidationError([FieldError("year", "年度", year, "年度与起止年度只能选一种")])
        return year, year
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ValidationError([FieldError("year_from", "起始年度", year_from,
                                          f"起始年度{year_from}晚于截止年度{year_to}")])
    return year_from, year_to


def _date_range(column, year_from: int | None, year_to: int | None) -> list:
    cond = []
    if year_from is not None:
        cond.append(column >= dt.date(year_from, 1, 1))
    if year_to is not None:
        cond.append(column <= dt.date(year_to, 12, 31))
    return cond


def compute(ctx: ServiceContext, rows: str, cols: str, *, measure: str = "count", year: int | None = None,
            year_from: int | None = None, year_to: int | None = None) -> StatTable:
    """The cross-tab; ``rows``/``cols`` by key or Chinese name; ``year`` or ``year_from``/``year_to``."""
    from talentdesk.services.exchange.reports import PAID_STATUSES

    r_dim, c_dim = dimension_key(rows), dimension_key(cols)
    if r_dim == c_dim:
        raise ValidationError([FieldError("cols", "列", cols, f"行和列不能都是“{DIMENSIONS[r_dim]}”")])
    if measure not in MEASURES:
        raise ValidationError([FieldError("measure", "统计指标", measure,
                                          f"没有“{measure}”这一指标，可选：count（人数）、paid（已发放金额）")])
    for d in (r_dim, c_dim):
        if d in AMOUNT_ONLY and measure != "paid":
            raise ValidationError([FieldError("dimension", "统计项", DIMENSIONS[d],
                                              f"“{DIMENSIONS[d]}”只能用于已发放金额，人数没有资金层级")])
    y0, y1 = _year_bounds(year, year_from, year_to)
    T, E, I, G = Talent, Employer, Installment, BenefitGrant
    if measure == "count":
        re_, ce = _expr(r_dim), _expr(c_dim)
        src = select(re_.label("r"), ce.label("c"), T.id.label("v")).select_from(T).outerjoin(E, T.employer_id == E.id)
        if "office" in (r_dim, c_dim):
            src = src.outerjoin(Office, T.office_id == Office.id)
        base = src.where(*_date_range(T.introduction_date, y0, y1)).subquery()
        stmt = select(base.c.r, base.c.c, func.count(base.c.v)).group_by(base.c.r, base.c.c)
    else:
        where = [I.status.in_(PAID_STATUSES), *_date_range(I.due_date, y0, y1)]
        if "level" in (r_dim, c_dim):
            parts = _paid_parts(where)
            src = (select(_expr(r_dim, parts).label("r"), _expr(c_dim, parts).label("c"), parts.c.amt.label("v"))
                   .select_from(parts).join(I, parts.c.iid == I.id))
        else:
            src = select(_expr(r_dim).label("r"), _expr(c_dim).label("c"), I.amount_fen.label("v")).select_from(I)
        # an organisation's grant (单位/平台奖补, talent_id NULL) counts under its employer (a
        # platform's host): its district, industry and office; the talent's own dimensions are blank
        from talentdesk.models.duties.platform import Platform as P

        src = (src.join(G, I.grant_id == G.id).outerjoin(T, G.talent_id == T.id)
               .outerjoin(P, G.platform_id == P.id)
               .outerjoin(E, E.id == func.coalesce(T.employer_id, G.employer_id, P.employer_id)))
        if "office" in (r_dim, c_dim):
            src = src.outerjoin(Office, Office.id == func.coalesce(T.office_id, E.office_id))
        base = src.where(*where).subquery()
        stmt = select(base.c.r, base.c.c, func.sum(base.c.v)).group_by(base.c.r, base.c.c)
    with ctx.read() as session:
        raw = session.execute(stmt).all()
    cells: dict[tuple[str, str], int] = {}
    for r, c, v in raw:
        key = (_label(r_dim, r), _label(c_dim, c))
        cells[key] = cells.get(key, 0) + int(v or 0)
    row_labels = _order(r_dim, {k[0] for k in cells})
    col_labels = _order(c_dim, {k[1] for k in cells})
    notes = [f"依据：{BASIS}（人才统计分行政区域和行业领域）；行业为用人单位所属国民经济行业门类（GB/T 4754-2017）。"]
    if measure == "paid":
        notes.append("已发放金额：应发日期在统计期间内、已实际拨付的各期待遇（含已申请退回的，冲销记负数），"
                     "与同期待遇发放台账的“已发放”一致；金额单位为元。")
    else:
        notes.append("人数：统计期间内引进的人才（含已离职的）；未指定期间时为全部登记人才。")
    return StatTable(r_dim, c_dim, measure, y0, y1, row_labels, col_labels, cells, notes)


# ------------------------------------------------------------------ labels and order

_TALENT_CLASS_NAMES = {c: (f"{c}类" if c != "无" else "无") for c in roster.TALENT_CLASS}


def _label(dim: str, value: Any) -> str:
    if dim == "industry":
        return employer_attrs.INDUSTRIES.get(value, NO_INDUSTRY) if value else NO_INDUSTRY
    if dim == "level":
        return FUNDING_LEVELS.get(value, value) if value else NO_LEVEL
    if dim == "office" and not value:
        return NO_OFFICE
    if value is None or value == "":
        return BLANK
    if dim == "year":
        return f"{int(value)}年"
    if dim == "talent_class":
        return _TALENT_CLASS_NAMES.get(value, str(value))
    return str(value)


_FIXED_ORDER: dict[str, tuple[str, ...]] = {
    "talent_class": tuple(_TALENT_CLASS_NAMES.values()),
    "education": roster.EDUCATION,
    "industry": employer_attrs.INDUSTRY_NAMES,
    "introduction_mode": roster.INTRODUCTION_MODE,
    "level": tuple(FUNDING_LEVELS.values()),
}


def _order(dim: str, labels: set[str]) -> list[str]:
    """The domain's own order (学历 from 博士 down, 门类 A…T, levels 盟级 first), years
    ascending, else by pinyin; 未填写 / 未登记 last."""
    fixed = _FIXED_ORDER.get(dim, ())

    def key(label: str) -> tuple:
        blank = label in (BLANK, NO_INDUSTRY, NO_LEVEL, NO_OFFICE)
        by_name = label if dim == "year" else pinyin.sort_key(label)
        return (blank, fixed.index(label) if label in fixed else len(fixed), by_name, label)

    return sorted(labels, key=key)


# ------------------------------------------------------------------ the workbook

def sheet_of(ctx: ServiceContext, table: StatTable):
    """The table as the outputs' ``StatSheet`` (office name, period, 填报人)."""
    from talentdesk.outputs.stats_xlsx import StatSheet
    from talentdesk.services.exchange import reports

    reporter = ctx.actor
    try:
        from talentdesk.services.office import users

        reporter = users.display_names(ctx).get(ctx.actor) or ctx.actor
    except Exception:  # pragma: no cover - single-user mode without accounts
        pass
    rows = [(r, [table.value(r, c) for c in table.col_labels], table.row_total(r)) for r in table.row_labels]
    return StatSheet(office_name=reports.office(ctx).name, period=table.period, unit=table.unit,
                     corner=DIMENSIONS[table.rows_dim], col_heading=DIMENSIONS[table.cols_dim],
                     col_labels=list(table.col_labels), rows=rows,
                     col_totals=[table.col_total(c) for c in table.col_labels], total=table.total,
                     money=table.money, reporter=reporter, notes=list(table.notes))


def export_table(ctx: ServiceContext, table: StatTable, path: str | os.PathLike):
    """Write the 人才统计表 workbook (atomically) and audit the export."""
    from talentdesk.outputs.stats_xlsx import write_stat_sheet
    from talentdesk.services.exchange.reports import OutputResult

    permissions.require(ctx, "export")
    started = time.perf_counter()
    path = Path(path)
    sheet = sheet_of(ctx, table)
    with atomic_path(path, hint="（文件是否正在其他程序中打开？）") as tmp:
        n = write_stat_sheet(sheet, tmp)
    with ctx.write() as session:
        audit.record(session, ctx.actor, "export", "statistics", table.measure,
                     after={"report": "人才统计表", "file": path.name, "rows": DIMENSIONS[table.rows_dim],
                            "cols": DIMENSIONS[table.cols_dim], "measure": table.measure,
                            "period": table.period, "total": table.total})
    return OutputResult(path, "statistics", n, 0, True, time.perf_counter() - started)


def compute_and_export(ctx: ServiceContext, rows: str, cols: str, path: str | os.PathLike, **kw):
    table = compute(ctx, rows, cols, **kw)
    return table, export_table(ctx, table, path)
