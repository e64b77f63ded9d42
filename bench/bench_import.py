"""Benchmark: importing a large roster (default 20,000 rows; ``--rows 100000`` for the full run).

Builds an N-row, 30-column roster .xlsx (序号 + 29 standard columns, realistic value
mix: dates as Excel dates and as text, synonyms, full-width digits), then measures, each
in its own process so that every figure has its own memory peak (max RSS):

- ``calamine``: a bare python-calamine read of the sheet (the baseline of the goal)
- ``openpyxl``: openpyxl read_only iteration (skipped with ``--quick``)
- ``pandas``:   pandas.read_excel(engine="openpyxl") (skipped with ``--quick`` / ``--no-pandas``)
- ``dry``:      the whole import as a dry run (read, header detection, validation, plan)
- ``real``:     the whole import into an empty SQLite database (read, validate, write,
                audit events, import batch), then a check that every row is in

and prints the figures and the ratios to the calamine read. Goal: ``real`` ≤ 2.5x the
calamine read in wall time. With ``--rounds N`` the calamine read and the real import are
measured N times, alternately (a busy machine slows both alike), and the medians count.
The import runs a second thread (the database moves rows into place while Python builds
the next chunk; pypinyin loads while calamine parses), so its CPU time exceeds its wall
time; CPU figures are printed for reference.

    /work/venv/bin/python bench/bench_import.py --rows 100000 --rounds 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉红建文斌宇浩凯晨瑞欣怡婷雪琳晓颖佳思雨梦嘉子轩博睿泽宁航天一诺"
# Inner Mongolian GB/T 2260 codes in use for every birth year drawn (1975-1999)
AREAS = ("152921", "152922", "152923", "150121", "150122", "150221", "150222", "152201", "152221", "152222",
         "152223", "152224", "152501", "152522", "152523", "150102", "150203", "150402", "152502", "150204")
EMPLOYERS = [f"阿拉善盟第{i}中学" for i in range(1, 41)] + [f"阿拉善左旗{n}公司" for n in "甲乙丙丁戊己庚辛壬癸"]


def build(path: Path, rows: int, seed: int = 7, phone_shift: int = 0) -> None:
    """The roster with xlsxwriter in constant-memory mode (fast, bounded). ``phone_shift``
    changes every row's 手机号码 and nothing else (the same draws otherwise)."""
    import xlsxwriter

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from talentdesk.domain import idcard, roster, uscc

    rnd = random.Random(seed)
    # the 30 columns the figures in BENCHMARKS.md were measured with (later columns left out)
    cols = ["序号"] + [c.label for c in roster.COLUMNS if c.key not in (
        "remarks", "postdoc_entry_date", "employer_industry", "employer_civil_service")]
    assert len(cols) == 30
    codes = {e: uscc.make(f"12152900{i:09d}") for i, e in enumerate(EMPLOYERS)}
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("花名册")
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write(0, 0, "2024年度引进人才花名册")
    ws.write(1, 0, "填报单位：阿拉善盟人才工作领导小组办公室")
    for c, h in enumerate(cols):
        ws.write_string(2, c, h)
    edu = [("博士", "博士", "双一流"), ("硕士研究生", "硕士", "211"), ("本科", "学士", "其他"),
           ("大学本科", "学士学位", "普通高校"), ("研究生", "硕士", "985")]
    base = dt.date(1975, 1, 1)
    used: set[str] = set()
    for i in range(rows):
        r = i + 3
        birth = base + dt.timedelta(days=rnd.randrange(0, 9000))
        male = rnd.random() < 0.5
        area = AREAS[(rnd.randrange(10, 99) * 89 + rnd.randrange(10, 99)) % len(AREAS)]  # same draws as before
        seq = (i % 500) * 2 + (1 if male else 0)
        number = idcard.make(area, birth, seq)
        while number in used:  # same area, birth and sequence as an earlier row: the next free one, same sex
            seq = (seq + 2) % 1000
            number = idcard.make(area, birth, seq)
        used.add(number)
        e, d, tier = edu[i % len(edu)]
        employer = EMPLOYERS[rnd.randrange(len(EMPLOYERS))]
        intro = dt.date(2015, 1, 1) + dt.timedelta(days=rnd.randrange(0, 3000))
        grad = intro - dt.timedelta(days=rnd.randrange(30, 700))
        values = {
            "序号": i + 1, "姓名": SURNAMES[rnd.randrange(len(SURNAMES))] + "".join(
                GIVEN[rnd.randrange(len(GIVEN))] for _ in range(rnd.choice((1, 2)))),
            "性别": "男" if male else "女", "身份证号": number, "出生日期": birth, "民族": rnd.choice(("汉族", "蒙古族", "回族")),
            "政治面貌": rnd.choice(("中共党员", "群众", "共青团员")), "籍贯": rnd.choice(("内蒙古阿拉善", "甘肃武威", "宁夏银川")),
            "学历": e, "学位": d, "学习形式": rnd.choice(("全日制", "全日制", "非全日制")), "毕业院校": rnd.choice(
                ("内蒙古大学", "兰州大学", "北京林业大学", "宁夏大学")), "院校类别": tier,
            "专业": rnd.choice(("农学", "畜牧学", "计算机科学与技术", "临床医学", "汉语言文学")),
            "毕业时间": grad.strftime("%Y.%m.%d") if i % 3 == 0 else grad, "职称": rnd.choice(("中级", "初级", "副高", "无")),
            "人才类别": rnd.choice(("E", "D类", "无")), "引进方式": rnd.choice(("招聘", "公开招聘", "调动")),
            "用人单位": employer, "统一社会信用代码": codes[employer], "单位性质": "事业单位", "所属地区": "阿拉善左旗",
            "引进日期": intro.strftime("%Y年%m月%d日") if i % 4 == 0 else intro, "合同起始日期": intro,
            "合同期限（年）": rnd.choice(("5年", 5, 3, "３")), "协议签订日期": intro,
            "急需紧缺": rnd.choice(("是", "否", "√", "×")), "本地自有住房": rnd.choice(("是", "否")),
            "入住人才公寓": rnd.choice(("否", "N")), "手机号码": f"13{(rnd.randrange(100000000, 999999999) - 100000000 + phone_shift) % 899999999 + 100000000}",
        }
        for c, h in enumerate(cols):
            v = values[h]
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), datef)
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
    wb.close()


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, path: str, db: str | None) -> dict:
    t0 = time.perf_counter()
    c0 = time.process_time()
    out: dict = {}
    if name == "calamine":
        import python_calamine as pc

        wb = pc.CalamineWorkbook.from_path(path)
        grid = wb.get_sheet_by_index(0).to_python()
        out["rows"] = len(grid)
    elif name == "openpyxl":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        n = 0
        for row in wb.worksheets[0].iter_rows(values_only=True):
            n += 1
        out["rows"] = n
    elif name == "pandas":
        import pandas as pd

        out["rows"] = len(pd.read_excel(path, engine="openpyxl", header=None))
    elif name in ("dry", "real"):
        from talentdesk.models.db import open_database
        from talentdesk.services.exchange import importer
        from talentdesk.services.context import ServiceContext

        database = open_database(db)
        t0 = time.perf_counter()  # the schema creation is not part of the import
        c0 = time.process_time()
        ctx = ServiceContext(database, user="bench")
        marks = {}

        def progress(ph, done, total):
            marks.setdefault(ph + "_start", time.perf_counter() - t0)
            marks[ph + "_end"] = time.perf_counter() - t0

        s = importer.run_import(ctx, path, "roster", dry_run=(name == "dry"), progress=progress)
        out.update(rows=s.rows, valid=s.valid, inserted=s.inserted, errors=len(s.errors),
                   marks={k: round(v, 2) for k, v in marks.items()})
        if s.errors:
            out["first_errors"] = [e.as_dict() for e in s.errors[:3]]
        if name == "real":
            elapsed = time.perf_counter() - t0
            cpu = time.process_time() - c0
            from sqlalchemy import func, select

            from talentdesk.models.entities import AuditEvent, Talent

            with ctx.read() as session:
                out["talents_in_db"] = session.execute(select(func.count(Talent.id))).scalar_one()
                out["audit_events"] = session.execute(select(func.count(AuditEvent.id))).scalar_one()
            out["seconds"] = elapsed
            out["cpu"] = cpu
    out.setdefault("seconds", time.perf_counter() - t0)
    out.setdefault("cpu", time.process_time() - c0)
    out["maxrss_mb"] = _maxrss_mb()
    return out


