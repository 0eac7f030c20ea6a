#!/usr/bin/env python3
"""Reference values for weighted rows (`--weight COL`), from scikit-learn,
fairlearn and statsmodels with `sample_weight`.

Two real models with fractional weights (as survey or inverse-propensity
weights are), written to tests/data/weights/:

- cancer_weighted.csv: a logistic regression on scikit-learn's breast-cancer
  data (test split), its positive-class score, a slice column `size` (mean
  radius in thirds) and a weight per row, 3% of them 0;
- digits_weighted.csv: the 10-class digits model of digits_probs.csv with
  its per-class probabilities, the `ink` slice and a weight per row.

Every number the report gives is written to tests/reference/
weighted_reference.json in the shape of the report's JSON, and
tests/weighted_reference.rs compares them to 1e-9. Intervals use Kish's
effective sample size n_eff = (Σw)² / Σw² of each proportion's denominator
with statsmodels' Wilson interval; calibration and the prioritisation table
are checked against the formulas written out here (scikit-learn's
calibration_curve takes no weights).

    python3 tests/reference/make_weighted_reference.py
"""

import json
import math
import os

import fairlearn
import numpy as np
import pandas as pd
import sklearn
import statsmodels
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    confusion_matrix,
    log_loss,
    precision_recall_fscore_support,
    roc_auc_score,
    top_k_accuracy_score,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler, label_binarize
from statsmodels.stats.proportion import proportion_confint

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data", "weights")


def clean(x):
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, (np.floating, float)):
        x = float(x)
        return None if math.isnan(x) else x
    if isinstance(x, np.integer):
        return int(x)
    return x


def kish_wilson(hit, w):
    """Wilson 95% interval of the weighted share of `hit` over Kish's n_eff."""
    w = np.asarray(w, dtype=float)
    total = w.sum()
    if total == 0:
        return None
    p = w[hit].sum() / total
    n_eff = total**2 / (w**2).sum()
    lo, hi = proportion_confint(p * n_eff, n_eff, alpha=0.05, method="wilson")
    return [float(lo), float(hi)]


def weights_for(rng, n):
    """Fractional weights from 0.25 to 4 (log-uniform), 3% of them 0."""
    w = np.round(np.exp(rng.uniform(np.log(0.25), np.log(4.0), size=n)), 4)
    w[rng.uniform(size=n) < 0.03] = 0.0
    return w


def overall(y, p, w, labels):
    cm = confusion_matrix(y, p, labels=labels, sample_weight=w)
    right = y == p
    out = {
        "rows": float(w.sum()),
        "errors": float(w[~right].sum()),
        "classes": [str(c) for c in labels],
        "accuracy": accuracy_score(y, p, sample_weight=w),
        "accuracy_ci": kish_wilson(right, w),
        "balanced_accuracy": balanced_accuracy_score(y, p, sample_weight=w),
        "confusion": {"matrix": cm.tolist()},
    }
    prec, rec, f1, _ = precision_recall_fscore_support(y, p, labels=labels, sample_weight=w, zero_division=np.nan)
    out["per_class"] = [
        {
            "class": str(c),
            "precision": prec[i],
            "recall": rec[i],
            "f1": f1[i],
            "support": float(w[y == c].sum()),
            "ci": {
                "precision": kish_wilson(y[p == c] == c, w[p == c]),
                "recall": kish_wilson(p[y == c] == c, w[y == c]),
            },
        }
        for i, c in enumerate(labels)
    ]
    out["averages"] = {}
    for avg in ["micro", "macro", "weighted"]:
        pr, rc, f, _ = precision_recall_fscore_support(y, p, labels=labels, average=avg, sample_weight=w, zero_division=np.nan)
        out["averages"][avg] = {"precision": pr, "recall": rc, "f1": f}
    return out


