//! Small statistical building blocks: proportions with Wilson intervals,
//! a seedable random number generator for bootstrap and data generation.

use serde::Serialize;

/// The normal quantile for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A ratio `numerator / denominator` that is `None` when the denominator is 0.
#[must_use]
pub fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator != 0.0).then(|| numerator / denominator)
}

/// A ratio of counts; `None` when `denominator` is 0.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn ratio_u(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator != 0).then(|| numerator as f64 / denominator as f64)
}

/// A closed interval `[lo, hi]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl Interval {
    /// The interval `[lo, hi]`.
    #[must_use]
    pub const fn new(lo: f64, hi: f64) -> Self {
        Self { lo, hi }
    }

    /// Whether `x` lies inside the interval (bounds included).
    #[must_use]
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// `1 - x` for every point: maps an error-rate interval onto an accuracy interval.
    #[must_use]
    pub fn complement(self) -> Self {
        Self::new(1.0 - self.hi, 1.0 - self.lo)
    }
}

/// The Wilson score interval for `successes` out of `trials` at 95%.
///
/// Equals `statsmodels.stats.proportion.proportion_confint(k, n, method="wilson")`.
/// `None` when `trials` is 0.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn wilson(successes: u64, trials: u64) -> Option<Interval> {
    if trials == 0 {
        return None;
    }
    let n = trials as f64;
    wilson_p(successes as f64 / n, n)
}

/// The Wilson interval for a proportion `p` observed over `n` trials, which
/// need not be a whole number (Kish's effective sample size of weighted
/// rows). `None` when `n` is not positive.
#[must_use]
pub fn wilson_p(p: f64, n: f64) -> Option<Interval> {
    if n <= 0.0 || !p.is_finite() {
        return None;
    }
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).max(0.0).sqrt();
    // At p = 0 or 1 the bound is exactly 0 or 1 (not a rounding residue).
    Some(Interval::new(
        if p <= 0.0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        if p >= 1.0 {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    ))
}

/// A count of examples: the sum of their weights, with what an interval
/// needs to know about how much information they carry.
///
/// Without a weight column every example is `Count::ONE`. With whole-number
/// weights (a count cube) an example of weight `w` counts as `w` examples:
/// `w` and `units` both grow by `w`, so every interval equals the one on the
/// raw rows. With fractional weights `units` sums the squared weights, and
/// a proportion's interval is taken over Kish's effective sample size
/// `(Σw)² / Σw²` of its denominator.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Count {
    /// The sum of weights (the number of examples without weights).
    pub w: f64,
    /// The sum of squared unit weights: equal to `w` for unweighted and
    /// whole-number weighted examples, `Σw²` for fractional weights.
    pub units: f64,
}

impl Count {
    /// No examples.
    pub const ZERO: Self = Self { w: 0.0, units: 0.0 };
    /// One unweighted example.
    pub const ONE: Self = Self { w: 1.0, units: 1.0 };

    /// `n` unweighted examples (a count that no weight can reach, such as a
    /// number of reviewed examples).
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub const fn unweighted(n: u64) -> Self {
        Self {
            w: n as f64,
            units: n as f64,
        }
    }

    /// One example of weight `w`: whole-number weights count as that many
    /// examples, fractional ones carry `w²` for Kish's effective size.
    #[must_use]
    pub fn of_weight(w: f64, fractional: bool) -> Self {
        Self {
            w,
            units: if fractional { w * w } else { w },
        }
    }

    /// Whether there is nothing counted (to the last few ulps, so that
    /// removing a fractional weight that was added gives zero).
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.w.abs() < 1e-9
    }

    /// Kish's effective sample size: `w` itself for unweighted and
    /// whole-number weights.
    #[must_use]
    #[allow(clippy::float_cmp)]
    pub fn effective(&self) -> f64 {
        // Exactly equal for unweighted and whole-number weights.
        if self.units == self.w {
            self.w
        } else if self.units > 0.0 {
            self.w * self.w / self.units
        } else {
            0.0
        }
    }

    /// The count as a whole number when it is one (always without weights or
    /// with whole-number weights), to a billionth.
    #[must_use]
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub fn whole(&self) -> Option<u64> {
        // Fractional weights that add up to a whole number (a sample's
        // inverse sampling fractions add up to the table's rows) show as one,
        // whatever the last bits of the sum.
        let r = self.w.round();
        ((self.w - r).abs() <= 1e-9 * r.abs().max(1.0)
            && (0.0..9.007_199_254_740_992e15).contains(&r))
        .then_some(r as u64)
    }
}

