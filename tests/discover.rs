//! Slice discovery against the `sliceline` package (reference values from
//! `tests/reference/make_discover_reference.py`), and its pruning rules.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use slicewise::core::discover::{
    DiscoverOptions, ErrorKind, Errors, MinSupport, discover, features,
};

fn reference() -> serde_json::Value {
    let text =
        std::fs::read_to_string(common::root().join("tests/reference/discover_reference.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Runs every reference case and returns (case, found) pairs compared.
#[test]
fn top_slices_equal_the_sliceline_package() {
    for case in reference().as_array().unwrap() {
        let ds = common::load(
            &common::root()
                .join("tests/data/discover")
                .join(case["data"].as_str().unwrap()),
        );
        let names: Vec<String> = case["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        let (feats, warnings) = features(&ds, &names).unwrap();
        assert!(warnings.is_empty());
        let errors = match case["errors"].as_str().unwrap() {
            "misclassified" => ErrorKind::Misclassified.errors(&ds),
            "score" => {
                Errors::Continuous(ds.score.as_ref().unwrap().iter().map(|s| 1.0 - s).collect())
            }
            other => panic!("{other}"),
        };
        let min_support = match &case["min_support"] {
            v if v.is_u64() => MinSupport::Count(v.as_u64().unwrap()),
            v => MinSupport::Share(v.as_f64().unwrap()),
        };
        let opts = DiscoverOptions {
            alpha: case["alpha"].as_f64().unwrap(),
            k: usize::try_from(case["k"].as_u64().unwrap()).unwrap(),
            max_level: usize::try_from(case["max_level"].as_u64().unwrap()).unwrap(),
            min_support,
        };
        let what = format!("{} {:?}", case["data"], opts);
        let found = discover(&feats, &errors, ds.rows(), &opts, &|_| {}, None).unwrap();
        // The same pruning: as many candidates evaluated per level as the
        // package (dropping or loosening a rule evaluates more).
        let evaluated: Vec<u64> = found.levels[1..]
            .iter()
            .map(|l| l.evaluated as u64)
            .collect();
        let want_candidates: Vec<u64> = case["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert_eq!(evaluated, want_candidates, "{what}");
        let avg = case["average_error"].as_f64().unwrap();
        assert!((found.average_error - avg).abs() < 1e-12, "{what}");
        let want = case["slices"].as_array().unwrap();
        assert_eq!(
            found.slices.len(),
            want.len(),
            "{what}: {:#?}",
            found.slices
        );
        for (got, want) in found.slices.iter().zip(want) {
            let preds: std::collections::BTreeMap<String, String> = got
                .predicates
                .iter()
                .map(|&(f, v)| (feats[f].name.clone(), feats[f].values[v as usize].clone()))
                .collect();
            let want_preds: std::collections::BTreeMap<String, String> = want["predicates"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect();
            assert_eq!(preds, want_preds, "{what}");
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
            assert!(
                close(got.score, want["score"].as_f64().unwrap()),
                "{what} score"
            );
            #[allow(clippy::cast_precision_loss)]
            let size = got.size as f64;
            assert!(close(size, want["size"].as_f64().unwrap()), "{what} size");
            assert!(
                close(got.errors, want["errors"].as_f64().unwrap()),
                "{what} errors"
            );
            assert!(
                close(got.max_error, want["max_error"].as_f64().unwrap()),
                "{what} max"
            );
        }
    }
}
