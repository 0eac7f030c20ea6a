//! Classification metrics with scikit-learn semantics: confusion matrix,
//! accuracy, balanced accuracy, per-class precision/recall/F1 and their
//! micro/macro/weighted averages, one-vs-rest rates for a positive class.
//!
//! Undefined values (0/0) are `None`. Averages follow scikit-learn with
//! `zero_division=np.nan`: undefined per-class values are left out of the
//! macro and weighted averages instead of counting as 0.

use serde::Serialize;

use super::stats::{Count, Interval, Proportion, ratio};

/// Classes up to which the matrix is stored densely; above, only its
/// non-zero cells (at most one per row of data) are kept.
pub const DENSE_CLASSES: usize = 512;

/// The cells of a confusion matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
enum Cells {
    /// `n * n` counts, row-major.
    Dense(Vec<Count>),
    /// Non-zero counts by `truth * n + pred`.
    Sparse(rustc_hash::FxHashMap<u64, Count>),
}

/// A confusion matrix: rows are true classes, columns predicted classes.
/// Row, column and diagonal sums are kept beside the cells, so every
/// per-class number costs O(classes) whatever the storage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    n: usize,
    cells: Cells,
    row_sums: Vec<Count>,
    col_sums: Vec<Count>,
    diagonal: Vec<Count>,
    total: Count,
}

/// How to normalise a confusion matrix (scikit-learn's `normalize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Normalize {
    /// Raw counts.
    #[default]
    None,
    /// Each row sums to 1 (recall on the diagonal).
    True,
    /// Each column sums to 1 (precision on the diagonal).
    Pred,
    /// The whole matrix sums to 1.
    All,
}

impl Confusion {
    /// An all-zero matrix over `n` classes.
    #[must_use]
    pub fn new(n: usize) -> Self {
        let cells = if n <= DENSE_CLASSES {
            Cells::Dense(vec![Count::ZERO; n * n])
        } else {
            Cells::Sparse(rustc_hash::FxHashMap::default())
        };
        Self {
            n,
            cells,
            row_sums: vec![Count::ZERO; n],
            col_sums: vec![Count::ZERO; n],
            diagonal: vec![Count::ZERO; n],
            total: Count::ZERO,
        }
    }

    /// Counts (label, prediction) pairs, each one example.
    ///
    /// Each (label, prediction) pair is tallied in an integer on all cores
    /// and becomes a count at the end: the counts [`Self::weighted`] gives
    /// with unit weights (sums of ones are exact), where adding a row to
    /// five floating-point sums made each row wait on the last.
    #[must_use]
    pub fn from_codes(label: &[u32], pred: &[u32], n_classes: usize) -> Self {
        if n_classes > DENSE_CLASSES {
            return Self::weighted(label, pred, n_classes, |_| Count::ONE);
        }
        let tallies =
            super::stats::tally(label.len().min(pred.len()), n_classes * n_classes, |row| {
                Some(label[row] as usize * n_classes + pred[row] as usize)
            });
        let mut m = Self::new(n_classes);
        for (key, &n) in tallies.iter().enumerate().filter(|(_, n)| **n > 0) {
            m.bump(key / n_classes, key % n_classes, Count::unweighted(n), true);
        }
        m
    }

    /// Counts (label, prediction) pairs, each weighing `unit(row)`
    /// ([`crate::core::dataset::Dataset::unit`]).
    #[must_use]
    pub fn weighted(
        label: &[u32],
        pred: &[u32],
        n_classes: usize,
        unit: impl Fn(usize) -> Count + Sync,
    ) -> Self {
        if n_classes > DENSE_CLASSES {
            let mut m = Self::new(n_classes);
            for (row, (&t, &p)) in label.iter().zip(pred).enumerate() {
                m.add(t, p, unit(row));
            }
            return m;
        }
        // Dense: the rows in parts on all cores, merged in order.
        let bytes = (n_classes * n_classes + 3 * n_classes) * std::mem::size_of::<Count>();
        super::stats::fold_rows(
            label.len().min(pred.len()),
            bytes,
            || Self::new(n_classes),
            |m, row| m.add(label[row], pred[row], unit(row)),
            |m, other| m.merge_dense(&other),
        )
    }

