//! A block of CSV records parsed straight into what the load keeps: text
//! columns as codes over each column's distinct values, numbers as floats.
//! Polars' reader builds a string view for every field of every text column
//! (labels, predictions, slice values), only for the load to hash each one
//! again to find its code; here a field is hashed once, where it lies in
//! the block.
//!
//! Only plain blocks are read this way: no quote and no carriage return
//! anywhere, every record with the header's number of fields, no blank
//! line, text that is UTF-8, numbers that parse as polars parses them (the
//! same parsers, `fast_float2` and `atoi_simd`, on the same bytes). Any
//! other block makes [`parse_block`] give `None`, and polars parses it as
//! before, with its own errors and diagnoses. What comes out is what
//! polars gives for the block, but for the coded columns, which are enums
//! of their values in order of first appearance (the load numbers them
//! exactly as it numbers the same text).

use memchr::{memchr, memchr2};
use polars::prelude::{
    DataFrame, DataType, Float64Chunked, Int64Chunked, IntoColumn, IntoSeries, NewChunkedArray,
    PlSmallStr, Schema, Series, StringChunked,
};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::encode::{NULL_CODE, next_code};
use super::parquet_codes::{Coded, into_series, join};

/// How one field of a record is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Field {
    /// Not read (outside the projection).
    Skip,
    /// Text kept as codes.
    Codes(PlSmallStr),
    /// Text kept as text (ids, image paths).
    Text(PlSmallStr),
    /// A 64-bit float.
    Float(PlSmallStr),
    /// A 64-bit integer.
    Int(PlSmallStr),
}

/// How each field of a record is read, in the file's order, or `None` when
/// some column's type is not one read here: every column of `schema` (the
/// file's, in order), those outside `projection` skipped, text columns
/// that `coded` names kept as codes.
pub(super) fn layout(
    schema: &Schema,
    projection: Option<&[PlSmallStr]>,
    coded: &[String],
) -> Option<Vec<Field>> {
    if let Some(wanted) = projection
        && !wanted.iter().all(|w| schema.get(w).is_some())
    {
        return None;
    }
    // A name that kept its byte order mark is not matched to the roles.
    if schema.iter_names().any(|n| n.starts_with('\u{feff}')) {
        return None;
    }
    schema
        .iter()
        .map(|(name, dtype)| {
            if projection.is_some_and(|wanted| !wanted.contains(name)) {
                return Some(Field::Skip);
            }
            let name = name.clone();
            Some(match dtype {
                DataType::String if coded.iter().any(|c| c == name.as_str()) => Field::Codes(name),
                DataType::String => Field::Text(name),
                DataType::Float64 => Field::Float(name),
                DataType::Int64 => Field::Int(name),
                _ => return None,
            })
        })
        .collect()
}

/// Bytes of records parsed as one piece of work (cut at a newline).
const PIECE_BYTES: usize = 1 << 20;

/// Parses a block (the header line, then whole records) as `fields` says,
/// or `None` when the block is not plain (see the module's doc) and polars
/// must parse it.
pub(super) fn parse_block(bytes: &[u8], delimiter: u8, fields: &[Field]) -> Option<DataFrame> {
    // The header line (its names are the schema's) is not read; one with
    // quotes may hold a newline, so it is left to polars.
    let header_end = memchr(b'\n', bytes)?;
    if memchr2(b'"', b'\r', &bytes[..header_end]).is_some() || delimiter == b'\n' {
        return None;
    }
    let body = &bytes[header_end + 1..];
    if body.is_empty() {
        return None;
    }
    let pieces = cut(body);
    let parse = || -> Option<Vec<Vec<Column<'_>>>> {
        pieces
            .par_iter()
            .map(|piece| parse_piece(piece, delimiter, fields))
            .collect()
    };
    let parsed = match crate::core::threads::reading_pool() {
        Some(pool) => pool.install(parse)?,
        None => parse()?,
    };
    assemble(parsed, fields)
}

