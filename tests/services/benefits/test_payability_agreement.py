"""The payments service and the rules engine agree on every installment.

``expected`` is the engine's decision spelled out from ``rules.evaluate`` itself (its
installment statuses at the action's horizon), with the facts read here straight from the
tables; the service's answers (``decide``, ``check``, ``propose``, ``approve``,
``record_paid``) must be the same for every installment of a demo database and of
hypothesis-generated histories (reviews incl. 基本合格/不合格, months served, departures).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings as hsettings, strategies as st
from sqlalchemy import func, select

from factories import talent_row
from talentdesk import rules
from talentdesk.domain.errors import ConflictError, TalentDeskError
from talentdesk.models.db import open_database
from talentdesk.models.entities import AnnualReview, BenefitGrant, Departure, Employer, Installment, Talent
from talentdesk.models.duties.platform import Platform
from talentdesk.services.exchange import demo
from talentdesk.services.benefits import departures, grants, org_grants, payments, reviews
from talentdesk.services.office import settings
from talentdesk.services.register import talents
from talentdesk.services.context import ServiceContext

ACTIONS = {"propose": "scheduled", "approve": "proposed", "pay": "approved"}
ENGINE = {"due": "yes", "cancelled": "no", "scheduled": "no", "awaiting_review": "pending",
          "awaiting_fact": "pending"}


def _month_end(d: dt.date) -> dt.date:
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1) - dt.timedelta(days=1)


def expected(session, inst: Installment, g: BenefitGrant, action: str, on: dt.date, days: int = 0) -> str:
    """yes / no / pending: what the engine says about this stored installment."""
    if inst.reverses_id is not None or inst.status != ACTIONS[action] or g.status != "approved":
        return "no"
    if g.approval_date is None:
        return "pending"
    as_of = on + dt.timedelta(days=days) if action == "pay" else _month_end(on)
    office = settings.read_settings(session)
    if g.talent_id is None:  # an organisation's grant (单位/平台奖补): no profile, service period or review
        kind = "employer" if g.employer_id is not None else "platform"
        obj = session.get(Employer if kind == "employer" else Platform, g.employer_id or g.platform_id)
        org = org_grants.org_inputs(session, kind, obj, policy_id=g.policy_id, on=g.approval_date, office=office)
        ev = rules.evaluate_organisation(grants.load_pack(g.policy_id), kind, approved_on=g.approval_date,
                                         as_of=as_of, facts=org.facts | grants.grant_facts(g),
                                         decisions=org.decisions, extra_holidays=office.extra_holidays,
                                         extra_workdays=office.extra_workdays, credit=org.credit)
        return _verdict(ev, g, inst)
    t = session.get(Talent, g.talent_id)
    inputs = grants.engine_inputs(session, t)  # profile, decisions, agreement years
    recorded = dict(session.execute(select(AnnualReview.year, AnnualReview.result)
                                    .where(AnnualReview.talent_id == t.id)).all())
    departed = session.execute(select(func.min(Departure.departed_on)).where(Departure.talent_id == t.id)).scalar()
    ev = rules.evaluate(grants.load_pack(g.policy_id), inputs.profile, approved_on=g.approval_date, as_of=as_of,
                        departed_on=departed, reviews=recorded, decisions=inputs.decisions,
                        facts=inputs.facts | grants.grant_facts(g), extra_holidays=office.extra_holidays,
                        extra_workdays=office.extra_workdays)
    return _verdict(ev, g, inst)


def _verdict(ev, g: BenefitGrant, inst: Installment) -> str:
    res = ev.benefit(g.benefit_code)
    if res.status == "undetermined":
        return "pending"
    if res.status != "eligible":
        return "no"
    same = [e for e in res.installments if e.due == inst.due_date]
    if not same:
        return "pending"
    e = next((x for x in same if x.amount_fen == inst.amount_fen), same[0])
    if e.amount_fen != inst.amount_fen:
        return "pending"
    return ENGINE[e.status]


def _pairs(session):
    return session.execute(select(Installment, BenefitGrant).join(BenefitGrant, Installment.grant_id == BenefitGrant.id)
                           .order_by(Installment.id)).all()


def _open_all_as(db, status: str) -> list[int]:
    """Every unpaid installment (not a reversal) set to ``status``: each one is asked."""
    with ServiceContext(db, user="t").write() as session:
        ids = []
        for inst in session.execute(select(Installment).where(Installment.reverses_id.is_(None),
                                                              Installment.status.not_in(("paid", "reversed")))
                                    ).scalars():
            inst.status = status
            ids.append(inst.id)
        return ids


def _agree(db, on: dt.date) -> tuple[int, dict[str, int]]:
    """Assert the service's decision equals the engine's for every installment and action
    (read-only); returns (installments, {verdict: count}) for the record."""
    ctx = ServiceContext(db, user="t")
    counts: dict[str, int] = {}
    with ctx.read() as session:
        pairs = _pairs(session)
        for action in ACTIONS:
            answers = payments.decide(session, [(i, g) for i, g in pairs], action, on)
            for inst, g in pairs:
                want = expected(session, inst, g, action, on)
                got = answers[inst.id]
                assert got.verdict == want, (action, inst.id, inst.status, inst.due_date, want, got.message)
                counts[want] = counts.get(want, 0) + 1
    return len(pairs), counts


# ---------------------------------------------------------------- the demo database

@pytest.fixture(scope="session")
def empty_file(tmp_path_factory) -> Path:
    """An empty, migrated SQLite database to copy (once per session)."""
    path = tmp_path_factory.mktemp("empty") / "empty.sqlite3"
    open_database(path).dispose()
    return path


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory, empty_file) -> Path:
    """A ``talentdesk demo --size 300`` database, generated once per test session (SQLite)."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.sqlite3"
    shutil.copy(empty_file, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TALENTDESK_HOME", str(folder / "home"))
        db = open_database(path)
        try:
            demo.generate(ServiceContext(db, user="演示"), size=300)
        finally:
            db.dispose()
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path):
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_file, path)
    db = open_database(path)
    yield db
    db.dispose()


