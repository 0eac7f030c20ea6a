#!/usr/bin/env python3
"""Reference values for Slicewise's metrics, from scikit-learn, fairlearn and
statsmodels.

Writes small deterministic datasets to tests/data/ and, for each, every metric
the engine reports to tests/reference/reference.json. The Rust tests
(tests/reference_metrics.rs) load the same files with the engine and compare
every number to 1e-9. CI does not need Python: both outputs are committed.

    pip install scikit-learn fairlearn statsmodels pandas numpy
    python3 tests/reference/make_reference.py
"""

import json
import math
import os
import sys

import numpy as np
import pandas as pd
import sklearn
import fairlearn
import statsmodels
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    confusion_matrix,
    precision_recall_curve,
    precision_recall_fscore_support,
    precision_score,
    roc_auc_score,
    roc_curve,
)
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

MIN_SUPPORT = 30

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data")


def clean(x):
    """JSON-safe: NaN -> None, numpy scalars -> Python."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if isinstance(x, (np.floating, float)):
        x = float(x)
        return None if math.isnan(x) else x
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def wilson(k, n):
    if n == 0:
        return None
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    return [float(lo), float(hi)]


# ---------------------------------------------------------------- datasets


def make_binary(rng):
    """A binary classifier with a sensitive attribute (sex) and a second one
    (race), with group-dependent error rates, a score, and a human label."""
    n = 2000
    sex = rng.choice(["female", "male"], size=n, p=[0.45, 0.55])
    race = rng.choice(["A", "B", "C"], size=n, p=[0.5, 0.35, 0.15])
    age = np.round(rng.uniform(18, 80, size=n), 1)
    y = (rng.uniform(size=n) < np.where(race == "B", 0.45, 0.35)).astype(int)
    logit = (y * 2 - 1) * np.where(sex == "female", 1.1, 1.6) + rng.normal(0, 1, size=n) + np.where(race == "C", 0.4, 0.0)
    score = 1 / (1 + np.exp(-logit))
    score = np.round(score, 3)
    pred = (score >= 0.5).astype(int)
    human = np.where(rng.uniform(size=n) < 0.9, y, 1 - y)
    df = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "label": y,
            "pred": pred,
            "score": score,
            "sex": sex,
            "race": race,
            "age": age,
            "human": human,
        }
    )
    return df


def make_multiclass(rng):
    """Five classes with edge cases: 'ferret' is never predicted (precision
    undefined), 'bird' is predicted but never a true label (recall undefined),
    a region with a missing value, and string ids."""
    n = 3000
    classes = ["cat", "dog", "fox", "ferret"]
    p = [0.4, 0.35, 0.2, 0.05]
    y = rng.choice(classes, size=n, p=p)
    region = rng.choice(["north", "south", "east", "west"], size=n, p=[0.3, 0.3, 0.25, 0.15])
    acc = np.where(region == "east", 0.7, 0.85)
    correct = rng.uniform(size=n) < acc
    wrong = rng.choice(["cat", "dog", "fox", "bird"], size=n)
    pred = np.where(correct, y, wrong)
    pred = np.where(pred == "ferret", "cat", pred)  # ferret is never predicted
    human = np.where(rng.uniform(size=n) < 0.92, y, rng.choice(classes, size=n))
    region = region.astype(object)
    region[rng.uniform(size=n) < 0.01] = None
    df = pd.DataFrame(
        {
            "example_id": [f"ex{i:05d}" for i in rng.permutation(n)],
            "y_true": y,
            "y_pred": pred,
            "region": region,
            "device": rng.choice(["ios", "android"], size=n),
            "annotator": human,
        }
    )
    return df


def make_numeric_classes(rng):
    """Integer classes 1..12, to check numeric class ordering (10 after 9)."""
    n = 1500
    y = rng.integers(1, 13, size=n)
    pred = np.where(rng.uniform(size=n) < 0.8, y, rng.integers(1, 13, size=n))
    return pd.DataFrame({"id": np.arange(n), "target": y, "prediction": pred, "split": rng.choice(["a", "b"], size=n)})


# ---------------------------------------------------------------- metrics


def overall(y, p, labels):
    cm = confusion_matrix(y, p, labels=labels)
    out = {
        "rows": int(len(y)),
        "classes": [str(c) for c in labels],
        "accuracy": accuracy_score(y, p),
        "accuracy_ci": wilson(int((y == p).sum()), len(y)),
        "balanced_accuracy": balanced_accuracy_score(y, p),
        "confusion": cm.tolist(),
    }
    for how in ["true", "pred", "all"]:
        norm = confusion_matrix(y, p, labels=labels, normalize=how).astype(object)
        # sklearn writes 0 where the denominator is 0; the engine reports null.
        if how == "true":
            zero = cm.sum(axis=1) == 0
            norm[zero, :] = None
        elif how == "pred":
            zero = cm.sum(axis=0) == 0
            norm[:, zero] = None
        out[f"confusion_{how}"] = norm.tolist()
    prec, rec, f1, sup = precision_recall_fscore_support(y, p, labels=labels, zero_division=np.nan)
    out["per_class"] = [
        {"class": str(c), "precision": prec[i], "recall": rec[i], "f1": f1[i], "support": int(sup[i])}
        for i, c in enumerate(labels)
    ]
    out["averages"] = {}
    for avg in ["micro", "macro", "weighted"]:
        pr, rc, f, _ = precision_recall_fscore_support(y, p, labels=labels, average=avg, zero_division=np.nan)
        out["averages"][avg] = {"precision": pr, "recall": rc, "f1": f}
    return out


def positive_rates(y, p, pos):
    yb = (y == pos).astype(int)
    pb = (p == pos).astype(int)
    return {
        "class": str(pos),
        "tpr": true_positive_rate(yb, pb, pos_label=1),
        "fpr": false_positive_rate(yb, pb, pos_label=1),
        "fnr": false_negative_rate(yb, pb, pos_label=1),
        "tnr": true_negative_rate(yb, pb, pos_label=1),
        "precision": precision_score(yb, pb, pos_label=1, zero_division=np.nan),
        "selection_rate": selection_rate(yb, pb, pos_label=1),
        "prevalence": float(yb.mean()),
    }


def disparities(y, p, sf, pos):
    """fairlearn's between-group disparities."""
    mf = MetricFrame(metrics={"accuracy": accuracy_score}, y_true=y, y_pred=p, sensitive_features=sf)
    out = {
        "accuracy_difference": mf.difference()["accuracy"],
        "accuracy_ratio": mf.ratio()["accuracy"],
    }
    if pos is not None:
        yb = (y == pos).astype(int)
        pb = (p == pos).astype(int)
        out.update(
            {
                "demographic_parity_difference": demographic_parity_difference(yb, pb, sensitive_features=sf),
                "demographic_parity_ratio": demographic_parity_ratio(yb, pb, sensitive_features=sf),
                "equalized_odds_difference": equalized_odds_difference(yb, pb, sensitive_features=sf),
                "equalized_odds_ratio": equalized_odds_ratio(yb, pb, sensitive_features=sf),
            }
        )
    return out


