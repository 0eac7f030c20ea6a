//! Undo and redo: the inverse of every edit made, and of every edit undone.
//! Kept apart from the [`Annotations`] so that a snapshot of them (for a
//! filter worker, a comparison, an export) never copies the stacks, which
//! after "tag all shown" hold millions of rows.

use super::{Annotations, Edit, Step, TagError};
use crate::core::dataset::Dataset;

/// The undo and redo stacks of one document.
#[derive(Debug, Clone, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
}

impl History {
    /// Applies `edit` to `state` as one undo step.
    ///
    /// # Errors
    /// When the edit is invalid; nothing changes then.
    pub fn edit(
        &mut self,
        state: &mut Annotations,
        ds: &Dataset,
        edit: Edit,
    ) -> Result<(), TagError> {
        let inverse = state.apply(ds, edit)?;
        self.undo.push(inverse);
        self.redo.clear();
        Ok(())
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

    /// Undoes the last edit. Returns whether there was one.
    pub fn undo(&mut self, state: &mut Annotations, ds: &Dataset) -> bool {
        self.undo_step(state, ds).is_some()
    }

    /// Redoes the last undone edit. Returns whether there was one.
    pub fn redo(&mut self, state: &mut Annotations, ds: &Dataset) -> bool {
        self.redo_step(state, ds).is_some()
    }

    /// Undoes the last edit and says what it was and which rows it touched.
    pub fn undo_step(&mut self, state: &mut Annotations, ds: &Dataset) -> Option<Step> {
        let edit = self.undo.pop()?;
        let original = state.apply(ds, edit).ok()?;
        let step = Step::of(&original, ds, state);
        self.redo.push(original);
        Some(step)
    }

    /// Redoes the last undone edit and says what it was and which rows it
    /// touched.
    pub fn redo_step(&mut self, state: &mut Annotations, ds: &Dataset) -> Option<Step> {
        let edit = self.redo.pop()?;
        let step = Step::of(&edit, ds, state);
        let inverse = state.apply(ds, edit).ok()?;
        self.undo.push(inverse);
        Some(step)
    }

    /// Forgets every step (the annotations were replaced, by a merge with
    /// another window's save: the steps no longer describe them).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}
