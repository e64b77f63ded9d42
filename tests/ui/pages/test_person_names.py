"""Tables show who proposed and approved by the person's name, not the log-in code (the
code stays in the tooltip); an actor that is no account (the demo's) shows as recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.services.context import ServiceContext
from talentdesk.services.office import users
from talentdesk.ui.benefits import payments as payments_page
from talentdesk.ui.common import widgets
from tests.ui.pages.seeding import first_installment_paid

pytestmark = pytest.mark.gui


def test_proposer_and_approver_by_name(qtbot, env, db):
    users.create_first_admin(db, "admin", "Admin-pass-2026", display_name="系统管理员")
    admin = ServiceContext(db, user="admin", role="admin")
    users.add_user(admin, "wangjb", "Wang-pass-2026", "clerk", display_name="王经办")
    users.add_user(admin, "lish", "Li-pass-2026", "reviewer", display_name="李审核")
    clerk = ServiceContext(db, user="wangjb", role="clerk")
    reviewer = ServiceContext(db, user="lish", role="reviewer")
    approved_on = (dt.date.today() - dt.timedelta(days=200)).replace(day=1)
    first_installment_paid(clerk, reviewer, approved_on=approved_on, 姓名="张伟")
    env.ctx = clerk
    page = payments_page.Page(env)
    qtbot.addWidget(page)
    page.apply_filters(month=approved_on.isoformat()[:7], status="paid")
    page = page.installments
    titles = [page.model.headerData(c, widgets.Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    c_prop, c_appr = titles.index("提交人"), titles.index("审核人")
    assert page.model.rowCount(), "no rows"
    paid_row = next((r for r in range(page.model.rowCount()) if page.model.rows[r].status == "paid"), None)
    assert paid_row is not None, [r.status for r in page.model.rows]
    assert page.model.index(paid_row, c_prop).data() == "王经办"
    assert page.model.index(paid_row, c_appr).data() == "李审核"
    assert page.model.index(paid_row, c_prop).data(widgets.Qt.ItemDataRole.ToolTipRole) == "wangjb"
    assert widgets.person(env, "演示经办人") == "演示经办人"
