//! Building the compact columns batch by batch. Each batch of rows (a range
//! of Parquet row groups, one part of a folder, a whole CSV or NDJSON file)
//! is encoded into growing compact columns and dropped, so a load holds the
//! compact columns plus one parsed batch, never the whole parsed table.

use std::path::{Path, PathBuf};

use polars::prelude::{DataFrame, DataType, PolarsError, Series};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::convert::{append_f64, append_owned_f64, first_nulls, to_f64_checked, to_ids};
use super::encode::{Encoded, NULL_CODE, WeightProblems, encode, next_code, parallel_map, take};
use super::{SHOW_ROWS, polars_error};
use crate::core::dataset::{Codes, ColumnUse, Grouping, IdPattern, Ids, MISSING, Numbers, Roles};
use crate::core::error::LoadError;
use crate::core::temporal::NumberKind;

/// A column's codes over its distinct values (as text), grown batch by
/// batch in the narrowest integers that hold them: code 0 is missing, code
/// `i + 1` is `values[i]`.
#[derive(Default)]
pub(super) struct Dict {
    pub(super) codes: Codes,
    /// Distinct values in order of first appearance.
    pub(super) values: Vec<String>,
    /// Each value's code, found by the value: the table holds codes only
    /// and compares with `values`, so a column of 865,000 user ids keeps
    /// each id once (a map of its own copies took 865,000 allocations to
    /// make and as many to free).
    index: hashbrown::HashTable<u32>,
    /// Codes of spellings other than their value's (Unicode forms), a few.
    spellings: FxHashMap<String, u32>,
    pub(super) null_count: usize,
    pub(super) first_null_rows: Vec<usize>,
    /// Spellings merged with a value because they are the same text in
    /// another Unicode form: (value, spelling), a few.
    pub(super) unicode_merges: Vec<(String, String)>,
}

