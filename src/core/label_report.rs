//! `slicewise label-issues`: the likely label errors of a file
//! ([`crate::core::label_issues`]) for people
//! (text, Markdown, HTML), spreadsheets (tidy CSV) and programs (JSON).

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::core::dataset::Dataset;
use crate::core::label_issues::LabelIssues;
use crate::core::render::{Document, Table, Tidy, count, pct, pct_ci, quality};
use crate::core::slices::SliceKey;
use crate::core::stats::{Interval, wilson};

/// Examples listed in text and Markdown unless asked for all.
pub const SHOWN: usize = 50;
/// Classes beyond which the text and the app show no confident joint
/// (a K × K table; the JSON has it).
pub const JOINT_CLASSES: usize = 12;

/// One row of a per-class or per-group table.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    /// The class or group.
    pub name: String,
    /// Its rows.
    pub rows: u64,
    /// Those flagged.
    pub flagged: u64,
    /// Their share with Wilson's 95% interval.
    pub ci: Option<Interval>,
}

impl Share {
    fn of(name: String, rows: u64, flagged: u64) -> Self {
        Self {
            name,
            rows,
            flagged,
            ci: wilson(flagged, rows),
        }
    }

    /// The flagged share of its rows (`None` without rows).
    #[must_use]
    pub fn share(&self) -> Option<f64> {
        crate::core::label_issues::Summary::share(self.flagged, self.rows)
    }
}

/// One flagged example.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// Its row.
    pub row: usize,
    /// Its id.
    pub id: String,
    /// The given label (its class code: [`LabelIssuesReport::class`] names it).
    pub given: u32,
    /// The most probable class (its code).
    pub suggested: u32,
    /// Its label quality score.
    pub score: f64,
}

/// The likely label errors of a dataset, per class and per slice group.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelIssuesReport {
    /// The data file.
    pub file: String,
    /// Rows.
    pub rows: usize,
    /// Class names, in code order.
    pub classes: Vec<String>,
    /// The search.
    pub found: std::sync::Arc<LabelIssues>,
    /// Per class of the given label.
    pub per_class: Vec<Share>,
    /// Per slice: its name and its groups.
    pub slices: Vec<(String, Vec<Share>)>,
    /// Per tag of the session: its examples and those flagged.
    pub tags: Vec<Share>,
    /// The flagged examples, worst first.
    pub issues: Vec<Issue>,
    /// Every example in text and Markdown (else the first [`SHOWN`]).
    pub all: bool,
}

impl LabelIssuesReport {
    /// The report of `found` on `ds`, with the groups of each slice of
    /// `slices` (a column, or several crossed).
    ///
    /// # Errors
    /// A slice that names no slice column.
    pub fn new(
        ds: &Dataset,
        state: Option<&crate::core::tags::Annotations>,
        found: std::sync::Arc<LabelIssues>,
        slices: &[Vec<String>],
        all: bool,
    ) -> Result<Self, crate::core::slices::SliceError> {
        let tags = state.map_or_else(Vec::new, |s| {
            s.tags()
                .iter()
                .map(|t| {
                    let (mut rows, mut flagged) = (0u64, 0u64);
                    for r in 0..ds.rows() {
                        if t.members.get(r) {
                            rows += 1;
                            flagged += u64::from(found.flagged[r]);
                        }
                    }
                    Share::of(t.def.name.clone(), rows, flagged)
                })
                .collect()
        });
        let per_class = found
            .per_class(&ds.label)
            .into_iter()
            .zip(&found.label_counts)
            .zip(&ds.classes)
            .map(|(((flagged, _), &rows), name)| Share::of(name.clone(), rows, flagged))
            .collect();
        let mut by = Vec::new();
        for columns in slices {
            let key = SliceKey::new(ds, columns)?;
            let (names, cells) = key.row_groups(ds);
            #[allow(clippy::cast_possible_truncation)]
            let groups: Vec<u32> = (0..ds.rows()).map(|r| cells[key.cell(r)] as u32).collect();
            let counts = found.per_group(&groups, names.len());
            let shares = names
                .into_iter()
                .zip(counts)
                .filter(|(_, (rows, _))| *rows > 0)
                .map(|(name, (rows, flagged))| Share::of(name, rows, flagged))
                .collect();
            by.push((key.name(), shares));
        }
        // Side by side: writing the ids is most of it.
        let issues = found
            .ranked
            .par_iter()
            .map(|&r| Issue {
                row: r,
                id: ds.ids.key(r).into_owned(),
                given: ds.label[r],
                suggested: found.suggested[r],
                score: found.scores[r],
            })
            .collect();
        Ok(Self {
            file: ds.source.path.display().to_string(),
            rows: ds.rows(),
            classes: ds.classes.clone(),
            found,
            per_class,
            slices: by,
            tags,
            issues,
            all,
        })
    }

