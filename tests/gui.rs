//! The desktop app driven headless with `egui_kittest`: keys, clicks and the
//! state a user would notice (counts, the prioritisation table, files).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use slicewise::core::filter::ReviewFilter;
use slicewise::core::load::LoadOptions;
use slicewise::gui::actions::Action;
use slicewise::gui::commands::Command;
use slicewise::gui::images::ImageSlot;
use slicewise::gui::{App, Startup};

/// A copy of the sample with its session in a fresh folder.
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

fn open(path: &Path) -> Harness<'static, App> {
    open_comparing(path, None)
}

/// Opens `path` and, like `slicewise open BEFORE --compare AFTER`, compares
/// it with a second run.
fn open_comparing(path: &Path, compare: Option<&Path>) -> Harness<'static, App> {
    start(Some(path), compare, Vec2::new(1400.0, 900.0))
}

/// The app in a window of `size`, opening `file` (or the welcome screen)
/// and comparing it with `compare`, settled.
fn start(file: Option<&Path>, compare: Option<&Path>, size: Vec2) -> Harness<'static, App> {
    let file = file.map(Path::to_path_buf);
    let compare = compare.map(Path::to_path_buf);
    let mut harness = Harness::builder().with_size(size).build_eframe(move |cc| {
        App::new(
            cc,
            Startup {
                file,
                compare,
                options: LoadOptions::default(),
                blocking: true,
                builtin_dialogs: true,
            },
        )
    });
    settle(&mut harness);
    harness
}

/// Runs frames until the app stops repainting: background work started on
/// opening (images, audit workers) may keep a spinner going for a while on
/// a busy machine, which `Harness::run` would take for a repaint loop.
fn settle(harness: &mut Harness<'_, App>) {
    for _ in 0..1000 {
        if harness.try_run().is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the app kept repainting for 10 s after opening");
}

fn tagged(app: &App, tag: &str) -> u64 {
    let ws = app.doc().unwrap();
    ws.annotations
        .tag_by_name(tag)
        .unwrap()
        .counts()
        .tagged()
        .whole()
        .unwrap()
}

fn table_row(app: &mut App, tag: &str) -> slicewise::core::priority::TagRow {
    let ws = app.doc_mut().unwrap();
    ws.table().iter().find(|r| r.tag == tag).unwrap().clone()
}

fn cursor_row(app: &App) -> usize {
    app.doc().unwrap().cursor_row().unwrap()
}

/// Steps frame by frame (up to 10 s) until `done` holds, for work that runs
/// on a background thread while a spinner keeps repainting.
fn step_until(harness: &mut Harness<'_, App>, done: impl Fn(&Harness<'_, App>) -> bool) -> bool {
    for _ in 0..1000 {
        harness.step();
        if done(harness) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    false
}

fn send(harness: &mut Harness<'_, App>, cmd: impl Into<Command>) {
    harness.state().send(cmd);
    harness.run();
}

#[test]
fn pressing_1_tags_the_selected_error_and_updates_the_table() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    let first = cursor_row(harness.state());
    let ds = harness.state().doc().unwrap().ds.clone();
    assert!(
        ds.is_error(first),
        "the Review view starts on the first error"
    );
    let before = table_row(harness.state_mut(), "mumbling");
    assert_eq!(before.share_of_errors.value, None);

    harness.key_press(Key::Num1);
    harness.run();

    assert_eq!(tagged(harness.state(), "mumbling"), 1);
    let after = table_row(harness.state_mut(), "mumbling");
    assert_eq!(after.tagged, 1);
    assert_eq!(
        after.share_of_errors.value,
        Some(1.0),
        "1 of 1 reviewed errors"
    );
    assert!(
        harness
            .state()
            .doc()
            .unwrap()
            .annotations
            .is_reviewed(first)
    );
    // The inspector's toggle for the tag is now on, and the title shows unsaved work.
    assert!(
        harness.state().title().starts_with('●'),
        "{}",
        harness.state().title()
    );
    harness.get_by_label("1 mumbling");
}

#[test]
fn j_and_k_move_and_shift_extends_the_selection() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    let rows = harness.state().doc().unwrap().rows.clone();
    harness.key_press(Key::J);
    harness.run();
    assert_eq!(cursor_row(harness.state()), rows[1] as usize);
    harness.key_press(Key::ArrowDown);
    harness.run();
    harness.key_press(Key::K);
    harness.run();
    assert_eq!(cursor_row(harness.state()), rows[1] as usize);
    harness.key_press_modifiers(Modifiers::SHIFT, Key::J);
    harness.key_press_modifiers(Modifiers::SHIFT, Key::ArrowDown);
    harness.run();
    assert_eq!(
        harness.state().doc().unwrap().selected_rows(),
        rows[1..4].to_vec()
    );
    // A tag key applies to the whole selection.
    harness.key_press(Key::Num2);
    harness.run();
    assert_eq!(tagged(harness.state(), "wrong label"), 3);
}

#[test]
fn tag_keys_and_r_stay_on_the_example_unless_advance_after_tagging_is_on() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    let first = cursor_row(harness.state());
    harness.key_press(Key::Num1);
    harness.key_press(Key::Num2);
    harness.run();
    assert_eq!(
        cursor_row(harness.state()),
        first,
        "two tags on one example"
    );
    harness.key_press(Key::R);
    harness.run();
    assert_eq!(cursor_row(harness.state()), first, "r stays too");
    assert!(!harness.state().prefs.advance, "off by default");
    // Switched on (Edit menu), tag keys and r move on; taking a tag off does not.
    harness.get_by_label("Edit").click();
    harness.run();
    harness.get_by_label("Advance after tagging").click();
    harness.run();
    assert!(harness.state().prefs.advance);
    // Escape closes the menu.
    harness.get_by_label("Edit").click();
    harness.run();
    assert!(harness.query_by_label("Advance after tagging").is_some());
    harness.key_press(Key::Escape);
    harness.run();
    assert!(
        harness.query_by_label("Advance after tagging").is_none(),
        "Esc closes the menu"
    );
    harness.key_press(Key::Num1);
    harness.run();
    assert_eq!(cursor_row(harness.state()), first, "1 took 'mumbling' off");
    harness.key_press(Key::Num1);
    harness.run();
    let second = cursor_row(harness.state());
    assert_ne!(second, first, "1 put it on and moved on");
    harness.key_press(Key::R);
    harness.run();
    assert_ne!(cursor_row(harness.state()), second, "r moved on");
}

#[test]
fn the_hlp_field_shows_how_it_read_the_text() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.get_by_label("mumbling").click();
    harness.run();
    for (typed, shown) in [
        ("0.7", "= 70.0%"),
        ("70", "= 70.0%"),
        ("70%", "= 70.0%"),
        ("0.5%", "= 0.5%"),
    ] {
        harness.state_mut().tags.editing.as_mut().unwrap().hlp = typed.into();
        harness.run();
        harness.get_by_label(shown);
    }
    harness.state_mut().tags.editing.as_mut().unwrap().hlp = "170".into();
    harness.run();
    harness.get_by_label("?");
}

#[test]
fn n_creates_a_tag_on_the_next_free_key_and_undo_removes_it() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    let row = cursor_row(harness.state());
    harness.key_press(Key::N);
    harness.run();
    assert!(
        harness.state().dialogs.new_tag.is_some(),
        "n opens the prompt"
    );
    harness.event(egui::Event::Text("car horn".into()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let app = harness.state();
    assert!(app.dialogs.new_tag.is_none(), "Enter closes the prompt");
    let ws = app.doc().unwrap();
    let tag = ws
        .annotations
        .tag_by_name("car horn")
        .expect("the tag exists");
    assert_eq!(tag.def.hotkey, Some(4), "1-3 belong to the sample's tags");
    assert!(tag.members.get(row));
    // Key 4 now toggles it off again on the same example.
    harness.key_press(Key::Num4);
    harness.run();
    assert_eq!(tagged(harness.state(), "car horn"), 0);
    // Undo twice: the toggle, then the creation. Each says what it undid
    // and shows the example, even after the cursor moved on.
    harness.key_press(Key::J);
    harness.key_press(Key::J);
    harness.run();
    assert_ne!(cursor_row(harness.state()), row);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(tagged(harness.state(), "car horn"), 1);
    assert_eq!(cursor_row(harness.state()), row, "undo shows the example");
    let key = harness.state().doc().unwrap().ds.ids.key(row).into_owned();
    let said = harness.state().status.as_ref().unwrap().text.clone();
    assert_eq!(said, format!("Undid tag 'car horn' off {key}"));
    harness.get_by_label(&said);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(
        harness
            .state()
            .doc()
            .unwrap()
            .annotations
            .tag_by_name("car horn")
            .is_none()
    );
    // Redo brings it back.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(tagged(harness.state(), "car horn"), 1);
}

#[test]
fn bulk_tagging_a_filter_is_one_undo_step() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    let filter = ReviewFilter {
        truth: Some("yes".into()),
        pred: Some("left".into()),
        ..ReviewFilter::default()
    };
    send(&mut harness, Command::SetFilter(filter));
    let shown = harness.state().doc().unwrap().rows.clone();
    assert!(
        shown.len() > 10,
        "the sample confuses yes with left often: {}",
        shown.len()
    );
    harness.get_by_label("Tag all shown…").click();
    harness.run();
    // The menu lists the manual tags; pick "cut off".
    let buttons = harness.get_all_by_label("cut off").collect::<Vec<_>>();
    buttons.last().unwrap().click();
    harness.run();
    assert_eq!(tagged(harness.state(), "cut off"), shown.len() as u64);
    let ds = harness.state().doc().unwrap().ds.clone();
    let yes = ds.class_code("yes").unwrap();
    let ws = harness.state().doc().unwrap();
    assert!(
        ws.annotations
            .tag_by_name("cut off")
            .unwrap()
            .members
            .ones()
            .all(|r| ds.label[r] == yes)
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        tagged(harness.state(), "cut off"),
        0,
        "one undo removes all of them"
    );
}

