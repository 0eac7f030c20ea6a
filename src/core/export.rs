//! Exporting the prioritisation table: the format chosen from a file name,
//! the context line above the table, and the text of each format. The CLI's
//! `export` and the desktop app's Export and Copy use these, so both write the
//! same file for the same session.

use std::path::Path;

use super::priority::TagRow;
pub use super::render::ExportContext;
use super::render::{tags_csv, tags_html, tags_markdown};

/// Export formats of the prioritisation table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV for spreadsheets and scripts.
    Csv,
    /// Markdown for notes and tickets.
    Markdown,
    /// One self-contained HTML page for a planning document.
    Html,
}

/// A file name that says no export format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Cannot tell the export format from '{}': name the file .csv, .md or .html", .path.display())]
pub struct UnknownExportFormat {
    /// The file.
    pub path: std::path::PathBuf,
}

impl ExportFormat {
    /// Every format, in menu order.
    pub const ALL: [Self; 3] = [Self::Csv, Self::Markdown, Self::Html];

    /// The format a file name asks for: `.csv`, `.md`/`.markdown`, `.html`/`.htm`.
    ///
    /// # Errors
    /// Any other extension, or none.
    pub fn from_path(path: &Path) -> Result<Self, UnknownExportFormat> {
        use super::render::Format;
        match Format::from_path(path) {
            Some(Format::Csv) => Ok(Self::Csv),
            Some(Format::Markdown) => Ok(Self::Markdown),
            Some(Format::Html) => Ok(Self::Html),
            _ => Err(UnknownExportFormat {
                path: path.to_path_buf(),
            }),
        }
    }

    /// The file extension it is written with.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Markdown => "md",
            Self::Html => "html",
        }
    }

    /// Its name in menus.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::Markdown => "Markdown",
            Self::Html => "HTML",
        }
    }
}

/// The prioritisation table `rows` in `format`, with `ctx` above it.
#[must_use]
pub fn table_text(rows: &[TagRow], ctx: &ExportContext, format: ExportFormat) -> String {
    match format {
        ExportFormat::Csv => tags_csv(rows),
        ExportFormat::Markdown => tags_markdown(rows, ctx),
        ExportFormat::Html => tags_html(rows, ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_comes_from_the_extension_or_is_refused() {
        assert_eq!(
            ExportFormat::from_path(Path::new("a.CSV")),
            Ok(ExportFormat::Csv)
        );
        assert_eq!(
            ExportFormat::from_path(Path::new("a.markdown")),
            Ok(ExportFormat::Markdown)
        );
        assert_eq!(
            ExportFormat::from_path(Path::new("a.htm")),
            Ok(ExportFormat::Html)
        );
        assert!(ExportFormat::from_path(Path::new("a.xlsx")).is_err());
        assert!(ExportFormat::from_path(Path::new("table")).is_err());
    }
}
