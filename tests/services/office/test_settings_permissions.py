"""Office settings and role checks."""

from __future__ import annotations

import datetime as dt

import pytest

from talentdesk.domain.errors import PermissionDenied, TalentDeskError, ValidationError
from talentdesk.services.office import permissions, settings
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext


def test_defaults_then_save_and_audit(ctx):
    s = settings.get_settings(ctx)
    assert s.default_policy_id == "alxa-2023" and s.extra_holidays == [] and s.signatory_head == ""
    s = settings.save_settings(ctx, office_name="阿拉善左旗人才工作领导小组办公室", 负责人签字="张主任",
                               extra_holidays="2026-01-01, 2026-01-02", extra_workdays=[dt.date(2026, 1, 4)])
    assert s.office_name == "阿拉善左旗人才工作领导小组办公室" and s.signatory_head == "张主任"
    assert s.extra_holidays == [dt.date(2026, 1, 1), dt.date(2026, 1, 2)]
    again = settings.get_settings(ServiceContext(ctx.db))  # another PC on the same database
    assert again == s
    ev = [e for e in audit.list_events(ctx) if e.entity == "setting"]
    assert ev and ev[0].after["signatory_head"] == "张主任" and ev[0].before["signatory_head"] == ""
    # saving the same values again writes no event
    settings.save_settings(ctx, signatory_head="张主任")
    assert len([e for e in audit.list_events(ctx) if e.entity == "setting"]) == 1


def test_bad_values_are_refused_in_chinese(ctx):
    with pytest.raises(ValidationError, match="没有名为“颜色”的设置项"):
        settings.save_settings(ctx, 颜色="红")
    with pytest.raises(ValidationError, match="补充节假日：“2026-13-01”不是有效日期"):
        settings.save_settings(ctx, extra_holidays="2026-13-01")
    with pytest.raises(TalentDeskError):
        settings.save_settings(ctx, default_policy_id="no-such-policy")
    assert settings.parse_value("默认政策", "baotou-2022") == ("default_policy_id", "baotou-2022")


def test_only_admin_saves_settings_when_accounts_exist(ctx):
    for role in ("clerk", "reviewer"):
        with pytest.raises(PermissionDenied, match="管理员"):
            settings.save_settings(ServiceContext(ctx.db, user="x", role=role), office_name="x")
    settings.save_settings(ServiceContext(ctx.db, user="root", role="admin"), office_name="甲")
    settings.save_settings(ServiceContext(ctx.db), office_name="乙")  # single-user mode
    assert settings.get_settings(ctx).office_name == "乙"


def test_role_matrix():
    clerk = ServiceContext(None, user="王", role="clerk")
    reviewer = ServiceContext(None, user="李", role="reviewer")
    admin = ServiceContext(None, user="赵", role="admin")
    solo = ServiceContext(None)
    assert permissions.allowed(clerk, "grant.propose") and not permissions.allowed(clerk, "grant.approve")
    assert permissions.allowed(reviewer, "payment.approve") and permissions.allowed(reviewer, "review.record")
    assert not permissions.allowed(reviewer, "settings.write") and not permissions.allowed(reviewer, "users.manage")
    assert permissions.allowed(admin, "backup.restore") and permissions.allowed(admin, "grant.approve")
    assert permissions.actions_for(None) == set(permissions.ACTIONS)
    assert all(permissions.allowed(solo, a) for a in permissions.ACTIONS)
    with pytest.raises(PermissionDenied, match="“王”的角色是经办人，无权批准待遇；此操作需要审核人、管理员权限"):
        permissions.require(clerk, "grant.approve")
    with pytest.raises(PermissionDenied, match="双人复核"):
        permissions.check_four_eyes(reviewer, "李", "张伟的安家补贴申请")
    permissions.check_four_eyes(reviewer, "王", "x")
    permissions.check_four_eyes(solo, solo.actor, "x")  # single-user: not applicable
    with pytest.raises(KeyError):
        permissions.allowed(clerk, "no.such.action")


def test_calendar_settings_reach_the_engine(ctx):
    from factories import talent_row
    from talentdesk.services.benefits import grants
    from talentdesk.services.register import talents

    row = talent_row()
    talents.add(ctx, row)
    settings.save_settings(ctx, extra_holidays="2031-10-01,2031-10-02", extra_workdays="2031-09-28")
    with ctx.read() as session:
        inputs = grants.engine_inputs(session, grants.load_talent(session, row["身份证号"]))
    assert inputs.extra_holidays == [dt.date(2031, 10, 1), dt.date(2031, 10, 2)]
    assert inputs.extra_workdays == [dt.date(2031, 9, 28)]
    assert inputs.policy_id == "alxa-2023"