    /// Adds the counts of another dense matrix over the same classes.
    fn merge_dense(&mut self, other: &Self) {
        if let (Cells::Dense(a), Cells::Dense(b)) = (&mut self.cells, &other.cells) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += *y;
            }
        }
        for (a, b) in [
            (&mut self.row_sums, &other.row_sums),
            (&mut self.col_sums, &other.col_sums),
            (&mut self.diagonal, &other.diagonal),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += *y;
            }
        }
        self.total += other.total;
    }

    fn bump(&mut self, t: usize, p: usize, by: Count, up: bool) {
        let step = |v: &mut Count| {
            if up {
                *v += by;
            } else {
                *v -= by;
                if v.is_zero() {
                    *v = Count::ZERO;
                }
            }
        };
        let key = t * self.n + p;
        match &mut self.cells {
            Cells::Dense(c) => step(&mut c[key]),
            Cells::Sparse(c) => {
                let v = c.entry(key as u64).or_insert(Count::ZERO);
                step(v);
                if v.is_zero() {
                    c.remove(&(key as u64));
                }
            }
        }
        step(&mut self.row_sums[t]);
        step(&mut self.col_sums[p]);
        if t == p {
            step(&mut self.diagonal[t]);
        }
        step(&mut self.total);
    }

    /// Adds one example of weight `by`.
    #[inline]
    pub fn add(&mut self, truth: u32, pred: u32, by: Count) {
        self.bump(truth as usize, pred as usize, by, true);
    }

    /// Removes one example of weight `by` (used by incremental updates).
    #[inline]
    pub fn remove(&mut self, truth: u32, pred: u32, by: Count) {
        if self.get(truth as usize, pred as usize).w > 0.0 {
            self.bump(truth as usize, pred as usize, by, false);
        }
    }

    /// Number of classes.
    #[must_use]
    pub fn n_classes(&self) -> usize {
        self.n
    }

    /// Whether only the non-zero cells are stored (more than [`DENSE_CLASSES`]).
    #[must_use]
    pub fn is_sparse(&self) -> bool {
        matches!(self.cells, Cells::Sparse(_))
    }

    /// The count of examples of class `truth` predicted as `pred`.
    #[must_use]
    #[inline]
    pub fn get(&self, truth: usize, pred: usize) -> Count {
        let key = truth * self.n + pred;
        match &self.cells {
            Cells::Dense(c) => c[key],
            Cells::Sparse(c) => c.get(&(key as u64)).copied().unwrap_or(Count::ZERO),
        }
    }

    /// The non-zero cells as (true class, predicted class, count), in no
    /// particular order.
    #[must_use]
    pub fn nonzero(&self) -> Box<dyn Iterator<Item = (usize, usize, Count)> + '_> {
        let n = self.n.max(1);
        match &self.cells {
            Cells::Dense(c) => Box::new(
                c.iter()
                    .enumerate()
                    .filter(|(_, v)| v.w != 0.0)
                    .map(move |(k, &v)| (k / n, k % n, v)),
            ),
            #[allow(clippy::cast_possible_truncation)]
            Cells::Sparse(c) => Box::new(
                c.iter()
                    .map(move |(&k, &v)| (k as usize / n, k as usize % n, v)),
            ),
        }
    }

    /// Examples whose true class is `class` (its support).
    #[must_use]
    pub fn row_sum(&self, class: usize) -> Count {
        self.row_sums[class]
    }

    /// Examples predicted as `class`.
    #[must_use]
    pub fn col_sum(&self, class: usize) -> Count {
        self.col_sums[class]
    }

    /// All examples.
    #[must_use]
    pub fn total(&self) -> Count {
        self.total
    }

    /// Correctly classified examples (the diagonal).
    #[must_use]
    pub fn correct(&self) -> Count {
        self.diagonal.iter().sum()
    }

    /// The matrix as rows of counts: `n * n` numbers, so only for matrices
    /// small enough to print (see [`DENSE_CLASSES`]).
    #[must_use]
    pub fn rows(&self) -> Vec<Vec<Count>> {
        (0..self.n)
            .map(|t| (0..self.n).map(|p| self.get(t, p)).collect())
            .collect()
    }

    /// The matrix normalised; cells with a zero denominator are `None`
    /// (`n * n` numbers, as [`Confusion::rows`]).
    #[must_use]
    pub fn normalized(&self, how: Normalize) -> Vec<Vec<Option<f64>>> {
        let total = self.total();
        let (rows, cols) = (&self.row_sums, &self.col_sums);
        #[allow(clippy::cast_precision_loss)]
        (0..self.n)
            .map(|t| {
                (0..self.n)
                    .map(|p| {
                        let v = self.get(t, p).w;
                        match how {
                            Normalize::None => Some(v),
                            Normalize::True => ratio(v, rows[t].w),
                            Normalize::Pred => ratio(v, cols[p].w),
                            Normalize::All => ratio(v, total.w),
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Accuracy (`accuracy_score`).
    #[must_use]
    pub fn accuracy(&self) -> Proportion {
        Proportion::new(self.correct(), self.total())
    }

    /// Balanced accuracy (`balanced_accuracy_score`): the mean recall over
    /// classes that occur in the true labels.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn balanced_accuracy(&self) -> Option<f64> {
        let recalls: Vec<f64> = (0..self.n)
            .filter_map(|c| ratio(self.diagonal[c].w, self.row_sums[c].w))
            .collect();
        (!recalls.is_empty()).then(|| recalls.iter().sum::<f64>() / recalls.len() as f64)
    }

    /// One-vs-rest counts for `positive`.
    #[must_use]
    pub fn binary(&self, positive: usize) -> BinaryCounts {
        let tp = self.diagonal[positive];
        let fn_ = self.row_sum(positive) - tp;
        let fp = self.col_sum(positive) - tp;
        let tn = self.total() - tp - fn_ - fp;
        BinaryCounts { tp, fp, fn_, tn }
    }

    /// Per-class precision, recall, F1 and support.
    #[must_use]
    pub fn per_class(&self, classes: &[String]) -> Vec<ClassMetrics> {
        (0..self.n)
            .map(|c| {
                let tp = self.diagonal[c];
                let support = self.row_sums[c];
                let predicted = self.col_sums[c];
                ClassMetrics {
                    class: classes.get(c).cloned().unwrap_or_default(),
                    precision: ratio(tp.w, predicted.w),
                    recall: ratio(tp.w, support.w),
                    f1: ratio(2.0 * tp.w, support.w + predicted.w),
                    support,
                    predicted,
                    false_positives: predicted - tp,
                    false_negatives: support - tp,
                    precision_ci: Proportion::new(tp, predicted).ci(),
                    recall_ci: Proportion::new(tp, support).ci(),
                }
            })
            .collect()
    }

    /// Micro, macro and weighted averages of precision, recall and F1.
    #[must_use]
    pub fn averages(&self) -> Averages {
        let per_class = self.per_class(&[]);
        let tp = self.correct().w;
        let support: f64 = per_class.iter().map(|c| c.support.w).sum();
        let predicted: f64 = per_class.iter().map(|c| c.predicted.w).sum();
        let micro = Prf {
            precision: ratio(tp, predicted),
            recall: ratio(tp, support),
            f1: ratio(2.0 * tp, support + predicted),
        };
        let pick = |f: fn(&ClassMetrics) -> Option<f64>| -> Vec<(Option<f64>, f64)> {
            per_class.iter().map(|c| (f(c), c.support.w)).collect()
        };
        let avg = |weighted: bool| Prf {
            precision: nan_average(&pick(|c| c.precision), weighted),
            recall: nan_average(&pick(|c| c.recall), weighted),
            f1: nan_average(&pick(|c| c.f1), weighted),
        };
        Averages {
            micro,
            macro_avg: avg(false),
            weighted: avg(true),
        }
    }
}

/// scikit-learn's `_nanaverage`: the (weighted) mean of the defined values;
/// when all their weights are 0, the plain mean.
#[allow(clippy::cast_precision_loss)]
fn nan_average(values: &[(Option<f64>, f64)], weighted: bool) -> Option<f64> {
    let defined: Vec<(f64, f64)> = values
        .iter()
        .filter_map(|&(v, w)| v.map(|v| (v, w)))
        .collect();
    if defined.is_empty() {
        return None;
    }
    let weight_sum: f64 = defined.iter().map(|(_, w)| w).sum();
    if weighted && weight_sum > 0.0 {
        Some(defined.iter().map(|&(v, w)| v * w).sum::<f64>() / weight_sum)
    } else {
        Some(defined.iter().map(|(v, _)| v).sum::<f64>() / defined.len() as f64)
    }
}

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassMetrics {
    /// Class name.
    pub class: String,
    /// TP / predicted as this class.
    pub precision: Option<f64>,
    /// TP / truly this class.
    pub recall: Option<f64>,
    /// 2 TP / (support + predicted).
    pub f1: Option<f64>,
    /// Examples truly of this class.
    pub support: Count,
    /// Examples predicted as this class.
    pub predicted: Count,
    /// Examples wrongly predicted as this class.
    pub false_positives: Count,
    /// Examples of this class predicted as another.
    pub false_negatives: Count,
    /// Wilson 95% interval of precision.
    pub precision_ci: Option<Interval>,
    /// Wilson 95% interval of recall.
    pub recall_ci: Option<Interval>,
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    /// Precision.
    pub precision: Option<f64>,
    /// Recall.
    pub recall: Option<f64>,
    /// F1.
    pub f1: Option<f64>,
}

/// The three averages of `classification_report`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Averages {
    /// Pooled over all examples.
    pub micro: Prf,
    /// Unweighted mean over classes.
    #[serde(rename = "macro")]
    pub macro_avg: Prf,
    /// Mean weighted by support.
    pub weighted: Prf,
}

/// One-vs-rest counts for a positive class.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct BinaryCounts {
    /// Positive, predicted positive.
    pub tp: Count,
    /// Negative, predicted positive.
    pub fp: Count,
    /// Positive, predicted negative.
    #[serde(rename = "fn")]
    pub fn_: Count,
    /// Negative, predicted negative.
    pub tn: Count,
}

impl BinaryCounts {
    /// All examples.
    #[must_use]
    pub fn total(&self) -> Count {
        self.tp + self.fp + self.fn_ + self.tn
    }

    /// Adds one example of weight `by`.
    #[inline]
    pub fn add(&mut self, actual_positive: bool, predicted_positive: bool, by: Count) {
        match (actual_positive, predicted_positive) {
            (true, true) => self.tp += by,
            (false, true) => self.fp += by,
            (true, false) => self.fn_ += by,
            (false, false) => self.tn += by,
        }
    }

    /// True positive rate (recall, sensitivity): TP / (TP + FN).
    #[must_use]
    pub fn tpr(&self) -> Proportion {
        Proportion::new(self.tp, self.tp + self.fn_)
    }

    /// False positive rate: FP / (FP + TN).
    #[must_use]
    pub fn fpr(&self) -> Proportion {
        Proportion::new(self.fp, self.fp + self.tn)
    }

    /// False negative rate: FN / (TP + FN).
    #[must_use]
    pub fn fnr(&self) -> Proportion {
        Proportion::new(self.fn_, self.tp + self.fn_)
    }

    /// True negative rate (specificity): TN / (FP + TN).
    #[must_use]
    pub fn tnr(&self) -> Proportion {
        Proportion::new(self.tn, self.fp + self.tn)
    }

    /// Precision: TP / (TP + FP).
    #[must_use]
    pub fn precision(&self) -> Proportion {
        Proportion::new(self.tp, self.tp + self.fp)
    }

    /// Selection rate (fairlearn): predicted positive / all.
    #[must_use]
    pub fn selection_rate(&self) -> Proportion {
        Proportion::new(self.tp + self.fp, self.total())
    }

    /// Prevalence: actually positive / all.
    #[must_use]
    pub fn prevalence(&self) -> Proportion {
        Proportion::new(self.tp + self.fn_, self.total())
    }

    /// F1 of the positive class: 2 TP / (2 TP + FP + FN); `None` when 0/0.
    #[must_use]
    pub fn f1(&self) -> Option<f64> {
        ratio(2.0 * self.tp.w, 2.0 * self.tp.w + self.fp.w + self.fn_.w)
    }

    /// Binary accuracy: (TP + TN) / all.
    #[must_use]
    pub fn accuracy(&self) -> Proportion {
        Proportion::new(self.tp + self.tn, self.total())
    }

    /// The named rates with their intervals.
    #[must_use]
    pub fn rates(&self) -> BinaryRates {
        BinaryRates {
            tp: self.tp,
            fp: self.fp,
            fn_: self.fn_,
            tn: self.tn,
            tpr: self.tpr().into(),
            fpr: self.fpr().into(),
            fnr: self.fnr().into(),
            tnr: self.tnr().into(),
            precision: self.precision().into(),
            selection_rate: self.selection_rate().into(),
            prevalence: self.prevalence().into(),
        }
    }
}

/// A proportion as reported: value and Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    /// Point estimate (`None` when undefined).
    pub value: Option<f64>,
    /// Wilson 95% interval.
    pub ci: Option<Interval>,
}

impl From<Proportion> for Rate {
    fn from(p: Proportion) -> Self {
        Self {
            value: p.value(),
            ci: p.ci(),
        }
    }
}

/// One-vs-rest rates for a positive class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BinaryRates {
    /// True positives.
    pub tp: Count,
    /// False positives.
    pub fp: Count,
    /// False negatives.
    #[serde(rename = "fn")]
    pub fn_: Count,
    /// True negatives.
    pub tn: Count,
    /// True positive rate.
    pub tpr: Rate,
    /// False positive rate.
    pub fpr: Rate,
    /// False negative rate.
    pub fnr: Rate,
    /// True negative rate.
    pub tnr: Rate,
    /// Precision.
    pub precision: Rate,
    /// Selection rate.
    pub selection_rate: Rate,
    /// Prevalence.
    pub prevalence: Rate,
}

