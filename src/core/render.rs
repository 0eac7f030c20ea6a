//! Text renderings of reports and of the prioritisation table: aligned text
//! for terminals, Markdown, CSV and a small self-contained HTML page.

use std::fmt::Write as _;

use super::priority::{Estimate, TagRow};
use super::report::{Report, ScoreSummary};
use super::slices::SliceAnalysis;
use super::stats::{Interval, Proportion};
use super::thresholds::ScoreMeaning;

/// Shown for a value that is undefined or unknown.
pub const NA: &str = "n/a";

/// A proportion as a percentage with `decimals` decimals, or `n/a`.
#[must_use]
pub fn pct(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| NA.to_string(), |v| format!("{:.decimals$}%", v * 100.0))
}

/// An interval as `[lo, hi]` in percent, or empty.
#[must_use]
pub fn pct_ci(ci: Option<Interval>, decimals: usize) -> String {
    ci.map_or_else(String::new, |c| {
        format!("[{:.decimals$}, {:.decimals$}]", c.lo * 100.0, c.hi * 100.0)
    })
}

/// A plain number with `decimals` decimals, or `n/a`.
#[must_use]
pub fn num(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| NA.to_string(), |v| format!("{v:.decimals$}"))
}

/// A count with thousands separators.
#[must_use]
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A simple table of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Columns to right-align (numbers).
    pub numeric: Vec<bool>,
}

impl Table {
    /// A table with these headers; columns after the first are numeric.
    #[must_use]
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(ToString::to_string).collect(),
            rows: Vec::new(),
            numeric: (0..headers.len()).map(|i| i > 0).collect(),
        }
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Aligned plain text.
    #[must_use]
    pub fn to_text(&self) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(n) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, cell) in cells.iter().enumerate().take(n) {
                let pad = widths[i].saturating_sub(cell.chars().count());
                if i > 0 {
                    s.push_str("  ");
                }
                if self.numeric.get(i).copied().unwrap_or(false) {
                    s.push_str(&" ".repeat(pad));
                    s.push_str(cell);
                } else {
                    s.push_str(cell);
                    if i + 1 < n {
                        s.push_str(&" ".repeat(pad));
                    }
                }
            }
            s.trim_end().to_string() + "\n"
        };
        let mut out = line(&self.headers);
        out.push_str(&line(
            &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
        ));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }

    /// A Markdown (GitHub) table.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|");
        let mut out = format!(
            "| {} |\n",
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        out.push('|');
        for i in 0..self.headers.len() {
            out.push_str(if self.numeric.get(i).copied().unwrap_or(false) {
                " ---: |"
            } else {
                " --- |"
            });
        }
        out.push('\n');
        for row in &self.rows {
            let _ = writeln!(
                out,
                "| {} |",
                row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            );
        }
        out
    }

    /// CSV (RFC 4180 quoting).
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut out = csv_line(&self.headers);
        for row in &self.rows {
            out.push_str(&csv_line(row));
        }
        out
    }
}

/// Quotes a CSV field when needed.
#[must_use]
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_line(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| csv_field(c))
        .collect::<Vec<_>>()
        .join(",")
        + "\n"
}

/// Escapes text for HTML.
#[must_use]
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn est_pct(e: &Estimate, decimals: usize) -> String {
    pct(e.value, decimals)
}

