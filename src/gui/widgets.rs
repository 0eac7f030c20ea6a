//! Small drawing helpers shared by views and panels.

use egui::{Color32, Response, RichText, Sense, Ui, Vec2};

use crate::core::priority::Estimate;
use crate::core::render;

/// Parses `#rrggbb` (grey when malformed).
#[must_use]
pub fn hex_colour(hex: &str) -> Color32 {
    let h = hex.trim_start_matches('#');
    let byte = |i: usize| h.get(i..i + 2).and_then(|s| u8::from_str_radix(s, 16).ok());
    match (byte(0), byte(2), byte(4)) {
        (Some(r), Some(g), Some(b)) if h.len() == 6 => Color32::from_rgb(r, g, b),
        _ => Color32::GRAY,
    }
}

/// A small filled square in a tag's colour.
pub fn swatch(ui: &mut Ui, colour: Color32) -> Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(10.0), Sense::hover());
    ui.painter().rect_filled(rect, 2.0, colour);
    response
}

/// A tag shown as a coloured chip.
pub fn chip(ui: &mut Ui, name: &str, colour: Color32) {
    let text = RichText::new(name).small().color(readable_on(colour));
    egui::Frame::new()
        .fill(colour)
        .corner_radius(3.0)
        .inner_margin(egui::Margin::symmetric(4, 0))
        .show(ui, |ui| ui.label(text));
}

/// Black or white, whichever reads better on `bg`.
#[must_use]
pub fn readable_on(bg: Color32) -> Color32 {
    let luma = 0.299 * f32::from(bg.r()) + 0.587 * f32::from(bg.g()) + 0.114 * f32::from(bg.b());
    if luma > 150.0 {
        Color32::BLACK
    } else {
        Color32::WHITE
    }
}

/// A percentage or `n/a`.
#[must_use]
pub fn pct(v: Option<f64>, decimals: usize) -> String {
    render::pct(v, decimals)
}

/// An estimate as a percentage, with its interval on hover and a reason
/// when unknown.
pub fn estimate(
    ui: &mut Ui,
    e: &Estimate,
    decimals: usize,
    unknown_because: &[String],
) -> Response {
    let response = ui.label(render::pct(e.value, decimals));
    match (e.value, e.ci) {
        (Some(_), Some(ci)) => response.on_hover_text(format!(
            "95% interval {}",
            render::pct_ci(Some(ci), decimals)
        )),
        (None, _) if !unknown_because.is_empty() => {
            response.on_hover_text(unknown_because.join("\n"))
        }
        _ => response,
    }
}

/// The "few reviewed" mark beside a tag whose numbers rest on few
/// reviewed examples, saying how few on hover.
pub fn few_reviewed(ui: &mut Ui, r: &crate::core::priority::TagRow) -> Response {
    ui.label(
        egui::RichText::new(render::FEW_REVIEWED_MARK)
            .small()
            .color(crate::gui::theme::AMBER),
    )
    .on_hover_text(format!(
        "Estimated from {} reviewed example(s){}: the intervals are wide; review more to narrow them",
        render::count(r.tagged),
        if r.hlp_examples > 0.0 {
            format!(", its HLP from {:.0} human label(s)", r.hlp_examples)
        } else {
            String::new()
        }
    ))
}

/// A horizontal bar of `fraction` (0..=1) of `width`, for lift sparklines.
pub fn bar(ui: &mut Ui, fraction: f32, width: f32, colour: Color32) -> Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, 8.0), Sense::hover());
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, ui.visuals().faint_bg_color);
    let mut filled = rect;
    filled.set_width(width * fraction.clamp(0.0, 1.0));
    painter.rect_filled(filled, 2.0, colour);
    response
}

/// A label and a combo box over `(value, text)` options, the box named by the
/// label for screen readers.
pub fn labelled_combo<T: PartialEq + Clone>(
    ui: &mut Ui,
    id: &str,
    label: &str,
    value: &mut T,
    options: &[(T, String)],
) {
    let current = options
        .iter()
        .find(|(v, _)| v == value)
        .map_or_else(String::new, |(_, l)| l.clone());
    let name = combo_label(ui, label);
    egui::ComboBox::from_id_salt(id)
        .selected_text(current)
        .show_ui(ui, |ui| {
            for (v, l) in options {
                ui.selectable_value(value, v.clone(), l);
            }
        })
        .response
        .labelled_by(name.id);
}

/// The height of a table row (and its header) in the wide tables.
pub const TABLE_ROW: f32 = 22.0;

