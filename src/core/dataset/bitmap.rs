//! A bitmap over rows: which rows are errors, carry a tag, pass a filter.

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

    /// The bitmap of these 64-bit words (bit `i % 64` of word `i / 64` is
    /// row `i`); bits at or past `len` are cleared.
    #[must_use]
    pub fn from_words(mut words: Vec<u64>, len: usize) -> Self {
        words.resize(len.div_ceil(64), 0);
        if !len.is_multiple_of(64)
            && let Some(last) = words.last_mut()
        {
            *last &= (1u64 << (len % 64)) - 1;
        }
        Self { words, len }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ones_lists_the_set_positions_in_order_across_words() {
        let set = [0usize, 1, 63, 64, 130, 199];
        let b = Bitmap::from_fn(200, |i| set.contains(&i));
        assert_eq!(b.ones().collect::<Vec<_>>(), set);
        assert_eq!(Bitmap::new(500).ones().count(), 0);
        assert_eq!(b.ones().count(), b.count_ones());
    }
}