impl Dict {
    /// Appends a piece encoded on its own whose first row is data row `offset`.
    fn absorb(&mut self, local: &Encoded, offset: usize) {
        // The values seen before are looked up on all cores (a column of
        // user ids brings a hundred thousand a piece); the new ones are
        // numbered here, in order.
        let seen: Vec<Option<u32>> = if local.values.len() >= 4096 {
            local.values.par_iter().map(|v| self.known(v)).collect()
        } else {
            Vec::new()
        };
        let table: Vec<u32> = local
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| match seen.get(i) {
                Some(&Some(code)) => code,
                _ => self.code_of(v),
            })
            .collect();
        for &row in &local.first_null_rows {
            if self.first_null_rows.len() < SHOW_ROWS {
                self.first_null_rows.push(offset + row);
            }
        }
        self.null_count += local.null_count;
        self.codes.widen_for(next_code(self.values.len()));
        self.codes.extend(
            local
                .codes
                .iter()
                .map(|&c| if c == NULL_CODE { 0 } else { table[c as usize] }),
        );
    }

    /// Appends a whole categorical or enum column (text read from Parquet
    /// pages as codes, `parquet_codes`; a pandas category) whose first row
    /// is data row `offset`: its values are numbered in order of first
    /// appearance, as pieces of its text would be, and the rows mapped
    /// through one small table.
    fn absorb_categorical(&mut self, series: &Series, offset: usize) -> Result<(), PolarsError> {
        let (DataType::Enum(_, mapping) | DataType::Categorical(_, mapping)) = series.dtype()
        else {
            return Ok(());
        };
        let ids = series.to_physical_repr();
        let ids = ids.cast(&DataType::UInt32)?;
        let ids = ids.u32()?;
        // The values in order of first appearance: the scan stops once
        // every value has appeared (a few rows, for labels).
        let size = mapping.num_cats_upper_bound();
        let mut table = vec![u32::MAX; size];
        let mut seen = 0;
        'scan: for arr in ids.downcast_iter() {
            for id in arr.non_null_values_iter() {
                if id as usize >= table.len() {
                    table.resize(id as usize + 1, u32::MAX);
                }
                let slot = &mut table[id as usize];
                if *slot == u32::MAX {
                    *slot = self.code_of(mapping.cat_to_str(id).unwrap_or_default());
                    seen += 1;
                    if seen == table.len() {
                        break 'scan;
                    }
                }
            }
        }
        let nulls = ids.null_count();
        if nulls > 0 {
            let mut row = 0;
            for arr in ids.downcast_iter() {
                for (i, v) in arr.iter().enumerate() {
                    if v.is_none() && self.first_null_rows.len() < SHOW_ROWS {
                        self.first_null_rows.push(offset + row + i);
                    }
                }
                row += arr.len();
            }
        }
        self.null_count += nulls;
        self.codes.widen_for(next_code(self.values.len()));
        for arr in ids.downcast_iter() {
            // Every id is in the table (a categorical's ids are below its
            // categories' count); one that is not would read as missing.
            let code = |id: u32| table.get(id as usize).copied().filter(|&c| c != u32::MAX);
            if nulls == 0 {
                self.codes
                    .extend(arr.values().iter().map(|&id| code(id).unwrap_or(0)));
            } else {
                self.codes.extend(
                    arr.iter()
                        .map(|id| id.and_then(|&id| code(id)).unwrap_or(0)),
                );
            }
        }
        Ok(())
    }

    /// The code of `v`, a new one when it is new. Text equal up to Unicode
    /// normalisation is one value, kept in its normal form.
    fn code_of(&mut self, v: &str) -> u32 {
        if let Some(code) = self.known(v) {
            return code;
        }
        let norm = super::classes::normalize(v);
        if norm != v
            && let Some(code) = self.find(&norm)
        {
            self.respelt(code, v);
            return code;
        }
        let norm = norm.into_owned();
        let hash = Self::hash(&norm);
        let respelt = norm != v;
        self.values.push(norm);
        let code = next_code(self.values.len());
        if respelt {
            self.respelt(code, v);
        }
        let values = &self.values;
        self.index
            .insert_unique(hash, code, |&c| Self::hash(&values[c as usize - 1]));
        code
    }

    /// Notes `v` as another spelling of the value of `code` (the first few
    /// are reported).
    fn respelt(&mut self, code: u32, v: &str) {
        if self.unicode_merges.len() < 3 {
            let value = self.values[code as usize - 1].clone();
            self.unicode_merges.push((value, v.to_string()));
        }
        self.spellings.insert(v.to_string(), code);
    }

    /// The code of `v` when it is a value or a spelling of one seen before.
    fn known(&self, v: &str) -> Option<u32> {
        self.find(v).or_else(|| self.spellings.get(v).copied())
    }

    /// The code of the value `v`, if it has one.
    fn find(&self, v: &str) -> Option<u32> {
        self.index
            .find(Self::hash(v), |&c| self.values[c as usize - 1] == v)
            .copied()
    }

    fn hash(v: &str) -> u64 {
        std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, v)
    }

    /// The rows' codes with `table` giving the code of each value (the
    /// missing value's code first), as 32-bit numbers.
    pub(super) fn codes_through(&self, missing: u32, table: &[u32]) -> Vec<u32> {
        self.codes.map_to_u32(|c| {
            if c == 0 {
                missing
            } else {
                table[c as usize - 1]
            }
        })
    }

    /// The grouping of a slice column: groups sorted by label (numerically
    /// when all are numbers), missing last. The codes are renumbered in place.
    fn into_grouping(mut self) -> Grouping {
        // Each value's place in sorted order, and the values in that order.
        let order = super::encode::class_order(&self.values);
        let mut position = vec![0_u32; order.len()];
        for (place, &i) in order.iter().enumerate() {
            position[i as usize] = next_code(place);
        }
        let missing = next_code(order.len());
        let table: Vec<u32> = std::iter::once(missing).chain(position).collect();
        self.codes.remap(&table);
        self.codes.shrink_to_fit();
        let mut labels = super::encode::in_order(std::mem::take(&mut self.values), &order);
        if self.null_count > 0 {
            labels.push(MISSING.to_string());
        }
        Grouping {
            codes: self.codes,
            labels,
        }
    }
}