/// A wide table whose first column stays put while the other columns
/// scroll sideways; both halves scroll up and down together, at most
/// `height` tall. `first` and `rest` each draw their half as a table
/// without its own vertical scrolling, with rows [`TABLE_ROW`] high.
pub fn frozen_first_column(
    ui: &mut Ui,
    id: &str,
    height: f32,
    first: impl FnOnce(&mut Ui),
    rest: impl FnOnce(&mut Ui),
) {
    egui::ScrollArea::vertical()
        .id_salt((id, "y"))
        .max_height(height)
        .show(ui, |ui| {
            let spacing = ui.spacing().item_spacing;
            ui.horizontal_top(|ui| {
                // The halves touch, as the columns of one table.
                ui.spacing_mut().item_spacing.x = 0.0;
                ui.push_id((id, "first"), |ui| {
                    ui.vertical(|ui| {
                        ui.spacing_mut().item_spacing = spacing;
                        first(ui);
                    });
                });
                egui::ScrollArea::horizontal()
                    .id_salt((id, "x"))
                    .show(ui, |ui| {
                        ui.push_id((id, "rest"), |ui| {
                            ui.vertical(|ui| {
                                ui.spacing_mut().item_spacing = spacing;
                                rest(ui);
                            });
                        });
                    });
            });
        });
}

/// The label of a combo box, kept on one line with its box: in a wrapping
/// row, when the two do not fit what is left of the line, they start the
/// next one together.
pub fn combo_label(ui: &mut Ui, label: &str) -> egui::Response {
    if ui.layout().main_wrap {
        let text = egui::WidgetText::from(label).into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Button,
        );
        let spacing = &ui.spacing();
        let needed = text.size().x
            + spacing.combo_width
            + spacing.icon_width
            + 2.0 * spacing.button_padding.x
            + 2.0 * spacing.item_spacing.x;
        if ui.available_size_before_wrap().x < needed {
            ui.end_row();
        }
    }
    ui.add(egui::Label::new(label).wrap_mode(egui::TextWrapMode::Extend))
}

/// Options for an optional choice among names, `none` first.
#[must_use]
pub fn optional(names: &[String], none: &str) -> Vec<(Option<String>, String)> {
    std::iter::once((None, none.to_string()))
        .chain(names.iter().map(|n| (Some(n.clone()), n.clone())))
        .collect()
}

/// A column header button that sorts; `sorted` is `Some(descending)` for the
/// current sort column. Returns whether it was clicked.
pub fn sort_header(ui: &mut Ui, name: &str, sorted: Option<bool>, tip: &str) -> bool {
    let arrow = match sorted {
        Some(true) => " ⏷",
        Some(false) => " ⏶",
        None => "",
    };
    ui.button(RichText::new(format!("{name}{arrow}")).strong())
        .on_hover_text(tip)
        .clicked()
}

/// An x axis that draws every tick label that fits in its space. `egui_plot`'s
/// default hides all x labels closer than 60 points apart, which left
/// category and confusion axes blank beyond about a dozen categories; it still
/// skips a label wider than its space.
#[must_use]
pub fn dense_x_axis<'a>() -> egui_plot::AxisHints<'a> {
    egui_plot::AxisHints::new_x().label_spacing(12.0..=16.0)
}

/// An x axis of short numbers (0.2, 0.4, …): labelled every few grid
/// lines, not only at the ends.
#[must_use]
pub fn number_x_axis<'a>(label: &str) -> egui_plot::AxisHints<'a> {
    egui_plot::AxisHints::new_x()
        .label(label)
        .label_spacing(28.0..=40.0)
}

/// The value axis of a chart, fitted to `values` (a tenth of their spread
/// added on each side, not below `limits.0`), or from zero when asked: returns
/// the bounds to show. Bars drawn from zero then start below the chart,
/// and the differences between them can be seen.
#[must_use]
pub fn value_axis(
    values: impl IntoIterator<Item = f64>,
    from_zero: bool,
    limits: (f64, f64),
) -> (f64, f64) {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return limits;
    }
    let pad = ((hi - lo) * 0.1).max((limits.1 - limits.0) * 0.01);
    // The padding may pass the top limit, so that a curve along it shows.
    let top = hi.min(limits.1) + pad;
    if from_zero {
        (0.0_f64.max(limits.0), top)
    } else {
        ((lo - pad).max(limits.0), top)
    }
}

