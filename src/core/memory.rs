//! How the process takes memory from the C allocator (glibc's malloc on
//! Linux). Set once, first thing in `main`, like [`super::threads`].
//!
//! A load frees and takes again the same large buffers batch after batch:
//! polars' decoded columns (16 bytes a text value: 16 MB a column for a
//! batch of 2^20 rows) and the pieces the encoder makes of them. With
//! glibc's defaults each thread gets an arena of its own, whose emptied
//! heaps go back to the kernel, and every buffer freed on one thread and
//! taken on another was fresh memory: the kernel zeroed its pages anew,
//! one fault a page, a fifth of a Parquet report's processor time. One
//! arena that keeps its freed memory serves the next batch from the last
//! one's pages. The cost: columns kept as read (probabilities) can sit
//! between a batch's freed buffers, about a batch more at the peak
//! (`label-issues` on 2M rows of 10 classes: 328 → about 420 MB; on 8M
//! rows the peak is lower than without the setting, 1,160 → 1,019 MB).

/// glibc's own variable for its malloc settings; when it names any, the
/// user chose them and [`tune`] leaves them.
pub const GLIBC_TUNABLES: &str = "GLIBC_TUNABLES";

/// Buffers below this size come from the arena and are reused; larger ones
/// (a compact column of a hundred million rows) are mapped on their own and
/// grow without copying. 32 MiB is the largest glibc accepts.
pub const MMAP_THRESHOLD: usize = 32 << 20;

/// Freed memory at the top of the arena is kept up to this much before it
/// goes back to the kernel.
pub const TRIM_THRESHOLD: usize = 256 << 20;

/// Whether [`tune`] sets the allocator, given the environment's
/// [`GLIBC_TUNABLES`]: not when they name a malloc setting.
#[must_use]
pub fn ours_to_set(tunables: Option<&str>) -> bool {
    !tunables.is_some_and(|t| t.contains("glibc.malloc."))
}

/// Sets glibc's malloc to one arena that keeps up to [`TRIM_THRESHOLD`] of
/// freed memory, buffers up to [`MMAP_THRESHOLD`] taken from it. Nothing
/// is set on other systems or C libraries, when [`GLIBC_TUNABLES`] names a
/// malloc setting, or when glibc refuses the threshold (a fixed trim
/// threshold alone would map every buffer above 128 KiB on its own).
///
/// Call it first thing in `main`, before any thread starts; results never
/// depend on it, only speed and memory.
#[allow(unsafe_code)] // Calls into the C library; see SAFETY.
pub fn tune() {
    if !ours_to_set(std::env::var(GLIBC_TUNABLES).ok().as_deref()) {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let as_int = |n: usize| libc::c_int::try_from(n).unwrap_or(libc::c_int::MAX);
        // SAFETY: `mallopt` only changes malloc's parameters, under its own
        // lock; it takes plain integers and touches no memory of ours.
        unsafe {
            if libc::mallopt(libc::M_MMAP_THRESHOLD, as_int(MMAP_THRESHOLD)) != 1 {
                return;
            }
            libc::mallopt(libc::M_TRIM_THRESHOLD, as_int(TRIM_THRESHOLD));
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malloc_setting_of_the_users_wins() {
        assert!(ours_to_set(None));
        assert!(ours_to_set(Some("glibc.rtld.nns=4")));
        assert!(!ours_to_set(Some("glibc.malloc.arena_max=8")));
        assert!(!ours_to_set(Some(
            "glibc.rtld.nns=4:glibc.malloc.trim_threshold=0"
        )));
    }
}
