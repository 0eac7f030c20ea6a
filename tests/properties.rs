//! Property tests of the parsers: arbitrary bytes, and structured mutations
//! of valid files, never panic and finish quickly, for the CSV and NDJSON
//! loaders, the session parser and the rule parser. (The fuzz targets under
//! `fuzz/` drive the same entry points for longer.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use slicewise::core::dataset::Dataset;
use slicewise::core::load::{self, LoadOptions};
use slicewise::core::rules;
use slicewise::core::session::Session;

/// Longest a single parse may take here.
const QUICK: Duration = Duration::from_secs(5);

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A valid file to mutate: the sample's first lines.
fn valid_csv() -> &'static [u8] {
    static CSV: OnceLock<Vec<u8>> = OnceLock::new();
    CSV.get_or_init(|| {
        let text = std::fs::read_to_string(common::sample_csv()).unwrap();
        text.lines()
            .take(30)
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes()
    })
}

fn valid_ndjson() -> Vec<u8> {
    use std::fmt::Write as _;
    let mut out = String::new();
    for (i, line) in String::from_utf8_lossy(valid_csv())
        .lines()
        .skip(1)
        .enumerate()
    {
        let f: Vec<&str> = line.split(',').collect();
        let _ = writeln!(
            out,
            "{{\"id\": {i}, \"label\": \"{}\", \"pred\": \"{}\", \"score\": {}, \"device\": \"{}\"}}",
            f[1], f[2], f[3], f[4]
        );
    }
    out.into_bytes()
}

fn valid_session() -> String {
    std::fs::read_to_string(common::sample_session()).unwrap()
}

fn sample() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| common::load(&common::sample_csv()))
}

/// One edit of a byte string.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, u8),
    Delete(usize),
    Replace(usize, u8),
    Truncate(usize),
    DuplicateLine(usize),
    Splice(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let special = prop_oneof![
        Just(b','),
        Just(b'"'),
        Just(b'\n'),
        Just(b'\r'),
        Just(b';'),
        Just(b'{'),
        Just(b'}'),
        Just(b'['),
        Just(0xFF),
        Just(0),
        any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), special.clone()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), special).prop_map(|(i, b)| Mutation::Replace(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(i, v)| Mutation::Splice(i, v)),
    ]
}

fn apply(bytes: &[u8], edits: &[Mutation]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for e in edits {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match e {
            Mutation::Insert(i, c) => {
                let p = at(*i, b.len());
                b.insert(p, *c);
            }
            Mutation::Delete(i) if !b.is_empty() => {
                let p = i % b.len();
                b.remove(p);
            }
            Mutation::Replace(i, c) if !b.is_empty() => {
                let p = i % b.len();
                b[p] = *c;
            }
            Mutation::Truncate(i) => {
                let p = at(*i, b.len());
                b.truncate(p);
            }
            Mutation::DuplicateLine(i) => {
                let lines: Vec<&[u8]> = b.split(|&c| c == b'\n').collect();
                if !lines.is_empty() {
                    let line = lines[i % lines.len()].to_vec();
                    b.push(b'\n');
                    b.extend(line);
                }
            }
            Mutation::Splice(i, v) => {
                let p = at(*i, b.len());
                b.splice(p..p, v.iter().copied());
            }
            Mutation::Delete(_) | Mutation::Replace(..) => {}
        }
    }
    b
}

/// Loads `bytes` as a file of `name`; must return (Ok or Err), quickly.
fn loads_without_panic(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let start = Instant::now();
    let _ = load::load(&path, &LoadOptions::default());
    assert!(start.elapsed() < QUICK, "{name} took {:?}", start.elapsed());
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn csv_loader_survives_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        loads_without_panic(dir.path(), "any.csv", &bytes);
    }

    #[test]
    fn csv_loader_survives_mutated_files(edits in proptest::collection::vec(mutation(), 1..8)) {
        let dir = tempfile::tempdir().unwrap();
        loads_without_panic(dir.path(), "mutated.csv", &apply(valid_csv(), &edits));
    }

    #[test]
    fn ndjson_loader_survives_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        loads_without_panic(dir.path(), "any.ndjson", &bytes);
    }

    #[test]
    fn ndjson_loader_survives_mutated_files(edits in proptest::collection::vec(mutation(), 1..8)) {
        let dir = tempfile::tempdir().unwrap();
        loads_without_panic(dir.path(), "mutated.ndjson", &apply(&valid_ndjson(), &edits));
    }

    #[test]
    fn session_parser_survives_any_text(text in ".{0,300}") {
        let _ = Session::from_ron(&text, Path::new("s.ron"));
    }

    #[test]
    fn session_parser_survives_mutated_sessions(edits in proptest::collection::vec(mutation(), 1..8)) {
        let bytes = apply(valid_session().as_bytes(), &edits);
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(session) = Session::from_ron(&text, Path::new("s.ron")) {
            // Whatever parses binds to data without panicking.
            let _ = slicewise::core::tags::Annotations::from_session(sample(), &session);
        }
    }

    #[test]
    fn rule_parser_survives_any_text(text in ".{0,120}") {
        let start = Instant::now();
        let _ = rules::parse(&text);
        let _ = rules::evaluate(sample(), &text);
        prop_assert!(start.elapsed() < QUICK);
    }

    #[test]
    fn rule_parser_survives_rule_like_text(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("device"), Just("snr"), Just("noise"), Just("=="), Just("!="), Just("<"),
                Just(">="), Just("and"), Just("or"), Just("not"), Just("in"), Just("("), Just(")"),
                Just("["), Just("]"), Just(","), Just("\"car\""), Just("10"), Just("-1e400"),
                Just("\""), Just("missing"), Just("label"), Just("pred"),
            ],
            0..16,
        )
    ) {
        let text = parts.join(" ");
        let _ = rules::evaluate(sample(), &text);
    }
}
