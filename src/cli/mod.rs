//! The command line: parses arguments, calls the engine, prints. Exit codes:
//! 0 ok, 1 output could not be written, 2 bad arguments, 3 bad input data or
//! session.

// Doc comments here are the `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::core::dataset::Dataset;
use crate::core::files;
use crate::core::load::{self, InputFormat, LoadOptions, RoleChoice};
use crate::core::open;
use crate::core::priority::SortKey;
use crate::core::render;
use crate::core::report::{self, ReportOptions};
use crate::core::session::WatchPair;
use crate::core::slices::DEFAULT_MIN_SUPPORT;
use crate::core::tags::Annotations;
use crate::core::thresholds::ScoreMeaning;

/// `eprintln!`, wrapped to the terminal's width ([`say`]).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::say(&format!($($arg)*))
    };
}

mod compare;
mod cube;
mod discover;
mod export_cmd;
mod generate_cmd;
mod label_issues_cmd;
mod map_cmd;
mod progress;
pub use compare::{CompareArgs, EXIT_REGRESSION, LabelsArg};
use compare::{run_compare, slice_specs};
pub use cube::CubeArgs;
use cube::run_cube;
pub use discover::DiscoverArgs;
use discover::run_discover;
use export_cmd::run_export;
pub use export_cmd::{ExportArgs, ShowArg};
pub use generate_cmd::GenerateArgs;
use generate_cmd::run_generate;
pub use label_issues_cmd::LabelIssuesArgs;
use label_issues_cmd::run_label_issues;
use progress::Progress;
use progress::Timings;

/// Exit code for bad input data or session.
pub const EXIT_DATA: u8 = 3;
/// Exit code for bad arguments (clap's own).
pub const EXIT_USAGE: u8 = 2;
/// Exit code for output that could not be written.
pub const EXIT_OUTPUT: u8 = 1;

/// Error analysis and slice audit for classifier predictions.
#[derive(Debug, Parser)]
#[command(
    name = "slicewise",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; without one, the desktop app opens (on FILE, or the bundled sample).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A predictions file to open in the desktop app.
    pub file: Option<PathBuf>,
    /// Threads to work on (default: $SLICEWISE_THREADS, else every core; the
    /// desktop app keeps one core for drawing). Results are the same for any
    /// number.
    #[arg(long, global = true, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the desktop app (on FILE, or the bundled sample).
    Open {
        /// The predictions file.
        file: Option<PathBuf>,
        /// A second run of the model on the same examples to compare with
        /// (the Compare view).
        #[arg(long, value_name = "FILE")]
        compare: Option<PathBuf>,
        /// Column roles and format.
        #[command(flatten)]
        columns: ColumnArgs,
    },
    /// Print the prioritisation table, overall, per-class and per-slice metrics.
    Report(ReportArgs),
    /// Write the prioritisation table as CSV, Markdown or HTML.
    Export(ExportArgs),
    /// Compare two runs of a model on the same examples: the paired change
    /// overall, per true class and per slice group.
    Compare(CompareArgs),
    /// Find the slices (column = value combinations) where the model errs
    /// most: SliceLine, exact; each slice with its error rate, the lift if it
    /// erred no more than average, and the tags it overlaps.
    Discover(DiscoverArgs),
    /// Find the examples whose label is likely wrong (confident learning, as
    /// cleanlab computes it), from per-class probabilities: per class, per
    /// slice group and per tag, the examples worst first.
    LabelIssues(LabelIssuesArgs),
    /// Each row's place on a map of the dataset: coordinate columns as they
    /// are, or an embedding (emb_0 … emb_k, or a list column) by PCA, exact,
    /// on every row; written as id, x, y (Parquet or CSV) for other tools.
    Map(map_cmd::MapArgs),
    /// The slices that describe a set of rows (ids in a file): SliceLine
    /// with "selected" as the error over the slice columns and (up to 50
    /// classes) the true and predicted class, each slice with its precision
    /// and coverage of the selection.
    Explain(map_cmd::ExplainArgs),
    /// Write deterministic synthetic predictions for trying Slicewise at scale.
    Generate(GenerateArgs),
    /// A count cube for tables too large for one machine: print the GROUP BY
    /// query for Spark, DuckDB, Postgres or BigQuery (--sql), or build it from
    /// a file (DATA --out cube.parquet); or print a query that draws a review
    /// sample with its sampling weights (--sample-sql N).
    Cube(CubeArgs),
}

