"""Schema checker, loader errors with line numbers, user packs, quotes against the texts."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from talentdesk.domain.errors import TalentDeskError
from talentdesk.rules import PackError, check_pack_file, evaluate, get_pack, load_packs
from talentdesk.rules.loader import BUILTIN_DIR, read_yaml

MINIMAL = """\
id: test-county
title: 测试县人才引进办法
document: 测县发〔2024〕1号
issuer: 测试县委
effective_from: 2024-01-01
effective_to: 2030-12-31
benefits:
  - code: settlement_allowance
    name: 安家补贴
    cite: {art: 第五条, quote: 给予安家补贴}
    date_basis: agreement_signed_date
    conditions:
      - check: rigid
        cite: {art: 第二条, quote: 刚性引进}
    amount:
      tiers:
        - label: 博士
          when: [{check: education, in: [博士研究生]}]
          values: [{from: 2024-01-01, to: null, yuan: 30000}]
          cite: {art: 第五条, quote: 博士3万元}
    schedule:
      kind: working_days
      start: agreement_signed_date
      days: 5
      cite: {art: 第六条, quote: 签订协议后5个工作日内发放}
    funding:
      shares: {banner: 1}
      cite: {art: 第七条, quote: 旗级财政承担}
"""


def write(tmp_path: Path, text: str, name: str = "county.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_packs_are_valid():
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        assert check_pack_file(path) == [], path
    assert {"alxa-2023", "alashankou-2014", "baotou-2022"} <= set(load_packs())


def test_every_quote_is_in_the_policy_text():
    """Quotes are the policy's own words (ignoring whitespace and line breaks)."""
    count = 0
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        data, _ = read_yaml(path.read_text(encoding="utf-8"))
        text = re.sub(r"\s+", "", (BUILTIN_DIR / data["source"]).read_text(encoding="utf-8"))

        def walk(node):
            nonlocal count
            if isinstance(node, dict):
                if "quote" in node:
                    for part in node["quote"].split("；"):
                        assert re.sub(r"\s+", "", part) in text, (path.name, node.get("art"), part)
                        count += 1
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(data)
    assert count > 50


def test_every_amount_and_condition_cites_an_article():
    for pack in load_packs().values():
        for b in pack.benefits:
            assert b["cite"]["art"] and b["cite"]["quote"]
            for c in b.get("conditions", []):
                assert c["cite"]["art"].strip(), (pack.id, b["code"], c)
            for t in (b.get("amount") or {}).get("tiers", []):
                assert t["cite"]["quote"], (pack.id, b["code"], t["label"])


def test_minimal_user_pack_loads_from_extra_dir(tmp_path):
    write(tmp_path, MINIMAL)
    assert check_pack_file(tmp_path / "county.yaml") == []
    pack = get_pack("test-county", [tmp_path])
    assert pack.document == "测县发〔2024〕1号"
    assert "test-county" not in load_packs()


def test_user_pack_replaces_shipped_pack_with_same_id(tmp_path):
    write(tmp_path, MINIMAL.replace("id: test-county", "id: alxa-2023"))
    assert get_pack("alxa-2023", [tmp_path]).title == "测试县人才引进办法"


def test_unknown_pack_is_a_chinese_error():
    with pytest.raises(TalentDeskError, match="没有编号为“nope”的政策"):
        get_pack("nope")


def test_yaml_syntax_error_has_line_number(tmp_path):
    path = write(tmp_path, MINIMAL.replace("    name: 安家补贴", "    name: [安家补贴"))
    errors = check_pack_file(path)
    assert len(errors) == 1 and errors[0].startswith("第") and "YAML 格式错误" in errors[0]


def test_missing_field_reports_its_line(tmp_path):
    path = write(tmp_path, MINIMAL.replace("issuer: 测试县委\n", ""))
    assert check_pack_file(path) == ["第1行：政策缺少“issuer”"]


def test_float_amount_is_rejected_with_line(tmp_path):
    path = write(tmp_path, MINIMAL.replace("yuan: 30000", "yuan: 30000.5"))
    errors = check_pack_file(path)
    assert any(e.startswith("第19行：") and "不能有小数" in e for e in errors), errors


def test_unknown_check_and_missing_citation(tmp_path):
    text = MINIMAL.replace("      - check: rigid\n        cite: {art: 第二条, quote: 刚性引进}\n",
                           "      - check: is_nice\n")
    errors = check_pack_file(write(tmp_path, text))
    assert any("第13行" in e and "未知的条件“is_nice”" in e for e in errors), errors
    assert any("缺少出处" in e for e in errors), errors


