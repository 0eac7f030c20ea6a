//! The risk–coverage curve of a confidence: what abstaining below a
//! confidence keeps (ties gathered by hashing up to 65,536 distinct
//! confidences, else by sorting; over more, about 65,536 points kept, exact
//! at the thresholds asked for).

use serde::Serialize;

use crate::core::stats::{Count, Distinct, from_sort_key, sort_key};

/// The risk–coverage curve: at each distinct confidence from the top, the
/// share of rows kept (confidence at or above it) and their accuracy; with
/// a class, also that class's one-vs-rest counts among the kept rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskCoverage {
    /// Per threshold, among the kept rows: true positives, false positives
    /// and false negatives of the class given to [`RiskCoverage::with_class`].
    pub class_counts: Vec<[Count; 3]>,
    /// Confidence thresholds, decreasing.
    pub thresholds: Vec<f64>,
    /// Share of rows with a confidence kept at each threshold.
    pub coverage: Vec<f64>,
    /// Accuracy of the kept rows.
    pub accuracy: Vec<f64>,
    /// Rows kept.
    pub kept: Vec<Count>,
    /// Misclassified rows among those kept.
    pub errors: Vec<Count>,
    /// Area under the risk–coverage curve (mean selective risk; lower is
    /// better).
    pub aurc: Option<f64>,
    /// Rows with a confidence.
    pub rows: Count,
    /// Whether every distinct confidence is a point (else about
    /// [`MAX_POINTS`] are; see [`RiskCoverage::with_class_at`]).
    #[serde(skip)]
    pub every_tie: bool,
}

/// Points a risk–coverage curve keeps over rows of many distinct
/// confidences (plus those asked for exactly).
pub const MAX_POINTS: usize = 1 << 16;

/// Builds a risk–coverage curve from its ties, highest confidence first.
struct Points<'a> {
    out: RiskCoverage,
    kept: Count,
    right: Count,
    counts: [Count; 3],
    area: f64,
    /// Rows (not weights) so far, and the rank at which the next point is kept.
    rank: usize,
    next_mark: f64,
    stride: f64,
    /// Thresholds to be exact at, highest first, not yet passed (see
    /// [`exact_order`]).
    exact: &'a [f64],
    /// The last tie's point, kept or dropped once the next tie is seen.
    pending: Option<(f64, Count, Count, [Count; 3])>,
}

/// Thresholds to be exact at in the order [`Points`] passes them: highest
/// first, NaN left out.
fn exact_order(exact_at: &[f64]) -> Vec<f64> {
    let mut exact: Vec<f64> = exact_at.iter().copied().filter(|t| !t.is_nan()).collect();
    exact.sort_by(|a, b| b.total_cmp(a));
    exact
}

impl<'a> Points<'a> {
    #[allow(clippy::cast_precision_loss)]
    fn new(rows: usize, exact: &'a [f64]) -> Self {
        let stride = if rows > MAX_POINTS {
            rows as f64 / MAX_POINTS as f64
        } else {
            0.0
        };
        Self {
            out: RiskCoverage {
                class_counts: Vec::new(),
                thresholds: Vec::new(),
                coverage: Vec::new(),
                accuracy: Vec::new(),
                kept: Vec::new(),
                errors: Vec::new(),
                aurc: None,
                rows: Count::ZERO,
                every_tie: true,
            },
            kept: Count::ZERO,
            right: Count::ZERO,
            counts: [Count::ZERO; 3],
            area: 0.0,
            rank: 0,
            next_mark: stride,
            stride,
            exact,
            pending: None,
        }
    }

    #[allow(clippy::cast_precision_loss)]
    fn add(&mut self, tie: Tie) {
        if let Some(p) = self.pending.take() {
            // Keep the previous point when it is the last at or above a
            // threshold asked for, or the rank has reached the next mark.
            // The thresholds passed since: the lowest of them is the
            // last (they fall). One search, where removing them one at a
            // time from the front moved the rest each time (for 865,000
            // groups against 10,000 thresholds, a view that never came).
            let passed = self.exact.partition_point(|&k| k > tie.confidence);
            let needed = passed > 0 && self.exact[passed - 1] <= p.0;
            self.exact = &self.exact[passed..];
            if self.stride == 0.0 || needed || self.rank as f64 >= self.next_mark {
                while self.stride > 0.0 && self.next_mark <= self.rank as f64 {
                    self.next_mark += self.stride;
                }
                self.keep(p);
            } else {
                self.out.every_tie = false;
            }
        }
        let before = self.kept.w;
        self.kept += tie.rows;
        self.right += tie.right;
        for (c, t) in self.counts.iter_mut().zip(tie.counts) {
            *c += t;
        }
        self.rank += tie.n;
        // Mean over rows of the risk at the coverage each row enters
        // (every row of a tie enters at the tie's coverage).
        self.area += (self.kept.w - before) * (1.0 - self.right.w / self.kept.w);
        self.pending = Some((tie.confidence, self.kept, self.right, self.counts));
    }

