#!/usr/bin/env python3
"""Writes the typed Parquet files of the bad-input catalogue (pyarrow):
columns of the types Spark, DuckDB and pandas write that polars reads only
with care. Run from this folder; the files are committed.

    typed_decimal.parquet   DECIMAL(5,3) score, DECIMAL(3,0) label, DECIMAL(7,2) unused
    typed_temporal.parquet  date, timestamp, timestamp with a zone, time, duration,
                            half float, int8 and uint16 columns beside the roles
    typed_odd.parquet       binary bytes (not text) and a DECIMAL(40,2), which
                            polars cannot hold, beside the roles
"""

import datetime
import decimal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

N = 30
ids = list(range(N))
label = [(i * 7 + i // 5) % 2 for i in range(N)]
pred = [l if i % 4 else 1 - l for i, l in enumerate(label)]
dec = lambda x, p, s: pa.array([decimal.Decimal(v) for v in x], pa.decimal128(p, s))

pq.write_table(
    pa.table(
        {
            "id": ids,
            "label": dec([str(v) for v in label], 3, 0),
            "pred": pred,
            "score": dec(["0.%03d" % (100 + 25 * i) for i in range(N)], 5, 3),
            "amount": dec(["%d.25" % (i * 7) for i in range(N)], 7, 2),
            "device": ["a", "b", "c"] * (N // 3),
        }
    ),
    "typed_decimal.parquet",
)

day0 = datetime.date(2024, 3, 1)
pq.write_table(
    pa.table(
        {
            "id": ids,
            "label": label,
            "pred": pred,
            "day": pa.array([day0 + datetime.timedelta(days=i % 3) for i in range(N)], pa.date32()),
            "at": pa.array(
                [datetime.datetime(2024, 3, 1, 9) + datetime.timedelta(hours=5 * i) for i in range(N)],
                pa.timestamp("us"),
            ),
            "at_utc": pa.array(
                [datetime.datetime(2024, 3, 1, 9) + datetime.timedelta(minutes=i) for i in range(N)],
                pa.timestamp("ms", tz="UTC"),
            ),
            "clock": pa.array([datetime.time(8 + i % 2, 30) for i in range(N)], pa.time64("us")),
            "wait": pa.array([datetime.timedelta(seconds=30 * (i % 4)) for i in range(N)], pa.duration("s")),
            "half": pa.array(np.array([0.5, 1.5] * (N // 2), dtype=np.float16)),
            "small": pa.array([1, 2, 3] * (N // 3), pa.int8()),
            "port": pa.array([80, 443] * (N // 2), pa.uint16()),
        }
    ),
    "typed_temporal.parquet",
)

pq.write_table(
    pa.table(
        {
            "id": ids,
            "label": label,
            "pred": pred,
            "blob": pa.array([b"\x00\xff\xfe", b"\x89PNG"] * (N // 2), pa.binary()),
            "huge": pa.array([decimal.Decimal(i) for i in range(N)], pa.decimal256(40, 2)),
            "device": ["a", "b"] * (N // 2),
        }
    ),
    "typed_odd.parquet",
)