#[test]
fn export_report_writes_the_report_of_the_open_session_sliced_as_the_slices_view() {
    let (dir, data) = sample_copy();
    let mut harness = open(&data);
    // The menu item opens the save dialog named for the report.
    send(&mut harness, Action::ExportReport);
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains("Export the report")
            .is_some()
    );
    send(&mut harness, Action::Escape);
    harness.run_steps(2);
    let column = harness
        .state()
        .views()
        .unwrap()
        .slices
        .options
        .first
        .clone();
    let column = column.expect("the Slices view opens on a column");
    for (ext, needle) in [("html", "<svg"), ("md", "## Prioritise what to work on")] {
        let out = dir.path().join(format!("audit.{ext}"));
        harness.state().send(Command::ExportReport(out.clone()));
        assert!(step_until(&mut harness, |h| h.state().exporting == 0));
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(needle), "{ext}");
        // The session's tags, and the Slices view's column as the slice.
        assert!(text.contains("people noise"), "{ext}");
        assert!(
            text.contains(&format!("Slice: {column}")),
            "{ext}: {column}"
        );
    }
    // Any other name is refused with a message, and nothing is written.
    let bad = dir.path().join("audit.csv");
    harness.state().send(Command::ExportReport(bad.clone()));
    harness.run_steps(2);
    assert!(!bad.exists());
}

#[test]
fn export_report_adds_the_second_run_the_app_compares_with() {
    let (dir, data) = sample_copy();
    let after = dir.path().join("speech_commands_v2.csv");
    std::fs::copy(
        common::root().join("sample_data/speech_commands_v2.csv"),
        &after,
    )
    .unwrap();
    let mut harness = open_comparing(&data, Some(&after));
    let out = dir.path().join("audit.html");
    harness.state().send(Command::ExportReport(out.clone()));
    assert!(step_until(&mut harness, |h| h.state().exporting == 0));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Compared with the second run"));
    // The tag the sample's second run fixed most, with the lift the
    // command line's report prints for it.
    assert!(html.contains("people noise"));
    assert!(html.contains("+0.95 pt [+0.73, +1.18] · expected +0.60 pt"));
}

#[test]
fn export_writes_the_table_and_copy_puts_markdown_on_the_clipboard() {
    let (dir, data) = sample_copy();
    let mut harness = open(&data);
    for (ext, needle) in [
        ("csv", "tag,kind,rule"),
        ("md", "| tag | tagged |"),
        ("html", "<table"),
    ] {
        let out = dir.path().join(format!("out.{ext}"));
        // The file is written on a background thread, and a spinner repaints
        // until it is done, so step frame by frame instead of `run`.
        harness.state().send(Command::Export(out.clone()));
        assert!(step_until(&mut harness, |h| h.state().exporting == 0));
        assert!(
            harness
                .state()
                .status
                .as_ref()
                .is_some_and(|s| s.text.starts_with("Exported"))
        );
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.contains(needle) && text.contains("people noise"),
            "{ext}: {text}"
        );
    }
    send(&mut harness, Action::CopyMarkdown);
    let copied = harness.output().platform_output.commands.iter().any(
        |c| matches!(c, egui::OutputCommand::CopyText(t) if t.contains("| clean speech (rule) |")),
    );
    assert!(copied, "the table is on the clipboard");
}

#[test]
fn reopening_restores_tags_notes_filter_and_selection() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    send(
        &mut harness,
        Command::SetFilter(ReviewFilter {
            truth: Some("no".into()),
            ..ReviewFilter::default()
        }),
    );
    harness.key_press(Key::J);
    harness.key_press(Key::J);
    harness.run();
    let row = cursor_row(harness.state());
    harness.key_press(Key::Num3);
    harness.run();
    send(
        &mut harness,
        Command::SetNote(u32::try_from(row).unwrap(), "clipped at the start".into()),
    );
    // Autosave writes within 2 seconds of the last change.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    harness.step();
    harness.run();
    assert!(
        !harness.state().title().starts_with('●'),
        "saved: {}",
        harness.state().title()
    );
    drop(harness);

    let mut again = open(&data);
    let app = again.state_mut();
    let ws = app.doc().unwrap();
    assert_eq!(ws.filter.truth.as_deref(), Some("no"));
    assert_eq!(
        ws.cursor_row(),
        Some(row),
        "the selected example is restored"
    );
    let tag = ws.annotations.tag_by_name("cut off").unwrap();
    assert!(tag.members.get(row));
    assert_eq!(ws.annotations.note(row), "clipped at the start");
}

#[test]
fn question_mark_shows_the_shortcuts() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Questionmark);
    harness.run();
    assert!(harness.state().dialogs.shortcuts);
    assert!(harness.query_all_by_label("Keyboard shortcuts").count() >= 1);
    harness.get_by_label("Toggle tag 1");
}

#[test]
fn clicking_a_tag_button_in_the_inspector_toggles_it() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.get_by_label("2 wrong label").click();
    harness.run();
    assert_eq!(tagged(harness.state(), "wrong label"), 1);
    assert!(harness.state().title().starts_with('●'));
}

#[test]
fn views_switch_with_function_keys_and_show_the_table() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.key_press(Key::F4);
    harness.run();
    assert_eq!(
        harness.state().prefs.view,
        slicewise::gui::views::View::Prioritise
    );
    harness.get_by_label("Prioritise what to work on");
    assert!(
        harness.query_all_by_label("clean speech").count() >= 2,
        "in the Tags panel and the table"
    );
    harness.key_press(Key::F2);
    harness.run();
    harness.get_by_label("Top tags by expected lift");
}

#[test]
fn a_file_without_known_columns_opens_the_mapping_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "odd.csv",
        "truth_col,guess,when\na,a,1\nb,a,2\nb,b,3\n",
    );
    let mut harness = open(&path);
    assert!(harness.state().doc().is_none());
    assert!(
        harness.state().dialogs.mapping.is_some(),
        "roles could not be detected"
    );
    harness.get_by_label("Which column is which?");
    // It talks about the dialog, not command-line flags.
    harness.get_by_label_contains(
        "could not tell which column of odd.csv holds the true label or the prediction",
    );
    assert!(harness.query_by_label_contains("--label").is_none());
    let dialog = harness.state_mut().dialogs.mapping.as_mut().unwrap();
    dialog.choice.label = "truth_col".into();
    dialog.choice.pred = "guess".into();
    harness.get_by_label("Open").click();
    // The load runs in the background (with a spinner); wait for it.
    step_until(&mut harness, |h| h.state().doc().is_some());
    let ws = harness.state().doc().expect("opened with the chosen roles");
    assert_eq!(ws.ds.roles.label, "truth_col");
    assert_eq!(ws.ds.rows(), 3);
}

fn click_at(harness: &mut Harness<'_, App>, pos: egui::Pos2) {
    harness.event(egui::Event::PointerMoved(pos));
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run();
}

#[test]
fn clicking_a_confusion_cell_reviews_exactly_that_cell() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.key_press(Key::F5);
    harness.run();
    assert_eq!(
        harness.state().prefs.view,
        slicewise::gui::views::View::Confusion
    );
    let (transform, labels) = harness
        .state()
        .views()
        .unwrap()
        .confusion
        .layout
        .clone()
        .unwrap();
    let n = labels.len();
    let (t, p) = (
        labels.iter().position(|l| l == "yes").unwrap(),
        labels.iter().position(|l| l == "left").unwrap(),
    );
    // Row t is drawn from the top; plot y grows upwards.
    let centre = egui_plot::PlotPoint::new(p as f64 + 0.5, (n - 1 - t) as f64 + 0.5);
    // Hovering says the count and both rates.
    harness.hover_at(transform.position_from_point(&centre));
    harness.run();
    let said = harness
        .state()
        .views()
        .unwrap()
        .confusion
        .hovered
        .clone()
        .unwrap();
    let ws = harness.state().doc().unwrap();
    let m = &ws.summary.confusion;
    let (yes, left) = (
        ws.ds.class_code("yes").unwrap() as usize,
        ws.ds.class_code("left").unwrap() as usize,
    );
    let cell = m.get(yes, left);
    let of_true = cell.w / (0..n).map(|k| m.get(yes, k).w).sum::<f64>();
    let of_pred = cell.w / (0..n).map(|k| m.get(k, left).w).sum::<f64>();
    let expected = format!(
        "true yes ➡ predicted left\n{cell} examples\n{:.1}% of true yes\n{:.1}% of predicted left",
        of_true * 100.0,
        of_pred * 100.0
    );
    assert!(said.starts_with(&expected), "{said}\nexpected {expected}");
    assert!(
        harness.query_all_by_label_contains(&expected).count() >= 1,
        "a tooltip shows it"
    );
    click_at(&mut harness, transform.position_from_point(&centre));
    let app = harness.state();
    assert_eq!(
        app.prefs.view,
        slicewise::gui::views::View::Review,
        "the click opens Review"
    );
    let ws = app.doc().unwrap();
    let (yes, left) = (
        ws.ds.class_code("yes").unwrap(),
        ws.ds.class_code("left").unwrap(),
    );
    assert_eq!(ws.filter.truth.as_deref(), Some("yes"));
    assert_eq!(ws.filter.pred.as_deref(), Some("left"));
    assert_eq!(
        ws.rows.len() as u64,
        ws.summary.confusion.get(yes as usize, left as usize)
    );
    assert!(
        ws.rows
            .iter()
            .all(|&r| ws.ds.label[r as usize] == yes && ws.ds.pred[r as usize] == left)
    );
    // A diagonal cell lists correct predictions too.
    harness.key_press(Key::F5);
    harness.run();
    let centre = egui_plot::PlotPoint::new(t as f64 + 0.5, (n - 1 - t) as f64 + 0.5);
    click_at(&mut harness, transform.position_from_point(&centre));
    let ws = harness.state().doc().unwrap();
    assert_eq!(
        ws.rows.len() as u64,
        ws.summary.confusion.get(yes as usize, yes as usize)
    );
}

#[test]
fn a_slice_group_becomes_a_rule_tag_in_the_prioritisation_table() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.key_press(Key::F7);
    harness.run();
    let before = harness.state_mut().doc_mut().unwrap().table().len();
    // The first group of the default slice (device) is car_kit.
    let buttons: Vec<_> = harness.get_all_by_label("Rule tag").collect();
    assert_eq!(buttons.len(), 4, "one per device");
    buttons[0].click();
    harness.run();
    let app = harness.state_mut();
    let ws = app.doc_mut().unwrap();
    let car_kit = ws
        .ds
        .column("device")
        .unwrap()
        .groups()
        .code_of("car_kit")
        .unwrap();
    let expected = ws
        .ds
        .column("device")
        .unwrap()
        .groups()
        .codes
        .iter()
        .filter(|&c| c == car_kit)
        .count() as u64;
    let table = ws.table().to_vec();
    assert_eq!(table.len(), before + 1);
    let row = table
        .iter()
        .find(|r| r.tag == "car_kit")
        .expect("a row for the group");
    assert_eq!(row.tagged, expected);
    assert!(row.exact && row.rule.as_deref() == Some("device == \"car_kit\""));
    // Undo removes it again.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state_mut().doc_mut().unwrap().table().len(), before);
}

