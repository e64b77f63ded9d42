"""``talentdesk package export|import|show``: 交换包 between offices without a connection
(talentdesk.services.exchange.package): a banner exports its records and the changes since
the last exchange as one checksummed file; the league imports it."""

from __future__ import annotations


def _counts(counts: dict) -> str:
    from talentdesk.services.exchange.package import kind_label

    return "，".join(f"{kind_label(k)}{n}条" for k, n in counts.items()) or "无"


def cmd_export(args, app) -> int:
    from talentdesk.fileio import check_output
    from talentdesk.services.exchange import package

    check_output(args.out)
    res = package.export(app.context(), args.out, office_code=args.code, office_name=args.name, full=args.full)
    if app.json:
        app.print_json(res.as_dict())
        return 0
    what = "全部记录" if res.since is None else f"{res.since:%Y-%m-%d %H:%M:%S} 之后的变动"
    app.out(f"已导出交换包 {res.path}：{res.office_name}（{res.office_code}），{what}，共 {res.records} 条")
    app.out(f"  {_counts(res.counts)}")
    app.out(f"  交换包编号 {res.package_id}；文件 SHA-256 {res.checksum}")
    return 0


def cmd_show(args, app) -> int:
    from talentdesk.services.exchange import package

    pkg = package.show(args.file)
    if app.json:
        app.print_json(pkg.as_dict())
        return 0
    rng = pkg.manifest.get("range") or {}
    app.out(f"交换包 {pkg.path.name}（校验通过）")
    app.out(f"  单位：{pkg.office_name}（{pkg.office_code}）")
    app.out(f"  导出时间：{pkg.manifest.get('created_at')}，导出人：{pkg.manifest.get('created_by')}")
    app.out("  范围：" + ("全部记录" if rng.get("full") else f"{rng.get('since')} 之后的变动（接上一个交换包 "
                                                          f"{rng.get('previous_package')}）") + f"，截至 {rng.get('until')}")
    app.out(f"  记录：共 {len(pkg.records)} 条；{_counts(pkg.counts)}")
    app.out(f"  交换包编号 {pkg.package_id}；文件 SHA-256 {pkg.checksum}")
    return 0


def cmd_import(args, app) -> int:
    from talentdesk.services.exchange import package

    import sys

    ctx = app.context()
    if not args.dry_run and not args.yes:
        say = (lambda text: print(text, file=sys.stderr)) if app.json else app.out  # JSON output stays JSON
        preview = package.import_package(ctx, args.file, dry_run=True)
        say(f"“{preview.office_name}”（{preview.office_code}）的交换包：{preview.summary()}")
        for line in preview.conflicts[:20]:
            say(f"  冲突：{line}")
        try:
            answer = input("确认导入？输入 y 确认：")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "是"):
            say("已取消，未导入任何记录")
            return 1
    res = package.import_package(ctx, args.file, dry_run=args.dry_run)
    if app.json:
        app.print_json(res.as_dict())
        return 0
    app.out(f"“{res.office_name}”（{res.office_code}）的交换包 {res.package_id}：{res.summary()}")
    if res.inserted:
        app.out(f"  新增：{_counts(res.inserted)}")
    if res.updated:
        app.out(f"  更新：{_counts(res.updated)}")
    for line in res.conflicts:
        app.out(f"  冲突：{line}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("package", help="交换包：旗县区导出本单位记录及上次交换以来的变动，盟级导入")
    s = p.add_subparsers(dest="package_command", metavar="操作", required=True)
    q = s.add_parser("export", help="导出交换包（一个 .zip 文件，含清单和校验值）")
    q.add_argument("out", metavar="文件", help="OUT.tdx.zip")
    q.add_argument("--code", metavar="单位代码", help="本单位代码（如行政区划代码 152921；第一次导出时必填，以后沿用）")
    q.add_argument("--name", metavar="单位名称", help="本单位名称（默认：系统设置中的单位名称）")
    q.add_argument("--full", action="store_true", help="导出全部记录（默认只导出上次交换以来的变动）")
    q.set_defaults(func=cmd_export)
    q = s.add_parser("show", help="校验并显示交换包的清单（不导入）")
    q.add_argument("file", metavar="文件")
    q.set_defaults(func=cmd_show)
    q = s.add_parser("import", help="导入旗县区的交换包（先显示将新增、更新和冲突的记录，确认后导入）")
    q.add_argument("file", metavar="文件")
    q.add_argument("--yes", action="store_true", help="不询问，直接导入")
    q.add_argument("--dry-run", dest="dry_run", action="store_true", help="试导入：只检查和统计，不写入")
    q.set_defaults(func=cmd_import)
