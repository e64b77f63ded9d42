"""The audit trail in words a clerk reads: Chinese names of actions, record kinds and
fields, values as the program shows them (是/否, 元), times in local time to the second.
Used by the audit viewer and the audit export; the stored events stay as they are."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

ACTION_NAMES = {
    "create": "新增", "update": "修改", "delete": "删除", "export": "导出", "print": "打印", "preview": "预览",
    "view_full": "查看完整号码", "login": "登录", "login_failed": "登录失败", "lock": "账户锁定",
    "unlock": "解锁", "disable": "停用", "enable": "启用", "password": "修改密码", "backup": "备份",
    "restore": "恢复", "import": "导入", "propose": "提交", "approve": "审核通过", "reject": "退回",
    "cancel": "取消", "pay": "登记发放", "reverse": "冲销", "suspend": "暂停", "resume": "恢复待发放",
    "recompute": "重新计算", "renew": "续签", "conclude": "期满考核", "terminate": "解除", "role": "修改角色",
    "seal": "登记金额记录", "recover": "登记追回", "audit_anchor": "确认审计锚点",
    "lift": "解除",
    "close": "办结", "reopen": "重新办理",
}
ENTITY_NAMES = {
    "talent": "人才", "talent_batch": "人才（批量导入）", "employer": "用人单位", "attachment": "附件",
    "service_agreement": "服务协议", "agreement": "服务协议", "benefit_grant": "待遇申请", "installment": "发放分期",
    "installment_funding": "资金来源", "annual_review": "年度考核", "departure": "离职", "recovery": "追回",
    "case_decision": "一事一议决定", "grant_year_fact": "服务年度情况", "import_batch": "导入批次",
    "credit_entry": "失信名单", "setting": "系统设置", "user": "用户", "database": "数据库", "backup": "备份", "report": "报表",
    "ledger": "台账", "row_digest": "金额记录校验", "audit": "审计记录",
    "service_case": "服务事项", "visit": "走访记录",
    "exchange_package": "交换包",
    "service_case": "服务事项", "visit": "走访记录", "platform": "平台载体",
}
# field names of the stored records; talents' fields use the roster's own labels
FIELD_NAMES = {
    "status": "状态", "status_reason": "状态说明", "amount_fen": "金额", "total_fen": "合计金额",
    "due_date": "应发日期", "paid_date": "发放日期", "voucher_no": "凭证号", "seq": "期次",
    "proposed_by": "提交人", "approved_by": "审核人", "approved_at": "审核时间", "approval_date": "批准日期",
    "approval_doc_no": "审批文号", "benefit_code": "待遇项目", "benefit_name": "待遇项目", "policy_id": "政策",
    "basis": "依据", "reason": "原因", "year": "年度", "result": "考核结果", "review_date": "考核日期",
    "departed_on": "离职日期", "refund_fen": "应退金额", "recovered_fen": "已追回金额", "kind": "类别",
    "start_date": "开始日期", "end_date": "结束日期", "term_years": "期限（年）",
    "required_service_years": "服务年限", "number": "文号", "decided_on": "决定日期", "override": "事项",
    "description": "说明", "role": "角色", "active": "启用", "username": "用户名", "display_name": "姓名",
    "file_name": "文件名", "rows": "行数", "inserted": "新增", "updated": "修改", "errors": "错误",
    "name": "名称", "uscc": "统一社会信用代码", "months_served": "服务月数", "onsite_days": "在岗天数",
    "returned_to_post": "是否返岗", "value": "值", "key": "项目", "os_user": "操作系统账户",
    "signed_date": "签订日期", "origin": "来源", "replaced_by": "替代的协议编号",
    "doc_no": "文号", "recorded_by": "登记人", "lifted_on": "解除日期", "lifted_by": "解除人",
    "lift_reason": "解除原因", "talent_id": "人才", "employer_id": "用人单位",
    "platform_id": "平台载体", "beneficiary": "受益对象", "beneficiary_name": "受益对象名称",
    "beneficiary_id": "受益对象编号", "category": "平台类型", "level": "认定级别", "body": "认定机构",
    "recognised_on": "认定日期",
}
_STATUS_WORDS = {
    "scheduled": "未到期", "proposed": "已提交", "approved": "已审核", "paid": "已发放", "cancelled": "已取消",
    "rejected": "已退回", "suspended": "已暂停", "reversed": "已冲销", "refund_due": "待退回", "refunded": "已退回",
    "active": "履行中", "expired": "已期满", "terminated": "已解除",
}


def _field_name(key: str) -> str:
    from talentdesk.domain import roster

    if key in FIELD_NAMES:
        return FIELD_NAMES[key]
    col = roster.BY_KEY.get(key)
    return col.label if col is not None else key


def value_text(key: str, value: Any) -> str:
    """One stored value as the program shows it."""
    from talentdesk.domain import money

    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key.endswith("_fen") and isinstance(value, int):
        return money.yuan(value) + "元"
    if key == "status" and isinstance(value, str):
        return _STATUS_WORDS.get(value, value)
    if key == "origin" and value == "roster":
        return "花名册"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def fields_text(values: Any) -> str:
    """``{"status": "paid", "amount_fen": 100}`` → ``状态：已发放；金额：1.00元``."""
    if values is None:
        return ""
    if not isinstance(values, dict):
        return value_text("", values)
    return "；".join(f"{_field_name(k)}：{value_text(k, v)}" for k, v in values.items())


def action_name(action: str) -> str:
    return ACTION_NAMES.get(action, action)


def entity_name(entity: str) -> str:
    return ENTITY_NAMES.get(entity, entity)


def local_time(at: dt.datetime) -> str:
    """A stored (UTC) time in this PC's local time, to the second: 2026-12-03 21:42:05."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
