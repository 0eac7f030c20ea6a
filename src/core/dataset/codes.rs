//! Group codes of a column in 8, 16 or 32 bits, widening as the column
//! outgrows them, and the grouping of a column (codes and labels).

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

    /// `f` of every code, in row order, worked out on all cores.
    #[must_use]
    pub fn map_to_u32(&self, f: impl Fn(u32) -> u32 + Sync) -> Vec<u32> {
        use rayon::prelude::*;
        match self {
            Self::U8(v) => v.par_iter().map(|&c| f(u32::from(c))).collect(),
            Self::U16(v) => v.par_iter().map(|&c| f(u32::from(c))).collect(),
            Self::U32(v) => v.par_iter().map(|&c| f(c)).collect(),
        }
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
