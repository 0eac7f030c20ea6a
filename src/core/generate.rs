//! Deterministic synthetic predictions of a speech-command classifier, for
//! trying Slicewise at any scale and for the bundled sample.
//!
//! Rows fall into the four conditions of the "prioritising what to work on"
//! example, in exact proportions with exact accuracies and human-level
//! performance, so that the sample session reproduces the course's table:
//!
//! | condition     | share | accuracy | HLP |
//! |---------------|-------|----------|-----|
//! | clean speech  | 60%   | 94%      | 95% |
//! | car noise     | 4%    | 89%      | 93% |
//! | people noise  | 30%   | 87%      | 89% |
//! | low bandwidth | 6%    | 70%      | 70% |
//!
//! Inside each condition, which rows are errors depends on accent, device and
//! gender, so slices and fairness views have something to find.

use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::Path;

use super::session::{Session, TagDef};
use rand::RngExt as _;
use rand::seq::SliceRandom as _;

use super::stats::{Rng, rng};

/// The ten command words.
pub const CLASSES: [&str; 10] = [
    "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go",
];
/// The word each one is most often mistaken for.
const CONFUSABLE: [usize; 10] = [4, 9, 7, 1, 5, 4, 7, 6, 2, 1];
/// Relative frequency of each word.
const CLASS_WEIGHTS: [f64; 10] = [1.4, 1.4, 1.0, 1.0, 0.9, 0.9, 1.0, 1.0, 0.7, 0.7];

const DEVICES: [&str; 4] = ["phone", "laptop", "smart_speaker", "car_kit"];
const DEVICE_RISK: [f64; 4] = [0.0, 0.03, 0.12, 0.06];
const GENDERS: [&str; 2] = ["female", "male"];
const GENDER_RISK: [f64; 2] = [0.06, 0.0];
const ACCENTS: [&str; 6] = [
    "american",
    "british",
    "indian",
    "australian",
    "scottish",
    "welsh",
];
const ACCENT_WEIGHTS: [f64; 6] = [0.35, 0.2, 0.18, 0.12, 0.08, 0.07];
const ACCENT_RISK: [f64; 6] = [0.0, 0.02, 0.08, 0.03, 0.25, 0.15];

/// One recording condition of the course example.
#[derive(Debug, Clone, Copy)]
pub struct Condition {
    /// Tag name.
    pub tag: &'static str,
    /// Value of the `noise` column.
    pub noise: &'static str,
    /// Value of the `bandwidth` column.
    pub bandwidth: &'static str,
    /// Share of rows.
    pub share: f64,
    /// Model accuracy.
    pub accuracy: f64,
    /// Human accuracy.
    pub hlp: f64,
    /// Mean and spread of the signal-to-noise ratio, dB.
    snr: (f64, f64),
    /// Probability of each device.
    devices: [f64; 4],
}

/// The four conditions.
pub const CONDITIONS: [Condition; 4] = [
    Condition {
        tag: "clean speech",
        noise: "clean",
        bandwidth: "wideband",
        share: 0.60,
        accuracy: 0.94,
        hlp: 0.95,
        snr: (30.0, 5.0),
        devices: [0.4, 0.3, 0.25, 0.05],
    },
    Condition {
        tag: "car noise",
        noise: "car",
        bandwidth: "wideband",
        share: 0.04,
        accuracy: 0.89,
        hlp: 0.93,
        snr: (8.0, 4.0),
        devices: [0.25, 0.0, 0.0, 0.75],
    },
    Condition {
        tag: "people noise",
        noise: "people",
        bandwidth: "wideband",
        share: 0.30,
        accuracy: 0.87,
        hlp: 0.89,
        snr: (12.0, 4.0),
        devices: [0.45, 0.3, 0.25, 0.0],
    },
    Condition {
        tag: "low bandwidth",
        noise: "clean",
        bandwidth: "narrowband",
        share: 0.06,
        accuracy: 0.70,
        hlp: 0.70,
        snr: (25.0, 5.0),
        devices: [0.9, 0.0, 0.0, 0.1],
    },
];

