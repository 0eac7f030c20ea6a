//! Binding a session file to a dataset, and back.

use rustc_hash::FxHashMap;

use super::{Annotations, Edit, Tag, TagCounts, TagError};
use crate::core::dataset::{Bitmap, Dataset, Ids};
use crate::core::session::{DataRef, ExampleState, Key, Session, TagDef};

impl Annotations {
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
            for (what, value) in [
                ("importance", &mut def.importance),
                ("effort", &mut def.effort),
            ] {
                if !(1..=5).contains(value) {
                    let fixed = (*value).clamp(1, 5);
                    warnings.push(format!(
                        "Tag '{}': {what} {value} is outside the 1–5 scale; it is read as {fixed}.",
                        def.name
                    ));
                    *value = fixed;
                }
            }
            if let Some(h) = def.hlp
                && !(0.0..=1.0).contains(&h)
            {
                warnings.push(format!(
                    "Tag '{}': HLP {h} is not a proportion between 0 and 1 (95% is 0.95); it was left empty, so the human-label column is used if there is one.",
                    def.name
                ));
                def.hlp = None;
            }
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
        (state, warnings)
    }

    /// The session to save (with the default view: the app puts its own in).
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
            roles: Some(ds.roles.clone()),
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
        Ids::Int(values) | Ids::Numbered(_, values) => {
            let pattern = match ids {
                Ids::Numbered(p, _) => Some(p),
                _ => None,
            };
            let wanted: FxHashMap<i64, usize> = keys
                .iter()
                .enumerate()
                .filter_map(|(i, k)| {
                    match pattern {
                        Some(p) => p.number(k),
                        None => k.trim().parse::<i64>().ok(),
                    }
                    .map(|v| (v, i))
                })
                .collect();
            for (row, v) in values.iter().enumerate() {
                if let Some(&i) = wanted.get(&v) {
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
