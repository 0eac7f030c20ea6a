//! The layering rules of ARCHITECTURE.md, checked: every import between
//! modules of `src/` must be one that the may-import table allows, and no
//! module may import one that imports it back (directly or through
//! others), neither between modules nor between the files of one module.
//! Failures name the file and line of each offending import.
//!
//! A module is a top-level module of `core` or `gui` (a file, or a folder
//! with everything in it), `cli`, or the crate root. An import is any path
//! through `crate::` or `super::` in code (not comments, not test modules).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One import: from a file (and line) to a module path, as written.
#[derive(Debug, Clone)]
struct Import {
    file: PathBuf,
    line: usize,
    /// The module path imported, from the crate root (`core`, `load`, `csv`).
    target: Vec<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file: `src/core/load/csv.rs` is `core::load::csv`,
/// `src/core/load/mod.rs` `core::load`, `src/lib.rs` the root.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root().join("src")).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The code of a file without comments, strings or test modules, line by
/// line (so line numbers stay).
fn code_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_tests = false;
    for line in text.lines() {
        if line.starts_with("#[cfg(test)]") {
            in_tests = true;
        }
        if in_tests {
            out.push(String::new());
            continue;
        }
        let code = line.split("//").next().unwrap_or("");
        // Drop string literals: "crate::x" in a message is no import.
        let mut kept = String::new();
        let mut in_string = false;
        let mut prev = ' ';
        for c in code.chars() {
            if c == '"' && prev != '\\' {
                in_string = !in_string;
            } else if !in_string {
                kept.push(c);
            }
            prev = c;
        }
        out.push(kept);
    }
    out
}

/// The first segments named after `prefix` at `at` in `code`: one for
/// `prefix name`, each item's for `prefix {a, b::c}`.
fn named_after(code: &str, at: usize) -> Vec<String> {
    let rest = &code[at..];
    if let Some(inner) = rest.strip_prefix('{') {
        // Up to the matching brace (on this line; wider groups are split
        // at the first segment of each item anyway).
        let mut depth = 1;
        let mut end = inner.len();
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let mut items = Vec::new();
        let mut depth = 0;
        let mut item = String::new();
        for c in inner[..end].chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => items.push(std::mem::take(&mut item)),
                _ => item.push(c),
            }
        }
        items.push(item);
        return items
            .iter()
            .filter_map(|i| first_segment(i.trim()))
            .collect();
    }
    first_segment(rest).into_iter().collect()
}

fn first_segment(text: &str) -> Option<String> {
    let name: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty() && name != "self").then_some(name)
}

/// Every import of every file of `src/`.
fn imports() -> Vec<Import> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let here = module_of(&file);
        // `super::` of a folder's mod.rs is the folder's parent.
        for (n, code) in code_lines(&text).iter().enumerate() {
            let mut at = 0;
            while let Some(i) = code[at..].find("crate::") {
                let start = at + i;
                at = start + "crate::".len();
                // `slicewise::crate::` cannot occur; `$crate::` is a macro's.
                if start > 0 && code[..start].ends_with('$') {
                    continue;
                }
                let path = path_after(code, at);
                if !path.is_empty() {
                    out.push(Import {
                        file: file.clone(),
                        line: n + 1,
                        target: path,
                    });
                }
            }
            let mut at = 0;
            while let Some(i) = code[at..].find("super::") {
                let start = at + i;
                // Only the first `super::` of a chain.
                if start >= 2 && code[..start].ends_with("::") {
                    at = start + 7;
                    continue;
                }
                let mut base = here.clone();
                let mut p = start;
                while code[p..].starts_with("super::") {
                    base.pop();
                    p += "super::".len();
                }
                at = p;
                for name in named_after(code, p) {
                    let mut target = base.clone();
                    target.push(name);
                    out.push(Import {
                        file: file.clone(),
                        line: n + 1,
                        target,
                    });
                }
            }
        }
    }
    out
}

/// The module segments of a path written after `crate::` (`core::load::X`
/// or `core::{a, b}`: each as its own path is not needed, the unit is
/// enough, so braces end the path at the group's first item).
fn path_after(code: &str, at: usize) -> Vec<String> {
    let mut path = Vec::new();
    let mut p = at;
    loop {
        let rest = &code[p..];
        if rest.starts_with('{') {
            let names = named_after(code, p);
            if let Some(first) = names.into_iter().next() {
                path.push(first);
            }
            break;
        }
        let Some(seg) = first_segment(rest) else {
            break;
        };
        p += seg.len();
        path.push(seg);
        if code[p..].starts_with("::") {
            p += 2;
        } else {
            break;
        }
    }
    path
}

/// The unit a module path belongs to: `core::load::csv` is `core::load`,
/// `gui::views::x` `gui::views`, `cli::x` `cli`, the root the crate.
fn unit(path: &[String]) -> String {
    match path {
        [top, second, ..] if top == "core" || top == "gui" => format!("{top}::{second}"),
        [top, ..] if top == "cli" => "cli".to_string(),
        [top] if top == "core" || top == "gui" => top.clone(),
        _ => "crate".to_string(),
    }
}

/// What ARCHITECTURE.md's table lets each unit import: the backticked
/// module paths of each row's last column (`core::{a, b}` is both;
/// `core` every unit of core; `gui` every unit of gui).
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `unit`, `unit` | what lives there | may import |
        if cells.len() < 5 || !cells[1].starts_with('`') {
            continue;
        }
        let units: Vec<String> = backticked(cells[1]);
        let may: BTreeSet<String> = backticked(cells[3]).into_iter().collect();
        for u in units {
            out.entry(u).or_default().extend(may.iter().cloned());
        }
    }
    out
}

