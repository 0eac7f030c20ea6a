//! The central views. Each is a struct in its own file that owns its options
//! and caches, asks core for every number and draws it; it reads the open
//! file through a [`ViewCtx`] and changes anything only by sending commands.
//!
//! To add a view: write `views/NAME.rs` with a struct implementing
//! [`AppView`], give it a tab in `gui/tabs.rs` (its `View` variant, label
//! and hover text; the function key follows the position in the list), and
//! add one line to the `views!` list below (the variant, the field in
//! [`Views`] and the type); a tab without that line does not compile.

mod classes;
mod compare;
mod confusion;
mod discover;
mod labels;
mod map;
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
pub use map::{ColourBy as MapColour, MapView, Tool as MapTool};
pub use overview::OverviewView;
pub use prioritise::PrioritiseView;
pub use review::ReviewView;
pub use slices::{SliceOptions, SlicesView};
pub use thresholds::ThresholdsView;

use super::context::ViewCtx;
use super::document::Document;
pub use super::tabs::View;

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

macro_rules! views {
    ($( $variant:ident => $field:ident: $ty:ty; )*) => {
        /// One of each view, for the open file.
        pub struct Views {
            $(
                #[doc = stringify!($variant)]
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

            /// The view shown for `view` (a tab without a line here does
            /// not compile).
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
                        out.insert(View::$variant.label().to_string(), o);
                    }
                )*
                out
            }
        }
    };
}

views! {
    Overview => overview: OverviewView;
    Review => review: ReviewView;
    Prioritise => prioritise: PrioritiseView;
    Confusion => confusion: ConfusionView;
    Classes => classes: ClassesView;
    Slices => slices: SlicesView;
    Thresholds => thresholds: ThresholdsView;
    Labels => labels: LabelsView;
    Compare => compare: CompareView;
    Discover => discover: DiscoverView;
    Map => map: MapView;
}

/// Shows Review listing the rows `filter` passes.
pub fn review(ctx: &ViewCtx<'_>, filter: crate::core::filter::ReviewFilter) {
    ctx.commands
        .send(super::commands::Command::SetFilter(filter));
    ctx.commands
        .send(super::actions::Action::Show(View::Review));
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

/// A button that opens File → Columns…, for a view that lacks a role.
fn columns_button(ui: &mut Ui, ctx: &ViewCtx<'_>) {
    let action = crate::gui::actions::Action::ColumnsDialog;
    if ui
        .button(action.label())
        .on_hover_text(action.tooltip())
        .clicked()
    {
        ctx.commands.send(action);
    }
}
