//! The central views. Each is a struct in its own file that owns its options
//! and caches, asks core for every number and draws it; it reads the open
//! file through a [`ViewCtx`] and changes anything only by sending commands.
//!
//! To add a view: write `views/NAME.rs` with a struct implementing
//! [`AppView`], and add one line to the `views!` list below. The line gives
//! the `View` variant, the field in [`Views`], the tab label and its hover
//! text; the function key follows the position in the list.

mod classes;
mod compare;
mod confusion;
mod discover;
mod labels;
mod overview;
mod prioritise;
mod review;
mod slices;
mod thresholds;
pub mod welcome;

use egui::Ui;

pub use classes::ClassesView;
pub use compare::{CompareView, Metric as CompareMetric};
pub use confusion::ConfusionView;
pub use discover::{DiscoverView, SortBy as DiscoverSort};
pub use labels::LabelsView;
pub use overview::OverviewView;
pub use prioritise::PrioritiseView;
pub use review::ReviewView;
pub use slices::{SliceOptions, SlicesView};
pub use thresholds::ThresholdsView;

use super::context::ViewCtx;
use super::document::Document;

/// What every view does.
pub trait AppView {
    /// The view's state for a newly opened file.
    fn new(doc: &Document) -> Self
    where
        Self: Sized;

    /// Starts or collects the view's computations (called from `logic()`
    /// while the view is shown); over large data they run on a worker.
    fn refresh(&mut self, _ctx: &ViewCtx<'_>) {}

    /// What a worker is computing for the view, if anything.
    fn busy(&self) -> Option<&'static str> {
        None
    }

    /// The view's options as RON, kept in the session so they come back on
    /// reopening (`None`: nothing worth keeping).
    fn options(&self) -> Option<String> {
        None
    }

    /// Draws the view.
    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui);
}

/// Function keys for the views, in tab order.
const KEYS: [egui::Key; 11] = [
    egui::Key::F2,
    egui::Key::F3,
    egui::Key::F4,
    egui::Key::F5,
    egui::Key::F6,
    egui::Key::F7,
    egui::Key::F8,
    egui::Key::F9,
    egui::Key::F10,
    egui::Key::F11,
    egui::Key::F12,
];

macro_rules! views {
    ($( $variant:ident => $field:ident: $ty:ty, $label:literal, $tip:literal; )*) => {
        /// The views of the central area, in tab order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum View {
            $(
                #[doc = $tip]
                $variant,
            )*
        }

        impl View {
            /// All views, in tab order.
            pub const ALL: [Self; [$(stringify!($variant)),*].len()] = [$(Self::$variant),*];

            /// Tab label.
            #[must_use]
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)*
                }
            }

            /// The hover text of its tab.
            #[must_use]
            pub fn tooltip(self) -> &'static str {
                match self {
                    $(Self::$variant => $tip,)*
                }
            }
        }

        /// One of each view, for the open file.
        pub struct Views {
            $(
                #[doc = $label]
                pub $field: $ty,
            )*
        }

        impl Views {
            /// Every view's state for a newly opened file.
            #[must_use]
            pub fn new(doc: &Document) -> Self {
                Self {
                    $($field: <$ty as AppView>::new(doc),)*
                }
            }

            /// The view shown for `view`.
            pub fn get_mut(&mut self, view: View) -> &mut dyn AppView {
                match view {
                    $(View::$variant => &mut self.$field,)*
                }
            }

            /// The view shown for `view`.
            #[must_use]
            pub fn get(&self, view: View) -> &dyn AppView {
                match view {
                    $(View::$variant => &self.$field,)*
                }
            }

            /// Every view's options to keep, by tab label.
            #[must_use]
            pub fn options(&self) -> std::collections::BTreeMap<String, String> {
                let mut out = std::collections::BTreeMap::new();
                $(
                    if let Some(o) = self.$field.options() {
                        out.insert($label.to_string(), o);
                    }
                )*
                out
            }
        }
    };
}

views! {
    Overview => overview: OverviewView, "Overview", "Rows, accuracy, review coverage and the top tags";
    Review => review: ReviewView, "Review", "Review and tag examples";
    Prioritise => prioritise: PrioritiseView, "Prioritise", "What to work on first: the prioritisation table";
    Confusion => confusion: ConfusionView, "Confusion", "The confusion matrix; click a cell to review its examples";
    Classes => classes: ClassesView, "Classes", "Precision, recall and F1 per class";
    Slices => slices: SlicesView, "Slices", "Metrics per slice, fairness disparities";
    Thresholds => thresholds: ThresholdsView, "Thresholds", "ROC and precision-recall curves, and a threshold to move";
    Labels => labels: LabelsView, "Labels", "Human labels against the true labels";
    Compare => compare: CompareView, "Compare", "Another run of the model on the same examples: what it fixed and broke, per tag, slice and class";
    Discover => discover: DiscoverView, "Discover", "Find the slices where the model errs most (SliceLine) and turn them into rule tags";
}

#[allow(clippy::derivable_impls)] // the enum is generated by `views!`
impl Default for View {
    fn default() -> Self {
        Self::Review
    }
}

impl View {
    /// The function key that shows it: F2 for the first tab, and so on.
    #[must_use]
    pub fn key(self) -> egui::Key {
        let i = Self::ALL.iter().position(|&v| v == self).unwrap_or(0);
        KEYS.get(i).copied().unwrap_or(egui::Key::F12)
    }
}

/// The options a view kept in the session, if they still parse.
#[must_use]
pub fn saved<T: serde::de::DeserializeOwned>(doc: &Document, view: View) -> Option<T> {
    let text = doc.view_options().get(view.label())?;
    ron::from_str(text).ok()
}

/// Options as RON for [`AppView::options`].
#[must_use]
pub fn to_ron<T: serde::Serialize>(options: &T) -> Option<String> {
    ron::to_string(options).ok()
}

/// The tabs above the central view.
pub fn tabs_ui(ui: &mut Ui, current: View, commands: &super::commands::CommandSender) {
    use super::actions::Action;
    ui.horizontal(|ui| {
        for v in View::ALL {
            let action = Action::Show(v);
            let key = action
                .shortcut()
                .map(|s| super::actions::shortcut_text(ui.ctx(), &s))
                .unwrap_or_default();
            if ui
                .selectable_label(current == v, egui::RichText::new(v.label()).size(15.0))
                .on_hover_text(format!("{} ({key})", action.tooltip()))
                .clicked()
            {
                commands.send(action);
            }
        }
    });
    ui.separator();
}

/// Shown while a worker computes a view over large data.
pub fn computing_ui(ui: &mut Ui, rows: usize) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label(format!(
            "Computing over {} rows…",
            crate::core::render::count(rows as u64)
        ));
    });
}
