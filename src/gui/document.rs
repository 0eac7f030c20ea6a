//! The open document: a dataset, its review state and session file, the
//! Review list with its selection (saved in the session), and the
//! prioritisation table core computed for it. No view options live here;
//! nothing here draws or computes statistics itself.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::core::compare::RunComparison;
use crate::core::dataset::Dataset;
use crate::core::filter::ReviewFilter;
use crate::core::lock::Owner;
use crate::core::merge::Conflict;
use crate::core::open::{Opened, Summary};
use crate::core::priority::{SortKey, TagRow, prioritise, sort_rows};
use crate::core::session::{Session, SessionError, ViewState};
use crate::core::session_file::SessionFile;
use crate::core::tags::{Annotations, Edit, History, Step, TagError, TagId};
use crate::gui::jobs::{Job, Polled};

/// Where `row` is in the filtered `rows`: found by halving unless they are
/// shuffled.
fn position(rows: &[u32], row: Option<usize>, shuffled: bool) -> Option<usize> {
    let row = u32::try_from(row?).ok()?;
    if shuffled {
        rows.iter().position(|&r| r == row)
    } else {
        rows.binary_search(&row).ok()
    }
}

/// Held (written) by a test to keep filter workers waiting, so it can see
/// the window while a filter runs.
#[cfg(feature = "testing")]
pub static FILTER_GATE: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Autosave runs this long after the last change (and so within 2 s).
pub const AUTOSAVE_AFTER: Duration = Duration::from_millis(800);

/// An open predictions file with its session.
pub struct Document {
    /// The data (shared with background jobs).
    pub ds: Arc<Dataset>,
    /// Tags, reviewed marks, notes (shared with workers as snapshots: an
    /// edit while a worker holds one copies them first).
    pub annotations: Arc<Annotations>,
    /// Undo and redo of the edits to them.
    history: History,
    /// The session file: where it is saved, and what it held.
    file: SessionFile,
    /// Load and session warnings to show.
    pub warnings: Vec<String>,
    /// Headline numbers.
    pub summary: Summary,
    /// The Review filter.
    pub filter: ReviewFilter,
    /// Rows the filter shows, in list order.
    pub rows: Vec<u32>,
    /// The rows of a filter being applied on a worker, when they come.
    filtering: Option<Job<(Vec<u32>, Option<usize>)>>,
    /// The id of the example to put the cursor on once the rows are listed.
    select_key: Option<String>,
    /// Position of the cursor in `rows`.
    pub cursor: Option<usize>,
    /// Other end of a range selection.
    pub anchor: Option<usize>,
    /// Counts cursor moves and list changes, so the Review view knows when
    /// to scroll the cursor into sight.
    pub list_moves: u64,
    /// Order of the prioritisation table (shown, exported and copied so).
    pub sort: (SortKey, bool),
    table: Vec<TagRow>,
    saved_generation: u64,
    changed_at: Option<Instant>,
    view_changed: bool,
    /// The last save error, shown until a save succeeds.
    pub save_error: Option<String>,
    /// What the last save merged in from another writer, until shown.
    pub merged: Option<Vec<Conflict>>,
    /// The likely label errors of `ds`, found once when first asked for.
    pub label_issues: crate::core::label_issues::Shared,
    /// A second run joined to this one (File → Compare with another run…).
    pub compare: Option<Arc<RunComparison>>,
    /// Each view's options as RON by view name (saved in the session).
    view_options: std::collections::BTreeMap<String, String>,
    /// Whether the views have reported their options once.
    views_known: bool,
}

impl Document {
    /// A document on an opened file; restores the saved filter and selection.
    #[must_use]
    pub fn new(opened: Opened) -> Self {
        let summary = Summary::of(&opened.ds);
        Self::with_summary(opened, summary)
    }

    /// [`Document::new`] with the headline numbers computed already.
    #[must_use]
    pub fn with_summary(opened: Opened, summary: Summary) -> Self {
        let Opened {
            ds,
            state,
            mut file,
            view,
            session_warnings,
            ..
        } = opened;
        let mut warnings = ds.warnings.clone();
        warnings.extend(session_warnings);
        if let Some(owner) = file.announce() {
            warnings.push(format!(
                "Another Slicewise ({owner}) has this session open. Each save merges both windows' changes, so neither loses the other's tags and notes."
            ));
        }
        let ViewState {
            filter,
            selected,
            views: view_options,
            table_sort,
        } = view;
        let sort = table_sort
            .as_ref()
            .and_then(|(k, d)| SortKey::from_name(k).map(|k| (k, *d)))
            .unwrap_or((SortKey::ExpectedLift, true));
        let saved_generation = state.generation();
        let mut doc = Self {
            ds: Arc::new(ds),
            annotations: Arc::new(state),
            history: History::default(),
            file,
            warnings,
            summary,
            filter,
            rows: Vec::new(),
            filtering: None,
            select_key: None,
            cursor: None,
            anchor: None,
            list_moves: 0,
            sort,
            table: Vec::new(),
            saved_generation,
            changed_at: None,
            view_changed: false,
            save_error: None,
            merged: None,
            view_options,
            label_issues: crate::core::label_issues::Shared::default(),
            compare: None,
            views_known: false,
        };
        doc.refresh_table();
        doc.select_key = selected;
        doc.refresh_rows();
        doc.view_changed = false;
        doc
    }

