"""``talentdesk export ledger --kind talents|disbursement|recovery|review [--year Y] [--full] OUT.xlsx``.

ID numbers and phones are masked unless ``--full`` (recorded in the audit event)."""

from __future__ import annotations

import sys


def _progress(app):
    if app.json or not sys.stderr.isatty():
        return None

    def show(done, total):
        sys.stderr.write(f"\r已写入 {done}" + (f"/{total}" if total else "") + " 行")
        sys.stderr.flush()

    return show


def mask_option(args) -> bool | None:
    """``--full`` → False (full numbers), ``--mask`` → True, neither → None (the default)."""
    if getattr(args, "full", False) and getattr(args, "mask", False):
        from talentdesk.domain.errors import TalentDeskError

        raise TalentDeskError("--full 与 --mask 不能同时使用")
    if getattr(args, "full", False):
        return False
    return True if getattr(args, "mask", False) else None


def add_mask_options(parser) -> None:
    parser.add_argument("--full", action="store_true",
                        help="写出完整身份证号、手机号（仅限必须使用完整号码的用途，记入审计）")
    parser.add_argument("--mask", action="store_true",
                        help="身份证号、手机号脱敏（默认即脱敏；对审批表也强制脱敏）")


def cmd_ledger(args, app) -> int:
    from talentdesk.fileio import check_output
    from talentdesk.services.exchange import reports

    check_output(args.out, force=args.force)
    result = reports.export_ledger(app.context(), args.kind, args.out, year=args.year, employer=args.employer,
                                   district=args.district, status=args.status, mask=mask_option(args),
                                   progress=_progress(app))
    if _progress(app):
        sys.stderr.write("\n")
    if app.json:
        app.print_json(result.as_dict())
    else:
        masked = "（身份证号、手机号已脱敏）" if result.masked else "（含完整身份证号、手机号，已记入审计）"
        app.out(f"已导出{reports.LEDGER_KINDS[args.kind]}：{result.path}，共 {result.rows} 行{masked}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("export", help="导出 Excel 台账")
    s = p.add_subparsers(dest="export_command", metavar="操作", required=True)
    led = s.add_parser("ledger", help="导出台账：人才信息、待遇发放、追回、年度考核")
    led.add_argument("--kind", required=True, choices=["talents", "disbursement", "recovery", "review"],
                     help="talents 人才信息台账；disbursement 待遇发放台账；recovery 追回台账；review 年度考核台账")
    led.add_argument("--year", type=int, help="年度（待遇发放、年度考核台账必填；人才信息台账按引进年度筛选）")
    led.add_argument("--employer", help="人才信息台账：只导出该用人单位")
    led.add_argument("--district", help="人才信息台账：只导出该所属地区")
    led.add_argument("--status", choices=["active", "departed"], help="人才信息台账：在岗或已离职")
    add_mask_options(led)
    led.add_argument("--force", action="store_true", help="文件已存在时替换它（数据库文件永远不会被覆盖）")
    led.add_argument("out", metavar="OUT.xlsx")
    led.set_defaults(func=cmd_ledger)
    register_platform(s)


def cmd_platform(args, app) -> int:
    from talentdesk.fileio import check_output
    from talentdesk.services.exchange import platform

    check_output(args.out, force=args.force)
    result = platform.export_platform(app.context(), args.out, fmt=args.format, encoding=args.encoding,
                                      status=args.status)
    if app.json:
        app.print_json(result.as_dict() | {"format": args.format, "encoding": args.encoding})
    else:
        app.out(f"已导出{platform.PLATFORM}实名录入数据：{result.path}，共 {result.rows} 人"
                "（含完整身份证号、手机号，已记入审计）")
    return 0


def register_platform(s) -> None:
    """``export platform --format csv|xlsx --encoding utf-8|gbk --out F`` (阿拉善 第四十六条)."""
    pl = s.add_parser("platform", help="导出人才云平台（智汇驼乡）实名录入数据：人才信息及所享服务")
    pl.add_argument("--format", choices=["csv", "xlsx"], default="xlsx", help="文件格式（默认 xlsx）")
    pl.add_argument("--encoding", choices=["utf-8", "gbk"], default="utf-8",
                    help="utf-8（CSV 带 BOM）或 gbk；GBK 无法表示的生僻字会列出并拒绝导出")
    pl.add_argument("--status", choices=["active", "departed"], help="只导出在岗或已离职的人才")
    pl.add_argument("--out", required=True, metavar="F", help="输出文件")
    pl.add_argument("--force", action="store_true", help="文件已存在时替换它")
    pl.set_defaults(func=cmd_platform)
