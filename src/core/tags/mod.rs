//! Tags on examples, reviewed marks and notes (the [`Annotations`] of a
//! session), with undoable edits and the incremental counts behind the
//! prioritisation table.
//!
//! Every change is an [`Edit`]; applying one returns its inverse, which is
//! what undo applies ([`History`] keeps both stacks, apart from the
//! annotations, so a snapshot of them for a worker carries no history). Toggling a tag on one example updates a handful of
//! counters, so the table is recomputed in time proportional to the number
//! of tags, not rows.
//!
//! `mod.rs` holds the types and queries, `apply` the edits themselves,
//! `history` undo and redo, and `session` the binding to a session file.

use std::collections::BTreeMap;

mod apply;
mod history;
mod session;

pub use history::History;

use rustc_hash::FxHashMap;

use super::dataset::{Bitmap, Dataset};
use super::rules;
use super::session::{ExampleState, TagDef, WatchPair};
use super::stats::Count;

/// Stable identifier of a tag within one loaded session (survives renames,
/// deletes and undo).
pub type TagId = u32;

/// Colours handed to new tags in turn (Tableau 10).
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// A tag edit that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    /// The tag does not exist (any more).
    #[error("there is no such tag")]
    NoSuchTag,
    /// Another tag already has the name.
    #[error("a tag named '{0}' already exists; choose another name")]
    DuplicateName(String),
    /// The name is empty.
    #[error("a tag needs a name")]
    EmptyName,
    /// Another tag already uses the hotkey.
    #[error("key {key} already toggles '{other}'")]
    HotkeyTaken {
        /// The key.
        key: u8,
        /// The tag that has it.
        other: String,
    },
    /// Hotkeys are 1–9.
    #[error("hotkeys are 1 to 9, not {0}")]
    BadHotkey(u8),
    /// Rule tags follow their rule; they cannot be toggled by hand.
    #[error(
        "'{0}' is a rule tag: it applies to every row matching its rule and cannot be toggled by hand"
    )]
    RuleTag(String),
    /// The rule does not parse or fit the data.
    #[error("rule of '{name}': {error}")]
    Rule {
        /// The tag.
        name: String,
        /// What is wrong.
        error: rules::RuleError,
    },
    /// HLP must be a proportion, importance and effort 1–5.
    #[error("{0}")]
    OutOfRange(String),
    /// Merging needs two tags of the same kind.
    #[error("cannot merge a rule tag with a manual tag")]
    MixedMerge,
    /// The row is not in the data.
    #[error("there is no row {0} in this data")]
    NoSuchRow(u32),
}

/// Counts of tagged rows by stratum. For a manual tag these are reviewed
/// rows; for a rule tag, all rows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TagCounts {
    /// Tagged misclassified rows (their weight, with a weight column).
    pub errors: Count,
    /// Tagged correctly classified rows.
    pub correct: Count,
    /// Tagged errors with a human label.
    pub human_n_errors: Count,
    /// ... of which the human label is right.
    pub human_ok_errors: Count,
    /// Tagged correct rows with a human label.
    pub human_n_correct: Count,
    /// ... of which the human label is right.
    pub human_ok_correct: Count,
}

impl TagCounts {
    #[inline]
    fn update(&mut self, ds: &Dataset, row: usize, add: bool) {
        let unit = ds.unit(row);
        let step = |v: &mut Count, by: Count| {
            if add {
                *v += by;
            } else {
                *v -= by;
                if v.is_zero() || v.w < 0.0 {
                    *v = Count::ZERO;
                }
            }
        };
        let human = ds.human_units(row);
        let (count, labelled, agree) = if ds.is_error(row) {
            (
                &mut self.errors,
                &mut self.human_n_errors,
                &mut self.human_ok_errors,
            )
        } else {
            (
                &mut self.correct,
                &mut self.human_n_correct,
                &mut self.human_ok_correct,
            )
        };
        step(count, unit);
        if let Some((n, ok)) = human {
            step(labelled, n);
            step(agree, ok);
        }
    }

    /// Counts over every member of a bitmap.
    #[must_use]
    pub fn of(ds: &Dataset, members: &Bitmap) -> Self {
        let mut c = Self::default();
        for row in members.ones() {
            c.update(ds, row, true);
        }
        c
    }

    /// All tagged rows.
    #[must_use]
    pub fn tagged(&self) -> Count {
        self.errors + self.correct
    }
}

/// A tag with its members.
#[derive(Debug, Clone)]
pub struct Tag {
    /// Stable id.
    pub id: TagId,
    /// Definition.
    pub def: TagDef,
    /// Rows carrying the tag (assigned by hand, or matching the rule).
    pub members: Bitmap,
    /// Why the rule matches nothing, when it does not fit this data.
    pub rule_error: Option<String>,
    counts: TagCounts,
}

impl Tag {
    /// Whether it is a rule tag.
    #[must_use]
    pub fn is_rule(&self) -> bool {
        self.def.rule.is_some()
    }

    /// Its counts.
    #[must_use]
    pub fn counts(&self) -> TagCounts {
        self.counts
    }
}

