//! Full keyword index of the benchmark corpus: anli (parse, segment, index the full schema,
//! commit; `anli index --keywords-only`, the meaning vectors are timed by `examples/pipeline.rs
//! anli-vectors`)
//! against the straightforward tantivy-jieba pipeline (see `examples/pipeline.rs`), same run,
//! same text. Peak memory and index size come from running the example under each pipeline:
//! `cargo run --release --example pipeline -- anli|tantivy-jieba CORPUS INDEX`.
//!
//! `cargo bench --bench indexing`

mod common;
mod peer;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn indexing(c: &mut Criterion) {
    let corpus = common::bench_corpus();
    let files = anli::case::case_files(&corpus).expect("corpus");
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let schema = common::schema_dir();
    let mut g = c.benchmark_group("indexing");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));
    g.bench_function("anli keyword index", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            let lib = anli::Library::open(&corpus, &dir.path().join("index"), &schema).unwrap();
            lib.index(
                &anli::index::IndexOptions {
                    full: true,
                    keywords_only: true,
                    ..Default::default()
                },
                &anli::index::NoProgress,
            )
            .unwrap()
            .total
        })
    });
    g.bench_function("tantivy-jieba pipeline (50 MB writer, title + body)", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            peer::index(&corpus, dir.path()).0
        })
    });
    g.finish();
}

criterion_group!(benches, indexing);
criterion_main!(benches);
