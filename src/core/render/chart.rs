//! Charts of a report, described once (what is drawn, not how) and drawn
//! as inline SVG by the HTML printer: no script, no font or file fetched,
//! and the same numbers always give the same bytes (coordinates are
//! printed with fixed decimals). Text and Markdown leave them out: their
//! tables carry the same numbers.

use std::fmt::Write as _;

use super::html_escape;

/// A value's unit on a chart's axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A share in 0..=1, printed as a percentage.
    Percent,
    /// A difference of shares, printed in percentage points.
    Points,
}

impl Unit {
    fn label(self, v: f64) -> String {
        match self {
            Self::Percent => format!("{:.0}%", v * 100.0),
            Self::Points => format!("{:+.1} pt", v * 100.0),
        }
    }
}

/// One bar: a name, a value, its 95% interval, and what it is flagged for.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The bar's name (a tag, a group, a class).
    pub name: String,
    /// Its value; `None` draws no bar ("n/a").
    pub value: Option<f64>,
    /// Its 95% interval.
    pub ci: Option<(f64, f64)>,
    /// Why it is flagged, if it is (drawn in red, the reason beside it).
    pub flag: Option<String>,
    /// A remark beside the value (e.g. what was expected).
    pub note: Option<String>,
}

/// One line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its name in the legend.
    pub name: String,
    /// Its points, in order.
    pub points: Vec<(f64, f64)>,
}

/// A chart.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Horizontal bars with intervals, one row per item, in the given order;
    /// `reference` draws a dashed line (e.g. overall accuracy).
    Bars {
        /// The chart's title.
        title: String,
        /// The values' unit.
        unit: Unit,
        /// The bars.
        bars: Vec<Bar>,
        /// A named vertical line.
        reference: Option<(String, f64)>,
    },
    /// A heatmap of counts: row names, column names, cells row by row;
    /// the diagonal is drawn grey, the scale spans the off-diagonal cells.
    Heatmap {
        /// The chart's title.
        title: String,
        /// What the rows are ("true").
        rows_are: String,
        /// What the columns are ("predicted").
        columns_are: String,
        /// Row and column names (square).
        names: Vec<String>,
        /// Cell values, row by row.
        cells: Vec<Vec<f64>>,
        /// Cell texts, row by row.
        texts: Vec<Vec<String>>,
    },
    /// Lines over the unit square (shares against shares), optionally with
    /// the diagonal (perfect calibration).
    Lines {
        /// The chart's title.
        title: String,
        /// The x axis.
        x: String,
        /// The y axis.
        y: String,
        /// The lines.
        series: Vec<Series>,
        /// Whether to draw y = x.
        diagonal: bool,
    },
}

const FONT: &str = "font-family:Helvetica,Arial,sans-serif";
const BLUE: &str = "#3b6ea8";
const RED: &str = "#c0392b";
const GREY: &str = "#888";
/// Colours of the lines of a line chart, in order.
const LINES: [&str; 4] = ["#3b6ea8", "#e08a1e", "#2e8b57", "#8e44ad"];

/// Bars higher than this are not drawn one by one: a chart of thousands of
/// groups would be a wall; the table lists them all.
pub const MAX_BARS: usize = 40;

impl Chart {
    /// The chart as an inline `<figure>` with an SVG drawing.
    #[must_use]
    pub fn to_svg(&self) -> String {
        let (title, svg) = match self {
            Self::Bars {
                title,
                unit,
                bars,
                reference,
            } => (title, bars_svg(*unit, bars, reference.as_ref())),
            Self::Heatmap {
                title,
                rows_are,
                columns_are,
                names,
                cells,
                texts,
            } => (
                title,
                heatmap_svg(rows_are, columns_are, names, cells, texts),
            ),
            Self::Lines {
                title,
                x,
                y,
                series,
                diagonal,
            } => (title, lines_svg(x, y, series, *diagonal)),
        };
        format!(
            "<figure class=\"chart\"><figcaption>{}</figcaption>\n{svg}</figure>\n",
            html_escape(title)
        )
    }
}

/// Where a value lands between `lo` and `hi` on an axis from `x0` to `x1`.
fn place(v: f64, lo: f64, hi: f64, x0: f64, x1: f64) -> f64 {
    if hi <= lo {
        return x0;
    }
    x0 + (v.clamp(lo, hi) - lo) / (hi - lo) * (x1 - x0)
}

