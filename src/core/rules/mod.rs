//! Rule tags: a predicate over columns that tags every matching row exactly.
//!
//! ```text
//! device == "car"
//! snr < 10 and gender != "female"
//! accent in ["scottish", "welsh"] or not (score >= 0.9)
//! ```
//!
//! Operands are column names (bare, or in backticks when they contain spaces);
//! the label, prediction and human columns compare by class name. Comparisons:
//! `==`, `!=`, `<`, `<=`, `>`, `>=`, `in [...]`, `not in [...]`; combined with
//! `and`, `or`, `not` and parentheses. Strings are quoted with `"` or `'`.

mod names;
mod parse;

pub use names::{ColumnListError, quote, quote_column, split_columns};
pub use parse::parse;

use std::fmt;

use super::dataset::{Bitmap, ColumnData, Dataset, Grouping, Ids, MISSING, format_number};
use super::temporal::NumberKind;

/// A rule that could not be parsed or does not fit the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// What is wrong and what to do.
    pub message: String,
    /// 0-based character offset in the rule text.
    pub at: usize,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.at + 1)
    }
}

impl std::error::Error for RuleError {}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Self::Eq => ord == Equal,
            Self::Ne => ord != Equal,
            Self::Lt => ord == Less,
            Self::Le => ord != Greater,
            Self::Gt => ord == Greater,
            Self::Ge => ord != Less,
        }
    }
}

/// A literal in a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A quoted string.
    Str(String),
    /// A number.
    Num(f64),
    /// `true` / `false`.
    Bool(bool),
}

impl Value {
    fn as_text(&self) -> String {
        match self {
            Self::Str(s) => s.clone(),
            Self::Num(n) => format_number(*n),
            Self::Bool(b) => b.to_string(),
        }
    }
}

/// How deep parentheses may nest in a rule. Deeper rules are refused with
/// an error at the parenthesis, never parsed or evaluated by recursion
/// without bound; chains of `and` / `or` and runs of `not` need no depth.
pub const MAX_DEPTH: usize = 64;

/// A parsed rule. Chains of `and` and of `or` are flat lists, so a rule of
/// 200,000 terms is one node, not 200,000 nested ones.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every one holds (`a and b and ...`).
    All(Vec<Expr>),
    /// At least one holds (`a or b or ...`).
    Any(Vec<Expr>),
    /// Does not hold.
    Not(Box<Expr>),
    /// `column op value`.
    Cmp {
        /// Column name.
        column: String,
        /// Operator.
        op: CmpOp,
        /// Literal.
        value: Value,
        /// Offset of the column name.
        at: usize,
    },
    /// `column in [values]`.
    In {
        /// Column name.
        column: String,
        /// Literals.
        values: Vec<Value>,
        /// Offset of the column name.
        at: usize,
    },
}

/// Per-row codes: classes (32-bit) or a slice column's compact codes.
#[derive(Clone, Copy)]
enum CodesRef<'a> {
    Classes(&'a [u32]),
    Groups(&'a crate::core::dataset::Codes),
}

impl CodesRef<'_> {
    #[inline]
    fn get(self, row: usize) -> u32 {
        match self {
            Self::Classes(c) => c[row],
            Self::Groups(c) => c.get(row),
        }
    }
}

