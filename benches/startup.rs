//! Process start to first answer: `anli search 停车难` on an existing index, against the time
//! jieba-rs takes to load its default dictionary alone, medians of 15 runs. The dictionary load
//! is measured two ways: `Jieba::new()` repeated inside one warm process, and a fresh process
//! that only calls `Jieba::new()` and exits (this bench re-runs itself for that), which pays the
//! same process start and cold memory as `anli search` does. Also shown: anli's own analyzer
//! load (the prebuilt dictionary plus `schema/dict.txt` and the stop words) in a warm process.
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
    if std::env::var_os("ANLI_BENCH_JIEBA_ONLY").is_some() {
        let jieba = jieba_rs::Jieba::new();
        std::hint::black_box(&jieba);
        // Exit without freeing the dictionary, as anli does (its analyzer lives in a static).
        std::process::exit(0);
    }
    let me = std::env::current_exe().expect("own path");
    let jieba_process: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            let o = Command::new(&me)
                .env("ANLI_BENCH_JIEBA_ONLY", "1")
                .output()
                .unwrap();
            assert!(o.status.success());
            t.elapsed()
        })
        .collect();
    let jieba: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            let j = jieba_rs::Jieba::new();
            std::hint::black_box(&j);
            t.elapsed()
        })
        .collect();
    let files = anli::resources::SchemaFiles::load(&common::schema_dir()).expect("schema files");
    let ours: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            let a = anli::analysis::Analyzer::load(&files.dict, &files.stopwords).expect("load");
            std::hint::black_box(&a);
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
    let (j, jp, a) = (median(jieba), median(jieba_process), median(anli));
    println!(
        "anli Analyzer::load() in a warm process:   {:>7.1} ms  (prebuilt dictionary + schema/dict.txt)",
        median(ours).as_secs_f64() * 1e3
    );
    println!(
        "jieba-rs Jieba::new() in a warm process:   {:>7.1} ms",
        j.as_secs_f64() * 1e3
    );
    println!(
        "a process that only runs Jieba::new():     {:>7.1} ms",
        jp.as_secs_f64() * 1e3
    );
    println!(
        "anli search 停车难 (process start→answer): {:>7.1} ms  ({:.2}× the warm load, {:.2}× the load-only process)",
        a.as_secs_f64() * 1e3,
        a.as_secs_f64() / j.as_secs_f64(),
        a.as_secs_f64() / jp.as_secs_f64()
    );
}
