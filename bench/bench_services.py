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
  (baseline: ``reviews.consequences`` per row, as the grid asked before) — one call.
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
        raise SystemExit(f"unknown measurement {what}")
    finally:
        db.dispose()


def run_measure(src: Path, what: str, db_path: Path, rows_path: Path | None, home: Path) -> dict:
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
    ap.add_argument("--only", help="comma-separated subset of: ending, reviews, preview, search")
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
    only = set((args.only or "ending,reviews,preview,search").split(","))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPUs, load average {load:.1f}; baseline {args.baseline}")
    if only & {"ending", "reviews", "preview"} and not history.exists():
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
    finally:
        if not args.db:
            shutil.rmtree(work, ignore_errors=True)
        else:
            shutil.rmtree(work / "baseline", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
