//! Dates, times and durations as slice columns. Parquet files from Spark,
//! DuckDB and pandas carry them typed; Slicewise keeps each as a number in a
//! natural unit (days since 1970-01-01, seconds since 1970-01-01 00:00 UTC,
//! seconds since midnight, seconds), so it is grouped by value or binned
//! like any number and ordered by time, and shows and reads it as people
//! write it: `2024-03-01`, `2024-03-01 14:30:00`, `14:30:00`, `90 s`; and
//! plain numbers as slice values and bin edges are written. A leaf: it
//! imports nothing of the engine.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike as _};

/// The label shown for a missing value.
pub const MISSING: &str = "(missing)";

/// What the numbers of a numeric column stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberKind {
    /// Plain numbers.
    #[default]
    Plain,
    /// Calendar dates, as days since 1970-01-01.
    Date,
    /// Points in time, as seconds since 1970-01-01 00:00; `utc` when the
    /// file gave a time zone (the value is then UTC and shown as such).
    DateTime {
        /// Whether the file named a time zone.
        utc: bool,
    },
    /// Times of day, as seconds since midnight.
    Time,
    /// Lengths of time, in seconds.
    Duration,
}

const SECONDS_A_DAY: f64 = 86_400.0;

impl NumberKind {
    /// The value `v` as people write it (`None` for NaN is left to the
    /// caller, which shows it as missing).
    #[must_use]
    pub fn format(self, v: f64) -> String {
        match self {
            Self::Plain => format_number(v),
            Self::Date => {
                date(v).map_or_else(|| format_number(v), |d| d.format("%Y-%m-%d").to_string())
            }
            Self::DateTime { utc } => date_time(v).map_or_else(
                || format_number(v),
                |t| {
                    let text = if t.time() == NaiveTime::MIN {
                        t.format("%Y-%m-%d").to_string()
                    } else {
                        format!(
                            "{}{}",
                            t.format("%Y-%m-%d %H:%M:%S"),
                            fraction(t.and_utc().timestamp_subsec_nanos())
                        )
                    };
                    if utc { format!("{text} UTC") } else { text }
                },
            ),
            Self::Time => time(v).map_or_else(
                || format_number(v),
                |t| format!("{}{}", t.format("%H:%M:%S"), fraction(t.nanosecond())),
            ),
            Self::Duration => format!("{} s", format_number(v)),
        }
    }

    /// A bin edge: as [`NumberKind::format`], plain numbers with up to 4
    /// significant digits.
    #[must_use]
    pub fn format_edge(self, v: f64) -> String {
        match self {
            Self::Plain => format_edge(v),
            Self::Duration => format!("{} s", format_edge(v)),
            _ => self.format(v),
        }
    }

    /// Reads a value written as [`NumberKind::format`] writes it (or in ISO
    /// 8601 with a `T`), for rules such as `day >= "2024-03-01"`.
    #[must_use]
    pub fn parse(self, text: &str) -> Option<f64> {
        let t = text.trim();
        match self {
            Self::Plain => t.parse().ok(),
            Self::Date => NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(NaiveTime::MIN).and_utc().timestamp() as f64 / SECONDS_A_DAY),
            Self::DateTime { .. } => {
                let t = t.trim_end_matches("UTC").trim_end_matches('Z').trim();
                [
                    "%Y-%m-%d %H:%M:%S%.f",
                    "%Y-%m-%dT%H:%M:%S%.f",
                    "%Y-%m-%d %H:%M",
                ]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
                .or_else(|| {
                    NaiveDate::parse_from_str(t, "%Y-%m-%d")
                        .ok()
                        .map(|d| d.and_time(NaiveTime::MIN))
                })
                .map(|d| {
                    let utc = d.and_utc();
                    utc.timestamp() as f64 + f64::from(utc.timestamp_subsec_nanos()) * 1e-9
                })
            }
            Self::Time => ["%H:%M:%S%.f", "%H:%M"]
                .iter()
                .find_map(|f| NaiveTime::parse_from_str(t, f).ok())
                .map(|t| {
                    f64::from(t.num_seconds_from_midnight()) + f64::from(t.nanosecond()) * 1e-9
                }),
            Self::Duration => t.trim_end_matches('s').trim().parse().ok(),
        }
    }

    /// A word for the kind, for messages ("dates").
    #[must_use]
    pub fn plural(self) -> &'static str {
        match self {
            Self::Plain => "numbers",
            Self::Date => "dates",
            Self::DateTime { .. } => "dates and times",
            Self::Time => "times of day",
            Self::Duration => "durations",
        }
    }

    /// An example literal for a rule on this kind.
    #[must_use]
    pub fn example(self) -> &'static str {
        match self {
            Self::Plain => "10",
            Self::Date => "\"2024-03-01\"",
            Self::DateTime { .. } => "\"2024-03-01 14:30:00\"",
            Self::Time => "\"14:30:00\"",
            Self::Duration => "90",
        }
    }
}

