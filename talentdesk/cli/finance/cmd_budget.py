"""``talentdesk budget set|list|forecast|export``: 人才开发资金预算 and the 资金测算
(阿拉善盟办法 第四十八条; talentdesk.services.finance.budget)."""

from __future__ import annotations

import datetime as dt

from talentdesk.domain.errors import FieldError, ValidationError


def _fen(text: str) -> int:
    from talentdesk.domain import money

    try:
        return money.parse_yuan(text)
    except ValueError as exc:
        raise ValidationError([FieldError("amount", "预算金额", text, f"预算金额：{exc}")]) from None


def _yuan(fen) -> str:
    from talentdesk.domain import money

    return "—" if fen is None else money.yuan(fen)


def cmd_set(args, app) -> int:
    from talentdesk.services.finance import budget

    v = budget.set_line(app.context(), year=args.year, level=args.level, amount_fen=_fen(args.amount),
                        source=args.source, doc_no=args.doc_no, note=args.note)
    if app.json:
        app.print_json(v.as_dict())
    else:
        app.out(f"已保存：#{v.id}\t{v.year}年\t{v.level_label}\t{v.source}\t{_yuan(v.amount_fen)}元"
                f"\t文号{v.doc_no or '—'}\t调整{v.amendments}次")
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.finance import budget

    rows = budget.list_lines(app.context(), years=[args.year] if args.year else None)
    if app.json:
        app.print_json({"lines": [v.as_dict() for v in rows]})
        return 0
    app.out(f"共 {len(rows)} 条预算")
    for v in rows:
        app.out(f"#{v.id}\t{v.year}年\t{v.level_label}\t{v.source}\t{_yuan(v.amount_fen)}元\t文号{v.doc_no or '—'}"
                f"\t调整{v.amendments}次" + (f"\t{v.note}" if v.note else ""))
    return 0


def cmd_forecast(args, app) -> int:
    from talentdesk.services.finance import budget

    fc = budget.forecast(app.context(), args.year or dt.date.today().year, args.years,
                         estimate=not args.no_estimate)
    if app.json:
        app.print_json(fc.as_dict())
        return 0
    app.out(f"资金测算（{budget.BASIS}；年度按各期应发日期归属；测算日{fc.as_of}）")
    app.out("年度\t层级\t预算\t已发放\t已批准未发放\t已申报未批准\t测算应享未申报\t结余")
    for year in fc.years:
        for c in [fc.cell(year, lv) for lv in fc.levels] + [fc.total(year)]:
            bal = budget.NO_BUDGET if c.appropriation_fen is None else _yuan(c.balance_fen)
            flag = "\t超支" if c.over_committed else ""
            app.out(f"{year}\t{c.level_label or '合计'}\t{_yuan(c.appropriation_fen)}\t{_yuan(c.paid_fen)}"
                    f"\t{_yuan(c.approved_fen)}\t{_yuan(c.proposed_fen)}\t{_yuan(c.likely_fen)}\t{bal}{flag}")
    for p in fc.pending:
        app.out(f"待定（不计金额）：{p.text}")
    for w in fc.warnings:
        app.out(f"注意：{w}")
    return 0


def cmd_export(args, app) -> int:
    from talentdesk.services.finance import budget

    res = budget.export_forecast(app.context(), args.out, args.year or dt.date.today().year, args.years)
    if app.json:
        app.print_json(res.as_dict())
    else:
        app.out(f"已导出资金测算表：{res.path}（{res.rows} 行）")
        for w in res.warnings:
            app.out(f"注意：{w}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("budget", help="人才开发资金预算与资金测算（阿拉善盟办法第四十八条）")
    s = p.add_subparsers(dest="budget_command", metavar="操作", required=True)
    st = s.add_parser("set", help="编制或调整某年度某层级的预算（已有则调整，保留历史）")
    st.add_argument("year", type=int, metavar="年度")
    st.add_argument("level", choices=["league", "banner", "city", "local"],
                    help="资金层级：league 盟级、banner 旗（区）级、city 市级、local 属地")
    st.add_argument("amount", metavar="金额（元）")
    st.add_argument("--source", default=None, metavar="资金来源", help="默认“人才开发资金”")
    st.add_argument("--doc-no", default=None, metavar="文号")
    st.add_argument("--note", default=None, metavar="备注")
    st.set_defaults(func=cmd_set)
    ls = s.add_parser("list", help="列出预算")
    ls.add_argument("--year", type=int, metavar="年度")
    ls.set_defaults(func=cmd_list)
    fc = s.add_parser("forecast", help="资金测算：预算对比已发放、已批准、已申报和测算应享")
    fc.add_argument("--year", type=int, metavar="起始年度", help="默认今年")
    fc.add_argument("--years", type=int, default=4, metavar="年数", help="默认4年")
    fc.add_argument("--no-estimate", action="store_true", help="不按规则测算未申报的应享待遇（快）")
    fc.set_defaults(func=cmd_forecast)
    ex = s.add_parser("export", help="导出资金测算表（Excel）")
    ex.add_argument("out", metavar="文件")
    ex.add_argument("--year", type=int, metavar="起始年度", help="默认今年")
    ex.add_argument("--years", type=int, default=4, metavar="年数")
    ex.set_defaults(func=cmd_export)
