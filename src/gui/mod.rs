//! The desktop app (eframe/egui). Draws what `core` computes and sends
//! commands; never computes statistics itself. See ARCHITECTURE.md for the
//! layout.

pub mod actions;
pub mod app;
pub mod commands;
pub mod context;
pub mod dialogs;
pub mod document;
pub mod error;
pub mod images;
pub mod jobs;
pub mod panels;
pub mod tabs;
pub mod theme;
pub mod views;
pub mod widgets;

use std::process::ExitCode;

pub use app::{App, Startup};

/// Opens the desktop app and runs it until the window closes.
#[must_use]
pub fn run(startup: Startup) -> ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Slicewise")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Slicewise",
        options,
        Box::new(move |cc| Ok(Box::new(App::new(cc, startup)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "error: cannot open the window ({e}). On a machine without a display, use the headless commands: slicewise report FILE"
            );
            ExitCode::FAILURE
        }
    }
}