def test_demo_every_installment_as_stored(demo_db):
    n, counts = _agree(demo_db, dt.date.today())
    assert n > 1000 and counts.get("yes", 0) + counts.get("pending", 0) > 0


def test_demo_every_installment_through_each_action(demo_db):
    """Every unpaid installment put in front of propose, approve and pay in turn: the
    services do exactly what the engine allows, nothing more."""
    ctx = ServiceContext(demo_db, user="测试")  # single-user mode: no four-eyes in the way
    today = dt.date.today()
    seen = {}
    for action, status in ACTIONS.items():
        ids = _open_all_as(demo_db, status)
        assert ids
        with ctx.read() as session:
            rows = {i.id: (i, g) for i, g in _pairs(session)}
            want = {i: expected(session, *rows[i], action, today) for i in ids}
        yes = {i for i, v in want.items() if v == "yes"}
        if action == "propose":
            checked = payments.check(ctx, ids)
            assert {c.installment_id: c.verdict for c in checked} == want
            assert set(payments.propose(ctx, ids).done) == yes
        elif action == "approve":
            assert set(payments.approve(ctx, ids).done) == yes
        else:
            paid = set()
            for i in ids:
                try:
                    payments.record_paid(ctx, i, today, f"记-{i}")
                    paid.add(i)
                except ConflictError:
                    pass
            assert paid == yes
        seen[action] = (len(ids), len(yes), sum(v == "pending" for v in want.values()))
    # the walk met installments the engine lets through and ones it refuses
    assert all(n > y for n, y, _ in seen.values()) and all(y > 0 for _, y, _ in seen.values())


# ---------------------------------------------------------------- generated histories