def slice_reference(sf, y, p, w, pos):
    """fairlearn MetricFrame per group with sample_params, and the disparities."""
    yb, pb = (y == pos).astype(int), (p == pos).astype(int)
    sw = {"sample_weight": w}
    mf = MetricFrame(
        metrics={"accuracy": accuracy_score, "selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate},
        y_true=yb if pos is not None else y,
        y_pred=pb if pos is not None else p,
        sensitive_features=sf,
        sample_params={"accuracy": sw, "selection_rate": sw, "tpr": sw, "fpr": sw},
    )
    # Accuracy of the multi-class predictions (not one-vs-rest) per group.
    acc = MetricFrame(metrics=accuracy_score, y_true=y, y_pred=p, sensitive_features=sf, sample_params={"sample_weight": w})
    groups = []
    for g in mf.by_group.index:
        m = (sf == g).to_numpy()
        groups.append(
            {
                "values": [str(g)],
                "count": float(w[m].sum()),
                "share": float(w[m].sum() / w.sum()),
                "accuracy": acc.by_group.loc[g],
                "error_rate": 1 - acc.by_group.loc[g],
                "selection_rate": mf.by_group.loc[g, "selection_rate"],
                "tpr": mf.by_group.loc[g, "tpr"],
                "fpr": mf.by_group.loc[g, "fpr"],
                "ci": {
                    "accuracy": kish_wilson((y == p)[m], w[m]),
                    "tpr": kish_wilson(pb[m & (yb == 1)] == 1, w[m & (yb == 1)]),
                    "fpr": kish_wilson(pb[m & (yb == 0)] == 1, w[m & (yb == 0)]),
                },
            }
        )
    disparity = {
        "accuracy_difference": acc.difference(),
        "accuracy_ratio": acc.ratio(),
        "demographic_parity_difference": demographic_parity_difference(yb, pb, sensitive_features=sf, sample_weight=w),
        "demographic_parity_ratio": demographic_parity_ratio(yb, pb, sensitive_features=sf, sample_weight=w),
        "equalized_odds_difference": equalized_odds_difference(yb, pb, sensitive_features=sf, sample_weight=w),
        "equalized_odds_ratio": equalized_odds_ratio(yb, pb, sensitive_features=sf, sample_weight=w),
    }
    return {"groups": groups, "disparity": disparity}


def weighted_calibration(conf, outcome, w, bins=15):
    """Equal-width bins as calibration_curve's, each row counting its weight."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    ids = np.searchsorted(edges[1:-1], conf)
    counts, confidence, accuracy = [], [], []
    ece, mce = 0.0, 0.0
    for b in range(bins):
        m = ids == b
        cw = w[m].sum()
        counts.append(float(cw))
        if cw == 0:
            continue
        c = float(np.sum(w[m] * conf[m]) / cw)
        a = float(np.sum(w[m] * outcome[m]) / cw)
        confidence.append(c)
        accuracy.append(a)
        ece += cw / w.sum() * abs(a - c)
        mce = max(mce, abs(a - c))
    brier = float(np.sum(w * (conf - outcome) ** 2) / w.sum())
    return {"counts": counts, "confidence": confidence, "accuracy": accuracy, "ece": ece, "mce": mce, "brier": brier}


def tag_reference(tagged, right, w):
    """A rule tag's row in the prioritisation table, weighted."""
    errors = ~right
    return {
        "tagged": float(w[tagged].sum()),
        "tagged_errors": float(w[tagged & errors].sum()),
        "share_of_errors": float(w[tagged & errors].sum() / w[errors].sum()),
        "error_rate": float(w[tagged & errors].sum() / w[tagged].sum()),
        "share_of_data": float(w[tagged].sum() / w.sum()),
        "accuracy": float(w[tagged & right].sum() / w[tagged].sum()),
        "ci": {
            "share_of_errors": kish_wilson(tagged[errors], w[errors]),
            "error_rate": kish_wilson(errors[tagged], w[tagged]),
            "share_of_data": kish_wilson(tagged, w),
        },
    }


def cancer(rng):
    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.4, random_state=3)
    scaler = StandardScaler().fit(Xtr)
    model = LogisticRegression(max_iter=2000, C=0.05).fit(scaler.transform(Xtr), ytr)
    score = model.predict_proba(scaler.transform(Xte))[:, 1]
    pred = (score >= 0.5).astype(int)
    radius = Xte[:, 0]
    cuts = np.quantile(radius, [1 / 3, 2 / 3])
    size = np.where(radius < cuts[0], "small", np.where(radius < cuts[1], "medium", "large"))
    w = weights_for(rng, len(yte))
    df = pd.DataFrame({"id": np.arange(len(yte)), "label": yte, "pred": pred, "score": score, "size": size, "weight": w})
    os.makedirs(DATA, exist_ok=True)
    df.to_csv(os.path.join(DATA, "cancer_weighted.csv"), index=False, float_format="%.17g")
    back = pd.read_csv(os.path.join(DATA, "cancer_weighted.csv"))
    y, p, s, w = back["label"].to_numpy(), back["pred"].to_numpy(), back["score"].to_numpy(), back["weight"].to_numpy()
    sf = back["size"].astype(str)
    yb, pb = (y == 1), (p == 1)
    out = overall(y, p, w, [0, 1])
    tp, fp = w[yb & pb].sum(), w[~yb & pb].sum()
    fn, tn = w[yb & ~pb].sum(), w[~yb & ~pb].sum()
    out["positive"] = {
        "class": "1",
        "tpr": tp / (tp + fn),
        "fpr": fp / (fp + tn),
        "precision": tp / (tp + fp),
        "selection_rate": (tp + fp) / w.sum(),
        "prevalence": (tp + fn) / w.sum(),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
    }
    out["scores"] = {
        "roc_auc": roc_auc_score(yb, s, sample_weight=w),
        "average_precision": average_precision_score(yb, s, sample_weight=w),
    }
    out["slice"] = slice_reference(sf, y, p, w, 1)
    out["calibration"] = weighted_calibration(s, yb.astype(float), w)
    out["tag_large"] = tag_reference((sf == "large").to_numpy(), y == p, w)
    return out


