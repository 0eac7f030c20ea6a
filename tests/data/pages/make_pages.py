"""Writes the Parquet files of tests/data/pages: one table, written the
ways writers write text columns, for the test that each loads to the same
report (text columns read from their pages as codes, or by polars).

Run with pyarrow: python tests/data/pages/make_pages.py
"""

import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
n = 1200
classes = np.array(["cat", "dog", "é", "Cafe\u0301", "café"])
devices = np.array(["phone", "", "ünïcode", "tablet", None], dtype=object)
table = pa.table(
    {
        "id": pa.array(np.arange(n)),
        "label": pa.array(rng.choice(classes, n)),
        "pred": pa.array(rng.choice(classes, n)),
        "score": pa.array(rng.random(n)),
        "device": pa.array(rng.choice(devices, n), type=pa.string()),
        # Missing in the whole first row group, then sometimes.
        "gender": pa.array(
            [None] * 400 + list(rng.choice(np.array(["f", "m", None], dtype=object), n - 400)),
            type=pa.string(),
        ),
        # Many values: the dictionary page overflows into plain pages.
        "user": pa.array([f"user-{i % 600}" for i in range(n)]),
    }
)
text = ["label", "pred", "device", "gender", "user"]


def write(name, **kwargs):
    pq.write_table(table, os.path.join(HERE, name), row_group_size=400, **kwargs)


# polars reads DELTA_LENGTH_BYTE_ARRAY itself: the reference.
write(
    "delta.parquet",
    use_dictionary=False,
    column_encoding={c: "DELTA_LENGTH_BYTE_ARRAY" for c in text},
)
write("v1.parquet", data_page_version="1.0")
write("v2.parquet", data_page_version="2.0", compression="zstd")
write("plain.parquet", use_dictionary=False)
write(
    "fallback.parquet",
    dictionary_pagesize_limit=64,
    data_page_size=256,
    write_batch_size=64,
)
required = pa.schema(
    [pa.field(f.name, f.type, nullable=f.name in ("device", "gender")) for f in table.schema]
)
pq.write_table(table.cast(required), os.path.join(HERE, "required.parquet"))
