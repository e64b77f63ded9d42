"""Benchmark the Excel ledger and PDF form renderers against bare baselines in the same run.

    python bench/bench_outputs.py                     # 100,000 ledger rows, 1,000 approval forms
    python bench/bench_outputs.py --rows 20000 --forms 200   # a quick run
    python bench/bench_outputs.py --skip-pdf / --skip-xlsx

Ledger (待遇发放台账, 15 columns: the disbursement ledger with two funding levels):
- ``ledger``: ``xlsx.write_ledger`` — title, header, formats, masking checks, subtotals —
  fed by a generator of the same synthetic rows as the baselines;
- ``bare_xlsxwriter``: the same cells with xlsxwriter constant_memory, typed write calls, no formats;
- ``openpyxl``: the same cells with openpyxl write_only (what a plain openpyxl export costs);
- ``export``: the whole service call ``reports.export_ledger`` on a SQLite database holding
  the rows (query streamed from the database, writer, audit event).
Each variant runs in its own process; peak RSS is that process's ``ru_maxrss``. The
``ledger`` variant also runs at half the rows to show memory stays flat as rows grow.

Forms (人才待遇审批表, one page each): ``forms`` is ``pdf.write_forms``; ``bare_canvas``
replays the very strings, lines and rectangles that run drew, straight onto a reportlab
canvas with the same font (recorded first, replay timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEAR = 2024
BENEFITS = [("postdoc_living", "博士后生活补助"), ("rent_subsidy", "租房补贴"), ("settlement_allowance", "安家补贴")]
EMPLOYERS = ["阿拉善盟农牧科学研究所", "阿拉善盟中心医院", "阿拉善高新区管委会", "阿拉善左旗第一中学", "内蒙古庆华集团有限公司"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
STATUS = ["已发放", "待发放", "已审核待付", "已暂停"]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _id_number(i: int) -> str:
    from talentdesk.domain import idcard

    birth = dt.date(1980, 1, 1) + dt.timedelta(days=i % 7000)
    return idcard.make("152921", birth, i % 999)


def synthetic_rows(n: int):
    """The ledger's data rows, grouped by benefit, with subtotals and totals like the service makes."""
    from talentdesk.outputs.model import Heading, Subtotal, Total

    per = n // len(BENEFITS)
    seq = 0
    t_amount = t_l = t_b = t_paid = 0
    for bi, (_, bname) in enumerate(BENEFITS):
        count = per if bi < len(BENEFITS) - 1 else n - per * (len(BENEFITS) - 1)
        g_amount = g_l = g_b = g_paid = 0
        for k in range(count):
            seq += 1
            amount = 300000 + (seq % 97) * 1001
            league = amount // 2
            banner = amount - league
            status = STATUS[seq % 4]
            paid = amount if status == "已发放" else 0
            due = dt.date(YEAR, 1 + seq % 12, 1 + seq % 28)
            name = SURNAMES[seq % len(SURNAMES)] + GIVEN[seq % len(GIVEN)] + (GIVEN[(seq // 24) % len(GIVEN)] if seq % 3 else "")
            g_amount += amount
            g_l += league
            g_b += banner
            g_paid += paid
            yield (seq, name, _ID_CACHE[seq % len(_ID_CACHE)], EMPLOYERS[seq % 5], bname, 1 + seq % 12, due,
                   amount, league, banner, paid or None, status, due if paid else None,
                   f"记-{YEAR}-{seq:06d}" if paid else None, None)
        yield Subtotal((None, f"{bname}小计", None, None, None, None, None, g_amount, g_l, g_b, g_paid, None, None,
                        None, None))
        t_amount += g_amount
        t_l += g_l
        t_b += g_b
        t_paid += g_paid
    yield Heading(("按资金层级汇总",) + (None,) * 14)
    yield Subtotal((None, "盟级小计", None, None, None, None, None, t_l, t_l, None, None, None, None, None, None))
    yield Subtotal((None, "旗（区）级小计", None, None, None, None, None, t_b, None, t_b, None, None, None, None, None))
    yield Total((None, "合计", None, None, None, None, None, t_amount, t_l, t_b, t_paid, None, None, None, None))


_ID_CACHE: list[str] = []


def _columns():
    from talentdesk.outputs.model import LedgerColumn

    return [LedgerColumn("序号", "int", 6), LedgerColumn("姓名", "text", 10), LedgerColumn("身份证号", "id", 21),
            LedgerColumn("用人单位", "text", 24), LedgerColumn("待遇项目", "text", 14), LedgerColumn("期次", "int", 6),
            LedgerColumn("应发日期", "date", 12), LedgerColumn("金额（元）", "money", 14),
            LedgerColumn("盟级（元）", "money", 14), LedgerColumn("旗（区）级（元）", "money", 14),
            LedgerColumn("已发放（元）", "money", 14), LedgerColumn("状态", "text", 10),
            LedgerColumn("发放日期", "date", 12), LedgerColumn("凭证号", "text", 14), LedgerColumn("备注", "text", 20)]


def _cells(row):
    """A row as the plain cell values a bare writer gets (yuan floats, date serials, strings)."""
    out = []
    for c, v in zip(_KINDS, row):
        if v is None:
            out.append(None)
        elif c == "money":
            out.append(v / 100)
        elif c == "date":
            out.append((v - dt.date(1899, 12, 30)).days)
        else:
            out.append(v)
    return out


_KINDS = ["int", "text", "id", "text", "text", "int", "date", "money", "money", "money", "money", "text", "date",
          "text", "text"]


# ------------------------------------------------------------------ variants (each in its own process)

def run_variant(name: str, rows: int, out: str, db: str | None) -> dict:
    _ID_CACHE.extend(_id_number(i) for i in range(997))
    started = time.perf_counter()
    cpu_started = time.process_time()
    if name == "ledger":
        from talentdesk.outputs import xlsx
        from talentdesk.outputs.model import Ledger, Office

        led = Ledger("disbursement", "待遇发放台账", Office("阿拉善左旗人才工作领导小组办公室"), YEAR, _columns(),
                     synthetic_rows(rows), row_count=rows)
        written = xlsx.write_ledger(led, out)
        assert written == rows
    elif name == "bare_xlsxwriter":
        import xlsxwriter

        wb = xlsxwriter.Workbook(out, {"constant_memory": True})
        ws = wb.add_worksheet()
        ws_string, ws_number = ws.write_string, ws.write_number
        r = 0
        for row in synthetic_rows(rows):
            for c, v in enumerate(_cells(row)):
                if v is None:
                    continue
                if isinstance(v, str):
                    ws_string(r, c, v)
                else:
                    ws_number(r, c, v)
            r += 1
        wb.close()
    elif name == "openpyxl":
        import openpyxl

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        for row in synthetic_rows(rows):
            ws.append([(v / 100 if k == "money" and v is not None else v) for k, v in zip(_KINDS, row)])
        wb.save(out)
    elif name == "export":
        from talentdesk.models.db import open_database
        from talentdesk.services.exchange import reports
        from talentdesk.services.context import ServiceContext

        ctx = ServiceContext(open_database(db), user="bench")
        started = time.perf_counter()
        cpu_started = time.process_time()
        res = reports.export_ledger(ctx, "disbursement", out, year=YEAR)
        assert res.rows == rows, res
    else:
        raise SystemExit(f"unknown variant {name}")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {"variant": name, "rows": rows, "seconds": seconds, "cpu": cpu, "rss_mb": _rss_mb(),
            "size_mb": os.path.getsize(out) / 1e6}


def _spawn(name: str, rows: int, tmp: Path, db: str | None = None) -> dict:
    out = tmp / f"{name}-{rows}.xlsx"
    cmd = [sys.executable, __file__, "--variant", name, "--rows", str(rows), "--out", str(out)]
    if db:
        cmd += ["--db", db]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def build_db(path: Path, rows: int) -> None:
    """A SQLite database with ``rows`` installments due in YEAR (Core executemany)."""
    from sqlalchemy import insert

    from talentdesk.models.db import open_database
    from talentdesk.models.entities import BenefitGrant, Employer, Installment, InstallmentFunding, Talent

    db = open_database(path)
    n_talents = max(1, rows // 12)
    now = dt.datetime(2024, 1, 1)
    with db.write() as s:
        s.execute(insert(Employer), [{"id": i + 1, "name": n, "district": "阿拉善左旗", "created_at": now,
                                      "updated_at": now, "version": 1} for i, n in enumerate(EMPLOYERS)])
        s.execute(insert(Talent), [{"id": i + 1, "name": SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + GIVEN[(i // 24) % len(GIVEN)],
                                    "id_number": _unique_id(i),
                                    "education": "博士研究生", "employer_id": 1 + i % 5, "status": "active",
                                    "policy_id": "alxa-2023", "created_at": now, "updated_at": now, "version": 1}
                                   for i in range(n_talents)])
        grants = []
        gid = 0
        for t in range(n_talents):
            for code, name in BENEFITS:
                gid += 1
                grants.append({"id": gid, "talent_id": t + 1, "policy_id": "alxa-2023", "benefit_code": code,
                               "benefit_name": name, "status": "approved", "created_at": now, "updated_at": now,
                               "version": 1})
        s.execute(insert(BenefitGrant), grants)
        inst, fund = [], []
        for i in range(rows):
            g = 1 + i % gid
            amount = 300000 + (i % 97) * 1001
            inst.append({"id": i + 1, "grant_id": g, "seq": 1 + i // gid, "due_date": dt.date(YEAR, 1 + i % 12, 1 + i % 28),
                         "amount_fen": amount, "status": ("paid", "scheduled", "approved", "suspended")[i % 4],
                         "paid_date": dt.date(YEAR, 1 + i % 12, 28) if i % 4 == 0 else None,
                         "voucher_no": f"记-{YEAR}-{i:06d}" if i % 4 == 0 else None,
                         "created_at": now, "updated_at": now, "version": 1})
            fund.append({"installment_id": i + 1, "level": "league", "amount_fen": amount // 2})
            fund.append({"installment_id": i + 1, "level": "banner", "amount_fen": amount - amount // 2})
        for k in range(0, rows, 20000):
            s.execute(insert(Installment), inst[k:k + 20000])
        for k in range(0, len(fund), 40000):
            s.execute(insert(InstallmentFunding), fund[k:k + 40000])
    db.dispose()


def _unique_id(i: int) -> str:
    from talentdesk.domain import idcard

    birth = dt.date(1970, 1, 1) + dt.timedelta(days=i // 900)
    return idcard.make("152921", birth, i % 900)


# ------------------------------------------------------------------ PDF

def synthetic_forms(n: int):
    from talentdesk.outputs.model import ApprovalForm, Office, ScheduleLine

    office = Office("阿拉善左旗人才工作领导小组办公室", "左人才办", {"经办人": "李明", "审核人": "王芳"})
    forms = []
    for i in range(n):
        amount = (200000 + (i % 7) * 10000) * 100
        parts = [amount * 4 // 10, amount * 3 // 10]
        parts.append(amount - sum(parts))
        sched = [ScheduleLine(k + 1, dt.date(2024 + k, 6, 1), p, {"盟级": p}, "待发放") for k, p in enumerate(parts)]
        t = {"姓名": SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + GIVEN[(i // 24) % len(GIVEN)], "性别": "男女"[i % 2],
             "身份证号": _unique_id(i), "出生日期": "1990年5月", "民族": "蒙古族" if i % 3 else "汉族",
             "政治面貌": "中共党员", "籍贯": "内蒙古阿拉善", "学历": "博士研究生", "学位": "博士", "学习形式": "全日制",
             "毕业院校": "内蒙古大学", "院校类别": "双一流", "专业": "草业科学", "毕业时间": "2022年6月",
             "职称": "中级", "人才类别": "D类", "引进方式": "招聘", "引进日期": "2023年5月1日",
             "用人单位": EMPLOYERS[i % 5], "单位性质": "事业单位", "所属地区": "阿拉善左旗", "手机号码": "13800138000"}
        forms.append(ApprovalForm(
            office=office, doc_no=office.doc_no(2023, i + 1, "审"), talent=t,
            agreement="三方协议，2023年5月1日签订，自2023年5月1日起5年，约定服务期5年", benefit_name="安家补贴",
            policy_title="阿拉善盟人才引进培养和服务保障管理办法（试行）", policy_document="阿党人才字〔2023〕2号",
            amount_fen=amount, schedule=sched, basis=["阿党人才字〔2023〕2号 第四十条"],
            quotes=["第四十条：刚性引进人才签订三年以上正式聘用合同的，经同级党委（党工委）人才工作领导小组办公室审核通过后，"
                    "可由同级人才开发资金给予人才安家补贴"],
            approval_date=dt.date(2023, 6, 1), approval_doc_no=f"阿盟人才审〔2023〕{i + 1}号", grant_status="已批准",
            generated_at=dt.datetime(2024, 1, 2, 9, 30)))
    return forms


class Recorder:
    """A stand-in canvas that records every call for replay."""

    def __init__(self):
        self.ops: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name):
        def call(*args, **kwargs):
            self.ops.append((name, args, kwargs))
        return call


def bench_pdf(n: int, tmp: Path) -> dict:
    from talentdesk.outputs import pdf

    forms = synthetic_forms(n)
    # record what the renderer draws (not timed)
    rec = Recorder()
    pdf.write_forms(forms[:], tmp / "rec.pdf", canvas_factory=lambda path, title: rec)
    ops = [op for op in rec.ops if op[0] != "save"]
    strings = sum(1 for op in ops if op[0].startswith("draw"))
    results = {}
    for rnd in range(3):  # alternate to even out a loaded machine
        for variant in ("forms", "bare_canvas"):
            out = tmp / f"{variant}.pdf"
            t0 = time.perf_counter()
            c0 = time.process_time()
            if variant == "forms":
                pages = pdf.write_forms(forms, out)
            else:
                c = pdf.make_canvas(out)
                for name, args, kwargs in ops:
                    getattr(c, name)(*args, **kwargs)
                c.save()
                pages = n
            sec = time.perf_counter() - t0
            cpu = time.process_time() - c0
            results.setdefault(variant, []).append({"seconds": sec, "cpu": cpu, "pages": pages,
                                                    "size_mb": os.path.getsize(out) / 1e6})
    # each round's forms run paired with the bare canvas run right after it
    pairs = list(zip(results["bare_canvas"], results["forms"]))
    out = {v: {k: statistics.median(r[k] for r in runs) for k in ("seconds", "cpu", "pages", "size_mb")}
           for v, runs in results.items()}
    out["ratio"] = _paired(pairs)
    out["cpu_ratio"] = _paired(pairs, "cpu")
    out["draw_calls_per_page"] = strings / max(1, n)
    return out


def _paired(pairs: list[tuple[dict, dict]], key: str = "seconds") -> tuple[float, float, float]:
    """(median, lowest, highest) of the ratios b / a of runs made side by side."""
    r = [b[key] / a[key] for a, b in pairs]
    return statistics.median(r), min(r), max(r)


# ------------------------------------------------------------------ main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--forms", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=2, help="paired rounds of each ledger variant (median counts)")
    ap.add_argument("--skip-xlsx", action="store_true")
    ap.add_argument("--skip-pdf", action="store_true")
    ap.add_argument("--skip-export", action="store_true", help="skip the database export variant")
    ap.add_argument("--variant")
    ap.add_argument("--out")
    ap.add_argument("--db")
    args = ap.parse_args()
    if args.variant == "build":
        build_db(Path(args.db), args.rows)
        return 0
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.rows, args.out, args.db)))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="bench-outputs-"))
    os.environ.setdefault("TALENTDESK_HOME", str(tmp / "home"))
    print(f"# bench_outputs  rows={args.rows}  forms={args.forms}  python {sys.version.split()[0]}  "
          f"cpus={os.cpu_count()}  load={os.getloadavg()[0]:.1f}")
    if not args.skip_xlsx:
        half = args.rows // 2
        runs: dict[str, list[dict]] = {}
        for rnd in range(args.rounds):  # each round: the bare writer, then each variant right after it
            for name in (("bare_xlsxwriter", "ledger", "openpyxl") if rnd % 2 == 0
                         else ("bare_xlsxwriter", "openpyxl", "ledger")):
                r = _spawn(name, args.rows, tmp)
                print(f"{name:16s} {args.rows:>8,} rows  {r['seconds']:7.2f} s (cpu {r['cpu']:6.2f} s)  "
                      f"peak RSS {r['rss_mb']:6.1f} MB  file {r['size_mb']:.1f} MB  (round {rnd + 1})", flush=True)
                runs.setdefault(name, []).append(r)
        res = {name: {k: statistics.median(r[k] for r in rs) for k in ("seconds", "cpu", "rss_mb", "size_mb")}
               for name, rs in runs.items()}
        for name in ("ledger", "openpyxl"):
            pairs = list(zip(runs["bare_xlsxwriter"], runs[name]))
            m, lo, hi = _paired(pairs)
            print(f"paired {name} / bare xlsxwriter: median {m:.2f}x (range {lo:.2f}-{hi:.2f}x) wall, "
                  f"{_paired(pairs, 'cpu')[0]:.2f}x CPU over {len(pairs)} rounds")
        half = args.rows // 2
        half_res = _spawn("ledger", half, tmp)
        print(f"{'ledger':16s} {half:>8,} rows  {half_res['seconds']:7.2f} s (cpu {half_res['cpu']:6.2f} s)  "
              f"peak RSS {half_res['rss_mb']:6.1f} MB", flush=True)
        base = res["bare_xlsxwriter"]["seconds"]
        cbase = res["bare_xlsxwriter"]["cpu"]
        print(f"ratio ledger / bare xlsxwriter constant_memory: {res['ledger']['seconds'] / base:.2f}x wall, "
              f"{res['ledger']['cpu'] / cbase:.2f}x CPU  (goal ≤ 1.25x; medians of {args.rounds} rounds each)")
        print(f"ratio openpyxl write_only / bare xlsxwriter:     {res['openpyxl']['seconds'] / base:.2f}x wall, "
              f"{res['openpyxl']['cpu'] / cbase:.2f}x CPU")
        print(f"memory: ledger peak RSS {half_res['rss_mb']:.1f} MB at {half:,} rows, "
              f"{res['ledger']['rss_mb']:.1f} MB at {args.rows:,} rows")
        if not args.skip_export:
            for n in (half, args.rows):
                dbfile = tmp / f"bench-{n}.sqlite3"
                t0 = time.perf_counter()
                # built in its own process, closed (WAL checkpointed) as a clerk's database is
                subprocess.run([sys.executable, __file__, "--variant", "build", "--rows", str(n), "--db", str(dbfile)],
                               check=True)
                print(f"(database with {n:,} installments built in {time.perf_counter() - t0:.1f} s)")
                ex = _spawn("export", n, tmp, str(dbfile))
                print(f"{'export (db→xlsx)':16s} {n:>8,} rows  {ex['seconds']:7.2f} s  peak RSS {ex['rss_mb']:6.1f} MB"
                      f"  = {ex['seconds'] * args.rows / (n * base):.2f}x bare per row", flush=True)
            # the 100,000-row export paired with bare writes of as many rows, run side by side
            pairs = []
            for rnd in range(args.rounds):
                b = _spawn("bare_xlsxwriter", args.rows, tmp)
                ex = _spawn("export", args.rows, tmp, str(tmp / f"bench-{args.rows}.sqlite3"))
                pairs.append((b, ex))
                print(f"export pair {rnd + 1}: bare {b['seconds']:.2f} s, export {ex['seconds']:.2f} s, "
                      f"{ex['seconds'] / b['seconds']:.2f}x", flush=True)
            m, lo, hi = _paired(pairs)
            print(f"paired export {args.rows:,} rows / bare xlsxwriter: export {statistics.median(e['seconds'] for _, e in pairs):.2f} s, "
                  f"bare {statistics.median(b['seconds'] for b, _ in pairs):.2f} s, median {m:.2f}x "
                  f"(range {lo:.2f}-{hi:.2f}x) wall, {_paired(pairs, 'cpu')[0]:.2f}x CPU", flush=True)
    if not args.skip_pdf:
        r = bench_pdf(args.forms, tmp)
        f, b = r["forms"], r["bare_canvas"]
        print(f"forms            {args.forms:>6,} approval forms  {f['seconds']:7.2f} s  {f['pages'] / f['seconds']:6.1f} "
              f"pages/s  file {f['size_mb']:.2f} MB")
        print(f"bare canvas      {args.forms:>6,} pages (same strings and lines)  {b['seconds']:7.2f} s  "
              f"{b['pages'] / b['seconds']:6.1f} pages/s  file {b['size_mb']:.2f} MB")
        m, lo, hi = r["ratio"]
        print(f"ratio forms / bare canvas: {f['seconds'] / b['seconds']:.2f}x wall, {f['cpu'] / b['cpu']:.2f}x CPU "
              f"(goal ≤ 1.5x; medians of 3 each); "
              f"{r['draw_calls_per_page']:.0f} strings per page")
        print(f"paired forms / bare canvas: median {m:.2f}x (range {lo:.2f}-{hi:.2f}x) wall, "
              f"{r['cpu_ratio'][0]:.2f}x CPU over 3 rounds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
