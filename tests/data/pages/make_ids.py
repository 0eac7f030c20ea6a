"""Writes the text-id fixtures of tests/data/pages: columns of ids that are
one number in a fixed text (read from their pages as numbers) and ids that
are not, written as writers write them, for the tests that each loads to
the same ids as polars reads them.

Run with pyarrow: python tests/data/pages/make_ids.py
"""

import os

import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
n = 1200
classes = ["cat", "dog", "bird"]
table = pa.table(
    {
        "label": [classes[i % 3] for i in range(n)],
        "pred": [classes[(i * 7) % 3] for i in range(n)],
        # Fixed width: 'utt000000' ... 'utt001199'.
        "padded": [f"utt{i:06d}" for i in range(n)],
        # No zeros in front: widths grow within a row group.
        "grown": [f"img_{i}.jpg" for i in range(n)],
        # Three digits wide, then four from row 1000 (in the last row group).
        "wider": [f"u{i:03d}" for i in range(n)],
        # Not one pattern from row 900 on (the last row group).
        "mixed": [f"utt{i:06d}" if i < 900 else f"x-{i}" for i in range(n)],
        # One id missing in the second row group.
        "missing": [None if i == 700 else f"utt{i:06d}" for i in range(n)],
        # Unicode around the number, shuffled.
        "unicode": [f"é{(i * 577) % n:05d}ü" for i in range(n)],
    }
)
text = [c for c in table.column_names if c not in ("label", "pred")]


def write(name, **kwargs):
    pq.write_table(table, os.path.join(HERE, name), row_group_size=400, **kwargs)


# polars reads DELTA_LENGTH_BYTE_ARRAY itself: the reference.
write(
    "ids_delta.parquet",
    use_dictionary=False,
    column_encoding={c: "DELTA_LENGTH_BYTE_ARRAY" for c in text},
)
write("ids_dict.parquet", data_page_version="1.0")
write("ids_v2.parquet", data_page_version="2.0", compression="zstd")
write("ids_plain.parquet", use_dictionary=False, data_page_size=256)
write(
    "ids_fallback.parquet",
    dictionary_pagesize_limit=64,
    data_page_size=256,
    write_batch_size=64,
)
