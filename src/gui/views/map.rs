//! The Map view: every row of the dataset drawn at once as density (a
//! raster made on a worker, as datashader makes it), coloured by outcome,
//! class, tag, slice column, score or label quality; individual rows as dots
//! when zoomed in far enough, each described on hover. Scroll zooms, drag
//! pans; the box and lasso tools select rows, and the selection can be
//! reviewed, tagged, saved as a tag, or explained: the slices that best
//! describe it (SliceLine with "selected" as the error).

use std::sync::Arc;

use egui::{Color32, Pos2, Rect, RichText, Sense, Stroke, Ui, Vec2};

use super::{AppView, View};
use crate::core::dataset::{Bitmap, Dataset};
use crate::core::discover::{DiscoverOptions, Explanation, class_features, explain, features};
use crate::core::filter::{ReviewFilter, Scope};
use crate::core::load::LoadOptions;
use crate::core::map::raster::{Raster, Viewport, draw};
use crate::core::map::select::{Shape, Summary, rows_inside, summarise};
use crate::core::map::{Coords, compute_for};
use crate::core::render::{count, pct, pct_ci, points_with_ci};
use crate::core::session::TagDef;
use crate::core::tags::Annotations;
use crate::gui::commands::Command;
use crate::gui::context::ViewCtx;
use crate::gui::document::Document;
use crate::gui::images::{self, ImageCache, ImageSlot};
use crate::gui::jobs::{INLINE_ROWS, Job, Polled};
use crate::gui::{theme, widgets};

/// What the view says for a file without map columns.
const NO_MAP: &str = "This file has no map columns. Give it two coordinate columns from a projection (x and y, umap_x and umap_y, tsne_1 and tsne_2, or pca_1 and pca_2), or the model's embedding as numeric columns emb_0 … emb_k (or one list column named embedding): Slicewise then places every row by PCA, exactly, and keeps the map beside the session. On the command line, --x/--y, --embedding-prefix and --embedding-column name other columns.";

/// What colours the rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ColourBy {
    /// Correct or misclassified.
    Outcome,
    /// The true class.
    TrueClass,
    /// The predicted class.
    Predicted,
    /// Carrying a tag or not.
    Tag(String),
    /// A slice column's value.
    Slice(String),
    /// The model's score.
    Score,
    /// The label quality score (likely label errors low).
    LabelQuality,
}

/// What the pointer does when dragged on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Move the view.
    Pan,
    /// Select the rows in a rectangle.
    Box,
    /// Select the rows inside a drawn outline.
    Lasso,
}

/// A colour per row: an index into a palette of at most 256 colours, and
/// the legend.
pub struct Paint {
    index: Vec<u8>,
    palette: Vec<[u8; 3]>,
    /// (name, colour) per category, or the two ends of a ramp.
    pub legend: Vec<(String, Color32)>,
    /// A ramp from the first legend entry to the second.
    pub continuous: bool,
}

fn rgb(c: Color32) -> [u8; 3] {
    [c.r(), c.g(), c.b()]
}

/// Categories by code: the ten most common named, the rest as "other".
fn categories(codes: &(dyn Fn(usize) -> u32 + Sync), names: &[String], rows: usize) -> Paint {
    // Each category's rows, the codes past the names (missing) last.
    let counts = crate::core::stats::tally(rows, names.len() + 1, |r| {
        Some((codes(r) as usize).min(names.len()))
    });
    let mut order: Vec<usize> = (0..names.len()).filter(|&c| counts[c] > 0).collect();
    order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
    let mut slot = vec![theme::CATEGORIES.len(); names.len() + 1];
    let mut legend = Vec::new();
    for (i, &c) in order.iter().take(theme::CATEGORIES.len()).enumerate() {
        slot[c] = i;
        legend.push((names[c].clone(), theme::CATEGORIES[i]));
    }
    if order.len() > theme::CATEGORIES.len() || counts[names.len()] > 0 {
        legend.push(("other".into(), theme::OTHER));
    }
    let mut palette: Vec<[u8; 3]> = theme::CATEGORIES.iter().map(|c| rgb(*c)).collect();
    palette.push(rgb(theme::OTHER));
    #[allow(clippy::cast_possible_truncation)]
    let index = (0..rows)
        .map(|r| slot[(codes(r) as usize).min(names.len())] as u8)
        .collect();
    Paint {
        index,
        palette,
        legend,
        continuous: false,
    }
}

/// A value from 0 to 1 per row on the ramp (NaN grey).
fn ramp(values: &dyn Fn(usize) -> f64, rows: usize, ends: [&str; 2]) -> Paint {
    let mut palette: Vec<[u8; 3]> = (0..255u8)
        .map(|i| rgb(theme::ramp(f32::from(i) / 254.0)))
        .collect();
    palette.push(rgb(theme::OTHER));
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let index = (0..rows)
        .map(|r| {
            let v = values(r);
            if v.is_finite() {
                (v.clamp(0.0, 1.0) * 254.0).round() as u8
            } else {
                255
            }
        })
        .collect();
    Paint {
        index,
        palette,
        legend: vec![
            (ends[0].to_string(), theme::ramp(0.0)),
            (ends[1].to_string(), theme::ramp(1.0)),
        ],
        continuous: true,
    }
}

