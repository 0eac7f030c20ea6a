//! The loaded prediction table in compact columnar form: class codes for the
//! label and prediction, a correctness bitmap, categorical codes for every
//! slice column. Every statistic is a count over these arrays.

use std::borrow::Cow;
use std::path::PathBuf;

use super::stats::Count;

/// A name that is no column of the data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no column '{name}' {what}.{suggestion} Slice columns: {}", columns.join(", "))]
pub struct NoSuchColumn {
    /// The name given.
    pub name: String,
    /// What it was wanted for ("to slice on").
    pub what: &'static str,
    /// " Did you mean 'x'?", or nothing.
    pub suggestion: String,
    /// The slice columns there are.
    pub columns: Vec<String>,
}

/// Code stored for a missing human label.
pub const NO_HUMAN: u32 = u32::MAX;

/// A fixed-size set of bits, one per row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bitmap {
    words: Vec<u64>,
    len: usize,
}

impl Bitmap {
    /// Bytes held.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }

    /// `len` bits, all clear.
    #[must_use]
    pub fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Number of bits.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bits at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bit at `i`.
    #[must_use]
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        (self.words[i >> 6] >> (i & 63)) & 1 == 1
    }

    /// Sets the bit at `i` to `value`.
    #[inline]
    pub fn set(&mut self, i: usize, value: bool) {
        let mask = 1u64 << (i & 63);
        if value {
            self.words[i >> 6] |= mask;
        } else {
            self.words[i >> 6] &= !mask;
        }
    }

    /// Number of set bits.
    #[must_use]
    pub fn count_ones(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Number of bits set in both (over the shorter of the two).
    #[must_use]
    pub fn count_and(&self, other: &Self) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    /// The bits of `f(i)` for every `i` below `len`.
    #[must_use]
    pub fn from_fn(len: usize, f: impl Fn(usize) -> bool) -> Self {
        let mut words = vec![0u64; len.div_ceil(64)];
        for (w, word) in words.iter_mut().enumerate() {
            let start = w * 64;
            let end = (start + 64).min(len);
            let mut bits = 0u64;
            for i in start..end {
                bits |= u64::from(f(i)) << (i - start);
            }
            *word = bits;
        }
        Self { words, len }
    }

    /// Keeps the bits set in both (`other` has the same length).
    pub fn and_with(&mut self, other: &Self) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    /// Sets the bits set in either (`other` has the same length).
    pub fn or_with(&mut self, other: &Self) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// Flips every bit.
    pub fn invert(&mut self) {
        for w in &mut self.words {
            *w = !*w;
        }
        let tail = self.len % 64;
        if tail != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << tail) - 1;
        }
    }

    /// Whether no bit is set.
    #[must_use]
    pub fn none(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// Indices of the set bits, in order.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let tz = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(w * 64 + tz)
            })
        })
    }
}

/// Identifiers of the rows, which key tag assignments in a session.
#[derive(Debug, Clone)]
pub enum Ids {
    /// No id column: rows are keyed by their 1-based row number.
    RowNumber,
    /// Integer ids.
    Int(Numbers),
    /// Text ids that are each a number between one prefix and suffix
    /// (`utt00000001`, `img_17.jpg`), kept as the numbers.
    Numbered(IdPattern, Numbers),
    /// Other text ids, stored back to back.
    Str(StrColumn),
}

impl Ids {
    /// The key of `row` as text, as it is written in a session file.
    #[must_use]
    pub fn key(&self, row: usize) -> Cow<'_, str> {
        match self {
            Self::RowNumber => Cow::Owned((row + 1).to_string()),
            Self::Int(v) => Cow::Owned(v.get(row).to_string()),
            Self::Numbered(pattern, v) => Cow::Owned(pattern.format(v.get(row))),
            Self::Str(s) => Cow::Borrowed(s.get(row)),
        }
    }

    /// The row whose key is `key`.
    #[must_use]
    pub fn row_of(&self, key: &str) -> Option<usize> {
        match self {
            Self::RowNumber => key.trim().parse::<usize>().ok()?.checked_sub(1),
            Self::Int(v) => {
                let n = key.trim().parse::<i64>().ok()?;
                v.iter().position(|x| x == n)
            }
            Self::Numbered(pattern, v) => {
                let n = pattern.number(key)?;
                v.iter().position(|x| x == n)
            }
            Self::Str(s) => (0..s.len()).find(|&i| s.get(i) == key),
        }
    }

    /// Number of ids (0 for row numbers).
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::RowNumber => 0,
            Self::Int(v) | Self::Numbered(_, v) => v.len(),
            Self::Str(s) => s.len(),
        }
    }

    /// Whether there are no ids.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        match self {
            Self::RowNumber => 0,
            Self::Int(v) => v.heap_bytes(),
            Self::Numbered(p, v) => v.heap_bytes() + p.prefix.len() + p.suffix.len(),
            Self::Str(s) => s.heap_bytes(),
        }
    }

    /// The numbers behind integer or numbered ids, with the pattern of
    /// numbered ones.
    #[must_use]
    pub fn numbers(&self) -> Option<(Option<&IdPattern>, &Numbers)> {
        match self {
            Self::Int(v) => Some((None, v)),
            Self::Numbered(p, v) => Some((Some(p), v)),
            Self::RowNumber | Self::Str(_) => None,
        }
    }
}

