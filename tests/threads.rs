//! The number of threads changes how fast, never what: `report` and
//! `discover` print byte-identical JSON with `--threads 1`, `2` and `4`, on
//! data chosen to catch an order that depends on the threads: more rows than
//! one piece of encoding work, ties among full-precision scores, hundreds
//! of groups, ids that switch from numbered to text, weights, and a rule
//! tag on a column no `--by` names (so a load that reads only some columns
//! must still read it).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// Rows: a little over three pieces of encoding work (131,072 rows each).
const ROWS: usize = 400_000;

fn write_data(path: &Path) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64*: the same rows on every machine.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut out = String::with_capacity(ROWS * 64);
    out.push_str("id,label,pred,score,group,region,noise,weight\n");
    for row in 0..ROWS {
        let r = next();
        let label = if r % 3 == 0 { "yes" } else { "no" };
        // Scores: full precision, with every tenth row on one of a few ties.
        let score = if r % 10 == 0 {
            f64::from(u32::try_from((r >> 8) % 5).unwrap()) / 4.0
        } else {
            #[allow(clippy::cast_precision_loss)]
            let u = (r >> 11) as f64 / (1u64 << 53) as f64;
            u
        };
        let group = (r >> 20) % 400;
        let region_code = usize::try_from((r >> 30) % 5).unwrap();
        let region = ["north", "south", "east", "west", "Ünïcode"][region_code];
        // Errors: one in ten, and half of the first groups of one region.
        let wrong = (r >> 45) % 10 == 0 || (group < 30 && region_code == 2 && (r >> 50) % 2 == 0);
        let pred = if wrong == (label == "yes") {
            "no"
        } else {
            "yes"
        };
        let noise = ["car", "people", "none"][usize::try_from((r >> 34) % 3).unwrap()];
        let weight = 1 + (r >> 40) % 3;
        // Numbered ids until the last rows, which are text.
        if row < ROWS - 1000 {
            write!(out, "utt{row:07}").unwrap();
        } else {
            write!(out, "extra-{row}x").unwrap();
        }
        writeln!(
            out,
            ",{label},{pred},{score:?},g{group},{region},{noise},{weight}"
        )
        .unwrap();
    }
    std::fs::write(path, out).unwrap();
}

/// The output of a command, without discover's `"seconds"` line (how long
/// the search took: never the same twice).
fn run(args: &[&str], threads: usize) -> Vec<u8> {
    let out = run_raw(args, threads);
    String::from_utf8(out)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("\"seconds\":"))
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes()
}

fn run_raw(args: &[&str], threads: usize) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_slicewise"))
        .args(args)
        .args(["--threads", &threads.to_string()])
        .env_remove("SLICEWISE_THREADS")
        .output()
        .expect("the binary runs");
    assert!(
        o.status.success(),
        "{args:?} --threads {threads}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

#[test]
fn one_two_and_four_threads_print_the_same_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("preds.csv");
    write_data(&data);
    // A rule tag on `noise`, which no --by names.
    std::fs::write(
        dir.path().join("preds.slicewise.ron"),
        r##"(version: 1, key: Column("id"), tags: [(name: "car noise", colour: "#e45756", rule: Some("noise == \"car\""))])"##,
    )
    .unwrap();
    let file = data.to_str().unwrap();
    let report = [
        "report",
        file,
        "--by",
        "group",
        "--by",
        "region",
        "--positive",
        "yes",
        "--format",
        "json",
    ];
    let discover = [
        "discover",
        file,
        "--columns",
        "group,region",
        "--weight",
        "",
        "--format",
        "json",
    ];
    for args in [&report[..], &discover[..]] {
        let one = run(args, 1);
        let text = String::from_utf8_lossy(&one);
        assert!(text.len() > 1000, "{args:?} printed a whole report: {text}");
        for threads in [2, 4] {
            assert!(
                run(args, threads) == one,
                "{args:?}: --threads {threads} printed other JSON than --threads 1"
            );
        }
    }
    // The rule tag found its rows although the report sliced by other columns.
    let json: serde_json::Value = serde_json::from_slice(&run(&report, 2)).unwrap();
    let tags = json["tags"].as_array().expect("a tags table");
    let car = tags
        .iter()
        .find(|t| t["tag"] == "car noise")
        .unwrap_or_else(|| panic!("the rule tag is in the table: {tags:?}"));
    let tagged = car["tagged"]
        .as_f64()
        .or_else(|| car["tagged"]["w"].as_f64())
        .unwrap_or_else(|| panic!("a count of tagged rows: {car}"));
    assert!(tagged > 0.0, "the rule tag matched rows: {car}");
}