#[test]
fn the_slices_view_fits_1280_by_800_and_flags_only_groups_doing_worse() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.set_size(Vec2::new(1280.0, 800.0));
    harness.key_press(Key::F7);
    harness.run();
    {
        let views = harness.state_mut().views_mut().unwrap();
        let o = &mut views.slices.options;
        o.first = Some("gender".into());
        o.second = Some("accent".into());
        o.positive = Some(0);
    }
    harness.run();
    harness.run();
    let right = 1280.0;
    let header = harness.get_by_label("flags").rect();
    assert!(header.right() <= right, "{header:?}");
    for button in harness.get_all_by_label("Rule tag") {
        assert!(button.rect().right() <= right, "{:?}", button.rect());
    }
    // A group flagged in the table is flagged on the chart's metric or on
    // another one; no group that does better is flagged.
    let s = harness
        .state()
        .views()
        .unwrap()
        .slices
        .analysis()
        .unwrap()
        .clone()
        .unwrap();
    // Every group marked worse does worse on that rate of harm: than the
    // reference, or for the reference than some other group.
    let mut flagged = 0;
    let r = s.reference.unwrap();
    for (i, g) in s.groups.iter().enumerate() {
        for m in s.flagged(i) {
            flagged += 1;
            let rate = |j: usize| m.of(&s.groups[j].counts).value().unwrap_or(0.0);
            if i == r {
                assert!(
                    s.supported().iter().any(|&h| rate(i) > rate(h) * 1.25),
                    "{g:?} {m:?}"
                );
            } else {
                assert!(rate(i) > rate(r) * 1.25, "{g:?} {m:?}");
            }
        }
    }
    assert!(flagged > 0);
    // The table says "worse on …" for exactly the flagged rows it shows.
    let shown: Vec<usize> = (0..s.groups.len())
        .filter(|&i| {
            let name = format!("{}  {}", i + 1, s.groups[i].name());
            harness.query_by_label(&name).is_some()
        })
        .collect();
    assert!(shown.len() >= 10, "{shown:?}");
    assert_eq!(
        harness.query_all_by_label_contains("worse on ").count(),
        shown.iter().filter(|&&i| !s.flagged(i).is_empty()).count()
    );
}

#[test]
fn a_rule_with_a_mistake_keeps_its_text_and_says_why_under_the_field() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.get_by_label("New rule tag").click();
    harness.run();
    let tags_before = harness.state().doc().unwrap().annotations.tags().len();
    let draft = &mut harness.state_mut().tags.rule;
    draft.name = "car and quiet".into();
    draft.rule = r#"nosie == "car" and snr < 10"#.into();
    harness.get_by_label("Create rule tag").click();
    harness.run();
    // Nothing is created; name and rule are kept; the error is under the field.
    let draft = &harness.state().tags.rule;
    assert_eq!(draft.name, "car and quiet");
    assert_eq!(draft.rule, r#"nosie == "car" and snr < 10"#);
    assert_eq!(
        harness.state().doc().unwrap().annotations.tags().len(),
        tags_before
    );
    harness.get_by_label_contains("there is no column 'nosie'. Did you mean 'noise'?");
    harness.get_by_label("nosie == \"car\" and snr <…\n^");
    // A value no row has is shown once; Create again creates the tag anyway.
    harness.state_mut().tags.rule.rule = r#"noise == "cra""#.into();
    harness.state_mut().tags.rule.error = None;
    harness.run();
    harness.get_by_label("Create rule tag").click();
    harness.run();
    harness.get_by_label("no row has noise = 'cra'. Did you mean 'car'?");
    harness.get_by_label("Create anyway").click();
    harness.run();
    assert_eq!(
        harness.state().doc().unwrap().annotations.tags().len(),
        tags_before + 1
    );
    assert!(harness.state().tags.rule.name.is_empty());
    // A name that is taken is refused under the name.
    let draft = &mut harness.state_mut().tags.rule;
    draft.name = "car noise".into();
    draft.rule = r#"noise == "car""#.into();
    harness.run();
    harness.get_by_label("Create rule tag").click();
    harness.run();
    harness.get_by_label("There is already a tag named 'car noise'.");
    assert_eq!(
        harness.state().doc().unwrap().annotations.tags().len(),
        tags_before + 1
    );
}

#[test]
fn the_watch_list_is_shown_and_saved_in_the_session() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    send(
        &mut harness,
        Command::AddWatch(slicewise::core::session::WatchPair {
            truth: "yes".into(),
            pred: "no".into(),
        }),
    );
    harness.key_press(Key::F2);
    harness.run();
    harness.get_by_label("yes ➡ no");
    send(&mut harness, Action::Save);
    let saved = slicewise::core::session::Session::read(
        &data.with_file_name("speech_commands.slicewise.ron"),
    )
    .unwrap();
    assert_eq!(saved.watch.len(), 1);
    // Clicking the pair reviews its examples.
    harness.get_by_label("yes ➡ no").click();
    harness.run();
    assert_eq!(
        harness.state().prefs.view,
        slicewise::gui::views::View::Review
    );
    assert_eq!(
        harness.state().doc().unwrap().filter.pred.as_deref(),
        Some("no")
    );
}

#[test]
fn every_audit_view_draws_on_the_sample() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    for (key, text) in [
        (Key::F5, "Hide the diagonal"),
        (Key::F6, "macro avg"),
        (Key::F7, "Fairlearn, between groups"),
        (Key::F8, "Threshold"),
        (Key::F9, "Review the disagreements"),
    ] {
        harness.key_press(key);
        harness.run();
        assert!(harness.query_all_by_label(text).count() >= 1, "{text}");
    }
    // Label consistency opens the disagreements in Review.
    harness.get_by_label("Review the disagreements").click();
    harness.run();
    let ws = harness.state().doc().unwrap();
    assert!(!ws.rows.is_empty());
    assert!(
        ws.rows
            .iter()
            .all(|&r| ws.ds.human_correct(r as usize) == Some(false))
    );
    // The list shows what the human said (a "human" column header beside
    // the inspector's "human" field).
    assert_eq!(harness.query_all_by_label("human").count(), 2);
}

#[test]
fn a_note_still_being_typed_is_kept_by_save_and_not_carried_to_another_file() {
    let (dir, data) = sample_copy();
    let mut harness = open(&data);
    let row = cursor_row(harness.state());
    let note = harness.get_by_role(egui::accesskit::Role::MultilineTextInput);
    note.focus();
    harness.run();
    harness
        .get_by_role(egui::accesskit::Role::MultilineTextInput)
        .type_text("half-typed thought");
    harness.run();
    assert!(
        harness
            .state()
            .inspector
            .note
            .as_ref()
            .is_some_and(|(_, t)| t == "half-typed thought")
    );
    // Ctrl+S while the field still has the keyboard: the menu command saves the draft too.
    send(&mut harness, Action::Save);
    let saved = slicewise::core::session::Session::read(
        &data.with_file_name("speech_commands.slicewise.ron"),
    )
    .unwrap();
    let key = harness.state().doc().unwrap().ds.ids.key(row).into_owned();
    assert_eq!(saved.examples[&key].note, "half-typed thought");
    // Opening another file starts with a clean draft.
    let other = common::write(dir.path(), "other.csv", "id,label,pred\nx1,a,b\nx2,b,b\n");
    harness
        .state_mut()
        .open_blocking(&other, &LoadOptions::default());
    harness.run();
    let app = harness.state();
    assert!(
        app.inspector
            .note
            .as_ref()
            .is_none_or(|(r, t)| *r == 0 && t.is_empty()),
        "{:?}",
        app.inspector.note
    );
    assert_eq!(app.doc().unwrap().annotations.note(0), "");
}

#[test]
fn large_files_compute_the_audit_views_on_a_worker_and_keep_responding() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("large.csv");
    let rows = slicewise::gui::jobs::INLINE_ROWS;
    slicewise::core::generate::write_file(&slicewise::core::generate::generate(rows, 7), &data)
        .unwrap();
    let mut harness = open(&data);
    harness.key_press(Key::F8);
    harness.step();
    // The frame that starts the work shows progress instead of freezing on the
    // score curves (the worker's result is only taken in the next frame).
    assert_eq!(harness.state().busy(), Some("score curves"));
    harness.get_by_label(&format!("Computing over {} rows…", "200,000"));
    harness.get_by_label("Computing score curves…");
    // Keys still work meanwhile: switch to Slices and back.
    harness.key_press(Key::F7);
    harness.step();
    harness.key_press(Key::F8);
    // A ten-class confidence gives risk–coverage, not one-vs-rest curves.
    assert!(step_until(&mut harness, |h| h
        .query_by_label_contains("Risk–coverage curve, area")
        .is_some()));
    // The Slices view, started meanwhile, shows the groups of its column.
    harness.key_press(Key::F7);
    step_until(&mut harness, |h| {
        h.state().views().unwrap().slices.analysis().is_some()
    });
    let analysis = harness.state().views().unwrap().slices.analysis();
    let groups = analysis.unwrap().as_ref().unwrap().groups.len();
    assert_eq!(groups, 4, "one group per device");
    // The Labels view too: human agreement arrives from the worker.
    harness.key_press(Key::F9);
    assert!(step_until(&mut harness, |h| h
        .query_by_label_contains("Humans agree with the true label")
        .is_some()));
    // A Review filter runs on a worker: the list keeps its rows, says it is
    // filtering, refuses to tag "all shown" meanwhile, then shows the
    // filter's rows with the cursor kept on its example when listed.
    harness.key_press(Key::F3);
    harness.run();
    let before = harness.state().doc().unwrap().rows.len();
    let phones = ReviewFilter {
        scope: slicewise::core::filter::Scope::Errors,
        slices: vec![("device".into(), "phone".into())],
        ..ReviewFilter::default()
    };
    let hold = slicewise::gui::document::FILTER_GATE.write().unwrap();
    harness.state().send(Command::SetFilter(phones.clone()));
    harness.step();
    harness.step();
    let doc = harness.state().doc().unwrap();
    assert!(doc.is_filtering());
    assert_eq!(
        doc.rows.len(),
        before,
        "the old list stays until the new one is there"
    );
    harness.get_by_label("Filtering 200,000 rows…");
    harness
        .state_mut()
        .doc_mut()
        .unwrap()
        .edit(slicewise::core::tags::Edit::AddTag {
            index: 0,
            id: None,
            def: slicewise::core::session::TagDef::manual("phones", ""),
            members: Vec::new(),
        })
        .unwrap();
    let tag = harness.state().doc().unwrap().annotations.tags()[0].id;
    harness.state().send(Command::BulkTag(tag));
    harness.step();
    assert!(harness.state().doc().unwrap().is_filtering());
    assert_eq!(tagged(harness.state(), "phones"), 0, "not while filtering");
    drop(hold);
    assert!(step_until(&mut harness, |h| !h
        .state()
        .doc()
        .unwrap()
        .is_filtering()));
    let doc = harness.state().doc().unwrap();
    assert_eq!(doc.rows, phones.apply(&doc.ds, &doc.annotations));
    assert!(doc.rows.len() < before && !doc.rows.is_empty());
    assert!(harness.query_by_label("Filtering 200,000 rows…").is_none());
}

