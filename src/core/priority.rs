//! The prioritisation table ("prioritising what to work on"): per tag, share
//! of errors, error rate inside the tag, share of data, accuracy, human-level
//! performance, gap to HLP, expected accuracy lift = gap × share of data, and
//! priority = lift × importance / effort.
//!
//! Manual tags are usually applied to a review sample, not to every row. The
//! estimates are then stratified by correct/incorrect: the share of errors
//! comes from the reviewed errors; the share of data and the error rate inside
//! the tag also need reviewed correct examples, and are unknown (with the
//! reason) until there are some. Rule tags and fully reviewed data are exact.

use serde::Serialize;

use super::dataset::Dataset;
use super::format::{count, pct};
use super::stats::{Count, Interval, Proportion, ratio, ratio_u};
use super::tags::{Annotations, Tag, TagCounts, TagId};

/// Where a tag's HLP comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HlpSource {
    /// Typed into the session.
    Typed,
    /// Accuracy of the human-label column inside the tag.
    HumanColumn,
    /// The share of the annotators' votes equal to the given label inside
    /// the tag.
    Annotators,
}

impl HlpSource {
    /// Short text for tables.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Typed => "typed",
            Self::HumanColumn => "human column",
            Self::Annotators => "annotators",
        }
    }
}

/// A value with its 95% interval; both `None` when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Estimate {
    /// Point estimate.
    pub value: Option<f64>,
    /// 95% interval.
    pub ci: Option<Interval>,
}

impl Estimate {
    const UNKNOWN: Self = Self {
        value: None,
        ci: None,
    };

    fn of(p: Proportion) -> Self {
        Self {
            value: p.value(),
            ci: p.ci(),
        }
    }
}

/// One row of the prioritisation table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagRow {
    /// Tag name.
    pub tag: String,
    /// Tag id (for the desktop app).
    #[serde(skip)]
    pub id: TagId,
    /// The rule, for rule tags.
    pub rule: Option<String>,
    /// Colour.
    pub colour: String,
    /// Tagged examples seen (reviewed ones for manual tags).
    pub tagged: Count,
    /// Tagged misclassified examples seen.
    pub tagged_errors: Count,
    /// Tagged errors / errors.
    pub share_of_errors: Estimate,
    /// Tagged errors / tagged examples.
    pub error_rate: Estimate,
    /// Tagged examples / all examples.
    pub share_of_data: Estimate,
    /// Accuracy inside the tag.
    pub accuracy: Estimate,
    /// Human-level performance inside the tag.
    pub hlp: Option<f64>,
    /// Its 95% interval, when it comes from the human-label column (a
    /// Wilson interval over the tagged examples with a human label).
    pub hlp_ci: Option<Interval>,
    /// The tagged examples with a human label the HLP comes from (0 for a
    /// typed HLP).
    pub hlp_examples: f64,
    /// Where the HLP comes from.
    pub hlp_source: Option<HlpSource>,
    /// HLP − accuracy.
    pub gap: Estimate,
    /// max(gap, 0) × share of data: the accuracy the whole model gains by
    /// bringing this tag to HLP.
    pub expected_lift: Estimate,
    /// Expected lift × importance / effort.
    pub priority: Option<f64>,
    /// Importance, 1–5.
    pub importance: u8,
    /// Effort, 1–5.
    pub effort: u8,
    /// Reviewed errors / errors (1 for rule tags).
    pub coverage: f64,
    /// Whether the numbers are exact (rule tag, or every row reviewed).
    pub exact: bool,
    /// Whether its estimates rest on fewer than [`FEW_REVIEWED`] reviewed
    /// examples (or its HLP on fewer human labels): a manual tag whose
    /// "100.0%" would read as certainty, and is not.
    pub few_reviewed: bool,
    /// Why some values are unknown or how they were estimated.
    pub notes: Vec<String>,
}

/// Fewer reviewed examples (or human labels behind an HLP) than this make
/// a manual tag's numbers "few reviewed": shown with their intervals and
/// marked wherever they appear.
pub const FEW_REVIEWED: f64 = 10.0;