/// What one column of the input grows into.
pub(super) enum Acc {
    /// True labels.
    Label(Dict),
    /// Predictions.
    Pred(Dict),
    /// Human labels.
    Human(Dict),
    /// Scores.
    Score(Vec<f64>),
    /// Ids (`None` until the first batch says integer or text), with the
    /// missing ones counted.
    Ids(Option<Ids>, Missing),
    /// Weights, with the bad ones counted.
    Weight(Vec<f64>, WeightProblems),
    /// A numeric slice column (dates, times and durations too, in their
    /// unit): its values, grouped once all are in.
    Numeric(ColumnUse, Vec<f64>, NumberKind),
    /// Any other column: codes over its values.
    Categorical(ColumnUse, Dict),
}

/// Missing values counted batch by batch, with the first rows.
#[derive(Default)]
pub(super) struct Missing {
    pub(super) count: usize,
    pub(super) first_rows: Vec<usize>,
}

/// One input column: its name in the frame, its name without a byte order
/// mark, and what it grows into.
pub(super) struct Slot {
    pub(super) column: String,
    pub(super) name: String,
    pub(super) acc: Acc,
}

/// The growing dataset.
pub(super) struct Builder {
    pub(super) path: PathBuf,
    pub(super) roles: Roles,
    pub(super) rows: usize,
    pub(super) slots: Vec<Slot>,
    pub(super) warnings: Vec<String>,
}

impl Builder {
    /// A builder for frames with the columns of `first` and these roles.
    pub(super) fn new(path: &Path, roles: Roles, first: &DataFrame) -> Self {
        let mut slots = Vec::new();
        let mut warnings = Vec::new();
        let slot = |column: &str, acc| Slot {
            column: column.to_string(),
            name: column.trim_start_matches('\u{feff}').to_string(),
            acc,
        };
        slots.push(slot(&roles.label, Acc::Label(Dict::default())));
        slots.push(slot(&roles.pred, Acc::Pred(Dict::default())));
        let roled = [
            (&roles.human, Acc::Human(Dict::default())),
            (&roles.score, Acc::Score(Vec::new())),
            (&roles.id, Acc::Ids(None, Missing::default())),
            (
                &roles.weight,
                Acc::Weight(Vec::new(), WeightProblems::default()),
            ),
        ];
        for (name, acc) in roled {
            if let Some(name) = name {
                slots.push(slot(name, acc));
            }
        }
        let is_role = |name: &str| {
            roles.label == name
                || roles.pred == name
                || [&roles.human, &roles.score, &roles.id, &roles.weight]
                    .iter()
                    .any(|r| r.as_deref() == Some(name))
        };
        let names: Vec<String> = first
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        let map = super::map_columns::detect(&names);
        for c in first.columns() {
            let column = c.name().as_str();
            // Map columns are read by the map, not sliced by.
            if is_role(column) || super::map_columns::is_map_column(map.as_ref(), column) {
                continue;
            }
            let clean = column.trim_start_matches('\u{feff}');
            // The sampling query's own bookkeeping (engines without SELECT *
            // EXCEPT keep it): not a column to slice by.
            if super::BOOKKEEPING.contains(&clean) {
                continue;
            }
            if matches!(c.dtype(), DataType::Binary | DataType::BinaryOffset) {
                warnings.push(format!(
                    "Column '{clean}' holds binary data (bytes, not text), which cannot be sliced by; it was left out."
                ));
                continue;
            }
            if c.dtype().is_nested() {
                warnings.push(format!(
                    "Column '{clean}' holds lists or objects ({}), which cannot be sliced by; it was left out.",
                    c.dtype()
                ));
                continue;
            }
            let usage = if roles.image.as_deref() == Some(clean) {
                ColumnUse::Image
            } else if roles.text.as_deref() == Some(clean) {
                ColumnUse::Text
            } else if roles.not_slices.iter().any(|c| c == clean) {
                ColumnUse::Shown
            } else {
                ColumnUse::Slice
            };
            let kind = number_kind(c.dtype());
            let acc = if let (Some(kind), ColumnUse::Slice) = (kind, usage) {
                Acc::Numeric(usage, Vec::new(), kind)
            } else {
                Acc::Categorical(usage, Dict::default())
            };
            slots.push(slot(column, acc));
        }
        Self {
            path: path.to_path_buf(),
            roles,
            rows: 0,
            slots,
            warnings,
        }
    }

