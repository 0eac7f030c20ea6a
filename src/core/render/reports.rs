//! The report of `slicewise report` as one [`Document`] (text, Markdown and
//! HTML print it alike), and the prioritisation table's own small document
//! for exports.

use super::chart::{Bar, Chart, Series, Unit};
use super::document::{Document, Figure};
use super::tables::{
    confusion_table, disparity_line, judged_line, omitted_groups_line, overall_lines,
    per_class_table, score_sections, scores_line, slice_scores, slice_suffix, slice_table,
    sweep_table, tag_notes, tags_table, watch_table,
};
use crate::core::priority::{ExportContext, TagRow};
use crate::core::report::Report;

/// The line under the prioritisation table that says how it is computed.
const FORMULA: &str = "Expected lift = max(HLP − accuracy, 0) × share of data; priority = lift × importance / effort.";

/// The prioritisation table as a document section: the context, the
/// table, how lift is computed, the lift chart, a few example ids per tag,
/// and the tags' notes.
fn tags_section_with(
    doc: &mut Document,
    rows: &[TagRow],
    ctx: &ExportContext,
    chart: Option<Chart>,
    examples: &[(String, Vec<String>)],
    pictures: &[(String, Vec<(String, String)>)],
) {
    doc.heading("Prioritise what to work on");
    doc.line(ctx.summary());
    if rows.is_empty() {
        doc.line(
            "No tags yet. Tag errors in the desktop app (slicewise open FILE), or add rule tags to the session file.",
        );
        return;
    }
    doc.table(tags_table(rows, true));
    doc.line(FORMULA);
    if let Some(c) = chart {
        doc.chart(c);
    }
    let listed: Vec<String> = examples
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(tag, ids)| format!("{tag}: {}", ids.join(", ")))
        .collect();
    if !listed.is_empty() {
        doc.line("A few examples of each tag (errors first), to look at in the meeting:");
        doc.bullets(listed);
    }
    for (tag, items) in pictures {
        doc.blocks
            .push(super::document::Block::Pictures(tag.clone(), items.clone()));
    }
    doc.bullets(tag_notes(rows));
}

/// The prioritisation table alone, as exported for a planning document.
#[must_use]
pub fn tags_document(rows: &[TagRow], ctx: &ExportContext) -> Document {
    let mut doc = Document::new("Prioritise what to work on");
    doc.line(ctx.summary());
    doc.table(tags_table(rows, true));
    doc.line(FORMULA);
    doc.bullets(tag_notes(rows));
    doc
}

/// The figures a reader looks at first: examples, accuracy, errors, review
/// coverage, likely label errors; each with the JSON report's exact value.
fn headline(r: &Report) -> Vec<Figure> {
    let exact = |key: &str, v: f64| Some((key.to_string(), v));
    let mut figures = vec![
        Figure {
            name: "examples".into(),
            value: super::count(r.rows),
            detail: format!("{} classes", r.classes.len()),
            exact: exact("rows", r.rows.w),
        },
        Figure {
            name: "accuracy".into(),
            value: super::pct(r.accuracy.value, 2),
            detail: format!("95% {}", super::pct_ci(r.accuracy.ci, 2)),
            exact: r.accuracy.value.and_then(|v| exact("accuracy", v)),
        },
        Figure {
            name: "errors".into(),
            value: super::count(r.errors),
            detail: format!(
                "{} of the examples",
                super::pct(crate::core::stats::ratio(r.errors.w, r.rows.w), 1)
            ),
            exact: exact("errors", r.errors.w),
        },
        Figure {
            name: "errors reviewed".into(),
            value: super::pct(r.review.coverage, 1),
            detail: format!(
                "{} errors and {} correct examples reviewed",
                super::count(r.review.reviewed_errors),
                super::count(r.review.reviewed_correct)
            ),
            exact: r.review.coverage.and_then(|v| exact("review.coverage", v)),
        },
    ];
    if let Some(s) = &r.label_issues {
        let share = crate::core::label_issues::Summary::share(s.flagged, s.rows);
        #[allow(clippy::cast_precision_loss)]
        figures.push(Figure {
            name: "likely label errors".into(),
            value: super::count(s.flagged),
            detail: format!("{} {}", super::pct(share, 1), super::pct_ci(s.ci, 1)),
            exact: exact("label_issues.flagged", s.flagged as f64),
        });
    }
    figures
}

