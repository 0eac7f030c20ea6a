//! Tags, review sampling, undo, sessions and the prioritisation table, on the
//! bundled sample and on small files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use rand::RngExt as _;
use rand::seq::SliceRandom as _;
use slicewise::core::dataset::Dataset;
use slicewise::core::generate;
use slicewise::core::priority::{HlpSource, TagRow, prioritise};
use slicewise::core::session::{Session, TagDef, backup_path};
use slicewise::core::session_file::SessionFile;
use slicewise::core::stats::{Rng, rng};
use slicewise::core::tags::{Annotations, Edit, History, TagCounts, TagError, TagId};

/// Toggles `tag` on `rows` as one undo step, as the app does.
fn toggle(
    history: &mut History,
    state: &mut Annotations,
    ds: &Dataset,
    tag: TagId,
    rows: &[u32],
) -> Result<(), TagError> {
    let edit = state.toggle(tag, rows)?;
    history.edit(state, ds, edit)
}

/// Creates a manual tag on `rows` as one undo step, as the app does.
fn create_tag(
    history: &mut History,
    state: &mut Annotations,
    ds: &Dataset,
    name: &str,
    rows: &[u32],
) -> Result<TagId, TagError> {
    let (edit, id) = state.create_tag(name, rows);
    history.edit(state, ds, edit)?;
    Ok(id)
}

fn sample() -> (Dataset, Annotations) {
    let ds = common::load(&common::sample_csv());
    let session = Session::read(&common::sample_session()).unwrap();
    let (state, warnings) = Annotations::from_session(&ds, &session);
    assert!(warnings.is_empty(), "{warnings:?}");
    (ds, state)
}

fn row<'a>(table: &'a [TagRow], tag: &str) -> &'a TagRow {
    table
        .iter()
        .find(|r| r.tag == tag)
        .unwrap_or_else(|| panic!("no row {tag}"))
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn the_sample_reproduces_the_courses_table() {
    let (ds, state) = sample();
    let table = prioritise(&ds, &state);
    // (tag, accuracy, HLP, share of data, expected lift)
    let course = [
        ("clean speech", 0.94, 0.95, 0.60, 0.0060),
        ("car noise", 0.89, 0.93, 0.04, 0.0016),
        ("people noise", 0.87, 0.89, 0.30, 0.0060),
        ("low bandwidth", 0.70, 0.70, 0.06, 0.0),
    ];
    for (tag, acc, hlp, share, lift) in course {
        let r = row(&table, tag);
        assert!(r.exact, "{tag} is a rule tag");
        assert!(
            close(r.accuracy.value, acc),
            "{tag} accuracy {:?}",
            r.accuracy.value
        );
        assert!(close(r.hlp, hlp), "{tag} hlp {:?}", r.hlp);
        assert_eq!(r.hlp_source, Some(HlpSource::Typed));
        assert!(
            close(r.share_of_data.value, share),
            "{tag} share {:?}",
            r.share_of_data.value
        );
        assert!(close(r.gap.value, hlp - acc), "{tag} gap {:?}", r.gap.value);
        assert!(
            close(r.expected_lift.value, lift),
            "{tag} lift {:?}",
            r.expected_lift.value
        );
    }
    // Sorted by expected lift: the two 0.6% rows first, low bandwidth last of the four.
    let order: Vec<&str> = table.iter().map(|r| r.tag.as_str()).take(4).collect();
    assert_eq!(order[2..], ["car noise", "low bandwidth"]);
}

#[test]
fn the_sample_is_what_generate_writes() {
    let mut bytes = Vec::new();
    generate::write_csv(&generate::generate(10_000, 42), &mut bytes).unwrap();
    assert_eq!(
        bytes,
        std::fs::read(common::sample_csv()).unwrap(),
        "regenerate with `slicewise generate --rows 10000 --out sample_data/speech_commands.csv --session sample_data/speech_commands.slicewise.ron`"
    );
}

