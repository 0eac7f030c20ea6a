//! Paired statistics against statsmodels (McNemar's exact test, Holm) and
//! Newcombe's paired interval written out independently in Python
//! (`tests/reference/make_paired_reference.py`, JSON committed beside it).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use serde_json::Value;
use slicewise::core::paired::{PairedTable, holm};

fn reference() -> Value {
    let text =
        std::fs::read_to_string(common::root().join("tests/reference/paired_reference.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() <= 1e-9, "{what}: {got} vs {want}");
}

#[test]
fn mcnemar_and_newcombe_equal_the_reference() {
    let r = reference();
    for case in r["cases"].as_array().unwrap() {
        let count = |k: &str| case[k].as_u64().unwrap();
        let t = PairedTable {
            both: count("both"),
            broken: count("broken"),
            fixed: count("fixed"),
            neither: count("neither"),
        };
        let what = format!("{t:?}");
        // Relative to 1e-9 (p-values span many orders of magnitude).
        let want = case["mcnemar_exact"].as_f64().unwrap();
        let got = t.mcnemar_exact();
        assert!(
            (got - want).abs() <= 1e-9 * want.max(1e-300) || (got - want).abs() < 1e-15,
            "McNemar {what}: {got} vs {want}"
        );
        let ci = t.delta_ci().unwrap();
        close(
            ci.lo,
            case["delta_ci"][0].as_f64().unwrap(),
            &format!("lower {what}"),
        );
        close(
            ci.hi,
            case["delta_ci"][1].as_f64().unwrap(),
            &format!("upper {what}"),
        );
        assert!(ci.contains(t.delta().unwrap()), "{what}");
    }
}

#[test]
fn holm_equals_statsmodels() {
    let r = reference();
    for set in r["holm"].as_array().unwrap() {
        let p: Vec<f64> = set["p"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let want: Vec<f64> = set["holm"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let got = holm(&p);
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-12, "{p:?}: {got:?} vs {want:?}");
        }
    }
}

#[test]
fn altman_table_6_2() {
    // Altman et al., Statistics with Confidence (2000), Table 6.2: 5 of 41
    // pairs discordant one way, none the other.
    let t = PairedTable {
        both: 14,
        broken: 0,
        fixed: 5,
        neither: 22,
    };
    assert!((t.delta().unwrap() - 5.0 / 41.0).abs() < 1e-15);
    let ci = t.delta_ci().unwrap();
    assert!(
        (ci.lo - 0.0115).abs() < 5e-5 && (ci.hi - 0.2265).abs() < 5e-5,
        "{ci:?}"
    );
    assert!((t.mcnemar_exact() - 0.0625).abs() < 1e-15);
}
