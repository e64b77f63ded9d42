"""Run every TalentDesk benchmark and print one table: each figure, its baseline measured
in the same run, and the ratio.

    python bench/run_all.py            # the full sizes: 100,000-row roster, 100,000-row ledger,
                                       # 1,000 approval forms, 100,000 talents in the GUI
    python bench/run_all.py --quick    # small sizes (a minute or two), e.g. to check the scripts
    python bench/run_all.py --only import,gui --markdown   # some of them; a Markdown table too

Each benchmark is its owner's script (bench/bench_import.py, bench/bench_outputs.py,
bench/bench_gui.py, bench/bench_services.py), run as a subprocess with its output shown as it comes; this script
reads the figures back from that output. A figure it cannot find is reported as missing
(the script's own output above still has it) and the exit code is 1.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


@dataclass
class Row:
    bench: str
    what: str
    size: str
    value: float | None
    unit: str
    baseline_what: str
    baseline: float | None
    goal: str = ""
    paired: tuple[float, float, float] | None = None  # median, lowest, highest of the paired ratios

    @property
    def ratio(self) -> float | None:
        if self.paired is not None:
            return self.paired[0]
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def ratio_text(self) -> str:
        if self.ratio is None:
            return "—"
        if self.paired is not None and self.paired[1] != self.paired[2]:
            return f"{self.ratio:.2f}× ({self.paired[1]:.2f}–{self.paired[2]:.2f})"
        return f"{self.ratio:.2f}×"


# ---------------------------------------------------------------- machine

def machine() -> dict[str, str]:
    info = {"nproc": str(os.cpu_count()), "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        info["cpu"] = platform.processor() or "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        info["memory"] = "?"
    try:
        import PySide6

        info["pyside6"] = PySide6.__version__
    except ImportError:
        info["pyside6"] = "not installed"
    try:
        import sqlalchemy

        info["sqlalchemy"] = sqlalchemy.__version__
    except ImportError:
        pass
    info["load"] = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"
    return info


# ---------------------------------------------------------------- running

# script name → its output, when re-reading a saved log (--parse) instead of running
SAVED: dict[str, str] = {}


def read_log(path: Path) -> dict[str, str]:
    """Split a saved run_all output into each script's own output."""
    sections: dict[str, str] = {}
    current = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = re.match(r"^\$ \S+ (bench_\w+\.py)", line)
        if m:
            current = m.group(1)
            sections[current] = ""
        elif current and line.startswith("  | "):
            sections[current] += line[4:] + "\n"
        elif current and line.startswith("  |"):
            sections[current] += "\n"
    return sections


