"""Reference values for likely label errors: cleanlab 2.9's confident learning.

Writes the test data (when missing) and label_issues_reference.json:

- tests/data/digits_noisy.csv: scikit-learn's 1,797 digits with 6% of the
  labels flipped to another digit (seed 7), and 5-fold cross-validated
  probabilities of a logistic regression trained on the noisy labels;
- tests/data/three_classes.csv: 2,000 generated rows of three classes, one
  of them ("eel") given to a single row, another ("fox") to none, so that
  cleanlab's minimum examples per class and its threshold of an unlabelled
  class are exercised;
- ../shared/realdata/imdb_preds.csv when it is there (its answers are
  committed; the Rust test checks them only where the file exists).

For each file, for every filter_by and both rank_by scores: the flagged ids
in rank order (cleanlab's find_label_issues with return_indices_ranked_by),
and once per file the confident thresholds, the calibrated confident joint,
the noise matrix (estimate_latent), num_label_issues and the label quality
scores of the flagged rows.

Classes are ordered as Slicewise orders them (numbers by value, else text),
so the probability columns line up.

Run: python tests/reference/make_label_issues_reference.py
"""

import json
import os

import numpy as np
import pandas as pd
from cleanlab.count import (
    compute_confident_joint,
    estimate_latent,
    get_confident_thresholds,
    num_label_issues,
)
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "tests", "data")
REAL = os.path.join(ROOT, "..", "shared", "realdata", "imdb_preds.csv")

FILTERS = ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning", "predicted_neq_given"]
RANKS = ["self_confidence", "normalized_margin"]


def digits_noisy(path):
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(7)
    noisy = y.copy()
    flip = rng.choice(len(y), size=int(0.06 * len(y)), replace=False)
    for i in flip:
        noisy[i] = rng.choice([c for c in range(10) if c != y[i]])
    probs = cross_val_predict(
        LogisticRegression(max_iter=5000), X / 16.0, noisy, cv=5, method="predict_proba"
    )
    df = pd.DataFrame({"id": [f"d{i:04d}" for i in range(len(y))], "label": noisy})
    df["pred"] = probs.argmax(axis=1)
    for k in range(10):
        df[f"prob_{k}"] = probs[:, k]
    df["flipped"] = np.where(np.isin(np.arange(len(y)), flip), "yes", "no")
    df.to_csv(path, index=False, float_format="%.17g")


def three_classes(path):
    rng = np.random.default_rng(11)
    n = 2000
    classes = np.array(["cat", "dog", "eel", "fox"])
    label = rng.choice([0, 1], size=n, p=[0.6, 0.4])
    label[17] = 2  # one row of eel; no row of fox
    logits = rng.normal(size=(n, 4))
    logits[np.arange(n), label] += 2.0
    # Some labels are wrong: the model leans to another class.
    wrong = rng.choice(n, size=120, replace=False)
    logits[wrong, (label[wrong] + 1) % 2] += 3.5
    logits[:, 3] -= 0.5  # "fox": predicted now and then, never given
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    df = pd.DataFrame({"id": [f"g{i:05d}" for i in range(n)], "label": classes[label]})
    df["pred"] = classes[probs.argmax(axis=1)]
    for k, c in enumerate(classes):
        df[f"prob_{c}"] = probs[:, k]
    df["region"] = rng.choice(["north", "south", "west"], size=n)
    df.to_csv(path, index=False, float_format="%.17g")


def slicewise_order(values):
    def key(v):
        try:
            return (0, float(v), "")
        except ValueError:
            return (1, 0.0, str(v))

    return sorted(set(values), key=key)


def case(path, name):
    df = pd.read_csv(path, dtype={"id": str})
    prob_cols = [c for c in df.columns if c.startswith("prob_")]
    names = [c[len("prob_"):] for c in prob_cols]
    label_text = df["label"].astype(str)
    classes = slicewise_order(list(label_text) + list(df["pred"].astype(str)) + names)
    assert sorted(classes, key=str) == sorted(names, key=str), (classes, names)
    order = [names.index(c) for c in classes]
    # cleanlab refuses probabilities beyond [0, 1] by more than 1e-6; IMDB's
    # (float32 softmax outputs, clipped at 1e-5) reach 1.00001. Slicewise
    # clips them to [0, 1] as well.
    probs = np.clip(df[prob_cols].to_numpy(dtype=float)[:, order], 0.0, 1.0)
    code = {c: i for i, c in enumerate(classes)}
    labels = np.array([code[v] for v in label_text])
    ids = df["id"].astype(str).tolist()
    out = {
        "name": name,
        "file": os.path.relpath(path, ROOT),
        "classes": classes,
        "thresholds": get_confident_thresholds(labels, probs).tolist(),
        "confident_joint": compute_confident_joint(labels, probs).tolist(),
        "num_label_issues": int(num_label_issues(labels, probs)),
        "cases": [],
    }
    cj = compute_confident_joint(labels, probs)
    out["noise_matrix"] = estimate_latent(cj, labels)[1].tolist()
    for rank_by in RANKS:
        scores = get_label_quality_scores(labels, probs, method=rank_by)
        for filter_by in FILTERS:
            ranked = find_label_issues(
                labels, probs, filter_by=filter_by, return_indices_ranked_by=rank_by
            )
            out["cases"].append(
                {
                    "filter_by": filter_by,
                    "rank_by": rank_by,
                    "ids": [ids[i] for i in ranked],
                    "scores": [float(scores[i]) for i in ranked],
                }
            )
    return out


def main():
    digits = os.path.join(DATA, "digits_noisy.csv")
    if not os.path.exists(digits):
        digits_noisy(digits)
    three = os.path.join(DATA, "three_classes.csv")
    if not os.path.exists(three):
        three_classes(three)
    cases = [case(digits, "digits_noisy"), case(three, "three_classes")]
    if os.path.exists(REAL):
        cases.append(case(REAL, "imdb"))
    with open(os.path.join(HERE, "label_issues_reference.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    for c in cases:
        print(c["name"], c["num_label_issues"], [len(x["ids"]) for x in c["cases"]])


if __name__ == "__main__":
    main()
