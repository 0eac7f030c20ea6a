//! Reports for people and programs. Each report says what it has to say
//! once, as a neutral [`Document`] (`document`; the report's own in
//! `reports`), which one printer per format lays out: text for terminals,
//! Markdown, one self-contained HTML page. The tidy CSV (`csv`) and the JSON
//! contract (`json`) are the machine faces. Number formatting lives in
//! `format`, the tables every document shares in `tables`.

pub mod chart;
mod csv;
mod document;
mod html;
pub mod json;
mod reports;
mod tables;

use std::fmt::Write as _;

pub use super::format::{
    NA, count, count_short, interval_text, num, p_value, pct, pct_ci, points, points_1, points_ci,
    points_interval, points_with_ci, pt, quality, score, threshold,
};
pub use crate::core::priority::ExportContext;
pub use csv::Tidy;
pub use csv::{report_csv, tags_csv};
pub use document::{Block, Document, Figure, Format, Printable, print, write_pretty_json};
pub use html::tags_html;
pub use json::{report_json, tags_json, write_report_json};
pub use reports::{
    ReportWith, Section, report_document, report_document_with, report_html, report_markdown,
    report_text, report_text_width, tags_document, tags_markdown,
};
pub use tables::{
    FEW_REVIEWED_MARK, group_flags, judged_line, tag_cell, tag_cell_interval, tags_table,
};

/// `text` wrapped at `width` characters (when given), continuation lines
/// indented by `indent` spaces.
#[must_use]
pub fn wrap(text: &str, width: Option<usize>, indent: usize) -> String {
    let Some(width) = width.filter(|&w| w > indent + 20) else {
        return text.to_string();
    };
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(indent);
        } else if len > 0 {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out
}

/// The narrowest a trailing text column wraps to.
const MIN_WRAP: usize = 20;
/// The narrowest the first column's names are shortened to.
const MIN_NAME: usize = 12;
/// The width a wrapping first column keeps before columns are left out.
const COMFORTABLE: usize = 36;
/// The indent of a wrapped first column's continuation lines.
const HANG: usize = 3;

/// `text` in lines of at most `width` characters, broken at spaces (and
/// inside words longer than a line).
fn wrap_lines(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        let len = line.chars().count();
        if len > 0 && len + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        } else if len > 0 {
            line.push(' ');
        }
        while line.is_empty() && word.len() > width {
            lines.push(word.drain(..width).collect());
        }
        line.extend(word);
    }
    lines.push(line);
    lines
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
    /// Columns that may be left out to fit a narrow terminal, first to go first.
    pub optional: Vec<usize>,
    /// Whether the first column wraps onto more lines to fit (long
    /// descriptions) rather than being shortened with "…" (names).
    pub wrap_first: bool,
}

