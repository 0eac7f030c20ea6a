//! A modal error message.

/// An error to acknowledge.
#[derive(Debug)]
pub struct ErrorDialog {
    /// The message.
    pub message: String,
}

impl ErrorDialog {
    /// Draws the message; returns whether it should close.
    #[must_use]
    pub fn ui(&self, ctx: &egui::Context) -> bool {
        let modal = egui::Modal::new(egui::Id::unique("error")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.heading("Cannot do that");
            ui.label(&self.message);
            ui.add_space(6.0);
            ui.button("OK").clicked()
        });
        modal.inner || modal.should_close()
    }
}
