"""``talentdesk recognition propose|confirm|revoke|list``: the 人才分类认定 register
(阿党人才字〔2023〕2号 第二十条: a recognition takes effect once confirmed; 第三十六条:
revoked) — talentdesk.services.register.recognitions."""

from __future__ import annotations

from talentdesk.cli.args import parse_date


def _line(v) -> str:
    text = (f"#{v.id}\t{v.status_label}\t{v.name}（{v.id_number}）\t{v.scheme}\t{v.tier_label}\t文号{v.doc_no}"
            f"\t{v.body}\t认定{v.recognised_on}" + (f"\t有效期至{v.valid_until}" if v.valid_until else "")
            + f"\t登记：{v.proposed_by or '—'}")
    if v.confirmed_on:
        text += f"\t{v.confirmed_on}由{v.confirmed_by or '—'}确认"
    if v.revoked_on:
        text += f"\t{v.revoked_on}由{v.revoked_by or '—'}撤销：{v.revoke_reason}"
    return text


def _show(app, v, what: str) -> int:
    if app.json:
        app.print_json(v.as_dict())
    else:
        app.out(f"{what}：{_line(v)}")
    return 0


def cmd_propose(args, app) -> int:
    from talentdesk.services.register import recognitions

    v = recognitions.propose(app.context(), talent=args.talent, scheme=args.scheme, tier=args.tier,
                             doc_no=args.doc_no, recognised_on=parse_date(args.on, "认定日期"), body=args.body,
                             valid_until=parse_date(args.until, "有效期至"))
    return _show(app, v, "已登记（待确认，确认后生效）")


def cmd_confirm(args, app) -> int:
    from talentdesk.services.register import recognitions

    v = recognitions.confirm(app.context(), args.recognition_id, confirmed_on=parse_date(args.on, "确认日期"))
    return _show(app, v, "已确认")


def cmd_revoke(args, app) -> int:
    from talentdesk.services.register import recognitions

    v = recognitions.revoke(app.context(), args.recognition_id, args.reason, revoked_on=parse_date(args.on, "撤销日期"))
    return _show(app, v, "已撤销")


def cmd_list(args, app) -> int:
    from talentdesk.services.register import recognitions

    rows = recognitions.list_recognitions(app.context(), status=args.status, scheme=args.scheme, talent=args.talent)
    if app.json:
        app.print_json({"recognitions": [v.as_dict() for v in rows]})
        return 0
    app.out(f"共 {len(rows)} 条")
    for v in rows:
        app.out(_line(v))
    return 0


def register(sub) -> None:
    from talentdesk.domain import recognition as schemes

    p = sub.add_parser("recognition", help="人才分类认定（第二十条：审核确认后生效；第三十六条：撤销）")
    s = p.add_subparsers(dest="recognition_command", metavar="操作", required=True)
    pr = s.add_parser("propose", help="登记认定（待确认）")
    pr.add_argument("talent", metavar="身份证号")
    pr.add_argument("--scheme", required=True, choices=list(schemes.SCHEMES), metavar="认定类型",
                    help="、".join(schemes.SCHEMES))
    pr.add_argument("--tier", required=True, metavar="类别或层次", help="A–E、一类–七类或项目名称")
    pr.add_argument("--doc-no", required=True, metavar="认定文号")
    pr.add_argument("--on", required=True, metavar="认定日期")
    pr.add_argument("--body", metavar="认定机构", help="默认为该认定类型的主管办公室")
    pr.add_argument("--until", metavar="有效期至", help="不填为长期")
    pr.set_defaults(func=cmd_propose)
    co = s.add_parser("confirm", help="审核确认（须由登记人以外的审核人）")
    co.add_argument("recognition_id", type=int, metavar="记录编号")
    co.add_argument("--on", metavar="确认日期", help="默认今天")
    co.set_defaults(func=cmd_confirm)
    rv = s.add_parser("revoke", help="撤销认定（记录保留）")
    rv.add_argument("recognition_id", type=int, metavar="记录编号")
    rv.add_argument("--reason", required=True, metavar="撤销原因")
    rv.add_argument("--on", metavar="撤销日期", help="默认今天")
    rv.set_defaults(func=cmd_revoke)
    ls = s.add_parser("list", help="列出认定记录")
    ls.add_argument("--status", metavar="状态", help="待确认、有效、已过期、已撤销")
    ls.add_argument("--scheme", metavar="认定类型")
    ls.add_argument("--talent", metavar="身份证号")
    ls.set_defaults(func=cmd_list)
