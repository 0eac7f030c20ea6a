//! `slicewise generate`: synthetic predictions (one file or parts), with the
//! course's session when asked, never over a session that holds hand work.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use clap::Args;

use super::{EXIT_USAGE, Failure, output_err, parse_format, parse_rows};
use crate::core::generate;
use crate::core::load::{self, InputFormat};
use crate::core::render;

/// Arguments of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of rows.
    #[arg(long, value_name = "N", value_parser = parse_rows)]
    pub rows: usize,
    /// Output file; .csv, .parquet or .ndjson.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Another model's run on the same examples: the same rows, with the
    /// errors drawn again for this seed (for `compare`).
    #[arg(long, value_name = "SEED")]
    pub model_seed: Option<u64>,
    /// Also write the course example's session (rule tags and HLP) for the file.
    /// A session that holds hand work (tagged, reviewed or noted examples),
    /// or whose backup does, is not replaced without --replace-session.
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
    /// Replace a --session file even when it (or its .bak) holds hand work;
    /// its previous version is kept as FILE.bak.
    #[arg(long, requires = "session")]
    pub replace_session: bool,
    /// Write a folder of N parts (part-00001.parquet, ...) instead of one
    /// file: --out names the folder; ids are unique across parts.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub parts: Option<u64>,
    /// Format of the parts (csv, parquet, ndjson); default parquet.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format, requires = "parts")]
    pub part_format: Option<InputFormat>,
}

/// The rows to write, drawn (a spinner meanwhile), and a bar counting them
/// as they are written.
fn drawn(args: &GenerateArgs) -> (generate::Generated, super::Progress) {
    let drawing = super::Progress::spinner("drawing the rows");
    let rows = generate::Generated::new(args.rows, args.seed, args.model_seed);
    drop(drawing);
    let written = Arc::new(AtomicU64::new(0));
    let progress = super::Progress::count("writing", "rows", written.clone(), args.rows as u64);
    (rows.counting(written), progress)
}

pub(super) fn run_generate(args: &GenerateArgs) -> Result<(), Failure> {
    if let Some(parts) = args.parts {
        if args.session.is_some() {
            return Err(Failure {
                code: EXIT_USAGE,
                error: anyhow::anyhow!(
                    "--session writes a session for one file; leave it out with --parts"
                ),
            });
        }
        let (rows, progress) = drawn(args);
        let format = args.part_format.unwrap_or(InputFormat::Parquet);
        let files = generate::write_parts(
            &rows,
            &args.out,
            usize::try_from(parts).unwrap_or(usize::MAX),
            format,
        );
        drop(progress);
        let files = files.map_err(output_err)?;
        say!(
            "wrote {} rows in {} parts to {}",
            render::count(args.rows as u64),
            files.len(),
            args.out.display()
        );
        return Ok(());
    }
    if InputFormat::from_path(&args.out).is_none() {
        return Err(Failure {
            code: EXIT_USAGE,
            error: anyhow::anyhow!(
                "Cannot tell the format to write from '{}': name the file .csv, .parquet or .ndjson",
                args.out.display()
            ),
        });
    }
    if let Some(session_path) = &args.session
        && !args.replace_session
    {
        check_session_replaceable(session_path)?;
    }
    if let Some(session_path) = &args.session
        && load::parts::output_conflict(&args.out, &[session_path]).is_some()
    {
        return Err(Failure {
            code: EXIT_USAGE,
            error: anyhow::anyhow!(
                "--out and --session name the same file; give the session its own name: {}",
                session_path.display()
            ),
        });
    }
    let (rows, progress) = drawn(args);
    let written = generate::write_file(&rows, &args.out);
    drop(progress);
    written.map_err(output_err)?;
    if let Some(session_path) = &args.session {
        let source = crate::core::dataset::SourceInfo {
            path: args.out.clone(),
            size: std::fs::metadata(&args.out).map_err(output_err)?.len(),
            fingerprint: load::fingerprint(&args.out).map_err(output_err)?,
        };
        let mut session = generate::course_session();
        session.data = crate::core::session::DataRef::of(&source);
        session.key = crate::core::session::Key::Column("id".into());
        // Replacing a session with hand work was refused above unless asked
        // for; the previous version is kept as .bak.
        crate::core::session_file::SessionFile::new(session_path.clone(), None)
            .replace(session)
            .map_err(output_err)?;
    }
    say!(
        "wrote {} rows to {}",
        render::count(args.rows as u64),
        args.out.display()
    );
    Ok(())
}

/// Refuses to replace a session that holds hand work, or whose backup
/// does (replacing the session again would replace that backup), or that
/// cannot be read to tell.
fn check_session_replaceable(path: &Path) -> Result<(), Failure> {
    use crate::core::session::{Session, backup_path};
    let refuse = |what: String, file: &Path| Failure {
        code: EXIT_USAGE,
        error: anyhow::anyhow!(
            "--session would replace {what}. Give another --session file, or add --replace-session to replace it (the current file is then kept as .bak): {}",
            file.display()
        ),
    };
    for (file, label) in [
        (path.to_path_buf(), "a session"),
        (backup_path(path), "the backup of a session"),
    ] {
        // The backup is replaced only when the session exists.
        if !file.exists() || !path.exists() {
            continue;
        }
        match Session::read(&file) {
            Ok(session) => {
                let work = session.hand_work();
                if !work.is_empty() {
                    return Err(refuse(
                        format!("{label} that holds hand work ({work})"),
                        &file,
                    ));
                }
            }
            Err(e) => {
                return Err(refuse(
                    format!("{label} that cannot be read to check for hand work ({e})"),
                    &file,
                ));
            }
        }
    }
    Ok(())
}
