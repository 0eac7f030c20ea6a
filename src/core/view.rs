//! What the Review view lists, as plain data: the filter a session keeps and
//! the app draws. The rows a filter passes are computed in `core::filter`;
//! this module holds only the description, so the session file format
//! depends on nothing above it.

use serde::{Deserialize, Serialize};

/// Which examples by correctness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Scope {
    /// Misclassified examples only.
    #[default]
    Errors,
    /// Correctly classified examples only.
    Correct,
    /// Every example.
    All,
    /// Examples whose human label differs from the true label (candidate label errors).
    HumanDisagrees,
    /// Likely label errors by confident learning (cleanlab's defaults),
    /// worst first unless shuffled.
    LabelIssues,
}

/// Which examples by tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TagFilter {
    /// Tagged or not.
    #[default]
    Any,
    /// No tag (manual or rule) at all.
    Untagged,
    /// Carrying this tag.
    Tagged(String),
}

/// Which examples by review state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ReviewedFilter {
    /// Reviewed or not.
    #[default]
    Any,
    /// Reviewed only.
    Reviewed,
    /// Not yet reviewed.
    Unreviewed,
}

/// The Review view's filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ReviewFilter {
    /// Errors, correct, all, or human disagreements.
    pub scope: Scope,
    /// Only this true class.
    pub truth: Option<String>,
    /// Only this predicted class.
    pub pred: Option<String>,
    /// Only rows whose slice column has this value (all must hold).
    pub slices: Vec<(String, String)>,
    /// By tag.
    pub tag: TagFilter,
    /// By review state.
    pub reviewed: ReviewedFilter,
    /// Only scores at or above.
    pub score_min: Option<f64>,
    /// Only scores at or below.
    pub score_max: Option<f64>,
    /// Shuffle the rows (for unbiased review samples), seeded.
    pub random_order: bool,
    /// Seed of the shuffle.
    pub seed: u64,
    /// Only examples the compared run fixed or broke (not kept in the
    /// session: the comparison is not either).
    #[serde(skip)]
    pub flip: Option<Flip>,
    /// With likely label errors: only those whose most probable class is
    /// this one (a cell of the confident joint; not kept in the session).
    #[serde(skip)]
    pub suggested: Option<String>,
    /// Only these rows, in this order (ascending): a selection on the map
    /// (not kept in the session).
    #[serde(skip)]
    pub map_rows: Option<std::sync::Arc<[u32]>>,
}

/// How an example of the first run fared in the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flip {
    /// Wrong in the first run, right in the second.
    Fixed,
    /// Right in the first run, wrong in the second.
    Broken,
}

impl Flip {
    /// "fixed" or "broken".
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Fixed => "fixed",
            Self::Broken => "broken",
        }
    }
}
