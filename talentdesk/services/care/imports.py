"""Many rows at once for the office's other registers (the Excel import kinds of
``talentdesk.services.exchange.importer.kinds_care``): recognitions, service cases,
visits and flat occupancies.

Each ``record_*`` takes the importer's parsed rows (dicts keyed by the import field keys)
and writes them in ONE transaction through the owning service's in-transaction function
(``recognitions.propose_in``, ``cases.open_in`` / ``close_in``, ``visits.record_in``,
``housing.add_flat_in`` / ``allocate_in`` / ``vacate_in``): the same checks, permissions and
audit events as the window and the CLI. Those functions make every check before they add
anything, so a refused row leaves nothing behind and the next row goes on. A row's
refusal is reported at its cell (``FieldError`` keys are the import keys). With
``all_or_nothing`` any refused row rolls the whole file back. ``finish(session, n)`` runs
inside the transaction (the importer's batch record).

Recognitions are imported as 待确认: the confirmation (阿党人才字〔2023〕2号 第二十条) is
made by another user in the window or with ``talentdesk recognition confirm`` (four-eyes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from talentdesk.domain.errors import FieldError, NotFoundError, PermissionDenied, TalentDeskError, ValidationError
from talentdesk.models.duties.housing import Flat, Occupancy
from talentdesk.services.care import cases, housing, visits
from talentdesk.services.context import ServiceContext
from talentdesk.services.register import recognitions, talents


@dataclass
class RowResult:
    row: int
    ok: bool
    message: str
    record_id: int | None = None
    errors: list[dict] = field(default_factory=list)  # {field (import key), column, value, message}

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "ok": self.ok, "message": self.message, "record_id": self.record_id,
                "errors": list(self.errors)}


@dataclass
class RowsResult:
    rows: list[RowResult]
    committed: bool

    @property
    def recorded(self) -> int:
        return sum(r.ok for r in self.rows) if self.committed else 0


class _Abort(Exception):
    pass


def _errors(exc: TalentDeskError, default_field: str | None) -> list[dict]:
    if isinstance(exc, ValidationError) and exc.errors:
        return [{"field": e.field, "column": e.label, "value": e.value, "message": e.message} for e in exc.errors]
    return [{"field": default_field, "column": "", "value": None, "message": str(exc)}]


def _many(ctx: ServiceContext, rows: Sequence[dict], numbers: Sequence[int] | None, all_or_nothing: bool,
          finish: Callable[[Session, int], Any] | None, one: Callable[[Session, dict], tuple[int, str]],
          field_of: Callable[[TalentDeskError], str | None]) -> RowsResult:
    numbers = list(numbers) if numbers is not None else list(range(1, len(rows) + 1))
    out: list[RowResult] = []
    try:
        with ctx.write() as session:
            for number, row in zip(numbers, rows):
                try:
                    with session.begin_nested():  # a refused row leaves nothing behind
                        rid, msg = one(session, row)
                except PermissionDenied:
                    raise
                except TalentDeskError as exc:
                    out.append(RowResult(number, False, exc.message, None, _errors(exc, field_of(exc))))
                    continue
                out.append(RowResult(number, True, msg, rid))
            if all_or_nothing and not all(r.ok for r in out):
                raise _Abort()
            if finish is not None:
                finish(session, sum(r.ok for r in out))
    except _Abort:
        return RowsResult(out, False)
    return RowsResult(out, True)


def _talent_field(exc: TalentDeskError) -> str | None:
    return "id_number" if isinstance(exc, NotFoundError) else None


# -- 人才认定 ------------------------------------------------------------------------------

def record_recognitions(ctx: ServiceContext, rows: Sequence[dict], *, all_or_nothing: bool = False,
                        row_numbers: Sequence[int] | None = None,
                        finish: Callable[[Session, int], Any] | None = None) -> RowsResult:
    """Each row proposes a recognition (待确认); a recognition with the same talent, scheme
    and 文号 already recorded (not revoked) is refused at the 认定文号 cell."""

    def one(session: Session, r: dict) -> tuple[int, str]:
        v = recognitions.propose_in(session, ctx, talent=r["id_number"], scheme=r["scheme"], tier=r["tier"],
                                    doc_no=r["doc_no"], recognised_on=r.get("recognised_on"), body=r.get("body"),
                                    valid_until=r.get("valid_until"))
        return v.id, f"{v.name}的{v.scheme}{v.tier_label}（{v.doc_no}）已登记，待审核确认"

    def field_of(exc: TalentDeskError) -> str | None:
        return "id_number" if isinstance(exc, NotFoundError) else "doc_no"

    return _many(ctx, rows, row_numbers, all_or_nothing, finish, one, field_of)


# -- 服务事项 ------------------------------------------------------------------------------

def record_cases(ctx: ServiceContext, rows: Sequence[dict], *, all_or_nothing: bool = False,
                 row_numbers: Sequence[int] | None = None,
                 finish: Callable[[Session, int], Any] | None = None) -> RowsResult:
    """Each row opens a service case (the due date counted in working days from the kind's
    or the row's limit); a row with 办理结果 and 办结日期 closes it as well."""

    def one(session: Session, r: dict) -> tuple[int, str]:
        outcome, closed_on = r.get("outcome"), r.get("closed_on")
        if bool(outcome) != bool(closed_on):
            missing = ("closed_on", "办结日期") if outcome else ("outcome", "办理结果")
            raise ValidationError([_fe(missing[0], missing[1], None,
                                       f"{missing[1]}：办理结果和办结日期应同时填写（办理中的事项都不填）")])
        t = talents.load(session, r["id_number"])
        limit = r["limit_days"] if r.get("limit_days") is not None else cases.DEFAULT
        c = cases.open_in(session, ctx, t, r["kind"], r.get("requested_on"), r.get("summary"),
                          department=r.get("department"), limit_days=limit, article=r.get("article"),
                          handled_by=r.get("handled_by"))
        if outcome:
            cases.close_in(session, ctx, c, outcome, closed_on, result=r.get("result"))
            return c.id, f"{t.name}的{c.kind}事项已登记并于{closed_on}{outcome}"
        due = f"，应于{c.due_date}前办结" if c.due_date else ""
        return c.id, f"{t.name}的{c.kind}事项已登记{due}"

    return _many(ctx, rows, row_numbers, all_or_nothing, finish, one, _talent_field)


def _fe(key: str, label: str, value: Any, message: str) -> FieldError:
    return FieldError(key, label, value, message)


# -- 回访 --------------------------------------------------------------------------------------

def record_visits(ctx: ServiceContext, rows: Sequence[dict], *, all_or_nothing: bool = False,
                  row_numbers: Sequence[int] | None = None,
                  finish: Callable[[Session, int], Any] | None = None) -> RowsResult:
    """Each row records a visit; with 新建事项类别 a service case is opened from it (requested
    on the visit's date, its summary the issues raised)."""

    def one(session: Session, r: dict) -> tuple[int, str]:
        v = visits.record_in(session, ctx, r["id_number"], r.get("visited_on"), r.get("visitors"), r.get("form"),
                             issues=r.get("issues"), follow_up=r.get("follow_up"), case_kind=r.get("case_kind"))
        tail = f"，已新建{v.case_kind}服务事项" if v.case_id else ""
        return v.id, f"{v.talent_name}{v.visited_on}{v.form}记录已登记{tail}"

    return _many(ctx, rows, row_numbers, all_or_nothing, finish, one, _talent_field)


# -- 人才公寓 ----------------------------------------------------------------------------------

def record_occupancies(ctx: ServiceContext, rows: Sequence[dict], *, all_or_nothing: bool = False,
                       row_numbers: Sequence[int] | None = None,
                       finish: Callable[[Session, int], Any] | None = None) -> RowsResult:
    """Each row is one stay: the flat (registered first when its 房号 is new, with the row's
    area and programme), the talent moving in on 入住日期 (limit and gift date from the
    talent's pack, 阿拉善 第四十一条 / 阿拉山口 第十四条), and, with 退房日期, leaving."""

    def one(session: Session, r: dict) -> tuple[int, str]:
        end, reason = r.get("end_date"), r.get("ended_reason")
        if end is not None and not (reason or "").strip():
            raise ValidationError([_fe("ended_reason", "退房原因", None, "退房原因：填写了退房日期时必须填写")])
        start = r.get("start_date")
        if end is not None and start is not None and end < start:
            raise ValidationError([_fe("end_date", "退房日期", end, f"退房日期：{end}早于入住日期{start}")])
        unit = (r.get("unit") or "").strip()
        flat = session.execute(select(Flat).where(Flat.unit == unit)).scalar_one_or_none()
        if flat is None:
            flat = housing.add_flat_in(session, ctx, unit=unit, area_m2=r.get("area_m2"),
                                       programme=r.get("programme"))
        o = housing.allocate_in(session, ctx, flat.id, r["id_number"], start=start)
        if end is not None:
            housing.vacate_in(session, ctx, session.get(Occupancy, o.id), on=end, reason=reason)
            return o.id, f"{o.name}{o.start_date}至{end}入住“{o.unit}”已登记（{reason.strip()}）"
        limit = f"，免费期限至{o.limit_until}" if o.limit_until else ""
        return o.id, f"{o.name}自{o.start_date}入住“{o.unit}”已登记{limit}"

    def field_of(exc: TalentDeskError) -> str | None:  # the cell a refusal belongs to
        if "同一人" in exc.message or isinstance(exc, NotFoundError) and "房源" not in exc.message:
            return "id_number"
        return "unit" if "房源" in exc.message else None

    return _many(ctx, rows, row_numbers, all_or_nothing, finish, one, field_of)


__all__ = ["RowResult", "RowsResult", "record_cases", "record_occupancies", "record_recognitions",
           "record_visits"]