/// `body` cut into pieces of about [`PIECE_BYTES`], each ending just past
/// a newline (the last at the end of the body).
fn cut(body: &[u8]) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(body.len() / PIECE_BYTES + 1);
    let mut start = 0;
    while start < body.len() {
        let target = (start + PIECE_BYTES).min(body.len());
        let end = if target == body.len() {
            target
        } else {
            memchr(b'\n', &body[target..]).map_or(body.len(), |i| target + i + 1)
        };
        pieces.push(&body[start..end]);
        start = end;
    }
    pieces
}

/// One column of a piece as it is read.
enum Column<'a> {
    Skip,
    Codes {
        /// Values of up to 15 bytes by [`short_key`]: one integer
        /// compared, where a slice takes a length check and a `memcmp`.
        short: FxHashMap<u128, u32>,
        long: FxHashMap<&'a [u8], u32>,
        values: Vec<&'a str>,
        codes: Vec<u32>,
    },
    Text(Vec<Option<&'a str>>),
    Float(Vec<Option<f64>>),
    Int(Vec<Option<i64>>),
}

impl<'a> Column<'a> {
    fn new(field: &Field, rows: usize) -> Self {
        match field {
            Field::Skip => Self::Skip,
            Field::Codes(_) => Self::Codes {
                short: FxHashMap::default(),
                long: FxHashMap::default(),
                values: Vec::new(),
                codes: Vec::with_capacity(rows),
            },
            Field::Text(_) => Self::Text(Vec::with_capacity(rows)),
            Field::Float(_) => Self::Float(Vec::with_capacity(rows)),
            Field::Int(_) => Self::Int(Vec::with_capacity(rows)),
        }
    }

    /// Reads one field (`None`: it is not read here as polars reads it).
    /// An empty field is missing, as polars reads it (`missing_is_null`).
    /// `wide` is the 16 bytes from the field's start where the piece has
    /// them (a short value's key is then one load and a mask).
    #[inline]
    fn push(&mut self, bytes: &'a [u8], wide: Option<&[u8; 16]>) -> Option<()> {
        match self {
            Self::Skip => {}
            Self::Codes {
                short,
                long,
                values,
                codes,
            } => {
                if bytes.is_empty() {
                    codes.push(NULL_CODE);
                    return Some(());
                }
                let key = match wide {
                    Some(wide) if bytes.len() <= 15 => Some(masked_key(wide, bytes.len())),
                    _ => short_key(bytes),
                };
                let known = match key {
                    Some(key) => short.get(&key),
                    None => long.get(bytes),
                };
                if let Some(&code) = known {
                    codes.push(code);
                } else {
                    let code = next_code(values.len());
                    values.push(std::str::from_utf8(bytes).ok()?);
                    match key {
                        Some(key) => short.insert(key, code),
                        None => long.insert(bytes, code),
                    };
                    codes.push(code);
                }
            }
            Self::Text(values) => values.push(if bytes.is_empty() {
                None
            } else {
                Some(std::str::from_utf8(bytes).ok()?)
            }),
            // Polars skips leading blanks before a number; a field that
            // starts with one is left to it.
            Self::Float(values) => values.push(match bytes.first() {
                None => None,
                Some(&b) if b <= b' ' => return None,
                Some(_) => Some(fast_float2::parse::<f64, _>(bytes).ok()?),
            }),
            Self::Int(values) => values.push(match bytes.first() {
                None => None,
                Some(&b) if b <= b' ' => return None,
                Some(_) => Some(atoi_simd::parse::<i64, true, true>(bytes).ok()?),
            }),
        }
        Some(())
    }
}

/// A value of up to 15 bytes as one integer: its bytes, then its length.
#[inline]
fn short_key(bytes: &[u8]) -> Option<u128> {
    let len = bytes.len();
    if len > 15 {
        return None;
    }
    let mut key = [0u8; 16];
    key[..len].copy_from_slice(bytes);
    key[15] = u8::try_from(len).ok()?;
    Some(u128::from_le_bytes(key))
}