    /// The name of class `code`.
    #[must_use]
    pub fn class(&self, code: u32) -> &str {
        self.classes.get(code as usize).map_or("", String::as_str)
    }

    /// The flagged share of all rows, with its interval.
    #[must_use]
    pub fn overall(&self) -> Share {
        Share::of("all".into(), self.rows as u64, self.issues.len() as u64)
    }

    /// What it says, for the text, Markdown and HTML printers.
    #[must_use]
    pub fn document(&self) -> Document {
        let o = &self.found.options;
        let mut doc = Document::new(format!("Likely label errors: {}", self.file));
        let all = self.overall();
        doc.line(format!(
            "{} of {} rows ({} {}) are likely label errors: confident learning as cleanlab computes it, filter_by {}, ranked by {} (lowest first). cleanlab's num_label_issues: {}.",
            count(all.flagged),
            count(all.rows),
            pct(all.share(), 1),
            pct_ci(all.ci, 1),
            o.filter_by.name(),
            o.rank_by.name(),
            count(self.found.num_label_issues as u64),
        ));
        doc.note(
            "A likely label error is an example whose out-of-sample probabilities say, confidently, that it belongs to another class than its label: check the label before blaming the model.",
        );
        doc.heading("Per class of the given label");
        doc.table(share_table("class", &self.per_class));
        for (name, groups) in &self.slices {
            doc.heading(format!("By {name}"));
            doc.table(share_table(name, groups));
        }
        if !self.tags.is_empty() {
            doc.heading("Per tag");
            doc.table(share_table("tag", &self.tags));
        }
        if self.classes.len() <= JOINT_CLASSES {
            doc.heading("Confident joint: given label (rows) × likely true label (columns)");
            let mut headers = vec!["given \\ true".to_string()];
            headers.extend(self.classes.iter().cloned());
            let names: Vec<&str> = headers.iter().map(String::as_str).collect();
            let mut t = Table::new(&names);
            for (name, row) in self.classes.iter().zip(&self.found.confident_joint) {
                let mut cells = vec![name.clone()];
                cells.extend(row.iter().map(|&v| count(v)));
                t.push(cells);
            }
            doc.table(t);
        }
        let shown = if self.all {
            self.issues.len()
        } else {
            SHOWN.min(self.issues.len())
        };
        doc.heading(format!(
            "The likely label errors, worst first ({} of {})",
            count(shown as u64),
            count(self.issues.len() as u64)
        ));
        let mut t = Table::new(&["rank", "id", "given", "suggested", o.rank_by.name()]);
        t.numeric = vec![true, false, false, false, true];
        for (i, issue) in self.issues.iter().take(shown).enumerate() {
            t.push(vec![
                (i + 1).to_string(),
                issue.id.clone(),
                self.class(issue.given).to_string(),
                self.class(issue.suggested).to_string(),
                quality(issue.score),
            ]);
        }
        doc.table(t);
        if shown < self.issues.len() {
            doc.note(format!(
                "{} more: --all lists every one, --format json or csv writes them all.",
                count((self.issues.len() - shown) as u64)
            ));
        }
        doc
    }

