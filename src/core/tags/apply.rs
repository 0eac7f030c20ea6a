//! Applying edits: each returns its inverse, which undo applies.

use super::{Annotations, Edit, Tag, TagCounts, TagError, TagId, check_weight};
use crate::core::dataset::{Bitmap, Dataset};
use crate::core::rules;
use crate::core::session::TagDef;
use crate::core::stats::Count;

impl Annotations {
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
        let (counter, weight) = if ds.is_error(row) {
            (&mut self.reviewed_errors, &mut self.reviewed_weight.0)
        } else {
            (&mut self.reviewed_correct, &mut self.reviewed_weight.1)
        };
        if reviewed {
            *counter += 1;
            *weight += ds.unit(row);
        } else {
            *counter = counter.saturating_sub(1);
            *weight -= ds.unit(row);
            if weight.is_zero() || weight.w < 0.0 {
                *weight = Count::ZERO;
            }
        }
        true
    }

    pub(super) fn set_tag(
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

    pub(super) fn set_reviewed(&mut self, ds: &Dataset, rows: &[u32], reviewed: bool) -> Edit {
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

    pub(super) fn add_tag(
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

    /// The edit that creates a manual tag with the next free hotkey and
    /// colour and puts it on `rows` (one undo step), and the new tag's id.
    #[must_use]
    pub fn create_tag(&self, name: &str, rows: &[u32]) -> (Edit, TagId) {
        let def = TagDef {
            hotkey: self.free_hotkey(),
            colour: self.next_colour().to_string(),
            ..TagDef::manual(name, "")
        };
        let id = self.next_id;
        let edit = Edit::Batch(vec![
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
        ]);
        (edit, id)
    }

    /// The edit that merges tag `from` into `into` (both manual: `into`
    /// gains `from`'s rows; both rules: `into`'s rule becomes `(a) or (b)`),
    /// then deletes `from`.
    ///
    /// # Errors
    /// When either is missing or they are of different kinds.
    pub fn merge(&self, from: TagId, into: TagId) -> Result<Edit, TagError> {
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
        Ok(Edit::Batch(vec![first, Edit::RemoveTag { tag: from }]))
    }
}