/// [`short_key`] of the first `len` (at most 15) of 16 bytes.
#[inline]
fn masked_key(wide: &[u8; 16], len: usize) -> u128 {
    let keep = (1u128 << (8 * len)) - 1;
    (u128::from_le_bytes(*wide) & keep) | ((len as u128) << 120)
}

/// The high bit of each byte of `x` that is zero, and no other bit (no
/// carry crosses a byte: the low seven bits plus 0x7f stay below 0x100).
#[inline]
fn zero_bytes(x: u64) -> u64 {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((x & LOW).wrapping_add(LOW)) | x | LOW)
}

/// Parses the records of one piece, or `None` when it is not plain.
fn parse_piece<'a>(piece: &'a [u8], delimiter: u8, fields: &[Field]) -> Option<Vec<Column<'a>>> {
    if memchr2(b'"', b'\r', piece).is_some() {
        return None;
    }
    // A guess at the rows, for the columns' first allocation.
    let rows = piece.len() / (fields.len() * 4).max(16);
    let mut columns: Vec<Column<'a>> = fields.iter().map(|f| Column::new(f, rows)).collect();
    let width = fields.len();
    let mut start = 0;
    let mut field = 0;
    let mut end_field = |end: usize, newline: bool| {
        let value = &piece[start..end];
        let wide = piece
            .get(start..start + 16)
            .and_then(|w| <&[u8; 16]>::try_from(w).ok());
        start = end + 1;
        // Polars skips a blank line; it is left to it.
        if newline && field == 0 && value.is_empty() {
            return None;
        }
        columns.get_mut(field)?.push(value, wide)?;
        field += 1;
        if newline {
            if field != width {
                return None;
            }
            field = 0;
        }
        Some(())
    };
    // Every delimiter and newline of the piece ends a field (a newline its
    // record too), found 8 bytes at a time: a bit set in the mask marks
    // each byte that is one.
    let (words, tail) = piece.as_chunks::<8>();
    let (delimiters, newlines) = (
        u64::from_ne_bytes([delimiter; 8]),
        u64::from_ne_bytes([b'\n'; 8]),
    );
    for (n, word) in words.iter().enumerate() {
        let word = u64::from_le_bytes(*word);
        let mut mask = zero_bytes(word ^ delimiters) | zero_bytes(word ^ newlines);
        while mask != 0 {
            let at = n * 8 + (mask.trailing_zeros() / 8) as usize;
            end_field(at, piece[at] == b'\n')?;
            mask &= mask - 1;
        }
    }
    let base = words.len() * 8;
    for (i, &b) in tail.iter().enumerate() {
        if b == delimiter || b == b'\n' {
            end_field(base + i, b == b'\n')?;
        }
    }
    // The last record of the file may have no newline.
    if !piece.ends_with(b"\n") {
        end_field(piece.len(), true)?;
    }
    Some(columns)
}

