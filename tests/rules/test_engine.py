"""Engine units: dates, JSON shape, profiles from JSON, and the CLI commands."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from talentdesk.domain.errors import ValidationError
from talentdesk.rules import Decision, evaluate, get_pack, profile_from_json
from talentdesk.rules import dates

D = dt.date


@pytest.mark.parametrize("birth,on,age", [
    (D(1980, 2, 29), D(2026, 2, 28), 45), (D(1980, 2, 29), D(2026, 3, 1), 46),
    (D(1988, 2, 29), D(2024, 2, 28), 35), (D(1988, 2, 29), D(2024, 2, 29), 36),
    (D(1990, 5, 1), D(2023, 4, 30), 32), (D(1990, 5, 1), D(2023, 5, 1), 33),
])
def test_age_on(birth, on, age):
    assert dates.age_on(birth, on) == age


def test_periods_follow_civil_code_month_end():
    assert dates.add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert dates.add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert dates.add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert dates.months_between(D(2023, 9, 1), D(2024, 9, 15)) == 12
    assert dates.months_between(D(2023, 1, 31), D(2023, 2, 27)) == 0


def test_workdays_over_national_day_and_spring_festival():
    cal = dates.WorkdayCalendar()
    # 2023: holiday 9-29..10-6, make-up working days Sat 10-7 and Sun 10-8
    assert cal.add_workdays(D(2023, 9, 27), 3) == D(2023, 10, 8)
    assert cal.add_workdays(D(2024, 2, 9), 1) == D(2024, 2, 18)  # Spring Festival 2-10..2-17, Sun 2-18 make-up
    assert not cal.uncovered_years


FACTS = {"employer_field": "绿色现代化工"}  # 第四十条: not 教育/医疗卫生 (单位性质 企业: not 参公, 第二条)
PROFILE = {"姓名": "张三", "出生日期": D(1990, 5, 1), "学历": "博士研究生", "学位": "博士", "学习形式": "全日制",
           "院校类别": "双一流", "引进方式": "招聘", "用人单位": "某化工企业", "单位性质": "企业",
           "引进日期": D(2023, 6, 1),
           "合同期限（年）": Decimal(5), "急需紧缺": True, "本地自有住房": False, "入住人才公寓": False}


def test_to_json_shape_and_every_benefit_present():
    pack = get_pack("alxa-2023")
    data = evaluate(pack, PROFILE, approved_on=D(2023, 6, 1), as_of=D(2023, 7, 1), facts=FACTS).to_json()
    assert set(data) >= {"policy", "as_of", "service_years_required", "benefits", "warnings"}
    assert data["policy"] == "alxa-2023" and data["as_of"] == "2023-07-01"
    assert [b["code"] for b in data["benefits"]] == pack.benefit_codes
    b = data["benefits"][0]
    assert set(b) >= {"code", "name", "eligible", "total_fen", "installments", "basis", "reasons", "refund_fen",
                      "explanation"}
    assert b["installments"][0] == {"due": "2023-06-01", "amount_fen": 8_000_000, "funding": {"league": 8_000_000},
                                    "condition": "", "status": "due", "note": "第1期（40%）",
                                    "review_year": None}
    assert all(isinstance(i["amount_fen"], int) for x in data["benefits"] for i in x["installments"])
    json.dumps(data, ensure_ascii=False)  # serialisable as is
    steps = b["explanation"]
    age = next(s for s in steps if s["check"] == "age_limit")
    assert age["passed"] is True and age["basis"] == "阿党人才字〔2023〕2号 第十条" and "45周岁" in age["quote"]


def test_odd_amount_fractions_sum_exactly():
    pack = get_pack("alxa-2023")
    prof = dict(PROFILE, 人才类别="B")
    ev = evaluate(pack, prof, approved_on=D(2023, 6, 1), as_of=D(2023, 7, 1), facts=FACTS | {"talent_class": "B"},
                  decisions=[Decision("议1号", "amount", "settlement_allowance", 10_000_001)])
    amounts = [i.amount_fen for i in ev.benefit("settlement_allowance").installments]
    assert amounts == [4_000_000, 3_000_000, 3_000_001] and sum(amounts) == 10_000_001


def test_decision_for_unknown_benefit_warns():
    ev = evaluate(get_pack("alxa-2023"), PROFILE, approved_on=D(2023, 6, 1),
                  decisions=[Decision("议2号", "amount", "no_such", 1)])
    assert any("议2号" in w for w in ev.warnings)


def test_profile_from_json_parses_strings_and_rejects_bad_values():
    row = profile_from_json({"出生日期": "1990年5月1日", "学历": "博士", "急需紧缺": "是", "合同期限（年）": "5年"})
    assert row["出生日期"] == D(1990, 5, 1) and row["学历"] == "博士研究生"
    assert row["急需紧缺"] is True and row["合同期限（年）"] == Decimal(5)
    with pytest.raises(ValidationError):
        profile_from_json({"出生日期": "不是日期"})


# ---------------------------------------------------------------- CLI

cli = pytest.importorskip("talentdesk.cli")


def test_cli_policy_list_json(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTDESK_HOME", str(tmp_path))
    assert cli.main(["policy", "list", "--json"]) == 0
    ids = [p["id"] for p in json.loads(capsys.readouterr().out)["policies"]]
    assert {"alxa-2023", "alashankou-2014", "baotou-2022"} <= set(ids)


def test_cli_policy_check(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    assert cli.main(["policy", "check", str(bad)]) == 1
    assert "第1行：政策缺少“title”" in capsys.readouterr().out
    from talentdesk.rules.loader import BUILTIN_DIR
    assert cli.main(["policy", "check", str(BUILTIN_DIR / "alxa-2023.yaml")]) == 0


def test_cli_evaluate_profile(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTDESK_HOME", str(tmp_path))
    prof = {k: (v.isoformat() if isinstance(v, D) else ("是" if v is True else "否" if v is False else str(v)))
            for k, v in PROFILE.items()}
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"profile": prof, "reviews": {"2023": "合格"}, "facts": FACTS}, ensure_ascii=False), encoding="utf-8")
    args = ["evaluate", "--policy", "alxa-2023", "--profile", str(path), "--approved-on", "2023-06-01",
            "--as-of", "2024-07-01"]
    assert cli.main(args + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    sa = data["benefits"][0]
    assert sa["total_fen"] == 20_000_000 and [i["status"] for i in sa["installments"]] == ["due", "due", "scheduled"]
    assert cli.main(args) == 0
    text = capsys.readouterr().out
    assert "【安家补贴】符合" in text and "200,000.00元" in text


def test_cli_evaluate_talent_reads_what_the_services_gather(ctx, capsys):
    """``evaluate --talent`` evaluates a stored talent with what the services gather — the
    recorded review and the employer's attributes (所属行业, 参公) — not a copy of them."""
    from factories import talent_row
    from talentdesk.services.benefits import reviews
    from talentdesk.services.register import employers, talents

    row = talent_row()
    talents.add(ctx, row)
    reviews.record(ctx, row["身份证号"], 2023, "不合格")
    url = ctx.db.engine.url.render_as_string(hide_password=False)
    args = ["--db", url, "evaluate", "--talent", row["身份证号"], "--approved-on", "2023-06-01",
            "--as-of", "2024-07-01", "--json"]
    assert cli.main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["policy"] == "alxa-2023"
    sa = next(b for b in data["benefits"] if b["code"] == "settlement_allowance")
    assert [i["status"] for i in sa["installments"]] == ["due", "cancelled", "cancelled"]
    # the employer turns out to be a hospital: 第四十条 另行规定, 待定 until the office decides
    e = next(e for e in employers.list_all(ctx) if e.name == row["用人单位"])
    employers.update(ctx, e.id, industry="Q 卫生和社会工作")
    assert cli.main(args) == 0
    sa = next(b for b in json.loads(capsys.readouterr().out)["benefits"] if b["code"] == "settlement_allowance")
    assert sa["status"] == "undetermined" and not sa["installments"]