impl std::ops::Add for Count {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            w: self.w + o.w,
            units: self.units + o.units,
        }
    }
}

impl std::ops::AddAssign for Count {
    fn add_assign(&mut self, o: Self) {
        self.w += o.w;
        self.units += o.units;
    }
}

impl std::ops::Sub for Count {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self {
            w: self.w - o.w,
            units: self.units - o.units,
        }
    }
}

impl std::ops::SubAssign for Count {
    fn sub_assign(&mut self, o: Self) {
        self.w -= o.w;
        self.units -= o.units;
    }
}

impl std::iter::Sum for Count {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + b)
    }
}

impl<'a> std::iter::Sum<&'a Count> for Count {
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + *b)
    }
}

impl PartialEq<u64> for Count {
    /// Whether the count is exactly the whole number `n`.
    fn eq(&self, n: &u64) -> bool {
        self.whole() == Some(*n)
    }
}

impl PartialEq<Count> for u64 {
    fn eq(&self, c: &Count) -> bool {
        c.whole() == Some(*self)
    }
}

impl std::fmt::Display for Count {
    /// A whole number as one (`1234`), a fractional sum of weights in full.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.whole() {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "{}", self.w),
        }
    }
}

impl Serialize for Count {
    /// A whole number as a JSON integer, a fractional sum as a float.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.whole() {
            Some(n) => s.serialize_u64(n),
            None => s.serialize_f64(self.w),
        }
    }
}

/// A proportion `k / n` with its Wilson 95% interval; both `None` when `n` is 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    /// Successes.
    pub k: Count,
    /// Trials.
    pub n: Count,
}

impl Proportion {
    /// `k` out of `n`.
    #[must_use]
    pub const fn new(k: Count, n: Count) -> Self {
        Self { k, n }
    }

    /// `k` out of `n` unweighted examples.
    #[must_use]
    pub const fn counts(k: u64, n: u64) -> Self {
        Self::new(Count::unweighted(k), Count::unweighted(n))
    }

    /// The point estimate, `None` when `n` is 0.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        (self.n.w > 0.0).then(|| self.k.w / self.n.w)
    }

    /// The Wilson 95% interval over the effective sample size of `n`,
    /// `None` when `n` is 0.
    #[must_use]
    pub fn ci(&self) -> Option<Interval> {
        wilson_p(self.value()?, self.n.effective())
    }
}

/// The 95% interval of `a − b` for two independent proportions by
/// Newcombe's hybrid score method (method 10 of Newcombe 1998, Stat. Med.
/// 17:873), from their Wilson intervals: as statsmodels'
/// `confint_proportions_2indep(..., method="newcomb")`. `None` when either
/// proportion is undefined.
#[must_use]
pub fn newcombe_difference(a: Proportion, b: Proportion) -> Option<Interval> {
    let (p1, p2) = (a.value()?, b.value()?);
    let (w1, w2) = (a.ci()?, b.ci()?);
    let d = p1 - p2;
    Some(Interval::new(
        d - ((p1 - w1.lo).powi(2) + (w2.hi - p2).powi(2)).sqrt(),
        d + ((w1.hi - p1).powi(2) + (p2 - w2.lo).powi(2)).sqrt(),
    ))
}

