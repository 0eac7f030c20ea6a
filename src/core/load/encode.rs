//! Encoding polars columns into compact codes, on all cores.

use std::path::Path;

use polars::prelude::{DataFrame, DataType, PolarsError, Series};
use rustc_hash::FxHashMap;

use super::SHOW_ROWS;
use crate::core::error::LoadError;

/// A column encoded as dense codes plus the value of each code.
pub(super) struct Encoded {
    pub(super) codes: Vec<u32>,
    pub(super) values: Vec<String>,
    pub(super) null_count: usize,
    pub(super) first_null_rows: Vec<usize>,
}

pub(super) const NULL_CODE: u32 = u32::MAX;

impl Encoded {
    fn new(rows: usize) -> Self {
        Self {
            codes: Vec::with_capacity(rows),
            values: Vec::new(),
            null_count: 0,
            first_null_rows: Vec::new(),
        }
    }

    fn push_null(&mut self) {
        if self.first_null_rows.len() < SHOW_ROWS {
            self.first_null_rows.push(self.codes.len());
        }
        self.null_count += 1;
        self.codes.push(NULL_CODE);
    }
}

/// Whether every value of an integer type is an `i64` (`UInt64` and the
/// 128-bit types, which NDJSON gives numbers above `i64::MAX`, are not: they
/// are read as text rather than cast to null).
pub(super) fn fits_i64(dtype: &DataType) -> bool {
    dtype.is_integer()
        && !matches!(
            dtype,
            DataType::UInt64 | DataType::Int128 | DataType::UInt128
        )
}

pub(super) fn next_code(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(NULL_CODE - 1)
}

/// Encodes any column as codes over its distinct values (as text). Integral
/// floats are written without a fraction, so `1.0` and `1` are one value.
/// (Categorical and enum text joins whole, in `stream`, without pieces.)
pub(super) fn encode(series: &Series) -> Result<Encoded, PolarsError> {
    let mut out = Encoded::new(series.len());
    match series.dtype() {
        DataType::String => encode_string_views(series.str()?, &mut out),
        dt if fits_i64(dt) => {
            let cast = series.cast(&DataType::Int64)?;
            let mut map: FxHashMap<i64, u32> = FxHashMap::default();
            for value in cast.i64()?.iter() {
                match value {
                    None => out.push_null(),
                    Some(v) => {
                        let code = *map.entry(v).or_insert_with(|| {
                            out.values.push(v.to_string());
                            next_code(out.values.len() - 1)
                        });
                        out.codes.push(code);
                    }
                }
            }
        }
        dt if dt.is_float() => {
            let cast = series.cast(&DataType::Float64)?;
            let mut map: FxHashMap<u64, u32> = FxHashMap::default();
            for value in cast.f64()?.iter() {
                match value {
                    None => out.push_null(),
                    Some(v) if v.is_nan() => out.push_null(),
                    Some(v) => {
                        let v = if v == 0.0 { 0.0 } else { v };
                        let code = *map.entry(v.to_bits()).or_insert_with(|| {
                            // Shortest exact form: 1.0 is "1", 1e-7 stays itself.
                            out.values.push(v.to_string());
                            next_code(out.values.len() - 1)
                        });
                        out.codes.push(code);
                    }
                }
            }
        }
        _ => {
            let cast = series.cast(&DataType::String)?;
            encode_strings(cast.str()?.iter(), &mut out);
        }
    }
    Ok(out)
}