/// How to order classes in a confusion matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ClassOrder {
    /// As in the data (sorted names).
    #[default]
    Name,
    /// Most frequent true class first.
    Support,
    /// Most misclassified true class first.
    Errors,
}

/// The label of the bucket that collects the classes beyond the top N.
pub const OTHER: &str = "(other)";

impl Confusion {
    /// Class indices in the requested order (ties keep name order).
    #[must_use]
    pub fn class_order(&self, order: ClassOrder) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.n).collect();
        match order {
            ClassOrder::Name => {}
            ClassOrder::Support => {
                idx.sort_by(|&a, &b| self.row_sum(b).w.total_cmp(&self.row_sum(a).w));
            }
            ClassOrder::Errors => {
                let errors = |c: usize| self.row_sums[c].w - self.diagonal[c].w;
                idx.sort_by(|&a, &b| errors(b).total_cmp(&errors(a)));
            }
        }
        idx
    }

    /// Class order for a view that shows `top` classes: the `top` largest
    /// (most errors when ordering by errors, else most examples) in `order`,
    /// then the rest, for [`Confusion::collapse`]. Ordering by name must not
    /// mean showing the alphabetically first classes.
    #[must_use]
    pub fn top_classes(&self, order: ClassOrder, top: usize) -> Vec<usize> {
        let rank = match order {
            ClassOrder::Errors => ClassOrder::Errors,
            ClassOrder::Name | ClassOrder::Support => ClassOrder::Support,
        };
        let ranked = self.class_order(rank);
        let keep = top.min(ranked.len());
        let mut position = vec![0; self.n];
        for (i, &c) in self.class_order(order).iter().enumerate() {
            position[c] = i;
        }
        let (mut shown, mut rest) = (ranked[..keep].to_vec(), ranked[keep..].to_vec());
        shown.sort_by_key(|&c| position[c]);
        rest.sort_by_key(|&c| position[c]);
        shown.extend(rest);
        shown
    }

    /// The matrix over the first `top` classes of `order`, with every other
    /// class summed into one [`OTHER`] row and column. Returns the labels too.
    #[must_use]
    pub fn collapse(&self, classes: &[String], order: &[usize], top: usize) -> (Vec<String>, Self) {
        let keep = top.min(order.len());
        let has_other = keep < order.len();
        let size = keep + usize::from(has_other);
        let mut slot = vec![keep; self.n];
        for (i, &c) in order.iter().take(keep).enumerate() {
            slot[c] = i;
        }
        let mut m = Self::new(size);
        for (t, p, v) in self.nonzero() {
            let (st, sp) = (slot[t], slot[p]);
            if let Cells::Dense(c) = &mut m.cells {
                c[st * size + sp] += v;
            } else if let Cells::Sparse(c) = &mut m.cells {
                *c.entry((st * size + sp) as u64).or_insert(Count::ZERO) += v;
            }
            m.row_sums[st] += v;
            m.col_sums[sp] += v;
            if st == sp {
                m.diagonal[st] += v;
            }
            m.total += v;
        }
        let mut labels: Vec<String> = order
            .iter()
            .take(keep)
            .map(|&c| classes[c].clone())
            .collect();
        if has_other {
            labels.push(OTHER.to_string());
        }
        (labels, m)
    }
}