/// One change to the review state. Applying it returns its inverse.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Put a manual tag on rows (marking them reviewed) or take it off.
    SetTag {
        /// The tag.
        tag: TagId,
        /// On or off.
        on: bool,
        /// The rows.
        rows: Vec<u32>,
    },
    /// Mark rows reviewed or not; un-reviewing removes their manual tags.
    SetReviewed {
        /// The rows.
        rows: Vec<u32>,
        /// Reviewed or not.
        reviewed: bool,
    },
    /// Set a row's note (empty removes it).
    SetNote {
        /// The row.
        row: u32,
        /// The note.
        note: String,
    },
    /// Add a tag at a position in the list.
    AddTag {
        /// Position in the tag list (clamped).
        index: usize,
        /// Id to reuse (undo of a delete), or `None` for a new one.
        id: Option<TagId>,
        /// Definition.
        def: TagDef,
        /// Rows of a manual tag (ignored for rule tags).
        members: Vec<u32>,
    },
    /// Delete a tag (its rows stay reviewed).
    RemoveTag {
        /// The tag.
        tag: TagId,
    },
    /// Change a tag's definition (name, colour, hotkey, HLP, weights, rule).
    UpdateTag {
        /// The tag.
        tag: TagId,
        /// The new definition.
        def: TagDef,
    },
    /// Several edits as one undo step.
    Batch(Vec<Edit>),
}

/// An edit undone or redone: what it was, in words, and the rows it touched
/// (so the app can show them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// "tag 'car noise' on utt00042", "new tag 'blurry'".
    pub what: String,
    /// The rows the edit changed, in order (none for tag list changes).
    pub rows: Vec<u32>,
}

impl Step {
    /// Describes `edit` (the edit as the user made it) while its tag exists
    /// in `state`.
    pub(super) fn of(edit: &Edit, ds: &Dataset, state: &Annotations) -> Self {
        let examples = |rows: &[u32]| match rows {
            [one] => ds.ids.key(*one as usize).into_owned(),
            _ => format!("{} examples", crate::core::format::count(rows.len() as u64)),
        };
        let name = |id: TagId| {
            state
                .tag(id)
                .map_or_else(|| "?".into(), |t| t.def.name.clone())
        };
        match edit {
            Edit::SetTag { tag, on, rows } => Self {
                what: format!(
                    "tag '{}' {} {}",
                    name(*tag),
                    if *on { "on" } else { "off" },
                    examples(rows)
                ),
                rows: rows.clone(),
            },
            Edit::SetReviewed { rows, reviewed } => Self {
                what: format!(
                    "{} {}",
                    if *reviewed {
                        "reviewed mark on"
                    } else {
                        "un-reviewing"
                    },
                    examples(rows)
                ),
                rows: rows.clone(),
            },
            Edit::SetNote { row, .. } => Self {
                what: format!("note on {}", examples(std::slice::from_ref(row))),
                rows: vec![*row],
            },
            Edit::AddTag { def, .. } => Self {
                what: format!(
                    "new {}tag '{}'",
                    if def.rule.is_some() { "rule " } else { "" },
                    def.name
                ),
                rows: Vec::new(),
            },
            Edit::RemoveTag { tag } => Self {
                what: format!("deleting tag '{}'", name(*tag)),
                rows: Vec::new(),
            },
            Edit::UpdateTag { def, .. } => Self {
                what: format!("changes to tag '{}'", def.name),
                rows: Vec::new(),
            },
            Edit::Batch(nested) => {
                fn flatten<'e>(edits: &'e [Edit], out: &mut Vec<&'e Edit>) {
                    for e in edits {
                        match e {
                            Edit::Batch(inner) => flatten(inner, out),
                            other => out.push(other),
                        }
                    }
                }
                let mut edits = Vec::new();
                flatten(nested, &mut edits);
                // Reviewed marks come with tagging; the tagging is the news.
                let significant: Vec<&Edit> = edits
                    .iter()
                    .copied()
                    .filter(|e| !matches!(e, Edit::SetReviewed { .. }))
                    .collect();
                let shown = if significant.is_empty() {
                    edits.clone()
                } else {
                    significant
                };
                let mut rows: Vec<u32> = edits
                    .iter()
                    .flat_map(|e| Self::of(e, ds, state).rows)
                    .collect();
                rows.sort_unstable();
                rows.dedup();
                let what = match shown.as_slice() {
                    [] => "nothing".to_string(),
                    [one] => Self::of(one, ds, state).what,
                    [Edit::AddTag { def, .. }, rest @ ..]
                        if rest.iter().all(|e| matches!(e, Edit::SetTag { .. })) =>
                    {
                        format!("new tag '{}' on {}", def.name, examples(&rows))
                    }
                    [first, rest @ ..] => format!(
                        "{} and {} more change{}",
                        Self::of(first, ds, state).what,
                        rest.len(),
                        if rest.len() == 1 { "" } else { "s" }
                    ),
                };
                Self { what, rows }
            }
        }
    }
}