def test_fractions_must_sum_to_100(tmp_path):
    text = MINIMAL.replace("""      kind: working_days
      start: agreement_signed_date
      days: 5""", """      kind: fractions
      parts: [{percent: 40, after_years: 0}, {percent: 30, after_years: 1}]""")
    errors = check_pack_file(write(tmp_path, text))
    assert any("合计为70%" in e for e in errors), errors


def test_duplicate_key_and_bad_funding_level(tmp_path):
    text = MINIMAL.replace("title: 测试县人才引进办法\n", "title: 测试县人才引进办法\ntitle: 重复\n")
    text = text.replace("shares: {banner: 1}", "shares: {county: 1}")
    errors = check_pack_file(write(tmp_path, text))
    assert any(e.startswith("第3行：重复的键“title”") for e in errors), errors
    assert any("资金级次“county”未知" in e for e in errors), errors


def test_end_before_start_and_unknown_refund_benefit(tmp_path):
    text = MINIMAL.replace("effective_to: 2030-12-31", "effective_to: 2020-12-31") + """\
service:
  rules: []
  refund:
    mode: all_paid
    benefits: [rent_subsidy]
    cite: {art: 第九条, quote: 退回}
"""
    errors = check_pack_file(write(tmp_path, text))
    assert any("截止日期早于生效日期" in e for e in errors)
    assert any("退回规则中的待遇“rent_subsidy”不存在" in e for e in errors)


def test_broken_user_pack_is_reported_not_fatal(tmp_path):
    write(tmp_path, "id: [oops\n", "broken.yaml")
    errors: list[str] = []
    packs = load_packs([tmp_path], errors=errors)
    assert "alxa-2023" in packs and len(errors) == 1 and "broken.yaml" in errors[0]
    with pytest.raises(PackError):
        load_packs([tmp_path])


def test_not_a_mapping_and_missing_file(tmp_path):
    assert check_pack_file(write(tmp_path, "- a\n- b\n")) == ["第1行：政策文件应为键值对（映射），以 id: 开头"]
    assert check_pack_file(tmp_path / "none.yaml")[0].startswith("找不到文件")


def test_user_pack_evaluates_and_warns_for_uncovered_calendar_year(tmp_path):
    write(tmp_path, MINIMAL)
    pack = get_pack("test-county", [tmp_path])
    profile = {"学历": "博士研究生", "引进方式": "招聘", "协议签订日期": dt.date(2027, 12, 28),
               "出生日期": dt.date(1990, 1, 1), "引进日期": dt.date(2027, 12, 1)}
    ev = evaluate(pack, profile, approved_on=dt.date(2027, 12, 28), as_of=dt.date(2028, 2, 1))
    b = ev.benefit("settlement_allowance")
    assert b.eligible and b.total_fen == 3_000_000
    assert b.installments[0].funding == {"banner": 3_000_000}
    assert any("2027年" in w for w in ev.warnings) and any("2028年" in w for w in ev.warnings)
    # 12-28 (Tue): 29, 30, 31, then 2028-01-03 (Mon), 01-04 by weekdays alone
    assert b.installments[0].due == dt.date(2028, 1, 4)
    # the office declares 2028-01-03 a holiday and adds dates for 2027: no warning for those years
    ev = evaluate(pack, profile, approved_on=dt.date(2027, 12, 28), as_of=dt.date(2028, 2, 1),
                  extra_holidays=[dt.date(2028, 1, 3), dt.date(2027, 12, 31)])
    assert ev.benefit("settlement_allowance").installments[0].due == dt.date(2028, 1, 6)
    assert not any("2027年" in w or "2028年" in w for w in ev.warnings)


def test_read_pack_is_cached_until_the_file_changes(tmp_path):
    import os

    from talentdesk.rules import loader

    src = loader.BUILTIN_DIR / "alxa-2023.yaml"
    path = tmp_path / "mine.yaml"
    shutil.copy(src, path)
    first = loader.read_pack(path)
    assert loader.read_pack(path) is first  # parsed once
    text = path.read_text(encoding="utf-8").replace("id: alxa-2023", "id: alxa-2023-copy", 1)
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    again = loader.read_pack(path)
    assert again is not first and again.id == "alxa-2023-copy"


def test_recognition_section_needs_its_confirming_article(tmp_path):
    good = MINIMAL + "recognition:\n  talent_class:\n    scheme: 阿拉善盟人才分类\n    confirm: {art: 第三条, quote: 认定后生效}\n"
    assert check_pack_file(write(tmp_path, good)) == []
    bad = MINIMAL + "recognition:\n  talent_class:\n    scheme: 阿拉善盟人才分类\n    revoke: {art: 第四条}\n"
    errors = check_pack_file(write(tmp_path, bad))
    assert any("人才认定“talent_class”缺少出处“confirm”" in e for e in errors), errors
    assert any("quote" in e for e in errors), errors