    fn keep(&mut self, (t, kept, right, counts): (f64, Count, Count, [Count; 3])) {
        self.out.thresholds.push(t);
        self.out.kept.push(kept);
        self.out.errors.push(kept - right);
        self.out.accuracy.push(right.w / kept.w);
        self.out.class_counts.push(counts);
    }

    fn finish(mut self) -> RiskCoverage {
        if let Some(p) = self.pending.take() {
            self.keep(p);
        }
        let n = self.kept;
        self.out.rows = n;
        self.out.coverage = self.out.kept.iter().map(|k| k.w / n.w).collect();
        self.out.aurc = (n.w > 0.0).then(|| self.area / n.w);
        self.out
    }
}

impl RiskCoverage {
    /// The curve of `confidence` (NaN rows left out) against `correct`.
    #[must_use]
    pub fn new(
        confidence: &[f64],
        correct: impl Fn(usize) -> bool + Sync,
        unit: impl Fn(usize) -> Count + Sync,
    ) -> Self {
        Self::with_class(confidence, correct, unit, |_| (false, false))
    }

    /// The curve of the rows `keep` accepts.
    #[must_use]
    pub fn of_rows(
        confidence: &[f64],
        correct: impl Fn(usize) -> bool,
        unit: impl Fn(usize) -> Count,
        keep: impl Fn(usize) -> bool,
    ) -> Self {
        let rows = (0..confidence.len()).filter(|&i| keep(i));
        Self::curve(confidence, &correct, &unit, &|_| (false, false), rows, &[])
    }

