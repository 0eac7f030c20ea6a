//! Markdown: the prioritisation table and the report.

use std::fmt::Write as _;

use super::tables::{
    confusion_table, disparity_line, judged_line, omitted_groups_line, overall_lines,
    per_class_table, score_sections, scores_line, slice_scores, slice_suffix, slice_table,
    sweep_table, tag_notes, tags_table, watch_table,
};
use crate::core::export::ExportContext;
use crate::core::priority::TagRow;
use crate::core::report::Report;

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
        out.push_str(&tags_markdown(&r.tags, &r.context));
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
    for section in score_sections(r) {
        let _ = writeln!(out, "\n## {}\n", section.title);
        for l in &section.lines {
            let _ = writeln!(out, "{l}\n");
        }
        if let Some(t) = &section.table {
            out.push_str(&t.to_markdown());
        }
    }
    for (i, s) in r.slices.iter().enumerate() {
        let _ = writeln!(out, "\n## Slice: {}{}\n", s.name(), slice_suffix(s));
        let (shown, omitted) = r.shown_groups(i);
        out.push_str(&slice_table(s, slice_scores(r, i), &shown).to_markdown());
        if let Some(l) = omitted_groups_line(omitted) {
            let _ = writeln!(out, "\n{l}");
        }
        let _ = writeln!(out, "\n{}", judged_line(s));
        let _ = writeln!(out, "\n{}", disparity_line(s));
    }
    out
}
