"""A departure dated after today (a talent who has given notice) is refused unless the
caller confirms it: ``confirm_future=True``, the CLI's ``--confirm-future``."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import talent_row
from talentdesk.domain.errors import ValidationError
from talentdesk.services.benefits import departures
from talentdesk.services.register import talents

TODAY = dt.date.today()
LATER = TODAY + dt.timedelta(days=40)


def _cn(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def test_future_question_names_the_date_the_chinese_way():
    assert departures.future_question(LATER) == f"离职日期 {_cn(LATER)} 晚于今天，确定登记？"
    assert departures.future_question(TODAY) is None
    assert departures.future_question(TODAY - dt.timedelta(days=1)) is None


def test_a_future_departure_needs_confirming(ctx):
    row = talent_row()
    talents.add(ctx, row)
    idn = row["身份证号"]
    with pytest.raises(ValidationError) as exc:
        departures.record(ctx, idn, LATER, "已提出辞职")
    assert exc.value.message == f"离职日期：{_cn(LATER)}晚于今天，确需提前登记请先确认"
    assert exc.value.errors[0].field == "departed_on"
    assert talents.get(ctx, idn).status != "departed" and departures.list_departures(ctx) == []
    dep = departures.record(ctx, idn, LATER, "已提出辞职", confirm_future=True)
    assert dep.departed_on == LATER and talents.get(ctx, idn).status == "departed"


def test_today_needs_no_confirmation(ctx):
    row = talent_row()
    talents.add(ctx, row)
    assert departures.record(ctx, row["身份证号"], TODAY, "调离").departed_on == TODAY


def test_cli_refuses_a_future_date_without_confirm_future(tmp_path, capsys):
    from talentdesk.cli import main

    db = ["--db", str(tmp_path / "cli.sqlite3")]
    row = talent_row()
    idn = row["身份证号"]
    assert main([*db, "talent", "add", *[f"{k}={v}" for k, v in row.items()]]) == 0
    capsys.readouterr()
    code = main([*db, "depart", "record", idn, LATER.isoformat(), "--reason", "已提出辞职"])
    out = capsys.readouterr().out
    assert code == 1 and f"注意：离职日期 {_cn(LATER)} 晚于今天" in out and "--yes --confirm-future" in out
    code = main([*db, "depart", "record", idn, LATER.isoformat(), "--yes"])
    err = capsys.readouterr().err
    assert code == 1 and f"离职日期 {_cn(LATER)} 晚于今天" in err and "--confirm-future" in err
    code = main([*db, "depart", "list", "--json"])
    assert '"total": 0' in capsys.readouterr().out
    code = main([*db, "depart", "record", idn, LATER.isoformat(), "--yes", "--confirm-future", "--json"])
    out = capsys.readouterr().out
    assert code == 0 and f'"departed_on": "{LATER.isoformat()}"' in out
