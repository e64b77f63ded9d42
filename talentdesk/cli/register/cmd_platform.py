"""``talentdesk platform add|list|show|revoke``: 平台载体 — platforms, workstations, bases,
studios and teams a pack may pay (阿拉善 第二十四、二十七、二十九、三十、三十一、三十四条);
their grants: ``talentdesk grant propose --platform ID``."""

from __future__ import annotations

from talentdesk.cli.args import parse_date
from talentdesk.domain import money


def _show(app, p) -> None:
    app.out(f"[{p.id}] {p.name}  {p.kind}" + (f"／{p.category}" if p.category else "")
            + (f"  {p.level}" if p.level else "") + f"  {p.status_label}")
    app.out(f"    依托单位：{p.employer_name or '—'}  认定机构：{p.body or '—'}  认定文号：{p.doc_no or '—'}"
            f"  认定日期：{p.recognised_on or '—'}")


def cmd_add(args, app) -> int:
    from talentdesk.services.register import platforms

    p = platforms.add(app.context(), args.name, kind=args.kind, category=args.category, employer=args.employer,
                      level=args.level, body=args.body, doc_no=args.doc_no,
                      recognised_on=parse_date(args.recognised_on, "认定日期"), remarks=args.remarks)
    if app.json:
        app.print_json(p.as_dict())
    else:
        app.out("已登记平台载体：")
        _show(app, p)
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.register import platforms

    rows = platforms.list_all(app.context(), employer=args.employer, status=args.status)
    if app.json:
        app.print_json({"platforms": [p.as_dict() for p in rows]})
        return 0
    app.out(f"共 {len(rows)} 个平台载体")
    for p in rows:
        _show(app, p)
    return 0


def cmd_show(args, app) -> int:
    from talentdesk.services.benefits import grants
    from talentdesk.services.register import platforms

    ctx = app.context()
    p = platforms.find(ctx, args.platform)
    rows = grants.list_grants(ctx, platform=p.id)
    if app.json:
        app.print_json(p.as_dict() | {"grants": [g.as_dict() for g in rows]})
        return 0
    _show(app, p)
    for g in rows:
        app.out(f"    奖补[{g.id}] {g.benefit_name}  {money.yuan(g.total_fen) if g.total_fen is not None else '—'}元"
                f"  {g.status_label}  已发放 {money.yuan(g.paid_fen)}元")
    return 0


def cmd_revoke(args, app) -> int:
    from talentdesk.services.register import platforms

    p = platforms.revoke(app.context(), int(args.platform_id), args.reason)
    app.print_json(p.as_dict()) if app.json else _show(app, p)
    return 0


def register(sub) -> None:
    from talentdesk.models.duties.platform import PLATFORM_KINDS
    from talentdesk.services.register.platforms import CATEGORIES, LEVELS

    p = sub.add_parser("platform", help="平台载体（工作站、基地、工作室、团队）")
    s = p.add_subparsers(dest="platform_command", metavar="操作", required=True)
    add = s.add_parser("add", help="登记一个平台载体")
    add.add_argument("name", metavar="名称")
    add.add_argument("--kind", required=True, choices=list(PLATFORM_KINDS), help="类别")
    add.add_argument("--category", help="平台类型（政策据此判断），如：" + "、".join(CATEGORIES[:6]) + " …")
    add.add_argument("--employer", help="依托单位名称")
    add.add_argument("--level", choices=list(LEVELS), help="认定级别")
    add.add_argument("--body", help="认定机构")
    add.add_argument("--doc-no", help="认定文号")
    add.add_argument("--recognised-on", help="认定（建立）日期")
    add.add_argument("--remarks", help="备注")
    add.set_defaults(func=cmd_add)
    ls = s.add_parser("list", help="列出平台载体")
    ls.add_argument("--employer", help="依托单位名称")
    ls.add_argument("--status", choices=["active", "revoked"])
    ls.set_defaults(func=cmd_list)
    sh = s.add_parser("show", help="显示一个平台载体及其奖补")
    sh.add_argument("platform", metavar="编号或名称")
    sh.set_defaults(func=cmd_show)
    rv = s.add_parser("revoke", help="撤销平台载体的认定（保留记录，不再申请奖补）")
    rv.add_argument("platform_id", metavar="编号")
    rv.add_argument("--reason", required=True, help="撤销原因")
    rv.set_defaults(func=cmd_revoke)
