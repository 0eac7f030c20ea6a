//! The Slices view: metrics per group of one column or the intersection of
//! two, with intervals, fairness disparities (Fairlearn and Aequitas), and a
//! button per group that turns it into a rule tag.

use egui::{Align, Color32, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, HLine, PlotPoints};

use super::{AppView, computing_ui};
use crate::core::bootstrap::DEFAULT_REPLICATES;
use crate::core::dataset::Dataset;
use crate::core::render::{count, pct, pct_ci};
use crate::core::report::resolve_positive;
use crate::core::session::TagDef;
use crate::core::slices::{
    AEQUITAS_LOW, DEFAULT_MIN_SUPPORT, DisparityMetric, SliceAnalysis, SliceError, group_rule,
};
use crate::core::stats::Proportion;
use crate::gui::commands::{Command, CommandSender};
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::jobs::Computed;
use crate::gui::{theme, widgets};

/// What the slice analysis is computed for; it is recomputed when they change.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceOptions {
    /// The column to slice by.
    pub first: Option<String>,
    /// A second column: slice by the intersection.
    pub second: Option<String>,
    /// Positive class for one-vs-rest rates.
    pub positive: Option<u32>,
    /// Reference group (`None`: the largest).
    pub reference: Option<String>,
    /// Minimum support.
    pub min_support: u64,
    /// Bootstrap the disparity metrics.
    pub bootstrap: bool,
}

/// The Slices view's options and analysis.
pub struct SlicesView {
    /// What to compute.
    pub options: SliceOptions,
    /// The metric of the chart, when picked; `None` opens on the rate of
    /// harm that differs most ([`SliceAnalysis::largest_disparity`]).
    pub chart_metric: Option<DisparityMetric>,
    analysis: Computed<SliceOptions, Result<SliceAnalysis, SliceError>>,
    /// The class names, to keep the positive class by name.
    classes: std::sync::Arc<Dataset>,
    /// The chart's value axis starts at zero (else it fits the rates).
    from_zero: bool,
}

fn compute(ds: &Dataset, o: &SliceOptions) -> Result<SliceAnalysis, SliceError> {
    let mut cols: Vec<String> = o.first.iter().cloned().collect();
    cols.extend(o.second.clone().filter(|b| o.first.as_ref() != Some(b)));
    let mut s =
        SliceAnalysis::compute(ds, &cols, o.positive, o.min_support, o.reference.as_deref())?;
    if o.bootstrap {
        // Refused over too many groups: the refusal is shown instead.
        let _ = s.bootstrap(DEFAULT_REPLICATES, 0);
    }
    Ok(s)
}

impl SlicesView {
    /// The analysis for the current options, once computed.
    #[must_use]
    pub fn analysis(&self) -> Option<&Result<SliceAnalysis, SliceError>> {
        self.analysis.get(&self.options)
    }
}

/// What the Slices view keeps in the session (classes by name).
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    first: Option<String>,
    second: Option<String>,
    positive: Option<String>,
    reference: Option<String>,
    min_support: u64,
    bootstrap: bool,
    #[serde(default)]
    chart_metric: Option<DisparityMetric>,
}

impl AppView for SlicesView {
    fn new(doc: &Document) -> Self {
        let ds = &doc.ds;
        let mut view = Self {
            options: SliceOptions {
                first: ds.default_slice_columns().next().map(|c| c.name.clone()),
                second: None,
                positive: resolve_positive(ds, None).ok().flatten().map(|p| p.0),
                reference: None,
                min_support: DEFAULT_MIN_SUPPORT,
                bootstrap: false,
            },
            chart_metric: None,
            analysis: Computed::default(),
            classes: std::sync::Arc::clone(&doc.ds),
            from_zero: false,
        };
        if let Some(s) = super::saved::<Saved>(doc, super::View::Slices) {
            let column = |c: Option<String>| c.filter(|c| ds.column(c).is_some());
            view.options = SliceOptions {
                first: column(s.first),
                second: column(s.second),
                positive: s.positive.and_then(|p| ds.class_code(&p)),
                reference: s.reference,
                min_support: s.min_support,
                bootstrap: s.bootstrap,
            };
            view.chart_metric = s.chart_metric;
        }
        view
    }