/// What a rule's column refers to.
enum Operand<'a> {
    /// Codes into labels (categorical columns, classes).
    Codes(CodesRef<'a>, std::borrow::Cow<'a, [String]>),
    /// Numbers (dates, times and durations in their unit).
    Numbers(&'a [f64], NumberKind),
    /// Row ids.
    Ids(&'a Ids),
}

fn resolve<'a>(ds: &'a Dataset, column: &str, at: usize) -> Result<Operand<'a>, RuleError> {
    let roles = &ds.roles;
    let is = |name: &str| name == column || name.eq_ignore_ascii_case(column);
    if is(&roles.label) {
        return Ok(Operand::Codes(
            CodesRef::Classes(&ds.label),
            std::borrow::Cow::Borrowed(&ds.classes),
        ));
    }
    if is(&roles.pred) {
        return Ok(Operand::Codes(
            CodesRef::Classes(&ds.pred),
            std::borrow::Cow::Borrowed(&ds.classes),
        ));
    }
    if let (Some(h), Some(codes)) = (&roles.human, &ds.human)
        && is(h)
    {
        let mut labels = ds.classes.clone();
        labels.extend(ds.human_extra_classes.iter().cloned());
        return Ok(Operand::Codes(
            CodesRef::Classes(codes),
            std::borrow::Cow::Owned(labels),
        ));
    }
    if let (Some(s), Some(values)) = (&roles.score, &ds.score)
        && is(s)
    {
        return Ok(Operand::Numbers(values, NumberKind::Plain));
    }
    if roles.id.as_deref().is_some_and(is) {
        return Ok(Operand::Ids(&ds.ids));
    }
    match ds.column(column) {
        Some(col) => Ok(match &col.data {
            ColumnData::Categorical(Grouping { codes, labels }) => {
                Operand::Codes(CodesRef::Groups(codes), std::borrow::Cow::Borrowed(labels))
            }
            ColumnData::Numeric { values, kind, .. } => Operand::Numbers(values, *kind),
        }),
        None => {
            let mut names: Vec<String> = vec![roles.label.clone(), roles.pred.clone()];
            names.extend(
                roles
                    .score
                    .iter()
                    .chain(&roles.human)
                    .chain(&roles.id)
                    .cloned(),
            );
            names.extend(ds.columns.iter().map(|c| c.name.clone()));
            let hint = crate::core::suggest::did_you_mean(column, names.iter().map(String::as_str));
            Err(RuleError {
                message: format!(
                    "there is no column '{column}'.{hint} Columns: {}",
                    names.join(", ")
                ),
                at,
            })
        }
    }
}

/// Compares a categorical label with a literal: numerically when both are
/// numbers, else as text.
fn compare_label(label: &str, value: &Value) -> Option<std::cmp::Ordering> {
    match value {
        Value::Num(n) => label.trim().parse::<f64>().ok().map(|l| l.total_cmp(n)),
        Value::Bool(b) => {
            Some(
                label
                    .to_ascii_lowercase()
                    .as_str()
                    .cmp(if *b { "true" } else { "false" }),
            )
        }
        Value::Str(s) => Some(label.cmp(s.as_str())),
    }
}

/// Which codes of a categorical operand satisfy a condition.
fn code_set(labels: &[String], pred: impl Fn(&str) -> bool) -> Vec<bool> {
    labels.iter().map(|l| pred(l)).collect()
}

/// The codes of a categorical operand a comparison holds for, or `None`
/// when the column is not categorical.
fn categorical_set<'a>(
    ds: &'a Dataset,
    e: &Expr,
) -> Result<Option<(CodesRef<'a>, Vec<bool>)>, RuleError> {
    let (column, at) = match e {
        Expr::Cmp { column, at, .. } | Expr::In { column, at, .. } => (column, *at),
        _ => return Ok(None),
    };
    let Operand::Codes(codes, labels) = resolve(ds, column, at)? else {
        return Ok(None);
    };
    let set = match e {
        Expr::Cmp { op, value, .. } => code_set(&labels, |l| {
            // Missing values are a value of their own, "(missing)".
            let equal = l == value.as_text()
                || (l != MISSING && compare_label(l, value) == Some(std::cmp::Ordering::Equal));
            match op {
                CmpOp::Eq => equal,
                CmpOp::Ne => !equal,
                _ => l != MISSING && compare_label(l, value).is_some_and(|o| op.holds(o)),
            }
        }),
        Expr::In { values, .. } => code_set(&labels, |l| {
            values
                .iter()
                .any(|v| l == v.as_text() || compare_label(l, v) == Some(std::cmp::Ordering::Equal))
        }),
        _ => return Ok(None),
    };
    Ok(Some((codes, set)))
}

