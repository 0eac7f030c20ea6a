//! Disparities between the groups of a slice: Fairlearn's `between_groups`
//! differences and ratios, Aequitas-style disparity against a reference
//! group, the groups that bear a harm, and bootstrap intervals of the
//! disparities.

use serde::Serialize;

use super::{AEQUITAS_LOW, Group, GroupCounts, SliceError};
use crate::core::bootstrap::multinomial;
use crate::core::metrics::BinaryCounts;
use crate::core::stats::{Count, Interval, Proportion, quantile_sorted, ratio, rng};

/// Fairlearn's `between_groups` disparities over a slice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Disparity {
    /// Largest minus smallest selection rate (needs a positive class).
    pub demographic_parity_difference: Option<f64>,
    /// Smallest over largest selection rate.
    pub demographic_parity_ratio: Option<f64>,
    /// The larger of the TPR and FPR differences.
    pub equalized_odds_difference: Option<f64>,
    /// The smaller of the TPR and FPR ratios.
    pub equalized_odds_ratio: Option<f64>,
    /// Largest minus smallest accuracy.
    pub accuracy_difference: Option<f64>,
    /// Smallest over largest accuracy.
    pub accuracy_ratio: Option<f64>,
}

/// Max − min and min / max of the defined values (groups where the metric is
/// undefined, e.g. TPR without positives, are left out; fairlearn would
/// count them as 0).
fn spread(values: impl Iterator<Item = Option<f64>>) -> (Option<f64>, Option<f64>) {
    let defined: Vec<f64> = values.flatten().collect();
    if defined.is_empty() {
        return (None, None);
    }
    let max = defined.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = defined.iter().copied().fold(f64::INFINITY, f64::min);
    (Some(max - min), ratio(min, max))
}

/// The disparities between `groups`.
#[must_use]
pub fn disparity(groups: &[Group], with_positive: bool) -> Disparity {
    let (acc_diff, acc_ratio) = spread(
        groups
            .iter()
            .map(|g| Proportion::new(g.counts.correct, g.counts.n).value()),
    );
    if !with_positive {
        return Disparity {
            accuracy_difference: acc_diff,
            accuracy_ratio: acc_ratio,
            ..Disparity::default()
        };
    }
    let (dp_diff, dp_ratio) = spread(
        groups
            .iter()
            .map(|g| g.counts.binary.selection_rate().value()),
    );
    let (tpr_diff, tpr_ratio) = spread(groups.iter().map(|g| g.counts.binary.tpr().value()));
    let (fpr_diff, fpr_ratio) = spread(groups.iter().map(|g| g.counts.binary.fpr().value()));
    let worst = |a: Option<f64>, b: Option<f64>, pick: fn(f64, f64) -> f64| match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    };
    Disparity {
        demographic_parity_difference: dp_diff,
        demographic_parity_ratio: dp_ratio,
        equalized_odds_difference: worst(tpr_diff, fpr_diff, f64::max),
        equalized_odds_ratio: worst(tpr_ratio, fpr_ratio, f64::min),
        accuracy_difference: acc_diff,
        accuracy_ratio: acc_ratio,
    }
}

/// The metrics Aequitas-style disparity is reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisparityMetric {
    /// Accuracy.
    Accuracy,
    /// Error rate.
    ErrorRate,
    /// Selection rate (Aequitas "pprev").
    SelectionRate,
    /// True positive rate.
    Tpr,
    /// False positive rate.
    Fpr,
    /// False negative rate.
    Fnr,
    /// Precision.
    Precision,
    /// False discovery rate: 1 − precision, the share of positive
    /// predictions that are wrong.
    Fdr,
}

impl DisparityMetric {
    /// Metrics that need no positive class.
    pub const ALWAYS: [Self; 2] = [Self::Accuracy, Self::ErrorRate];
    /// Metrics that need a positive class.
    pub const WITH_POSITIVE: [Self; 6] = [
        Self::SelectionRate,
        Self::Tpr,
        Self::Fpr,
        Self::Fnr,
        Self::Precision,
        Self::Fdr,
    ];
    /// The rates of harm a group can be disadvantaged on: higher is worse.
    /// Accuracy, TPR and precision are judged by these complements (error
    /// rate, FNR, FDR), because a ratio band is blind near 100%: 0.8 × 91%
    /// accuracy is 73%, while the error rate 9% → 11.5% is 1.28×.
    pub const HARMS: [Self; 4] = [Self::ErrorRate, Self::Fpr, Self::Fnr, Self::Fdr];