    fn options(&self) -> Option<String> {
        let o = &self.options;
        super::to_ron(&Saved {
            first: o.first.clone(),
            second: o.second.clone(),
            positive: o
                .positive
                .and_then(|p| self.classes.classes.get(p as usize).cloned()),
            reference: o.reference.clone(),
            min_support: o.min_support,
            bootstrap: o.bootstrap,
            chart_metric: self.chart_metric,
        })
    }

    fn refresh(&mut self, ctx: &ViewCtx<'_>) {
        if self.options.first.is_some() {
            self.analysis
                .refresh(&self.options, &ctx.doc.ds, ctx.egui, compute);
        }
    }

    fn busy(&self) -> Option<&'static str> {
        self.analysis.is_running().then_some("slice metrics")
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let ds = &ctx.doc.ds;
        let columns: Vec<String> = ds.slice_columns().map(|c| c.name.clone()).collect();
        let o = &mut self.options;
        ui.horizontal_wrapped(|ui| {
            let optional = |none| widgets::optional(&columns, none);
            widgets::labelled_combo(
                ui,
                "slice-a",
                "Slice by",
                &mut o.first,
                &optional("(choose)"),
            );
            // The second column is any other one.
            let others: Vec<String> = columns
                .iter()
                .filter(|c| o.first.as_ref() != Some(*c))
                .cloned()
                .collect();
            if o.second.is_some() && o.second == o.first {
                o.second = None;
            }
            widgets::labelled_combo(
                ui,
                "slice-b",
                "and",
                &mut o.second,
                &widgets::optional(&others, "(nothing)"),
            );
            widgets::class_picker(
                ui,
                "slice-pos",
                "Positive class",
                &mut o.positive,
                &ds.classes,
                Some("(none: accuracy only)"),
            );
            let label = ui.label("Minimum support");
            ui.add(egui::DragValue::new(&mut o.min_support).range(1..=100_000))
                .labelled_by(label.id);
            ui.checkbox(&mut o.bootstrap, "Bootstrap intervals")
                .on_hover_text(format!(
                    "{DEFAULT_REPLICATES} resamples, seed 0, for the disparity metrics"
                ));
        });
        if self.options.first.is_none() {
            ui.label("Choose a column to slice by");
            return;
        }
        let Some(result) = self.analysis.get(&self.options) else {
            computing_ui(ui, ds.rows());
            return;
        };
        let s = match result {
            Ok(s) => s.clone(),
            Err(e) => {
                ui.label(e.to_string());
                return;
            }
        };
        let groups: Vec<String> = s
            .groups
            .iter()
            .map(crate::core::slices::Group::name)
            .collect();
        ui.horizontal_wrapped(|ui| {
            widgets::labelled_combo(
                ui,
                "slice-ref",
                "Reference group",
                &mut self.options.reference,
                &widgets::optional(&groups, "(largest)"),
            );
            let metrics = s.metrics();
            let mut metric = self.chart_metric.filter(|m| metrics.contains(m));
            let largest = s.largest_disparity();
            let mut choices: Vec<(Option<DisparityMetric>, String)> =
                vec![(None, format!("largest disparity ({})", largest.name()))];
            choices.extend(metrics.iter().map(|&m| (Some(m), m.name().to_string())));
            widgets::labelled_combo(ui, "chart-metric", "Chart", &mut metric, &choices);
            self.chart_metric = metric;
        });
        ui.label(RichText::new(crate::core::render::judged_line(&s)).weak());
        disparity_panel(ui, &s);
        let height = (ui.available_height() * 0.45).max(140.0);
        let numbered = !widgets::names_fit(&groups, ui.available_width());
        slice_table(ui, ds, &s, height, numbered, ctx.commands);
        ui.separator();
        let metric = self
            .chart_metric
            .filter(|m| s.metrics().contains(m))
            .unwrap_or_else(|| s.largest_disparity());
        slice_chart(ui, &s, metric, numbered, &mut self.from_zero);
    }
}