#[test]
fn many_classes_show_the_largest_in_name_order_with_an_other_bucket() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("id,label,pred\n");
    let mut id = 0;
    // 45 classes; class k has k + 1 examples, a third of them mistaken for k + 1.
    for k in 0..45 {
        for i in 0..=k {
            let pred = if i % 3 == 0 { (k + 1) % 45 } else { k };
            writeln!(text, "{id},class_{k:02},class_{pred:02}").unwrap();
            id += 1;
        }
    }
    let data = common::write(dir.path(), "many.csv", &text);
    let mut harness = open(&data);
    harness.key_press(Key::F5);
    harness.run();
    let (transform, labels) = harness
        .state()
        .views()
        .unwrap()
        .confusion
        .layout
        .clone()
        .unwrap();
    let expected: Vec<String> = (15..45)
        .map(|k| format!("class_{k:02}"))
        .chain(["(other)".to_string()])
        .collect();
    assert_eq!(
        labels, expected,
        "the 30 largest classes, by name, then the rest"
    );
    // Clicking the "(other)" cell cannot list one cell's examples, so it stays.
    let n = labels.len();
    let corner = egui_plot::PlotPoint::new(n as f64 - 0.5, 0.5);
    click_at(&mut harness, transform.position_from_point(&corner));
    assert_eq!(
        harness.state().prefs.view,
        slicewise::gui::views::View::Confusion
    );
}

#[test]
fn group_names_too_long_for_the_chart_are_numbered_in_table_and_chart() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.key_press(Key::F7);
    harness.run();
    // Four devices fit under the chart by name.
    harness.get_by_label("car_kit");
    harness
        .state_mut()
        .views_mut()
        .unwrap()
        .slices
        .options
        .second = Some("accent".into());
    harness.run();
    // 24 device × accent groups do not: the table numbers them as the chart does.
    harness.get_by_label("1  car_kit & american");
    assert!(harness.query_by_label("car_kit & american").is_none());
}

#[test]
fn the_inspector_shows_the_example_image_or_why_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pics")).unwrap();
    image::RgbImage::from_pixel(8, 6, image::Rgb([200, 30, 30]))
        .save(dir.path().join("pics/red.png"))
        .unwrap();
    let data = common::write(
        dir.path(),
        "images.csv",
        "id,label,pred,image_path\n1,cat,dog,pics/red.png\n2,dog,cat,pics/gone.png\n",
    );
    let mut harness = open(&data);
    harness.key_press(Key::F3);
    // Paths resolve against the data file's folder; decoding runs off the UI thread.
    let red = dir.path().join("pics/red.png");
    assert!(step_until(&mut harness, |h| {
        let app = h.state();
        matches!(app.images().peek(&red), Some(ImageSlot::Ready(t)) if t.size() == [8, 6])
    }));
    harness.key_press(Key::J);
    assert!(step_until(&mut harness, |h| {
        h.query_by_label_contains("cannot read").is_some_and(|n| {
            // A plain label's text is its accessibility value.
            n.accesskit_node()
                .value()
                .is_some_and(|l| l.contains("gone.png"))
        })
    }));
}

/// A file dropped on the window, as the windowing integration hands it over.
#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_a_file_on_the_window_opens_it_and_keeps_the_work_on_the_first() {
    let (dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.key_press(Key::Num1);
    harness.run();
    let other = common::write(dir.path(), "other.csv", "id,label,pred\nx1,a,b\nx2,b,b\n");
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(other)));
    assert!(step_until(&mut harness, |h| h
        .state()
        .doc()
        .is_some_and(|ws| ws.ds.rows() == 2)));
    // The tag given before the drop is in the first file's session.
    let saved = slicewise::core::session::Session::read(
        &data.with_file_name("speech_commands.slicewise.ron"),
    )
    .unwrap();
    let tagged = saved
        .examples
        .values()
        .filter(|e| e.tags.iter().any(|t| t == "mumbling"))
        .count();
    assert_eq!(tagged, 1);
}

#[test]
fn one_audit_worker_at_a_time_and_only_the_latest_options_count() {
    use slicewise::gui::jobs::{Computed, INLINE_ROWS};
    #[allow(clippy::trivially_copy_pass_by_ref)] // the shape Computed calls
    fn slow_square(_: &slicewise::core::dataset::Dataset, k: &u64) -> u64 {
        std::thread::sleep(std::time::Duration::from_millis(30));
        k * k
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("large.csv");
    slicewise::core::generate::write_file(
        &slicewise::core::generate::generate(INLINE_ROWS, 3),
        &data,
    )
    .unwrap();
    let ds =
        std::sync::Arc::new(slicewise::core::load::load(&data, &LoadOptions::default()).unwrap());
    let ctx = egui::Context::default();
    let mut c: Computed<u64, u64> = Computed::default();
    assert!(
        !c.refresh(&2, &ds, &ctx, slow_square),
        "started on a worker"
    );
    // Options change while it runs: no second worker until the first is done.
    for k in 3..=9 {
        assert!(!c.refresh(&k, &ds, &ctx, slow_square));
        assert!(c.is_running());
    }
    let mut ready = false;
    for _ in 0..500 {
        if c.refresh(&9, &ds, &ctx, slow_square) {
            ready = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(ready);
    assert_eq!(c.get(&9), Some(&81), "the latest options, not the stale 2");
    assert_eq!(c.get(&2), None);
    assert!(!c.is_running());
}

#[test]
fn the_thresholds_view_opens_at_the_model_threshold_with_the_confusion_counts() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::write(dir.path(), "compas_like.csv", &common::compas_like());
    let mut harness = open(&data);
    harness.key_press(Key::F8);
    assert!(step_until(&mut harness, |h| h
        .query_by_label("model's threshold")
        .is_some()));
    let app = harness.state();
    let view = &app.views().unwrap().thresholds;
    assert_eq!(
        (view.moving.threshold, view.moving.op),
        (5.0, slicewise::core::thresholds::Op::AtLeast),
        "decile scores predicted positive from 5"
    );
    let doc = app.doc().unwrap();
    let one = doc.ds.class_code("1").unwrap() as usize;
    let c = doc.summary.confusion.binary(one);
    for text in [
        format!("TP {}", c.tp),
        format!("FP {}", c.fp),
        format!("FN {}", c.fn_),
        format!("TN {}", c.tn),
    ] {
        harness.get_by_label(&text);
    }
    harness.get_by_label("At score >= 5 (score)");
}

#[test]
fn the_thresholds_view_is_not_per_slice_of_a_column_of_user_ids() {
    // A first slice column of 1,500 user ids, then one of two devices.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("label,pred,score,user,device\n");
    for i in 0..3000 {
        let (label, pred) = if i % 7 == 0 { ("a", "b") } else { ("a", "a") };
        let device = if i % 2 == 0 { "phone" } else { "laptop" };
        let score = f64::from(i % 100) / 100.0;
        csv += &[
            label,
            pred,
            &score.to_string(),
            &format!("u{}", i % 1500),
            device,
        ]
        .join(",");
        csv.push('\n');
    }
    let data = common::write(dir.path(), "users.csv", &csv);
    let mut harness = open(&data);
    harness.key_press(Key::F8);
    settle(&mut harness);
    let view = &harness.state().views().unwrap().thresholds;
    assert_eq!(view.column.as_deref(), Some("device"));
    // Chosen anyway, its tables list the first 1,000 groups and say so.
    harness.state_mut().views_mut().unwrap().thresholds.column = Some("user".to_string());
    assert!(step_until(&mut harness, |h| h
        .query_by_label("group")
        .is_some()));
    // Groups in the column's order: u0, u1, u10, u100, … u999 last.
    harness.get_by_label("u0");
    assert!(harness.query_by_label("u999").is_none());
    assert!(
        harness
            .query_by_label_contains("The first 1,000 of 1,500 groups")
            .is_some()
    );
}

#[test]
fn risk_coverage_keeps_every_row_at_the_lowest_confidence() {
    let dir = tempfile::tempdir().unwrap();
    // Three classes and a confidence with six decimals: the slider shows
    // four, and must not round the lowest confidence away.
    let data = common::write(
        dir.path(),
        "conf.csv",
        "id,label,pred,score\n1,a,a,0.912345\n2,b,a,0.123456\n3,c,c,0.777777\n4,b,b,0.654321\n5,a,c,0.333333\n6,c,c,0.999999\n",
    );
    let mut harness = open(&data);
    harness.key_press(Key::F8);
    harness.run();
    harness.get_by_label("Risk–coverage");
    assert!(
        harness
            .query_by_label_contains("kept 6 of 6 rows (100.0%), accuracy 66.67%, 2 errors")
            .is_some()
    );
    harness.get_by_label("class 'a' among the kept rows: TP 1 · FP 1 · FN 1");
}

#[test]
fn chosen_columns_are_remembered_by_the_app_and_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(
        dir.path(),
        "compas.csv",
        "person,two_year_recid,high_risk,decile,race\n1,1,1,8,a\n2,0,0,2,b\n3,1,0,4,a\n4,0,1,6,b\n",
    );
    let mut harness = open(&path);
    let dialog = harness.state_mut().dialogs.mapping.as_mut().unwrap();
    dialog.choice.label = "two_year_recid".into();
    dialog.choice.pred = "high_risk".into();
    dialog.choice.score = Some("decile".into());
    dialog.choice.id = Some("person".into());
    harness.get_by_label("Open").click();
    assert!(step_until(&mut harness, |h| h.state().doc().is_some()));
    send(&mut harness, Action::Save);
    drop(harness);
    // Reopening needs no dialog: the session remembers the columns.
    let harness = open(&path);
    assert!(harness.state().dialogs.mapping.is_none());
    let ds = &harness.state().doc().unwrap().ds;
    assert_eq!(ds.roles.score.as_deref(), Some("decile"));
    assert_eq!(ds.roles.id.as_deref(), Some("person"));
    // And so does the command line; a flag still wins.
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_slicewise"))
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["report", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["scores"]["column"], "decile");
    let o = run(&[
        "report",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--score",
        "",
    ]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(j["scores"].is_null(), "--score '' means no score");
}

#[test]
fn view_options_come_back_on_reopening() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    {
        let views = harness.state_mut().views_mut().unwrap();
        views.slices.options.second = Some("accent".into());
        views.slices.chart_metric = Some(slicewise::core::slices::DisparityMetric::ErrorRate);
        views.confusion.hide_diagonal = true;
        views.discover.alpha = 0.8;
        views.discover.min_support = "50".into();
        views.discover.columns[0].1 = false;
        views.compare.column = Some("accent".into());
    }
    harness.key_press(Key::F7);
    harness.run();
    send(&mut harness, Action::Save);
    drop(harness);
    let harness = open(&data);
    let views = harness.state().views().unwrap();
    assert_eq!(views.slices.options.second.as_deref(), Some("accent"));
    assert_eq!(
        views.slices.chart_metric,
        Some(slicewise::core::slices::DisparityMetric::ErrorRate)
    );
    assert!(views.confusion.hide_diagonal);
    assert!((views.discover.alpha - 0.8).abs() < 1e-12);
    assert_eq!(views.discover.min_support, "50");
    assert!(!views.discover.columns[0].1 && views.discover.columns[1].1);
    assert_eq!(views.compare.column.as_deref(), Some("accent"));
}

#[test]
fn without_a_native_dialog_slicewise_shows_its_own_for_export_and_open() {
    let (dir, data) = sample_copy();
    let mut harness = open(&data);
    // Export: the built-in dialog names the action and proposes a file in
    // the data's folder.
    send(
        &mut harness,
        Action::Export(slicewise::core::export::ExportFormat::Csv),
    );
    harness.get_by_label("Export the prioritisation table as CSV");
    let dialog = harness.state().dialogs.file.as_ref().unwrap();
    assert_eq!(dialog.dir(), dir.path());
    assert_eq!(dialog.name, "speech_commands-priorities.csv");
    assert!(dialog.listed().contains(&"speech_commands.csv"));
    harness.get_by_label("Save").click();
    let out = dir.path().join("speech_commands-priorities.csv");
    assert!(step_until(&mut harness, |h| h.state().exporting == 0 && out.exists()));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("people noise")
    );
    assert!(harness.state().dialogs.file.is_none());
    // Again: the file exists, so the first Save only asks.
    std::fs::write(&out, "mine").unwrap();
    send(
        &mut harness,
        Action::Export(slicewise::core::export::ExportFormat::Csv),
    );
    harness.get_by_label("Save").click();
    harness.run();
    harness.get_by_label_contains("already exists. Press Save again to replace it.");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    harness.get_by_label("Save").click();
    assert!(step_until(&mut harness, |h| h.state().exporting == 0
        && std::fs::read_to_string(&out).is_ok_and(|t| t != "mine")));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("people noise")
    );

    // Open: a missing name is refused under the field, naming the action;
    // a folder typed in is entered; a file is opened.
    let sub = dir.path().join("runs");
    std::fs::create_dir(&sub).unwrap();
    let other = sub.join("other.csv");
    std::fs::write(&other, "id,label,pred\n1,a,a\n2,a,b\n3,b,b\n").unwrap();
    std::fs::write(sub.join("notes.pdf"), "x").unwrap();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    harness.get_by_label("Open predictions");
    harness.state_mut().dialogs.file.as_mut().unwrap().name = "nothing.csv".into();
    harness.get_by_label("Open").click();
    harness.run();
    let error = harness
        .state()
        .dialogs
        .file
        .as_ref()
        .unwrap()
        .error()
        .unwrap()
        .to_string();
    assert!(
        error.starts_with("Open predictions: there is no file"),
        "{error}"
    );
    harness.state_mut().dialogs.file.as_mut().unwrap().name = "runs".into();
    harness.get_by_label("Open").click();
    harness.run();
    let dialog = harness.state().dialogs.file.as_ref().unwrap();
    assert_eq!(dialog.dir(), sub);
    // Only data files are listed until All files is ticked.
    assert_eq!(dialog.listed(), ["other.csv"]);
    harness.get_by_label("other.csv").click();
    harness.run();
    harness.get_by_label("Open").click();
    // The file loads in the background, with a spinner.
    harness.step();
    harness.step();
    assert!(harness.state().dialogs.file.is_none());
    assert!(step_until(&mut harness, |h| h.state().loading.is_none()
        && h.state().doc().is_some_and(|d| d.ds.source.path == other)));
    // Esc closes it.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.state().dialogs.file.is_none());
}

