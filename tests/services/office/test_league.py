"""One server for a league (issue 19 item 4; 阿党人才字〔2023〕2号 第七、二十条): a banner's
clerk sees and changes only that banner's records through every list, search, ledger,
export, the dashboard, the statistics and the CLI; the league sees all; the league's
statistics equal the sum of the banners'; recognitions filed by a banner are confirmed by
the league only. On a league demo database (``demo_league``), on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil

import pytest
from sqlalchemy import select

from factories import talent_row
from talentdesk.domain.errors import ConflictError, NotFoundError, PermissionDenied, TalentDeskError
from talentdesk.models.db import open_database
from talentdesk.models.entities import Employer, Talent
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange.demodata import league as demo_league
from talentdesk.services.office import offices
from tests.conftest import BACKENDS, PG_URL, _pg_admin, _worker_db_url

TODAY = dt.date(2025, 11, 20)
BANNERS = [name for _code, name in demo_league.BANNERS]


@pytest.fixture(scope="module", params=BACKENDS)
def league(request, tmp_path_factory):
    """A league demo database (60 talents, the whole workflow) shared by this module's tests."""
    name = None
    if request.param == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        path = tmp_path_factory.mktemp("league") / "league.sqlite3"
        shutil.copy(template, path)
        db = open_database(path)
    else:
        if not PG_URL:
            pytest.skip("no PostgreSQL server")
        name = f"talentdesk_test_league_{os.getpid()}"
        db = open_database(_worker_db_url(PG_URL, name))
    root = ServiceContext(db)
    demo_league.generate_league(root, size=60, seed=7, today=TODAY, password="league-test-pw")
    yield db
    db.dispose()
    if name:
        _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ctx_for(db, office: str, role: str = "clerk", user: str = "tester") -> ServiceContext:
    return offices.context_for(ServiceContext(db, user=f"{user}-{office}", role=role), office)


@pytest.fixture(scope="module")
def markers(league):
    """{office name: (its talents' ID numbers and names found in no other office, its employers)}."""
    with league.read() as session:
        rows = session.execute(select(Talent.id_number, Talent.name, Talent.office_id)).all()
        emps = session.execute(select(Employer.name, Employer.office_id)).all()
        names = {o.id: o.name for o in offices.list_offices(ServiceContext(league, user="x", role="admin"))}
    by_office: dict[str, set[str]] = {b: set() for b in BANNERS}
    name_offices: dict[str, set[str]] = {}
    for _idn, name, oid in rows:
        name_offices.setdefault(name, set()).add(names[oid])
    for idn, name, oid in rows:
        by_office[names[oid]].add(idn)
        if len(name_offices[name]) == 1:
            by_office[names[oid]].add(name)
    for ename, oid in emps:
        by_office[names[oid]].add(ename)
    return by_office


def leaves(obj, depth: int = 0, out: set | None = None) -> set[str]:
    """Every string inside a result (dataclasses, dicts, lists, objects), whole."""
    out = set() if out is None else out
    if depth > 8 or obj is None:
        return out
    if isinstance(obj, str):
        out.add(obj.strip())
    elif isinstance(obj, dict):
        for k, v in obj.items():
            leaves(k, depth + 1, out)
            leaves(v, depth + 1, out)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            leaves(v, depth + 1, out)
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            leaves(getattr(obj, f.name), depth + 1, out)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):
        for v in vars(obj).values():
            leaves(v, depth + 1, out)
    return out


def workbook_leaves(path) -> set[str]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return {str(v).strip() for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                for v in row if v is not None}
    finally:
        wb.close()


def csv_leaves(path, encoding) -> set[str]:
    import csv

    with open(path, encoding=encoding, newline="") as fh:
        return {v.strip() for row in csv.reader(fh) for v in row}


def _ledger(kind, year=None):
    def probe(ctx, tmp):
        from talentdesk.services.exchange import reports

        path = tmp / f"{kind}-{ctx.office_name}.xlsx"
        reports.export_ledger(ctx, kind, path, year=year, mask=False)
        return workbook_leaves(path)
    return probe


