//! "Did you mean …?": the nearest of some names to a misspelt one.

/// Edit distance between `a` and `b` on characters, case-insensitive:
/// insertions, deletions, substitutions and swaps of two neighbours each
/// count 1 (Damerau's optimal string alignment, `strsim::osa_distance`), so
/// "nosie" is 1 from "noise".
#[must_use]
pub fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(&a.to_lowercase(), &b.to_lowercase())
}

/// The candidate nearest to `word`, when it is near enough to be a likely
/// misspelling: at most a third of the word's length apart (at least 1, at
/// most 3 edits). Ties go to the first candidate. Names longer than 64
/// characters are not compared (the distance is quadratic), nor are those
/// whose length alone puts them too far, and only the first 100,000
/// candidates are looked at (a column of a million distinct values would
/// otherwise stall a click).
#[must_use]
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    const LONGEST: usize = 64;
    const MOST: usize = 100_000;
    let len = word.chars().count();
    if len == 0 || len > LONGEST {
        return None;
    }
    let limit = (len / 3).clamp(1, 3);
    candidates
        .into_iter()
        .take(MOST)
        .filter(|c| *c != word && c.chars().count().abs_diff(len) <= limit)
        .map(|c| (distance(word, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// " Did you mean 'x'?" when a candidate is near `word`, else "".
#[must_use]
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, candidates).map_or_else(String::new, |c| format!(" Did you mean '{c}'?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_count_edits() {
        assert_eq!(distance("nosie", "noise"), 1);
        assert_eq!(distance("noise", "noise"), 0);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("Device", "device"), 0);
    }

    #[test]
    fn the_nearest_name_is_suggested_only_when_close() {
        let cols = ["device", "gender", "accent", "noise", "snr"];
        assert_eq!(nearest("nosie", cols), Some("noise"));
        assert_eq!(nearest("devcie", cols), Some("device"));
        assert_eq!(nearest("acent", cols), Some("accent"));
        assert_eq!(nearest("weather", cols), None);
        assert_eq!(nearest("", cols), None);
        assert_eq!(did_you_mean("gendr", cols), " Did you mean 'gender'?");
        assert_eq!(did_you_mean("zzzzzz", cols), "");
    }
}
