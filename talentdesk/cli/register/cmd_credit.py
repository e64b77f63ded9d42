"""``talentdesk credit add|lift|list``: the 失信名单 (条例 第六十六条) — talents and employers
that get no new support for a period (talentdesk.services.register.credit)."""

from __future__ import annotations

from talentdesk.cli.args import parse_date


def _line(v) -> str:
    who = f"{v.kind_label}{v.name}" + (f"（{v.id_number}）" if v.id_number else "")
    text = f"#{v.id}\t{v.state_label}\t{who}\t{v.period}\t文号{v.doc_no}\t事由：{v.basis}\t登记：{v.recorded_by or '—'}"
    if v.lifted_on:
        text += f"\t{v.lifted_on}由{v.lifted_by or '—'}解除：{v.lift_reason}"
    return text


def cmd_add(args, app) -> int:
    from talentdesk.services.register import credit

    v = credit.add(app.context(), talent=args.talent, employer=args.employer, start=parse_date(args.start, "开始日期"),
                   end=parse_date(args.end, "结束日期"), basis=args.basis, doc_no=args.doc_no)
    if app.json:
        app.print_json(v.as_dict())
    else:
        app.out(f"已列入失信名单：{_line(v)}")
    return 0


def cmd_lift(args, app) -> int:
    from talentdesk.services.register import credit

    v = credit.lift(app.context(), args.entry_id, args.reason, lifted_on=parse_date(args.on, "解除日期"))
    if app.json:
        app.print_json(v.as_dict())
    else:
        app.out(f"已解除：{_line(v)}")
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.register import credit

    rows = credit.list_entries(app.context(), history=args.all)
    if app.json:
        app.print_json({"entries": [v.as_dict() for v in rows]})
        return 0
    app.out(f"共 {len(rows)} 条" + ("（含已期满、已解除的）" if args.all else "（现行）"))
    for v in rows:
        app.out(_line(v))
    return 0


def register(sub) -> None:
    p = sub.add_parser("credit", help="失信名单（条例第六十六条：失信期间不得给予新的支持）")
    s = p.add_subparsers(dest="credit_command", metavar="操作", required=True)
    add = s.add_parser("add", help="列入失信名单：--talent 身份证号 或 --employer 单位名称")
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--talent", metavar="身份证号")
    who.add_argument("--employer", metavar="单位名称")
    add.add_argument("--from", dest="start", required=True, metavar="开始日期")
    add.add_argument("--to", dest="end", metavar="结束日期", help="不填为长期")
    add.add_argument("--basis", required=True, metavar="事由", help="失信事由（依据）")
    add.add_argument("--doc-no", required=True, metavar="文号")
    add.set_defaults(func=cmd_add)
    lift = s.add_parser("lift", help="解除失信名单记录（记录保留）")
    lift.add_argument("entry_id", type=int, metavar="记录编号")
    lift.add_argument("--reason", required=True, metavar="解除原因")
    lift.add_argument("--on", metavar="解除日期", help="默认今天")
    lift.set_defaults(func=cmd_lift)
    ls = s.add_parser("list", help="列出现行的失信名单记录")
    ls.add_argument("--all", action="store_true", help="含已期满、已解除的记录")
    ls.set_defaults(func=cmd_list)
