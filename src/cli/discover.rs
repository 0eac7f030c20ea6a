//! `slicewise discover`: the slices where the model errs most (SliceLine).

// Doc comments here are the `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::{ColumnArgs, EXIT_USAGE, Failure, check_output, open_with_session, session_inputs};
use crate::core::dataset::Dataset;
use crate::core::discover::{
    DiscoverOptions, DiscoveryReport, ErrorKind, Feature, MinSupport, discover, features,
};
use crate::core::tags::Annotations;

/// The search's settings, shared by `discover` and `explain`.
#[derive(Debug, Args)]
pub struct SearchArgs {
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
    /// The session whose tags the slices are compared with (default:
    /// <stem>.slicewise.ron beside the data, when it exists).
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
}

impl SearchArgs {
    /// The search options, after checking alpha.
    pub(super) fn options(&self) -> Result<DiscoverOptions, Failure> {
        if !(self.alpha > 0.0 && self.alpha <= 1.0) {
            return Err(usage(format!(
                "--alpha {} is outside (0, 1]: 0.98 weighs the error rate far above the size",
                self.alpha
            )));
        }
        Ok(DiscoverOptions {
            alpha: self.alpha,
            k: usize::try_from(self.k).unwrap_or(usize::MAX),
            max_level: usize::try_from(self.max_level).unwrap_or(usize::MAX),
            min_support: self.min_support,
        })
    }

    /// Opens the data with its session (reading only the searched columns
    /// when named) and the features to search; warnings go to standard
    /// error.
    pub(super) fn open(
        &self,
        data: &std::path::Path,
        columns: &ColumnArgs,
    ) -> Result<(Dataset, Annotations, Vec<Feature>), Failure> {
        let specs = super::compare::slice_specs(&self.search)?;
        let (ds, state) =
            open_with_session(data, columns, self.session.as_deref(), super::needs(&specs))?;
        let names: Vec<String> = specs.into_iter().flatten().collect();
        // Weighted rows are a property of the data (exit 3), a misspelt
        // column one of the arguments (exit 2).
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
        Ok((ds, state, feats))
    }

    /// The parameters as the JSON reports them.
    pub(super) fn parameters(&self, rows: usize, errors: &str) -> serde_json::Value {
        serde_json::json!({
            "alpha": self.alpha,
            "k": self.k,
            "max_level": self.max_level,
            "min_support": self.min_support.rows(rows),
            "errors": errors,
        })
    }
}

/// A failed search: data problems exit 3, the rest are usage.
#[allow(clippy::needless_pass_by_value)] // used as `map_err(search_failure)`
pub(super) fn search_failure(e: crate::core::discover::DiscoverError) -> Failure {
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
}

/// Arguments of `discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The predictions file.
    pub data: PathBuf,
    /// The search.
    #[command(flatten)]
    pub search: SearchArgs,
    /// What an error is: misclassified, fn:CLASS, fp:CLASS (one-vs-rest),
    /// human (disagrees with the true label), proba (1 − the true class's probability).
    #[arg(long, default_value = "misclassified", value_name = "KIND")]
    pub errors: String,
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
    let opts = args.search.options()?;
    let session = session_inputs(&args.data, args.search.session.as_deref());
    check_output(args.output.out.as_deref(), &[&args.data, &session])?;
    let (ds, state, feats) = args.search.open(&args.data, &args.columns)?;
    let kind = ErrorKind::parse(&args.errors, &ds).map_err(usage)?;
    let errors = kind.errors(&ds);
    let started = Instant::now();
    let level = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let progress =
        super::Progress::count("searching", "levels", level.clone(), args.search.max_level);
    let found = discover(
        &feats,
        &errors,
        ds.rows(),
        &opts,
        &|l| level.store(l as u64, std::sync::atomic::Ordering::Relaxed),
        None,
    );
    drop(progress);
    let found = found.map_err(search_failure)?;
    let seconds = started.elapsed().as_secs_f64();
    let mut report = DiscoveryReport::new(&ds, Some(&state), &feats, &errors, &found);
    report.parameters = args.search.parameters(ds.rows(), &args.errors);
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
