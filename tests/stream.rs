//! The streaming load: a table read in many small batches of row groups is
//! exactly the table read in one, and problems spread over several batches
//! are counted over all of them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::{Column, DataFrame, NamedFrom, ParquetWriter, Series};
use slicewise::core::dataset::Dataset;
use slicewise::core::error::LoadError;
use slicewise::core::load::{self, LoadOptions};
use slicewise::core::report::ReportOptions;
use slicewise::core::session::TagDef;

const ROWS: usize = 12_000;

/// A table whose later batches hold what the first ones do not: a class
/// first predicted in the last rows, slice values first seen halfway (past
/// 256 of them, so the codes widen), missing human labels and scores in
/// several batches, ids in falling order.
fn table() -> DataFrame {
    let classes = ["cat", "dog", "bird"];
    let ids: Vec<String> = (0..ROWS).map(|i| format!("r{:06}", ROWS - i)).collect();
    let label: Vec<&str> = (0..ROWS).map(|i| classes[i % 3]).collect();
    let pred: Vec<&str> = (0..ROWS)
        .map(|i| {
            if i >= ROWS - 500 && i % 5 == 0 {
                "fox"
            } else if i % 7 == 0 {
                classes[(i + 1) % 3]
            } else {
                classes[i % 3]
            }
        })
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let score: Vec<Option<f64>> = (0..ROWS)
        .map(|i| (i % 997 != 3).then(|| (i % 100) as f64 / 100.0))
        .collect();
    let human: Vec<Option<&str>> = (0..ROWS)
        .map(|i| (i % 2_500 != 17).then(|| classes[(i + usize::from(i % 11 == 0)) % 3]))
        .collect();
    let city: Vec<String> = (0..ROWS)
        .map(|i| {
            if i < ROWS / 2 {
                format!("c{}", i % 50)
            } else {
                format!("c{}", i % 400)
            }
        })
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let snr: Vec<Option<f64>> = (0..ROWS)
        .map(|i| (i % 1_234 != 5).then(|| ((i * 37) % 1_000) as f64 / 10.0))
        .collect();
    let rooms: Vec<i64> = (0..ROWS).map(|i| i64::try_from(i % 6).unwrap()).collect();
    let night: Vec<bool> = (0..ROWS).map(|i| i % 3 == 1).collect();
    let col = |name: &str, s: Series| Column::from(s.with_name(name.into()));
    DataFrame::new_infer_height(vec![
        col("id", Series::new("".into(), ids)),
        col("label", Series::new("".into(), label)),
        col("pred", Series::new("".into(), pred)),
        col("score", Series::new("".into(), score)),
        col("human", Series::new("".into(), human)),
        col("city", Series::new("".into(), city)),
        col("snr", Series::new("".into(), snr)),
        col("rooms", Series::new("".into(), rooms)),
        col("night", Series::new("".into(), night)),
    ])
    .unwrap()
}

/// Writes `df` as Parquet in row groups of 700 rows.
fn write(dir: &Path, name: &str, mut df: DataFrame) -> PathBuf {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap();
    ParquetWriter::new(file)
        .with_row_group_size(Some(700))
        .finish(&mut df)
        .unwrap();
    path
}

/// Asserts that two loads have the same slice columns: names, values and
/// each row's code (`what` names the load in a failure).
fn assert_same_columns(a: &Dataset, b: &Dataset, what: &str) {
    for (a, b) in a.columns.iter().zip(&b.columns) {
        assert_eq!(a.name, b.name, "{what}");
        assert_eq!(a.groups().labels, b.groups().labels, "{what}: {}", a.name);
        assert_eq!(a.groups().codes, b.groups().codes, "{what}: {}", a.name);
    }
}

/// The slice column called `name`.
fn column<'a>(ds: &'a Dataset, name: &str) -> &'a slicewise::core::dataset::Column {
    ds.columns.iter().find(|c| c.name == name).unwrap()
}

fn load_in_batches(path: &Path, batch_rows: Option<usize>) -> Result<Dataset, LoadError> {
    load::load(
        path,
        &LoadOptions {
            batch_rows,
            ..LoadOptions::default()
        },
    )
}