    /// The JSON / column name.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Accuracy => "accuracy",
            Self::ErrorRate => "error_rate",
            Self::SelectionRate => "selection_rate",
            Self::Tpr => "tpr",
            Self::Fpr => "fpr",
            Self::Fnr => "fnr",
            Self::Precision => "precision",
            Self::Fdr => "fdr",
        }
    }

    /// The plain name people read: "false positive rate".
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Accuracy => "accuracy",
            Self::ErrorRate => "error rate",
            Self::SelectionRate => "selection rate",
            Self::Tpr => "true positive rate",
            Self::Fpr => "false positive rate",
            Self::Fnr => "false negative rate",
            Self::Precision => "precision",
            Self::Fdr => "false discovery rate",
        }
    }

    /// Reads a metric by its key (`fpr`) or plain name.
    #[must_use]
    pub fn from_key(text: &str) -> Option<Self> {
        [Self::Accuracy, Self::ErrorRate]
            .into_iter()
            .chain(Self::WITH_POSITIVE)
            .find(|m| m.key() == text || m.name() == text)
    }

    /// Which way is worse: `Some(true)` when a higher value is worse (error
    /// rate, FPR, FNR), `Some(false)` when a lower one is (accuracy, TPR,
    /// precision), `None` when neither is (the selection rate: demographic
    /// parity asks for equal rates, so both directions are a disparity).
    #[must_use]
    pub fn higher_is_worse(self) -> Option<bool> {
        match self {
            Self::ErrorRate | Self::Fpr | Self::Fnr | Self::Fdr => Some(true),
            Self::Accuracy | Self::Tpr | Self::Precision => Some(false),
            Self::SelectionRate => None,
        }
    }

    /// The proportion for a group.
    #[must_use]
    pub fn of(self, c: &GroupCounts) -> Proportion {
        match self {
            Self::Accuracy => c.accuracy(),
            Self::ErrorRate => c.error_rate(),
            Self::SelectionRate => c.binary.selection_rate(),
            Self::Tpr => c.binary.tpr(),
            Self::Fpr => c.binary.fpr(),
            Self::Fnr => c.binary.fnr(),
            Self::Precision => c.binary.precision(),
            Self::Fdr => {
                let b = &c.binary;
                Proportion::new(b.fp, b.tp + b.fp)
            }
        }
    }
}

/// Whether a ratio (group / reference) falls outside the Aequitas band
/// 0.8–1.25, either way.
#[must_use]
pub fn outside_band(ratio: f64) -> bool {
    !(AEQUITAS_LOW..=1.0 / AEQUITAS_LOW).contains(&ratio)
}

/// One group's disparity on one metric against the reference group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GroupDisparity {
    /// The metric.
    pub metric: DisparityMetric,
    /// Group value / reference value (`None` when either is undefined or the reference is 0).
    pub ratio: Option<f64>,
    /// Whether the ratio is outside the band either way (a difference in
    /// selection rate is a demographic-parity gap, not a "worse").
    pub outside: bool,
}

/// How much worse a rate of harm must be to count as a disadvantage: the
/// Aequitas band, 1 / 0.8 = 1.25 times the comparison group's rate.
pub const HARM_RATIO: f64 = 1.0 / AEQUITAS_LOW;

/// The groups with at least `min_support` examples (effective examples with
/// fractional weights).
#[must_use]
pub fn supported_groups(groups: &[Group], min_support: u64) -> Vec<usize> {
    #[allow(clippy::cast_precision_loss)]
    let min = min_support as f64;
    (0..groups.len())
        .filter(|&i| groups[i].counts.n.effective() >= min)
        .collect()
}

pub(super) fn select(groups: &[Group], which: &[usize]) -> Vec<Group> {
    which.iter().map(|&i| groups[i].clone()).collect()
}

