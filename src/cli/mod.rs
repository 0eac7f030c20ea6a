//! The command line: parses arguments, calls the engine, prints. Exit codes:
//! 0 ok, 1 output could not be written, 2 bad arguments, 3 bad input data or
//! session.

// Doc comments here are the `--help` text, where backticks would show.
#![allow(clippy::doc_markdown)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::core::dataset::Dataset;
use crate::core::export::{self, ExportFormat};
use crate::core::files;
use crate::core::load::{self, InputFormat, LoadOptions, RoleChoice};
use crate::core::open;
use crate::core::priority::SortKey;
use crate::core::report::{self, ReportOptions};
use crate::core::session::WatchPair;
use crate::core::slices::DEFAULT_MIN_SUPPORT;
use crate::core::tags::Annotations;
use crate::core::thresholds::ScoreMeaning;
use crate::core::{generate, render};

mod compare;
mod cube;
mod discover;
pub use compare::{CompareArgs, EXIT_REGRESSION, LabelsArg};
use compare::{run_compare, slice_specs};
pub use cube::CubeArgs;
use cube::run_cube;
pub use discover::DiscoverArgs;
use discover::run_discover;

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
}

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
            bins: Some(self.bins),
            proba_prefix: self.proba_prefix.clone(),
            proba: self.proba.clone(),
            roles_only: false,
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
}

/// Arguments of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of rows.
    #[arg(long, value_name = "N", value_parser = parse_rows)]
    pub rows: usize,
    /// Output file; .csv, .parquet or .ndjson.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Another model's run on the same examples: the same rows, with the
    /// errors drawn again for this seed (for `compare`).
    #[arg(long, value_name = "SEED")]
    pub model_seed: Option<u64>,
    /// Also write the course example's session (rule tags and HLP) for the file.
    /// A session that holds hand work (tagged, reviewed or noted examples),
    /// or whose backup does, is not replaced without --replace-session.
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
    /// Replace a --session file even when it (or its .bak) holds hand work;
    /// its previous version is kept as FILE.bak.
    #[arg(long, requires = "session")]
    pub replace_session: bool,
    /// Write a folder of N parts (part-00001.parquet, ...) instead of one
    /// file: --out names the folder; ids are unique across parts.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub parts: Option<u64>,
    /// Format of the parts (csv, parquet, ndjson); default parquet.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format, requires = "parts")]
    pub format: Option<InputFormat>,
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

