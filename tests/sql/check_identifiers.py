#!/usr/bin/env python3
"""Checks queries printed by Slicewise for hostile column names, on DuckDB.

Reads a JSON list of cases (from tests/sql_engines.rs): each has the dialect
(duckdb or postgres: both quote with double quotes, and DuckDB runs the
Postgres dialect's SQL), the kind (cube or sample), the query, the column
names the query was asked for (label, pred, by, score, human) and the
columns the result must have. For each: DuckDB's parser must find exactly
one statement (a sample query: `SELECT setseed(...)` and then one), and
running it over a table `preds` whose columns have exactly those names must
give columns with exactly the expected names. A query that smuggled a
second statement, a comment or a different name would fail one of these.

    check_identifiers.py CASES.json
Prints one line per failing case and exits 1 if any failed.
"""

import json
import sys

import duckdb
import pandas as pd


def check(case):
    statements = duckdb.extract_statements(case["sql"])
    expected = 2 if case["kind"] == "sample" and case["dialect"] in ("duckdb", "postgres") else 1
    if len(statements) != expected:
        return f"{len(statements)} statements, not {expected}"
    if expected == 2 and not statements[0].query.strip().lower().startswith("select setseed("):
        return "the first statement is not setseed"
    names = case["names"]
    columns = [names["label"], names["pred"], *names["by"]]
    if names.get("score") is not None:
        columns.append(names["score"])
    if names.get("human") is not None:
        columns.append(names["human"])
    data = {}
    for i, c in enumerate(columns):
        if c == names.get("score"):
            data[c] = [0.25, 0.75, 0.5]
        else:
            data[c] = ["a", "b", "a"] if i != 1 else ["a", "a", "b"]
    con = duckdb.connect()
    con.register("preds", pd.DataFrame(data))
    for s in statements[:-1]:
        con.execute(s.query)
    try:
        got = [d[0] for d in con.execute(statements[-1].query).description]
    except duckdb.Error as e:
        return f"DuckDB refused it: {e}"
    want = case["result_columns"]
    if case["kind"] == "sample":
        # SELECT * keeps the table's columns first, then the sample's own.
        got = got[: len(want)]
    if got != want:
        return f"result columns {got!r}, not {want!r}"
    return None


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    failed = 0
    for case in cases:
        problem = check(case)
        if problem:
            failed += 1
            print(f"{case['dialect']} {case['kind']} {case['names']!r}: {problem}\n{case['sql']}")
    print(f"{len(cases)} queries checked, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