/// The two-sided p-value of the pooled two-proportion z-test of `a = b`, as
/// statsmodels' `proportions_ztest([k1, k2], [n1, n2])`; over effective
/// sample sizes with weighted rows. `None` when either is undefined or the
/// pooled proportion is 0 or 1 (no variance: the p-value is 1 when the two
/// are equal, which they then are).
#[must_use]
pub fn two_proportion_p(a: Proportion, b: Proportion) -> Option<f64> {
    let (p1, p2) = (a.value()?, b.value()?);
    let (n1, n2) = (a.n.effective(), b.n.effective());
    let pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    let var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
    if var <= 0.0 {
        return Some(1.0);
    }
    let z = (p1 - p2) / var.sqrt();
    Some(libm::erfc(z.abs() / std::f64::consts::SQRT_2))
}

/// The seeded random generator of bootstrap resamples, review shuffles and
/// generated data: PCG-64 (MCG variant), whose output for a seed is fixed
/// across platforms and `rand_pcg` versions.
pub type Rng = rand_pcg::Pcg64Mcg;

/// Rows a part of [`fold_rows`] takes at least.
const PART_ROWS: usize = 1 << 20;
/// The most parts [`fold_rows`] cuts the rows into.
const MAX_PARTS: usize = 64;
/// Bytes the accumulators of all parts of [`fold_rows`] may take together.
const PARTS_BUDGET: usize = 256 << 20;

/// Folds rows `0..rows` into an accumulator on all cores: the rows are cut
/// into contiguous parts (a million rows or more each, and no more parts
/// than `acc_bytes`, one accumulator's size, lets fit in 256 MB), each part
/// is folded with `add` into its own `init()`, and the parts are merged in
/// order. The parts depend on the rows and the accumulator's size, never on
/// the number of threads, so sums of fractions come out the same at any
/// number of threads; under a million rows it is one plain loop.
pub fn fold_rows<A: Send>(
    rows: usize,
    acc_bytes: usize,
    init: impl Fn() -> A + Sync,
    add: impl Fn(&mut A, usize) + Sync,
    merge: impl Fn(&mut A, A),
) -> A {
    fold_ranges(
        rows,
        acc_bytes,
        init,
        |acc, range| {
            for row in range {
                add(acc, row);
            }
        },
        merge,
    )
}

/// How many of the rows `0..rows` fall in each of `slots` slots, on all
/// cores: `slot` gives a row's (`None`: counted nowhere). Counting rows of
/// unit weight this way, in integers turned into counts at the end, gives
/// the sums adding ones would (they are exact) without each row waiting on
/// the last one's floating-point sum.
#[must_use]
pub fn tally(rows: usize, slots: usize, slot: impl Fn(usize) -> Option<usize> + Sync) -> Vec<u64> {
    fold_ranges(
        rows,
        slots.saturating_mul(std::mem::size_of::<u64>()),
        || vec![0_u64; slots],
        |counts, range| count_range(counts, range, &slot),
        |counts, more| {
            for (c, m) in counts.iter_mut().zip(more) {
                *c += m;
            }
        },
    )
}

/// Adds one to `counts[slot(row)]` for each row of `range` in a slot.
fn count_range(
    counts: &mut [u64],
    range: std::ops::Range<usize>,
    slot: &impl Fn(usize) -> Option<usize>,
) {
    for row in range {
        if let Some(s) = slot(row) {
            counts[s] += 1;
        }
    }
}

/// Where each group's stretch of a flat list begins, from the groups'
/// sizes: 0, then the running sums, the list's length last.
fn starts_of(sizes: impl Iterator<Item = u64>) -> Vec<usize> {
    let mut starts = vec![0];
    let mut at = 0;
    for n in sizes {
        // At most the rows in all.
        at += usize::try_from(n).unwrap_or(usize::MAX);
        starts.push(at);
    }
    starts
}

/// Adds `more`'s counts to `counts`, place by place: the merge of two
/// parts of a [`fold_ranges`] that counts several things per slot.
pub fn add_counts<const N: usize>(counts: &mut [[u64; N]], more: &[[u64; N]]) {
    for (c, m) in counts.iter_mut().zip(more) {
        for (x, y) in c.iter_mut().zip(m) {
            *x += y;
        }
    }
}

/// The rows of each of `groups` groups, in row order, in one flat list (a
/// counting sort: 4 bytes a row and 8 a group, where a list per group cost
/// an allocation each). `group` gives a row's group (`None`: in none);
/// `None` past 2^32 − 1 rows, which a 32-bit row number cannot name.
pub struct Members {
    starts: Vec<usize>,
    rows: Vec<u32>,
}

