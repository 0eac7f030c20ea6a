//! The map of the dataset and "explain this selection" against their
//! anchors (reference values from `tests/reference/make_map_reference.py`):
//! PCA coordinates against scikit-learn's `PCA(2, svd_solver="full")` on a
//! real embedding (digits, with a real model's cross-validated
//! predictions) and on generated data far from zero; the slices that
//! describe a selection against the `sliceline` package; and the
//! `map` and `explain` commands as a user runs them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

mod common;

use std::fmt::Write as _;
use std::process::{Command, Output};

use slicewise::core::dataset::Bitmap;
use slicewise::core::discover::{DiscoverOptions, MinSupport, explain, features};
use slicewise::core::load::{LoadOptions, MapColumns};
use slicewise::core::map::{self, Method};

fn reference() -> serde_json::Value {
    let text =
        std::fs::read_to_string(common::root().join("tests/reference/map_reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn data(name: &str) -> std::path::PathBuf {
    common::root().join("tests/data/map").join(name)
}

fn numbers(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn slicewise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_slicewise"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn pca_coordinates_equal_scikit_learn() {
    let reference = reference();
    for (name, want) in reference["pca"].as_object().unwrap() {
        let path = data(name);
        let source = map::source(&path, &LoadOptions::default(), None).unwrap();
        assert!(
            matches!(&source, MapColumns::Embedding(c) if c[0] == "emb_0"),
            "{name}"
        );
        let coords = map::compute(&path, &LoadOptions::default(), &source, "pca", &|_| {}).unwrap();
        let Method::Pca(pca) = &coords.method else {
            panic!("{name}: not PCA")
        };
        let close = |a: f64, b: f64, tol: f64, what: &str| {
            assert!(
                (a - b).abs() <= tol * b.abs().max(1.0),
                "{name} {what}: {a} vs {b}"
            );
        };
        for (a, b) in pca.mean.iter().zip(numbers(&want["mean"])) {
            close(*a, b, 1e-12, "mean");
        }
        for i in 0..2 {
            close(
                pca.variance[i],
                numbers(&want["explained_variance"])[i],
                1e-9,
                "variance",
            );
            close(
                pca.variance_ratio[i],
                numbers(&want["explained_variance_ratio"])[i],
                1e-9,
                "ratio",
            );
            // scikit-learn's sign rule too: the components are equal, not
            // only up to sign.
            for (a, b) in pca.components[i]
                .iter()
                .zip(numbers(&want["components"][i]))
            {
                assert!((a - b).abs() <= 1e-8, "{name} component {i}: {a} vs {b}");
            }
        }
        // Every row's coordinates, to 1e-6 of the axis's spread (stored as
        // f32, as the map keeps them).
        for (axis, got, key) in [(0, &coords.x, "x"), (1, &coords.y, "y")] {
            let want = numbers(&want[key]);
            assert_eq!(got.len(), want.len());
            let spread = (want.iter().map(|v| v * v).sum::<f64>() / want.len() as f64).sqrt();
            let worst = got
                .iter()
                .zip(&want)
                .map(|(g, w)| (f64::from(*g) - w).abs() / spread)
                .fold(0.0, f64::max);
            assert!(
                worst <= 1e-6,
                "{name} axis {axis}: worst relative difference {worst:e}"
            );
        }
        assert_eq!(coords.unplaced, 0);
    }
}

/// The selection's rows, from the ids in selection.txt.
fn selection(ds: &slicewise::core::dataset::Dataset) -> Bitmap {
    let text = std::fs::read_to_string(data("selection.txt")).unwrap();
    let mut rows = Bitmap::new(ds.rows());
    for id in text.lines() {
        rows.set(ds.ids.row_of(id).unwrap(), true);
    }
    rows
}

#[test]
fn explain_equals_sliceline_with_the_selection_as_errors() {
    let reference = reference();
    let e = &reference["explain"];
    let ds = common::load(&data(e["data"].as_str().unwrap()));
    let names: Vec<String> = e["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    let (feats, _) = features(&ds, &names).unwrap();
    let rows = selection(&ds);
    // The selection's error rate against the rest's, and its classes.
    let summary = map::select::summarise(&ds, &rows);
    let errors = rows.ones().filter(|&r| ds.is_error(r)).count();
    let all_errors = (0..ds.rows()).filter(|&r| ds.is_error(r)).count();
    assert_eq!(summary.rows, 283);
    assert!((summary.error_rate.value().unwrap() - errors as f64 / 283.0).abs() < 1e-12);
    let rest = (all_errors - errors) as f64 / (ds.rows() - 283) as f64;
    assert!((summary.rest.value().unwrap() - rest).abs() < 1e-12);
    assert_eq!(summary.classes.iter().map(|c| c.1).sum::<u64>(), 283);
    for case in e["cases"].as_array().unwrap() {
        let opts = DiscoverOptions {
            alpha: case["alpha"].as_f64().unwrap(),
            k: usize::try_from(case["k"].as_u64().unwrap()).unwrap(),
            max_level: usize::try_from(case["max_level"].as_u64().unwrap()).unwrap(),
            min_support: MinSupport::Count(case["min_support"].as_u64().unwrap()),
        };
        let found = explain(&ds, None, &feats, &rows, &opts, None).unwrap();
        assert_eq!(found.selected, case["selected"].as_u64().unwrap());
        // Every slice the package found, in its order, with its numbers
        // (distinct descriptions of the same rows are shown once).
        let want = case["slices"].as_array().unwrap();
        let all = &found.discovery.slices;
        assert_eq!(all.len(), want.len(), "{opts:?}");
        for (got, want) in all.iter().zip(want) {
            let got_preds: std::collections::BTreeMap<String, String> =
                got.predicates.iter().cloned().collect();
            let want_preds = common::reference_predicates(want);
            assert_eq!(got_preds, want_preds, "{opts:?}");
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
            assert!(
                close(got.score, want["score"].as_f64().unwrap()),
                "{opts:?}"
            );
            #[allow(clippy::cast_precision_loss)]
            let size = got.size as f64;
            assert!(close(size, want["size"].as_f64().unwrap()));
            assert!(close(got.errors, want["selected"].as_f64().unwrap()));
        }
        // The planted slice describes the selection best.
        let first = &found.slices[0];
        assert_eq!(
            first.description, "device = car_kit & snr = low",
            "{opts:?}"
        );
        assert!((first.precision - first.selected as f64 / first.size as f64).abs() < 1e-12);
        assert!((first.coverage - first.selected as f64 / found.selected as f64).abs() < 1e-12);
        // No slice shown only narrows an earlier one at no higher precision.
        for (i, s) in found.slices.iter().enumerate() {
            for t in &found.slices[..i] {
                let narrows = t.predicates.iter().all(|p| s.predicates.contains(p));
                assert!(
                    !(narrows && t.precision >= s.precision),
                    "{} after {}",
                    s.description,
                    t.description
                );
            }
        }
        assert_eq!(
            found.slices.len() + found.narrower,
            found.discovery.shown().len()
        );
    }
}

#[test]
fn the_map_command_writes_id_x_y_and_explain_names_the_planted_slice() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("coords.csv");
    let planted = data("planted.csv");
    let o = slicewise(&[
        "map",
        planted.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains("PCA of 6 embedding columns (emb_0 … emb_5)"),
        "{said}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,x,y"));
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[0], "1");
    let want_x = numbers(&reference()["pca"]["planted.csv"]["x"])[0];
    let x: f64 = first[1].parse().unwrap();
    assert!(
        (x - want_x).abs() < 1e-4 * want_x.abs().max(1.0),
        "{x} vs {want_x}"
    );
    assert_eq!(text.lines().count(), 3001);

    // Explain, from the ids one a line.
    let selection = data("selection.txt");
    let o = slicewise(&[
        "explain",
        planted.to_str().unwrap(),
        "--selection",
        selection.to_str().unwrap(),
        "--columns",
        "device,snr,gender",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["selected"], 283);
    assert_eq!(
        json["slices"][0]["description"],
        "device = car_kit & snr = low"
    );
    // "device = car_kit & snr = low & gender = female" (precision 100% too,
    // less coverage) is left out, and said to be.
    assert!(json["narrower_left_out"].as_u64().unwrap() >= 1);
    assert!(
        json["slices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["predicates"].as_array().unwrap().len() < 3
                || s["precision"].as_f64().unwrap() < 1.0)
    );
    let text = slicewise(&[
        "explain",
        planted.to_str().unwrap(),
        "--selection",
        selection.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&text.stdout);
    assert!(
        said.contains("precision") && said.contains("coverage"),
        "{said}"
    );
    // Without --columns the classes are searched too, as the Map view does.
    let o = slicewise(&[
        "explain",
        planted.to_str().unwrap(),
        "--selection",
        selection.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        json["columns"],
        serde_json::json!(["device", "snr", "gender", "label", "pred"])
    );
    assert_eq!(
        json["slices"][0]["description"],
        "device = car_kit & snr = low"
    );

    // The map written as Parquet, read back as a selection (its id column).
    let parquet = dir.path().join("coords.parquet");
    let o = slicewise(&[
        "map",
        planted.to_str().unwrap(),
        "--out",
        parquet.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let o = slicewise(&[
        "explain",
        planted.to_str().unwrap(),
        "--selection",
        parquet.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["selected"], 3000);
}

#[test]
fn bad_map_input_is_named_and_nothing_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let bad = common::write(
        dir.path(),
        "bad.csv",
        "id,label,pred,emb_0,emb_1\n1,a,a,0.5,1\n2,a,b,,2\n3,b,b,1,3\n",
    );
    let out = dir.path().join("coords.csv");
    let o = slicewise(&["map", bad.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains("row 2") && said.contains("'emb_0'"), "{said}");
    assert!(!out.exists());
    // --out naming the data is refused before anything is read.
    let o = slicewise(&["map", bad.to_str().unwrap(), "--out", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        std::fs::read_to_string(&bad)
            .unwrap()
            .starts_with("id,label")
    );
    // No map columns: what to name.
    let plain = common::write(dir.path(), "plain.csv", "label,pred\na,a\nb,a\n");
    let o = slicewise(&[
        "map",
        plain.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains("has no map columns") && said.contains("--embedding-prefix"),
        "{said}"
    );
    // Ids that are no row's.
    let ids = common::write(dir.path(), "ids.txt", "1\n99\n");
    let o = slicewise(&[
        "explain",
        bad.to_str().unwrap(),
        "--selection",
        ids.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("'99'"));
    // An embedding too wide to diagonalise is refused before it is read.
    let mut wide = String::from("label,pred");
    for d in 0..=map::MAX_DIMS {
        write!(wide, ",emb_{d}").unwrap();
    }
    wide.push_str("\na,a");
    wide.push_str(&",1".repeat(map::MAX_DIMS + 1));
    wide.push('\n');
    let wide = common::write(dir.path(), "wide.csv", &wide);
    let o = slicewise(&[
        "map",
        wide.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("8193 dimensions"));
    // List embeddings of different lengths: the row is named.
    let ragged = common::write(
        dir.path(),
        "ragged.ndjson",
        "{\"label\":\"a\",\"pred\":\"a\",\"embedding\":[1,2]}\n{\"label\":\"a\",\"pred\":\"b\",\"embedding\":[1,2,3]}\n",
    );
    let o = slicewise(&[
        "map",
        ragged.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains("row 2") && said.contains("3 numbers"),
        "{said}"
    );
    // A Parquet list column is an embedding; a fixed-size list (which the
    // reader cannot hold) is named, with what to do.
    let list = data("list_embedding.parquet");
    let o = slicewise(&[
        "map",
        list.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("3-number embeddings in 'embedding'"));
    let fixed = data("fixed_size_list.parquet");
    let o = slicewise(&[
        "map",
        fixed.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains("'embedding' cannot be read") && said.contains("plain list of numbers"),
        "{said}"
    );
    // Map columns are not sliced by.
    let ds = common::load(&data("planted.csv"));
    assert!(ds.slice_columns().all(|c| !c.name.starts_with("emb_")));
}

#[test]
fn coordinate_columns_and_list_embeddings_are_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let xy = common::write(
        dir.path(),
        "xy.csv",
        "id,label,pred,umap_x,umap_y\n1,a,a,0.5,1\n2,a,b,,2\n3,b,b,1,3\n",
    );
    let source = map::source(&xy, &LoadOptions::default(), None).unwrap();
    let coords = map::compute(&xy, &LoadOptions::default(), &source, "pca", &|_| {}).unwrap();
    assert!((coords.x[0] - 0.5).abs() < f32::EPSILON);
    assert_eq!(coords.at(1), None);
    assert_eq!(coords.unplaced, 1);
    assert_eq!(coords.axes(), ["umap_x".to_string(), "umap_y".to_string()]);
    // A list column gives the same PCA as its numbers in columns.
    let json = dir.path().join("list.ndjson");
    let columns = dir.path().join("columns.csv");
    let mut a = String::new();
    let mut b = String::from("id,label,pred,emb_0,emb_1,emb_2\n");
    for i in 0..50 {
        let v = [f64::from(i).sin(), f64::from(i * i % 7), f64::from(i) * 0.3];
        writeln!(
            a,
            "{{\"id\":{i},\"label\":\"a\",\"pred\":\"b\",\"embedding\":[{},{},{}]}}",
            v[0], v[1], v[2]
        )
        .unwrap();
        writeln!(b, "{i},a,b,{},{},{}", v[0], v[1], v[2]).unwrap();
    }
    std::fs::write(&json, a).unwrap();
    std::fs::write(&columns, b).unwrap();
    let from_list = map::compute(
        &json,
        &LoadOptions::default(),
        &map::source(&json, &LoadOptions::default(), None).unwrap(),
        "pca",
        &|_| {},
    )
    .unwrap();
    let from_columns = map::compute(
        &columns,
        &LoadOptions::default(),
        &map::source(&columns, &LoadOptions::default(), None).unwrap(),
        "pca",
        &|_| {},
    )
    .unwrap();
    assert_eq!(from_list.x, from_columns.x);
    assert_eq!(from_list.y, from_columns.y);
}