/// One generated row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based number (the id is `utt` + this, zero-padded).
    pub number: usize,
    /// True class index.
    pub label: usize,
    /// Predicted class index.
    pub pred: usize,
    /// Model confidence in the prediction.
    pub score: f64,
    /// Device index.
    pub device: usize,
    /// Gender index.
    pub gender: usize,
    /// Accent index.
    pub accent: usize,
    /// SNR in dB (one decimal).
    pub snr: f64,
    /// Condition index.
    pub condition: usize,
    /// Human label class index.
    pub human: usize,
}

fn pick(rng: &mut Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// A wrong class for `label`: usually its confusable twin.
#[allow(clippy::cast_possible_truncation)]
fn wrong_class(rng: &mut Rng, label: usize) -> usize {
    if rng.random::<f64>() < 0.6 {
        CONFUSABLE[label]
    } else {
        let other = rng.random_range(0..CLASSES.len() - 1);
        if other >= label { other + 1 } else { other }
    }
}

/// Exact counts per condition for `rows` rows (the remainder goes to the first).
#[must_use]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
pub fn condition_counts(rows: usize) -> [usize; 4] {
    let mut counts = CONDITIONS.map(|c| (rows as f64 * c.share).floor() as usize);
    counts[0] += rows - counts.iter().sum::<usize>();
    counts
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
fn exact_count(n: usize, rate: f64) -> usize {
    ((n as f64 * rate).round() as usize).min(n)
}

/// Generates `rows` rows for `seed`. Same arguments, same rows, on every platform.
#[must_use]
pub fn generate(rows: usize, seed: u64) -> Vec<Row> {
    generate_run(rows, seed, None)
}

/// [`generate`], with the model's errors drawn again for `model_seed`: the
/// same examples (ids, labels, metadata, human labels) as another run of a
/// model with the same accuracy per condition, but some errors on other
/// examples, for comparing runs. `None` is [`generate`]'s run.
#[must_use]
pub fn generate_run(rows: usize, seed: u64, model_seed: Option<u64>) -> Vec<Row> {
    let g = Generated::new(rows, seed, model_seed);
    (0..g.len()).map(|i| g.row(i)).collect()
}

/// Generated rows kept column by column in small integers: 13 bytes a row
/// (SNR in tenths, scores in ten-thousandths, which is how they are
/// rounded), 21 while the errors are placed; 100M rows fit in 2.1 GB.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    label: Vec<u8>,
    pred: Vec<u8>,
    human: Vec<u8>,
    device: Vec<u8>,
    gender: Vec<u8>,
    accent: Vec<u8>,
    condition: Vec<u8>,
    /// Whole numbers (and -0), exact in an `f32`.
    snr_tenths: Vec<f32>,
    score_ten_thousandths: Vec<u16>,
    /// Rows written so far, for a progress bar ([`Generated::counting`]).
    written: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

impl Generated {
    /// [`generate_run`]'s rows, kept compact.
    #[must_use]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub fn new(rows: usize, seed: u64, model_seed: Option<u64>) -> Self {
        let mut rng = rng(seed);
        let counts = condition_counts(rows);
        let mut g = Self::default();
        for (i, &n) in counts.iter().enumerate() {
            g.condition.extend(std::iter::repeat_n(i as u8, n));
        }
        g.condition.shuffle(&mut rng);
        let mut risk: Vec<f32> = Vec::with_capacity(rows);
        for column in [&mut g.label, &mut g.device, &mut g.gender, &mut g.accent] {
            column.reserve_exact(rows);
        }
        g.snr_tenths.reserve_exact(rows);
        for &cond in &g.condition {
            let c = &CONDITIONS[cond as usize];
            let label = pick(&mut rng, &CLASS_WEIGHTS);
            let device = pick(&mut rng, &c.devices);
            let gender = pick(&mut rng, &[0.5, 0.5]);
            let accent = pick(&mut rng, &ACCENT_WEIGHTS);
            let tenths = ((c.snr.0 + c.snr.1 * rng.sample::<f64, _>(rand_distr::StandardNormal))
                * 10.0)
                .round();
            let snr = tenths / 10.0;
            // Low SNR, some accents, devices and speakers make errors likelier.
            let r = rng.random::<f64>()
                + ACCENT_RISK[accent]
                + DEVICE_RISK[device]
                + GENDER_RISK[gender]
                - 0.01 * snr.clamp(-10.0, 50.0);
            risk.push(r as f32);
            g.label.push(label as u8);
            g.device.push(device as u8);
            g.gender.push(gender as u8);
            g.accent.push(accent as u8);
            g.snr_tenths.push(tenths as f32);
        }
        g.pred.clone_from(&g.label);
        g.human.clone_from(&g.label);

        // Another model: the same examples, each one's risk shaken by its own
        // draw (the data's random stream is left as it is).
        if let Some(ms) = model_seed {
            let mut model = super::stats::rng(ms);
            for r in &mut risk {
                *r += (model.random::<f64>() * 0.5) as f32;
            }
        }
        // Exact error and human-error counts per condition.
        let mut by_condition: Vec<Vec<u32>> =
            counts.iter().map(|&n| Vec::with_capacity(n)).collect();
        for (i, &c) in g.condition.iter().enumerate() {
            by_condition[c as usize].push(i as u32);
        }
        for (ci, members) in by_condition.iter_mut().enumerate() {
            let c = &CONDITIONS[ci];
            let n_err = exact_count(members.len(), 1.0 - c.accuracy);
            // The riskiest rows are the errors.
            if n_err > 0 {
                members.select_nth_unstable_by(n_err - 1, |&a, &b| {
                    risk[b as usize].total_cmp(&risk[a as usize])
                });
                for &r in &members[..n_err] {
                    let r = r as usize;
                    g.pred[r] = wrong_class(&mut rng, usize::from(g.label[r])) as u8;
                }
            }
            // Human errors: a uniform random subset.
            let n_human = exact_count(members.len(), 1.0 - c.hlp);
            members.sort_unstable();
            for k in 0..n_human {
                let j = k + rng.random_range(0..members.len() - k);
                members.swap(k, j);
                let r = members[k] as usize;
                g.human[r] = wrong_class(&mut rng, usize::from(g.label[r])) as u8;
            }
            // Give each condition's list back before the next is used.
            *members = Vec::new();
        }
        drop(risk);
        g.score_ten_thousandths.reserve_exact(rows);
        for i in 0..rows {
            let u = rng.random::<f64>();
            let score = if g.pred[i] == g.label[i] {
                0.55 + 0.45 * u.sqrt()
            } else {
                0.25 + 0.55 * u
            };
            g.score_ten_thousandths
                .push((score * 10_000.0).round() as u16);
        }
        g
    }

    /// These rows, adding to `written` as they are written to a file (a
    /// progress bar reads it).
    #[must_use]
    pub fn counting(mut self, written: std::sync::Arc<std::sync::atomic::AtomicU64>) -> Self {
        self.written = Some(written);
        self
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.label.len()
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.label.is_empty()
    }

    /// Row `i`, as [`generate_run`] gives it.
    #[must_use]
    pub fn row(&self, i: usize) -> Row {
        Row {
            number: i + 1,
            label: usize::from(self.label[i]),
            pred: usize::from(self.pred[i]),
            score: f64::from(self.score_ten_thousandths[i]) / 10_000.0,
            device: usize::from(self.device[i]),
            gender: usize::from(self.gender[i]),
            accent: usize::from(self.accent[i]),
            snr: f64::from(self.snr_tenths[i]) / 10.0,
            condition: usize::from(self.condition[i]),
            human: usize::from(self.human[i]),
        }
    }
}

/// Rows to write: generated ones kept compact, or a list of [`Row`]s.
pub trait Rows: Sync {
    /// Number of rows.
    fn count(&self) -> usize;
    /// Row `i`.
    fn row(&self, i: usize) -> Row;
    /// Told after each piece is written: `rows` more rows are in a file.
    fn written(&self, _rows: usize) {}
}

impl Rows for [Row] {
    fn count(&self) -> usize {
        self.len()
    }
    fn row(&self, i: usize) -> Row {
        self[i].clone()
    }
}

impl Rows for Vec<Row> {
    fn count(&self) -> usize {
        self.len()
    }
    fn row(&self, i: usize) -> Row {
        self[i].clone()
    }
}

impl Rows for Generated {
    fn count(&self) -> usize {
        self.len()
    }
    fn row(&self, i: usize) -> Row {
        Self::row(self, i)
    }
    fn written(&self, rows: usize) {
        if let Some(w) = &self.written {
            w.fetch_add(rows as u64, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Width of the zero-padded id number for `rows` rows.
fn id_width(rows: usize) -> usize {
    rows.max(1).to_string().len().max(5)
}

/// The header of the generated CSV.
pub const HEADER: &str = "id,label,pred,score,device,gender,accent,snr,noise,bandwidth,human";

/// Writes rows as CSV.
///
/// # Errors
/// When writing fails.
pub fn write_csv(rows: &[Row], out: impl Write) -> std::io::Result<()> {
    write_csv_ids(rows, 0..rows.len(), out, id_width(rows.len()))
}

fn write_csv_ids(
    rows: &(impl Rows + ?Sized),
    range: Range<usize>,
    out: impl Write,
    width: usize,
) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, out);
    writeln!(w, "{HEADER}")?;
    write_formatted(rows, range, &mut w, &|buf, r| {
        let c = &CONDITIONS[r.condition];
        writeln!(
            buf,
            "utt{:0width$},{},{},{:.4},{},{},{},{:.1},{},{},{}",
            r.number,
            CLASSES[r.label],
            CLASSES[r.pred],
            r.score,
            DEVICES[r.device],
            GENDERS[r.gender],
            ACCENTS[r.accent],
            r.snr,
            c.noise,
            c.bandwidth,
            CLASSES[r.human],
        )
    })?;
    w.flush()
}

/// Rows formatted as one piece of work when writing text.
const FORMAT_ROWS: usize = 1 << 16;

/// Writes the rows of `range` as text, each row by `line`: pieces of
/// [`FORMAT_ROWS`] rows are formatted on all cores, a few at a time, and
/// written in order, so the bytes are the same for any number of threads.
fn write_formatted(
    rows: &(impl Rows + ?Sized),
    range: Range<usize>,
    out: &mut impl Write,
    line: &(dyn Fn(&mut Vec<u8>, &Row) -> std::io::Result<()> + Sync),
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let starts: Vec<usize> = range.clone().step_by(FORMAT_ROWS).collect();
    // A round of pieces at a time: memory stays a few pieces per thread.
    let round = rayon::current_num_threads().max(1) * 2;
    for group in starts.chunks(round) {
        let pieces: Vec<std::io::Result<Vec<u8>>> = group
            .par_iter()
            .map(|&start| {
                let end = (start + FORMAT_ROWS).min(range.end);
                let mut buf = Vec::with_capacity((end - start) * 96);
                for i in start..end {
                    line(&mut buf, &rows.row(i))?;
                }
                Ok(buf)
            })
            .collect();
        for (piece, &start) in pieces.into_iter().zip(group) {
            out.write_all(&piece?)?;
            rows.written((start + FORMAT_ROWS).min(range.end) - start);
        }
    }
    Ok(())
}

/// Writes rows as NDJSON (one object per line).
///
/// # Errors
/// When writing fails.
pub fn write_ndjson(rows: &[Row], out: impl Write) -> std::io::Result<()> {
    write_ndjson_ids(rows, 0..rows.len(), out, id_width(rows.len()))
}

fn write_ndjson_ids(
    rows: &(impl Rows + ?Sized),
    range: Range<usize>,
    out: impl Write,
    width: usize,
) -> std::io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, out);
    write_formatted(rows, range, &mut w, &|buf, r| {
        let c = &CONDITIONS[r.condition];
        writeln!(
            buf,
            r#"{{"id":"utt{:0width$}","label":"{}","pred":"{}","score":{:.4},"device":"{}","gender":"{}","accent":"{}","snr":{:.1},"noise":"{}","bandwidth":"{}","human":"{}"}}"#,
            r.number,
            CLASSES[r.label],
            CLASSES[r.pred],
            r.score,
            DEVICES[r.device],
            GENDERS[r.gender],
            ACCENTS[r.accent],
            r.snr,
            c.noise,
            c.bandwidth,
            CLASSES[r.human],
        )
    })?;
    w.flush()
}

/// Writes rows as Parquet.
///
/// # Errors
/// When building the frame or writing fails.
pub fn write_parquet(rows: &[Row], out: impl Write) -> Result<(), polars::prelude::PolarsError> {
    write_parquet_ids(
        rows,
        0..rows.len(),
        out,
        id_width(rows.len()),
        frames_at_once(1),
    )
}

/// How many frames of [`WRITE_ROWS`] rows one Parquet file builds at once
/// while `files` are written side by side: the threads shared out, at most
/// 4 a file (a frame is about 250 MB).
fn frames_at_once(files: usize) -> usize {
    (rayon::current_num_threads() / files.max(1)).clamp(1, 4)
}

/// Rows turned into a frame at a time when writing Parquet.
const WRITE_ROWS: usize = 1 << 20;

/// Writes rows as Parquet a million at a time (a row group each), so no
/// more than a million are ever a frame.
fn write_parquet_ids(
    rows: &(impl Rows + ?Sized),
    range: Range<usize>,
    out: impl Write,
    width: usize,
    round: usize,
) -> Result<(), polars::prelude::PolarsError> {
    use polars::prelude::ParquetWriter;
    use rayon::prelude::*;
    let mut out = Some(out);
    let mut writer = None;
    let mut starts: Vec<usize> = range.clone().step_by(WRITE_ROWS).collect();
    if starts.is_empty() {
        starts.push(range.start);
    }
    // The frames of a few row groups are built side by side, then written
    // in order (the writer compresses on all cores itself).
    for group in starts.chunks(round.max(1)) {
        let frames: Vec<_> = group
            .par_iter()
            .map(|&start| {
                let end = (start + WRITE_ROWS).min(range.end);
                let chunk: Vec<Row> = (start..end).map(|i| rows.row(i)).collect();
                frame(&chunk, width)
            })
            .collect();
        for df in frames {
            let df = df?;
            if writer.is_none()
                && let Some(out) = out.take()
            {
                writer = Some(ParquetWriter::new(out).batched(df.schema())?);
            }
            if let Some(w) = &mut writer {
                w.write_batch(&df)?;
            }
            rows.written(df.height());
        }
    }
    if let Some(w) = writer {
        w.finish()?;
    }
    Ok(())
}

/// The generated columns of `rows`.
fn frame(
    rows: &[Row],
    width: usize,
) -> Result<polars::prelude::DataFrame, polars::prelude::PolarsError> {
    use polars::prelude::{
        ChunkTake, Column, DataFrame, IdxCa, IdxSize, IntoSeries, NamedFrom, NewChunkedArray,
        Series, StringChunked,
    };
    // A column of words is its few distinct words gathered by each row's
    // index: 16-byte views copied, where building it word by word pushed
    // each one through a string builder (a sixth of `generate`'s time).
    let col = |name: &str,
               dict: &[&str],
               index: &dyn Fn(&Row) -> usize|
     -> Result<Column, polars::prelude::PolarsError> {
        let dict = StringChunked::from_slice(name.into(), dict);
        let idx = IdxCa::from_vec(
            "".into(),
            rows.iter()
                .map(|r| IdxSize::try_from(index(r)).unwrap_or(IdxSize::MAX))
                .collect(),
        );
        Ok(Column::from(dict.take(&idx)?.into_series()))
    };
    let noise: Vec<&str> = CONDITIONS.iter().map(|c| c.noise).collect();
    let bandwidth: Vec<&str> = CONDITIONS.iter().map(|c| c.bandwidth).collect();
    // Ids written into one reused buffer, copied into the column.
    let mut ids = polars::prelude::StringChunkedBuilder::new("id".into(), rows.len());
    let mut id = String::with_capacity(16);
    for r in rows {
        use std::fmt::Write as _;
        id.clear();
        let _ = write!(id, "utt{:0width$}", r.number);
        ids.append_value(id.as_str());
    }
    DataFrame::new_infer_height(vec![
        Column::from(ids.finish().into_series()),
        col("label", &CLASSES, &|r| r.label)?,
        col("pred", &CLASSES, &|r| r.pred)?,
        Column::from(Series::new(
            "score".into(),
            rows.iter().map(|r| r.score).collect::<Vec<f64>>(),
        )),
        col("device", &DEVICES, &|r| r.device)?,
        col("gender", &GENDERS, &|r| r.gender)?,
        col("accent", &ACCENTS, &|r| r.accent)?,
        Column::from(Series::new(
            "snr".into(),
            rows.iter().map(|r| r.snr).collect::<Vec<f64>>(),
        )),
        col("noise", &noise, &|r| r.condition)?,
        col("bandwidth", &bandwidth, &|r| r.condition)?,
        col("human", &CLASSES, &|r| r.human)?,
    ])
}

/// Why generated data could not be written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// A file or folder could not be made or written.
    #[error("cannot write {} ({source})", path.display())]
    Write {
        /// The file or folder.
        path: std::path::PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The rows could not be encoded.
    #[error("cannot encode {}: {message}", path.display())]
    Encode {
        /// The file.
        path: std::path::PathBuf,
        /// What the encoder said.
        message: String,
    },
    /// The folder for parts holds other files.
    #[error(
        "{} holds other files ({}): write the parts to a new or empty folder",
        dir.display(),
        files.join(", ")
    )]
    ForeignFiles {
        /// The folder.
        dir: std::path::PathBuf,
        /// The other files.
        files: Vec<String>,
    },
    /// A part's name is taken by a link or device.
    #[error("{} is not a plain file: write the parts to a new or empty folder", .0.display())]
    NotAPlainFile(std::path::PathBuf),
}

