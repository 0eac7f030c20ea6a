//! The Map view's work at scale, with criterion (not a test: `cargo bench
//! --bench map`). Rows from `SLICEWISE_BENCH_ROWS`, comma-separated
//! (default `10000000`): coordinates in blobs, as a projection gives them,
//! generated in memory.
//!
//! - the first raster of the whole map (1,200 × 800 pixels, coloured by
//!   correct / error), what the view draws once the coordinates exist;
//! - a raster after zooming in 10× (the same pass over every row);
//! - a lasso of 64 points round a tenth of the map (the selection).

mod common;

use common::sizes;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use slicewise::core::map::raster::{Viewport, draw};
use slicewise::core::map::select::{Shape, rows_inside};
use slicewise::core::map::{Coords, MapColumns};

/// `rows` points in 10 blobs (a cheap generator: no dependency).
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
fn coords(rows: usize) -> Coords {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let (mut x, mut y) = (Vec::with_capacity(rows), Vec::with_capacity(rows));
    for i in 0..rows {
        let blob = (i % 10) as f64;
        let (cx, cy) = ((blob * 2.4).sin() * 8.0, (blob * 1.7).cos() * 8.0);
        // Sum of uniforms: roughly normal.
        let dx = next() + next() + next() - 1.5;
        let dy = next() + next() + next() - 1.5;
        x.push((cx + dx * 2.0) as f32);
        y.push((cy + dy * 2.0) as f32);
    }
    let source = MapColumns::Coordinates {
        x: "x".into(),
        y: "y".into(),
    };
    Coords::from_columns(x, y, source, 0.0)
}

fn map(c: &mut Criterion) {
    for rows in sizes() {
        let coords = coords(rows);
        let whole = Viewport::around(coords.bounds().unwrap_or([0.0, 1.0, 0.0, 1.0]));
        let colour = |r: usize| {
            if r.is_multiple_of(11) {
                [230, 90, 80]
            } else {
                [78, 121, 167]
            }
        };
        let mut group = c.benchmark_group("map");
        group.sample_size(10);
        group.bench_function(BenchmarkId::new("first raster 1200x800", rows), |b| {
            b.iter(|| draw(&coords, whole, 1200, 800, &colour, &|| false));
        });
        let (cx, cy) = (
            f64::midpoint(whole.x0, whole.x1),
            f64::midpoint(whole.y0, whole.y1),
        );
        let (w, h) = (whole.width() / 20.0, whole.height() / 20.0);
        let zoomed = Viewport {
            x0: cx - w,
            x1: cx + w,
            y0: cy - h,
            y1: cy + h,
        };
        group.bench_function(BenchmarkId::new("raster zoomed 10x", rows), |b| {
            b.iter(|| draw(&coords, zoomed, 1200, 800, &colour, &|| false));
        });
        let lasso = Shape::Lasso(
            (0..64)
                .map(|k| {
                    let a = f64::from(k) * std::f64::consts::TAU / 64.0;
                    (
                        cx + whole.width() / 6.0 * a.cos(),
                        cy + whole.height() / 6.0 * a.sin(),
                    )
                })
                .collect(),
        );
        group.bench_function(BenchmarkId::new("lasso selection (64 points)", rows), |b| {
            b.iter(|| rows_inside(&coords, &lasso));
        });
        group.finish();
    }
}

criterion_group!(benches, map);
criterion_main!(benches);
