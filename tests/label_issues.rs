//! Likely label errors against cleanlab 2.9 (reference values from
//! `tests/reference/make_label_issues_reference.py`): for every `filter_by`
//! and both `rank_by` scores the same examples in the same order, and the
//! same thresholds, confident joint, noise matrix and `num_label_issues`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use serde_json::Value;
use slicewise::core::label_issues::{FilterBy, Options, RankBy, for_dataset};

fn reference() -> Vec<Value> {
    let text =
        std::fs::read_to_string(common::root().join("tests/reference/label_issues_reference.json"))
            .unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9
}

#[test]
fn every_filter_and_ranking_equals_cleanlab() {
    let mut checked = 0;
    for case in reference() {
        let name = case["name"].as_str().unwrap();
        let path = common::root().join(case["file"].as_str().unwrap());
        if !path.exists() {
            eprintln!(
                "note: {} is absent; the {name} case is not checked",
                path.display()
            );
            continue;
        }
        let ds = common::load(&path);
        let classes: Vec<&str> = case["classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(
            ds.classes, classes,
            "{name}: the classes in Slicewise's order"
        );
        let mut first = true;
        for c in case["cases"].as_array().unwrap() {
            let options = Options {
                filter_by: FilterBy::from_name(c["filter_by"].as_str().unwrap()).unwrap(),
                rank_by: RankBy::from_name(c["rank_by"].as_str().unwrap()).unwrap(),
                ..Options::default()
            };
            let found = for_dataset(&ds, options).unwrap();
            let ids: Vec<String> = found
                .ranked
                .iter()
                .map(|&r| ds.ids.key(r).into_owned())
                .collect();
            let want: Vec<&str> = c["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(
                ids, want,
                "{name} {options:?}: the flagged examples in rank order"
            );
            let scores: Vec<f64> = found.ranked.iter().map(|&r| found.scores[r]).collect();
            for (a, b) in scores.iter().zip(floats(&c["scores"])) {
                assert!(close(*a, b), "{name} {options:?}: score {a} vs {b}");
            }
            if first {
                first = false;
                for (a, b) in found.thresholds.iter().zip(floats(&case["thresholds"])) {
                    assert!(close(*a, b), "{name}: threshold {a} vs {b}");
                }
                let cj: Vec<Vec<u64>> = case["confident_joint"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        r.as_array()
                            .unwrap()
                            .iter()
                            .map(|v| v.as_u64().unwrap())
                            .collect()
                    })
                    .collect();
                assert_eq!(found.confident_joint, cj, "{name}: the confident joint");
                for (row, want) in found
                    .noise_matrix
                    .iter()
                    .zip(case["noise_matrix"].as_array().unwrap())
                {
                    for (a, b) in row.iter().zip(floats(want)) {
                        assert!(close(*a, b), "{name}: noise rate {a} vs {b}");
                    }
                }
                assert_eq!(
                    found.num_label_issues as u64,
                    case["num_label_issues"].as_u64().unwrap(),
                    "{name}: num_label_issues"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} cases were checked");
}

#[test]
fn flipped_digits_are_found_far_above_chance() {
    // 6% of the digits' labels were flipped: most flagged examples are
    // flipped ones, and most flipped ones are flagged.
    let ds = common::load(&common::root().join("tests/data/digits_noisy.csv"));
    let found = for_dataset(&ds, Options::default()).unwrap();
    let flipped = ds.column("flipped").unwrap();
    let is_flipped = |r: usize| flipped.display(r).as_ref() == "yes";
    let hits = found.ranked.iter().filter(|&&r| is_flipped(r)).count();
    let total = (0..ds.rows()).filter(|&r| is_flipped(r)).count();
    assert!(
        hits * 10 >= found.ranked.len() * 7,
        "{hits} of {} flagged",
        found.ranked.len()
    );
    assert!(hits * 10 >= total * 7, "{hits} of {total} flipped found");
}

fn slicewise(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_slicewise"))
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .unwrap()
}

#[test]
fn the_command_line_lists_cleanlabs_examples_per_class_and_slice() {
    let data = common::root().join("tests/data/three_classes.csv");
    let file = data.to_str().unwrap();
    let reference = reference();
    let case = reference
        .iter()
        .find(|c| c["name"] == "three_classes")
        .unwrap();
    for c in case["cases"].as_array().unwrap() {
        let o = slicewise(&[
            "label-issues",
            file,
            "--filter-by",
            c["filter_by"].as_str().unwrap(),
            "--rank-by",
            c["rank_by"].as_str().unwrap(),
            "--by",
            "region",
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let j: Value = serde_json::from_slice(&o.stdout).unwrap();
        let ids: Vec<&Value> = j["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| &x["id"])
            .collect();
        let want: Vec<&Value> = c["ids"].as_array().unwrap().iter().collect();
        assert_eq!(ids, want, "{}", c["filter_by"]);
        assert_eq!(j["num_label_issues"], case["num_label_issues"]);
        assert_eq!(j["confident_joint"]["matrix"], case["confident_joint"]);
        // The per-class and per-group counts add up to the examples listed.
        for table in [&j["per_class"], &j["slices"][0]["groups"]] {
            let sum: u64 = table
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["flagged"].as_u64().unwrap())
                .sum();
            assert_eq!(sum, ids.len() as u64);
        }
        let first = &j["issues"][0];
        assert!(first["given"] != first["suggested"] || c["filter_by"] == "prune_by_class");
    }
    // The report's summary counts the same examples.
    let o = slicewise(&["report", file, "--format", "json"]);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    let default = &case["cases"][0];
    assert_eq!(default["filter_by"], "prune_by_noise_rate");
    assert_eq!(
        j["label_issues"]["flagged"].as_u64().unwrap(),
        default["ids"].as_array().unwrap().len() as u64
    );
    assert_eq!(
        j["label_issues"]["num_label_issues"],
        case["num_label_issues"]
    );
    let o = slicewise(&["report", path_of_sample().as_str(), "--format", "json"]);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(j["label_issues"].is_null(), "no probabilities, no summary");
    // Text fits 80 columns; bad arguments and data say what to do.
    let o = slicewise(&["label-issues", file, "--by", "region", "--width", "80"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("likely label errors"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    let o = slicewise(&["label-issues", file, "--filter-by", "loudest"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("prune_by_noise_rate"));
    let sample = common::sample_csv();
    let o = slicewise(&["label-issues", sample.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("probability column for every class") && err.contains("speech_commands.csv"),
        "{err}"
    );
}

fn path_of_sample() -> String {
    common::sample_csv().to_str().unwrap().to_string()
}

#[test]
fn one_shared_search_serves_every_asker_with_the_same_answer() {
    use slicewise::core::label_issues::Shared;
    let ds = common::load(&common::root().join("tests/data/three_classes.csv"));
    let shared = Shared::default();
    let first = shared.get(&ds).unwrap();
    // A clone (the Review filter's worker) gets the very same result.
    let again = shared.clone().get(&ds).unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again));
    assert_eq!(*first, for_dataset(&ds, Options::default()).unwrap());
    // Another document's search is its own.
    assert!(Shared::default() != shared);
}

#[test]
fn a_probability_column_of_text_is_named_with_its_value_and_class() {
    // numpy and Python write a missing probability as `nan`, which the CSV
    // reader takes for text: the column cannot be class a's probabilities.
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "p.csv",
        "id,label,pred,prob_a,prob_b\n1,a,a,0.9,0.1\n2,b,b,nan,0.8\n3,a,b,0.4,0.6\n",
    );
    let o = slicewise(&["label-issues", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("'prob_a'") && err.contains("'nan'") && err.contains("have none ('a'"),
        "{err}"
    );
    // The report says the same of the column.
    let o = slicewise(&["report", path.to_str().unwrap(), "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let warned = j["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("'prob_a' is named like"));
    assert!(warned, "{}", j["warnings"]);
}
