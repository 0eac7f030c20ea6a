//! The engine: loading, statistics, sessions and exports. Never imports egui.

pub mod bootstrap;
pub mod calibration;
pub mod dataset;
pub mod error;
pub mod examples;
pub mod export;
pub mod files;
pub mod filter;
pub mod generate;
pub mod load;
pub mod lock;
pub mod merge;
pub mod metrics;
pub mod open;
pub mod priority;
pub mod probas;
pub mod render;
pub mod report;
pub mod rules;
pub mod session;
pub mod slices;
pub mod stats;
pub mod suggest;
pub mod tags;
pub mod thresholds;
pub mod watch;