/// How to read the data file.
#[derive(Debug, Clone, Args)]
pub struct ColumnArgs {
    /// True-label column (default: detected by name: label, y_true, target, ...).
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,
    /// Prediction column (default: pred, prediction, y_pred, ...).
    #[arg(long, value_name = "COL")]
    pub pred: Option<String>,
    /// Score column (default: score, prob, probability, confidence).
    #[arg(long, value_name = "COL")]
    pub score: Option<String>,
    /// Id column that keys tags (default: id, example_id, uid). An empty value uses row numbers.
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Human-label column, for human-level performance (default: human, human_label, annotator).
    #[arg(long, value_name = "COL")]
    pub human: Option<String>,
    /// Image-path column shown by the desktop app.
    #[arg(long, value_name = "COL")]
    pub image: Option<String>,
    /// Text column shown by the desktop app.
    #[arg(long, value_name = "COL")]
    pub text: Option<String>,
    /// Weight column: how many examples a row stands for, as scikit-learn's
    /// sample_weight or a count cube's counts (default: weight, weights,
    /// sample_weight, count, n, freq). An empty value reads no weights.
    #[arg(long, value_name = "COL")]
    pub weight: Option<String>,
    /// Input format (default: from the extension).
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub input_format: Option<InputFormat>,
    /// Quantile bins for numeric slice columns with many values.
    #[arg(long, value_name = "N", default_value_t = load::DEFAULT_BINS, value_parser = parse_bins)]
    pub bins: usize,
    /// Per-class probability columns are named PREFIX<class> (default: detected
    /// from prob_, p_, proba_, score_ prefixes or a _prob suffix).
    #[arg(long, value_name = "PREFIX")]
    pub proba_prefix: Option<String>,
    /// A probability column and its class, COL=CLASS (repeatable; replaces detection).
    #[arg(long, value_name = "COL=CLASS", value_parser = parse_proba)]
    pub proba: Vec<(String, String)>,
    /// Annotators' label columns are named PREFIX<annotator> (default:
    /// annotator_). An empty value reads no annotator columns.
    #[arg(long, value_name = "PREFIX")]
    pub annotator_prefix: Option<String>,
    /// Vote count columns are named PREFIX<class> (default: votes_). An
    /// empty value reads no vote columns.
    #[arg(long, value_name = "PREFIX")]
    pub votes_prefix: Option<String>,
}

/// Most threads `--threads` asks for.
pub const MAX_THREADS: usize = 1024;
/// Most quantile bins for a numeric slice column.
pub const MAX_BINS: usize = 1000;
/// Most bootstrap replicates.
pub const MAX_REPLICATES: usize = 100_000;
/// Most rows `generate` writes (it holds them in memory).
pub const MAX_GENERATED_ROWS: usize = 200_000_000;

fn parse_count(s: &str, what: &str, min: usize, max: usize) -> Result<usize, String> {
    let n = s
        .trim()
        .parse::<u128>()
        .map_err(|_| format!("'{s}' is not a whole number; give {what} from {min} to {max}"))?;
    usize::try_from(n)
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("{n} is out of range; give {what} from {min} to {max}"))
}

fn parse_threads(s: &str) -> Result<usize, String> {
    parse_count(s, "thread count", 1, MAX_THREADS)
}

fn parse_bins(s: &str) -> Result<usize, String> {
    parse_count(s, "a number of bins", 2, MAX_BINS)
}

