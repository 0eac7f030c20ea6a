//! One neutral document for every report, and one printer per format.
//!
//! A report (`slicewise report`, `compare`, `discover`) says what it has to
//! say once, as a [`Document`]: headings, lines, notes, bullets and tables.
//! The printers lay it out for a terminal (tables fitted to a width, lines
//! wrapped), as Markdown (a wiki, a pull request) or as one self-contained
//! HTML page. The tidy CSV (`section,key,group,metric,value,ci_low,ci_high`)
//! and the JSON are the machine faces of the same reports: each report
//! writes those itself ([`Printable`]), the JSON being a documented contract.

use std::fmt::Write as _;

use super::chart::Chart;
use super::{Table, html_escape, wrap};

/// One headline figure: what it is, its value as printed, what qualifies
/// it (an interval, a count), and the exact number behind it (the JSON
/// report's), kept in the HTML for checking.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// What it is ("accuracy").
    pub name: String,
    /// The value as printed ("90.26%").
    pub value: String,
    /// Beside it ("95% [89.66, 90.83]").
    pub detail: String,
    /// The JSON report's key and its exact value.
    pub exact: Option<(String, f64)>,
}

impl Figure {
    /// The figure as one line of text ("accuracy: 90.26% (95% [89.66, 90.83])").
    #[must_use]
    pub fn line(&self) -> String {
        if self.detail.is_empty() {
            format!("{}: {}", self.name, self.value)
        } else {
            format!("{}: {} ({})", self.name, self.value, self.detail)
        }
    }
}

/// What a report says, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The figures a reader looks at first.
    Headline(Vec<Figure>),
    /// A chart (HTML only: the text and Markdown tables carry its numbers).
    Chart(Chart),
    /// Small pictures of examples under a caption: (id, `data:` URI) each
    /// (HTML only: the ids are listed beside them).
    Pictures(String, Vec<(String, String)>),
    /// A section heading.
    Heading(String),
    /// A line of text (one or a few sentences).
    Line(String),
    /// A note: a warning or an explanation beside the numbers.
    Note(String),
    /// Items of a list.
    Bullets(Vec<String>),
    /// A table.
    Table(Table),
}

