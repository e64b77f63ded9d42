"""``talentdesk pay list|propose|approve|reject|paid|confirm|reverse|suspend|resume``."""

from __future__ import annotations

from talentdesk.cli.benefits.cmd_grant import parse_date, read_rows, report_rows
from talentdesk.domain import idcard, money


def _line(r, full: bool) -> str:
    number = r.id_number if full else idcard.mask(r.id_number)
    split = "，".join(f"{k}{money.yuan(v)}" for k, v in r.as_dict()["funding_labels"].items())
    return (f"#{r.id}\t{r.due_date}\t{r.talent_name}\t{number}\t{r.employer or ''}\t{r.benefit_name}第{r.seq}期\t"
            f"{money.yuan(r.amount_fen)}元\t{r.status_label}\t{split}"
            + (f"\t条件：{r.condition}" if r.condition else "") + (f"\t{r.status_reason}" if r.status_reason else "")
            + (f"\t{r.paid_date} {r.voucher_no or ''}" if r.paid_date else ""))


def _row_json(r, full: bool) -> dict:
    d = r.as_dict()
    if not full:
        d["身份证号"] = idcard.mask(d["身份证号"])
    return d


def cmd_list(args, app) -> int:
    from talentdesk.services.benefits import payments

    filters = dict(month=args.month, date_from=parse_date(args.date_from, "起始日期"),
                   date_to=parse_date(args.date_to, "截止日期"), funding_level=args.level, status=args.status,
                   benefit_code=args.benefit, talent=args.talent)
    ctx = app.context()
    count, total = payments.count_installments(ctx, **filters)
    rows = payments.list_installments(ctx, **filters, limit=args.limit, offset=args.offset)
    if app.json:
        app.print_json({"total": count, "amount_fen": total, "installments": [_row_json(r, args.full) for r in rows]})
        return 0
    app.out(f"共 {count} 期，合计 {money.yuan(total)} 元" + (f"，显示 {len(rows)} 期" if len(rows) < count else ""))
    for r in rows:
        app.out(_line(r, args.full))
    return 0


def _batch(app, result) -> int:
    if app.json:
        app.print_json(result.as_dict())
    else:
        for r in result.results:
            app.out(("✓ " if r.ok else "✗ ") + r.message)
        app.out(f"完成 {len(result.done)} 期，未处理 {len(result.refused)} 期")
    return 3 if result.refused else 0


def cmd_propose(args, app) -> int:
    from talentdesk.services.benefits import payments

    return _batch(app, payments.propose(app.context(), args.ids, as_of=parse_date(args.as_of, "计算日期")))


def cmd_approve(args, app) -> int:
    from talentdesk.services.benefits import payments

    return _batch(app, payments.approve(app.context(), args.ids, as_of=parse_date(args.as_of, "计算日期")))


def cmd_reject(args, app) -> int:
    from talentdesk.services.benefits import payments

    return _batch(app, payments.reject(app.context(), args.ids, args.reason))


def cmd_suspend(args, app) -> int:
    from talentdesk.services.benefits import payments

    return _batch(app, payments.suspend(app.context(), args.ids, args.reason))


def cmd_resume(args, app) -> int:
    from talentdesk.services.benefits import payments

    return _batch(app, payments.resume(app.context(), args.ids))


def cmd_paid(args, app) -> int:
    from talentdesk.services.benefits import payments

    r = payments.record_paid(app.context(), args.installment_id, parse_date(args.date, "发放日期"), args.voucher)
    if app.json:
        app.print_json(_row_json(r, True))
    else:
        app.out("已登记发放：" + _line(r, True))
    return 0


def cmd_reverse(args, app) -> int:
    from talentdesk.services.benefits import payments

    r = payments.reverse(app.context(), args.installment_id, args.reason, reversed_on=parse_date(args.date, "冲销日期"),
                         voucher_no=args.voucher)
    if app.json:
        app.print_json(_row_json(r, True))
    else:
        app.out(f"已冲销 #{args.installment_id}，冲销记录：" + _line(r, True))
    return 0


