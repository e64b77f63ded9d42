"""Benchmark: importing a large roster (default 20,000 rows; ``--rows 100000`` for the full run).

Builds an N-row, 30-column roster .xlsx (序号 + 29 standard columns, realistic value
mix: dates as Excel dates and as text, synonyms, full-width digits) and a copy in which
every row's 手机号码 differs, then times whole processes, as a clerk waits for them
(wall time, CPU time and peak RSS of each process, from ``wait4``):

- the peer: a bare python-calamine read of the sheet (``python -c``: import, open, to_python)
- ``import``: ``python -m talentdesk --db X import roster FILE --json`` into an empty database
  (the day's first command already run, so its daily backup exists; the import's own
  backup before writing, the JSON summary on stdout: all counted)
- ``same``: the same roster again into the database it populated: nothing changes
- ``phones``: the roster with every phone number changed: N field updates, each audited

Each import runs right after its own bare read (a pair); ``--rounds`` pairs of each,
alternating the order of the three; the median and the range of the paired ratios count.
Peak memory: the import's peak RSS over the bare read's, at N rows and at N/4 rows, and
the slope between them (bytes per row beyond the reader's). Goal: every ratio ≤ 2.0×.

    /work/main/.venv/bin/python bench/bench_import.py --rows 100000 --rounds 3
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


# -- whole processes, as a clerk waits for them -------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
BARE_READ = ("import sys, python_calamine as pc\n"
             "grid = pc.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()\n"
             "print(len(grid))\n")


def timed(cmd: list[str], out_path: Path | None = None) -> dict:
    """Run a whole process; its wall time, CPU time (user + system) and peak RSS (wait4)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("TALENTDESK_USER", None)
    out = open(out_path, "wb") if out_path else subprocess.DEVNULL
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if out_path:
            out.close()
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return {"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_mb": usage.ru_maxrss / 1024}


def bare_read(path: Path) -> dict:
    return timed([sys.executable, "-c", BARE_READ, str(path)])


def cli_import(db: Path, path: Path, out: Path) -> dict:
    r = timed([sys.executable, "-m", "talentdesk", "--db", str(db), "import", "roster", str(path), "--json"], out)
    summary = json.loads(out.read_text(encoding="utf-8"))
    r.update({k: summary.get(k) for k in ("rows", "valid", "inserted", "updated", "unchanged")})
    r["errors"] = len(summary.get("errors") or [])
    r["changes"] = len(summary.get("changes") or [])
    return r


def fresh_db(template: Path, target: Path) -> None:
    """A copy of the template database (its daily backup made: a clerk's second command of
    the day; the import's own backup before writing is part of every import)."""
    import shutil

    for f in target.parent.glob(target.name + "*"):
        f.unlink()
    shutil.copyfile(template, target)


def empty_db(tmp: Path) -> Path:
    """A new database at the current schema, as the first command of the day leaves it."""
    db = tmp / "empty.sqlite3"
    if not db.exists():
        timed([sys.executable, "-m", "talentdesk", "--db", str(db), "user", "list"])
    return db