/// A report for people: a title and its blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// The title ("Slicewise report: data.csv").
    pub title: String,
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// An empty document with a title.
    #[must_use]
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    /// Adds a heading.
    pub fn heading(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Heading(text.into()));
    }

    /// Adds a line.
    pub fn line(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Line(text.into()));
    }

    /// Adds a note.
    pub fn note(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Note(text.into()));
    }

    /// Adds a list (nothing when it is empty).
    pub fn bullets(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::Bullets(items));
        }
    }

    /// Adds a table.
    pub fn table(&mut self, table: Table) {
        self.blocks.push(Block::Table(table));
    }

    /// Adds a chart.
    pub fn chart(&mut self, chart: Chart) {
        self.blocks.push(Block::Chart(chart));
    }

    /// Adds the headline figures.
    pub fn headline(&mut self, figures: Vec<Figure>) {
        if !figures.is_empty() {
            self.blocks.push(Block::Headline(figures));
        }
    }

    /// The document for a terminal `width` characters wide (`None`: no
    /// limit): tables fitted (lower-priority columns left out, and a line
    /// says which), lines wrapped.
    #[must_use]
    pub fn to_text(&self, width: Option<usize>) -> String {
        let mut out = format!("{}\n", wrap(&self.title, width, 2));
        let mut first = true;
        for block in &self.blocks {
            match block {
                Block::Headline(figures) => {
                    for f in figures {
                        let _ = writeln!(out, "{}", wrap(&f.line(), width, 2));
                    }
                }
                Block::Chart(_) | Block::Pictures(..) => {}
                Block::Heading(h) => {
                    let _ = writeln!(out, "\n== {h} ==");
                }
                Block::Line(l) => {
                    let _ = writeln!(out, "{}", wrap(l, width, 2));
                }
                Block::Note(n) => {
                    // Notes before the first heading read as the file's.
                    let text = if first {
                        format!("note: {n}")
                    } else {
                        n.clone()
                    };
                    let _ = writeln!(out, "{}", wrap(&text, width, if first { 6 } else { 2 }));
                }
                Block::Bullets(items) => {
                    for item in items {
                        let _ = writeln!(out, "{}", wrap(&format!("  * {item}"), width, 4));
                    }
                }
                Block::Table(t) => {
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
            }
            first &= !matches!(block, Block::Heading(_));
        }
        out
    }

    /// The document as Markdown (GitHub flavour).
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n", self.title);
        for block in &self.blocks {
            match block {
                Block::Headline(figures) => {
                    for f in figures {
                        let _ = writeln!(out, "- **{}: {}** ({})", f.name, f.value, f.detail);
                    }
                    out.push('\n');
                }
                Block::Chart(_) | Block::Pictures(..) => {}
                Block::Heading(h) => {
                    let _ = write!(out, "\n## {h}\n\n");
                }
                Block::Line(l) => {
                    let _ = write!(out, "{l}\n\n");
                }
                Block::Note(n) => {
                    let _ = write!(out, "> {n}\n\n");
                }
                Block::Bullets(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {item}");
                    }
                    out.push('\n');
                }
                Block::Table(t) => {
                    out.push_str(&t.to_markdown());
                    out.push('\n');
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// The document as one self-contained HTML page: inline style, no
    /// script, nothing fetched.
    #[must_use]
    pub fn to_html(&self) -> String {
        let mut body = format!("<h1>{}</h1>\n", html_escape(&self.title));
        for block in &self.blocks {
            match block {
                Block::Headline(figures) => {
                    body.push_str("<div class=\"headline\">\n");
                    for f in figures {
                        let exact = f.exact.as_ref().map_or_else(String::new, |(k, v)| {
                            format!(" data-key=\"{}\" data-value=\"{v:?}\"", html_escape(k))
                        });
                        let _ = writeln!(
                            body,
                            "<div class=\"figure\"{exact}><div class=\"name\">{}</div><div class=\"value\">{}</div><div class=\"detail\">{}</div></div>",
                            html_escape(&f.name),
                            html_escape(&f.value),
                            html_escape(&f.detail)
                        );
                    }
                    body.push_str("</div>\n");
                }
                Block::Chart(c) => body.push_str(&c.to_svg()),
                Block::Pictures(caption, items) => {
                    let _ = writeln!(
                        body,
                        "<div class=\"pictures\"><div class=\"name\">{}</div>",
                        html_escape(caption)
                    );
                    for (id, uri) in items {
                        // Only embedded pictures: nothing is fetched.
                        if uri.starts_with("data:image/") {
                            let _ = writeln!(
                                body,
                                "<figure><img alt=\"{0}\" src=\"{1}\"><figcaption>{0}</figcaption></figure>",
                                html_escape(id),
                                html_escape(uri)
                            );
                        }
                    }
                    body.push_str("</div>\n");
                }
                Block::Heading(h) => {
                    let _ = writeln!(body, "<h2>{}</h2>", html_escape(h));
                }
                Block::Line(l) => {
                    let _ = writeln!(body, "<p>{}</p>", html_escape(l));
                }
                Block::Note(n) => {
                    let _ = writeln!(body, "<p class=\"note\">{}</p>", html_escape(n));
                }
                Block::Bullets(items) => {
                    body.push_str("<ul>\n");
                    for item in items {
                        let _ = writeln!(body, "<li>{}</li>", html_escape(item));
                    }
                    body.push_str("</ul>\n");
                }
                Block::Table(t) => body.push_str(&t.to_html()),
            }
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
            html_escape(&self.title)
        )
    }
}

/// The style of an HTML page: readable on screen and printed.
const STYLE: &str = "body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222;margin:24px;max-width:1200px}h1{font-size:22px;margin:0 0 12px 0}h2{font-size:17px;margin:22px 0 6px 0;border-bottom:1px solid #ccc}p{margin:3px 0}p.note{color:#555}table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{padding:3px 9px;border-bottom:1px solid #ddd}th{border-bottom:2px solid #444}figure.chart{margin:10px 0 14px 0}figcaption{font-size:13px;font-weight:600;margin-bottom:4px}div.headline{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 14px 0}div.figure{border:1px solid #ccc;border-radius:6px;padding:6px 12px;min-width:118px}div.figure .name{font-size:12px;color:#555}div.figure .value{font-size:24px;font-weight:600}div.figure .detail{font-size:12px;color:#555}div.pictures{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;margin:4px 0 10px 0;break-inside:avoid}div.pictures .name{width:100%;font-size:12px;font-weight:600}div.pictures figure{margin:0;text-align:center;font-size:10px;color:#555}div.pictures img{display:block;max-width:96px;max-height:96px}@page{margin:14mm}@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr,figure,div.figure{break-inside:avoid}thead{display:table-header-group}svg{max-width:100%}}";

/// The formats a report can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned tables for a terminal.
    Text,
    /// The JSON contract (see README).
    Json,
    /// One tidy CSV: `section,key,group,metric,value,ci_low,ci_high`.
    Csv,
    /// Markdown.
    Markdown,
    /// One self-contained HTML page.
    Html,
}

impl Format {
    /// The format a file name asks for by its extension (`.json`, `.csv`,
    /// `.md`/`.markdown`, `.html`/`.htm`, `.txt`); `None` for another.
    /// The one place an output's extension is read.
    #[must_use]
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            "md" | "markdown" => Some(Self::Markdown),
            "html" | "htm" => Some(Self::Html),
            "txt" | "text" => Some(Self::Text),
            _ => None,
        }
    }
}