/// A column of the per-class table to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ClassSortKey {
    /// Class name, in the class order.
    Class,
    /// Precision.
    Precision,
    /// Recall.
    Recall,
    /// F1.
    F1,
    /// Support.
    Support,
    /// False positives.
    FalsePositives,
    /// False negatives.
    FalseNegatives,
}

impl ClassSortKey {
    /// Every column, in table order.
    pub const ALL: [Self; 7] = [
        Self::Class,
        Self::Precision,
        Self::Recall,
        Self::F1,
        Self::Support,
        Self::FalsePositives,
        Self::FalseNegatives,
    ];

    /// The column header.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Class => "class",
            Self::Precision => "precision",
            Self::Recall => "recall",
            Self::F1 => "F1",
            Self::Support => "support",
            Self::FalsePositives => "FP",
            Self::FalseNegatives => "FN",
        }
    }

    fn number(self, c: &ClassMetrics) -> Option<f64> {
        match self {
            Self::Class => None,
            Self::Precision => c.precision,
            Self::Recall => c.recall,
            Self::F1 => c.f1,
            Self::Support => Some(c.support.w),
            Self::FalsePositives => Some(c.false_positives.w),
            Self::FalseNegatives => Some(c.false_negatives.w),
        }
    }
}

/// Sorts per-class rows by a column, keeping the class order for `Class`
/// and for ties; undefined values count as lowest.
pub fn sort_classes(rows: &mut [ClassMetrics], key: ClassSortKey, descending: bool) {
    if key != ClassSortKey::Class {
        rows.sort_by(|a, b| {
            let v = |c: &ClassMetrics| key.number(c).unwrap_or(-1.0);
            v(a).total_cmp(&v(b))
        });
    }
    if descending {
        rows.reverse();
    }
}

