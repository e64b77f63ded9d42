"""``talentdesk demo``: fill a database with realistic sample data (演示数据)."""

from __future__ import annotations

import sys
import time


def cmd_demo(args, app) -> int:
    from talentdesk.domain import money
    from talentdesk.services.exchange import demo

    tty = sys.stderr is not None and sys.stderr.isatty()
    last = [0.0, -1]

    def progress(stage: str, done: int, total: int) -> None:
        """One updating line on a terminal; a line per tenth in a log (CI)."""
        if app.json or sys.stderr is None:
            return
        if tty:
            now = time.monotonic()
            if done < total and now - last[0] < 0.2:
                return
            last[0] = now
            end = "\n" if done >= total else ""
            sys.stderr.write(f"\r{stage}：{done}/{total}" + " " * 8 + end)
        else:
            tenth = done * 10 // max(total, 1)
            if tenth == last[1] and done < total:
                return
            last[1] = -1 if done >= total else tenth
            sys.stderr.write(f"{stage}：{done}/{total}\n")
        sys.stderr.flush()

    if args.league:
        from talentdesk.services.exchange.demodata import league as demo_league

        ctx = app.context()
        if args.if_empty and not demo.is_empty(ctx):
            app.out(f"数据库中已有数据，未写入演示数据：{ctx.db.describe()}")
            return 0
        summary = demo_league.generate_league(ctx, size=args.size, seed=args.seed,
                                              workflow=not args.no_workflow, progress=progress)
    else:
        summary = demo.generate(app.context(), size=args.size, seed=args.seed, if_empty=args.if_empty,
                                workflow=not args.no_workflow, progress=progress)
    if app.json:
        app.print_json(summary.as_dict())
        return 0
    if summary.existing:
        app.out(f"数据库中已有数据，未写入演示数据：{summary.database}")
        return 0
    app.out(f"演示数据已写入 {summary.database}（种子 {summary.seed}，用时 {summary.seconds:.1f} 秒）")
    app.out(f"  用人单位 {summary.employers} 家，人才 {summary.talents} 人，服务协议 {summary.agreements} 份")
    app.out(f"  待遇申请 {summary.grants} 项（已批准 {summary.grants_approved} 项），"
            f"发放计划 {summary.installments} 期（已发放 {summary.installments_paid} 期，"
            f"合计 {money.yuan(summary.paid_fen)} 元）")
    app.out(f"  年度考核 {summary.reviews} 条（不合格 {summary.reviews_failed} 条），"
            f"离职 {summary.departures} 人，追回 {summary.recoveries} 笔")
    for note in summary.notes:
        app.out(f"  {note}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("demo", help="生成演示数据库（虚构的人才、待遇、发放、考核和离职记录）")
    p.add_argument("--size", type=int, default=2000, help="人才数量（默认 2000）")
    p.add_argument("--seed", type=int, default=2024, help="随机种子：同一种子生成相同的数据（默认 2024）")
    p.add_argument("--if-empty", action="store_true", help="数据库中已有人才时什么也不做（不报错）")
    p.add_argument("--no-workflow", action="store_true", help="只登记单位和人才，不生成审批、发放、考核和离职记录")
    p.add_argument("--league", action="store_true",
                   help="多旗县共用服务器：盟级单位和三个旗县（阿拉善左旗、阿拉善右旗、额济纳旗）及各自的账户")
    p.set_defaults(func=cmd_demo)