/// Times the phases of a command.
struct Timings {
    enabled: bool,
    start: Instant,
    last: Instant,
    phases: Vec<(&'static str, f64)>,
    details: Vec<(&'static str, String)>,
}

impl Timings {
    fn new(enabled: bool) -> Self {
        let now = Instant::now();
        Self {
            enabled,
            start: now,
            last: now,
            phases: Vec::new(),
            details: Vec::new(),
        }
    }

    /// Splits the last lap into the given sub-phases (they end at the last lap).
    fn detail(&mut self, parts: &[(&'static str, f64)]) {
        if let Some((name, _)) = self.phases.last().copied() {
            let detail: Vec<String> = parts.iter().map(|(p, s)| format!("{p} {s:.3} s")).collect();
            self.details.push((name, detail.join(", ")));
        }
    }

    fn lap(&mut self, phase: &'static str) {
        let now = Instant::now();
        self.phases.push((phase, (now - self.last).as_secs_f64()));
        self.last = now;
    }

    fn print(&self) {
        if !self.enabled {
            return;
        }
        let parts: Vec<String> = self
            .phases
            .iter()
            .map(|(p, s)| match self.details.iter().find(|(d, _)| d == p) {
                Some((_, detail)) => format!("{p} {s:.3} s ({detail})"),
                None => format!("{p} {s:.3} s"),
            })
            .collect();
        eprintln!(
            "timings: {}, total {:.3} s",
            parts.join(", "),
            self.start.elapsed().as_secs_f64()
        );
    }
}

/// A line on a terminal's standard error saying how much of a folder of
/// parts has been read, redrawn a few times a second until dropped. Nothing
/// when standard error is not a terminal or the data is one file (its
/// reader gives no progress).
struct ProgressLine {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressLine {
    fn start(data: &Path, opts: &mut LoadOptions) -> Self {
        use std::io::IsTerminal as _;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let done = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return Self { done, thread: None };
        }
        let read = Arc::new(AtomicU64::new(0));
        opts.controls.progress = Some(read.clone());
        let rows = Arc::new(AtomicU64::new(0));
        opts.controls.rows_read = Some(rows.clone());
        let total = load::data_size(data).max(1);
        let name = data.display().to_string();
        // One NDJSON file is read whole: no share of it to show.
        let whole = !data.is_dir()
            && !load::parts::is_glob(data)
            && opts
                .format
                .or_else(|| InputFormat::from_path(data))
                .is_some_and(|f| f == InputFormat::Ndjson);
        let stop = done.clone();
        let thread = std::thread::Builder::new()
            .name("slicewise-progress".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let bytes = read.load(Ordering::Relaxed);
                    let rows = render::count(rows.load(Ordering::Relaxed));
                    if whole {
                        eprint!("\r\x1b[2Kreading {name} (NDJSON, read whole)");
                    } else if bytes >= total {
                        eprint!("\r\x1b[2Kread {name} ({rows} rows); grouping the columns");
                    } else {
                        eprint!(
                            "\r\x1b[2Kreading {name}: {}% ({} of {} MB, {rows} rows)",
                            bytes * 100 / total,
                            render::count(bytes / 1_000_000),
                            render::count(total / 1_000_000)
                        );
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                eprint!("\r\x1b[2K");
            })
            .ok();
        Self { done, thread }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A line on a terminal's standard error counting work done (bootstrap
/// resamples), with its rate, redrawn a few times a second until dropped;
/// nothing when standard error is not a terminal.
struct CountLine;

impl CountLine {
    fn start(
        what: &'static str,
        unit: &'static str,
        done: std::sync::Arc<std::sync::atomic::AtomicU64>,
    ) -> ProgressLine {
        use std::io::IsTerminal as _;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return ProgressLine {
                done: stop,
                thread: None,
            };
        }
        let flag = stop.clone();
        let started = Instant::now();
        let thread = std::thread::Builder::new()
            .name("slicewise-progress".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    let n = done.load(Ordering::Relaxed);
                    let secs = started.elapsed().as_secs_f64().max(1e-3);
                    #[allow(clippy::cast_precision_loss)]
                    let rate = n as f64 / secs / 1e6;
                    eprint!(
                        "\r\x1b[2K{what}: {} {unit} ({rate:.1} million a second)",
                        render::count(n)
                    );
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                eprint!("\r\x1b[2K");
            })
            .ok();
        ProgressLine { done: stop, thread }
    }
}

/// Opens the data with its session (the given one, else the default one if
/// it exists). Session warnings go to standard error.
fn open_with_session(
    data: &Path,
    columns: &ColumnArgs,
    session: Option<&Path>,
) -> Result<(Dataset, Annotations), Failure> {
    let mut opts = columns.load_options();
    let progress = ProgressLine::start(data, &mut opts);
    let opened = open::open(data, &opts, session).map_err(data_err);
    drop(progress);
    let opened = opened?;
    for w in &opened.session_warnings {
        eprintln!("warning: {w} ({})", opened.file.path().display());
    }
    Ok((opened.ds, opened.state))
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
    eprintln!(
        "memory after loading: {:.1} bytes a row ({}), {} MB in all",
        total as f64 / rows,
        parts.join(", "),
        total / 1_000_000
    );
}

fn run_report(args: &ReportArgs) -> Result<(), Failure> {
    let session = session_inputs(&args.data, args.session.as_deref());
    check_output(args.output.out.as_deref(), &[&args.data, &session])?;
    let mut t = Timings::new(args.timings);
    let (ds, state) = open_with_session(&args.data, &args.columns, args.session.as_deref())?;
    t.lap("load");
    t.detail(&ds.load_phases);
    if args.timings {
        print_memory(&ds);
    }
    let opts = ReportOptions {
        by: slice_specs(&args.by)?,
        positive: args.positive.clone(),
        reference: args.reference.clone(),
        min_support: args.min_support,
        sort: args.sort,
        score_meaning: args.score_is,
        threshold: args.threshold,
        bootstrap: match args.bootstrap {
            Some(0) => {
                eprintln!(
                    "note: --bootstrap 0 draws no resamples, so there are no bootstrap intervals"
                );
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
    let counter = opts.bootstrap.is_some().then(|| {
        let drawn = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        opts.progress = Some(drawn.clone());
        CountLine::start("bootstrap", "group resamples drawn", drawn)
    });
    let report = report::build(&ds, &state, &opts);
    drop(counter);
    let report = report.map_err(|e| Failure {
        code: report_error_code(&e),
        error: anyhow::anyhow!("{e}: {}", args.data.display()),
    })?;
    t.lap("compute");
    args.output.write(&report)?;
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

fn run_export(args: &ExportArgs) -> Result<(), Failure> {
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
    let (ds, state) = open_with_session(&args.data, &args.columns, args.session.as_deref())?;
    t.lap("load");
    t.detail(&ds.load_phases);
    let report = report::build(&ds, &state, &ReportOptions::default()).map_err(data_err)?;
    t.lap("compute");
    let text = export::table_text(&report.tags, &report.context, format);
    write_output(Some(&args.out), &text)?;
    t.lap("output");
    t.print();
    if report.tags.is_empty() {
        eprintln!(
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
    let (ds, state) = open_with_session(&args.data, &args.columns, args.session.as_deref())?;
    t.lap("load");
    let scope = match args.show {
        ShowArg::Errors => Scope::Errors,
        ShowArg::Correct => Scope::Correct,
        ShowArg::All => Scope::All,
        ShowArg::HumanDisagrees => Scope::HumanDisagrees,
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
    eprintln!(
        "wrote {} example(s) to {}",
        render::count(rows.len() as u64),
        args.out.display()
    );
    Ok(())
}

fn run_generate(args: &GenerateArgs) -> Result<(), Failure> {
    if let Some(parts) = args.parts {
        if args.session.is_some() {
            return Err(Failure {
                code: EXIT_USAGE,
                error: anyhow::anyhow!(
                    "--session writes a session for one file; leave it out with --parts"
                ),
            });
        }
        let rows = generate::Generated::new(args.rows, args.seed, args.model_seed);
        let format = args.format.unwrap_or(InputFormat::Parquet);
        let files = generate::write_parts(
            &rows,
            &args.out,
            usize::try_from(parts).unwrap_or(usize::MAX),
            format,
        )
        .map_err(output_err)?;
        eprintln!(
            "wrote {} rows in {} parts to {}",
            render::count(args.rows as u64),
            files.len(),
            args.out.display()
        );
        return Ok(());
    }
    if InputFormat::from_path(&args.out).is_none() {
        return Err(Failure {
            code: EXIT_USAGE,
            error: anyhow::anyhow!(
                "Cannot tell the format to write from '{}': name the file .csv, .parquet or .ndjson",
                args.out.display()
            ),
        });
    }
    if let Some(session_path) = &args.session
        && !args.replace_session
    {
        check_session_replaceable(session_path)?;
    }
    if let Some(session_path) = &args.session
        && load::parts::output_conflict(&args.out, &[session_path]).is_some()
    {
        return Err(Failure {
            code: EXIT_USAGE,
            error: anyhow::anyhow!(
                "--out and --session name the same file; give the session its own name: {}",
                session_path.display()
            ),
        });
    }
    let rows = generate::Generated::new(args.rows, args.seed, args.model_seed);
    generate::write_file(&rows, &args.out).map_err(output_err)?;
    if let Some(session_path) = &args.session {
        let source = crate::core::dataset::SourceInfo {
            path: args.out.clone(),
            size: std::fs::metadata(&args.out).map_err(output_err)?.len(),
            fingerprint: load::fingerprint(&args.out).map_err(output_err)?,
        };
        let mut session = generate::course_session();
        session.data = crate::core::session::DataRef::of(&source);
        session.key = crate::core::session::Key::Column("id".into());
        // Replacing a session with hand work was refused above unless asked
        // for; the previous version is kept as .bak.
        crate::core::session_file::SessionFile::new(session_path.clone(), None)
            .replace(session)
            .map_err(output_err)?;
    }
    eprintln!(
        "wrote {} rows to {}",
        render::count(args.rows as u64),
        args.out.display()
    );
    Ok(())
}

/// Refuses to replace a session that holds hand work, or whose backup
/// does (replacing the session again would replace that backup), or that
/// cannot be read to tell.
fn check_session_replaceable(path: &Path) -> Result<(), Failure> {
    use crate::core::session::{Session, backup_path};
    let refuse = |what: String, file: &Path| Failure {
        code: EXIT_USAGE,
        error: anyhow::anyhow!(
            "--session would replace {what}. Give another --session file, or add --replace-session to replace it (the current file is then kept as .bak): {}",
            file.display()
        ),
    };
    for (file, label) in [
        (path.to_path_buf(), "a session"),
        (backup_path(path), "the backup of a session"),
    ] {
        // The backup is replaced only when the session exists.
        if !file.exists() || !path.exists() {
            continue;
        }
        match Session::read(&file) {
            Ok(session) => {
                let work = session.hand_work();
                if !work.is_empty() {
                    return Err(refuse(
                        format!("{label} that holds hand work ({work})"),
                        &file,
                    ));
                }
            }
            Err(e) => {
                return Err(refuse(
                    format!("{label} that cannot be read to check for hand work ({e})"),
                    &file,
                ));
            }
        }
    }
    Ok(())
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
        Command::Generate(args) => run_generate(args),
        Command::Cube(args) => run_cube(args),
        Command::Open { .. } => Err(Failure {
            code: EXIT_USAGE,
            error: anyhow::anyhow!("'open' starts the desktop app; call it from main"),
        }),
    }
}

/// Prints a failure as one paragraph on standard error and returns its exit code.
#[must_use]
pub fn report_failure(f: &Failure) -> ExitCode {
    eprintln!("error: {:#}", f.error);
    ExitCode::from(f.code)
}
