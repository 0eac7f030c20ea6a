//! Count cubes and review samples: a cube's report equals its raw rows'
//! report number for number, and tag statistics on a stratified sample with
//! its inverse sampling fractions as weights cover the full table's truth.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::fmt::Write as _;

use serde_json::Value;
use slicewise::core::cube::{self, ScoreBins};
use slicewise::core::dataset::Dataset;
use slicewise::core::priority::tag_row;
use slicewise::core::tags::{Annotations, Edit};

#[test]
fn a_cube_reports_every_count_exactly_as_its_raw_rows() {
    let dir = tempfile::tempdir().unwrap();
    let raw_path = common::cube::generated(dir.path(), "raw.csv", 30_000);
    let raw = common::load(&raw_path);
    let by: Vec<String> = ["device", "gender", "accent", "noise"]
        .iter()
        .map(ToString::to_string)
        .collect();
    let bins = ScoreBins {
        bins: 100,
        low: 0.0,
        high: 1.0,
    };
    let cube = cube::build(&raw, &by, Some(bins)).unwrap();
    assert!(cube.len() < raw.rows(), "{} cells", cube.len());
    let cube_path = dir.path().join("cube.parquet");
    cube.write(&cube_path).unwrap();
    let cubed = common::load(&cube_path);
    assert_eq!(
        cubed
            .weights
            .as_ref()
            .map(|w| (w.column.as_str(), w.fractional)),
        Some(("n", false)),
        "the count column is read as whole-number weights"
    );
    assert!(
        cubed.warnings.iter().any(|w| w.contains("count cube")),
        "{:?}",
        cubed.warnings
    );
    let (a, b) = (
        common::cube::report_json(&raw),
        common::cube::report_json(&cubed),
    );
    assert_eq!(b["rows"], 30_000);
    assert!(
        cubed.human_counts.is_some(),
        "human agreement is counted, not grouped"
    );
    assert_eq!(b["human"]["labelled"], 30_000);
    let women = b["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == "women")
        .unwrap();
    assert_eq!(women["hlp_source"], "human_column", "{women}");
    assert_eq!(b["weight"]["file_rows"], cube.len());
    let (a_counts, b_counts) = (
        common::cube::counts_only(a.clone()),
        common::cube::counts_only(b.clone()),
    );
    if a_counts != b_counts {
        let mut diff = String::new();
        for (k, v) in a_counts.as_object().unwrap() {
            if b_counts[k] != *v {
                let _ = writeln!(diff, "{k}: {v} vs {}", b_counts[k]);
            }
        }
        panic!("the cube's report differs from the raw rows':\n{diff}");
    }
    // Binned scores: calibration within a bin's width of the raw one.
    let ece = |v: &Value| v["calibration"]["ece"].as_f64().unwrap();
    assert!(
        (ece(&a) - ece(&b)).abs() < 0.01,
        "{} vs {}",
        ece(&a),
        ece(&b)
    );
}

/// The stratified sample the query of `cube --sample-sql` draws: `n` errors
/// and `n` correct rows per device (all of a smaller stratum), each weighted
/// by its stratum's rows over the rows drawn.
fn sample(ds: &Dataset, n: usize, rng: &mut slicewise::core::stats::Rng) -> Vec<(usize, f64)> {
    use rand::seq::SliceRandom as _;
    let device = ds.column("device").unwrap().groups();
    let mut strata: std::collections::BTreeMap<(bool, u32), Vec<usize>> =
        std::collections::BTreeMap::new();
    for row in 0..ds.rows() {
        strata
            .entry((ds.is_error(row), device.codes.get(row)))
            .or_default()
            .push(row);
    }
    let mut out = Vec::new();
    for rows in strata.values_mut() {
        rows.shuffle(rng);
        let take = rows.len().min(n);
        #[allow(clippy::cast_precision_loss)]
        let weight = rows.len() as f64 / take as f64;
        out.extend(rows[..take].iter().map(|&r| (r, weight)));
    }
    out
}

#[test]
fn tag_estimates_from_a_weighted_sample_cover_the_truth_about_95_percent_of_the_time() {
    let dir = tempfile::tempdir().unwrap();
    let population = common::load(&common::cube::generated(dir.path(), "raw.csv", 20_000));
    // The truth: the tag "car noise" is every row recorded in a car.
    let noise = population.column("noise").unwrap();
    let car: Vec<bool> = (0..population.rows())
        .map(|r| noise.display(r) == "car")
        .collect();
    let errors = (0..population.rows()).filter(|&r| population.is_error(r));
    let car_errors = errors.clone().filter(|&r| car[r]).count() as f64;
    let cars = car.iter().filter(|&&c| c).count() as f64;
    let truth = [
        ("share_of_errors", car_errors / errors.count() as f64),
        ("error_rate", car_errors / cars),
        ("share_of_data", cars / population.rows() as f64),
    ];
    let mut rng = slicewise::core::stats::rng(2026);
    let mut covered = [0usize; 3];
    let reps = 200;
    for rep in 0..reps {
        let drawn = sample(&population, 100, &mut rng);
        let mut csv = String::from("id,label,pred,noise,sample_stratum,sample_weight\n");
        for &(r, w) in &drawn {
            let _ = writeln!(
                csv,
                "{},{},{},{},{}|{},{w}",
                population.ids.key(r),
                population.classes[population.label[r] as usize],
                population.classes[population.pred[r] as usize],
                noise.display(r),
                if population.is_error(r) {
                    "error"
                } else {
                    "correct"
                },
                population.column("device").unwrap().display(r)
            );
        }
        let path = common::write(dir.path(), "sample.csv", &csv);
        let ds = common::load(&path);
        assert!(ds.weights.is_some(), "sample_weight is read as the weight");
        // The analyst reviews every sampled example and tags those in a car.
        let mut state = Annotations::new(&ds);
        let rows = u32::try_from(ds.rows()).unwrap();
        let all: Vec<u32> = (0..rows).collect();
        state
            .apply(
                &ds,
                Edit::SetReviewed {
                    rows: all,
                    reviewed: true,
                },
            )
            .unwrap();
        let tagged: Vec<u32> = (0..rows)
            .filter(|&r| ds.column("noise").unwrap().display(r as usize) == "car")
            .collect();
        let (tagging, _) = state.create_tag("car noise", &tagged);
        state.apply(&ds, tagging).unwrap();
        let tag = state.tag_by_name("car noise").unwrap();
        let row = tag_row(&ds, &state, tag);
        if rep == 0 {
            // The sample's weights add up to the full table.
            assert!((ds.total().w - population.rows() as f64).abs() < 1e-6);
            assert!((ds.error_total().w - population.errors() as f64).abs() < 1e-6);
        }
        for (i, (estimate, (_, truth))) in [row.share_of_errors, row.error_rate, row.share_of_data]
            .iter()
            .zip(truth)
            .enumerate()
        {
            covered[i] += usize::from(estimate.ci.unwrap().contains(truth));
        }
    }
    eprintln!("covered {covered:?} of {reps}");
    for (i, (name, _)) in truth.iter().enumerate() {
        let rate = covered[i] as f64 / f64::from(reps);
        assert!(
            (0.90..=0.99).contains(&rate),
            "{name}: the 95% interval covered the truth in {:.1}% of {reps} samples",
            rate * 100.0
        );
    }
}
