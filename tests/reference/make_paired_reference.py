"""Reference values for Slicewise's paired statistics (src/core/paired.rs).

McNemar's exact test and Holm's adjustment come from statsmodels; the Wilson
intervals inside Newcombe's method from statsmodels' proportion_confint. The
Newcombe combination itself (method 10 of Newcombe 1998, Stat. Med.
17:2635-2650, with phi's numerator AD-BC reduced by n/2 when above n/2 and
set to 0 between 0 and n/2) is written out here independently of the Rust
code, following the published formula and biostatUZH's
confIntPairedProportion. Altman et al. (2000), Statistics with Confidence,
Table 6.2 ([[14, 5], [0, 22]]) is one of the cases.

Run: ~/.cache/slicewise/venv/bin/python tests/reference/make_paired_reference.py
Writes tests/reference/paired_reference.json.
"""

import json
import math
from pathlib import Path

from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint


def newcombe(both, broken, fixed, neither):
    """95% interval of after - before; after = (both + fixed) / n."""
    a, b, c, d = both, fixed, broken, neither
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = proportion_confint(a + b, n, alpha=0.05, method="wilson")
    l2, u2 = proportion_confint(a + c, n, alpha=0.05, method="wilson")
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    num = a * d - b * c
    if num > n / 2:
        num = num - n / 2
    elif num >= 0:
        num = 0
    phi = num / math.sqrt(denom) if denom > 0 else 0.0
    lower = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    upper = math.sqrt(max(0.0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2))
    return p1 - p2 - lower, p1 - p2 + upper


def main():
    # (both, broken, fixed, neither)
    TABLES = [
        (14, 0, 5, 22),  # Altman et al. 2000, Table 6.2
        (90, 3, 7, 0),
        (0, 0, 0, 10),
        (10, 0, 0, 0),
        (5, 5, 5, 5),
        (1, 1, 7, 12),  # Fagerland et al., Bentur 2009
        (8000, 120, 95, 1785),
        (500_000, 30_000, 31_000, 439_000),
        (9_000_000, 400_000, 401_234, 198_766),
        (3, 1, 0, 0),
        (0, 25, 3, 2),
    ]

    cases = []
    for both, broken, fixed, neither in TABLES:
        table = [[both, broken], [fixed, neither]]
        p = mcnemar(table, exact=True).pvalue
        lo, hi = newcombe(both, broken, fixed, neither)
        cases.append(
            {
                "both": both,
                "broken": broken,
                "fixed": fixed,
                "neither": neither,
                "mcnemar_exact": float(p),
                "delta_ci": [lo, hi],
            }
        )

    P_SETS = [
        [0.01, 0.04, 0.03, 0.005],
        [0.5, 0.2, 0.9],
        [0.001, 0.001, 0.2, 0.04, 0.7, 0.03],
        [1.0],
    ]
    holm = [{"p": ps, "holm": list(multipletests(ps, method="holm")[1])} for ps in P_SETS]

    out = Path(__file__).with_name("paired_reference.json")
    out.write_text(json.dumps({"cases": cases, "holm": holm}, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