fn disparity_panel(ui: &mut Ui, s: &SliceAnalysis) {
    if let Some(why) = &s.bootstrap_refused {
        ui.label(format!("No bootstrap intervals: {why}"));
    }
    let d = &s.disparity;
    let all = &s.disparity_all;
    let b = s.disparity_ci.unwrap_or_default();
    let ci = crate::core::render::interval_text;
    let num = |v: Option<f64>| crate::core::render::num(v, 3);
    let pt = |v: Option<f64>| crate::core::render::pt(v, 1);
    let supported = s.supported().len();
    let every = supported == s.groups.len();
    egui::Grid::new("disparity")
        .num_columns(if every { 3 } else { 4 })
        .spacing([24.0, 2.0])
        .show(ui, |ui| {
            if every {
                ui.strong("Fairlearn, between groups");
            } else {
                ui.strong(format!(
                    "Fairlearn, between the {supported} groups of at least {}",
                    count(s.min_support)
                ))
                .on_hover_text("Groups too small to tell are left out of the headline disparities; the last column has every group");
            }
            ui.strong("difference");
            ui.strong("ratio");
            if !every {
                ui.strong(format!("all {} groups", s.groups.len()));
            }
            ui.end_row();
            let mut row = |name: &str,
                           diff: Option<f64>,
                           dci,
                           ratio: Option<f64>,
                           rci,
                           all: (Option<f64>, Option<f64>)| {
                ui.label(name);
                ui.label(format!("{}{}", pt(diff), ci(dci, true)));
                ui.label(format!("{}{}", num(ratio), ci(rci, false)));
                if !every {
                    ui.label(RichText::new(format!("{} ({})", pt(all.0), num(all.1))).weak());
                }
                ui.end_row();
            };
            row(
                "accuracy",
                d.accuracy_difference,
                b.accuracy_difference,
                d.accuracy_ratio,
                b.accuracy_ratio,
                (all.accuracy_difference, all.accuracy_ratio),
            );
            if s.positive.is_some() {
                row(
                    "demographic parity",
                    d.demographic_parity_difference,
                    b.demographic_parity_difference,
                    d.demographic_parity_ratio,
                    b.demographic_parity_ratio,
                    (
                        all.demographic_parity_difference,
                        all.demographic_parity_ratio,
                    ),
                );
                row(
                    "equalized odds",
                    d.equalized_odds_difference,
                    b.equalized_odds_difference,
                    d.equalized_odds_ratio,
                    b.equalized_odds_ratio,
                    (all.equalized_odds_difference, all.equalized_odds_ratio),
                );
            }
        });
}