#[test]
fn a_table_read_in_small_batches_is_the_table_read_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "t.parquet", table());
    let whole = load_in_batches(&path, None).unwrap();
    // 1,000 rows a batch: 12 batches, each of two row groups.
    let batched = load_in_batches(&path, Some(1_000)).unwrap();
    assert_eq!(batched.rows(), ROWS);
    assert_eq!(whole.classes, ["bird", "cat", "dog", "fox"]);
    assert_eq!(batched.classes, whole.classes);
    assert_eq!(batched.label, whole.label);
    assert_eq!(batched.pred, whole.pred);
    assert_eq!(batched.human, whole.human);
    assert_eq!(batched.warnings, whole.warnings);
    assert_same_columns(&whole, &batched, "batches");
    let city = batched.columns.iter().find(|c| c.name == "city").unwrap();
    assert_eq!(city.groups().n_groups(), 400);
    assert!(matches!(
        city.groups().codes,
        slicewise::core::dataset::Codes::U16(_)
    ));
    assert_eq!(
        (0..ROWS).map(|r| batched.ids.key(r)).collect::<Vec<_>>(),
        (0..ROWS).map(|r| whole.ids.key(r)).collect::<Vec<_>>()
    );
    assert_eq!(report(&whole), report(&batched));
}

/// The whole report with a rule tag, sliced by the columns the batches fill in.
fn report(ds: &Dataset) -> serde_json::Value {
    let def = TagDef::rule(
        "far cities at night",
        "",
        r#"city == "c333" or night == "true""#,
    );
    let opts = ReportOptions {
        by: vec![vec!["city".into()], vec!["snr".into(), "rooms".into()]],
        bootstrap: Some((100, 7)),
        ..ReportOptions::default()
    };
    common::cube::report_with(ds, vec![def], &opts)
}

#[test]
fn missing_ids_duplicates_and_bad_weights_are_counted_over_every_batch() {
    let dir = tempfile::tempdir().unwrap();
    let with = |name: &str, column: Series| {
        let mut df = table();
        df.with_column(Column::from(column)).unwrap();
        write(dir.path(), name, df)
    };
    // Missing ids in the first and in the last batch.
    let ids: Vec<Option<String>> = (0..ROWS)
        .map(|i| (i != 10 && i != ROWS - 10).then(|| format!("r{i}")))
        .collect();
    let path = with("missing.parquet", Series::new("id".into(), ids));
    match load_in_batches(&path, Some(1_000)) {
        Err(LoadError::NullIds {
            count, first_rows, ..
        }) => assert_eq!((count, first_rows), (2, vec![10, ROWS - 10])),
        other => panic!("{other:?}"),
    }
    // The same id in the first and in the last batch.
    let ids: Vec<String> = (0..ROWS)
        .map(|i| format!("r{}", if i == ROWS - 1 { 0 } else { i }))
        .collect();
    let path = with("dup.parquet", Series::new("id".into(), ids));
    let err = load_in_batches(&path, Some(1_000)).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("'r0' on data rows 1, {ROWS}")),
        "{err}"
    );
    // Negative weights in three batches.
    let weights: Vec<f64> = (0..ROWS)
        .map(|i| if i % 4_000 == 1 { -1.0 } else { 1.0 })
        .collect();
    let path = with("weights.parquet", Series::new("weight".into(), weights));
    match load_in_batches(&path, Some(1_000)) {
        Err(LoadError::BadWeights {
            what,
            count,
            first_rows,
            ..
        }) => assert_eq!(
            (what, count, first_rows),
            ("negative", 3, vec![1, 4_001, 8_001])
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn ids_kept_as_numbers_turn_to_text_when_a_later_batch_is_not_numbered() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..ROWS)
        .map(|i| {
            // Text halfway: the batches after it are numbered again, and
            // join the text.
            if i == ROWS / 2 || i == ROWS - 3 {
                format!("special{i}")
            } else {
                format!("utt{i:08}")
            }
        })
        .collect();
    let mut df = table();
    df.with_column(Column::from(Series::new("id".into(), ids.clone())))
        .unwrap();
    let path = write(dir.path(), "ids.parquet", df);
    let mixed = load_in_batches(&path, Some(1_000)).unwrap();
    assert!(matches!(mixed.ids, slicewise::core::dataset::Ids::Str(_)));
    let keys: Vec<String> = (0..ROWS).map(|r| mixed.ids.key(r).into_owned()).collect();
    assert_eq!(keys, ids);
    // Without the odd one the ids are numbers: 16 bytes for all of them.
    let mut df = table();
    let numbered: Vec<String> = (0..ROWS).map(|i| format!("utt{i:08}")).collect();
    df.with_column(Column::from(Series::new("id".into(), numbered.clone())))
        .unwrap();
    let path = write(dir.path(), "numbered.parquet", df);
    let ds = load_in_batches(&path, Some(1_000)).unwrap();
    assert!(matches!(
        ds.ids,
        slicewise::core::dataset::Ids::Numbered(..)
    ));
    assert!(ds.ids.heap_bytes() < 64);
    assert_eq!(ds.ids.key(ROWS - 1), numbered[ROWS - 1]);
}

