"""Benchmark: ``talentdesk demo`` (default 2,000 talents), the whole process as a clerk waits
for it: a new database file, the demo's talents and their history (agreements, grants,
installments, payments, reviews, departures, the office's other duties), the audit trail.

Prints wall time, CPU time (user + system, from ``wait4``) and peak RSS of the process,
and the demo's own counts. The limit: 60 s (the README says about a minute).

    /work/main/.venv/bin/python bench/bench_demo.py --size 2000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 60.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    # the program as installed: its modules compiled once, not on every start
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "talentdesk")], check=True,
                   stdout=subprocess.DEVNULL)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("TALENTDESK_USER", None)
    load0 = os.getloadavg()[0]
    runs = []
    for n in range(max(1, args.rounds)):
        with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
            db = Path(tmp) / "demo.sqlite3"
            cmd = [sys.executable, "-m", "talentdesk", "--db", str(db), "demo", "--size", str(args.size)]
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
            out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                raise SystemExit(f"demo failed ({code}):\n{out}")
            cpu = usage.ru_utime + usage.ru_stime
            runs.append((wall, cpu, usage.ru_maxrss / 1024))
            summary = [line for line in out.splitlines() if "：" in line and "/" not in line][-12:]
            print(f"round {n + 1}: wall {wall:.2f} s  CPU {cpu:.2f} s  peak RSS {usage.ru_maxrss / 1024:.0f} MB",
                  flush=True)
            for line in summary:
                print("   " + line)
    wall = sorted(r[0] for r in runs)[len(runs) // 2]
    cpu = sorted(r[1] for r in runs)[len(runs) // 2]
    rss = sorted(r[2] for r in runs)[len(runs) // 2]
    print(f"\ndemo {args.size:,} talents  wall {wall:.2f} s  CPU {cpu:.2f} s  peak RSS {rss:.0f} MB  "
          f"limit {LIMIT:.0f} s -> {'MET' if wall <= LIMIT else 'NOT MET'} (wall)")
    print(f"load average: {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (2 cores shared)")


if __name__ == "__main__":
    main()