    /// Allocates the numeric columns for `rows` rows at once (the file's
    /// metadata gave the count): no growing, and no doubling slack.
    pub(super) fn reserve(&mut self, rows: usize) {
        for slot in &mut self.slots {
            if let Acc::Score(values) | Acc::Weight(values, _) | Acc::Numeric(_, values, _) =
                &mut slot.acc
            {
                values.reserve_exact(rows);
            }
        }
    }

    /// Encodes a batch of rows (with the first batch's columns) and drops it.
    /// Every column is cut into pieces of [`PIECE_ROWS`] rows, encoded on
    /// all cores and joined in order: the pieces do not depend on the number
    /// of threads, so neither do the codes. Where `numbered` gives a
    /// pattern, the id column holds the numbers of ids of that pattern (read
    /// from Parquet pages) and joins whole.
    pub(super) fn push(
        &mut self,
        mut df: DataFrame,
        numbered: Option<&super::parquet::NumberedIds>,
    ) -> Result<(), LoadError> {
        let offset = self.rows;
        let height = df.height();
        let path = &self.path;
        let mut columns = Vec::with_capacity(self.slots.len());
        for slot in &self.slots {
            columns.push(take(&mut df, &slot.column).map_err(|e| polars_error(path, &e))?);
        }
        drop(df);
        // Plain 64-bit floats without missing values (probabilities, most
        // numbers) need no encoding: each column joins whole, taking over
        // the reader's memory where it can.
        let whole: Vec<Option<Series>> = self
            .slots
            .iter()
            .zip(&mut columns)
            .map(|(slot, column)| {
                (matches!(slot.acc, Acc::Numeric(_, _, NumberKind::Plain))
                    && column.dtype() == &DataType::Float64
                    && column.null_count() == 0)
                    .then(|| {
                        let empty = column.clear();
                        std::mem::replace(column, empty)
                    })
            })
            .collect();
        // Categorical text (an enum read from Parquet pages as codes, a
        // pandas category) joins whole too: its codes map through one table
        // of its values.
        let coded: Vec<Option<Series>> = self
            .slots
            .iter()
            .zip(&mut columns)
            .map(|(slot, column)| {
                (matches!(
                    slot.acc,
                    Acc::Label(_) | Acc::Pred(_) | Acc::Human(_) | Acc::Categorical(..)
                ) && matches!(
                    column.dtype(),
                    DataType::Enum(..) | DataType::Categorical(..)
                ))
                .then(|| {
                    let empty = column.clear();
                    std::mem::replace(column, empty)
                })
            })
            .collect();
        // Ids read as numbers join whole.
        let numbered: Vec<Option<(IdPattern, Series)>> = self
            .slots
            .iter()
            .zip(&mut columns)
            .map(|(slot, column)| {
                let numbered = numbered.filter(|n| {
                    matches!(slot.acc, Acc::Ids(..))
                        && n.column == slot.column
                        && column.dtype() == &DataType::Int64
                        && column.null_count() == 0
                })?;
                let empty = column.clear();
                Some((numbered.pattern.clone(), std::mem::replace(column, empty)))
            })
            .collect();
        // Until the ids' pattern is known (the first batch), the first piece
        // is encoded before the others, which then share its pattern.
        let ids_unknown = self
            .slots
            .iter()
            .zip(&numbered)
            .any(|(s, n)| matches!(s.acc, Acc::Ids(None, _)) && n.is_none());
        let starts: Vec<usize> = (0..height).step_by(PIECE_ROWS).collect();
        let rounds: Vec<&[usize]> = if ids_unknown && starts.len() > 1 {
            vec![&starts[..1], &starts[1..]]
        } else {
            vec![&starts[..]]
        };
        for round in rounds {
            let work: Vec<(usize, usize, Series)> = (0..self.slots.len())
                .filter(|&slot| {
                    whole[slot].is_none() && coded[slot].is_none() && numbered[slot].is_none()
                })
                .flat_map(|slot| round.iter().map(move |&start| (slot, start)))
                .map(|(slot, start)| {
                    let len = PIECE_ROWS.min(height - start);
                    // A batch is far below 2^63 rows.
                    let at = i64::try_from(start).unwrap_or(i64::MAX);
                    (slot, start, columns[slot].slice(at, len))
                })
                .collect();
            let slots = &self.slots;
            let pieces = parallel_map(work, |(slot, start, series)| {
                slots[slot]
                    .prepare(path, &series, offset + start)
                    .map(|piece| (slot, start, piece))
            });
            // Each column joins its pieces in order; the columns side by
            // side (the joins copy, and merge code tables).
            let mut by_slot: Vec<Vec<(usize, Piece)>> = std::iter::repeat_with(Vec::new)
                .take(self.slots.len())
                .collect();
            for piece in pieces {
                let (slot, start, piece) = piece?;
                by_slot[slot].push((start, piece));
            }
            self.slots
                .par_iter_mut()
                .zip(by_slot)
                .for_each(|(slot, pieces)| {
                    for (start, piece) in pieces {
                        slot.absorb(piece, offset + start);
                    }
                });
        }
        self.slots
            .par_iter_mut()
            .zip(whole)
            .for_each(|(slot, whole)| {
                if let (Acc::Numeric(_, values, _), Some(column)) = (&mut slot.acc, whole) {
                    append_owned_f64(column, values);
                }
            });
        for (slot, numbered) in self.slots.iter_mut().zip(numbered) {
            if let Some((pattern, column)) = numbered {
                let numbers: Numbers = column
                    .i64()
                    .map_err(|e| polars_error(path, &e))?
                    .into_no_null_iter()
                    .collect();
                slot.absorb(
                    Piece::Ids(Ids::Numbered(pattern, numbers), 0, Vec::new()),
                    offset,
                );
            }
        }
        self.slots
            .par_iter_mut()
            .zip(coded)
            .filter_map(|(slot, column)| column.map(|c| (slot, c)))
            .map(|(slot, column)| match &mut slot.acc {
                Acc::Label(d) | Acc::Pred(d) | Acc::Human(d) | Acc::Categorical(_, d) => d
                    .absorb_categorical(&column, offset)
                    .map_err(|e| polars_error(path, &e)),
                _ => Ok(()),
            })
            .collect::<Result<Vec<()>, LoadError>>()?;
        self.rows += height;
        Ok(())
    }
}

