"""Employer attributes that policy clauses read (所属行业, 参公管理, 规上 …): typed from what a
clerk writes, recorded (audited) from the service, the roster and the CLI, and gathered
into the engine's facts — a value not recorded gives no fact (待补充), never a yes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from factories import credit_code, talent_row
from talentdesk.domain import employer_attrs
from talentdesk.domain.errors import ValidationError
from talentdesk.models.entities import AuditEvent
from talentdesk.services.benefits import grants
from talentdesk.services.register import employers, talents

D = dt.date


def test_engine_facts_give_only_what_is_recorded():
    assert employer_attrs.engine_facts({}) == {}
    facts = employer_attrs.engine_facts({"industry": "P", "civil_service_managed": False, "above_scale": None})
    assert facts == {"employer_field": "教育", "employer_civil_service_managed": False}
    assert employer_attrs.engine_facts({"industry": "Q"})["employer_field"] == "医疗卫生"
    assert employer_attrs.engine_facts({"industry": "C"})["employer_field"] == "制造业"
    # 规模以上稀土企业 needs both; one recorded 否 settles it, one unknown leaves it open
    assert employer_attrs.engine_facts({"rare_earth": True, "above_scale": True})["rare_earth_enterprise"] is True
    assert employer_attrs.engine_facts({"rare_earth": True, "above_scale": False})["rare_earth_enterprise"] is False
    assert "rare_earth_enterprise" not in employer_attrs.engine_facts({"rare_earth": True})


@pytest.mark.parametrize("text, code", [("P", "P"), ("p 教育", "P"), ("教育", "P"), ("医疗卫生", "Q"),
                                        ("C制造业", "C"), ("", None)])
def test_industry_spellings(text, code):
    assert employer_attrs.parse_industry(text) == code


def test_bad_values_are_refused_in_chinese(ctx):
    e = employers.add(ctx, "阿拉善左旗第一中学", credit_code(5), "事业单位", "阿拉善左旗")
    with pytest.raises(ValidationError) as err:
        employers.update(ctx, e.id, industry="火星", above_scale="大概")
    text = str(err.value)
    assert "GB/T 4754" in text and "规模以上企业" in text and "应填“是”或“否”" in text


def test_update_is_audited_and_read_by_the_engine(ctx):
    row = talent_row()
    talents.add(ctx, row)
    idn = row["身份证号"]
    sa = lambda: next(b for b in grants.evaluate_talent(ctx, idn, approved_on=D(2023, 6, 1)).benefits  # noqa: E731
                      if b.code == "settlement_allowance")
    assert sa().status == "eligible"  # the factory's institute: 科学研究, not 参公
    e = next(e for e in employers.list_all(ctx) if e.name == row["用人单位"])
    assert e.industry == "M" and e.civil_service_managed is False
    employers.update(ctx, e.id, civil_service_managed="是")
    assert sa().status == "ineligible" and "第二条" in " ".join(sa().reasons)
    employers.update(ctx, e.id, civil_service_managed="", industry="")  # back to 未登记
    result = sa()
    assert result.status == "undetermined" and any("参照公务员法" in m for m in result.missing)
    with ctx.read() as s:
        afters = [ev.after or "" for ev in
                  s.query(AuditEvent).filter_by(entity="employer", entity_id=str(e.id), action="update")]
    assert any("civil_service_managed" in a for a in afters)


def test_roster_fills_blank_attributes_but_never_overwrites(ctx):
    row = talent_row(单位所属行业="", 单位参公管理="")
    talents.add(ctx, row)
    e = next(e for e in employers.list_all(ctx) if e.name == row["用人单位"])
    assert e.industry is None and e.civil_service_managed is None
    talents.add(ctx, talent_row(姓名="李娜", 单位所属行业="教育", 单位参公管理="否"))
    e = next(e for e in employers.list_all(ctx) if e.name == row["用人单位"])
    assert e.industry == "P" and e.civil_service_managed is False
    talents.add(ctx, talent_row(姓名="王芳", 单位所属行业="制造业", 单位参公管理="是"))
    e = next(e for e in employers.list_all(ctx) if e.name == row["用人单位"])
    assert e.industry == "P" and e.civil_service_managed is False  # recorded: kept
    shown = talents.get(ctx, row["身份证号"]).record
    assert shown["employer_industry"] == "教育" and shown["employer_civil_service"] is False


def test_cli_lists_and_sets_attributes(ctx, capsys):
    from talentdesk.cli import main

    talents.add(ctx, talent_row(单位所属行业="", 单位参公管理=""))
    url = ctx.db.engine.url.render_as_string(hide_password=False)
    assert main(["--db", url, "--json", "employer", "list", "--missing"]) == 0
    listed = json.loads(capsys.readouterr().out)["employers"]
    assert [e["单位名称"] for e in listed] == ["阿拉善盟农牧科学研究所"] and "所属行业" in listed[0]["未登记属性"]
    assert main(["--db", url, "employer", "set", "阿拉善盟农牧科学研究所", "所属行业=M",
                 "参照公务员法管理=否", "规上=否"]) == 0
    assert "所属行业=M 科学研究和技术服务业" in capsys.readouterr().out
    e = employers.list_all(ctx)[0]
    assert (e.industry, e.civil_service_managed, e.above_scale) == ("M", False, False)
    assert main(["--db", url, "employer", "set", "阿拉善盟农牧科学研究所", "颜色=红"]) != 0
    assert "未知属性" in capsys.readouterr().err
