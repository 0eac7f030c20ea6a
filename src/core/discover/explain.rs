//! "Explain this selection": the slices that best describe a set of rows
//! chosen by hand (a region of the map), found by SliceLine with "in the
//! selection" as each row's error. Each slice comes with its precision
//! (the share of its rows that are selected: SliceLine's error rate) and
//! its coverage (the share of the selection it holds).

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::{DiscoverError, DiscoverOptions, DiscoveryReport, Errors, Feature, discover};
use crate::core::dataset::{Bitmap, Dataset};
use crate::core::tags::Annotations;

/// Classes up to which a selection is also described by its true and
/// predicted class.
pub const CLASS_FEATURES: usize = 50;

/// The true and the predicted class as features to describe a selection
/// by ("label = 0" covers a cluster of zeros on the map); none with more
/// than [`CLASS_FEATURES`] classes, which would crowd the search out.
#[must_use]
pub fn class_features(ds: &Dataset) -> Vec<Feature> {
    if ds.classes.len() > CLASS_FEATURES {
        return Vec::new();
    }
    vec![
        Feature::new(&ds.roles.label, &ds.classes, &ds.label),
        Feature::new(&ds.roles.pred, &ds.classes, &ds.pred),
    ]
}

/// A slice that describes the selection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explaining {
    /// `device = car_kit & snr = [0, 10)`.
    pub description: String,
    /// The rule that makes it a rule tag, when one can be written.
    pub rule: Option<String>,
    /// (column, value) per predicate.
    pub predicates: Vec<(String, String)>,
    /// Rows in the slice.
    pub size: u64,
    /// Rows in the slice and the selection.
    pub selected: u64,
    /// selected / size.
    pub precision: f64,
    /// selected / rows selected.
    pub coverage: f64,
    /// SliceLine's score.
    pub score: f64,
}

/// The slices that describe a selection, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// Rows selected.
    pub selected: u64,
    /// Rows in all.
    pub rows: usize,
    /// The slices (other descriptions of the same rows, and slices that only
    /// narrow a listed one at no higher precision, left out).
    pub slices: Vec<Explaining>,
    /// How many slices were left out as narrowing a listed one.
    pub narrower: usize,
    /// The search behind it.
    pub discovery: DiscoveryReport,
}

/// The slices of `features` that best describe the rows of `selection`.
///
/// # Errors
/// As [`discover`]; an empty selection finds nothing and is no error.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
pub fn explain(
    ds: &Dataset,
    state: Option<&Annotations>,
    features: &[Feature],
    selection: &Bitmap,
    opts: &DiscoverOptions,
    cancel: Option<&AtomicBool>,
) -> Result<Explanation, DiscoverError> {
    let n = ds.rows();
    let errors = Errors::binary(n, |r| selection.get(r));
    let found = discover(features, &errors, n, opts, &|_| {}, cancel)?;
    let discovery = DiscoveryReport::new(ds, state, features, &errors, &found);
    let selected = selection.count_ones() as u64;
    let slices = discovery
        .shown()
        .into_iter()
        .map(|i| {
            let s = &discovery.slices[i];
            let inside = s.errors.round() as u64;
            Explaining {
                description: s.description.clone(),
                rule: s.rule.clone(),
                predicates: s.predicates.clone(),
                size: s.size,
                selected: inside,
                precision: s.error_rate,
                coverage: if selected == 0 {
                    0.0
                } else {
                    inside as f64 / selected as f64
                },
                score: s.score,
            }
        })
        .collect::<Vec<Explaining>>();
    // A slice that only narrows one listed before it (its predicates and
    // more) at no higher precision says nothing new: it holds less of the
    // selection for no gain.
    let mut kept: Vec<Explaining> = Vec::with_capacity(slices.len());
    let mut narrower = 0;
    for s in slices {
        let dominated = kept.iter().any(|t| {
            t.predicates.iter().all(|p| s.predicates.contains(p)) && t.precision >= s.precision
        });
        if dominated {
            narrower += 1;
        } else {
            kept.push(s);
        }
    }
    Ok(Explanation {
        selected,
        rows: n,
        slices: kept,
        narrower,
        discovery,
    })
}

impl Explanation {
    /// Why no slice was found, for people.
    #[must_use]
    pub fn why_empty(&self) -> String {
        if self.selected == 0 {
            "Nothing is selected.".into()
        } else {
            self.discovery.why_empty()
        }
    }

    /// The JSON: `selected`, `rows`, `slices` (each with `precision` and
    /// `coverage`), `parameters`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "selected": self.selected,
            "rows": self.rows,
            "slices": self.slices,
            "narrower_left_out": self.narrower,
            "columns": self.discovery.columns,
            "min_support": self.discovery.min_support,
            "parameters": self.discovery.parameters,
        })
    }
}

impl crate::core::render::Printable for Explanation {
    fn document(&self) -> crate::core::render::Document {
        use crate::core::render::{Document, Table, count, pct};
        let mut doc = Document::new("Slices that describe the selection");
        doc.line(format!(
            "{} of {} rows selected ({}); minimum support {} rows; columns {}.",
            count(self.selected),
            count(self.rows as u64),
            pct(Some(self.selected as f64 / self.rows.max(1) as f64), 1),
            count(self.discovery.min_support),
            self.discovery.columns.join(", ")
        ));
        if self.slices.is_empty() {
            doc.line(self.why_empty());
            return doc;
        }
        let mut t = Table::new(&[
            "slice",
            "rows",
            "selected",
            "precision",
            "coverage",
            "score",
        ])
        .wrapping_first()
        .droppable(&["score"]);
        for (i, s) in self.slices.iter().enumerate() {
            t.push(vec![
                format!("{}. {}", i + 1, s.description),
                count(s.size),
                count(s.selected),
                pct(Some(s.precision), 1),
                pct(Some(s.coverage), 1),
                format!("{:.3}", s.score),
            ]);
        }
        doc.table(t);
        if self.narrower > 0 {
            doc.note(format!(
                "{} more slices only narrow one of these at no higher precision: left out.",
                self.narrower
            ));
        }
        doc.note(
            "Precision: the share of the slice's rows that are selected. Coverage: the share of the selection the slice holds.",
        );
        doc
    }

    fn tidy_csv(&self) -> String {
        let mut tidy = crate::core::render::Tidy::default();
        let mut add = tidy.adder();
        for (i, s) in self.slices.iter().enumerate() {
            let key = i.to_string();
            let mut metric = |m: &str, v: f64| add("slice", &key, &s.description, m, Some(v), None);
            metric("size", s.size as f64);
            metric("selected", s.selected as f64);
            metric("precision", s.precision);
            metric("coverage", s.coverage);
            metric("score", s.score);
        }
        drop(add);
        tidy.into_csv()
    }

    fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        crate::core::render::write_pretty_json(&self.to_json(), out)
    }
}