#[test]
fn export_shown_examples_writes_the_rows_review_shows_with_tags_and_notes() {
    let (dir, data) = sample_copy();
    let mut harness = open(&data);
    send(
        &mut harness,
        Command::ShowCell {
            truth: "yes".into(),
            pred: "left".into(),
        },
    );
    harness.key_press(Key::Num1);
    harness.run();
    let (row, shown) = {
        let ws = harness.state().doc().unwrap();
        (cursor_row(harness.state()), ws.rows.clone())
    };
    send(
        &mut harness,
        Command::SetNote(u32::try_from(row).unwrap(), "sounds like 'left'".into()),
    );
    // File → Export shown examples… opens Slicewise's own dialog here.
    send(&mut harness, Action::ExportExamples);
    harness.get_by_label("Export the shown examples (CSV or Parquet)");
    let out = dir.path().join("speech_commands-examples.csv");
    harness.get_by_label("Save").click();
    assert!(step_until(&mut harness, |h| h.state().exporting == 0 && out.exists()));
    let df = slicewise::core::load::read_raw(&out, None).unwrap();
    assert_eq!(df.height(), shown.len());
    let ws = harness.state().doc().unwrap();
    let ids: Vec<String> = df
        .column("id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap().to_string())
        .collect();
    let expected: Vec<String> = shown
        .iter()
        .map(|&r| ws.ds.ids.key(r as usize).into_owned())
        .collect();
    assert_eq!(ids, expected, "the shown rows, in the shown order");
    let i = shown.iter().position(|&r| r as usize == row).unwrap();
    let cell = |name: &str| {
        df.column(name)
            .unwrap()
            .str()
            .unwrap()
            .get(i)
            .unwrap()
            .to_string()
    };
    assert!(cell("tags").contains("mumbling"), "{}", cell("tags"));
    assert_eq!(cell("note"), "sounds like 'left'");
    assert_eq!(cell("label"), "yes");
}

/// Two runs of 300 examples: the second breaks 30 phone examples the first
/// got right and fixes the 40 laptop examples the first got wrong. The
/// second file lists the examples in reverse order.
fn two_runs(dir: &Path) -> (PathBuf, PathBuf) {
    use std::fmt::Write as _;
    let mut before = String::from("id,label,pred,device\n");
    let mut after = Vec::new();
    for i in 0..300 {
        let label = if i % 2 == 0 { "yes" } else { "no" };
        let other = if i % 2 == 0 { "no" } else { "yes" };
        let phone = i < 150;
        let wrong_before = !phone && i < 190;
        let wrong_after = phone && i < 30;
        let device = if phone { "phone" } else { "laptop" };
        let pred = if wrong_before { other } else { label };
        writeln!(before, "e{i},{label},{pred},{device}").unwrap();
        after.push(format!(
            "e{i},{label},{}\n",
            if wrong_after { other } else { label }
        ));
    }
    after.reverse();
    let before = common::write(dir, "before.csv", &before);
    let after = common::write(
        dir,
        "after.csv",
        &format!("id,label,pred\n{}", after.join("")),
    );
    (before, after)
}

#[test]
fn compare_shows_the_change_and_a_regressed_group_opens_exactly_its_broken_examples() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = two_runs(dir.path());
    let mut harness = open_comparing(&before, Some(&after));
    assert_eq!(
        harness.state().prefs.view,
        slicewise::gui::views::View::Compare
    );
    // The overall change: 260 → 270 right of 300.
    harness.get_by_label_contains("Accuracy 86.67% → 90.00%");
    harness.get_by_label_contains("fixed: 40 by the second run");
    harness.get_by_label_contains("broken: 30 by the second run");
    let report = harness
        .state()
        .views()
        .unwrap()
        .compare
        .report()
        .unwrap()
        .clone()
        .unwrap();
    let (column, groups) = &report.slices[0];
    assert_eq!(column, "device");
    let phone = groups.iter().find(|g| g.value == "phone").unwrap();
    assert!(phone.regressed, "30 broken, none fixed: a significant drop");
    assert_eq!(
        (phone.change.table.fixed, phone.change.table.broken),
        (0, 30)
    );

    // Clicking the regressed group's dumbbell reviews exactly its broken examples.
    harness.get_by_label("phone: 100.0% → 80.0%").click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.prefs.view, slicewise::gui::views::View::Review);
    let doc = app.doc().unwrap();
    let ids: Vec<String> = doc
        .rows
        .iter()
        .map(|&r| doc.ds.ids.key(r as usize).into_owned())
        .collect();
    let expected: Vec<String> = (0..30).map(|i| format!("e{i}")).collect();
    assert_eq!(ids, expected);
    // Review shows the second run's prediction beside the first's, in the
    // list's header and the inspector.
    assert_eq!(harness.query_all_by_label("after").count(), 2);
    assert_eq!(
        harness.state().doc().unwrap().filter.flip,
        Some(slicewise::core::compare::Flip::Broken),
        "Show reads 'Broken by the new run'"
    );
    // yes/no: "yes" is the positive class; FPR per group, and a click on
    // phone's reviews the negatives it now calls positive (odd rows below 30).
    harness.state_mut().prefs.view = slicewise::gui::views::View::Compare;
    harness.state_mut().views_mut().unwrap().compare.metric =
        slicewise::gui::views::CompareMetric::Fpr;
    settle(&mut harness);
    harness.get_by_label("phone: 0.0% → 20.0%").click();
    harness.run();
    let doc = harness.state().doc().unwrap();
    let ids: Vec<String> = doc
        .rows
        .iter()
        .map(|&r| doc.ds.ids.key(r as usize).into_owned())
        .collect();
    let odd: Vec<String> = (0..30)
        .filter(|i| i % 2 == 1)
        .map(|i| format!("e{i}"))
        .collect();
    assert_eq!(ids, odd);
    // Stopping the comparison drops the flip filter with it.
    harness.state_mut().send(Command::CloseCompare);
    harness.run();
    let doc = harness.state().doc().unwrap();
    assert!(doc.compare.is_none() && doc.filter.flip.is_none());
    assert!(harness.query_by_label("after").is_none());
}

