//! Text renderings of reports and of the prioritisation table: aligned text
//! for terminals (`text`), Markdown (`markdown`), CSV (`csv`), a small
//! self-contained HTML page (`html`) and the JSON contract (`json`). Number
//! formatting lives in `format`, the tables every format shares in `tables`.

mod csv;
mod format;
mod html;
pub mod json;
mod markdown;
mod tables;
mod text;

use std::fmt::Write as _;

pub use csv::{report_csv, tags_csv};
pub use format::{NA, count, interval_text, num, pct, pct_ci};
pub use html::tags_html;
pub use json::{report_json, tags_json};
pub use markdown::{report_markdown, tags_markdown};
pub use tables::tags_table;
pub use text::report_text;

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
}