#[test]
fn hlp_from_the_human_column_when_none_is_typed() {
    let (ds, mut state) = sample();
    let mut history = History::default();
    let id = state.tag_by_name("car noise").unwrap().id;
    let def = TagDef {
        hlp: None,
        ..state.tag(id).unwrap().def.clone()
    };
    history
        .edit(&mut state, &ds, Edit::UpdateTag { tag: id, def })
        .unwrap();
    let r = prioritise(&ds, &state)
        .into_iter()
        .find(|r| r.tag == "car noise")
        .unwrap();
    assert_eq!(r.hlp_source, Some(HlpSource::HumanColumn));
    // The generator makes exactly 93% of car-noise human labels right.
    assert!(close(r.hlp, 0.93), "{:?}", r.hlp);
}

/// Recounts everything from the bitmaps and compares with the incremental counters.
fn assert_counts_consistent(ds: &Dataset, state: &Annotations) {
    for t in state.tags() {
        assert_eq!(
            t.counts(),
            TagCounts::of(ds, &t.members),
            "tag {}",
            t.def.name
        );
        if !t.is_rule() {
            assert!(
                t.members.ones().all(|r| state.is_reviewed(r)),
                "tagged implies reviewed ({})",
                t.def.name
            );
        }
    }
    let (mut e, mut c) = (0, 0);
    for r in 0..ds.rows() {
        if state.is_reviewed(r) {
            if ds.is_error(r) { e += 1 } else { c += 1 }
        }
    }
    assert_eq!((state.reviewed_errors(), state.reviewed_correct()), (e, c));
}

#[test]
fn incremental_counts_equal_a_recount_through_any_edits_and_undo() {
    let (ds, mut state) = sample();
    let mut history = History::default();
    let manual: Vec<u32> = state
        .tags()
        .iter()
        .filter(|t| !t.is_rule())
        .map(|t| t.id)
        .collect();
    let mut rng = rng(9);
    let rows = ds.rows() as u64;
    for step in 0..400 {
        let pick = |rng: &mut Rng, n: usize| {
            (0..n)
                .map(|_| u32::try_from(rng.random_range(0..rows)).unwrap())
                .collect::<Vec<_>>()
        };
        let tag = manual[usize::try_from(rng.random_range(0..manual.len() as u64)).unwrap()];
        match rng.random_range(0..6) {
            0 | 1 => toggle(&mut history, &mut state, &ds, tag, &pick(&mut rng, 1)).unwrap(),
            2 => toggle(&mut history, &mut state, &ds, tag, &pick(&mut rng, 50)).unwrap(),
            3 => history
                .edit(
                    &mut state,
                    &ds,
                    Edit::SetReviewed {
                        rows: pick(&mut rng, 5),
                        reviewed: rng.random_range(0..2) == 0,
                    },
                )
                .unwrap(),
            4 => {
                history.undo(&mut state, &ds);
            }
            _ => {
                history.redo(&mut state, &ds);
            }
        }
        if step % 40 == 0 {
            assert_counts_consistent(&ds, &state);
        }
    }
    assert_counts_consistent(&ds, &state);
    while history.undo(&mut state, &ds) {}
    assert_counts_consistent(&ds, &state);
    assert_eq!(
        state.reviewed_errors() + state.reviewed_correct(),
        0,
        "undoing everything returns to the start"
    );
    assert!(
        state
            .tags()
            .iter()
            .filter(|t| !t.is_rule())
            .all(|t| t.members.count_ones() == 0)
    );
}

