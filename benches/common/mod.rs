//! What the criterion benches share.

/// The row counts to run at: `SLICEWISE_BENCH_ROWS`, comma-separated
/// (default 10,000,000).
pub fn sizes() -> Vec<usize> {
    std::env::var("SLICEWISE_BENCH_ROWS")
        .unwrap_or_else(|_| "10000000".into())
        .split(',')
        .filter_map(|r| r.trim().replace('_', "").parse().ok())
        .collect()
}
