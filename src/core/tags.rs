//! Tags on examples, reviewed marks and notes, with undoable edits and the
//! incremental counts behind the prioritisation table.
//!
//! Every change is an [`Edit`]; applying one returns its inverse, which is
//! what undo applies. Toggling a tag on one example updates a handful of
//! counters, so the table is recomputed in time proportional to the number
//! of tags, not rows.

use std::collections::BTreeMap;

use super::dataset::{Bitmap, Dataset, Ids};
use super::hash::FxHashMap;
use super::rules;
use super::session::{DataRef, ExampleState, Key, Session, TagDef, ViewState, WatchPair};

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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TagCounts {
    /// Tagged misclassified rows.
    pub errors: u64,
    /// Tagged correctly classified rows.
    pub correct: u64,
    /// Tagged errors with a human label.
    pub human_n_errors: u64,
    /// ... of which the human label is right.
    pub human_ok_errors: u64,
    /// Tagged correct rows with a human label.
    pub human_n_correct: u64,
    /// ... of which the human label is right.
    pub human_ok_correct: u64,
}

impl TagCounts {
    #[inline]
    fn update(&mut self, ds: &Dataset, row: usize, add: bool) {
        let step = |v: &mut u64| {
            if add {
                *v += 1;
            } else {
                *v = v.saturating_sub(1);
            }
        };
        let human = ds.human_correct(row);
        if ds.is_error(row) {
            step(&mut self.errors);
            if let Some(ok) = human {
                step(&mut self.human_n_errors);
                if ok {
                    step(&mut self.human_ok_errors);
                }
            }
        } else {
            step(&mut self.correct);
            if let Some(ok) = human {
                step(&mut self.human_n_correct);
                if ok {
                    step(&mut self.human_ok_correct);
                }
            }
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
    pub fn tagged(&self) -> u64 {
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

/// The tags, reviewed marks and notes of a session, bound to a dataset.
#[derive(Debug, Clone)]
pub struct ReviewState {
    tags: Vec<Tag>,
    next_id: TagId,
    reviewed: Bitmap,
    reviewed_errors: u64,
    reviewed_correct: u64,
    notes: FxHashMap<u32, String>,
    /// Session entries whose key is not in this data; written back on save.
    unmatched: BTreeMap<String, ExampleState>,
    /// Costly confusions to watch.
    pub watch: Vec<WatchPair>,
    /// The desktop app's view.
    pub view: ViewState,
    undo: Vec<Edit>,
    redo: Vec<Edit>,
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

impl ReviewState {
    /// An empty state for `ds`.
    #[must_use]
    pub fn new(ds: &Dataset) -> Self {
        Self {
            tags: Vec::new(),
            next_id: 0,
            reviewed: Bitmap::new(ds.rows()),
            reviewed_errors: 0,
            reviewed_correct: 0,
            notes: FxHashMap::default(),
            unmatched: BTreeMap::new(),
            watch: Vec::new(),
            view: ViewState::default(),
            undo: Vec::new(),
            redo: Vec::new(),
            generation: 0,
        }
    }

    /// Grows with every change; compare to know whether to save.
    #[must_use]
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Marks a change outside the edits (watch list, view).
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

    /// Whether there is something to undo.
    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Applies `edit` as one undo step.
    ///
    /// # Errors
    /// When the edit is invalid; nothing changes then.
    pub fn edit(&mut self, ds: &Dataset, edit: Edit) -> Result<(), TagError> {
        let inverse = self.apply(ds, edit)?;
        self.undo.push(inverse);
        self.redo.clear();
        Ok(())
    }

    /// Undoes the last edit. Returns whether there was one.
    pub fn undo(&mut self, ds: &Dataset) -> bool {
        let Some(edit) = self.undo.pop() else {
            return false;
        };
        match self.apply(ds, edit) {
            Ok(inverse) => {
                self.redo.push(inverse);
                true
            }
            Err(_) => false,
        }
    }

    /// Redoes the last undone edit. Returns whether there was one.
    pub fn redo(&mut self, ds: &Dataset) -> bool {
        let Some(edit) = self.redo.pop() else {
            return false;
        };
        match self.apply(ds, edit) {
            Ok(inverse) => {
                self.undo.push(inverse);
                true
            }
            Err(_) => false,
        }
    }

    /// Toggles a manual tag on `rows`: off when every row has it, else on.
    ///
    /// # Errors
    /// When the tag does not exist or is a rule tag.
    pub fn toggle(&mut self, ds: &Dataset, tag: TagId, rows: &[u32]) -> Result<(), TagError> {
        let t = self.tag(tag).ok_or(TagError::NoSuchTag)?;
        let on = !rows.iter().all(|&r| t.members.get(r as usize));
        self.edit(
            ds,
            Edit::SetTag {
                tag,
                on,
                rows: rows.to_vec(),
            },
        )
    }

    /// Applies an edit without recording it; returns the inverse.
    ///
    /// # Errors
    /// When the edit is invalid. A failing batch is rolled back.
    pub fn apply(&mut self, ds: &Dataset, edit: Edit) -> Result<Edit, TagError> {
        let inverse = match edit {
            Edit::SetTag { tag, on, rows } => self.set_tag(ds, tag, on, &rows)?,
            Edit::SetReviewed { rows, reviewed } => self.set_reviewed(ds, &rows, reviewed),
            Edit::SetNote { row, .. } if row as usize >= ds.rows() => {
                return Err(TagError::NoSuchRow(row));
            }
            Edit::SetNote { row, note } => {
                let old = if note.is_empty() {
                    self.notes.remove(&row)
                } else {
                    self.notes.insert(row, note)
                };
                Edit::SetNote {
                    row,
                    note: old.unwrap_or_default(),
                }
            }
            Edit::AddTag {
                index,
                id,
                def,
                members,
            } => self.add_tag(ds, index, id, def, &members)?,
            Edit::RemoveTag { tag } => {
                let pos = self.position(tag)?;
                let t = self.tags.remove(pos);
                let members = if t.is_rule() {
                    Vec::new()
                } else {
                    t.members
                        .ones()
                        .filter_map(|r| u32::try_from(r).ok())
                        .collect()
                };
                Edit::AddTag {
                    index: pos,
                    id: Some(t.id),
                    def: t.def,
                    members,
                }
            }
            Edit::UpdateTag { tag, def } => self.update_tag(ds, tag, def)?,
            Edit::Batch(edits) => {
                let mut inverses = Vec::with_capacity(edits.len());
                for e in edits {
                    match self.apply(ds, e) {
                        Ok(inv) => inverses.push(inv),
                        Err(err) => {
                            for inv in inverses.into_iter().rev() {
                                let _ = self.apply(ds, inv);
                            }
                            return Err(err);
                        }
                    }
                }
                inverses.reverse();
                Edit::Batch(inverses)
            }
        };
        self.generation += 1;
        Ok(inverse)
    }

    fn mark_reviewed(&mut self, ds: &Dataset, row: usize, reviewed: bool) -> bool {
        if self.reviewed.get(row) == reviewed {
            return false;
        }
        self.reviewed.set(row, reviewed);
        let counter = if ds.is_error(row) {
            &mut self.reviewed_errors
        } else {
            &mut self.reviewed_correct
        };
        if reviewed {
            *counter += 1;
        } else {
            *counter = counter.saturating_sub(1);
        }
        true
    }

    fn set_tag(
        &mut self,
        ds: &Dataset,
        tag: TagId,
        on: bool,
        rows: &[u32],
    ) -> Result<Edit, TagError> {
        let pos = self.position(tag)?;
        if self.tags[pos].is_rule() {
            return Err(TagError::RuleTag(self.tags[pos].def.name.clone()));
        }
        let mut changed = Vec::new();
        let mut newly_reviewed = Vec::new();
        for &r in rows {
            let row = r as usize;
            if row >= ds.rows() || self.tags[pos].members.get(row) == on {
                continue;
            }
            if on && self.mark_reviewed(ds, row, true) {
                newly_reviewed.push(r);
            }
            let t = &mut self.tags[pos];
            t.members.set(row, on);
            t.counts.update(ds, row, on);
            changed.push(r);
        }
        let undo_tag = Edit::SetTag {
            tag,
            on: !on,
            rows: changed,
        };
        Ok(if newly_reviewed.is_empty() {
            undo_tag
        } else {
            Edit::Batch(vec![
                undo_tag,
                Edit::SetReviewed {
                    rows: newly_reviewed,
                    reviewed: false,
                },
            ])
        })
    }

    fn set_reviewed(&mut self, ds: &Dataset, rows: &[u32], reviewed: bool) -> Edit {
        let mut changed = Vec::new();
        let mut removed: Vec<(TagId, Vec<u32>)> = Vec::new();
        for &r in rows {
            let row = r as usize;
            if row >= ds.rows() || self.reviewed.get(row) == reviewed {
                continue;
            }
            if !reviewed {
                for t in self.tags.iter_mut().filter(|t| t.def.rule.is_none()) {
                    if t.members.get(row) {
                        t.members.set(row, false);
                        t.counts.update(ds, row, false);
                        match removed.iter_mut().find(|(id, _)| *id == t.id) {
                            Some((_, v)) => v.push(r),
                            None => removed.push((t.id, vec![r])),
                        }
                    }
                }
            }
            self.mark_reviewed(ds, row, reviewed);
            changed.push(r);
        }
        let mut inverse = vec![Edit::SetReviewed {
            rows: changed,
            reviewed: !reviewed,
        }];
        inverse.extend(removed.into_iter().map(|(tag, rows)| Edit::SetTag {
            tag,
            on: true,
            rows,
        }));
        if inverse.len() == 1 {
            inverse.remove(0)
        } else {
            Edit::Batch(inverse)
        }
    }

    fn validate(&self, def: &TagDef, except: Option<TagId>) -> Result<(), TagError> {
        let name = def.name.trim();
        if name.is_empty() {
            return Err(TagError::EmptyName);
        }
        let others = || self.tags.iter().filter(|t| Some(t.id) != except);
        if others().any(|t| t.def.name == name) {
            return Err(TagError::DuplicateName(name.to_string()));
        }
        if let Some(key) = def.hotkey {
            if !(1..=9).contains(&key) {
                return Err(TagError::BadHotkey(key));
            }
            if let Some(other) = others().find(|t| t.def.hotkey == Some(key)) {
                return Err(TagError::HotkeyTaken {
                    key,
                    other: other.def.name.clone(),
                });
            }
        }
        if let Some(hlp) = def.hlp
            && !(0.0..=1.0).contains(&hlp)
        {
            return Err(TagError::OutOfRange(format!(
                "human-level performance is a proportion between 0 and 1 (e.g. 0.95), not {hlp}"
            )));
        }
        check_weight("importance", def.importance)?;
        check_weight("effort", def.effort)
    }

    fn rule_members(ds: &Dataset, def: &TagDef) -> Result<Bitmap, TagError> {
        let rule = def.rule.as_deref().unwrap_or_default();
        rules::evaluate(ds, rule).map_err(|error| TagError::Rule {
            name: def.name.clone(),
            error,
        })
    }

    fn add_tag(
        &mut self,
        ds: &Dataset,
        index: usize,
        id: Option<TagId>,
        mut def: TagDef,
        members: &[u32],
    ) -> Result<Edit, TagError> {
        def.name = def.name.trim().to_string();
        self.validate(&def, None)?;
        if def.colour.is_empty() {
            def.colour = self.next_colour().to_string();
        }
        let (bitmap, rule_error) = if def.rule.is_some() {
            (Self::rule_members(ds, &def)?, None)
        } else {
            let mut b = Bitmap::new(ds.rows());
            for &r in members {
                if (r as usize) < ds.rows() {
                    b.set(r as usize, true);
                }
            }
            (b, None)
        };
        let id = id.unwrap_or_else(|| {
            self.next_id += 1;
            self.next_id - 1
        });
        self.next_id = self.next_id.max(id + 1);
        let counts = TagCounts::of(ds, &bitmap);
        let index = index.min(self.tags.len());
        self.tags.insert(
            index,
            Tag {
                id,
                def,
                members: bitmap,
                rule_error,
                counts,
            },
        );
        Ok(Edit::RemoveTag { tag: id })
    }

    fn update_tag(&mut self, ds: &Dataset, tag: TagId, mut def: TagDef) -> Result<Edit, TagError> {
        let pos = self.position(tag)?;
        def.name = def.name.trim().to_string();
        self.validate(&def, Some(tag))?;
        let old = &self.tags[pos];
        if old.is_rule() != def.rule.is_some() {
            return Err(TagError::OutOfRange(
                "a manual tag cannot become a rule tag or back; create a new tag instead"
                    .to_string(),
            ));
        }
        if def.rule.is_some() && def.rule != old.def.rule {
            let members = Self::rule_members(ds, &def)?;
            let t = &mut self.tags[pos];
            t.counts = TagCounts::of(ds, &members);
            t.members = members;
            t.rule_error = None;
        }
        let old_def = std::mem::replace(&mut self.tags[pos].def, def);
        Ok(Edit::UpdateTag { tag, def: old_def })
    }

    /// Creates a manual tag with the next free hotkey and colour and applies
    /// it to `rows`, as one undo step. Returns its id.
    ///
    /// # Errors
    /// When the name is empty or taken.
    pub fn create_tag(
        &mut self,
        ds: &Dataset,
        name: &str,
        rows: &[u32],
    ) -> Result<TagId, TagError> {
        let def = TagDef {
            hotkey: self.free_hotkey(),
            colour: self.next_colour().to_string(),
            ..TagDef::manual(name, "")
        };
        let id = self.next_id;
        self.edit(
            ds,
            Edit::Batch(vec![
                Edit::AddTag {
                    index: self.tags.len(),
                    id: Some(id),
                    def,
                    members: Vec::new(),
                },
                Edit::SetTag {
                    tag: id,
                    on: true,
                    rows: rows.to_vec(),
                },
            ]),
        )?;
        Ok(id)
    }

    /// Merges tag `from` into `into` (both manual: `into` gains `from`'s rows;
    /// both rules: `into`'s rule becomes `(a) or (b)`), then deletes `from`.
    ///
    /// # Errors
    /// When either is missing or they are of different kinds.
    pub fn merge(&mut self, ds: &Dataset, from: TagId, into: TagId) -> Result<(), TagError> {
        let src = self.tag(from).ok_or(TagError::NoSuchTag)?;
        let dst = self.tag(into).ok_or(TagError::NoSuchTag)?;
        let first = match (&src.def.rule, &dst.def.rule) {
            (None, None) => Edit::SetTag {
                tag: into,
                on: true,
                rows: src
                    .members
                    .ones()
                    .filter_map(|r| u32::try_from(r).ok())
                    .collect(),
            },
            (Some(a), Some(b)) => Edit::UpdateTag {
                tag: into,
                def: TagDef {
                    rule: Some(format!("({b}) or ({a})")),
                    ..dst.def.clone()
                },
            },
            _ => return Err(TagError::MixedMerge),
        };
        self.edit(ds, Edit::Batch(vec![first, Edit::RemoveTag { tag: from }]))
    }

    /// Binds a session to `ds`: tags by name, examples by key. Returns the
    /// state and warnings for the user (different data file, unknown ids,
    /// rules that do not fit).
    #[must_use]
    pub fn from_session(ds: &Dataset, session: &Session) -> (Self, Vec<String>) {
        let mut state = Self::new(ds);
        let mut warnings = Vec::new();
        let here = DataRef::of(&ds.source);
        if !session.data.fingerprint.is_empty() && session.data.fingerprint != here.fingerprint {
            warnings.push(format!(
                "This session was made for '{}' ({} bytes), but '{}' ({} bytes) has different contents; tags are matched by id.",
                session.data.file, session.data.size, here.file, here.size
            ));
        }
        for def in &session.tags {
            let mut def = def.clone();
            if def
                .hotkey
                .is_some_and(|k| state.tag_by_hotkey(k).is_some() || !(1..=9).contains(&k))
            {
                warnings.push(format!(
                    "Tag '{}': its hotkey was taken or invalid and was dropped.",
                    def.name
                ));
                def.hotkey = None;
            }
            while state.tag_by_name(def.name.trim()).is_some() {
                warnings.push(format!(
                    "Two tags are named '{}'; the second was renamed.",
                    def.name
                ));
                def.name.push_str(" (2)");
            }
            def.importance = def.importance.clamp(1, 5);
            def.effort = def.effort.clamp(1, 5);
            def.hlp = def.hlp.filter(|h| (0.0..=1.0).contains(h));
            let index = state.tags.len();
            match state.add_tag(ds, index, None, def.clone(), &[]) {
                Ok(_) => {}
                Err(TagError::Rule { error, .. }) => {
                    warnings.push(format!("Rule tag '{}' matches nothing: {error}.", def.name));
                    let id = state.next_id;
                    state.next_id += 1;
                    state.tags.push(Tag {
                        id,
                        def,
                        members: Bitmap::new(ds.rows()),
                        rule_error: Some(error.to_string()),
                        counts: TagCounts::default(),
                    });
                }
                Err(e) => warnings.push(format!("Tag '{}' was skipped: {e}.", def.name)),
            }
        }
        if let Key::Column(col) = &session.key
            && ds.roles.id.as_deref() != Some(col.as_str())
        {
            warnings.push(format!(
                "The session keys examples by column '{col}', but this data's id column is {}; matching by value anyway.",
                ds.roles.id.as_deref().map_or_else(|| "missing (row numbers are used)".to_string(), |c| format!("'{c}'"))
            ));
        }
        let rows = match_keys(
            &ds.ids,
            session.examples.keys().map(String::as_str),
            ds.rows(),
        );
        let mut per_tag: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut reviewed = Vec::new();
        for ((key, example), row) in session.examples.iter().zip(rows) {
            let Some(row) = row else {
                state.unmatched.insert(key.clone(), example.clone());
                continue;
            };
            if example.reviewed || !example.tags.is_empty() {
                reviewed.push(row);
            }
            if !example.note.is_empty() {
                state.notes.insert(row, example.note.clone());
            }
            for name in &example.tags {
                per_tag.entry(name.clone()).or_default().push(row);
            }
        }
        state.set_reviewed(ds, &reviewed, true);
        let mut names: Vec<&String> = per_tag.keys().collect();
        names.sort();
        for name in names {
            let rows = &per_tag[name];
            let id = match state.tag_by_name(name) {
                Some(t) if t.is_rule() => {
                    warnings.push(format!(
                        "{} example(s) carry '{name}' by hand, but it is a rule tag; those assignments were ignored.",
                        rows.len()
                    ));
                    continue;
                }
                Some(t) => t.id,
                None => {
                    warnings.push(format!(
                        "Tag '{name}' is used by examples but not defined; it was added."
                    ));
                    let def = TagDef::manual(name, state.next_colour());
                    let index = state.tags.len();
                    match state.add_tag(ds, index, None, def, &[]) {
                        Ok(Edit::RemoveTag { tag }) => tag,
                        _ => continue,
                    }
                }
            };
            let _ = state.set_tag(ds, id, true, rows);
        }
        if !state.unmatched.is_empty() {
            warnings.push(format!(
                "{} of {} examples in the session are not in this data (ids not found); they are kept in the session file.",
                state.unmatched.len(),
                session.examples.len()
            ));
        }
        state.watch.clone_from(&session.watch);
        state.view.clone_from(&session.view);
        (state, warnings)
    }

    /// The session to save.
    #[must_use]
    pub fn to_session(&self, ds: &Dataset) -> Session {
        let mut examples = self.unmatched.clone();
        let mut rows: Vec<usize> = self.reviewed.ones().collect();
        rows.extend(
            self.notes
                .keys()
                .map(|&r| r as usize)
                .filter(|&r| !self.reviewed.get(r)),
        );
        for row in rows {
            examples.insert(
                ds.ids.key(row).into_owned(),
                ExampleState {
                    tags: self
                        .tags
                        .iter()
                        .filter(|t| !t.is_rule() && t.members.get(row))
                        .map(|t| t.def.name.clone())
                        .collect(),
                    reviewed: self.reviewed.get(row),
                    note: self.note(row).to_string(),
                },
            );
        }
        Session {
            data: DataRef::of(&ds.source),
            key: ds.roles.id.clone().map_or(Key::RowNumber, Key::Column),
            tags: self.tags.iter().map(|t| t.def.clone()).collect(),
            examples,
            watch: self.watch.clone(),
            view: self.view.clone(),
            ..Session::default()
        }
    }
}

/// The row of each key (in order), `None` where no row has it. One pass over
/// the rows; only the session's keys are hashed.
fn match_keys<'a>(ids: &Ids, keys: impl Iterator<Item = &'a str>, rows: usize) -> Vec<Option<u32>> {
    let keys: Vec<&str> = keys.collect();
    let mut out = vec![None; keys.len()];
    match ids {
        Ids::RowNumber => {
            for (slot, key) in out.iter_mut().zip(&keys) {
                *slot = key
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n >= 1 && n <= rows)
                    .and_then(|n| u32::try_from(n - 1).ok());
            }
        }
        Ids::Int(values) => {
            let wanted: FxHashMap<i64, usize> = keys
                .iter()
                .enumerate()
                .filter_map(|(i, k)| k.trim().parse::<i64>().ok().map(|v| (v, i)))
                .collect();
            for (row, v) in values.iter().enumerate() {
                if let Some(&i) = wanted.get(v) {
                    out[i] = u32::try_from(row).ok();
                }
            }
        }
        Ids::Str(values) => {
            let wanted: FxHashMap<&str, usize> =
                keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
            for row in 0..values.len() {
                if let Some(&i) = wanted.get(values.get(row)) {
                    out[i] = u32::try_from(row).ok();
                }
            }
        }
    }
    out
}