/// The tags' expected lift with intervals, largest first.
fn lift_chart(rows: &[TagRow]) -> Option<Chart> {
    let mut rows: Vec<&TagRow> = rows
        .iter()
        .filter(|t| t.expected_lift.value.is_some())
        .collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| {
        let v = |t: &TagRow| t.expected_lift.value.unwrap_or(f64::NEG_INFINITY);
        v(b).total_cmp(&v(a)).then_with(|| a.tag.cmp(&b.tag))
    });
    Some(Chart::Bars {
        title: "Expected accuracy lift per tag (95% intervals), largest first".into(),
        unit: Unit::Points,
        bars: rows
            .into_iter()
            .map(|t| Bar {
                name: t.tag.clone(),
                value: t.expected_lift.value,
                ci: t.expected_lift.ci.map(|c| (c.lo, c.hi)),
                flag: None,
                note: None,
            })
            .collect(),
        reference: None,
    })
}

/// The confusion matrix as a heatmap over the most frequent classes, the
/// rest in one "(other)" row and column, as the app shows it.
fn confusion_chart(r: &Report) -> Chart {
    use crate::core::metrics::ClassOrder;
    const TOP: usize = 15;
    let order = r.confusion.top_classes(ClassOrder::Support, TOP);
    let (names, m) = r.confusion.collapse(&r.classes, &order, TOP);
    let n = names.len();
    let cells: Vec<Vec<f64>> = (0..n)
        .map(|t| (0..n).map(|p| m.get(t, p).w).collect())
        .collect();
    let texts = cells
        .iter()
        .enumerate()
        .map(|(t, row)| {
            row.iter()
                .enumerate()
                .map(|(p, &v)| {
                    if v > 0.0 {
                        super::count(m.get(t, p))
                    } else {
                        String::new()
                    }
                })
                .collect()
        })
        .collect();
    Chart::Heatmap {
        title: if n < r.classes.len() {
            format!(
                "Confusion matrix: the {} most frequent classes of {}, the rest as {}",
                n - 1,
                r.classes.len(),
                crate::core::metrics::OTHER
            )
        } else {
            "Confusion matrix".to_string()
        },
        rows_are: "true class".into(),
        columns_are: "predicted class".into(),
        names,
        cells,
        texts,
    }
}

/// Recall per class with intervals, lowest first.
fn recall_chart(r: &Report) -> Chart {
    let (shown, _) = r.shown_classes();
    let mut classes: Vec<_> = shown.into_iter().collect();
    classes.sort_by(|a, b| {
        let v = |c: &crate::core::metrics::ClassMetrics| c.recall.unwrap_or(f64::INFINITY);
        v(a).total_cmp(&v(b)).then_with(|| a.class.cmp(&b.class))
    });
    Chart::Bars {
        title: "Recall per class (95% intervals), lowest first".into(),
        unit: Unit::Percent,
        bars: classes
            .into_iter()
            .map(|c| Bar {
                name: c.class.clone(),
                value: c.recall,
                ci: c.recall_ci.map(|i| (i.lo, i.hi)),
                flag: None,
                note: None,
            })
            .collect(),
        reference: r.accuracy.value.map(|a| ("accuracy".to_string(), a)),
    }
}

/// The rate of harm that differs most between the groups of slice `i` (as
/// the Slices view opens on), per group with intervals, in the table's
/// order; the flagged groups in red with their flags, as the table says.
fn slice_chart(r: &Report, i: usize, shown: &[usize]) -> Chart {
    let s = &r.slices[i];
    let metric = s.largest_disparity();
    let mut all = crate::core::slices::GroupCounts::default();
    for g in &s.groups {
        all.add(&g.counts);
    }
    Chart::Bars {
        title: format!(
            "{} per {} (95% intervals): the rate that differs most between the groups",
            metric.name(),
            s.name()
        ),
        unit: Unit::Percent,
        bars: shown
            .iter()
            .map(|&g| {
                let rate = metric.of(&s.groups[g].counts);
                let flags: Vec<String> = super::tables::group_flags(s, g)
                    .into_iter()
                    .filter(|f| f != "reference")
                    .collect();
                Bar {
                    name: s.groups[g].name(),
                    value: rate.value(),
                    ci: rate.ci().map(|c| (c.lo, c.hi)),
                    flag: (!flags.is_empty()).then(|| flags.join("; ")),
                    note: None,
                }
            })
            .collect(),
        reference: metric.of(&all).value().map(|v| ("all rows".to_string(), v)),
    }
}

