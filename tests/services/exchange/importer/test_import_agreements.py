"""Issue 21: the 服务协议 a roster row describes (合同起始日期 + 合同期限（年）, 协议签订日期)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
from sqlalchemy import delete, func, select

from builders import EMPLOYER, ids
from factories import credit_code, talent_row
from talentdesk.models.entities import AuditEvent, ServiceAgreement
from talentdesk.services.benefits import agreements, grants
from talentdesk.services.exchange import importer
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import talents

HEADERS = ["姓名", "身份证号", "学历", "学位", "学习形式", "引进方式", "用人单位", "统一社会信用代码", "引进日期",
           "合同起始日期", "合同期限（年）", "协议签订日期"]


def _row(number: str, name: str = "张伟", start="2023-05-01", years="5", signed=None) -> list:
    return [name, number, "博士研究生", "博士", "全日制", "招聘", EMPLOYER, credit_code(1), "2023-05-01",
            start, years, signed]


def _write(path, rows: list[list]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人才花名册"
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    wb.save(path)


def _agreements(ctx, number: str) -> list[agreements.AgreementView]:
    return agreements.list_agreements(ctx, number)


def _count(ctx, model=ServiceAgreement) -> int:
    with ctx.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_roster_with_contract_fields_makes_agreements_audited(ctx, tmp_path):
    a, b, c = ids(3, start=400)
    _write(tmp_path / "r.xlsx", [_row(a, "张伟", signed="2023-04-20"), _row(b, "李娜", "2024-01-01", "3"),
                                 _row(c, "王芳", "2023-05-01", None)])  # no 合同期限: no agreement
    dry = importer.run_import(ctx, tmp_path / "r.xlsx", dry_run=True)
    assert dry.inserted == 3 and _count(ctx) == 0 and _count(ctx, AuditEvent) == 0
    s = importer.run_import(ctx, tmp_path / "r.xlsx")
    assert s.inserted == 3 and s.errors == []
    (ag_a,) = _agreements(ctx, a)
    assert (ag_a.kind, ag_a.start_date, ag_a.term_years, ag_a.signed_date, ag_a.status) == (
        "服务期协议", dt.date(2023, 5, 1), Decimal(5), dt.date(2023, 4, 20), "active")
    assert ag_a.end_date == dt.date(2028, 5, 1) and ag_a.required_service_years is None
    (ag_b,) = _agreements(ctx, b)
    assert (ag_b.start_date, ag_b.term_years, ag_b.signed_date) == (dt.date(2024, 1, 1), Decimal(3), None)
    assert _agreements(ctx, c) == []
    # the chunk's one event holds the agreements too; each talent's history shows its own
    with ctx.read() as session:
        (batch,) = session.execute(select(AuditEvent.id).where(AuditEvent.entity == audit.CREATED_TALENTS)
                                   ).scalars().all()
        assert session.execute(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.entity == "service_agreement")).scalar_one() == 0
    assert {e.id: e for e in audit.list_events(ctx)}[batch].after["agreements"] == 2
    ev = [e for e in audit.list_events(ctx, talent_id=ag_a.talent_id) if e.entity == "service_agreement"]
    assert [(e.action, e.entity_id) for e in ev] == [("create", str(ag_a.id))]
    assert ev[0].after == {"kind": "服务期协议", "signed_date": "2023-04-20",
                           "start_date": "2023-05-01", "term_years": "5", "required_service_years": None,
                           "status": "active", "origin": "roster"}
    assert audit.verify(ctx).ok


def test_changed_term_updates_the_roster_made_agreement_and_is_reported(ctx, tmp_path):
    a, b = ids(2, start=420)
    _write(tmp_path / "v1.xlsx", [_row(a), _row(b)])
    importer.run_import(ctx, tmp_path / "v1.xlsx")
    (old,) = _agreements(ctx, a)
    _write(tmp_path / "v2.xlsx", [_row(a, years="3"), _row(b)])
    dry = importer.run_import(ctx, tmp_path / "v2.xlsx", dry_run=True)
    want = {"合同期限（年）": [5, 3], "服务协议": ["服务期协议，2023-05-01起5年", "服务期协议，2023-05-01起3年"]}
    assert dry.updated == 1 and dry.unchanged == 1 and [c["fields"] for c in dry.changes] == [want]
    assert _agreements(ctx, a)[0].term_years == Decimal(5)  # the dry run wrote nothing
    s = importer.run_import(ctx, tmp_path / "v2.xlsx")
    assert s.updated == 1 and s.unchanged == 1 and [c["fields"] for c in s.changes] == [want]
    (new,) = _agreements(ctx, a)
    assert (new.id, new.version, new.term_years, new.end_date) == (old.id, 2, Decimal(3), dt.date(2026, 5, 1))
    upd = [e for e in audit.list_events(ctx, talent_id=new.talent_id) if e.entity == "service_agreement"][0]
    assert (upd.action, upd.before, upd.after) == ("update", {"term_years": "5.00"},
                                                  {"term_years": "3", "origin": "roster"})
    # the same file again: nothing to do
    again = importer.run_import(ctx, tmp_path / "v2.xlsx")
    assert again.updated == 0 and again.unchanged == 2 and _agreements(ctx, a)[0].version == 2
    assert audit.verify(ctx).ok


def test_stored_talent_without_agreement_gets_one_reported_as_a_change(ctx, tmp_path):
    (a,) = ids(1, start=430)
    _write(tmp_path / "v1.xlsx", [_row(a, start=None)])
    importer.run_import(ctx, tmp_path / "v1.xlsx")
    assert _agreements(ctx, a) == []
    _write(tmp_path / "v2.xlsx", [_row(a, signed="2023-04-28")])
    s = importer.run_import(ctx, tmp_path / "v2.xlsx")
    assert s.updated == 1 and s.changes[0]["fields"]["服务协议"] == [None, "服务期协议，2023-05-01起5年，2023-04-28签订"]
    (ag,) = _agreements(ctx, a)
    assert (ag.start_date, ag.term_years, ag.signed_date) == (dt.date(2023, 5, 1), Decimal(5), dt.date(2023, 4, 28))


def test_a_clerks_agreement_is_left_alone_with_a_warning(ctx, tmp_path):
    a, b = ids(2, start=440)
    _write(tmp_path / "v1.xlsx", [_row(a, start=None), _row(b)])
    importer.run_import(ctx, tmp_path / "v1.xlsx")
    mine = agreements.add(ctx, a, kind="聘用合同", start_date=dt.date(2023, 6, 1), term_years=3)
    # a roster-made agreement the clerk corrected by hand is the clerk's from then on
    (made,) = _agreements(ctx, b)
    agreements.update(ctx, made.id, term_years=4)
    _write(tmp_path / "v2.xlsx", [_row(a), _row(b, years="6")])
    s = importer.run_import(ctx, tmp_path / "v2.xlsx")
    assert s.errors == [] and s.committed
    assert [(ag.id, ag.version, ag.start_date, ag.term_years) for ag in _agreements(ctx, a)] == [
        (mine.id, 1, dt.date(2023, 6, 1), Decimal(3))]
    assert [(ag.version, ag.term_years) for ag in _agreements(ctx, b)] == [(2, Decimal(4))]
    warned = [w.message for w in s.warnings if w.field == "contract_years"]
    assert warned == [
        "服务协议：花名册为“聘用合同，2023-05-01起5年”，已登记的聘用合同（履行中，非花名册生成）为"
        "“聘用合同，2023-06-01起3年”，未按花名册修改，请核对",
        "服务协议：花名册为“服务期协议，2023-05-01起6年”，已登记的服务期协议（履行中，非花名册生成）为"
        "“服务期协议，2023-05-01起4年”，未按花名册修改，请核对"]
    assert all("服务协议" not in c["fields"] for c in s.changes)
    assert talents.get(ctx, b).record["contract_years"] == Decimal(6)  # the talent's own field is updated


def test_talents_add_and_update_keep_the_agreement_a_clerks_agreement_replaces_it(ctx):
    row = talent_row(**{"协议签订日期": "2023-04-30"})
    number = row["身份证号"]
    talents.add(ctx, row)
    (ag,) = _agreements(ctx, number)
    assert (ag.kind, ag.start_date, ag.term_years, ag.signed_date, ag.required_service_years) == (
        "服务期协议", dt.date(2023, 5, 1), Decimal(5), dt.date(2023, 4, 30), None)
    talents.update(ctx, number, {"合同期限（年）": "3"})
    (ag,) = _agreements(ctx, number)
    assert (ag.version, ag.term_years) == (2, Decimal(3))
    baotou = talent_row()
    talents.add(ctx, baotou, policy_id="baotou-2022")
    assert [x.kind for x in _agreements(ctx, baotou["身份证号"])] == ["三方协议"]
    none = talent_row(**{"合同期限（年）": None})
    talents.add(ctx, none)
    assert _agreements(ctx, none["身份证号"]) == []
    # the clerk registers the real agreement: it replaces the one the record made
    mine = agreements.add(ctx, number, kind="服务期协议", start_date=dt.date(2023, 5, 1), term_years=5,
                          required_service_years=5)
    assert [x.id for x in _agreements(ctx, number)] == [mine.id]
    events = [(e.action, e.entity_id) for e in audit.list_events(ctx, talent_id=ag.talent_id)
              if e.entity == "service_agreement"]
    assert events[:2] == [("delete", str(ag.id)), ("create", str(mine.id))]
    # and from then on the record never changes it
    talents.update(ctx, number, {"合同期限（年）": "8"})
    assert [(x.id, x.term_years) for x in _agreements(ctx, number)] == [(mine.id, Decimal(5))]


def test_the_engine_answers_as_without_the_agreement(ctx, tmp_path):
    """A roster-made agreement has no 服务年限 of its own: the engine reads the talent's
    合同期限 (signed) as before; deleting the agreement changes nothing in the evaluation."""
    a, b = ids(2, start=460)
    _write(tmp_path / "r.xlsx", [_row(a, signed="2023-04-20", years="3"), _row(b, years="3")])
    importer.run_import(ctx, tmp_path / "r.xlsx")
    answers = {}
    for number in (a, b):
        assert len(_agreements(ctx, number)) == 1
        with ctx.read() as session:
            t = grants.load_talent(session, number)
            answers[number] = (grants.engine_inputs(session, t).facts,
                               grants.evaluate_talent(ctx, number, approved_on=dt.date(2023, 6, 1)).to_json())
    assert answers[a][0].get("service_agreement_years") == 3  # from 协议签订日期 + 合同期限, as before
    ev = grants.evaluate_talent(ctx, a, approved_on=dt.date(2023, 6, 1))
    assert (ev.service_years, ev.service_source, ev.service_years_required, ev.service_end) == (
        3, "agreement", 3, dt.date(2026, 5, 1))
    # without 协议签订日期 the binding period is still the 合同期限 fallback (第十九条), not an agreement's
    ev = grants.evaluate_talent(ctx, b, approved_on=dt.date(2023, 6, 1))
    assert (ev.service_years, ev.service_source, ev.service_years_required, ev.service_end) == (
        3, "contract", None, dt.date(2026, 5, 1))
    assert "service_agreement_years" not in answers[b][0]  # no 协议签订日期: none, as before
    with ctx.write() as session:
        session.execute(delete(ServiceAgreement))
    for number in (a, b):
        with ctx.read() as session:
            t = grants.load_talent(session, number)
            without = (grants.engine_inputs(session, t).facts,
                       grants.evaluate_talent(ctx, number, approved_on=dt.date(2023, 6, 1)).to_json())
        assert without == answers[number]


def test_agreements_follow_their_talents_across_chunks(ctx, tmp_path, monkeypatch):
    from talentdesk.services.exchange.importer import writer

    monkeypatch.setattr(writer, "CHUNK", 2)
    numbers = ids(7, start=480)
    years = ["5", None, "3", "2.5", None, None, "4"]
    _write(tmp_path / "r.xlsx", [_row(n, f"张{'一二三四五六七'[i]}", f"2023-0{i + 1}-01", years[i])
                                 for i, n in enumerate(numbers)])
    s = importer.run_import(ctx, tmp_path / "r.xlsx")
    assert s.inserted == 7
    got = {n: [(x.start_date, x.term_years) for x in _agreements(ctx, n)] for n in numbers}
    assert got == {n: ([(dt.date(2023, i + 1, 1), Decimal(years[i]))] if years[i] else [])
                   for i, n in enumerate(numbers)}
    for n in numbers:
        t = talents.get(ctx, n)
        made = [e for e in audit.list_events(ctx, talent_id=t.id) if e.entity == "service_agreement"]
        assert [e.after["start_date"] for e in made] == ([t.record["contract_start"].isoformat()]
                                                         if t.record["contract_years"] else [])
    assert audit.verify(ctx).ok
