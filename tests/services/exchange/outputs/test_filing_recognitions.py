"""待确认人才认定备案表 (阿党人才字〔2023〕2号 第二十条: “人才评价认定结果报盟委人才办审核确认
后生效”): the recognitions proposed in the period and neither confirmed nor revoked; the
workbook read back, the printed form rendered."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from sqlalchemy import update

from talentdesk.models.duties.recognition import Recognition
from talentdesk.services.exchange import filings
from talentdesk.services.register import recognitions

from tests.services.exchange.outputs.seed import D, add_talent

ALXA, BAOTOU = "阿拉善盟人才分类", "包头市高层次人才认定"


def _propose(ctx, talent_id, scheme, tier, doc, at: dt.datetime):
    from talentdesk.services.register import talents

    number = talents.get_by_id(ctx, talent_id).id_number
    view = recognitions.propose(ctx, talent=number, scheme=scheme, tier=tier, doc_no=doc, recognised_on=at.date())
    with ctx.write() as s:  # registered on that day
        s.execute(update(Recognition).where(Recognition.id == view.id).values(proposed_at=at))
    return view.id


@pytest.fixture
def seeded(ctx):
    a = add_talent(ctx, "王待认")
    b = add_talent(ctx, "李已认")
    c = add_talent(ctx, "赵撤销")
    d = add_talent(ctx, "钱早认")
    e = add_talent(ctx, "孙末日", policy="baotou-2022", employer="包头稀土研究院", district="稀土高新区")
    _propose(ctx, a, ALXA, "D", "阿人才认〔2024〕3号", dt.datetime(2024, 1, 1, 0, 0))
    done = _propose(ctx, b, ALXA, "C", "阿人才认〔2024〕4号", dt.datetime(2024, 5, 1, 9))
    recognitions.confirm(ctx, done, confirmed_on=D(2024, 5, 20))
    gone = _propose(ctx, c, ALXA, "E", "阿人才认〔2024〕5号", dt.datetime(2024, 6, 1, 9))
    recognitions.revoke(ctx, gone, "材料不实", revoked_on=D(2024, 6, 5))
    _propose(ctx, d, ALXA, "E", "阿人才认〔2023〕9号", dt.datetime(2023, 12, 31, 23, 59))
    _propose(ctx, e, BAOTOU, "三类", "包人才认〔2024〕1号", dt.datetime(2024, 12, 31, 23, 59))
    return ctx


def test_only_unconfirmed_unrevoked_in_the_period(seeded):
    form = filings.filing(seeded, "recognitions", D(2024, 1, 1), D(2024, 12, 31))
    assert [r[1] for r in form.rows] == ["王待认", "孙末日"]  # both ends in; confirmed, revoked, 2023 out
    wang = form.rows[0]
    assert wang[5:9] == (ALXA, "D类（高端人才）", "阿拉善盟委人才工作领导小组办公室", "阿人才认〔2024〕3号")
    assert wang[12] == D(2024, 1, 1)
    assert "第二十条" in form.basis and "审核确认后生效" in form.basis
    assert form.name == "待确认人才认定备案表"
    # once confirmed, a recognition leaves the list
    pending = recognitions.list_recognitions(seeded, status="pending")
    recognitions.confirm(seeded, next(r.id for r in pending if r.name == "孙末日"), confirmed_on=D(2025, 1, 5))
    assert [r[1] for r in filings.filing(seeded, "recognitions", D(2024, 1, 1), D(2024, 12, 31)).rows] == ["王待认"]


def test_workbook_reads_back(seeded, tmp_path):
    out = tmp_path / "rec.xlsx"
    res = filings.export(seeded, "recognitions", out, date_from=D(2024, 1, 1), date_to=D(2024, 12, 31))
    assert res.rows == 2 and res.masked
    cells = [list(row) for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True)]
    flat = [str(c) for row in cells for c in row if c is not None]
    assert any("待确认人才认定备案表" in c for c in flat)
    assert any("第二十条" in c for c in flat)
    header = next(row for row in cells if "认定文号" in row)
    assert header[:4] == ["序号", "姓名", "性别", "身份证号"]
    sun = next(row for row in cells if "孙末日" in row)
    assert "*" in sun[3] and sun[6] == "三类" and sun[8] == "包人才认〔2024〕1号"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_printed_form_renders(seeded, tmp_path):
    out = tmp_path / "rec.pdf"
    res = filings.export(seeded, "recognitions", out, date_from=D(2024, 1, 1), date_to=D(2024, 12, 31), mask=False)
    assert res.pages == 1 and not res.masked
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1 and pages[0].stat().st_size > 5000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
        assert "待确认人才认定备案表" in text and "孙末日" in text and "第二十条" in text
