"""Service benchmark (issue 20): the service-side work at a league's scale, this tree's code
against the code before issue 20's work, on the same databases in the same run.

    python bench/bench_services.py [--talents 20000] [--seed-size 1000] [--search-talents 100000]
                                   [--db PATH] [--seed-db PATH] [--baseline REV] [--rounds 1]
                                   [--only ending,reviews,preview,search]

Databases (built once in a temporary folder, or kept at ``--db``/``--db``.search):

- history: ``talentdesk demo`` of ``--seed-size`` talents (agreements, grants, installments,
  payments, reviews, departures — the full path, a few minutes; ``--seed-db`` reuses one)
  copied until it holds ``--talents`` talents (new ID numbers, every id shifted);
- search: ``--search-talents`` talents in 300 employers (``bench_gui.populate``, Core insert).

Measured, each as a subprocess importing either this tree or the baseline (``git archive``
of ``--baseline``, by default the commit before issue 20's work), alternately:

- ``agreements.ending_within(90 days)`` — median of 5 calls;
- ``reviews.record_many`` of one year's results for everyone under obligation that year
  (``list_for_year``; 3 % 不合格, so installments are cancelled), on a fresh copy of the
  history database each time — one call;
- typing an employer fragment (阿拉善, 中学) into the 人才库 search: per keystroke,
  ``talent_query.ordered_ids`` with the cached whole-table order (``within``, as the table
  model passes it) and the first page of rows — median and worst over 5 rounds;
- the 年度考核 grid's question before saving those results: ``reviews.consequences_many``
  (baseline: ``reviews.consequences`` per row, as the grid asked before) — one call;
- the 首页's figures (``dashboard``): every figure the page shows, computed (the first call
  after a write) and again with nothing written since (the service's cache), against the code
  before that work (``--dashboard-baseline``, which computed them on every visit), CPU time;
- start-up with 首页 as the remembered page (``start``): process start → the main window
  painted, then → the 首页's figures shown, and the GUI thread's longest wait meanwhile
  (the figures are gathered in a worker thread); the peer: the same start with 人才库
  remembered; median of 3, this tree only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "59c8cde"  # main before issue 20's service work (agreements, reviews, search)
DASHBOARD_BASELINE = "44699ea"  # main before the 首页's cache and the faster attention()
YEAR = 2026  # the review year of the batch (the demo's history runs to the build date)
KEYSTROKES = ("阿", "阿拉", "阿拉善", "中", "中学")

# tables copied from the seed (their foreign keys: column → table), in dependency order
COPIED = (
    ("talent", {}),
    ("case_decision", {"talent_id": "talent"}),
    ("service_agreement", {"talent_id": "talent"}),
    ("annual_review", {"talent_id": "talent"}),
    ("departure", {"talent_id": "talent"}),
    ("recovery", {"departure_id": "departure"}),
    ("benefit_grant", {"talent_id": "talent", "decision_id": "case_decision"}),
    ("installment", {"grant_id": "benefit_grant", "reverses_id": "installment"}),
    ("installment_funding", {"installment_id": "installment"}),
    ("grant_year_fact", {"grant_id": "benefit_grant"}),
)


# ---------------------------------------------------------------- building

def _checkpoint(path: Path) -> None:
    con = sqlite3.connect(str(path))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def build_history(path: Path, talents: int, seed_size: int, seed_db: Path | None) -> None:
    from talentdesk.domain import idcard
    from talentdesk.models.db import open_database
    from talentdesk.services.context import ServiceContext
    from talentdesk.services.exchange import demo

    t0 = time.perf_counter()
    if seed_db:
        _checkpoint(seed_db)
        shutil.copy(seed_db, path)
    else:
        db = open_database(path)
        summary = demo.generate(ServiceContext(db), size=seed_size, seed=20)
        db.dispose()
        print(f"seed: talentdesk demo of {summary.talents:,} talents in {summary.seconds:.0f} s")
    _checkpoint(path)
    con = sqlite3.connect(str(path))
    seed_n = con.execute("SELECT count(*) FROM talent").fetchone()[0]
    copies = max(1, -(-talents // seed_n))
    tables = {}
    for name, _ in COPIED:
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{name}")')]
        rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
        top = con.execute(f'SELECT max(id) FROM "{name}"').fetchone()[0] or 0
        tables[name] = (cols, rows, top)
    numbers = {r[0] for r in con.execute("SELECT id_number FROM talent")}
    for k in range(1, copies):
        for name, fks in COPIED:
            cols, rows, top = tables[name]
            if not rows:
                continue
            shift = {i: tables[fks[c]][2] * k for i, c in enumerate(cols) if c in fks}
            shift[cols.index("id")] = top * k
            ix_number = cols.index("id_number") if name == "talent" else None
            ix_voucher = cols.index("voucher_no") if "voucher_no" in cols else None
            out = []
            for r in rows:
                r = list(r)
                for i, s in shift.items():
                    if r[i] is not None:
                        r[i] += s
                if ix_number is not None:
                    # the same birth date and sex (the engine reads age), an area no real one has
                    n = r[ix_number]
                    birth, seq = dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14])), int(n[14:17])
                    new = idcard.make(f"{7 + k // 100}{k % 100:02d}{n[3:6]}", birth, seq)
                    while new in numbers:
                        seq = (seq + 2) % 1000
                        new = idcard.make(f"{7 + k // 100}{k % 100:02d}{n[3:6]}", birth, seq)
                    numbers.add(new)
                    r[ix_number] = new
                if ix_voucher is not None and r[ix_voucher]:
                    r[ix_voucher] = f"{r[ix_voucher]}-{k}"
                out.append(r)
            con.executemany(f'INSERT INTO "{name}" ({", ".join(cols)}) VALUES ({", ".join("?" for _ in cols)})',
                            out)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    _checkpoint(path)
    print(f"history database: {seed_n:,} talents × {copies} = {seed_n * copies:,} talents "
          f"(built in {time.perf_counter() - t0:.0f} s)")


def build_search(path: Path, talents: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_gui import populate

    from talentdesk.models.db import open_database

    t0 = time.perf_counter()
    db = open_database(path)
    populate(db, talents)
    db.dispose()
    _checkpoint(path)
    print(f"search database: {talents:,} talents in 300 employers (built in {time.perf_counter() - t0:.0f} s)")


def review_rows(path: Path, out: Path) -> int:
    """One year's results for everyone under obligation without one (the same rows for
    both codes)."""
    from talentdesk.models.db import open_database
    from talentdesk.services.benefits import reviews
    from talentdesk.services.context import ServiceContext

    db = open_database(path)
    grid = reviews.list_for_year(ServiceContext(db), YEAR)
    db.dispose()
    rnd = random.Random(20)
    rows = []
    for r in grid.rows:
        if r.result is None:
            result = rnd.choices(("合格", "优秀", "基本合格", "不合格"), (74, 18, 5, 3))[0]
            rows.append({"身份证号": r.id_number, "年度": YEAR, "考核结果": result,
                         "考核日期": f"{YEAR}-12-{1 + len(rows) % 20:02d}"})
    out.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return len(rows)


# ---------------------------------------------------------------- measuring (in a subprocess)

def measure(what: str, db_path: Path, rows_path: Path | None) -> dict:
    from talentdesk.models.db import open_database
    from talentdesk.services.context import ServiceContext

    db = open_database(db_path)
    ctx = ServiceContext(db, user="考核员", role="reviewer")
    try:
        if what == "ending":
            from talentdesk.services.benefits import agreements

            today = dt.date(YEAR, 10, 1)
            kept = len(agreements.ending_within(ctx, 90, today=today))
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                agreements.ending_within(ctx, 90, today=today)
                times.append(time.perf_counter() - t0)
            return {"median": statistics.median(times), "kept": kept}
        if what == "reviews":
            from talentdesk.services.benefits import reviews

            rows = json.loads(rows_path.read_text(encoding="utf-8"))
            cpu, t0 = time.process_time(), time.perf_counter()
            batch = reviews.record_many(ctx, rows)
            wall, cpu = time.perf_counter() - t0, time.process_time() - cpu
            return {"wall": wall, "cpu": cpu, "recorded": batch.recorded,
                    "cancelled": sum(c.action == "cancel" for r in batch.rows for c in r.applied)}
        if what == "preview":
            # the 年度考核 grid before saving: what the batch would cancel or restore
            from talentdesk.services.benefits import reviews

            rows = json.loads(rows_path.read_text(encoding="utf-8"))
            cpu, t0 = time.process_time(), time.perf_counter()
            if hasattr(reviews, "consequences_many"):
                effects = reviews.consequences_many(ctx, rows)
            else:  # the code before: one consequences() per changed row
                effects = [reviews.consequences(ctx, r["身份证号"], r["年度"], r["考核结果"]) for r in rows]
            wall, cpu = time.perf_counter() - t0, time.process_time() - cpu
            return {"wall": wall, "cpu": cpu, "cancelled": sum(c.action == "cancel" for e in effects for c in e)}
        if what == "search":
            from talentdesk.services.register import talent_query
            from talentdesk.services.register.talent_query import TalentFilter

            everyone = talent_query.ordered_ids(ctx)
            per_key = {k: [] for k in KEYSTROKES}
            cpu = []
            found = {}
            for _ in range(6):
                for text in KEYSTROKES:
                    c0, t0 = time.process_time(), time.perf_counter()
                    ids = talent_query.ordered_ids(ctx, TalentFilter(search=text), within=everyone)
                    talent_query.rows_by_id(ctx, ids[:talent_query.PAGE_SIZE])
                    per_key[text].append(time.perf_counter() - t0)
                    cpu.append(time.process_time() - c0)
                    found[text] = len(ids)
            times = [t for v in per_key.values() for t in v[1:]]  # the first round warms caches
            return {"median": statistics.median(times), "worst": max(times), "found": found,
                    "cpu": statistics.median(cpu[len(KEYSTROKES):]),
                    "per_key": {k: statistics.median(v[1:]) for k, v in per_key.items()}}
        if what == "dashboard":
            from talentdesk.services.overview import dashboard

            today = dt.date(YEAR, 10, 1)

            def figures():
                if hasattr(dashboard, "overview"):
                    return dashboard.overview(ctx, today)
                # the code before: what the page's gather() asked, on every visit
                from talentdesk.services.benefits import grants
                from talentdesk.services.office import settings

                y = today.year
                return (settings.get_settings(ctx), dashboard.attention(ctx, today),
                        grants.list_grants(ctx, status="proposed"), dashboard.budget(ctx, [y, y + 1]),
                        dashboard.payments_by_month(ctx, y), dashboard.talents_by(ctx, "education", status="active"),
                        dashboard.talents_by(ctx, "major", status="active", limit=8),
                        dashboard.talents_by(ctx, "employer", status="active", limit=8))

            figures()  # warms SQLAlchemy's statement cache and the file cache
            out = {}
            for label in ("cold", "warm"):
                if label == "cold" and hasattr(dashboard, "overview"):
                    db.writes += 1  # as a write does: the cached figures no longer hold
                c0, t0 = time.process_time(), time.perf_counter()
                got = figures()
                out[label] = {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}
            att = got.attention if hasattr(got, "attention") else got[1]
            out["counts"] = [att.due_this_month.count, att.overdue.count, att.agreements_ending.count,
                             att.reviews_missing.count, att.outstanding_recoveries.count,
                             att.agreements_expired.count]
            c0 = time.process_time()
            dashboard.attention(ctx, today)
            out["attention_cpu"] = time.process_time() - c0
            return out
        raise SystemExit(f"unknown measurement {what}")
    finally:
        db.dispose()


START_CHILD = r"""
import json, os, sys, time
t0, c0 = time.perf_counter(), time.process_time()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
page_key, db_path = sys.argv[1], sys.argv[2]
from talentdesk.ui.app import make_application
app = make_application(["bench"])
from PySide6.QtCore import QTimer
from talentdesk.models.db import open_database
from talentdesk.services.context import ServiceContext
from talentdesk.ui.env import UiEnv, open_qsettings
from talentdesk.ui.main_window import MainWindow
qs = open_qsettings()
qs.setValue("window/page", page_key)
qs.sync()
env = UiEnv(ServiceContext(open_database(db_path)), qs, headless=True)
win = MainWindow(env)
win.resize(1366, 768)
win.show()
app.processEvents()
win.repaint()
shown, shown_cpu = time.perf_counter() - t0, time.process_time() - c0
page = win.pages[page_key]
ticks = [time.perf_counter()]
timer = QTimer()
timer.setInterval(10)
timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
timer.start()
done = (lambda: page.attention_data is not None and page.subtitle.text() != "正在统计……") \
    if page_key == "dashboard" else (lambda: True)
