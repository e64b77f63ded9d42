"""``talentdesk review record|list|delete``."""

from __future__ import annotations

from talentdesk.cli.benefits.cmd_grant import parse_date, read_rows, report_rows
from talentdesk.domain import idcard, money
from talentdesk.domain.errors import TalentDeskError


def _cons_lines(app, cons) -> None:
    for c in cons:
        app.out(f"  {c.benefit_name}第{c.seq}期 #{c.installment_id}  {c.due_date}  {money.yuan(c.amount_fen)}元 → "
                f"{'取消' if c.action == 'cancel' else '恢复待发放'}：{c.reason}")


def cmd_record(args, app) -> int:
    from talentdesk.services.benefits import reviews

    ctx = app.context()  # on --dry-run: a rehearsal, the real path runs and every write is rolled back
    if args.from_json:
        rows = read_rows(args.from_json, "身份证号、年度、考核结果、考核日期、备注")
        res = reviews.record_many(ctx, rows, all_or_nothing=not args.partial)
        if app.dry_run:
            return _report_dry_run(app, res)
        return report_rows(app, res, res.recorded)
    if not (args.id_number and args.year and args.result):
        raise TalentDeskError("请写明：身份证号 年度 考核结果，例如 review record 15292… 2024 合格")
    if app.dry_run:
        out = reviews.record(ctx, args.id_number, args.year, args.result, parse_date(args.date, "考核日期"),
                             args.remarks)
        if app.json:
            app.print_json(out.as_dict() | {"dry_run": True, "recorded": False})
        else:
            r = out.review
            app.out(f"试运行（未保存）：将{'登记' if out.created else '更新'}{r.talent_name} {r.year}年度考核“{r.result}”")
            app.out("将影响以下分期：" if out.applied else "不影响任何分期")
            _cons_lines(app, out.applied)
        return 0
    cons = [c for c in reviews.consequences(ctx, args.id_number, args.year, args.result) if c.action == "cancel"]
    if cons and not args.yes:
        if app.json:
            out = {"consequences": [c.as_dict() for c in cons], "recorded": False}
            out["error"] = "登记该结果将取消分期，确认无误后加上 --yes 再执行"
            app.print_json(out)
        else:
            app.out("登记该结果将取消以下分期：")
            _cons_lines(app, cons)
            app.out("确认无误后加上 --yes 再执行")
        return 1
    out = reviews.record(ctx, args.id_number, args.year, args.result, parse_date(args.date, "考核日期"), args.remarks)
    if app.json:
        app.print_json(out.as_dict())
    else:
        r = out.review
        app.out(f"已{'登记' if out.created else '更新'}：{r.talent_name} {r.year}年度考核“{r.result}”")
        _cons_lines(app, out.applied)
    return 0


def _report_dry_run(app, res) -> int:
    """What a real batch would record and cancel (the rehearsal was rolled back)."""
    if app.json:
        app.print_json(res.as_dict() | {"dry_run": True, "committed": False, "would_commit": res.committed})
    else:
        for r in res.rows:
            app.out(f"第{r.row}行：" + ("✓ " if r.ok else "✗ ") + r.message)
            _cons_lines(app, r.applied)
        would = (f"正式运行将登记 {sum(1 for r in res.rows if r.ok)} 行" if res.committed
                 else "正式运行时因有错误将全部不保存")
        app.out(f"试运行（未保存）：{would}，错误 {res.errors} 行")
    return 3 if res.errors else 0


def cmd_list(args, app) -> int:
    from talentdesk.services.benefits import reviews

    grid = reviews.list_for_year(app.context(), args.year)
    rows = [r for r in grid.rows if r.result is None] if args.missing else grid.rows
    if app.json:
        d = grid.as_dict()
        d["rows"] = [r.as_dict() for r in rows]
        if not args.full:
            for x in d["rows"]:
                x["身份证号"] = idcard.mask(x["身份证号"])
        app.print_json(d)
        return 0
    app.out(f"{grid.year}年度考核：应考核 {len(grid.rows)} 人；" + "，".join(f"{k} {v}" for k, v in grid.counts.items()))
    for r in rows:
        app.out(f"{r.name}\t{r.id_number if args.full else idcard.mask(r.id_number)}\t{r.employer or ''}\t"
                f"{r.result or '未登记'}")
    return 0


def cmd_delete(args, app) -> int:
    from talentdesk.services.benefits import reviews

    if not args.yes:
        raise TalentDeskError("删除考核记录需确认，请加上 --yes")
    reviews.delete(app.context(), args.review_id)
    app.print_json({"deleted": args.review_id}) if app.json else app.out("已删除")
    return 0


def register(sub) -> None:
    p = sub.add_parser("review", help="年度考核：登记结果、查看名单")
    s = p.add_subparsers(dest="review_command", metavar="操作", required=True)

    rc = s.add_parser("record", help="登记考核结果：身份证号 年度 结果（优秀/合格/基本合格/不合格）")
    rc.add_argument("id_number", nargs="?", metavar="身份证号")
    rc.add_argument("year", nargs="?", type=int, metavar="年度")
    rc.add_argument("result", nargs="?", metavar="考核结果")
    rc.add_argument("--date", help="考核日期")
    rc.add_argument("--remarks", help="备注")
    rc.add_argument("--yes", action="store_true", help="确认取消受影响的分期（不合格时需要）")
    rc.add_argument("--dry-run", action="store_true", help="只显示影响，不保存")
    rc.add_argument("--from-json", help="批量登记：JSON 对象数组（身份证号、年度、考核结果、考核日期、备注）")
    rc.add_argument("--partial", action="store_true", help="批量时保存正确的行（默认：有错误则全部不保存）")
    rc.set_defaults(func=cmd_record)

    ls = s.add_parser("list", help="某年度应考核人员及结果")
    ls.add_argument("year", type=int, metavar="年度")
    ls.add_argument("--missing", action="store_true", help="只列出尚未登记结果的人员")
    ls.add_argument("--full", action="store_true", help="显示完整身份证号")
    ls.set_defaults(func=cmd_list)

    rm = s.add_parser("delete", help="删除误登记的考核记录")
    rm.add_argument("review_id", type=int, metavar="考核记录编号")
    rm.add_argument("--yes", action="store_true")
    rm.set_defaults(func=cmd_delete)