#[test]
fn a_stratified_review_sample_estimates_the_exact_numbers() {
    let (ds, mut state) = sample();
    let mut history = History::default();
    let people = state.tag_by_name("people noise").unwrap().members.clone();
    let exact = row(&prioritise(&ds, &state), "people noise").clone();
    let tag = create_tag(&mut history, &mut state, &ds, "people (by hand)", &[]).unwrap();

    // Review 300 random errors and 600 random correct rows, tagging those with people noise.
    let mut rng = rng(5);
    let mut errors: Vec<u32> = (0..ds.rows())
        .filter(|&r| ds.is_error(r))
        .map(|r| u32::try_from(r).unwrap())
        .collect();
    let mut correct: Vec<u32> = (0..ds.rows())
        .filter(|&r| !ds.is_error(r))
        .map(|r| u32::try_from(r).unwrap())
        .collect();
    errors.shuffle(&mut rng);
    correct.shuffle(&mut rng);
    let review_errors_only = |state: &mut Annotations, rows: &[u32]| {
        let (hit, miss): (Vec<u32>, Vec<u32>) = rows.iter().partition(|&&r| people.get(r as usize));
        state
            .apply(
                &ds,
                Edit::SetTag {
                    tag,
                    on: true,
                    rows: hit,
                },
            )
            .unwrap();
        state
            .apply(
                &ds,
                Edit::SetReviewed {
                    rows: miss,
                    reviewed: true,
                },
            )
            .unwrap();
    };
    review_errors_only(&mut state, &errors[..300]);

    // Errors only: share of errors is estimated, share of data is unknown, with the reason.
    let r = row(&prioritise(&ds, &state), "people (by hand)").clone();
    assert!(!r.exact);
    assert!((r.coverage - 300.0 / 974.0).abs() < 1e-12);
    let ci = r.share_of_errors.ci.unwrap();
    let truth = exact.share_of_errors.value.unwrap();
    assert!(ci.contains(truth), "{ci:?} should contain {truth}");
    assert_eq!(r.share_of_data.value, None);
    assert_eq!(r.error_rate.value, None);
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("no correctly classified examples were reviewed")),
        "{:?}",
        r.notes
    );

    // With correct examples reviewed too, every number has an estimate whose interval holds the truth.
    review_errors_only(&mut state, &correct[..600]);
    let r = row(&prioritise(&ds, &state), "people (by hand)").clone();
    for (name, est, truth) in [
        (
            "share of data",
            r.share_of_data,
            exact.share_of_data.value.unwrap(),
        ),
        ("error rate", r.error_rate, exact.error_rate.value.unwrap()),
        ("accuracy", r.accuracy, exact.accuracy.value.unwrap()),
    ] {
        let v = est.value.unwrap();
        assert!((v - truth).abs() < 0.05, "{name}: {v} vs {truth}");
        assert!(
            est.ci.unwrap().contains(truth),
            "{name}: {:?} should contain {truth}",
            est.ci
        );
    }

    // Reviewing everything makes the manual tag exact and equal to the rule tag.
    let all: Vec<u32> = (0..u32::try_from(ds.rows()).unwrap()).collect();
    review_errors_only(&mut state, &all);
    let r = row(&prioritise(&ds, &state), "people (by hand)").clone();
    assert!(r.exact);
    assert_eq!(
        (r.tagged, r.tagged_errors),
        (exact.tagged, exact.tagged_errors)
    );
    assert_eq!(r.share_of_data.value, exact.share_of_data.value);
    // No HLP was typed for it, so it comes from the human column: 89% inside people noise.
    assert_eq!(r.hlp_source, Some(HlpSource::HumanColumn));
    assert!(close(r.hlp, 0.89), "{:?}", r.hlp);
    assert!(close(
        r.expected_lift.value,
        exact.expected_lift.value.unwrap()
    ));
}

#[test]
fn new_tags_get_the_next_hotkey_and_undo_removes_them_with_their_rows() {
    let (ds, mut state) = sample();
    let mut history = History::default();
    let before = state.tags().len();
    let id = create_tag(&mut history, &mut state, &ds, "honking", &[3, 7]).unwrap();
    let t = state.tag(id).unwrap();
    assert_eq!(
        t.def.hotkey,
        Some(4),
        "1-3 are taken by the sample's manual tags"
    );
    assert!(state.is_reviewed(3) && state.has_tag(7, id));
    assert_eq!(
        create_tag(&mut history, &mut state, &ds, "honking", &[]),
        Err(TagError::DuplicateName("honking".into()))
    );
    assert!(history.undo(&mut state, &ds));
    assert_eq!(state.tags().len(), before);
    assert!(!state.is_reviewed(3) && !state.is_reviewed(7));
    assert!(history.redo(&mut state, &ds));
    assert!(state.has_tag(7, state.tag_by_name("honking").unwrap().id));
}

