//! Helpers shared by the integration tests.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.
#![allow(dead_code)]

pub mod cube;

use std::path::{Path, PathBuf};

use slicewise::core::dataset::Dataset;
use slicewise::core::load::{self, LoadOptions};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled sample's data file.
pub fn sample_csv() -> PathBuf {
    root().join("sample_data/speech_commands.csv")
}

/// The bundled sample's session.
pub fn sample_session() -> PathBuf {
    root().join("sample_data/speech_commands.slicewise.ron")
}

/// Loads a file with default options.
pub fn load(path: &Path) -> Dataset {
    load::load(path, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Writes `text` to `name` in `dir` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Copies `tests/data/<name>` into `dir`; its path there.
pub fn copy_test_data(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(root().join("tests/data").join(name), &path).unwrap();
    path
}

/// A session of `ds` holding these tags (rule tags find their rows).
pub fn with_tags(
    ds: &Dataset,
    tags: Vec<slicewise::core::session::TagDef>,
) -> slicewise::core::tags::Annotations {
    let mut state = slicewise::core::tags::Annotations::new(ds);
    for def in tags {
        state
            .apply(
                ds,
                slicewise::core::tags::Edit::AddTag {
                    index: 0,
                    id: None,
                    def,
                    members: Vec::new(),
                },
            )
            .unwrap();
    }
    state
}

/// Copies the sample (data only) into `dir`.
pub fn copy_sample(dir: &Path) -> PathBuf {
    let path = dir.join("speech_commands.csv");
    std::fs::copy(sample_csv(), &path).unwrap();
    path
}

/// COMPAS-like predictions: decile scores 1–10, predictions "decile ≥ 5",
/// a group column `race`, 600 rows.
pub fn compas_like() -> String {
    use std::fmt::Write as _;
    let mut text = String::from("id,label,pred,score,race\n");
    for i in 0..600u32 {
        let decile = 1 + (i * 7 + i / 13) % 10;
        let race = ["a", "b", "c"][(i % 3) as usize];
        let label = u32::from((i * 31 + decile * 17) % 23 < 3 + decile * 2);
        let pred = u32::from(decile >= 5);
        writeln!(text, "{i},{label},{pred},{decile},{race}").unwrap();
    }
    text
}

/// Compares JSON `actual` to `expected`: numbers within `tolerance` (times
/// the expected value above 1), nulls and strings equal, arrays
/// element-wise, objects on every key of `expected`.
pub fn assert_json_close(
    actual: &serde_json::Value,
    expected: &serde_json::Value,
    ctx: &str,
    tolerance: f64,
) {
    use serde_json::Value;
    match (actual, expected) {
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap(), e.as_f64().unwrap());
            assert!(
                (a - e).abs() <= tolerance * e.abs().max(1.0),
                "{ctx}: {a} != {e} (reference)"
            );
        }
        (Value::Array(a), Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "{ctx}: length");
            for (i, (x, y)) in a.iter().zip(e).enumerate() {
                assert_json_close(x, y, &format!("{ctx}[{i}]"), tolerance);
            }
        }
        (Value::Object(a), Value::Object(e)) => {
            for (k, v) in e {
                let got = a
                    .get(k)
                    .unwrap_or_else(|| panic!("{ctx}: missing key '{k}' in {a:?}"));
                assert_json_close(got, v, &format!("{ctx}.{k}"), tolerance);
            }
        }
        (a, e) => assert_eq!(a, e, "{ctx}"),
    }
}

/// A reference slice's predicates (`{"column": "value", ...}`), in order.
pub fn reference_predicates(
    slice: &serde_json::Value,
) -> std::collections::BTreeMap<String, String> {
    slice["predicates"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}
