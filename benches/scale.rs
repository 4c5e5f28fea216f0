//! Scale: index 25,000, 50,000 and 100,000 cases (the benchmark corpus repeated with distinct
//! ids) with the `anli` binary, and report time, documents/s and index size, to show the cost
//! grows linearly.
//!
//! `cargo bench --bench scale` (writes about 230 MB of cases to a temporary folder)

mod common;

use std::process::Command;
use std::time::Instant;

fn main() {
    let source = common::bench_corpus();
    let files: Vec<(String, String)> = anli::case::case_files(&source)
        .unwrap()
        .into_iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(&f).ok()?;
            let id = text
                .lines()
                .find_map(|l| l.strip_prefix("id:"))?
                .trim()
                .to_string();
            Some((id, text))
        })
        .collect();
    let work = tempfile::tempdir().unwrap();
    let corpus = work.path().join("corpus");
    let mut written = 0;
    println!(
        "{:>8} {:>9} {:>10} {:>10} {:>10}",
        "cases", "seconds", "cases/s", "MB/s", "index MB"
    );
    for target in [25_000usize, 50_000, 100_000] {
        // Grow the corpus to `target` cases; copies get ids `<id>-r<N>`.
        while written < target {
            let (id, text) = &files[written % files.len()];
            let round = written / files.len();
            let dir = corpus.join(format!("r{round}"));
            std::fs::create_dir_all(&dir).unwrap();
            let new_id = format!("{id}-r{round}");
            let body = text.replacen(&format!("id: {id}"), &format!("id: {new_id}"), 1);
            std::fs::write(dir.join(format!("{new_id}.md")), body).unwrap();
            written += 1;
        }
        let bytes: u64 = anli::case::case_files(&corpus)
            .unwrap()
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        let index = work.path().join(format!("index-{target}"));
        let started = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_anli"))
            .args(["-q", "index", "--full"])
            .env("ANLI_CORPUS", &corpus)
            .env("ANLI_INDEX", &index)
            .env("ANLI_SCHEMA", common::schema_dir())
            .status()
            .unwrap();
        let secs = started.elapsed().as_secs_f64();
        assert!(status.success());
        println!(
            "{target:>8} {secs:>9.2} {:>10.0} {:>10.2} {:>10.1}",
            target as f64 / secs,
            bytes as f64 / 1e6 / secs,
            anli::index::index_bytes(&index) as f64 / 1e6
        );
        let _ = std::fs::remove_dir_all(&index);
    }
}