/// At most `n` points of a curve, evenly over its length (the ends kept):
/// a curve of a million thresholds draws as well from a few hundred.
fn thin(points: Vec<(f64, f64)>, n: usize) -> Vec<(f64, f64)> {
    if points.len() <= n || n < 2 {
        return points;
    }
    let last = points.len() - 1;
    (0..n).map(|k| points[k * last / (n - 1)]).collect()
}

/// The ROC and precision–recall curves of the positive class's score.
fn curves_chart(s: &crate::core::report::ScoreSummary) -> Option<Chart> {
    let mut series = Vec::new();
    if let Some(roc) = &s.roc {
        series.push(Series {
            name: format!("ROC (AUC {})", super::num(s.roc_auc, 3)),
            points: thin(
                roc.fpr
                    .iter()
                    .copied()
                    .zip(roc.tpr.iter().copied())
                    .collect(),
                300,
            ),
        });
    }
    if let Some(pr) = &s.pr {
        series.push(Series {
            name: format!(
                "precision–recall (AP {})",
                super::num(s.average_precision, 3)
            ),
            points: thin(
                pr.recall
                    .iter()
                    .copied()
                    .zip(pr.precision.iter().copied())
                    .collect(),
                300,
            ),
        });
    }
    (!series.is_empty()).then(|| Chart::Lines {
        title: format!("Score curves, positive class '{}'", s.positive),
        x: "false positive rate (ROC) · recall (PR)".into(),
        y: "true positive rate (ROC) · precision (PR)".into(),
        series,
        diagonal: false,
    })
}

/// The reliability diagram of the calibration.
fn reliability_chart(r: &Report) -> Option<Chart> {
    let c = r.calibration.as_ref()?;
    let points: Vec<(f64, f64)> = c
        .reliability
        .iter()
        .filter_map(|b| Some((b.confidence?, b.accuracy?)))
        .collect();
    (!points.is_empty()).then(|| Chart::Lines {
        title: format!("Reliability diagram (ECE {})", super::pct(c.ece, 2)),
        x: "mean confidence in the bin".into(),
        y: "accuracy in the bin".into(),
        series: vec![Series {
            name: "the model".into(),
            points,
        }],
        diagonal: true,
    })
}

/// Likely label errors per class, as shares with intervals.
fn label_issues_chart(r: &Report) -> Option<Chart> {
    let s = r.label_issues.as_ref()?;
    Some(Chart::Bars {
        title: "Likely label errors per class of the given label (95% intervals)".into(),
        unit: Unit::Percent,
        bars: s
            .per_class
            .iter()
            .zip(&r.classes)
            .take(super::chart::MAX_BARS)
            .map(|(&(rows, flagged, ci), name)| Bar {
                name: name.clone(),
                value: crate::core::label_issues::Summary::share(flagged, rows),
                ci: ci.map(|c| (c.lo, c.hi)),
                flag: None,
                note: None,
            })
            .collect(),
        reference: None,
    })
}

/// What a reader needs to reproduce the report: the inputs, the command,
/// the version, and what every number means.
fn appendix(doc: &mut Document, r: &Report) {
    let p = &r.provenance;
    doc.heading("Appendix: how these numbers were made");
    let mut items = vec![
        format!("Data: {} (fingerprint {})", r.file, p.fingerprint),
        match &p.session {
            Some(s) => format!("Session: {s}"),
            None => "Session: none (no tags, no reviews)".to_string(),
        },
    ];
    if let Some(c) = &p.command {
        items.push(format!("Command: {c}"));
    }
    items.push(format!("Slicewise {}", p.version));
    doc.bullets(items);
    doc.line("Definitions (each equals the named reference package's, tested on real data):");
    doc.bullets(vec![
        "Accuracy, balanced accuracy, precision, recall, F1 and their averages: scikit-learn's accuracy_score, balanced_accuracy_score and precision_recall_fscore_support.".into(),
        "95% intervals of shares: Wilson score intervals (statsmodels' proportion_confint, method \"wilson\").".into(),
        "Fairness: per group TPR, FPR, FNR, precision and selection rate; Aequitas's disparities (ratios to a reference group, its 0.8–1.25 band) and fairlearn's MetricFrame differences and ratios. A group is marked worse when a rate of harm is over 1.25× that of all other rows and the difference is beyond chance (its 95% interval above 0).".into(),
        "ROC AUC, average precision, log loss and Brier score: scikit-learn's; calibration error (ECE) over equal-width confidence bins.".into(),
        "Likely label errors: confident learning as cleanlab 2.9's find_label_issues; agreement among annotators: Krippendorff's alpha (nominal) as the krippendorff package.".into(),
        format!("Prioritisation: {FORMULA} HLP is the human labels' accuracy on the tag's examples."),
    ]);
    let estimated: Vec<&str> = r
        .tags
        .iter()
        .filter(|t| !t.exact)
        .map(|t| t.tag.as_str())
        .collect();
    doc.line(if estimated.is_empty() {
        "Every number is computed from every row: none is an estimate from a review sample.".to_string()
    } else {
        format!(
            "Estimates from a review sample (share of errors, error rate, share of data and lift, with their intervals): the hand tags {}. Every other number is computed from every row.",
            estimated.join(", ")
        )
    });
}

