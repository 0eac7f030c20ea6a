#!/usr/bin/env python3
"""`slicewise label-issues` beside cleanlab on the same file.

    cargo build --release
    python benches/label_issues_vs_cleanlab.py            # 2M rows x 10 classes

Writes (once, into --dir) a Parquet file of --rows generated examples of
--classes classes: id, label, pred and a probability column per class
(softmax of noisy logits, some labels planted wrong). Then times, as whole
processes and best of --repeat after a warm-up run:

- Slicewise: `slicewise label-issues FILE --format json --out /dev/null`
  (read, confident learning, the report);
- cleanlab: Python reading the same file with pandas and running
  `cleanlab.filter.find_label_issues(labels, pred_probs,
  return_indices_ranked_by="self_confidence")` (cleanlab 2.9, its
  defaults, multiprocessing on every core).

Both flag the same examples (checked). Peak memory from /usr/bin/time -v.
Needs pandas, pyarrow and cleanlab in the Python that runs it
(~/.cache/slicewise/venv has them once `pip install cleanlab` is run).
"""

import argparse
import json
import os
import sys
from pathlib import Path

from bench_common import release_binary, timed

CLEANLAB = r"""
import sys, time, json
import numpy as np, pandas as pd
from cleanlab.filter import find_label_issues
start = time.time()
df = pd.read_parquet(sys.argv[1])
cols = [c for c in df.columns if c.startswith("prob_")]
classes = sorted(c[5:] for c in cols)
probs = df[["prob_" + c for c in classes]].to_numpy()
code = {c: i for i, c in enumerate(classes)}
labels = df["label"].map(code).to_numpy()
ranked = find_label_issues(labels, probs, return_indices_ranked_by="self_confidence")
ids = df["id"].to_numpy()[ranked]
print(json.dumps({"seconds": time.time() - start, "n": len(ranked), "first": [str(x) for x in ids[:20]]}))
"""


def write_data(path, rows, classes, seed=3):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    names = [f"c{k}" for k in range(classes)]
    label = rng.integers(0, classes, size=rows)
    logits = rng.normal(size=(rows, classes)).astype(np.float64)
    logits[np.arange(rows), label] += 2.5
    wrong = rng.random(rows) < 0.05
    other = (label + rng.integers(1, classes, size=rows)) % classes
    logits[wrong, other[wrong]] += 4.0
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    df = pd.DataFrame({"id": np.char.add("r", np.arange(rows).astype(str)), "label": np.array(names)[label]})
    df["pred"] = np.array(names)[probs.argmax(axis=1)]
    for k, n in enumerate(names):
        df[f"prob_{n}"] = probs[:, k]
    df.to_parquet(path, index=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default="/tmp/slicewise-bench")
    ap.add_argument("--binary", help="default: $CARGO_TARGET_DIR, else ./target, else ~/.cache/slicewise/target")
    args = ap.parse_args()
    binary = release_binary(args.binary)
    os.makedirs(args.dir, exist_ok=True)
    data = Path(args.dir) / f"label_issues_{args.rows}x{args.classes}.parquet"
    if not data.exists():
        write_data(data, args.rows, args.classes)
    ours = [str(binary), "label-issues", str(data), "--format", "json", "--out", str(Path(args.dir) / "li.json")]
    theirs = [sys.executable, "-c", CLEANLAB, str(data)]
    runs = {"slicewise": [], "cleanlab": []}
    out = {}
    for _ in range(args.repeat + 1):
        runs["slicewise"].append(timed(ours))
        runs["cleanlab"].append(timed(theirs))
    ref = json.loads(runs["cleanlab"][-1][2])
    mine = json.load(open(Path(args.dir) / "li.json"))
    same = len(mine["issues"]) == ref["n"] and [x["id"] for x in mine["issues"][:20]] == ref["first"]
    for name, rs in runs.items():
        rs = rs[1:]  # the first run warms the page cache
        out[name] = (min(r[0] for r in rs), max(r[1] for r in rs))
    s, c = out["slicewise"], out["cleanlab"]
    print(f"{args.rows:,} rows x {args.classes} classes, {os.path.getsize(data) / 1e6:.0f} MB Parquet, {os.cpu_count()} cores")
    print(f"slicewise label-issues   {s[0]:6.2f} s  {s[1]:7.0f} MB")
    print(f"pandas + cleanlab 2.9    {c[0]:6.2f} s  {c[1]:7.0f} MB   (its own timer: {ref['seconds']:.2f} s)")
    print(f"speed-up {c[0] / s[0]:.1f}x; the same {ref['n']:,} examples: {same}")


if __name__ == "__main__":
    main()
