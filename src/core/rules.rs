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

use std::fmt;

use super::dataset::{Bitmap, ColumnData, Dataset, Grouping, Ids, MISSING, format_number};

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

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(f64),
    Op(CmpOp),
    And,
    Or,
    Not,
    In,
    True,
    False,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

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

/// A parsed rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Both hold.
    And(Box<Expr>, Box<Expr>),
    /// Either holds.
    Or(Box<Expr>, Box<Expr>),
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

fn lex(src: &str) -> Result<Vec<(Token, usize)>, RuleError> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |message: String, at: usize| RuleError { message, at };
    while i < chars.len() {
        let (pos, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, c)| c);
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | '[' | ']' | ',' => {
                out.push((
                    match c {
                        '(' => Token::LParen,
                        ')' => Token::RParen,
                        '[' => Token::LBracket,
                        ']' => Token::RBracket,
                        _ => Token::Comma,
                    },
                    pos,
                ));
                i += 1;
            }
            '=' | '!' | '<' | '>' | '&' | '|' => {
                let two = next.map(|n| format!("{c}{n}"));
                let (tok, len) = match (c, two.as_deref()) {
                    (_, Some("==")) => (Token::Op(CmpOp::Eq), 2),
                    (_, Some("!=")) => (Token::Op(CmpOp::Ne), 2),
                    (_, Some("<=")) => (Token::Op(CmpOp::Le), 2),
                    (_, Some(">=")) => (Token::Op(CmpOp::Ge), 2),
                    (_, Some("&&")) => (Token::And, 2),
                    (_, Some("||")) => (Token::Or, 2),
                    ('<', _) => (Token::Op(CmpOp::Lt), 1),
                    ('>', _) => (Token::Op(CmpOp::Gt), 1),
                    ('=', _) => (Token::Op(CmpOp::Eq), 1),
                    ('!', _) => (Token::Not, 1),
                    _ => return Err(err(format!("unexpected '{c}'"), pos)),
                };
                out.push((tok, pos));
                i += len;
            }
            '"' | '\'' | '`' => {
                let quote = c;
                let mut s = String::new();
                i += 1;
                loop {
                    let Some(&(_, ch)) = chars.get(i) else {
                        return Err(err(format!("missing closing {quote}"), pos));
                    };
                    i += 1;
                    if ch == '\\' && quote != '`' {
                        if let Some(&(_, esc)) = chars.get(i) {
                            s.push(esc);
                            i += 1;
                        }
                    } else if ch == quote {
                        break;
                    } else {
                        s.push(ch);
                    }
                }
                out.push((
                    if quote == '`' {
                        Token::Ident(s)
                    } else {
                        Token::Str(s)
                    },
                    pos,
                ));
            }
            c if c.is_ascii_digit()
                || (c == '-' || c == '.')
                    && next.is_some_and(|n| n.is_ascii_digit() || n == '.') =>
            {
                let start = i;
                i += 1;
                while chars.get(i).is_some_and(|&(_, ch)| {
                    ch.is_ascii_alphanumeric()
                        || ch == '.'
                        || ((ch == '-' || ch == '+') && matches!(chars[i - 1].1, 'e' | 'E'))
                }) {
                    i += 1;
                }
                let text: String = chars[start..i].iter().map(|&(_, ch)| ch).collect();
                let n = text
                    .parse::<f64>()
                    .map_err(|_| err(format!("'{text}' is not a number"), pos))?;
                out.push((Token::Num(n), pos));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|&(_, ch)| ch.is_alphanumeric() || ch == '_' || ch == '.')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().map(|&(_, ch)| ch).collect();
                let tok = match word.to_ascii_lowercase().as_str() {
                    "and" => Token::And,
                    "or" => Token::Or,
                    "not" => Token::Not,
                    "in" => Token::In,
                    "true" => Token::True,
                    "false" => Token::False,
                    _ => Token::Ident(word),
                };
                out.push((tok, pos));
            }
            _ => return Err(err(format!("unexpected '{c}'"), pos)),
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |&(_, p)| p)
    }

    fn error(&self, message: impl Into<String>) -> RuleError {
        RuleError {
            message: message.into(),
            at: self.at(),
        }
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).map(|(t, _)| t.clone());
        self.pos += 1;
        t
    }

    fn or(&mut self) -> Result<Expr, RuleError> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, RuleError> {
        let mut left = self.not()?;
        while self.peek() == Some(&Token::And) {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, RuleError> {
        if self.peek() == Some(&Token::Not) {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn value(&mut self) -> Result<Value, RuleError> {
        match self.next() {
            // A bare word is read as a string: device == car
            Some(Token::Str(s) | Token::Ident(s)) => Ok(Value::Str(s)),
            Some(Token::Num(n)) => Ok(Value::Num(n)),
            Some(Token::True) => Ok(Value::Bool(true)),
            Some(Token::False) => Ok(Value::Bool(false)),
            _ => {
                self.pos -= 1;
                Err(self.error("expected a value: a \"quoted string\", a number, true or false"))
            }
        }
    }

    fn atom(&mut self) -> Result<Expr, RuleError> {
        let at = self.at();
        match self.next() {
            Some(Token::LParen) => {
                let e = self.or()?;
                if self.next() != Some(Token::RParen) {
                    self.pos -= 1;
                    return Err(self.error("expected ')'"));
                }
                Ok(e)
            }
            Some(Token::Ident(column)) => {
                let negate = if self.peek() == Some(&Token::Not) {
                    self.pos += 1;
                    if self.peek() != Some(&Token::In) {
                        return Err(self.error("expected 'in' after 'not'"));
                    }
                    true
                } else {
                    false
                };
                match self.next() {
                    Some(Token::Op(op)) => Ok(Expr::Cmp {
                        column,
                        op,
                        value: self.value()?,
                        at,
                    }),
                    Some(Token::In) => {
                        if self.next() != Some(Token::LBracket) {
                            self.pos -= 1;
                            return Err(self.error("expected '[' after 'in'"));
                        }
                        let mut values = Vec::new();
                        if self.peek() == Some(&Token::RBracket) {
                            self.pos += 1;
                        } else {
                            loop {
                                values.push(self.value()?);
                                match self.next() {
                                    Some(Token::Comma) => {}
                                    Some(Token::RBracket) => break,
                                    _ => {
                                        self.pos -= 1;
                                        return Err(self.error("expected ',' or ']'"));
                                    }
                                }
                            }
                        }
                        let e = Expr::In { column, values, at };
                        Ok(if negate { Expr::Not(Box::new(e)) } else { e })
                    }
                    _ => {
                        self.pos -= 1;
                        Err(self.error(format!(
                            "expected a comparison after '{column}': ==, !=, <, <=, >, >=, in [...]"
                        )))
                    }
                }
            }
            _ => {
                self.pos -= 1;
                Err(self.error("expected a column name or '('"))
            }
        }
    }
}

/// Parses a rule.
///
/// # Errors
/// A [`RuleError`] pointing at the first problem.
pub fn parse(src: &str) -> Result<Expr, RuleError> {
    let tokens = lex(src)?;
    if tokens.is_empty() {
        return Err(RuleError {
            message: "the rule is empty".to_string(),
            at: 0,
        });
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        end: src.len(),
    };
    let e = p.or()?;
    if p.pos < p.tokens.len() {
        return Err(p.error(
            "unexpected text after the end of the rule (join conditions with 'and' / 'or')",
        ));
    }
    Ok(e)
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
    Codes(CodesRef<'a>, Vec<String>),
    /// Numbers.
    Numbers(&'a [f64]),
    /// Row ids.
    Ids(&'a Ids),
}

fn resolve<'a>(ds: &'a Dataset, column: &str, at: usize) -> Result<Operand<'a>, RuleError> {
    let roles = &ds.roles;
    let is = |name: &str| name == column || name.eq_ignore_ascii_case(column);
    if is(&roles.label) {
        return Ok(Operand::Codes(
            CodesRef::Classes(&ds.label),
            ds.classes.clone(),
        ));
    }
    if is(&roles.pred) {
        return Ok(Operand::Codes(
            CodesRef::Classes(&ds.pred),
            ds.classes.clone(),
        ));
    }
    if let (Some(h), Some(codes)) = (&roles.human, &ds.human)
        && is(h)
    {
        let mut labels = ds.classes.clone();
        labels.extend(ds.human_extra_classes.iter().cloned());
        return Ok(Operand::Codes(CodesRef::Classes(codes), labels));
    }
    if let (Some(s), Some(values)) = (&roles.score, &ds.score)
        && is(s)
    {
        return Ok(Operand::Numbers(values));
    }
    if roles.id.as_deref().is_some_and(is) {
        return Ok(Operand::Ids(&ds.ids));
    }
    match ds.column(column) {
        Some(col) => Ok(match &col.data {
            ColumnData::Categorical(Grouping { codes, labels }) => {
                Operand::Codes(CodesRef::Groups(codes), labels.clone())
            }
            ColumnData::Numeric { values, .. } => Operand::Numbers(values),
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

fn eval_into(ds: &Dataset, e: &Expr) -> Result<Bitmap, RuleError> {
    let rows = ds.rows();
    let from_fn = |f: &dyn Fn(usize) -> bool| {
        let mut b = Bitmap::new(rows);
        for r in 0..rows {
            if f(r) {
                b.set(r, true);
            }
        }
        b
    };
    match e {
        Expr::And(a, b) | Expr::Or(a, b) => {
            let left = eval_into(ds, a)?;
            let right = eval_into(ds, b)?;
            let and = matches!(e, Expr::And(..));
            Ok(from_fn(&|r| {
                if and {
                    left.get(r) && right.get(r)
                } else {
                    left.get(r) || right.get(r)
                }
            }))
        }
        Expr::Not(inner) => {
            let m = eval_into(ds, inner)?;
            Ok(from_fn(&|r| !m.get(r)))
        }
        Expr::Cmp {
            column,
            op,
            value,
            at,
        } => match resolve(ds, column, *at)? {
            Operand::Codes(codes, labels) => {
                let set = code_set(&labels, |l| {
                    // Missing values are a value of their own, "(missing)".
                    let equal = l == value.as_text()
                        || (l != MISSING
                            && compare_label(l, value) == Some(std::cmp::Ordering::Equal));
                    match op {
                        CmpOp::Eq => equal,
                        CmpOp::Ne => !equal,
                        _ => l != MISSING && compare_label(l, value).is_some_and(|o| op.holds(o)),
                    }
                });
                Ok(from_fn(&|r| set[codes.get(r) as usize]))
            }
            Operand::Numbers(values) => {
                let Value::Num(x) = value else {
                    return Err(RuleError {
                        message: format!(
                            "column '{column}' holds numbers; compare it with a number, e.g. {column} < 10"
                        ),
                        at: *at,
                    });
                };
                let x = *x;
                Ok(from_fn(&|r| {
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
                Ok(from_fn(&|r| {
                    op.holds(
                        compare_label(&ids.key(r), value)
                            .unwrap_or_else(|| ids.key(r).as_ref().cmp(text.as_str())),
                    )
                }))
            }
        },
        Expr::In { column, values, at } => match resolve(ds, column, *at)? {
            Operand::Codes(codes, labels) => {
                let set = code_set(&labels, |l| {
                    values.iter().any(|v| {
                        l == v.as_text() || compare_label(l, v) == Some(std::cmp::Ordering::Equal)
                    })
                });
                Ok(from_fn(&|r| set[codes.get(r) as usize]))
            }
            Operand::Numbers(nums) => {
                let mut wanted = Vec::with_capacity(values.len());
                for v in values {
                    let Value::Num(x) = v else {
                        return Err(RuleError {
                            message: format!(
                                "column '{column}' holds numbers; list numbers, e.g. {column} in [1, 2]"
                            ),
                            at: *at,
                        });
                    };
                    wanted.push(*x);
                }
                Ok(from_fn(&|r| wanted.contains(&nums[r])))
            }
            Operand::Ids(ids) => {
                let wanted: Vec<String> = values.iter().map(Value::as_text).collect();
                Ok(from_fn(&|r| wanted.iter().any(|w| *w == ids.key(r))))
            }
        },
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
            Expr::And(a, b) | Expr::Or(a, b) => {
                walk(ds, a, out)?;
                return walk(ds, b, out);
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
        if matches!(operand, Operand::Numbers(_))
            && values.iter().any(|v| !matches!(v, Value::Num(_)))
        {
            let message = if matches!(e, Expr::In { .. }) {
                format!("column '{column}' holds numbers; list numbers, e.g. {column} in [1, 2]")
            } else {
                format!(
                    "column '{column}' holds numbers; compare it with a number, e.g. {column} < 10"
                )
            };
            return Err(RuleError { message, at });
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

/// Quotes a value for use in a rule (for rules made from a slice group).
#[must_use]
pub fn quote(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Quotes a column name when it is not a plain identifier.
#[must_use]
pub fn quote_column(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !name.is_empty()
        && !name.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !matches!(
            name.to_ascii_lowercase().as_str(),
            "and" | "or" | "not" | "in" | "true" | "false"
        );
    if plain {
        name.to_string()
    } else {
        format!("`{name}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comparisons_and_logic() {
        let e = parse(r#"device == "car" and (snr < 10 or not accent in ["scottish", 'welsh'])"#)
            .unwrap();
        let Expr::And(left, right) = e else {
            panic!("{e:?}")
        };
        assert!(matches!(*left, Expr::Cmp { op: CmpOp::Eq, .. }));
        assert!(matches!(*right, Expr::Or(..)));
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
    fn quoting_round_trips() {
        let rule = format!("{} == {}", quote_column("my col"), quote(r#"say "hi""#));
        let Expr::Cmp { column, value, .. } = parse(&rule).unwrap() else {
            panic!()
        };
        assert_eq!(column, "my col");
        assert_eq!(value, Value::Str(r#"say "hi""#.to_string()));
    }
}
