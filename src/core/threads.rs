//! How many threads the engine works on: `--threads N`, else the
//! `SLICEWISE_THREADS` environment variable, else every core. One setting
//! for both pools the engine uses: rayon's global pool (encoding, discover,
//! sorting scores, per-group counting) and polars' own (decoding Parquet
//! and CSV). Set once, at the start of the process, before any work.

/// The environment variable that sets the number of threads when no flag does.
pub const ENV: &str = "SLICEWISE_THREADS";

/// The cores this machine offers the process (1 when it cannot be told).
#[must_use]
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// The number of threads to use: `flag`, else [`ENV`] when it holds a
/// positive number, else `default`.
#[must_use]
pub fn choose(flag: Option<usize>, default: usize) -> usize {
    flag.or_else(|| {
        std::env::var(ENV)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
    })
    .filter(|&n| n > 0)
    .unwrap_or(default)
    .max(1)
}

/// Sets both pools to `n` threads. Call it first thing in `main`, before any
/// thread starts: polars reads its setting once, when its pool is first
/// used, and rayon's global pool can be built only once (a second call
/// leaves the first setting).
#[allow(unsafe_code)] // Setting an environment variable; see SAFETY.
pub fn configure(n: usize) {
    let n = n.max(1);
    // SAFETY: called at the start of `main`, before the process starts any
    // other thread, so nothing reads the environment concurrently.
    unsafe {
        std::env::set_var("POLARS_MAX_THREADS", n.to_string());
    }
    // An error means the pool was built already (a test harness, a second
    // call): that pool stays, which changes speed only, never a result.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("slicewise-worker-{i}"))
        .build_global();
}

/// The C allocator's thresholds (glibc on Linux), set once at the start of
/// the process. By default glibc hands large freed blocks back to the
/// system at once (a block over a threshold that grows to at most 32 MiB is
/// mapped alone, and a heap's free top is trimmed past twice that), so each
/// batch of a streaming load, whose decoded columns take 8 to 16 MB each,
/// was faulted in and zeroed afresh. Blocks up to 32 MiB now come from the
/// heaps, and a heap keeps up to 128 MiB of freed memory for the next batch:
/// on 10M rows of Parquet, 272,000 → 192,000 page faults, kernel time
/// 0.50 → 0.38 s. Elsewhere (another C library, another system) nothing is
/// changed.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)] // A call into the C library; see SAFETY.
    // SAFETY: `mallopt` only sets two of the allocator's numbers (under its
    // own lock); both values are in the range glibc accepts for them.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_wins_and_zero_means_the_default() {
        assert_eq!(choose(Some(3), 8), 3);
        assert_eq!(choose(Some(0), 8), 8);
        assert!(available() >= 1);
    }
}
