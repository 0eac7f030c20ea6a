//! The prioritisation table as one small self-contained HTML page.

use super::ExportContext;
use super::reports::tags_document;
use crate::core::priority::TagRow;

/// The prioritisation table as one small self-contained HTML page (the
/// document printer's page: inline style, no script).
#[must_use]
pub fn tags_html(rows: &[TagRow], ctx: &ExportContext) -> String {
    tags_document(rows, ctx).to_html()
}