/// Each row's colour for `by`.
fn paint_rows(
    ds: &Dataset,
    state: &Annotations,
    issues: &crate::core::label_issues::Shared,
    by: &ColourBy,
) -> Paint {
    let n = ds.rows();
    match by {
        ColourBy::Outcome => Paint {
            index: (0..n).map(|r| u8::from(ds.is_error(r))).collect(),
            palette: vec![rgb(theme::BLUE), rgb(theme::WRONG)],
            legend: vec![
                ("correct".into(), theme::BLUE),
                ("error".into(), theme::WRONG),
            ],
            continuous: false,
        },
        ColourBy::TrueClass => categories(&|r| ds.label[r], &ds.classes, n),
        ColourBy::Predicted => categories(&|r| ds.pred[r], &ds.classes, n),
        ColourBy::Tag(name) => {
            let members = state.tag_by_name(name).map(|t| &t.members);
            Paint {
                index: (0..n)
                    .map(|r| u8::from(members.is_some_and(|m| m.get(r))))
                    .collect(),
                palette: vec![rgb(theme::OTHER), rgb(theme::AMBER)],
                legend: vec![
                    ("untagged".into(), theme::OTHER),
                    (name.clone(), theme::AMBER),
                ],
                continuous: false,
            }
        }
        ColourBy::Slice(column) => match ds.column(column) {
            Some(c) => {
                let g = c.groups();
                categories(&|r| g.codes.get(r), &g.labels, n)
            }
            None => categories(&|_| 0, &[], n),
        },
        ColourBy::Score => match &ds.score {
            Some(s) => ramp(&|r| s[r], n, ["score 0", "score 1"]),
            None => ramp(&|_| f64::NAN, n, ["no score", ""]),
        },
        ColourBy::LabelQuality => match issues.get(ds) {
            Some(found) => ramp(
                &|r| found.scores[r],
                n,
                ["likely label error", "label looks right"],
            ),
            None => ramp(&|_| f64::NAN, n, ["no per-class probabilities", ""]),
        },
    }
}

/// What a raster was drawn for.
#[derive(Debug, Clone, PartialEq)]
struct RasterKey {
    view: Viewport,
    width: usize,
    height: usize,
    paint: PaintKey,
}

/// What a paint was made for (a tag's colours change with its members).
#[derive(Debug, Clone, PartialEq)]
struct PaintKey {
    by: ColourBy,
    annotations: usize,
}

/// A raster made on a worker, the paint it used and its seconds.
type Drawn = (Raster, Arc<Paint>, f64);

/// A drawn raster on the screen.
struct Shown {
    key: RasterKey,
    texture: egui::TextureHandle,
    raster: Raster,
    seconds: f64,
}

/// The rows selected on the map and what they hold.
pub struct Selection {
    /// What was drawn (map coordinates).
    pub shape: Shape,
    /// The rows inside.
    pub rows: Arc<Bitmap>,
    /// The same, as a list.
    pub list: Arc<[u32]>,
    /// Their error rate against the rest, their classes.
    pub summary: Summary,
}

/// The Map view.
pub struct MapView {
    /// Every row's place, once computed.
    pub coords: Option<Arc<Coords>>,
    /// The map being computed.
    job: Option<Job<Result<(Coords, Viewport), String>>>,
    /// Why there is no map.
    pub problem: Option<String>,
    /// What colours the rows.
    pub colour: ColourBy,
    /// What dragging does.
    pub tool: Tool,
    /// The part of the map in view (`None`: all of it).
    pub viewport: Option<Viewport>,
    /// The map's rectangle on the screen at the last frame.
    pub screen: Rect,
    /// The whole map with a margin (found once: a pass over every row).
    home: Option<Viewport>,
    paint: Option<(PaintKey, Arc<Paint>)>,
    shown: Option<Shown>,
    raster_job: Option<(RasterKey, Job<Option<Drawn>>)>,
    /// The outline being drawn (map coordinates).
    drawing: Vec<(f64, f64)>,
    /// The selection.
    pub selection: Option<Selection>,
    /// A selection being made.
    select_job: Option<Job<Selection>>,
    explain_job: Option<Job<Result<Explanation, String>>>,
    /// The slices that describe the selection, or why not.
    pub explanation: Option<Result<Explanation, String>>,
    /// The name typed for a new tag of the selection.
    pub new_tag: String,
    /// Pictures of hovered examples.
    images: ImageCache,
}

/// The rows of `coords` inside `shape`, and what they hold.
fn selection(ds: &Dataset, coords: &Coords, shape: Shape) -> Selection {
    let rows = rows_inside(coords, &shape);
    let list: Arc<[u32]> = rows
        .ones()
        .filter_map(|r| u32::try_from(r).ok())
        .collect::<Vec<u32>>()
        .into();
    let summary = summarise(ds, &rows);
    Selection {
        shape,
        rows: Arc::new(rows),
        list,
        summary,
    }
}

