//! The prioritisation table as one small self-contained HTML page.

use std::fmt::Write as _;

use super::html_escape;
use super::tables::{tag_notes, tags_table};
use crate::core::export::ExportContext;
use crate::core::priority::TagRow;

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
