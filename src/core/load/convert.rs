//! Converting a batch's polars columns to Slicewise's: numbers (checked,
//! naming the first value that is not one), ids, and where the nulls are.

use polars::prelude::{DataType, Float64Chunked, Float64Type, PolarsError, Series};

use super::SHOW_ROWS;
use crate::core::dataset::{IdPattern, Ids, Numbers, StrColumn};

/// A value of a column that should hold numbers and does not: the first
/// such value and its data row (or the column's type, when it holds no text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(super) struct NotNumbers(pub String);

/// Converts a column to numbers; text that is not a number is an error
/// naming the first such value and its data row (the first row being data
/// row `offset + 1`).
pub(super) fn to_f64_checked(series: &Series, offset: usize) -> Result<Vec<f64>, NotNumbers> {
    let other = |e: PolarsError| NotNumbers(e.to_string());
    if series.dtype().is_primitive_numeric() || series.dtype().is_null() {
        return to_f64(series).map_err(other);
    }
    let text = series.cast(&DataType::String).map_err(other)?;
    let nums = text.cast(&DataType::Float64).map_err(other)?;
    if nums.null_count() > text.null_count() {
        let (Ok(raw), Ok(parsed)) = (text.str(), nums.f64()) else {
            return Err(NotNumbers(series.dtype().to_string()));
        };
        let bad = raw
            .iter()
            .zip(parsed.iter())
            .enumerate()
            .find(|(_, (r, p))| r.is_some() && p.is_none())
            .map(|(row, (r, _))| {
                format!(
                    "'{}' on data row {}",
                    r.unwrap_or_default(),
                    offset + row + 1
                )
            });
        return Err(NotNumbers(
            bad.unwrap_or_else(|| series.dtype().to_string()),
        ));
    }
    to_f64(&nums).map_err(other)
}

pub(super) fn to_f64(series: &Series) -> Result<Vec<f64>, PolarsError> {
    let mut out = Vec::with_capacity(series.len());
    append_f64(series, &mut out)?;
    Ok(out)
}

/// Appends a column's values as numbers (NaN for missing) to `out`.
pub(super) fn append_f64(series: &Series, out: &mut Vec<f64>) -> Result<(), PolarsError> {
    let cast = series.cast(&DataType::Float64)?;
    extend_f64(cast.f64()?, out);
    Ok(())
}

/// Appends a Float64 column to `out` (NaN for missing), taking over the
/// reader's memory where it can: the first chunk of a column nothing else
/// holds becomes `out` when `out` is empty (its reserved size kept), so a
/// file read in one batch is neither copied nor paged in again.
pub(super) fn append_owned_f64(column: Series, out: &mut Vec<f64>) {
    let Ok(ca) = column.f64() else { return };
    if ca.null_count() > 0 {
        extend_f64(ca, out);
        return;
    }
    for chunk in column.take_inner::<Float64Type>().downcast_into_iter() {
        let (_, values, _) = chunk.into_inner();
        match Result::from(values.into_mut()) {
            Ok(mut owned) if out.is_empty() => {
                owned.reserve_exact(out.capacity().saturating_sub(owned.len()));
                *out = owned;
            }
            Ok(owned) => out.extend_from_slice(&owned),
            Err(shared) => out.extend_from_slice(&shared),
        }
    }
}

/// Appends a float column's values (NaN for missing) to `out`.
fn extend_f64(ca: &Float64Chunked, out: &mut Vec<f64>) {
    out.reserve(ca.len());
    let no_nulls = ca.null_count() == 0;
    for arr in ca.downcast_iter() {
        if no_nulls {
            out.extend_from_slice(arr.values());
        } else {
            out.extend(arr.iter().map(|v| v.copied().unwrap_or(f64::NAN)));
        }
    }
}

/// A column of ids: whole numbers as numbers, text that is one number
/// between a fixed prefix and suffix as the numbers (`pattern`, the pattern
/// of the ids read before, is tried first), other text as text.
pub(super) fn to_ids(series: &Series, pattern: Option<&IdPattern>) -> Result<Ids, PolarsError> {
    if super::encode::fits_i64(series.dtype()) {
        let cast = series.cast(&DataType::Int64)?;
        let ca = cast.i64()?;
        let mut out = Numbers::default();
        for arr in ca.downcast_iter() {
            out.extend(arr.iter().map(|v| v.copied().unwrap_or(i64::MIN)));
        }
        return Ok(Ids::Int(out));
    }
    let cast = series.cast(&DataType::String)?;
    let ca = cast.str()?;
    let first = ca.iter().flatten().next().unwrap_or_default();
    let candidates = [
        pattern.cloned(),
        IdPattern::of(first, true),
        IdPattern::of(first, false),
    ];
    for pattern in candidates.into_iter().flatten() {
        let numbers: Option<Numbers> = ca
            .iter()
            .map(|v| pattern.number(v.unwrap_or_default()))
            .collect();
        if let Some(numbers) = numbers {
            return Ok(Ids::Numbered(pattern, numbers));
        }
    }
    // The exact text size: no doubling slack in what stays loaded.
    let bytes: usize = ca.iter().map(|v| v.map_or(0, str::len)).sum();
    let mut out = StrColumn::with_capacity(ca.len(), bytes);
    for v in ca.iter() {
        out.push(v.unwrap_or_default());
    }
    Ok(Ids::Str(out))
}

/// The first [`SHOW_ROWS`] missing rows of a column, numbered from `offset`.
pub(super) fn first_nulls(series: &Series, offset: usize) -> Vec<usize> {
    if series.null_count() == 0 {
        return Vec::new();
    }
    series
        .is_null()
        .iter()
        .enumerate()
        .filter(|(_, n)| n.unwrap_or(false))
        .map(|(i, _)| offset + i)
        .take(SHOW_ROWS)
        .collect()
}