/// The Review filter of a slice's rows: a predicate on the true or the
/// predicted class filters by that class, the others by slice column.
fn slice_filter(ds: &Dataset, predicates: &[(String, String)]) -> ReviewFilter {
    let mut filter = ReviewFilter {
        scope: Scope::All,
        ..ReviewFilter::default()
    };
    for (column, value) in predicates {
        if *column == ds.roles.label {
            filter.truth = Some(value.clone());
        } else if *column == ds.roles.pred {
            filter.pred = Some(value.clone());
        } else {
            filter.slices.push((column.clone(), value.clone()));
        }
    }
    filter
}

/// The whole map, with a margin.
fn fit(coords: &Coords) -> Viewport {
    coords.bounds().map_or(Viewport::UNIT, Viewport::around)
}

impl MapView {
    /// The screen position of a map point (at the last frame's layout).
    #[must_use]
    pub fn to_screen(&self, x: f64, y: f64) -> Pos2 {
        let v = self.current();
        let r = self.screen;
        #[allow(clippy::cast_possible_truncation)]
        Pos2::new(
            r.left() + ((x - v.x0) / v.width() * f64::from(r.width())) as f32,
            r.top() + ((v.y1 - y) / v.height() * f64::from(r.height())) as f32,
        )
    }

    /// The map point at a screen position.
    #[must_use]
    pub fn to_map(&self, p: Pos2) -> (f64, f64) {
        let v = self.current();
        let r = self.screen;
        (
            v.x0 + f64::from((p.x - r.left()) / r.width().max(1.0)) * v.width(),
            v.y1 - f64::from((p.y - r.top()) / r.height().max(1.0)) * v.height(),
        )
    }

    /// The view shown.
    fn current(&self) -> Viewport {
        self.viewport
            .or(self.home)
            .unwrap_or(Viewport::UNIT)
            .with_aspect(
                f64::from(self.screen.width()),
                f64::from(self.screen.height()),
            )
    }

    /// Starts computing the map of the open file.
    fn start(&mut self, ctx: &ViewCtx<'_>) {
        let ds = Arc::clone(&ctx.doc.ds);
        if ds.is_cube() {
            self.problem = Some(
                "A count cube holds groups of rows, not examples: there is nothing to place on a map."
                    .into(),
            );
            return;
        }
        let wake = ctx.egui.clone();
        let job = Job::try_spawn("slicewise-map", Some(ctx.egui), move |progress| {
            let mut opts = LoadOptions::default().with_roles(&ds.roles);
            opts.controls.cancel = Some(progress.cancel_flag());
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let done = |share: f64| {
                progress.set_done((share * 100.0) as u64);
                wake.request_repaint();
            };
            // Kept beside the session: reopening shows the map at once.
            let kept = crate::core::map::cache::path_for(&ds.source.path);
            if let Some(coords) =
                crate::core::map::cache::read(&kept, &ds.source.fingerprint, ds.rows())
            {
                let home = fit(&coords);
                return Ok((coords, home));
            }
            let coords = compute_for(&ds, &opts, None, &done).map_err(|e| match e {
                crate::core::map::MapError::NoColumns { .. } => NO_MAP.to_string(),
                other => other.to_string(),
            })?;
            // A folder that cannot be written keeps no map; nothing is lost.
            let _ = crate::core::map::cache::write(&kept, &ds.source.fingerprint, &coords);
            // The whole map's extent: a pass over every row, here, not in a frame.
            let home = fit(&coords);
            Ok((coords, home))
        });
        match job {
            Ok(job) => self.job = Some(job),
            Err(e) => self.problem = Some(format!("Cannot start computing the map ({e})")),
        }
    }

    /// Selects the rows inside `shape` (on a worker over large data).
    pub fn select(&mut self, ds: &Arc<Dataset>, ctx: &egui::Context, shape: Shape) {
        let Some(coords) = self.coords.clone() else {
            return;
        };
        self.explanation = None;
        if let Some(job) = self.explain_job.take() {
            job.cancel();
        }
        if ds.rows() < INLINE_ROWS {
            self.selection = Some(selection(ds, &coords, shape));
            return;
        }
        let ds = Arc::clone(ds);
        if let Ok(job) = Job::try_spawn("slicewise-select", Some(ctx), move |_| {
            selection(&ds, &coords, shape)
        }) {
            self.select_job = Some(job);
        }
    }

    /// Finds the slices that best describe the selection, over every
    /// default slice column with Discover's defaults.
    pub fn explain(&mut self, ds: &Arc<Dataset>, state: &Arc<Annotations>, ctx: &egui::Context) {
        let Some(selection) = &self.selection else {
            return;
        };
        let (ds, state, rows) = (
            Arc::clone(ds),
            Arc::clone(state),
            Arc::clone(&selection.rows),
        );
        let run = move |cancel: Option<&std::sync::atomic::AtomicBool>| {
            // The slice columns and the classes, as `slicewise explain` searches.
            let (mut feats, _) = features(&ds, &[]).map_err(|e| e.to_string())?;
            feats.extend(class_features(&ds));
            explain(
                &ds,
                Some(&state),
                &feats,
                &rows,
                &DiscoverOptions::default(),
                cancel,
            )
            .map_err(|e| e.to_string())
        };
        match Job::try_spawn("slicewise-explain", Some(ctx), move |p| {
            run(Some(&p.cancel_flag()))
        }) {
            Ok(job) => {
                self.explain_job = Some(job);
                self.explanation = None;
            }
            Err(e) => self.explanation = Some(Err(format!("Cannot start the search ({e})"))),
        }
    }