fn parse_replicates(s: &str) -> Result<usize, String> {
    parse_count(s, "a number of resamples (0 for none)", 0, MAX_REPLICATES)
}

fn parse_threshold(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|t| t.is_finite())
        .ok_or_else(|| format!("'{s}' is not a threshold; give a finite number such as 0.5"))
}

fn parse_rows(s: &str) -> Result<usize, String> {
    parse_count(s, "a number of rows", 1, MAX_GENERATED_ROWS)
}

fn parse_proba(s: &str) -> Result<(String, String), String> {
    match s.rsplit_once('=') {
        Some((col, class)) if !col.trim().is_empty() && !class.trim().is_empty() => {
            Ok((col.trim().to_string(), class.trim().to_string()))
        }
        _ => Err(format!("'{s}': write COL=CLASS, e.g. prob_cat=cat")),
    }
}

fn parse_format(s: &str) -> Result<InputFormat, String> {
    s.parse()
}

/// The same as no flags on the command line (bins: the default quantile
/// bins, as clap fills in; a derived default would give 0 bins, which put
/// every numeric column into one bin in the app).
impl Default for ColumnArgs {
    fn default() -> Self {
        Self {
            label: None,
            pred: None,
            score: None,
            id: None,
            human: None,
            image: None,
            text: None,
            weight: None,
            input_format: None,
            bins: load::DEFAULT_BINS,
            proba_prefix: None,
            proba: Vec::new(),
            annotator_prefix: None,
            votes_prefix: None,
        }
    }
}

impl ColumnArgs {
    /// The engine's load options.
    #[must_use]
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            format: self.input_format,
            label: RoleChoice::flag(self.label.as_deref()),
            pred: RoleChoice::flag(self.pred.as_deref()),
            score: RoleChoice::flag(self.score.as_deref()),
            id: RoleChoice::flag(self.id.as_deref()),
            human: RoleChoice::flag(self.human.as_deref()),
            image: RoleChoice::flag(self.image.as_deref()),
            text: RoleChoice::flag(self.text.as_deref()),
            weight: RoleChoice::flag(self.weight.as_deref()),
            not_slices: None,
            annotator_prefix: self.annotator_prefix.clone(),
            votes_prefix: self.votes_prefix.clone(),
            bins: Some(self.bins),
            proba_prefix: self.proba_prefix.clone(),
            proba: self.proba.clone(),
            columns: load::ColumnSelection::All,
            batch_rows: None,
            block_bytes: None,
            controls: load::LoadControls::default(),
        }
    }
}

/// The formats of `report`, `compare` and `discover`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned tables for a terminal.
    Text,
    /// The JSON contract (see README).
    Json,
    /// One tidy CSV: section,key,group,metric,value,ci_low,ci_high.
    Csv,
    /// Markdown.
    #[value(alias = "markdown")]
    Md,
    /// One self-contained HTML page.
    Html,
}

/// Where and how a report is written: the output options every reporting
/// command shares, resolved in one place.
#[derive(Debug, Clone, Args, Default)]
pub struct OutputArgs {
    /// Output format (default: from --out's extension, else text).
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Fit text tables into this many columns (0: never leave columns out).
    /// Default: $COLUMNS, else the terminal's width; no limit into a file or pipe.
    #[arg(long, value_name = "N")]
    pub width: Option<usize>,
}

impl OutputArgs {
    /// The format to write: the flag, else what --out's extension says
    /// (render::Format::from_path, the one place it is read), else text.
    #[must_use]
    pub fn format(&self) -> render::Format {
        match self.format {
            Some(OutputFormat::Text) => render::Format::Text,
            Some(OutputFormat::Json) => render::Format::Json,
            Some(OutputFormat::Csv) => render::Format::Csv,
            Some(OutputFormat::Md) => render::Format::Markdown,
            Some(OutputFormat::Html) => render::Format::Html,
            None => self
                .out
                .as_deref()
                .and_then(render::Format::from_path)
                .unwrap_or(render::Format::Text),
        }
    }

