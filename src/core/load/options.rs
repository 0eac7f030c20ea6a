//! How to load a file: the input format, which column plays each role, the
//! settings a person chooses (`LoadOptions`) and the run-time controls of
//! one load (`LoadControls`).

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::core::dataset::Roles;

/// The file formats Slicewise reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum InputFormat {
    /// Comma (or `;`, tab, `|`) separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// Newline-delimited JSON, one object per line.
    Ndjson,
}

impl FromStr for InputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "txt" => Ok(Self::Csv),
            "parquet" | "pq" => Ok(Self::Parquet),
            "ndjson" | "jsonl" | "json" => Ok(Self::Ndjson),
            other => Err(format!(
                "unknown input format '{other}': use csv, parquet or ndjson"
            )),
        }
    }
}

impl InputFormat {
    /// The format implied by a file's extension.
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?;
        ext.parse().ok()
    }
}

/// Which column plays a role.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum RoleChoice {
    /// Found by its name among the common ones (see [`roles::names`]).
    #[default]
    Detect,
    /// No column plays it.
    None,
    /// This column.
    Column(String),
}

impl RoleChoice {
    /// A command-line flag: the column it names (`""`: none), else detect.
    #[must_use]
    pub fn flag(name: Option<&str>) -> Self {
        match name {
            None => Self::Detect,
            Some("") => Self::None,
            Some(n) => Self::Column(n.to_string()),
        }
    }

    /// A role as chosen in the column dialog or remembered by a session:
    /// this column, or none.
    #[must_use]
    pub fn chosen(column: Option<&str>) -> Self {
        column.map_or(Self::None, |c| Self::Column(c.to_string()))
    }

    /// Whether the role is left to detection.
    #[must_use]
    pub fn is_detect(&self) -> bool {
        *self == Self::Detect
    }
}

/// Which columns a load reads. The role columns (label, prediction, id,
/// score, human, image, text, weight) are always read.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ColumnSelection {
    /// Every column: the desktop app, where any column may be sliced by.
    #[default]
    All,
    /// The role columns only: a second run to compare needs no more.
    Roles,
    /// The role columns, per-class probability columns and these (matched
    /// as rules match them: exactly, else ignoring ASCII case): a command
    /// that knows what it slices by, filters on or tags with. When a name
    /// is not a column of the file, or is a role column (a rule may name
    /// one; `--by` refuses it), every column is read, so that an error that
    /// follows names them all.
    Named(Vec<String>),
}