#[test]
fn a_text_score_names_its_row_in_a_later_batch() {
    let dir = tempfile::tempdir().unwrap();
    let scores: Vec<String> = (0..ROWS)
        .map(|i| {
            if i == 5_555 {
                "high".into()
            } else {
                "0.5".into()
            }
        })
        .collect();
    let mut df = table();
    df.with_column(Column::from(Series::new("score".into(), scores)))
        .unwrap();
    let path = write(dir.path(), "s.parquet", df);
    let err = load_in_batches(&path, Some(1_000)).unwrap_err();
    assert!(err.to_string().contains("'high' on data row 5556"), "{err}");
}

#[test]
fn a_csv_read_in_small_blocks_is_the_csv_read_at_once() {
    let dir = tempfile::tempdir().unwrap();
    // A byte order mark, CRLF line ends, quoted fields holding commas,
    // quotes and line breaks, and a numeric-looking column that turns to
    // text only past the 10,000 rows types are inferred from (read again
    // from the start as categories).
    let mut text = String::from("\u{feff}id,label,pred,note,size\r\n");
    for i in 0..12_000 {
        let label = ["cat", "dog", "bird"][i % 3];
        let pred = if i % 7 == 0 { "dog" } else { label };
        let note = match i % 5 {
            0 => "\"a, \"\"quoted\"\"\nnote\"".to_string(),
            1 => String::new(),
            _ => format!("n{}", i % 4),
        };
        let size = if i == 11_500 {
            "huge".to_string()
        } else {
            (i % 9).to_string()
        };
        writeln!(text, "r{i},{label},{pred},{note},{size}\r").unwrap();
    }
    let path = dir.path().join("t.csv");
    std::fs::write(&path, &text).unwrap();
    let load_with = |block_bytes| {
        load::load(
            &path,
            &LoadOptions {
                block_bytes,
                ..LoadOptions::default()
            },
        )
        .unwrap()
    };
    let whole = load_with(None);
    let blocks = load_with(Some(20_000));
    assert_eq!(blocks.rows(), 12_000);
    assert_eq!(
        (blocks.label.clone(), blocks.pred.clone()),
        (whole.label.clone(), whole.pred.clone())
    );
    assert_same_columns(&whole, &blocks, "blocks");
    let note = blocks.columns.iter().find(|c| c.name == "note").unwrap();
    assert_eq!(note.display(0), "a, \"quoted\"\nnote");
    let size = blocks.columns.iter().find(|c| c.name == "size").unwrap();
    assert!(size.groups().labels.contains(&"huge".to_string()));
    assert_eq!(
        (0..12_000).map(|r| blocks.ids.key(r)).collect::<Vec<_>>(),
        (0..12_000).map(|r| whole.ids.key(r)).collect::<Vec<_>>()
    );
    let json = |ds: &Dataset| {
        let opts = ReportOptions {
            by: vec![vec!["note".into()], vec!["size".into()]],
            ..ReportOptions::default()
        };
        common::cube::report_with(ds, Vec::new(), &opts)
    };
    assert_eq!(json(&whole), json(&blocks));
}

#[test]
fn csv_columns_that_do_not_fit_their_type_are_found_from_their_values() {
    let dir = tempfile::tempdir().unwrap();
    // `account` holds a whole number too large for 64 bits among the first
    // rows (types are inferred from them), `id` whole numbers until one
    // past 10,000 rows is text (read again as text), and `gain` numbers
    // with decimal commas until one that is a word (read again as
    // categories, each value as written).
    let mut text = String::from("id;label;pred;account;gain\n");
    for i in 0..12_000 {
        let label = ["cat", "dog"][i % 2];
        let account = if i == 7 {
            "123456789012345678901234567890".to_string()
        } else {
            (i % 4).to_string()
        };
        let id = if i == 11_000 {
            "x-11000".to_string()
        } else {
            i.to_string()
        };
        let gain = if i == 10_500 {
            "none".to_string()
        } else {
            format!("{},5", i % 3)
        };
        writeln!(text, "{id};{label};{label};{account};{gain}").unwrap();
    }
    let path = dir.path().join("t.csv");
    std::fs::write(&path, &text).unwrap();
    for block_bytes in [None, Some(30_000)] {
        let ds = load::load(
            &path,
            &LoadOptions {
                block_bytes,
                ..LoadOptions::default()
            },
        )
        .unwrap();
        assert_eq!(ds.rows(), 12_000);
        assert_eq!(ds.ids.key(11_000), "x-11000");
        assert_eq!(ds.ids.key(11_001), "11001");
        // Read as a number (a float), as polars infers it.
        let account = ds.columns.iter().find(|c| c.name == "account").unwrap();
        assert!(account.display(7).starts_with("12345678901234567"));
        let gain = ds.columns.iter().find(|c| c.name == "gain").unwrap();
        assert_eq!(gain.display(10_500), "none");
        assert_eq!(gain.display(1), "1,5");
    }
}