    /// The width text tables fit ([`text_width`]).
    #[must_use]
    pub fn width(&self) -> Option<usize> {
        text_width(self.width, self.out.as_deref())
    }

    /// Writes `report` in the chosen format to --out (replaced atomically)
    /// or standard output, as it is made.
    ///
    /// # Errors
    /// A [`Failure`] when the output cannot be written.
    pub fn write(&self, report: &dyn render::Printable) -> Result<(), Failure> {
        let (format, width) = (self.format(), self.width());
        stream_output(self.out.as_deref(), &mut |w| {
            render::print(report, format, width, w)
        })
    }
}

/// Arguments of `report`.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // independent command-line switches
pub struct ReportArgs {
    /// The predictions file (CSV, Parquet or NDJSON).
    pub data: PathBuf,
    /// Session file (default: <data stem>.slicewise.ron beside the data, if it exists).
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
    /// Column roles and format.
    #[command(flatten)]
    pub columns: ColumnArgs,
    /// Slice by a column; repeat for more slices; A,B slices by the intersection of A and B.
    #[arg(long, value_name = "COL")]
    pub by: Vec<String>,
    /// Positive class for FPR, FNR, TPR, precision, selection rate and disparities.
    #[arg(long, value_name = "VALUE")]
    pub positive: Option<String>,
    /// Reference group for disparity ratios (default: the largest group).
    #[arg(long, value_name = "VALUE")]
    pub reference: Option<String>,
    /// Groups with fewer examples are flagged as low support.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_SUPPORT)]
    pub min_support: u64,
    /// A second run of the model on the same examples (joined by id): the
    /// report adds what it fixed and broke, and each tag's realised lift
    /// beside the expected one (as `compare DATA AFTER` says).
    #[arg(long, value_name = "AFTER")]
    pub compare: Option<PathBuf>,
    /// Add the slices where the model errs most (SliceLine over every slice
    /// column, as `slicewise discover DATA` with its defaults finds them).
    #[arg(long)]
    pub discover: bool,
    /// How to read the score column: positive (a score for the positive class) or
    /// confidence (the model's confidence in its prediction). Default: detected.
    #[arg(long, value_name = "MEANING", value_parser = parse_meaning)]
    pub score_is: Option<ScoreMeaning>,
    /// Decide one-vs-rest at this score threshold for the slices, instead of the predictions.
    #[arg(long, value_name = "T", value_parser = parse_threshold)]
    pub threshold: Option<f64>,
    /// Bootstrap intervals for the disparity metrics, with N resamples (e.g. 1000).
    #[arg(long, value_name = "N", value_parser = parse_replicates)]
    pub bootstrap: Option<usize>,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Print every class in the per-class tables and the whole confusion
    /// matrix (by default the 100 largest classes and 1,000 largest cells).
    #[arg(long)]
    pub all_classes: bool,
    /// Print every group of a slice in text and Markdown (by default the
    /// 1,000 largest; JSON and CSV always hold every group).
    #[arg(long)]
    pub all_groups: bool,
    /// Reliability bins of the calibration (equal width on [0, 1]).
    #[arg(long, value_name = "N", default_value_t = crate::core::calibration::DEFAULT_BINS,
          value_parser = parse_calibration_bins)]
    pub calibration_bins: usize,
    /// A costly confusion to watch, TRUE:PRED (repeatable), added to the session's list.
    #[arg(long, value_name = "TRUE:PRED", value_parser = parse_watch)]
    pub watch: Vec<WatchPair>,
    /// Sort the prioritisation table by a column (e.g. priority, share_of_errors:asc).
    #[arg(long, value_name = "COL[:asc|desc]", value_parser = parse_sort)]
    pub sort: Option<(SortKey, bool)>,
    /// Output format, file and width.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Print the time of each phase to standard error.
    #[arg(long)]
    pub timings: bool,
}

