//! Guarantees about work never being lost: two windows on one session keep
//! each other's edits, and a save killed at any moment leaves a complete
//! session (or its backup) behind.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::RngExt as _;
use slicewise::core::load::LoadOptions;
use slicewise::core::open;
use slicewise::core::session::{ExampleState, Session, TagDef, backup_path};
use slicewise::core::session_file::SessionFile;
use slicewise::core::stats::rng;
use slicewise::gui::document::Document;

fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_sample(dir.path());
    std::fs::copy(
        common::sample_session(),
        dir.path().join("speech_commands.slicewise.ron"),
    )
    .unwrap();
    (dir, data)
}

fn document(data: &Path) -> Document {
    Document::new(open::open(data, &LoadOptions::default(), None).unwrap())
}

fn tags_of(session: &Session, key: &str) -> Vec<String> {
    session
        .examples
        .get(key)
        .map(|e| e.tags.clone())
        .unwrap_or_default()
}

#[test]
fn two_windows_on_one_session_keep_both_sets_of_edits() {
    let (_dir, data) = sample_copy();
    let mut first = document(&data);
    let mut second = document(&data);
    assert!(
        second.shared_with().is_some(),
        "the second window knows the session is open elsewhere"
    );
    let tag = |d: &Document, name: &str| d.annotations.tag_by_name(name).unwrap().id;
    // Each window tags a different example and writes a note on another.
    first.select(0, false);
    let a = first.cursor_row().unwrap();
    first.toggle(tag(&first, "mumbling")).unwrap();
    second.select(5, false);
    let b = second.cursor_row().unwrap();
    second.toggle(tag(&second, "cut off")).unwrap();
    second
        .edit(slicewise::core::tags::Edit::SetNote {
            row: u32::try_from(b).unwrap(),
            note: "from the second window".into(),
        })
        .unwrap();
    first.save().unwrap();
    second.save().unwrap();
    let ds = std::sync::Arc::clone(&first.ds);
    let key = |row: usize| ds.ids.key(row).into_owned();
    let path = data.with_file_name("speech_commands.slicewise.ron");
    let saved = Session::read(&path).unwrap();
    assert_eq!(tags_of(&saved, &key(a)), vec!["mumbling".to_string()]);
    assert_eq!(tags_of(&saved, &key(b)), vec!["cut off".to_string()]);
    assert_eq!(saved.examples[&key(b)].note, "from the second window");
    // The second window took the first's edit into its own state.
    assert!(second.annotations.has_tag(a, tag(&second, "mumbling")));
    assert_eq!(second.merged.as_ref().map(Vec::len), Some(0), "no conflict");
    // And the first takes the second's on its next save.
    first.save().unwrap();
    assert!(first.annotations.has_tag(b, tag(&first, "cut off")));
    let saved = Session::read(&path).unwrap();
    assert_eq!(tags_of(&saved, &key(a)), vec!["mumbling".to_string()]);
    assert_eq!(tags_of(&saved, &key(b)), vec!["cut off".to_string()]);
}

#[test]
fn two_notes_on_one_example_are_both_kept_and_reported() {
    let (_dir, data) = sample_copy();
    let mut first = document(&data);
    let mut second = document(&data);
    for (d, text) in [(&mut first, "mine"), (&mut second, "theirs")] {
        d.edit(slicewise::core::tags::Edit::SetNote {
            row: 3,
            note: text.into(),
        })
        .unwrap();
    }
    first.save().unwrap();
    second.save().unwrap();
    assert_eq!(second.merged.as_ref().map(Vec::len), Some(1));
    let note = second.annotations.note(3);
    assert!(note.contains("mine") && note.contains("theirs"), "{note}");
}

/// A large session in one of two versions: every example tagged and noted.
fn big_session(version: u8) -> Session {
    let tag = format!("tag {version}");
    let examples: BTreeMap<String, ExampleState> = (0..4_000)
        .map(|i| {
            (
                format!("utt{i:06}"),
                ExampleState {
                    tags: vec![tag.clone()],
                    reviewed: true,
                    note: format!("version {version} of a note on example {i}"),
                },
            )
        })
        .collect();
    Session {
        tags: vec![TagDef::manual(&tag, "#4e79a7")],
        examples,
        ..Session::default()
    }
}

/// The child of [`a_save_killed_at_any_moment_leaves_a_complete_session`]:
/// saves the two versions in turn until killed.
#[test]
fn crash_child() {
    let Some(path) = std::env::var_os("SLICEWISE_CRASH_CHILD") else {
        return;
    };
    let path = PathBuf::from(path);
    let versions = [big_session(1), big_session(2)];
    let mut file = SessionFile::new(path, None);
    for i in 0.. {
        file.replace(versions[i % 2].clone()).unwrap();
    }
}

#[test]
fn a_save_killed_at_any_moment_leaves_a_complete_session() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.slicewise.ron");
    let versions = [big_session(1), big_session(2)];
    SessionFile::new(path.clone(), None)
        .replace(versions[0].clone())
        .unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut r = rng(11);
    let started = Instant::now();
    let mut kills = 0;
    while kills < 200 && started.elapsed() < Duration::from_mins(2) {
        let mut child = std::process::Command::new(&exe)
            .args([
                "--exact",
                "crash_child",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("SLICEWISE_CRASH_CHILD", &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(r.random_range(2..60)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        // The session parses and is one of the two versions; failing that,
        // its backup is.
        let ok = |p: &Path| Session::read(p).is_ok_and(|s| versions.contains(&s));
        assert!(
            ok(&path) || ok(&backup_path(&path)),
            "after kill {kills}: neither the session nor its backup is a whole version"
        );
        assert!(ok(&path), "after kill {kills}: the session itself is whole");
    }
    assert!(kills >= 200, "only {kills} kills in the time allowed");
    // The partial copies killed saves left are cleaned up when the session
    // is next opened (on Linux, where a writer's death can be told).
    Session::read(&path).unwrap();
    let temps = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    if cfg!(target_os = "linux") {
        assert_eq!(temps, 0, "stale temporary files are left after opening");
    }
    let sessions: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("ron"))
        })
        .collect();
    assert_eq!(sessions, vec!["big.slicewise.ron".to_string()]);
}
