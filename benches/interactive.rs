//! The interactive paths of the desktop app on generated data, with
//! criterion (not a test: `cargo bench --bench interactive`). Row counts
//! from `SLICEWISE_BENCH_ROWS`, comma-separated (default `10000000`; the
//! README's table also has `100000000`). Each size is generated once as a
//! folder of Parquet parts in the system's temporary folder and reused.
//!
//! - one tag toggle on one example, then the whole prioritisation table
//!   computed again (what the Tags panel and the Prioritise view show);
//! - a Review filter change (errors of one device, then another);
//! - the full report computation on loaded data (`report --by device --by gender`);
//! - the Thresholds view's analyses of one class with per-device numbers
//!   (on this data, whose score is the prediction's confidence: the
//!   risk–coverage curves and the calibration, overall and per group).

use std::path::PathBuf;

mod common;

use common::sizes;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use slicewise::core::dataset::Dataset;
use slicewise::core::filter::{ReviewFilter, Scope};
use slicewise::core::generate::{Generated, course_session, write_parts};
use slicewise::core::load::{InputFormat, LoadOptions, load};
use slicewise::core::priority::prioritise;
use slicewise::core::report::{self, ReportOptions, ScorePanels, ScorePanelsKey};
use slicewise::core::tags::{Annotations, Edit};

/// The generated data of `rows` rows: 10 Parquet parts, made once.
fn data(rows: usize) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("slicewise-bench-{rows}"));
    if !dir.join("part-00010.parquet").exists() {
        eprintln!("generating {rows} rows into {}", dir.display());
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = write_parts(
            &Generated::new(rows, 42, None),
            &dir,
            10,
            InputFormat::Parquet,
        ) {
            eprintln!("cannot write {}: {e}", dir.display());
            return None;
        }
    }
    Some(dir)
}

fn loaded(rows: usize) -> Option<Dataset> {
    let path = data(rows)?;
    match load(&path, &LoadOptions::default()) {
        Ok(ds) => Some(ds),
        Err(e) => {
            eprintln!("cannot load {}: {e}", path.display());
            None
        }
    }
}

fn interactive(c: &mut Criterion) {
    for rows in sizes() {
        let Some(ds) = loaded(rows) else { return };
        let (mut state, _) = Annotations::from_session(&ds, &course_session());
        let Some(tag) = state.tag_by_name("mumbling").map(|t| t.id) else {
            eprintln!("the course session has no 'mumbling' tag");
            return;
        };
        let errors: Vec<u32> = (0..ds.rows())
            .filter(|&r| ds.is_error(r))
            .take(1000)
            .filter_map(|r| u32::try_from(r).ok())
            .collect();
        let mut group = c.benchmark_group("interactive");
        group.sample_size(10);
        let mut i = 0;
        group.bench_function(
            BenchmarkId::new("tag toggle + prioritisation table", rows),
            |b| {
                b.iter(|| {
                    i += 1;
                    let _ = state.apply(
                        &ds,
                        Edit::SetTag {
                            tag,
                            on: i % 2 == 0,
                            rows: vec![errors[i % errors.len()]],
                        },
                    );
                    prioritise(&ds, &state)
                });
            },
        );
        let devices = ["phone", "laptop", "car_kit", "smart_speaker"];
        let mut d = 0;
        group.bench_function(
            BenchmarkId::new("review filter change (errors of one device)", rows),
            |b| {
                b.iter(|| {
                    d += 1;
                    ReviewFilter {
                        scope: Scope::Errors,
                        slices: vec![("device".into(), devices[d % devices.len()].into())],
                        ..ReviewFilter::default()
                    }
                    .apply(&ds, &state)
                });
            },
        );
        let opts = ReportOptions {
            by: vec![vec!["device".into()], vec!["gender".into()]],
            ..ReportOptions::default()
        };
        group.bench_function(
            BenchmarkId::new("full report (--by device --by gender)", rows),
            |b| b.iter(|| report::build(&ds, &state, &opts)),
        );
        let key = ScorePanelsKey {
            class: 0,
            meaning: None,
            column: Some("device".into()),
            bins: 10,
            binning: slicewise::core::calibration::Binning::Uniform,
        };
        group.bench_function(
            BenchmarkId::new("Thresholds view (one class, per device)", rows),
            |b| b.iter(|| ScorePanels::compute(&ds, &key)),
        );
        group.finish();
    }
}

criterion_group!(benches, interactive);
criterion_main!(benches);
