//! Run one indexing pipeline once over a corpus and print what it cost, as JSON:
//! seconds, documents, bytes, MB/s, documents/s, peak memory (VmHWM) and index size.
//!
//! ```sh
//! cargo run --release --example pipeline -- anli ../shared/bench/corpus /tmp/idx-anli
//! cargo run --release --example pipeline -- tantivy-jieba ../shared/bench/corpus /tmp/idx-peer
//! ```
//!
//! `anli` is the product's keyword pipeline (parse the Markdown cases, segment, index the full
//! schema, commit; `anli index --keywords-only`); `anli-vectors` adds the meaning vectors of
//! every case (`anli index` on a new index folder). `tantivy-jieba` is what a tantivy user would write: tantivy-jieba's `JiebaTokenizer`,
//! one `IndexWriter` with a 50 MB budget, a title and a body field.

use std::path::Path;

#[path = "../benches/peer.rs"]
mod peer;
use std::time::Instant;

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() {
    if std::env::var_os("ANLI_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("ANLI_LOG"))
            .with_writer(std::io::stderr)
            .init();
    }
    let args: Vec<String> = std::env::args().collect();
    let (Some(which), Some(corpus), Some(index)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: pipeline anli|anli-vectors|tantivy-jieba CORPUS_DIR INDEX_DIR");
        std::process::exit(2);
    };
    let corpus = Path::new(corpus);
    let index = Path::new(index);
    let _ = std::fs::remove_dir_all(index);
    std::fs::create_dir_all(index).expect("index dir");
    // The corpus size, for MB/s; anli's pipeline does not need it, so it is counted before the
    // clock starts (the peer's loop reads every file anyway and counts as it goes).
    let corpus_bytes: u64 = anli::case::case_files(corpus)
        .expect("corpus")
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let started = Instant::now();
    let (docs, bytes) = match which.as_str() {
        "anli" | "anli-vectors" => {
            let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
            let lib = anli::Library::open(corpus, index, &schema).expect("library");
            let report = lib
                .index(
                    &anli::index::IndexOptions {
                        full: true,
                        keywords_only: which == "anli",
                        ..Default::default()
                    },
                    &anli::index::NoProgress,
                )
                .expect("index");
            (report.total, corpus_bytes)
        }
        "tantivy-jieba" => peer::index(corpus, index),
        other => {
            eprintln!("unknown pipeline {other}");
            std::process::exit(2);
        }
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "pipeline": which,
            "seconds": (secs * 1000.0).round() / 1000.0,
            "docs": docs,
            "bytes": bytes,
            "mb_per_s": ((bytes as f64 / 1e6 / secs) * 100.0).round() / 100.0,
            "docs_per_s": (docs as f64 / secs).round(),
            "peak_rss_mb": peak_rss_kb() / 1024,
            "index_mb": ((anli::index::index_bytes(index) as f64 / 1e6) * 10.0).round() / 10.0,
        })
    );
}