def digits(rng):
    df = pd.read_csv(os.path.join(os.path.dirname(HERE), "data", "digits_probs.csv"))
    df["weight"] = weights_for(rng, len(df))
    df.to_csv(os.path.join(DATA, "digits_weighted.csv"), index=False, float_format="%.17g")
    back = pd.read_csv(os.path.join(DATA, "digits_weighted.csv"))
    y, p, w = back["label"].to_numpy(), back["pred"].to_numpy(), back["weight"].to_numpy()
    classes = list(range(10))
    P = back[[f"prob_{c}" for c in classes]].to_numpy()
    Y = label_binarize(y, classes=classes)
    out = overall(y, p, w, classes)
    out["probabilities"] = {
        "roc_auc_ovr": {
            "macro": roc_auc_score(y, P, multi_class="ovr", average="macro", sample_weight=w),
            "weighted": roc_auc_score(y, P, multi_class="ovr", average="weighted", sample_weight=w),
        },
        "per_class": [
            {
                "class": str(c),
                "support": float(w[y == c].sum()),
                "roc_auc": roc_auc_score(Y[:, c], P[:, c], sample_weight=w),
                "average_precision": average_precision_score(Y[:, c], P[:, c], sample_weight=w),
            }
            for c in classes
        ],
        "top_k_accuracy": [
            {"k": k, "accuracy": top_k_accuracy_score(y, P, k=k, labels=classes, sample_weight=w)} for k in (2, 3, 5)
        ],
        "log_loss": log_loss(y, P, labels=classes, sample_weight=w),
        "brier": brier_score_loss(y, P, labels=classes, sample_weight=w),
    }
    conf = P[np.arange(len(y)), p]
    out["calibration"] = weighted_calibration(conf, (p == y).astype(float), w)
    sf = back["ink"].astype(str)
    acc = MetricFrame(metrics=accuracy_score, y_true=y, y_pred=p, sensitive_features=sf, sample_params={"sample_weight": w})
    out["slice_accuracy"] = {str(g): acc.by_group.loc[g] for g in acc.by_group.index}
    return out


def main():
    rng = np.random.default_rng(20261124)
    ref = {
        "versions": {
            "sklearn": sklearn.__version__,
            "fairlearn": fairlearn.__version__,
            "statsmodels": statsmodels.__version__,
        },
        "cancer": cancer(rng),
        "digits": digits(rng),
    }
    with open(os.path.join(HERE, "weighted_reference.json"), "w") as f:
        json.dump(clean(ref), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
