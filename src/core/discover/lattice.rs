//! The SliceLine search: the lattice of slices level by level on row
//! bitmaps, each level's candidates joined from pairs of the last level's
//! slices, pruned by size and by the score's upper bound, with the top K kept.

use std::cmp::Ordering;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{DiscoverError, DiscoverOptions, Discovery, Errors, Feature, Found, LevelStats};

/// A slice of the lattice: its predicates as one-hot column indices
/// (ascending, at most one per feature) and its statistics.
#[derive(Debug, Clone)]
struct Slice {
    cols: Vec<u32>,
    size: f64,
    errors: f64,
    max_error: f64,
    score: f64,
}

struct Lattice<'a> {
    features: &'a [Feature],
    /// The feature of each one-hot column.
    feature_of: Vec<usize>,
    /// The first one-hot column of each feature.
    offset: Vec<u32>,
    n: usize,
    n_cols: usize,
    alpha: f64,
    avg: f64,
    min_sup: f64,
    k: usize,
}

impl<'a> Lattice<'a> {
    /// The one-hot layout of `features` and the search's constants.
    #[allow(clippy::cast_precision_loss)]
    fn new(
        features: &'a [Feature],
        errors: &Errors,
        rows: usize,
        opts: &DiscoverOptions,
        min_support: u64,
    ) -> Self {
        let mut offset = Vec::with_capacity(features.len());
        let mut feature_of = Vec::new();
        for (f, feature) in features.iter().enumerate() {
            offset.push(u32::try_from(feature_of.len()).unwrap_or(u32::MAX));
            feature_of.extend(std::iter::repeat_n(f, feature.values.len()));
        }
        Self {
            features,
            n_cols: feature_of.len(),
            feature_of,
            offset,
            n: rows,
            alpha: opts.alpha,
            avg: if rows == 0 {
                0.0
            } else {
                errors.sum() / rows as f64
            },
            min_sup: min_support as f64,
            k: opts.k,
        }
    }

    #[allow(clippy::cast_precision_loss)]
    fn score(&self, size: f64, errors: f64) -> f64 {
        if size <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let s = self.alpha * ((errors / size) / self.avg - 1.0)
            - (1.0 - self.alpha) * (self.n as f64 / size - 1.0);
        if s.is_nan() { f64::NEG_INFINITY } else { s }
    }

    /// The package's upper bound of the score of a candidate and every slice
    /// below it, from bounds on its size, error sum and maximum error.
    #[allow(clippy::cast_precision_loss)]
    fn score_ub(&self, size: f64, errors: f64, max_error: f64) -> f64 {
        let (a, m) = (self.alpha, self.min_sup);
        let ncol = self.n_cols as f64;
        let mid = if max_error > 0.0 {
            (errors / max_error).max(m)
        } else {
            m
        };
        [m, mid, size]
            .into_iter()
            .filter(|&p| p > 0.0)
            .map(|p| {
                (a * ((p * max_error).min(errors) / self.avg - p) - (1.0 - a) * (ncol - p)) / p
            })
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// The package's id order: feature by feature, absent before present,
    /// then by value.
    fn id_key(&self, cols: &[u32]) -> Vec<u32> {
        let mut key = vec![0u32; self.features.len()];
        for &c in cols {
            let f = self.feature_of[c as usize];
            key[f] = c - self.offset[f] + 1;
        }
        key
    }
}

/// The order of the package's top K: score descending, then the one-hot
/// vectors compared as 0/1 sequences.
fn top_order(a: &Slice, b: &Slice) -> Ordering {
    b.score.total_cmp(&a.score).then_with(|| {
        for (x, y) in a.cols.iter().zip(&b.cols) {
            if x != y {
                // The one with the smaller column has a 1 where the other has 0.
                return y.cmp(x);
            }
        }
        a.cols.len().cmp(&b.cols.len())
    })
}

/// Adds `new` slices to the top K: those with enough support and a
/// positive score compete; all slices tied at the K-th score stay.
fn maintain_top_k(top: &mut Vec<Slice>, new: &[Slice], lattice: &Lattice<'_>) {
    let valid: Vec<&Slice> = new
        .iter()
        .filter(|s| s.size >= lattice.min_sup && s.score > 0.0)
        .collect();
    if valid.is_empty() {
        return;
    }
    top.extend(valid.into_iter().cloned());
    let mut scores: Vec<f64> = top.iter().map(|s| s.score).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    // rank "min" of -score ≤ k: fewer than k slices score strictly higher.
    let k = lattice.k;
    top.retain(|s| scores.iter().take_while(|&&x| x > s.score).count() < k);
    top.sort_by(top_order);
}

/// Row bitmaps of one-hot columns, built on demand.
struct Bitmaps {
    words: usize,
    maps: FxHashMap<u32, Vec<u64>>,
}

impl Bitmaps {
    fn build(lattice: &Lattice<'_>, cols: &[u32]) -> Self {
        let words = lattice.n.div_ceil(64);
        let wanted: rustc_hash::FxHashSet<u32> = cols.iter().copied().collect();
        // Each column's values' bitmaps made side by side.
        let per_feature: Vec<Vec<(u32, Vec<u64>)>> = lattice
            .features
            .par_iter()
            .enumerate()
            .map(|(f, feature)| {
                // The bitmap of each value still wanted, by value.
                let mut own: Vec<Option<Vec<u64>>> = (0..feature.values.len())
                    .map(|v| {
                        let col = lattice.offset[f] + u32::try_from(v).unwrap_or(u32::MAX);
                        wanted.contains(&col).then(|| vec![0u64; words])
                    })
                    .collect();
                if own.iter().any(Option::is_some) {
                    for (r, &code) in feature.codes.iter().enumerate() {
                        if let Some(Some(map)) = own.get_mut(code as usize) {
                            map[r / 64] |= 1 << (r % 64);
                        }
                    }
                }
                own.into_iter()
                    .enumerate()
                    .filter_map(|(v, map)| Some((lattice.offset[f] + u32::try_from(v).ok()?, map?)))
                    .collect()
            })
            .collect();
        let maps: FxHashMap<u32, Vec<u64>> = per_feature.into_iter().flatten().collect();
        Self { words, maps }
    }