/// [`encode_strings`] for polars' string arrays, whose values are 16-byte
/// views: a string of up to 12 bytes lies inside its view (zero-padded, an
/// invariant polars checks), so the view itself is the key and no bytes are
/// hashed or compared. Labels and slice values are nearly always that short;
/// from Parquet this halves the cost of encoding them.
pub(super) fn encode_string_views(ca: &polars::prelude::StringChunked, out: &mut Encoded) {
    // A few slots in front of the map of inline views: a column of a handful
    // of values finds each row's code with one comparison, not a hash
    // lookup. An empty slot holds a view no string has (length 2^32 − 1).
    const SLOTS: usize = 64;
    let mut cache = [(u128::MAX, 0_u32); SLOTS];
    let mut inline: FxHashMap<u128, u32> = FxHashMap::default();
    let mut long: FxHashMap<&str, u32> = FxHashMap::default();
    let nulls = ca.null_count() > 0;
    for arr in ca.downcast_iter() {
        // With missing values, whether each row has one (the views alone
        // do not say).
        let present: Vec<bool> = if nulls {
            arr.iter().map(|v| v.is_some()).collect()
        } else {
            Vec::new()
        };
        for (i, view) in arr.views().iter().enumerate() {
            if nulls && !present[i] {
                out.push_null();
                continue;
            }
            let code = if view.is_inline() {
                let key = view.as_u128();
                #[allow(clippy::cast_possible_truncation)]
                let slot = ((key as u64 ^ (key >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    >> 58) as usize
                    % SLOTS;
                if cache[slot].0 == key {
                    cache[slot].1
                } else {
                    let code = *inline.entry(key).or_insert_with(|| {
                        out.values.push(arr.value(i).to_string());
                        next_code(out.values.len() - 1)
                    });
                    cache[slot] = (key, code);
                    code
                }
            } else {
                let value = arr.value(i);
                *long.entry(value).or_insert_with(|| {
                    out.values.push(value.to_string());
                    next_code(out.values.len() - 1)
                })
            };
            out.codes.push(code);
        }
    }
}

pub(super) fn encode_strings<'a>(values: impl Iterator<Item = Option<&'a str>>, out: &mut Encoded) {
    let mut map: FxHashMap<&'a str, u32> = FxHashMap::default();
    for value in values {
        match value {
            None => out.push_null(),
            Some(s) => {
                let code = *map.entry(s).or_insert_with(|| {
                    out.values.push(s.to_string());
                    next_code(out.values.len() - 1)
                });
                out.codes.push(code);
            }
        }
    }
}

/// Sorts class names the way scikit-learn's `np.unique` would: numerically
/// when every value is a number, otherwise by bytes.
#[must_use]
pub fn sort_classes(values: Vec<String>) -> Vec<String> {
    let order = class_order(&values);
    in_order(values, &order)
}

/// `values` rearranged: the one at `order[0]` first, then `order[1]`, ….
pub(super) fn in_order(values: Vec<String>, order: &[u32]) -> Vec<String> {
    let mut slots: Vec<Option<String>> = values.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&i| slots.get_mut(i as usize)?.take())
        .collect()
}

/// The indices of `values` in the order of [`sort_classes`] (the index of
/// the value that comes first, then of the second, …), sorted on all
/// cores: a column of hundreds of thousands of distinct values (user ids)
/// sorted on one core was much of its load.
#[must_use]
pub(super) fn class_order(values: &[String]) -> Vec<u32> {
    use rayon::prelude::*;
    let numeric: Option<Vec<f64>> = values
        .par_iter()
        .map(|v| v.trim().parse::<f64>().ok())
        .collect();
    let mut order: Vec<u32> = (0..next_code(values.len())).collect();
    let text = |i: u32| values[i as usize].as_str();
    match numeric {
        Some(nums) => order.par_sort_unstable_by(|&a, &b| {
            nums[a as usize]
                .total_cmp(&nums[b as usize])
                .then_with(|| text(a).cmp(text(b)))
                .then(a.cmp(&b))
        }),
        None => order.par_sort_unstable_by(|&a, &b| text(a).cmp(text(b)).then(a.cmp(&b))),
    }
    order
}

pub(super) fn take(df: &mut DataFrame, name: &str) -> Result<Series, PolarsError> {
    df.drop_in_place(name)
        .map(polars::prelude::Column::take_materialized_series)
}

/// The weights a load refuses: missing, not a number, negative.
pub(super) const BAD_WEIGHTS: [&str; 3] = ["missing", "not-a-number", "negative"];

/// Missing, not-a-number and negative weights, counted batch by batch with
/// their first rows.
#[derive(Default)]
pub(super) struct WeightProblems {
    counts: [usize; 3],
    first_rows: [Vec<usize>; 3],
}

impl WeightProblems {
    /// Counts the problems of a batch whose first row is data row `offset`.
    pub(super) fn add(&mut self, series: &Series, values: &[f64], offset: usize) {
        let missing = (series.null_count() > 0).then(|| series.is_null());
        for (i, &w) in values.iter().enumerate() {
            let is_missing = missing.as_ref().is_some_and(|m| m.get(i).unwrap_or(false));
            let problem = if is_missing {
                0
            } else if !w.is_finite() {
                1
            } else if w < 0.0 {
                2
            } else {
                continue;
            };
            self.counts[problem] += 1;
            if self.first_rows[problem].len() < SHOW_ROWS {
                self.first_rows[problem].push(offset + i);
            }
        }
    }

    /// Adds the problems of the rows after these.
    pub(super) fn join(&mut self, later: Self) {
        for (problem, rows) in later.first_rows.into_iter().enumerate() {
            self.counts[problem] += later.counts[problem];
            let room = SHOW_ROWS.saturating_sub(self.first_rows[problem].len());
            self.first_rows[problem].extend(rows.into_iter().take(room));
        }
    }