/// The prioritisation table for people: percentages, HLP source, coverage.
#[must_use]
pub fn tags_table(rows: &[TagRow], with_ci: bool) -> Table {
    let mut headers = vec![
        "tag",
        "tagged",
        "tagged errors",
        "share of errors",
        "error rate",
        "share of data",
        "accuracy",
        "HLP",
        "gap",
        "expected lift",
        "priority",
        "coverage",
    ];
    if with_ci {
        headers.push("95% interval of lift");
    }
    let mut t = Table::new(&headers);
    for r in rows {
        let hlp = match (r.hlp, r.hlp_source) {
            (Some(h), Some(super::priority::HlpSource::HumanColumn)) => {
                format!("{} (human)", pct(Some(h), 1))
            }
            (h, _) => pct(h, 1),
        };
        let mut row = vec![
            if r.rule.is_some() {
                format!("{} (rule)", r.tag)
            } else {
                r.tag.clone()
            },
            count(r.tagged),
            count(r.tagged_errors),
            est_pct(&r.share_of_errors, 1),
            est_pct(&r.error_rate, 1),
            est_pct(&r.share_of_data, 1),
            est_pct(&r.accuracy, 1),
            hlp,
            est_pct(&r.gap, 1),
            est_pct(&r.expected_lift, 2),
            pct(r.priority, 2),
            if r.exact {
                "exact".to_string()
            } else {
                pct(Some(r.coverage), 1)
            },
        ];
        if with_ci {
            row.push(pct_ci(r.expected_lift.ci, 2));
        }
        t.push(row);
    }
    t
}

/// The prioritisation table for machines: proportions as decimals with their
/// intervals, one column each.
#[must_use]
pub fn tags_csv(rows: &[TagRow]) -> String {
    let mut headers = vec!["tag", "kind", "rule", "tagged", "tagged_errors"];
    let metrics = ["share_of_errors", "error_rate", "share_of_data", "accuracy"];
    let mut names: Vec<String> = Vec::new();
    for m in metrics {
        names.extend([m.to_string(), format!("{m}_ci_low"), format!("{m}_ci_high")]);
    }
    names.extend(
        [
            "hlp",
            "hlp_source",
            "gap",
            "gap_ci_low",
            "gap_ci_high",
            "expected_lift",
            "expected_lift_ci_low",
            "expected_lift_ci_high",
            "priority",
            "importance",
            "effort",
            "coverage",
            "exact",
            "notes",
        ]
        .map(String::from),
    );
    headers.extend(names.iter().map(String::as_str));
    let mut t = Table::new(&headers);
    let v = |x: Option<f64>| x.map_or_else(String::new, |x| format!("{x}"));
    for r in rows {
        let mut row = vec![
            r.tag.clone(),
            if r.rule.is_some() { "rule" } else { "manual" }.to_string(),
            r.rule.clone().unwrap_or_default(),
            r.tagged.to_string(),
            r.tagged_errors.to_string(),
        ];
        for e in [
            &r.share_of_errors,
            &r.error_rate,
            &r.share_of_data,
            &r.accuracy,
        ] {
            row.extend([v(e.value), v(e.ci.map(|c| c.lo)), v(e.ci.map(|c| c.hi))]);
        }
        row.extend([
            v(r.hlp),
            r.hlp_source
                .map(|s| s.label().to_string())
                .unwrap_or_default(),
            v(r.gap.value),
            v(r.gap.ci.map(|c| c.lo)),
            v(r.gap.ci.map(|c| c.hi)),
            v(r.expected_lift.value),
            v(r.expected_lift.ci.map(|c| c.lo)),
            v(r.expected_lift.ci.map(|c| c.hi)),
            v(r.priority),
            r.importance.to_string(),
            r.effort.to_string(),
            format!("{}", r.coverage),
            r.exact.to_string(),
            r.notes.join(" "),
        ]);
        t.push(row);
    }
    t.to_csv()
}

/// Context printed above an exported table.
#[derive(Debug, Clone, Default)]
pub struct ExportContext {
    /// Data file name.
    pub file: String,
    /// Rows.
    pub rows: u64,
    /// Errors.
    pub errors: u64,
    /// Overall accuracy.
    pub accuracy: Option<f64>,
    /// Reviewed errors / errors.
    pub coverage: Option<f64>,
}

impl ExportContext {
    fn summary(&self) -> String {
        format!(
            "{}: {} examples, {} errors, accuracy {}, {} of errors reviewed",
            self.file,
            count(self.rows),
            count(self.errors),
            pct(self.accuracy, 2),
            pct(self.coverage, 0)
        )
    }
}

