"""人才云平台（智汇驼乡）实名录入 export: layout, encodings, GBK refusal, CLI, and the round
trip through the roster importer into an empty database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest

from factories import credit_code, id_number, talent_row
from talentdesk.cli import main
from talentdesk.domain import roster
from talentdesk.domain.errors import TalentDeskError
from talentdesk.models.db import open_database
from talentdesk.services.benefits import agreements, grants, payments
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import importer, platform
from talentdesk.services.register import talents

D = dt.date


def seed(ctx) -> list[str]:
    """Three talents with every roster field that varies (a month-only graduation, a
    decimal contract term, blanks, 是/否), one with an agreement and a paid grant."""
    a = talent_row(姓名="张伟", 民族="蒙古族", 政治面貌="中共党员", 籍贯="内蒙古阿拉善", 毕业院校="内蒙古大学",
                   专业="化学工程", 毕业时间="2020年7月", 职称="中级", 人才类别="无", 协议签订日期="2023-05-10",
                   备注="=来自花名册")
    b = talent_row(姓名="李娜", 身份证号=id_number(D(1994, 2, 3), male=False), 学历="硕士研究生", 学位="硕士",
                   引进方式="特聘", 用人单位="阿拉善右旗化工有限公司", 统一社会信用代码=credit_code(7),
                   单位性质="民营企业", 单位所属行业="制造业", 所属地区="阿拉善右旗", 引进日期="2024-03-01",
                   合同起始日期="2024-03-01", **{"合同期限（年）": "2.5"}, 急需紧缺="否", 手机号码="13900139000")
    c = talent_row(姓名="王强", 身份证号=id_number(D(1988, 9, 9)), 学历="大学本科", 学位="学士", 院校类别="其他",
                   毕业时间="2010-07-01", 人才类别="C", 入住人才公寓="是", 手机号码=None, 急需紧缺=None)
    for r in (a, b, c):
        talents.add(ctx, {k: v for k, v in r.items() if v is not None})
    agreements.add(ctx, a["身份证号"], kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   required_service_years=5, signed_date=D(2023, 5, 10))
    g = grants.approve(ctx, grants.propose(ctx, a["身份证号"], "settlement_allowance", approved_on=D(2024, 3, 1),
                                           approval_doc_no="阿左人才字〔2024〕1号").id)
    first = g.installments[0].id
    payments.propose(ctx, [first], as_of=D(2024, 3, 1))
    payments.approve(ctx, [first])
    payments.record_paid(ctx, first, D(2024, 3, 11), "V1")
    return [a["身份证号"], b["身份证号"], c["身份证号"]]


def records(ctx) -> dict[str, dict]:
    return {v.id_number: v.record for v in (talents.get(ctx, s.id_number)
                                            for s in talents.list_talents(ctx, limit=100)[1])}


@pytest.mark.parametrize("fmt,encoding", [("csv", "utf-8"), ("csv", "gbk"), ("xlsx", "utf-8")])
def test_round_trip_through_the_roster_importer(ctx, tmp_path, fmt, encoding):
    seed(ctx)
    before = records(ctx)
    out = tmp_path / f"platform.{fmt}"
    result = platform.export_platform(ctx, out, fmt=fmt, encoding=encoding)
    assert result.rows == 3 and not result.masked
    empty = open_database(tmp_path / "empty.sqlite3")
    try:
        other = ServiceContext(empty, user="tester")
        summary = importer.run_import(other, out, "roster")
        assert summary.inserted == 3 and not summary.errors
        assert summary.warnings == []  # the service columns are ignored without a word
        after = records(other)
    finally:
        empty.dispose()
    assert set(after) == set(before)
    for number, rec in before.items():
        for key in roster.KEYS:
            want = rec.get(key)
            if key == "remarks" and fmt == "csv" and want and want.startswith("="):
                want = "'" + want  # CSV: formula-like text is quoted (documented)
            assert after[number].get(key) == want, (number, key)


def test_layout_and_service_columns(ctx, tmp_path):
    ids = seed(ctx)
    out = tmp_path / "p.csv"
    platform.export_platform(ctx, out, fmt="csv", encoding="utf-8")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(roster.LABELS) + list(platform.SERVICE_COLUMNS)
    by = {r["身份证号"]: r for r in rows}
    zhang = by[ids[0]]
    assert zhang["身份证号"] == ids[0] and zhang["手机号码"] == "13800138000"  # real-name: full numbers
    assert zhang["单位所属行业"] == "科学研究和技术服务业" and zhang["毕业时间"] == "2020-07"
    assert zhang["人员状态"] == "在岗" and zhang["引进类型"] == "刚性引进"
    assert zhang["服务协议"] == "服务期协议，2023-05-10签订，自2023-05-01起5年，约定服务期5年"
    assert zhang["已批准待遇"].startswith("安家补贴（") and zhang["核定待遇金额（元）"]
    assert zhang["已发放金额（元）"] == "80000.00"
    assert zhang["备注"] == "'=来自花名册"
    li = by[ids[1]]
    assert li["引进类型"] == "柔性引进" and li["合同期限（年）"] == "2.5" and li["已发放金额（元）"] == ""
    assert li["已批准待遇"] == "" and li["服务协议"] == "服务期协议，自2024-03-01起2.5年"  # from the roster's contract


def test_gbk_refuses_a_character_it_cannot_hold(ctx, tmp_path):
    seed(ctx)
    talents.add(ctx, talent_row(姓名="刘䶮", 身份证号=id_number(D(1991, 1, 1))))
    out = tmp_path / "p.csv"
    with pytest.raises(TalentDeskError) as exc:
        platform.export_platform(ctx, out, fmt="csv", encoding="gbk")
    msg = exc.value.message
    assert "刘䶮" in msg and "“姓名”含有“䶮”" in msg and "UTF-8" in msg
    assert not out.exists()
    with pytest.raises(TalentDeskError, match="无法用GBK编码"):
        platform.export_platform(ctx, tmp_path / "p.xlsx", fmt="xlsx", encoding="gbk")
    platform.export_platform(ctx, out, fmt="csv", encoding="utf-8")  # UTF-8 holds it
    assert "刘䶮" in out.read_text(encoding="utf-8-sig")
    with pytest.raises(TalentDeskError, match="未知的编码"):
        platform.export_platform(ctx, out, fmt="csv", encoding="big5")


def test_gbk_file_is_gbk(ctx, tmp_path):
    seed(ctx)
    out = tmp_path / "p.csv"
    platform.export_platform(ctx, out, fmt="csv", encoding="gbk")
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("gbk").startswith("姓名,性别,身份证号")


def test_cli_and_audit(tmp_path, capsys):
    path = tmp_path / "cli.sqlite3"
    db = open_database(path)
    seed(ServiceContext(db, user="tester"))
    db.dispose()
    out = tmp_path / "p.xlsx"
    code = main(["--db", str(path), "export", "platform", "--format", "xlsx", "--encoding", "utf-8",
                 "--out", str(out), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["rows"] == 3 and data["masked"] is False
    ws = openpyxl.load_workbook(out)["人才实名信息"]
    assert [c.value for c in ws[1]][:3] == ["姓名", "性别", "身份证号"] and ws.max_row == 4
    code = main(["--db", str(path), "export", "platform", "--format", "csv", "--out", str(out)])
    assert code == 1 and "已存在" in capsys.readouterr().err
    db = open_database(path)
    try:
        from sqlalchemy import select

        from talentdesk.models.entities import AuditEvent

        with db.read() as s:
            ev = s.execute(select(AuditEvent).where(AuditEvent.entity == "platform")).scalar_one()
            assert json.loads(ev.after)["full_numbers"] is True and json.loads(ev.after)["rows"] == 3
    finally:
        db.dispose()
