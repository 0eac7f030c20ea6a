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