fn slice_table(
    ui: &mut Ui,
    ds: &Dataset,
    s: &SliceAnalysis,
    height: f32,
    numbered: bool,
    commands: &CommandSender,
) {
    let mut headers = vec!["group", "flags", "count", "share", "accuracy", "error rate"];
    if s.positive.is_some() {
        // The true positive rate is 1 − the false negative rate: on hover.
        headers.extend([
            "false pos. rate",
            "false neg. rate",
            "precision",
            "selection rate",
        ]);
    }
    // The group stays put while the other columns scroll sideways; the
    // flags come right after it (clipped, in full on hover), so they are
    // seen however many rate columns follow.
    let part = |ui: &mut Ui, cols: std::ops::Range<usize>| {
        let first = cols.start == 0;
        // The group column lays out left to right itself, so that its width
        // follows its widest cell (a nested layout would take the whole cell).
        let mut table = TableBuilder::new(ui)
            .id_salt(("slice-table", first))
            .striped(true)
            .vscroll(false)
            .cell_layout(if first {
                Layout::left_to_right(Align::Center)
            } else {
                Layout::right_to_left(Align::Center)
            });
        table = if first {
            table.column(Column::auto().at_least(180.0))
        } else {
            table
                .column(
                    Column::initial(180.0)
                        .at_least(100.0)
                        .clip(true)
                        .resizable(true),
                )
                .columns(Column::auto().at_least(62.0), cols.len() - 1)
        };
        table
            .header(widgets::TABLE_ROW, |mut h| {
                for i in cols.clone() {
                    h.col(|ui| {
                        if i == 0 {
                            ui.strong(headers[i]);
                        } else if i == 1 {
                            ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                                ui.strong(headers[i])
                            });
                        } else {
                            ui.strong(headers[i]);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(widgets::TABLE_ROW, s.groups.len(), |mut row| {
                    let i = row.index();
                    for col in cols.clone() {
                        row.col(|ui| slice_cell(ui, ds, s, i, col, numbered, commands));
                    }
                });
            });
    };
    widgets::frozen_first_column(
        ui,
        "slice-table",
        height,
        |ui| part(ui, 0..1),
        |ui| part(ui, 1..headers.len()),
    );
}

/// Column `col` of group `i`'s row in the slice table.
fn slice_cell(
    ui: &mut Ui,
    ds: &Dataset,
    s: &SliceAnalysis,
    i: usize,
    col: usize,
    numbered: bool,
    commands: &CommandSender,
) {
    let g = &s.groups[i];
    let c = &g.counts;
    let low = s.low_support(i);
    let weak = |t: String| {
        if low {
            RichText::new(t).weak()
        } else {
            RichText::new(t)
        }
    };
    let rate = |ui: &mut Ui, p: Proportion| {
        ui.label(weak(pct(p.value(), 1)))
            .on_hover_text(format!("95% {}", pct_ci(p.ci(), 1)));
    };
    let b = &c.binary;
    match col {
        0 => {
            let cmd = group_rule(ds, &s.columns, &g.values)
                .map(|rule| Command::CreateRuleTag(TagDef::rule(&g.name(), "", &rule)));
            if let Some(cmd) = cmd
                && ui
                    .small_button("Rule tag")
                    .on_hover_text("Add this group to the prioritisation table as a rule tag")
                    .clicked()
            {
                commands.send(cmd);
            }
            ui.label(weak(widgets::numbered_name(i, &g.name(), numbered)));
            if low {
                ui.label(
                    RichText::new(format!("low support (< {})", s.min_support))
                        .small()
                        .color(theme::RED),
                );
            }
            // A gap before the next column, which the auto width measures.
            ui.add_space(ui.spacing().item_spacing.x * 2.0);
        }
        1 => {
            ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                vs_reference(ui, s, i);
            });
        }
        2 => {
            ui.label(weak(count(c.n)));
        }
        3 => rate(ui, s.share(i)),
        4 => rate(ui, c.accuracy()),
        5 => rate(ui, c.error_rate()),
        6 => rate(ui, b.fpr()),
        7 => {
            ui.label(weak(pct(b.fnr().value(), 1)))
                .on_hover_text(format!(
                    "95% {}; true positive rate {} {}",
                    pct_ci(b.fnr().ci(), 1),
                    pct(b.tpr().value(), 1),
                    pct_ci(b.tpr().ci(), 1)
                ));
        }
        8 => rate(ui, b.precision()),
        _ => rate(ui, b.selection_rate()),
    }
}

/// Group `i` against the reference: the rates of harm it is worse on (red),
/// in plain words, and every ratio to the reference on hover.
fn vs_reference(ui: &mut Ui, s: &SliceAnalysis, i: usize) {
    let flags: Vec<String> = crate::core::render::group_flags(s, i)
        .into_iter()
        .filter(|f| !f.starts_with("low support"))
        .collect();
    let mut detail = vec!["Group ÷ reference:".to_string()];
    if let Some(d) = s.aequitas.get(i) {
        detail.extend(d.iter().map(|x| {
            let ratio = x.ratio.map_or_else(|| "n/a".into(), |r| format!("{r:.2}"));
            format!("{}: {ratio}", x.metric.name())
        }));
    }
    detail.push(crate::core::render::judged_line(s));
    let text = if flags.is_empty() {
        "not worse".to_string()
    } else {
        flags.join("; ")
    };
    let label = if s.flagged(i).is_empty() {
        ui.label(RichText::new(text).weak())
    } else {
        ui.colored_label(theme::RED, text)
    };
    label.on_hover_text(detail.join("\n"));
}