impl Table {
    /// A table with these headers; columns after the first are numeric.
    #[must_use]
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(ToString::to_string).collect(),
            rows: Vec::new(),
            numeric: (0..headers.len()).map(|i| i > 0).collect(),
            optional: Vec::new(),
            wrap_first: false,
        }
    }

    /// The first column wraps to fit instead of being shortened, and it
    /// wraps before any column is left out.
    #[must_use]
    pub fn wrapping_first(mut self) -> Self {
        self.wrap_first = true;
        self
    }

    /// Marks the columns named `names` as droppable, in this order, to fit
    /// a narrow terminal.
    #[must_use]
    pub fn droppable(mut self, names: &[&str]) -> Self {
        self.optional = names
            .iter()
            .filter_map(|n| self.headers.iter().position(|h| h == n))
            .collect();
        self
    }

    /// Each column's width in characters.
    fn widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(widths.len()) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        widths
    }

    /// Aligned plain text no wider than `width` (when given). To fit, a
    /// trailing text column wraps onto more lines, droppable columns are
    /// left out in order, and last the first column's names are shortened
    /// with "…". Returns the text and the headers left out.
    #[must_use]
    pub fn to_text_width(&self, width: Option<usize>) -> (String, Vec<String>) {
        let mut widths = self.widths();
        let n = widths.len();
        let Some(width) = width.filter(|_| n > 0) else {
            return (self.lay_out(&widths, &vec![true; n]), Vec::new());
        };
        let mut keep = vec![true; n];
        let total = |keep: &[bool], widths: &[usize]| -> usize {
            // A column with nothing in it (no header, no cell) takes no room.
            let kept: Vec<usize> = (0..n)
                .filter(|&i| keep[i] && widths[i] > 0)
                .map(|i| widths[i])
                .collect();
            kept.iter().sum::<usize>() + 2 * kept.len().saturating_sub(1)
        };
        let last = n - 1;
        let wraps = n > 1 && !self.numeric.get(last).copied().unwrap_or(true);
        let mut least = widths.clone();
        if wraps {
            least[last] = least[last].min(MIN_WRAP);
        }
        // A wrapping first column gives way down to a comfortable width
        // before any column is left out, and further (to its widest word or
        // MIN_WRAP) after.
        let longest_word = self
            .rows
            .iter()
            .flat_map(|r| r.first().into_iter().flat_map(|c| c.split(' ')))
            .map(|w| w.chars().count() + HANG)
            .max()
            .unwrap_or(0);
        let narrowest_first = widths[0].min(MIN_WRAP.max(longest_word));
        if self.wrap_first {
            least[0] = widths[0].min(COMFORTABLE.max(longest_word));
        }
        let mut dropped = Vec::new();
        for &i in &self.optional {
            if total(&keep, &least) <= width {
                break;
            }
            if keep[i] && i != 0 {
                keep[i] = false;
                dropped.push(self.headers[i].clone());
            }
        }
        let excess = |widths: &[usize]| total(&keep, widths).saturating_sub(width);
        if self.wrap_first && excess(&widths) > 0 {
            widths[0] = widths[0]
                .saturating_sub(excess(&widths))
                .max(narrowest_first);
        }
        if wraps && excess(&widths) > 0 {
            widths[last] = widths[last]
                .saturating_sub(excess(&widths))
                .max(least[last]);
        }
        if !self.wrap_first && excess(&widths) > 0 {
            let first = widths[0].saturating_sub(excess(&widths));
            widths[0] = first.max(MIN_NAME.min(widths[0]));
        }
        // Still too wide: the columns no one marked as droppable go too,
        // from the right, so that every table fits whatever its columns.
        for i in (1..n).rev() {
            if total(&keep, &widths) <= width {
                break;
            }
            if keep[i] {
                keep[i] = false;
                dropped.push(self.headers[i].clone());
            }
        }
        (self.lay_out(&widths, &keep), dropped)
    }

    /// Aligned plain text with the kept columns at these widths: longer
    /// cells of the first column are shortened, of a trailing text column
    /// wrapped.
    fn lay_out(&self, widths: &[usize], keep: &[bool]) -> String {
        let cols: Vec<usize> = (0..widths.len())
            .filter(|&i| keep[i] && widths[i] > 0)
            .collect();
        let line = |cells: &[String]| -> String {
            // Each kept cell as one or more lines.
            let parts: Vec<Vec<String>> = cols
                .iter()
                .map(|&i| {
                    let cell = cells.get(i).map_or("", String::as_str);
                    let w = widths[i];
                    if cell.chars().count() <= w {
                        vec![cell.to_string()]
                    } else if i == 0 && self.wrap_first {
                        // Continuation lines hang under the text, which
                        // keeps its own indent.
                        let text = cell.trim_start();
                        let lead = cell.len() - text.len();
                        let mut lines = wrap_lines(text, w.saturating_sub(HANG + lead).max(1));
                        for (k, l) in lines.iter_mut().enumerate() {
                            let indent = if k == 0 { lead } else { lead + HANG };
                            l.insert_str(0, &" ".repeat(indent));
                        }
                        lines
                    } else if i == 0 {
                        let short: String = cell.chars().take(w.saturating_sub(1)).collect();
                        vec![short + "…"]
                    } else {
                        wrap_lines(cell, w)
                    }
                })
                .collect();
            let height = parts.iter().map(Vec::len).max().unwrap_or(1);
            let mut out = String::new();
            for k in 0..height {
                let mut s = String::new();
                for (j, &i) in cols.iter().enumerate() {
                    let cell = parts[j].get(k).map_or("", String::as_str);
                    let pad = widths[i].saturating_sub(cell.chars().count());
                    if j > 0 {
                        s.push_str("  ");
                    }
                    if self.numeric.get(i).copied().unwrap_or(false) {
                        s.push_str(&" ".repeat(pad));
                        s.push_str(cell);
                    } else {
                        s.push_str(cell);
                        s.push_str(&" ".repeat(pad));
                    }
                }
                out.push_str(s.trim_end());
                out.push('\n');
            }
            out
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

    /// Adds a row.
    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Aligned plain text.
    #[must_use]
    pub fn to_text(&self) -> String {
        self.to_text_width(None).0
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

    /// An HTML table (numeric columns right-aligned), text escaped.
    #[must_use]
    pub fn to_html(&self) -> String {
        let align = |i: usize| {
            if self.numeric.get(i).copied().unwrap_or(false) {
                " style=\"text-align:right\""
            } else {
                " style=\"text-align:left\""
            }
        };
        let mut out = String::from("<table>\n<thead><tr>");
        for (i, h) in self.headers.iter().enumerate() {
            let _ = write!(out, "<th{}>{}</th>", align(i), html_escape(h));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for (i, c) in row.iter().enumerate() {
                let _ = write!(out, "<td{}>{}</td>", align(i), html_escape(c));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_tables_align_numbers_right() {
        let mut t = Table::new(&["name", "n"]);
        t.push(vec!["a".into(), "1".into()]);
        t.push(vec!["bb".into(), "100".into()]);
        assert_eq!(t.to_text(), "name    n\n----  ---\na       1\nbb    100\n");
        assert!(t.to_markdown().contains("| --- | ---: |"));
    }

    #[test]
    fn narrow_tables_wrap_then_drop_then_shorten() {
        let mut t = Table::new(&["name", "n", "extra", "flags"]);
        t.numeric[3] = false;
        t.push(vec![
            "a rather long group name".into(),
            "1".into(),
            "12345".into(),
            "disparity: fpr, fnr, error_rate".into(),
        ]);
        let t = t.droppable(&["extra"]);
        let fits = |w: usize| {
            let (text, dropped) = t.to_text_width(Some(w));
            let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
            assert!(widest <= w, "{w}: {text}");
            (text, dropped)
        };
        // Wide enough: nothing changes.
        assert_eq!(fits(80), (t.to_text(), vec![]));
        // The flags wrap before a column goes.
        let (text, dropped) = fits(60);
        assert!(dropped.is_empty(), "{text}");
        assert!(text.contains("disparity: fpr, fnr,\n"), "{text}");
        // Then the droppable column goes, then names are shortened.
        let (text, dropped) = fits(50);
        assert_eq!(dropped, ["extra"]);
        assert!(text.contains("a rather long group name"), "{text}");
        let (text, _) = fits(40);
        assert!(text.contains("a rather long …  1"), "{text}");
        // Words longer than a line are cut.
        assert_eq!(wrap_lines("abcdefgh ij", 3), ["abc", "def", "gh", "ij"]);
    }

    #[test]
    fn a_table_with_nothing_droppable_still_fits_by_leaving_out_its_last_columns() {
        let headers: Vec<String> = (0..12).map(|i| format!("column {i}")).collect();
        let names: Vec<&str> = headers.iter().map(String::as_str).collect();
        let mut t = Table::new(&names);
        t.push((0..12).map(|i| format!("{}", i * 1000)).collect());
        let (text, dropped) = t.to_text_width(Some(40));
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 40, "{text}");
        // The first columns stay; the last ones are named as left out.
        assert!(text.starts_with("column 0  column 1"), "{text}");
        assert_eq!(dropped.first().map(String::as_str), Some("column 11"));
        assert_eq!(
            dropped.len() + text.lines().next().unwrap().matches("column").count(),
            12
        );
    }
}
