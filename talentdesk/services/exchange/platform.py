"""人才云平台（智汇驼乡）实名录入: the talents and the services they received, in one file
the league's platform takes (《阿拉善盟人才引进培养使用办法》第四十六条: 引进人才实名录入
盟人才云平台).

Layout (``COLUMNS``; documented in docs/manual/admin-guide.md and docs/platform.md): first
every column of the standard roster, with the roster's own names and values
(``talentdesk.domain.roster``: 姓名 … 备注; dates YYYY-MM-DD, 毕业时间 YYYY-MM or
YYYY-MM-DD, 是/否, 行业 the GB/T 4754 门类 name), so that the file imports back through the
roster importer unchanged; then the service columns (``SERVICE_COLUMNS``: 人员状态,
引进类型, 适用政策, 服务协议, 已批准待遇, 核定待遇金额（元）, 已发放金额（元）), which the
importer does not know and ignores. Real-name entry needs the full ID and phone numbers:
they are never masked here, and the audit event records that (``full_numbers``).

Formats: ``xlsx`` (one sheet 人才实名信息, header in row 1, every cell text except the
amounts; formula-like text stored as text) or ``csv`` (comma-separated, header in the
first line). Encodings: ``utf-8`` (CSV with a BOM, so that Excel opens it as UTF-8) or
``gbk`` (for platforms that read GB 2312/GBK). A character GBK cannot hold (a rare name
character such as 䶮) is **refused**, never replaced: the export stops with a message
naming each talent, column and character (real-name data must not be altered), and the
office exports UTF-8 instead or corrects the record. With ``xlsx`` the file is always
Unicode; ``gbk`` then only checks that every character would survive the platform's GBK.
In CSV a text value starting with ``= + - @`` gets a leading ``'`` (so that a
spreadsheet opening the file never runs it as a formula).

Public API::

    export_platform(ctx, path, *, fmt="xlsx", encoding="utf-8", status=None) -> OutputResult
    platform_rows(ctx, *, status=None) -> (header, rows)      (the data, no file)
"""

from __future__ import annotations

import csv
import os
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from talentdesk.domain import employer_attrs, roster
from talentdesk.domain.errors import TalentDeskError
from talentdesk.domain.money import yuan
from talentdesk.domain.status import TALENT_STATUS
from talentdesk.fileio import atomic_path
from talentdesk.models.entities import BenefitGrant, Employer, Installment, ServiceAgreement, Talent
from talentdesk.rules import BENEFIT_NAMES
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange.importer.kinds import PLATFORM_SERVICE_COLUMNS
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit

BASIS = "《阿拉善盟人才引进培养使用办法》第四十六条"
PLATFORM = "智汇驼乡人才云平台"
SERVICE_COLUMNS: tuple[str, ...] = PLATFORM_SERVICE_COLUMNS  # the roster importer ignores them
COLUMNS: tuple[str, ...] = roster.LABELS + SERVICE_COLUMNS
FORMATS = ("csv", "xlsx")
ENCODINGS = ("utf-8", "gbk")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_LISTED = 20


def _text(col: roster.Column, value: Any) -> str:
    if value is None:
        return ""
    if col.key == "employer_industry":
        return employer_attrs.INDUSTRIES.get(value, "")
    v = roster.json_value(value)
    return "" if v is None else str(v)


