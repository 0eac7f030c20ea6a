"""Two real models on the same examples, for `slicewise compare`.

Trains scikit-learn's GaussianNB (the "before" run) and LogisticRegression
(the "after" run) on the digits dataset that ships with scikit-learn, writes
their predictions on the same 600 test images (the after file shuffled, so
the join by id is exercised) with a slice column `ink` (tertiles of the
total ink), and the reference values: per-class precision/recall/F1 of each
run (sklearn), McNemar's exact test (statsmodels) overall and per ink group
with Holm's adjustment (statsmodels), Newcombe's paired interval (written out
as in make_paired_reference.py).

Run: ~/.cache/slicewise/venv/bin/python tests/reference/make_compare_reference.py
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support, recall_score
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests

from make_paired_reference import newcombe

here = Path(__file__).parent
out_dir = here.parent / "data" / "compare"
out_dir.mkdir(parents=True, exist_ok=True)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=600, random_state=0)
before = GaussianNB().fit(X_train, y_train).predict(X_test)
after = LogisticRegression(max_iter=2000).fit(X_train, y_train).predict(X_test)
ink = pd.qcut(X_test.sum(axis=1), 3, labels=["light", "medium", "heavy"]).astype(str)
ids = [f"img{i:04d}" for i in range(len(y_test))]

pd.DataFrame({"id": ids, "label": y_test, "pred": before, "ink": ink}).to_csv(
    out_dir / "digits_before.csv", index=False
)
shuffled = np.random.default_rng(0).permutation(len(y_test))
pd.DataFrame({"id": ids, "label": y_test, "pred": after}).iloc[shuffled].to_csv(
    out_dir / "digits_after.csv", index=False
)


def table(mask):
    rb = (before == y_test)[mask]
    ra = (after == y_test)[mask]
    return (
        int(np.sum(rb & ra)),
        int(np.sum(rb & ~ra)),
        int(np.sum(~rb & ra)),
        int(np.sum(~rb & ~ra)),
    )


def change(mask):
    both, broken, fixed, neither = table(mask)
    p = mcnemar([[both, broken], [fixed, neither]], exact=True).pvalue
    return {
        "both": both,
        "broken": broken,
        "fixed": fixed,
        "neither": neither,
        "p_value": float(p),
        "delta_ci": list(newcombe(both, broken, fixed, neither)),
    }


classes = sorted(set(y_test) | set(before) | set(after))
per_class = []
for run, pred in (("before", before), ("after", after)):
    p, r, f, s = precision_recall_fscore_support(
        y_test, pred, labels=classes, zero_division=np.nan
    )
    per_class.append({"run": run, "precision": list(p), "recall": list(r), "f1": list(f)})

groups = {}
for g in ["heavy", "light", "medium"]:
    groups[g] = change(ink == g)
adjusted = multipletests([groups[g]["p_value"] for g in groups], method="holm")[1]
for g, a in zip(groups, adjusted):
    groups[g]["p_adjusted"] = float(a)

# With a positive class (8): TPR and FPR per ink group, before and after.
# The paired table counts "predicted positive" among true positives (TPR)
# and among true negatives (FPR); sklearn's recall gives the rates.
POSITIVE = 8


def rate_change(mask):
    pb = (before == POSITIVE)[mask]
    pa = (after == POSITIVE)[mask]
    both, broken, fixed, neither = (
        int(np.sum(pb & pa)),
        int(np.sum(pb & ~pa)),
        int(np.sum(~pb & pa)),
        int(np.sum(~pb & ~pa)),
    )
    p = mcnemar([[both, broken], [fixed, neither]], exact=True).pvalue
    return {
        "both": both,
        "broken": broken,
        "fixed": fixed,
        "neither": neither,
        "p_value": float(p),
        "delta_ci": list(newcombe(both, broken, fixed, neither)),
    }


rates = {}
for name, truth in (("tpr", y_test == POSITIVE), ("fpr", y_test != POSITIVE)):
    per = {}
    for g in ["heavy", "light", "medium"]:
        mask = (ink == g) & truth
        per[g] = rate_change(mask)
        # The rates themselves, as sklearn computes them.
        yt, yb, ya = (y_test[ink == g] == POSITIVE), (before[ink == g] == POSITIVE), (after[ink == g] == POSITIVE)
        if name == "tpr":
            per[g]["before"] = float(recall_score(yt, yb))
            per[g]["after"] = float(recall_score(yt, ya))
        else:
            per[g]["before"] = float(np.mean(yb[~yt]))
            per[g]["after"] = float(np.mean(ya[~yt]))
    adjusted = multipletests([per[g]["p_value"] for g in per], method="holm")[1]
    for g, a in zip(per, adjusted):
        per[g]["p_adjusted"] = float(a)
    rates[name] = per

ref = {
    "classes": [str(c) for c in classes],
    "positive": str(POSITIVE),
    "rates": rates,
    "overall": change(np.ones(len(y_test), dtype=bool)),
    "per_class": per_class,
    "ink": groups,
}
(here / "compare_reference.json").write_text(json.dumps(ref, indent=1) + "\n")
print("wrote", here / "compare_reference.json")
