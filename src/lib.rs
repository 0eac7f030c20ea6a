//! Slicewise: error analysis and slice audit for classifier predictions.
//!
//! [`core`] is the engine (no UI), [`cli`] the command line over it and
//! [`gui`] the desktop app.

pub mod cli;
pub mod core;
#[cfg(feature = "gui")]
pub mod gui;