def run_phase(name: str, path: Path, db: Path | None = None) -> dict:
    cmd = [sys.executable, __file__, "--phase", name, "--file", str(path)]
    if db is not None:
        cmd += ["--db", str(db)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--quick", action="store_true", help="skip the openpyxl and pandas baselines")
    ap.add_argument("--no-pandas", action="store_true", help="skip the pandas baseline")
    ap.add_argument("--rounds", type=int, default=1, help="measure the calamine read and the real import N times")
    ap.add_argument("--keep", help="folder to keep the generated file in")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.file, args.db), ensure_ascii=False, default=str))
        return
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="bench-import-"))
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / f"roster-{args.rows}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        build(path, args.rows)
        print(f"built {path.name}: {args.rows} rows x 30 columns, {path.stat().st_size / 1e6:.1f} MB "
              f"in {time.perf_counter() - t:.1f} s")
    db = tmp / "real.sqlite3"
    rounds: list[tuple[dict, dict]] = []
    for _ in range(max(1, args.rounds)):
        for f in tmp.glob("real.sqlite3*"):
            f.unlink()
        rounds.append((run_phase("calamine", path), run_phase("real", path, db)))

    def median(runs: list[dict]) -> dict:
        out = dict(runs[0])
        for k in ("seconds", "cpu", "maxrss_mb"):
            out[k] = statistics.median(r[k] for r in runs)
        return out

    results = {"calamine": median([c for c, _ in rounds])}
    if not args.quick:
        results["openpyxl"] = run_phase("openpyxl", path)
        if not args.no_pandas:
            try:
                import pandas  # noqa: F401
                results["pandas"] = run_phase("pandas", path)
            except ImportError:
                print("pandas not installed: pandas baseline skipped")
    results["dry"] = run_phase("dry", path, tmp / "dry.sqlite3")
    results["real"] = median([r for _, r in rounds])
    base = results["calamine"]["seconds"]
    cbase = results["calamine"]["cpu"]
    print(f"\n{'what':<38}{'wall s':>8}{'x calamine':>11}{'CPU s':>8}{'x calamine':>11}{'peak RSS MB':>12}")
    labels = {"calamine": "python-calamine read (baseline)", "openpyxl": "openpyxl read_only iteration",
              "pandas": 'pandas.read_excel(engine="openpyxl")', "dry": "import, dry run",
              "real": "import into empty SQLite"}
    for k, r in results.items():
        print(f"{labels[k]:<38}{r['seconds']:>8.2f}{r['seconds'] / base:>11.2f}{r['cpu']:>8.2f}"
              f"{r['cpu'] / cbase:>11.2f}{r['maxrss_mb']:>12.0f}")
    real = results["real"]
    print(f"\nrows {real['rows']}, valid {real['valid']}, inserted {real['inserted']}, "
          f"in database {real.get('talents_in_db')}, audit events {real.get('audit_events')}, errors {real['errors']}")
    print("phase marks (s from start):", real.get("marks"))
    if "pandas" in results:
        print(f"import vs pandas.read_excel: {real['seconds'] / results['pandas']['seconds']:.2f}x the time")
    if len(rounds) > 1:
        print("rounds (calamine s, import s, ratio):",
              "; ".join(f"{c['seconds']:.2f}, {r['seconds']:.2f}, {r['seconds'] / c['seconds']:.2f}x"
                        for c, r in rounds))
    ratio = real["seconds"] / base
    print(f"goal: whole import within 2.5x of the calamine read (wall time, medians of {len(rounds)} round(s)): "
          f"{ratio:.2f}x -> {'MET' if ratio <= 2.5 else 'NOT MET'}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (2 cores shared)")
    if real.get("first_errors"):
        print("unexpected errors:", real["first_errors"])


if __name__ == "__main__":
    main()