/// Writes generated rows to `path` in the format its extension names
/// (`.parquet`, `.ndjson`/`.jsonl`, otherwise CSV).
///
/// # Errors
/// When the file cannot be written.
pub fn write_file(rows: &(impl Rows + ?Sized), path: &Path) -> Result<(), GenerateError> {
    write_file_ids(rows, 0..rows.count(), path, id_width(rows.count()), 1)
}

/// [`write_file`] for the rows of `range`, while `files` files are written
/// side by side.
fn write_file_ids(
    rows: &(impl Rows + ?Sized),
    range: Range<usize>,
    path: &Path,
    width: usize,
    files: usize,
) -> Result<(), GenerateError> {
    let io = |source| GenerateError::Write {
        path: path.to_path_buf(),
        source,
    };
    let file = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    match super::load::InputFormat::from_path(path) {
        Some(super::load::InputFormat::Parquet) => {
            write_parquet_ids(rows, range, file, width, frames_at_once(files)).map_err(|e| {
                GenerateError::Encode {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                }
            })?;
        }
        Some(super::load::InputFormat::Ndjson) => {
            write_ndjson_ids(rows, range, file, width).map_err(io)?;
        }
        _ => write_csv_ids(rows, range, file, width).map_err(io)?,
    }
    Ok(())
}