/// Text ids made of one number between a fixed prefix and suffix: the
/// number is the last run of digits, written `width` digits wide (zeros in
/// front), or as is when `width` is 0 (no zero in front). Each such id is
/// exactly one number and back, so the ids can be kept as numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPattern {
    /// Text before the number.
    pub prefix: String,
    /// Digits of every number, or 0 for numbers written without zeros in front.
    pub width: usize,
    /// Text after the number.
    pub suffix: String,
}

impl IdPattern {
    /// Most digits a number may have (an `i64` holds 18 of any kind).
    const MAX_DIGITS: usize = 18;

    /// The pattern of `id`, fixed-width when `padded`; `None` without digits.
    #[must_use]
    pub fn of(id: &str, padded: bool) -> Option<Self> {
        let bytes = id.as_bytes();
        let end = bytes.iter().rposition(u8::is_ascii_digit)? + 1;
        let start = bytes[..end]
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |i| i + 1);
        let pattern = Self {
            prefix: id[..start].to_string(),
            width: if padded { end - start } else { 0 },
            suffix: id[end..].to_string(),
        };
        pattern.number(id).map(|_| pattern)
    }

    /// The number of `id` when it has this pattern.
    #[must_use]
    pub fn number(&self, id: &str) -> Option<i64> {
        let digits = id
            .strip_prefix(self.prefix.as_str())?
            .strip_suffix(self.suffix.as_str())?;
        let fits = if self.width > 0 {
            digits.len() == self.width
        } else {
            digits == "0" || !digits.starts_with('0')
        };
        (fits
            && !digits.is_empty()
            && digits.len() <= Self::MAX_DIGITS
            && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
    }

    /// The id of number `n`.
    #[must_use]
    pub fn format(&self, n: i64) -> String {
        let (prefix, suffix, width) = (&self.prefix, &self.suffix, self.width);
        format!("{prefix}{n:0width$}{suffix}")
    }
}

/// Whole numbers, one per row: runs of consecutive numbers while they come
/// that way (ids 1, 2, 3, … cost 16 bytes in all), else one per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Numbers {
    /// The first row of each run and its number; a run goes on, one higher
    /// a row, up to the next run's first row.
    Runs {
        /// (first row, its number) of each run.
        starts: Vec<(usize, i64)>,
        /// Rows in all.
        len: usize,
    },
    /// One number per row.
    Plain(Vec<i64>),
}

impl Default for Numbers {
    fn default() -> Self {
        Self::Runs {
            starts: Vec::new(),
            len: 0,
        }
    }
}

impl FromIterator<i64> for Numbers {
    fn from_iter<I: IntoIterator<Item = i64>>(iter: I) -> Self {
        let mut out = Self::default();
        out.extend(iter);
        out
    }
}

impl Numbers {
    /// Appends numbers; runs give way to one number a row once they would
    /// take more room.
    pub fn extend(&mut self, values: impl IntoIterator<Item = i64>) {
        for v in values {
            match self {
                Self::Runs { starts, len } => {
                    let continues = starts.last().is_some_and(|&(row, first)| {
                        i64::try_from(*len - row)
                            .ok()
                            .and_then(|d| first.checked_add(d))
                            == Some(v)
                    });
                    if !continues {
                        starts.push((*len, v));
                    }
                    *len += 1;
                    if starts.len() > 64 && starts.len() * 16 > *len * 8 {
                        *self = Self::Plain(self.iter().collect());
                    }
                }
                Self::Plain(all) => all.push(v),
            }
        }
    }

