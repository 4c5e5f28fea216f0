//! Prebuild jieba's default dictionary (`data/jieba/dict.txt`) into the binary format that
//! `src/analysis/dict.rs` reads in place: a character-level double-array trie plus the frequency
//! tables. The file is embedded with `include_bytes!`, so at run time the dictionary is part of
//! the executable image — paged in on demand, never parsed, never inserted into a trie.
//!
//! It also turns jieba's HMM (`data/jieba/hmm.model`) into `jieba.hmm`. Both formats, and the
//! code that writes them, are in `src/analysis/format.rs`, which the library includes too.

use std::path::PathBuf;

// The format's reading side (`HEADER_BYTES`) is the library's.
#[allow(dead_code)]
#[path = "src/analysis/format.rs"]
mod format;

use format::{HMM_HAN_MAX, HMM_HAN_MIN, MIN_FLOAT};

#[path = "build/usem3.rs"]
mod usem3;

#[path = "build/t2s.rs"]
mod t2s;

fn main() {
    usem3::build();
    t2s::build();
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/analysis/format.rs");
    hmm();
    let source = "data/jieba/dict.txt";
    println!("cargo:rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let mut words: Vec<(&str, u32)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut parts = line.split_ascii_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq: u32 = parts.next().map_or(0, |f| {
            f.parse()
                .unwrap_or_else(|e| panic!("{source}:{}: {e}", n + 1))
        });
        words.push((word, freq));
    }
    std::fs::write(out_dir().join("jieba.dict"), format::dictionary(&words))
        .expect("write dictionary");
}

fn out_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"))
}

/// Read `data/jieba/hmm.model` the way jieba-rs's `generate_hmm_data!` does and write
/// `jieba.hmm`.
fn hmm() {
    let source = "data/jieba/hmm.model";
    println!("cargo:rerun-if-changed={source}");
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let floats = |line: &str| -> Vec<f64> {
        line.split_whitespace()
            .map(|v| v.parse().unwrap_or_else(|e| panic!("{source}: {v}: {e}")))
            .collect()
    };
    let mut lines = text.lines().skip_while(|l| l.starts_with('#'));
    let start = floats(lines.next().expect("start probabilities"));
    let trans: Vec<f64> = lines
        .by_ref()
        .skip_while(|l| l.starts_with('#'))
        .take_while(|l| !l.starts_with('#'))
        .flat_map(floats)
        .collect();
    let (Ok(start), Ok(trans)) = (<[f64; 4]>::try_from(start), <[f64; 16]>::try_from(trans)) else {
        panic!("{source}: 4 start, 4×4 transitions");
    };
    let len = (HMM_HAN_MAX - HMM_HAN_MIN + 1) as usize;
    let mut emit = vec![[MIN_FLOAT; 4]; len];
    for (state, line) in lines.filter(|l| !l.starts_with('#')).enumerate() {
        assert!(state < 4, "{source}: more than 4 emission lines");
        for pair in line.split(',') {
            let (ch, prob) = pair.split_once(':').expect("char:prob");
            let ch = ch.chars().next().expect("a character") as u32;
            if (HMM_HAN_MIN..=HMM_HAN_MAX).contains(&ch) {
                emit[(ch - HMM_HAN_MIN) as usize][state] = prob
                    .parse()
                    .unwrap_or_else(|e| panic!("{source}: {prob}: {e}"));
            }
        }
    }
    std::fs::write(
        out_dir().join("jieba.hmm"),
        format::hmm(&start, &trans, &emit),
    )
    .expect("write HMM");
}