/// Rows of a column encoded as one piece of work.
const PIECE_ROWS: usize = 1 << 17;

/// A piece of a column, encoded on its own, waiting to be joined to the
/// column in order.
enum Piece {
    /// Codes over the piece's own values.
    Codes(Encoded),
    /// Scores or numbers.
    Numbers(Vec<f64>),
    /// Weights with their problems.
    Weights(Vec<f64>, WeightProblems),
    /// Ids, with the missing ones counted and the first of them.
    Ids(Ids, usize, Vec<usize>),
}

impl Slot {
    /// Encodes a piece of this column whose first row is data row `offset`
    /// (on any thread: the slot is only read).
    fn prepare(&self, path: &Path, series: &Series, offset: usize) -> Result<Piece, LoadError> {
        let perr = |e: PolarsError| match polars_error(path, &e) {
            LoadError::Parse { path, message } => LoadError::Parse {
                path,
                message: format!("column '{}': {message}", self.name),
            },
            other => other,
        };
        let not_numeric = |role, flag, found| LoadError::NotNumeric {
            path: path.to_path_buf(),
            role,
            flag,
            column: self.name.clone(),
            found,
        };
        Ok(match &self.acc {
            Acc::Label(_) | Acc::Pred(_) | Acc::Human(_) | Acc::Categorical(_, _) => {
                Piece::Codes(encode(series).map_err(perr)?)
            }
            Acc::Score(_) => Piece::Numbers(
                to_f64_checked(series, offset)
                    .map_err(|found| not_numeric("score", "--score", found.0))?,
            ),
            Acc::Weight(_, _) => {
                let values = to_f64_checked(series, offset)
                    .map_err(|found| not_numeric("weight", "--weight", found.0))?;
                let mut problems = WeightProblems::default();
                problems.add(series, &values, offset);
                Piece::Weights(values, problems)
            }
            Acc::Numeric(_, _, NumberKind::Plain) => {
                let mut values = Vec::with_capacity(series.len());
                append_f64(series, &mut values).map_err(perr)?;
                Piece::Numbers(values)
            }
            Acc::Numeric(_, _, _) => {
                let mut values = Vec::with_capacity(series.len());
                append_in_unit(series, &mut values).map_err(perr)?;
                Piece::Numbers(values)
            }
            Acc::Ids(ids, _) => {
                let pattern = match ids {
                    Some(Ids::Numbered(p, _)) => Some(p),
                    _ => None,
                };
                let ids = to_ids(series, pattern).map_err(perr)?;
                let first = if series.null_count() > 0 {
                    first_nulls(series, offset)
                } else {
                    Vec::new()
                };
                Piece::Ids(ids, series.null_count(), first)
            }
        })
    }