#[test]
fn dropping_a_file_with_shift_held_compares_instead_of_opening() {
    let dir = tempfile::tempdir().unwrap();
    let (before, after) = two_runs(dir.path());
    let mut harness = open(&before);
    harness.event(egui::Event::ModifiersChanged(Modifiers::SHIFT));
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(after)));
    assert!(step_until(&mut harness, |h| h
        .state()
        .doc()
        .is_some_and(|d| d.compare.is_some())));
    let doc = harness.state().doc().unwrap();
    assert_eq!(doc.ds.rows(), 300, "the first run stays open");
    let compared = doc.compare.as_ref().unwrap();
    assert_eq!(compared.joined.pairs.len(), 300);
    // Fixed and broken as Review's Show offers them.
    harness.state_mut().send(Command::ShowFlips {
        flip: slicewise::core::compare::Flip::Fixed,
        slice: Vec::new(),
        tag: None,
        truth: None,
    });
    harness.run();
    assert_eq!(harness.state().doc().unwrap().rows.len(), 40);
}

#[test]
fn comparing_with_a_run_that_shares_no_example_says_so_and_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (before, _) = two_runs(dir.path());
    let other = common::write(
        dir.path(),
        "other.csv",
        "id,label,pred\nx1,yes,no\nx2,no,no\n",
    );
    let mut harness = open_comparing(&before, Some(&other));
    let app = harness.state();
    let message = &app.dialogs.error.as_ref().unwrap().message;
    assert!(message.contains("ids do not overlap"), "{message}");
    assert!(message.contains("other.csv"), "{message}");
    let doc = app.doc().unwrap();
    assert!(doc.compare.is_none());
    assert_eq!(doc.ds.rows(), 300);
    // The Compare view offers to pick another run.
    harness.state_mut().dialogs.error = None;
    harness.state_mut().prefs.view = slicewise::gui::views::View::Compare;
    harness.run();
    harness.get_by_label("Compare with another run…");
}

#[test]
fn discover_finds_slices_on_the_sample_and_the_first_becomes_a_rule_tag() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.key_press(Key::F11);
    harness.run();
    assert_eq!(
        harness.state().prefs.view,
        slicewise::gui::views::View::Discover
    );
    // Less weight on the error rate than the default (0.98): larger slices.
    harness.state_mut().views_mut().unwrap().discover.alpha = 0.95;
    harness.run();
    harness.get_by_label("Run").click();
    assert!(step_until(&mut harness, |h| h
        .state()
        .views()
        .is_some_and(|v| v.discover.result.is_some())));
    harness.run();
    let report = harness
        .state()
        .views()
        .unwrap()
        .discover
        .result
        .clone()
        .unwrap()
        .unwrap();
    // The sample's narrowband audio is its worst slice (30% errors).
    let first = &report.slices[0];
    assert_eq!(first.name, "bandwidth = narrowband");
    assert_eq!(first.size, 600);
    // Its rows are already the "low bandwidth" tag's: marked as covered, as
    // are the 552 of them on phones (Jaccard 92%); the same 600 rows with
    // noise = clean are not a row of their own, but listed under it.
    assert_eq!(harness.query_all_by_label("≈ low bandwidth").count(), 2);
    assert!(
        harness
            .query_by_label("= noise = clean & bandwidth = narrowband")
            .is_some()
    );
    let tags_before = harness.state().doc().unwrap().annotations.tags().len();
    harness
        .query_all_by_label("Rule tag")
        .next()
        .unwrap()
        .click();
    harness.run();
    let doc = harness.state_mut().doc_mut().unwrap();
    assert_eq!(doc.annotations.tags().len(), tags_before + 1);
    let row = doc
        .table()
        .iter()
        .find(|r| r.tag == "bandwidth = narrowband")
        .unwrap()
        .clone();
    assert_eq!(row.tagged, 600);
    assert_eq!(row.tagged_errors, 180);
    // Clicking a slice reviews exactly its rows.
    harness.get_by_label("accent = scottish").click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.prefs.view, slicewise::gui::views::View::Review);
    assert_eq!(app.doc().unwrap().rows.len(), 816);
}

#[test]
fn a_count_cube_opens_with_its_examples_counted_and_review_says_how_to_get_examples() {
    let dir = tempfile::tempdir().unwrap();
    let raw = common::load(&common::sample_csv());
    let by: Vec<String> = ["device", "accent"]
        .iter()
        .map(ToString::to_string)
        .collect();
    let cube = slicewise::core::cube::build(&raw, &by, None).unwrap();
    let path = dir.path().join("cube.parquet");
    cube.write(&path).unwrap();
    let mut harness = open(&path);
    harness.key_press(Key::F2);
    harness.run();
    // Overview: the examples the cube stands for, not its rows.
    harness.get_by_label("Examples");
    harness.get_by_label("10,000");
    harness.get_by_label_contains(&format!(
        "{} rows weighted by 'n'",
        slicewise::core::render::count(cube.len())
    ));
    harness.key_press(Key::F3);
    harness.run();
    harness.get_by_label("A count cube has no examples to review");
    harness.get_by_label("Copy the command").click();
    harness.run();
    let app = harness.state();
    assert_eq!(app.doc().unwrap().summary.confusion.total(), 10_000);
}

#[test]
fn file_open_folder_opens_a_folder_of_parts_as_one_dataset() {
    let (dir, data) = sample_copy();
    let folder = dir.path().join("parts");
    let rows = slicewise::core::generate::generate_run(3_000, 5, None);
    slicewise::core::generate::write_parts(
        &rows,
        &folder,
        3,
        slicewise::core::load::InputFormat::Csv,
    )
    .unwrap();
    let mut harness = open(&data);
    send(&mut harness, Action::OpenFolderDialog);
    // Type the folder's path into the built-in dialog's name field and Open.
    let name = harness
        .query_all_by_role(egui::accesskit::Role::TextInput)
        .last()
        .expect("the dialog's name field");
    name.focus();
    harness.run();
    harness
        .query_all_by_role(egui::accesskit::Role::TextInput)
        .last()
        .unwrap()
        .type_text(folder.to_str().unwrap());
    harness.run();
    harness.get_by_label("Open").click();
    assert!(step_until(&mut harness, |h| h
        .state()
        .doc()
        .is_some_and(|d| d.ds.source.path == folder)));
    assert_eq!(harness.state().doc().unwrap().ds.rows(), 3_000);
    // Dropping a folder on the window opens it too.
    let mut harness = open(&data);
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(folder.clone())));
    assert!(step_until(&mut harness, |h| h
        .state()
        .doc()
        .is_some_and(|d| d.ds.source.path == folder)));
}

/// On COMPAS by race (its counts per race, label and prediction), the
/// Slices view marks African-American defendants worse on the false
/// positive rate and Caucasian defendants on the false negative rate,
/// whichever group is the reference, and its chart opens on a rate of harm.
#[test]
fn the_slices_view_marks_compas_harms_whichever_the_reference() {
    use slicewise::core::slices::DisparityMetric::{Fnr, Fpr};
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_test_data(dir.path(), "compas_race_counts.csv");
    let mut harness = open(&data);
    harness.set_size(Vec2::new(1280.0, 800.0));
    harness.key_press(Key::F7);
    harness.run();
    for reference in [None, Some("Caucasian"), Some("African-American")] {
        {
            let views = harness.state_mut().views_mut().unwrap();
            let o = &mut views.slices.options;
            o.first = Some("race".into());
            o.positive = Some(1);
            o.reference = reference.map(ToString::to_string);
        }
        settle(&mut harness);
        let s = harness
            .state()
            .views()
            .unwrap()
            .slices
            .analysis()
            .unwrap()
            .clone()
            .unwrap();
        let row = |race: &str| s.groups.iter().position(|g| g.name() == race).unwrap();
        assert_eq!(s.flagged(row("African-American")), &[Fpr], "{reference:?}");
        assert_eq!(s.flagged(row("Caucasian")), &[Fnr], "{reference:?}");
        // The table says it in plain words.
        assert_eq!(
            harness
                .query_all_by_label_contains("worse on false positive rate")
                .count(),
            1
        );
        assert!(
            harness
                .query_all_by_label_contains("worse on false negative rate")
                .count()
                >= 1
        );
        assert!(harness.query_by_label_contains("worse: fpr").is_none());
        // The chart opens on the rate of harm that differs most between the
        // groups of at least 30: the false negative rate (67.7% − 28.0%).
        assert_eq!(s.largest_disparity(), Fnr);
        assert_eq!(harness.state().views().unwrap().slices.chart_metric, None);
    }
}

