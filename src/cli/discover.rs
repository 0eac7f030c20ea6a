//! `slicewise discover`: the slices where the model errs most (SliceLine).

// Doc comments here are the `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::{ColumnArgs, EXIT_USAGE, Failure, check_output, open_with_session, session_inputs};
use crate::core::discover::{
    DiscoverOptions, DiscoveryReport, ErrorKind, MinSupport, discover, features,
};

/// Arguments of `discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The predictions file.
    pub data: PathBuf,
    /// The columns to search for slices in, comma-separated or repeated
    /// (default: every slice column).
    #[arg(long = "columns", value_name = "COL,COL")]
    pub search: Vec<String>,
    /// Weight of the error rate against the size, 0 < alpha <= 1.
    #[arg(long, default_value_t = crate::core::discover::DEFAULT_ALPHA)]
    pub alpha: f64,
    /// How many slices to return (ties at the last score are all returned).
    #[arg(long, default_value_t = crate::core::discover::DEFAULT_K as u64, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub k: u64,
    /// The most predicates in a slice.
    #[arg(long, default_value_t = crate::core::discover::DEFAULT_MAX_LEVEL as u64, value_parser = clap::value_parser!(u64).range(1..=10))]
    pub max_level: u64,
    /// Minimum rows in a slice: a count (50) or a share (1% or 0.01).
    #[arg(long, default_value = crate::core::discover::DEFAULT_MIN_SUPPORT, value_parser = MinSupport::parse)]
    pub min_support: MinSupport,
    /// What an error is: misclassified, fn:CLASS, fp:CLASS (one-vs-rest),
    /// human (disagrees with the true label), proba (1 − the true class's probability).
    #[arg(long, default_value = "misclassified", value_name = "KIND")]
    pub errors: String,
    /// The session whose tags the slices are compared with (default:
    /// <stem>.slicewise.ron beside the data, when it exists).
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
    /// Output format, file and width.
    #[command(flatten)]
    pub output: super::OutputArgs,
    /// Column roles and format.
    #[command(flatten)]
    pub columns: ColumnArgs,
}

fn usage(message: impl std::fmt::Display) -> Failure {
    Failure {
        code: EXIT_USAGE,
        error: anyhow::anyhow!("{message}"),
    }
}