#[test]
fn undo_and_redo_say_what_they_did_and_which_rows() {
    let (ds, mut state) = sample();
    let mut history = History::default();
    let key = |r: usize| ds.ids.key(r).into_owned();
    let mumbling = state.tag_by_name("mumbling").unwrap().id;
    toggle(&mut history, &mut state, &ds, mumbling, &[5]).unwrap();
    let step = history.undo_step(&mut state, &ds).unwrap();
    assert_eq!(step.what, format!("tag 'mumbling' on {}", key(5)));
    assert_eq!(step.rows, [5]);
    let step = history.redo_step(&mut state, &ds).unwrap();
    assert_eq!(step.what, format!("tag 'mumbling' on {}", key(5)));
    assert!(state.has_tag(5, mumbling));
    create_tag(&mut history, &mut state, &ds, "honking", &[3, 7]).unwrap();
    let step = history.undo_step(&mut state, &ds).unwrap();
    assert_eq!(step.what, "new tag 'honking' on 2 examples");
    assert_eq!(step.rows, [3, 7]);
    history
        .edit(
            &mut state,
            &ds,
            slicewise::core::tags::Edit::SetNote {
                row: 9,
                note: "clipped".into(),
            },
        )
        .unwrap();
    assert_eq!(
        history.undo_step(&mut state, &ds).unwrap().what,
        format!("note on {}", key(9))
    );
    // Undo everything; then there is nothing left to say.
    while history.undo_step(&mut state, &ds).is_some() {}
    assert!(history.undo_step(&mut state, &ds).is_none());
}

#[test]
fn typed_hlp_reads_percentages_and_proportions_unambiguously() {
    use slicewise::core::priority::parse_hlp;
    let close = |text: &str, want: f64| {
        let got = parse_hlp(text).unwrap().unwrap();
        assert!((got - want).abs() < 1e-12, "{text}: {got}");
    };
    close("70", 0.70);
    close("70%", 0.70);
    close(" 70 % ", 0.70);
    close("0.7", 0.70);
    close("95,5", 0.955);
    close("1", 1.0);
    close("100", 1.0);
    close("0.5%", 0.005);
    close("0", 0.0);
    assert_eq!(parse_hlp("  ").unwrap(), None);
    for bad in ["101", "-3", "abc", "NaN", "inf", "%", "1e400"] {
        let err = parse_hlp(bad).unwrap_err().to_string();
        assert!(err.contains(&format!("'{bad}'")), "{err}");
    }
}

#[test]
fn rule_tags_cannot_be_toggled_by_hand() {
    let (ds, mut state) = sample();
    let mut history = History::default();
    let id = state.tag_by_name("car noise").unwrap().id;
    assert!(matches!(
        toggle(&mut history, &mut state, &ds, id, &[0]),
        Err(TagError::RuleTag(_))
    ));
}