/// The fixtures of `tests/data/pages` (see `make_pages.py`): one table of
/// text columns with missing values, empty text, Unicode forms and a
/// column of 600 values, written as writers write it.
fn pages(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pages")
        .join(name)
}

/// What a user sees of a load: classes, rows, slice columns, warnings and
/// the report by the text columns.
fn seen(
    ds: &Dataset,
) -> (
    Vec<String>,
    Vec<u32>,
    Vec<u32>,
    Vec<String>,
    serde_json::Value,
) {
    let opts = ReportOptions {
        by: vec![vec!["device".into()], vec!["gender".into(), "user".into()]],
        ..ReportOptions::default()
    };
    let mut report = common::cube::report_with(ds, vec![], &opts);
    for volatile in ["file", "provenance", "load"] {
        report.as_object_mut().unwrap().remove(volatile);
    }
    (
        ds.classes.clone(),
        ds.label.clone(),
        ds.pred.clone(),
        ds.warnings.clone(),
        report,
    )
}

#[test]
fn text_columns_load_alike_however_their_pages_are_written() {
    // DELTA_LENGTH_BYTE_ARRAY pages are read by polars into strings: the
    // reference. The others are read from their pages as codes.
    let reference = load::load(&pages("delta.parquet"), &LoadOptions::default()).unwrap();
    assert_eq!(reference.rows(), 1200);
    let device = column(&reference, "device");
    assert_eq!(
        device.groups().labels,
        ["", "phone", "tablet", "ünïcode", "(missing)"]
    );
    let want = seen(&reference);
    for name in ["v1", "v2", "plain", "fallback", "required"] {
        for batch_rows in [None, Some(500)] {
            let ds = load_in_batches(&pages(&format!("{name}.parquet")), batch_rows).unwrap();
            let got = seen(&ds);
            assert_eq!(got.0, want.0, "{name}: classes");
            assert_eq!(got.1, want.1, "{name}: labels");
            assert_eq!(got.2, want.2, "{name}: predictions");
            assert_eq!(got.3, want.3, "{name}: warnings");
            assert_same_columns(&reference, &ds, name);
            assert_eq!(got.4, want.4, "{name}: report");
        }
    }
    // A folder whose parts are written differently (codes and strings)
    // loads as a folder of parts written alike.
    let mixed = tempfile::tempdir().unwrap();
    let alike = tempfile::tempdir().unwrap();
    for (i, name) in ["v1", "delta", "fallback"].iter().enumerate() {
        let part = format!("part-{i}.parquet");
        std::fs::copy(pages(&format!("{name}.parquet")), mixed.path().join(&part)).unwrap();
        std::fs::copy(pages("delta.parquet"), alike.path().join(&part)).unwrap();
    }
    // The copies repeat the ids: the folders are read without them.
    let opts = LoadOptions {
        id: load::RoleChoice::None,
        ..LoadOptions::default()
    };
    let mixed = load::load(mixed.path(), &opts).unwrap();
    let alike = load::load(alike.path(), &opts).unwrap();
    assert_eq!(mixed.rows(), 3600);
    assert_eq!(seen(&mixed), seen(&alike));
}

