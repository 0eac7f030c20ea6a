//! Merging two versions of one session that both grew from a common base:
//! what a window saves when another window (or a colleague) changed the
//! file since it was read.
//!
//! Examples merge by id, field by field: a field one side changed takes that
//! side's value; tags merge as sets (added on either side: added; removed on
//! either side and not re-added: removed); reviewed marks stay once set. Two
//! different notes written on the same example are a conflict: both texts
//! are kept in the note, and the conflict is reported so the user can pick.
//! Tag definitions merge by name the same way; two different edits of one
//! tag keep ours and report the other. The watch list is the union.

use std::collections::{BTreeMap, BTreeSet};

use super::session::{ExampleState, Session, TagDef};

/// Separates two versions of a note kept after a conflict.
pub const NOTE_SEPARATOR: &str = "\n— other window: —\n";

/// Two different changes to one thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// Both sides wrote a different note on this example; both are kept.
    Note {
        /// The example's id.
        key: String,
    },
    /// Both sides changed this tag differently; ours is kept.
    Tag {
        /// The tag.
        name: String,
    },
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Note { key } => write!(
                f,
                "example '{key}': both windows wrote a note; both texts are in the note now"
            ),
            Self::Tag { name } => write!(
                f,
                "tag '{name}': both windows changed its definition; this window's version was kept"
            ),
        }
    }
}

/// The outcome of merging one value.
enum Pick<T> {
    /// The merged value (`None`: absent, e.g. deleted).
    Value(Option<T>),
    /// Both sides changed it differently.
    Conflict,
}

/// One value changed on at most one side: that side's; on both sides to
/// the same value: it; else a conflict.
fn pick<T: PartialEq + Clone>(base: Option<&T>, ours: Option<&T>, theirs: Option<&T>) -> Pick<T> {
    if ours == theirs || theirs == base {
        Pick::Value(ours.cloned())
    } else if ours == base {
        Pick::Value(theirs.cloned())
    } else {
        Pick::Conflict
    }
}

fn merge_tags(base: &[String], ours: &[String], theirs: &[String]) -> Vec<String> {
    let (b, o, t): (BTreeSet<&String>, BTreeSet<&String>, BTreeSet<&String>) = (
        base.iter().collect(),
        ours.iter().collect(),
        theirs.iter().collect(),
    );
    let mut out: Vec<String> = Vec::new();
    for tag in ours.iter().chain(theirs) {
        let keep = (o.contains(tag) && t.contains(tag))
            || (o.contains(tag) && !b.contains(tag))
            || (t.contains(tag) && !b.contains(tag));
        if keep && !out.contains(tag) {
            out.push(tag.clone());
        }
    }
    out
}

fn merge_example(
    key: &str,
    base: Option<&ExampleState>,
    ours: Option<&ExampleState>,
    theirs: Option<&ExampleState>,
    conflicts: &mut Vec<Conflict>,
) -> Option<ExampleState> {
    let empty = ExampleState::default();
    let (b, o, t) = (
        base.unwrap_or(&empty),
        ours.unwrap_or(&empty),
        theirs.unwrap_or(&empty),
    );
    let tags = merge_tags(&b.tags, &o.tags, &t.tags);
    let reviewed = o.reviewed || t.reviewed || !tags.is_empty();
    let note = match pick(Some(&b.note), Some(&o.note), Some(&t.note)) {
        Pick::Value(n) => n.unwrap_or_default(),
        Pick::Conflict => {
            conflicts.push(Conflict::Note {
                key: key.to_string(),
            });
            format!("{}{NOTE_SEPARATOR}{}", o.note, t.note)
        }
    };
    let merged = ExampleState {
        tags,
        reviewed,
        note,
    };
    (merged != empty).then_some(merged)
}