    /// The file name of the data.
    #[must_use]
    pub fn file_name(&self) -> String {
        self.ds
            .source
            .path
            .file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
    }

    /// Re-applies the filter (on filter changes only: tagging never reorders
    /// the list). Over large data the filter runs on a worker thread (a
    /// pass over 100M rows takes 0.2 s) and the list shows its previous
    /// rows until [`Document::poll_rows`] takes the new ones; a newer filter
    /// replaces one still running.
    pub fn refresh_rows(&mut self) {
        // The example to keep the cursor on: the one a session remembered
        // (found by its id, a pass over the ids), else the one under it.
        let remembered = self.select_key.take();
        let cursor = self.cursor_row();
        let keep = move |ds: &Dataset, remembered: Option<&String>| match remembered {
            Some(key) => ds.ids.row_of(key),
            None => cursor,
        };
        if self.ds.rows() >= crate::gui::jobs::INLINE_ROWS {
            let ds = Arc::clone(&self.ds);
            let state = Arc::clone(&self.annotations);
            let filter = self.filter.clone();
            let compare = self.compare.clone();
            let issues = self.label_issues.clone();
            let key = remembered.clone();
            // The window polls while a filter runs (`logic()` asks for a
            // repaint every 30 ms), so the job need not wake it.
            let job = Job::try_spawn("slicewise-filter", None, move |_| {
                #[cfg(feature = "testing")]
                let _held = FILTER_GATE
                    .read()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let rows = filter.apply_compared(&ds, &state, compare.as_deref(), &issues);
                let at = position(&rows, keep(&ds, key.as_ref()), filter.random_order);
                (rows, at)
            });
            if let Ok(job) = job {
                // A newer filter replaces one still running.
                if let Some(old) = self.filtering.replace(job) {
                    old.cancel();
                }
                return;
            }
        }
        let rows = self.filter.apply_compared(
            &self.ds,
            &self.annotations,
            self.compare.as_deref(),
            &self.label_issues,
        );
        let at = position(
            &rows,
            keep(&self.ds, remembered.as_ref()),
            self.filter.random_order,
        );
        self.set_rows(rows, at);
    }

    /// Takes the rows a filter worker found, once they are there; whether
    /// the list changed.
    pub fn poll_rows(&mut self) -> bool {
        let Some(job) = &self.filtering else {
            return false;
        };
        let (rows, at) = match job.poll() {
            Polled::Ready(found) => found,
            Polled::Running => return false,
            // The worker died: filter here instead.
            Polled::Lost => {
                let rows = self.filter.apply_compared(
                    &self.ds,
                    &self.annotations,
                    self.compare.as_deref(),
                    &self.label_issues,
                );
                let at = position(&rows, self.cursor_row(), self.filter.random_order);
                (rows, at)
            }
        };
        self.filtering = None;
        self.set_rows(rows, at);
        true
    }

    /// Whether a filter is being applied on a worker.
    #[must_use]
    pub fn is_filtering(&self) -> bool {
        self.filtering.is_some()
    }

    /// The filtered rows, with the cursor at list position `at` (where its
    /// example, or the one a session remembered, is still listed).
    fn set_rows(&mut self, rows: Vec<u32>, at: Option<usize>) {
        let old = std::mem::replace(&mut self.rows, rows);
        // Giving back 400 MB (100M rows listed) takes the kernel 20 ms:
        // not the window's time.
        if old.len() > 1 << 20 {
            let _ = Job::try_spawn("slicewise-free", None, move |_| drop(old));
        }
        self.cursor = at.or_else(|| (!self.rows.is_empty()).then_some(0));
        self.anchor = self.cursor;
        self.list_moves += 1;
    }

    /// Holds a second run beside this one (or lets it go); a filter on
    /// its flips is dropped with it.
    pub fn set_compare(&mut self, compare: Option<Arc<RunComparison>>) {
        self.compare = compare;
        // Only a filter on flips depends on the comparison.
        if self.filter.flip.is_some() {
            if self.compare.is_none() {
                self.filter.flip = None;
            }
            self.refresh_rows();
        }
    }

