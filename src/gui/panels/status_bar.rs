//! The status bar: a load in progress, background work, the file with its
//! save state, the last message and the frame time.

use std::time::{Duration, Instant};

use egui::{Align, Layout, Panel, RichText, Ui};

use crate::core::render::count;
use crate::gui::actions::Action;
use crate::gui::commands::CommandSender;
use crate::gui::document::Document;
use crate::gui::jobs::Loading;
use crate::gui::theme;

/// A short message in the status bar.
pub struct Status {
    /// The text.
    pub text: String,
    /// Whether it reports a problem.
    pub is_error: bool,
    /// When it was set.
    pub at: Instant,
}

/// How long a message stays.
const SHOWN_FOR: Duration = Duration::from_secs(12);

/// What the status bar shows.
pub struct StatusState<'a> {
    /// A load in progress.
    pub loading: Option<&'a Loading>,
    /// Whether exports are being written.
    pub exporting: bool,
    /// What a view's worker is computing.
    pub busy: Option<&'static str>,
    /// The second run being loaded to compare with, if any.
    pub comparing: Option<&'a std::path::Path>,
    /// The open file.
    pub doc: Option<&'a Document>,
    /// The last message.
    pub status: Option<&'a Status>,
    /// Duration of the last `ui()`.
    pub frame_time: Duration,
}

/// Draws the status bar.
pub fn ui(ui: &mut Ui, state: &StatusState<'_>, commands: &CommandSender) {
    Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            if let Some(job) = state.loading {
                ui.spinner();
                let size = count(job.size / 1_000_000);
                // Every part read: the columns are being grouped.
                let phase = if job.fraction() == Some(1.0) {
                    "Grouping the columns of"
                } else {
                    job.phase()
                };
                let rows = match job.rows_read() {
                    0 => String::new(),
                    n => format!(", {} rows", count(n)),
                };
                ui.label(format!(
                    "{} {} ({size} MB{rows}), {:.1} s",
                    phase,
                    job.path
                        .file_name()
                        .map_or_else(String::new, |f| f.to_string_lossy().into_owned()),
                    job.job.elapsed().as_secs_f32()
                ));
                // Determinate while the data is read (a CSV file by blocks,
                // Parquet by row groups, a folder by parts); moving while
                // an NDJSON file is read or the columns are grouped.
                ui.add(match job.fraction() {
                    Some(f) if f < 1.0 => egui::ProgressBar::new(f)
                        .show_percentage()
                        .desired_width(120.0),
                    _ => egui::ProgressBar::new(0.0)
                        .animate(true)
                        .desired_width(120.0),
                });
                if ui
                    .button("Cancel")
                    .on_hover_text(Action::Escape.tooltip())
                    .clicked()
                {
                    commands.send(Action::Escape);
                }
                ui.separator();
            }
            if state.exporting {
                ui.spinner();
                ui.label("Exporting…");
                ui.separator();
            }
            if let Some(path) = state.comparing {
                ui.spinner();
                ui.label(format!(
                    "Loading the second run {}…",
                    path.file_name()
                        .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
                ));
                if ui
                    .small_button("Cancel")
                    .on_hover_text(Action::Escape.tooltip())
                    .clicked()
                {
                    commands.send(Action::Escape);
                }
                ui.separator();
            }
            if let Some(what) = state.busy {
                ui.spinner();
                ui.label(format!("Computing {what}…"));
                ui.separator();
            }
            if let Some(doc) = state.doc {
                ui.label(RichText::new(doc.file_name()).strong());
                let ds = &doc.ds;
                ui.label(if ds.weights.is_some() {
                    format!(
                        "{} examples in {} weighted rows · {} errors",
                        count(ds.total()),
                        count(ds.rows()),
                        count(ds.error_total())
                    )
                } else {
                    format!(
                        "{} rows · {} errors",
                        count(ds.rows()),
                        count(doc.ds.errors())
                    )
                });
                ui.separator();
                if let Some(e) = &doc.save_error {
                    ui.colored_label(theme::RED, "Not saved").on_hover_text(e);
                } else if doc.unsaved() {
                    ui.label("• Unsaved changes")
                        .on_hover_text("Saved automatically within 2 seconds");
                } else {
                    ui.label("Saved")
                        .on_hover_text(doc.session_path().display().to_string());
                }
            }
            if let Some(status) = state.status
                && status.at.elapsed() < SHOWN_FOR
            {
                ui.separator();
                if status.is_error {
                    ui.colored_label(theme::RED, &status.text);
                } else {
                    ui.label(&status.text);
                }
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                ui.label(
                    RichText::new(format!(
                        "frame {:.1} ms",
                        state.frame_time.as_secs_f32() * 1000.0
                    ))
                    .weak()
                    .small(),
                );
            });
        });
    });
}
