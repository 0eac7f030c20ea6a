//! Numbers for people: percentages, intervals, counts, scores and
//! thresholds, one format each for every view, report and export (a leaf:
//! the engine's lowest layers word their messages with it too).

use crate::core::stats::{Count, Interval};

/// Shown for a value that is undefined or unknown.
pub const NA: &str = "n/a";

/// A proportion as a percentage with `decimals` decimals, or `n/a`.
#[must_use]
pub fn pct(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| NA.to_string(), |v| format!("{:.decimals$}%", v * 100.0))
}

/// An interval as `[lo, hi]` in percent, or empty.
#[must_use]
pub fn pct_ci(ci: Option<Interval>, decimals: usize) -> String {
    ci.map_or_else(String::new, |c| {
        format!("[{:.decimals$}, {:.decimals$}]", c.lo * 100.0, c.hi * 100.0)
    })
}

/// A plain number with `decimals` decimals, or `n/a`.
#[must_use]
pub fn num(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| NA.to_string(), |v| format!("{v:.decimals$}"))
}

/// Something shown as a count: a number of rows, or a [`Count`] that is a
/// sum of weights.
pub trait Countable {
    /// The whole number, or the fractional sum of weights.
    fn parts(self) -> Result<u64, f64>;
}

impl Countable for u64 {
    fn parts(self) -> Result<u64, f64> {
        Ok(self)
    }
}

impl Countable for usize {
    fn parts(self) -> Result<u64, f64> {
        Ok(self as u64)
    }
}

impl Countable for Count {
    fn parts(self) -> Result<u64, f64> {
        self.whole().ok_or(self.w)
    }
}

/// Already split parts, shown as they are.
struct Parts(Result<u64, f64>);

impl Countable for Parts {
    fn parts(self) -> Result<u64, f64> {
        self.0
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A count with thousands separators; a fractional sum of weights with two
/// decimals below 100 (`55.80`) and as a whole number above (`364,151`:
/// decimals of an estimate that large are noise).
#[must_use]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn count(n: impl Countable) -> String {
    match n.parts() {
        Ok(n) => thousands(n),
        Err(w) => {
            let sign = if w < 0.0 { "-" } else { "" };
            if w.abs() >= 100.0 {
                return format!("{sign}{}", thousands(w.abs().round() as u64));
            }
            let cents = (w.abs() * 100.0).round() as u64;
            format!("{sign}{}.{:02}", thousands(cents / 100), cents % 100)
        }
    }
}

/// A count in at most five characters for narrow places: `9,999`, `12.3k`,
/// `22.5M`, `1.2B`.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn count_short(n: impl Countable) -> String {
    let parts = n.parts();
    let v = match parts {
        Ok(n) => n as f64,
        Err(w) => w,
    };
    let (scaled, unit) = if v.abs() >= 1e9 {
        (v / 1e9, "B")
    } else if v.abs() >= 1e6 {
        (v / 1e6, "M")
    } else if v.abs() >= 1e4 {
        (v / 1e3, "k")
    } else {
        return count(Parts(parts));
    };
    if scaled.abs() >= 100.0 {
        format!("{scaled:.0}{unit}")
    } else {
        format!("{scaled:.1}{unit}")
    }
}

/// An interval of a difference (percent) or a ratio, for disparity lines:
/// ` [1.2, 3.4]`, or empty.
#[must_use]
pub fn interval_text(ci: Option<Interval>, as_pct: bool) -> String {
    match ci {
        Some(c) if as_pct => format!(" [{:.1}, {:.1}]", c.lo * 100.0, c.hi * 100.0),
        Some(c) => format!(" [{:.3}, {:.3}]", c.lo, c.hi),
        None => String::new(),
    }
}

/// A difference between two proportions in percentage points, without a
/// sign: `8.4 pt` (the gap between groups), or `n/a`.
#[must_use]
pub fn pt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(
        || NA.to_string(),
        |v| format!("{:.decimals$} pt", v * 100.0),
    )
}

/// A change of a proportion in percentage points: `+1.23 pt`, or `n/a`.
#[must_use]
pub fn points(v: Option<f64>) -> String {
    v.map_or_else(|| NA.to_string(), |v| format!("{:+.2} pt", v * 100.0))
}