/// Per group, the rates of harm ([`DisparityMetric::HARMS`]; FPR, FNR and
/// FDR need a positive class) it is disadvantaged on: its rate is more than
/// [`HARM_RATIO`] times the rate of all other rows together, and the
/// difference is beyond chance (Newcombe's 95% interval of the difference
/// lies above 0). Comparing each group with the rest of the data judges
/// every group the same way, the largest included, and does not depend on
/// which group is the reference: on COMPAS by race (positive class 1)
/// African-American defendants are disadvantaged on the false positive rate
/// (44.8% against 22.0% for everyone else) and Caucasian defendants on the
/// false negative rate (47.7% against 33.0%), whichever group is the
/// reference. Groups below the minimum support are not judged; a rate is
/// not compared when the rest's is 0 or undefined.
#[must_use]
pub fn disadvantaged(
    groups: &[Group],
    supported: &[usize],
    with_positive: bool,
) -> Vec<Vec<DisparityMetric>> {
    let mut out = vec![Vec::new(); groups.len()];
    let mut total = GroupCounts::default();
    for g in groups {
        total.add(&g.counts);
    }
    let metrics = DisparityMetric::HARMS
        .iter()
        .copied()
        .filter(|m| with_positive || *m == DisparityMetric::ErrorRate);
    for m in metrics {
        for &g in supported {
            let own = m.of(&groups[g].counts);
            let rest = m.of(&total.without(&groups[g].counts));
            let worse = match (own.value(), rest.value()) {
                (Some(x), Some(y)) if y > 0.0 => {
                    x > y * HARM_RATIO
                        && crate::core::stats::newcombe_difference(own, rest)
                            .is_some_and(|ci| ci.lo > 0.0)
                }
                _ => false,
            };
            if worse {
                out[g].push(m);
            }
        }
    }
    out
}

/// Picks the reference group: the named one, else the largest.
///
/// # Errors
/// When `name` is given but no group has that value.
pub fn reference_group(
    groups: &[Group],
    slice: &str,
    name: Option<&str>,
) -> Result<Option<usize>, SliceError> {
    match name {
        Some(value) => groups
            .iter()
            .position(|g| {
                g.name() == value || g.values.iter().any(|v| v == value) && g.values.len() == 1
            })
            .map(Some)
            .ok_or_else(|| SliceError::NoSuchReference {
                column: slice.to_string(),
                value: value.to_string(),
                groups: groups.iter().map(Group::name).collect(),
            }),
        None => Ok(groups
            .iter()
            .enumerate()
            .max_by(|a, b| {
                a.1.counts
                    .n
                    .w
                    .total_cmp(&b.1.counts.n.w)
                    .then(b.0.cmp(&a.0))
            })
            .map(|(i, _)| i)),
    }
}

/// Aequitas disparity of `group` against `reference` on every metric.
#[must_use]
pub fn aequitas(
    group: &GroupCounts,
    reference: &GroupCounts,
    with_positive: bool,
) -> Vec<GroupDisparity> {
    let metrics = DisparityMetric::ALWAYS.iter().chain(if with_positive {
        &DisparityMetric::WITH_POSITIVE[..]
    } else {
        &[]
    });
    metrics
        .map(|&metric| {
            let r = match (metric.of(group).value(), metric.of(reference).value()) {
                (Some(g), Some(r)) => ratio(g, r),
                _ => None,
            };
            GroupDisparity {
                metric,
                ratio: r,
                outside: r.is_some_and(outside_band),
            }
        })
        .collect()
}

/// The five outcome cells of a group: TP, FP, FN, TN-correct, TN-incorrect
/// (a multi-class error between two negative classes is a TN that is wrong).
fn cells(c: &GroupCounts) -> [Count; 5] {
    let b = &c.binary;
    let zero = Count::ZERO;
    if b.total().w == 0.0 {
        // No positive class: correct and incorrect only.
        return [c.correct, c.n - c.correct, zero, zero, zero];
    }
    let tn_correct = if c.correct.w > b.tp.w {
        c.correct - b.tp
    } else {
        zero
    };
    let tn_correct_in_tn = if tn_correct.w < b.tn.w {
        tn_correct
    } else {
        b.tn
    };
    [b.tp, b.fp, b.fn_, tn_correct, b.tn - tn_correct_in_tn]
}

