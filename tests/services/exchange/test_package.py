"""交换包 (issue 19 item 5): a banner database with demo data → package → league database.

The records a package carries are identical on both sides (canonical dumps); re-importing
changes nothing (a dump of every table before and after); a second package carries only
the changes and applies them; a record the league changed itself is reported, not
overwritten; a tampered package is refused with nothing written. SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import zipfile

import pytest
from sqlalchemy import select, text

from talentdesk.models.base import Base
from talentdesk.models.db import open_database
from talentdesk.models.entities import Employer, Talent
from talentdesk.models.league.office import Office
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import demo, package
from talentdesk.services.office.audit import log as audit

from tests.conftest import BACKENDS, PG_URL, _pg_admin, _worker_db_url

CODE, NAME = "152921", "阿拉善左旗人才工作领导小组办公室"
# what the demo gives a banner, all of which a package carries
KINDS = {"employer", "talent", "agreement", "grant", "installment", "review", "departure", "recovery",
         "recognition", "credit", "service_case", "visit", "decision"}


def _fresh(backend: str, tmp, label: str, template):
    """A new database: SQLite copied from ``template`` (a file), PostgreSQL created from
    ``template`` (a database name) or empty-migrated."""
    if backend == "sqlite":
        path = tmp / f"{label}.sqlite3"
        shutil.copy(template, path)
        return open_database(path), None
    name = f"talentdesk_pkg_{label}_{os.getpid()}"
    if template is None:
        return open_database(_worker_db_url(PG_URL, name)), name
    _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(PG_URL, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    from sqlalchemy.engine import make_url

    return open_database(make_url(PG_URL).set(database=name).render_as_string(hide_password=False)), name


def _drop(name):
    if name:
        _pg_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=BACKENDS)
def demo_template(request, tmp_path_factory, _sqlite_template):
    """A banner's database with demo data, made once per backend."""
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("no PostgreSQL server (set TALENTDESK_TEST_PG_URL)")
    tmp = tmp_path_factory.mktemp("banner")
    db, name = _fresh(request.param, tmp, "demo", _sqlite_template if request.param == "sqlite" else None)
    demo.generate(ServiceContext(db), size=45, seed=19)
    db.dispose()
    yield request.param, (tmp / "demo.sqlite3") if name is None else name
    _drop(name)


@pytest.fixture
def banner(demo_template, tmp_path):
    backend, template = demo_template
    db, name = _fresh(backend, tmp_path, "banner", template)
    ctx = ServiceContext(db, user="旗经办人")
    first = package.export(ctx, tmp_path / f"first{package.SUFFIX}", office_code=CODE, office_name=NAME)
    yield backend, ctx, first, tmp_path
    db.dispose()
    _drop(name)


@pytest.fixture
def league(banner, tmp_path, _sqlite_template):
    db, name = _fresh(banner[0], tmp_path, "league", _sqlite_template if banner[0] == "sqlite" else None)
    with db.write() as s:
        s.add(Office(code="152900", name="阿拉善盟委人才工作领导小组办公室", kind="league"))
    yield ServiceContext(db, user="盟审核人", role="reviewer")
    db.dispose()
    _drop(name)