impl Members {
    /// Lists the rows `0..rows` by group on all cores: each part of the
    /// rows counts its rows per group, then writes them into its own
    /// stretch of each group's list (after the earlier parts' stretches),
    /// so every group's rows stay in row order. With more groups than a
    /// part's stretches pay for (a column of user ids), the counts are made
    /// on all cores and the rows placed on one.
    #[must_use]
    pub fn of(
        rows: usize,
        groups: usize,
        group: impl Fn(usize) -> Option<usize> + Sync,
    ) -> Option<Self> {
        use rayon::prelude::*;
        u32::try_from(rows).ok()?;
        // A part's counts, stretches and next places take 32 bytes a
        // group; the parts are [`fold_ranges`]'s, and they take at most 2
        // bytes a row in all, beside the list's 4.
        let parts = parts_of(rows, groups.saturating_mul(32));
        if parts == 1 || groups.saturating_mul(parts) > rows / 16 {
            return Some(Self::of_on_one_core(rows, groups, &group));
        }
        let range = |part: usize| part_of(rows, parts, part);
        let counts: Vec<Vec<u64>> = (0..parts)
            .into_par_iter()
            .map(|part| {
                let mut counts = vec![0_u64; groups];
                count_range(&mut counts, range(part), &group);
                counts
            })
            .collect();
        let starts = starts_of((0..groups).map(|g| counts.iter().map(|c| c[g]).sum()));
        let mut list = vec![0_u32; starts[groups]];
        // Each part's stretch of each group's list, group by group.
        let mut stretches: Vec<Vec<&mut [u32]>> =
            (0..parts).map(|_| Vec::with_capacity(groups)).collect();
        let mut rest: &mut [u32] = &mut list;
        for g in 0..groups {
            for (mine, counted) in stretches.iter_mut().zip(&counts) {
                // At most the rows in all.
                let n = usize::try_from(counted[g]).unwrap_or(usize::MAX);
                let (stretch, tail) = std::mem::take(&mut rest).split_at_mut(n);
                mine.push(stretch);
                rest = tail;
            }
        }
        stretches
            .into_par_iter()
            .enumerate()
            .for_each(|(part, mut mine)| {
                let mut next = vec![0_usize; groups];
                let rows = range(part);
                // Row numbers fit u32: checked above.
                let first = u32::try_from(rows.start).unwrap_or(u32::MAX);
                for (i, r) in rows.zip(first..) {
                    if let Some(g) = group(i) {
                        mine[g][next[g]] = r;
                        next[g] += 1;
                    }
                }
            });
        Some(Self { starts, rows: list })
    }

    /// [`Members::of`] placing the rows on one core (counted on all).
    fn of_on_one_core(
        rows: usize,
        groups: usize,
        group: &(impl Fn(usize) -> Option<usize> + Sync),
    ) -> Self {
        let starts = starts_of(tally(rows, groups, group).into_iter());
        let mut next = starts[..groups].to_vec();
        let mut list = vec![0_u32; starts[groups]];
        for (i, r) in (0..rows).zip(0_u32..) {
            if let Some(g) = group(i) {
                list[next[g]] = r;
                next[g] += 1;
            }
        }
        Self { starts, rows: list }
    }

    /// The rows of group `g`, in order.
    #[must_use]
    pub fn of_group(&self, g: usize) -> &[u32] {
        &self.rows[self.starts[g]..self.starts[g + 1]]
    }
}

/// [`fold_rows`] handing each part its rows as one range, for a loop that
/// keeps its accumulator's arrays at hand instead of finding them a row at
/// a time. The same parts as [`fold_rows`].
pub fn fold_ranges<A: Send>(
    rows: usize,
    acc_bytes: usize,
    init: impl Fn() -> A + Sync,
    add: impl Fn(&mut A, std::ops::Range<usize>) + Sync,
    merge: impl Fn(&mut A, A),
) -> A {
    use rayon::prelude::*;
    let parts = parts_of(rows, acc_bytes);
    let folded: Vec<A> = (0..parts)
        .into_par_iter()
        .map(|part| {
            let mut acc = init();
            add(&mut acc, part_of(rows, parts, part));
            acc
        })
        .collect();
    let mut folded = folded.into_iter();
    let mut acc = folded.next().unwrap_or_else(&init);
    for more in folded {
        merge(&mut acc, more);
    }
    acc
}