/// The width text reports fit: `--width` (0 is no limit), else `$COLUMNS`,
/// else the terminal's when printing to one; no limit into a file or a pipe.
fn text_width(flag: Option<usize>, out: Option<&Path>) -> Option<usize> {
    use std::io::IsTerminal as _;
    if let Some(w) = flag {
        return (w > 0).then_some(w);
    }
    if out.is_some() {
        return None;
    }
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return (w > 0).then_some(w);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(terminal_size::Width(w), _)| usize::from(w))
}

fn parse_calibration_bins(s: &str) -> Result<usize, String> {
    let max = crate::core::calibration::MAX_BINS;
    s.parse::<usize>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| format!("'{s}': give a whole number of bins from 1 to {max}"))
}

fn parse_meaning(s: &str) -> Result<ScoreMeaning, String> {
    ScoreMeaning::from_name(s).ok_or_else(|| format!("'{s}': use positive or confidence"))
}

fn parse_watch(s: &str) -> Result<WatchPair, String> {
    crate::core::watch::parse_pair(s).map_err(|e| e.to_string())
}

fn parse_sort(s: &str) -> Result<(SortKey, bool), String> {
    let (name, dir) = s.split_once(':').unwrap_or((s, ""));
    let key = SortKey::from_name(name).ok_or_else(|| {
        format!(
            "unknown column '{name}'; sort by one of {}",
            SortKey::ALL.map(SortKey::name).join(", ")
        )
    })?;
    let descending = match dir {
        "" => key != SortKey::Tag,
        "desc" => true,
        "asc" => false,
        other => return Err(format!("unknown direction '{other}'; use asc or desc")),
    };
    Ok((key, descending))
}

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    /// Exit code.
    pub code: u8,
    /// The message.
    pub error: anyhow::Error,
}

fn data_err(e: impl Into<anyhow::Error>) -> Failure {
    Failure {
        code: EXIT_DATA,
        error: e.into(),
    }
}

fn output_err(e: impl Into<anyhow::Error>) -> Failure {
    Failure {
        code: EXIT_OUTPUT,
        error: e.into(),
    }
}

/// Opens the data with its session (the given one, else the default one if
/// it exists). Session warnings go to standard error.
fn open_with_session(
    data: &Path,
    columns: &ColumnArgs,
    session: Option<&Path>,
    read: load::ColumnSelection,
) -> Result<(Dataset, Annotations), Failure> {
    let mut opts = columns.load_options();
    opts.columns = read;
    let progress = Progress::load(data, &mut opts);
    let opened = open::open(data, &opts, session).map_err(data_err);
    drop(progress);
    let opened = opened?;
    for w in &opened.session_warnings {
        say!("warning: {w} ({})", opened.file.path().display());
    }
    Ok((opened.ds, opened.state))
}

/// The columns a command reads: the roles and the columns of its `--by`
/// slices (and, added when the session is read, those its rule tags name).
/// Without `--by`, every column, so the report can name the slice columns.
pub(super) fn needs(by: &[Vec<String>]) -> load::ColumnSelection {
    if by.is_empty() {
        load::ColumnSelection::All
    } else {
        load::ColumnSelection::Named(by.iter().flatten().cloned().collect())
    }
}

/// Refuses an output path that is, or would join, one of the inputs: the
/// data (any part of a folder or pattern), a session, a second run
/// ([`load::parts::output_conflict`]).
fn check_output(out: Option<&Path>, inputs: &[&Path]) -> Result<(), Failure> {
    use load::parts::OutputConflict;
    let Some(out) = out else {
        return Ok(());
    };
    let error = match load::parts::output_conflict(out, inputs) {
        None => return Ok(()),
        Some(OutputConflict::Replaces(input)) => anyhow::anyhow!(
            "--out names an input file ({}); writing there would replace it. Choose another file: {}",
            input.display(),
            out.display()
        ),
        Some(OutputConflict::JoinsParts(data)) => anyhow::anyhow!(
            "--out names a new data file inside {}, which would be read as one of its parts next time. Choose a file outside the data: {}",
            data.display(),
            out.display()
        ),
    };
    Err(Failure {
        code: EXIT_USAGE,
        error,
    })
}

