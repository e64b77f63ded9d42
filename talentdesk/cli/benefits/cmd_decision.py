"""``talentdesk decision add|list``: the office's 一事一议 decisions and its decisions on the
cases a text hands over (另行规定, 分期, the amount to recover)."""

from __future__ import annotations

import datetime as dt

from talentdesk.cli.args import parse_date
from talentdesk.domain import money
from talentdesk.domain.errors import TalentDeskError


def _date(text: str | None) -> dt.date:
    return parse_date(text, "决定日期") or dt.date.today()


def cmd_add(args, app) -> int:
    from talentdesk.services.benefits import decisions

    amount = None
    if args.amount is not None:
        try:
            amount = money.parse_yuan(args.amount)
        except ValueError as exc:
            raise TalentDeskError(f"金额：{exc}") from None
    if args.employer or args.platform:  # an organisation's decision (单位/平台奖补)
        from talentdesk.services.benefits import org_grants

        if args.id_number:
            raise TalentDeskError("身份证号与 --employer/--platform 只能选其一")
        d = org_grants.record_decision(app.context(), employer=args.employer, platform=args.platform,
                                       number=args.number, decided_on=_date(args.date), override=args.kind,
                                       benefit_code=args.benefit, amount_fen=amount, description=args.note)
        if app.json:
            app.print_json(d.as_dict())
        else:
            app.out(f"已登记 {d.beneficiary_name} 的决定 {d.number}")
        return 0
    if not args.id_number:
        raise TalentDeskError("请指定人才的身份证号，或用 --employer/--platform 指定单位或平台")
    d = decisions.record(app.context(), args.id_number, number=args.number, decided_on=_date(args.date),
                         override=args.kind, benefit_code=args.benefit, amount_fen=amount, description=args.note)
    if app.json:
        app.print_json(d.as_dict())
    else:
        app.out(f"已登记 {d.talent_name} 的决定 {d.number}（{d.override_label}）")
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.benefits import decisions

    rows = decisions.list_decisions(app.context(), args.id_number)
    if app.json:
        app.print_json({"decisions": [d.as_dict() for d in rows]})
        return 0
    for d in rows:
        app.out(f"{d.talent_name}\t{d.number}\t{d.decided_on}\t{d.override_label}\t{d.benefit_code or '全部待遇'}"
                + (f"\t{money.yuan(d.amount_fen)}元" if d.amount_fen is not None else ""))
    return 0


def register(sub) -> None:
    from talentdesk.services.benefits.decisions import OVERRIDES

    p = sub.add_parser("decision", help="一事一议及政策交由办公室决定的事项")
    s = p.add_subparsers(dest="decision_command", metavar="操作", required=True)
    add = s.add_parser("add", help="登记一项决定")
    add.add_argument("id_number", nargs="?", help="身份证号（单位或平台的决定用 --employer/--platform）")
    add.add_argument("--employer", help="用人单位名称：单位奖补的决定（如 第十八条 引才奖补的金额）")
    add.add_argument("--platform", help="平台载体编号或名称：平台奖补的决定")
    add.add_argument("--number", required=True, help="决定文号，如 阿左人才领字〔2025〕3号")
    add.add_argument("--date", help="决定日期（默认今天）")
    add.add_argument("--kind", required=True, choices=list(OVERRIDES),
                     help="；".join(f"{k}={v}" for k, v in OVERRIDES.items()))
    add.add_argument("--benefit", help="待遇代码（不填则适用于全部待遇）")
    add.add_argument("--amount", help="金额（元）：核定金额、核定退回金额时填写")
    add.add_argument("--note", help="说明；核定分期时写明“分N期”")
    add.set_defaults(func=cmd_add)
    ls = s.add_parser("list", help="列出决定")
    ls.add_argument("id_number", nargs="?")
    ls.set_defaults(func=cmd_list)