    /// Replaces the filter.
    pub fn set_filter(&mut self, filter: ReviewFilter) {
        if filter != self.filter {
            self.filter = filter;
            self.refresh_rows();
            self.view_changed = true;
        }
    }

    /// The row under the cursor.
    #[must_use]
    pub fn cursor_row(&self) -> Option<usize> {
        self.cursor
            .and_then(|c| self.rows.get(c))
            .map(|&r| r as usize)
    }

    /// The selected range of list positions.
    #[must_use]
    pub fn selected_range(&self) -> Option<(usize, usize)> {
        let c = self.cursor?;
        let a = self.anchor.unwrap_or(c);
        Some((a.min(c), a.max(c)))
    }

    /// Whether list position `i` is selected.
    #[must_use]
    pub fn is_selected(&self, i: usize) -> bool {
        self.selected_range()
            .is_some_and(|(lo, hi)| (lo..=hi).contains(&i))
    }

    /// The selected rows.
    #[must_use]
    pub fn selected_rows(&self) -> Vec<u32> {
        self.selected_range()
            .map(|(lo, hi)| self.rows[lo..=hi].to_vec())
            .unwrap_or_default()
    }

    /// Moves the cursor by `delta` positions; `extend` keeps the anchor.
    pub fn move_cursor(&mut self, delta: isize, extend: bool) {
        if self.rows.is_empty() {
            return;
        }
        let last = self.rows.len() - 1;
        let next = match self.cursor {
            None => 0,
            Some(c) => c.saturating_add_signed(delta).min(last),
        };
        self.select(next, extend);
    }

    /// Puts the cursor at list position `index`.
    pub fn select(&mut self, index: usize, extend: bool) {
        if index >= self.rows.len() {
            return;
        }
        self.cursor = Some(index);
        if !extend || self.anchor.is_none() {
            self.anchor = Some(index);
        }
        self.list_moves += 1;
        self.view_changed = true;
    }

    /// Applies an edit as one undo step.
    ///
    /// # Errors
    /// When core refuses it.
    pub fn edit(&mut self, edit: Edit) -> Result<(), TagError> {
        self.history
            .edit(Arc::make_mut(&mut self.annotations), &self.ds, edit)?;
        self.changed();
        Ok(())
    }

    /// Toggles a tag on the selection.
    ///
    /// # Errors
    /// When the tag is a rule tag or gone.
    pub fn toggle(&mut self, tag: TagId) -> Result<(), TagError> {
        let rows = self.selected_rows();
        if rows.is_empty() {
            return Ok(());
        }
        let edit = self.annotations.toggle(tag, &rows)?;
        self.edit(edit)
    }

    /// Creates a manual tag on the selection.
    ///
    /// # Errors
    /// When the name is empty or taken.
    pub fn create_tag(&mut self, name: &str) -> Result<TagId, TagError> {
        let rows = self.selected_rows();
        let (edit, id) = self.annotations.create_tag(name, &rows);
        self.edit(edit)?;
        Ok(id)
    }

    /// Undo; returns what was undone, with the cursor on its first row
    /// when the list shows it.
    pub fn undo(&mut self) -> Option<Step> {
        self.step(false)
    }

    /// Redo; returns what was redone, with the cursor on its first row
    /// when the list shows it.
    pub fn redo(&mut self) -> Option<Step> {
        self.step(true)
    }

    /// Puts the cursor on `row` when the list shows it; returns whether it did.
    pub fn select_row(&mut self, row: u32) -> bool {
        match self.rows.iter().position(|&r| r == row) {
            Some(i) => {
                self.select(i, false);
                true
            }
            None => false,
        }
    }

    /// Merges tags.
    ///
    /// # Errors
    /// When core refuses.
    pub fn merge(&mut self, from: TagId, into: TagId) -> Result<(), TagError> {
        let edit = self.annotations.merge(from, into)?;
        self.edit(edit)
    }

    /// Changes the watch list (not an undoable edit).
    pub fn edit_watch(&mut self, change: impl FnOnce(&mut Vec<crate::core::session::WatchPair>)) {
        let annotations = Arc::make_mut(&mut self.annotations);
        change(&mut annotations.watch);
        annotations.touch();
        self.changed();
    }

    /// Whether there is something to undo, and something to redo.
    #[must_use]
    pub fn can_undo_redo(&self) -> (bool, bool) {
        (self.history.can_undo(), self.history.can_redo())
    }

    /// Where the session is saved.
    #[must_use]
    pub fn session_path(&self) -> &std::path::Path {
        self.file.path()
    }

