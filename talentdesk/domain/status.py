"""Status codes stored in the database and their Chinese names shown to clerks."""

TALENT_STATUS = {"active": "在岗", "departed": "已离职"}

GRANT_STATUS = {"proposed": "待审核", "approved": "已批准", "rejected": "已退回", "cancelled": "已取消"}

INSTALLMENT_STATUS = {
    "scheduled": "待发放",
    "proposed": "已提交发放",
    "approved": "已审核待付",
    "paid": "已发放",
    "suspended": "已暂停",
    "cancelled": "已取消",
    "refund_due": "应退回",
    "refunded": "已退回",
    "reversed": "已冲销",
}

REVIEW_RESULTS = ("优秀", "合格", "基本合格", "不合格")
# Which results pass is each pack's ``review.passing`` (Alashankou 第十四条: 优秀/合格 only),
# asked through talentdesk.rules.payability.review_passes: there is no domain-wide pass list.

AGREEMENT_KINDS = ("服务期协议", "聘用合同", "三方协议")
AGREEMENT_STATUS = {"active": "履行中", "ended": "已期满", "terminated": "已解除"}

ROLES = {"clerk": "经办人", "reviewer": "审核人", "admin": "管理员"}

FUNDING_LEVELS = {"league": "盟级", "banner": "旗（区）级", "city": "市级", "local": "属地"}