/// A round axis range covering every value and interval (and 0 for
/// percentages and points).
fn bar_range(unit: Unit, bars: &[Bar], reference: Option<f64>) -> (f64, f64) {
    let mut lo = 0.0_f64;
    let mut hi = 0.0_f64;
    let values = bars
        .iter()
        .flat_map(|b| {
            b.value
                .into_iter()
                .chain(b.ci.map(|c| c.0))
                .chain(b.ci.map(|c| c.1))
        })
        .chain(reference);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if unit == Unit::Percent {
        // Shares: the whole 0–100% when the values reach past half.
        hi = if hi > 0.5 {
            1.0
        } else {
            (hi * 10.0).ceil() / 10.0
        };
        lo = lo.max(0.0);
    } else {
        // Points: a round step of about a quarter of the span.
        let span = (hi - lo).max(1e-4);
        let raw = span / 4.0;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|&st| st >= raw)
            .unwrap_or(raw);
        hi = (hi / step - 1e-9).ceil() * step;
        lo = (lo / step + 1e-9).floor() * step;
    }
    if hi <= lo {
        hi = lo + 0.01;
    }
    (lo, hi)
}

fn bars_svg(unit: Unit, bars: &[Bar], reference: Option<&(String, f64)>) -> String {
    let shown = &bars[..bars.len().min(MAX_BARS)];
    // Names get the room the longest needs (up to 300 px, then cut).
    let longest = shown
        .iter()
        .map(|b| b.name.chars().count())
        .max()
        .unwrap_or(0);
    #[allow(clippy::cast_precision_loss)]
    let name_w = (longest as f64 * 6.2 + 12.0).clamp(90.0, 300.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let name_chars = ((name_w - 12.0) / 6.2) as usize;
    let (value_w, plot_w, row_h) = (390.0, 340.0, 20.0);
    let x0 = name_w;
    let x1 = name_w + plot_w;
    let top = 18.0;
    #[allow(clippy::cast_precision_loss)]
    let height = top + row_h * shown.len() as f64 + 24.0;
    let width = name_w + plot_w + value_w;
    let (lo, hi) = bar_range(unit, shown, reference.map(|r| r.1));
    let mut s = svg_open(width, height);
    // The axis: ticks at the ends and at zero.
    let bottom = height - 20.0;
    let mut ticks = vec![lo, hi];
    if lo < 0.0 && hi > 0.0 {
        ticks.push(0.0);
    }
    for t in ticks {
        let x = place(t, lo, hi, x0, x1);
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            top - 4.0,
            bottom + 12.0,
            unit.label(t)
        );
    }
    for (i, b) in shown.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let y = top + row_h * i as f64;
        let colour = if b.flag.is_some() { RED } else { BLUE };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            name_w - 6.0,
            y + 14.0,
            html_escape(&clip(&b.name, name_chars.max(4)))
        );
        let zero = place(0.0, lo, hi, x0, x1);
        if let Some(v) = b.value.filter(|v| v.is_finite()) {
            let x = place(v, lo, hi, x0, x1);
            let (left, w) = if x >= zero {
                (zero, x - zero)
            } else {
                (x, zero - x)
            };
            let _ = write!(
                s,
                "<rect x=\"{left:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{colour}\" fill-opacity=\"0.75\"/>",
                y + 4.0,
                w.max(0.5),
                row_h - 8.0
            );
        }
        if let Some((a, z)) = b.ci {
            let (xa, xz) = (place(a, lo, hi, x0, x1), place(z, lo, hi, x0, x1));
            let ym = y + row_h / 2.0;
            let _ = write!(
                s,
                "<path d=\"M{xa:.1} {:.1}V{:.1}M{xa:.1} {ym:.1}H{xz:.1}M{xz:.1} {:.1}V{:.1}\" stroke=\"#222\" fill=\"none\"/>",
                ym - 4.0,
                ym + 4.0,
                ym - 4.0,
                ym + 4.0
            );
        }
        let mut text = b
            .value
            .map_or_else(|| "n/a".to_string(), |v| unit_text(unit, v));
        if let Some((a, z)) = b.ci {
            // The tables' interval formats.
            let ci = Some(crate::core::stats::Interval { lo: a, hi: z });
            let _ = write!(
                text,
                " {}",
                match unit {
                    Unit::Percent => super::pct_ci(ci, 1),
                    Unit::Points => super::points_ci(ci),
                }
            );
        }
        if let Some(n) = &b.note {
            let _ = write!(text, " · {n}");
        }
        if let Some(f) = &b.flag {
            let _ = write!(text, " · {f}");
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10.5\" fill=\"{}\">{}</text>",
            x1 + 8.0,
            y + 14.0,
            if b.flag.is_some() { RED } else { "#333" },
            html_escape(&clip(&text, 80))
        );
    }
    if let Some((name, v)) = reference {
        let x = place(*v, lo, hi, x0, x1);
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"{GREY}\" stroke-dasharray=\"4 3\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            top - 6.0,
            html_escape(&format!("{name} {}", unit_text(unit, *v)))
        );
    }
    s.push_str("</svg>\n");
    if bars.len() > shown.len() {
        let _ = writeln!(
            s,
            "<p class=\"note\">The first {MAX_BARS} of {} are drawn; the table lists them all.</p>",
            bars.len()
        );
    }
    s
}

