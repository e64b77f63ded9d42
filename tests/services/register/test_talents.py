import datetime as dt

import pytest
from sqlalchemy import text

from factories import talent_row
from talentdesk.domain.errors import ConflictError, NotFoundError, ValidationError
from talentdesk.services.office.audit import log as audit
from talentdesk.services.register import employers, talents
from talentdesk.services.context import ServiceContext


def test_add_and_get_round_trip(ctx):
    row = talent_row(姓名="王芳", 毕业时间="2020年7月1日")
    view = talents.add(ctx, row)
    got = talents.get(ctx, row["身份证号"]).json_row()
    assert got["姓名"] == "王芳"
    assert got["身份证号"] == row["身份证号"]
    assert got["毕业时间"] == "2020-07-01"
    assert got["急需紧缺"] == "是" and got["本地自有住房"] == "否"
    assert got["用人单位"] == "阿拉善盟农牧科学研究所" and got["所属地区"] == "阿拉善左旗"
    assert got["出生日期"] == "1990-05-01" and got["性别"] == "男"
    assert view.version == 1


def test_duplicate_id_number_is_refused(ctx):
    row = talent_row()
    talents.add(ctx, row)
    with pytest.raises(ConflictError, match="已登记"):
        talents.add(ctx, row)


def test_invalid_input_writes_nothing(ctx):
    with pytest.raises(ValidationError) as err:
        talents.add(ctx, talent_row(学历="小学", 引进方式="随便"))
    assert {e.field for e in err.value.errors} == {"education", "introduction_mode"}
    assert talents.list_talents(ctx)[0] == 0
    assert employers.list_all(ctx) == []


def test_update_reports_changes_in_audit(ctx):
    row = talent_row()
    talents.add(ctx, row)
    view = talents.update(ctx, row["身份证号"], {"手机号码": "13900139000", "职称": "副高"})
    assert view.record["phone"] == "13900139000" and view.record["title"] == "副高级"
    assert view.version == 2
    events = audit.list_events(ctx, talent_id=view.id)
    assert events[0].action == "update"
    assert events[0].before == {"phone": "13800138000", "title": None}
    assert events[0].after == {"phone": "13900139000", "title": "副高级"}


def test_update_with_stale_version_is_a_conflict(ctx):
    row = talent_row()
    v1 = talents.add(ctx, row)
    talents.update(ctx, row["身份证号"], {"备注": "A 修改"}, expected_version=v1.version)
    with pytest.raises(ConflictError, match="已被其他用户修改"):
        talents.update(ctx, row["身份证号"], {"备注": "B 修改"}, expected_version=v1.version)
    assert talents.get(ctx, row["身份证号"]).record["remarks"] == "A 修改"


def test_update_cross_checks_against_stored_id(ctx):
    row = talent_row()
    talents.add(ctx, row)
    with pytest.raises(ValidationError, match="性别"):
        talents.update(ctx, row["身份证号"], {"性别": "女"})


def test_list_search_by_name_initials_id_and_employer(ctx):
    talents.add(ctx, talent_row(姓名="张伟"))
    talents.add(ctx, talent_row(姓名="李娜", 用人单位="额济纳旗人民医院", 统一社会信用代码=None))
    zhao = talent_row(姓名="赵敏")
    talents.add(ctx, zhao)
    assert [r.name for r in talents.list_talents(ctx, search="张")[1]] == ["张伟"]
    assert [r.name for r in talents.list_talents(ctx, search="zw")[1]] == ["张伟"]
    assert [r.name for r in talents.list_talents(ctx, search="ZM")[1]] == ["赵敏"]
    assert [r.name for r in talents.list_talents(ctx, search=zhao["身份证号"][-6:])[1]] == ["赵敏"]
    assert [r.name for r in talents.list_talents(ctx, search="医院")[1]] == ["李娜"]
    total, page = talents.list_talents(ctx, limit=2)
    assert total == 3 and len(page) == 2