    /// One curve per group: `cell` gives each row's group, of `groups`.
    /// Each is exact at the thresholds `exact_at` (see
    /// [`RiskCoverage::with_class_at`]).
    #[must_use]
    pub fn by_group(
        confidence: &[f64],
        correct: impl Fn(usize) -> bool + Sync,
        unit: impl Fn(usize) -> Count + Sync,
        cell: impl Fn(usize) -> usize + Sync,
        groups: usize,
        exact_at: &[f64],
    ) -> Vec<Self> {
        use rayon::prelude::*;
        let exact = exact_order(exact_at);
        // A group's curve has no class counts.
        let curve = |rows: &mut dyn Iterator<Item = usize>| {
            let rows: Vec<usize> = rows.collect();
            Self::curve(
                confidence,
                &correct,
                &unit,
                &|_| (false, false),
                rows.into_iter(),
                &exact,
            )
        };
        // Each group's rows listed once (4 bytes a row), the groups' curves
        // made on all cores.
        if let Some(members) =
            crate::core::stats::Members::of(confidence.len(), groups, |i| Some(cell(i)))
        {
            return (0..groups)
                .into_par_iter()
                .map(|g| curve(&mut members.of_group(g).iter().map(|&r| r as usize)))
                .collect();
        }
        // Past 2^32 − 1 rows: lists of 64-bit row numbers.
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); groups];
        for i in 0..confidence.len() {
            members[cell(i)].push(i);
        }
        members
            .par_iter()
            .map(|m| curve(&mut m.iter().copied()))
            .collect()
    }

    /// The curve with one class's counts: `class(i)` says whether row `i`
    /// is truly of the class and whether it was predicted as it.
    #[must_use]
    pub fn with_class(
        confidence: &[f64],
        correct: impl Fn(usize) -> bool + Sync,
        unit: impl Fn(usize) -> Count + Sync,
        class: impl Fn(usize) -> (bool, bool) + Sync,
    ) -> Self {
        Self::with_class_at(confidence, correct, unit, class, &[])
    }

    /// [`RiskCoverage::with_class`], with exact points at `exact_at`. Over
    /// more than [`MAX_POINTS`] rows with as many distinct confidences
    /// (scores of full precision) the curve keeps about [`MAX_POINTS`]
    /// points evenly spaced in rank, the last one at or above each of
    /// `exact_at`, and the last; its area is computed over every tie. At a
    /// kept threshold (see [`RiskCoverage::snap`]) every count is exact.
    #[must_use]
    pub fn with_class_at(
        confidence: &[f64],
        correct: impl Fn(usize) -> bool + Sync,
        unit: impl Fn(usize) -> Count + Sync,
        class: impl Fn(usize) -> (bool, bool) + Sync,
        exact_at: &[f64],
    ) -> Self {
        // Every row: the ties are gathered on all cores.
        let n = confidence.iter().filter(|c| !c.is_nan()).count();
        let exact = exact_order(exact_at);
        let mut points = Points::new(n, &exact);
        match Tie::by_hashing_all(confidence, &correct, &unit, &class) {
            Some(ties) => ties.into_iter().for_each(|t| points.add(t)),
            None => Tie::by_sorting(
                confidence,
                &correct,
                &unit,
                &class,
                0..confidence.len(),
                &mut |t| points.add(t),
            ),
        }
        points.finish()
    }

    /// The curve of `rows`, exact at `exact` (in [`exact_order`]).
    fn curve(
        confidence: &[f64],
        correct: &impl Fn(usize) -> bool,
        unit: &impl Fn(usize) -> Count,
        class: &impl Fn(usize) -> (bool, bool),
        rows: impl Iterator<Item = usize> + Clone,
        exact: &[f64],
    ) -> Self {
        let n = rows.clone().filter(|&i| !confidence[i].is_nan()).count();
        let mut points = Points::new(n, exact);
        match Tie::by_hashing(confidence, correct, unit, class, rows.clone()) {
            Some(ties) => ties.into_iter().for_each(|t| points.add(t)),
            None => Tie::by_sorting(confidence, correct, unit, class, rows, &mut |t| {
                points.add(t);
            }),
        }
        points.finish()
    }

    /// The kept threshold nearest `t`: `t` itself when the curve kept every
    /// tie. Counts at a kept threshold are exact.
    #[must_use]
    pub fn snap(&self, t: f64) -> f64 {
        if self.every_tie || self.thresholds.is_empty() {
            return t;
        }
        // Thresholds fall: the first at or below t, and the one before it.
        let i = self.thresholds.partition_point(|&x| x > t);
        let below = self.thresholds.get(i).copied();
        let above = i.checked_sub(1).map(|j| self.thresholds[j]);
        match (above, below) {
            (Some(a), Some(b)) => {
                if a - t <= t - b {
                    a
                } else {
                    b
                }
            }
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => t,
        }
    }

    /// Coverage and accuracy when keeping rows with confidence at or above
    /// `t`: (kept, coverage, accuracy).
    #[must_use]
    pub fn at(&self, t: f64) -> (Count, Option<f64>, Option<f64>) {
        match self.index(t) {
            None => (Count::ZERO, (self.rows.w > 0.0).then_some(0.0), None),
            Some(k) => (self.kept[k], Some(self.coverage[k]), Some(self.accuracy[k])),
        }
    }

    /// The misclassified rows among those kept at `t`.
    #[must_use]
    pub fn errors_at(&self, t: f64) -> Count {
        self.index(t)
            .and_then(|k| self.errors.get(k).copied())
            .unwrap_or_default()
    }

    /// The class's (true positives, false positives, false negatives) among
    /// the rows kept at `t`.
    #[must_use]
    pub fn class_counts_at(&self, t: f64) -> [Count; 3] {
        self.index(t)
            .and_then(|k| self.class_counts.get(k).copied())
            .unwrap_or_default()
    }

    fn index(&self, t: f64) -> Option<usize> {
        self.thresholds.partition_point(|&x| x >= t).checked_sub(1)
    }
}

/// The rows of one confidence value: their count, how many are right, and
/// one class's (true positive, false positive, false negative) counts.
#[derive(Clone, Copy)]
struct Tie {
    confidence: f64,
    /// Rows, unweighted.
    n: usize,
    rows: Count,
    right: Count,
    counts: [Count; 3],
    /// Rows of unit weight (every row without weights), tallied in
    /// integers until [`Tie::settle`] adds them to the counts: rows, right,
    /// and the three class counts.
    ones: [u64; 5],
}

impl Tie {
    fn new(confidence: f64) -> Self {
        Self {
            confidence,
            n: 0,
            rows: Count::ZERO,
            right: Count::ZERO,
            counts: [Count::ZERO; 3],
            ones: [0; 5],
        }
    }