/// The notes under a table: one line per tag with something to explain.
fn tag_notes(rows: &[TagRow]) -> Vec<String> {
    rows.iter()
        .filter(|r| !r.notes.is_empty() || r.rule.is_some())
        .map(|r| {
            let mut parts = Vec::new();
            if let Some(rule) = &r.rule {
                parts.push(format!("rule `{rule}`"));
            }
            parts.extend(r.notes.iter().cloned());
            format!("{}: {}", r.tag, parts.join(" "))
        })
        .collect()
}

/// The prioritisation table as Markdown with a heading and notes.
#[must_use]
pub fn tags_markdown(rows: &[TagRow], ctx: &ExportContext) -> String {
    let mut out = format!("## Prioritise what to work on\n\n{}\n\n", ctx.summary());
    out.push_str(&tags_table(rows, true).to_markdown());
    out.push_str("\nExpected lift = max(HLP − accuracy, 0) × share of data; priority = lift × importance / effort.\n");
    let notes = tag_notes(rows);
    if !notes.is_empty() {
        out.push('\n');
        for n in notes {
            let _ = writeln!(out, "- {n}");
        }
    }
    out
}

/// The prioritisation table as one small self-contained HTML page, styled
/// inline so it survives pasting into a document.
#[must_use]
pub fn tags_html(rows: &[TagRow], ctx: &ExportContext) -> String {
    let table = tags_table(rows, true);
    let cell = "padding:4px 10px;border-bottom:1px solid #ddd;";
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Prioritise what to work on</title>\n</head>\n<body style=\"font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222;margin:24px;\">\n",
    );
    let _ = writeln!(
        out,
        "<h2 style=\"margin:0 0 4px 0;\">Prioritise what to work on</h2>"
    );
    let _ = writeln!(
        out,
        "<p style=\"margin:0 0 12px 0;color:#555;\">{}</p>",
        html_escape(&ctx.summary())
    );
    out.push_str("<table style=\"border-collapse:collapse;font-size:14px;\">\n<thead><tr>");
    for (i, h) in table.headers.iter().enumerate() {
        let align = if table.numeric[i] { "right" } else { "left" };
        let _ = write!(
            out,
            "<th style=\"{cell}text-align:{align};border-bottom:2px solid #444;\">{}</th>",
            html_escape(h)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (r, row) in rows.iter().zip(&table.rows) {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let align = if table.numeric[i] { "right" } else { "left" };
            if i == 0 {
                let _ = write!(
                    out,
                    "<td style=\"{cell}text-align:left;\"><span style=\"display:inline-block;width:10px;height:10px;border-radius:2px;background:{};margin-right:6px;\"></span>{}</td>",
                    html_escape(&r.colour),
                    html_escape(c)
                );
            } else {
                let _ = write!(
                    out,
                    "<td style=\"{cell}text-align:{align};\">{}</td>",
                    html_escape(c)
                );
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out.push_str("<p style=\"color:#555;font-size:13px;\">Expected lift = max(HLP &minus; accuracy, 0) &times; share of data; priority = lift &times; importance / effort. Intervals are 95%.</p>\n");
    let notes = tag_notes(rows);
    if !notes.is_empty() {
        out.push_str("<ul style=\"color:#555;font-size:13px;\">\n");
        for n in notes {
            let _ = writeln!(out, "<li>{}</li>", html_escape(&n));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The context line of a report.
#[must_use]
pub fn export_context(r: &Report) -> ExportContext {
    ExportContext {
        file: std::path::Path::new(&r.file)
            .file_name()
            .map_or_else(|| r.file.clone(), |f| f.to_string_lossy().into_owned()),
        rows: r.rows,
        errors: r.errors,
        accuracy: r.accuracy.value,
        coverage: r.review.coverage,
    }
}

fn per_class_table(r: &Report) -> Table {
    let mut t = Table::new(&["class", "precision", "recall", "f1", "support", "FP", "FN"]);
    for c in &r.per_class {
        t.push(vec![
            c.class.clone(),
            pct(c.precision, 1),
            pct(c.recall, 1),
            pct(c.f1, 1),
            count(c.support),
            count(c.false_positives),
            count(c.false_negatives),
        ]);
    }
    for (name, p) in [
        ("micro avg", &r.averages.micro),
        ("macro avg", &r.averages.macro_avg),
        ("weighted avg", &r.averages.weighted),
    ] {
        t.push(vec![
            name.to_string(),
            pct(p.precision, 1),
            pct(p.recall, 1),
            pct(p.f1, 1),
            count(r.rows),
            String::new(),
            String::new(),
        ]);
    }
    t
}

/// An interval of a difference (percent) or a ratio, for disparity lines:
/// ` [1.2, 3.4]`, or empty.
#[must_use]
pub fn interval_text(ci: Option<Interval>, as_pct: bool) -> String {
    match ci {
        Some(c) if as_pct => format!(" [{:.1}, {:.1}]", c.lo * 100.0, c.hi * 100.0),
        Some(c) => format!(" [{:.3}, {:.3}]", c.lo, c.hi),
        None => String::new(),
    }
}

fn sweep_table(s: &ScoreSummary) -> Table {
    let mut t = Table::new(&[
        "threshold",
        "TPR",
        "FPR",
        "precision",
        "accuracy",
        "F1",
        "selected",
    ]);
    for p in &s.sweep {
        let c = &p.counts;
        t.push(vec![
            format!("{:.3}", p.threshold),
            pct(c.tpr().value(), 1),
            pct(c.fpr().value(), 1),
            pct(c.precision().value(), 1),
            pct(c.accuracy().value(), 1),
            pct(c.f1(), 1),
            pct(c.selection_rate().value(), 1),
        ]);
    }
    t
}

fn scores_line(s: &ScoreSummary) -> String {
    format!(
        "positive class '{}', score read as {}: ROC AUC {}, average precision {}",
        s.positive,
        match s.meaning {
            ScoreMeaning::Positive => "the positive-class score",
            ScoreMeaning::Confidence => "the confidence in the prediction",
        },
        num(s.roc_auc, 4),
        num(s.average_precision, 4)
    )
}

fn watch_table(r: &Report) -> Table {
    let mut t = Table::new(&[
        "true → predicted",
        "count",
        "rate of true class",
        "95% interval",
        "share of errors",
        "examples",
    ]);
    for w in &r.watch {
        t.push(vec![
            format!("{} → {}", w.truth, w.pred),
            count(w.count),
            pct(w.rate, 2),
            pct_ci(w.rate_ci, 2),
            pct(w.share_of_errors, 2),
            w.examples
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    t.numeric[5] = false;
    t
}

fn confusion_table(r: &Report) -> Table {
    let mut headers: Vec<&str> = vec!["true \\ predicted"];
    headers.extend(r.classes.iter().map(String::as_str));
    let mut t = Table::new(&headers);
    for (i, row) in r.confusion.rows().iter().enumerate() {
        let mut cells = vec![r.classes[i].clone()];
        cells.extend(row.iter().map(|&v| count(v)));
        t.push(cells);
    }
    t
}

fn slice_table(s: &SliceAnalysis) -> Table {
    let with_positive = s.positive.is_some();
    let mut headers = vec![
        "group",
        "count",
        "share",
        "accuracy",
        "95% interval",
        "error rate",
    ];
    if with_positive {
        headers.extend(["FPR", "FNR", "TPR", "precision", "selection rate"]);
    }
    headers.push("flags");
    let mut t = Table::new(&headers);
    for (i, g) in s.groups.iter().enumerate() {
        let c = &g.counts;
        let acc = Proportion::new(c.correct, c.n);
        let mut row = vec![
            g.name(),
            count(c.n),
            pct(s.share(i).value(), 1),
            pct(acc.value(), 1),
            pct_ci(acc.ci(), 1),
            pct(Proportion::new(c.n - c.correct, c.n).value(), 1),
        ];
        if with_positive {
            let b = &c.binary;
            row.extend(
                [b.fpr(), b.fnr(), b.tpr(), b.precision(), b.selection_rate()]
                    .map(|p| pct(p.value(), 1)),
            );
        }
        let mut flags = Vec::new();
        if s.low_support(i) {
            flags.push(format!("low support (<{})", s.min_support));
        }
        if s.reference == Some(i) {
            flags.push("reference".to_string());
        } else if let Some(d) = s.aequitas.get(i) {
            let out: Vec<&str> = d
                .iter()
                .filter(|x| x.flagged)
                .map(|x| x.metric.key())
                .collect();
            if !out.is_empty() {
                flags.push(format!("disparity: {}", out.join(", ")));
            }
        }
        row.push(flags.join("; "));
        t.push(row);
    }
    t.numeric[headers.len() - 1] = false;
    t
}

fn disparity_line(s: &SliceAnalysis) -> String {
    let d = &s.disparity;
    let b = s.disparity_ci.unwrap_or_default();
    let mut parts = vec![format!(
        "accuracy difference {}{} (ratio {}{})",
        pct(d.accuracy_difference, 1),
        interval_text(b.accuracy_difference, true),
        num(d.accuracy_ratio, 3),
        interval_text(b.accuracy_ratio, false)
    )];
    if s.positive.is_some() {
        parts.push(format!(
            "demographic parity difference {}{} (ratio {}{})",
            pct(d.demographic_parity_difference, 1),
            interval_text(b.demographic_parity_difference, true),
            num(d.demographic_parity_ratio, 3),
            interval_text(b.demographic_parity_ratio, false)
        ));
        parts.push(format!(
            "equalized odds difference {}{} (ratio {}{})",
            pct(d.equalized_odds_difference, 1),
            interval_text(b.equalized_odds_difference, true),
            num(d.equalized_odds_ratio, 3),
            interval_text(b.equalized_odds_ratio, false)
        ));
    }
    let boot = s.disparity_ci.map_or_else(String::new, |b| {
        format!(
            " (bootstrap 95% intervals, {} resamples, seed {})",
            b.replicates, b.seed
        )
    });
    format!("Disparity{boot}: {}", parts.join("; "))
}

fn overall_lines(r: &Report) -> Vec<String> {
    let mut lines = vec![
        format!(
            "{} rows, {} classes, {} errors",
            count(r.rows),
            r.classes.len(),
            count(r.errors)
        ),
        format!(
            "accuracy {} {}",
            pct(r.accuracy.value, 2),
            pct_ci(r.accuracy.ci, 2)
        ),
        format!("balanced accuracy {}", pct(r.balanced_accuracy, 2)),
        format!(
            "reviewed {} errors ({} coverage) and {} correct examples",
            count(r.review.reviewed_errors),
            pct(r.review.coverage, 1),
            count(r.review.reviewed_correct)
        ),
    ];
    if let Some(p) = &r.positive {
        let b = &p.rates;
        lines.push(format!(
            "positive class '{}'{}: TPR {}, FPR {}, FNR {}, TNR {}, precision {}, selection rate {}, prevalence {}",
            p.class,
            if p.automatic { " (automatic)" } else { "" },
            pct(b.tpr.value, 1),
            pct(b.fpr.value, 1),
            pct(b.fnr.value, 1),
            pct(b.tnr.value, 1),
            pct(b.precision.value, 1),
            pct(b.selection_rate.value, 1),
            pct(b.prevalence.value, 1)
        ));
    }
    if let Some(h) = &r.human {
        lines.push(format!(
            "human labels agree with the true label on {} {} of {} labelled examples",
            pct(h.accuracy.value, 2),
            pct_ci(h.accuracy.ci, 2),
            count(h.labelled)
        ));
    }
    lines
}

/// The report for a terminal.
#[must_use]
pub fn report_text(r: &Report) -> String {
    let mut out = format!("Slicewise report: {}\n", r.file);
    for w in &r.warnings {
        let _ = writeln!(out, "note: {w}");
    }
    out.push_str("\n== Prioritise what to work on ==\n");
    if r.tags.is_empty() {
        out.push_str("No tags yet. Tag errors in the desktop app (slicewise open FILE), or add rule tags to the session file.\n");
    } else {
        out.push_str(&tags_table(&r.tags, true).to_text());
        out.push_str("expected lift = max(HLP - accuracy, 0) x share of data; priority = lift x importance / effort\n");
        for n in tag_notes(&r.tags) {
            let _ = writeln!(out, "  * {n}");
        }
    }
    out.push_str("\n== Overall ==\n");
    for l in overall_lines(r) {
        let _ = writeln!(out, "{l}");
    }
    out.push_str("\n== Per class ==\n");
    out.push_str(&per_class_table(r).to_text());
    if r.classes.len() <= 15 {
        out.push_str("\n== Confusion matrix (rows: true, columns: predicted) ==\n");
        out.push_str(&confusion_table(r).to_text());
    }
    if !r.watch.is_empty() {
        out.push_str("\n== Costly confusions ==\n");
        out.push_str(&watch_table(r).to_text());
    }
    if let Some(s) = &r.scores {
        out.push_str("\n== Scores ==\n");
        let _ = writeln!(out, "{}", scores_line(s));
        out.push_str(&sweep_table(s).to_text());
    }
    for s in &r.slices {
        let _ = writeln!(out, "\n== Slice: {}{} ==", s.name(), slice_suffix(s));
        out.push_str(&slice_table(s).to_text());
        let _ = writeln!(out, "{}", disparity_line(s));
    }
    out
}

fn slice_suffix(s: &SliceAnalysis) -> String {
    s.threshold
        .map_or_else(String::new, |t| format!(" (decisions at score >= {t})"))
}

/// The report as Markdown.
#[must_use]
pub fn report_markdown(r: &Report) -> String {
    let mut out = format!("# Slicewise report: {}\n\n", r.file);
    for w in &r.warnings {
        let _ = writeln!(out, "> {w}\n");
    }
    if r.tags.is_empty() {
        out.push_str("## Prioritise what to work on\n\nNo tags yet.\n");
    } else {
        out.push_str(&tags_markdown(&r.tags, &export_context(r)));
    }
    out.push_str("\n## Overall\n\n");
    for l in overall_lines(r) {
        let _ = writeln!(out, "- {l}");
    }
    out.push_str("\n## Per class\n\n");
    out.push_str(&per_class_table(r).to_markdown());
    if r.classes.len() <= 15 {
        out.push_str(
            "\n## Confusion matrix\n\nRows are true classes, columns predicted classes.\n\n",
        );
        out.push_str(&confusion_table(r).to_markdown());
    }
    if !r.watch.is_empty() {
        out.push_str("\n## Costly confusions\n\n");
        out.push_str(&watch_table(r).to_markdown());
    }
    if let Some(sc) = &r.scores {
        out.push_str("\n## Scores\n\n");
        let _ = writeln!(out, "{}\n", scores_line(sc));
        out.push_str(&sweep_table(sc).to_markdown());
    }
    for s in &r.slices {
        let _ = writeln!(out, "\n## Slice: {}{}\n", s.name(), slice_suffix(s));
        out.push_str(&slice_table(s).to_markdown());
        let _ = writeln!(out, "\n{}", disparity_line(s));
    }
    out
}

/// The report as one tidy CSV: `section,key,group,metric,value,ci_low,ci_high`.
#[must_use]
pub fn report_csv(r: &Report) -> String {
    let mut t = Table::new(&[
        "section", "key", "group", "metric", "value", "ci_low", "ci_high",
    ]);
    let v = |x: Option<f64>| x.map_or_else(String::new, |x| format!("{x}"));
    let mut add = |section: &str,
                   key: &str,
                   group: &str,
                   metric: &str,
                   value: Option<f64>,
                   ci: Option<Interval>| {
        t.push(vec![
            section.to_string(),
            key.to_string(),
            group.to_string(),
            metric.to_string(),
            v(value),
            v(ci.map(|c| c.lo)),
            v(ci.map(|c| c.hi)),
        ]);
    };
    #[allow(clippy::cast_precision_loss)]
    {
        add("overall", "", "", "rows", Some(r.rows as f64), None);
        add("overall", "", "", "errors", Some(r.errors as f64), None);
    }
    add(
        "overall",
        "",
        "",
        "accuracy",
        r.accuracy.value,
        r.accuracy.ci,
    );
    add(
        "overall",
        "",
        "",
        "balanced_accuracy",
        r.balanced_accuracy,
        None,
    );
    for (i, row) in r.confusion.rows().iter().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            add(
                "confusion",
                &r.classes[i],
                &r.classes[j],
                "count",
                Some(c as f64),
                None,
            );
        }
    }
    for c in &r.per_class {
        add(
            "per_class",
            &c.class,
            "",
            "precision",
            c.precision,
            c.precision_ci,
        );
        add("per_class", &c.class, "", "recall", c.recall, c.recall_ci);
        add("per_class", &c.class, "", "f1", c.f1, None);
        #[allow(clippy::cast_precision_loss)]
        add(
            "per_class",
            &c.class,
            "",
            "support",
            Some(c.support as f64),
            None,
        );
    }
    for (name, p) in [
        ("micro", &r.averages.micro),
        ("macro", &r.averages.macro_avg),
        ("weighted", &r.averages.weighted),
    ] {
        add("averages", name, "", "precision", p.precision, None);
        add("averages", name, "", "recall", p.recall, None);
        add("averages", name, "", "f1", p.f1, None);
    }
    if let Some(p) = &r.positive {
        let b = &p.rates;
        for (m, rate) in [
            ("tpr", b.tpr),
            ("fpr", b.fpr),
            ("fnr", b.fnr),
            ("tnr", b.tnr),
            ("precision", b.precision),
            ("selection_rate", b.selection_rate),
            ("prevalence", b.prevalence),
        ] {
            add("positive", &p.class, "", m, rate.value, rate.ci);
        }
    }
    for s in &r.slices {
        let name = s.name();
        for (i, g) in s.groups.iter().enumerate() {
            let c = &g.counts;
            let group = g.name();
            #[allow(clippy::cast_precision_loss)]
            add("slices", &name, &group, "count", Some(c.n as f64), None);
            let share = s.share(i);
            add("slices", &name, &group, "share", share.value(), share.ci());
            let acc = Proportion::new(c.correct, c.n);
            add("slices", &name, &group, "accuracy", acc.value(), acc.ci());
            let err = Proportion::new(c.n - c.correct, c.n);
            add("slices", &name, &group, "error_rate", err.value(), err.ci());
            if s.positive.is_some() {
                let b = &c.binary;
                for (m, p) in [
                    ("fpr", b.fpr()),
                    ("fnr", b.fnr()),
                    ("tpr", b.tpr()),
                    ("precision", b.precision()),
                    ("selection_rate", b.selection_rate()),
                ] {
                    add("slices", &name, &group, m, p.value(), p.ci());
                }
            }
            add(
                "slices",
                &name,
                &group,
                "low_support",
                Some(if s.low_support(i) { 1.0 } else { 0.0 }),
                None,
            );
        }
        let d = &s.disparity;
        let b = s.disparity_ci.unwrap_or_default();
        for (m, x, ci) in [
            (
                "demographic_parity_difference",
                d.demographic_parity_difference,
                b.demographic_parity_difference,
            ),
            (
                "demographic_parity_ratio",
                d.demographic_parity_ratio,
                b.demographic_parity_ratio,
            ),
            (
                "equalized_odds_difference",
                d.equalized_odds_difference,
                b.equalized_odds_difference,
            ),
            (
                "equalized_odds_ratio",
                d.equalized_odds_ratio,
                b.equalized_odds_ratio,
            ),
            (
                "accuracy_difference",
                d.accuracy_difference,
                b.accuracy_difference,
            ),
            ("accuracy_ratio", d.accuracy_ratio, b.accuracy_ratio),
        ] {
            add("disparity", &name, "", m, x, ci);
        }
    }
    for tag in &r.tags {
        #[allow(clippy::cast_precision_loss)]
        {
            add(
                "tags",
                &tag.tag,
                "",
                "tagged",
                Some(tag.tagged as f64),
                None,
            );
            add(
                "tags",
                &tag.tag,
                "",
                "tagged_errors",
                Some(tag.tagged_errors as f64),
                None,
            );
        }
        for (m, e) in [
            ("share_of_errors", &tag.share_of_errors),
            ("error_rate", &tag.error_rate),
            ("share_of_data", &tag.share_of_data),
            ("accuracy", &tag.accuracy),
        ] {
            add("tags", &tag.tag, "", m, e.value, e.ci);
        }
        add("tags", &tag.tag, "", "hlp", tag.hlp, None);
        add("tags", &tag.tag, "", "gap", tag.gap.value, tag.gap.ci);
        add(
            "tags",
            &tag.tag,
            "",
            "expected_lift",
            tag.expected_lift.value,
            tag.expected_lift.ci,
        );
        add("tags", &tag.tag, "", "priority", tag.priority, None);
        add("tags", &tag.tag, "", "coverage", Some(tag.coverage), None);
    }
    if let Some(h) = &r.human {
        add("human", "", "", "accuracy", h.accuracy.value, h.accuracy.ci);
        for (c, rate, _) in &h.per_class {
            add("human", c, "", "accuracy", rate.value, rate.ci);
        }
    }
    if let Some(s) = &r.scores {
        add("scores", &s.positive, "", "roc_auc", s.roc_auc, None);
        add(
            "scores",
            &s.positive,
            "",
            "average_precision",
            s.average_precision,
            None,
        );
        for p in &s.sweep {
            let c = &p.counts;
            let t = format!("{}", p.threshold);
            add(
                "sweep",
                &s.positive,
                &t,
                "tpr",
                c.tpr().value(),
                c.tpr().ci(),
            );
            add(
                "sweep",
                &s.positive,
                &t,
                "fpr",
                c.fpr().value(),
                c.fpr().ci(),
            );
            add(
                "sweep",
                &s.positive,
                &t,
                "precision",
                c.precision().value(),
                c.precision().ci(),
            );
            add(
                "sweep",
                &s.positive,
                &t,
                "accuracy",
                c.accuracy().value(),
                c.accuracy().ci(),
            );
        }
    }
    for w in &r.watch {
        let key = format!("{}:{}", w.truth, w.pred);
        #[allow(clippy::cast_precision_loss)]
        add("watch", &key, "", "count", Some(w.count as f64), None);
        add("watch", &key, "", "rate", w.rate, w.rate_ci);
        add(
            "watch",
            &key,
            "",
            "share_of_errors",
            w.share_of_errors,
            None,
        );
    }
    t.to_csv()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_for_people() {
        assert_eq!(pct(Some(0.006), 2), "0.60%");
        assert_eq!(pct(None, 1), NA);
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn text_tables_align_numbers_right() {
        let mut t = Table::new(&["name", "n"]);
        t.push(vec!["a".into(), "1".into()]);
        t.push(vec!["bb".into(), "100".into()]);
        assert_eq!(t.to_text(), "name    n\n----  ---\na       1\nbb    100\n");
        assert!(t.to_markdown().contains("| --- | ---: |"));
    }
}
