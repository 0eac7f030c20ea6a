//! `slicewise compare`: two runs of a model on the same examples.

// Doc comments here are the `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{
    ColumnArgs, EXIT_USAGE, Failure, check_output, data_err, open_with_session, session_inputs,
};
use crate::core::open;

/// Arguments of `compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first run's predictions.
    pub before: PathBuf,
    /// The second run's predictions on the same examples (joined by id).
    /// Without it, the second run is another prediction column of the first
    /// file, named with --pred-after.
    pub after: Option<PathBuf>,
    /// The second run's true-label column, when its name differs.
    #[arg(long, value_name = "COL")]
    pub label_after: Option<String>,
    /// The second run's prediction column, when its name differs (or the
    /// second model's column in the same file).
    #[arg(long, value_name = "COL")]
    pub pred_after: Option<String>,
    /// The second run's id column, when its name differs.
    #[arg(long, value_name = "COL")]
    pub id_after: Option<String>,
    /// Slice by a column of the first run; repeat for more; A,B slices by the intersection.
    #[arg(long, value_name = "COL")]
    pub by: Vec<String>,
    /// The first run's session, whose tags are compared (default:
    /// <before stem>.slicewise.ron beside it, when it exists).
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
    /// Which run's true labels judge a relabelled example.
    #[arg(long, value_enum, default_value = "after")]
    pub labels: LabelsArg,
    /// Positive class: also compare TPR and FPR overall and per group
    /// (default: detected for two classes such as yes/no, as in report).
    #[arg(long, value_name = "CLASS")]
    pub positive: Option<String>,
    /// Significance level for regressions (Holm-adjusted p below it).
    #[arg(long, value_name = "LEVEL", default_value_t = 0.05, value_parser = parse_significance)]
    pub significance: f64,
    /// Exit 4 when a slice group or tag regressed significantly (a gate for CI).
    #[arg(long)]
    pub fail_on_regression: bool,
    /// Output format, file and width.
    #[command(flatten)]
    pub output: super::OutputArgs,
    /// Column roles and format (the same for both runs).
    #[command(flatten)]
    pub columns: ColumnArgs,
}

/// `compare --labels`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LabelsArg {
    /// The first run's labels.
    Before,
    /// The second run's labels.
    After,
}

fn parse_significance(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(a) if a > 0.0 && a < 1.0 => Ok(a),
        _ => Err(format!(
            "'{s}' is not a significance level: give a number between 0 and 1, e.g. 0.05"
        )),
    }
}

/// One `--by` value as its columns: `A,B` is the intersection of A and B.
/// The slices `--by` names: one per flag, `A,B` the intersection of A and
/// B; a column whose name holds a comma is written in backticks (`` `a,b` ``).
pub(super) fn slice_specs(by: &[String]) -> Result<Vec<Vec<String>>, Failure> {
    by.iter()
        .map(|b| {
            crate::core::rules::split_columns(b).map_err(|e| Failure {
                code: EXIT_USAGE,
                error: anyhow::anyhow!("--by {e}"),
            })
        })
        .collect()
}

/// Exit code of `compare --fail-on-regression` when a group regressed.
pub const EXIT_REGRESSION: u8 = 4;

pub(super) fn run_compare(args: &CompareArgs) -> Result<(), Failure> {
    use crate::core::compare::{CompareReport, LabelsFrom, after_options};
    let after_path = match (&args.after, &args.pred_after) {
        (Some(p), _) => p.clone(),
        (None, Some(_)) => args.before.clone(),
        (None, None) => {
            return Err(Failure {
                code: EXIT_USAGE,
                error: anyhow::anyhow!(
                    "compare needs a second run: give its file (compare BEFORE AFTER), or the second model's prediction column in the same file with --pred-after COL"
                ),
            });
        }
    };
    let session = session_inputs(&args.before, args.session.as_deref());
    check_output(
        args.output.out.as_deref(),
        &[&args.before, &after_path, &session],
    )?;
    // The first run with its session (tags); the second run alone.
    let (before, state) = open_with_session(
        &args.before,
        &args.columns,
        args.session.as_deref(),
        super::needs(&slice_specs(&args.by)?),
    )?;
    // The second run needs its labels, predictions and ids only.
    let mut opts = after_options(
        &args.columns.load_options(),
        args.label_after.clone(),
        args.pred_after.clone(),
        args.id_after.clone(),
    );
    let progress = super::Progress::load(&after_path, &mut opts);
    let after = open::open(&after_path, &opts, None);
    drop(progress);
    let after = after.map(|o| o.ds).map_err(data_err)?;
    let by: Vec<Vec<String>> = slice_specs(&args.by)?;
    let labels = match args.labels {
        LabelsArg::Before => LabelsFrom::Before,
        LabelsArg::After => LabelsFrom::After,
    };
    let positive = crate::core::report::resolve_positive(&before, args.positive.as_deref())
        .map_err(|e| Failure {
            code: super::report_error_code(&e),
            error: e.into(),
        })?
        .map(|(code, _)| code);
    let mut report = CompareReport::build(
        &before,
        Some(&state),
        &after,
        labels,
        &by,
        args.significance,
        positive,
    )
    .map_err(|e| data_err(anyhow::anyhow!("{e}")))?;
    if args.after.is_none() {
        // One file, two prediction columns: name the columns.
        report.before = format!("{} ({})", report.before, before.roles.pred);
        report.after = format!("{} ({})", report.after, after.roles.pred);
    }
    if report.by_position {
        say!("warning: no id column, so the runs' rows are paired by position");
    }
    args.output.write(&report)?;
    let regressions = report.regressions();
    if args.fail_on_regression && !regressions.is_empty() {
        return Err(Failure {
            code: EXIT_REGRESSION,
            error: anyhow::anyhow!(
                "{} slice group(s) or tag(s) regressed significantly (Holm-adjusted p < {}): {}",
                regressions.len(),
                args.significance,
                regressions.join("; ")
            ),
        });
    }
    Ok(())
}

/// The comparison of `report --compare AFTER`: the second run loaded as
/// `compare` loads it (labels, predictions and ids), compared on the
/// report's slices, the first run's labels, at the 0.05 level.
pub(super) fn comparison_for_report(
    before: &crate::core::dataset::Dataset,
    state: &crate::core::tags::Annotations,
    after_path: &std::path::Path,
    columns: &super::ColumnArgs,
    by: &[Vec<String>],
    positive: Option<&str>,
) -> Result<crate::core::compare::CompareReport, Failure> {
    use crate::core::compare::{CompareReport, LabelsFrom, after_options};
    let mut opts = after_options(&columns.load_options(), None, None, None);
    let progress = super::Progress::load(after_path, &mut opts);
    let after = open::open(after_path, &opts, None);
    drop(progress);
    let after = after.map(|o| o.ds).map_err(data_err)?;
    let positive = crate::core::report::resolve_positive(before, positive)
        .map_err(|e| Failure {
            code: super::report_error_code(&e),
            error: e.into(),
        })?
        .map(|(code, _)| code);
    CompareReport::build(
        before,
        Some(state),
        &after,
        LabelsFrom::Before,
        by,
        0.05,
        positive,
    )
    .map_err(|e| data_err(anyhow::anyhow!("{e}: {}", after_path.display())))
}
