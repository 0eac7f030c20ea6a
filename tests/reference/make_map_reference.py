"""Reference values for the map of the dataset (`slicewise map`, the Map
view) and "explain this selection" (`slicewise explain`).

- PCA: scikit-learn's `PCA(n_components=2, svd_solver="full")`, fitted on
  every row, on two inputs written to tests/data/map/:
  - digits.csv: scikit-learn's digits (1,797 images of 8 x 8 pixels, the 64
    pixels as emb_0 ... emb_63) with a real model's predictions: logistic
    regression, 5-fold cross-validated (`cross_val_predict`), and the ink
    of each image in tertiles as a slice column.
  - planted.csv: 3,000 generated rows, 6 correlated embedding dimensions
    far from zero (float64 written in full), with a cluster planted in the
    embedding for device=car_kit & snr=low, where the model errs more.
- Explain: the `sliceline` package (`Slicefinder`) with "in the
  selection" as each row's error, the selection being the rows right of
  x = 4 on planted.csv's map (the planted cluster as the eye finds it),
  written as selection.txt (one id a line).

Run: ~/.cache/slicewise/venv/bin/python tests/reference/make_map_reference.py
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sliceline.slicefinder import Slicefinder

here = Path(__file__).parent
out_dir = here.parent / "data" / "map"
out_dir.mkdir(parents=True, exist_ok=True)


def pca(X):
    p = PCA(n_components=2, svd_solver="full").fit(X)
    return {
        "mean": p.mean_.tolist(),
        "components": p.components_.tolist(),
        "explained_variance": p.explained_variance_.tolist(),
        "explained_variance_ratio": p.explained_variance_ratio_.tolist(),
        "x": p.transform(X)[:, 0].tolist(),
        "y": p.transform(X)[:, 1].tolist(),
    }


cases = {}

# 1. digits, a real embedding with a real model's out-of-sample predictions.
X, y = load_digits(return_X_y=True)
pred = cross_val_predict(LogisticRegression(max_iter=5000), X, y, cv=5)
digits = pd.DataFrame({"id": [f"img{i:04d}" for i in range(len(y))], "label": y, "pred": pred})
digits["ink"] = pd.qcut(X.sum(axis=1), 3, labels=["light", "medium", "heavy"]).astype(str)
for d in range(X.shape[1]):
    digits[f"emb_{d}"] = X[:, d].astype(int)
digits.to_csv(out_dir / "digits.csv", index=False)
cases["digits.csv"] = pca(X.astype(float))

# 2. generated: correlated dimensions far from zero, one planted cluster.
rng = np.random.default_rng(11)
n, dims = 3000, 6
frame = pd.DataFrame(
    {
        "id": np.arange(1, n + 1),
        "device": rng.choice(["phone", "laptop", "car_kit", "speaker"], n, p=[0.4, 0.3, 0.15, 0.15]),
        "snr": rng.choice(["low", "mid", "high"], n),
        "gender": rng.choice(["female", "male"], n),
    }
)
mix = rng.normal(size=(dims, dims))
E = rng.normal(size=(n, dims)) @ mix + 1000.0
cluster = ((frame.device == "car_kit") & (frame.snr == "low")).to_numpy()
E[cluster] += 12.0 * mix[0] / np.linalg.norm(mix[0]) * 3
wrong = rng.random(n) < np.where(cluster, 0.5, 0.08)
frame["label"] = rng.choice(["yes", "no"], n)
frame["pred"] = np.where(wrong, np.where(frame.label == "yes", "no", "yes"), frame.label)
for d in range(dims):
    frame[f"emb_{d}"] = E[:, d]
frame.to_csv(out_dir / "planted.csv", index=False, float_format="%.17g")
cases["planted.csv"] = pca(E)

# 3. explain: the rows on the far side of the map's first axis.
x = np.array(cases["planted.csv"]["x"])
side = np.sign(x[cluster].mean())
selected = side * x > 4.0
(out_dir / "selection.txt").write_text("".join(f"{i}\n" for i in frame.id[selected]))
features = ["device", "snr", "gender"]
explain = []
for alpha, k, max_l, min_sup in [(0.98, 10, 3, 30), (0.95, 5, 2, 10)]:
    sf = Slicefinder(alpha=alpha, k=k, max_l=max_l, min_sup=min_sup)
    sf.fit(frame[features].astype(str).to_numpy(dtype=object), selected.astype(float))
    explain.append(
        {
            "alpha": alpha,
            "k": k,
            "max_level": max_l,
            "min_support": min_sup,
            "selected": int(selected.sum()),
            "slices": [
                {
                    "predicates": {f: v for f, v in zip(features, values) if v is not None},
                    "score": stats["slice_score"],
                    "size": stats["slice_size"],
                    "selected": stats["sum_slice_error"],
                }
                for values, stats in zip(sf.top_slices_, sf.top_slices_statistics_)
            ],
        }
    )

# 4. Two small Parquet files with the embedding as one column: a list (read
# as the embedding) and a fixed-size list (which polars cannot hold: the
# map names it and says what to do).
import pyarrow as pa
import pyarrow.parquet as pq

small = np.array([[0.1, 0.2, 0.3], [1.0, 0.5, 0.2], [0.3, 0.9, 0.4], [0.7, 0.1, 0.8]], dtype=np.float32)
base = {"id": [1, 2, 3, 4], "label": ["a", "b", "a", "b"], "pred": ["a", "a", "b", "b"]}
pq.write_table(pa.table({**base, "embedding": pa.array(list(small), type=pa.list_(pa.float32()))}),
               out_dir / "list_embedding.parquet")
pq.write_table(pa.table({**base, "embedding": pa.FixedSizeListArray.from_arrays(pa.array(small.ravel()), 3)}),
               out_dir / "fixed_size_list.parquet")

out = {"pca": cases, "explain": {"data": "planted.csv", "features": features, "cases": explain}}
(here / "map_reference.json").write_text(json.dumps(out) + "\n")
print("wrote", here / "map_reference.json", int(selected.sum()), "selected of", n, int(cluster.sum()), "planted")