def ratios(pairs: list[tuple[dict, dict]], key: str = "seconds") -> tuple[float, float, float]:
    r = [b[key] / a[key] for a, b in pairs]
    return statistics.median(r), min(r), max(r)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--quick", action="store_true", help="one round, no openpyxl/pandas, no memory slope")
    ap.add_argument("--no-pandas", action="store_true", help="skip the pandas comparison")
    ap.add_argument("--openpyxl", action="store_true", help="also time openpyxl read_only (slow) for comparison")
    ap.add_argument("--rounds", type=int, default=3, help="paired rounds (default 3)")
    ap.add_argument("--memory-rows", type=int, default=None,
                    help="a smaller roster for the memory slope (default rows/4; 0: none)")
    ap.add_argument("--keep", help="folder to keep the generated files in")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.file, args.db), ensure_ascii=False, default=str))
        return
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="bench-import-"))
    tmp.mkdir(parents=True, exist_ok=True)
    # the program's modules as installed: compiled once (the build ships bytecode), not on every start
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "talentdesk")], check=True,
                   stdout=subprocess.DEVNULL)

    def roster_file(rows: int, shift: int = 0) -> Path:
        path = tmp / (f"roster-{rows}.xlsx" if not shift else f"roster-{rows}-phones.xlsx")
        if not path.exists():
            t = time.perf_counter()
            build(path, rows, phone_shift=shift)
            print(f"built {path.name}: {rows} rows x 30 columns, {path.stat().st_size / 1e6:.1f} MB "
                  f"in {time.perf_counter() - t:.1f} s", flush=True)
        return path

    path, phones = roster_file(args.rows), roster_file(args.rows, 1)
    empty = empty_db(tmp)
    db, out = tmp / "work.sqlite3", tmp / "out.json"
    # the populated database: the roster imported once
    populated = tmp / f"populated-{args.rows}.sqlite3"
    if not populated.exists():
        fresh_db(empty, populated)
        cli_import(populated, path, out)
    load0 = os.getloadavg()[0]
    rounds = 1 if args.quick else max(1, args.rounds)
    pairs: dict[str, list[tuple[dict, dict]]] = {"import": [], "same": [], "phones": []}
    what = {"import": (empty, path), "same": (populated, path), "phones": (populated, phones)}
    for n in range(rounds):
        order = list(pairs) if n % 2 == 0 else list(reversed(pairs))
        for name in order:  # the bare read right before each import: a pair measured side by side
            template, roster = what[name]
            fresh_db(template, db)
            base = bare_read(path)
            r = cli_import(db, roster, out)
            pairs[name].append((base, r))
            print(f"round {n + 1} {name:<7} bare read {base['seconds']:6.2f} s ({base['cpu']:.2f} CPU, "
                  f"{base['maxrss_mb']:.0f} MB)   import {r['seconds']:6.2f} s ({r['cpu']:.2f} CPU, "
                  f"{r['maxrss_mb']:.0f} MB)   {r['seconds'] / base['seconds']:.2f}x   "
                  f"inserted {r['inserted']} updated {r['updated']} unchanged {r['unchanged']} "
                  f"errors {r['errors']}", flush=True)
    labels = {"import": "roster import into an empty database", "same": "re-import, nothing changed",
              "phones": "re-import, every phone changed"}
    expect = {"import": ("inserted", args.rows), "same": ("unchanged", args.rows), "phones": ("updated", args.rows)}
    print(f"\nwhole processes, {args.rows:,} rows x 30 columns, {rounds} paired round(s); "
          f"the peer: a bare python-calamine read of the same file (python -c, to_python)")
    print(f"{'what':<40}{'wall s':>8}{'peer s':>8}{'ratio':>7}{'range':>13}{'CPU s':>8}{'peer':>7}"
          f"{'CPU ratio':>10}{'RSS MB':>8}{'peer MB':>8}")
    problems = []
    for name, got in pairs.items():
        med = {k: statistics.median(b[k] for _, b in got) for k in ("seconds", "cpu", "maxrss_mb")}
        peer = {k: statistics.median(a[k] for a, _ in got) for k in ("seconds", "cpu", "maxrss_mb")}
        m, lo, hi = ratios(got)
        cm = ratios(got, "cpu")[0]
        print(f"{labels[name]:<40}{med['seconds']:>8.2f}{peer['seconds']:>8.2f}{m:>6.2f}x"
              f"{f'{lo:.2f}-{hi:.2f}x':>13}{med['cpu']:>8.2f}{peer['cpu']:>7.2f}{cm:>9.2f}x"
              f"{med['maxrss_mb']:>8.0f}{peer['maxrss_mb']:>8.0f}")
        field_, want = expect[name]
        last = got[-1][1]
        if last.get(field_) != want or last["errors"]:
            problems.append(f"{name}: {field_} {last.get(field_)} (expected {want}), errors {last['errors']}")
    for name, got in pairs.items():
        m = ratios(got)[0]
        print(f"goal: {labels[name]} within 2.0x of the bare read (median of paired ratios): {m:.2f}x -> "
              f"{'MET' if m <= 2.0 else 'NOT MET'}")
    mem_rows = args.rows // 4 if args.memory_rows is None else args.memory_rows
    if mem_rows and not args.quick:
        small = roster_file(mem_rows)
        fresh_db(empty, db)
        sb, si = bare_read(small), cli_import(db, small, out)
        big_extra = statistics.median(b["maxrss_mb"] - a["maxrss_mb"] for a, b in pairs["import"])
        small_extra = si["maxrss_mb"] - sb["maxrss_mb"]
        slope = (big_extra - small_extra) * 1024 * 1024 / (args.rows - mem_rows)
        print(f"peak memory: import {statistics.median(b['maxrss_mb'] for _, b in pairs['import']):.0f} MB vs "
              f"bare read {statistics.median(a['maxrss_mb'] for a, _ in pairs['import']):.0f} MB at {args.rows:,} rows "
              f"(+{big_extra:.0f} MB); {si['maxrss_mb']:.0f} MB vs {sb['maxrss_mb']:.0f} MB at {mem_rows:,} rows "
              f"(+{small_extra:.0f} MB): beyond the reader's, {slope:.0f} bytes per row")
    if args.openpyxl and not args.quick:
        r = run_phase("openpyxl", path)
        print(f"openpyxl read_only iteration (for comparison): {r['seconds']:.2f} s")
    if problems:
        print("unexpected results:", "; ".join(problems))
    print(f"load average: {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (2 cores shared)")
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
