//! The report of `slicewise report` as one [`Document`] (text, Markdown and
//! HTML print it alike), and the prioritisation table's own small document
//! for exports.

use super::document::Document;
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
/// table, how lift is computed, and the tags' notes.
fn tags_section(doc: &mut Document, rows: &[TagRow], ctx: &ExportContext) {
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

/// What `slicewise report` says, once, for every printer.
#[must_use]
pub fn report_document(r: &Report) -> Document {
    let mut doc = Document::new(format!("Slicewise report: {}", r.file));
    for w in &r.warnings {
        doc.note(w.clone());
    }
    tags_section(&mut doc, &r.tags, &r.context);
    doc.heading("Overall");
    for l in overall_lines(r) {
        doc.line(l);
    }
    doc.heading("Per class");
    doc.table(per_class_table(r));
    if r.classes.len() <= 15 {
        doc.heading("Confusion matrix (rows: true, columns: predicted)");
        doc.table(confusion_table(r));
    }
    if !r.watch.is_empty() {
        doc.heading("Costly confusions");
        doc.table(watch_table(r));
    }
    if let Some(s) = &r.scores {
        doc.heading("Scores");
        doc.line(scores_line(s));
        doc.table(sweep_table(s));
    }
    for section in score_sections(r) {
        doc.heading(section.title);
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
        doc.table(slice_table(s, slice_scores(r, i), &shown));
        if let Some(l) = omitted_groups_line(omitted) {
            doc.line(l);
        }
        doc.line(judged_line(s));
        doc.line(disparity_line(s));
    }
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
