//! `slicewise export`: the prioritisation table, or the shown examples with
//! every column, tags and notes.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::progress::Timings;
use crate::core::load::ColumnSelection;

use super::{
    ColumnArgs, EXIT_DATA, EXIT_USAGE, Failure, check_output, data_err, open_with_session,
    output_err, session_inputs, write_output,
};
use crate::core::export::{self, ExportFormat};
use crate::core::render;
use crate::core::report::{self, ReportOptions};

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The predictions file.
    pub data: PathBuf,
    /// Session file (default: <data stem>.slicewise.ron beside the data).
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
    /// Output file: the prioritisation table as .csv, .md or .html; with
    /// --examples, the examples as .csv or .parquet.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Write examples instead of the table: every column of the data file
    /// plus `tags` and `note`, for the rows --show, --filter and --tag
    /// select (all that are given).
    #[arg(long)]
    pub examples: bool,
    /// With --examples: which rows, as Review's Show (default: errors).
    #[arg(long, value_enum, default_value = "errors", requires = "examples")]
    pub show: ShowArg,
    /// With --examples: only rows this rule matches, e.g. 'noise == "car" and snr < 10'.
    #[arg(long, value_name = "RULE", requires = "examples")]
    pub filter: Option<String>,
    /// With --examples: only rows carrying this tag (rule or manual, from the session).
    #[arg(long, value_name = "NAME", requires = "examples")]
    pub tag: Option<String>,
    /// Column roles and format.
    #[command(flatten)]
    pub columns: ColumnArgs,
    /// Print the time of each phase to standard error.
    #[arg(long)]
    pub timings: bool,
}

/// Which rows `export --examples` starts from (Review's Show).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowArg {
    /// Misclassified rows.
    Errors,
    /// Correctly classified rows.
    Correct,
    /// Every row.
    All,
    /// Rows whose human label differs from the true label.
    HumanDisagrees,
    /// Likely label errors (confident learning, as label-issues), worst first.
    LabelIssues,
}

pub(super) fn run_export(args: &ExportArgs) -> Result<(), Failure> {
    if args.examples {
        return run_export_examples(args);
    }
    let format = ExportFormat::from_path(&args.out).map_err(|e| Failure {
        code: EXIT_USAGE,
        error: e.into(),
    })?;
    let session = session_inputs(&args.data, args.session.as_deref());
    check_output(Some(&args.out), &[&args.data, &session])?;
    let mut t = Timings::new(args.timings);
    // The table needs the roles and the columns the rule tags name.
    let (ds, state) = open_with_session(
        &args.data,
        &args.columns,
        args.session.as_deref(),
        ColumnSelection::Named(Vec::new()),
    )?;
    t.lap("load");
    t.detail(&ds.load_phases);
    let report = report::build(&ds, &state, &ReportOptions::default()).map_err(data_err)?;
    t.lap("compute");
    let text = export::table_text(&report.tags, &report.context, format);
    write_output(Some(&args.out), &text)?;
    t.lap("output");
    t.print();
    if report.tags.is_empty() {
        say!(
            "note: the session has no tags yet, so the table is empty ({})",
            args.out.display()
        );
    }
    Ok(())
}

/// `export --examples`: the selected rows with all their columns, tags and note.
fn run_export_examples(args: &ExportArgs) -> Result<(), Failure> {
    use crate::core::examples::{ExamplesFormat, examples_frame, write_examples};
    use crate::core::filter::{ReviewFilter, Scope};
    if ExamplesFormat::from_path(&args.out).is_none() {
        return Err(Failure {
            code: EXIT_USAGE,
            error: anyhow::anyhow!(
                "Cannot tell the format to write the examples in from '{}': name the file .csv or .parquet",
                args.out.display()
            ),
        });
    }
    let session = session_inputs(&args.data, args.session.as_deref());
    check_output(Some(&args.out), &[&args.data, &session])?;
    let mut t = Timings::new(args.timings);
    // The examples' columns are read from the file as written; the dataset
    // needs the roles and the columns the filter and rule tags name.
    let filter_columns = args
        .filter
        .as_deref()
        .map(crate::core::rules::columns)
        .unwrap_or_default();
    let (ds, state) = open_with_session(
        &args.data,
        &args.columns,
        args.session.as_deref(),
        ColumnSelection::Named(filter_columns),
    )?;
    t.lap("load");
    let scope = match args.show {
        ShowArg::Errors => Scope::Errors,
        ShowArg::Correct => Scope::Correct,
        ShowArg::All => Scope::All,
        ShowArg::HumanDisagrees => Scope::HumanDisagrees,
        ShowArg::LabelIssues => Scope::LabelIssues,
    };
    let shown = ReviewFilter {
        scope,
        ..ReviewFilter::default()
    }
    .apply(&ds, &state);
    let mut keep = crate::core::dataset::Bitmap::new(ds.rows());
    for r in shown {
        keep.set(r as usize, true);
    }
    if let Some(rule) = &args.filter {
        let matched = crate::core::rules::evaluate(&ds, rule).map_err(|e| Failure {
            code: EXIT_USAGE,
            error: anyhow::anyhow!("--filter: {e}"),
        })?;
        for r in 0..ds.rows() {
            if keep.get(r) && !matched.get(r) {
                keep.set(r, false);
            }
        }
    }
    if let Some(name) = &args.tag {
        let tag = state.tag_by_name(name).ok_or_else(|| {
            let names: Vec<&str> = state.tags().iter().map(|t| t.def.name.as_str()).collect();
            Failure {
                code: EXIT_DATA,
                error: anyhow::anyhow!(
                    "--tag names '{name}', which is not a tag of the session.{} Tags: {}",
                    crate::core::suggest::did_you_mean(name, names.iter().copied()),
                    if names.is_empty() {
                        "(none)".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            }
        })?;
        for r in 0..ds.rows() {
            if keep.get(r) && !tag.members.get(r) {
                keep.set(r, false);
            }
        }
    }
    let rows: Vec<u32> = keep.ones().filter_map(|r| u32::try_from(r).ok()).collect();
    let mut df = examples_frame(&args.data, args.columns.input_format, &ds, &state, &rows)
        .map_err(data_err)?;
    t.lap("select");
    write_examples(&mut df, &args.out).map_err(output_err)?;
    t.lap("output");
    t.print();
    say!(
        "wrote {} example(s) to {}",
        render::count(rows.len() as u64),
        args.out.display()
    );
    Ok(())
}
