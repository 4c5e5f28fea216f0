//! Full index of the benchmark corpus: anli (parse, segment, index the full schema, commit)
//! against the straightforward tantivy-jieba pipeline (see `examples/pipeline.rs`), same run,
//! same text. Peak memory and index size come from running the example under each pipeline:
//! `cargo run --release --example pipeline -- anli|tantivy-jieba CORPUS INDEX`.
//!
//! `cargo bench --bench indexing`

mod common;

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
    g.bench_function("anli full index", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            let lib = anli::Library::open(&corpus, &dir.path().join("index"), &schema).unwrap();
            lib.index(
                &anli::index::IndexOptions {
                    full: true,
                    threads: 0,
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
            peer(&corpus, dir.path())
        })
    });
    g.finish();
}

/// The peer pipeline, as in `examples/pipeline.rs`.
fn peer(corpus: &std::path::Path, index_dir: &std::path::Path) -> usize {
    use tantivy::schema::{Schema, TextFieldIndexing, TextOptions, STORED};
    use tantivy::{doc, Index};
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("jieba")
            .set_index_option(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
    );
    let mut sb = Schema::builder();
    let title = sb.add_text_field("title", text.clone() | STORED);
    let body = sb.add_text_field("body", text);
    let index = Index::create_in_dir(index_dir, sb.build()).unwrap();
    index
        .tokenizers()
        .register("jieba", tantivy_jieba::JiebaTokenizer::new());
    let mut writer: tantivy::IndexWriter = index.writer(50_000_000).unwrap();
    let mut docs = 0;
    for file in anli::case::case_files(corpus).unwrap() {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let mut parts = text.splitn(3, "---\n");
        let _ = parts.next();
        let fm = parts.next().unwrap_or("");
        let body_text = parts.next().unwrap_or(&text);
        let t = fm
            .lines()
            .find_map(|l| l.strip_prefix("title:"))
            .unwrap_or("")
            .trim();
        writer
            .add_document(doc!(title => t, body => body_text))
            .unwrap();
        docs += 1;
    }
    writer.commit().unwrap();
    writer.wait_merging_threads().unwrap();
    docs
}

criterion_group!(benches, indexing);
criterion_main!(benches);
