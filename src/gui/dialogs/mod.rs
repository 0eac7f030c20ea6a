//! Dialogs: the new-tag prompt, the column mapping, the keyboard shortcuts
//! and error messages. Each is a struct the app holds while it is open; its
//! `ui` returns whether it should close.

mod error;
mod mapping;
mod new_tag;
mod shortcuts;

pub use error::ErrorDialog;
pub use mapping::MappingDialog;
pub use new_tag::NewTagDialog;
pub use shortcuts::shortcuts_ui;