def _filing(kind):
    def probe(ctx, tmp):
        from talentdesk.services.exchange import filings

        path = tmp / f"filing-{kind}-{ctx.office_name}.xlsx"
        filings.export(ctx, kind, path, date_from=dt.date(2019, 1, 1), date_to=TODAY, mask=False)
        return workbook_leaves(path)
    return probe


def _platform(fmt, encoding):
    def probe(ctx, tmp):
        from talentdesk.services.exchange import platform

        path = tmp / f"platform-{ctx.office_name}-{encoding}.{fmt}"
        platform.export_platform(ctx, path, fmt=fmt, encoding=encoding)
        return workbook_leaves(path) if fmt == "xlsx" else csv_leaves(path, encoding)
    return probe


def _call(module, fn, *args, **kw):
    def probe(ctx, tmp):
        import importlib

        return leaves(getattr(importlib.import_module(module), fn)(ctx, *args, **kw))
    return probe


def _talent_table(ctx, tmp):
    from talentdesk.services.register import talent_query as q

    return leaves(list(q.rows_by_id(ctx, q.ordered_ids(ctx)).values()))


def _talent_overviews(ctx, tmp):
    """The detail pane of every talent id in the database: another banner's are empty."""
    from talentdesk.services.register import talent_query as q

    with ctx.db.read() as session:
        ids = session.execute(select(Talent.id)).scalars().all()
    return leaves([q.overview(ctx, i) for i in ids]) | leaves(q.rows_by_id(ctx, ids))


def _dashboard(ctx, tmp):
    from talentdesk.services.overview import dashboard

    return leaves(dashboard.overview(ctx, TODAY))


def _reviews(ctx, tmp):
    from talentdesk.services.benefits import reviews

    return leaves([reviews.list_for_year(ctx, y) for y in range(2020, 2026)])


def _care_ledger(ctx, tmp):
    from talentdesk.services.care import care_report

    return leaves([care_report.ledger(ctx, y) for y in range(2023, 2026)])


# Every public list, search and export that shows talents or employers.
PROBES = {
    "talents.list_talents": _call("talentdesk.services.register.talents", "list_talents", limit=None),
    "talent_query.table": _talent_table,
    "talent_query.overview_and_rows_by_id": _talent_overviews,
    "talent_query.filter_options": _call("talentdesk.services.register.talent_query", "filter_options"),
    "talent_query.employer_names": _call("talentdesk.services.register.talent_query", "employer_names"),
    "employers.list_all": _call("talentdesk.services.register.employers", "list_all"),
    "agreements.list_agreements": _call("talentdesk.services.benefits.agreements", "list_agreements"),
    "decisions.list_decisions": _call("talentdesk.services.benefits.decisions", "list_decisions"),
    "grants.list_grants": _call("talentdesk.services.benefits.grants", "list_grants"),
    "payments.list_installments": _call("talentdesk.services.benefits.payments", "list_installments"),
    "reviews.list_for_year": _reviews,
    "departures.list_departures": _call("talentdesk.services.benefits.departures", "list_departures"),
    "recoveries.list_cases": _call("talentdesk.services.benefits.recoveries", "list_cases"),
    "credit.list_entries": _call("talentdesk.services.register.credit", "list_entries", history=True),
    "recognitions.list_recognitions": _call("talentdesk.services.register.recognitions", "list_recognitions"),
    "care.cases.list_cases": _call("talentdesk.services.care.cases", "list_cases"),
    "care.visits.list_visits": _call("talentdesk.services.care.visits", "list_visits"),
    "care.housing.list_occupancies": _call("talentdesk.services.care.housing", "list_occupancies"),
    "dashboard.overview": _dashboard,
    "audit.list_events": _call("talentdesk.services.office.audit.log", "list_events", limit=100000),
    **{f"reports.export_ledger.{k}": _ledger(k, y) for k, y in
       (("talents", None), ("disbursement", 2024), ("recovery", None), ("review", 2024), ("recovery_case", None))},
    **{f"filings.export.{k}": _filing(k) for k in ("hires", "departures")},
    "platform.csv.utf-8": _platform("csv", "utf-8"),
    "platform.csv.gbk": _platform("csv", "gbk"),
    "platform.xlsx": _platform("xlsx", "utf-8"),
}