    /// The JSON contract (README, "label-issues --format json").
    #[must_use]
    pub fn to_json(&self) -> Value {
        let share = |s: &Share| {
            json!({
                "name": s.name,
                "rows": s.rows,
                "flagged": s.flagged,
                "share": s.share(),
                "ci_low": s.ci.map(|c| c.lo),
                "ci_high": s.ci.map(|c| c.hi),
            })
        };
        json!({
            "file": self.file,
            "rows": self.rows,
            "classes": self.classes,
            "filter_by": self.found.options.filter_by.name(),
            "rank_by": self.found.options.rank_by.name(),
            "min_examples_per_class": self.found.options.min_examples_per_class,
            "num_label_issues": self.found.num_label_issues,
            "flagged": share(&self.overall()),
            "thresholds": self.found.thresholds,
            "confident_joint": {
                "labels": self.classes,
                "matrix": self.found.confident_joint,
            },
            "noise_matrix": self.found.noise_matrix,
            "per_class": self.per_class.iter().map(share).collect::<Vec<_>>(),
            "slices": self.slices.iter().map(|(name, groups)| json!({
                "slice": name,
                "groups": groups.iter().map(share).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "tags": self.tags.iter().map(share).collect::<Vec<_>>(),
        })
    }

    /// The JSON: [`Self::to_json`] with `issues` last, an example a line
    /// (hundreds of thousands of them are written as they go).
    ///
    /// # Errors
    /// When writing fails.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            rank: usize,
            id: &'a str,
            row: usize,
            given: &'a str,
            suggested: &'a str,
            score: f64,
        }
        use std::io::Write as _;
        let head = serde_json::to_string_pretty(&self.to_json()).map_err(std::io::Error::other)?;
        let head = head.strip_suffix("\n}").unwrap_or(&head);
        let mut out = std::io::BufWriter::new(out);
        out.write_all(head.as_bytes())?;
        out.write_all(b",\n  \"issues\": [")?;
        for (i, x) in self.issues.iter().enumerate() {
            out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            let line = Line {
                rank: i + 1,
                id: &x.id,
                row: x.row,
                given: self.class(x.given),
                suggested: self.class(x.suggested),
                score: x.score,
            };
            serde_json::to_writer(&mut out, &line).map_err(std::io::Error::other)?;
        }
        out.write_all(if self.issues.is_empty() {
            b"]\n}\n"
        } else {
            b"\n  ]\n}\n"
        })?;
        out.flush()
    }

    /// The tidy CSV: shares per class and group, then every flagged
    /// example's score (section `issue`, key its id, group given→suggested).
    #[must_use]
    pub fn tidy_csv(&self) -> String {
        let mut t = Tidy::default();
        #[allow(clippy::cast_precision_loss)]
        let mut add = |section: &str, key: &str, s: &Share| {
            t.add((section, key, &s.name), "rows", Some(s.rows as f64), None);
            t.add(
                (section, key, &s.name),
                "flagged",
                Some(s.flagged as f64),
                None,
            );
            t.add((section, key, &s.name), "share", s.share(), s.ci);
        };
        add("overall", "", &self.overall());
        for s in &self.per_class {
            add("class", "", s);
        }
        for (name, groups) in &self.slices {
            for g in groups {
                add("slice", name, g);
            }
        }
        for s in &self.tags {
            add("tag", "", s);
        }
        for x in &self.issues {
            let group = format!("{}→{}", self.class(x.given), self.class(x.suggested));
            t.add(
                ("issue", &x.id, &group),
                self.found.options.rank_by.name(),
                Some(x.score),
                None,
            );
        }
        t.into_csv()
    }
}

fn share_table(first: &str, rows: &[Share]) -> Table {
    let mut t = Table::new(&[
        first,
        "rows",
        "likely label errors",
        "share",
        "95% interval",
    ]);
    for s in rows {
        t.push(vec![
            s.name.clone(),
            count(s.rows),
            count(s.flagged),
            pct(s.share(), 1),
            pct_ci(s.ci, 1),
        ]);
    }
    t.droppable(&["95% interval"])
}

impl crate::core::render::Printable for LabelIssuesReport {
    fn document(&self) -> Document {
        LabelIssuesReport::document(self)
    }

    fn tidy_csv(&self) -> String {
        LabelIssuesReport::tidy_csv(self)
    }

    fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        LabelIssuesReport::write_json(self, out)
    }
}
