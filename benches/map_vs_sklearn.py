#!/usr/bin/env python3
"""`slicewise map` (exact PCA of every row) beside pandas + scikit-learn.

    cargo build --release
    python benches/map_vs_sklearn.py                 # 1M rows x 32 dimensions
    python benches/map_vs_sklearn.py --map-rows 10000000   # also write the 10M-row map

Writes (once, into --dir) a Parquet file of --rows rows: id, label, pred,
device, snr and --dims embedding columns emb_0 ... (float32, as models
write them), with a cluster planted in the embedding where the model errs
more. Then times, as whole processes and best of --repeat after a warm-up:

- Slicewise: `slicewise map FILE --out coords.parquet` (read the file
  twice, the moments on every core, the projection; write id, x, y);
- scikit-learn: Python reading the same file with pandas, running
  `PCA(n_components=2, svd_solver="full").fit_transform` on the embedding
  columns, writing id, x, y with pyarrow.

The coordinates are checked equal (up to each axis's sign, to 1e-3 of
the axis's spread: scikit-learn computes in float32 on float32 input).
Peak memory from /usr/bin/time -v.

With --map-rows N it also writes map_N.parquet: N rows with coordinate
columns x, y (blobs per class, and an error cluster where device =
car_kit & snr = low), the data of the README's screenshot of the Map view
at 10M rows.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from bench_common import release_binary, timed

SKLEARN = r"""
import sys, time, json
import numpy as np, pandas as pd, pyarrow as pa, pyarrow.parquet as pq
from sklearn.decomposition import PCA
start = time.time()
df = pd.read_parquet(sys.argv[1])
cols = sorted((c for c in df.columns if c.startswith("emb_")), key=lambda c: int(c[4:]))
xy = PCA(n_components=2, svd_solver="full").fit_transform(df[cols].to_numpy())
pq.write_table(pa.table({"id": df["id"], "x": xy[:, 0], "y": xy[:, 1]}), sys.argv[2])
print(json.dumps({"seconds": time.time() - start}))
"""


def write_embedding(path, rows, dims, seed=5):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    device = rng.choice(np.array(["phone", "laptop", "car_kit", "speaker"]), rows, p=[0.4, 0.3, 0.15, 0.15])
    snr = rng.choice(np.array(["low", "mid", "high"]), rows)
    cluster = (device == "car_kit") & (snr == "low")
    mix = rng.normal(size=(dims, dims)).astype(np.float32)
    emb = rng.standard_normal((rows, dims), dtype=np.float32) @ mix + 0.5
    emb[cluster] += 6.0 * mix[0] / np.linalg.norm(mix[0])
    wrong = rng.random(rows) < np.where(cluster, 0.45, 0.07)
    label = rng.choice(np.array(["yes", "no"]), rows)
    df = pd.DataFrame({"id": np.arange(rows), "label": label, "device": device, "snr": snr})
    df["pred"] = np.where(wrong, np.where(label == "yes", "no", "yes"), label)
    for d in range(dims):
        df[f"emb_{d}"] = emb[:, d]
    df.to_parquet(path, index=False, row_group_size=1 << 20)


def write_map(path, rows, seed=9):
    """Coordinates as a 2-D projection gives them: a blob per class, and
    an error cluster where device = car_kit & snr = low."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    classes = np.array(["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"])
    centres = rng.uniform(-10, 10, size=(len(classes), 2))
    writer = None
    step = 1 << 20
    for start in range(0, rows, step):
        n = min(step, rows - start)
        label = rng.integers(0, len(classes), n)
        device = rng.choice(np.array(["phone", "laptop", "car_kit", "speaker"]), n, p=[0.4, 0.3, 0.15, 0.15])
        snr = rng.choice(np.array(["low", "mid", "high"]), n)
        cluster = (device == "car_kit") & (snr == "low")
        xy = centres[label] + rng.normal(scale=1.6, size=(n, 2))
        xy[cluster] = centres[label[cluster]] * 0.25 + np.array([11.0, -9.0]) + rng.normal(scale=1.1, size=(cluster.sum(), 2))
        wrong = rng.random(n) < np.where(cluster, 0.55, 0.06)
        pred = np.where(wrong, (label + rng.integers(1, len(classes), n)) % len(classes), label)
        table = pa.table(
            {
                "id": np.arange(start, start + n),
                "label": classes[label],
                "pred": classes[pred],
                "device": device,
                "snr": snr,
                "x": xy[:, 0].astype(np.float32),
                "y": xy[:, 1].astype(np.float32),
            }
        )
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dims", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--map-rows", type=int, default=0)
    ap.add_argument("--dir", default="/tmp/slicewise-bench")
    ap.add_argument("--binary", help="default: $CARGO_TARGET_DIR, else ./target, else ~/.cache/slicewise/target")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    if args.map_rows:
        m = Path(args.dir) / f"map_{args.map_rows}.parquet"
        if not m.exists():
            write_map(m, args.map_rows)
        print("map data:", m)
    binary = release_binary(args.binary)
    data = Path(args.dir) / f"embedding_{args.rows}x{args.dims}.parquet"
    if not data.exists():
        write_embedding(data, args.rows, args.dims)
    ours_out, theirs_out = Path(args.dir) / "map_ours.parquet", Path(args.dir) / "map_sklearn.parquet"
    ours = [str(binary), "map", str(data), "--out", str(ours_out)]
    theirs = [sys.executable, "-c", SKLEARN, str(data), str(theirs_out)]
    runs = {"slicewise": [], "sklearn": []}
    for _ in range(args.repeat + 1):
        runs["slicewise"].append(timed(ours))
        runs["sklearn"].append(timed(theirs))
    import numpy as np
    import pandas as pd

    a, b = pd.read_parquet(ours_out), pd.read_parquet(theirs_out)
    worst = 0.0
    for axis in ["x", "y"]:
        u, v = a[axis].to_numpy(np.float64), b[axis].to_numpy(np.float64)
        sign = 1.0 if np.dot(u, v) >= 0 else -1.0
        worst = max(worst, float(np.abs(u - sign * v).max() / v.std()))
    out = {}
    for name, rs in runs.items():
        rs = rs[1:]  # the first run warms the page cache
        out[name] = (min(r[0] for r in rs), max(r[1] for r in rs))
    s, k = out["slicewise"], out["sklearn"]
    ref = json.loads(runs["sklearn"][-1][2])
    print(f"{args.rows:,} rows x {args.dims} dimensions (float32), {os.path.getsize(data) / 1e6:.0f} MB Parquet, {os.cpu_count()} cores")
    print(f"slicewise map            {s[0]:6.2f} s  {s[1]:7.0f} MB")
    print(f"pandas + scikit-learn    {k[0]:6.2f} s  {k[1]:7.0f} MB   (its own timer: {ref['seconds']:.2f} s)")
    print(f"speed-up {k[0] / s[0]:.1f}x; largest difference {worst:.1e} of an axis's spread; ids equal: {a['id'].equals(b['id'])}")


if __name__ == "__main__":
    main()