RESULTS = st.sampled_from([None, "优秀", "合格", "基本合格", "不合格"])
KINDS = st.sampled_from(["alxa-settlement", "alashankou-settlement", "alashankou-special"])


@st.composite
def histories(draw):
    kind = draw(KINDS)
    first = dt.date(2023, 3, 1) if kind.startswith("alxa") else dt.date(2015, 1, 1)  # the packs' periods
    approved = draw(st.dates(first, dt.date(2025, 6, 30)))
    intro = approved - dt.timedelta(days=draw(st.integers(0, 90)))
    today = dt.date.today()
    years = range(intro.year, today.year + 1)
    revs = {y: r for y in years if (r := draw(RESULTS)) is not None}
    months = {k: m for k in range(1, 6) if (m := draw(st.one_of(st.none(), st.integers(0, 12)))) is not None}
    departs = draw(st.one_of(st.none(), st.dates(intro + dt.timedelta(days=30), today)))
    on = draw(st.dates(approved, today))
    days = draw(st.sampled_from([0, 0, 3, 40]))
    return {"kind": kind, "approved": approved, "intro": intro, "reviews": revs, "months": months,
            "departs": departs, "on": on, "days": days}


def _build(db, h) -> None:
    ctx = ServiceContext(db, user="测试")
    intro = h["intro"].isoformat()
    if h["kind"] == "alxa-settlement":
        row, policy, code, facts = talent_row(**{"引进日期": intro, "合同起始日期": intro}), None, \
            "settlement_allowance", None
    elif h["kind"] == "alashankou-settlement":
        row = talent_row(**{"学历": "硕士研究生", "学位": "硕士", "引进日期": intro, "合同起始日期": intro})
        policy, code, facts = "alashankou-2014", "settlement_allowance", None
    else:
        row = talent_row(**{"引进方式": "特聘", "协议签订日期": intro, "引进日期": intro, "合同起始日期": intro})
        policy, code = "alashankou-2014", "special_hire_subsidy"
        facts = {"alashankou_expert": True, "months_served": dict(h["months"])}
    talents.add(ctx, row)
    idn = row["身份证号"]
    if policy:
        talents.update(ctx, idn, {}, policy_id=policy)
    g = grants.propose(ctx, idn, code, approved_on=h["approved"], approval_doc_no="阿左人才字〔2023〕11号", facts=facts)
    grants.approve(ctx, g.id)
    for year, result in h["reviews"].items():
        reviews.record(ctx, idn, year, result)
    if h["departs"]:
        departures.record(ctx, idn, h["departs"], "辞职")
    if h["days"]:
        settings.save_settings(ctx, pay_before_due_days=h["days"])


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(h=histories())
def test_generated_histories_agree(empty_file, h):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.sqlite3"
        shutil.copy(empty_file, path)
        db = open_database(path)
        try:
            try:
                _build(db, h)
            except TalentDeskError as exc:
                event(f"not built: {exc.message[:30]}")
                return  # e.g. every installment cancelled at proposal: nothing to ask
            ctx = ServiceContext(db, user="测试")
            for action, status in ACTIONS.items():
                _open_all_as(db, status)
                with ctx.read() as session:
                    pairs = _pairs(session)
                    answers = payments.decide(session, [(i, g) for i, g in pairs], action, h["on"])
                    for inst, g in pairs:
                        want = expected(session, inst, g, action, h["on"], h["days"])
                        assert answers[inst.id].verdict == want, (h, action, inst.due_date, answers[inst.id].message)
                        event(f"{action}: {want}")
                    ids = [i.id for i, _ in pairs]
                if action == "propose":
                    with ctx.read() as session:
                        want = {i.id: expected(session, i, g, action, h["on"]) for i, g in _pairs(session)}
                    assert {c.installment_id: c.verdict for c in payments.check(ctx, ids, as_of=h["on"])} == want
        finally:
            db.dispose()