/// The tags, reviewed marks and notes of a session, bound to a dataset.
#[derive(Debug, Clone)]
pub struct Annotations {
    tags: Vec<Tag>,
    next_id: TagId,
    reviewed: Bitmap,
    reviewed_errors: u64,
    reviewed_correct: u64,
    /// What the reviewed errors and correct rows count for (their numbers
    /// without a weight column).
    reviewed_weight: (Count, Count),
    notes: FxHashMap<u32, String>,
    /// Session entries whose key is not in this data; written back on save.
    unmatched: BTreeMap<String, ExampleState>,
    /// Costly confusions to watch.
    pub watch: Vec<WatchPair>,
    generation: u64,
}

fn check_weight(what: &str, v: u8) -> Result<(), TagError> {
    if (1..=5).contains(&v) {
        Ok(())
    } else {
        Err(TagError::OutOfRange(format!(
            "{what} is on a 1–5 scale, not {v}"
        )))
    }
}

impl Annotations {
    /// An empty state for `ds`.
    #[must_use]
    pub fn new(ds: &Dataset) -> Self {
        Self {
            tags: Vec::new(),
            next_id: 0,
            reviewed: Bitmap::new(ds.rows()),
            reviewed_errors: 0,
            reviewed_correct: 0,
            reviewed_weight: (Count::ZERO, Count::ZERO),
            notes: FxHashMap::default(),
            unmatched: BTreeMap::new(),
            watch: Vec::new(),
            generation: 0,
        }
    }

    /// Grows with every change; compare to know whether to save.
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Marks a change outside the edits (the watch list).
    pub fn touch(&mut self) {
        self.generation += 1;
    }

    /// Tags in display order.
    #[must_use]
    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    /// The tag with `id`.
    #[must_use]
    pub fn tag(&self, id: TagId) -> Option<&Tag> {
        self.tags.iter().find(|t| t.id == id)
    }

    /// The tag named `name`.
    #[must_use]
    pub fn tag_by_name(&self, name: &str) -> Option<&Tag> {
        self.tags.iter().find(|t| t.def.name == name)
    }

    /// The manual tag toggled by `key` (1–9).
    #[must_use]
    pub fn tag_by_hotkey(&self, key: u8) -> Option<&Tag> {
        self.tags.iter().find(|t| t.def.hotkey == Some(key))
    }

    fn position(&self, id: TagId) -> Result<usize, TagError> {
        self.tags
            .iter()
            .position(|t| t.id == id)
            .ok_or(TagError::NoSuchTag)
    }

    /// The lowest hotkey no tag uses.
    #[must_use]
    pub fn free_hotkey(&self) -> Option<u8> {
        (1..=9).find(|k| self.tag_by_hotkey(*k).is_none())
    }

    /// A colour for a new tag.
    #[must_use]
    pub fn next_colour(&self) -> &'static str {
        PALETTE
            .iter()
            .find(|c| !self.tags.iter().any(|t| t.def.colour == **c))
            .unwrap_or(&PALETTE[self.tags.len() % PALETTE.len()])
    }

    /// Whether `row` was reviewed.
    #[must_use]
    pub fn is_reviewed(&self, row: usize) -> bool {
        self.reviewed.get(row)
    }

    /// Reviewed misclassified rows.
    #[must_use]
    pub fn reviewed_errors(&self) -> u64 {
        self.reviewed_errors
    }

    /// Reviewed correctly classified rows.
    #[must_use]
    pub fn reviewed_correct(&self) -> u64 {
        self.reviewed_correct
    }

    /// What the reviewed errors and the reviewed correct rows count for:
    /// their weights, or their numbers without a weight column.
    #[must_use]
    pub fn reviewed_weight(&self) -> (Count, Count) {
        self.reviewed_weight
    }

    /// The note on `row`.
    #[must_use]
    pub fn note(&self, row: usize) -> &str {
        u32::try_from(row)
            .ok()
            .and_then(|r| self.notes.get(&r))
            .map_or("", String::as_str)
    }

    /// Whether `row` carries `tag`.
    #[must_use]
    pub fn has_tag(&self, row: usize, tag: TagId) -> bool {
        self.tag(tag).is_some_and(|t| t.members.get(row))
    }

    /// Whether `row` carries any tag (manual or rule).
    #[must_use]
    pub fn has_any_tag(&self, row: usize) -> bool {
        self.tags.iter().any(|t| t.members.get(row))
    }

    /// The tags on `row`, in display order.
    pub fn tags_of(&self, row: usize) -> impl Iterator<Item = &Tag> {
        self.tags.iter().filter(move |t| t.members.get(row))
    }

    /// Session entries that matched no row of this data (kept on save).
    #[must_use]
    pub fn unmatched(&self) -> usize {
        self.unmatched.len()
    }

    /// The edit that toggles a manual tag on `rows`: off when every row has
    /// it, else on.
    ///
    /// # Errors
    /// When the tag does not exist.
    pub fn toggle(&self, tag: TagId, rows: &[u32]) -> Result<Edit, TagError> {
        let t = self.tag(tag).ok_or(TagError::NoSuchTag)?;
        let on = !rows.iter().all(|&r| t.members.get(r as usize));
        Ok(Edit::SetTag {
            tag,
            on,
            rows: rows.to_vec(),
        })
    }
}