def platform_rows(ctx: ServiceContext, *, status: str | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and one row of text per talent (ordered by employer, introduction date)."""
    from talentdesk.services.exchange import reports

    T, E, G, I, A = Talent, Employer, BenefitGrant, Installment, ServiceAgreement
    tkeys = [c.key for c in roster.COLUMNS if c.key not in roster.EMPLOYER_KEYS]
    emp_cols = {"employer_name": E.name, "employer_uscc": E.uscc, "employer_kind": E.kind, "district": E.district,
                "employer_industry": E.industry, "employer_civil_service": E.civil_service_managed}
    cols = [getattr(T, k) if k in tkeys else emp_cols[k] for k in roster.KEYS]
    stmt = (select(T.id, T.status, T.policy_id, *cols).select_from(T).outerjoin(E, T.employer_id == E.id)
            .order_by(E.name, T.introduction_date, T.id))
    if status:
        stmt = stmt.where(T.status == status)
    with ctx.read() as session:
        found = session.execute(stmt).all()
        granted: dict[int, list[str]] = {}
        granted_total: dict[int, int] = {}
        for tid, code, name, total in session.execute(
                select(G.talent_id, G.benefit_code, G.benefit_name, G.total_fen)
                .where(G.status == "approved").order_by(G.talent_id, G.id)):
            label = name or BENEFIT_NAMES.get(code, code)
            granted.setdefault(tid, []).append(label + (f"（{yuan(total)}元）" if total is not None else ""))
            granted_total[tid] = granted_total.get(tid, 0) + (total or 0)
        paid = dict(session.execute(select(G.talent_id, func.sum(I.amount_fen)).join(I, I.grant_id == G.id)
                                    .where(I.status.in_(reports.PAID_STATUSES)).group_by(G.talent_id)).all())
        agreement: dict[int, str] = {}
        for tid, kind, signed, start, term, years in session.execute(
                select(A.talent_id, A.kind, A.signed_date, A.start_date, A.term_years, A.required_service_years)
                .order_by(A.talent_id, A.id)):
            agreement[tid] = _agreement(kind, signed, start, term, years)  # the latest wins
    from talentdesk.services.benefits import packs

    titles: dict[str, str] = {}
    rows: list[list[str]] = []
    for r in found:
        tid, st, policy = r[0], r[1], r[2]
        values = [_text(c, v) for c, v in zip(roster.COLUMNS, r[3:])]
        if policy and policy not in titles:
            titles[policy] = _policy_title(packs, policy)
        mode = r[3 + roster.KEYS.index("introduction_mode")]
        kind = "刚性引进" if roster.is_rigid(mode) else ("柔性引进" if mode in roster.FLEXIBLE_MODES else "")
        values += [TALENT_STATUS.get(st, st), kind, titles.get(policy, "") if policy else "",
                   agreement.get(tid, ""), "；".join(granted.get(tid, [])),
                   yuan(granted_total[tid], thousands=False) if tid in granted_total else "",
                   yuan(int(paid[tid]), thousands=False) if paid.get(tid) is not None else ""]
        rows.append(values)
    return list(COLUMNS), rows


def _policy_title(packs, policy_id: str) -> str:
    try:
        return packs.load_pack(policy_id).title
    except TalentDeskError:
        return policy_id  # a pack no longer installed: its id, never a blank


def _agreement(kind: str, signed, start, term: Decimal | None, years: int | None) -> str:
    parts = [kind]
    if signed:
        parts.append(f"{signed.isoformat()}签订")
    if start and term is not None:
        parts.append(f"自{start.isoformat()}起{roster.json_value(term)}年")
    if years:
        parts.append(f"约定服务期{years}年")
    return "，".join(parts)


def _check_gbk(header: list[str], rows: list[list[str]]) -> None:
    """Refuse (naming talent, column and character) what GBK cannot hold."""
    name_at, id_at = header.index("姓名"), header.index("身份证号")
    problems: list[str] = []
    for row in rows:
        for label, text in zip(header, row):
            try:
                text.encode("gbk")
            except UnicodeEncodeError:
                bad = "".join(dict.fromkeys(ch for ch in text if not _gbk_ok(ch)))
                problems.append(f"{row[name_at] or '（无姓名）'}（身份证号{row[id_at]}）的“{label}”含有“{bad}”")
    if problems:
        more = f"等{len(problems)}处" if len(problems) > _MAX_LISTED else ""
        raise TalentDeskError("以下字符无法用GBK编码，未导出（实名信息不做替换）："
                              + "；".join(problems[:_MAX_LISTED]) + more
                              + "。请改用UTF-8编码导出（--encoding utf-8），或核对更正这些记录")


def _gbk_ok(ch: str) -> bool:
    try:
        ch.encode("gbk")
        return True
    except UnicodeEncodeError:
        return False


def _csv_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> None:
    with open(path, "w", encoding="utf-8-sig" if encoding == "utf-8" else "gbk", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow([_csv_cell(v) for v in row])


def _write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    import xlsxwriter

    from talentdesk.outputs.xlsx import FONT, FONT_SIZE, is_formula_like

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False,
                                         "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE}})
    try:
        ws = wb.add_worksheet("人才实名信息")
        head = wb.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True})
        text = wb.add_format({"num_format": "@"})
        quoted = wb.add_format({"num_format": "@", "quote_prefix": True})
        widths = {c.label: c.width for c in roster.COLUMNS}
        for i, label in enumerate(header):
            ws.set_column(i, i, widths.get(label, 18 if label not in ("已批准待遇", "服务协议") else 30), text)
        for i, label in enumerate(header):
            ws.write_string(0, i, label, head)
        ws.freeze_panes(1, 1)
        for n, row in enumerate(rows, start=1):
            for i, v in enumerate(row):
                if v:
                    ws.write_string(n, i, v, quoted if is_formula_like(v) else text)
    finally:
        wb.close()


def export_platform(ctx: ServiceContext, path: str | os.PathLike, *, fmt: str = "xlsx", encoding: str = "utf-8",
                    status: str | None = None):
    """Write the real-name file (see the module doc); audited with the talents' count."""
    from talentdesk.services.exchange.reports import OutputResult

    permissions.require(ctx, "platform.export")
    if fmt not in FORMATS:
        raise TalentDeskError(f"未知的格式“{fmt}”，可选：csv、xlsx")
    enc = (encoding or "").lower().replace("_", "-")
    enc = {"utf8": "utf-8", "gb2312": "gbk", "cp936": "gbk"}.get(enc, enc)
    if enc not in ENCODINGS:
        raise TalentDeskError(f"未知的编码“{encoding}”，可选：utf-8、gbk")
    started = time.perf_counter()
    path = Path(path)
    header, rows = platform_rows(ctx, status=status)
    if not rows:
        raise TalentDeskError("没有可导出的人才" + ("（按所选状态）" if status else ""))
    if enc == "gbk":
        _check_gbk(header, rows)
    with atomic_path(path, hint="（文件是否正在其他程序中打开？）") as tmp:
        if fmt == "csv":
            _write_csv(Path(tmp), header, rows, enc)
        else:
            _write_xlsx(Path(tmp), header, rows)
    with ctx.write() as session:
        audit.record(session, ctx.actor, "export", "platform", fmt,
                     after={"report": f"{PLATFORM}实名录入", "file": path.name, "format": fmt, "encoding": enc,
                            "rows": len(rows), "status": status, "full_numbers": True, "basis": BASIS})
    return OutputResult(path, "platform", len(rows), 0, False, time.perf_counter() - started)
