//! The report for a terminal: tables fit its width (lower-priority columns
//! are left out, and a line says which), long lines wrap.

use std::fmt::Write as _;

use super::Table;
use super::tables::{
    confusion_table, disparity_line, judged_line, omitted_groups_line, overall_lines,
    per_class_table, score_sections, scores_line, slice_scores, slice_suffix, slice_table,
    sweep_table, tag_notes, tags_table, watch_table,
};
use super::wrap;
use crate::core::report::Report;

/// The report for a terminal of any width.
#[must_use]
pub fn report_text(r: &Report) -> String {
    report_text_width(r, None)
}

/// Appends a table fitted to `width`, and a line naming the columns left out.
fn table(out: &mut String, t: &Table, width: Option<usize>) {
    let (text, dropped) = t.to_text_width(width);
    out.push_str(&text);
    if !dropped.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            wrap(
                &format!(
                    "(left out to fit {} columns: {}; widen the terminal, set COLUMNS, or use --format md or json for everything)",
                    width.unwrap_or(0),
                    dropped.join(", ")
                ),
                width,
                1,
            )
        );
    }
}

/// Appends a line wrapped at `width`.
fn line(out: &mut String, text: &str, width: Option<usize>, indent: usize) {
    let _ = writeln!(out, "{}", wrap(text, width, indent));
}

/// The report for a terminal `width` characters wide (`None`: no limit).
#[must_use]
pub fn report_text_width(r: &Report, width: Option<usize>) -> String {
    let mut out = format!("Slicewise report: {}\n", r.file);
    for w in &r.warnings {
        line(&mut out, &format!("note: {w}"), width, 6);
    }
    out.push_str("\n== Prioritise what to work on ==\n");
    if r.tags.is_empty() {
        line(
            &mut out,
            "No tags yet. Tag errors in the desktop app (slicewise open FILE), or add rule tags to the session file.",
            width,
            0,
        );
    } else {
        table(&mut out, &tags_table(&r.tags, true), width);
        line(
            &mut out,
            "expected lift = max(HLP - accuracy, 0) x share of data; priority = lift x importance / effort",
            width,
            0,
        );
        for n in tag_notes(&r.tags) {
            line(&mut out, &format!("  * {n}"), width, 4);
        }
    }
    out.push_str("\n== Overall ==\n");
    for l in overall_lines(r) {
        line(&mut out, &l, width, 2);
    }
    out.push_str("\n== Per class ==\n");
    table(&mut out, &per_class_table(r), width);
    if r.classes.len() <= 15 {
        out.push_str("\n== Confusion matrix (rows: true, columns: predicted) ==\n");
        table(&mut out, &confusion_table(r), width);
    }
    if !r.watch.is_empty() {
        out.push_str("\n== Costly confusions ==\n");
        table(&mut out, &watch_table(r), width);
    }
    if let Some(s) = &r.scores {
        out.push_str("\n== Scores ==\n");
        line(&mut out, &scores_line(s), width, 2);
        table(&mut out, &sweep_table(s), width);
    }
    for section in score_sections(r) {
        let _ = writeln!(out, "\n== {} ==", section.title);
        for l in &section.lines {
            line(&mut out, l, width, 2);
        }
        if let Some(t) = &section.table {
            table(&mut out, t, width);
        }
    }
    if r.slices.is_empty() && !r.slice_columns.is_empty() {
        out.push('\n');
        line(
            &mut out,
            &format!(
                "No slices: pass --by COL for metrics and fairness per group (slice columns: {}).",
                r.slice_columns.join(", ")
            ),
            width,
            2,
        );
    }
    for (i, s) in r.slices.iter().enumerate() {
        let _ = writeln!(out, "\n== Slice: {}{} ==", s.name(), slice_suffix(s));
        let (shown, omitted) = r.shown_groups(i);
        table(&mut out, &slice_table(s, slice_scores(r, i), &shown), width);
        if let Some(l) = omitted_groups_line(omitted) {
            line(&mut out, &l, width, 2);
        }
        line(&mut out, &judged_line(s), width, 2);
        line(&mut out, &disparity_line(s), width, 2);
    }
    out
}