def test_not_found_message(ctx):
    with pytest.raises(NotFoundError, match="找不到身份证号"):
        talents.get(ctx, "11010519491231002X")


def test_delete_refused_once_paid(ctx):
    from talentdesk.models.entities import BenefitGrant, Installment

    row = talent_row()
    view = talents.add(ctx, row)
    with ctx.write() as s:
        g = BenefitGrant(talent_id=view.id, policy_id="alxa-2023", benefit_code="settlement_allowance",
                         total_fen=100, status="approved")
        s.add(g)
        s.flush()
        s.add(Installment(grant_id=g.id, seq=1, due_date=dt.date(2023, 6, 1), amount_fen=100, status="paid"))
    with pytest.raises(ConflictError, match="不能删除"):
        talents.delete(ctx, row["身份证号"])
    assert talents.get(ctx, row["身份证号"])


def test_delete_unpaid_talent_is_audited(ctx):
    row = talent_row()
    view = talents.add(ctx, row)
    talents.delete(ctx, row["身份证号"])
    assert talents.list_talents(ctx)[0] == 0
    assert audit.list_events(ctx, talent_id=view.id)[0].action == "delete"


def test_employer_uscc_conflict_and_validation(ctx):
    talents.add(ctx, talent_row())
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        employers.add(ctx, "新单位", uscc="91350100M000100Y44")
    e = employers.add(ctx, "新单位", uscc="91350100M000100Y43", district="额济纳旗")
    assert e.uscc == "91350100M000100Y43"
    assert [x.name for x in employers.list_all(ctx, district="额济纳旗")] == ["新单位"]
    assert employers.list_all(ctx)[0].talents in (0, 1)


def test_audit_chain_verifies_and_detects_tampering(ctx):
    row = talent_row()
    talents.add(ctx, row)
    talents.update(ctx, row["身份证号"], {"备注": "一"})
    talents.update(ctx, row["身份证号"], {"备注": "二"})
    result = audit.verify(ctx)
    assert result.ok and result.checked >= 4
    with ctx.write() as s:
        target = s.execute(text("SELECT id FROM audit_event WHERE action='update' ORDER BY id LIMIT 1")).scalar()
        s.execute(text("UPDATE audit_event SET after = :a WHERE id = :i"), {"a": '{"remarks":"篡改"}', "i": target})
    broken = audit.verify(ctx)
    assert not broken.ok and broken.broken_id == target and "被修改" in broken.message


def test_audit_chain_detects_deleted_row(ctx):
    row = talent_row()
    talents.add(ctx, row)
    talents.update(ctx, row["身份证号"], {"备注": "一"})
    talents.update(ctx, row["身份证号"], {"备注": "二"})
    with ctx.write() as s:
        ids = [r[0] for r in s.execute(text("SELECT id FROM audit_event ORDER BY id"))]
        s.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": ids[1]})
    broken = audit.verify(ctx)
    assert not broken.ok and broken.broken_id == ids[2] and "链接断开" in broken.message


def test_two_sessions_edit_same_talent(db):
    """Two clerks load the same record; the second save is a conflict, not an overwrite."""
    a = ServiceContext(db, user="clerk_a")
    b = ServiceContext(db, user="clerk_b")
    row = talent_row()
    talents.add(a, row)
    seen_a = talents.get(a, row["身份证号"])
    seen_b = talents.get(b, row["身份证号"])
    talents.update(a, row["身份证号"], {"备注": "A"}, expected_version=seen_a.version)
    with pytest.raises(ConflictError):
        talents.update(b, row["身份证号"], {"备注": "B"}, expected_version=seen_b.version)
    events = audit.list_events(a, talent_id=seen_a.id)
    # newest first: A's update, the 服务协议 the record's 合同 fields made, the registration
    assert [(e.user, e.action, e.entity) for e in events] == [
        ("clerk_a", "update", "talent"), ("clerk_a", "create", "service_agreement"), ("clerk_a", "create", "talent")]