/// A change in points with its interval, `decimals` decimals:
/// `+21.6 pt [18.0, 25.4]`; the interval left out when there is none.
#[must_use]
pub fn points_with_ci(v: Option<f64>, ci: Option<Interval>, decimals: usize) -> String {
    let Some(v) = v else {
        return NA.to_string();
    };
    let ci = ci.map_or_else(String::new, |c| {
        format!(
            " [{:.decimals$}, {:.decimals$}]",
            c.lo * 100.0,
            c.hi * 100.0
        )
    });
    format!("{:+.decimals$} pt{ci}", v * 100.0)
}

/// A change of a proportion in points with one decimal: `+4.2 pt`, or `n/a`.
#[must_use]
pub fn points_1(v: Option<f64>) -> String {
    v.map_or_else(|| NA.to_string(), |v| format!("{:+.1} pt", v * 100.0))
}

/// The interval of a difference in points with `decimals` decimals:
/// `[1.2, 3.4]`, or empty.
#[must_use]
pub fn points_interval(c: Option<Interval>, decimals: usize) -> String {
    c.map_or_else(String::new, |c| {
        format!("[{:.decimals$}, {:.decimals$}]", c.lo * 100.0, c.hi * 100.0)
    })
}

/// The interval of a change in points: `[-0.12, +3.40]`, or empty.
#[must_use]
pub fn points_ci(c: Option<Interval>) -> String {
    c.map_or_else(String::new, |c| {
        format!("[{:+.2}, {:+.2}]", c.lo * 100.0, c.hi * 100.0)
    })
}

/// A score threshold as the data writes it: a whole number for whole-number
/// scores (COMPAS deciles: `5`, not `5.000`), else four significant digits
/// (`0.2534`, `0.5`); one format for the report, its sweep and the app.
#[must_use]
pub fn threshold(v: f64, whole: bool) -> String {
    if whole && v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        crate::core::temporal::format_edge(v)
    }
}

/// A row's score as the Review list and the inspector show it: a whole
/// number for whole-number scores, else three decimals.
#[must_use]
pub fn score(v: f64, whole: bool) -> String {
    if whole && v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

/// A p-value: four decimals, or scientific below 0.0001; one too small for
/// a double (millions of discordant pairs) is "< 1e-300", not "0.0e0".
#[must_use]
pub fn p_value(p: f64) -> String {
    if p < 1e-300 {
        "< 1e-300".to_string()
    } else if p < 1e-4 {
        format!("{p:.1e}")
    } else {
        format!("{p:.4}")
    }
}

/// A label quality score (a probability, or a margin on [0, 1]): four
/// decimals, or scientific below 0.0001, where the worst label errors are.
#[must_use]
pub fn quality(q: f64) -> String {
    if q > 0.0 && q < 1e-4 {
        format!("{q:.1e}")
    } else {
        format!("{q:.4}")
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn p_values_too_small_for_a_double_are_not_shown_as_zero() {
        assert_eq!(super::p_value(0.0), "< 1e-300");
        assert_eq!(super::p_value(3.4e-143), "3.4e-143");
        assert_eq!(super::p_value(0.2158), "0.2158");
    }

    use super::*;

    #[test]
    fn formats_numbers_for_people() {
        assert_eq!(pct(Some(0.006), 2), "0.60%");
        assert_eq!(pct(None, 1), NA);
        assert_eq!(count(1_234_567u64), "1,234,567");
        assert_eq!(count(12u64), "12");
        assert_eq!(count(Count::of_weight(1234.567, true)), "1,235");
        assert_eq!(count(Count::of_weight(55.8, true)), "55.80");
        assert_eq!(count_short(9_999u64), "9,999");
        assert_eq!(count_short(22_506_965u64), "22.5M");
        assert_eq!(count_short(123_456u64), "123k");
        assert_eq!(count_short(Count::of_weight(1.5e9, false)), "1.5B");
        assert_eq!(count(Count::of_weight(1234.0, false)), "1,234");
        assert_eq!(crate::core::render::csv_field("a,b"), "\"a,b\"");
        assert_eq!(
            crate::core::render::csv_field("say \"hi\""),
            "\"say \"\"hi\"\"\""
        );
    }
}