while not done():
    app.processEvents()
    time.sleep(0.002)
    if time.perf_counter() - t0 > 600:
        raise SystemExit("the 首页 did not fill in")
app.processEvents()
win.repaint()
filled, filled_cpu = time.perf_counter() - t0, time.process_time() - c0
ticks.append(time.perf_counter())
gap = max(b - a for a, b in zip(ticks, ticks[1:]))
win.close()
print("RESULT " + json.dumps({"shown": shown, "shown_cpu": shown_cpu, "filled": filled, "filled_cpu": filled_cpu,
                              "gap": gap}))
"""


def run_start(page_key: str, db_path: Path, home: Path) -> dict:
    """One cold start of this tree's GUI with ``page_key`` remembered, in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), TALENTDESK_HOME=str(home), QT_QPA_PLATFORM="offscreen",
               PYTHONUNBUFFERED="1")
    out = subprocess.run([sys.executable, "-c", START_CHILD, page_key, str(db_path)], env=env, capture_output=True,
                         text=True, encoding="utf-8", cwd=str(ROOT), timeout=900)
    if out.returncode != 0 or "RESULT " not in out.stdout:
        raise SystemExit(f"start-up with {page_key} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads([x for x in out.stdout.splitlines() if x.startswith("RESULT ")][-1][7:])


def schema_head(src: Path) -> str:
    """The schema revision the code in ``src`` expects (its ``SCHEMA_HEAD``)."""
    import re

    text = (src / "talentdesk" / "models" / "db.py").read_text(encoding="utf-8")
    return re.search(r'^SCHEMA_HEAD = "(\w+)"', text, re.M).group(1)




def as_before(db_path: Path, revision: str) -> Path:
    """A copy of the database as the baseline code knows it: without this tree's index
    (migration 0015) and at the revision before it, so the old code opens it and runs as it
    did (no index it never had)."""
    copy = db_path.with_name(db_path.name + ".before")
    _checkpoint(db_path)
    shutil.copy(db_path, copy)
    con = sqlite3.connect(str(copy))
    con.execute("DROP INDEX IF EXISTS ix_installment_status_paid_date")
    # at the baseline's own revision: later migrations only add tables the old code never
    # reads (and 0015 the index dropped above)
    con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.commit()
    con.close()
    return copy


def run_measure(src: Path, what: str, db_path: Path, rows_path: Path | None, home: Path) -> dict:
    if src != ROOT:
        before = as_before(db_path, schema_head(src))
        try:
            return _run_measure(src, what, before, rows_path, home)
        finally:
            before.unlink(missing_ok=True)
    return _run_measure(src, what, db_path, rows_path, home)


def _run_measure(src: Path, what: str, db_path: Path, rows_path: Path | None, home: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src), TALENTDESK_HOME=str(home), PYTHONUNBUFFERED="1")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", what, "--db", str(db_path)]
    if rows_path:
        cmd += ["--rows-file", str(rows_path)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, encoding="utf-8", cwd=str(src))
    if out.returncode != 0:
        raise SystemExit(f"{what} with {src} failed:\n{out.stdout}\n{out.stderr}")
    line = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[7:])