def slice_reference(df, y, p, columns, pos):
    """fairlearn MetricFrame per group, and the disparities: between all
    groups, and between the groups of at least MIN_SUPPORT rows (Slicewise's
    headline)."""
    sf = df[columns].fillna("(missing)").astype(str)
    if len(columns) == 1:
        sf = sf[columns[0]]
    correct = (y == p).astype(int)
    metrics = {"accuracy": accuracy_score, "count": lambda a, b: len(a)}
    mf = MetricFrame(metrics=metrics, y_true=y, y_pred=p, sensitive_features=sf)
    groups = []
    by = mf.by_group
    if pos is not None:
        yb = (y == pos).astype(int)
        pb = (p == pos).astype(int)
        bin_metrics = {
            "selection_rate": selection_rate,
            "tpr": true_positive_rate,
            "fpr": false_positive_rate,
            "fnr": false_negative_rate,
            "precision": lambda a, b: precision_score(a, b, zero_division=np.nan),
        }
        bmf = MetricFrame(metrics=bin_metrics, y_true=yb, y_pred=pb, sensitive_features=sf)
        bby = bmf.by_group
    for key in by.index:
        values = list(key) if isinstance(key, tuple) else [key]
        mask = np.ones(len(df), dtype=bool)
        if len(columns) == 1:
            mask &= (sf == key).to_numpy()
        else:
            for c, v in zip(columns, values):
                mask &= (sf[c] == v).to_numpy()
        n = int(mask.sum())
        k = int(correct[mask].sum())
        g = {
            "values": [str(v) for v in values],
            "count": n,
            "share": n / len(df),
            "accuracy": by.loc[key, "accuracy"],
            "error_rate": 1 - k / n,
            "ci": {"share": wilson(n, len(df)), "accuracy": wilson(k, n), "error_rate": wilson(n - k, n)},
        }
        if pos is not None:
            for m in bin_metrics:
                g[m] = bby.loc[key, m]
            yb_g, pb_g = yb[mask], pb[mask]
            tp = int(((yb_g == 1) & (pb_g == 1)).sum())
            fp = int(((yb_g == 0) & (pb_g == 1)).sum())
            fn = int(((yb_g == 1) & (pb_g == 0)).sum())
            tn = int(((yb_g == 0) & (pb_g == 0)).sum())
            g["ci"].update(
                {
                    "tpr": wilson(tp, tp + fn),
                    "fpr": wilson(fp, fp + tn),
                    "fnr": wilson(fn, tp + fn),
                    "precision": wilson(tp, tp + fp),
                    "selection_rate": wilson(tp + fp, n),
                }
            )
        groups.append(g)
    disparity = disparities(y, p, sf, pos)
    # The headline: only rows of groups with at least MIN_SUPPORT rows.
    key = sf.astype(str) if len(columns) == 1 else sf.astype(str).agg("\x00".join, axis=1)
    sizes = key.map(key.value_counts())
    keep = (sizes >= MIN_SUPPORT).to_numpy()
    supported = disparities(y[keep], p[keep], sf[keep], pos)
    return {
        "columns": columns,
        "positive": None if pos is None else str(pos),
        "groups": groups,
        "disparity": disparity,
        "disparity_supported": supported,
        "supported_groups": int(key[keep].nunique()),
    }


