#!/usr/bin/env python3
"""Reference values for Slicewise's score metrics: per-class probabilities,
calibration and the model's threshold, from scikit-learn.

Trains two real models on datasets that ship with scikit-learn and writes
their test-set predictions to tests/data/:
- digits_probs.csv: a 10-class logistic regression on the digits images, with
  one probability column per class (prob_0 .. prob_9), the argmax prediction
  and a slice column (the image's ink: light, medium, heavy);
- cancer_probs.csv: a binary logistic regression on the breast-cancer data,
  with the probability of class 1 as `score` and the prediction p >= 0.5.

Every number the engine reports about them goes to
tests/reference/scores_reference.json; tests/score_reference.rs compares to
1e-9. The expected calibration error is computed twice here, once from
sklearn's calibration_curve and once by an independent loop over the bins.

    pip install scikit-learn pandas numpy
    python3 tests/reference/make_scores_reference.py
"""

import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    roc_auc_score,
    top_k_accuracy_score,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import label_binarize

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
BINS = 15


def ece_by_loop(conf, outcome, bins):
    """ECE without sklearn: bins (lo, hi], the first [0, hi], edges as linspace."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = len(conf)
    ece, mce = 0.0, 0.0
    for b in range(bins):
        lo, hi = edges[b], edges[b + 1]
        inside = (conf <= hi) & ((conf > lo) if b > 0 else (conf >= lo))
        n = int(inside.sum())
        if n == 0:
            continue
        gap = abs(outcome[inside].mean() - conf[inside].mean())
        ece += n / total * gap
        mce = max(mce, gap)
    return ece, mce


def calibration(conf, outcome, bins=BINS):
    prob_true, prob_pred = calibration_curve(outcome, conf, n_bins=bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, bins + 1)
    ids = np.searchsorted(edges[1:-1], conf)
    counts = np.bincount(ids, minlength=bins)
    nonzero = counts[counts > 0]
    ece_curve = float(np.sum(nonzero / len(conf) * np.abs(prob_true - prob_pred)))
    ece_loop, mce_loop = ece_by_loop(conf, outcome.astype(float), bins)
    assert abs(ece_curve - ece_loop) < 1e-12, (ece_curve, ece_loop)
    return {
        "bins": bins,
        "counts": [int(c) for c in counts],
        "accuracy": [float(v) for v in prob_true],
        "confidence": [float(v) for v in prob_pred],
        "ece": ece_curve,
        "mce": float(mce_loop),
        "brier": float(np.mean((conf - outcome) ** 2)),
    }


def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.35, random_state=0)
    model = LogisticRegression(max_iter=2000, C=0.05).fit(X_train, y_train)
    P = model.predict_proba(X_test)
    pred = P.argmax(axis=1)
    ink = X_test.sum(axis=1)
    cuts = np.quantile(ink, [1 / 3, 2 / 3])
    slice_ = np.where(ink <= cuts[0], "light", np.where(ink <= cuts[1], "medium", "heavy"))
    df = pd.DataFrame({"id": np.arange(len(y_test)), "label": y_test, "pred": pred})
    for k in range(10):
        df[f"prob_{k}"] = P[:, k]
    df["ink"] = slice_
    df.to_csv(os.path.join(DATA, "digits_probs.csv"), index=False, float_format="%.17g")
    # The engine reads back exactly what was written.
    back = pd.read_csv(os.path.join(DATA, "digits_probs.csv"))
    P = back[[f"prob_{k}" for k in range(10)]].to_numpy()
    y = back["label"].to_numpy()
    pred = back["pred"].to_numpy()
    classes = list(range(10))
    Y = label_binarize(y, classes=classes)
    conf = P[np.arange(len(y)), pred]
    correct = (pred == y).astype(int)
    per_slice = {}
    for g in ["heavy", "light", "medium"]:
        m = back["ink"].to_numpy() == g
        cal = calibration(conf[m], correct[m])
        per_slice[g] = {
            "log_loss": log_loss(y[m], P[m], labels=classes),
            "brier": brier_score_loss(y[m], P[m], labels=classes),
            "ece": cal["ece"],
            "mce": cal["mce"],
        }
    return {
        "file": "digits_probs.csv",
        "classes": [str(c) for c in classes],
        "roc_auc_per_class": [float(v) for v in roc_auc_score(y, P, multi_class="ovr", average=None)],
        "roc_auc_macro": float(roc_auc_score(y, P, multi_class="ovr", average="macro")),
        "roc_auc_weighted": float(roc_auc_score(y, P, multi_class="ovr", average="weighted")),
        "average_precision_per_class": [float(v) for v in average_precision_score(Y, P, average=None)],
        "top_k_accuracy": {str(k): float(top_k_accuracy_score(y, P, k=k, labels=classes)) for k in (2, 3, 5)},
        "log_loss": float(log_loss(y, P, labels=classes)),
        "brier": float(brier_score_loss(y, P, labels=classes)),
        "row_sum_off": int(np.sum(np.abs(P.sum(axis=1) - 1) > 1e-6)),
        "calibration": calibration(conf, correct),
        "per_slice": per_slice,
        "accuracy": float(np.mean(pred == y)),
    }


def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=1)
    model = LogisticRegression(max_iter=5000, C=0.01).fit(X_train, y_train)
    p = model.predict_proba(X_test)[:, 1]
    df = pd.DataFrame({"id": np.arange(len(y_test)), "label": y_test, "pred": (p >= 0.5).astype(int), "score": p})
    df.to_csv(os.path.join(DATA, "cancer_probs.csv"), index=False, float_format="%.17g")
    back = pd.read_csv(os.path.join(DATA, "cancer_probs.csv"))
    y, p = back["label"].to_numpy(), back["score"].to_numpy()
    return {
        "file": "cancer_probs.csv",
        "roc_auc": float(roc_auc_score(y, p)),
        "average_precision": float(average_precision_score(y, p)),
        "calibration": calibration(p, y),
        "brier": float(brier_score_loss(y, p)),
        "model_threshold": {"value": 0.5, "op": ">=", "disagreements": 0},
    }


def main():
    out = {
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "digits": digits(),
        "cancer": cancer(),
    }
    with open(os.path.join(HERE, "scores_reference.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
