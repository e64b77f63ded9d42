"""``talentdesk import roster|reviews|payments|facts FILE`` and ``talentdesk template KIND OUT``."""

from __future__ import annotations

import sys

from talentdesk.domain.errors import TalentDeskError


def _mapping(items: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise TalentDeskError(f"--map 参数“{item}”应写成 文件列名=标准列名，例如 联系手机=手机号码")
        a, b = item.split("=", 1)
        out[a.strip()] = b.strip()
    return out


def _progress(app):
    if app.json or not sys.stderr.isatty():
        return None
    names = {"read": "读取", "validate": "校验", "write": "写入"}

    def cb(phase: str, done: int, total: int) -> None:
        if total:
            sys.stderr.write(f"\r{names.get(phase, phase)} {done}/{total}   ")
            if done >= total:
                sys.stderr.write("\n")
    return cb


def cmd_import(args, app) -> int:
    from talentdesk.services.exchange import importer

    try:
        mapping = _mapping(args.map)
        summary = importer.run_import(
            app.context(), args.file, args.kind, sheet=args.sheet, header_row=args.header_row, mapping=mapping,
            unknown="remarks" if args.unknown_to_remarks else "ignore", employer=args.employer,
            dry_run=args.dry_run, all_or_nothing=args.all_or_nothing, report=args.report,
            progress=_progress(app))
    except importer.ImportFileError as exc:
        if app.json:
            app.print_json({"error": exc.message, "errors": []})
        sys.stderr.write(f"错误：{exc.message}\n")
        return 2
    except ValueError as exc:  # a bad --map target
        if app.json:
            app.print_json({"error": str(exc), "errors": []})
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    if app.json:
        app.print_json(summary.as_json())
    else:
        _print_text(app, summary)
    return summary.exit_code


def _print_text(app, s) -> None:
    u = "人" if s.kind == "roster" else "条"  # the other kinds record rows (results, payments, cases …)
    app.out(f"{s.file_name}：共{s.rows}行，有效{s.valid}行，"
            + (f"将新增{s.inserted}{u}、更新{s.updated}{u}" if s.dry_run else f"新增{s.inserted}{u}、更新{s.updated}{u}")
            + f"，未变化{s.unchanged}{u}，跳过{s.skipped}行")
    if s.message:
        app.out(s.message)
    for w in s.warnings:
        app.out(f"提示：{w.message}")
    for ch in s.changes[:200]:
        fields = "，".join(f"{k}：{a if a is not None else '（空）'} → {b}" for k, (a, b) in ch["fields"].items())
        app.out(f"第{ch['row']}行 {ch['name']} 更新：{fields}")
    if len(s.changes) > 200:
        app.out(f"……另有{len(s.changes) - 200}人有更新")
    for e in s.errors[:500]:
        head, _, rest = e.message.partition("：")
        text = rest if rest and len(head) <= 10 else e.message  # "学历：…" → "…" after the column name
        app.out(f"第{e.row}行“{e.column.replace(chr(10), '')}”列：{text}")
    if s.error_count > 500:
        listed = "完整清单" if not s.errors_omitted else f"前{len(s.errors)}处"
        app.out(f"……共{s.error_count}处错误，{listed}见错误报告（--report）")
    if s.report_path:
        app.out(f"错误报告：{s.report_path}")


def register(sub) -> None:
    p = sub.add_parser("import", help="导入花名册、年度考核结果、发放确认、人才认定、服务事项、回访记录、公寓入住（Excel/WPS/CSV）")
    p.add_argument("kind", choices=["roster", "reviews", "payments", "facts", "recognitions", "cases", "visits",
                                    "housing"],
                   help="roster 花名册；reviews 年度考核结果；payments 待遇发放确认；facts 服务年度情况；"
                        "recognitions 人才认定；cases 人才服务事项；visits 回访记录；housing 人才公寓入住")
    p.add_argument("file", help="表格文件：.xlsx .xlsm .xls .ods .csv")
    p.add_argument("--sheet", help="工作表名称（默认：自动选择含表头的工作表）")
    p.add_argument("--header-row", type=int, help="表头所在行号（默认：自动识别）")
    p.add_argument("--map", action="append", metavar="列名=标准列",
                   help="指定列对应关系，可多次使用；标准列写“忽略”表示不导入该列。按单位记住")
    p.add_argument("--employer", help="报送单位名称（用于读取和记住该单位的列对应关系）")
    p.add_argument("--unknown-to-remarks", action="store_true", help="把无法识别的列写入“备注”（默认忽略）")
    p.add_argument("--dry-run", action="store_true", help="试导入：只检查并报告，不写入数据库")
    p.add_argument("--all-or-nothing", action="store_true", help="有任何错误就不写入任何数据")
    p.add_argument("--report", metavar="OUT.xlsx", help="写出错误报告（原表格标红并加批注，另附错误清单）")
    p.set_defaults(func=cmd_import)