def baseline_tree(rev: str, where: Path) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "talentdesk", "resources"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


# ---------------------------------------------------------------- main

def ms(s: float) -> str:
    return f"{s * 1000:7.1f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--talents", type=int, default=20_000, help="talents in the history database")
    ap.add_argument("--seed-size", type=int, default=1000, help="talents in the demo database that is copied")
    ap.add_argument("--seed-db", type=Path, help="use this demo database as the seed instead of generating one")
    ap.add_argument("--search-talents", type=int, default=100_000)
    ap.add_argument("--db", type=Path, help="keep (or reuse) the history database here (search: PATH.search)")
    ap.add_argument("--baseline", default=BASELINE, help=f"git revision of the baseline code (default {BASELINE})")
    ap.add_argument("--rounds", type=int, default=1, help="record_many runs per code (each on a fresh copy)")
    ap.add_argument("--dashboard-baseline", default=DASHBOARD_BASELINE,
                    help=f"git revision of the 首页 figures' baseline code (default {DASHBOARD_BASELINE})")
    ap.add_argument("--only", help="comma-separated subset of: ending, reviews, preview, search, dashboard, start")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--rows-file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        print("RESULT " + json.dumps(measure(args.measure, args.db, args.rows_file)))
        return 0

    work = Path(tempfile.mkdtemp(prefix="td-bench-services-"))
    home = work / "home"
    os.environ["TALENTDESK_HOME"] = str(home)
    history = args.db or work / "history.sqlite3"
    search_db = Path(str(history) + ".search") if args.db else work / "search.sqlite3"
    only = set((args.only or "ending,reviews,preview,search,dashboard,start").split(","))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPUs, load average {load:.1f}; baseline {args.baseline}")
    if only & {"ending", "reviews", "preview", "dashboard", "start"} and not history.exists():
        build_history(history, args.talents, args.seed_size, args.seed_db)
    if "search" in only and not search_db.exists():
        build_search(search_db, args.search_talents)
    old_src = baseline_tree(args.baseline, work / "baseline")
    codes = (("TalentDesk", ROOT), ("baseline", old_src))
    print()
    try:
        if "ending" in only:
            got = {name: run_measure(src, "ending", history, None, home) for name, src in codes}
            new, old = got["TalentDesk"], got["baseline"]
            assert new["kept"] == old["kept"], got
            print(f"agreements.ending_within(90 days), {old['kept']:,} agreements kept (median of 5)")
            print(f"  ending_within  TalentDesk {ms(new['median'])}   baseline {ms(old['median'])}   "
                  f"ratio {new['median'] / old['median']:.2f}x\n")
        if "reviews" in only:
            rows_path = work / "rows.json"
            n = review_rows(history, rows_path)
            got = {name: [] for name, _ in codes}
            for _ in range(args.rounds):
                for name, src in codes:
                    copy = work / f"reviews-{name}.sqlite3"
                    shutil.copy(history, copy)
                    got[name].append(run_measure(src, "reviews", copy, rows_path, home))
                    copy.unlink()
            new = min(got["TalentDesk"], key=lambda r: r["wall"])
            old = min(got["baseline"], key=lambda r: r["wall"])
            assert (new["recorded"], new["cancelled"]) == (old["recorded"], old["cancelled"]), got
            print(f"reviews.record_many, {n:,} results for {YEAR} ({new['cancelled']} installments cancelled), "
                  f"best of {args.rounds}")
            print(f"  record_many TalentDesk wall {new['wall']:6.2f} s  CPU {new['cpu']:6.2f} s")
            print(f"  record_many baseline   wall {old['wall']:6.2f} s  CPU {old['cpu']:6.2f} s")
            print(f"  record_many ratio      wall {new['wall'] / old['wall']:6.2f}x  CPU {new['cpu'] / old['cpu']:6.2f}x  "
                  f"(goal: 29,882 results ≤ 5 s)\n")
        if "preview" in only:
            rows_path = work / "rows.json"
            n = review_rows(history, rows_path)
            got = {name: run_measure(src, "preview", history, rows_path, home) for name, src in codes}
            new, old = got["TalentDesk"], got["baseline"]
            assert new["cancelled"] == old["cancelled"], got
            print(f"the grid's preview of the same {n:,} results ({new['cancelled']} installments to cancel): "
                  "consequences_many (baseline: consequences per row)")
            print(f"  preview TalentDesk wall {new['wall']:6.2f} s  CPU {new['cpu']:6.2f} s")
            print(f"  preview baseline   wall {old['wall']:6.2f} s  CPU {old['cpu']:6.2f} s")
            print(f"  preview ratio      wall {new['wall'] / old['wall']:6.2f}x  CPU {new['cpu'] / old['cpu']:6.2f}x\n")
        if "search" in only:
            got = {name: run_measure(src, "search", search_db, None, home) for name, src in codes}
            new, old = got["TalentDesk"], got["baseline"]
            assert new["found"] == old["found"], got
            print(f"employer fragment search over {args.search_talents:,} talents, per keystroke "
                  f"({' → '.join(KEYSTROKES)}; ordered ids with the cached order + first page; 5 rounds)")
            print("  found " + ", ".join(f"{k} {v:,}" for k, v in new["found"].items()))
            for k in KEYSTROKES:
                print(f"  {k:4} TalentDesk {ms(new['per_key'][k])}   baseline {ms(old['per_key'][k])}")
            print(f"  employer search median  TalentDesk {ms(new['median'])}   baseline {ms(old['median'])}   "
                  f"ratio {new['median'] / old['median']:.2f}x   (goal ≤ 50 ms)")
            print(f"  employer search CPU     TalentDesk {ms(new['cpu'])}   baseline {ms(old['cpu'])}   "
                  f"ratio {new['cpu'] / old['cpu']:.2f}x   (median per keystroke)")
            print(f"  employer search worst   TalentDesk {ms(new['worst'])}   baseline {ms(old['worst'])}   "
                  f"ratio {new['worst'] / old['worst']:.2f}x")
        if "dashboard" in only:
            dash_src = baseline_tree(args.dashboard_baseline, work / "baseline-dashboard")
            got = {name: run_measure(src, "dashboard", history, None, home)
                   for name, src in (("TalentDesk", ROOT), ("baseline", dash_src))}
            new, old = got["TalentDesk"], got["baseline"]
            assert new["counts"] == old["counts"], got
            print(f"the 首页's figures (attention cards, budget, charts), counts {new['counts']}; "
                  f"baseline {args.dashboard_baseline}")
            print(f"  dashboard refresh TalentDesk wall {new['cold']['wall']:6.2f} s  CPU {new['cold']['cpu']:6.2f} s"
                  f"  (after a write)")
            print(f"  dashboard refresh baseline   wall {old['cold']['wall']:6.2f} s  CPU {old['cold']['cpu']:6.2f} s")
            print(f"  dashboard refresh ratio      wall {new['cold']['wall'] / old['cold']['wall']:6.2f}x  "
                  f"CPU {new['cold']['cpu'] / old['cold']['cpu']:6.2f}x")
            print(f"  dashboard revisit TalentDesk wall {new['warm']['wall']:6.2f} s  CPU {new['warm']['cpu']:6.2f} s"
                  f"  (nothing written since: cached)")
            print(f"  dashboard revisit baseline   wall {old['warm']['wall']:6.2f} s  CPU {old['warm']['cpu']:6.2f} s")
            print(f"  attention() alone TalentDesk CPU {new['attention_cpu']:6.2f} s   baseline CPU "
                  f"{old['attention_cpu']:6.2f} s\n")
        if "start" in only:
            starts = {k: [] for k in ("dashboard", "talents")}
            run_start("talents", history, home)  # warms the file cache
            for _ in range(3):
                for k in starts:  # alternating
                    starts[k].append(run_start(k, history, home))
            med = {k: {f: statistics.median(r[f] for r in v) for f in v[0]} for k, v in starts.items()}
            d, t = med["dashboard"], med["talents"]
            print("start-up, process start → main window painted (median of 3, alternating with the peer)")
            print(f"  start with 首页 TalentDesk wall {d['shown']:6.2f} s  CPU {d['shown_cpu']:6.2f} s   goal ≤ 2 s")
            print(f"  start with 人才库 (peer)   wall {t['shown']:6.2f} s  CPU {t['shown_cpu']:6.2f} s")
            print(f"  start with 首页 ratio      wall {d['shown'] / t['shown']:6.2f}x  CPU {d['shown_cpu'] / t['shown_cpu']:6.2f}x")
            print(f"  首页 filled in TalentDesk  wall {d['filled']:6.2f} s  CPU {d['filled_cpu']:6.2f} s   "
                  f"(figures computed in a worker thread)")
            print(f"  GUI thread's longest wait while it fills: {d['gap'] * 1000:7.1f} ms\n")
    finally:
        if not args.db:
            shutil.rmtree(work, ignore_errors=True)
        else:
            shutil.rmtree(work / "baseline", ignore_errors=True)
            shutil.rmtree(work / "baseline-dashboard", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