/// Merges `ours` and `theirs`, both descended from `base`. The view state
/// and the data reference are ours.
#[must_use]
pub fn merge(base: &Session, ours: &Session, theirs: &Session) -> (Session, Vec<Conflict>) {
    let mut conflicts = Vec::new();
    // Tag definitions by name, in our order, then theirs.
    let by_name = |s: &Session| -> BTreeMap<String, TagDef> {
        s.tags.iter().map(|t| (t.name.clone(), t.clone())).collect()
    };
    let (b, o, t) = (by_name(base), by_name(ours), by_name(theirs));
    let mut names: Vec<&String> = ours.tags.iter().map(|t| &t.name).collect();
    names.extend(
        theirs
            .tags
            .iter()
            .map(|t| &t.name)
            .filter(|n| !o.contains_key(*n)),
    );
    let mut tags = Vec::new();
    for name in names {
        match pick(b.get(name), o.get(name), t.get(name)) {
            Pick::Value(Some(def)) => tags.push(def),
            Pick::Value(None) => {}
            Pick::Conflict => {
                conflicts.push(Conflict::Tag { name: name.clone() });
                if let Some(def) = o.get(name).or_else(|| t.get(name)) {
                    tags.push(def.clone());
                }
            }
        }
    }
    // Hotkeys stay unique: a key both sides gave to different tags stays with ours.
    let mut used = BTreeSet::new();
    for def in &mut tags {
        if let Some(k) = def.hotkey
            && !used.insert(k)
        {
            def.hotkey = None;
        }
    }
    // Examples by id.
    let keys: BTreeSet<&String> = base
        .examples
        .keys()
        .chain(ours.examples.keys())
        .chain(theirs.examples.keys())
        .collect();
    let mut examples = BTreeMap::new();
    for key in keys {
        if let Some(e) = merge_example(
            key,
            base.examples.get(key),
            ours.examples.get(key),
            theirs.examples.get(key),
            &mut conflicts,
        ) {
            examples.insert(key.clone(), e);
        }
    }
    let mut watch = ours.watch.clone();
    for w in &theirs.watch {
        let removed_by_us = base.watch.contains(w);
        if !watch.contains(w) && !removed_by_us {
            watch.push(w.clone());
        }
    }
    (
        Session {
            tags,
            examples,
            watch,
            ..ours.clone()
        },
        conflicts,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(tags: &[&str], note: &str) -> ExampleState {
        ExampleState {
            tags: tags.iter().map(ToString::to_string).collect(),
            reviewed: true,
            note: note.to_string(),
        }
    }

    fn session(examples: &[(&str, ExampleState)], tags: &[&str]) -> Session {
        Session {
            tags: tags.iter().map(|t| TagDef::manual(t, "#000000")).collect(),
            examples: examples
                .iter()
                .map(|(k, e)| ((*k).to_string(), e.clone()))
                .collect(),
            ..Session::default()
        }
    }

    #[test]
    fn edits_of_different_examples_both_survive() {
        let base = session(&[("a", example(&["x"], ""))], &["x", "y"]);
        let ours = session(
            &[("a", example(&["x"], "")), ("b", example(&["y"], ""))],
            &["x", "y"],
        );
        let theirs = session(
            &[
                ("a", example(&["x", "y"], "seen")),
                ("c", example(&["x"], "")),
            ],
            &["x", "y", "z"],
        );
        let (m, conflicts) = merge(&base, &ours, &theirs);
        assert!(conflicts.is_empty());
        assert_eq!(m.examples["a"], example(&["x", "y"], "seen"));
        assert!(m.examples.contains_key("b") && m.examples.contains_key("c"));
        assert_eq!(m.tags.len(), 3, "their new tag z too");
    }

    #[test]
    fn a_removal_on_one_side_is_kept_and_two_notes_are_both_kept() {
        let base = session(&[("a", example(&["x", "y"], "old"))], &["x", "y"]);
        let ours = session(&[("a", example(&["x"], "mine"))], &["x", "y"]);
        let theirs = session(&[("a", example(&["x", "y"], "theirs"))], &["x", "y"]);
        let (m, conflicts) = merge(&base, &ours, &theirs);
        assert_eq!(m.examples["a"].tags, vec!["x".to_string()], "we removed y");
        assert_eq!(conflicts, vec![Conflict::Note { key: "a".into() }]);
        assert!(m.examples["a"].note.contains("mine") && m.examples["a"].note.contains("theirs"));
    }

    #[test]
    fn a_tag_both_sides_changed_keeps_ours_and_says_so() {
        let base = session(&[], &["x"]);
        let mut ours = base.clone();
        ours.tags[0].hlp = Some(0.9);
        let mut theirs = base.clone();
        theirs.tags[0].hlp = Some(0.8);
        let (m, conflicts) = merge(&base, &ours, &theirs);
        assert_eq!(m.tags[0].hlp, Some(0.9));
        assert_eq!(conflicts, vec![Conflict::Tag { name: "x".into() }]);
    }
}