    /// Size, error sum and maximum error of the rows in all of `cols`.
    #[allow(clippy::cast_precision_loss)]
    fn eval(&self, cols: &[u32], errors: &Errors) -> (f64, f64, f64) {
        let maps: Vec<&Vec<u64>> = cols.iter().filter_map(|c| self.maps.get(c)).collect();
        let (mut size, mut err_count, mut sum, mut max) = (0u64, 0u64, 0.0f64, 0.0f64);
        for w in 0..self.words {
            let mut word = u64::MAX;
            for m in &maps {
                word &= m[w];
            }
            if word == 0 {
                continue;
            }
            size += u64::from(word.count_ones());
            match errors {
                Errors::Binary(bits) => err_count += u64::from((word & bits[w]).count_ones()),
                Errors::Continuous(v) => {
                    let mut rest = word;
                    while rest != 0 {
                        let r = w * 64 + rest.trailing_zeros() as usize;
                        rest &= rest - 1;
                        sum += v[r];
                        max = max.max(v[r]);
                    }
                }
            }
        }
        match errors {
            Errors::Binary(_) => (
                size as f64,
                err_count as f64,
                if err_count > 0 { 1.0 } else { 0.0 },
            ),
            Errors::Continuous(_) => (size as f64, sum, max),
        }
    }
}

/// The most parent pairs one level may join (8 bytes each): beyond it the
/// search would not fit in memory, and the minimum support is too low for
/// the data.
const MAX_PAIRS: usize = 50_000_000;

/// The most memory the row bitmaps may take (one bit per row per value).
const BITMAP_BUDGET: u64 = 2 << 30;

/// Size, error sum and maximum error of every single value.
#[allow(clippy::cast_precision_loss)]
fn singles(lattice: &Lattice<'_>, errors: &Errors) -> Vec<Slice> {
    // Each column counted on its own, side by side (its sums in row order,
    // as one pass over all columns adds them).
    let per_feature: Vec<(Vec<u64>, Vec<f64>, Vec<f64>)> = lattice
        .features
        .par_iter()
        .map(|feature| {
            let values = feature.values.len();
            let (mut size, mut err, mut max) = (
                vec![0u64; values],
                vec![0.0f64; values],
                vec![0.0f64; values],
            );
            for (r, &code) in feature.codes.iter().enumerate() {
                let c = code as usize;
                size[c] += 1;
                let e = match errors {
                    Errors::Binary(bits) => {
                        if bits[r / 64] >> (r % 64) & 1 == 1 {
                            1.0
                        } else {
                            0.0
                        }
                    }
                    Errors::Continuous(v) => v[r],
                };
                err[c] += e;
                max[c] = max[c].max(e);
            }
            (size, err, max)
        })
        .collect();
    let mut size = Vec::with_capacity(lattice.n_cols);
    let mut err = Vec::with_capacity(lattice.n_cols);
    let mut max = Vec::with_capacity(lattice.n_cols);
    for (s, e, m) in per_feature {
        size.extend(s);
        err.extend(e);
        max.extend(m);
    }
    (0..lattice.n_cols)
        .map(|c| {
            let s = size[c] as f64;
            Slice {
                cols: vec![u32::try_from(c).unwrap_or(u32::MAX)],
                size: s,
                errors: err[c],
                max_error: max[c],
                score: lattice.score(s, err[c]),
            }
        })
        .collect()
}

/// Evaluates candidates on all cores (rayon), in their order.
fn evaluate(
    lattice: &Lattice<'_>,
    bitmaps: &Bitmaps,
    errors: &Errors,
    candidates: &[Vec<u32>],
) -> Vec<Slice> {
    use rayon::prelude::*;
    candidates
        .par_iter()
        .with_min_len(64)
        .map(|cols| {
            let (size, errs, max_error) = bitmaps.eval(cols, errors);
            Slice {
                score: lattice.score(size, errs),
                cols: cols.clone(),
                size,
                errors: errs,
                max_error,
            }
        })
        .collect()
}

/// The candidates of the next level from the surviving slices `s` of
/// level `level - 1`, pruned as the package prunes them.
fn candidates(
    lattice: &Lattice<'_>,
    s: &[Slice],
    level: usize,
    top_min: f64,
) -> Result<Vec<Vec<u32>>, DiscoverError> {
    let too_many = |pairs: usize| {
        (pairs > MAX_PAIRS).then_some(DiscoverError::TooManyCandidates { level, pairs })
    };
    // Compatible pairs (i < j), in row-major order: at level 2 any two
    // slices without a common predicate, above it those sharing level − 2.
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    if level == 2 {
        if let Some(e) = too_many(s.len() * s.len().saturating_sub(1) / 2) {
            return Err(e);
        }
        for i in 0..s.len() {
            for j in i + 1..s.len() {
                if s[i].cols != s[j].cols {
                    pairs.extend(u32::try_from(i).ok().zip(u32::try_from(j).ok()));
                }
            }
        }
    } else {
        // Slices sharing level − 2 predicates meet in the bucket of the
        // predicates they share (each leaves one of its own out).
        let mut buckets: FxHashMap<Vec<u32>, Vec<u32>> = FxHashMap::default();
        for (i, slice) in s.iter().enumerate() {
            for drop in 0..slice.cols.len() {
                let mut key = slice.cols.clone();
                key.remove(drop);
                if let Ok(i) = u32::try_from(i) {
                    buckets.entry(key).or_default().push(i);
                }
            }
        }
        let total: usize = buckets
            .values()
            .map(|m| m.len() * m.len().saturating_sub(1) / 2)
            .sum();
        if let Some(e) = too_many(total) {
            return Err(e);
        }
        for members in buckets.values() {
            for (x, &i) in members.iter().enumerate() {
                for &j in &members[x + 1..] {
                    pairs.push((i.min(j), i.max(j)));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
    }
    // Join, drop joins with two values of one feature, and count how often
    // each candidate arises; its bounds come from the first pair.
    let mut seen: FxHashMap<Vec<u32>, (usize, f64, f64, f64)> = FxHashMap::default();
    for &(i, j) in &pairs {
        let (a, b) = (&s[i as usize], &s[j as usize]);
        let mut cols: Vec<u32> = a.cols.iter().chain(&b.cols).copied().collect();
        cols.sort_unstable();
        cols.dedup();
        if cols.len() != level {
            continue;
        }
        let valid = cols
            .windows(2)
            .all(|w| lattice.feature_of[w[0] as usize] != lattice.feature_of[w[1] as usize]);
        if !valid {
            continue;
        }
        seen.entry(cols).and_modify(|e| e.0 += 1).or_insert((
            1,
            a.size.min(b.size),
            a.errors.min(b.errors),
            a.max_error.min(b.max_error),
        ));
    }
    let parents = level * (level - 1) / 2;
    let mut kept: Vec<(Vec<u32>, Vec<u32>)> = seen
        .into_iter()
        .filter(|(_, (count, size, errors, max_error))| {
            *count == parents && *size >= lattice.min_sup && {
                let ub = lattice.score_ub(*size, *errors, *max_error);
                ub > top_min && ub > 0.0
            }
        })
        .map(|(cols, _)| (lattice.id_key(&cols), cols))
        .collect();
    kept.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(kept.into_iter().map(|(_, cols)| cols).collect())
}

/// Finds the top-K slices. `progress(level)` is called as each level
/// starts; `cancel` stops the search between levels.
///
/// # Errors
/// Bad parameters, no column, a support no slice reaches, or cancelled.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
pub fn discover(
    features: &[Feature],
    errors: &Errors,
    rows: usize,
    opts: &DiscoverOptions,
    progress: &dyn Fn(usize),
    cancel: Option<&AtomicBool>,
) -> Result<Discovery, DiscoverError> {
    if !(opts.alpha > 0.0 && opts.alpha <= 1.0) {
        return Err(DiscoverError::Alpha(opts.alpha));
    }
    if opts.k == 0 {
        return Err(DiscoverError::K);
    }
    if opts.max_level == 0 {
        return Err(DiscoverError::Level);
    }
    if features.is_empty() {
        return Err(DiscoverError::NoColumns);
    }
    let min_support = opts.min_support.rows(rows);
    if usize::try_from(min_support).map_or(true, |m| m > rows) {
        return Err(DiscoverError::SupportTooLarge { min_support, rows });
    }
    let lattice = Lattice::new(features, errors, rows, opts, min_support);
    let cancelled = || cancel.is_some_and(|c| c.load(AtomicOrdering::Relaxed));

    // Level 1: every value of every column, counted in one pass each.
    progress(1);
    let level1 = singles(&lattice, errors);
    let mut slices: Vec<Slice> = level1
        .into_iter()
        .filter(|s| s.size >= lattice.min_sup && s.errors > 0.0)
        .collect();
    let mut levels = vec![LevelStats {
        level: 1,
        evaluated: lattice.n_cols,
    }];
    let mut top: Vec<Slice> = Vec::new();
    maintain_top_k(&mut top, &slices, &lattice);
    // Bitmaps of the values that can still take part.
    let useful: Vec<u32> = slices.iter().map(|s| s.cols[0]).collect();
    let bytes = useful.len() as u64 * (rows.div_ceil(64) as u64) * 8;
    if opts.max_level > 1 && bytes > BITMAP_BUDGET {
        return Err(DiscoverError::TooManyValues {
            values: useful.len(),
            min_support,
        });
    }
    let bitmaps = Bitmaps::build(&lattice, &useful);

    let last = features.len().min(opts.max_level);
    let mut level = 1;
    while !slices.is_empty() && level < last {
        if cancelled() {
            return Err(DiscoverError::Cancelled);
        }
        level += 1;
        progress(level);
        let survivors: Vec<Slice> = slices
            .into_iter()
            .filter(|s| s.size >= lattice.min_sup && s.errors > 0.0)
            .collect();
        let top_min = top.last().map_or(f64::NEG_INFINITY, |s| s.score);
        let next = candidates(&lattice, &survivors, level, top_min)?;
        levels.push(LevelStats {
            level,
            evaluated: next.len(),
        });
        slices = evaluate(&lattice, &bitmaps, errors, &next);
        maintain_top_k(&mut top, &slices, &lattice);
    }
    let slices = top
        .into_iter()
        .map(|s| Found {
            predicates: s
                .cols
                .iter()
                .map(|&c| {
                    let f = lattice.feature_of[c as usize];
                    (f, c - lattice.offset[f])
                })
                .collect(),
            score: s.score,
            size: s.size as u64,
            errors: s.errors,
            max_error: s.max_error,
        })
        .collect();
    Ok(Discovery {
        slices,
        average_error: lattice.avg,
        min_support,
        rows,
        levels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::discover::MinSupport;

    /// Small random data: `features` columns of 3 values, errors more
    /// likely in one corner.
    fn random(rows: usize, n_features: usize, seed: u64) -> (Vec<Feature>, Errors) {
        use rand::RngExt as _;
        let mut rng = crate::core::stats::rng(seed);
        let labels: Vec<String> = ["a", "b", "c"].iter().map(ToString::to_string).collect();
        let codes: Vec<Vec<u32>> = (0..n_features)
            .map(|_| (0..rows).map(|_| rng.random_range(0..3u32)).collect())
            .collect();
        let features = codes
            .iter()
            .enumerate()
            .map(|(f, c)| Feature::new(&format!("f{f}"), &labels, c))
            .collect();
        let errors = Errors::binary(rows, |r| {
            let p = if codes[0][r] == 0 && codes[1][r] == 1 {
                0.6
            } else {
                0.1
            };
            // A fixed hash of the row stands in for a draw.
            let h = (r as u64)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(seed)
                >> 40;
            #[allow(clippy::cast_precision_loss)]
            let u = (h % 1000) as f64 / 1000.0;
            u < p
        });
        (features, errors)
    }

    /// Every slice up to `max_level` predicates, exhaustively: (cols, size, errors, max).
    fn exhaustive(lattice: &Lattice<'_>, errors: &Errors, max_level: usize) -> Vec<Slice> {
        let f = lattice.features.len();
        let mut out = Vec::new();
        // Each feature absent (0) or one of its values (1..=3).
        let total = 4usize.pow(u32::try_from(f).unwrap());
        for combo in 1..total {
            let mut cols = Vec::new();
            let mut x = combo;
            for feat in 0..f {
                let d = x % 4;
                x /= 4;
                if d > 0 {
                    cols.push(lattice.offset[feat] + u32::try_from(d - 1).unwrap());
                }
            }
            if cols.len() > max_level {
                continue;
            }
            let (mut size, mut errs) = (0.0, 0.0);
            for r in 0..lattice.n {
                let inside = cols.iter().all(|&c| {
                    let feat = lattice.feature_of[c as usize];
                    lattice.features[feat].codes[r] == c - lattice.offset[feat]
                });
                if inside {
                    size += 1.0;
                    if let Errors::Binary(b) = errors {
                        errs += f64::from(u8::from(b[r / 64] >> (r % 64) & 1 == 1));
                    }
                }
            }
            cols.sort_unstable();
            out.push(Slice {
                score: lattice.score(size, errs),
                max_error: if errs > 0.0 { 1.0 } else { 0.0 },
                cols,
                size,
                errors: errs,
            });
        }
        out
    }

    fn lattice_of<'a>(
        features: &'a [Feature],
        errors: &Errors,
        rows: usize,
        opts: &DiscoverOptions,
    ) -> Lattice<'a> {
        Lattice::new(features, errors, rows, opts, opts.min_support.rows(rows))
    }

    /// The upper bound of a slice bounds the score of every slice inside it
    /// with enough support. Tightening it wrongly (dropping the minimum
    /// support's probe, say) breaks this.
    #[test]
    fn the_upper_bound_bounds_every_slice_below() {
        for seed in 0..4 {
            let (features, errors) = random(400, 4, seed);
            for alpha in [0.5, 0.9, 0.99] {
                let opts = DiscoverOptions {
                    alpha,
                    k: 5,
                    max_level: 4,
                    min_support: MinSupport::Count(8),
                };
                let lattice = lattice_of(&features, &errors, 400, &opts);
                let all = exhaustive(&lattice, &errors, 4);
                for c in all.iter().filter(|s| s.errors > 0.0) {
                    let ub = lattice.score_ub(c.size, c.errors, c.max_error);
                    for d in &all {
                        if d.size >= lattice.min_sup && c.cols.iter().all(|x| d.cols.contains(x)) {
                            assert!(
                                d.score <= ub + 1e-12,
                                "{:?} scores {} above the bound {} of {:?}",
                                d.cols,
                                d.score,
                                ub,
                                c.cols
                            );
                        }
                    }
                }
            }
        }
    }

    /// With the top K full from the first level on, pruning (parents,
    /// support, bound) loses nothing: the result equals an exhaustive search.
    #[test]
    fn pruning_keeps_the_result_of_an_exhaustive_search() {
        let mut compared = 0;
        for seed in 0..6 {
            let (features, errors) = random(600, 4, seed);
            for (alpha, k, min_support) in [(0.95, 3, 10), (0.8, 2, 30), (0.99, 4, 5)] {
                let opts = DiscoverOptions {
                    alpha,
                    k,
                    max_level: 3,
                    min_support: MinSupport::Count(min_support),
                };
                let lattice = lattice_of(&features, &errors, 600, &opts);
                let all = exhaustive(&lattice, &errors, 3);
                let singles_ok = all
                    .iter()
                    .filter(|s| s.cols.len() == 1 && s.size >= lattice.min_sup && s.score > 0.0)
                    .count();
                if singles_ok < k {
                    continue;
                }
                let mut want: Vec<Slice> = Vec::new();
                maintain_top_k(&mut want, &all, &lattice);
                let got = discover(&features, &errors, 600, &opts, &|_| {}, None).unwrap();
                let want_scores: Vec<f64> = want.iter().map(|s| s.score).collect();
                let got_scores: Vec<f64> = got.slices.iter().map(|s| s.score).collect();
                assert_eq!(got_scores, want_scores, "seed {seed} {opts:?}");
                compared += 1;
            }
        }
        assert!(compared >= 10, "only {compared} cases compared");
    }

    /// A candidate needs every parent: with a parent below the minimum
    /// support, it is not even evaluated.
    #[test]
    fn a_candidate_whose_parent_lacks_support_is_not_evaluated() {
        let labels: Vec<String> = ["x", "y"].iter().map(ToString::to_string).collect();
        // f0 = x on 95 rows, f1 = x on 3 rows: (x, x) has a parent of 3 rows.
        let f0: Vec<u32> = (0..100).map(|r| u32::from(r >= 95)).collect();
        let f1: Vec<u32> = (0..100).map(|r| u32::from(r >= 3)).collect();
        let features = vec![
            Feature::new("f0", &labels, &f0),
            Feature::new("f1", &labels, &f1),
        ];
        let errors = Errors::binary(100, |r| r % 3 == 0);
        let opts = DiscoverOptions {
            alpha: 0.99,
            k: 10,
            max_level: 2,
            min_support: MinSupport::Count(5),
        };
        let found = discover(&features, &errors, 100, &opts, &|_| {}, None).unwrap();
        // Level 1 values with support: f0=x (95), f0=y (5), f1=y (97); pairs
        // across features: (f0=x, f1=y) and (f0=y, f1=y); f1=x is pruned.
        assert_eq!(found.levels[1].evaluated, 2);
    }

    /// Where the size term uses as many rows as one-hot columns, the bound
    /// is tight: a slice of 40 rows with 20 errors holds a slice of its 20
    /// errors alone, which scores exactly the bound. Any probe left out of
    /// the bound (here the size e/m) puts it below that score.
    #[test]
    fn the_upper_bound_is_reached_by_the_errors_alone() {
        let lattice = Lattice {
            features: &[],
            feature_of: Vec::new(),
            offset: Vec::new(),
            n: 40,
            n_cols: 40,
            alpha: 0.9,
            avg: 0.5,
            min_sup: 5.0,
            k: 1,
        };
        let only_errors = lattice.score(20.0, 20.0);
        assert!((only_errors - 0.8).abs() < 1e-12);
        let ub = lattice.score_ub(40.0, 20.0, 1.0);
        assert!((ub - only_errors).abs() < 1e-12, "{ub}");
    }

    /// A level that would join more pairs than fit in memory is refused
    /// before any pair is allocated.
    #[test]
    fn too_many_pairs_are_refused_not_allocated() {
        let lattice = Lattice {
            features: &[],
            feature_of: Vec::new(),
            offset: Vec::new(),
            n: 1,
            n_cols: 1,
            alpha: 0.9,
            avg: 0.5,
            min_sup: 1.0,
            k: 1,
        };
        let s: Vec<Slice> = (0..10_001u32)
            .map(|c| Slice {
                cols: vec![c],
                size: 1.0,
                errors: 1.0,
                max_error: 1.0,
                score: 1.0,
            })
            .collect();
        assert_eq!(
            candidates(&lattice, &s, 2, 0.0).unwrap_err(),
            DiscoverError::TooManyCandidates {
                level: 2,
                pairs: 10_001 * 10_000 / 2
            }
        );
    }
}