    /// Collects finished work and starts the raster the view needs.
    fn collect(&mut self, ctx: &ViewCtx<'_>) {
        if let Some(job) = &self.job {
            match job.poll() {
                Polled::Ready(Ok((coords, home))) => {
                    self.home = Some(home);
                    self.coords = Some(Arc::new(coords));
                    self.job = None;
                }
                Polled::Ready(Err(e)) => {
                    self.problem = Some(e);
                    self.job = None;
                }
                Polled::Lost => {
                    self.problem = Some("Computing the map stopped unexpectedly".into());
                    self.job = None;
                }
                Polled::Running => {}
            }
        }
        if let Some(job) = &self.select_job {
            match job.poll() {
                Polled::Ready(sel) => {
                    self.selection = Some(sel);
                    self.select_job = None;
                }
                Polled::Lost => self.select_job = None,
                Polled::Running => {}
            }
        }
        if let Some(job) = &self.explain_job {
            match job.poll() {
                Polled::Ready(r) => {
                    self.explanation = Some(r);
                    self.explain_job = None;
                }
                Polled::Lost => {
                    self.explanation = Some(Err("The search stopped unexpectedly".into()));
                    self.explain_job = None;
                }
                Polled::Running => {}
            }
        }
        let Some((key, job)) = &self.raster_job else {
            return;
        };
        match job.poll() {
            Polled::Ready(Some((raster, paint, seconds))) => {
                let key = key.clone();
                self.raster_job = None;
                self.show(ctx.egui, key, raster, paint, seconds);
            }
            Polled::Ready(None) | Polled::Lost => self.raster_job = None,
            Polled::Running => {}
        }
    }

    fn show(
        &mut self,
        egui: &egui::Context,
        key: RasterKey,
        raster: Raster,
        paint: Arc<Paint>,
        seconds: f64,
    ) {
        let image =
            egui::ColorImage::from_rgba_unmultiplied([raster.width, raster.height], &raster.rgba);
        let texture = match self.shown.take() {
            Some(mut s) => {
                s.texture.set(image, egui::TextureOptions::NEAREST);
                s.texture
            }
            None => egui.load_texture("slicewise-map", image, egui::TextureOptions::NEAREST),
        };
        self.paint = Some((key.paint.clone(), paint));
        self.shown = Some(Shown {
            key,
            texture,
            raster,
            seconds,
        });
    }

    /// Makes sure a raster for `key` is shown or on its way (one worker at
    /// a time; small data is drawn at once).
    fn request(&mut self, ctx: &ViewCtx<'_>, key: RasterKey) {
        if self.shown.as_ref().is_some_and(|s| s.key == key) || self.raster_job.is_some() {
            return;
        }
        let Some(coords) = self.coords.clone() else {
            return;
        };
        let paint = self
            .paint
            .as_ref()
            .filter(|(k, _)| *k == key.paint)
            .map(|(_, p)| Arc::clone(p));
        let (ds, state, issues) = (
            Arc::clone(&ctx.doc.ds),
            Arc::clone(&ctx.doc.annotations),
            ctx.doc.label_issues.clone(),
        );
        let k = key.clone();
        let work = move |cancelled: &(dyn Fn() -> bool + Sync)| {
            let started = std::time::Instant::now();
            let paint =
                paint.unwrap_or_else(|| Arc::new(paint_rows(&ds, &state, &issues, &k.paint.by)));
            let colour = |r: usize| paint.palette[paint.index[r] as usize];
            let raster = draw(&coords, k.view, k.width, k.height, &colour, cancelled)?;
            Some((raster, paint, started.elapsed().as_secs_f64()))
        };
        if ctx.doc.ds.rows() < INLINE_ROWS {
            if let Some((raster, paint, seconds)) = work(&|| false) {
                self.show(ctx.egui, key, raster, paint, seconds);
            }
            return;
        }
        let spawned = Job::try_spawn("slicewise-raster", Some(ctx.egui), move |p| {
            let flag = p.cancel_flag();
            // `None`: cancelled, nothing to show.
            work(&move || flag.load(std::sync::atomic::Ordering::Relaxed))
        });
        if let Ok(job) = spawned {
            self.raster_job = Some((key, job));
        }
    }
}

/// What the Map view keeps in the session.
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    colour: ColourBy,
}

impl AppView for MapView {
    fn new(doc: &Document) -> Self {
        let saved: Option<Saved> = super::saved(doc, View::Map);
        Self {
            coords: None,
            job: None,
            problem: None,
            colour: saved.map_or(ColourBy::Outcome, |s| s.colour),
            tool: Tool::Pan,
            viewport: None,
            screen: Rect::from_min_size(Pos2::ZERO, Vec2::splat(1.0)),
            home: None,
            paint: None,
            shown: None,
            raster_job: None,
            drawing: Vec::new(),
            selection: None,
            select_job: None,
            explain_job: None,
            explanation: None,
            new_tag: String::new(),
            images: ImageCache::new(),
        }
    }

    fn options(&self) -> Option<String> {
        super::to_ron(&Saved {
            colour: self.colour.clone(),
        })
    }