    /// The number of `row`.
    #[must_use]
    pub fn get(&self, row: usize) -> i64 {
        match self {
            Self::Runs { starts, .. } => {
                let k = starts.partition_point(|&(r, _)| r <= row).saturating_sub(1);
                let (first_row, first) = starts[k];
                first + i64::try_from(row - first_row).unwrap_or(i64::MAX)
            }
            Self::Plain(v) => v[row],
        }
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Runs { len, .. } => *len,
            Self::Plain(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every row's number, in order.
    #[must_use]
    #[allow(clippy::iter_without_into_iter)] // Numbers by value, not references.
    pub fn iter(&self) -> Box<dyn Iterator<Item = i64> + '_> {
        match self {
            Self::Runs { starts, len } => Box::new(starts.iter().enumerate().flat_map(
                move |(k, &(row, first))| {
                    let end = starts.get(k + 1).map_or(*len, |s| s.0);
                    (0..end - row).map(move |j| first + i64::try_from(j).unwrap_or(i64::MAX))
                },
            )),
            Self::Plain(v) => Box::new(v.iter().copied()),
        }
    }

    /// Whether every number is above the one before.
    #[must_use]
    pub fn strictly_increasing(&self) -> bool {
        match self {
            Self::Runs { starts, len } => {
                starts.windows(2).all(|w| {
                    let last_of_first = w[0].1 + i64::try_from(w[1].0 - w[0].0 - 1).unwrap_or(0);
                    w[1].1 > last_of_first
                }) || *len == 0
            }
            Self::Plain(v) => v.windows(2).all(|w| w[0] < w[1]),
        }
    }

    /// Bytes held.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        match self {
            Self::Runs { starts, .. } => starts.capacity() * 16,
            Self::Plain(v) => v.capacity() * 8,
        }
    }

    /// Gives back the room no number uses.
    pub fn shrink_to_fit(&mut self) {
        match self {
            Self::Runs { starts, .. } => starts.shrink_to_fit(),
            Self::Plain(v) => v.shrink_to_fit(),
        }
    }
}

/// Many strings stored in one buffer with end offsets: one allocation instead
/// of one per row.
#[derive(Debug, Clone, Default)]
pub struct StrColumn {
    bytes: String,
    /// End offset of each string, 32 bits while the text is under 4 GiB.
    ends: Ends,
}

/// End offsets, in the narrower width while it suffices.
#[derive(Debug, Clone)]
enum Ends {
    U32(Vec<u32>),
    U64(Vec<u64>),
}

impl Default for Ends {
    fn default() -> Self {
        Self::U32(Vec::new())
    }
}

impl StrColumn {
    /// Bytes held: the text and the end offsets.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
            + match &self.ends {
                Ends::U32(v) => v.capacity() * 4,
                Ends::U64(v) => v.capacity() * 8,
            }
    }

    /// An empty column with room for `rows` strings of `bytes` bytes in all.
    #[must_use]
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        Self {
            bytes: String::with_capacity(bytes),
            ends: if u32::try_from(bytes).is_ok() {
                Ends::U32(Vec::with_capacity(rows))
            } else {
                Ends::U64(Vec::with_capacity(rows))
            },
        }
    }

    /// Appends a string.
    pub fn push(&mut self, s: &str) {
        self.bytes.push_str(s);
        let end = self.bytes.len();
        match &mut self.ends {
            Ends::U32(v) => match u32::try_from(end) {
                Ok(e) => v.push(e),
                // Past 4 GiB of text: widen once.
                Err(_) => {
                    let mut wide: Vec<u64> = v.iter().map(|&e| u64::from(e)).collect();
                    wide.push(end as u64);
                    self.ends = Ends::U64(wide);
                }
            },
            Ends::U64(v) => v.push(end as u64),
        }
    }

    /// Makes room for `rows` more strings of `bytes` bytes in all.
    pub fn reserve(&mut self, rows: usize, bytes: usize) {
        self.bytes.reserve(bytes);
        match &mut self.ends {
            Ends::U32(v) => v.reserve(rows),
            Ends::U64(v) => v.reserve(rows),
        }
    }

    /// Gives back the room no string uses.
    pub fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
        match &mut self.ends {
            Ends::U32(v) => v.shrink_to_fit(),
            Ends::U64(v) => v.shrink_to_fit(),
        }
    }

    /// Number of strings.
    #[must_use]
    pub fn len(&self) -> usize {
        match &self.ends {
            Ends::U32(v) => v.len(),
            Ends::U64(v) => v.len(),
        }
    }

    /// Whether there are no strings.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    #[allow(clippy::cast_possible_truncation)]
    fn end(&self, i: usize) -> usize {
        match &self.ends {
            Ends::U32(v) => v[i] as usize,
            Ends::U64(v) => v[i] as usize,
        }
    }

    /// The string at `i`.
    #[must_use]
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.end(i - 1) };
        &self.bytes[start..self.end(i)]
    }
}

