"""``talentdesk print approval|batch|review|recovery … [--full|--mask] OUT.pdf``: the printed forms;
``talentdesk print recognition|case|visit|housing --id N OUT.pdf``: the forms of the office's other
registers (人才认定备案表, 人才服务事项办理单, 回访记录表, 人才公寓入住/腾退确认单).

ID numbers and phones are masked unless ``--full``; the approval forms print them in
full when the office setting 审批表打印完整身份证号 is on (``--mask`` masks anyway)."""

from __future__ import annotations

from talentdesk.cli.exchange.cmd_export import add_mask_options, mask_option


def _check(args) -> None:
    from talentdesk.fileio import check_output

    check_output(args.out, force=args.force)


def _done(app, result, what: str) -> int:
    if app.json:
        app.print_json(result.as_dict())
    else:
        app.out(f"已生成{what}：{result.path}，{result.rows} 份，共 {result.pages} 页")
    return 0


def cmd_approval(args, app) -> int:
    from talentdesk.services.exchange import reports

    _check(args)
    r = reports.print_forms(app.context(), "approval", args.out, talent=args.talent, benefit=args.benefit,
                            mask=mask_option(args), employer=args.employer, platform=args.platform)
    return _done(app, r, "人才待遇审批表" if not (args.employer or args.platform) else "单位（平台）奖补审批表")


def cmd_batch(args, app) -> int:
    from talentdesk.services.exchange import reports

    _check(args)
    r = reports.print_forms(app.context(), "batch", args.out, month=args.month, mask=mask_option(args))
    return _done(app, r, "补贴发放审批表")


def cmd_review(args, app) -> int:
    from talentdesk.services.exchange import reports

    _check(args)
    r = reports.print_forms(app.context(), "review", args.out, year=args.year, talent=args.talent, mask=mask_option(args),
                            summary_only=args.summary_only)
    what = ("年度考核汇总报告" if args.summary_only else
            "年度考核汇总报告和登记表" if not args.talent else "年度考核登记表")
    return _done(app, r, what)


def cmd_recovery(args, app) -> int:
    from talentdesk.services.exchange import reports

    _check(args)
    r = reports.print_forms(app.context(), "recovery", args.out, talent=args.talent, mask=mask_option(args))
    return _done(app, r, "追回通知书")


def cmd_register_form(args, app) -> int:
    from talentdesk.services.care import forms

    _check(args)
    r = forms.print_form(app.context(), args.print_command, args.id, args.out, mask=mask_option(args))
    return _done(app, r, forms.FORM_KINDS[args.print_command])


def register(sub) -> None:
    p = sub.add_parser("print", help="打印审批表、考核登记表、通知书和人才服务表单（PDF）")
    s = p.add_subparsers(dest="print_command", metavar="表单", required=True)

    a = s.add_parser("approval", help="人才待遇审批表")
    a.add_argument("--talent", help="人才身份证号（不指定时打印该待遇的全部审批表）")
    a.add_argument("--benefit", help="待遇代码，如 settlement_allowance（不指定时打印该人才的全部待遇）")
    a.add_argument("--employer", help="用人单位名称：打印该单位的单位奖补审批表")
    a.add_argument("--platform", help="平台载体编号或名称：打印该平台的奖补审批表")
    a.set_defaults(func=cmd_approval)

    b = s.add_parser("batch", help="补贴发放审批表（某月应发的全部补贴）")
    b.add_argument("--month", required=True, help="发放月份 YYYY-MM")
    b.set_defaults(func=cmd_batch)

    r = s.add_parser("review", help="年度考核汇总报告和年度考核登记表")
    r.add_argument("--year", type=int, required=True, help="考核年度")
    r.add_argument("--talent", help="只打印这名人才的登记表（身份证号）")
    r.add_argument("--summary-only", action="store_true", help="只打印汇总报告，不含每人一张的登记表")
    r.set_defaults(func=cmd_review)

    c = s.add_parser("recovery", help="追回人才补贴通知书")
    c.add_argument("--talent", required=True, help="人才身份证号")
    c.set_defaults(func=cmd_recovery)

    extra = []
    for kind, name, what in (("recognition", "人才认定备案表", "人才认定记录编号（talentdesk recognition list）"),
                             ("case", "人才服务事项办理单", "服务事项编号（talentdesk case list）"),
                             ("visit", "回访记录表", "走访记录编号（talentdesk visit list）"),
                             ("housing", "人才公寓入住/腾退确认单", "入住记录编号（talentdesk flat list --occupancies）")):
        sp = s.add_parser(kind, help=name)
        sp.add_argument("--id", type=int, required=True, help=what)
        sp.set_defaults(func=cmd_register_form)
        extra.append(sp)

    for sp in (a, b, r, c, *extra):
        add_mask_options(sp)
        sp.add_argument("--force", action="store_true", help="文件已存在时替换它（数据库文件永远不会被覆盖）")
        sp.add_argument("out", metavar="OUT.pdf")
