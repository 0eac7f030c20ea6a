#!/usr/bin/env python3
"""Slicewise beside DuckDB on the same audit, at 1, 2 and all cores.

    cargo build --release
    python benches/vs_duckdb.py                      # 10M rows, Parquet and CSV
    python benches/vs_duckdb.py --folder-rows 100000000   # and the 100M-row folder

Times `slicewise report FILE --by device --by gender` (the whole process:
load, every metric, intervals, calibration, tags) against DuckDB reading
`label, pred, device, gender` and computing the confusion counts and the
two group-bys in one scan (GROUPING SETS, the fastest way to ask it). Both
get the same cores: the process is pinned with `taskset` to the first N
cores, and told N (`--threads N`, DuckDB's `SET threads`). Both are timed
as whole processes (for DuckDB: Python's start, `import duckdb` and the
query, about 0.1 s before the query), and DuckDB's query alone is printed
beside it. Each runs `--repeat` times, after one untimed warm-up run that
brings the file into the page cache, the two by turns (Slicewise, DuckDB,
Slicewise, ...) so that a slow spell of a shared machine falls on both.

DuckDB comes from its Python package (`.ci/sql-engines` installs it into
~/.cache/slicewise/venv). The data is written once with `slicewise
generate` into --dir. Prints one table: file, threads, Slicewise's best
seconds, DuckDB's best seconds and their ratio DuckDB / Slicewise (above 1:
Slicewise is faster), the median of the turns' ratios (each turn's DuckDB
time over the Slicewise time just before it: the steadier figure where the
machine's speed moves between runs), then DuckDB's query alone and its
ratio.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DUCKDB_SCRIPT = r"""
import sys, time, duckdb
path, threads, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
con = duckdb.connect()
con.execute(f"SET threads = {threads}")
con.execute("SET enable_progress_bar = false")
if path.endswith('.csv'):
    source = f"read_csv('{path}', header = true)"
elif path.endswith('.parquet'):
    source = f"read_parquet('{path}')"
else:
    source = f"read_parquet('{path}/**/*.parquet')"
query = f'''
SELECT label, pred, device, gender, count(*) AS n,
       sum(CASE WHEN label <> pred THEN 1 ELSE 0 END) AS errors
FROM (SELECT label, pred, device, gender FROM {source})
GROUP BY GROUPING SETS ((label, pred), (device), (gender))
'''
t = time.perf_counter()
con.execute(query).fetchall()
print(time.perf_counter() - t)
"""


def pinned(cores):
    """The command prefix that keeps a process on the first `cores` cores."""
    if shutil.which("taskset") is None:
        return []
    return ["taskset", "-c", f"0-{cores - 1}"]


def slicewise_command(binary, data, threads):
    return pinned(threads) + [
        str(binary), "report", str(data), "--by", "device", "--by", "gender",
        "--threads", str(threads), "--format", "json", "--out", os.devnull,
    ]


def duckdb_command(python, data, threads):
    return pinned(threads) + [python, "-c", DUCKDB_SCRIPT, str(data), str(threads), "1"]


def timed(cmd):
    """Seconds the whole process took, and what it printed; a failed run
    ends the script with its error."""
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - t
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr}")
    return took, out.stdout


def by_turns(binary, python, data, threads, repeat):
    """Slicewise and DuckDB run by turns, `repeat` times each after one
    untimed warm-up each (the page cache): a slow spell of the machine
    falls on both. Returns Slicewise's best, DuckDB's best whole process,
    DuckDB's best query, and the median of the turns' ratios."""
    ours = slicewise_command(binary, data, threads)
    theirs = duckdb_command(python, data, threads)
    timed(ours)
    timed(theirs)
    best_s, best_d, best_q, ratios = float("inf"), float("inf"), float("inf"), []
    for _ in range(repeat):
        s, _ = timed(ours)
        d, out = timed(theirs)
        best_s, best_d = min(best_s, s), min(best_d, d)
        best_q = min(best_q, float(out.split()[-1]))
        ratios.append(d / s)
    return best_s, best_d, best_q, statistics.median(ratios)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", default=str(ROOT / "target" / "release" / "slicewise"),
                   help="the release binary (default: target/release/slicewise; $CARGO_TARGET_DIR is honoured)")
    p.add_argument("--python", default=sys.executable, help="a Python with duckdb")
    p.add_argument("--dir", default="/tmp/slicewise-bench", help="where the generated data is kept")
    p.add_argument("--rows", type=int, default=10_000_000, help="rows of the single files")
    p.add_argument("--folder-rows", type=int, default=0, help="rows of a folder of 10 Parquet parts (0: none)")
    p.add_argument("--threads", default="", help="comma-separated thread counts (default: 1, 2 and all cores)")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()

    binary = Path(args.binary)
    if "CARGO_TARGET_DIR" in os.environ and args.binary == p.get_default("binary"):
        binary = Path(os.environ["CARGO_TARGET_DIR"]) / "release" / "slicewise"
    if not binary.exists():
        sys.exit(f"no binary at {binary}: run `cargo build --release` first, or pass --binary")
    cores = os.cpu_count() or 1
    counts = [int(t) for t in args.threads.split(",") if t] or sorted({1, min(2, cores), cores})

    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    files = []
    for ext in ("parquet", "csv"):
        f = work / f"g{args.rows}.{ext}"
        if not f.exists():
            subprocess.run([str(binary), "generate", "--rows", str(args.rows), "--out", str(f)], check=True)
        files.append(f)
    if args.folder_rows:
        f = work / f"parts{args.folder_rows}"
        if not f.exists():
            subprocess.run([str(binary), "generate", "--rows", str(args.folder_rows), "--parts", "10",
                            "--out", str(f)], check=True)
        files.append(f)

    print(f"{cores} cores; {args.repeat} turns of each, best of them; whole processes; "
          "ratio = DuckDB / Slicewise (above 1: Slicewise faster) of the bests, and the median "
          "of the turns' ratios; DuckDB's query alone beside it")
    print(f"{'data':<24} {'threads':>7} {'slicewise s':>12} {'duckdb s':>9} {'ratio':>6} "
          f"{'by turn':>8} {'duckdb query s':>15} {'ratio':>6}")
    for f in files:
        for n in counts:
            s, d, q, turn = by_turns(binary, args.python, f, n, args.repeat)
            print(f"{f.name:<24} {n:>7} {s:>12.2f} {d:>9.2f} {d / s:>6.2f} {turn:>8.2f} "
                  f"{q:>15.2f} {q / s:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
