from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.benefits import grants, payments
from talentdesk.ui.common import widgets
from talentdesk.ui.benefits.grant_dialog import GrantDialog
from tests.factories import id_number
from tests.ui.pages.seeding import talent

pytestmark = pytest.mark.gui
TODAY = dt.date.today()


def test_evaluates_explains_and_proposes(qtbot, env, clerk_ctx, reviewer_ctx):
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="张伟")
    dlg = GrantDialog(env, t.id_number)
    qtbot.addWidget(dlg)
    rows = dlg.benefit_rows()
    assert "settlement_allowance" in rows and "rent_subsidy" in rows
    r = rows["settlement_allowance"]
    assert dlg.benefits.item(r, 2).text() == "符合"
    assert dlg.benefits.item(r, 3).text() == "200,000.00"
    assert dlg.benefits.item(rows["rent_subsidy"], 2).text() == "不符合"
    assert not dlg._check(rows["rent_subsidy"]).isEnabled()
    dlg.benefits.setCurrentCell(r, 1)
    html = dlg.explain.toPlainText()
    assert "第四十条" in html  # the article
    assert dlg.schedule.rowCount() == 3
    assert dlg.schedule.item(0, 1).text() == "80,000.00"
    dlg.doc_no.setText("阿左人才字〔2026〕7号")
    dlg.set_checked("settlement_allowance")
    assert "200,000.00" in dlg.summary.text()
    dlg.propose_btn.click()
    assert env.confirms and "贰拾万元整" in env.confirms[-1]
    assert not env.errors, env.errors
    [g] = grants.list_grants(clerk_ctx, t.id_number)
    assert g.status == "proposed" and g.approval_doc_no == "阿左人才字〔2026〕7号" and len(g.installments) == 3
    # now shown as applied, the checkbox locked (不重复享受)
    assert dlg.benefits.item(dlg.benefit_rows()["settlement_allowance"], 2).text() == "已申请"
    # the proposer cannot approve
    dlg.grants_table.selectRow(0)
    assert not dlg.approve_btn.isEnabled()
    # a reviewer approves in the same dialog
    env.ctx = reviewer_ctx
    dlg.reload_grants()
    dlg.grants_table.selectRow(0)
    assert dlg.approve_btn.isEnabled()
    dlg.approve_btn.click()
    assert grants.get_grant(reviewer_ctx, g.id).status == "approved"
    assert [i.status for i in payments.list_installments(reviewer_ctx, grant_id=g.id)] == ["scheduled"] * 3


def test_selection_and_case_decision(qtbot, env, clerk_ctx, monkeypatch):
    env.ctx = clerk_ctx
    # a PhD aged 53 when introduced in 2023: over the age limit of Art. 10 unless 一事一议
    old = talent(clerk_ctx, 姓名="周强", 身份证号=id_number(dt.date(1970, 1, 1)))
    young = talent(clerk_ctx, 姓名="李娜")
    dlg = GrantDialog(env, [young.id_number, old.id_number])
    qtbot.addWidget(dlg)
    assert dlg.talent.count() == 2
    dlg.talent.setCurrentIndex(1)
    r = dlg.benefit_rows()["settlement_allowance"]
    assert dlg.benefits.item(r, 2).text() == "不符合"
    dlg.benefits.setCurrentCell(r, 1)

    def fill(d):
        d.number.setText("阿左人才领字〔2026〕1号")
        d.override.setCurrentIndex(d.override.findData("age_limit"))
        d.benefit.setCurrentIndex(d.benefit.findData("settlement_allowance"))
        d._ok()
        return bool(d.result())

    monkeypatch.setattr(widgets, "exec_dialog", fill)
    dlg.decision_btn.click()
    assert not env.errors, env.errors
    r = dlg.benefit_rows()["settlement_allowance"]
    assert dlg.benefits.item(r, 2).text() == "符合"
    combo = dlg.benefits.cellWidget(r, 4)
    assert combo.currentData() == "阿左人才领字〔2026〕1号"
    dlg.set_checked("settlement_allowance")
    dlg.propose_btn.click()
    [g] = grants.list_grants(clerk_ctx, old.id_number)
    assert g.decision_number == "阿左人才领字〔2026〕1号"
    assert dlg.talent.itemText(1).endswith("（已提交）")


