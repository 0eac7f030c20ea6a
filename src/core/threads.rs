//! How many threads the engine works on: `--threads N`, else the
//! `SLICEWISE_THREADS` environment variable, else every core. One setting
//! for the pools the engine uses: rayon's global pool (encoding, discover,
//! sorting scores, per-group counting), polars' own (decoding Parquet and
//! CSV) and the reading pool (Parquet pages read as codes). Set once, at
//! the start of the process, before any work.

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
    CONFIGURED.store(n, std::sync::atomic::Ordering::Relaxed);
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

/// The threads [`configure`] set (0: not set, every core).
static CONFIGURED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The pool the reading thread works on (Parquet pages read as codes), of
/// the threads [`configure`] set; `None` when it cannot be started
/// (the work then runs in the global pool). Reading on the global pool
/// waited behind the encoding of the batch before, which runs there: at 2
/// threads that made the load 10% slower, where polars' decoding, on its
/// own pool, never waits.
pub fn reading_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(
                match CONFIGURED.load(std::sync::atomic::Ordering::Relaxed) {
                    0 => available(),
                    n => n,
                },
            )
            .thread_name(|i| format!("slicewise-read-{i}"))
            .build()
            .ok()
    })
    .as_ref()
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