    /// Joins a piece (whose first row is data row `offset`) to the column.
    fn absorb(&mut self, piece: Piece, offset: usize) {
        match (&mut self.acc, piece) {
            (
                Acc::Label(d) | Acc::Pred(d) | Acc::Human(d) | Acc::Categorical(_, d),
                Piece::Codes(local),
            ) => d.absorb(&local, offset),
            (Acc::Score(values) | Acc::Numeric(_, values, _), Piece::Numbers(more)) => {
                values.extend_from_slice(&more);
            }
            (Acc::Weight(values, problems), Piece::Weights(more, found)) => {
                values.extend_from_slice(&more);
                problems.join(found);
            }
            (Acc::Ids(ids, missing), Piece::Ids(more, nulls, first)) => {
                missing.count += nulls;
                if missing.first_rows.len() < SHOW_ROWS {
                    missing.first_rows.extend(first);
                    missing.first_rows.truncate(SHOW_ROWS);
                }
                *ids = Some(match ids.take() {
                    None => more,
                    Some(have) => append_ids(have, more),
                });
            }
            // `prepare` makes the piece of the slot's kind.
            _ => {}
        }
    }

    /// The slice column this slot grew, for a numeric or categorical slot.
    pub(super) fn into_column(self, bins: usize) -> Option<crate::core::dataset::Column> {
        use crate::core::dataset::{Column, ColumnData};
        let (usage, data) = match self.acc {
            Acc::Numeric(usage, mut values, kind) => {
                values.shrink_to_fit();
                (usage, super::bins::numeric_column(values, bins, kind))
            }
            Acc::Categorical(usage, dict) => (usage, ColumnData::Categorical(dict.into_grouping())),
            _ => return None,
        };
        Some(Column {
            name: self.name,
            usage,
            data,
        })
    }
}

/// What a column of this type holds as a number, or `None` when it holds
/// no numbers (text, booleans, lists).
fn number_kind(dtype: &DataType) -> Option<NumberKind> {
    match dtype {
        DataType::Date => Some(NumberKind::Date),
        DataType::Datetime(_, tz) => Some(NumberKind::DateTime { utc: tz.is_some() }),
        DataType::Time => Some(NumberKind::Time),
        DataType::Duration(_) => Some(NumberKind::Duration),
        DataType::Decimal(..) => Some(NumberKind::Plain),
        d if d.is_primitive_numeric() => Some(NumberKind::Plain),
        _ => None,
    }
}

