//! Identifiers of the rows: whole numbers, numbered text (`utt00042`) kept
//! as numbers, other text in one buffer.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

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
        self.number_of_bytes(id.as_bytes())
    }

    /// The number of the id spelt by `bytes` when it has this pattern (bytes
    /// that match it are UTF-8: the prefix and suffix are, the digits ASCII).
    #[must_use]
    pub fn number_of_bytes(&self, bytes: &[u8]) -> Option<i64> {
        // Byte by byte: called once a row on millions of ids, where the
        // library calls of `strip_prefix` and `parse` were most of a load.
        let (prefix, suffix) = (self.prefix.as_bytes(), self.suffix.as_bytes());
        let end = bytes.len().checked_sub(suffix.len())?;
        if end < prefix.len()
            || !same(&bytes[..prefix.len()], prefix)
            || !same(&bytes[end..], suffix)
        {
            return None;
        }
        let digits = &bytes[prefix.len()..end];
        let fits = if self.width > 0 {
            digits.len() == self.width
        } else {
            digits == b"0" || digits.first() != Some(&b'0')
        };
        if !fits || digits.is_empty() || digits.len() > Self::MAX_DIGITS {
            return None;
        }
        digits_number(digits)
    }

    /// The id of number `n`.
    #[must_use]
    pub fn format(&self, n: i64) -> String {
        let (prefix, suffix, width) = (&self.prefix, &self.suffix, self.width);
        format!("{prefix}{n:0width$}{suffix}")
    }
}

/// The number of at most [`IdPattern::MAX_DIGITS`] ASCII digits (no
/// overflow), `None` if a byte is no digit: eight digits at a time, where a
/// digit at a time was two thirds of reading a Parquet file's ids.
fn digits_number(digits: &[u8]) -> Option<i64> {
    let mut n = 0i64;
    let mut eights = digits.chunks_exact(8);
    for eight in &mut eights {
        let word = u64::from_le_bytes(eight.try_into().ok()?);
        n = n * 100_000_000 + i64::from(eight_digits(word)?);
    }
    eights.remainder().iter().try_fold(n, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
    })
}

/// Eight ASCII digits read as a little-endian word (the first digit in the
/// lowest byte) as their number, or `None` if a byte is no digit.
fn eight_digits(word: u64) -> Option<u32> {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    // Every byte 0x30..=0x3F, and still 0x3_ with 6 added: 0x30..=0x39.
    if word & HIGH != ZEROS || word.wrapping_add(0x0606_0606_0606_0606) & HIGH != ZEROS {
        return None;
    }
    // Pairs, then fours, then all eight, each step a multiply and a shift.
    let v = (word & 0x0F0F_0F0F_0F0F_0F0F).wrapping_mul(2561) >> 8;
    let v = (v & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601) >> 16;
    u32::try_from((v & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001) >> 32).ok()
}

/// Whether two short byte strings are equal (a loop, not a library call).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
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

/// Rows found by their number ([`Numbers::index`]).
#[derive(Debug, Clone)]
pub enum NumberIndex {
    /// (first number, first row, rows) of each run, by first number.
    Runs(Vec<(i64, usize, usize)>),
    /// Each number's row.
    Hash(FxHashMap<i64, usize>),
}

impl NumberIndex {
    /// The row whose number is `n`, if any.
    #[must_use]
    pub fn row(&self, n: i64) -> Option<usize> {
        match self {
            Self::Runs(runs) => {
                let k = runs.partition_point(|r| r.0 <= n).checked_sub(1)?;
                let (first, row, len) = runs[k];
                let offset = usize::try_from(n.checked_sub(first)?).ok()?;
                (offset < len).then_some(row + offset)
            }
            Self::Hash(index) => index.get(&n).copied(),
        }
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

    /// An index from a number to its row, for numbers that are all
    /// different (ids): runs sorted by their first number and searched
    /// (no table of every number), else every number hashed.
    #[must_use]
    pub fn index(&self) -> NumberIndex {
        match self {
            Self::Runs { starts, len } => {
                let mut runs: Vec<(i64, usize, usize)> = starts
                    .iter()
                    .enumerate()
                    .map(|(k, &(row, first))| {
                        let end = starts.get(k + 1).map_or(*len, |s| s.0);
                        (first, row, end - row)
                    })
                    .collect();
                runs.sort_unstable();
                NumberIndex::Runs(runs)
            }
            Self::Plain(v) => {
                let mut index: FxHashMap<i64, usize> = FxHashMap::default();
                index.reserve(v.len());
                for (row, &n) in v.iter().enumerate() {
                    index.insert(n, row);
                }
                NumberIndex::Hash(index)
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Digits read eight at a time give the number Rust's parser
        /// gives, at every length and with zeros in front; a byte that is
        /// no digit, anywhere, gives none.
        #[test]
        fn digits_read_eight_at_a_time_are_the_number_they_spell(
            n in 0..1_000_000_000_000_000_000i64,
            zeros in 0..18usize,
            at in 0..18usize,
            bad in prop::sample::select(vec![b'/', b':', b'a', b' ', b'-', 0x80, 0xB0, 0xFF, 0x06, 0]),
        ) {
            let text = format!("{}{n}", "0".repeat(zeros));
            let text = &text[text.len().saturating_sub(18)..];
            prop_assert_eq!(digits_number(text.as_bytes()), text.parse::<i64>().ok());
            let mut spoilt = text.as_bytes().to_vec();
            let at = at % spoilt.len();
            spoilt[at] = bad;
            prop_assert_eq!(digits_number(&spoilt), None);
        }
    }

    /// Every number finds its row and no other number finds one, whether
    /// the numbers are kept as runs or one a row.
    #[test]
    fn the_index_finds_each_number_and_nothing_else() {
        let runs: Numbers = [5, 6, 7, 100, 101, 3, 4, 50].into_iter().collect();
        assert!(matches!(runs, Numbers::Runs { .. }));
        let plain = Numbers::Plain(vec![5, 6, 7, 100, 101, 3, 4, 50]);
        for numbers in [runs, plain] {
            let index = numbers.index();
            for (row, n) in numbers.iter().enumerate() {
                assert_eq!(index.row(n), Some(row), "{n}");
            }
            for n in [i64::MIN, -1, 0, 2, 8, 49, 51, 99, 102, i64::MAX] {
                assert_eq!(index.row(n), None, "{n}");
            }
        }
        assert_eq!(Numbers::default().index().row(0), None);
        // Negative numbers, and numbers whose distance overflows.
        let wide: Numbers = [-5, -4, i64::MAX - 1].into_iter().collect();
        let index = wide.index();
        assert_eq!(index.row(-4), Some(1));
        assert_eq!(index.row(i64::MAX - 1), Some(2));
        assert_eq!(index.row(i64::MAX), None);
        assert_eq!(index.row(-3), None);
    }
}