/// The app's Discover and `slicewise discover` with the same settings on the
/// same file find the same slices, described and grouped the same way; none
/// carries a predicate that holds on every row, and no two shown share
/// their rows.
#[test]
fn discover_in_the_app_and_on_the_command_line_agree() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    harness.key_press(Key::F11);
    harness.run();
    harness.get_by_label("Run").click();
    assert!(step_until(&mut harness, |h| h
        .state()
        .views()
        .is_some_and(|v| v.discover.result.is_some())));
    let app = harness
        .state()
        .views()
        .unwrap()
        .discover
        .result
        .clone()
        .unwrap()
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_slicewise"))
        .args(["discover", data.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cli = cli["slices"].as_array().unwrap();
    assert_eq!(app.slices.len(), cli.len());
    for (a, c) in app.slices.iter().zip(cli) {
        assert_eq!(a.name, c["name"].as_str().unwrap());
        assert_eq!(a.description, c["description"].as_str().unwrap());
        assert_eq!(a.size, c["size"].as_u64().unwrap());
        assert!((a.score - c["score"].as_f64().unwrap()).abs() < 1e-12);
        assert_eq!(
            a.same_rows_as,
            c["same_rows_as"]
                .as_u64()
                .map(|v| usize::try_from(v).unwrap())
        );
        assert!(
            !a.name.contains("[-4.1, 48]"),
            "a bin of every row: {}",
            a.name
        );
    }
    // The shown slices: distinct rows, no predicate that narrows nothing in
    // their descriptions.
    for &i in &app.shown() {
        let s = &app.slices[i];
        for (column, value) in &s.redundant_predicates {
            assert!(
                !s.description.contains(&format!("{column} = {value}")),
                "{}: {column} = {value} narrows nothing",
                s.description
            );
        }
    }
    // What the sample planted: narrowband audio, with noise = clean adding
    // nothing, shown once.
    let shown: Vec<&str> = app
        .shown()
        .iter()
        .map(|&i| app.slices[i].description.as_str())
        .collect();
    assert!(shown.contains(&"bandwidth = narrowband"), "{shown:?}");
    assert!(
        !shown.contains(&"noise = clean & bandwidth = narrowband"),
        "{shown:?}"
    );
}

/// The app writes a quantity as the reports do: a tag's expected lift in
/// points (as `slicewise report` prints it), shares in percent, the gap
/// between groups in points; a manual tag estimated from a handful of
/// reviewed examples carries a "few reviewed" mark and its intervals.
#[test]
fn the_app_writes_lifts_in_points_and_marks_few_reviewed_tags() {
    let (_dir, data) = sample_copy();
    let mut harness = open(&data);
    // Tag one error "mumbling" (a manual tag).
    harness.key_press(Key::F3);
    harness.run();
    harness.key_press(Key::Num1);
    harness.run();
    harness.key_press(Key::F4);
    harness.run();
    let rows = harness.state_mut().doc_mut().unwrap().table().to_vec();
    let rule = rows.iter().find(|r| r.tag == "car noise").unwrap();
    let lift =
        slicewise::core::render::tag_cell(rule, slicewise::core::priority::SortKey::ExpectedLift);
    assert!(lift.ends_with(" pt") && lift.starts_with('+'), "{lift}");
    assert!(
        harness.query_by_label(&lift).is_some(),
        "the table shows {lift}"
    );
    let mumbling = rows.iter().find(|r| r.tag == "mumbling").unwrap();
    assert!(mumbling.few_reviewed, "{mumbling:?}");
    assert!(
        harness
            .query_all_by_label(slicewise::core::render::FEW_REVIEWED_MARK)
            .count()
            >= 1
    );
    // Its share of errors (from 2 reviewed errors) is shown with its
    // interval in the cell, not as a bare "100.0%".
    let share = slicewise::core::render::tag_cell(
        mumbling,
        slicewise::core::priority::SortKey::ShareOfErrors,
    );
    let ci = slicewise::core::render::tag_cell_interval(
        mumbling,
        slicewise::core::priority::SortKey::ShareOfErrors,
    )
    .unwrap();
    assert!(
        harness.query_all_by_label(&format!("{share} {ci}")).count() >= 1,
        "{share} {ci}"
    );
}

/// The sample opened in a window of `size`.
fn open_at(path: &Path, size: Vec2) -> Harness<'static, App> {
    start(Some(path), None, size)
}

#[test]
fn at_1024_by_768_every_tab_and_every_shortcut_can_be_seen() {
    use slicewise::gui::views::View;
    let (_dir, data) = sample_copy();
    let size = Vec2::new(1024.0, 768.0);
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, size);
    let mut harness = open_at(&data, size);
    // The Review view with its inspector is the widest; its tabs wrap.
    for view in View::ALL {
        let tab = harness.get_by_label(view.label());
        assert!(
            screen.contains_rect(tab.rect()),
            "the {} tab at {:?} is off the screen",
            view.label(),
            tab.rect()
        );
        tab.click();
        // The Map view looks for map columns in the file on a worker.
        settle(&mut harness);
        assert_eq!(harness.state().prefs.view, view);
    }
    // Every view also has Ctrl+digit, which desktops leave alone.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Num3);
    harness.run();
    assert_eq!(harness.state().prefs.view, View::Prioritise);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Num0);
    harness.run();
    assert_eq!(harness.state().prefs.view, View::Discover);
    // The shortcut sheet: every action's keys on the screen, the last ones too.
    harness.key_press(Key::Questionmark);
    harness.run();
    assert!(harness.state().dialogs.shortcuts);
    let labels: Vec<String> = Action::with_shortcuts()
        .into_iter()
        .map(Action::label)
        .chain([
            "Select a range".into(),
            "Close a dialog, cancel loading".into(),
        ])
        .chain(["Ctrl+S", "Ctrl+E", "Ctrl+Shift+C", "Ctrl+Q", "?", "Esc"].map(String::from))
        .collect();
    for label in &labels {
        // Views are named by their tab and in the sheet: each one on the screen.
        let nodes: Vec<_> = harness.query_all_by_label(label).collect();
        assert!(!nodes.is_empty(), "'{label}' is not in the sheet");
        for node in nodes {
            assert!(
                screen.contains_rect(node.rect()),
                "'{label}' at {:?} is off the screen",
                node.rect()
            );
        }
    }
}

#[test]
fn the_columns_dialog_changes_the_human_label_of_an_open_file_and_is_remembered() {
    use slicewise::gui::views::View;
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("id,label,pred,rater,device\n");
    for i in 0..40 {
        let label = if i % 2 == 0 { "cat" } else { "dog" };
        let pred = if i % 5 == 0 { "dog" } else { label };
        let rater = if i % 10 == 0 { "dog" } else { label };
        writeln!(text, "{i},{label},{pred},{rater},d{}", i % 3).unwrap();
    }
    let path = common::write(dir.path(), "rated.csv", &text);
    let mut harness = open(&path);
    assert!(harness.state().doc().unwrap().ds.human.is_none());
    send(&mut harness, Action::Show(View::Labels));
    harness.get_by_label_contains("This file has no human-label column");
    // A tag made before, to see that the work survives the new reading.
    harness.key_press(Key::N);
    harness.run();
    harness.event(egui::Event::Text("blurry".into()));
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    // The view's button opens File → Columns… on the open file.
    harness.get_by_label("Columns…").click();
    settle(&mut harness);
    let dialog = harness.state_mut().dialogs.mapping.as_mut().unwrap();
    assert!(dialog.open_file);
    assert_eq!(dialog.choice.label, "label");
    assert_eq!(dialog.choice.human, None);
    dialog.choice.human = Some("rater".into());
    settle(&mut harness);
    // device is a slice column; untick it: shown with each example only.
    harness
        .get_by_role_and_label(egui::accesskit::Role::CheckBox, "device")
        .click();
    settle(&mut harness);
    assert_eq!(
        harness
            .state()
            .dialogs
            .mapping
            .as_ref()
            .unwrap()
            .choice
            .not_slices,
        ["device"]
    );
    harness.get_by_label("Apply").click();
    assert!(step_until(&mut harness, |h| {
        h.state()
            .doc()
            .is_some_and(|d| d.ds.roles.human.as_deref() == Some("rater"))
    }));
    settle(&mut harness);
    // The Labels view follows: 36 of 40 human labels agree with the truth.
    harness.get_by_label_contains("Humans agree with the true label on 90.00%");
    assert!(
        harness
            .state()
            .doc()
            .unwrap()
            .annotations
            .tag_by_name("blurry")
            .is_some()
    );
    // The choice is written to the session without any other change (the
    // autosave, 2 s later).
    let session = dir.path().join("rated.slicewise.ron");
    assert!(step_until(&mut harness, |_| {
        std::fs::read_to_string(&session).is_ok_and(|s| s.contains("\"rater\""))
    }));
    drop(harness);
    // Reopened, the session remembers the human-label column, and device
    // is no slice column but still shown.
    let harness = open(&path);
    let ds = &harness.state().doc().unwrap().ds;
    assert_eq!(ds.roles.human.as_deref(), Some("rater"));
    assert_eq!(ds.slice_columns().count(), 0);
    assert_eq!(
        ds.column("device").map(|c| c.usage),
        Some(slicewise::core::dataset::ColumnUse::Shown)
    );
}

#[test]
fn without_a_file_the_welcome_screen_unpacks_the_sample_into_the_data_folder() {
    use slicewise::gui::app::startup_sample;
    // Only `cargo run` in the checkout opens the checkout's sample; an
    // installed binary run elsewhere starts on the welcome screen.
    let elsewhere = tempfile::tempdir().unwrap();
    assert_eq!(startup_sample(elsewhere.path()), None);
    assert!(startup_sample(&common::root()).is_some());
    let data = tempfile::tempdir().unwrap();
    let mut harness = start(None, None, Vec2::new(1024.0, 768.0));
    harness.state_mut().set_data_dir(data.path().to_path_buf());
    harness.run();
    assert!(harness.state().doc().is_none());
    harness.get_by_label("Open the sample").click();
    assert!(step_until(&mut harness, |h| h.state().doc().is_some()));
    let doc = harness.state().doc().unwrap();
    let unpacked = data.path().join("sample/speech_commands.csv");
    assert_eq!(doc.ds.source.path, unpacked);
    assert_eq!(doc.ds.rows(), 10_000);
    // With the bundled session: the course's tags.
    assert!(doc.annotations.tag_by_name("car noise").is_some());
}

#[test]
fn the_labels_view_shows_the_likely_label_errors_and_review_lists_them_worst_first() {
    use slicewise::core::label_issues::{Options, for_dataset};
    use slicewise::gui::views::View;
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_test_data(dir.path(), "three_classes.csv");
    let mut harness = open(&data);
    send(&mut harness, Action::Show(View::Labels));
    settle(&mut harness);
    // cleanlab's count, as the command line prints it.
    harness.get_by_label("Likely label errors: 191");
    harness.get_by_label("Review them, worst first").click();
    assert!(step_until(&mut harness, |h| {
        h.state().prefs.view == View::Review && !h.state().doc().unwrap().is_filtering()
    }));
    settle(&mut harness);
    let doc = harness.state().doc().unwrap();
    let found = for_dataset(&doc.ds, Options::default()).unwrap();
    let listed: Vec<usize> = doc.rows.iter().map(|&r| r as usize).collect();
    assert_eq!(
        listed, found.ranked,
        "Review lists them in cleanlab's order"
    );
    assert_eq!(doc.ds.ids.key(listed[0]), "g01071");
    // The inspector says what the probabilities say of the selected label.
    let l = slicewise::core::label_issues::row_label(&doc.ds, listed[0]).unwrap();
    assert!((l.self_confidence - found.scores[listed[0]]).abs() < 1e-12);
    harness.get_by_label(&format!(
        "p(label) {}",
        slicewise::core::render::quality(l.self_confidence)
    ));
    harness.get_by_label("most probable");
}