def test_added_json_keys_and_review_passing_is_the_packs():
    data = evaluate(get_pack("alashankou-2014"), {**PROFILE, "学历": "博士研究生"}, approved_on=D(2015, 3, 1),
                    as_of=D(2016, 6, 1)).to_json()
    assert {"service_status", "service_years", "service_source", "refund_status", "review_passing"} <= set(data)
    assert data["review_passing"] == ["优秀", "合格"]
    b = data["benefits"][0]
    assert {"refund_status", "refund_suggested_fen", "pending"} <= set(b)
    ev = evaluate(get_pack("alxa-2023"), PROFILE, approved_on=D(2023, 6, 1), facts=FACTS)
    assert ev.review_passes("基本合格") and not ev.review_passes("不合格")
    ev = evaluate(get_pack("alashankou-2014"), PROFILE, approved_on=D(2015, 3, 1))
    assert ev.review_passes("合格") and not ev.review_passes("基本合格")


def test_facts_read_names_the_employer_attributes_and_per_year_facts():
    assert {"employer_above_scale", "employer_high_tech", "employer_key_project_10bn", "employer_key_industry",
            "recruited_from_outside_city", "last_year_taxed_pay_fen"} <= set(get_pack("baotou-2022").facts_read())
    assert "months_served" in get_pack("alashankou-2014").facts_read()


