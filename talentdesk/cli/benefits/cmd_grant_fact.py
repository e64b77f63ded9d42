"""``talentdesk grant fact set|list|delete|pending``: facts per service year of a grant."""

from __future__ import annotations

from talentdesk.domain.errors import TalentDeskError


def _pairs(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise TalentDeskError(f"“{item}”应写成 事项=值，例如 months_served=7 或 服务月数=7")
        out[key.strip()] = value.strip()
    return out


def _show_outcome(app, out) -> None:
    app.out(f"第{out.year}个服务年度：{out.facts.text() or '（已清除）'}")
    for e in out.effects:
        word = "取消" if e.action == "cancel" else "恢复"
        app.out(f"  第{e.seq}期（{e.due_date}）{word}：{e.reason}")
    if out.refund_changed:
        app.out("  离职应退回金额已按新情况重新测算")
    for p in out.pending:
        app.out(f"  {p.text}")


def cmd_set(args, app) -> int:
    from talentdesk.services.benefits import grant_facts

    out = grant_facts.record_for(app.context(), args.id_number, args.benefit, args.year, _pairs(args.values))
    app.print_json(out.as_dict()) if app.json else _show_outcome(app, out)
    return 0


def cmd_delete(args, app) -> int:
    from talentdesk.services.benefits import grant_facts

    ctx = app.context()
    out = grant_facts.delete(ctx, grant_facts.find_grant(ctx, args.id_number, args.benefit), args.year, args.key)
    app.print_json(out.as_dict()) if app.json else _show_outcome(app, out)
    return 0


def cmd_list(args, app) -> int:
    from talentdesk.services.benefits import grant_facts

    ctx = app.context()
    if args.benefit:
        rows = grant_facts.list_facts(ctx, grant_facts.find_grant(ctx, args.id_number, args.benefit))
    else:
        rows = grant_facts.list_for_talent(ctx, args.id_number)
    pend = grant_facts.pending(ctx, args.id_number)
    if args.benefit:
        codes = {r.benefit_code for r in rows} | {args.benefit}
        pend = [p for p in pend if p.benefit_code in codes or p.benefit_name in codes]
    if app.json:
        app.print_json({"facts": [r.as_dict() for r in rows], "pending": [p.as_dict() for p in pend]})
        return 0
    if not rows:
        app.out("尚未登记服务年度情况")
    for r in rows:
        app.out(f"{r.benefit_name or r.benefit_code}（编号{r.grant_id}）第{r.year}个服务年度：{r.text()}")
    for p in pend:
        app.out(p.text)
    return 0


def register(s) -> None:
    """Under ``grant``: ``grant fact …``."""
    p = s.add_parser("fact", help="登记服务年度情况（服务月数、在岗天数、是否返岗），批准后按年补充")
    f = p.add_subparsers(dest="fact_command", metavar="操作", required=True)

    st = f.add_parser("set", help="登记或更正一个服务年度的情况，立即重新测算")
    st.add_argument("id_number", metavar="身份证号")
    st.add_argument("benefit", metavar="待遇", help="待遇代码或名称，如 special_hire_subsidy")
    st.add_argument("year", type=int, metavar="服务年度", help="第几个服务年度（1 为第一年）")
    st.add_argument("values", nargs="+", metavar="事项=值",
                    help="months_served=7（服务月数）、onsite_days=200（在岗天数）、returned_to_post=是（是否返岗）；"
                         "值留空则删除该项")
    st.set_defaults(func=cmd_set)

    ls = f.add_parser("list", help="列出已登记的服务年度情况和待补充事项")
    ls.add_argument("id_number", metavar="身份证号")
    ls.add_argument("benefit", nargs="?", metavar="待遇")
    ls.set_defaults(func=cmd_list)

    dl = f.add_parser("delete", help="删除误登记的服务年度情况（立即重新测算）")
    dl.add_argument("id_number", metavar="身份证号")
    dl.add_argument("benefit", metavar="待遇")
    dl.add_argument("year", type=int, metavar="服务年度")
    dl.add_argument("--key", help="只删除这一项（默认删除该年度全部）")
    dl.set_defaults(func=cmd_delete)