/// Writes `rows` as `parts` files `part-00001.EXT` ... into the folder `dir`
/// (made if missing), consecutive rows per part and ids as in one file, so
/// the folder reads as the single file would. Returns the files.
///
/// # Errors
/// When the folder holds other files, or a part cannot be written.
pub fn write_parts(
    rows: &(impl Rows + ?Sized),
    dir: &Path,
    parts: usize,
    format: super::load::InputFormat,
) -> Result<Vec<std::path::PathBuf>, GenerateError> {
    let ext = match format {
        super::load::InputFormat::Csv => "csv",
        super::load::InputFormat::Parquet => "parquet",
        super::load::InputFormat::Ndjson => "ndjson",
    };
    let io = |source| GenerateError::Write {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    // Never mix generated parts with someone else's files.
    let foreign: Vec<String> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("part-"))
        .collect();
    if !foreign.is_empty() {
        return Err(GenerateError::ForeignFiles {
            dir: dir.to_path_buf(),
            files: foreign,
        });
    }
    let n = rows.count();
    let parts = parts.clamp(1, n.max(1));
    let width = id_width(n);
    let per = n.div_ceil(parts).max(1);
    let files = n.max(1).div_ceil(per);
    let mut planned = Vec::with_capacity(parts);
    for (i, start) in (0..n.max(1)).step_by(per).enumerate() {
        let path = dir.join(format!("part-{:05}.{ext}", i + 1));
        // Only a regular file from an earlier run is replaced, never a link
        // or a device named like a part.
        if let Ok(meta) = std::fs::symlink_metadata(&path)
            && !meta.file_type().is_file()
        {
            return Err(GenerateError::NotAPlainFile(path));
        }
        planned.push((start..(start + per).min(n), path));
    }
    // The parts are written side by side; each is the same file whatever
    // the number of threads.
    write_side_by_side(planned, |chunk, path| {
        write_file_ids(rows, chunk, path, width, files)
    })
}

