//! Segmentation throughput (MB/s): anli's tantivy tokenizer in index and query mode against raw
//! jieba-rs `cut` and `cut_for_search` on the same text with the same dictionary, and anli's own
//! segmenter (which cuts word for word as jieba-rs does) against jieba-rs `cut`.
//!
//! `cargo bench --bench segmentation`

mod common;

use std::hint::black_box;

use anli::analysis::{Analyzer, Mode};
use anli::resources::SchemaFiles;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tantivy::tokenizer::{TokenStream, Tokenizer};

fn segmentation(c: &mut Criterion) {
    let texts = common::texts(2 << 20);
    let bytes: usize = texts.iter().map(String::len).sum();
    let files = SchemaFiles::load(&common::schema_dir()).expect("schema files");
    let analyzer = Analyzer::shared(&files).expect("analyzer");
    let jieba = Analyzer::reference_jieba(&files.dict).expect("reference jieba");

    let mut g = c.benchmark_group("segmentation");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("jieba-rs cut (precise, hmm)", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                n += jieba.cut(black_box(t), true).len();
            }
            n
        })
    });
    g.bench_function("jieba-rs cut_for_search (hmm)", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                n += jieba.cut_for_search(black_box(t), true).len();
            }
            n
        })
    });
    g.bench_function("anli segmenter cut (precise, hmm)", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                n += analyzer.cut(black_box(t)).len();
            }
            n
        })
    });
    for (name, mode) in [
        ("anli tokenizer query mode", Mode::Query),
        ("anli tokenizer index mode", Mode::Index),
    ] {
        let mut tok = analyzer.tokenizer(mode);
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut n = 0;
                for t in &texts {
                    let mut s = tok.token_stream(black_box(t));
                    while s.advance() {
                        n += s.token().text.len();
                    }
                }
                n
            })
        });
    }
    g.finish();
}

criterion_group!(benches, segmentation);
criterion_main!(benches);