    fn refresh(&mut self, ctx: &ViewCtx<'_>) {
        if self.coords.is_none() && self.job.is_none() && self.problem.is_none() {
            self.start(ctx);
        }
        self.collect(ctx);
        self.images.poll(ctx.egui);
    }

    fn busy(&self) -> Option<&'static str> {
        if self.job.is_some() {
            Some("map")
        } else if self.explain_job.is_some() {
            Some("slices")
        } else if self.select_job.is_some() {
            Some("selection")
        } else {
            None
        }
    }

    fn ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        if let Some(p) = &self.problem {
            if p == NO_MAP {
                ui.label(p);
            } else {
                ui.colored_label(theme::RED, p);
            }
            return;
        }
        if let Some(job) = &self.job {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Placing {} rows on the map… {}% ({:.1} s)",
                    count(ctx.doc.ds.rows() as u64),
                    job.progress().done(),
                    job.elapsed().as_secs_f64()
                ));
                if ui.button("Cancel").clicked() {
                    job.cancel();
                }
            });
            return;
        }
        let Some(coords) = self.coords.clone() else {
            return;
        };
        self.toolbar(ctx, ui, &coords);
        let panel = if ui.available_width() > 900.0 {
            330.0
        } else {
            0.0
        };
        if panel > 0.0 {
            ui.horizontal_top(|ui| {
                let size = Vec2::new(ui.available_width() - panel - 8.0, ui.available_height());
                ui.allocate_ui(size, |ui| self.canvas(ctx, ui, &coords));
                ui.vertical(|ui| {
                    ui.set_width(panel);
                    egui::ScrollArea::vertical()
                        .id_salt("map-selection")
                        .show(ui, |ui| self.selection_ui(ctx, ui));
                });
            });
        } else {
            let height = (ui.available_height() * 0.62).max(200.0);
            ui.allocate_ui(Vec2::new(ui.available_width(), height), |ui| {
                self.canvas(ctx, ui, &coords);
            });
            egui::ScrollArea::vertical()
                .id_salt("map-selection")
                .show(ui, |ui| self.selection_ui(ctx, ui));
        }
    }
}

impl MapView {
    fn toolbar(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui, coords: &Coords) {
        let ds = &ctx.doc.ds;
        ui.horizontal_wrapped(|ui| {
            let mut options: Vec<(ColourBy, String)> = vec![
                (ColourBy::Outcome, "correct / error".into()),
                (ColourBy::TrueClass, "true class".into()),
                (ColourBy::Predicted, "predicted class".into()),
            ];
            if ds.score.is_some() {
                options.push((ColourBy::Score, "score".into()));
            }
            if ds.probas.is_some() {
                options.push((ColourBy::LabelQuality, "label quality".into()));
            }
            for t in ctx.doc.annotations.tags() {
                options.push((
                    ColourBy::Tag(t.def.name.clone()),
                    format!("tag: {}", t.def.name),
                ));
            }
            for c in ds.slice_columns() {
                options.push((
                    ColourBy::Slice(c.name.clone()),
                    format!("column: {}", c.name),
                ));
            }
            widgets::labelled_combo(ui, "map-colour", "Colour by", &mut self.colour, &options);
            ui.separator();
            ui.selectable_value(&mut self.tool, Tool::Pan, "✋ Pan")
                .on_hover_text("Drag to move the map; scroll to zoom");
            ui.selectable_value(&mut self.tool, Tool::Box, "▭ Box")
                .on_hover_text("Drag a rectangle to select the rows inside");
            ui.selectable_value(&mut self.tool, Tool::Lasso, "➰ Lasso")
                .on_hover_text("Draw around rows to select them");
            if ui
                .button("Fit")
                .on_hover_text("Show the whole map (or double-click it)")
                .clicked()
            {
                self.viewport = None;
            }
            ui.separator();
            let axes = match &coords.method {
                crate::core::map::Method::Pca(_) => {
                    let [ax, ay] = coords.axes();
                    format!(" · x: {ax} · y: {ay}")
                }
                crate::core::map::Method::Columns => String::new(),
            };
            ui.label(
                RichText::new(format!("{}{axes}", coords.describe()))
                    .small()
                    .weak(),
            );
        });
        if let Some((_, paint)) = &self.paint {
            ui.horizontal_wrapped(|ui| {
                if paint.continuous {
                    let (a, b) = (&paint.legend[0], &paint.legend[1]);
                    ui.label(RichText::new(&a.0).small());
                    let (rect, _) = ui.allocate_exact_size(Vec2::new(120.0, 10.0), Sense::hover());
                    for i in 0..60u8 {
                        let x = rect.left() + f32::from(i) * 2.0;
                        ui.painter().rect_filled(
                            Rect::from_min_size(Pos2::new(x, rect.top()), Vec2::new(2.0, 10.0)),
                            0.0,
                            theme::ramp(f32::from(i) / 59.0),
                        );
                    }
                    ui.label(RichText::new(&b.0).small());
                } else {
                    for (name, colour) in &paint.legend {
                        let (rect, _) = ui.allocate_exact_size(Vec2::splat(10.0), Sense::hover());
                        ui.painter().rect_filled(rect, 2.0, *colour);
                        ui.label(RichText::new(name).small());
                    }
                }
            });
        }
    }