/// A column grouped into a small number of values: each row has a code, each
/// code a display label. Categorical columns are stored this way; numeric
/// columns get one as distinct values or quantile bins.
#[derive(Debug, Clone, Default)]
pub struct Grouping {
    /// Group code per row.
    pub codes: Codes,
    /// Display label per code.
    pub labels: Vec<String>,
}

impl Grouping {
    /// Number of groups.
    #[must_use]
    pub fn n_groups(&self) -> usize {
        self.labels.len()
    }

    /// The code of the group labelled `label`.
    #[must_use]
    pub fn code_of(&self, label: &str) -> Option<u32> {
        self.labels
            .iter()
            .position(|l| l == label)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// The label of `row`'s group.
    #[must_use]
    pub fn label_of_row(&self, row: usize) -> &str {
        &self.labels[self.codes.get(row) as usize]
    }
}

/// Group codes, one per row, in the narrowest integer that holds them: a
/// byte for up to 256 groups (most slice columns), two for up to 65,536.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Codes {
    /// Up to 256 groups.
    U8(Vec<u8>),
    /// Up to 65,536 groups.
    U16(Vec<u16>),
    /// More.
    U32(Vec<u32>),
}

impl Default for Codes {
    fn default() -> Self {
        Self::U8(Vec::new())
    }
}

impl Codes {
    /// `codes` stored in the narrowest width that holds `max_code`.
    #[must_use]
    #[allow(clippy::cast_possible_truncation)]
    pub fn new(codes: Vec<u32>, max_code: u32) -> Self {
        if u8::try_from(max_code).is_ok() {
            Self::U8(codes.into_iter().map(|c| c as u8).collect())
        } else if u16::try_from(max_code).is_ok() {
            Self::U16(codes.into_iter().map(|c| c as u16).collect())
        } else {
            Self::U32(codes)
        }
    }

    /// Makes the stored integers wide enough for codes up to `max_code`.
    pub fn widen_for(&mut self, max_code: u32) {
        let fits = match self {
            Self::U8(_) => u8::try_from(max_code).is_ok(),
            Self::U16(_) => u16::try_from(max_code).is_ok(),
            Self::U32(_) => true,
        };
        if !fits {
            let codes = std::mem::take(self).to_vec();
            *self = Self::new(codes, max_code);
        }
    }

    /// Appends codes, none above the `max_code` last given to
    /// [`Codes::widen_for`].
    #[allow(clippy::cast_possible_truncation)]
    pub fn extend(&mut self, codes: impl Iterator<Item = u32>) {
        match self {
            Self::U8(v) => v.extend(codes.map(|c| c as u8)),
            Self::U16(v) => v.extend(codes.map(|c| c as u16)),
            Self::U32(v) => v.extend(codes),
        }
    }

    /// Replaces every code `c` with `table[c]`, in place; no entry of
    /// `table` may need a wider integer than the codes have.
    #[allow(clippy::cast_possible_truncation)]
    pub fn remap(&mut self, table: &[u32]) {
        match self {
            Self::U8(v) => v.iter_mut().for_each(|c| *c = table[usize::from(*c)] as u8),
            Self::U16(v) => v
                .iter_mut()
                .for_each(|c| *c = table[usize::from(*c)] as u16),
            Self::U32(v) => v.iter_mut().for_each(|c| *c = table[*c as usize]),
        }
    }

    /// Gives back the room no code uses.
    pub fn shrink_to_fit(&mut self) {
        match self {
            Self::U8(v) => v.shrink_to_fit(),
            Self::U16(v) => v.shrink_to_fit(),
            Self::U32(v) => v.shrink_to_fit(),
        }
    }

