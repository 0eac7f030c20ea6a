#!/usr/bin/env python3
"""The work of `slicewise report DATA --by device --by gender --positive yes`
done with pandas + scikit-learn + fairlearn, for the README's comparison.

    python3 tests/bench/python_equivalent.py gen_1m.csv
"""

import sys
import time

import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, balanced_accuracy_score, classification_report, confusion_matrix, precision_score

t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
t1 = time.perf_counter()
y, p = df["label"].astype(str), df["pred"].astype(str)
labels = sorted(set(y) | set(p))
cm = confusion_matrix(y, p, labels=labels)
acc = accuracy_score(y, p)
bacc = balanced_accuracy_score(y, p)
report = classification_report(y, p, labels=labels, output_dict=True, zero_division=np.nan)
yb, pb = (y == "yes").astype(int), (p == "yes").astype(int)
for column in ["device", "gender"]:
    sf = df[column]
    mf = MetricFrame(
        metrics={
            "accuracy": accuracy_score,
            "selection_rate": selection_rate,
            "tpr": true_positive_rate,
            "fpr": false_positive_rate,
            "fnr": false_negative_rate,
            "precision": lambda a, b: precision_score(a, b, zero_division=np.nan),
            "count": lambda a, b: len(a),
        },
        y_true=yb,
        y_pred=pb,
        sensitive_features=sf,
    )
    _ = mf.by_group
    _ = MetricFrame(metrics=accuracy_score, y_true=y, y_pred=p, sensitive_features=sf).difference()
    _ = demographic_parity_difference(yb, pb, sensitive_features=sf)
    _ = demographic_parity_ratio(yb, pb, sensitive_features=sf)
    _ = equalized_odds_difference(yb, pb, sensitive_features=sf)
    _ = equalized_odds_ratio(yb, pb, sensitive_features=sf)
t2 = time.perf_counter()
print(f"read {t1 - t0:.2f} s, metrics {t2 - t1:.2f} s, total {t2 - t0:.2f} s", file=sys.stderr)
