"""Office settings (系统设置), shared by every PC on the same database.

Stored one key per row in the ``setting`` table, the value as JSON. ``get_settings``
returns an ``OfficeSettings`` with defaults for keys never saved; ``save_settings``
changes some keys in one transaction, audited (admin only once accounts exist).

Keys (``FIELDS``: key → Chinese label)::

    office_name         单位名称          e.g. 阿拉善左旗人才工作领导小组办公室
    district            所属地区          e.g. 阿拉善左旗
    default_policy_id   默认政策          a policy pack id, e.g. alxa-2023
    signatory_clerk     经办人签字        name printed on forms
    signatory_reviewer  审核人签字
    signatory_head      负责人签字
    doc_prefix          文号前缀          e.g. 阿左人才字
    backup_dir          备份文件夹        "" = backups/ beside the database
    extra_holidays      补充节假日        list of dates, for the working-day calendar
    extra_workdays      补充调休上班日    list of dates
    pay_before_due_days 提前登记发放天数  int ≥ 0, default 0: how many days before its due date an
                                          installment may be recorded paid (0: on or after it)
    print_full_id       审批表打印完整身份证号  bool, default off: the approval forms
                        (人才待遇审批表, 补贴发放审批表) print full ID numbers; every
                        other ledger and form stays masked unless asked (``--full``)

The CLI and the GUI may use either the key or the Chinese label (``parse_value``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from talentdesk.domain import values
from talentdesk.domain.errors import FieldError, ValidationError
from talentdesk.models.entities import Setting
from talentdesk.services.office import permissions
from talentdesk.services.office.audit import log as audit
from talentdesk.services.context import ServiceContext

DEFAULT_POLICY_ID = "alxa-2023"

FIELDS: dict[str, str] = {
    "office_name": "单位名称",
    "district": "所属地区",
    "default_policy_id": "默认政策",
    "signatory_clerk": "经办人签字",
    "signatory_reviewer": "审核人签字",
    "signatory_head": "负责人签字",
    "doc_prefix": "文号前缀",
    "backup_dir": "备份文件夹",
    "extra_holidays": "补充节假日",
    "extra_workdays": "补充调休上班日",
    "pay_before_due_days": "提前登记发放天数",
    "print_full_id": "审批表打印完整身份证号",
}
BY_LABEL = {v: k for k, v in FIELDS.items()}
DATE_LISTS = ("extra_holidays", "extra_workdays")
INTS = {"pay_before_due_days": (0, 366)}  # key → (min, max)
BOOLS = ("print_full_id",)
_YES = {"1", "true", "yes", "on", "是", "开", "开启", "打开"}
_NO = {"", "0", "false", "no", "off", "否", "关", "关闭"}


@dataclass
class OfficeSettings:
    office_name: str = "人才工作领导小组办公室"
    district: str = ""
    default_policy_id: str = DEFAULT_POLICY_ID
    signatory_clerk: str = ""
    signatory_reviewer: str = ""
    signatory_head: str = ""
    doc_prefix: str = ""
    backup_dir: str = ""
    extra_holidays: list[dt.date] = field(default_factory=list)
    extra_workdays: list[dt.date] = field(default_factory=list)
    pay_before_due_days: int = 0
    print_full_id: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Keyed by the English keys; dates as ISO text (JSON-ready)."""
        out = dataclasses.asdict(self)
        for k in DATE_LISTS:
            out[k] = [d.isoformat() for d in out[k]]
        return out

    def labelled(self) -> dict[str, Any]:
        """Keyed by the Chinese labels (for display)."""
        return {FIELDS[k]: v for k, v in self.as_dict().items()}


def _key(name: str) -> str:
    name = name.strip()
    if name in FIELDS:
        return name
    if name in BY_LABEL:
        return BY_LABEL[name]
    raise ValidationError([FieldError(name, name, name, f"没有名为“{name}”的设置项，可用："
                                      + "、".join(f"{v}（{k}）" for k, v in FIELDS.items()))])


