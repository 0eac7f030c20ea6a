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

/// Formats a colour as `#rrggbb`.
#[must_use]
pub fn colour_hex(c: Color32) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b())
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
