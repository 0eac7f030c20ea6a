//! Dialogs: the new-tag prompt, the column mapping, the keyboard shortcuts,
//! error messages and the built-in file dialog. Each is a struct the app holds while it is open; its
//! `ui` returns whether it should close.

mod error;
mod file_dialog;
mod mapping;
mod new_tag;
mod shortcuts;

pub use error::ErrorDialog;
pub use file_dialog::FileDialog;
pub use mapping::MappingDialog;
pub use new_tag::NewTagDialog;
pub use shortcuts::shortcuts_ui;