    /// `codes`, narrowed to the width their largest code needs.
    #[must_use]
    pub fn narrowed(codes: Vec<u32>) -> Self {
        let max = codes.iter().copied().max().unwrap_or(0);
        Self::new(codes, max)
    }

    /// The code of `row`.
    #[must_use]
    #[inline]
    pub fn get(&self, row: usize) -> u32 {
        match self {
            Self::U8(v) => u32::from(v[row]),
            Self::U16(v) => u32::from(v[row]),
            Self::U32(v) => v[row],
        }
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::U8(v) => v.len(),
            Self::U16(v) => v.len(),
            Self::U32(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every row's code, in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).map(|r| self.get(r))
    }

    /// The codes as 32-bit numbers.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u32> {
        self.iter().collect()
    }

    /// Bytes held.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        match self {
            Self::U8(v) => v.capacity(),
            Self::U16(v) => v.capacity() * 2,
            Self::U32(v) => v.capacity() * 4,
        }
    }
}

impl FromIterator<u32> for Codes {
    fn from_iter<I: IntoIterator<Item = u32>>(iter: I) -> Self {
        Self::narrowed(iter.into_iter().collect())
    }
}

pub use super::temporal::MISSING;

/// How a numeric column was grouped for slicing.
#[derive(Debug, Clone, PartialEq)]
pub enum NumericGrouping {
    /// Few distinct values: one group per value.
    Distinct,
    /// Quantile bins with these edges (`edges.len() - 1` bins; the last is closed).
    Bins(Vec<f64>),
}

/// The values of one metadata column.
#[derive(Debug, Clone)]
pub enum ColumnData {
    /// Strings, booleans and other discrete values.
    Categorical(Grouping),
    /// Numbers (NaN for missing), with a grouping for slicing.
    Numeric {
        /// The raw values, used by rules (`snr < 10`).
        values: Vec<f64>,
        /// One group per distinct value or per quantile bin.
        groups: Grouping,
        /// How the groups were made.
        grouping: NumericGrouping,
        /// What the numbers stand for (dates, times, durations, or plain).
        kind: super::temporal::NumberKind,
    },
}

/// What a metadata column is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ColumnUse {
    /// Available for slicing and rules.
    Slice,
    /// An image path, shown in the inspector.
    Image,
    /// Free text, shown in the inspector.
    Text,
}

/// One metadata column (anything that is not label, prediction, score, id or human).
#[derive(Debug, Clone)]
pub struct Column {
    /// The column's name in the file.
    pub name: String,
    /// What the column is for.
    pub usage: ColumnUse,
    /// The values.
    pub data: ColumnData,
}

impl Column {
    /// The grouping used for slicing.
    #[must_use]
    pub fn groups(&self) -> &Grouping {
        match &self.data {
            ColumnData::Categorical(g) | ColumnData::Numeric { groups: g, .. } => g,
        }
    }

    /// The value of `row` as text (the raw number for numeric columns).
    #[must_use]
    pub fn display(&self, row: usize) -> Cow<'_, str> {
        match &self.data {
            ColumnData::Categorical(g) => Cow::Borrowed(g.label_of_row(row)),
            ColumnData::Numeric { values, kind, .. } => {
                let v = values[row];
                if v.is_nan() {
                    Cow::Borrowed(MISSING)
                } else {
                    Cow::Owned(kind.format(v))
                }
            }
        }
    }
}

pub use super::temporal::{format_edge, format_number};

/// One class's probability column.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbaColumn {
    /// The class code.
    pub class: u32,
    /// The column's name in the file.
    pub name: String,
    /// The probability per row (NaN where missing).
    pub values: Vec<f64>,
}

/// Per-class probability columns (`prob_<class>` and the like), in class order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Probas {
    /// The columns found, one per class that has one.
    pub columns: Vec<ProbaColumn>,
}

impl Probas {
    /// The probabilities of class `class`, if it has a column.
    #[must_use]
    pub fn of(&self, class: u32) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|c| c.class == class)
            .map(|c| c.values.as_slice())
    }

    /// Whether every one of `n_classes` classes has a column.
    #[must_use]
    pub fn complete(&self, n_classes: usize) -> bool {
        self.columns.len() == n_classes
    }
}