@pytest.mark.parametrize("probe", list(PROBES), ids=list(PROBES))
def test_every_path_shows_a_banner_only_its_own(league, markers, probe, tmp_path):
    fn = PROBES[probe]
    role = "reviewer" if probe.startswith("audit.") else "clerk"
    seen_by_league = fn(ctx_for(league, "阿拉善盟", role), tmp_path)
    shown = [b for b in BANNERS if seen_by_league & markers[b]]
    # the league sees the records of at least one banner through this path (else it proves nothing);
    # the other banners must then not see them
    assert shown, f"{probe}: the league sees no banner's records here: the probe proves nothing"
    for banner in BANNERS:
        seen = fn(ctx_for(league, banner, role), tmp_path)
        foreign = set().union(*(markers[b] for b in BANNERS if b != banner))
        assert not seen & foreign, f"{probe}: {banner} sees another banner's {sorted(seen & foreign)[:5]}"
        if banner in shown:
            assert seen & markers[banner], f"{probe}: {banner} does not see its own records"


def test_search_and_cached_order_stay_in_the_banner(league, markers):
    from talentdesk.services.register import talent_query as q

    league_ctx = ctx_for(league, "阿拉善盟")
    everyone = q.ordered_ids(league_ctx)
    with league.read() as session:
        office_of = dict(session.execute(select(Talent.id, Talent.office_id)).all())
        rows = session.execute(select(Talent.name, Talent.id_number, Talent.office_id)).all()
    for banner in BANNERS:
        ctx = ctx_for(league, banner)
        own = q.ordered_ids(ctx)
        assert own and {office_of[i] for i in own} == {ctx.office_id}
        assert q.count(ctx) == len(own)
        for name, idn, oid in rows:
            if oid == ctx.office_id:
                continue
            for text in (name[:1], idn[-6:]):  # a name prefix; an ID fragment (scans, keeps the cached order)
                for within in (None, everyone):
                    got = q.ordered_ids(ctx, q.TalentFilter(search=text), within=within)
                    assert all(office_of[i] == ctx.office_id for i in got), (banner, text)
            break
    assert len(everyone) == sum(len(q.ordered_ids(ctx_for(league, b))) for b in BANNERS)


def test_office_filter_of_a_league_user(league):
    from talentdesk.services.register import talent_query as q

    league_ctx = ctx_for(league, "阿拉善盟")
    choices = offices.office_choices(league_ctx)
    assert [n for _i, n in choices] == BANNERS
    for oid, _name in choices:
        got = q.ordered_ids(league_ctx, q.TalentFilter(office_id=oid))
        with league.read() as session:
            assert set(got) == set(session.execute(select(Talent.id).where(Talent.office_id == oid)).scalars())
    assert offices.office_choices(ctx_for(league, BANNERS[0])) == []


def test_league_statistics_equal_the_sum_of_the_banners(league):
    from talentdesk.services.overview import statistics

    for measure, cols in (("count", "education"), ("paid", "level")):
        whole = statistics.compute(ctx_for(league, "阿拉善盟"), "office", cols, measure=measure)
        assert whole.row_labels == sorted(BANNERS, key=lambda b: whole.row_labels.index(b))
        assert set(whole.row_labels) == set(BANNERS)
        total = 0
        for banner in BANNERS:
            part = statistics.compute(ctx_for(league, banner), "office", cols, measure=measure)
            assert part.row_labels == [banner]
            for c in part.col_labels:
                assert part.value(banner, c) == whole.value(banner, c)
            total += part.total
            other = statistics.compute(ctx_for(league, banner), "education", "district", measure="count")
            assert other.total == statistics.compute(ctx_for(league, banner), "office", "education").total
        assert total == whole.total > 0