/// Interval product for `a` (any sign) times `b` (non-negative).
fn interval_product(a: Interval, b: Interval) -> Interval {
    let corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
    Interval::new(
        corners.iter().copied().fold(f64::INFINITY, f64::min),
        corners.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    )
}

/// The HLP of a tag from the human column: exact over all tagged rows, or
/// stratified by error/correct with the estimated stratum sizes as weights.
/// A typed human-level performance that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a percentage: type 0 to 100 (e.g. 95 or 95%) or a proportion from 0 to 1 (e.g. 0.95)"
)]
pub struct HlpError(pub String);

#[allow(clippy::cast_precision_loss)]
/// Reads a typed human-level performance: "95", "95%", "95.5" and "95,5"
/// are percentages; a number from 0 to 1 without "%" ("0.95", "1") is a
/// proportion, so "0.7" is 70%, not 0.7%. `Ok(None)` for empty (use the
/// human-label column).
///
/// # Errors
/// When the text is not a number from 0 to 100, with what to type.
pub fn parse_hlp(text: &str) -> Result<Option<f64>, HlpError> {
    let text = text.trim();
    let (number, percent) = match text.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (text, false),
    };
    if number.is_empty() && !percent {
        return Ok(None);
    }
    let help = || HlpError(text.to_string());
    let v: f64 = number.replace(',', ".").parse().map_err(|_| help())?;
    if !v.is_finite() || !(0.0..=100.0).contains(&v) {
        return Err(help());
    }
    Ok(Some(if percent || v > 1.0 { v / 100.0 } else { v }))
}

fn human_hlp(c: &TagCounts, weight_errors: f64, weight_correct: f64) -> Option<f64> {
    let h_e = ratio(c.human_ok_errors.w, c.human_n_errors.w);
    let h_c = ratio(c.human_ok_correct.w, c.human_n_correct.w);
    match (h_e, h_c) {
        (Some(e), Some(k)) => ratio(
            weight_errors * e + weight_correct * k,
            weight_errors + weight_correct,
        ),
        (e, k) => e.or(k),
    }
}

/// Computes the table row of one tag.
#[must_use]
pub fn tag_row(ds: &Dataset, state: &Annotations, tag: &Tag) -> TagRow {
    tag_row_in(ds, state, tag, super::sample::Strata::of(ds).as_ref())
}