#[test]
fn text_ids_load_alike_however_their_pages_are_written() {
    // Ids that are one number in a fixed text are read from dictionary and
    // plain pages as numbers; polars reads the DELTA file's as text, which
    // the load then parses: the reference. Every id reads as the same text
    // (or the same error), in one batch and in batches of 500 rows.
    let ids_of = |path: &Path, column: &str, batch_rows: Option<usize>| {
        let opts = LoadOptions {
            id: load::RoleChoice::Column(column.into()),
            batch_rows,
            ..LoadOptions::default()
        };
        load::load(path, &opts)
            .map(|ds| {
                let ids = &ds.ids;
                (0..ds.rows())
                    .map(|r| ids.key(r).into_owned())
                    .collect::<Vec<_>>()
            })
            .map_err(|e| e.to_string().replace(&path.display().to_string(), "FILE"))
    };
    for column in ["padded", "grown", "wider", "mixed", "missing", "unicode"] {
        let want = ids_of(&pages("ids_delta.parquet"), column, None);
        match &want {
            Ok(ids) => assert_eq!(ids.len(), 1200, "{column}"),
            Err(e) => assert_eq!(column, "missing", "{e}"),
        }
        for name in ["dict", "v2", "plain", "fallback"] {
            for batch_rows in [None, Some(500)] {
                let got = ids_of(&pages(&format!("ids_{name}.parquet")), column, batch_rows);
                assert_eq!(got, want, "{name} {column} {batch_rows:?}");
            }
        }
    }
    // A folder of parts read as numbers and as text: the same ids (here
    // the same error, as the parts repeat them).
    let dir = tempfile::tempdir().unwrap();
    for (i, name) in ["dict", "delta", "plain"].iter().enumerate() {
        std::fs::copy(
            pages(&format!("ids_{name}.parquet")),
            dir.path().join(format!("part-{i}.parquet")),
        )
        .unwrap();
    }
    let folder = ids_of(dir.path(), "padded", None).unwrap_err();
    assert!(
        folder.contains("'utt000000' on data rows 1, 1201, 2401"),
        "{folder}"
    );
}

#[test]
fn plain_csv_blocks_read_as_codes_load_as_polars_reads_them() {
    // Plain blocks (no quote, no carriage return) are parsed straight into
    // codes; a quoted field leaves its block to polars, which reads a
    // quoted value as the same text. The file written with every label
    // quoted is the reference; written plain, and quoted in its first rows
    // only, it must load alike, block by block and at once. `size` is a
    // number until a word past the 10,000 rows types are inferred from
    // (the file is read again with it as text).
    let dir = tempfile::tempdir().unwrap();
    let devices = [
        "phone",
        "",
        "fifteen bytes!!",
        "sixteen bytes!!!",
        "ünïcode 😀 with a long tail of words",
    ];
    let write = |name: &str, quoted: &dyn Fn(usize) -> bool| {
        let mut text = String::from("id,label,pred,score,device,gender,user,size\n");
        for i in 0..12_000 {
            let label = ["cat", "dog", "bird"][i % 3];
            let pred = if i % 7 == 0 { "dog" } else { label };
            let label = if quoted(i) {
                format!("\"{label}\"")
            } else {
                label.to_string()
            };
            let score = format!("{}", (i as f64 * 0.618_033_988_749_895).fract());
            let device = devices[(i / 5) % devices.len()];
            let gender = ["f", "m", ""][i % 3];
            let size = if i == 11_500 {
                "huge".to_string()
            } else {
                (i % 9).to_string()
            };
            writeln!(
                text,
                "u{i},{label},{pred},{score},{device},{gender},user{},{size}",
                (i * 7) % 600
            )
            .unwrap();
        }
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let quoted = write("quoted.csv", &|_| true);
    let plain = write("plain.csv", &|_| false);
    let first_rows = write("first.csv", &|i| i < 100);
    let load_with = |path: &Path, block_bytes| {
        load::load(
            path,
            &LoadOptions {
                block_bytes,
                ..LoadOptions::default()
            },
        )
        .unwrap()
    };
    let reference = load_with(&quoted, Some(20_000));
    assert_eq!(reference.rows(), 12_000);
    let want = seen(&reference);
    for path in [&plain, &first_rows] {
        for block_bytes in [None, Some(20_000)] {
            let ds = load_with(path, block_bytes);
            let name = format!("{} {block_bytes:?}", path.display());
            assert_eq!(seen(&ds), want, "{name}");
            assert_same_columns(&reference, &ds, &name);
            assert_eq!(
                (0..12_000).map(|r| ds.ids.key(r)).collect::<Vec<_>>(),
                (0..12_000)
                    .map(|r| reference.ids.key(r))
                    .collect::<Vec<_>>(),
                "{name}"
            );
            assert_eq!(ds.score, reference.score, "{name}");
        }
    }
    let size = column(&reference, "size");
    assert!(size.groups().labels.contains(&"huge".to_string()));
    let device = column(&reference, "device");
    assert!(
        device
            .groups()
            .labels
            .contains(&"sixteen bytes!!!".to_string())
    );
}