def _dates(key: str, value: Any) -> list[dt.date]:
    if value is None or value == "":
        return []
    items = value
    if isinstance(value, str):
        items = [p for p in value.replace("，", ",").replace("、", ",").replace(";", ",").replace(" ", ",").split(",")
                 if p.strip()]
    out = []
    for item in items:
        d = values.date_or_none(item)
        if d is None:
            raise ValidationError([FieldError(key, FIELDS[key], item,
                                              f"{FIELDS[key]}：“{item}”不是有效日期，应写成 2025-01-01")])
        out.append(d)
    return sorted(set(out))


def _int(key: str, value: Any) -> int:
    low, high = INTS[key]
    if value is None or value == "":
        return low
    n = None
    if isinstance(value, int) and not isinstance(value, bool):
        n = value
    elif isinstance(value, str) and value.strip().removesuffix("天").strip().isdigit():
        n = int(value.strip().removesuffix("天").strip())
    if n is None or not (low <= n <= high):
        raise ValidationError([FieldError(key, FIELDS[key], value,
                                          f"{FIELDS[key]}：“{value}”应为{low}至{high}之间的整数（天）")])
    return n
def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValidationError([FieldError(key, FIELDS[key], value, f"{FIELDS[key]}：应为“是”或“否”")])


def _normalise(key: str, value: Any) -> Any:
    if key in DATE_LISTS:
        return _dates(key, value)
    if key in INTS:
        return _int(key, value)
    if key in BOOLS:
        return _bool(key, value)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError([FieldError(key, FIELDS[key], value, f"{FIELDS[key]}：应为文字")])
    value = value.strip()
    if key == "default_policy_id" and value:
        from talentdesk.services.benefits.packs import load_pack

        load_pack(value)  # raises a Chinese error for an unknown id
    return value


def parse_value(name: str, text: str) -> tuple[str, Any]:
    """``("经办人签字", "王芳")`` → ``("signatory_clerk", "王芳")``; date lists from "2025-01-01,2025-01-02"."""
    key = _key(name)
    return key, _normalise(key, text)


def _load(session) -> dict[str, Any]:
    stored = {}
    for row in session.execute(select(Setting).where(Setting.key.in_(list(FIELDS)))).scalars():
        try:
            stored[row.key] = json.loads(row.value)
        except ValueError:
            continue
    return stored


def _build(stored: dict[str, Any]) -> OfficeSettings:
    s = OfficeSettings()
    for k, v in stored.items():
        if k in DATE_LISTS:
            try:
                v = [dt.date.fromisoformat(x) for x in v]
            except (TypeError, ValueError):
                continue
        if k in INTS and (not isinstance(v, int) or isinstance(v, bool)):
            continue
        if k in BOOLS:
            v = v is True
        setattr(s, k, v)
    return s


def read_settings(session) -> OfficeSettings:
    """Inside a service's own session (no new transaction)."""
    return _build(_load(session))


def get_settings(ctx: ServiceContext) -> OfficeSettings:
    with ctx.read() as session:
        return read_settings(session)


def save_settings(ctx: ServiceContext, **changes: Any) -> OfficeSettings:
    """Change some settings (keys or Chinese labels). Admin only when accounts exist.

    Values: text, or for the date lists a list of dates / ISO strings / one
    comma-separated string. Unknown keys and bad dates raise ValidationError.
    """
    permissions.require(ctx, "settings.write")
    normalised = {}
    for name, value in changes.items():
        key = _key(name)
        normalised[key] = _normalise(key, value)
    with ctx.write() as session:
        before = read_settings(session)
        old = before.as_dict()
        for key, value in normalised.items():
            text = json.dumps([d.isoformat() for d in value] if key in DATE_LISTS else value, ensure_ascii=False)
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=text))
            else:
                row.value = text
        session.flush()
        after = read_settings(session)
        audit.record_update(session, ctx.actor, "setting", "office", old, after.as_dict())
        return after