    fn changed(&mut self) {
        self.changed_at.get_or_insert_with(Instant::now);
        self.refresh_table();
    }

    /// Column roles the user chose (the mapping dialog, File → Columns…):
    /// the session is written soon, so they are remembered without any
    /// other change.
    pub fn remember_roles(&mut self) {
        self.view_changed = true;
        self.changed_at.get_or_insert_with(Instant::now);
    }

    /// Whether there are changes not yet written.
    #[must_use]
    pub fn unsaved(&self) -> bool {
        self.annotations.generation() != self.saved_generation
    }

    /// Whether an autosave is due now.
    #[must_use]
    pub fn autosave_due(&self) -> bool {
        (self.unsaved() || self.view_changed)
            && self
                .changed_at
                .is_none_or(|t| t.elapsed() >= AUTOSAVE_AFTER)
    }

    /// How long until an autosave is due (to schedule a repaint).
    #[must_use]
    pub fn autosave_in(&self) -> Option<Duration> {
        (self.unsaved() || self.view_changed).then(|| {
            self.changed_at.map_or(Duration::ZERO, |t| {
                AUTOSAVE_AFTER.saturating_sub(t.elapsed())
            })
        })
    }

    /// Writes the session (with the current filter and selection) atomically.
    ///
    /// # Errors
    /// When writing fails; the old file stays.
    pub fn save(&mut self) -> Result<(), SessionError> {
        let result = self.save_merging();
        match &result {
            Ok(()) => {
                self.saved_generation = self.annotations.generation();
                self.changed_at = None;
                self.view_changed = false;
                self.save_error = None;
            }
            Err(e) => {
                self.save_error = Some(format!("{e:#}"));
                // Try again after the usual delay, not every frame.
                self.changed_at = Some(Instant::now());
            }
        }
        result
    }

    /// Writes the session through the core save protocol
    /// ([`SessionFile::save`]): when another window (or a colleague) wrote
    /// the file since, both versions are merged and this window takes the
    /// merged annotations (its undo steps no longer describe them and are
    /// dropped).
    fn save_merging(&mut self) -> Result<(), SessionError> {
        let view = ViewState {
            filter: self.filter.clone(),
            selected: self.cursor_row().map(|r| self.ds.ids.key(r).into_owned()),
            views: self.view_options.clone(),
            table_sort: Some((self.sort.0.name().to_string(), self.sort.1)),
        };
        let ours = Session {
            view,
            ..self.annotations.to_session(&self.ds)
        };
        let outcome = self.file.save(ours)?;
        if let Some(merged) = outcome.merged {
            let (state, _) = Annotations::from_session(&self.ds, &merged);
            self.annotations = Arc::new(state);
            self.history.clear();
            self.merged = Some(outcome.conflicts);
            self.refresh_rows();
            self.refresh_table();
        }
        Ok(())
    }

    /// Each view's options as RON by view name, as last reported (or as the
    /// session remembered them).
    #[must_use]
    pub fn view_options(&self) -> &std::collections::BTreeMap<String, String> {
        &self.view_options
    }

    /// Records the views' options; a change is saved with the session.
    pub fn set_view_options(&mut self, options: std::collections::BTreeMap<String, String>) {
        // The first report is what the views opened with: nothing to save.
        if !self.views_known {
            self.views_known = true;
            self.view_options = options;
            return;
        }
        if options != self.view_options {
            self.view_options = options;
            self.view_changed = true;
            self.changed_at.get_or_insert_with(Instant::now);
        }
    }

    /// Whether another window had this session open when it was opened.
    #[must_use]
    pub fn shared_with(&self) -> Option<&Owner> {
        self.file.shared_with()
    }

    /// The prioritisation table in its sort order. It is recomputed on every
    /// change, which costs time proportional to the number of tags.
    #[must_use]
    pub fn table(&self) -> &[TagRow] {
        &self.table
    }

    fn refresh_table(&mut self) {
        self.table = prioritise(&self.ds, &self.annotations);
        sort_rows(&mut self.table, self.sort.0, self.sort.1);
    }

    /// Sorts the table by `key`; the same key again reverses.
    pub fn sort_by(&mut self, key: SortKey) {
        self.sort = if self.sort.0 == key {
            (key, !self.sort.1)
        } else {
            (key, key != SortKey::Tag)
        };
        self.refresh_table();
    }

    /// One undo (or redo) step; returns whether there was one.
    fn step(&mut self, redo: bool) -> Option<Step> {
        let annotations = Arc::make_mut(&mut self.annotations);
        let step = if redo {
            self.history.redo_step(annotations, &self.ds)
        } else {
            self.history.undo_step(annotations, &self.ds)
        }?;
        self.changed();
        Some(step)
    }
}
