"""Runs the clerk-readable YAML cases in tests/rules/cases/ (one file per pack).

Case file format::

    pack: alxa-2023
    defaults: {profile: {...}, approved_on: 2023-06-01, as_of: 2024-07-01}
    beneficiary: employer  # optional (default talent): an organisation's benefits, facts only
    cases:
      - name: …           # what is being checked, in Chinese
        article: 第四十条   # the article the case exercises
        profile: {…}        # overrides of the default profile (roster labels, 是/否)
        approved_on / as_of / departed_on / agreement / reviews / facts (merged over the
        defaults' facts; null removes one) / decisions ({number, kind, benefit, amount_yuan, parts}) /
        paid / extra_holidays / extra_workdays
        expect:
          service_years: 5
          service_status: fixed | none | undetermined
          binding_years: 5             # service_years (policy, agreement or contract term)
          service_source: policy | agreement | contract
          service_note_contains: 合同期限
          warning_contains: …
          <benefit code>:
            status: eligible | ineligible | undetermined | not_covered
            total_yuan: 200000 | null
            max_yuan: 20000
            installments: [[2023-06-01, 80000], …]   # due date, yuan
            statuses: [due, scheduled, cancelled]
            due: 2023-10-16                          # first installment's due date
            refund_yuan: 0
            refund_status: none | fixed | undetermined | decided
            refund_suggested_yuan: 15000
            pending_contains: 待补充
            funding_yuan: {city: 100000, local: 100000}  # first installment
            reason_contains: 第十条                   # in reasons (any)
            basis_contains: 第四十条
            missing_contains: 配偶
            in_kind: {area_m2: 120}
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from talentdesk.rules import Decision, evaluate, evaluate_organisation, get_pack, profile_from_json

CASES_DIR = Path(__file__).parent / "cases"


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _load():
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(doc["cases"]):
            defaults = dict(doc.get("defaults", {}))
            if doc.get("beneficiary"):
                defaults["beneficiary"] = doc["beneficiary"]
            out.append(pytest.param(doc["pack"], defaults, case,
                                    id=f"{path.stem}-{i + 1:02d}-{case['name']}"))
    return out


ALL_CASES = _load()


def test_enough_cases():
    assert len(ALL_CASES) >= 60
    for p in ALL_CASES:
        case = p.values[2]
        assert case.get("article"), f"case {case['name']} must name its article"
        assert case.get("expect"), f"case {case['name']} has no expectation"


@pytest.mark.parametrize("pack_id,defaults,case", ALL_CASES)
def test_case(pack_id, defaults, case):
    pack = get_pack(pack_id)
    raw = {**defaults.get("profile", {}), **(case.get("profile") or {})}
    raw = {k: _jsonable(v) for k, v in raw.items() if v is not None}
    profile = profile_from_json(raw)
    opts = {k: case.get(k, defaults.get(k)) for k in ("approved_on", "as_of", "departed_on", "reviews", "facts",
                                                      "paid", "extra_holidays", "extra_workdays")}
    # facts merge: the defaults' facts (e.g. the employer's attributes), then the case's;
    # a case sets a fact to null to leave it unrecorded
    facts = {**(defaults.get("facts") or {}), **(case.get("facts") or {})}
    opts["facts"] = {k: v for k, v in facts.items() if v is not None}
    decisions = [Decision(number=d["number"], kind=d["kind"], benefit_code=d.get("benefit"),
                          amount_fen=d["amount_yuan"] * 100 if d.get("amount_yuan") is not None else None,
                          parts=d.get("parts"))
                 for d in case.get("decisions", []) or []]
    beneficiary = case.get("beneficiary", defaults.get("beneficiary", "talent"))
    if beneficiary != "talent":  # an organisation's benefits: facts only, no roster profile
        ev = evaluate_organisation(pack, beneficiary, approved_on=opts["approved_on"], as_of=opts["as_of"],
                                   decisions=decisions, facts=opts["facts"])
        data = ev.to_json()
        assert [b["code"] for b in data["benefits"]] == pack.org_benefit_codes(beneficiary)
    else:
        ev = evaluate(pack, profile, approved_on=opts["approved_on"], as_of=opts["as_of"],
                      departed_on=opts["departed_on"], reviews=opts["reviews"], decisions=decisions,
                      paid=opts["paid"], extra_holidays=opts["extra_holidays"] or (),
                      extra_workdays=opts["extra_workdays"] or (), facts=opts["facts"])
        data = ev.to_json()
        assert [b["code"] for b in data["benefits"]] == pack.benefit_codes  # every benefit appears
    expect = dict(case["expect"])
    if "service_years" in expect:
        assert data["service_years_required"] == expect.pop("service_years")
    if "binding_years" in expect:  # the period that binds, also when taken from the contract term
        assert data["service_years"] == expect.pop("binding_years"), data["service_note"]
    if "service_source" in expect:
        assert data["service_source"] == expect.pop("service_source")
    if "service_status" in expect:
        assert data["service_status"] == expect.pop("service_status"), data["service_note"]
    if "service_note_contains" in expect:
        needle = expect.pop("service_note_contains")
        assert needle in data["service_note"], data["service_note"]
    if "warning_contains" in expect:
        needle = expect.pop("warning_contains")
        assert any(needle in w for w in data["warnings"]), data["warnings"]
    if "review_passing" in expect:
        assert data["review_passing"] == expect.pop("review_passing")
    if "no_warnings" in expect:
        expect.pop("no_warnings")
        assert data["warnings"] == []
    for code, want in expect.items():
        got = next(b for b in data["benefits"] if b["code"] == code)
        ctx = f"{code}: {got['status']} {got['reasons']}"
        if "status" in want:
            assert got["status"] == want["status"], ctx
            assert got["eligible"] == {"eligible": True, "ineligible": False}.get(want["status"]), ctx
            if want["status"] == "ineligible":
                assert got["reasons"] and all(any(ch in r for ch in ("第", "不")) for r in got["reasons"]), ctx
        if "total_yuan" in want:
            exp = want["total_yuan"]
            assert got["total_fen"] == (None if exp is None else exp * 100), ctx
        if "max_yuan" in want:
            assert got["max_fen"] == want["max_yuan"] * 100, ctx
        if "installments" in want:
            assert [[i["due"], i["amount_fen"]] for i in got["installments"]] == \
                [[d.isoformat(), y * 100] for d, y in want["installments"]], ctx
        if "count" in want:
            assert len(got["installments"]) == want["count"], ctx
        if "statuses" in want:
            assert [i["status"] for i in got["installments"]] == want["statuses"], ctx
        if "due" in want:
            assert got["installments"][0]["due"] == want["due"].isoformat(), ctx
        if "refund_yuan" in want:
            assert got["refund_fen"] == want["refund_yuan"] * 100, ctx
        if "refund_status" in want:
            assert got["refund_status"] == want["refund_status"], ctx
        if "refund_suggested_yuan" in want:
            assert got["refund_suggested_fen"] == want["refund_suggested_yuan"] * 100, ctx
        if "pending_contains" in want:
            assert any(want["pending_contains"] in p for p in got["pending"]), (ctx, got["pending"])
        if "payable_yuan" in want:
            assert got["payable_fen"] == want["payable_yuan"] * 100, ctx
        if "funding_yuan" in want:
            assert got["installments"][0]["funding"] == {k: v * 100 for k, v in want["funding_yuan"].items()}, ctx
        if "reason_contains" in want:
            assert any(want["reason_contains"] in r for r in got["reasons"]), ctx
        if "basis_contains" in want:
            assert any(want["basis_contains"] in b for b in got["basis"]), (ctx, got["basis"])
        if "missing_contains" in want:
            assert any(want["missing_contains"] in m for m in got["missing"]), (ctx, got["missing"])
        if "in_kind" in want:
            for k, v in want["in_kind"].items():
                assert got["in_kind"][k] == (v.isoformat() if isinstance(v, dt.date) else v), (ctx, got["in_kind"])
        if "tier_contains" in want:
            assert want["tier_contains"] in (got["tier"] or ""), ctx
        if "explanation_contains" in want:
            assert any(want["explanation_contains"] in (s["message"] + (s["decision"] or ""))
                       for s in got["explanation"]), ctx
        # money always adds up exactly
        if got["installments"] and got["total_fen"] is not None:
            assert sum(i["amount_fen"] for i in got["installments"]) == got["total_fen"]
            for i in got["installments"]:
                assert sum(i["funding"].values()) == i["amount_fen"]
