//! The `slicewise` binary: the desktop app, or a headless subcommand.

use std::process::ExitCode;

use clap::Parser;
use slicewise::cli::{self, Cli, Command};

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(Command::Open { file, columns }) => open(file, &columns),
        Some(command) => match cli::run(&command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => cli::report_failure(&failure),
        },
        None => open(args.file, &cli::ColumnArgs::default()),
    }
}

fn open(_file: Option<std::path::PathBuf>, _columns: &cli::ColumnArgs) -> ExitCode {
    eprintln!("error: the desktop app is not built yet");
    ExitCode::from(cli::EXIT_USAGE)
}