/// [`tag_row`] with the strata of a stratified sample found once for all
/// tags.
#[allow(clippy::cast_precision_loss, clippy::too_many_lines)]
fn tag_row_in(
    ds: &Dataset,
    state: &Annotations,
    tag: &Tag,
    strata: Option<&super::sample::Strata>,
) -> TagRow {
    let c = tag.counts();
    // Rows (their weights, with a weight column) ...
    let (n, errors) = (ds.total(), ds.error_total());
    let correct = n - errors;
    // ... and the numbers of examples, which say how much was reviewed.
    let (n_errors, n_correct) = (ds.errors() as u64, (ds.rows() - ds.errors()) as u64);
    let (r_e, r_c) = (state.reviewed_errors(), state.reviewed_correct());
    let (w_e, w_c) = state.reviewed_weight();
    let exact = tag.is_rule() || (r_e == n_errors && r_c == n_correct);
    let mut notes = Vec::new();
    if let Some(err) = &tag.rule_error {
        notes.push(format!("The rule does not fit this data: {err}"));
    }

    let (share_of_errors, error_rate, share_of_data, accuracy, hlp_weights);
    if exact {
        let tagged = c.tagged();
        hlp_weights = Some((c.errors.w, c.correct.w));
        // A stratified review sample: the same estimates, with the
        // stratified variance instead of Kish's effective size.
        if let Some(strata) = strata {
            let [e, r, d] = strata.tag_shares(ds, &tag.members);
            let est = |v: Option<(f64, Interval)>| Estimate {
                value: v.map(|v| v.0),
                ci: v.map(|v| v.1),
            };
            share_of_errors = est(e);
            error_rate = est(r);
            share_of_data = est(d);
            accuracy = Estimate {
                value: error_rate.value.map(|v| 1.0 - v),
                ci: error_rate.ci.map(Interval::complement),
            };
            notes.push(format!(
                "Estimated for the full table from a stratified sample of {} rows (column '{}'): the intervals are stratified ones.",
                ds.rows(),
                super::sample::STRATUM_COLUMN
            ));
        } else {
            share_of_errors = Estimate::of(Proportion::new(c.errors, errors));
            error_rate = Estimate::of(Proportion::new(c.errors, tagged));
            share_of_data = Estimate::of(Proportion::new(tagged, n));
            accuracy = Estimate::of(Proportion::new(c.correct, tagged));
        }
        if n_errors == 0 {
            notes.push(
                "The model makes no errors, so the share of errors is undefined.".to_string(),
            );
        }
    } else {
        // Per-stratum proportions: p of errors carry the tag, q of correct ones.
        // With a weight column each reviewed example stands for its weight
        // (an inverse sampling fraction, for a sample drawn by an engine),
        // and the intervals use the reviewed rows' effective size.
        let within = |k: Count, of: Count| {
            let p = Proportion::new(k, of);
            p.value().zip(p.ci())
        };
        let p = if n_errors == 0 {
            Some((0.0, Interval::new(0.0, 0.0)))
        } else {
            within(c.errors, w_e)
        };
        let q = if n_correct == 0 {
            Some((0.0, Interval::new(0.0, 0.0)))
        } else {
            within(c.correct, w_c)
        };
        share_of_errors = if n_errors == 0 {
            Estimate::UNKNOWN
        } else {
            p.map_or(Estimate::UNKNOWN, |(v, ci)| Estimate {
                value: Some(v),
                ci: Some(ci),
            })
        };
        if p.is_none() {
            notes.push(
                "No errors reviewed yet: review some to estimate the share of errors.".to_string(),
            );
        } else if r_e < n_errors {
            notes.push(format!(
                "Estimated from a review sample: {r_e} of {n_errors} errors reviewed ({:.0}% coverage).",
                100.0 * r_e as f64 / n_errors as f64
            ));
        }
        match (p, q) {
            (Some((p, p_ci)), Some((q, q_ci))) => {
                let (e, k, total) = (errors.w, correct.w, n.w);
                let t_hat = e * p + k * q;
                share_of_data = Estimate {
                    value: ratio(t_hat, total),
                    ci: Some(Interval::new(
                        (e * p_ci.lo + k * q_ci.lo) / total,
                        (e * p_ci.hi + k * q_ci.hi) / total,
                    )),
                };
                let err_lo = ratio(e * p_ci.lo, e * p_ci.lo + k * q_ci.hi).unwrap_or(0.0);
                let err_hi = ratio(e * p_ci.hi, e * p_ci.hi + k * q_ci.lo).unwrap_or(1.0);
                let err = ratio(e * p, t_hat);
                let err_ci = err.map(|_| Interval::new(err_lo, err_hi));
                error_rate = Estimate {
                    value: err,
                    ci: err_ci,
                };
                accuracy = Estimate {
                    value: err.map(|v| 1.0 - v),
                    ci: err_ci.map(Interval::complement),
                };
                hlp_weights = Some((e * p, k * q));
                notes.push(format!(
                    "Share of data and error rate are estimated from {r_c} reviewed correct example(s) of {n_correct}; the intervals combine both strata."
                ));
            }
            _ => {
                share_of_data = Estimate::UNKNOWN;
                error_rate = Estimate::UNKNOWN;
                accuracy = Estimate::UNKNOWN;
                hlp_weights = (c.errors.w > 0.0).then_some((1.0, 0.0));
                if q.is_none() {
                    notes.push(
                        "Share of data, error rate and accuracy are unknown: no correctly classified examples were reviewed. Review a random sample that includes correct predictions (Review: All, Random order)."
                            .to_string(),
                    );
                }
            }
        }
    }

    let (hlp, hlp_source) = match tag.def.hlp {
        Some(h) => (Some(h), Some(HlpSource::Typed)),
        None => match hlp_weights.and_then(|(we, wc)| human_hlp(&c, we, wc)) {
            Some(h) if ds.human_counts.as_ref().is_some_and(|c| c.from_annotators) => {
                (Some(h), Some(HlpSource::Annotators))
            }
            Some(h) => (Some(h), Some(HlpSource::HumanColumn)),
            None => (None, None),
        },
    };
    // From human labels (a column, or annotators' votes), not typed.
    let from_humans = matches!(
        hlp_source,
        Some(HlpSource::HumanColumn | HlpSource::Annotators)
    );
    // How many human labels the HLP rests on, and its interval over them.
    let hlp_examples = if from_humans {
        let (we, wc) = hlp_weights.unwrap_or((1.0, 1.0));
        (if we > 0.0 {
            c.human_n_errors.effective()
        } else {
            0.0
        }) + (if wc > 0.0 {
            c.human_n_correct.effective()
        } else {
            0.0
        })
    } else {
        0.0
    };
    let hlp_ci = hlp
        .filter(|_| from_humans)
        .and_then(|h| super::stats::wilson_p(h, hlp_examples));
    // A tag with nothing tagged yet has no numbers to misread ("n/a").
    let few_reviewed = !exact
        && c.tagged().w > 0.0
        && (c.tagged().effective() < FEW_REVIEWED || from_humans && hlp_examples < FEW_REVIEWED);
    if few_reviewed {
        notes.push(format!(
            "Few reviewed: {:.0} tagged example(s) reviewed; the numbers are estimates with wide intervals.",
            c.tagged().w
        ));
    }
    if hlp.is_none() {
        notes.push(if ds.has_human() {
            "No HLP: no tagged example has a human label; type an HLP for this tag.".to_string()
        } else {
            "No HLP: type one for this tag, or load a human-label column (--human COL).".to_string()
        });
    } else if from_humans && accuracy.value.is_none() {
        notes.push("HLP from the human labels of the reviewed tagged errors only.".to_string());
    }

    let gap = match (hlp, accuracy.value) {
        (Some(h), Some(a)) => Estimate {
            value: Some(h - a),
            ci: accuracy.ci.map(|ci| Interval::new(h - ci.hi, h - ci.lo)),
        },
        _ => Estimate::UNKNOWN,
    };
    let expected_lift = match (gap.value, share_of_data.value) {
        (Some(g), Some(s)) => {
            if g < 0.0 {
                notes.push("The model beats HLP here, so the expected lift is 0.".to_string());
            }
            Estimate {
                value: Some(g.max(0.0) * s),
                ci: gap.ci.zip(share_of_data.ci).map(|(g, s)| {
                    let p = interval_product(g, s);
                    Interval::new(p.lo.max(0.0), p.hi.max(0.0))
                }),
            }
        }
        _ => Estimate::UNKNOWN,
    };
    let priority = expected_lift
        .value
        .map(|l| l * f64::from(tag.def.importance) / f64::from(tag.def.effort.max(1)));

    TagRow {
        tag: tag.def.name.clone(),
        id: tag.id,
        rule: tag.def.rule.clone(),
        colour: tag.def.colour.clone(),
        tagged: c.tagged(),
        tagged_errors: c.errors,
        share_of_errors,
        error_rate,
        share_of_data,
        accuracy,
        hlp,
        hlp_ci,
        hlp_examples,
        hlp_source,
        gap,
        expected_lift,
        priority,
        importance: tag.def.importance,
        effort: tag.def.effort,
        coverage: if tag.is_rule() || n_errors == 0 {
            1.0
        } else {
            r_e as f64 / n_errors as f64
        },
        exact,
        few_reviewed,
        notes,
    }
}

