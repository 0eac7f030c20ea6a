//! The bundled sample, shipped inside the binary: an installed Slicewise
//! unpacks it into the user's data folder when asked ("Open the sample"),
//! so it never needs, nor writes into, the source tree it was built in.

use std::io;
use std::path::{Path, PathBuf};

/// The sample's predictions (10,000 generated keyword-spotting examples).
const CSV: &str = include_str!("../../sample_data/speech_commands.csv");
/// Its session: the course's tags, some reviewed examples.
const SESSION: &str = include_str!("../../sample_data/speech_commands.slicewise.ron");

/// The sample's file name.
pub const FILE_NAME: &str = "speech_commands.csv";

/// Unpacks the sample into `data_dir/sample/` and returns the path of its
/// predictions file. Files already there are kept as they are: the sample's
/// session may hold the user's tags by now.
///
/// # Errors
/// When the folder or a file cannot be written.
pub fn unpack(data_dir: &Path) -> io::Result<PathBuf> {
    let dir = data_dir.join("sample");
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join(FILE_NAME);
    let session = dir.join("speech_commands.slicewise.ron");
    if !csv.exists() {
        super::files::write(&csv, CSV.as_bytes(), false)?;
        // A session left from an earlier sample would not match these rows'
        // fingerprint; only a fresh sample gets the bundled one.
        if !session.exists() {
            super::files::write(&session, SESSION.as_bytes(), false)?;
        }
    }
    Ok(csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_unpacks_once_and_keeps_the_users_session() {
        let dir = tempfile::tempdir().unwrap();
        let csv = unpack(dir.path()).unwrap();
        assert_eq!(std::fs::read_to_string(&csv).unwrap(), CSV);
        let session = dir.path().join("sample/speech_commands.slicewise.ron");
        assert_eq!(std::fs::read_to_string(&session).unwrap(), SESSION);
        std::fs::write(&session, "the user's work").unwrap();
        assert_eq!(unpack(dir.path()).unwrap(), csv);
        assert_eq!(
            std::fs::read_to_string(&session).unwrap(),
            "the user's work"
        );
    }
}
