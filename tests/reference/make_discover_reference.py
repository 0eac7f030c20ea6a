"""Reference values for `slicewise discover` from the `sliceline` package
(PyPI `sliceline`, `Slicefinder(alpha, k, max_l, min_sup)`, numpy path).

Three inputs, written to tests/data/discover/:
- digits.csv: a real model. GaussianNB on scikit-learn's digits (as in
  make_compare_reference.py), its 600 test predictions, with features of
  the images: the true digit, ink tertile, and which half (top/bottom,
  left/right) carries more ink. Errors: misclassified.
- planted.csv: 20,000 generated rows, six categorical columns, with error
  rates planted in two slices (device=car_kit & noise=people, and
  accent=scottish & gender=male & bandwidth=narrow).
- planted errors as a continuous value (`err` column: 1 - confidence),
  which SliceLine supports.

For each, several parameter sets; the JSON lists every top slice with its
predicates, score, size, error sum and max error.

Run: ~/.cache/slicewise/venv/bin/python tests/reference/make_discover_reference.py
"""

import json
import logging
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sliceline.slicefinder import Slicefinder

warnings.filterwarnings("ignore")
here = Path(__file__).parent
out_dir = here.parent / "data" / "discover"
out_dir.mkdir(parents=True, exist_ok=True)

# 1. digits
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=600, random_state=0)
pred = GaussianNB().fit(X_train, y_train).predict(X_test)
img = X_test.reshape(-1, 8, 8)
top, bottom = img[:, :4, :].sum(axis=(1, 2)), img[:, 4:, :].sum(axis=(1, 2))
left, right = img[:, :, :4].sum(axis=(1, 2)), img[:, :, 4:].sum(axis=(1, 2))
digits = pd.DataFrame(
    {
        "id": [f"img{i:04d}" for i in range(len(y_test))],
        "label": y_test.astype(str),
        "pred": pred.astype(str),
        "digit": ["d" + str(v) for v in y_test],
        "ink": pd.qcut(X_test.sum(axis=1), 3, labels=["light", "medium", "heavy"]).astype(str),
        "heavier_half": np.where(top >= bottom, "top", "bottom"),
        "leaning": np.where(left >= right, "left", "right"),
    }
)
digits.to_csv(out_dir / "digits.csv", index=False)

# 2. planted
rng = np.random.default_rng(7)
n = 20_000
planted = pd.DataFrame(
    {
        "id": np.arange(n),
        "device": rng.choice(["phone", "laptop", "car_kit", "speaker"], n, p=[0.4, 0.3, 0.15, 0.15]),
        "gender": rng.choice(["female", "male"], n),
        "accent": rng.choice(["american", "british", "indian", "scottish", "welsh"], n),
        "noise": rng.choice(["clean", "people", "car"], n, p=[0.6, 0.3, 0.1]),
        "bandwidth": rng.choice(["wide", "narrow"], n, p=[0.7, 0.3]),
        "snr": rng.choice(["low", "mid", "high"], n),
    }
)
p_err = np.full(n, 0.05)
p_err[(planted.device == "car_kit") & (planted.noise == "people")] = 0.45
p_err[(planted.accent == "scottish") & (planted.gender == "male") & (planted.bandwidth == "narrow")] = 0.35
p_err[planted.snr == "low"] += 0.03
wrong = rng.random(n) < p_err
planted["label"] = rng.choice(["yes", "no"], n)
planted["pred"] = np.where(wrong, np.where(planted.label == "yes", "no", "yes"), planted.label)
confidence = np.clip(rng.normal(np.where(wrong, 0.55, 0.85), 0.1), 0.0, 1.0).round(4)
planted["score"] = confidence
planted.to_csv(out_dir / "planted.csv", index=False)

FEATURES = {
    "digits": ["digit", "ink", "heavier_half", "leaning"],
    "planted": ["device", "gender", "accent", "noise", "bandwidth", "snr"],
}


class Candidates(logging.Handler):
    """Collects the package's per-level candidate counts from its debug log."""

    def __init__(self):
        super().__init__()
        self.counts = []

    def emit(self, record):
        m = re.search(r"generated paired slice candidates: \d+ -> (\d+)", record.getMessage())
        if m:
            self.counts.append(int(m.group(1)))


def run(frame, features, errors, alpha, k, max_l, min_sup):
    handler = Candidates()
    log = logging.getLogger("sliceline.slicefinder")
    log.addHandler(handler)
    sf = Slicefinder(alpha=alpha, k=k, max_l=max_l, min_sup=min_sup, verbose=True)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    sf.fit(frame[features].astype(str).to_numpy(dtype=object), errors)
    log.removeHandler(handler)
    slices = []
    for values, stats in zip(sf.top_slices_, sf.top_slices_statistics_):
        slices.append(
            {
                "predicates": {f: v for f, v in zip(features, values) if v is not None},
                "score": stats["slice_score"],
                "size": stats["slice_size"],
                "errors": stats["sum_slice_error"],
                "max_error": stats["max_slice_error"],
            }
        )
    return {
        "alpha": alpha,
        "k": k,
        "max_level": max_l,
        "min_support": min_sup,
        "average_error": sf.average_error_,
        # Candidates evaluated at levels 2, 3, ... after pruning.
        "candidates": handler.counts,
        "slices": slices,
    }


cases = []
d_err = (digits.label != digits.pred).astype(float).to_numpy()
for alpha, k, max_l, min_sup in [(0.95, 10, 3, 10), (0.85, 5, 4, 20), (0.99, 20, 2, 5)]:
    cases.append({"data": "digits.csv", "errors": "misclassified", "features": FEATURES["digits"],
                  **run(digits, FEATURES["digits"], d_err, alpha, k, max_l, min_sup)})
p_err = (planted.label != planted.pred).astype(float).to_numpy()
for alpha, k, max_l, min_sup in [(0.95, 10, 3, 200), (0.9, 10, 4, 0.01), (0.9, 4, 2, 50)]:
    cases.append({"data": "planted.csv", "errors": "misclassified", "features": FEATURES["planted"],
                  **run(planted, FEATURES["planted"], p_err, alpha, k, max_l, min_sup)})
cont = (1.0 - planted.score).to_numpy()
cases.append({"data": "planted.csv", "errors": "score", "features": FEATURES["planted"],
              **run(planted, FEATURES["planted"], cont, 0.99, 10, 3, 200)})

(here / "discover_reference.json").write_text(json.dumps(cases, indent=1) + "\n")
print("wrote", here / "discover_reference.json", [len(c["slices"]) for c in cases])