/// The session files a command reads: the one given, or the default one.
/// Flags that change how a report is shown or written, not its numbers.
const PRESENTATION_FLAGS: [&str; 5] = ["--out", "--format", "--width", "--threads", "--timings"];

/// The command as typed, without the flags that change only how its output
/// is shown or written ([`PRESENTATION_FLAGS`]): what reproduces the
/// numbers, the same for the same numbers; each argument quoted where a
/// shell would need it.
fn command_line() -> String {
    let mut kept = Vec::new();
    let mut skip_value = false;
    for a in std::env::args() {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        let flag = a.split_once('=').map_or(a.as_str(), |(f, _)| f);
        if PRESENTATION_FLAGS.contains(&flag) {
            // `--timings` takes no value; the others take the next
            // argument unless written `--flag=value`.
            skip_value = flag != "--timings" && !a.contains('=');
            continue;
        }
        kept.push(a);
    }
    kept.into_iter()
        .enumerate()
        .map(|(i, a)| {
            let a = if i == 0 { "slicewise".to_string() } else { a };
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_alphanumeric() || "-_./=:,+@%".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn session_inputs(data: &Path, session: Option<&Path>) -> PathBuf {
    session.map_or_else(|| load::default_session_path(data), Path::to_path_buf)
}

/// Writes an output made piece by piece to `out` (replaced atomically) or
/// to standard output (a closed pipe is not an error).
fn stream_output(
    out: Option<&Path>,
    fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    match out {
        Some(path) => files::write_with(path, false, fill).map_err(|e| {
            output_err(anyhow::anyhow!(
                "Cannot write the output ({e}): {}",
                path.display()
            ))
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            match fill(&mut stdout) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(output_err(
                    anyhow::anyhow!("Cannot write to standard output ({e})"),
                )),
                _ => Ok(()),
            }
        }
    }
}

fn write_output(out: Option<&Path>, text: &str) -> Result<(), Failure> {
    match out {
        Some(path) => files::write(path, text.as_bytes(), false).map_err(|e| {
            output_err(anyhow::anyhow!(
                "Cannot write the output ({e}): {}",
                path.display()
            ))
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
            Ok(())
        }
    }
}

/// What the loaded columns hold, per row and by kind (`--timings`).
#[allow(clippy::cast_precision_loss)]
fn print_memory(ds: &Dataset) {
    let rows = ds.rows().max(1) as f64;
    let memory = ds.memory();
    let total: usize = memory.iter().map(|(_, b)| b).sum();
    let parts: Vec<String> = memory
        .iter()
        .map(|(kind, b)| format!("{kind} {:.1}", *b as f64 / rows))
        .collect();
    say!(
        "memory after loading: {:.1} bytes a row ({}), {} MB in all",
        total as f64 / rows,
        parts.join(", "),
        total / 1_000_000
    );
}

fn run_report(args: &ReportArgs) -> Result<(), Failure> {
    let session = session_inputs(&args.data, args.session.as_deref());
    let mut inputs: Vec<&Path> = vec![&args.data, &session];
    if let Some(after) = &args.compare {
        inputs.push(after);
    }
    check_output(args.output.out.as_deref(), &inputs)?;
    let mut t = Timings::new(args.timings);
    let by = slice_specs(&args.by)?;
    let (ds, state) = open_with_session(
        &args.data,
        &args.columns,
        args.session.as_deref(),
        needs(&by),
    )?;
    t.lap("load");
    t.detail(&ds.load_phases);
    if args.timings {
        print_memory(&ds);
    }
    let opts = ReportOptions {
        by,
        positive: args.positive.clone(),
        reference: args.reference.clone(),
        min_support: args.min_support,
        sort: args.sort,
        score_meaning: args.score_is,
        threshold: args.threshold,
        bootstrap: match args.bootstrap {
            Some(0) => {
                say!("note: --bootstrap 0 draws no resamples, so there are no bootstrap intervals");
                None
            }
            other => other.map(|n| (n, args.seed)),
        },
        calibration_bins: args.calibration_bins,
        all_classes: args.all_classes,
        all_groups: args.all_groups,
        watch: args.watch.clone(),
        progress: None,
    };
    let mut opts = opts;
    let counter = opts.bootstrap.map(|(replicates, _)| {
        let drawn = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        opts.progress = Some(drawn.clone());
        let total = replicates as u64 * opts.by.len() as u64;
        Progress::count("bootstrap", "resamples", drawn, total)
    });
    let report = report::build(&ds, &state, &opts);
    drop(counter);
    let mut report = report.map_err(|e| Failure {
        code: report_error_code(&e),
        error: anyhow::anyhow!("{e}: {}", args.data.display()),
    })?;
    if session.exists() {
        let fingerprint = load::fingerprint(&session).unwrap_or_default();
        report.provenance.session = Some(format!("{} ({fingerprint})", session.display()));
    }
    report.provenance.command = Some(command_line());
    // Pictures are read for the HTML page only.
    if args.output.format() == render::Format::Html {
        report.add_pictures(&ds, &state);
    }
    let comparison = match &args.compare {
        Some(after) => Some(compare::comparison_for_report(
            &ds,
            &state,
            after,
            &args.columns,
            &opts.by,
            args.positive.as_deref(),
        )?),
        None => None,
    };
    t.lap("compute");
    let mut sections: Vec<render::Section> = comparison
        .iter()
        .map(crate::core::compare::CompareReport::report_section)
        .collect();
    if args.discover {
        sections.push(discover::section_for_report(&ds, &state)?);
    }
    if sections.is_empty() {
        args.output.write(&report)?;
    } else {
        args.output.write(&render::ReportWith {
            report: &report,
            sections,
        })?;
    }
    t.lap("output");
    t.print();
    Ok(())
}

/// Slicing by the label or another role column is a misuse of `--by`
/// (exit 2); options that do not fit this data are data errors (exit 3).
pub(super) fn report_error_code(e: &report::ReportError) -> u8 {
    match e {
        report::ReportError::Slice(crate::core::slices::SliceError::RoleColumn { .. })
        | report::ReportError::Bootstrap(_) => EXIT_USAGE,
        _ => EXIT_DATA,
    }
}

/// Runs a headless subcommand.
///
/// # Errors
/// A [`Failure`] with its exit code.
pub fn run(command: &Command) -> Result<(), Failure> {
    match command {
        Command::Report(args) => run_report(args),
        Command::Export(args) => run_export(args),
        Command::Compare(args) => run_compare(args),
        Command::Discover(args) => run_discover(args),
        Command::LabelIssues(args) => run_label_issues(args),
        Command::Generate(args) => run_generate(args),
        Command::Cube(args) => run_cube(args),
        Command::Map(args) => map_cmd::run_map(args),
        Command::Explain(args) => map_cmd::run_explain(args),
        Command::Open { .. } => Err(Failure {
            code: EXIT_USAGE,
            error: anyhow::anyhow!("'open' starts the desktop app; call it from main"),
        }),
    }
}

/// Prints a message on standard error, wrapped to the width of the
/// terminal (`$COLUMNS`, else standard error's terminal); whole into a file
/// or a pipe.
pub fn say(text: &str) {
    eprintln!("{}", render::wrap(text, stderr_width(), 2));
}

fn stderr_width() -> Option<usize> {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return (w > 0).then_some(w);
    }
    terminal_size::terminal_size_of(std::io::stderr())
        .map(|(terminal_size::Width(w), _)| usize::from(w))
}

/// Prints a failure as one paragraph on standard error and returns its exit code.
#[must_use]
pub fn report_failure(f: &Failure) -> ExitCode {
    say!("error: {:#}", f.error);
    ExitCode::from(f.code)
}