/// The column names that play each role.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Roles {
    /// True label.
    pub label: String,
    /// Predicted label.
    pub pred: String,
    /// Model score (confidence or probability).
    pub score: Option<String>,
    /// Example id.
    pub id: Option<String>,
    /// Human label, for human-level performance.
    pub human: Option<String>,
    /// Image path.
    pub image: Option<String>,
    /// Free text.
    pub text: Option<String>,
    /// Weight column (how many examples a row stands for).
    #[serde(default)]
    pub weight: Option<String>,
}

/// Per-row weights from a weight column (scikit-learn's `sample_weight`).
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// The column they came from.
    pub column: String,
    /// One non-negative, finite weight per row.
    pub values: Vec<f64>,
    /// Whether any weight is not a whole number: intervals then use Kish's
    /// effective sample size instead of counting a row of weight `w` as `w`
    /// rows.
    pub fractional: bool,
}

impl Weights {
    /// Weights from a column's values, which the loader has checked.
    #[must_use]
    pub fn new(column: String, values: Vec<f64>) -> Self {
        let fractional = values.iter().any(|w| w.fract() != 0.0);
        Self {
            column,
            values,
            fractional,
        }
    }
}

/// Human agreement counted per row, as a count cube carries it: how many
/// of the examples a row stands for have a human label, and how many of
/// those agree with the true label.
#[derive(Debug, Clone, PartialEq)]
pub struct HumanCounts {
    /// Examples with a human label, per row.
    pub labelled: Vec<f64>,
    /// Examples whose human label equals the true label, per row.
    pub agree: Vec<f64>,
}

/// The cube columns of [`HumanCounts`].
pub const HUMAN_COUNT_COLUMNS: (&str, &str) = ("human_n", "human_agree");

/// Where the data came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// A content fingerprint (see [`crate::core::load::fingerprint`]).
    pub fingerprint: String,
}

/// A loaded predictions table.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The file it was loaded from.
    pub source: SourceInfo,
    /// Which column plays which role.
    pub roles: Roles,
    /// Class names: the sorted union of label and prediction values.
    pub classes: Vec<String>,
    /// True class code per row.
    pub label: Vec<u32>,
    /// Predicted class code per row.
    pub pred: Vec<u32>,
    /// Whether the prediction equals the label, per row.
    pub correct: Bitmap,
    /// Misclassified rows, counted once when `correct` was built (the
    /// prioritisation table asks for it on every tag edit).
    pub n_errors: usize,
    /// Model score per row (NaN where missing).
    pub score: Option<Vec<f64>>,
    /// Per-class probability columns, when the file has them.
    pub probas: Option<Probas>,
    /// Human label code per row ([`NO_HUMAN`] where missing); codes at or above
    /// `classes.len()` index `human_extra_classes`.
    pub human: Option<Vec<u32>>,
    /// Human label values that are not classes of the model.
    pub human_extra_classes: Vec<String>,
    /// Human agreement counts per row, in a count cube (instead of `human`).
    pub human_counts: Option<HumanCounts>,
    /// Row weights, when the file has a weight column.
    pub weights: Option<Weights>,
    /// The weight of all rows and of the misclassified rows (the row counts
    /// without weights), counted once when loading.
    pub weighed: (Count, Count),
    /// Row identifiers.
    pub ids: Ids,
    /// Metadata columns, in file order.
    pub columns: Vec<Column>,
    /// Things the user should know about the load (no id column, ...).
    pub warnings: Vec<String>,
    /// Seconds spent in each phase of loading, for `--timings`.
    pub load_phases: Vec<(&'static str, f64)>,
}