/// Bars of groups whose selection rate is outside the band either way.
const DIFFERS: Color32 = Color32::from_rgb(176, 122, 161);

fn slice_chart(
    ui: &mut Ui,
    s: &SliceAnalysis,
    metric: DisparityMetric,
    numbered: bool,
    from_zero: &mut bool,
) {
    let names: Vec<String> = s
        .groups
        .iter()
        .map(crate::core::slices::Group::name)
        .collect();
    let reference = s.reference.map(|r| metric.of(&s.groups[r].counts).value());
    let mut bars = Vec::new();
    let mut whiskers = Vec::new();
    for (i, g) in s.groups.iter().enumerate() {
        let p = metric.of(&g.counts);
        let Some(v) = p.value() else { continue };
        let flagged = s.flagged(i);
        let colour = if s.low_support(i) {
            Color32::GRAY
        } else if flagged.contains(&metric) {
            theme::RED
        } else if s.differs(i).contains(&metric) {
            DIFFERS
        } else if flagged.is_empty() {
            theme::BLUE
        } else {
            theme::AMBER
        };
        bars.push(
            Bar::new(i as f64, v * 100.0)
                .width(0.6)
                .fill(colour)
                .name(&names[i]),
        );
        if let Some(ci) = p.ci() {
            whiskers.push((i as f64, ci.lo * 100.0, ci.hi * 100.0));
        }
    }
    let worse = format!(
        "{}: marked worse (over 1.25× that of the other rows, beyond chance)",
        metric.name()
    );
    let mut key = vec![(theme::RED, worse.as_str())];
    if metric.higher_is_worse().is_none() {
        key = vec![(
            DIFFERS,
            "outside the band (a parity gap, neither worse nor better)",
        )];
    }
    key.extend([
        (theme::AMBER, "another rate of harm marked worse"),
        (theme::BLUE, "not worse"),
        (Color32::GRAY, "low support: not judged"),
        (theme::GREEN, "reference, and the 0.8–1.25 band around it"),
    ]);
    ui.horizontal_wrapped(|ui| {
        widgets::colour_key(ui, &key);
        ui.label(RichText::new("whiskers: 95% intervals").weak());
        widgets::from_zero_toggle(ui, from_zero);
    });
    let text = ui.visuals().text_color();
    let band = reference.flatten().map_or_else(Vec::new, |r| {
        vec![
            r * AEQUITAS_LOW * 100.0,
            (r / AEQUITAS_LOW * 100.0).min(100.0),
        ]
    });
    let shown = bars
        .iter()
        .map(|b| b.value)
        .chain(whiskers.iter().flat_map(|&(_, lo, hi)| [lo, hi]))
        .chain(band);
    let (lo, hi) = widgets::value_axis(shown, *from_zero, (0.0, 100.0));
    let id = if *from_zero {
        "slice-chart-0"
    } else {
        "slice-chart"
    };
    widgets::category_plot(id, names.clone(), numbered)
        .default_y_bounds(lo, hi)
        .y_grid_spacer(widgets::nice_grid)
        .y_axis_label(format!("{} (%)", metric.name()))
        .show(ui, |plot| {
            if let Some(Some(r)) = reference {
                let band = egui_plot::Polygon::new(
                    "0.8–1.25 band",
                    PlotPoints::from(vec![
                        [-0.5, r * AEQUITAS_LOW * 100.0],
                        [names.len() as f64 - 0.5, r * AEQUITAS_LOW * 100.0],
                        [
                            names.len() as f64 - 0.5,
                            (r / AEQUITAS_LOW * 100.0).min(100.0),
                        ],
                        [-0.5, (r / AEQUITAS_LOW * 100.0).min(100.0)],
                    ]),
                )
                .fill_color(Color32::from_rgba_unmultiplied(120, 200, 120, 30))
                .stroke(egui::Stroke::NONE);
                plot.polygon(band);
                plot.hline(HLine::new("reference", r * 100.0).color(theme::GREEN));
            }
            plot.bar_chart(BarChart::new(metric.name(), bars));
            for (x, lo, hi) in whiskers {
                widgets::error_bar(plot, x, (lo, hi), text);
            }
        });
}