/// What `slicewise report` says, once, for every printer.
#[must_use]
pub fn report_document(r: &Report) -> Document {
    report_document_with(r, Vec::new())
}

/// [`report_document`] with more blocks (a comparison with a second run)
/// before the appendix.
#[must_use]
pub fn report_document_with(r: &Report, more: Vec<super::document::Block>) -> Document {
    let mut doc = Document::new(format!("Slicewise report: {}", r.file));
    for w in &r.warnings {
        doc.note(w.clone());
    }
    doc.headline(headline(r));
    tags_section_with(
        &mut doc,
        &r.tags,
        &r.context,
        lift_chart(&r.tags),
        &r.tag_examples,
        &r.tag_pictures,
    );
    doc.heading("Overall");
    for l in overall_lines(r) {
        doc.line(l);
    }
    doc.heading("Per class");
    doc.chart(recall_chart(r));
    doc.table(per_class_table(r));
    doc.heading("Confusion matrix (rows: true, columns: predicted)");
    doc.chart(confusion_chart(r));
    if r.classes.len() <= 15 {
        doc.table(confusion_table(r));
    }
    if !r.watch.is_empty() {
        doc.heading("Costly confusions");
        doc.table(watch_table(r));
    }
    if let Some(s) = &r.scores {
        doc.heading("Scores");
        doc.line(scores_line(s));
        if let Some(c) = curves_chart(s) {
            doc.chart(c);
        }
        doc.table(sweep_table(s));
    }
    for section in score_sections(r) {
        let calibration = section.title == "Calibration";
        doc.heading(section.title);
        if calibration && let Some(c) = reliability_chart(r) {
            doc.chart(c);
        }
        for l in section.lines {
            doc.line(l);
        }
        if let Some(t) = section.table {
            doc.table(t);
        }
    }
    if let Some(a) = &r.annotators {
        annotators_section(&mut doc, a);
    }
    if let Some(s) = &r.label_issues {
        let share = crate::core::label_issues::Summary::share(s.flagged, s.rows);
        doc.heading("Likely label errors");
        doc.line(format!(
            "{} of {} examples ({} {}) are likely label errors by confident learning (as cleanlab computes it, {}; its num_label_issues {}): `slicewise label-issues {}` lists them, worst first.",
            super::count(s.flagged),
            super::count(s.rows),
            super::pct(share, 1),
            super::pct_ci(s.ci, 1),
            s.options.filter_by.name(),
            super::count(s.num_label_issues as u64),
            r.file
        ));
        if let Some(c) = label_issues_chart(r) {
            doc.chart(c);
        }
    }
    if r.slices.is_empty() && !r.slice_columns.is_empty() {
        doc.line(format!(
            "No slices: pass --by COL for metrics and fairness per group (slice columns: {}).",
            r.slice_columns.join(", ")
        ));
    }
    for (i, s) in r.slices.iter().enumerate() {
        doc.heading(format!("Slice: {}{}", s.name(), slice_suffix(s)));
        let (shown, omitted) = r.shown_groups(i);
        doc.chart(slice_chart(r, i, &shown));
        doc.table(slice_table(s, slice_scores(r, i), &shown));
        if let Some(l) = omitted_groups_line(omitted) {
            doc.line(l);
        }
        doc.line(judged_line(s));
        doc.line(disparity_line(s));
    }
    doc.blocks.extend(more);
    appendix(&mut doc, r);
    doc
}

/// The report for a terminal of any width.
#[must_use]
pub fn report_text(r: &Report) -> String {
    report_text_width(r, None)
}

/// The report for a terminal `width` characters wide (`None`: no limit).
#[must_use]
pub fn report_text_width(r: &Report, width: Option<usize>) -> String {
    report_document(r).to_text(width)
}

