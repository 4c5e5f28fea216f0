//! Process start to first answer: `anli search 停车难` on an existing index, against the time
//! jieba-rs takes to load its default dictionary alone (`Jieba::new()`), medians of 15 runs.
//!
//! `cargo bench --bench startup`

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let jieba: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            let j = jieba_rs::Jieba::new();
            std::hint::black_box(&j);
            t.elapsed()
        })
        .collect();
    let corpus = common::bench_corpus();
    let index = std::env::temp_dir().join("anli-bench-startup-index");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_anli"))
            .args(["-q", "search", "--json", "停车难"])
            .env("ANLI_CORPUS", &corpus)
            .env("ANLI_INDEX", &index)
            .env("ANLI_SCHEMA", common::schema_dir())
            .output()
            .unwrap()
    };
    assert!(run().status.success(), "first run builds the index");
    let anli: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            assert!(run().status.success());
            t.elapsed()
        })
        .collect();
    let (j, a) = (median(jieba), median(anli));
    println!(
        "jieba-rs Jieba::new() alone:            {:>7.1} ms",
        j.as_secs_f64() * 1e3
    );
    println!(
        "anli search 停车难 (process start→answer): {:>7.1} ms  ({:.2}× the dictionary load)",
        a.as_secs_f64() * 1e3,
        a.as_secs_f64() / j.as_secs_f64()
    );
}