def test_selection_moves_on_after_proposing(qtbot, env, clerk_ctx):
    env.ctx = clerk_ctx
    a, b = talent(clerk_ctx, 姓名="张伟"), talent(clerk_ctx, 姓名="李娜")
    dlg = GrantDialog(env, [a.id_number, b.id_number])
    qtbot.addWidget(dlg)
    dlg.set_checked("settlement_allowance")
    dlg.propose_btn.click()
    assert dlg.talent.currentIndex() == 1 and dlg.id_number == b.id_number
    assert dlg.benefits.item(dlg.benefit_rows()["settlement_allowance"], 2).text() == "符合"
    dlg.set_checked("settlement_allowance")
    dlg.propose_btn.click()
    assert {g.talent_name for g in grants.list_grants(clerk_ctx)} == {"张伟", "李娜"}


def test_close_with_ticked_benefits_asks(qtbot, env, clerk_ctx):
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="张伟")
    dlg = GrantDialog(env, t.id_number)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.set_checked("settlement_allowance")
    env.confirm_answer = False
    dlg.reject()
    assert env.confirms and dlg.isVisible()
    env.confirm_answer = True
    dlg.reject()
    assert not dlg.isVisible()


def test_missing_facts_can_be_filled_in(qtbot, env, clerk_ctx, reviewer_ctx):
    from talentdesk.services.register import recognitions

    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="刘洋", 人才类别="C")
    # C类 counts once the recognition is confirmed (第二十条), by someone other than the clerk
    r = recognitions.propose(clerk_ctx, talent=t.id_number, scheme="阿拉善盟人才分类", tier="C",
                             doc_no="阿人才办字〔2023〕5号", recognised_on=TODAY - dt.timedelta(days=10))
    recognitions.confirm(reviewer_ctx, r.id)
    dlg = GrantDialog(env, t.id_number)
    qtbot.addWidget(dlg)
    rows = dlg.benefit_rows()
    code = next(c for c in rows if dlg.benefits.item(rows[c], 1).text() == "配偶生活补贴")
    assert dlg.benefits.item(rows[code], 2).text() == "待定（缺少信息）"
    assert "spouse_unemployed_months" in dlg.fact_editors and not dlg.facts_box.isHidden()
    dlg.set_fact("spouse_unemployed_months", 7)
    assert dlg.facts == {"spouse_unemployed_months": 7}
    assert dlg.benefits.item(dlg.benefit_rows()[code], 2).text() == "符合"
    dlg.set_fact("spouse_unemployed_months", 3)
    assert dlg.benefits.item(dlg.benefit_rows()[code], 2).text() == "不符合"


def test_print_approval_form_goes_to_reports(qtbot, env, clerk_ctx, reviewer_ctx):
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="张伟")
    g = grants.propose(clerk_ctx, t.id_number, "settlement_allowance", approved_on=TODAY, approval_doc_no="阿左人才字〔2023〕11号")
    grants.approve(reviewer_ctx, g.id)
    dlg = GrantDialog(env, t.id_number)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.grants_table.selectRow(0)
    assert dlg.print_btn.isEnabled()
    dlg.print_btn.click()
    assert not dlg.isVisible()
    assert env.navigations[-1] == ("reports", {"form": "approval", "talent": t.id_number,
                                               "benefit": "settlement_allowance"})


def test_baotou_subsidy_reads_the_employer_and_the_outside_city_fact(qtbot, env, clerk_ctx):
    """包头 引进补贴: the employer's recorded 引进范围 attributes come from the 用人单位 page
    (not typed per grant); 市外 is asked in the dialog; only both make it 符合."""
    from tests.factories import credit_code
    from talentdesk.services.register import employers

    env.ctx = clerk_ctx
    e = employers.add(clerk_ctx, "包头某新材料有限公司", credit_code(31), "民营企业", "稀土高新区")
    t = talent(clerk_ctx, 姓名="王五", 用人单位="包头某新材料有限公司", 统一社会信用代码=credit_code(31),
               单位性质="民营企业", 单位所属行业="制造业", 引进日期="2022-06-01", 协议签订日期="2022-09-28",
               合同起始日期="2022-06-01")
    grants.ensure_policy(clerk_ctx, t.id_number, "baotou-2022")
    dlg = GrantDialog(env, t.id_number)
    qtbot.addWidget(dlg)
    dlg.approved_on.setDate(dt.date(2022, 9, 28))
    dlg.policy.setCurrentIndex(dlg.policy.findData("baotou-2022"))
    row = dlg.benefit_rows()["introduction_subsidy"]
    assert dlg.benefits.item(row, 2).text() == "待定（缺少信息）"
    assert "recruited_from_outside_city" in dlg.fact_editors
    dlg.set_fact("recruited_from_outside_city", True)
    assert dlg.benefits.item(dlg.benefit_rows()["introduction_subsidy"], 2).text() == "待定（缺少信息）"
    employers.update(clerk_ctx, e.id, key_industry=True, above_scale=True)
    dlg.evaluate()
    assert dlg.benefits.item(dlg.benefit_rows()["introduction_subsidy"], 2).text() == "符合"
    dlg.set_fact("recruited_from_outside_city", False)
    assert dlg.benefits.item(dlg.benefit_rows()["introduction_subsidy"], 2).text() == "不符合"


