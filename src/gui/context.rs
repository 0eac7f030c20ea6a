//! The borrowed context every view and panel gets each frame: what they may
//! read and where they send commands. Views never see the `App`.

use super::commands::CommandSender;
use super::document::Document;

/// What a view may read and send this frame.
pub struct ViewCtx<'a> {
    /// The open file: dataset, session, Review list, prioritisation table.
    pub doc: &'a Document,
    /// Where commands go.
    pub commands: &'a CommandSender,
    /// The egui context (for repaints and workers).
    pub egui: &'a egui::Context,
}
