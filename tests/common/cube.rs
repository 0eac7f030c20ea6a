//! Reports compared between raw rows and their count cubes.

use std::path::{Path, PathBuf};

use serde_json::Value;
use slicewise::core::dataset::Dataset;
use slicewise::core::generate;
use slicewise::core::render;
use slicewise::core::report::{self, ReportOptions};
use slicewise::core::session::TagDef;

/// Keys that depend on the score itself, which a cube only has in bins.
pub const SCORE_KEYS: [&str; 6] = [
    "calibration",
    "risk_coverage",
    "scores",
    "probabilities",
    "roc_auc",
    "average_precision",
];

pub fn generated(dir: &Path, name: &str, rows: usize) -> PathBuf {
    let path = dir.join(name);
    let data = generate::generate_run(rows, 7, None);
    generate::write_file(&data, &path).unwrap();
    path
}

pub fn report_json(ds: &Dataset) -> Value {
    // A tag whose HLP comes from the human labels (per row, or a cube's
    // counts), and one with its HLP typed in.
    let women = TagDef::rule("women", "", r#"gender == "female""#);
    let phones = TagDef {
        hlp: Some(0.97),
        ..TagDef::rule(
            "phones in noise",
            "",
            r#"device == "phone" and noise != "none""#,
        )
    };
    let opts = ReportOptions {
        by: vec![
            vec!["device".into()],
            vec!["gender".into(), "accent".into()],
        ],
        positive: Some("yes".into()),
        bootstrap: Some((200, 7)),
        ..ReportOptions::default()
    };
    report_with(ds, vec![women, phones], &opts)
}

/// The whole JSON report of `ds` with these rule tags.
pub fn report_with(ds: &Dataset, tags: Vec<TagDef>, opts: &ReportOptions) -> Value {
    let state = super::with_tags(ds, tags);
    render::report_json(&report::build(ds, &state, opts).unwrap())
}

/// The report without what names the file or depends on raw scores.
pub fn counts_only(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    // Where the numbers come from (the file's fingerprint) and which
    // examples a tag lists (a cube has no example ids) are no counts.
    for k in SCORE_KEYS
        .iter()
        .chain(&["file", "weight", "warnings", "provenance", "tag_examples"])
    {
        o.remove(*k);
    }
    for s in o["slices"].as_array_mut().unwrap() {
        for g in s["groups"].as_array_mut().unwrap() {
            let g = g.as_object_mut().unwrap();
            for k in SCORE_KEYS {
                g.remove(k);
            }
        }
    }
    v
}