/// Grid lines at a 1, 2 or 5 × 10^k step, at most ten over the visible
/// range and at least 32 points apart, each labelled (`egui_plot`'s own steps are powers of
/// ten: a fitted axis from 82 to 99 would be labelled "90" alone), with
/// unlabelled lines at a fifth of the step between them.
#[must_use]
#[allow(clippy::needless_pass_by_value)] // egui_plot's grid spacer signature
pub fn nice_grid(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return Vec::new();
    }
    // Labelled lines at least 32 points apart (the base step is 8 points).
    let least = (span / 10.0).max(4.0 * input.base_step_size);
    let magnitude = 10f64.powf(least.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= least)
        .unwrap_or(10.0 * magnitude);
    let minor = step / 5.0;
    let first = (lo / minor).ceil();
    let last = (hi / minor).floor();
    if !(first.is_finite() && last.is_finite()) || last - first > 1000.0 {
        return Vec::new();
    }
    #[allow(clippy::cast_possible_truncation)]
    let (first, last) = (first as i64, last as i64);
    (first..=last)
        .map(|k| {
            let value = k as f64 * minor;
            let major = k.rem_euclid(5) == 0;
            egui_plot::GridMark {
                value,
                step_size: if major { step } else { minor },
            }
        })
        .collect()
}

/// The switch between axes fitted to the data and axes from zero; returns
/// whether it changed.
pub fn from_zero_toggle(ui: &mut Ui, from_zero: &mut bool) -> bool {
    ui.checkbox(from_zero, "Axis from 0")
        .on_hover_text(
            "Start the value axis at zero (off: fitted to the data, so small differences show)",
        )
        .changed()
}

/// Rough width of one character of an axis tick label, in points.
pub const TICK_CHAR_PX: f32 = 8.0;

/// Whether `names` fit side by side under a plot `width` points wide. When
/// they do not, a chart numbers its categories and the table beside it shows
/// the same numbers ([`numbered_name`]).
#[must_use]
pub fn names_fit(names: &[String], width: f32) -> bool {
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    #[allow(clippy::cast_precision_loss)]
    let per_name = (width - 60.0) / names.len().max(1) as f32;
    longest as f32 * TICK_CHAR_PX <= per_name
}

/// `name` with its chart number in front when the chart is numbered.
#[must_use]
pub fn numbered_name(i: usize, name: &str, numbered: bool) -> String {
    if numbered {
        format!("{}  {name}", i + 1)
    } else {
        name.to_string()
    }
}

