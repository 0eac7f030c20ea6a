//! The report for a terminal.

use std::fmt::Write as _;

use super::tables::{
    confusion_table, disparity_line, overall_lines, per_class_table, score_sections, scores_line,
    slice_scores, slice_suffix, slice_table, sweep_table, tag_notes, tags_table, watch_table,
};
use crate::core::report::Report;

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
    for section in score_sections(r) {
        let _ = writeln!(out, "\n== {} ==", section.title);
        for l in &section.lines {
            let _ = writeln!(out, "{l}");
        }
        if let Some(t) = &section.table {
            out.push_str(&t.to_text());
        }
    }
    for (i, s) in r.slices.iter().enumerate() {
        let _ = writeln!(out, "\n== Slice: {}{} ==", s.name(), slice_suffix(s));
        out.push_str(&slice_table(s, slice_scores(r, i)).to_text());
        let _ = writeln!(out, "{}", disparity_line(s));
    }
    out
}