/// The pieces' columns joined in order into one frame of the read columns.
fn assemble(pieces: Vec<Vec<Column<'_>>>, fields: &[Field]) -> Option<DataFrame> {
    let mut by_field: Vec<Vec<Column<'_>>> = fields.iter().map(|_| Vec::new()).collect();
    for piece in pieces {
        for (slot, column) in by_field.iter_mut().zip(piece) {
            slot.push(column);
        }
    }
    // The columns side by side (each copies its pieces once).
    let read: Vec<(&Field, Vec<Column<'_>>)> = fields
        .iter()
        .zip(by_field)
        .filter(|(field, _)| **field != Field::Skip)
        .collect();
    let out: Vec<Series> = read
        .into_par_iter()
        .map(|(field, columns)| join_column(field, columns))
        .collect::<Option<_>>()?;
    DataFrame::new_infer_height(out.into_iter().map(IntoColumn::into_column).collect()).ok()
}

/// One read column's pieces joined in order.
fn join_column(field: &Field, columns: Vec<Column<'_>>) -> Option<Series> {
    let series = match field {
        Field::Skip => return None,
        Field::Codes(name) => {
            let chunks = columns
                .into_iter()
                .filter_map(|c| match c {
                    Column::Codes { values, codes, .. } => Some(Coded {
                        codes,
                        values: values.into_iter().map(str::to_owned).collect(),
                    }),
                    _ => None,
                })
                .collect();
            into_series(name, join(chunks))?
        }
        Field::Text(name) => StringChunked::from_iter_options(
            name.clone(),
            columns
                .iter()
                .flat_map(|c| match c {
                    Column::Text(values) => values.as_slice(),
                    _ => &[],
                })
                .copied(),
        )
        .into_series(),
        Field::Float(name) => {
            let values: Vec<Option<f64>> = flatten(columns, |c| match c {
                Column::Float(v) => Some(v),
                _ => None,
            });
            if values.iter().all(Option::is_some) {
                Float64Chunked::from_vec(name.clone(), values.into_iter().flatten().collect())
                    .into_series()
            } else {
                Float64Chunked::from_iter_options(name.clone(), values.into_iter()).into_series()
            }
        }
        Field::Int(name) => {
            let values: Vec<Option<i64>> = flatten(columns, |c| match c {
                Column::Int(v) => Some(v),
                _ => None,
            });
            Int64Chunked::from_iter_options(name.clone(), values.into_iter()).into_series()
        }
    };
    Some(series)
}

/// The values of one column over the pieces, in order.
fn flatten<'a, T>(columns: Vec<Column<'a>>, take: impl Fn(Column<'a>) -> Option<Vec<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for column in columns {
        if let Some(values) = take(column) {
            out.extend(values);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{CsvReadOptions, SerReader};
    use std::fmt::Write as _;

    /// What polars reads of `csv`, every column cast to text.
    fn polars_reads(csv: &str, schema: &Schema) -> DataFrame {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_schema(Some(std::sync::Arc::new(schema.clone())))
            .into_reader_with_file_handle(std::io::Cursor::new(csv.as_bytes().to_vec()))
            .finish()
            .unwrap()
    }

    fn spelt(df: &DataFrame) -> Vec<Vec<Option<String>>> {
        df.columns()
            .iter()
            .map(|c| {
                let text = c.cast(&DataType::String).unwrap();
                text.str()
                    .unwrap()
                    .iter()
                    .map(|v| v.map(str::to_string))
                    .collect()
            })
            .collect()
    }

    fn schema() -> Schema {
        let mut schema = Schema::default();
        for (name, dtype) in [
            ("id", DataType::Int64),
            ("label", DataType::String),
            ("score", DataType::Float64),
            ("device", DataType::String),
            ("note", DataType::String),
        ] {
            schema.with_column(name.into(), dtype);
        }
        schema
    }

    fn parsed(csv: &str, schema: &Schema) -> Option<DataFrame> {
        let coded = ["label".to_string(), "device".to_string()];
        let fields = layout(schema, None, &coded)?;
        parse_block(csv.as_bytes(), b',', &fields)
    }

    #[test]
    fn plain_blocks_read_as_polars_reads_them() {
        let schema = schema();
        let mut csv = String::from("id,label,score,device,note\n");
        let values = [
            "a",
            "",
            "fifteen bytes!!",
            "sixteen bytes!!!",
            "ünïcode 😀 and a long tail of words",
            "b",
        ];
        for i in 0..5000 {
            let score = ["0.5", "1e-3", "nan", "inf", "", "-2.25", "3"][i % 7];
            let label = values[i % values.len()];
            let device = values[(i / 3) % values.len()];
            let note = format!("n{}", i % 11);
            writeln!(csv, "{i},{label},{score},{device},{note}").unwrap();
        }
        let ours = parsed(&csv, &schema).expect("a plain block is read here");
        let polars = polars_reads(&csv, &schema);
        assert_eq!(spelt(&ours), spelt(&polars));
        // Text kept as codes is an enum; other text stays text, numbers numbers.
        assert!(matches!(
            ours.column("label").unwrap().dtype(),
            DataType::Enum(..)
        ));
        assert_eq!(ours.column("note").unwrap().dtype(), &DataType::String);
        assert_eq!(ours.column("score").unwrap().dtype(), &DataType::Float64);
        assert_eq!(ours.column("id").unwrap().dtype(), &DataType::Int64);
        // Every float is the same number, to the bit.
        let bits = |df: &DataFrame| -> Vec<Option<u64>> {
            df.column("score")
                .unwrap()
                .f64()
                .unwrap()
                .iter()
                .map(|v| v.map(f64::to_bits))
                .collect()
        };
        assert_eq!(bits(&ours), bits(&polars));
        // Without a last newline, and outside the projection, the same.
        let cut = csv.trim_end_matches('\n');
        assert_eq!(spelt(&parsed(cut, &schema).unwrap()), spelt(&polars));
        let wanted = [PlSmallStr::from("label"), PlSmallStr::from("score")];
        let fields = layout(&schema, Some(&wanted), &["label".to_string()]).unwrap();
        let some = parse_block(csv.as_bytes(), b',', &fields).unwrap();
        assert_eq!(some.get_column_names(), ["label", "score"]);
        assert_eq!(
            spelt(&some),
            spelt(&polars.select(["label", "score"]).unwrap())
        );
    }

    #[test]
    fn blocks_that_are_not_plain_are_left_to_polars() {
        let schema = schema();
        let header = "id,label,score,device,note\n";
        for body in [
            "1,\"a\",0.5,d,n\n",            // a quote
            "1,a,0.5,d,n\r\n",              // a carriage return
            "1,a,0.5,d,n\n\n2,a,0.5,d,n\n", // a blank line
            "1,a,0.5,d\n",                  // a short record
            "1,a,0.5,d,n,extra\n",          // a long one
            "1,a, 0.5,d,n\n",               // a blank before a number
            "1,a,0.5x,d,n\n",               // not a number
            "x1,a,0.5,d,n\n",               // not an integer
        ] {
            assert!(
                parsed(&format!("{header}{body}"), &schema).is_none(),
                "{body:?}"
            );
        }
        let mut latin1 = header.as_bytes().to_vec();
        latin1.extend_from_slice(b"1,caf\xe9,0.5,d,n\n");
        let fields = layout(&schema, None, &["label".to_string()]).unwrap();
        assert!(parse_block(&latin1, b',', &fields).is_none());
        // Only the header: nothing to read here.
        assert!(parsed(header, &schema).is_none());
        // A type not read here leaves the whole block to polars.
        let mut dates = schema.clone();
        dates.with_column("note".into(), DataType::Date);
        assert!(layout(&dates, None, &[]).is_none());
    }

    #[test]
    fn the_byte_mask_marks_exactly_the_zero_bytes() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Bytes drawn mostly from a few values, zeros among them.
            let bytes: [u8; 8] = std::array::from_fn(|i| {
                [0, 1, 0x7f, 0x80, 0xff, b','][((state >> (i * 5)) % 6) as usize]
            });
            let word = u64::from_le_bytes(bytes);
            let expected = bytes
                .iter()
                .enumerate()
                .fold(0u64, |m, (i, &b)| m | (u64::from(b == 0) << (i * 8 + 7)));
            assert_eq!(zero_bytes(word), expected, "{bytes:?}");
        }
    }

    #[test]
    fn short_values_have_one_key_however_they_are_read() {
        let line = b"fifteen bytes!!,and more after it";
        for len in 1..=15 {
            let wide: &[u8; 16] = line[..16].try_into().unwrap();
            assert_eq!(masked_key(wide, len), short_key(&line[..len]).unwrap());
        }
        assert_ne!(short_key(b"a"), short_key(b"a\0"));
        assert_eq!(short_key(&[b'x'; 16]), None);
    }
}
