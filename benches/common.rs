//! Bench inputs: the benchmark corpus in `../shared/bench/corpus` when present, else the
//! bundled corpus (with a printed note).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn bench_corpus() -> PathBuf {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/corpus");
    if shared.is_dir() {
        shared
    } else {
        eprintln!(
            "note: {} not found (only CI and developers have ../shared); benchmarking the bundled corpus instead",
            shared.display()
        );
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
    }
}

pub fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema")
}

/// Case bodies (front matter removed) of the bench corpus, up to `max_bytes` in all.
pub fn texts(max_bytes: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut total = 0;
    for file in anli::case::case_files(&bench_corpus()).expect("bench corpus readable") {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let body = text.splitn(3, "---\n").nth(2).unwrap_or(&text).to_string();
        total += body.len();
        out.push(body);
        if total >= max_bytes {
            break;
        }
    }
    out
}
