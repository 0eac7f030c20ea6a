//! Colours with a meaning, shared by every view, and the theme switch.

use egui::Color32;

/// Errors, regressions, flagged groups, failed saves.
pub const RED: Color32 = Color32::from_rgb(230, 80, 80);
/// A wrong prediction in a list.
pub const WRONG: Color32 = Color32::from_rgb(230, 90, 80);
/// A right prediction in a list.
pub const RIGHT: Color32 = Color32::from_rgb(80, 180, 100);
/// Warnings.
pub const AMBER: Color32 = Color32::from_rgb(240, 180, 60);
/// Bars and points without a flag.
pub const BLUE: Color32 = Color32::from_rgb(78, 121, 167);
/// A reference line or fair band.
pub const GREEN: Color32 = Color32::from_rgb(120, 200, 120);

/// Categories on the map (Tableau 10 with olive for its grey): the most
/// common values first; the rest share [`OTHER`].
pub const CATEGORIES: [Color32; 10] = [
    Color32::from_rgb(78, 121, 167),
    Color32::from_rgb(242, 142, 43),
    Color32::from_rgb(225, 87, 89),
    Color32::from_rgb(118, 183, 178),
    Color32::from_rgb(89, 161, 79),
    Color32::from_rgb(237, 201, 72),
    Color32::from_rgb(176, 122, 161),
    Color32::from_rgb(255, 157, 167),
    Color32::from_rgb(156, 117, 95),
    Color32::from_rgb(188, 189, 34),
];

/// Values beyond the named categories, and rows without a tag.
pub const OTHER: Color32 = Color32::from_rgb(150, 150, 150);

/// A continuous value from 0 to 1 on the map: red, amber, light blue, each
/// bright enough to see on the dark background and the light one (the low
/// end, a likely label error, stands out most).
#[must_use]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // within 0..=255
pub fn ramp(t: f32) -> Color32 {
    const STOPS: [[f32; 3]; 3] = [
        [235.0, 70.0, 80.0],
        [240.0, 190.0, 70.0],
        [110.0, 180.0, 235.0],
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    } * 2.0;
    let (i, f) = if t >= 1.0 { (1, t - 1.0) } else { (0, t) };
    let c = |k: usize| (STOPS[i][k] + (STOPS[i + 1][k] - STOPS[i][k]) * f).round() as u8;
    Color32::from_rgb(c(0), c(1), c(2))
}

/// The colour of a prediction: right or wrong.
#[must_use]
pub fn prediction(is_error: bool) -> Color32 {
    if is_error { WRONG } else { RIGHT }
}

/// Lets text fall back to the bundled monospace font, Hack, for the arrows
/// and symbols the proportional font (Ubuntu Light) lacks ("→" in
/// "before → after"): without it egui draws a box, or panics in debug builds.
pub fn fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional)
        && !family.iter().any(|f| f == "Hack")
    {
        family.push("Hack".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// Applies the dark or light theme.
pub fn apply(ctx: &egui::Context, dark: bool) {
    ctx.set_theme(if dark {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    });
}
