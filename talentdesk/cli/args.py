"""What several commands read from their arguments the same way."""

from __future__ import annotations

import datetime as dt

from talentdesk.domain import values
from talentdesk.domain.errors import TalentDeskError


def parse_date(text: str | None, label: str) -> dt.date | None:
    """A date as a clerk types it (2024-06-01, 2024/6/1, 2024年6月1日); blank is None."""
    if text in (None, ""):
        return None
    d = values.date_or_none(text)
    if d is None:
        raise TalentDeskError(f"{label}：“{text}”不是有效日期，应写成 2024-06-01")
    return d
