"""``talentdesk stats table --rows 地区 --cols 学历 [--measure count|paid] [--year Y | --from Y1 --to Y2] [--out F.xlsx]``:
the 人才统计表 (条例 第六条; talentdesk.services.overview.statistics)."""

from __future__ import annotations


def cmd_table(args, app) -> int:
    from talentdesk.domain.money import yuan
    from talentdesk.fileio import check_output
    from talentdesk.services.overview import statistics

    if args.out:
        check_output(args.out, force=args.force)
    ctx = app.context()
    table = statistics.compute(ctx, args.rows, args.cols, measure=args.measure, year=args.year,
                               year_from=args.year_from, year_to=args.year_to)
    result = statistics.export_table(ctx, table, args.out) if args.out else None
    if app.json:
        app.print_json(table.as_dict() | ({"file": str(result.path)} if result else {}))
        return 0
    fmt = (lambda v: yuan(v)) if table.money else str
    app.out(f"人才统计表（{table.heading}）　统计期间：{table.period}　单位：{table.unit}")
    app.out("\t".join([statistics.DIMENSIONS[table.rows_dim], *table.col_labels, "合计"]))
    for r in table.row_labels:
        app.out("\t".join([r, *[fmt(table.value(r, c)) for c in table.col_labels], fmt(table.row_total(r))]))
    app.out("\t".join(["合计", *[fmt(table.col_total(c)) for c in table.col_labels], fmt(table.total)]))
    if result:
        app.out(f"已导出：{result.path}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("stats", help="人才统计表（按地区、行业等分类统计，条例第六条）")
    s = p.add_subparsers(dest="stats_command", metavar="操作", required=True)
    t = s.add_parser("table", help="交叉统计表：行、列各选一项")
    names = "地区、人才类别、学历、行业、引进方式、年度、用人单位性质"
    t.add_argument("--rows", required=True, help=f"行：{names}")
    t.add_argument("--cols", required=True, help=f"列：{names}（资金层级只用于 paid）")
    t.add_argument("--measure", choices=["count", "paid"], default="count",
                   help="count 人数（统计期间内引进的人才）；paid 已发放金额（应发日期在期间内，元）")
    t.add_argument("--year", type=int, help="统计年度")
    t.add_argument("--from", dest="year_from", type=int, metavar="起始年度")
    t.add_argument("--to", dest="year_to", type=int, metavar="截止年度")
    t.add_argument("--out", metavar="F.xlsx", help="同时导出 Excel 人才统计表")
    t.add_argument("--force", action="store_true", help="文件已存在时替换它")
    t.set_defaults(func=cmd_table)
