"""``talentdesk depart preview|record|recover|list|show|recompute``."""

from __future__ import annotations

from talentdesk.cli.benefits.cmd_grant import parse_date
from talentdesk.domain import idcard, money
from talentdesk.domain.errors import TalentDeskError


def _preview_text(app, p) -> None:
    app.out(f"{p.name}（{p.id_number}）{p.departed_on}离开" + (f"，服务期至{p.service_end}" if p.service_end else ""))
    app.out(f"已领取合计：{money.yuan(p.received_fen)}元；应退回：{p.refund_words('元')}")
    for b in p.benefits:
        app.out(f"  {b.benefit_name}：已领取{money.yuan(b.received_fen)}元，应退回{b.refund_words('元')}"
                + (f"（{b.explanation}）" if b.explanation else ""))
    if p.basis:
        app.out(f"  依据：{'；'.join(p.basis)}")
    if p.to_cancel:
        app.out(f"将取消 {len(p.to_cancel)} 期，合计 {money.yuan(sum(c.amount_fen for c in p.to_cancel))}元：")
        for c in p.to_cancel:
            app.out(f"  #{c.installment_id} {c.benefit_name}第{c.seq}期 {c.due_date} {money.yuan(c.amount_fen)}元")
    for w in p.warnings:
        app.out(f"注意：{w}")


def _view_text(app, d, full: bool = True) -> None:
    app.out(f"[{d.id}] {d.name}（{d.id_number if full else idcard.mask(d.id_number)}）{d.employer or ''} "
            f"{d.departed_on}离开  应退回{d.refund_words('元')}  已追回{money.yuan(d.recovered_fen)}元  "
            f"未追回{money.yuan(d.outstanding_fen)}元" + (f"  原因：{d.reason}" if d.reason else ""))
    for r in d.recoveries:
        app.out(f"    追回 {r.recovered_on} {money.yuan(r.amount_fen)}元 {r.voucher_no or ''}")


def cmd_preview(args, app) -> int:
    from talentdesk.services.benefits import departures

    p = departures.preview(app.context(), args.id_number, parse_date(args.date, "离职日期"))
    app.print_json(p.as_dict()) if app.json else _preview_text(app, p)
    return 0


def cmd_record(args, app) -> int:
    from talentdesk.services.benefits import departures

    ctx = app.context()
    day = parse_date(args.date, "离职日期")
    future = None if args.confirm_future else departures.future_question(day)
    if not args.yes:
        p = departures.preview(ctx, args.id_number, day)
        ask = "请核对后加上 --yes" + (" --confirm-future" if future else "") + " 再执行离职登记"
        if app.json:
            app.print_json(p.as_dict() | {"recorded": False, "error": ask})
        else:
            _preview_text(app, p)
            if future:
                app.out(f"注意：{future.removesuffix('，确定登记？')}")
            app.out(ask)
        return 1
    if future:
        raise TalentDeskError(f"{future.removesuffix('，确定登记？')}：确需提前登记请加上 --confirm-future")
    d = departures.record(ctx, args.id_number, day, args.reason, confirm_future=args.confirm_future)
    app.print_json(d.as_dict()) if app.json else _view_text(app, d)
    return 0


def cmd_recover(args, app) -> int:
    from talentdesk.services.benefits import departures

    try:
        amount = money.parse_yuan(args.amount)
    except Exception:
        raise TalentDeskError(f"追回金额：“{args.amount}”不是有效金额（单位：元）") from None
    d = departures.record_recovery(app.context(), args.departure_id, amount, parse_date(args.date, "追回日期"),
                                   args.voucher, args.remarks)
    app.print_json(d.as_dict()) if app.json else _view_text(app, d)
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.benefits import departures

    rows = departures.list_departures(app.context(), outstanding_only=args.outstanding)
    if app.json:
        out = [d.as_dict() for d in rows]
        if not args.full:
            for x in out:
                x["身份证号"] = idcard.mask(x["身份证号"])
        app.print_json({"total": len(out), "outstanding_fen": sum(d.outstanding_fen for d in rows), "departures": out})
        return 0
    app.out(f"共 {len(rows)} 人，未追回合计 {money.yuan(sum(d.outstanding_fen for d in rows))}元")
    for d in rows:
        _view_text(app, d, args.full)
    return 0


def cmd_show(args, app) -> int:
    from talentdesk.services.benefits import departures

    d = departures.get_departure(app.context(), args.departure_id)
    app.print_json(d.as_dict()) if app.json else _view_text(app, d)
    return 0


def cmd_recompute(args, app) -> int:
    from talentdesk.domain import money
    from talentdesk.services.benefits import departures

    changed = departures.recompute(app.context(), args.departure_id)
    if app.json:
        app.print_json({"changed": [d.as_dict() for d in changed]})
        return 0
    for d in changed:
        app.out(f"{d.name}（离职记录{d.id}）：应退回 {d.refund_words(' 元')}；依据：{d.basis}")
    app.out(f"重新测算完成，{len(changed)} 条离职记录的应退回金额或依据有变化（已追回结清的不再变动）")
    return 0


def register(sub) -> None:
    p = sub.add_parser("depart", help="离职登记和追回")
    s = p.add_subparsers(dest="depart_command", metavar="操作", required=True)

    pv = s.add_parser("preview", help="测算离职影响：取消的分期、应退回金额及依据（不保存）")
    pv.add_argument("id_number", metavar="身份证号")
    pv.add_argument("date", metavar="离职日期")
    pv.set_defaults(func=cmd_preview)

    rc = s.add_parser("record", help="办理离职登记（先显示影响，加 --yes 执行）")
    rc.add_argument("id_number", metavar="身份证号")
    rc.add_argument("date", metavar="离职日期")
    rc.add_argument("--reason", help="离职原因")
    rc.add_argument("--yes", action="store_true", help="确认执行")
    rc.add_argument("--confirm-future", action="store_true", help="离职日期晚于今天（已提出离职）时确认登记")
    rc.set_defaults(func=cmd_record)

    rv = s.add_parser("recover", help="登记追回款：离职记录编号 金额（元）")
    rv.add_argument("departure_id", type=int, metavar="离职记录编号")
    rv.add_argument("amount", metavar="金额（元）")
    rv.add_argument("--date", required=True, help="追回日期")
    rv.add_argument("--voucher", help="凭证号")
    rv.add_argument("--remarks", help="备注")
    rv.set_defaults(func=cmd_recover)

    ls = s.add_parser("list", help="离职人员及应退回、已追回、未追回金额")
    ls.add_argument("--outstanding", action="store_true", help="只列出尚有未追回款的")
    ls.add_argument("--full", action="store_true", help="显示完整身份证号")
    ls.set_defaults(func=cmd_list)

    sh = s.add_parser("show", help="显示一条离职记录及追回明细")
    sh.add_argument("departure_id", type=int, metavar="离职记录编号")
    sh.set_defaults(func=cmd_show)

    rp = s.add_parser("recompute", help="按实际发放重新测算应退回金额和依据（未结清的离职记录；记入审计）")
    rp.add_argument("departure_id", type=int, nargs="?", metavar="离职记录编号", help="默认：全部未结清的")
    rp.set_defaults(func=cmd_recompute)