/// How many parts [`fold_ranges`] cuts the rows `0..rows` into, given one
/// accumulator's size: a million rows or more each, their accumulators
/// within 256 MB, at most 64; never dependent on the number of threads.
fn parts_of(rows: usize, acc_bytes: usize) -> usize {
    rows.div_ceil(PART_ROWS)
        .min(PARTS_BUDGET / acc_bytes.max(1))
        .clamp(1, MAX_PARTS)
}

/// Part `part` of the rows `0..rows` cut into `parts` contiguous parts.
fn part_of(rows: usize, parts: usize, part: usize) -> std::ops::Range<usize> {
    let per = rows.div_ceil(parts).max(1);
    (part * per).min(rows)..((part + 1) * per).min(rows)
}

/// Most distinct keys [`Distinct::gather`] and [`distinct`] hash before
/// they give way (sorting the rows is then the way): 65,536, the values of
/// a score of four decimals and more.
pub const MAX_DISTINCT: usize = 1 << 16;

/// Maps a non-NaN score to an integer with the same order (0.0 and -0.0
/// are one key), so that scores can be hashed and sorted as integers.
#[must_use]
pub fn sort_key(s: f64) -> u64 {
    let bits = (s + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The inverse of [`sort_key`].
#[must_use]
pub fn from_sort_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// The rows of each distinct key (a score's [`sort_key`]), folded into one
/// value per key in one pass over the rows, without moving them: a score
/// of a few decimals has a few thousand values, and hashing them beats
/// sorting millions of rows.
pub struct Distinct<V>(rustc_hash::FxHashMap<u64, V>);

impl<V> Default for Distinct<V> {
    fn default() -> Self {
        Self(rustc_hash::FxHashMap::default())
    }
}

impl<V> Distinct<V> {
    /// Folds `rows` in: `key` gives a row's key (`None`: skipped), `new` a
    /// new key's value, `add` adds a row to its key's value. `false` past
    /// [`MAX_DISTINCT`] keys (the table is then incomplete).
    #[must_use]
    pub fn gather(
        &mut self,
        rows: impl Iterator<Item = usize>,
        key: impl Fn(usize) -> Option<u64>,
        new: impl Fn(u64) -> V,
        mut add: impl FnMut(&mut V, usize),
    ) -> bool {
        for i in rows {
            let Some(k) = key(i) else { continue };
            let v = self.0.entry(k).or_insert_with(|| new(k));
            add(v, i);
            if self.0.len() > MAX_DISTINCT {
                return false;
            }
        }
        true
    }

    /// The keys with their values, keys ascending.
    #[must_use]
    pub fn sorted(self) -> Vec<(u64, V)> {
        let mut all: Vec<(u64, V)> = self.0.into_iter().collect();
        all.sort_unstable_by_key(|e| e.0);
        all
    }
}

/// [`Distinct::gather`] over the rows `0..rows` on all cores: each part of
/// the rows (the parts of [`fold_ranges`]) hashes its own keys, `settle`
/// finishes each of its values, and the parts are merged in order with
/// `merge` (the parts depend on the rows, never on the threads). Keys
/// ascending; `None` past [`MAX_DISTINCT`] keys.
#[must_use]
pub fn distinct<V: Send>(
    rows: usize,
    key: impl Fn(usize) -> Option<u64> + Sync,
    new: impl Fn(u64) -> V + Sync,
    add: impl Fn(&mut V, usize) + Sync,
    settle: impl Fn(&mut V) + Sync,
    merge: impl Fn(&mut V, V),
) -> Option<Vec<(u64, V)>> {
    type Part<V> = Option<Distinct<V>>;
    let part: Part<V> = fold_ranges(
        rows,
        // A table entry: the key, its value and the table's own byte.
        MAX_DISTINCT * (std::mem::size_of::<(u64, V)>() + 8),
        || Some(Distinct::default()),
        |acc: &mut Part<V>, range| {
            if let Some(table) = acc {
                if table.gather(range, &key, &new, &add) {
                    table.0.values_mut().for_each(&settle);
                } else {
                    *acc = None;
                }
            }
        },
        |acc: &mut Part<V>, more: Part<V>| match (acc.as_mut(), more) {
            (Some(table), Some(more)) => {
                for (k, v) in more.0 {
                    match table.0.entry(k) {
                        std::collections::hash_map::Entry::Occupied(mut e) => merge(e.get_mut(), v),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(v);
                        }
                    }
                }
                if table.0.len() > MAX_DISTINCT {
                    *acc = None;
                }
            }
            _ => *acc = None,
        },
    );
    part.map(Distinct::sorted)
}

/// A generator seeded with `seed`.
#[must_use]
pub fn rng(seed: u64) -> Rng {
    rand::SeedableRng::seed_from_u64(seed)
}

/// The `q`-quantile (0..=1) of sorted data with linear interpolation
/// (numpy's default `linear` method). `None` for empty data.
#[must_use]
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_list_each_groups_rows_in_row_order_whichever_way_they_are_placed() {
        // Rows in no group, empty groups, groups of one row and large ones,
        // in 6 parts cut across groups' runs, on pools of 3 threads and 1.
        let rows = 5 * PART_ROWS + 12_345;
        let group = |i: usize| match i % 11 {
            0 => None,
            1 if i.is_multiple_of(7) => Some(5),
            _ => Some((i / 3 + i % 5) % 5),
        };
        let expected = |g: usize| -> Vec<u32> {
            (0..rows)
                .filter(|&i| group(i) == Some(g))
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                .collect()
        };
        for threads in [3, 1] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap_or_else(|e| panic!("pool: {e}"));
            let members = pool
                .install(|| Members::of(rows, 7, group))
                .unwrap_or_else(|| panic!("rows fit u32"));
            for g in 0..7 {
                assert_eq!(
                    members.of_group(g),
                    expected(g).as_slice(),
                    "group {g}, {threads} threads"
                );
            }
        }
        // More groups than the parts' stretches pay for: placed on one core.
        let many = Members::of(rows, rows.div_ceil(2), |i| Some(i / 2))
            .unwrap_or_else(|| panic!("rows fit u32"));
        assert_eq!(many.of_group(12_000), &[24_000, 24_001]);
    }

    #[test]
    fn sort_keys_keep_the_order_of_scores() {
        let xs = [-3.5, -1e-300, -0.0, 0.0, 1e-300, 0.25, 7.0, f64::INFINITY];
        for w in xs.windows(2) {
            assert!(sort_key(w[0]) <= sort_key(w[1]), "{} vs {}", w[0], w[1]);
        }
        assert_eq!(sort_key(-0.0), sort_key(0.0));
        for x in xs {
            assert_eq!(from_sort_key(sort_key(x)).to_bits(), (x + 0.0).to_bits());
        }
    }

    #[test]
    fn distinct_keys_are_counted_over_every_part() {
        // 2.5M rows over three parts, 1,000 keys and rows with none.
        let key = |r: usize| (r % 7 != 3).then_some((r * 7919 % 1000) as u64);
        let counts = distinct(
            2_500_000,
            key,
            |_| 0_u64,
            |c, _| *c += 1,
            |_| {},
            |c, m| *c += m,
        )
        .expect("1,000 keys");
        let mut expected = std::collections::BTreeMap::new();
        for r in 0..2_500_000 {
            if let Some(k) = key(r) {
                *expected.entry(k).or_insert(0_u64) += 1;
            }
        }
        assert_eq!(counts, expected.into_iter().collect::<Vec<_>>());
        // One table over the same rows gives the same.
        let mut one = Distinct::default();
        assert!(one.gather(0..2_500_000, key, |_| 0_u64, |c, _| *c += 1));
        assert_eq!(one.sorted(), counts);
        // Exactly MAX_DISTINCT keys fit, in one part or in three; one more does not.
        let count = |rows, key: &(dyn Fn(usize) -> Option<u64> + Sync)| {
            distinct(rows, key, |_| 0_u64, |c, _| *c += 1, |_| {}, |c, m| *c += m)
        };
        for rows in [MAX_DISTINCT, 2_500_000] {
            let fits = count(rows, &|r| Some((r % MAX_DISTINCT) as u64));
            assert_eq!(fits.map(|d| d.len()), Some(MAX_DISTINCT));
        }
        let past = |r: usize| Some((r % (MAX_DISTINCT + 1)) as u64);
        assert!(count(2_500_000, &past).is_none());
        assert!(!Distinct::default().gather(0..=MAX_DISTINCT, past, |_| 0_u64, |c, _| *c += 1));
    }

    #[test]
    fn rows_are_tallied_over_every_part() {
        // Three parts of rows; slots 0..5, and rows counted nowhere.
        let slot = |r: usize| [Some(0), Some(1), Some(1), Some(2), None, Some(4)][r % 6];
        let counts = tally(2_500_000, 5, slot);
        let mut expected = vec![0_u64; 5];
        for r in 0..2_500_000 {
            if let Some(s) = slot(r) {
                expected[s] += 1;
            }
        }
        assert_eq!(counts, expected);
        // Every sixth row is counted nowhere; the last four rows all are.
        assert_eq!(counts.iter().sum::<u64>(), 2_500_000 / 6 * 5 + 4);
        assert_eq!(tally(0, 2, slot), vec![0, 0]);
    }

    #[test]
    fn wilson_matches_known_values() {
        // statsmodels proportion_confint(8, 10, method="wilson")
        let ci = wilson(8, 10).unwrap();
        assert!((ci.lo - 0.490_162_471_536_641_83).abs() < 1e-12, "{ci:?}");
        assert!((ci.hi - 0.943_317_848_545_624_7).abs() < 1e-12, "{ci:?}");
        assert!(wilson(0, 0).is_none());
        let zero = wilson(0, 25).unwrap();
        assert!(zero.lo.abs() < 1e-15 && zero.hi > 0.1);
    }

    #[test]
    fn rng_is_deterministic_and_uniform_enough() {
        use rand::{Rng as _, RngExt as _};
        let mut a = rng(7);
        let mut b = rng(7);
        let xs: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        let mut r = rng(1);
        let mean = (0..100_000).map(|_| r.random::<f64>()).sum::<f64>() / 100_000.0;
        assert!((mean - 0.5).abs() < 0.01);
        assert!((0..1000).all(|_| r.random_range(0..6u64) < 6));
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), Some(2.5));
        assert_eq!(quantile_sorted(&v, 0.0), Some(1.0));
        assert_eq!(quantile_sorted(&v, 1.0), Some(4.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }

    #[test]
    fn folding_rows_in_parts_is_the_same_at_any_number_of_threads() {
        // Fractions whose sum depends on the order they are added in.
        let value = |row: usize| 1.0 / (1.0 + (row % 977) as f64);
        let fold = || {
            fold_rows(
                3 * PART_ROWS + 17,
                8,
                || 0.0f64,
                |acc, row| *acc += value(row),
                |acc, more| *acc += more,
            )
        };
        let runs: Vec<u64> = [1, 2, 4]
            .iter()
            .map(|&threads| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap()
                    .install(fold)
                    .to_bits()
            })
            .collect();
        assert!(runs.iter().all(|&r| r == runs[0]), "{runs:?}");
        let plain: f64 = (0..3 * PART_ROWS + 17).map(value).sum();
        assert!((f64::from_bits(runs[0]) - plain).abs() < 1e-9 * plain);
        // Under a million rows: one plain loop.
        let small = fold_rows(1000, 8, || 0.0f64, |a, r| *a += value(r), |a, m| *a += m);
        let loop_sum: f64 = (0..1000).map(value).sum();
        assert_eq!(small.to_bits(), loop_sum.to_bits());
    }
}
