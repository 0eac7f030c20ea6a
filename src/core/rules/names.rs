//! Column names in rules and lists: quoting a value or a name, and
//! splitting `--by a,b` lists (backticks for names with commas).

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
        format!("`{}`", name.replace('`', "``"))
    }
}

/// A list of column names that does not split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnListError {
    /// A backtick not closed.
    #[error(
        "'{list}': a column name opened with ` is not closed; write names with commas as `a,b`"
    )]
    Unclosed {
        /// The list.
        list: String,
    },
    /// Text after a quoted name.
    #[error("'{list}': '{found}' after the quoted column `{name}`; separate columns with commas")]
    AfterQuote {
        /// The list.
        list: String,
        /// What came after.
        found: char,
        /// The quoted name.
        name: String,
    },
}

/// Splits a list of column names at commas, as `--by device,gender` and
/// `--columns` are written. A name that holds a comma (or a backtick, or
/// spaces at its ends) is written in backticks as in rules, a backtick
/// inside doubled: `` `a,b`,c `` is the two columns `a,b` and `c`.
///
/// # Errors
/// An unclosed backtick, or text after a closing one.
pub fn split_columns(list: &str) -> Result<Vec<String>, ColumnListError> {
    let mut out = Vec::new();
    let mut chars = list.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else {
            break;
        };
        if first == '`' {
            chars.next();
            let mut name = String::new();
            loop {
                match chars.next() {
                    None => {
                        return Err(ColumnListError::Unclosed {
                            list: list.to_string(),
                        });
                    }
                    Some('`') if chars.peek() == Some(&'`') => {
                        chars.next();
                        name.push('`');
                    }
                    Some('`') => break,
                    Some(c) => name.push(c),
                }
            }
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            match chars.next() {
                None | Some(',') => {}
                Some(found) => {
                    return Err(ColumnListError::AfterQuote {
                        list: list.to_string(),
                        found,
                        name,
                    });
                }
            }
            out.push(name);
        } else {
            let mut name = String::new();
            for c in chars.by_ref() {
                if c == ',' {
                    break;
                }
                name.push(c);
            }
            let name = name.trim();
            if !name.is_empty() {
                out.push(name.to_string());
            }
        }
    }
    Ok(out)
}
