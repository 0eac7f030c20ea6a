//! Datasets written as folders of parts (Spark, Databricks, pandas,
//! `generate --parts`): read as the single file would be, hive partition
//! folders as columns, and clear errors when parts disagree.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use slicewise::core::generate;
use slicewise::core::load::{self, InputFormat, LoadOptions};

#[test]
fn a_folder_of_parts_reports_exactly_as_the_single_file() {
    let dir = tempfile::tempdir().unwrap();
    let rows = generate::generate_run(12_000, 3, None);
    let one = dir.path().join("one.parquet");
    generate::write_file(&rows, &one).unwrap();
    let folder = dir.path().join("parts");
    let files = generate::write_parts(&rows, &folder, 5, InputFormat::Parquet).unwrap();
    assert_eq!(files.len(), 5);
    // What Spark leaves beside its parts is not data.
    std::fs::write(folder.join("_SUCCESS"), "").unwrap();
    // The load says how much of the folder it has read.
    let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let opts = LoadOptions {
        controls: load::LoadControls {
            progress: Some(read.clone()),
            ..load::LoadControls::default()
        },
        ..LoadOptions::default()
    };
    let b = load::load(&folder, &opts).unwrap();
    assert_eq!(
        read.load(std::sync::atomic::Ordering::Relaxed),
        load::data_size(&folder)
    );
    assert!(load::data_size(&folder) > 0);
    let a = common::load(&one);
    assert_eq!(b.rows(), 12_000);
    assert_eq!(b.source.path, folder);
    let mut ja = common::cube::report_json(&a);
    let mut jb = common::cube::report_json(&b);
    for j in [&mut ja, &mut jb] {
        let o = j.as_object_mut().unwrap();
        o.remove("file");
        // The fingerprint is the file's or the folder's.
        o.remove("provenance");
    }
    assert_eq!(ja, jb, "the parts report as the file");
    // Examples handed on with every column, and the mapping dialog's peek.
    assert_eq!(load::read_raw(&folder, None).unwrap().height(), 12_000);
    let peek = load::preview(&folder, None).unwrap();
    assert_eq!(peek.detected.label, "label");
    // A session for a folder lives beside it, named after the whole folder.
    assert_eq!(
        load::default_session_path(&folder),
        dir.path().join("parts.slicewise.ron")
    );
}

#[test]
fn hive_partition_folders_become_columns_and_csv_parts_stack() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("preds");
    for (device, body) in [
        ("phone", "id,label,pred\n1,a,a\n2,a,b\n"),
        ("laptop", "id,label,pred\n3,b,b\n"),
        ("__HIVE_DEFAULT_PARTITION__", "id,label,pred\n4,b,a\n"),
    ] {
        let folder = root.join(format!("device={device}"));
        std::fs::create_dir_all(&folder).unwrap();
        common::write(&folder, "part-0.csv", body);
    }
    let ds = common::load(&root);
    assert_eq!(ds.rows(), 4);
    assert_eq!(ds.errors(), 2);
    let device = ds.column("device").expect("the partition key is a column");
    let mut values: Vec<String> = (0..ds.rows())
        .map(|r| device.display(r).into_owned())
        .collect();
    values.sort();
    assert_eq!(values, ["(missing)", "laptop", "phone", "phone"]);
}

#[test]
fn parts_that_disagree_or_an_empty_folder_are_errors_naming_the_part() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("preds");
    std::fs::create_dir_all(&root).unwrap();
    let err = load::load(&root, &LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("holds no .parquet, .csv or .ndjson file"),
        "{err}"
    );
    common::write(&root, "part-1.csv", "id,label,pred,device\n1,a,a,phone\n");
    common::write(&root, "part-2.csv", "id,label,pred,accent\n2,a,b,welsh\n");
    let err = load::load(&root, &LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("part-2.csv")
            && err.contains("lacks 'device'")
            && err.contains("has 'accent'"),
        "{err}"
    );
    common::write(&root, "part-2.csv", "id,label,pred,device\n2,a,b,laptop\n");
    common::write(&root, "part-3.parquet", "not parquet");
    let err = load::load(&root, &LoadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("mix formats") && err.contains("part-3.parquet"),
        "{err}"
    );
}

#[test]
fn generated_parts_never_mix_with_or_replace_files_slicewise_does_not_own() {
    let dir = tempfile::tempdir().unwrap();
    let rows = generate::generate_run(100, 1, None);
    // A folder holding someone else's file is refused.
    let shared = dir.path().join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    common::write(&shared, "notes.txt", "mine");
    let err = generate::write_parts(&rows, &shared, 2, InputFormat::Csv)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("holds other files") && err.contains("notes.txt"),
        "{err}"
    );
    // A link named like a part is not written through.
    let target = common::write(dir.path(), "precious.csv", "keep me");
    let linked = dir.path().join("linked");
    std::fs::create_dir_all(&linked).unwrap();
    std::os::unix::fs::symlink(&target, linked.join("part-00001.csv")).unwrap();
    let err = generate::write_parts(&rows, &linked, 2, InputFormat::Csv)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a plain file"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    // An earlier run's parts are replaced.
    let mine = dir.path().join("mine");
    generate::write_parts(&rows, &mine, 2, InputFormat::Csv).unwrap();
    generate::write_parts(&rows, &mine, 2, InputFormat::Csv).unwrap();
    assert_eq!(common::load(&mine).rows(), 100);
}

#[test]
fn a_link_back_up_the_folder_does_not_loop() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("preds");
    std::fs::create_dir_all(&root).unwrap();
    common::write(&root, "part-1.csv", "id,label,pred\n1,a,a\n2,a,b\n");
    std::os::unix::fs::symlink(&root, root.join("again")).unwrap();
    assert_eq!(common::load(&root).rows(), 2);
}

#[test]
fn a_pattern_of_parts_reads_the_matching_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let rows = generate::generate_run(3_000, 5, None);
    let folder = dir.path().join("preds");
    generate::write_parts(&rows, &folder, 3, InputFormat::Parquet).unwrap();
    // A file the pattern leaves out, with other columns.
    std::fs::write(folder.join("notes.csv"), "a,b\n1,2\n").unwrap();
    let pattern = folder.join("part-*.parquet");
    assert!(load::parts::is_glob(&pattern));
    let ds = load::load(&pattern, &LoadOptions::default()).unwrap();
    assert_eq!(ds.rows(), 3_000);
    assert_eq!(
        load::data_size(&pattern),
        load::data_size(&folder.join("part-0000?.parquet"))
    );
    assert!(load::data_size(&pattern) > 0);
    // Its session is the folder's.
    assert_eq!(
        load::default_session_path(&pattern),
        dir.path().join("preds.slicewise.ron")
    );
    // The folder itself trips on the stray file; a pattern matching nothing
    // says so.
    assert!(load::load(&folder, &LoadOptions::default()).is_err());
    let none = load::load(&folder.join("run2-*.parquet"), &LoadOptions::default()).unwrap_err();
    assert!(none.to_string().contains("matches the pattern"), "{none}");
}