/// The prioritisation table, sorted by expected lift (unknown last).
#[must_use]
pub fn prioritise(ds: &Dataset, state: &Annotations) -> Vec<TagRow> {
    let strata = super::sample::Strata::of(ds);
    let mut rows: Vec<TagRow> = state
        .tags()
        .iter()
        .map(|t| tag_row_in(ds, state, t, strata.as_ref()))
        .collect();
    sort_rows(&mut rows, SortKey::ExpectedLift, true);
    rows
}

/// A column of the prioritisation table to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum SortKey {
    /// Tag name.
    Tag,
    /// Tagged examples.
    Tagged,
    /// Tagged errors.
    TaggedErrors,
    /// Share of errors.
    ShareOfErrors,
    /// Error rate inside the tag.
    ErrorRate,
    /// Share of data.
    ShareOfData,
    /// Accuracy inside the tag.
    Accuracy,
    /// HLP.
    Hlp,
    /// Gap to HLP.
    Gap,
    /// Expected lift.
    #[default]
    ExpectedLift,
    /// Priority.
    Priority,
    /// Review coverage.
    Coverage,
}

impl SortKey {
    /// Every key, in table column order.
    pub const ALL: [Self; 12] = [
        Self::Tag,
        Self::Tagged,
        Self::TaggedErrors,
        Self::ShareOfErrors,
        Self::ErrorRate,
        Self::ShareOfData,
        Self::Accuracy,
        Self::Hlp,
        Self::Gap,
        Self::ExpectedLift,
        Self::Priority,
        Self::Coverage,
    ];

