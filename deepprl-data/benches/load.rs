//! Loading the KuaiRand subset through its shipped config, in rows per second.
//!
//! ```text
//! cargo bench -p deepprl-data --bench load
//! ```
//! Skips (with a message) when `../shared/data` is absent.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use deepprl_data::{DatasetConfig, load};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn load_kuairand(c: &mut Criterion) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = manifest.join("../../shared/data");
    if !data.is_dir() {
        println!("skipping load benchmark: {} is absent", data.display());
        return;
    }
    let path = manifest.join("configs/kuairand-27k-likehate-kcore15.toml");
    let text = std::fs::read_to_string(&path).expect("the shipped config is readable");
    let cfg = DatasetConfig::from_toml_str(&text, &path, Some(&data))
        .expect("the shipped config is valid");
    let rows = load(&cfg).expect("the subset loads").len();
    let mut group = c.benchmark_group("load");
    group.throughput(Throughput::Elements(rows as u64));
    group.sample_size(20).measurement_time(Duration::from_secs(8));
    group.bench_function("kuairand-27k-likehate-kcore15", |b| {
        b.iter(|| black_box(load(black_box(&cfg)).expect("the subset loads")))
    });
    group.finish();
}

criterion_group!(benches, load_kuairand);
criterion_main!(benches);