/// A warning when classes are so unequal that accuracy misleads: the largest
/// class has more than ten times the examples of the smallest, or a class
/// holds under 1% of the examples.
#[must_use]
pub fn skew_warning(per_class: &[ClassMetrics]) -> Option<String> {
    let present: Vec<&ClassMetrics> = per_class.iter().filter(|c| c.support.w > 0.0).collect();
    let total: f64 = present.iter().map(|c| c.support.w).sum();
    let largest = present
        .iter()
        .max_by(|a, b| a.support.w.total_cmp(&b.support.w))?;
    let smallest = present
        .iter()
        .min_by(|a, b| a.support.w.total_cmp(&b.support.w))?;
    let rare: Vec<&str> = present
        .iter()
        .filter(|c| c.support.w * 100.0 < total)
        .map(|c| c.class.as_str())
        .collect();
    let ratio = largest.support.w / smallest.support.w;
    if ratio <= 10.0 && rare.is_empty() {
        return None;
    }
    let mut why = Vec::new();
    if ratio > 10.0 {
        why.push(format!(
            "'{}' has {:.0}× the examples of '{}'",
            largest.class, ratio, smallest.class
        ));
    }
    if !rare.is_empty() {
        why.push(format!("{} under 1% of the data", rare.join(", ")));
    }
    Some(format!(
        "The classes are skewed ({}): a model can score high accuracy while missing the rare classes. Judge it by per-class recall and F1, and the macro average.",
        why.join("; ")
    ))
}