/// The backticked names in a cell, with `core::{a, b}` expanded.
fn backticked(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, part) in cell.split('`').enumerate() {
        if i % 2 == 0 {
            continue;
        }
        match part.split_once("::{") {
            Some((head, list)) => {
                for item in list.trim_end_matches('}').split(',') {
                    out.push(format!("{head}::{}", item.trim()));
                }
            }
            None => out.push(part.to_string()),
        }
    }
    out
}

fn may_import(allowed: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let Some(may) = allowed.get(from) else {
        return false;
    };
    may.contains(to)
        || may.contains("core") && to.starts_with("core::")
        || may.contains("gui") && to.starts_with("gui::")
}

/// A circle in `edges` (node -> node -> where), as the nodes in order.
fn circle(edges: &BTreeMap<String, BTreeMap<String, (PathBuf, usize)>>) -> Option<Vec<&str>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit<'a>(
        node: &'a str,
        edges: &'a BTreeMap<String, BTreeMap<String, (PathBuf, usize)>>,
        marks: &mut BTreeMap<&'a str, Mark>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<&'a str>> {
        marks.insert(node, Mark::Open);
        stack.push(node);
        for next in edges.get(node).into_iter().flat_map(BTreeMap::keys) {
            match marks.get(next.as_str()).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let from = stack.iter().position(|n| *n == next).unwrap();
                    let mut found = stack[from..].to_vec();
                    found.push(next);
                    return Some(found);
                }
                Mark::New => {
                    if let Some(c) = visit(next, edges, marks, stack) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(node, Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in edges.keys() {
        if marks.get(node.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            let mut stack = Vec::new();
            if let Some(c) = visit(node, edges, &mut marks, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn describe(
    found: &[&str],
    edges: &BTreeMap<String, BTreeMap<String, (PathBuf, usize)>>,
) -> String {
    found
        .windows(2)
        .map(|w| {
            let (file, line) = &edges[w[0]][w[1]];
            format!(
                "{} -> {} ({}:{line})",
                w[0],
                w[1],
                file.strip_prefix(root()).unwrap().display()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn every_import_is_one_the_architecture_allows() {
    let allowed = allowed();
    assert!(
        allowed.len() > 20,
        "ARCHITECTURE.md's may-import table was not found"
    );
    let mut refused = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in imports() {
        let (from, to) = (unit(&module_of(&i.file)), unit(&i.target));
        if from == to || from == "crate" {
            continue;
        }
        graph.entry(from.clone()).or_default().insert(to.clone());
        if !may_import(&allowed, &from, &to) {
            refused.push(format!(
                "{}:{}: {from} imports {to}, which ARCHITECTURE.md does not allow",
                i.file.strip_prefix(root()).unwrap().display(),
                i.line
            ));
        }
    }
    // `SLICEWISE_PRINT_IMPORTS=1 cargo test --test architecture -- --nocapture`
    // prints what each module imports, to keep the table true.
    if std::env::var_os("SLICEWISE_PRINT_IMPORTS").is_some() {
        for (from, to) in &graph {
            let to: Vec<String> = to.iter().map(|t| format!("`{t}`")).collect();
            println!("{from}: {}", to.join(", "));
        }
    }
    refused.sort();
    refused.dedup();
    assert!(refused.is_empty(), "\n{}", refused.join("\n"));
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    // Between modules.
    let mut units: BTreeMap<String, BTreeMap<String, (PathBuf, usize)>> = BTreeMap::new();
    // Between the files of one module (a file importing its own folder's
    // mod.rs, where the folder's shared types live, is no circle: mod.rs
    // only declares and re-exports its files).
    let mut files: BTreeMap<String, BTreeMap<String, (PathBuf, usize)>> = BTreeMap::new();
    let mut file_of_module: BTreeMap<Vec<String>, String> = BTreeMap::new();
    let mut all = Vec::new();
    rust_files(&root().join("src"), &mut all);
    for f in &all {
        file_of_module.insert(
            module_of(f),
            f.strip_prefix(root()).unwrap().display().to_string(),
        );
    }
    for i in imports() {
        let here = module_of(&i.file);
        let (from, to) = (unit(&here), unit(&i.target));
        if from != to {
            units
                .entry(from)
                .or_default()
                .entry(to)
                .or_insert((i.file.clone(), i.line));
            continue;
        }
        // The longest module path of a file that the import names.
        let mut target = i.target.clone();
        while !target.is_empty() && !file_of_module.contains_key(&target) {
            target.pop();
        }
        let from_file = file_of_module[&here].clone();
        let Some(to_file) = file_of_module.get(&target).cloned() else {
            continue;
        };
        let is_own_parent = here.len() == target.len() + 1 && here.starts_with(&target);
        if to_file == from_file || is_own_parent {
            continue;
        }
        files
            .entry(from_file)
            .or_default()
            .entry(to_file)
            .or_insert((i.file.clone(), i.line));
    }
    if let Some(c) = circle(&units) {
        panic!("modules in a circle: {}", describe(&c, &units));
    }
    if let Some(c) = circle(&files) {
        panic!("files in a circle: {}", describe(&c, &files));
    }
}

#[test]
fn the_checks_read_imports_as_written() {
    // A grouped import counts each item; a path in a string does not.
    let lines = code_lines(
        "use super::{dataset::Dataset, stats};\nlet s = \"crate::gui::x\"; // crate::cli\n",
    );
    assert_eq!(
        named_after(&lines[0], "use super::".len()),
        ["dataset", "stats"]
    );
    assert!(!lines[1].contains("crate::"));
    assert_eq!(
        unit(&["core".into(), "load".into(), "csv".into()]),
        "core::load"
    );
    assert_eq!(
        backticked("`core::{metrics, stats}`, polars"),
        ["core::metrics", "core::stats"]
    );
}
