//! `slicewise label-issues`: likely label errors by confident learning.

// Doc comments here are the `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;

use clap::Args;

use super::{
    ColumnArgs, EXIT_DATA, EXIT_USAGE, Failure, OutputArgs, check_output, open_with_session,
    session_inputs,
};
use crate::core::label_issues::{DatasetError, FilterBy, Options, RankBy, for_dataset};
use crate::core::label_report::LabelIssuesReport;
use crate::core::load::ColumnSelection;

/// Arguments of `label-issues`.
#[derive(Debug, Args)]
pub struct LabelIssuesArgs {
    /// The predictions file, with a probability column per class
    /// (prob_<class>, or --proba-prefix / --proba).
    pub data: PathBuf,
    /// Which examples are flagged: prune_by_noise_rate (cleanlab's default),
    /// prune_by_class, both, confident_learning or predicted_neq_given.
    #[arg(long, value_name = "METHOD", default_value = "prune_by_noise_rate", value_parser = parse_filter)]
    pub filter_by: FilterBy,
    /// The label quality score that ranks them, lowest first:
    /// self_confidence (cleanlab's default) or normalized_margin.
    #[arg(long, value_name = "SCORE", default_value = "self_confidence", value_parser = parse_rank)]
    pub rank_by: RankBy,
    /// A class with this many labelled examples or fewer is not pruned
    /// (cleanlab's min_examples_per_class).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_examples_per_class: usize,
    /// Count them per group of a column; repeat for more; A,B is the
    /// intersection of A and B.
    #[arg(long, value_name = "COL")]
    pub by: Vec<String>,
    /// List every flagged example in text and Markdown (by default the 50
    /// worst; JSON and CSV list all).
    #[arg(long)]
    pub all: bool,
    /// The session whose tags the flagged examples are counted in (default:
    /// <stem>.slicewise.ron beside the data, when it exists).
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
    /// Output format, file and width.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Print the time of each phase to standard error.
    #[arg(long)]
    pub timings: bool,
    /// Column roles and format.
    #[command(flatten)]
    pub columns: ColumnArgs,
}

fn parse_filter(s: &str) -> Result<FilterBy, String> {
    FilterBy::from_name(s).ok_or_else(|| {
        format!(
            "'{s}' is no filter; use one of {}",
            FilterBy::ALL.map(FilterBy::name).join(", ")
        )
    })
}

fn parse_rank(s: &str) -> Result<RankBy, String> {
    RankBy::from_name(s).ok_or_else(|| {
        format!(
            "'{s}' is no score; use one of {}",
            RankBy::ALL.map(RankBy::name).join(", ")
        )
    })
}

pub(super) fn run_label_issues(args: &LabelIssuesArgs) -> Result<(), Failure> {
    let session = session_inputs(&args.data, args.session.as_deref());
    check_output(args.output.out.as_deref(), &[&args.data, &session])?;
    let by = super::compare::slice_specs(&args.by)?;
    // The roles, the probability columns and the --by columns.
    let read = ColumnSelection::Named(by.iter().flatten().cloned().collect());
    let mut t = super::progress::Timings::new(args.timings);
    let (ds, state) = open_with_session(&args.data, &args.columns, args.session.as_deref(), read)?;
    t.lap("load");
    let options = Options {
        filter_by: args.filter_by,
        rank_by: args.rank_by,
        min_examples_per_class: args.min_examples_per_class,
    };
    let found = for_dataset(&ds, options).inspect_err(|_| {
        // What the load noticed may say why (a probability column of text).
        for w in &ds.warnings {
            say!("warning: {w}");
        }
    });
    let found = found.map_err(|e| Failure {
        code: match e {
            DatasetError::Search(_) | DatasetError::Probabilities { .. } => EXIT_DATA,
            DatasetError::Weighted(_) => EXIT_USAGE,
        },
        error: anyhow::anyhow!("{e}: {}", args.data.display()),
    })?;
    t.lap("search");
    let report =
        LabelIssuesReport::new(&ds, Some(&state), std::sync::Arc::new(found), &by, args.all)
            .map_err(|e| Failure {
                code: super::report_error_code(&crate::core::report::ReportError::Slice(e.clone())),
                error: anyhow::anyhow!("{e}: {}", args.data.display()),
            })?;
    t.lap("tables");
    args.output.write(&report)?;
    t.lap("output");
    t.print();
    Ok(())
}
