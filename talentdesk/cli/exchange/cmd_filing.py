"""``talentdesk filing show|export KIND --from D --to D``: the 备案 lists for the league
office (talentdesk.services.exchange.filings): new rigid hires, flexible introductions,
departures and recoveries in a period."""

from __future__ import annotations

from talentdesk.cli.args import parse_date


def _period(args):
    return parse_date(args.date_from, "开始日期"), parse_date(args.date_to, "结束日期")


def cmd_show(args, app) -> int:
    from talentdesk.services.exchange import filings

    date_from, date_to = _period(args)
    form = filings.filing(app.context(), args.kind, date_from, date_to)
    if app.json:
        app.print_json({"kind": form.kind, "name": form.name, "from": form.date_from, "to": form.date_to,
                        "basis": form.basis, "columns": [c.label for c in form.columns],
                        "rows": [list(r) for r in form.rows], "notes": form.notes})
        return 0
    app.out(f"{form.title}（{form.period}，共 {len(form.rows)} 条）")
    app.out(f"依据：{form.basis}")
    app.out("\t".join(c.label for c in form.columns))
    for r in form.rows:
        app.out("\t".join("" if v is None else f"{v / 100:.2f}" if c.kind == "money" else str(v)
                          for v, c in zip(r, form.columns)))
    for note in form.notes:
        app.out(note)
    return 0


def cmd_export(args, app) -> int:
    from talentdesk.cli.exchange.cmd_export import mask_option
    from talentdesk.fileio import check_output
    from talentdesk.services.exchange import filings

    check_output(args.out)
    date_from, date_to = _period(args)
    res = filings.export(app.context(), args.kind, args.out, date_from=date_from, date_to=date_to,
                         mask=mask_option(args))
    if app.json:
        app.print_json(res.as_dict())
    else:
        app.out(f"已导出 {res.rows} 条到 {res.path}" + (f"（{res.pages} 页）" if res.pages else ""))
    return 0


def register(sub) -> None:
    from talentdesk.cli.exchange.cmd_export import add_mask_options
    from talentdesk.services.exchange.filings import KINDS

    kinds = "，".join(f"{k}={v[0]}" for k, v in KINDS.items())
    p = sub.add_parser("filing", help="报盟委人才办的备案表（新引进刚性人才、柔性引进人才、离职及追回、待确认人才认定）")
    s = p.add_subparsers(dest="filing_command", metavar="操作", required=True)
    for name, func, text in (("show", cmd_show, "显示备案表"), ("export", cmd_export, "导出备案表（.xlsx 或 .pdf）")):
        q = s.add_parser(name, help=text)
        q.add_argument("kind", choices=list(KINDS), metavar="种类", help=kinds)
        q.add_argument("--from", dest="date_from", required=True, metavar="开始日期")
        q.add_argument("--to", dest="date_to", required=True, metavar="结束日期")
        if name == "export":
            q.add_argument("out", metavar="文件", help="OUT.xlsx 或 OUT.pdf")
            add_mask_options(q)
        q.set_defaults(func=func)