def test_missing_employer_attributes_are_recorded_from_the_dialog(qtbot, env, clerk_ctx, monkeypatch):
    """阿拉善 第四十条 reads the employer's 所属行业: not recorded, 安家补贴 is 待定 and the dialog
    offers 登记单位属性…, which opens the employer and evaluates again once saved."""
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="赵敏", 单位所属行业="")
    dlg = GrantDialog(env, t.id_number)
    qtbot.addWidget(dlg)
    row = dlg.benefit_rows()["settlement_allowance"]
    assert dlg.benefits.item(row, 2).text() == "待定（缺少信息）"
    assert not dlg.employer_box.isHidden() and "所属领域" in dlg.employer_missing.text()

    def fill(edit):
        edit.industry.setCurrentIndex(edit.industry.findData("M"))
        edit._ok()
        return edit.result()

    monkeypatch.setattr(widgets, "exec_dialog", fill)
    dlg.edit_employer()
    assert dlg.employer_box.isHidden()
    assert dlg.benefits.item(dlg.benefit_rows()["settlement_allowance"], 2).text() == "符合"


def test_a_doc_no_without_its_number_is_refused_before_asking(qtbot, env, clerk_ctx):
    from talentdesk.services.context import ServiceContext
    from talentdesk.services.office import settings

    settings.save_settings(ServiceContext(clerk_ctx.db), doc_prefix="阿左人才字")  # single-user: may set it
    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="张伟")
    dlg = GrantDialog(env, t.id_number)
    qtbot.addWidget(dlg)
    year = dt.date.today().year
    assert dlg.doc_no.text() == f"阿左人才字〔{year}〕号"  # pre-filled: the clerk adds the number
    dlg.set_checked("settlement_allowance")
    dlg.propose_btn.click()
    assert env.errors == [f"审批文号“阿左人才字〔{year}〕号”缺少序号，应如 阿左人才字〔{year}〕12号"]
    assert not env.confirms and grants.list_grants(clerk_ctx, t.id_number) == []
    dlg.doc_no.setText("x")
    dlg.propose_btn.click()
    assert env.errors[-1] == "审批文号“x”缺少序号，应如 阿左人才字〔2025〕12号" and not env.confirms
    dlg.doc_no.setText(f"阿左人才字〔{year}〕12号")
    dlg.propose_btn.click()
    assert len(env.errors) == 2 and env.confirms
    [g] = grants.list_grants(clerk_ctx, t.id_number)
    assert g.approval_doc_no == f"阿左人才字〔{year}〕12号"


def test_a_decision_number_without_its_number_is_refused(qtbot, env, clerk_ctx):
    from talentdesk.services.benefits import decisions
    from talentdesk.ui.benefits.grant_dialog import DecisionDialog

    env.ctx = clerk_ctx
    t = talent(clerk_ctx, 姓名="周强")
    dlg = DecisionDialog(env, t.id_number, [("settlement_allowance", "安家补贴")], "settlement_allowance")
    qtbot.addWidget(dlg)
    dlg.number.setText("阿左人才领字〔2026〕号")
    dlg.override.setCurrentIndex(dlg.override.findData("age_limit"))
    dlg._ok()
    assert not dlg.result() and dlg.saved is None
    assert env.errors == ["决定文号“阿左人才领字〔2026〕号”缺少序号，应如 阿左人才领字〔2026〕12号"]
    assert decisions.list_decisions(clerk_ctx, t.id_number) == []
    dlg.number.setText("阿左人才领字〔2026〕3号")
    dlg._ok()
    assert dlg.saved is not None and dlg.saved.number == "阿左人才领字〔2026〕3号"
