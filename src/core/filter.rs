//! Which examples the Review view lists: a filter over rows, evaluated in
//! core so the desktop app only draws the result.

use super::compare::RunComparison;
use super::dataset::Dataset;
use super::label_issues::Shared;
pub use super::view::{Flip, ReviewFilter, ReviewedFilter, Scope, TagFilter};
use rand::seq::SliceRandom as _;

use super::stats::rng;
use super::tags::Annotations;

impl ReviewFilter {
    /// The rows that pass, in file order (likely label errors worst first),
    /// or shuffled when `random_order`.
    /// Conditions that name something the data lacks match nothing.
    #[must_use]
    pub fn apply(&self, ds: &Dataset, review: &Annotations) -> Vec<u32> {
        self.apply_compared(ds, review, None, &Shared::default())
    }

    /// As [`ReviewFilter::apply`], with a second run to judge `flip` by
    /// (without one, a `flip` condition matches nothing) and the dataset's
    /// likely label errors, found once for every filter.
    #[must_use]
    pub fn apply_compared(
        &self,
        ds: &Dataset,
        review: &Annotations,
        compared: Option<&RunComparison>,
        label_issues: &Shared,
    ) -> Vec<u32> {
        if self.flip.is_some() && compared.is_none() {
            return Vec::new();
        }
        let class = |name: &Option<String>| name.as_ref().map(|n| ds.class_code(n));
        let truth = class(&self.truth);
        let pred = class(&self.pred);
        if matches!(truth, Some(None)) || matches!(pred, Some(None)) {
            return Vec::new();
        }
        let mut slices = Vec::with_capacity(self.slices.len());
        for (column, value) in &self.slices {
            let Some(g) = ds.column(column).map(super::dataset::Column::groups) else {
                return Vec::new();
            };
            let Some(code) = g.code_of(value) else {
                return Vec::new();
            };
            slices.push((&g.codes, code));
        }
        let tag = match &self.tag {
            TagFilter::Tagged(name) => match review.tag_by_name(name) {
                Some(t) => Some(&t.members),
                None => return Vec::new(),
            },
            _ => None,
        };
        let score = ds.score.as_deref();
        let score_range = self.score_min.is_some() || self.score_max.is_some();
        // Likely label errors come worst first; without the probabilities
        // to find them, none.
        let issues = (self.scope == Scope::LabelIssues).then(|| label_issues.get(ds));
        let suggested = match &self.suggested {
            Some(name) if self.scope == Scope::LabelIssues => match ds.class_code(name) {
                Some(code) => Some(code),
                None => return Vec::new(),
            },
            _ => None,
        };
        let suggested_of = |r: usize| match &issues {
            Some(Some(found)) => found.suggested[r],
            _ => u32::MAX,
        };
        let map_rows = self.map_rows.as_deref();
        let order: Box<dyn Iterator<Item = usize>> = match (&issues, map_rows) {
            (Some(Some(found)), _) => Box::new(found.ranked.iter().copied().filter(move |&r| {
                map_rows.is_none_or(|m| u32::try_from(r).is_ok_and(|r| m.binary_search(&r).is_ok()))
            })),
            (Some(None), _) => Box::new(std::iter::empty()),
            (None, Some(m)) => Box::new(m.iter().map(|&r| r as usize).filter(|&r| r < ds.rows())),
            (None, None) => Box::new(0..ds.rows()),
        };
        let mut out: Vec<u32> = order
            .filter(|&r| {
                let scope_ok = match self.scope {
                    Scope::Errors => ds.is_error(r),
                    Scope::Correct => !ds.is_error(r),
                    Scope::All | Scope::LabelIssues => true,
                    Scope::HumanDisagrees => ds.human_correct(r) == Some(false),
                };
                scope_ok
                    && suggested.is_none_or(|s| suggested_of(r) == s)
                    && truth.is_none_or(|t| t == Some(ds.label[r]))
                    && pred.is_none_or(|p| p == Some(ds.pred[r]))
                    && slices.iter().all(|(codes, code)| codes.get(r) == *code)
                    && tag.is_none_or(|m| m.get(r))
                    && self
                        .flip
                        .is_none_or(|f| compared.is_some_and(|c| c.is(r, f)))
                    && (self.tag != TagFilter::Untagged || !review.has_any_tag(r))
                    && match self.reviewed {
                        ReviewedFilter::Any => true,
                        ReviewedFilter::Reviewed => review.is_reviewed(r),
                        ReviewedFilter::Unreviewed => !review.is_reviewed(r),
                    }
                    && (!score_range
                        || score.is_some_and(|s| {
                            let v = s[r];
                            !v.is_nan()
                                && self.score_min.is_none_or(|m| v >= m)
                                && self.score_max.is_none_or(|m| v <= m)
                        }))
            })
            .filter_map(|r| u32::try_from(r).ok())
            .collect();
        if self.random_order {
            out.shuffle(&mut rng(self.seed));
        }
        out
    }

    /// Whether the filter shows every row of its scope (nothing else narrows it).
    #[must_use]
    pub fn is_plain(&self) -> bool {
        let base = Self {
            scope: self.scope,
            flip: self.flip,
            random_order: self.random_order,
            seed: self.seed,
            ..Self::default()
        };
        *self == base
    }
}