/// Writes `value` as pretty JSON ending in a newline (what
/// [`Printable::write_json`] writes for a report held whole).
///
/// # Errors
/// When writing fails.
pub fn write_pretty_json(
    value: &serde_json::Value,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}

/// A report every format can print: its document for people, its tidy
/// rows for a spreadsheet, its JSON for programs.
pub trait Printable {
    /// What it says, for the text, Markdown and HTML printers.
    fn document(&self) -> Document;
    /// Its numbers as tidy CSV text.
    fn tidy_csv(&self) -> String;
    /// Its JSON (pretty, ending in a newline), written as it is made.
    ///
    /// # Errors
    /// When writing fails.
    fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()>;
}

/// Writes `report` in `format` to `out`; text tables fit `width`.
///
/// # Errors
/// When writing fails.
pub fn print(
    report: &dyn Printable,
    format: Format,
    width: Option<usize>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let text = match format {
        Format::Json => return report.write_json(out),
        Format::Csv => report.tidy_csv(),
        Format::Text => report.document().to_text(width),
        Format::Markdown => report.document().to_markdown(),
        Format::Html => report.document().to_html(),
    };
    out.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        let mut d = Document::new("Slicewise report: x.csv");
        d.note("a warning");
        d.heading("Overall");
        d.line("accuracy 90.00%");
        d.bullets(vec!["one".into(), "two".into()]);
        let mut t = Table::new(&["group", "count"]);
        t.push(vec!["a".into(), "3".into()]);
        d.table(t);
        d
    }

    #[test]
    fn every_printer_writes_every_block() {
        let d = sample();
        let text = d.to_text(None);
        assert!(text.starts_with("Slicewise report: x.csv\nnote: a warning\n\n== Overall =="));
        assert!(text.contains("  * one") && text.contains("group  count"));
        let md = d.to_markdown();
        assert!(md.contains("# Slicewise report: x.csv") && md.contains("## Overall"));
        assert!(
            md.contains("> a warning") && md.contains("- two") && md.contains("| group | count |")
        );
        let html = d.to_html();
        assert!(html.contains("<h2>Overall</h2>") && html.contains("<li>one</li>"));
        assert!(!html.contains("<script") && !html.contains("http"));
    }

    #[test]
    fn the_format_comes_from_the_extension_once() {
        use std::path::Path;
        assert_eq!(Format::from_path(Path::new("a.JSON")), Some(Format::Json));
        assert_eq!(Format::from_path(Path::new("a.md")), Some(Format::Markdown));
        assert_eq!(
            Format::from_path(Path::new("a.markdown")),
            Some(Format::Markdown)
        );
        assert_eq!(Format::from_path(Path::new("a.htm")), Some(Format::Html));
        assert_eq!(Format::from_path(Path::new("a.parquet")), None);
    }
}
