"""The 追回通知书 writes its dates the Chinese way (2025年3月1日), the refund explanation
stored with the departure (which carries the engine's ISO dates) included; a voucher
number that looks like a date keeps its digits."""

from __future__ import annotations

import datetime as dt
import re

from pypdf import PdfReader

from factories import talent_row
from talentdesk.domain import values
from talentdesk.services.benefits import agreements, departures, grants, payments
from talentdesk.services.context import ServiceContext
from talentdesk.services.exchange import reports
from talentdesk.services.register import talents

D = dt.date


def test_cn_dates_in_text():
    assert values.cn_dates_in("服务期至2028-05-01，2025-03-01提前离开") == "服务期至2028年5月1日，2025年3月1日提前离开"
    assert values.cn_dates_in("记-2023-06-001、2023-06-0012、2025-13-01") == "记-2023-06-001、2023-06-0012、2025-13-01"
    assert values.cn_dates_in("") == ""


def test_recovery_notice_dates_read_the_chinese_way(ctx, tmp_path):
    clerk, reviewer = ServiceContext(ctx.db, user="王经办", role="clerk"), ServiceContext(ctx.db, user="李审核",
                                                                                        role="reviewer")
    row = talent_row(姓名="高原")
    idn = row["身份证号"]
    talents.add(clerk, row)
    agreements.add(clerk, idn, kind="服务期协议", start_date=D(2023, 5, 1), term_years=5,
                   signed_date=D(2023, 5, 1), required_service_years=5)
    g = grants.approve(reviewer, grants.propose(clerk, idn, "settlement_allowance", approved_on=D(2023, 6, 1),
                                                approval_doc_no="阿左人才字〔2023〕5号").id)
    first = g.installments[0].id
    payments.propose(clerk, [first], as_of=D(2023, 6, 2))
    payments.approve(reviewer, [first])
    payments.record_paid(clerk, first, D(2023, 6, 5), "记-2023-06-001")
    dep = departures.record(clerk, idn, D(2025, 3, 1), "调离")
    assert "2025-03-01" in dep.basis  # what the notice is built from carries ISO dates

    out = tmp_path / "追回通知书.pdf"
    reports.print_forms(clerk, "recovery", out, talent=idn)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(out)).pages))
    for needle in ("于2025年3月1日从", "服务期至2028年5月1日", "2025年3月1日提前离开", "2023年6月5日",
                   "自2023年5月1日起", "记-2023-06-001"):
        assert needle in text, needle
    # the letter cites the policy article, not the refund explanation, in “根据…的规定”
    assert "根据阿党人才字〔2023〕2号第十九条的规定，应退回已享受的人才补贴" in text
    for iso in ("2025-03-01", "2028-05-01", "2023-06-05", "2023-05-01", "2025-3-1"):
        assert iso not in text, iso
    assert re.search(r"生成时间：\d{4}年\d{1,2}月\d{1,2}日", text) and not re.search(r"(?<!-)\d{4}-\d{2}-\d{2}(?!\d)", text)
