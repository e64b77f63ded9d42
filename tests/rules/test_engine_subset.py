"""``evaluate(benefits=...)``: a wanted benefit's answer is the full evaluation's (issue 20:
the annual review batch asks for one grant's benefit at a time)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from talentdesk.rules import evaluate, get_pack

D = dt.date
FACTS = {"employer_field": "绿色现代化工"}
BASE = {"姓名": "张三", "出生日期": D(1990, 5, 1), "学历": "博士研究生", "学位": "博士", "学习形式": "全日制",
        "院校类别": "双一流", "引进方式": "招聘", "用人单位": "某化工企业", "单位性质": "企业",
        "引进日期": D(2023, 6, 1), "合同期限（年）": Decimal(5), "急需紧缺": True}
HOUSING = [{"本地自有住房": False, "入住人才公寓": False}, {"本地自有住房": False, "入住人才公寓": True},
           {"本地自有住房": True, "入住人才公寓": False}]


@pytest.mark.parametrize("policy", ["alxa-2023", "alashankou-2014", "baotou-2022"])
@pytest.mark.parametrize("housing", range(len(HOUSING)))
@pytest.mark.parametrize("case", ["plain", "failed review, departed"])
def test_a_wanted_benefit_is_answered_as_in_the_full_evaluation(policy, housing, case):
    pack = get_pack(policy)
    kw = dict(approved_on=D(2023, 6, 1), as_of=D(2026, 7, 1), facts=FACTS)
    if case != "plain":
        kw.update(reviews={2024: "合格", 2025: "不合格"}, departed_on=D(2026, 3, 1))
    profile = BASE | HOUSING[housing]
    full = evaluate(pack, profile, **kw)
    for code in pack.benefit_codes:
        alone = evaluate(pack, profile, benefits=[code], **kw)
        assert alone.benefit(code).to_json() == full.benefit(code).to_json(), (policy, code)
        assert len(alone.benefits) <= len(full.benefits)
        assert (alone.service_years, alone.service_end, alone.warnings) == \
            (full.service_years, full.service_end, full.warnings)


def test_only_the_wanted_benefit_and_its_exclusion_partners_are_evaluated():
    pack = get_pack("alxa-2023")
    exclusions = pack.data.get("exclusions") or []
    partners = {c for ex in exclusions for c in (ex.get("one_of") or [ex.get("benefit"), ex.get("not_with")])}
    loner = next(c for c in pack.benefit_codes if c not in partners)
    ev = evaluate(pack, BASE, approved_on=D(2023, 6, 1), as_of=D(2023, 7, 1), facts=FACTS, benefits=[loner])
    assert [b.code for b in ev.benefits] == [loner]
    if exclusions:
        ex = exclusions[0]
        group = set(ex.get("one_of") or [ex["benefit"], ex["not_with"]])
        first = sorted(group)[0]
        ev = evaluate(pack, BASE, approved_on=D(2023, 6, 1), as_of=D(2023, 7, 1), facts=FACTS, benefits=[first])
        assert group <= {b.code for b in ev.benefits}
