//! Reading a rule: the lexer and a recursive-descent parser with a depth
//! limit ([`super::MAX_DEPTH`]).

use super::{CmpOp, Expr, MAX_DEPTH, RuleError, Value};

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
                    } else if ch == '`'
                        && quote == '`'
                        && chars.get(i).is_some_and(|&(_, n)| n == '`')
                    {
                        // A backtick inside a quoted column name is doubled.
                        s.push('`');
                        i += 1;
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

    /// `a or b or ...` at parenthesis depth `depth`.
    fn or(&mut self, depth: usize) -> Result<Expr, RuleError> {
        let mut terms = vec![self.and(depth)?];
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            terms.push(self.and(depth)?);
        }
        Ok(if terms.len() == 1 {
            terms.swap_remove(0)
        } else {
            Expr::Any(terms)
        })
    }

    fn and(&mut self, depth: usize) -> Result<Expr, RuleError> {
        let mut terms = vec![self.not(depth)?];
        while self.peek() == Some(&Token::And) {
            self.pos += 1;
            terms.push(self.not(depth)?);
        }
        Ok(if terms.len() == 1 {
            terms.swap_remove(0)
        } else {
            Expr::All(terms)
        })
    }

    /// Any number of `not` in a row, counted rather than nested.
    fn not(&mut self, depth: usize) -> Result<Expr, RuleError> {
        let mut negations = 0usize;
        while self.peek() == Some(&Token::Not) {
            self.pos += 1;
            negations += 1;
        }
        let e = self.atom(depth)?;
        Ok(if negations % 2 == 1 {
            Expr::Not(Box::new(e))
        } else {
            e
        })
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

    fn atom(&mut self, depth: usize) -> Result<Expr, RuleError> {
        let at = self.at();
        match self.next() {
            Some(Token::LParen) => {
                if depth >= MAX_DEPTH {
                    self.pos -= 1;
                    return Err(self.error(format!(
                        "parentheses nest more than {MAX_DEPTH} deep here; write the rule with fewer levels (a chain of 'and' or 'or' needs none)"
                    )));
                }
                let e = self.or(depth + 1)?;
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
    let e = p.or(0)?;
    if p.pos < p.tokens.len() {
        return Err(p.error(
            "unexpected text after the end of the rule (join conditions with 'and' / 'or')",
        ));
    }
    Ok(e)
}
