"""talentdesk.rules.recovery: the suggested amount per basis (clerk-readable YAML cases in
recovery_cases/) and the split back to funding levels to the fen."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
import yaml

from talentdesk.rules import get_pack
from talentdesk.rules import recovery as r

CASES = yaml.safe_load((Path(__file__).parent / "recovery_cases" / "in_post_recovery.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_case(case):
    items = [r.PaidItem(i, "x", yuan * 100, {k: v * 100 for k, v in levels.items()})
             for i, (yuan, levels) in enumerate(case["items"])]
    kw = {}
    if "departure_refund_yuan" in case:
        kw = {"departure_refund_fen": case["departure_refund_yuan"] * 100,
              "departure_undetermined": bool(case.get("departure_undetermined")), "departure_basis": "第十九条"}
    s = r.suggest(case["basis"], items, pack=get_pack(case["pack"]) if case.get("pack") else None, **kw)
    exp = case["expect"]
    assert s.status == exp["status"]
    assert s.amount_fen == (None if exp["amount_yuan"] is None else exp["amount_yuan"] * 100)
    if s.status == "undetermined":
        assert "待定" in s.explanation and s.text == "待定"  # never a silent 0
    if exp.get("article_contains"):
        assert any(exp["article_contains"] in a for a in s.articles)


def test_a_pack_without_the_clause_is_pending_not_zero():
    s = r.suggest("review", [r.PaidItem(1, "x", 500, {"city": 500})], pack=None)
    assert s.status == "undetermined" and s.amount_fen is None and "未规定" in s.explanation


@pytest.mark.parametrize("amount", [0, 1, 2, 3, 7, 99, 100_001, 15_000_001, 33_333_333])
def test_split_sums_to_the_fen_and_remainder_rule(amount):
    weights = {"city": 10_000_000, "local": 10_000_000}
    parts = r.split(amount, weights)
    assert sum(parts.values()) == amount
    assert parts["city"] - parts["local"] in (0, 1)  # the odd fen: to 市级, first in LEVEL_ORDER


def test_split_largest_remainder_then_level_order():
    # 10 fen over 1:1:1 → 3.33 each; the leftover fen goes to the first level
    assert r.split(10, {"local": 1, "city": 1, "league": 1}) == {"league": 4, "city": 3, "local": 3}
    # 盟级 2/3, 旗级 1/3 of 100 fen: 66.67 and 33.33 → 67 / 33 (largest remainder wins over order)
    assert r.split(100, {"league": 2, "banner": 1}) == {"league": 67, "banner": 33}
    assert r.split(5, {"league": 0, "city": 3}) == {"league": 0, "city": 5}
    with pytest.raises(ValueError):
        r.split(5, {"city": 0})


def test_repayments_never_exceed_a_level_and_settle_exactly():
    rng = random.Random(7)
    for _ in range(200):
        levels = {k: rng.randint(0, 10_000) for k in ("league", "banner", "city", "local")}
        if not any(levels.values()):
            continue
        decided = r.split(rng.randint(0, sum(levels.values())), levels)
        outstanding = dict(decided)
        total = sum(outstanding.values())
        while total:
            pay = rng.randint(1, total)
            part = r.split_repayment(pay, outstanding) if any(outstanding.values()) else {}
            assert sum(part.values()) == pay
            for k, v in part.items():
                assert 0 <= v <= outstanding[k]
                outstanding[k] -= v
            total -= pay
        assert all(v == 0 for v in outstanding.values())
    with pytest.raises(ValueError):
        r.split_repayment(11, {"city": 5, "local": 5})


def test_paid_by_level_in_level_order():
    items = [r.PaidItem(1, "a", 300, {"local": 150, "city": 150}), r.PaidItem(2, "b", -300, {"local": -150, "city": -150}),
             r.PaidItem(3, "c", 100, {"city": 50, "local": 50})]
    assert list(r.paid_by_level(items).items()) == [("city", 50), ("local", 50)]
    assert list(itertools.islice(r.LEVEL_ORDER, 2)) == ["league", "banner"]


# -- a departure's refund split back to the levels (条例 第六十五条) ------------------------

def test_the_rule_splits_each_benefit_by_what_its_levels_paid():
    P = r.PaidItem
    city = [P(1, "a", 100_000, {"city": 50_000, "local": 50_000})]
    alxa = [P(2, "b", 30_001, {"league": 15_000, "banner": 15_001})]
    sp = r.departure_split([(33_333, city), (0, alxa)], city + alxa, 33_333)
    assert sp.parts == {"league": 0, "banner": 0, "city": 16_667, "local": 16_666} and sp.unassigned_fen == 0
    # the stored refund kept at what was already recovered: the rest by everything paid
    sp = r.departure_split([(33_333, city)], city + alxa, 40_000)
    assert sum(sp.parts.values()) == 40_000 and sp.parts["league"] > 0
    # a benefit without funding rows is never silently given to a level
    sp = r.departure_split([(500, [P(3, "c", 900, {})])], [P(3, "c", 900, {})], 500)
    assert sp.unassigned_fen == 500 and sum(sp.parts.values()) == 0
    parts, rest = r.split_recovery(10_001, {"city": 16_667, "local": 16_666})
    assert parts == {"city": 5_001, "local": 5_000} and rest == 0
    parts, rest = r.split_recovery(700, {"city": 300, "local": 0})
    assert parts == {"city": 300, "local": 0} and rest == 400


@pytest.mark.parametrize("seed", range(20))
def test_departure_split_sums_to_the_refund_and_recoveries_settle_every_level(seed):
    rng = random.Random(seed)
    levels = ["league", "banner", "city", "local"]
    benefits = []
    for _ in range(rng.randint(1, 3)):
        items = [r.PaidItem(i, "x", 0, {lv: rng.randint(0, 5_000_000) for lv in rng.sample(levels, 2)})
                 for i in range(rng.randint(1, 3))]
        benefits.append((rng.randint(0, 3_000_000), items))
    everything = [i for _, items in benefits for i in items]
    due = sum(x for x, _ in benefits) + rng.choice([0, 0, rng.randint(1, 999)])
    sp = r.departure_split(benefits, everything, due)
    assert sum(sp.parts.values()) + sp.unassigned_fen == due
    assert all(v >= 0 for v in sp.parts.values())
    outstanding = dict(sp.parts)
    left = due - sp.unassigned_fen
    while left > 0:
        pay = min(left, rng.randint(1, max(left, 1)))
        parts, rest = r.split_recovery(pay, outstanding)
        assert rest == 0 and sum(parts.values()) == pay
        for k, v in parts.items():
            outstanding[k] -= v
            assert outstanding[k] >= 0
        left -= pay
    assert all(v == 0 for v in outstanding.values())
