"""The over-commitment question before a grant is approved (阿党人才字〔2023〕2号 第四十八条).

``confirm_within_budget(env, grant_ids) -> bool``: asks the service what approving the
grants would overspend (``budget.approval_warnings_many``; no figure is computed here)
and, when something would, shows it and asks whether to approve anyway. True: go on
(nothing overspent, or the reviewer confirmed); False: do not approve (declined, or the
check itself failed: the error is shown).
"""

from __future__ import annotations

from talentdesk.services.finance import budget
from talentdesk.ui.common.widgets import call


def confirm_within_budget(env, grant_ids) -> bool:
    ids = [int(g) for g in grant_ids]
    if not ids:
        return True
    ok, warnings = call(env, budget.approval_warnings_many, env.ctx, ids)
    if not ok:
        return False
    if not warnings:
        return True
    return bool(env.confirm(budget.approval_question(warnings)))


__all__ = ["confirm_within_budget"]