def run(script: str, args: list[str], timeout: int) -> tuple[str, float, int]:
    """Run one benchmark script, echoing its output; return (output, seconds, exit code)."""
    if SAVED:
        return SAVED.get(script, ""), 0.0, 0 if script in SAVED else 1
    cmd = [sys.executable, str(BENCH / script), *args]
    print(f"\n$ {' '.join(Path(c).name if i < 2 else c for i, c in enumerate(cmd))}", flush=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1", QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            encoding="utf-8", errors="replace", env=env)
    lines = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write("  | " + line)
            sys.stdout.flush()
            lines.append(line)
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                lines.append(f"TIMEOUT after {timeout} s\n")
                break
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = -9
    return "".join(lines), time.perf_counter() - t0, code


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _find(pattern: str, text: str, group: int = 1, *, last: bool = False, best: bool = False) -> float | None:
    found = [m.group(group) for m in re.finditer(pattern, text, re.MULTILINE)]
    if not found:
        return None
    values = [_num(v) for v in found]
    if best:
        return min(values)
    return values[-1] if last else values[0]


# ---------------------------------------------------------------- the benchmarks

def bench_import(quick: bool, timeout: int) -> tuple[list[Row], int]:
    rows_n = 5_000 if quick else 100_000
    out, _, code = run("bench_import.py", ["--rows", str(rows_n)] + (["--quick"] if quick else
                                                                  ["--no-pandas", "--rounds", "3"]), timeout)
    # "label  wall  peer  1.23x  1.10-1.40x  1.30x  RSS  peer-RSS"
    nums = (r"\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)x\s+([\d.]+)-([\d.]+)x\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)x"
            r"\s+(\d+)\s+(\d+)")
    size = f"{rows_n:,} rows × 30 cols"
    peer = "bare python-calamine read (process)"
    rows: list[Row] = []
    for label, what in (("roster import into an empty database", "roster import, whole CLI process"),
                        ("re-import, nothing changed", "re-import of the same roster, nothing changed"),
                        ("re-import, every phone changed", "re-import, every phone changed (all rows updated)")):
        g = [_find("^" + re.escape(label) + nums, out, k) for k in range(1, 11)]
        paired = (g[2], g[3], g[4]) if None not in g[2:5] else None
        rows.append(Row("import", what + " (wall)", size, g[0], "s", peer, g[1], "≤ 2.0×", paired=paired))
        rows.append(Row("import", what + " (CPU)", size, g[5], "s", peer + " (CPU)", g[6],
                        paired=(g[7], g[7], g[7]) if g[7] is not None else None))
    m = re.search(r"^peak memory: import (\d+) MB vs bare read (\d+) MB at [\d,]+ rows \(\+(\d+) MB\); "
                  r"(\d+) MB vs (\d+) MB at ([\d,]+) rows \(\+(\d+) MB\): beyond the reader's, (-?\d+) bytes per row",
                  out, re.M)
    if m:
        rows.append(Row("import", "peak memory of the import (RSS)", size, float(m.group(1)), "MB",
                        "bare read (RSS)", float(m.group(2)), "bounded"))
        rows.append(Row("import", f"growth beyond the reader's, {m.group(6)} → {rows_n:,} rows", "per row",
                        float(m.group(8)), "B", "—", None, "≈ 0"))
    elif not quick:
        rows.append(Row("import", "peak memory of the import (RSS)", size, None, "MB", "bare read (RSS)", None))
    return rows, code


def bench_demo(quick: bool, timeout: int) -> tuple[list[Row], int]:
    size = 200 if quick else 2_000
    out, _, code = run("bench_demo.py", ["--size", str(size)], timeout)
    wall = _find(r"^demo [\d,]+ talents\s+wall ([\d.]+) s", out)
    cpu = _find(r"^demo [\d,]+ talents\s+wall [\d.]+ s\s+CPU ([\d.]+) s", out)
    return [Row("demo", "talentdesk demo, whole process (wall)", f"{size:,} talents", wall, "s",
                "limit (README: about a minute)", 60.0, "≤ 60 s"),
            Row("demo", "talentdesk demo, whole process (CPU)", f"{size:,} talents", cpu, "s",
                "limit (README: about a minute)", 60.0)], code


def bench_outputs(quick: bool, timeout: int) -> tuple[list[Row], int]:
    n, forms = (5_000, 50) if quick else (100_000, 1_000)
    args = ["--rows", str(n), "--forms", str(forms)] + (["--rounds", "1"] if quick else ["--rounds", "3"])
    out, _, code = run("bench_outputs.py", args, timeout)

    def paired(what: str) -> tuple[float, float, float] | None:
        m = re.search(r"^paired " + what + r".*?median ([\d.]+)x \(range ([\d.]+)-([\d.]+)x\)", out, re.M)
        return (float(m.group(1)), float(m.group(2)), float(m.group(3))) if m else None

    sec = r"[\d,]+ rows\s+([\d.]+) s"
    # medians over the rounds (each variant's runs), the ratios paired round by round
    ledger_runs = [_num(x) for x in re.findall(r"^ledger\s+" + f"{n:,}" + r" rows\s+([\d.]+) s.*\(round", out, re.M)]
    bare_runs = [_num(x) for x in re.findall(r"^bare_xlsxwriter\s+" + sec, out, re.M)]
    opx_runs = [_num(x) for x in re.findall(r"^openpyxl\s+" + sec, out, re.M)]
    med = (lambda xs: sorted(xs)[len(xs) // 2] if xs else None)  # noqa: E731
    export = _find(r"^paired export [\d,]+ rows / bare xlsxwriter: export ([\d.]+) s", out)
    export_bare = _find(r"^paired export [\d,]+ rows / bare xlsxwriter: export [\d.]+ s, bare ([\d.]+) s", out)
    f = _find(r"^forms\s+[\d,]+ approval forms\s+([\d.]+) s", out)
    b = _find(r"^bare canvas\s+[\d,]+ pages.*?\s([\d.]+) s\s", out)
    size = f"{n:,} rows"
    return [
        Row("outputs", "disbursement ledger .xlsx (writer)", size, med(ledger_runs), "s",
            "bare xlsxwriter constant_memory", med(bare_runs), "≤ 1.25×", paired=paired("ledger")),
        Row("outputs", "ledger export from the database (whole service call)", size, export, "s",
            "bare xlsxwriter constant_memory", export_bare, "≤ 1.25×", paired=paired("export")),
        Row("outputs", "openpyxl write_only (for comparison)", size, med(opx_runs), "s",
            "bare xlsxwriter constant_memory", med(bare_runs), paired=paired("openpyxl")),
        Row("outputs", "approval forms PDF", f"{forms:,} forms", f, "s", "bare reportlab canvas, same strings", b,
            "≤ 1.5×", paired=paired("forms")),
    ], code


def bench_gui(quick: bool, timeout: int) -> tuple[list[Row], int]:
    n = 5_000 if quick else 100_000
    out, _, code = run("bench_gui.py", ["--rows", str(n)], timeout)
    # "TalentDesk  1.79 s  goal" or "TalentDesk  wall 2.40 s  CPU 1.14 s  goal"
    start = _find(r"^\s+TalentDesk\s+(?:wall\s+)?([\d.]+) s\s+(?:CPU|goal)", out)
    base_start = _find(r"^\s+bare QTableView\s+(?:wall\s+)?([\d.]+) s\s", out)
    start_cpu = _find(r"^\s+TalentDesk\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out)
    base_start_cpu = _find(r"^\s+bare QTableView\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out)
    like = _find(r"baseline: bare SQL LIKE .*?:\s+([\d.]+) ms", out)
    med = _find(r"all keystrokes: median\s+([\d.]+) ms", out)
    worst = _find(r"all keystrokes: .*worst\s+([\d.]+) ms", out)
    key_cpu = _find(r"CPU time per keystroke: median\s+([\d.]+) ms", out)
    cold = _find(r"cold pass \(each term typed the first time\): median\s+[\d.]+ ms, worst\s+([\d.]+) ms", out)
    frame = _find(r"^\s+TalentDesk\s+worst frame\s+([\d.]+) ms", out)
    base_frame = _find(r"^\s+bare QTableView\s+worst frame\s+([\d.]+) ms", out)
    frame_cpu = _find(r"CPU time per frame: worst\s+([\d.]+) ms", out)
    base_frame_cpu = _find(r"CPU time per frame: .*bare QTableView worst\s+([\d.]+) ms", out)
    size = f"{n:,} talents"
    cpu_rows = []
    if start_cpu is not None:
        cpu_rows.append(Row("gui", "cold start to a shown main window (CPU)", size, start_cpu, "s",
                            "bare QTableView process (CPU)", base_start_cpu))
    return [
        Row("gui", "cold start to a shown main window", size, start, "s", "bare QTableView process", base_start,
            "< 2 s"),
        *cpu_rows,
        Row("gui", "search through the window (name, initials, ID, employer), median keystroke", size, med, "ms",
            "bare SQL LIKE '%x%' scan", like, "≤ 30 ms"),
        Row("gui", "search through the window, median keystroke (CPU of the process)", size, key_cpu, "ms",
            "bare SQL LIKE '%x%' scan", like),
        Row("gui", "search through the window, worst keystroke", size, worst, "ms", "bare SQL LIKE '%x%' scan", like,
            "≤ 150 ms"),
        Row("gui", "search through the window, cold pass, worst keystroke", size, cold, "ms",
            "bare SQL LIKE '%x%' scan", like, "≤ 150 ms"),
        Row("gui", "scroll top → bottom, worst frame", size, frame, "ms", "bare QTableView, trivial model",
            base_frame, "≤ 33 ms"),
        *([Row("gui", "scroll top → bottom, worst frame (CPU)", size, frame_cpu, "ms",
               "bare QTableView, trivial model (CPU)", base_frame_cpu, "≤ 33 ms")] if frame_cpu is not None else []),
    ], code


def bench_services(quick: bool, timeout: int) -> tuple[list[Row], int]:
    talents, seed, search = (2_000, 200, 10_000) if quick else (20_000, 1_000, 100_000)
    out, _, code = run("bench_services.py", ["--talents", str(talents), "--seed-size", str(seed),
                                             "--search-talents", str(search)], timeout)
    pair = r"TalentDesk\s+{0}([\d.]+) {1}\s+.*?baseline\s+{0}([\d.]+) {1}"
    ending = [_find(r"^\s+ending_within\s+" + pair.format("", "ms"), out, g) for g in (1, 2)]
    wall = [_find(r"^\s+record_many TalentDesk\s+wall\s+([\d.]+) s", out),
            _find(r"^\s+record_many baseline\s+wall\s+([\d.]+) s", out)]
    cpu = [_find(r"^\s+record_many TalentDesk\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out),
           _find(r"^\s+record_many baseline\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out)]
    preview = [_find(r"^\s+preview TalentDesk\s+wall\s+([\d.]+) s", out),
               _find(r"^\s+preview baseline\s+wall\s+([\d.]+) s", out)]
    preview_cpu = [_find(r"^\s+preview TalentDesk\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out),
                   _find(r"^\s+preview baseline\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out)]
    med = [_find(r"^\s+employer search median\s+" + pair.format("", "ms"), out, g) for g in (1, 2)]
    worst = [_find(r"^\s+employer search worst\s+" + pair.format("", "ms"), out, g) for g in (1, 2)]
    search_cpu = [_find(r"^\s+employer search CPU\s+" + pair.format("", "ms"), out, g) for g in (1, 2)]
    dash = [_find(r"^\s+dashboard refresh TalentDesk\s+wall\s+([\d.]+) s", out),
            _find(r"^\s+dashboard refresh baseline\s+wall\s+([\d.]+) s", out)]
    dash_cpu = [_find(r"^\s+dashboard refresh TalentDesk\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out),
                _find(r"^\s+dashboard refresh baseline\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out)]
    revisit_cpu = [_find(r"^\s+dashboard revisit TalentDesk\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out),
                   _find(r"^\s+dashboard revisit baseline\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out)]
    start = [_find(r"^\s+start with 首页 TalentDesk\s+wall\s+([\d.]+) s", out),
             _find(r"^\s+start with 人才库 \(peer\)\s+wall\s+([\d.]+) s", out)]
    start_cpu = [_find(r"^\s+start with 首页 TalentDesk\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out),
                 _find(r"^\s+start with 人才库 \(peer\)\s+wall\s+[\d.]+ s\s+CPU\s+([\d.]+) s", out)]
    filled = _find(r"^\s+首页 filled in TalentDesk\s+wall\s+([\d.]+) s", out)
    results = _find(r"record_many, ([\d,]+) results", out)
    history = f"{talents:,} talents, full history"
    batch = f"{int(results):,} results, {talents:,} talents" if results else history
    base = "the code before issue 20"
    return [
        Row("services", "agreements ending within 90 days", history, ending[0], "ms", base, ending[1]),
        Row("services", "annual review batch, record_many (wall)", batch, wall[0], "s", base, wall[1]),
        Row("services", "annual review batch, record_many (CPU)", batch, cpu[0], "s", base + " (CPU)", cpu[1]),
        Row("services", "the grid's preview of that batch (wall)", batch, preview[0], "s",
            base + ": consequences per row", preview[1]),
        Row("services", "the grid's preview of that batch (CPU)", batch, preview_cpu[0], "s",
            base + " (CPU)", preview_cpu[1]),
        Row("services", "employer fragment search, median keystroke", f"{search:,} talents", med[0], "ms", base,
            med[1], "≤ 50 ms"),
        Row("services", "employer fragment search, median keystroke (CPU)", f"{search:,} talents", search_cpu[0],
            "ms", base + " (CPU)", search_cpu[1]),
        Row("services", "employer fragment search, worst keystroke", f"{search:,} talents", worst[0], "ms", base,
            worst[1], "≤ 150 ms"),
        Row("services", "dashboard refresh, 首页 figures after a write (wall)", history, dash[0], "s",
            "the code before the 首页 cache", dash[1]),
        Row("services", "dashboard refresh, 首页 figures after a write (CPU)", history, dash_cpu[0], "s",
            "the code before the 首页 cache (CPU)", dash_cpu[1]),
        Row("services", "dashboard revisit, nothing written since (CPU)", history, revisit_cpu[0], "s",
            "the code before the 首页 cache (CPU)", revisit_cpu[1]),
        Row("services", "start-up with 首页 remembered, window painted", history, start[0], "s",
            "start-up with 人才库 remembered", start[1], "≤ 2 s"),
        Row("services", "start-up with 首页 remembered, window painted (CPU)", history, start_cpu[0], "s",
            "start-up with 人才库 remembered (CPU)", start_cpu[1]),
        Row("services", "start-up with 首页 remembered, figures shown", history, filled, "s",
            "start-up with 人才库 remembered", start[1]),
    ], code


BENCHMARKS = {"import": bench_import, "outputs": bench_outputs, "gui": bench_gui, "services": bench_services,
              "demo": bench_demo}


# ---------------------------------------------------------------- report

def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "missing"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit in ("MB", "B"):
        return f"{value:,.0f} {unit}"
    return f"{value:.2f} s"


def print_table(rows: list[Row]) -> None:
    head = ("benchmark", "size", "TalentDesk", "baseline (same run)", "baseline", "ratio", "goal")
    body = [(r.what, r.size, fmt(r.value, r.unit), r.baseline_what, fmt(r.baseline, r.unit),
             r.ratio_text, r.goal) for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    line = "  ".join("{:<%d}" % w for w in widths)
    print(line.format(*head))
    print("  ".join("-" * w for w in widths))
    for b in body:
        print(line.format(*b))


def markdown(rows: list[Row], info: dict[str, str], quick: bool, seconds: float) -> str:
    out = [f"Run {time.strftime('%Y-%m-%d %H:%M')} ({'quick' if quick else 'full'} sizes, {seconds / 60:.1f} min); "
           f"machine: {info.get('cpu', '?')}, {info['nproc']} CPUs, {info.get('memory', '?')} RAM, "
           f"load {info['load']} at start; Python {info['python']}, PySide6 {info['pyside6']}, "
           f"SQLite {info['sqlite']}, SQLAlchemy {info.get('sqlalchemy', '?')}; {info['platform']}.", "",
           "| benchmark | size | TalentDesk | baseline (same run) | baseline | ratio | goal |",
           "|---|---|---:|---|---:|---:|---|"]
    for r in rows:
        out.append(f"| {r.what} | {r.size} | {fmt(r.value, r.unit)} | {r.baseline_what} | {fmt(r.baseline, r.unit)} "
                   f"| {r.ratio_text} | {r.goal} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes (passed on to every benchmark)")
    ap.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    ap.add_argument("--markdown", action="store_true", help="also print the table as Markdown (for BENCHMARKS.md)")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds allowed per benchmark (default 1800)")
    ap.add_argument("--parse", type=Path, metavar="LOG",
                    help="read the figures from a saved run_all output instead of running the benchmarks")
    args = ap.parse_args(argv)
    if args.parse:
        SAVED.update(read_log(args.parse))
    names = [n.strip() for n in args.only.split(",")] if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(unknown)}")
    info = machine()
    print("machine: " + "; ".join(f"{k} {v}" for k, v in info.items()))
    t0 = time.perf_counter()
    rows: list[Row] = []
    failed = []
    for name in names:
        got, code = BENCHMARKS[name](args.quick, args.timeout)
        rows += got
        if code != 0:
            failed.append(f"{name} exited with {code}")
    seconds = time.perf_counter() - t0
    print(f"\n== all benchmarks ({'quick' if args.quick else 'full'} sizes) in {seconds / 60:.1f} min ==")
    print_table(rows)
    if args.markdown:
        print("\n" + markdown(rows, info, args.quick, seconds))
    missing = [r.what for r in rows if (r.value is None or r.baseline is None) and r.paired is None
               and r.baseline_what != "—"]
    if missing:
        failed.append("figures not found in the output: " + "; ".join(missing))
    for f in failed:
        print("PROBLEM: " + f, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