/// The report as Markdown.
#[must_use]
pub fn report_markdown(r: &Report) -> String {
    report_document(r).to_markdown()
}

/// The report as one self-contained HTML page.
#[must_use]
pub fn report_html(r: &Report) -> String {
    report_document(r).to_html()
}

/// The prioritisation table as Markdown with a heading and notes.
#[must_use]
pub fn tags_markdown(rows: &[TagRow], ctx: &ExportContext) -> String {
    tags_document(rows, ctx).to_markdown()
}

impl super::document::Printable for Report {
    fn document(&self) -> Document {
        report_document(self)
    }

    fn tidy_csv(&self) -> String {
        super::csv::report_csv(self)
    }

    fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        super::json::write_report_json(self, out)
    }
}

/// "Agreement among annotators": the overall figures, then per class, per
/// annotator, per slice group and per tag.
fn annotators_section(doc: &mut Document, a: &crate::core::annotators::Summary) {
    use crate::core::annotators::Agreement;
    let o = &a.overall;
    doc.heading("Agreement among annotators");
    doc.line(format!(
        "From {}: {} votes on {} examples ({} with two or more). Krippendorff's alpha (nominal) {}{}; votes equal to the given label {} {}; the majority is the given label on {} examples, ties on {}.",
        a.source,
        super::count(o.votes),
        super::count(o.rows),
        super::count(o.pairable),
        super::num(o.alpha, 3),
        super::interval_text(o.alpha_ci, false),
        super::pct(o.accuracy, 1),
        super::pct_ci(o.accuracy_ci, 1),
        super::count(o.majority_agrees),
        super::count(o.ties),
    ));
    let table = |first: &str, rows: &[(String, Agreement)]| {
        let mut t = super::Table::new(&[
            first,
            "examples",
            "votes",
            "alpha",
            "95% interval",
            "votes = label",
            "ties",
        ]);
        for (name, g) in rows {
            t.push(vec![
                name.clone(),
                super::count(g.rows),
                super::count(g.votes),
                super::num(g.alpha, 3),
                super::interval_text(g.alpha_ci, false)
                    .trim_start()
                    .to_string(),
                super::pct(g.accuracy, 1),
                super::count(g.ties),
            ]);
        }
        t.droppable(&["95% interval", "votes", "ties"])
    };
    doc.table(table("given label", &a.per_class));
    if !a.annotators.is_empty() {
        let mut t = super::Table::new(&[
            "annotator",
            "labelled",
            "= given label",
            "agrees with others",
        ]);
        for x in &a.annotators {
            t.push(vec![
                x.name.clone(),
                super::count(x.labelled),
                super::pct(x.accuracy, 1),
                super::pct(x.agreement, 1),
            ]);
        }
        doc.table(t);
    }
    for (name, groups) in &a.slices {
        doc.line(format!("By {name}:"));
        doc.table(table(name, groups));
    }
    if !a.tags.is_empty() {
        doc.table(table("tag", &a.tags));
    }
}

/// A section another part of the engine adds to a report (a comparison
/// with a second run, the discovered slices): what it says, and its JSON
/// and tidy CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// What it says, before the report's appendix.
    pub blocks: Vec<super::document::Block>,
    /// Its member in the report's JSON.
    pub key: &'static str,
    /// Its JSON.
    pub json: serde_json::Value,
    /// Its tidy CSV (with the report's header, which is dropped).
    pub csv: String,
}

/// A report with more sections (`report --compare AFTER`, `--discover`),
/// in every format: the sections before the appendix, their JSON as
/// members of the report's, their CSV rows after the report's.
pub struct ReportWith<'a> {
    /// The report.
    pub report: &'a Report,
    /// The sections, in order.
    pub sections: Vec<Section>,
}

impl super::document::Printable for ReportWith<'_> {
    fn document(&self) -> Document {
        report_document_with(
            self.report,
            self.sections
                .iter()
                .flat_map(|s| s.blocks.clone())
                .collect(),
        )
    }

    fn tidy_csv(&self) -> String {
        let mut out = super::csv::report_csv(self.report);
        for s in &self.sections {
            out.push_str(s.csv.split_once('\n').map_or("", |(_, rows)| rows));
        }
        out
    }

    fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut value = super::json::report_json(self.report);
        for s in &self.sections {
            value[s.key] = s.json.clone();
        }
        super::write_pretty_json(&value, out)
    }
}
