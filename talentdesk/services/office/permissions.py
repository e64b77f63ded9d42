"""Who may do what: roles, ``require()`` and the four-eyes rule.

Roles (``ctx.role``; Chinese names in ``talentdesk.domain.status.ROLES``):

- ``clerk`` 经办人: registers talents, imports rosters, proposes grants and payments,
  records payments made, departures, agreements, 一事一议 decisions.
- ``reviewer`` 审核人: approves or rejects grants and payments, records annual reviews;
  may also do what a clerk does (small offices).
- ``admin`` 管理员: users, office settings, restore; and everything else.

``ctx.role is None`` is single-user mode (the database has no accounts yet): every
action is allowed and the four-eyes rule does not apply.

Four-eyes (双人复核): a grant or payment proposed by a user cannot be approved by the same
user. The services enforce it (``check_four_eyes``), the GUI only greys the button.

Usage::

    from talentdesk.services.office import permissions
    permissions.require(ctx, "grant.approve")      # raises PermissionDenied (Chinese)
    permissions.allowed(ctx, "settings.write")     # bool, for enabling buttons
"""

from __future__ import annotations

from talentdesk.domain.errors import PermissionDenied
from talentdesk.domain.status import ROLES
from talentdesk.services.context import ServiceContext

CLERK, REVIEWER, ADMIN = "clerk", "reviewer", "admin"
_ALL = frozenset({CLERK, REVIEWER, ADMIN})
_REVIEW = frozenset({REVIEWER, ADMIN})
_ADMIN = frozenset({ADMIN})

# action → (Chinese description used in messages, roles allowed)
ACTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "talent.write": ("登记和修改人才信息", _ALL),
    "talent.delete": ("删除人才", _ALL),
    "import": ("导入花名册", _ALL),
    "export": ("导出台账", _ALL),
    "agreement.write": ("登记服务协议", _ALL),
    "decision.write": ("登记一事一议决定", _ALL),
    "credit.write": ("登记或解除失信名单", _REVIEW),
    "grant.propose": ("提交待遇审批", _ALL),
    "grant.approve": ("批准待遇", _REVIEW),
    "grant.reject": ("退回待遇申请", _REVIEW),
    "grant.cancel": ("取消已批准的待遇", _REVIEW),
    "grant.facts": ("登记服务年度情况（服务月数、在岗天数、返岗）", _ALL),
    "payment.propose": ("提交发放", _ALL),
    "payment.approve": ("审核发放", _REVIEW),
    "payment.paid": ("登记发放结果", _ALL),
    "payment.reverse": ("冲销已发放记录", _REVIEW),
    "payment.suspend": ("暂停或恢复发放", _REVIEW),
    "review.record": ("登记年度考核结果", _REVIEW),
    "departure.record": ("办理离职登记", _ALL),
    "recovery.record": ("登记追回款", _ALL),
    "settings.write": ("修改系统设置", _ADMIN),
    "users.manage": ("管理用户", _ADMIN),
    "backup.create": ("备份数据库", _ALL),
    "backup.restore": ("恢复数据库", _ADMIN),
    "audit.view": ("查看审计记录", _REVIEW),
    "case.write": ("登记和办理人才服务事项", _ALL),
    "visit.write": ("登记走访记录", _ALL),
    "housing.write": ("登记人才公寓房源、入住和退房", _ALL),
    "recovery_case.open": ("在岗追回立案", _ALL),
    "recovery_case.decide": ("核定或撤销在岗追回", _REVIEW),
    "platform.export": ("导出人才云平台实名录入数据（含完整身份证号）", _ALL),
    "recognition.propose": ("登记人才分类认定", _ALL),
    "recognition.confirm": ("确认人才分类认定", _REVIEW),
    "recognition.revoke": ("撤销人才分类认定", _REVIEW),
    "budget.write": ("编制或调整人才开发资金预算", _REVIEW),
    "exchange.export": ("导出交换包", _ALL),
    "exchange.import": ("导入旗县区交换包", _REVIEW),
    "platform.write": ("登记或撤销平台载体（工作站、基地、工作室、团队）", _ALL),
}


def role_name(role: str | None) -> str:
    if role is None:
        return "单机用户"
    return ROLES.get(role, role)


# On a league's shared database these concern every banner: a banner's user (even its
# administrator) may not (阿党人才字〔2023〕2号 第七条; services.office.scope).
LEAGUE_ONLY = ("users.manage", "settings.write", "backup.create", "backup.restore")


def allowed(ctx: ServiceContext, action: str) -> bool:
    """True when ``ctx.role`` may perform ``action`` (always in single-user mode)."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if ctx.role is None:
        return True
    if action in LEAGUE_ONLY and getattr(ctx, "banner_id", None) is not None:
        return False
    return ctx.role in ACTIONS[action][1]


def require(ctx: ServiceContext, action: str) -> None:
    """Raise PermissionDenied (Chinese message naming the action and the roles) if not allowed."""
    if allowed(ctx, action):
        return
    if action in LEAGUE_ONLY and ctx.role in ACTIONS[action][1]:
        who = "用户" if CLERK in ACTIONS[action][1] else ROLES[ADMIN]
        raise PermissionDenied(f"此数据库由盟和各旗县区共用，{ACTIONS[action][0]}涉及全部旗县，须由盟级单位的"
                               f"{who}办理；“{ctx.actor}”属于{ctx.office_name}，不能办理")
    what, roles = ACTIONS[action]
    who = "、".join(ROLES[r] for r in (CLERK, REVIEWER, ADMIN) if r in roles)
    raise PermissionDenied(f"“{ctx.actor}”的角色是{role_name(ctx.role)}，无权{what}；此操作需要{who}权限")


def actions_for(role: str | None) -> set[str]:
    """Every action a role may perform (the GUI enables menus from this)."""
    if role is None:
        return set(ACTIONS)
    return {a for a, (_, roles) in ACTIONS.items() if role in roles}


def four_eyes_applies(ctx: ServiceContext) -> bool:
    return ctx.role is not None


def approval_refusal(ctx: ServiceContext, action: str, proposers: list[str | None]) -> str | None:
    """Why the acting user may approve none of the items proposed by ``proposers``
    (a disabled 批准 button says this), or None when at least one may be approved."""
    if not allowed(ctx, action):
        return f"您的角色（{role_name(ctx.role)}）没有审核权限，请由审核人审核"
    if not proposers:
        return "请先选择待审核的申请"
    if four_eyes_applies(ctx) and all(p is not None and p == ctx.actor for p in proposers):
        return "您是提交人，不能批准本人提交的申请（双人复核），请由其他审核人审核"
    return None


def check_four_eyes(ctx: ServiceContext, proposed_by: str | None, what: str) -> None:
    """Refuse approval by the user who proposed ``what`` (e.g. “张伟的安家补贴申请”)."""
    if not four_eyes_applies(ctx):
        return
    if proposed_by is not None and proposed_by == ctx.actor:
        raise PermissionDenied(f"{what}由“{proposed_by}”提交，按双人复核规定不能由提交人本人审核，"
                               f"请由其他审核人审核")