    fn add(&mut self, unit: Count, right: bool, (actual, predicted): (bool, bool)) {
        self.n += 1;
        if unit == Count::ONE {
            self.ones[0] += 1;
            self.ones[1] += u64::from(right);
            match (actual, predicted) {
                (true, true) => self.ones[2] += 1,
                (false, true) => self.ones[3] += 1,
                (true, false) => self.ones[4] += 1,
                (false, false) => {}
            }
            return;
        }
        self.rows += unit;
        if right {
            self.right += unit;
        }
        match (actual, predicted) {
            (true, true) => self.counts[0] += unit,
            (false, true) => self.counts[1] += unit,
            (true, false) => self.counts[2] += unit,
            (false, false) => {}
        }
    }

    /// Adds the rows of unit weight tallied so far to the counts: the
    /// same counts as adding ones (sums of ones are exact).
    fn settle(mut self) -> Self {
        let [rows, right, tp, fp, fn_] = std::mem::take(&mut self.ones);
        self.rows += Count::unweighted(rows);
        self.right += Count::unweighted(right);
        for (c, n) in self.counts.iter_mut().zip([tp, fp, fn_]) {
            *c += Count::unweighted(n);
        }
        self
    }

    /// A confidence's key in a [`Distinct`] table (`None`: no confidence).
    fn key(c: f64) -> Option<u64> {
        (!c.is_nan()).then(|| sort_key(c))
    }

    /// The ties of a [`Distinct`] table, from the highest confidence down.
    fn descending(ties: Vec<(u64, Self)>) -> Vec<Self> {
        ties.into_iter().rev().map(|(_, t)| t).collect()
    }

    /// Adds another part's tie of the same confidence.
    fn merge(&mut self, more: Self) {
        self.n += more.n;
        self.rows += more.rows;
        self.right += more.right;
        for (a, b) in self.counts.iter_mut().zip(more.counts) {
            *a += b;
        }
    }

    /// The ties from the highest confidence down, gathered in one pass over
    /// the rows without moving them (scores rounded to a few decimals, a
    /// cube's binned scores); `None` past [`crate::core::stats::MAX_DISTINCT`]
    /// distinct values.
    fn by_hashing(
        confidence: &[f64],
        correct: &impl Fn(usize) -> bool,
        unit: &impl Fn(usize) -> Count,
        class: &impl Fn(usize) -> (bool, bool),
        rows: impl Iterator<Item = usize>,
    ) -> Option<Vec<Self>> {
        let mut table = Distinct::default();
        let fits = table.gather(
            rows,
            |i| Self::key(confidence[i]),
            |k| Self::new(from_sort_key(k)),
            |t: &mut Self, i| t.add(unit(i), correct(i), class(i)),
        );
        fits.then(|| {
            Self::descending(table.sorted())
                .into_iter()
                .map(Self::settle)
                .collect()
        })
    }

    /// [`Tie::by_hashing`] over every row, on all cores (see
    /// [`crate::core::stats::distinct`]).
    fn by_hashing_all(
        confidence: &[f64],
        correct: &(impl Fn(usize) -> bool + Sync),
        unit: &(impl Fn(usize) -> Count + Sync),
        class: &(impl Fn(usize) -> (bool, bool) + Sync),
    ) -> Option<Vec<Self>> {
        let ties = crate::core::stats::distinct(
            confidence.len(),
            |i| Self::key(confidence[i]),
            |k| Self::new(from_sort_key(k)),
            |t: &mut Self, i| t.add(unit(i), correct(i), class(i)),
            |t| *t = t.settle(),
            Self::merge,
        )?;
        Some(Self::descending(ties))
    }