#[cfg(test)]
mod order_tests {
    use super::*;

    #[test]
    fn a_sparse_matrix_gives_what_a_dense_one_gives() {
        // 600 classes (sparse) against the same counts summed by hand.
        let n = 600u32;
        let label: Vec<u32> = (0..5000).map(|i| (i * 7) % n).collect();
        let pred: Vec<u32> = label
            .iter()
            .enumerate()
            .map(|(i, &t)| if i % 3 == 0 { (t + 1) % n } else { t })
            .collect();
        let m = Confusion::from_codes(&label, &pred, n as usize);
        assert!(m.is_sparse());
        assert_eq!(m.total(), 5000);
        let mut cells = std::collections::HashMap::new();
        for (&t, &p) in label.iter().zip(&pred) {
            *cells.entry((t as usize, p as usize)).or_insert(0u64) += 1;
        }
        for (&(t, p), &v) in &cells {
            assert_eq!(m.get(t, p), v);
        }
        assert_eq!(m.nonzero().count(), cells.len());
        let correct = label.iter().zip(&pred).filter(|(t, p)| t == p).count() as u64;
        assert_eq!(m.correct(), correct);
        let per = m.per_class(&[]);
        for (c, row) in per.iter().enumerate() {
            let support = label.iter().filter(|&&t| t as usize == c).count() as u64;
            let predicted = pred.iter().filter(|&&p| p as usize == c).count() as u64;
            assert_eq!(row.support, support);
            assert_eq!(row.predicted, predicted);
        }
        let mut m2 = m.clone();
        m2.remove(label[0], pred[0], Count::ONE);
        m2.add(label[0], pred[0], Count::ONE);
        assert_eq!(m, m2);
        let (labels, top) = m.collapse(
            &vec![String::new(); n as usize],
            &m.top_classes(ClassOrder::Name, 10),
            10,
        );
        assert_eq!(labels.len(), 11);
        assert_eq!(top.total(), 5000);
    }

