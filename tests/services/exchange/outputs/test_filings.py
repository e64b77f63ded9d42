"""备案 lists (阿党人才字〔2023〕2号 第十三、十四、十九条): who falls in which list and period,
a 待定 refund never shown as 0, the workbook read back, the printed form's pages."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from talentdesk.domain.errors import TalentDeskError, ValidationError
from talentdesk.services.exchange import filings
from talentdesk.services.office.audit import log as audit

from tests.services.exchange.outputs.seed import D, add_departure, add_talent

UNDETERMINED = "【应退回金额待定】"


@pytest.fixture
def seeded(ctx):
    from talentdesk.services.benefits import departures

    assert departures.UNDETERMINED_MARK == UNDETERMINED
    a = add_talent(ctx, "王刚", 引进日期="2024-03-01", 合同起始日期="2024-03-01")
    add_talent(ctx, "李敏", 引进日期="2024-12-31", 合同起始日期="2024-12-31", 引进方式="调动")
    add_talent(ctx, "赵兼", 引进日期="2024-06-01", 合同起始日期="2024-06-01", 引进方式="兼职")
    add_talent(ctx, "钱早", 引进日期="2023-12-31", 合同起始日期="2023-12-31")
    b = add_talent(ctx, "孙离", 引进日期="2022-05-01", 合同起始日期="2022-05-01")
    add_departure(ctx, a, D(2024, 9, 1), 1_234_567, [(234_567, D(2024, 10, 1), "追-1")])
    add_departure(ctx, b, D(2024, 11, 1), 0, basis=UNDETERMINED + "服务期待定（第十九条）")
    return ctx


def names(form):
    return [r[1] for r in form.rows]


def test_rigid_and_flexible_hires_by_introduction_date(seeded):
    hires = filings.filing(seeded, "hires", D(2024, 1, 1), D(2024, 12, 31))
    assert names(hires) == ["王刚", "李敏"]  # both ends of the period in, 2023-12-31 out, 兼职 elsewhere
    flexible = filings.filing(seeded, "flexible", D(2024, 1, 1), D(2024, 12, 31))
    assert names(flexible) == ["赵兼"]
    assert "第十四条" in flexible.basis and "第十三条" in hires.basis
    assert hires.rows[0][-1].startswith("服务期协议")  # the roster's agreement


def test_departures_leave_an_undetermined_refund_blank(seeded):
    form = filings.filing(seeded, "departures", D(2024, 1, 1), D(2024, 12, 31))
    assert names(form) == ["王刚", "孙离"]
    wang, sun = form.rows
    assert wang[7:] == (1_234_567, 234_567, 1_000_000, "部分追回")
    assert sun[7] is None and sun[9] is None and sun[10] == "应退回金额待定"
    assert any("1人应退回金额待定" in n for n in form.notes)


def test_bad_period_and_kind_are_refused(seeded):
    with pytest.raises(ValidationError, match="早于"):
        filings.filing(seeded, "hires", D(2024, 12, 31), D(2024, 1, 1))
    with pytest.raises(ValidationError, match="开始日期"):
        filings.filing(seeded, "hires", None, D(2024, 1, 1))
    with pytest.raises(TalentDeskError, match="未知的备案种类"):
        filings.filing(seeded, "hiring", D(2024, 1, 1), D(2024, 12, 31))
    with pytest.raises(TalentDeskError, match="xlsx"):
        filings.export(seeded, "hires", "x.csv", date_from=D(2024, 1, 1), date_to=D(2024, 12, 31))


def test_workbook_reads_back_with_totals_and_masked_numbers(seeded, tmp_path):
    out = tmp_path / "dep.xlsx"
    res = filings.export(seeded, "departures", out, date_from=D(2024, 1, 1), date_to=D(2024, 12, 31))
    assert res.rows == 2 and res.masked
    ws = openpyxl.load_workbook(out).active
    cells = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    flat = [str(c) for row in cells for c in row if c is not None]
    assert any("引进人才离职及追回备案表" in c for c in flat)
    assert any("备案期间：2024年1月1日至2024年12月31日" in c for c in flat)
    wang = next(row for row in cells if "王刚" in row)
    assert "*" in wang[2]  # masked by default
    assert wang[7:10] == [12345.67, 2345.67, 10000]
    total = next(row for row in cells if any(isinstance(c, str) and c.startswith("合计") for c in row))
    assert total[7] == 12345.67  # the undetermined refund is not summed as 0 … and not at all
    event = next(e for e in audit.list_events(seeded, limit=5) if e.entity == "filing")
    assert event.action == "export" and event.entity_id == "departures" and event.after["rows"] == 2


def test_printed_form_has_its_pages(seeded, tmp_path):
    out = tmp_path / "hires.pdf"
    res = filings.export(seeded, "hires", out, date_from=D(2024, 1, 1), date_to=D(2024, 12, 31), mask=False)
    assert res.pages == 1 and not res.masked
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000


def test_cli_show_and_export(seeded, tmp_path, capsys):
    from talentdesk.cli import main

    db = seeded.db
    if db.sa_url.drivername != "sqlite":
        pytest.skip("the CLI test opens the SQLite file by path")
    path = db.sa_url.database
    assert main(["--db", path, "--json", "filing", "show", "flexible", "--from", "2024-01-01", "--to",
                 "2024-12-31"]) == 0
    out = capsys.readouterr().out
    assert "赵兼" in out and "柔性引进人才备案表" in out
    target = tmp_path / "f.xlsx"
    assert main(["--db", path, "filing", "export", "hires", "--from", "2024-01-01", "--to", "2024-12-31",
                 str(target)]) == 0
    assert target.exists() and "已导出 2 条" in capsys.readouterr().out
