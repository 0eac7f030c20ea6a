//! A content fingerprint that ties a session to its data file.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// FNV-1a 64-bit over `bytes`, continuing from `hash`. Kept by hand because
/// session files store its output: it must never change.
fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The FNV-1a offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// The fingerprint of a folder of parts: of every part's name (relative to
/// the folder) and fingerprint, in order.
///
/// # Errors
/// When a part cannot be read.
pub fn of_folder(dir: &Path) -> std::io::Result<String> {
    let parts = super::parts::list(dir).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut hash = FNV_OFFSET;
    for part in parts {
        let name = part.path.strip_prefix(dir).unwrap_or(&part.path);
        hash = fnv1a(hash, name.to_string_lossy().as_bytes());
        hash = fnv1a(hash, fingerprint(&part.path)?.as_bytes());
    }
    Ok(format!("fnv1a64-parts:{hash:016x}"))
}

/// A content fingerprint of a file that costs the same for 1 KB and 1 GB:
/// FNV-1a over the size and up to 1 MiB each from the start, middle and end.
///
/// # Errors
/// When the file cannot be read.
pub fn fingerprint(path: &Path) -> std::io::Result<String> {
    use std::io::{Seek, SeekFrom};
    const BLOCK: u64 = 1 << 20;
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut hash = fnv1a(FNV_OFFSET, &size.to_le_bytes());
    let mut buf = Vec::with_capacity(usize::try_from(BLOCK).unwrap_or(1 << 20));
    let starts = if size <= 3 * BLOCK {
        vec![0]
    } else {
        vec![0, size / 2 - BLOCK / 2, size - BLOCK]
    };
    for start in starts {
        file.seek(SeekFrom::Start(start))?;
        buf.clear();
        (&mut file)
            .take(if size <= 3 * BLOCK { size } else { BLOCK })
            .read_to_end(&mut buf)?;
        hash = fnv1a(hash, &buf);
    }
    Ok(format!("fnv1a64:{hash:016x}"))
}
