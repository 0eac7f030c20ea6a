"""Reference values for agreement among annotators: the `krippendorff`
package's alpha (nominal, from value counts) and annotator accuracies.

Writes the test data (when missing) and annotators_reference.json:

- tests/data/annotators_columns.csv: 1,500 generated examples of 4 classes,
  a given label, a prediction, a batch column, and 5 annotators
  (annotator_ann, annotator_bo, ...) of accuracies 0.95 to 0.6, each
  labelling an example with probability 0.7 (empty otherwise); the given
  label is wrong for 5% of the examples;
- tests/data/annotators_votes.csv: the same examples with their votes
  counted per class (votes_<class>), as crowd-labelling tools export;
- tests/data/annotators_fleiss.csv: real ratings, Fleiss (1971): 30
  psychiatric patients, each diagnosed by six psychiatrists into five
  categories (R's irr::diagnoses; statsmodels' tests carry the table), one
  column per rater; the given label is the diagnosis most of them gave
  (ties: the category listed first), and so is the prediction.

For each file: alpha overall, per class of the given label and per batch;
the share of votes equal to the given label; examples whose majority is the
given label and examples whose most voted classes tie; and per annotator
(columns file) the share of their labels equal to the given label and their
mean agreement with the others.

Run: python tests/reference/make_annotators_reference.py
"""

import json
import os

import krippendorff
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "tests", "data")
CLASSES = ["bird", "cat", "dog", "fish"]
NAMES = ["ann", "bo", "cy", "di", "ed"]
ACCURACY = [0.95, 0.9, 0.8, 0.7, 0.6]


def write(columns_path, votes_path):
    rng = np.random.default_rng(5)
    n = 1500
    truth = rng.integers(0, 4, size=n)
    given = truth.copy()
    wrong = rng.random(n) < 0.05
    given[wrong] = (truth[wrong] + rng.integers(1, 4, size=wrong.sum())) % 4
    pred = np.where(rng.random(n) < 0.85, truth, rng.integers(0, 4, size=n))
    df = pd.DataFrame(
        {
            "id": [f"a{i:04d}" for i in range(n)],
            "label": np.array(CLASSES)[given],
            "pred": np.array(CLASSES)[pred],
            "batch": rng.choice(["b1", "b2", "b3"], size=n),
        }
    )
    votes = np.zeros((n, 4), dtype=int)
    for name, acc in zip(NAMES, ACCURACY):
        labels = np.where(rng.random(n) < acc, truth, rng.integers(0, 4, size=n))
        labelled = rng.random(n) < 0.7
        col = np.where(labelled, np.array(CLASSES)[labels], "")
        df[f"annotator_{name}"] = col
        votes[np.arange(n)[labelled], labels[labelled]] += 1
    df.to_csv(columns_path, index=False)
    v = df[["id", "label", "pred", "batch"]].copy()
    for k, c in enumerate(CLASSES):
        v[f"votes_{c}"] = votes[:, k]
    v.to_csv(votes_path, index=False)


# Fleiss (1971), as R's irr::diagnoses: a row per patient, a column per
# rater, categories 1 to 5.
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]
DIAGNOSIS = ["depression", "personality disorder", "schizophrenia", "neurosis", "other"]


def write_fleiss(path):
    ratings = np.array(DIAGNOSES) - 1
    counts = np.stack([(ratings == k).sum(axis=1) for k in range(5)], axis=1)
    majority = np.array(DIAGNOSIS)[counts.argmax(axis=1)]
    df = pd.DataFrame({"id": [f"patient{i + 1}" for i in range(len(ratings))], "label": majority, "pred": majority})
    for r in range(6):
        df[f"annotator_rater{r + 1}"] = np.array(DIAGNOSIS)[ratings[:, r]]
    df.to_csv(path, index=False)


def classes_of(df):
    if any(c.startswith("votes_") for c in df.columns):
        return [c[len("votes_"):] for c in df.columns if c.startswith("votes_")]
    return DIAGNOSIS if "annotator_rater1" in df.columns else CLASSES


def names_of(df):
    return [c[len("annotator_"):] for c in df.columns if c.startswith("annotator_")]


def counts_of(df, classes):
    if any(c.startswith("votes_") for c in df.columns):
        return df[[f"votes_{c}" for c in classes]].to_numpy()
    counts = np.zeros((len(df), len(classes)), dtype=int)
    for name in names_of(df):
        col = df[f"annotator_{name}"].fillna("")
        for k, c in enumerate(classes):
            counts[:, k] += (col == c).to_numpy()
    return counts


def agreement(counts, given):
    votes = counts.sum(axis=1)
    top = counts.max(axis=1)
    leaders = (counts == top[:, None]).sum(axis=1)
    with_votes = votes > 0
    out = {
        "rows": int(len(counts)),
        "pairable": int((votes >= 2).sum()),
        "votes": int(votes.sum()),
        "alpha": float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal")),
        "accuracy": float(counts[np.arange(len(counts)), given].sum() / votes.sum()),
        "majority_agrees": int((with_votes & (leaders == 1) & (counts.argmax(axis=1) == given)).sum()),
        "ties": int((with_votes & (leaders > 1)).sum()),
        "mean_agreement": float((top[with_votes] / votes[with_votes]).mean()),
    }
    return out


def case(path):
    df = pd.read_csv(path, keep_default_na=False)
    classes = classes_of(df)
    given = np.array([classes.index(c) for c in df["label"]])
    counts = counts_of(df, classes)
    out = {
        "file": os.path.relpath(path, ROOT),
        "overall": agreement(counts, given),
        # Classes given to at least one example.
        "per_class": {
            c: agreement(counts[given == k], given[given == k]) for k, c in enumerate(classes) if (given == k).any()
        },
    }
    if "batch" in df.columns:
        out["per_batch"] = {
            b: agreement(counts[(df["batch"] == b).to_numpy()], given[(df["batch"] == b).to_numpy()])
            for b in sorted(df["batch"].unique())
        }
    if names_of(df):
        annotators = []
        for name in names_of(df):
            col = df[f"annotator_{name}"].to_numpy()
            mask = col != ""
            codes = np.array([classes.index(c) if c else -1 for c in col])
            m = counts.sum(axis=1)
            others = m - 1
            shared = mask & (others > 0)
            same = counts[np.arange(len(df)), np.where(mask, codes, 0)] - 1
            annotators.append(
                {
                    "name": name,
                    "labelled": int(mask.sum()),
                    "accuracy": float((codes[mask] == given[mask]).mean()),
                    "agreement": float((same[shared] / others[shared]).mean()),
                }
            )
        out["annotators"] = annotators
    return out


def main():
    cols = os.path.join(DATA, "annotators_columns.csv")
    votes = os.path.join(DATA, "annotators_votes.csv")
    fleiss = os.path.join(DATA, "annotators_fleiss.csv")
    if not (os.path.exists(cols) and os.path.exists(votes)):
        write(cols, votes)
    if not os.path.exists(fleiss):
        write_fleiss(fleiss)
    cases = [case(cols), case(votes), case(fleiss)]
    with open(os.path.join(HERE, "annotators_reference.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    for c in cases:
        print(c["file"], c["overall"])


if __name__ == "__main__":
    main()
