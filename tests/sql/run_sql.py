#!/usr/bin/env python3
"""Runs a query printed by `slicewise cube` on a real SQL engine, over a
Parquet file registered as the table `preds`, and writes the result to
Parquet. Used by tests/sql_engines.rs; also what a user would do by hand.

    run_sql.py duckdb|spark DATA.parquet QUERY.sql OUT.parquet
"""

import sys


def duckdb_run(data, sql, out):
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE VIEW preds AS SELECT * FROM read_parquet('{data}')")
    # A sample query for DuckDB starts with `SELECT setseed(...);`; split by
    # DuckDB's own parser, never at a semicolon inside a quoted name.
    *setup, query = [s.query.strip().rstrip(";") for s in duckdb.extract_statements(sql)]
    for s in setup:
        con.execute(s)
    con.execute(f"COPY ({query}) TO '{out}' (FORMAT PARQUET)")


def spark_run(data, sql, out):
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("slicewise-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.parquet(data).createOrReplaceTempView("preds")
    # The query is one statement with no comment and no closing semicolon.
    spark.sql(sql.strip()).toPandas().to_parquet(out, index=False)
    spark.stop()


def main():
    engine, data, sql_file, out = sys.argv[1:]
    with open(sql_file) as f:
        sql = f.read()
    {"duckdb": duckdb_run, "spark": spark_run}[engine](data, sql, out)


if __name__ == "__main__":
    main()
