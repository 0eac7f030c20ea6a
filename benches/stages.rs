//! The stages of `slicewise report FILE --by device --by gender` on
//! generated data, at 1 and 2 threads, with criterion (not a test: `cargo
//! bench --bench stages`). Rows from `SLICEWISE_BENCH_ROWS` (default
//! 10,000,000), generated once as one Parquet file in the system's
//! temporary folder.
//!
//! - load: the whole load (reading, decoding, encoding) of the columns the
//!   report needs, and of every column;
//! - compute: the whole report on loaded data, and each of its passes over
//!   the rows (confusion matrix, human agreement, one slice, calibration
//!   overall and per device group, risk–coverage).
//!
//! The engine's parallel work runs on a rayon pool of 1 or 2 threads
//! (`ThreadPool::install`); polars decodes on its own pool, whose size is
//! read once per process, so the load's decoding runs on every core unless
//! `SLICEWISE_THREADS` (or `POLARS_MAX_THREADS`) says otherwise.

use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use slicewise::core::calibration::{self, Binning};
use slicewise::core::dataset::Dataset;
use slicewise::core::generate::{Generated, write_file};
use slicewise::core::load::{ColumnSelection, LoadOptions, load};
use slicewise::core::report::{self, ReportOptions, human_summary};
use slicewise::core::slices::{Decision, SliceAnalysis, SliceKey};
use slicewise::core::tags::Annotations;
use slicewise::core::thresholds::ScoreMeaning;

fn rows() -> usize {
    std::env::var("SLICEWISE_BENCH_ROWS")
        .ok()
        .and_then(|r| r.trim().replace('_', "").parse().ok())
        .unwrap_or(10_000_000)
}

/// The generated file of `rows` rows, made once.
fn data(rows: usize) -> Option<PathBuf> {
    let path = std::env::temp_dir().join(format!("slicewise-stages-{rows}.parquet"));
    if !path.exists() {
        eprintln!("generating {rows} rows into {}", path.display());
        if let Err(e) = write_file(&Generated::new(rows, 42, None), &path) {
            eprintln!("cannot write {}: {e}", path.display());
            return None;
        }
    }
    Some(path)
}

fn pool(threads: usize) -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| eprintln!("no pool of {threads} threads: {e}"))
        .ok()
}

fn stages(c: &mut Criterion) {
    slicewise::core::memory::tune();
    slicewise::core::threads::configure(slicewise::core::threads::choose(
        None,
        slicewise::core::threads::available(),
    ));
    let rows = rows();
    let Some(path) = data(rows) else { return };
    let report_columns = LoadOptions {
        columns: ColumnSelection::Named(vec!["device".into(), "gender".into()]),
        ..LoadOptions::default()
    };
    let ds: Dataset = match load(&path, &report_columns) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("cannot load {}: {e}", path.display());
            return;
        }
    };
    let state = Annotations::new(&ds);
    let opts = ReportOptions {
        by: vec![vec!["device".into()], vec!["gender".into()]],
        ..ReportOptions::default()
    };
    let by_device = vec!["device".to_string()];
    let confidence = calibration::top_label_confidence(&ds, ScoreMeaning::Confidence);
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);
    for threads in [1, 2] {
        let Some(pool) = pool(threads) else { return };
        let id = |what: &str| BenchmarkId::new(what, format!("{rows} rows, {threads} threads"));
        group.bench_function(id("load: the report's columns"), |b| {
            b.iter(|| pool.install(|| load(&path, &report_columns)));
        });
        group.bench_function(id("load: every column"), |b| {
            b.iter(|| pool.install(|| load(&path, &LoadOptions::default())));
        });
        group.bench_function(id("compute: the whole report"), |b| {
            b.iter(|| pool.install(|| report::build(&ds, &state, &opts)));
        });
        group.bench_function(id("compute: confusion matrix"), |b| {
            b.iter(|| pool.install(|| slicewise::core::sample::confusion(&ds)));
        });
        group.bench_function(id("compute: human agreement"), |b| {
            b.iter(|| pool.install(|| human_summary(&ds)));
        });
        group.bench_function(id("compute: one slice (device)"), |b| {
            b.iter(|| {
                pool.install(|| {
                    SliceAnalysis::compute_with(&ds, &by_device, None, 30, None, Decision::Model)
                })
            });
        });
        if let Some(conf) = &confidence {
            group.bench_function(id("compute: calibration"), |b| {
                b.iter(|| {
                    pool.install(|| {
                        calibration::calibrate(
                            conf,
                            |i| !ds.is_error(i),
                            |i| ds.unit(i),
                            10,
                            Binning::Uniform,
                            calibration::Basis::TopLabel,
                        )
                    })
                });
            });
            group.bench_function(id("compute: risk-coverage"), |b| {
                b.iter(|| {
                    pool.install(|| {
                        calibration::RiskCoverage::with_class_at(
                            conf,
                            |i| !ds.is_error(i),
                            |i| ds.unit(i),
                            |_| (false, false),
                            &[],
                        )
                    })
                });
            });
            // Each device group's reliability bins, as the report's slices
            // have them.
            let right: Vec<bool> = (0..ds.rows()).map(|i| !ds.is_error(i)).collect();
            let Ok(key) = SliceKey::new(&ds, &by_device) else {
                return;
            };
            group.bench_function(id("compute: calibration per device group"), |b| {
                b.iter(|| {
                    pool.install(|| {
                        calibration::by_group(
                            conf,
                            &right,
                            |i| ds.unit(i),
                            |i| key.cell(i),
                            key.cells(),
                            10,
                            calibration::Basis::TopLabel,
                            |c| c,
                        )
                    })
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