pub(super) fn run_discover(args: &DiscoverArgs) -> Result<(), Failure> {
    if !(args.alpha > 0.0 && args.alpha <= 1.0) {
        return Err(usage(format!(
            "--alpha {} is outside (0, 1]: 0.98 weighs the error rate far above the size",
            args.alpha
        )));
    }
    let session = session_inputs(&args.data, args.session.as_deref());
    check_output(args.output.out.as_deref(), &[&args.data, &session])?;
    let specs = super::compare::slice_specs(&args.search)?;
    let (ds, state) = open_with_session(
        &args.data,
        &args.columns,
        args.session.as_deref(),
        super::needs(&specs),
    )?;
    let names: Vec<String> = specs.into_iter().flatten().collect();
    // Weighted rows are a property of the data (exit 3), a misspelt column
    // one of the arguments (exit 2).
    let (feats, warnings) = features(&ds, &names).map_err(|e| match e {
        crate::core::discover::DiscoverError::Weighted(_) => Failure {
            code: super::EXIT_DATA,
            error: e.into(),
        },
        other => usage(other),
    })?;
    for w in &warnings {
        say!("warning: {w}");
    }
    let kind = ErrorKind::parse(&args.errors, &ds).map_err(usage)?;
    let errors = kind.errors(&ds);
    let opts = DiscoverOptions {
        alpha: args.alpha,
        k: usize::try_from(args.k).unwrap_or(usize::MAX),
        max_level: usize::try_from(args.max_level).unwrap_or(usize::MAX),
        min_support: args.min_support,
    };
    let started = Instant::now();
    let level = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let progress = super::Progress::count("searching", "levels", level.clone(), args.max_level);
    let found = discover(
        &feats,
        &errors,
        ds.rows(),
        &opts,
        &|l| level.store(l as u64, std::sync::atomic::Ordering::Relaxed),
        None,
    );
    drop(progress);
    let found = found.map_err(|e| {
        let code = match e {
            crate::core::discover::DiscoverError::NoColumns
            | crate::core::discover::DiscoverError::TooManyValues { .. }
            | crate::core::discover::DiscoverError::TooManyCandidates { .. } => super::EXIT_DATA,
            _ => EXIT_USAGE,
        };
        Failure {
            code,
            error: anyhow::anyhow!("{e}"),
        }
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let mut report = DiscoveryReport::new(&ds, Some(&state), &feats, &errors, &found);
    report.parameters = serde_json::json!({
        "alpha": args.alpha,
        "k": args.k,
        "max_level": args.max_level,
        "min_support": args.min_support.rows(ds.rows()),
        "errors": args.errors,
    });
    report.seconds = seconds;
    args.output.write(&report)
}

/// The discovered slices as a section of `report --discover`: SliceLine
/// over every slice column with `discover`'s defaults, misclassified rows
/// as the errors; its JSON under `discovered`.
pub(super) fn section_for_report(
    ds: &crate::core::dataset::Dataset,
    state: &crate::core::tags::Annotations,
) -> Result<crate::core::render::Section, Failure> {
    use crate::core::discover::{DEFAULT_ALPHA, DEFAULT_K, DEFAULT_MAX_LEVEL, DEFAULT_MIN_SUPPORT};
    let (feats, _) = features(ds, &[]).map_err(|e| Failure {
        code: super::EXIT_DATA,
        error: anyhow::anyhow!("--discover: {e}"),
    })?;
    let kind = ErrorKind::parse("misclassified", ds).map_err(usage)?;
    let errors = kind.errors(ds);
    let min_support = MinSupport::parse(DEFAULT_MIN_SUPPORT).map_err(usage)?;
    let opts = DiscoverOptions {
        alpha: DEFAULT_ALPHA,
        k: DEFAULT_K,
        max_level: DEFAULT_MAX_LEVEL,
        min_support,
    };
    let found =
        discover(&feats, &errors, ds.rows(), &opts, &|_| {}, None).map_err(|e| Failure {
            code: super::EXIT_DATA,
            error: anyhow::anyhow!("--discover: {e}"),
        })?;
    let mut report = DiscoveryReport::new(ds, Some(state), &feats, &errors, &found);
    report.parameters = serde_json::json!({
        "alpha": DEFAULT_ALPHA,
        "k": DEFAULT_K,
        "max_level": DEFAULT_MAX_LEVEL,
        "min_support": min_support.rows(ds.rows()),
        "errors": "misclassified",
    });
    let mut doc = report.document();
    let mut head = vec![crate::core::render::Block::Heading(
        "Slices where the model errs most (SliceLine over every slice column)".to_string(),
    )];
    let shown = report.shown();
    if !shown.is_empty() {
        use crate::core::render::chart::{Bar, Chart, Unit};
        head.push(crate::core::render::Block::Chart(Chart::Bars {
            title: "Error rate of each slice found (95% intervals)".into(),
            unit: Unit::Percent,
            bars: shown
                .iter()
                .map(|&i| {
                    let s = &report.slices[i];
                    Bar {
                        name: s.description.clone(),
                        value: Some(s.error_rate),
                        ci: s.ci.map(|c| (c.lo, c.hi)),
                        flag: None,
                        note: Some(format!("{} rows", crate::core::render::count(s.size))),
                    }
                })
                .collect(),
            reference: Some(("all rows".to_string(), report.average_error)),
        }));
    }
    head.append(&mut doc.blocks);
    doc.blocks = head;
    Ok(crate::core::render::Section {
        blocks: doc.blocks,
        key: "discovered",
        json: report.to_json(),
        csv: report.tidy_csv(),
    })
}