/// A fraction of a second as `.5`, `.25`: no zeros after the last digit,
/// nothing for none.
fn fraction(nanos: u32) -> String {
    if nanos == 0 {
        return String::new();
    }
    format!(".{nanos:09}").trim_end_matches('0').to_string()
}

#[allow(clippy::cast_possible_truncation)]
fn date(days: f64) -> Option<NaiveDate> {
    date_time(days * SECONDS_A_DAY).map(|t| t.date())
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn date_time(seconds: f64) -> Option<NaiveDateTime> {
    if !seconds.is_finite() {
        return None;
    }
    let whole = seconds.floor();
    let nanos = ((seconds - whole) * 1e9).round().min(999_999_999.0) as u32;
    DateTime::from_timestamp(whole as i64, nanos).map(|t| t.naive_utc())
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn time(seconds: f64) -> Option<NaiveTime> {
    if !(0.0..SECONDS_A_DAY).contains(&seconds) {
        return None;
    }
    let whole = seconds.floor();
    let nanos = ((seconds - whole) * 1e9).round().min(999_999_999.0) as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(whole as u32, nanos)
}

/// Formats a number compactly: integers without a fraction, others with up to
/// 6 significant digits.
#[must_use]
pub fn format_number(v: f64) -> String {
    if v.is_nan() {
        return MISSING.to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let s = format!("{v:.6}");
    let trimmed = s.trim_end_matches('0').trim_end_matches('.');
    // Keep at most 6 significant digits for large magnitudes.
    if v.abs() >= 1e6 {
        format!("{v:.0}")
    } else {
        trimmed.to_string()
    }
}

/// A bin edge with up to 4 significant digits.
#[must_use]
pub fn format_edge(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format_number(v);
    }
    let magnitude = v.abs().log10().floor();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let decimals = (3.0 - magnitude).clamp(0.0, 12.0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shown_and_read_back_as_written() {
        let cases = [
            (NumberKind::Date, "2024-03-01"),
            (NumberKind::DateTime { utc: false }, "2024-03-01 14:30:05"),
            (
                NumberKind::DateTime { utc: true },
                "2024-03-01 14:30:05 UTC",
            ),
            (NumberKind::DateTime { utc: false }, "1969-12-31 23:59:59.5"),
            (NumberKind::Time, "14:30:05"),
            (NumberKind::Duration, "90 s"),
        ];
        for (kind, text) in cases {
            let v = kind.parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(kind.format(v), text, "{kind:?}");
        }
        assert_eq!(NumberKind::Date.parse("1970-01-02"), Some(1.0));
        assert_eq!(NumberKind::Time.parse("00:01"), Some(60.0));
        assert_eq!(
            NumberKind::DateTime { utc: false }.parse("1970-01-01T00:00:10"),
            Some(10.0)
        );
        assert_eq!(NumberKind::Date.parse("March"), None);
        // Midnight shows the date alone.
        assert_eq!(
            NumberKind::DateTime { utc: false }.format(86_400.0),
            "1970-01-02"
        );
    }
}