/// The number a literal stands for in a numeric column of `kind`: a
/// number, or for dates, times and durations also their text
/// (`"2024-03-01"`); an error naming the column and an example otherwise.
fn number_of(
    value: &Value,
    kind: NumberKind,
    column: &str,
    at: usize,
    list: bool,
) -> Result<f64, RuleError> {
    let parsed = match value {
        Value::Num(x) => Some(*x),
        Value::Str(s) if kind != NumberKind::Plain => kind.parse(s),
        _ => None,
    };
    parsed.ok_or_else(|| {
        let example = kind.example();
        let what = kind.plural();
        RuleError {
            message: if list {
                format!("column '{column}' holds {what}; list such values, e.g. {column} in [{example}]")
            } else {
                format!("column '{column}' holds {what}; compare it with one, e.g. {column} >= {example}")
            },
            at,
        }
    })
}

/// Whether two code columns are the same column.
fn same_codes(a: CodesRef<'_>, b: CodesRef<'_>) -> bool {
    match (a, b) {
        (CodesRef::Classes(x), CodesRef::Classes(y)) => std::ptr::eq(x, y),
        (CodesRef::Groups(x), CodesRef::Groups(y)) => std::ptr::eq(x, y),
        _ => false,
    }
}

/// Evaluates `a or b or ...`: comparisons on one categorical column are
/// merged into one set of codes and the rows read once per column, so a
/// list of 200,000 alternatives costs one pass over the rows.
fn eval_any(ds: &Dataset, terms: &[Expr]) -> Result<Bitmap, RuleError> {
    let rows = ds.rows();
    let mut merged: Vec<(CodesRef<'_>, Vec<bool>)> = Vec::new();
    let mut out = Bitmap::new(rows);
    for t in terms {
        match categorical_set(ds, t)? {
            Some((codes, set)) => match merged.iter_mut().find(|(c, _)| same_codes(*c, codes)) {
                Some((_, acc)) => {
                    for (a, s) in acc.iter_mut().zip(set) {
                        *a |= s;
                    }
                }
                None => merged.push((codes, set)),
            },
            None => out.or_with(&eval_into(ds, t)?),
        }
    }
    for (codes, set) in merged {
        out.or_with(&Bitmap::from_fn(rows, |r| set[codes.get(r) as usize]));
    }
    Ok(out)
}

fn eval_into(ds: &Dataset, e: &Expr) -> Result<Bitmap, RuleError> {
    let rows = ds.rows();
    match e {
        Expr::All(terms) => {
            let mut out: Option<Bitmap> = None;
            for t in terms {
                let b = eval_into(ds, t)?;
                match &mut out {
                    None => out = Some(b),
                    Some(acc) => acc.and_with(&b),
                }
            }
            Ok(out.unwrap_or_else(|| Bitmap::new(rows)))
        }
        Expr::Any(terms) => eval_any(ds, terms),
        Expr::Not(inner) => {
            let mut m = eval_into(ds, inner)?;
            m.invert();
            Ok(m)
        }
        Expr::Cmp {
            column,
            op,
            value,
            at,
        } => {
            if let Some((codes, set)) = categorical_set(ds, e)? {
                return Ok(Bitmap::from_fn(rows, |r| set[codes.get(r) as usize]));
            }
            match resolve(ds, column, *at)? {
                Operand::Numbers(values, kind) => {
                    let x = number_of(value, kind, column, *at, false)?;
                    Ok(Bitmap::from_fn(rows, |r| {
                        let v = values[r];
                        if v.is_nan() {
                            *op == CmpOp::Ne
                        } else {
                            op.holds(v.total_cmp(&x))
                        }
                    }))
                }
                Operand::Ids(ids) => {
                    let text = value.as_text();
                    Ok(Bitmap::from_fn(rows, |r| {
                        op.holds(
                            compare_label(&ids.key(r), value)
                                .unwrap_or_else(|| ids.key(r).as_ref().cmp(text.as_str())),
                        )
                    }))
                }
                Operand::Codes(..) => Ok(Bitmap::new(rows)),
            }
        }
        Expr::In { column, values, at } => {
            if let Some((codes, set)) = categorical_set(ds, e)? {
                return Ok(Bitmap::from_fn(rows, |r| set[codes.get(r) as usize]));
            }
            match resolve(ds, column, *at)? {
                Operand::Numbers(nums, kind) => {
                    let wanted = values
                        .iter()
                        .map(|v| number_of(v, kind, column, *at, true))
                        .collect::<Result<Vec<f64>, RuleError>>()?;
                    Ok(Bitmap::from_fn(rows, |r| wanted.contains(&nums[r])))
                }
                Operand::Ids(ids) => {
                    let wanted: rustc_hash::FxHashSet<String> =
                        values.iter().map(Value::as_text).collect();
                    Ok(Bitmap::from_fn(rows, |r| {
                        wanted.contains(ids.key(r).as_ref())
                    }))
                }
                Operand::Codes(..) => Ok(Bitmap::new(rows)),
            }
        }
    }
}

/// Parses `src` and evaluates it on every row.
///
/// # Errors
/// When the rule does not parse or names a column the data does not have.
pub fn evaluate(ds: &Dataset, src: &str) -> Result<Bitmap, RuleError> {
    let e = parse(src)?;
    eval_into(ds, &e)
}

/// The columns a rule names, each once, in order of appearance (none when
/// it does not parse): what a load must read for the rule to be evaluated.
#[must_use]
pub fn columns(src: &str) -> Vec<String> {
    let Ok(e) = parse(src) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    let mut stack = vec![&e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::All(terms) | Expr::Any(terms) => stack.extend(terms.iter().rev()),
            Expr::Not(inner) => stack.push(inner),
            Expr::Cmp { column, .. } | Expr::In { column, .. } => {
                if !out.contains(column) {
                    out.push(column.clone());
                }
            }
        }
    }
    out
}

