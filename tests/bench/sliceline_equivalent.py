"""The `slicewise discover` benchmark's counterpart in the `sliceline`
package: the same 1M generated rows, the same seven columns (snr in five
quantile bins), misclassification errors, alpha 0.95, k 10, max_l 3,
min_sup 1%. Run under /usr/bin/time for wall time and peak memory:

    /usr/bin/time -v ~/.cache/slicewise/venv/bin/python tests/bench/sliceline_equivalent.py big.csv
"""

import sys
import time

import pandas as pd
from sliceline.slicefinder import Slicefinder

started = time.time()
df = pd.read_csv(sys.argv[1])
df["snr"] = pd.qcut(df["snr"], 5).astype(str)
columns = ["device", "gender", "accent", "snr", "noise", "bandwidth", "human"]
X = df[columns].astype(str).to_numpy(dtype=object)
errors = (df["label"] != df["pred"]).astype(float).to_numpy()
sf = Slicefinder(alpha=0.95, k=10, max_l=3, min_sup=0.01, verbose=False)
sf.fit(X, errors)
for values, stats in zip(sf.top_slices_, sf.top_slices_statistics_):
    print({c: v for c, v in zip(columns, values) if v is not None}, round(stats["slice_score"], 3), stats["slice_size"])
print(f"{time.time() - started:.1f} s")