/// Appends a date, time or duration column as numbers in its kind's unit
/// (days since 1970-01-01 for dates, seconds otherwise; NaN for missing).
fn append_in_unit(series: &Series, out: &mut Vec<f64>) -> Result<(), PolarsError> {
    use polars::prelude::TimeUnit;
    let per_second = |unit: &TimeUnit| match unit {
        TimeUnit::Nanoseconds => 1e-9,
        TimeUnit::Microseconds => 1e-6,
        TimeUnit::Milliseconds => 1e-3,
    };
    let factor = match series.dtype() {
        DataType::Datetime(unit, _) | DataType::Duration(unit) => Some(per_second(unit)),
        DataType::Time => Some(1e-9),
        _ => None,
    };
    let physical = series.to_physical_repr();
    let start = out.len();
    append_f64(&physical, out)?;
    if let Some(factor) = factor {
        for v in &mut out[start..] {
            *v *= factor;
        }
    }
    Ok(())
}

/// Ids of two batches back to back: numbers stay numbers when both batches
/// have them (with one pattern); otherwise all become text.
fn append_ids(have: Ids, more: Ids) -> Ids {
    match (have, more) {
        (Ids::Int(mut a), Ids::Int(b)) => {
            a.extend(b.iter());
            Ids::Int(a)
        }
        (Ids::Numbered(p, mut a), Ids::Numbered(q, b)) if p == q => {
            a.extend(b.iter());
            Ids::Numbered(p, a)
        }
        // Text already: the batch's ids are added as text (numbers of a later
        // batch too), never the ids read before copied again.
        (Ids::Str(mut a), more) => {
            let bytes: usize = (0..more.len()).map(|i| more.key(i).len()).sum();
            a.reserve(more.len(), bytes);
            for i in 0..more.len() {
                a.push(&more.key(i));
            }
            Ids::Str(a)
        }
        (have, more) => {
            let mut all = crate::core::dataset::StrColumn::default();
            for ids in [&have, &more] {
                for i in 0..ids.len() {
                    all.push(&ids.key(i));
                }
            }
            Ids::Str(all)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(values: &[&str], codes: &[u32]) -> Encoded {
        Encoded {
            codes: codes.to_vec(),
            values: values.iter().map(ToString::to_string).collect(),
            null_count: codes.iter().filter(|&&c| c == NULL_CODE).count(),
            first_null_rows: Vec::new(),
        }
    }

    #[test]
    fn pieces_merge_by_value_in_order_of_first_appearance_one_unicode_form_each() {
        let (nfd, nfc) = ("cafe\u{301}", "caf\u{e9}");
        let mut d = Dict::default();
        // A value's other spelling first: it is kept in its normal form.
        d.absorb(&piece(&["b", nfd, "a"], &[0, 1, NULL_CODE, 2, 0]), 0);
        d.absorb(&piece(&["a", nfc, "c", nfd], &[0, 1, 2, 3]), 5);
        d.absorb(&piece(&["c", "b"], &[1, 0]), 9);
        assert_eq!(d.values, ["b", nfc, "a", "c"]);
        let codes: Vec<u32> = (0..d.codes.len()).map(|r| d.codes.get(r)).collect();
        assert_eq!(codes, [1, 2, 0, 3, 1, 3, 2, 4, 2, 1, 4]);
        assert_eq!(d.null_count, 1);
        assert_eq!(d.unicode_merges, [(nfc.to_string(), nfd.to_string())]);
        // Many values: each found again by its value.
        let many: Vec<String> = (0..50_000).map(|i| format!("u{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let all: Vec<u32> = (0..50_000).collect();
        d.absorb(&piece(&refs, &all), 11);
        d.absorb(&piece(&refs[..10], &[9, 0]), 50_011);
        assert_eq!(d.values.len(), 50_004);
        assert_eq!(d.codes.get(50_011), 14);
        assert_eq!(d.codes.get(50_012), 5);
        // A large piece of values seen before and new ones, looked up on
        // all cores: the seen keep their codes, the new follow in order.
        let more: Vec<String> = (49_990..60_000).map(|i| format!("u{i}")).collect();
        let refs: Vec<&str> = more.iter().map(String::as_str).collect();
        d.absorb(&piece(&refs, &[0, 10, 10_009]), 50_013);
        assert_eq!(d.values.len(), 60_004);
        let codes: Vec<u32> = (50_013..50_016).map(|r| d.codes.get(r)).collect();
        assert_eq!(codes, [49_995, 50_005, 60_004]);
    }
}