/// A plot whose x axis names categories placed at 0, 1, 2, … (or numbers
/// them 1, 2, 3, … when `numbered`).
#[must_use]
pub fn category_plot<'a>(id: &str, names: Vec<String>, numbered: bool) -> egui_plot::Plot<'a> {
    let n = names.len();
    egui_plot::Plot::new(id)
        .allow_scroll(false)
        // No vertical grid lines: they would run through the bars' middles.
        .show_grid([false, true])
        .x_grid_spacer(move |_| {
            (0..n)
                .map(|i| egui_plot::GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .custom_x_axes(vec![dense_x_axis().formatter(move |mark, _| {
            let i = mark.value.round();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let name = (i >= 0.0 && (mark.value - i).abs() < 1e-6)
                .then(|| {
                    let i = i as usize;
                    names.get(i).map(|name| {
                        if numbered {
                            (i + 1).to_string()
                        } else {
                            name.clone()
                        }
                    })
                })
                .flatten();
            name.unwrap_or_default()
        })])
}

/// A chart's key as a row above it ("■ name" per colour), where `egui_plot`'s
/// own legend would sit on the bars.
pub fn colour_key(ui: &mut Ui, entries: &[(Color32, &str)]) {
    ui.horizontal_wrapped(|ui| {
        for &(colour, text) in entries {
            ui.label(egui::RichText::new("■").color(colour));
            ui.label(text);
        }
    });
}

/// A 95% interval drawn as an error bar: a vertical line from `lo` to `hi` at
/// `x` with a cap at each end, so it does not read as a grid line.
pub fn error_bar(plot: &mut egui_plot::PlotUi<'_>, x: f64, (lo, hi): (f64, f64), colour: Color32) {
    const CAP: f64 = 0.12;
    let points = vec![
        [x - CAP, lo],
        [x + CAP, lo],
        [x, lo],
        [x, hi],
        [x - CAP, hi],
        [x + CAP, hi],
    ];
    plot.line(
        egui_plot::Line::new("95% interval", egui_plot::PlotPoints::from(points))
            .color(colour)
            .width(1.5)
            .allow_band(false),
    );
}

/// A curve in the unit square (ROC, precision–recall) with an optional
/// diagonal and the current operating point.
#[allow(clippy::too_many_arguments)]
pub fn unit_curve(
    ui: &mut Ui,
    id: &str,
    height: f32,
    axes: (&str, &str),
    points: Vec<[f64; 2]>,
    diagonal: bool,
    operating: Option<(f64, f64)>,
) {
    use egui_plot::{Line, PlotPoints, Points};
    let mut plot = egui_plot::Plot::new(id)
        .height(height)
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .include_y(1.0)
        .custom_x_axes(vec![number_x_axis(axes.0)])
        .y_axis_label(axes.1)
        .allow_scroll(false);
    if diagonal {
        plot = plot.data_aspect(1.0);
    }
    plot.show(ui, |plot| {
        // No bands: egui_plot would fill a curve's vertical steps (a ROC
        // curve's (0, 0)–(0, 1)) as a band, drawing a triangle.
        plot.line(Line::new(id, PlotPoints::from(points)).allow_band(false));
        if diagonal {
            plot.line(
                Line::new("chance", PlotPoints::from(vec![[0.0, 0.0], [1.0, 1.0]]))
                    .color(Color32::GRAY),
            );
        }
        if let Some((x, y)) = operating {
            plot.points(
                Points::new("threshold", PlotPoints::from(vec![[x, y]]))
                    .radius(5.0)
                    .color(Color32::from_rgb(230, 80, 80)),
            );
        }
    });
}

/// Class pickers list at most this many classes; beyond, a filter box finds them.
const PICKER_LIMIT: usize = 200;

/// A label and a class picker over `classes` (codes), optionally with a
/// `none` entry first. Nothing is built while it is closed, and with many
/// classes the open list has a filter box and shows the first matches, so
/// 100,000 classes cost no more than ten.
pub fn class_picker(
    ui: &mut Ui,
    id: &str,
    label: &str,
    value: &mut Option<u32>,
    classes: &[String],
    none: Option<&str>,
) {
    let current = value
        .and_then(|c| classes.get(c as usize))
        .map_or_else(|| none.unwrap_or("").to_string(), Clone::clone);
    let name = combo_label(ui, label);
    let filter_id = ui.make_persistent_id((id, "filter"));
    egui::ComboBox::from_id_salt(id)
        .selected_text(current)
        .height(320.0)
        .show_ui(ui, |ui| {
            let mut filter: String = ui.data(|d| d.get_temp(filter_id)).unwrap_or_default();
            if classes.len() > PICKER_LIMIT / 4 {
                ui.add(
                    egui::TextEdit::singleline(&mut filter)
                        .hint_text("type to find a class")
                        .desired_width(180.0),
                );
                ui.data_mut(|d| d.insert_temp(filter_id, filter.clone()));
            }
            if let Some(n) = none {
                ui.selectable_value(value, None, n);
            }
            let needle = filter.to_lowercase();
            let mut shown = 0;
            for (i, c) in classes.iter().enumerate() {
                if !needle.is_empty() && !c.to_lowercase().contains(&needle) {
                    continue;
                }
                if shown == PICKER_LIMIT {
                    ui.label(RichText::new("… type to narrow the list").weak());
                    break;
                }
                let code = u32::try_from(i).ok();
                ui.selectable_value(value, code, c);
                shown += 1;
            }
        })
        .response
        .labelled_by(name.id);
}

/// The heatmap colour of `t` in 0..=1 (clamped; NaN is the lowest), from
/// dark through blue to yellow. `egui_plot`'s own palette panics on values
/// above its range, which the "(other)" cells are.
#[must_use]
pub fn heat_colour(t: f64) -> Color32 {
    const STOPS: [[f64; 3]; 3] = [
        [20.0, 24.0, 36.0],
        [40.0, 90.0, 160.0],
        [250.0, 200.0, 80.0],
    ];
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) } * 2.0;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = (t.floor() as usize).min(1);
    let f = t - i as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let channel = |k: usize| (STOPS[i][k] + (STOPS[i + 1][k] - STOPS[i][k]) * f).round() as u8;
    Color32::from_rgb(channel(0), channel(1), channel(2))
}

/// The heatmap's colour scale: a gradient from `low` to `high`, then `note`.
pub fn colour_legend(ui: &mut Ui, low: &str, high: &str, note: &str) {
    const STEPS: usize = 32;
    ui.horizontal(|ui| {
        ui.label("Colour");
        ui.label(low);
        let (rect, _) = ui.allocate_exact_size(egui::vec2(160.0, 12.0), Sense::hover());
        let w = rect.width() / STEPS as f32;
        for i in 0..STEPS {
            let x = rect.left() + i as f32 * w;
            let r = egui::Rect::from_min_size(egui::pos2(x, rect.top()), egui::vec2(w + 0.5, 12.0));
            #[allow(clippy::cast_precision_loss)]
            ui.painter()
                .rect_filled(r, 0.0, heat_colour(i as f64 / (STEPS - 1) as f64));
        }
        ui.label(high);
        if !note.is_empty() {
            ui.label(RichText::new(note).weak());
        }
    });
}