def test_undetermined_refund_is_not_a_silent_zero_in_the_summary():
    prof = {k: v for k, v in PROFILE.items() if k != "合同期限（年）"}
    prof["合同起始日期"] = D(2023, 6, 1)
    ev = evaluate(get_pack("alxa-2023"), prof, approved_on=D(2023, 6, 1), as_of=D(2024, 7, 1),
                  departed_on=D(2024, 3, 1), facts={**FACTS, "contract_end_date": D(2028, 5, 31)})
    sa = ev.benefit("settlement_allowance")
    assert ev.service_status == "undetermined" and ev.refund_status == "undetermined"
    assert sa.refund_fen == 0 and sa.refund_status == "undetermined"
    assert "应退回：待定" in ev.summary_text()


def test_parts_of_a_split_benefit_from_the_decision_note():
    facts = {**FACTS, "on_establishment": True, "study_leave": True, "degree_in_term": True,
             "returned_to_post_date": D(2021, 9, 1), "study_programme": "博士", "study_urgent_major": True,
             "study_domestic": True}
    ev = evaluate(get_pack("alxa-2023"), PROFILE, approved_on=D(2024, 9, 1), as_of=D(2024, 9, 1), facts=facts,
                  decisions=[Decision("议5号", "amount", "tuition_subsidy", 3_000_000, note="经研究，分两期发放")])
    tb = ev.benefit("tuition_subsidy")
    assert [(i.due, i.amount_fen) for i in tb.installments] == [(D(2024, 9, 1), 1_500_000), (D(2025, 9, 1), 1_500_000)]


def test_a_paid_benefit_whose_entitlement_is_now_undetermined_has_a_daiding_refund():
    """安家补贴 was paid; at the departure a fact it needs is missing (合同期限), so whether
    it was due — and what comes back — is 待定, not a silent 0 (第十九条)."""
    prof = {k: v for k, v in PROFILE.items() if k != "合同期限（年）"}
    paid = {"settlement_allowance": [D(2023, 6, 1)]}
    ev = evaluate(get_pack("alxa-2023"), prof, approved_on=D(2023, 6, 1), as_of=D(2024, 3, 1),
                  departed_on=D(2024, 3, 1), facts=FACTS, paid=paid)
    sa = ev.benefit("settlement_allowance")
    assert sa.status == "undetermined"
    assert sa.refund_fen == 0 and sa.refund_status == "undetermined"
    assert any(s.check == "refund" and s.value == "待定" for s in sa.explanation)
    assert ev.refund_status == "undetermined"
    # nothing paid: nothing to ask back, and no 待定 refund either
    ev = evaluate(get_pack("alxa-2023"), prof, approved_on=D(2023, 6, 1), as_of=D(2024, 3, 1),
                  departed_on=D(2024, 3, 1), facts=FACTS, paid={"settlement_allowance": []})
    assert ev.benefit("settlement_allowance").refund_status != "undetermined"
