//! Fuzzes the SQL generator with hostile names: for any table and column
//! names, every query `slicewise cube` prints is refused, or holds nothing
//! outside its quotes that could end the statement or start a comment, and
//! every quoted identifier in it is one of the names given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slicewise::core::cube::{CubeSpec, Dialect, ScoreBins, cube_sql, sample_sql};

/// The quoted identifiers of `sql` unquoted by `d`'s rules, or what is wrong.
fn identifiers(sql: &str, d: Dialect) -> Result<Vec<String>, String> {
    let (open, backslash) = match d {
        Dialect::Spark => ('`', false),
        Dialect::Bigquery => ('`', true),
        Dialect::Duckdb | Dialect::Postgres => ('"', false),
    };
    // The only statement before the query is the seed; the only comment
    // is Spark's hint.
    let body = match sql.split_once('\n') {
        Some((first, rest)) if first.starts_with("SELECT setseed(") && first.ends_with(");") => {
            rest
        }
        _ => sql,
    };
    let body = body.replacen("/*+ COALESCE(1) */", "", 1);
    let chars: Vec<char> = body.chars().collect();
    let mut names = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == open || c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                let Some(&ch) = chars.get(i) else {
                    return Err("unclosed quote".into());
                };
                i += 1;
                if backslash && c == open && ch == '\\' {
                    s.push(*chars.get(i).ok_or("dangling backslash")?);
                    i += 1;
                } else if ch == c && !(backslash && c == open) && chars.get(i) == Some(&c) {
                    s.push(c);
                    i += 1;
                } else if ch == c {
                    break;
                } else {
                    s.push(ch);
                }
            }
            if c == open {
                names.push(s);
            }
            continue;
        }
        let next = chars.get(i + 1).copied();
        if c == ';' || (c == '-' && next == Some('-')) || (c == '/' && next == Some('*')) {
            return Err(format!("'{c}' outside quotes at {i}"));
        }
        if c.is_control() && c != '\n' {
            return Err("a control character outside quotes".into());
        }
        i += 1;
    }
    Ok(names)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{1}').map(str::to_string);
    let mut next = || parts.next().unwrap_or_else(|| "x".to_string());
    let spec = CubeSpec {
        table: next(),
        label: next(),
        pred: next(),
        by: vec![next(), next()],
        score: Some((next(), ScoreBins { bins: 10, low: 0.0, high: 1.0 })),
        human: Some(next()),
    };
    let mut given: Vec<String> = vec![spec.label.clone(), spec.pred.clone()];
    given.extend(spec.by.iter().cloned());
    given.extend(spec.score.iter().map(|(s, _)| s.clone()));
    given.extend(spec.human.iter().cloned());
    let ours = ["n", "human_n", "human_agree", "sample_stratum", "sample_weight"];
    for d in [Dialect::Spark, Dialect::Duckdb, Dialect::Postgres, Dialect::Bigquery] {
        for sql in [cube_sql(&spec, d), sample_sql(&spec, d, 3, 1)] {
            let Ok(sql) = sql else { continue };
            let quoted = identifiers(&sql, d).unwrap_or_else(|e| panic!("{d:?}: {e}\n{sql}"));
            for q in quoted {
                let table = q == spec.table || spec.table.split('.').any(|p| p == q);
                assert!(
                    given.contains(&q) || ours.contains(&q.as_str()) || table,
                    "{d:?}: {q:?} is no given name\n{sql}"
                );
            }
        }
    }
});
