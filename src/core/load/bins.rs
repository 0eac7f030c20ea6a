//! Grouping numeric columns: one group per value when there are few,
//! quantile bins otherwise.

use super::MAX_DISTINCT_NUMERIC;
use super::encode::next_code;
use crate::core::dataset::{ColumnData, Grouping, MISSING, NumericGrouping};
use crate::core::temporal::NumberKind;

/// Groups a numeric column: one group per value when there are few, else
/// quantile bins; labels written as `kind` writes its values.
pub(super) fn numeric_column(values: Vec<f64>, bins: usize, kind: NumberKind) -> ColumnData {
    let mut distinct: Vec<f64> = Vec::new();
    let mut few = true;
    for &v in &values {
        if v.is_nan() || distinct.iter().any(|d| d.to_bits() == v.to_bits()) {
            continue;
        }
        if distinct.len() == MAX_DISTINCT_NUMERIC {
            few = false;
            break;
        }
        distinct.push(v);
    }
    let has_missing = values.iter().any(|v| v.is_nan());
    let (groups, grouping) = if few {
        distinct.sort_by(f64::total_cmp);
        let mut labels: Vec<String> = distinct.iter().map(|&v| kind.format(v)).collect();
        let missing = next_code(labels.len());
        if has_missing {
            labels.push(MISSING.to_string());
        }
        let codes = values
            .iter()
            .map(|&v| {
                if v.is_nan() {
                    missing
                } else {
                    distinct
                        .binary_search_by(|d| d.total_cmp(&v))
                        .map_or(missing, next_code)
                }
            })
            .collect();
        (Grouping { codes, labels }, NumericGrouping::Distinct)
    } else {
        let edges = quantile_edges(&values, bins);
        let grouping = bin_grouping(&values, &edges, has_missing, kind);
        (grouping, NumericGrouping::Bins(edges))
    };
    ColumnData::Numeric {
        values,
        groups,
        grouping,
        kind,
    }
}

/// Bin edges at the `i / bins` quantiles (linear interpolation, as numpy),
/// with repeated edges merged.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn quantile_edges(values: &[f64], bins: usize) -> Vec<f64> {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if finite.is_empty() {
        return Vec::new();
    }
    let n = finite.len();
    let mut edges = Vec::with_capacity(bins + 1);
    let mut from = 0;
    for i in 0..=bins {
        let pos = (n - 1) as f64 * i as f64 / bins as f64;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let lo = pos.floor() as usize;
        let frac = pos - lo as f64;
        // Partition only the part not yet ordered: positions only grow.
        let (_, &mut lo_value, right) =
            finite[from..].select_nth_unstable_by(lo - from, f64::total_cmp);
        let hi_value = if frac > 0.0 {
            right.iter().copied().fold(f64::INFINITY, f64::min)
        } else {
            lo_value
        };
        from = lo;
        edges.push(lo_value + (hi_value - lo_value) * frac);
    }
    edges.dedup_by(|a, b| a.total_cmp(b).is_eq());
    if edges.len() == 1 {
        edges.push(edges[0]);
    }
    edges
}

pub(super) fn bin_grouping(
    values: &[f64],
    edges: &[f64],
    has_missing: bool,
    kind: NumberKind,
) -> Grouping {
    let n_bins = edges.len() - 1;
    let mut labels: Vec<String> = (0..n_bins)
        .map(|i| {
            let close = if i + 1 == n_bins { ']' } else { ')' };
            format!(
                "[{}, {}{close}",
                kind.format_edge(edges[i]),
                kind.format_edge(edges[i + 1])
            )
        })
        .collect();
    let missing = next_code(n_bins);
    if has_missing {
        labels.push(MISSING.to_string());
    }
    let inner = &edges[1..n_bins];
    let codes = values
        .iter()
        .map(|&v| {
            if v.is_nan() {
                missing
            } else {
                next_code(inner.partition_point(|&e| e <= v))
            }
        })
        .collect();
    Grouping { codes, labels }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_edges_match_numpy() {
        let values: Vec<f64> = (0..=10).map(f64::from).collect();
        assert_eq!(
            quantile_edges(&values, 5),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        let values = [1.0, 2.0, 3.0, 4.0];
        // np.quantile([1,2,3,4], [0, .5, 1]) = [1, 2.5, 4]
        assert_eq!(quantile_edges(&values, 2), vec![1.0, 2.5, 4.0]);
    }

    #[test]
    fn bins_are_half_open_but_the_last() {
        let g = bin_grouping(
            &[0.0, 1.0, 2.0, f64::NAN],
            &[0.0, 1.0, 2.0],
            true,
            NumberKind::Plain,
        );
        assert_eq!(g.labels, vec!["[0, 1)", "[1, 2]", MISSING]);
        assert_eq!(g.codes.to_vec(), vec![0, 1, 1, 2]);
    }
}
