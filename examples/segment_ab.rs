//! Paired A/B timing of segmentation, made for this noisy 2-core VM (its speed jumps by a third
//! between minutes, so separate criterion runs of two variants are not comparable).
//!
//! Each round starts one fresh process per variant, back to back — jieba-rs `cut`, anli's
//! segmenter (`Analyzer::cut`, word for word the same output), anli's tokenizer in query mode,
//! jieba-rs `cut_for_search`, anli's tokenizer in index mode — and each process times 5 passes
//! over the same 2 MB of the benchmark corpus and reports its median. Separate processes keep
//! one variant's tables from evicting the other's from the cache. The summary gives, per
//! variant, the median throughput and the median over rounds of its ratio to the jieba-rs
//! function it stands against (`cut` for the segmenter and query mode, `cut_for_search` for
//! index mode).
//!
//! ```sh
//! cargo run --release --example segment_ab [ROUNDS]      # default 7
//! ```

#[path = "../benches/common.rs"]
mod common;

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use anli::analysis::{Analyzer, Mode};
use anli::resources::SchemaFiles;
use tantivy::tokenizer::{TokenStream, Tokenizer};

const VARIANTS: [(&str, usize); 5] = [
    ("jieba-rs cut", 0),
    ("anli segmenter cut", 0),
    ("anli tokenizer, query mode", 0),
    ("jieba-rs cut_for_search", 3),
    ("anli tokenizer, index mode", 3),
];

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Time variant `k`: 5 passes, print `RESULT <MiB/s of the median pass>`.
fn child(k: usize) {
    let texts = common::texts(2 << 20);
    let mib = texts.iter().map(String::len).sum::<usize>() as f64 / (1 << 20) as f64;
    let files = SchemaFiles::load(&common::schema_dir()).expect("schema files");
    let analyzer = Analyzer::shared(&files).expect("analyzer");
    let jieba = (k == 0 || k == 3)
        .then(|| Analyzer::reference_jieba(&files.dict).expect("reference jieba"));
    let mut tok = analyzer.tokenizer(if k == 2 { Mode::Query } else { Mode::Index });
    let mut secs = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let mut n = 0usize;
        for t in &texts {
            n += match (k, &jieba) {
                (0, Some(j)) => j.cut(black_box(t), true).len(),
                (3, Some(j)) => j.cut_for_search(black_box(t), true).len(),
                (1, _) => analyzer.cut(black_box(t)).len(),
                _ => {
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
        secs.push(started.elapsed().as_secs_f64());
    }
    println!("RESULT {}", mib / median(&mut secs));
}

fn main() {
    if let Some(k) = std::env::var("ANLI_AB_VARIANT")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        child(k);
        return;
    }
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(7);
    let me = std::env::current_exe().expect("own path");
    let mut mibs: Vec<Vec<f64>> = vec![Vec::new(); VARIANTS.len()];
    for round in 0..rounds {
        for (k, m) in mibs.iter_mut().enumerate() {
            let out = Command::new(&me)
                .env("ANLI_AB_VARIANT", k.to_string())
                .output()
                .expect("run a variant");
            let text = String::from_utf8_lossy(&out.stdout);
            let value = text
                .lines()
                .find_map(|l| l.strip_prefix("RESULT "))
                .and_then(|v| v.trim().parse::<f64>().ok())
                .unwrap_or_else(|| panic!("variant {k} failed: {text}"));
            m.push(value);
        }
        eprintln!("round {} of {rounds} done", round + 1);
    }
    println!("{rounds} rounds, one process per variant per round, 2 MiB × 5 passes each");
    for (k, (name, against)) in VARIANTS.iter().enumerate() {
        let mut ratios: Vec<f64> = (0..rounds)
            .map(|r| mibs[k][r] / mibs[*against][r])
            .collect();
        let mut speeds = mibs[k].clone();
        println!(
            "{name:<28} {:>6.1} MiB/s   {:.2}× {} (rounds: {})",
            median(&mut speeds),
            median(&mut ratios),
            VARIANTS[*against].0,
            ratios
                .iter()
                .map(|r| format!("{r:.2}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}
