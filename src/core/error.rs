//! Errors of the engine. Each message is one readable paragraph that names the
//! file, the column or row, and what to do about it.

use std::path::PathBuf;

/// Formats a list of names for a message: `a, b, c`.
#[must_use]
pub fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_string()
    } else {
        names.join(", ")
    }
}

/// Formats row numbers (0-based indices) as 1-based numbers for a message.
#[must_use]
pub fn rows_list(rows: &[usize]) -> String {
    rows.iter()
        .map(|r| (r + 1).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Loading a predictions table failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file does not exist.
    #[error("Cannot open the data file: it does not exist. Check the path: {}", path.display())]
    NotFound {
        /// The file.
        path: PathBuf,
    },
    /// Reading the file failed at the OS level.
    #[error("Cannot read the data file ({source}): {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file has no bytes.
    #[error(
        "The data file is empty (0 bytes). Slicewise needs a table with a header row and one row per example: {}",
        path.display()
    )]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file has a header but no rows.
    #[error(
        "The data file has a header (columns {}) but no data rows; export the predictions again: {}",
        list(columns), path.display()
    )]
    HeaderOnly {
        /// The file.
        path: PathBuf,
        /// Column names found.
        columns: Vec<String>,
    },
    /// The extension does not say which format the file is in.
    #[error(
        "Cannot tell the format of the data file from its extension '{ext}'. Use .csv/.tsv/.txt, .parquet or .ndjson/.jsonl, or pass --input-format csv|parquet|ndjson: {}",
        path.display()
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// The extension seen.
        ext: String,
    },
    /// A role column (label or prediction) could not be found.
    #[error(
        "No {role} column found. Columns seen: {}. Looked for a column named {} (any case); name it with {flag} COL: {}",
        list(columns), candidates, path.display()
    )]
    MissingRole {
        /// The file.
        path: PathBuf,
        /// Human name of the role ("true-label").
        role: &'static str,
        /// The flag that names it ("--label").
        flag: &'static str,
        /// The names tried.
        candidates: String,
        /// Column names found.
        columns: Vec<String>,
    },
    /// A flag names a column that is not in the file.
    #[error(
        "{flag} names column '{column}', which is not in the data file.{} Columns: {}: {}",
        crate::core::suggest::did_you_mean(column, columns.iter().map(String::as_str)),
        list(columns), path.display()
    )]
    NoSuchColumn {
        /// The file.
        path: PathBuf,
        /// The flag ("--label", "--by").
        flag: String,
        /// The column asked for.
        column: String,
        /// Column names found.
        columns: Vec<String>,
    },
    /// The label or prediction column has empty values.
    #[error(
        "The {role} column '{column}' has {count} empty value(s) (data rows {}{}). Every example needs a true label and a prediction: fill them in or drop those rows: {}",
        rows_list(first_rows), if *count > first_rows.len() { ", ..." } else { "" }, path.display()
    )]
    Nulls {
        /// The file.
        path: PathBuf,
        /// Human name of the role.
        role: &'static str,
        /// The column.
        column: String,
        /// How many values are empty.
        count: usize,
        /// The first few rows (0-based) with an empty value.
        first_rows: Vec<usize>,
    },
    /// A CSV line has a different number of fields than the header.
    #[error(
        "Line {line} has {found} field(s) but the header has {expected}. Look for an unquoted '{delimiter}' inside a value or a missing field on that line: {}",
        path.display()
    )]
    Ragged {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Fields in the header.
        expected: usize,
        /// Fields on the line.
        found: usize,
        /// The delimiter in use.
        delimiter: char,
    },
    /// The file is not UTF-8.
    #[error(
        "Line {line} is not valid UTF-8 (byte 0x{byte:02x} at byte offset {offset}). Save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`: {}",
        path.display()
    )]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The offending byte.
        byte: u8,
        /// Byte offset in the file.
        offset: usize,
    },
    /// The id column has duplicate values.
    #[error(
        "The id column '{column}' has {count} duplicated id(s), e.g. {examples}. Ids key tag assignments, so they must be unique: fix the ids, or choose another id column with --id COL: {}",
        path.display()
    )]
    DuplicateIds {
        /// The file.
        path: PathBuf,
        /// The id column.
        column: String,
        /// How many ids occur more than once.
        count: usize,
        /// A few examples with their rows, already formatted.
        examples: String,
    },
    /// The id column has empty values.
    #[error(
        "The id column '{column}' has {count} empty value(s) (data rows {}). Every example needs an id to key its tags: fill them in or choose another column with --id COL: {}",
        rows_list(first_rows), path.display()
    )]
    NullIds {
        /// The file.
        path: PathBuf,
        /// The id column.
        column: String,
        /// How many.
        count: usize,
        /// First rows (0-based).
        first_rows: Vec<usize>,
    },
    /// A column that must be numeric holds something else.
    #[error(
        "The {role} column '{column}' must hold numbers but holds {found}. Point {flag} at a numeric column: {}",
        path.display()
    )]
    NotNumeric {
        /// The file.
        path: PathBuf,
        /// Human name of the role.
        role: &'static str,
        /// The flag.
        flag: &'static str,
        /// The column.
        column: String,
        /// What was found instead (a dtype or a value).
        found: String,
    },
    /// The weight column has a negative, not-a-number or missing weight.
    #[error(
        "The weight column '{column}' has {count} {what} weight(s) (data rows {}{}). Every row needs a weight of 0 or more (scikit-learn's sample_weight): fix those rows, or name another column with --weight COL (--weight \"\" for none): {}",
        rows_list(first_rows), if *count > first_rows.len() { ", ..." } else { "" }, path.display()
    )]
    BadWeights {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// "negative", "missing" or "not-a-number".
        what: &'static str,
        /// How many.
        count: usize,
        /// The first few rows (0-based).
        first_rows: Vec<usize>,
    },
    /// `--proba COL=CLASS` names a class the data does not have.
    #[error(
        "--proba names class '{class}' for column '{column}', but the classes are {}: {}",
        list(classes), path.display()
    )]
    ProbaClass {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// The class asked for.
        class: String,
        /// The classes.
        classes: Vec<String>,
    },
    /// Two roles were given the same column.
    #[error(
        "Column '{column}' was chosen both as the {first} and as the {second} column; each role needs its own column: {}",
        path.display()
    )]
    RoleClash {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// One role.
        first: &'static str,
        /// The other.
        second: &'static str,
    },
    /// Two columns have the same name.
    #[error(
        "Columns {first} and {second} are both named '{name}'. Give each column its own name in the header row: {}",
        path.display()
    )]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The name.
        name: String,
        /// 1-based position of the first.
        first: usize,
        /// 1-based position of the second.
        second: usize,
    },
    /// A role column holds objects or lists (NDJSON, Parquet).
    #[error(
        "The {role} column '{column}' holds {what}{}, not a class. Each row needs one plain value (text or a number) there: {}",
        line.map(|l| format!(" (first on line {l})")).unwrap_or_default(),
        path.display()
    )]
    NestedValue {
        /// The file.
        path: PathBuf,
        /// Human name of the role.
        role: &'static str,
        /// The column.
        column: String,
        /// "objects" or "lists".
        what: &'static str,
        /// The first line (NDJSON) with one.
        line: Option<usize>,
    },
    /// A line of an NDJSON file is not a JSON object.
    #[error(
        "Line {line} of the NDJSON file is not a valid JSON object ({message}). Each line must be one object such as {{\"label\": \"cat\", \"pred\": \"dog\"}}: {}",
        path.display()
    )]
    JsonLine {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file is UTF-16 (it starts with a UTF-16 byte order mark).
    #[error(
        "The data file is UTF-16 text; Slicewise reads UTF-8. Save it as UTF-8 (in Excel: Save As, \"CSV UTF-8\"; or `iconv -f UTF-16 -t UTF-8`): {}",
        path.display()
    )]
    Utf16 {
        /// The file.
        path: PathBuf,
    },
    /// A Parquet file that is cut short or not Parquet at all.
    #[error(
        "The Parquet file is incomplete or not Parquet (it does not end with the Parquet footer; was it still being written, or cut short by a copy?). Export or copy it again: {}",
        path.display()
    )]
    BadParquet {
        /// The file.
        path: PathBuf,
    },
    /// The parser rejected the file.
    #[error("Cannot read the data file: {message}: {}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// The load was cancelled by the user.
    #[error("Loading was cancelled: {}", path.display())]
    Cancelled {
        /// The file.
        path: PathBuf,
    },
}

impl LoadError {
    /// Whether the user could fix this by choosing column roles (the desktop
    /// app then shows its column mapping dialog).
    #[must_use]
    pub fn is_role_problem(&self) -> bool {
        matches!(
            self,
            Self::MissingRole { .. }
                | Self::NoSuchColumn { .. }
                | Self::RoleClash { .. }
                | Self::NotNumeric { .. }
                | Self::DuplicateIds { .. }
                | Self::NullIds { .. }
        )
    }
}
