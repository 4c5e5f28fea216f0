//! Interleaved A/B timing of segmentation on this noisy 2-core VM: each round times jieba-rs
//! `cut`, anli's segmenter and anli's tokenizer (query and index mode) over the same 2 MB of the
//! benchmark corpus, back to back, and the summary gives medians and the median of the per-round
//! ratios, which drift far less than criterion's separate runs.
//!
//! ```sh
//! cargo run --release --example segment_ab [ROUNDS]
//! ```

#[path = "../benches/common.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use anli::analysis::{Analyzer, Mode};
use anli::resources::SchemaFiles;
use tantivy::tokenizer::{TokenStream, Tokenizer};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15);
    let texts = common::texts(2 << 20);
    let mb = texts.iter().map(String::len).sum::<usize>() as f64 / (1 << 20) as f64;
    let files = SchemaFiles::load(&common::schema_dir()).expect("schema files");
    let analyzer = Analyzer::shared(&files).expect("analyzer");
    let jieba = Analyzer::reference_jieba(&files.dict);
    let mut query = analyzer.tokenizer(Mode::Query);
    let mut index = analyzer.tokenizer(Mode::Index);

    let names = [
        "jieba-rs cut",
        "anli cut",
        "anli query mode",
        "anli index mode",
        "jieba-rs cut_for_search",
    ];
    // ANLI_AB_ONLY=K runs only variant K (for `perf record`/`perf stat` of one of them).
    let only: Option<usize> = std::env::var("ANLI_AB_ONLY")
        .ok()
        .and_then(|v| v.parse().ok());
    let mut secs: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for _ in 0..rounds {
        for (k, s) in secs.iter_mut().enumerate() {
            if only.is_some_and(|o| o != k) {
                s.push(f64::NAN);
                continue;
            }
            let started = Instant::now();
            let mut n = 0usize;
            for t in &texts {
                n += match k {
                    0 => jieba.cut(black_box(t), true).len(),
                    1 => analyzer.cut(black_box(t)).len(),
                    4 => jieba.cut_for_search(black_box(t), true).len(),
                    _ => {
                        let tok = if k == 2 { &mut query } else { &mut index };
                        let mut stream = tok.token_stream(black_box(t));
                        let mut m = 0;
                        while stream.advance() {
                            m += 1;
                        }
                        m
                    }
                };
            }
            black_box(n);
            s.push(started.elapsed().as_secs_f64());
        }
    }
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!("{mb:.1} MiB × {rounds} rounds");
    if std::env::var_os("ANLI_AB_RAW").is_some() {
        for r in 0..rounds {
            let row: Vec<String> = secs.iter().map(|s| format!("{:.3}", s[r])).collect();
            println!("round {r}: {}", row.join(" "));
        }
    }
    for (k, name) in names.iter().enumerate() {
        let reference = if k == 4 || k == 3 { 4 } else { 0 };
        let ratios: Vec<f64> = (0..rounds)
            .map(|r| secs[reference][r] / secs[k][r])
            .collect();
        println!(
            "{name:<24} {:>6.1} MiB/s   speed vs {:<24} {:.2}×",
            mb / median(&secs[k]),
            names[reference],
            median(&ratios)
        );
    }
}