fn from_cells(x: &[u64], with_positive: bool) -> GroupCounts {
    let x: Vec<Count> = x.iter().map(|&v| Count::unweighted(v)).collect();
    let n: Count = x.iter().sum();
    if with_positive {
        GroupCounts {
            n,
            correct: x[0] + x[3],
            binary: BinaryCounts {
                tp: x[0],
                fp: x[1],
                fn_: x[2],
                tn: x[3] + x[4],
            },
            ..GroupCounts::default()
        }
    } else {
        GroupCounts {
            n,
            correct: x[0],
            ..GroupCounts::default()
        }
    }
}

/// Percentile intervals of every disparity metric.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct DisparityIntervals {
    /// Replicates drawn.
    pub replicates: usize,
    /// Seed used.
    pub seed: u64,
    /// Demographic parity difference.
    pub demographic_parity_difference: Option<Interval>,
    /// Demographic parity ratio.
    pub demographic_parity_ratio: Option<Interval>,
    /// Equalized odds difference.
    pub equalized_odds_difference: Option<Interval>,
    /// Equalized odds ratio.
    pub equalized_odds_ratio: Option<Interval>,
    /// Accuracy difference.
    pub accuracy_difference: Option<Interval>,
    /// Accuracy ratio.
    pub accuracy_ratio: Option<Interval>,
}

/// Bootstrap 95% percentile intervals (numpy's linear percentiles) of the
/// disparities between `groups`, from `replicates` resamples with `seed`.
#[must_use]
pub fn disparity_intervals(
    groups: &[Group],
    with_positive: bool,
    replicates: usize,
    seed: u64,
    progress: Option<&std::sync::atomic::AtomicU64>,
) -> DisparityIntervals {
    let cells: Vec<Count> = groups.iter().flat_map(|g| cells(&g.counts)).collect();
    let weights: Vec<f64> = cells.iter().map(|c| c.w).collect();
    // Weighted rows: as many draws as the rows' effective sample size (the
    // number of rows, or the sum of whole-number weights).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let total = cells.iter().sum::<Count>().effective().round() as u64;
    let mut rng = rng(seed);
    let mut draws: Vec<Disparity> = Vec::with_capacity(replicates);
    for _ in 0..replicates {
        let x = multinomial(&mut rng, total, &weights);
        let resampled: Vec<Group> = x
            .chunks(5)
            .map(|c| Group {
                values: Vec::new(),
                counts: from_cells(c, with_positive),
                cell: 0,
            })
            .filter(|g| g.counts.n.w > 0.0)
            .collect();
        draws.push(disparity(&resampled, with_positive));
        if let Some(p) = progress {
            p.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    let point = disparity(groups, with_positive);
    // Percentile intervals. The spread statistics (max − min, min / max) are
    // biased away from "no disparity", so when groups are nearly equal every
    // resample can land on one side of the estimate: the interval is then
    // extended to include the estimate itself.
    let interval = |pick: fn(&Disparity) -> Option<f64>| {
        let mut v: Vec<f64> = draws
            .iter()
            .filter_map(pick)
            .filter(|x| x.is_finite())
            .collect();
        if v.len() < replicates / 2 || v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let (lo, hi) = (quantile_sorted(&v, 0.025)?, quantile_sorted(&v, 0.975)?);
        let p = pick(&point)?;
        Some(Interval::new(lo.min(p), hi.max(p)))
    };
    DisparityIntervals {
        replicates,
        seed,
        demographic_parity_difference: interval(|d| d.demographic_parity_difference),
        demographic_parity_ratio: interval(|d| d.demographic_parity_ratio),
        equalized_odds_difference: interval(|d| d.equalized_odds_difference),
        equalized_odds_ratio: interval(|d| d.equalized_odds_ratio),
        accuracy_difference: interval(|d| d.accuracy_difference),
        accuracy_ratio: interval(|d| d.accuracy_ratio),
    }
}