#[test]
fn the_labels_view_says_why_it_cannot_look_for_label_errors() {
    use slicewise::gui::views::View;
    let dir = tempfile::tempdir().unwrap();
    // Class a's probabilities were written with a `nan`: read as text.
    let data = common::write(
        dir.path(),
        "p.csv",
        "id,label,pred,prob_a,prob_b,prob_c\n1,a,a,0.9,0.1,0.0\n2,b,b,nan,0.8,0.1\n3,a,c,0.4,0.1,0.5\n",
    );
    let mut harness = open(&data);
    send(&mut harness, Action::Show(View::Labels));
    settle(&mut harness);
    harness.get_by_label("Likely label errors");
    harness.get_by_label_contains("1 of 3 classes have none ('a')");
    harness.get_by_label_contains("Column 'prob_a' is named like a class's probabilities");
}

#[test]
fn the_labels_view_shows_how_much_the_annotators_agree() {
    use slicewise::gui::views::View;
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_test_data(dir.path(), "annotators_columns.csv");
    let mut harness = open(&data);
    send(&mut harness, Action::Show(View::Labels));
    settle(&mut harness);
    // The krippendorff package's alpha, and the most accurate annotator.
    harness.get_by_label("Annotators agree: alpha 0.612");
    harness.get_by_label("90.4%");
    // The per-group table is of the batch, not of an annotator column.
    harness.get_by_label("batch");
}

#[test]
fn a_cell_of_the_confident_joint_reviews_exactly_its_likely_label_errors() {
    use slicewise::core::label_issues::{Options, for_dataset};
    use slicewise::gui::views::View;
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_test_data(dir.path(), "three_classes.csv");
    let mut harness = open(&data);
    send(&mut harness, Action::Show(View::Labels));
    settle(&mut harness);
    // Given cat, likely dog: 102 in the calibrated joint.
    harness.get_by_label("102").click();
    assert!(step_until(&mut harness, |h| {
        h.state().prefs.view == View::Review && !h.state().doc().unwrap().is_filtering()
    }));
    settle(&mut harness);
    let doc = harness.state().doc().unwrap();
    let (cat, dog) = (
        doc.ds.class_code("cat").unwrap(),
        doc.ds.class_code("dog").unwrap(),
    );
    let found = for_dataset(&doc.ds, Options::default()).unwrap();
    let want: Vec<usize> = found
        .ranked
        .iter()
        .copied()
        .filter(|&r| doc.ds.label[r] == cat && found.suggested[r] == dog)
        .collect();
    let listed: Vec<usize> = doc.rows.iter().map(|&r| r as usize).collect();
    assert!(!want.is_empty());
    assert_eq!(listed, want);
    // The condition shows, and removing it lists every likely label error.
    harness.get_by_label("most probable = dog ✖").click();
    assert!(step_until(&mut harness, |h| {
        let d = h.state().doc().unwrap();
        !d.is_filtering() && d.rows.len() > want.len()
    }));
}

#[test]
fn l_tags_the_selected_example_as_a_label_error_with_a_normal_tag() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::copy_test_data(dir.path(), "three_classes.csv");
    let mut harness = open(&data);
    send(
        &mut harness,
        Command::SetFilter(ReviewFilter {
            scope: slicewise::core::filter::Scope::LabelIssues,
            ..ReviewFilter::default()
        }),
    );
    settle(&mut harness);
    let row = cursor_row(harness.state());
    harness.key_press(Key::L);
    harness.run();
    let doc = harness.state().doc().unwrap();
    let tag = doc
        .annotations
        .tag_by_name("label error")
        .expect("made on first use");
    assert!(tag.members.get(row));
    assert!(doc.table().iter().any(|r| r.tag == "label error"));
    // Again: off (a toggle, as the tag keys).
    harness.key_press(Key::L);
    harness.run();
    assert_eq!(tagged(harness.state(), "label error"), 0);
}

/// A map with a planted cluster: 2,000 rows spread over [-5, 5]², and the
/// rows of `device = car_kit & snr = low` (where the model errs most) in a
/// tight cluster around (10, 10).
fn planted_map(dir: &Path) -> (PathBuf, Vec<usize>) {
    use std::fmt::Write as _;
    let mut text = String::from("id,label,pred,device,snr,x,y\n");
    let mut planted = Vec::new();
    let mut rng = 12_345u64;
    let mut next = || {
        rng = rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (rng >> 11) as f64 / (1u64 << 53) as f64
    };
    for i in 0..2000 {
        let device = ["phone", "laptop", "car_kit"][i % 3];
        let snr = ["low", "mid", "high", "mid"][(i / 3) % 4];
        let cluster = device == "car_kit" && snr == "low";
        let (x, y) = if cluster {
            planted.push(i);
            (10.0 + next() - 0.5, 10.0 + next() - 0.5)
        } else {
            (next() * 10.0 - 5.0, next() * 10.0 - 5.0)
        };
        let wrong = next() < if cluster { 0.6 } else { 0.1 };
        let label = if i % 2 == 0 { "yes" } else { "no" };
        let pred = if wrong {
            if label == "yes" { "no" } else { "yes" }
        } else {
            label
        };
        writeln!(text, "{i},{label},{pred},{device},{snr},{x},{y}").unwrap();
    }
    (common::write(dir, "planted_map.csv", &text), planted)
}

#[test]
fn a_lasso_round_a_planted_cluster_selects_it_explains_it_and_tags_it() {
    let dir = tempfile::tempdir().unwrap();
    let (data, planted) = planted_map(dir.path());
    let mut harness = start(Some(&data), None, Vec2::new(1400.0, 900.0));
    harness
        .state()
        .send(Action::Show(slicewise::gui::views::View::Map));
    assert!(step_until(&mut harness, |h| h
        .state()
        .views()
        .unwrap()
        .map
        .coords
        .is_some()));
    settle(&mut harness);
    // Map columns are not slice columns; the map is kept beside the session.
    assert!(harness.state().doc().unwrap().ds.column("x").is_none());
    assert!(dir.path().join("planted_map.slicewise-map.bin").exists());
    harness.get_by_label("➰ Lasso").click();
    harness.run();
    // An octagon round (10, 10), drawn as a user would.
    let points: Vec<egui::Pos2> = {
        let map = &harness.state().views().unwrap().map;
        (0..=8)
            .map(|k| {
                let a = f64::from(k) * std::f64::consts::TAU / 8.0;
                map.to_screen(10.0 + 0.9 * a.cos(), 10.0 + 0.9 * a.sin())
            })
            .collect()
    };
    harness.event(egui::Event::PointerMoved(points[0]));
    harness.step();
    harness.event(egui::Event::PointerButton {
        pos: points[0],
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    harness.step();
    for p in &points[1..] {
        harness.event(egui::Event::PointerMoved(*p));
        harness.step();
    }
    harness.event(egui::Event::PointerButton {
        pos: points[8],
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    harness.run();
    let selected: Vec<usize> = {
        let map = &harness.state().views().unwrap().map;
        map.selection.as_ref().unwrap().rows.ones().collect()
    };
    assert_eq!(
        selected, planted,
        "the lasso holds exactly the planted rows"
    );
    // Explain names the planted slice first.
    harness.get_by_label("Explain").click();
    assert!(step_until(&mut harness, |h| h
        .state()
        .views()
        .unwrap()
        .map
        .explanation
        .is_some()));
    harness.run();
    {
        let map = &harness.state().views().unwrap().map;
        let found = map.explanation.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(found.slices[0].description, "device = car_kit & snr = low");
        assert!((found.slices[0].coverage - 1.0).abs() < 1e-12);
    }
    // Saved as a hand tag, and tagged with another through "Tag all".
    harness.state_mut().views_mut().unwrap().map.new_tag = "far cluster".into();
    harness.get_by_label("Save as tag").click();
    harness.run();
    assert_eq!(tagged(harness.state(), "far cluster"), planted.len() as u64);
    send(
        &mut harness,
        Command::CreateTagWithRows {
            name: "noisy".into(),
            rows: Vec::new().into(),
        },
    );
    harness.get_by_label("Tag all").click();
    harness.run();
    // The tag in the menu (the Tags panel lists it too).
    harness.get_all_by_label("noisy").last().unwrap().click();
    harness.run();
    assert_eq!(tagged(harness.state(), "noisy"), planted.len() as u64);
    // One undo takes "Tag all" back.
    send(&mut harness, Action::Undo);
    assert_eq!(tagged(harness.state(), "noisy"), 0);
    // Every colouring draws (tags follow their members; a slice column; a
    // score and label quality the file lacks are grey, not a failure).
    for colour in [
        slicewise::gui::views::MapColour::Tag("far cluster".into()),
        slicewise::gui::views::MapColour::Slice("device".into()),
        slicewise::gui::views::MapColour::TrueClass,
        slicewise::gui::views::MapColour::Predicted,
        slicewise::gui::views::MapColour::Score,
        slicewise::gui::views::MapColour::LabelQuality,
    ] {
        harness.state_mut().views_mut().unwrap().map.colour = colour;
        harness.run();
    }
    assert!(harness.query_by_label("far cluster").is_some());
    // A box round the cluster selects the same rows.
    harness.get_by_label("▭ Box").click();
    harness.run();
    let (from, to) = {
        let map = &harness.state().views().unwrap().map;
        (map.to_screen(9.3, 10.7), map.to_screen(10.7, 9.3))
    };
    harness.event(egui::Event::PointerMoved(from));
    harness.step();
    harness.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    harness.step();
    for t in [0.3f32, 0.7, 1.0] {
        harness.event(egui::Event::PointerMoved(from + (to - from) * t));
        harness.step();
    }
    harness.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    harness.run();
    let boxed: Vec<usize> = harness
        .state()
        .views()
        .unwrap()
        .map
        .selection
        .as_ref()
        .unwrap()
        .rows
        .ones()
        .collect();
    assert_eq!(boxed, planted, "the box holds exactly the planted rows");
    // Review shows exactly the selection.
    harness.get_by_label("Review selection").click();
    harness.run();
    let doc = harness.state().doc().unwrap();
    let rows: Vec<usize> = doc.rows.iter().map(|&r| r as usize).collect();
    assert_eq!(rows, planted);
    assert_eq!(
        harness.state().prefs.view,
        slicewise::gui::views::View::Review
    );
}