    /// The error for the first kind of problem found, if any.
    pub(super) fn check(self, path: &Path, name: &str) -> Result<(), LoadError> {
        let Self { counts, first_rows } = self;
        for ((what, count), first_rows) in BAD_WEIGHTS.into_iter().zip(counts).zip(first_rows) {
            if count > 0 {
                return Err(LoadError::BadWeights {
                    path: path.to_path_buf(),
                    column: name.to_string(),
                    what,
                    count,
                    first_rows,
                });
            }
        }
        Ok(())
    }
}

/// Maps `f` over `items` on rayon's pool (all cores), keeping the order.
pub(super) fn parallel_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    use rayon::prelude::*;
    items.into_par_iter().map(&f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_sort_like_numpy_unique() {
        let v = |xs: &[&str]| xs.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(sort_classes(v(&["10", "9", "1"])), v(&["1", "9", "10"]));
        assert_eq!(sort_classes(v(&["b", "B", "a"])), v(&["B", "a", "b"]));
        // Equal numbers written differently: then by their text.
        assert_eq!(
            sort_classes(v(&["1.0", " 1", "1", "-2", "nan", "0.5"])),
            v(&["-2", "0.5", " 1", "1", "1.0", "nan"])
        );
    }

    /// Many values (sorted on all cores) take the places a plain sort
    /// gives them, numbers and text alike.
    #[test]
    fn class_order_places_each_value_where_a_plain_sort_does() {
        for numbers in [true, false] {
            let values: Vec<String> = (0..50_000_u64)
                .map(|i| {
                    let k = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 45;
                    if numbers {
                        format!("{k}")
                    } else {
                        format!("u{k}x")
                    }
                })
                .collect::<rustc_hash::FxHashSet<_>>()
                .into_iter()
                .collect();
            let order = class_order(&values);
            let sorted: Vec<String> = order.iter().map(|&i| values[i as usize].clone()).collect();
            let mut expected = values.clone();
            if numbers {
                expected.sort_by_key(|v| v.parse::<u64>().unwrap());
            } else {
                expected.sort();
            }
            assert_eq!(sorted, expected);
            assert_eq!(sort_classes(values), expected);
        }
    }

    #[test]
    fn many_short_values_share_the_cache_and_keep_their_codes() {
        use polars::prelude::NamedFrom;
        // 500 distinct short values in a scrambled order, each several
        // times: far more than the cache's slots, so slots are overwritten.
        let values: Vec<String> = (0..5000)
            .map(|i| format!("v{}", (i * 7919) % 500))
            .collect();
        let series = Series::new("s".into(), &values);
        let enc = encode(&series).unwrap();
        let decoded: Vec<&str> = enc
            .codes
            .iter()
            .map(|&c| enc.values[c as usize].as_str())
            .collect();
        assert_eq!(
            decoded,
            values.iter().map(String::as_str).collect::<Vec<_>>()
        );
        assert_eq!(enc.values.len(), 500);
        // Codes in order of first appearance.
        let mut firsts: Vec<&str> = Vec::new();
        for v in &values {
            if !firsts.contains(&v.as_str()) {
                firsts.push(v);
            }
        }
        assert_eq!(enc.values, firsts);
    }

    #[test]
    fn string_columns_encode_short_and_long_values_and_nulls() {
        use polars::prelude::NamedFrom;
        let long = "a value longer than twelve bytes";
        let values = [
            Some("car"),
            None,
            Some(long),
            Some("car"),
            Some(""),
            Some(long),
            Some("twelve bytes"),
            Some("twelve bytes!"),
            None,
            Some(""),
            Some("bus"),
        ];
        // Two chunks, so the value dictionary spans arrays.
        let mut series = Series::new("s".into(), &values[..5]);
        series
            .append(&Series::new("s".into(), &values[5..]))
            .unwrap();
        assert_eq!(series.n_chunks(), 2);
        let enc = encode(&series).unwrap();
        let decoded: Vec<Option<&str>> = enc
            .codes
            .iter()
            .map(|&c| (c != NULL_CODE).then(|| enc.values[c as usize].as_str()))
            .collect();
        assert_eq!(decoded, values);
        assert_eq!(
            enc.values.len(),
            6,
            "car, long, empty, twelve, thirteen, bus"
        );
        assert_eq!(
            (enc.null_count, enc.first_null_rows.clone()),
            (2, vec![1, 8])
        );
    }
}