def test_league_counts_equal_the_sum_of_the_banners(league):
    """The figures without names (服务事项统计表, the 首页's counts, the flexible-hire list's
    rows): the league's equal the banners' added up, and each banner's are its own."""
    from talentdesk.services.care import care_report
    from talentdesk.services.exchange import filings
    from talentdesk.services.overview import dashboard

    def figures(ctx):
        o = dashboard.overview(ctx, TODAY)
        care = [tuple(r)[1:5] for r in care_report.ledger(ctx, 2025).rows if isinstance(r, tuple)]
        return {"proposed": (o.pending.count, o.pending.amount_fen),
                "education": sum(n for _k, n in o.by_education),
                "care": [sum(col) for col in zip(*care)] if care else [0, 0, 0, 0],
                "flexible": len(list(filings.filing(ctx, "flexible", dt.date(2019, 1, 1), TODAY).rows)),
                "hires": len(list(filings.filing(ctx, "hires", dt.date(2019, 1, 1), TODAY).rows))}

    whole = figures(ctx_for(league, "阿拉善盟"))
    parts = [figures(ctx_for(league, b)) for b in BANNERS]
    assert whole["hires"] == sum(p["hires"] for p in parts) > 0
    assert whole["flexible"] == sum(p["flexible"] for p in parts)
    assert [sum(x) for x in zip(*(p["proposed"] for p in parts))] == list(whole["proposed"])
    assert whole["education"] == sum(p["education"] for p in parts) > 0
    assert [sum(x) for x in zip(*(p["care"] for p in parts))] == whole["care"]
    assert len({p["hires"] for p in parts} | {whole["hires"]}) > 1  # the banners' lists differ from the league's


def test_a_banner_cannot_change_another_banners_records(league):
    from talentdesk.services.benefits import grants
    from talentdesk.services.register import employers, talents

    left, right = ctx_for(league, BANNERS[0]), ctx_for(league, BANNERS[1])
    with league.read() as session:
        t = session.execute(select(Talent).where(Talent.office_id == right.office_id).limit(1)).scalar_one()
        e = session.execute(select(Employer).where(Employer.office_id == right.office_id).limit(1)).scalar_one()
        session.expunge_all()
    with pytest.raises(NotFoundError, match="找不到"):
        talents.update(left, t.id_number, {"手机号码": "13900001111"})
    with pytest.raises(NotFoundError):
        talents.get_by_id(left, t.id)
    with pytest.raises(NotFoundError):
        talents.delete(ctx_for(league, BANNERS[0], "reviewer"), t.id_number)
    with pytest.raises(NotFoundError):
        employers.update(left, e.id, district="阿拉善左旗")
    with pytest.raises(NotFoundError):
        talents.get(left, t.id_number)
    with pytest.raises(NotFoundError):
        grants.list_grants(left, t.id_number)
    assert talents.get(right, t.id_number).name == t.name  # its own banner still can
    assert talents.get(ctx_for(league, "阿拉善盟"), t.id_number).name == t.name  # and the league


def test_new_records_belong_to_the_acting_banner_and_id_numbers_are_league_unique(league, tmp_path):
    from talentdesk.services.register import talents

    left, right = ctx_for(league, BANNERS[0]), ctx_for(league, BANNERS[2])
    row = talent_row(**{"姓名": "测试新人", "用人单位": "左旗测试新单位", "统一社会信用代码": ""})
    view = talents.add(left, row)
    with league.read() as session:
        t = session.get(Talent, view.id)
        assert t.office_id == left.office_id and t.employer.office_id == left.office_id
    # another banner registering the same person: a clear refusal naming the office, not the data
    again = dict(row, **{"用人单位": "额旗测试新单位"})
    with pytest.raises(ConflictError) as err:
        talents.add(right, again)
    assert BANNERS[0] in err.value.message and "全盟唯一" in err.value.message
    assert "测试新人" not in err.value.message
    # the employer's name is league-unique too
    with pytest.raises(ConflictError, match=BANNERS[0]):
        talents.add(right, talent_row(**{"姓名": "测试另一人", "用人单位": "左旗测试新单位", "统一社会信用代码": ""}))
    # the roster import: the row is refused at its cell, naming the other office
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(again))
    ws.append(list(again.values()))
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    from talentdesk.services.exchange import importer

    result = importer.run_import(right, path, "roster")
    messages = " ".join(e.message for e in result.errors)
    assert BANNERS[0] in messages and "全盟唯一" in messages and result.inserted == 0
    with league.read() as session:
        assert session.execute(select(Talent.office_id).where(Talent.id_number == row["身份证号"])
                               ).scalar_one() == left.office_id