/// Checks a rule against the data without reading its rows (fast enough to
/// run as it is typed): the errors [`evaluate`] would give, and as warnings
/// the values a categorical column is compared with that no row has. Such a
/// rule is valid, but that part matches nothing, which is nearly always a
/// typo; each warning names the value and column and suggests the nearest.
///
/// # Errors
/// As [`evaluate`].
pub fn check(ds: &Dataset, src: &str) -> Result<Vec<String>, RuleError> {
    fn walk(ds: &Dataset, e: &Expr, out: &mut Vec<String>) -> Result<(), RuleError> {
        let (column, values, at, equality) = match e {
            Expr::All(terms) | Expr::Any(terms) => {
                for t in terms {
                    walk(ds, t, out)?;
                }
                return Ok(());
            }
            Expr::Not(inner) => return walk(ds, inner, out),
            Expr::Cmp {
                column,
                op,
                value,
                at,
            } => (
                column,
                std::slice::from_ref(value),
                *at,
                matches!(op, CmpOp::Eq | CmpOp::Ne),
            ),
            Expr::In { column, values, at } => (column, values.as_slice(), *at, true),
        };
        let operand = resolve(ds, column, at)?;
        if let Operand::Numbers(_, kind) = operand {
            for v in values {
                number_of(v, kind, column, at, matches!(e, Expr::In { .. }))?;
            }
        }
        if let Operand::Codes(_, labels) = operand
            && equality
        {
            for v in values {
                let known = labels.iter().any(|l| {
                    l == &v.as_text() || compare_label(l, v) == Some(std::cmp::Ordering::Equal)
                });
                if !known {
                    let hint = crate::core::suggest::did_you_mean(
                        &v.as_text(),
                        labels.iter().map(String::as_str),
                    );
                    out.push(format!("no row has {column} = '{}'.{hint}", v.as_text()));
                }
            }
        }
        Ok(())
    }
    let e = parse(src)?;
    let mut out = Vec::new();
    walk(ds, &e, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comparisons_and_logic() {
        let e = parse(r#"device == "car" and (snr < 10 or not accent in ["scottish", 'welsh'])"#)
            .unwrap();
        let Expr::All(terms) = e else { panic!("{e:?}") };
        assert!(matches!(terms[0], Expr::Cmp { op: CmpOp::Eq, .. }));
        assert!(matches!(terms[1], Expr::Any(..)));
        assert!(matches!(parse("x not in [1, 2]").unwrap(), Expr::Not(_)));
        assert!(
            matches!(parse("`my col` >= -1.5e3").unwrap(), Expr::Cmp { value: Value::Num(n), .. } if (n + 1500.0).abs() < 1e-9)
        );
    }

    #[test]
    fn reports_where_a_rule_breaks() {
        let err = parse("device == ").unwrap_err();
        assert_eq!(err.at, 10);
        assert!(err.message.contains("expected a value"));
        let err = parse(r#"device == "car" snr < 3"#).unwrap_err();
        assert!(err.message.contains("after the end"), "{err}");
        assert!(parse("a in [1, 2").is_err());
        assert!(parse("\"unterminated").is_err());
    }

    #[test]
    fn deep_and_long_rules_parse_without_recursion_or_are_refused_at_the_place() {
        // Parentheses nested past the limit: an error at the first one too deep.
        let deep = format!("{}x == 1{}", "(".repeat(10_000), ")".repeat(10_000));
        let err = parse(&deep).unwrap_err();
        assert_eq!(err.at, MAX_DEPTH, "{err}");
        assert!(err.message.contains("nest"), "{err}");
        let ok = format!("{}x == 1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        // Runs of `not` are counted, not nested.
        let nots = format!("{}x == 1", "not ".repeat(30_000));
        assert!(matches!(parse(&nots).unwrap(), Expr::Cmp { .. }));
        let odd = format!("{}x == 1", "not ".repeat(30_001));
        assert!(matches!(parse(&odd).unwrap(), Expr::Not(_)));
        // A 200,000-term `or` is one flat node.
        let long = vec!["x == 1"; 200_000].join(" or ");
        let Expr::Any(terms) = parse(&long).unwrap() else {
            panic!("not flat")
        };
        assert_eq!(terms.len(), 200_000);
    }

    #[test]
    fn column_lists_split_at_commas_outside_backticks() {
        assert_eq!(split_columns(" a, b ,,c").unwrap(), ["a", "b", "c"]);
        assert_eq!(split_columns("`a,b`, c").unwrap(), ["a,b", "c"]);
        assert_eq!(split_columns("`x``y`").unwrap(), ["x`y"]);
        assert_eq!(split_columns("` padded `").unwrap(), [" padded "]);
        assert!(split_columns("`open").is_err());
        assert!(split_columns("`a` b").is_err());
        // Quoting a column for a rule and splitting it back agree.
        for name in ["a,b", "x`y", "my col", "plain"] {
            assert_eq!(split_columns(&quote_column(name)).unwrap(), [name]);
            let Expr::Cmp { column, .. } = parse(&format!("{} == 1", quote_column(name))).unwrap()
            else {
                panic!()
            };
            assert_eq!(column, name);
        }
    }

    #[test]
    fn quoting_round_trips() {
        let rule = format!("{} == {}", quote_column("my col"), quote(r#"say "hi""#));
        let Expr::Cmp { column, value, .. } = parse(&rule).unwrap() else {
            panic!()
        };
        assert_eq!(column, "my col");
        assert_eq!(value, Value::Str(r#"say "hi""#.to_string()));
    }
}