def cmd_confirm(args, app) -> int:
    from talentdesk.services.benefits import payments

    rows = read_rows(args.from_json, "身份证号、待遇项目、期次或应发日期、金额（分）、发放日期、凭证号")
    res = payments.confirm_many(app.context(), rows, all_or_nothing=not args.partial)
    if app.dry_run:  # the real path ran on a rehearsal: nothing was saved
        if app.json:
            app.print_json(res.as_dict() | {"dry_run": True, "committed": False, "would_commit": res.committed})
        else:
            for r in res.rows:
                app.out(f"第{r.row}行：" + ("✓ " if r.ok else "✗ ") + r.message)
            app.out(f"试运行（未保存）：正式运行将登记 {res.confirmed} 行，未改动 {res.unchanged} 行，错误 {res.errors} 行"
                    if res.committed else f"试运行（未保存）：正式运行时因有错误将全部不保存，错误 {res.errors} 行")
        return 3 if res.errors else 0
    return report_rows(app, res, res.confirmed)


def register(sub) -> None:
    p = sub.add_parser("pay", help="分期发放：查询、提交、审核、登记、冲销")
    s = p.add_subparsers(dest="pay_command", metavar="操作", required=True)

    ls = s.add_parser("list", help="列出分期（应发日期、金额、资金分担、状态）")
    ls.add_argument("--month", help="应发月份，如 2024-06")
    ls.add_argument("--from", dest="date_from", help="应发日期起")
    ls.add_argument("--to", dest="date_to", help="应发日期止")
    ls.add_argument("--level", choices=["league", "banner", "city", "local"], help="资金层级")
    ls.add_argument("--status", help="状态代码：scheduled/proposed/approved/paid/suspended/cancelled/reversed")
    ls.add_argument("--benefit", help="待遇代码")
    ls.add_argument("--talent", metavar="身份证号")
    ls.add_argument("--limit", type=int, default=500)
    ls.add_argument("--offset", type=int, default=0)
    ls.add_argument("--full", action="store_true", help="显示完整身份证号")
    ls.set_defaults(func=cmd_list)

    pr = s.add_parser("propose", help="提交发放（经办人）：已批准、本月到期且按政策可发放的分期")
    pr.add_argument("ids", nargs="+", type=int, metavar="分期编号")
    pr.add_argument("--as-of", help="提交日期（默认今天；可提交该月及以前到期的分期，不能晚于本月）")
    pr.set_defaults(func=cmd_propose)

    ap = s.add_parser("approve", help="审核发放（审核人，不能是提交人本人）：本月到期且按政策可发放的分期")
    ap.add_argument("ids", nargs="+", type=int, metavar="分期编号")
    ap.add_argument("--as-of", help="审核日期（默认今天；可审核该月及以前到期的分期，不能晚于本月）")
    ap.set_defaults(func=cmd_approve)

    rj = s.add_parser("reject", help="退回已提交或已审核、尚未发放的分期")
    rj.add_argument("ids", nargs="+", type=int, metavar="分期编号")
    rj.add_argument("--reason", required=True, help="退回原因")
    rj.set_defaults(func=cmd_reject)

    pd = s.add_parser("paid", help="登记已发放：分期编号 --date 发放日期 --voucher 凭证号（发放日期不早于应发日期，"
                                   "或按设置“提前登记发放天数”）")
    pd.add_argument("installment_id", type=int, metavar="分期编号")
    pd.add_argument("--date", required=True, help="发放日期")
    pd.add_argument("--voucher", help="会计凭证号")
    pd.set_defaults(func=cmd_paid)

    cf = s.add_parser("confirm", help="批量登记发放结果（JSON 行：身份证号、待遇项目、期次或应发日期、金额（分）、发放日期、凭证号）")
    cf.add_argument("--from-json", required=True, help="JSON 文件")
    cf.add_argument("--partial", action="store_true", help="保存正确的行（默认：有错误则全部不保存）")
    cf.add_argument("--dry-run", action="store_true", help="试运行：按正式登记检查并显示结果，不保存")
    cf.set_defaults(func=cmd_confirm)

    rv = s.add_parser("reverse", help="冲销已发放的分期（生成负数冲销记录，原记录不变）")
    rv.add_argument("installment_id", type=int, metavar="分期编号")
    rv.add_argument("--reason", required=True, help="冲销原因")
    rv.add_argument("--date", help="冲销日期（默认今天）")
    rv.add_argument("--voucher", help="冲销凭证号")
    rv.set_defaults(func=cmd_reverse)

    sp = s.add_parser("suspend", help="暂停发放（审核人）")
    sp.add_argument("ids", nargs="+", type=int, metavar="分期编号")
    sp.add_argument("--reason", required=True, help="暂停原因")
    sp.set_defaults(func=cmd_suspend)

    rs = s.add_parser("resume", help="恢复已暂停的分期")
    rs.add_argument("ids", nargs="+", type=int, metavar="分期编号")
    rs.set_defaults(func=cmd_resume)