/// A value in its unit, as the tables print it.
fn unit_text(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Percent => super::pct(Some(v), 1),
        Unit::Points => super::points(Some(v)),
    }
}

/// `text` cut to `n` characters with an ellipsis.
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(n - 1).collect();
        s.push('…');
        s
    }
}

fn svg_open(width: f64, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" style=\"{FONT};max-width:100%;height:auto\" role=\"img\">"
    )
}

/// The heatmap colour of `t` in 0..=1: white through blue to dark blue.
fn heat(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mix = |a: f64, b: f64| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let v = (a + (b - a) * t).round() as u8;
        v
    };
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, 30.0),
        mix(251.0, 80.0),
        mix(255.0, 160.0)
    )
}

fn heatmap_svg(
    rows_are: &str,
    columns_are: &str,
    names: &[String],
    cells: &[Vec<f64>],
    texts: &[Vec<String>],
) -> String {
    let n = names.len();
    #[allow(clippy::cast_precision_loss)]
    let cell = (560.0 / n.max(1) as f64).clamp(22.0, 44.0);
    let (left, top) = (110.0, 96.0);
    #[allow(clippy::cast_precision_loss)]
    let (width, height) = (
        (left + cell * n as f64 + 10.0).max(520.0),
        top + cell * n as f64 + 10.0,
    );
    let worst = cells
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.iter().enumerate().filter(move |(j, _)| *j != i))
        .map(|(_, &v)| v)
        .fold(0.0_f64, f64::max);
    let mut s = svg_open(width, height);
    let _ = write!(
        s,
        "<text x=\"{left:.1}\" y=\"12\" font-size=\"11\" fill=\"#555\">columns: {} · rows: {} · colour: count off the diagonal (grey: on it)</text>",
        html_escape(columns_are),
        html_escape(rows_are)
    );
    let font = (cell * 0.3).clamp(8.0, 12.0);
    for (j, name) in names.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x = left + cell * (j as f64 + 0.5);
        let _ = write!(
            s,
            "<text transform=\"translate({x:.1} {:.1}) rotate(-50)\" font-size=\"{font:.1}\">{}</text>",
            top - 4.0,
            html_escape(&clip(name, 14))
        );
    }
    for (i, name) in names.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let y = top + cell * i as f64;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{font:.1}\" text-anchor=\"end\">{}</text>",
            left - 4.0,
            y + cell / 2.0 + 4.0,
            html_escape(&clip(name, 16))
        );
        for j in 0..n {
            let v = cells.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0.0);
            let fill = if i == j {
                "#e4e4e4".to_string()
            } else if worst > 0.0 {
                heat(v / worst)
            } else {
                heat(0.0)
            };
            #[allow(clippy::cast_precision_loss)]
            let x = left + cell * j as f64;
            let dark = i != j && worst > 0.0 && v / worst > 0.55;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cell:.1}\" height=\"{cell:.1}\" fill=\"{fill}\" stroke=\"#fff\"/>"
            );
            if let Some(t) = texts
                .get(i)
                .and_then(|r| r.get(j))
                .filter(|t| !t.is_empty())
            {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{:.1}\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
                    x + cell / 2.0,
                    y + cell / 2.0 + 3.5,
                    (font - 1.0).max(7.0),
                    if dark { "#fff" } else { "#222" },
                    html_escape(t)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

fn lines_svg(x: &str, y: &str, series: &[Series], diagonal: bool) -> String {
    let (left, top, side) = (48.0, 12.0, 300.0);
    let (width, height) = (left + side + 190.0, top + side + 40.0);
    let px = |v: f64| place(v, 0.0, 1.0, left, left + side);
    let py = |v: f64| place(v, 0.0, 1.0, top + side, top);
    let mut s = svg_open(width, height);
    let _ = write!(
        s,
        "<rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{side:.1}\" height=\"{side:.1}\" fill=\"none\" stroke=\"#bbb\"/>"
    );
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">{}</text><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            px(t),
            top + side + 13.0,
            Unit::Percent.label(t),
            left - 4.0,
            py(t) + 3.5,
            Unit::Percent.label(t)
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text><text transform=\"translate(11 {:.1}) rotate(-90)\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
        left + side / 2.0,
        top + side + 30.0,
        html_escape(x),
        top + side / 2.0,
        html_escape(y)
    );
    if diagonal {
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{GREY}\" stroke-dasharray=\"4 3\"/>",
            px(0.0),
            py(0.0),
            px(1.0),
            py(1.0)
        );
    }
    for (k, line) in series.iter().enumerate() {
        let colour = LINES[k % LINES.len()];
        let mut d = String::new();
        for (i, &(a, b)) in line
            .points
            .iter()
            .filter(|(a, b)| a.is_finite() && b.is_finite())
            .enumerate()
        {
            let _ = write!(
                d,
                "{}{:.1} {:.1}",
                if i == 0 { "M" } else { "L" },
                px(a),
                py(b)
            );
        }
        let _ = write!(
            s,
            "<path d=\"{d}\" stroke=\"{colour}\" stroke-width=\"1.8\" fill=\"none\"/>"
        );
        if line.points.len() <= 30 {
            for &(a, b) in line
                .points
                .iter()
                .filter(|(a, b)| a.is_finite() && b.is_finite())
            {
                let _ = write!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{colour}\"/>",
                    px(a),
                    py(b)
                );
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let ly = top + 14.0 + 16.0 * k as f64;
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{colour}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{}</text>",
            left + side + 14.0,
            left + side + 30.0,
            left + side + 36.0,
            ly + 4.0,
            html_escape(&clip(&line.name, 26))
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_draw_values_intervals_and_flags_the_same_every_time() {
        let chart = Chart::Bars {
            title: "Accuracy per group".into(),
            unit: Unit::Percent,
            bars: vec![
                Bar {
                    name: "a <b>".into(),
                    value: Some(0.9),
                    ci: Some((0.85, 0.94)),
                    flag: None,
                    note: None,
                },
                Bar {
                    name: "c".into(),
                    value: Some(0.6),
                    ci: None,
                    flag: Some("disparity".into()),
                    note: None,
                },
                Bar {
                    name: "d".into(),
                    value: None,
                    ci: None,
                    flag: None,
                    note: None,
                },
            ],
            reference: Some(("overall".into(), 0.8)),
        };
        let svg = chart.to_svg();
        assert_eq!(svg, chart.to_svg());
        assert!(svg.contains("a &lt;b&gt;"));
        assert!(svg.contains("90.0% [85.0, 94.0]"));
        assert!(svg.contains("60.0% · disparity"));
        assert!(svg.contains(RED));
        assert!(svg.contains("n/a"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn many_bars_are_capped_and_say_so() {
        let bars = (0..100)
            .map(|i| Bar {
                name: format!("g{i}"),
                value: Some(0.5),
                ci: None,
                flag: None,
                note: None,
            })
            .collect();
        let svg = Chart::Bars {
            title: "t".into(),
            unit: Unit::Points,
            bars,
            reference: None,
        }
        .to_svg();
        assert!(svg.contains("The first 40 of 100"));
        assert!(!svg.contains(">g40<"));
    }
}
