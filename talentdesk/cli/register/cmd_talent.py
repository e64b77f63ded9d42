"""``talentdesk talent add|list|show|update|delete``."""

from __future__ import annotations

import json
from pathlib import Path

from talentdesk.domain import idcard, roster
from talentdesk.domain.errors import TalentDeskError


def _pairs(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise TalentDeskError(f"参数“{item}”应写成 字段=值，例如 姓名=张伟")
        key, value = item.split("=", 1)
        out[key.strip()] = value
    return out


def _raw_from(args) -> dict:
    raw: dict = {}
    if getattr(args, "from_json", None):
        try:
            raw.update(json.loads(Path(args.from_json).read_text(encoding="utf-8-sig")))
        except (OSError, ValueError) as exc:
            raise TalentDeskError(f"无法读取 {args.from_json}：{exc}") from None
    raw.update(_pairs(args.fields))
    # accept English keys as well as the Chinese labels
    return {roster.BY_KEY[k].label if k in roster.BY_KEY else k: v for k, v in raw.items()}


def _show(app, view) -> None:
    if app.json:
        app.print_json(view.json_row())
        return
    for label, value in view.json_row().items():
        if value not in (None, ""):
            app.out(f"{label}：{value}")


def cmd_add(args, app) -> int:
    from talentdesk.services.register import talents

    view = talents.add(app.context(), _raw_from(args), by="label", policy_id=args.policy)
    if app.json:
        app.print_json(view.json_row())
    else:
        app.out(f"已登记：{view.name}（{view.id_number}）")
    return 0


def cmd_update(args, app) -> int:
    from talentdesk.services.register import talents

    view = talents.update(app.context(), args.id_number, _raw_from(args), by="label", policy_id=args.policy)
    if app.json:
        app.print_json(view.json_row())
    else:
        app.out(f"已修改：{view.name}（{view.id_number}）")
    return 0


def cmd_show(args, app) -> int:
    from talentdesk.services.register import talents

    _show(app, talents.get(app.context(), args.id_number))
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.register import talents

    total, rows = talents.list_talents(app.context(), search=args.search, employer=args.employer,
                                       district=args.district, status=args.status, limit=args.limit,
                                       offset=args.offset)
    if app.json:
        app.print_json({"total": total, "talents": [
            {"姓名": r.name, "身份证号": r.id_number if args.full else idcard.mask(r.id_number), "性别": r.sex,
             "学历": r.education, "用人单位": r.employer, "所属地区": r.district,
             "引进日期": r.introduction_date.isoformat() if r.introduction_date else None,
             "状态": r.status_label} for r in rows]})
        return 0
    app.out(f"共 {total} 人" + (f"，显示 {len(rows)} 人" if len(rows) < total else ""))
    for r in rows:
        number = r.id_number if args.full else idcard.mask(r.id_number)
        app.out(f"{r.name}\t{number}\t{r.education or ''}\t{r.employer or ''}\t{r.status_label}")
    return 0


def cmd_delete(args, app) -> int:
    from talentdesk.services.register import talents

    if not args.yes:
        raise TalentDeskError("删除不可恢复，请确认后加上 --yes 再执行")
    talents.delete(app.context(), args.id_number)
    app.out("已删除")
    return 0


def register(sub) -> None:
    p = sub.add_parser("talent", help="人才登记、查询和修改")
    s = p.add_subparsers(dest="talent_command", metavar="操作", required=True)

    add = s.add_parser("add", help="登记一名人才：字段=值 …（字段用花名册标准列名）")
    add.add_argument("fields", nargs="*", metavar="字段=值")
    add.add_argument("--from-json", help="从 JSON 文件读取（键为标准列名）")
    add.add_argument("--policy", help="适用政策编号，如 alxa-2023")
    add.set_defaults(func=cmd_add)

    upd = s.add_parser("update", help="修改人才信息：身份证号 字段=值 …")
    upd.add_argument("id_number")
    upd.add_argument("fields", nargs="*", metavar="字段=值")
    upd.add_argument("--from-json")
    upd.add_argument("--policy")
    upd.set_defaults(func=cmd_update)

    show = s.add_parser("show", help="显示一名人才的全部信息")
    show.add_argument("id_number")
    show.set_defaults(func=cmd_show)

    ls = s.add_parser("list", help="列出人才（身份证号默认脱敏）")
    ls.add_argument("--search", help="姓名、拼音首字母、身份证号片段或单位")
    ls.add_argument("--employer")
    ls.add_argument("--district")
    ls.add_argument("--status", choices=["active", "departed"])
    ls.add_argument("--limit", type=int, default=200)
    ls.add_argument("--offset", type=int, default=0)
    ls.add_argument("--full", action="store_true", help="显示完整身份证号")
    ls.set_defaults(func=cmd_list)

    rm = s.add_parser("delete", help="删除误登记的人才（已有发放记录的不能删除）")
    rm.add_argument("id_number")
    rm.add_argument("--yes", action="store_true")
    rm.set_defaults(func=cmd_delete)