    fn canvas(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui, coords: &Arc<Coords>) {
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        self.screen = rect;
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
        // Zoom around the pointer; pan by dragging.
        let mut view = self.current();
        if response.hovered() {
            let (scroll, zoom, pointer) = ui.input(|i| {
                (
                    i.smooth_scroll_delta.y,
                    i.zoom_delta(),
                    i.pointer.hover_pos(),
                )
            });
            let factor = f64::from(zoom) * (f64::from(scroll) / 200.0).exp();
            if let Some(p) = pointer
                && (factor - 1.0).abs() > 1e-6
            {
                let (mx, my) = self.to_map(p);
                view = Viewport {
                    x0: mx - (mx - view.x0) / factor,
                    x1: mx + (view.x1 - mx) / factor,
                    y0: my - (my - view.y0) / factor,
                    y1: my + (view.y1 - my) / factor,
                };
                self.viewport = Some(view);
            }
        }
        if response.double_clicked() {
            self.viewport = None;
            view = self.current();
        }
        match self.tool {
            Tool::Pan if response.dragged() => {
                let d = response.drag_delta();
                let dx = f64::from(d.x) / f64::from(rect.width().max(1.0)) * view.width();
                let dy = f64::from(d.y) / f64::from(rect.height().max(1.0)) * view.height();
                view = Viewport {
                    x0: view.x0 - dx,
                    x1: view.x1 - dx,
                    y0: view.y0 + dy,
                    y1: view.y1 + dy,
                };
                self.viewport = Some(view);
            }
            Tool::Box | Tool::Lasso => {
                // The shape starts where the button went down, not where
                // the drag was recognised a few pixels later.
                if response.drag_started()
                    && let Some(p) = ui
                        .input(|i| i.pointer.press_origin())
                        .or_else(|| response.interact_pointer_pos())
                {
                    self.drawing = vec![self.to_map(p)];
                }
                if response.dragged()
                    && let Some(p) = response.interact_pointer_pos()
                {
                    if self.tool == Tool::Box {
                        self.drawing.truncate(1);
                        self.drawing.push(self.to_map(p));
                    } else {
                        // Every position the pointer passed since the last
                        // frame, so a quick stroke keeps its shape.
                        let mut passed: Vec<Pos2> = ui.input(|i| {
                            i.events
                                .iter()
                                .filter_map(|e| match e {
                                    egui::Event::PointerMoved(q) => Some(*q),
                                    _ => None,
                                })
                                .collect()
                        });
                        passed.push(p);
                        for q in passed {
                            if self
                                .drawing
                                .last()
                                .is_none_or(|l| self.to_screen(l.0, l.1).distance(q) >= 2.0)
                            {
                                self.drawing.push(self.to_map(q));
                            }
                        }
                    }
                }
                if response.drag_stopped() && self.drawing.len() >= 2 {
                    let points = std::mem::take(&mut self.drawing);
                    let shape = if self.tool == Tool::Box {
                        Shape::Box {
                            from: points[0],
                            to: points[points.len() - 1],
                        }
                    } else {
                        Shape::Lasso(points)
                    };
                    self.select(&ctx.doc.ds, ctx.egui, shape);
                }
            }
            Tool::Pan => {}
        }
        // The raster for this view, at the screen's pixels.
        let ppp = ui.ctx().pixels_per_point();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let key = RasterKey {
            view,
            width: (rect.width() * ppp).round().max(1.0) as usize,
            height: (rect.height() * ppp).round().max(1.0) as usize,
            paint: PaintKey {
                by: self.colour.clone(),
                annotations: match self.colour {
                    ColourBy::Tag(_) => Arc::as_ptr(&ctx.doc.annotations) as usize,
                    _ => 0,
                },
            },
        };
        self.request(ctx, key);
        // The last raster, placed where its view lies in this one (while a
        // new one is drawn, zooming and panning stretch the old).
        if let Some(s) = &self.shown {
            let v = s.key.view;
            let min = self.to_screen(v.x0, v.y1);
            let max = self.to_screen(v.x1, v.y0);
            painter.image(
                s.texture.id(),
                Rect::from_min_max(min, max),
                Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                Color32::WHITE,
            );
        }
        // The selection's outline and the one being drawn.
        let outline = Stroke::new(1.5, ui.visuals().strong_text_color());
        let shape_points = |shape: &Shape| -> Vec<Pos2> {
            match shape {
                Shape::Box { from, to } => vec![
                    self.to_screen(from.0, from.1),
                    self.to_screen(to.0, from.1),
                    self.to_screen(to.0, to.1),
                    self.to_screen(from.0, to.1),
                ],
                Shape::Lasso(p) => p.iter().map(|&(x, y)| self.to_screen(x, y)).collect(),
            }
        };
        if let Some(sel) = &self.selection {
            painter.add(egui::Shape::closed_line(shape_points(&sel.shape), outline));
        }
        if self.drawing.len() >= 2 {
            let shape = if self.tool == Tool::Box {
                Shape::Box {
                    from: self.drawing[0],
                    to: self.drawing[self.drawing.len() - 1],
                }
            } else {
                Shape::Lasso(self.drawing.clone())
            };
            painter.add(egui::Shape::closed_line(
                shape_points(&shape),
                Stroke::new(1.5, theme::AMBER),
            ));
        }
        // What is drawn, and the row under the pointer.
        let mut hovered: Option<(Vec<String>, Option<std::path::PathBuf>)> = None;
        if let Some(s) = &self.shown {
            let note = format!(
                "{} of {} rows in view{} · drawn in {:.0} ms{}",
                count(s.raster.in_view),
                count(coords.len() as u64),
                if s.raster.points.is_some() {
                    " (each a dot)"
                } else {
                    ""
                },
                s.seconds * 1000.0,
                if self.raster_job.is_some() {
                    " · drawing…"
                } else {
                    ""
                }
            );
            painter.text(
                rect.left_bottom() + Vec2::new(6.0, -6.0),
                egui::Align2::LEFT_BOTTOM,
                note,
                egui::FontId::proportional(11.0),
                ui.visuals().weak_text_color(),
            );
            if let (Some(points), Some(p)) = (&s.raster.points, response.hover_pos()) {
                let nearest = points
                    .iter()
                    .map(|&r| {
                        let r = r as usize;
                        (
                            r,
                            self.to_screen(f64::from(coords.x[r]), f64::from(coords.y[r]))
                                .distance(p),
                        )
                    })
                    .filter(|(_, d)| *d <= 6.0)
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                if let Some((row, _)) = nearest {
                    let ds = &ctx.doc.ds;
                    let mut lines = vec![
                        format!("id {}", ds.ids.key(row)),
                        format!(
                            "true {} → predicted {}{}",
                            ds.classes[ds.label[row] as usize],
                            ds.classes[ds.pred[row] as usize],
                            if ds.is_error(row) { " (error)" } else { "" }
                        ),
                    ];
                    if let Some(s) = &ds.score {
                        lines.push(format!(
                            "score {}",
                            crate::core::format::score(s[row], false)
                        ));
                    }
                    let tags: Vec<&str> = ctx
                        .doc
                        .annotations
                        .tags_of(row)
                        .map(|t| t.def.name.as_str())
                        .collect();
                    if !tags.is_empty() {
                        lines.push(format!("tags: {}", tags.join(", ")));
                    }
                    if let Some(text) = ds.roles.text.as_deref().and_then(|t| ds.column(t)) {
                        let t = text.display(row);
                        let short: String = t.chars().take(160).collect();
                        lines.push(if short.len() < t.len() {
                            format!("{short}…")
                        } else {
                            short
                        });
                    }
                    let picture = ds
                        .roles
                        .image
                        .as_deref()
                        .and_then(|c| ds.column(c))
                        .map(|c| images::resolve(&ds.source.path, &c.display(row)));
                    lines.push("click: review it".into());
                    let at = self.to_screen(f64::from(coords.x[row]), f64::from(coords.y[row]));
                    painter.circle_stroke(
                        at,
                        5.0,
                        Stroke::new(2.0, ui.visuals().strong_text_color()),
                    );
                    hovered = Some((lines, picture));
                    if response.clicked() && self.tool == Tool::Pan {
                        super::review(
                            ctx,
                            ReviewFilter {
                                scope: Scope::All,
                                map_rows: Some(vec![u32::try_from(row).unwrap_or(u32::MAX)].into()),
                                ..ReviewFilter::default()
                            },
                        );
                    }
                }
            }
        }
        // The example under the pointer: its picture too, as Review shows it.
        if let Some((lines, picture)) = hovered {
            let slot = picture.map(|p| self.images.get(&p, ctx.egui));
            response.on_hover_ui_at_pointer(|ui| {
                ui.label(lines.join("\n"));
                match slot {
                    Some(ImageSlot::Ready(texture)) => {
                        let size = texture.size_vec2();
                        let scale = (160.0 / size.x).min(160.0 / size.y);
                        ui.add(egui::Image::new(texture).fit_to_exact_size(size * scale));
                    }
                    Some(ImageSlot::Loading) => {
                        ui.spinner();
                    }
                    Some(ImageSlot::Failed(e)) => {
                        ui.colored_label(theme::RED, e.as_str());
                    }
                    None => {}
                }
            });
        }
    }

