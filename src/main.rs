//! The `slicewise` binary: the desktop app, or a headless subcommand.

use std::process::ExitCode;

use clap::Parser;
use slicewise::cli::{self, Cli, Command};

fn main() -> ExitCode {
    // Before any thread starts: one arena that keeps a batch's freed memory.
    slicewise::core::memory::tune();
    let args = Cli::parse();
    // Before any work: both thread pools read their size once.
    let all = slicewise::core::threads::available();
    let default = if matches!(args.command, None | Some(Command::Open { .. })) {
        // The desktop app keeps a core for drawing.
        all.saturating_sub(1).max(1)
    } else {
        all
    };
    slicewise::core::threads::configure(slicewise::core::threads::choose(args.threads, default));
    match args.command {
        Some(Command::Open {
            file,
            compare,
            columns,
        }) => open(file, compare, &columns),
        Some(command) => match cli::run(&command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => cli::report_failure(&failure),
        },
        None => open(args.file, None, &cli::ColumnArgs::default()),
    }
}

#[cfg(feature = "gui")]
fn open(
    file: Option<std::path::PathBuf>,
    compare: Option<std::path::PathBuf>,
    columns: &cli::ColumnArgs,
) -> ExitCode {
    // No file named: the checkout's sample when run in the checkout
    // (`cargo run --release`), else the welcome screen.
    let file = file.or_else(|| {
        std::env::current_dir()
            .ok()
            .and_then(|d| slicewise::gui::app::startup_sample(&d))
    });
    slicewise::gui::run(slicewise::gui::Startup {
        file,
        compare,
        options: columns.load_options(),
        blocking: false,
        builtin_dialogs: std::env::var("SLICEWISE_FILE_DIALOG").is_ok_and(|v| v == "builtin"),
    })
}

#[cfg(not(feature = "gui"))]
fn open(
    _file: Option<std::path::PathBuf>,
    _compare: Option<std::path::PathBuf>,
    _columns: &cli::ColumnArgs,
) -> ExitCode {
    eprintln!(
        "error: this build of Slicewise has no desktop app (built without the `gui` feature); use the headless commands: slicewise report FILE"
    );
    ExitCode::from(cli::EXIT_USAGE)
}