impl ColumnSelection {
    /// This selection with `more` columns named too (`All` stays `All`).
    #[must_use]
    pub fn and(self, more: impl IntoIterator<Item = String>) -> Self {
        match self {
            Self::All => Self::All,
            Self::Roles => Self::Named(more.into_iter().collect()),
            Self::Named(mut names) => {
                for name in more {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                Self::Named(names)
            }
        }
    }
}

/// What a load reports while it runs, and how another thread stops it:
/// run-time controls, not settings (never saved, never compared).
#[derive(Debug, Clone, Default)]
pub struct LoadControls {
    /// Set to `true` from another thread to stop the load early.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Bytes of the data read so far, for a progress bar: a folder of parts
    /// counts each part as it is read (see [`data_size`] for the total).
    pub progress: Option<Arc<std::sync::atomic::AtomicU64>>,
    /// Rows read so far, for a progress line.
    pub rows_read: Option<Arc<std::sync::atomic::AtomicU64>>,
}

/// How to load a file: format and column roles (the settings, which a
/// person chooses and could save), and the run-time [`LoadControls`].
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct LoadOptions {
    /// Input format; detected from the extension when `None`.
    pub format: Option<InputFormat>,
    /// True-label column.
    pub label: RoleChoice,
    /// Prediction column.
    pub pred: RoleChoice,
    /// Score column.
    pub score: RoleChoice,
    /// Id column.
    pub id: RoleChoice,
    /// Human-label column.
    pub human: RoleChoice,
    /// Image-path column.
    pub image: RoleChoice,
    /// Text column.
    pub text: RoleChoice,
    /// Weight column (scikit-learn's `sample_weight`; a count cube's counts).
    pub weight: RoleChoice,
    /// Metadata columns not to slice by (shown in the inspector only);
    /// `None` takes the session's choice, else every one is a slice column.
    pub not_slices: Option<Vec<String>>,
    /// The prefix of annotator label columns (`None`: the session's, else
    /// `annotator_`; empty: no annotator columns).
    pub annotator_prefix: Option<String>,
    /// The prefix of vote count columns (`None`: the session's, else
    /// `votes_`; empty: no vote columns).
    pub votes_prefix: Option<String>,
    /// Quantile bins for numeric slice columns (default 5).
    pub bins: Option<usize>,
    /// Prefix of per-class probability columns (`PREFIX<class>`); `None`
    /// detects `prob_`, `p_`, `proba_`, `score_` prefixes and a `_prob` suffix.
    pub proba_prefix: Option<String>,
    /// Probability columns named one by one: (column, class).
    pub proba: Vec<(String, String)>,
    /// Which columns to read: all (the app), or only what a command needs,
    /// so Parquet and CSV skip the rest.
    pub columns: ColumnSelection,
    /// Rows per batch of a streaming Parquet read (row groups are read
    /// together until they hold this many); `None` is about a million.
    pub batch_rows: Option<usize>,
    /// Bytes of a CSV file parsed at a time (whole records); `None` is 64 MiB.
    pub block_bytes: Option<usize>,
    /// Cancel flag and progress counters of this run.
    #[serde(skip)]
    pub controls: LoadControls,
}

impl LoadOptions {
    /// These options with every role set explicitly, as chosen in the column
    /// mapping dialog: a role left empty is "none", not "detect".
    #[must_use]
    pub fn with_roles(&self, roles: &Roles) -> Self {
        let chosen = |r: &Option<String>| RoleChoice::chosen(r.as_deref());
        Self {
            label: RoleChoice::Column(roles.label.clone()),
            pred: RoleChoice::Column(roles.pred.clone()),
            score: chosen(&roles.score),
            id: chosen(&roles.id),
            human: chosen(&roles.human),
            image: chosen(&roles.image),
            text: chosen(&roles.text),
            weight: chosen(&roles.weight),
            not_slices: Some(roles.not_slices.clone()),
            annotator_prefix: roles.annotator_prefix.clone(),
            votes_prefix: roles.votes_prefix.clone(),
            ..self.clone()
        }
    }

    /// These options with the roles a session remembers filled in where no
    /// flag names them (flags win).
    #[must_use]
    pub fn or_roles(&self, roles: &Roles) -> Self {
        let fill = |given: &RoleChoice, remembered: Option<&String>| match given {
            RoleChoice::Detect => RoleChoice::chosen(remembered.map(String::as_str)),
            other => other.clone(),
        };
        Self {
            label: fill(&self.label, Some(&roles.label)),
            pred: fill(&self.pred, Some(&roles.pred)),
            score: fill(&self.score, roles.score.as_ref()),
            id: fill(&self.id, roles.id.as_ref()),
            human: fill(&self.human, roles.human.as_ref()),
            image: fill(&self.image, roles.image.as_ref()),
            text: fill(&self.text, roles.text.as_ref()),
            weight: fill(&self.weight, roles.weight.as_ref()),
            not_slices: self
                .not_slices
                .clone()
                .or_else(|| Some(roles.not_slices.clone())),
            annotator_prefix: self
                .annotator_prefix
                .clone()
                .or_else(|| roles.annotator_prefix.clone()),
            votes_prefix: self
                .votes_prefix
                .clone()
                .or_else(|| roles.votes_prefix.clone()),
            ..self.clone()
        }
    }

    pub(super) fn cancelled(&self) -> bool {
        self.controls
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }
}