def full_dump(ctx) -> dict:
    out = {}
    with ctx.read() as s:
        for table in Base.metadata.sorted_tables:
            pk = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
            out[table.name] = [tuple(r) for r in s.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {pk}'))]
    return out


def test_round_trip_then_reimport_then_changes_only(banner, league, tmp_path):
    _backend, bctx, first, tmp = banner
    assert set(first.counts) == KINDS and first.since is None
    res = package.import_package(league, first.path)
    assert res.written and res.office_created and not res.conflicts
    assert res.inserted == first.counts
    sent = package.dump(bctx)
    got = package.dump(league, CODE)
    assert set(sent) == KINDS and sum(map(len, sent.values())) == first.records
    assert got == sent  # identical on both sides for every record the package carries
    with league.read() as s:
        office = s.execute(select(Office).where(Office.code == CODE)).scalar_one()
        assert office.name == NAME and office.kind == "banner" and office.parent_id is not None
        assert {t.office_id for t in s.execute(select(Talent)).scalars()} == {office.id}
        assert {e.office_id for e in s.execute(select(Employer)).scalars()} == {office.id}
    assert audit.verify(league).ok  # the money rows inserted are sealed in the league's chain
    event = next(e for e in audit.list_events(league, limit=5) if e.entity == "exchange_package")
    assert event.action == "import" and event.after["inserted"]["talent"] == first.counts["talent"]

    before = full_dump(league)
    again = package.import_package(league, first.path)
    assert again.already_imported and not again.written and again.changed == 0
    assert again.unchanged == first.records
    assert full_dump(league) == before  # re-importing the same package changes nothing at all

    # the banner works on: one talent's phone, one new visit → the next package carries only those
    number = next(iter(sent["talent"].values()))["id_number"]
    from talentdesk.services.care import visits
    from talentdesk.services.register import talents

    talents.update(bctx, number, {"phone": "13900001111"}, by="key")
    visits.record(bctx, number, dt.date.today(), "旗人才办 张三", "电话", issues="子女入学")
    second = package.export(bctx, tmp / f"second{package.SUFFIX}")
    assert second.since == first.until and second.office_code == CODE
    assert second.counts == {"talent": 1, "visit": 1}
    manifest = package.show(second.path).manifest
    assert manifest["range"]["previous_package"] == first.package_id
    res2 = package.import_package(league, second.path)
    assert res2.updated == {"talent": 1} and res2.inserted == {"visit": 1} and not res2.conflicts
    assert package.dump(league, CODE) == package.dump(bctx)
    with league.read() as s:
        assert s.execute(select(Talent.phone).where(Talent.id_number == number)).scalar() == "13900001111"
    # the older first package after the second: nothing goes back
    again = package.import_package(league, first.path)
    assert again.changed == 0 and again.stale == 1 and not again.written
    assert package.dump(league, CODE) == package.dump(bctx)


def test_a_record_the_league_changed_is_reported_not_overwritten(banner, league, tmp_path):
    _backend, bctx, first, tmp = banner
    package.import_package(league, first.path)
    sent = package.dump(bctx)
    numbers = [t["id_number"] for t in sent["talent"].values()]
    from talentdesk.services.register import talents

    talents.update(league, numbers[0], {"remarks": "盟人才办核实：已调整岗位"}, by="key")
    talents.update(bctx, numbers[0], {"remarks": "旗人才办：岗位调整"}, by="key")
    talents.update(bctx, numbers[1], {"remarks": "旗人才办：已落户"}, by="key")
    delta = package.export(bctx, tmp / f"delta{package.SUFFIX}")
    preview = package.import_package(league, delta.path, dry_run=True)
    assert preview.dry_run and not preview.written and len(preview.conflicts) == 1
    res = package.import_package(league, delta.path)
    assert res.updated == {"talent": 1} and len(res.conflicts) == 1
    assert "本库在上次导入后修改过" in res.conflicts[0]
    with league.read() as s:
        remarks = {n: r for n, r in s.execute(select(Talent.id_number, Talent.remarks)
                                                    .where(Talent.id_number.in_(numbers[:2])))}
    assert remarks == {numbers[0]: "盟人才办核实：已调整岗位", numbers[1]: "旗人才办：已落户"}


def _rewrite(src, dst, *, manifest=None, body=None, rehash=True):
    with zipfile.ZipFile(src) as zf:
        m = json.loads(zf.read(package.MANIFEST))
        b = zf.read(package.RECORDS)
    if body is not None:
        b = body(b)
    if manifest is not None:
        manifest(m)
    if rehash:
        m["members"][package.RECORDS]["sha256"] = hashlib.sha256(b).hexdigest()
    with zipfile.ZipFile(dst, "w") as zf:
        zf.writestr(package.MANIFEST, json.dumps(m, ensure_ascii=False))
        zf.writestr(package.RECORDS, b)
    return dst


def _last_line(path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(package.RECORDS).rstrip(b"\n").rsplit(b"\n", 1)[-1]


def _other_office(body: bytes) -> bytes:
    lines = body.decode("utf-8").splitlines()
    env = json.loads(lines[-1])
    env["office"] = "152922"
    lines[-1] = package.canon(env)
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize("how, message", [
    ("checksum", "SHA-256 校验值与清单不符"),
    ("version", "格式版本“2”不受支持"),
    ("format", "不是 TalentDesk 交换包"),
    ("office", "不属于清单所写的"),
    ("count", "记录数与清单不符"),
    ("not_zip", "不是 zip 文件"),
    ("twice", "出现两次"),
])
def test_a_tampered_package_is_refused_and_nothing_written(banner, league, tmp_path, how, message):
    first = banner[2]
    bad = tmp_path / f"bad{package.SUFFIX}"
    if how == "checksum":
        _rewrite(first.path, bad, body=lambda b: b.replace("合格".encode(), "优秀".encode(), 1), rehash=False)
    elif how == "version":
        _rewrite(first.path, bad, manifest=lambda m: m.update(version=2))
    elif how == "format":
        _rewrite(first.path, bad, manifest=lambda m: m.update(format="other"))
    elif how == "office":
        _rewrite(first.path, bad, body=_other_office)
    elif how == "count":
        _rewrite(first.path, bad, body=lambda b: b[:b.rindex(b"\n", 0, len(b) - 1) + 1])
    elif how == "twice":
        def twice(b):
            last = b[b.rindex(b"\n", 0, len(b) - 1) + 1:]
            return b + last
        _rewrite(first.path, bad, body=twice, manifest=lambda m: (m["counts"].__setitem__(
            json.loads(_last_line(first.path))["kind"], m["counts"][json.loads(_last_line(first.path))["kind"]] + 1),
            m.update(records=m["records"] + 1)))
    else:
        bad.write_bytes(b"PK not really a zip")
    before = full_dump(league)
    with pytest.raises(package.PackageError, match=message):
        package.import_package(league, bad)
    assert full_dump(league) == before


def test_a_changes_only_package_needs_the_previous_one(banner, league, tmp_path):
    _backend, bctx, _first, tmp = banner
    from talentdesk.services.register import talents

    number = next(iter(package.dump(bctx)["talent"].values()))["id_number"]
    talents.update(bctx, number, {"remarks": "增量"}, by="key")
    delta = package.export(bctx, tmp / f"gap{package.SUFFIX}")
    before = full_dump(league)
    with pytest.raises(package.PackageError, match="尚未导入上一个交换包"):
        package.import_package(league, delta.path)
    assert full_dump(league) == before


def test_a_banner_cannot_import_its_own_package(banner):
    _backend, bctx, first, _tmp = banner
    with pytest.raises(package.PackageError, match="自己导出的"):
        package.import_package(bctx, first.path)


def test_an_office_name_that_differs_is_refused(banner, league):
    first = banner[2]
    with league.write() as s:
        s.add(Office(code=CODE, name="阿拉善左旗人才办（旧名）", kind="banner"))
    before = full_dump(league)
    with pytest.raises(package.PackageError, match="名称不符"):
        package.import_package(league, first.path)
    assert full_dump(league) == before


def test_import_needs_a_reviewer_and_export_a_code(banner, league, tmp_path):
    from talentdesk.domain.errors import PermissionDenied

    first = banner[2]
    clerk = ServiceContext(league.db, user="盟经办人", role="clerk")
    with pytest.raises(PermissionDenied, match="导入旗县区交换包"):
        package.import_package(clerk, first.path)
    with pytest.raises(package.PackageError, match="第一次导出交换包须填写本单位代码"):
        package.export(league, tmp_path / "x.tdx.zip")
    with pytest.raises(package.PackageError, match="单位代码“15-29”无效"):
        package.export(league, tmp_path / "x.tdx.zip", office_code="15-29")


def test_cli_export_show_import(banner, league, tmp_path, capsys, monkeypatch):
    from talentdesk.cli import main

    backend, bctx, first, _tmp = banner
    if backend != "sqlite":
        pytest.skip("the CLI test opens the SQLite files by path")
    bpath, lpath = bctx.db.sa_url.database, league.db.sa_url.database
    from talentdesk.services.register import talents

    number = next(iter(package.dump(bctx)["talent"].values()))["id_number"]
    talents.update(bctx, number, {"remarks": "经命令行导出"}, by="key")
    out = tmp_path / f"cli{package.SUFFIX}"
    assert main(["--db", bpath, "package", "export", str(out)]) == 0
    text_out = capsys.readouterr().out
    assert "之后的变动，共 1 条" in text_out and NAME in text_out
    assert main(["--db", bpath, "--json", "package", "show", str(out)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["counts"] == {"talent": 1} and shown["office_code"] == CODE
    assert main(["--db", lpath, "package", "import", "--yes", str(first.path)]) == 0
    assert "新增" in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")  # asked first, and refused: nothing imported
    assert main(["--db", lpath, "package", "import", str(out)]) == 1
    assert "更新1条" in capsys.readouterr().out
    with league.read() as s:
        assert s.execute(select(Talent.remarks).where(Talent.id_number == number)).scalar() != "经命令行导出"
    monkeypatch.setattr("builtins.input", lambda _prompt: "y")
    assert main(["--db", lpath, "--json", "package", "import", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["updated"] == {"talent": 1}  # the question went to stderr
    with league.read() as s:
        assert s.execute(select(Talent.remarks).where(Talent.id_number == number)).scalar() == "经命令行导出"


def test_an_employer_whose_credit_code_changes_stays_one_employer(banner, league, tmp_path):
    _backend, bctx, first, tmp = banner
    package.import_package(league, first.path)
    from talentdesk.domain import uscc
    from talentdesk.services.register import employers

    with bctx.read() as s:
        emp = s.execute(select(Employer).order_by(Employer.id)).scalars().first()
        emp_id, name, old = emp.id, emp.name, emp.uscc
    new = uscc.make(old[:-1][:8] + "MA0000001")
    employers.update(bctx, emp_id, uscc=new)
    delta = package.export(bctx, tmp / f"uscc{package.SUFFIX}")
    assert delta.counts == {"employer": 1}
    res = package.import_package(league, delta.path)
    assert res.updated == {"employer": 1} and not res.inserted and not res.conflicts
    with league.read() as s:
        rows = s.execute(select(Employer.uscc).where(Employer.name == name)).scalars().all()
    assert rows == [new]
    assert package.dump(league, CODE) == package.dump(bctx)