impl Dataset {
    /// The memory the loaded columns hold, by kind of column: (kind,
    /// bytes), largest first. What a row costs after loading.
    #[must_use]
    pub fn memory(&self) -> Vec<(&'static str, usize)> {
        let strings = |v: &[String]| v.iter().map(|s| s.capacity() + 24).sum::<usize>();
        let mut out = vec![
            (
                "labels and predictions",
                (self.label.capacity() + self.pred.capacity()) * 4,
            ),
            ("correctness bitmap", self.correct.heap_bytes()),
            ("score", self.score.as_ref().map_or(0, |s| s.capacity() * 8)),
            (
                "class probabilities",
                self.probas.as_ref().map_or(0, |p| {
                    p.columns.iter().map(|c| c.values.capacity() * 8).sum()
                }),
            ),
            (
                "human labels",
                self.human.as_ref().map_or(0, |h| h.capacity() * 4),
            ),
            ("ids", self.ids.heap_bytes()),
        ];
        let (mut codes, mut numbers, mut text) = (0, 0, 0);
        for c in &self.columns {
            let g = c.groups();
            let grouping = g.codes.heap_bytes() + strings(&g.labels);
            match (&c.usage, &c.data) {
                (ColumnUse::Slice, ColumnData::Numeric { values, .. }) => {
                    codes += grouping;
                    numbers += values.capacity() * 8;
                }
                (ColumnUse::Slice, ColumnData::Categorical(_)) => codes += grouping,
                _ => text += grouping,
            }
        }
        out.push(("slice columns (group codes)", codes));
        out.push(("numeric slice columns (values)", numbers));
        out.push(("image and text columns", text));
        out.retain(|(_, b)| *b > 0);
        out.sort_by_key(|(_, b)| std::cmp::Reverse(*b));
        out
    }