/// Runs `write` on each (rows, file) on all cores; the files in order.
fn write_side_by_side(
    planned: Vec<(Range<usize>, std::path::PathBuf)>,
    write: impl Fn(Range<usize>, &Path) -> Result<(), GenerateError> + Sync,
) -> Result<Vec<std::path::PathBuf>, GenerateError> {
    use rayon::prelude::*;
    planned
        .into_par_iter()
        .map(|(chunk, path)| write(chunk, &path).map(|()| path))
        .collect()
}

/// The session of the course example: the four conditions as rule tags with
/// their HLP typed in, plus manual tags (with hotkeys) for reviewing errors.
#[must_use]
pub fn course_session() -> Session {
    let palette = super::tags::PALETTE;
    let mut tags: Vec<TagDef> = CONDITIONS
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let rule = format!(
                "noise == \"{}\" and bandwidth == \"{}\"",
                c.noise, c.bandwidth
            );
            TagDef {
                hlp: Some(c.hlp),
                description: format!(
                    "Recordings with {} (from the noise and bandwidth columns)",
                    c.tag
                ),
                ..TagDef::rule(c.tag, palette[i], &rule)
            }
        })
        .collect();
    for (i, (name, description)) in [
        ("mumbling", "Speaker mumbles or trails off"),
        ("wrong label", "The true label itself looks wrong"),
        ("cut off", "The word is clipped at the start or end"),
    ]
    .iter()
    .enumerate()
    {
        tags.push(TagDef {
            hotkey: u8::try_from(i + 1).ok(),
            description: (*description).to_string(),
            ..TagDef::manual(name, palette[4 + i])
        });
    }
    Session {
        tags,
        ..Session::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_deterministic_and_exact() {
        let a = generate(10_000, 42);
        assert_eq!(a, generate(10_000, 42));
        assert_ne!(a, generate(10_000, 43));
        for (ci, c) in CONDITIONS.iter().enumerate() {
            let rows: Vec<&Row> = a.iter().filter(|r| r.condition == ci).collect();
            let n = rows.len();
            let correct = rows.iter().filter(|r| r.pred == r.label).count();
            let human = rows.iter().filter(|r| r.human == r.label).count();
            #[allow(clippy::cast_precision_loss)]
            {
                assert!((n as f64 / 10_000.0 - c.share).abs() < 1e-12, "{}", c.tag);
                assert!(
                    (correct as f64 / n as f64 - c.accuracy).abs() < 1e-12,
                    "{}",
                    c.tag
                );
                assert!((human as f64 / n as f64 - c.hlp).abs() < 1e-12, "{}", c.tag);
            }
        }
        assert!(a.iter().all(|r| r.pred != r.label || r.score >= 0.55));
    }
}