    #[test]
    fn collapsing_keeps_every_count() {
        // classes a, b, c, d; c is the most frequent, then a.
        let m = Confusion::from_codes(&[0, 0, 2, 2, 2, 1, 3], &[0, 2, 2, 2, 0, 3, 3], 4);
        let names: Vec<String> = ["a", "b", "c", "d"]
            .iter()
            .map(ToString::to_string)
            .collect();
        let order = m.class_order(ClassOrder::Support);
        assert_eq!(order[..2], [2, 0]);
        let (labels, top) = m.collapse(&names, &order, 2);
        assert_eq!(labels, vec!["c", "a", OTHER]);
        assert_eq!(top.total(), m.total());
        assert_eq!(top.get(0, 0), 2, "c predicted c");
        assert_eq!(top.get(2, 2), 2, "b->d and d->d both fall inside other");
        assert_eq!(top.get(0, 1), 1, "c predicted a");
    }

    #[test]
    fn the_top_classes_are_the_largest_whatever_the_order() {
        // Supports: a 2, b 1, c 3, d 1. Errors: a 1 (a->c), b 1, c 1, d 0.
        let m = Confusion::from_codes(&[0, 0, 2, 2, 2, 1, 3], &[0, 2, 2, 2, 0, 3, 3], 4);
        assert_eq!(
            m.top_classes(ClassOrder::Name, 2)[..2],
            [0, 2],
            "a and c, by name"
        );
        assert_eq!(m.top_classes(ClassOrder::Support, 2)[..2], [2, 0]);
        assert_eq!(
            m.top_classes(ClassOrder::Errors, 2)[..2],
            [0, 1],
            "ties by name"
        );
        let all = m.top_classes(ClassOrder::Name, 2);
        let mut sorted = all.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, [0, 1, 2, 3], "every class once");
        assert_eq!(m.top_classes(ClassOrder::Name, 9), [0, 1, 2, 3]);
    }

    #[test]
    fn skew_is_reported_when_accuracy_misleads() {
        let m = Confusion::from_codes(&[0; 0], &[0; 0], 2);
        assert_eq!(skew_warning(&m.per_class(&["x".into(), "y".into()])), None);
        let mut label = vec![0u32; 990];
        label.extend([1u32; 9]);
        let m = Confusion::from_codes(&label, &label, 2);
        let w = skew_warning(&m.per_class(&["common".into(), "rare".into()])).unwrap();
        assert!(w.contains("110×") && w.contains("rare under 1%"), "{w}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abc() -> Vec<String> {
        vec!["a".into(), "b".into(), "c".into()]
    }

    #[test]
    fn confusion_counts_and_normalises() {
        // y_true = [a a b b c], y_pred = [a b b b a]
        let m = Confusion::from_codes(&[0, 0, 1, 1, 2], &[0, 1, 1, 1, 0], 3);
        assert_eq!(m.rows(), vec![vec![1, 1, 0], vec![0, 2, 0], vec![1, 0, 0]]);
        assert_eq!(m.accuracy().value(), Some(0.6));
        let by_pred = m.normalized(Normalize::Pred);
        assert_eq!(by_pred[0][2], None, "nothing predicted as c");
        assert_eq!(by_pred[0][0], Some(0.5));
    }

    #[test]
    fn undefined_precision_is_none_and_left_out_of_macro() {
        let m = Confusion::from_codes(&[0, 0, 1, 1, 2], &[0, 1, 1, 1, 0], 3);
        let pc = m.per_class(&abc());
        assert_eq!(pc[2].precision, None);
        assert_eq!(pc[2].recall, Some(0.0));
        assert_eq!(pc[2].f1, Some(0.0));
        let avg = m.averages();
        // precision a = 1/2, b = 2/3, c undefined -> mean of two.
        let expected = f64::midpoint(0.5, 2.0 / 3.0);
        assert!((avg.macro_avg.precision.unwrap() - expected).abs() < 1e-12);
        assert_eq!(avg.micro.precision, Some(0.6));
    }

    #[test]
    fn balanced_accuracy_skips_absent_true_classes() {
        // class c never occurs as a true label
        let m = Confusion::from_codes(&[0, 0, 1, 1], &[0, 2, 1, 1], 3);
        assert_eq!(m.balanced_accuracy(), Some(0.75));
    }

    #[test]
    fn binary_rates_one_vs_rest() {
        let m = Confusion::from_codes(&[0, 0, 1, 1, 2], &[0, 1, 1, 1, 0], 3);
        let b = m.binary(0);
        assert_eq!(
            [b.tp, b.fp, b.fn_, b.tn].map(|c| c.whole()),
            [1, 1, 1, 2].map(Some)
        );
        assert_eq!(b.selection_rate().value(), Some(0.4));
        assert_eq!(b.fpr().value(), Some(1.0 / 3.0));
    }
}
