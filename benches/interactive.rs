//! The interactive paths of the desktop app, timed on generated data (not a
//! test: `cargo bench --bench interactive`). Rows from `SLICEWISE_BENCH_ROWS`
//! (default 10,000,000); the generated Parquet file is kept in the system's
//! temporary folder and reused.
//!
//! - one tag toggle on one example, then the whole prioritisation table
//!   computed again (what the Tags panel and the Prioritise view show);
//! - a Review filter change (errors of one device, then another);
//! - the full report computation on loaded data (`report --by device --by gender`).
//!
//! Each is run several times; the median and the range are printed.

use std::time::{Duration, Instant};

use slicewise::core::filter::{ReviewFilter, Scope};
use slicewise::core::generate::{course_session, generate, write_file};
use slicewise::core::load::{LoadOptions, load};
use slicewise::core::priority::prioritise;
use slicewise::core::report::{self, ReportOptions};
use slicewise::core::tags::{Edit, ReviewState};

fn time<T>(what: &str, runs: usize, mut f: impl FnMut(usize) -> T) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|i| {
            let started = Instant::now();
            std::hint::black_box(f(i));
            started.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: median {:.3} ms (min {:.3}, max {:.3}; {runs} runs)",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1])
    );
}

fn main() {
    let rows: usize = std::env::var("SLICEWISE_BENCH_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10_000_000);
    let path = std::env::temp_dir().join(format!("slicewise-bench-{rows}.parquet"));
    if !path.exists() {
        eprintln!("generating {rows} rows into {}", path.display());
        if let Err(e) = write_file(&generate(rows, 42), &path) {
            eprintln!("cannot write {}: {e}", path.display());
            return;
        }
    }
    let started = Instant::now();
    let ds = match load(&path, &LoadOptions::default()) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("cannot load {}: {e}", path.display());
            return;
        }
    };
    println!(
        "{rows} rows loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let (mut state, _) = ReviewState::from_session(&ds, &course_session());
    let Some(tag) = state.tag_by_name("mumbling").map(|t| t.id) else {
        eprintln!("the course session has no 'mumbling' tag");
        return;
    };
    let errors: Vec<u32> = (0..ds.rows())
        .filter(|&r| ds.is_error(r))
        .take(1000)
        .filter_map(|r| u32::try_from(r).ok())
        .collect();
    time("tag toggle + prioritisation table", 200, |i| {
        let row = errors[i % errors.len()];
        let _ = state.edit(
            &ds,
            Edit::SetTag {
                tag,
                on: i % 2 == 0,
                rows: vec![row],
            },
        );
        prioritise(&ds, &state)
    });
    let devices = ["phone", "laptop", "car_kit", "smart_speaker"];
    time("Review filter change (errors of one device)", 9, |i| {
        ReviewFilter {
            scope: Scope::Errors,
            slices: vec![("device".into(), devices[i % devices.len()].into())],
            ..ReviewFilter::default()
        }
        .apply(&ds, &state)
    });
    let opts = ReportOptions {
        by: vec![vec!["device".into()], vec!["gender".into()]],
        ..ReportOptions::default()
    };
    time("full report (--by device --by gender)", 5, |_| {
        report::build(&ds, &state, &opts)
    });
}