    fn selection_ui(&mut self, ctx: &ViewCtx<'_>, ui: &mut Ui) {
        let ds = &ctx.doc.ds;
        if self.select_job.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Finding the rows inside…");
            });
        }
        let Some(sel) = &self.selection else {
            ui.label(RichText::new("Selection").strong());
            ui.label("Choose Box or Lasso and draw on the map to select rows: see their error rate against the rest, review or tag them, and find the slices that describe them.");
            return;
        };
        let s = &sel.summary;
        ui.label(RichText::new(format!("Selection: {} rows", count(s.rows))).strong());
        if s.rows == 0 {
            ui.label("Nothing is inside the outline.");
        } else {
            ui.label(format!(
                "Error rate {} (95% {}) against {} for the rest: {}",
                pct(s.error_rate.value(), 1),
                pct_ci(s.error_rate.ci(), 1),
                pct(s.rest.value(), 1),
                points_with_ci(s.difference, s.difference_ci, 1)
            ));
            let classes: Vec<String> = s
                .classes
                .iter()
                .take(6)
                .map(|&(c, n)| format!("{} {}", ds.classes[c as usize], count(n)))
                .collect();
            ui.label(
                RichText::new(format!(
                    "True classes: {}{}",
                    classes.join(", "),
                    if s.classes.len() > 6 { ", …" } else { "" }
                ))
                .small(),
            );
        }
        let list = Arc::clone(&sel.list);
        let empty = list.is_empty();
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(!empty, egui::Button::new("Review selection"))
                .on_hover_text("Review exactly these rows")
                .clicked()
            {
                super::review(
                    ctx,
                    ReviewFilter {
                        scope: Scope::All,
                        map_rows: Some(Arc::clone(&list)),
                        ..ReviewFilter::default()
                    },
                );
            }
            ui.add_enabled_ui(!empty, |ui| {
                ui.menu_button("Tag all", |ui| {
                    let manual: Vec<_> = ctx
                        .doc
                        .annotations
                        .tags()
                        .iter()
                        .filter(|t| t.def.rule.is_none())
                        .collect();
                    if manual.is_empty() {
                        ui.label("No hand tag yet: save the selection as one below.");
                    }
                    for t in manual {
                        if ui.button(&t.def.name).clicked() {
                            ctx.commands.send(Command::TagRows {
                                tag: t.id,
                                rows: Arc::clone(&list),
                            });
                            ui.close();
                        }
                    }
                });
            });
            if ui
                .add_enabled(!empty, egui::Button::new("Explain"))
                .on_hover_text("The slices (column = value) that best describe the selection")
                .clicked()
            {
                self.explain(&ctx.doc.ds, &ctx.doc.annotations, ctx.egui);
            }
            if ui.button("Clear").clicked() {
                self.selection = None;
                self.explanation = None;
            }
        });
        if self.selection.is_none() {
            return;
        }
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.new_tag)
                    .hint_text("new tag name")
                    .desired_width(150.0),
            );
            let name = self.new_tag.trim().to_string();
            if ui
                .add_enabled(!empty && !name.is_empty(), egui::Button::new("Save as tag"))
                .on_hover_text("A new hand tag holding exactly these rows")
                .clicked()
            {
                ctx.commands.send(Command::CreateTagWithRows {
                    name,
                    rows: Arc::clone(&list),
                });
                self.new_tag.clear();
            }
        });
        ui.separator();
        if let Some(job) = &self.explain_job {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Finding the slices that describe it… {:.1} s",
                    job.elapsed().as_secs_f64()
                ));
            });
        }
        match &self.explanation {
            None => {}
            Some(Err(e)) => {
                ui.colored_label(theme::RED, e);
            }
            Some(Ok(found)) if found.slices.is_empty() => {
                ui.label(found.why_empty());
            }
            Some(Ok(found)) => {
                ui.label(RichText::new("Slices that describe the selection").strong());
                ui.label(RichText::new("precision: share of the slice selected · coverage: share of the selection in the slice").small().weak());
                if found.narrower > 0 {
                    ui.label(
                        RichText::new(format!(
                            "{} more only narrow one of these at no higher precision: left out",
                            found.narrower
                        ))
                        .small()
                        .weak(),
                    );
                }
                for s in &found.slices {
                    ui.separator();
                    ui.label(RichText::new(&s.description).strong());
                    ui.horizontal_wrapped(|ui| {
                        ui.label(format!(
                            "precision {} · coverage {} · {} rows",
                            pct(Some(s.precision), 1),
                            pct(Some(s.coverage), 1),
                            count(s.size)
                        ));
                        if ui
                            .small_button("Review")
                            .on_hover_text("Review this slice's rows")
                            .clicked()
                        {
                            super::review(ctx, slice_filter(&ctx.doc.ds, &s.predicates));
                        }
                        if let Some(rule) = &s.rule
                            && ui
                                .small_button("Rule tag")
                                .on_hover_text("A rule tag of this slice")
                                .clicked()
                        {
                            ctx.commands.send(Command::CreateRuleTag(TagDef::rule(
                                &s.description,
                                "",
                                rule,
                            )));
                        }
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_on_the_true_class_reviews_that_class() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/map/planted.csv");
        let ds = crate::core::load::load(&path, &LoadOptions::default()).unwrap();
        let filter = slice_filter(
            &ds,
            &[
                ("label".into(), "yes".into()),
                ("device".into(), "phone".into()),
            ],
        );
        assert_eq!(filter.truth.as_deref(), Some("yes"));
        assert_eq!(
            filter.slices,
            vec![("device".to_string(), "phone".to_string())]
        );
        let state = Annotations::new(&ds);
        let rows = filter.apply(&ds, &state);
        let device = ds.column("device").unwrap().groups();
        let phone = device.code_of("phone").unwrap();
        let yes = ds.class_code("yes").unwrap();
        let want: Vec<u32> = (0..ds.rows())
            .filter(|&r| ds.label[r] == yes && device.codes.get(r) == phone)
            .map(|r| u32::try_from(r).unwrap())
            .collect();
        assert!(!want.is_empty());
        assert_eq!(rows, want);
    }
}