#[test]
fn delete_and_merge_are_undoable() {
    let (ds, mut state) = sample();
    let mut history = History::default();
    let a = state.tag_by_name("mumbling").unwrap().id;
    let b = state.tag_by_name("cut off").unwrap().id;
    toggle(&mut history, &mut state, &ds, a, &[1, 2]).unwrap();
    toggle(&mut history, &mut state, &ds, b, &[2, 3]).unwrap();
    let merge = state.merge(a, b).unwrap();
    history.edit(&mut state, &ds, merge).unwrap();
    assert!(state.tag(a).is_none());
    assert_eq!(
        state.tag(b).unwrap().members.ones().collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    history.undo(&mut state, &ds);
    assert_eq!(
        state.tag(a).unwrap().members.ones().collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(
        state.tag(b).unwrap().members.ones().collect::<Vec<_>>(),
        vec![2, 3]
    );
    history
        .edit(&mut state, &ds, Edit::RemoveTag { tag: b })
        .unwrap();
    assert!(
        state.is_reviewed(3),
        "deleting a tag keeps its rows reviewed"
    );
    history.undo(&mut state, &ds);
    assert!(state.has_tag(3, b));
    assert_counts_consistent(&ds, &state);
}

#[test]
fn sessions_round_trip_and_follow_ids_when_rows_move() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_sample(dir.path());
    let ds = common::load(&data);
    let session = Session::read(&common::sample_session()).unwrap();
    let (mut state, _) = Annotations::from_session(&ds, &session);
    let mut history = History::default();
    let mumbling = state.tag_by_name("mumbling").unwrap().id;
    toggle(&mut history, &mut state, &ds, mumbling, &[10, 20]).unwrap();
    history
        .edit(
            &mut state,
            &ds,
            Edit::SetNote {
                row: 20,
                note: "very quiet, \"maybe\" noise".into(),
            },
        )
        .unwrap();
    history
        .edit(
            &mut state,
            &ds,
            Edit::SetReviewed {
                rows: vec![30],
                reviewed: true,
            },
        )
        .unwrap();
    let ids: Vec<String> = [10, 20, 30]
        .iter()
        .map(|&r| ds.ids.key(r).into_owned())
        .collect();
    let path = dir.path().join("speech_commands.slicewise.ron");
    let mut file = SessionFile::new(path.clone(), None);
    file.replace(state.to_session(&ds)).unwrap();
    file.replace(state.to_session(&ds)).unwrap();
    assert!(backup_path(&path).exists());

    // Re-export the data in reverse row order: tags follow the ids.
    let text = std::fs::read_to_string(&data).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let reversed = common::write(dir.path(), "reversed.csv", &(lines.join("\n") + "\n"));
    let ds2 = common::load(&reversed);
    let (state2, warnings) = Annotations::from_session(&ds2, &Session::read(&path).unwrap());
    assert!(
        warnings.iter().any(|w| w.contains("different contents")),
        "{warnings:?}"
    );
    let row_of = |id: &str| (0..ds2.rows()).find(|&r| ds2.ids.key(r) == id).unwrap();
    let m2 = state2.tag_by_name("mumbling").unwrap().id;
    assert!(state2.has_tag(row_of(&ids[0]), m2) && state2.has_tag(row_of(&ids[1]), m2));
    assert_eq!(state2.note(row_of(&ids[1])), "very quiet, \"maybe\" noise");
    assert!(state2.is_reviewed(row_of(&ids[2])));
    assert_eq!(
        prioritise(&ds, &state)
            .iter()
            .map(|r| (r.tag.clone(), r.tagged))
            .collect::<Vec<_>>(),
        prioritise(&ds2, &state2)
            .iter()
            .map(|r| (r.tag.clone(), r.tagged))
            .collect::<Vec<_>>()
    );
}

#[test]
fn examples_missing_from_the_data_are_kept_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_sample(dir.path());
    let ds = common::load(&data);
    let mut session = Session::read(&common::sample_session()).unwrap();
    session.examples.insert(
        "gone-123".into(),
        slicewise::core::session::ExampleState {
            tags: vec!["mumbling".into()],
            reviewed: true,
            note: "keep me".into(),
        },
    );
    let (state, warnings) = Annotations::from_session(&ds, &session);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("1 of 1 examples") && w.contains("kept")),
        "{warnings:?}"
    );
    let saved = state.to_session(&ds);
    assert_eq!(saved.examples["gone-123"].note, "keep me");
}

#[test]
fn unknown_tags_in_examples_are_added_and_bad_rules_reported() {
    let ds = common::load(&common::sample_csv());
    let mut session = Session::read(&common::sample_session()).unwrap();
    session
        .tags
        .push(TagDef::rule("typo", "#000000", "devcie == \"car\""));
    session.examples.insert(
        ds.ids.key(0).into_owned(),
        slicewise::core::session::ExampleState {
            tags: vec!["brand new".into()],
            reviewed: true,
            note: String::new(),
        },
    );
    let (state, warnings) = Annotations::from_session(&ds, &session);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("'typo' matches nothing") && w.contains("no column 'devcie'")),
        "{warnings:?}"
    );
    assert!(
        state
            .tag_by_name("brand new")
            .is_some_and(|t| t.members.get(0))
    );
    let typo = prioritise(&ds, &state)
        .into_iter()
        .find(|r| r.tag == "typo")
        .unwrap();
    assert!(typo.notes.iter().any(|n| n.contains("does not fit")));
}