def human_reference(y, h, labels):
    ok = y == h
    return {
        "accuracy": float(ok.mean()),
        "per_class": [
            {"class": str(c), "accuracy": float(ok[y == c].mean()) if (y == c).any() else None, "count": int((y == c).sum())}
            for c in labels
        ],
    }


def human_by_group(df, y, h, column):
    """Human agreement with the true label per group (fairlearn MetricFrame)."""
    sf = df[column].fillna("(missing)").astype(str)
    mf = MetricFrame(metrics=accuracy_score, y_true=y, y_pred=h, sensitive_features=sf)
    return {str(g): float(mf.by_group.loc[g]) for g in mf.by_group.index}


def score_reference(y, score, pos):
    yb = (y == pos).astype(int)
    fpr, tpr, thr = roc_curve(yb, score)
    prec, rec, pthr = precision_recall_curve(yb, score)
    return {
        "roc_auc": roc_auc_score(yb, score),
        "average_precision": average_precision_score(yb, score),
        "roc_curve": {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": [None if math.isinf(t) else float(t) for t in thr]},
        "pr_curve": {"precision": prec.tolist(), "recall": rec.tolist(), "thresholds": pthr.tolist()},
    }


def threshold_reference(df, y, score, pos, thresholds, column):
    """Confusion counts and per-slice FPR/FNR when predicting positive at score >= t."""
    yb = (y == pos).astype(int)
    out = []
    for t in thresholds:
        pb = (score >= t).astype(int)
        tn, fp, fn, tp = confusion_matrix(yb, pb, labels=[0, 1]).ravel()
        sf = df[column].astype(str)
        mf = MetricFrame(metrics={"fpr": false_positive_rate, "fnr": false_negative_rate}, y_true=yb, y_pred=pb, sensitive_features=sf)
        out.append(
            {
                "threshold": t,
                "tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn),
                "accuracy": accuracy_score(yb, pb),
                "per_group": {str(g): {"fpr": mf.by_group.loc[g, "fpr"], "fnr": mf.by_group.loc[g, "fnr"]} for g in mf.by_group.index},
            }
        )
    return out


def main():
    rng = np.random.default_rng(20261123)
    os.makedirs(DATA, exist_ok=True)
    binary = make_binary(rng)
    multi = make_multiclass(rng)
    numeric = make_numeric_classes(rng)
    binary.to_csv(os.path.join(DATA, "binary.csv"), index=False)
    multi.to_csv(os.path.join(DATA, "multiclass.csv"), index=False)
    numeric.to_csv(os.path.join(DATA, "numeric_classes.csv"), index=False)

    ref = {
        "versions": {
            "python": sys.version.split()[0],
            "scikit-learn": sklearn.__version__,
            "fairlearn": fairlearn.__version__,
            "statsmodels": statsmodels.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
        }
    }

    # Binary, positive class 1, slices by sex, race and their intersection.
    y, p = binary["label"].to_numpy(), binary["pred"].to_numpy()
    labels = sorted(set(y) | set(p))
    b = overall(y, p, labels)
    b["positive"] = positive_rates(y, p, 1)
    b["slices"] = [
        slice_reference(binary, y, p, ["sex"], 1),
        slice_reference(binary, y, p, ["race"], 1),
        slice_reference(binary, y, p, ["sex", "race"], 1),
    ]
    b["human"] = human_reference(y, binary["human"].to_numpy(), labels)
    b["human_by_sex"] = human_by_group(binary, y, binary["human"].to_numpy(), "sex")
    b["scores"] = score_reference(y, binary["score"].to_numpy(), 1)
    b["thresholds"] = threshold_reference(binary, y, binary["score"].to_numpy(), 1, [0.3, 0.5, 0.7], "sex")
    # Age is binned by the engine into 5 quantile bins: give the edges numpy uses.
    age = binary["age"].to_numpy()
    edges = np.quantile(age, [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    b["age_quantile_edges"] = edges.tolist()
    # Bins are [e0, e1), [e1, e2), ..., [e4, e5]: the last one is closed.
    b["age_bin_counts"] = np.bincount(np.searchsorted(edges[1:-1], age, side="right"), minlength=5).tolist()
    ref["binary"] = b

    # Multi-class, one-vs-rest for 'dog', slices by region (with a missing value).
    y, p = multi["y_true"].to_numpy(), multi["y_pred"].to_numpy()
    labels = sorted(set(y) | set(p))
    m = overall(y, p, labels)
    m["positive"] = positive_rates(y, p, "dog")
    m["slices"] = [
        slice_reference(multi, y, p, ["region"], "dog"),
        slice_reference(multi, y, p, ["region", "device"], None),
    ]
    m["human"] = human_reference(y, multi["annotator"].to_numpy(), labels)
    m["human_by_region"] = human_by_group(multi, y, multi["annotator"].to_numpy(), "region")
    # Costly confusions: the count of each (true, predicted) cell, its rate
    # within the true class, and the false positives / negatives per class.
    cm = confusion_matrix(y, p, labels=labels)
    m["watch"] = [
        {
            "truth": t,
            "pred": q,
            "count": int(cm[labels.index(t), labels.index(q)]),
            "rate": cm[labels.index(t), labels.index(q)] / cm[labels.index(t)].sum(),
            "share_of_data": cm[labels.index(t), labels.index(q)] / cm.sum(),
            "share_of_errors": cm[labels.index(t), labels.index(q)] / (cm.sum() - np.trace(cm)),
        }
        for t, q in [("cat", "dog"), ("dog", "fox"), ("ferret", "cat")]
    ]
    m["fp_fn"] = [
        {"class": c, "fp": int(cm[:, i].sum() - cm[i, i]), "fn": int(cm[i].sum() - cm[i, i])}
        for i, c in enumerate(labels)
    ]
    ref["multiclass"] = m

    y, p = numeric["target"].to_numpy(), numeric["prediction"].to_numpy()
    labels = sorted(set(y) | set(p))
    ref["numeric_classes"] = overall(y, p, labels)

    # Wilson intervals on their own, against statsmodels.
    ref["wilson"] = [{"k": k, "n": n, "ci": wilson(k, n)} for k, n in [(0, 1), (1, 1), (0, 30), (7, 30), (8, 10), (500, 1000), (9999, 10000)]]
    # Two independent proportions: Newcombe's interval of the difference and
    # the pooled z-test (a slice against the rest; a group against the rest).
    two = []
    for k1, n1, k2, n2 in [(30, 100, 60, 900), (2, 8, 1, 20), (1660, 3696, 708, 3518), (0, 40, 5, 60), (45, 45, 90, 100), (500, 1000, 500, 1000)]:
        lo, hi = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
        _, pv = proportions_ztest([k1, k2], [n1, n2])
        two.append({"k1": k1, "n1": n1, "k2": k2, "n2": n2, "ci": [lo, hi], "p_value": None if math.isnan(pv) else pv})
    ref["two_proportions"] = two

    path = os.path.join(HERE, "reference.json")
    with open(path, "w") as f:
        json.dump(clean(ref), f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