    /// Number of rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.label.len()
    }

    /// Number of misclassified rows.
    #[must_use]
    pub fn errors(&self) -> usize {
        self.n_errors
    }

    /// Whether the rows are a count cube: weighted, and without ids, so each
    /// row is a group of examples rather than an example to review.
    #[must_use]
    pub fn is_cube(&self) -> bool {
        self.weights.is_some() && self.roles.id.is_none()
    }

    /// What `row` counts for: [`Count::ONE`] without weights.
    #[must_use]
    #[inline]
    pub fn unit(&self, row: usize) -> Count {
        match &self.weights {
            None => Count::ONE,
            Some(w) => Count::of_weight(w.values[row], w.fractional),
        }
    }

    /// What the rows count for together.
    #[must_use]
    pub fn weigh(&self, rows: impl Iterator<Item = usize>) -> Count {
        match &self.weights {
            None => Count::unweighted(rows.count() as u64),
            Some(w) => rows
                .map(|r| Count::of_weight(w.values[r], w.fractional))
                .sum(),
        }
    }

    /// What all rows count for (the number of rows without weights).
    #[must_use]
    pub fn total(&self) -> Count {
        self.weighed.0
    }

    /// What the misclassified rows count for.
    #[must_use]
    pub fn error_total(&self) -> Count {
        self.weighed.1
    }

    /// Counts `weighed` from the rows and the correctness bitmap; call after
    /// changing either.
    pub fn weigh_totals(&mut self) {
        self.weighed = (
            self.weigh(0..self.rows()),
            self.weigh((0..self.rows()).filter(|&r| !self.correct.get(r))),
        );
    }

    /// Whether `row` is misclassified.
    #[must_use]
    #[inline]
    pub fn is_error(&self, row: usize) -> bool {
        !self.correct.get(row)
    }

    /// The column named `name` (case-sensitive first, then case-insensitive).
    #[must_use]
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name).or_else(|| {
            self.columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name))
        })
    }

    /// The column named `name`, or an error naming the nearest slice
    /// column (`what` says what it was wanted for: "to slice on").
    ///
    /// # Errors
    /// When no column has that name.
    pub fn column_for(&self, name: &str, what: &'static str) -> Result<&Column, NoSuchColumn> {
        self.column(name).ok_or_else(|| {
            let known: Vec<String> = self.slice_columns().map(|c| c.name.clone()).collect();
            NoSuchColumn {
                name: name.to_string(),
                what,
                suggestion: super::suggest::did_you_mean(name, known.iter().map(String::as_str)),
                columns: known,
            }
        })
    }

    /// Columns offered for slicing.
    pub fn slice_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.usage == ColumnUse::Slice)
    }

    /// The code of the class named `name`.
    #[must_use]
    pub fn class_code(&self, name: &str) -> Option<u32> {
        self.classes
            .iter()
            .position(|c| c == name)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// The name of a human-label code (class or extra value).
    #[must_use]
    pub fn human_value_name(&self, code: u32) -> Option<&str> {
        if code == NO_HUMAN {
            return None;
        }
        let code = code as usize;
        self.classes
            .get(code)
            .or_else(|| self.human_extra_classes.get(code - self.classes.len()))
            .map(String::as_str)
    }

    /// What `row` counts for among examples with a human label, and among
    /// those whose human label agrees with the true label; `None` without
    /// human labels (or when the row's is missing).
    #[must_use]
    #[inline]
    pub fn human_units(&self, row: usize) -> Option<(Count, Count)> {
        if let Some(c) = &self.human_counts {
            return Some((
                Count::of_weight(c.labelled[row], false),
                Count::of_weight(c.agree[row], false),
            ));
        }
        let agree = self.human_correct(row)?;
        let unit = self.unit(row);
        Some((unit, if agree { unit } else { Count::ZERO }))
    }

    /// Whether the dataset has human labels, per row or counted.
    #[must_use]
    pub fn has_human(&self) -> bool {
        self.human.is_some() || self.human_counts.is_some()
    }

    /// Whether the human label of `row` equals the true label; `None` without
    /// a human column or when the human label is missing.
    #[must_use]
    #[inline]
    pub fn human_correct(&self, row: usize) -> Option<bool> {
        let human = self.human.as_ref()?[row];
        (human != NO_HUMAN).then(|| human == self.label[row])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitmap_sets_counts_and_iterates() {
        let mut b = Bitmap::new(130);
        for i in [0, 5, 63, 64, 129] {
            b.set(i, true);
        }
        assert_eq!(b.count_ones(), 5);
        assert_eq!(b.ones().collect::<Vec<_>>(), vec![0, 5, 63, 64, 129]);
        b.set(63, false);
        assert!(!b.get(63));
        assert_eq!(b.count_ones(), 4);
    }

    #[test]
    fn str_column_round_trips() {
        let mut s = StrColumn::with_capacity(3, 10);
        for v in ["a", "", "héllo"] {
            s.push(v);
        }
        assert_eq!((s.get(0), s.get(1), s.get(2)), ("a", "", "héllo"));
    }

    #[test]
    fn numbers_format_compactly() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.25), "0.25");
        assert_eq!(format_number(1.0 / 3.0), "0.333333");
        assert_eq!(format_number(-2.5), "-2.5");
    }

    #[test]
    fn ids_that_are_one_number_in_fixed_text_round_trip_exactly() {
        let padded = IdPattern::of("utt00000042", true).unwrap();
        assert_eq!((padded.prefix.as_str(), padded.width), ("utt", 8));
        assert_eq!(padded.number("utt00000042"), Some(42));
        assert_eq!(padded.format(42), "utt00000042");
        // A different width or text is not this pattern.
        assert_eq!(padded.number("utt0000042"), None);
        assert_eq!(padded.number("utx00000042"), None);
        let plain = IdPattern::of("img_17.jpg", false).unwrap();
        assert_eq!(
            (plain.prefix.as_str(), plain.suffix.as_str()),
            ("img_", ".jpg")
        );
        assert_eq!(plain.number("img_170.jpg"), Some(170));
        // "img_07.jpg" is not "img_7.jpg": a zero in front is refused.
        assert_eq!(plain.number("img_07.jpg"), None);
        assert_eq!(plain.number("img_0.jpg"), Some(0));
        assert_eq!(IdPattern::of("no digits", false), None);
        assert_eq!(IdPattern::of("1234567890123456789", true), None, "too long");
    }

    #[test]
    fn consecutive_numbers_are_runs_and_others_one_a_row() {
        let mut n: Numbers = (100..200).chain(500..510).chain([7]).collect();
        assert!(matches!(&n, Numbers::Runs { starts, len: 111 } if starts.len() == 3));
        assert_eq!(
            (n.get(0), n.get(99), n.get(100), n.get(110)),
            (100, 199, 500, 7)
        );
        assert_eq!(n.iter().count(), 111);
        assert!(n.iter().zip(0..).all(|(v, r)| v == n.get(r)));
        assert!(!n.strictly_increasing());
        n.shrink_to_fit();
        assert!(n.heap_bytes() <= 48);
        // Numbers in no order take one slot a row once runs cost more.
        let shuffled: Numbers = (0..1_000_i64).map(|i| (i * 7_919) % 1_000).collect();
        assert!(matches!(shuffled, Numbers::Plain(_)));
        assert_eq!(shuffled.get(1), 919);
        let rising: Numbers = [1, 2, 3, 10, 11, 20].into_iter().collect();
        assert!(rising.strictly_increasing());
        let repeat: Numbers = [1, 2, 3, 3, 4].into_iter().collect();
        assert!(!repeat.strictly_increasing());
    }
}