    /// The column name used by the CLI and exports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Tag => "tag",
            Self::Tagged => "tagged",
            Self::TaggedErrors => "tagged_errors",
            Self::ShareOfErrors => "share_of_errors",
            Self::ErrorRate => "error_rate",
            Self::ShareOfData => "share_of_data",
            Self::Accuracy => "accuracy",
            Self::Hlp => "hlp",
            Self::Gap => "gap",
            Self::ExpectedLift => "expected_lift",
            Self::Priority => "priority",
            Self::Coverage => "coverage",
        }
    }

    /// Parses a column name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == name.trim().to_ascii_lowercase().replace(' ', "_"))
    }

    #[allow(clippy::cast_precision_loss)]
    fn number(self, r: &TagRow) -> Option<f64> {
        match self {
            Self::Tag => None,
            Self::Tagged => Some(r.tagged.w),
            Self::TaggedErrors => Some(r.tagged_errors.w),
            Self::ShareOfErrors => r.share_of_errors.value,
            Self::ErrorRate => r.error_rate.value,
            Self::ShareOfData => r.share_of_data.value,
            Self::Accuracy => r.accuracy.value,
            Self::Hlp => r.hlp,
            Self::Gap => r.gap.value,
            Self::ExpectedLift => r.expected_lift.value,
            Self::Priority => r.priority,
            Self::Coverage => Some(r.coverage),
        }
    }
}

/// Sorts table rows by a column; unknown values always go last, ties by name.
pub fn sort_rows(rows: &mut [TagRow], key: SortKey, descending: bool) {
    rows.sort_by(|a, b| {
        let ord = if key == SortKey::Tag {
            a.tag.to_lowercase().cmp(&b.tag.to_lowercase())
        } else {
            match (key.number(a), key.number(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        };
        let ord = if descending { ord.reverse() } else { ord };
        ord.then_with(|| a.tag.cmp(&b.tag))
    });
}

/// Context printed above an exported table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportContext {
    /// Data file name.
    pub file: String,
    /// Examples (the sum of weights with a weight column).
    pub rows: Count,
    /// Errors (their weight).
    pub errors: Count,
    /// Overall accuracy.
    pub accuracy: Option<f64>,
    /// Reviewed errors / errors.
    pub coverage: Option<f64>,
}

impl ExportContext {
    /// The context of a dataset reviewed as `state`.
    #[must_use]
    pub fn of(ds: &Dataset, state: &Annotations) -> Self {
        let (rows, errors) = (ds.total(), ds.error_total());
        Self {
            file: ds
                .source
                .path
                .file_name()
                .map_or_else(String::new, |f| f.to_string_lossy().into_owned()),
            rows,
            errors,
            accuracy: Proportion::new(rows - errors, rows).value(),
            coverage: ratio_u(state.reviewed_errors(), ds.errors() as u64),
        }
    }

    /// The line printed above a table.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "{}: {} examples, {} errors, accuracy {}, {} of errors reviewed",
            self.file,
            count(self.rows),
            count(self.errors),
            pct(self.accuracy, 2),
            pct(self.coverage, 1)
        )
    }
}