#[test]
fn rules_select_exactly_the_matching_rows() {
    let ds = common::load(&common::sample_csv());
    let count = |rule: &str| {
        slicewise::core::rules::evaluate(&ds, rule)
            .unwrap()
            .count_ones()
    };
    let counts = generate::condition_counts(10_000);
    assert_eq!(count(r#"noise == "car""#), counts[1]);
    assert_eq!(count(r#"bandwidth == "narrowband""#), counts[3]);
    assert_eq!(
        count(r#"noise == "clean" and bandwidth != "narrowband""#),
        counts[0]
    );
    assert_eq!(count("snr < 10") + count("snr >= 10"), 10_000);
    let accents = count(r#"accent in ["scottish", "welsh"]"#);
    assert_eq!(
        accents,
        count(r#"accent == "scottish""#) + count("accent == welsh")
    );
    assert_eq!(
        count(r#"not accent in ["scottish", "welsh"]"#),
        10_000 - accents
    );
    assert_eq!(count(r#"label == "yes" and pred != "yes""#), {
        let yes = ds.class_code("yes").unwrap();
        (0..ds.rows())
            .filter(|&r| ds.label[r] == yes && ds.pred[r] != yes)
            .count()
    });
    assert!(slicewise::core::rules::evaluate(&ds, "snr < \"loud\"").is_err());
}

#[test]
fn rule_mistakes_point_at_the_column_and_suggest_the_nearest_name() {
    use slicewise::core::rules::{check, evaluate};
    let ds = common::load(&common::sample_csv());
    let rule = r#"nosie == "car" and snr < 10"#;
    let err = evaluate(&ds, rule).unwrap_err();
    assert_eq!(err.at, 0);
    assert!(
        err.message
            .contains("no column 'nosie'. Did you mean 'noise'?"),
        "{err}"
    );
    let err = evaluate(&ds, r#"noise == "car" and snt < 10"#).unwrap_err();
    assert_eq!(err.at, 19);
    assert!(err.message.contains("Did you mean 'snr'?"), "{err}");
    // A value no row has is valid but matches nothing: a warning, with the
    // nearest value.
    let w = check(&ds, r#"noise == "cra" or accent in ["welsh", "scotish"]"#).unwrap();
    assert_eq!(
        w,
        [
            "no row has noise = 'cra'. Did you mean 'car'?",
            "no row has accent = 'scotish'. Did you mean 'scottish'?"
        ]
    );
    assert!(
        check(&ds, r#"noise != "car" and snr > 3"#)
            .unwrap()
            .is_empty()
    );
    // The check finds every error evaluating would, without reading rows.
    for bad in [
        "nosie == \"car\"",
        "snr < \"loud\"",
        "snr in [1, \"a\"]",
        "device ==",
    ] {
        assert_eq!(
            check(&ds, bad).unwrap_err(),
            evaluate(&ds, bad).unwrap_err(),
            "{bad}"
        );
    }
}

#[test]
fn every_slice_group_becomes_a_rule_selecting_exactly_it() {
    use slicewise::core::slices::{SliceKey, count_groups, group_rule};
    let ds = common::load(&common::sample_csv());
    for columns in [
        vec!["device"],
        vec!["snr"],
        vec!["gender", "accent"],
        vec!["score"],
    ] {
        let columns: Vec<String> = columns.iter().map(ToString::to_string).collect();
        let Ok(key) = SliceKey::new(&ds, &columns) else {
            // score is a role column, not a slice column
            assert_eq!(columns, vec!["score".to_string()]);
            continue;
        };
        for g in count_groups(&ds, &key, None) {
            let rule = group_rule(&ds, &columns, &g.values).unwrap();
            let matched = slicewise::core::rules::evaluate(&ds, &rule).unwrap();
            assert_eq!(matched.count_ones() as u64, g.counts.n, "{rule}");
        }
    }
}