    /// The ties from the highest confidence down, handed to `each` one by
    /// one, by sorting the rows: 16 bytes a row (confidence, row, flags); a
    /// row's weight is looked up after sorting (only weighted rows have one
    /// to look up).
    #[allow(clippy::float_cmp)] // ties are exactly equal scores
    fn by_sorting(
        confidence: &[f64],
        correct: &impl Fn(usize) -> bool,
        unit: &impl Fn(usize) -> Count,
        class: &impl Fn(usize) -> (bool, bool),
        rows: impl Iterator<Item = usize>,
        each: &mut dyn FnMut(Self),
    ) {
        let mut rows: Vec<(f64, u32, u8)> = rows
            .map(|i| (i, confidence[i]))
            .filter(|(_, c)| !c.is_nan())
            .map(|(i, c)| {
                let (actual, predicted) = class(i);
                let flags =
                    u8::from(correct(i)) | (u8::from(actual) << 1) | (u8::from(predicted) << 2);
                (c, u32::try_from(i).unwrap_or(u32::MAX), flags)
            })
            .collect();
        // On all cores (10M distinct confidences took a third of a second
        // on one), rows of one confidence in row order: the same order
        // whatever the threads, so weighted sums come out the same.
        {
            use rayon::prelude::*;
            rows.par_sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        }
        let mut tie: Option<Self> = None;
        for (c, row, flags) in rows {
            if tie.as_ref().is_some_and(|t| t.confidence != c)
                && let Some(done) = tie.take()
            {
                each(done.settle());
            }
            tie.get_or_insert_with(|| Self::new(c)).add(
                unit(row as usize),
                flags & 1 != 0,
                (flags & 2 != 0, flags & 4 != 0),
            );
        }
        if let Some(done) = tie {
            each(done.settle());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::stats::MAX_DISTINCT;

    #[test]
    #[allow(clippy::cast_precision_loss)]
    fn ties_gathered_by_hashing_equal_ties_found_by_sorting() {
        let conf: Vec<f64> = (0..5_000_u32)
            .map(|i| match i % 97 {
                0 => f64::NAN,
                1 => -0.0,
                2 => 0.0,
                k => f64::from((i * 7_919) % 101) / 100.0 + f64::from(k % 2) * 0.001,
            })
            .collect();
        let correct = |i: usize| !i.is_multiple_of(3);
        let unit = |i: usize| Count::of_weight(0.5 + (i % 4) as f64, true);
        let class = |i: usize| (i.is_multiple_of(5), i.is_multiple_of(7));
        let all = 0..conf.len();
        let hashed = Tie::by_hashing(&conf, &correct, &unit, &class, all.clone()).unwrap();
        let mut sorted = Vec::new();
        Tie::by_sorting(&conf, &correct, &unit, &class, all, &mut |t| sorted.push(t));
        assert!(hashed.len() > 100);
        assert_eq!(hashed.len(), sorted.len());
        for (h, s) in hashed.iter().zip(&sorted) {
            assert_eq!(h.confidence.to_bits(), (s.confidence + 0.0).to_bits());
            for (a, b) in [(h.rows, s.rows), (h.right, s.right)]
                .into_iter()
                .chain(h.counts.into_iter().zip(s.counts))
            {
                assert!((a.w - b.w).abs() < 1e-9 && (a.units - b.units).abs() < 1e-9);
            }
        }
        // Past the limit, hashing gives way to sorting.
        let distinct: Vec<f64> = (0..=MAX_DISTINCT).map(|i| i as f64).collect();
        assert!(Tie::by_hashing(&distinct, &correct, &unit, &class, 0..distinct.len()).is_none());
    }

    #[test]
    fn ties_gathered_on_all_cores_equal_ties_gathered_in_one_pass() {
        // Three parts of rows, confidences each part has and some only
        // one part has.
        let rows = 2_600_000_u32;
        let conf: Vec<f64> = (0..rows)
            .map(|i| match i % 89 {
                0 => f64::NAN,
                1 => -0.0,
                _ => {
                    f64::from(((i % 1_009) * 7_919) % 1_009) / 1_009.0
                        + f64::from(i / 1_000_000) * 0.0001
                }
            })
            .collect();
        let correct = |i: usize| !i.is_multiple_of(3);
        let class = |i: usize| (i.is_multiple_of(5), i.is_multiple_of(7));
        let all = 0..conf.len();
        let one = Tie::by_hashing(&conf, &correct, &|_| Count::ONE, &class, all.clone()).unwrap();
        let parts = Tie::by_hashing_all(&conf, &correct, &|_| Count::ONE, &class).unwrap();
        assert!(one.len() > 2_000);
        assert_eq!(one.len(), parts.len());
        for (a, b) in one.iter().zip(&parts) {
            assert_eq!(a.confidence.to_bits(), b.confidence.to_bits());
            assert_eq!(
                (a.n, a.rows, a.right, a.counts),
                (b.n, b.rows, b.right, b.counts)
            );
        }
        // Distinct confidences past the limit over all parts (43,334 in
        // each): sorting takes over.
        let distinct: Vec<f64> = (0..rows).map(|i| f64::from(i / 20)).collect();
        assert!(Tie::by_hashing_all(&distinct, &correct, &|_| Count::ONE, &class).is_none());
    }
}