def test_recognitions_filed_by_a_banner_are_confirmed_by_the_league(league):
    from talentdesk.services.register import recognitions, talents

    banner = ctx_for(league, BANNERS[1])
    view = talents.add(banner, talent_row(**{"姓名": "认定测试", "人才类别": "C", "用人单位": "右旗认定测试单位",
                                                   "统一社会信用代码": ""}))
    r = recognitions.propose(banner, talent=view.id_number, scheme="阿拉善盟人才分类", tier="C",
                             doc_no="阿右人才字〔2025〕9号", recognised_on=dt.date(2025, 3, 1))
    with pytest.raises(PermissionDenied, match="第二十条"):
        recognitions.confirm(ctx_for(league, BANNERS[1], "reviewer", "banner-reviewer"), r.id)
    with pytest.raises(NotFoundError):  # another banner does not even see it
        recognitions.confirm(ctx_for(league, BANNERS[0], "reviewer", "other-reviewer"), r.id)
    done = recognitions.confirm(ctx_for(league, "阿拉善盟", "reviewer", "league-reviewer"), r.id,
                                confirmed_on=dt.date(2025, 3, 5))
    assert done.confirmed_on == dt.date(2025, 3, 5)


def test_login_fills_the_office_and_the_cli_keeps_a_clerk_to_its_banner(league, markers, capsys, monkeypatch):
    import json

    from talentdesk.cli import main
    from talentdesk.services.office import users

    ctx = users.authenticate(league, "额旗经办", "league-test-pw")
    assert (ctx.office_name, ctx.office_kind, ctx.banner_id is not None) == ("额济纳旗", "banner", True)
    assert users.authenticate(league, "盟审核人", "league-test-pw").is_league
    monkeypatch.setenv("TALENTDESK_PASSWORD", "league-test-pw")
    target = league.url if not league.is_sqlite else str(league.path)
    seen = {}
    for user in ("额旗经办", "盟管理员"):
        code = main(["--db", target, "--user", user, "talent", "list", "--json", "--full"])
        out, err = capsys.readouterr()
        assert code == 0, err
        seen[user] = leaves(json.loads(out))
    assert seen["额旗经办"] & markers["额济纳旗"]
    assert not seen["额旗经办"] & (markers["阿拉善左旗"] | markers["阿拉善右旗"])
    assert seen["盟管理员"] & markers["阿拉善左旗"] and seen["盟管理员"] & markers["阿拉善右旗"]
    code = main(["--db", target, "--user", "盟管理员", "office", "list", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    listed = {o["name"]: o for o in json.loads(out)}
    assert set(listed) == {"阿拉善盟", *BANNERS} and listed["额济纳旗"]["kind"] == "banner"


def test_single_office_database_is_unchanged(ctx):
    """No office rows: no scope, a clerk sees everything, the owner stays NULL."""
    from talentdesk.services.register import talent_query as q, talents

    assert not offices.has_offices(ctx)
    v = talents.add(ctx, talent_row())
    with ctx.db.read() as session:
        assert session.get(Talent, v.id).office_id is None
    assert q.ordered_ids(ServiceContext(ctx.db, user="c", role="clerk")) == [v.id]


def test_offices_are_added_by_an_admin_and_audited(ctx):
    from talentdesk.services.office.audit import log as audit

    admin = ServiceContext(ctx.db, user="admin", role="admin")
    with pytest.raises(PermissionDenied):
        offices.add_office(ServiceContext(ctx.db, user="c", role="clerk"), "152900", "阿拉善盟", "league")
    offices.add_office(admin, "152900", "阿拉善盟", "盟级")
    b = offices.add_office(admin, "152921", "阿拉善左旗", "banner")
    assert b.parent == "阿拉善盟" and b.kind_name == "旗县区"
    with pytest.raises(ConflictError):
        offices.add_office(admin, "152921", "重复", "banner")
    with pytest.raises(TalentDeskError, match="级别"):
        offices.add_office(admin, "1", "x", "province")
    assert [o.name for o in offices.list_offices(admin)] == ["阿拉善盟", "阿拉善左旗"]
    assert any(e.entity == "office" for e in audit.list_events(admin))


def test_a_banner_administrator_cannot_act_for_the_whole_league(league):
    from talentdesk.services.office import backup, permissions, settings, users

    admin = ctx_for(league, BANNERS[0], "admin", "banner-admin")
    with pytest.raises(PermissionDenied, match="盟级"):
        users.add_user(admin, "sneaky", "league-test-pw", "clerk")
    with pytest.raises(PermissionDenied, match="盟级"):
        offices.assign_user(admin, "左旗经办", "阿拉善盟")
    with pytest.raises(PermissionDenied, match="盟级"):
        settings.save_settings(admin, office_name="阿拉善左旗")
    assert not permissions.allowed(admin, "users.manage")
    if league.is_sqlite:  # a copy of the shared file holds every banner's records
        with pytest.raises(PermissionDenied, match="盟级"):
            backup.backup_now(admin)
    assert permissions.allowed(ctx_for(league, "阿拉善盟", "admin", "league-admin"), "users.manage")


def test_cli_demo_league(tmp_path, capsys, monkeypatch):
    import json

    from talentdesk.cli import main

    db = ["--db", str(tmp_path / "league.sqlite3")]
    code = main([*db, "demo", "--league", "--size", "12", "--no-workflow"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "阿拉善左旗" in out and demo_league.DEMO_PASSWORD in out
    monkeypatch.setenv("TALENTDESK_PASSWORD", demo_league.DEMO_PASSWORD)
    assert main([*db, "--user", "盟管理员", "office", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr()[0])
    assert sum(o["talents"] for o in listed) == 12 and all(o["talents"] for o in listed if o["kind"] == "banner")
    # the default demo is unchanged: no offices, no accounts
    assert main(["--db", str(tmp_path / "plain.sqlite3"), "demo", "--size", "5", "--no-workflow"]) == 0
    capsys.readouterr()
    plain = open_database(tmp_path / "plain.sqlite3")
    try:
        assert not offices.has_offices(plain)
        from talentdesk.services.office import users

        assert not users.has_accounts(plain)
    finally:
        plain.dispose()


def test_a_flat_lived_in_by_another_banners_talent_is_not_given_twice(league):
    """The housing stock is one: a banner cannot allocate a flat another banner's talent lives
    in, and is told only which office houses someone there."""
    from talentdesk.models.duties.housing import Flat, Occupancy
    from talentdesk.services.care import housing

    with league.read() as session:
        row = session.execute(select(Flat.id, Talent.office_id, Talent.name)
                              .join(Occupancy, Occupancy.flat_id == Flat.id).join(Talent, Occupancy.talent_id == Talent.id)
                              .where(Occupancy.end_date.is_(None), Flat.status == "available")).first()
        assert row is not None, "the demo houses somebody"
        flat_id, owner, occupant = row
        owner_name = offices.scope_name(session, owner)
    clerk = ctx_for(league, next(b for b in BANNERS if b != owner_name), user="housing-clerk")
    with league.read() as session:
        idn = session.execute(select(Talent.id_number).where(Talent.office_id == clerk.office_id).limit(1)).scalar()
    with pytest.raises(ConflictError) as err:
        housing.allocate(clerk, flat_id, idn, start=TODAY)
    assert owner_name in err.value.message and occupant not in err.value.message


def test_organisation_grants_stay_with_their_employers_banner(league):
    """单位/平台奖补 (migration 0017: talent_id NULL) belong to the employer's banner (a
    platform's: its host's): a banner lists its own organisations' grants and no other's; the
    league lists them all."""
    from talentdesk.services.benefits import grants

    everyone = grants.list_grants(ctx_for(league, "阿拉善盟"), beneficiary="organisation")
    assert everyone, "the demo has organisation grants"
    from talentdesk.models.duties.platform import Platform

    with league.read() as session:
        employer_office = dict(session.execute(select(Employer.id, Employer.office_id)).all())
        platform_office = {p: employer_office[e] for p, e in session.execute(select(Platform.id, Platform.employer_id))}

    def office_of(g):
        return employer_office[g.employer_id] if g.employer_id else platform_office[g.platform_id]

    seen = []
    for banner in BANNERS:
        ctx = ctx_for(league, banner)
        own = grants.list_grants(ctx, beneficiary="organisation")
        assert all(office_of(g) == ctx.office_id for g in own), banner
        seen += [g.id for g in own]
    assert sorted(seen) == sorted(g.id for g in everyone)
