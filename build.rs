//! Prebuild jieba's default dictionary (`data/jieba/dict.txt`) into the binary format that
//! `src/analysis/dict.rs` reads in place: a character-level double-array trie plus the frequency
//! tables. The file is embedded with `include_bytes!`, so at run time the dictionary is part of
//! the executable image — paged in on demand, never parsed, never inserted into a trie.
//!
//! Layout (little-endian; every section starts at a multiple of 8 bytes):
//!
//! | bytes            | content                                                        |
//! |------------------|----------------------------------------------------------------|
//! | 8                | magic `ANLIDIC1`                                               |
//! | 8 × 4            | words, units, total frequency, character codes                 |
//! | 2 × 65,536       | code of each BMP character (0 = in no dictionary word)         |
//! | 4 × 4 × units    | double array: `base`, `check`, `word id + 1` (0 = no word),    |
//! |                  | and a 32-bit filter of the children's codes                    |
//! | 4 × words (pad)  | frequency of each word                                         |
//! | 8 × words        | `ln(frequency)` of each word                                   |
//!
//! Character codes are given by how often a character occurs in dictionary words, most
//! frequent first, so the children of busy nodes sit close together.
//!
//! It also turns jieba's HMM (`data/jieba/hmm.model`) into `jieba.hmm`: 4 start, 16 transition
//! and, for each character from U+4E00 to U+9FD5 (the range jieba's HMM covers), 4 emission
//! log-probabilities, all `f64`; a character the model lacks gets jieba's `MIN_FLOAT`.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

const MAGIC: &[u8; 8] = b"ANLIDIC1";
const NO_PARENT: u32 = u32::MAX;

#[path = "build/usem3.rs"]
mod usem3;

fn main() {
    usem3::build();
    hmm();
    let source = "data/jieba/dict.txt";
    println!("cargo:rerun-if-changed={source}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));

    // Words in file order; a word listed twice keeps its last id, as jieba-rs does, and both
    // frequencies count towards the total.
    let mut words: Vec<(&str, u32)> = Vec::new();
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut total: u64 = 0;
    for (n, line) in text.lines().enumerate() {
        let mut parts = line.split_ascii_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq: u32 = parts.next().map_or(0, |f| {
            f.parse()
                .unwrap_or_else(|e| panic!("{source}:{}: {e}", n + 1))
        });
        total += u64::from(freq);
        ids.insert(word, words.len() as u32);
        words.push((word, freq));
    }

    // Character codes, most frequent first.
    let mut counts: HashMap<char, u64> = HashMap::new();
    for (word, _) in &words {
        for c in word.chars() {
            *counts.entry(c).or_default() += 1;
        }
    }
    let mut chars: Vec<(char, u64)> = counts.into_iter().collect();
    chars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut code_of = vec![0u16; 0x1_0000];
    for (i, (c, _)) in chars.iter().enumerate() {
        assert!(
            (*c as u32) < 0x1_0000,
            "{c:?}: only BMP characters are supported"
        );
        code_of[*c as usize] = u16::try_from(i + 1).expect("fewer than 65,535 characters");
    }

    // Keys as code sequences, sorted, each with its word id.
    let mut keys: Vec<(Vec<u16>, u32)> = ids
        .iter()
        .map(|(w, &id)| (w.chars().map(|c| code_of[c as usize]).collect(), id))
        .collect();
    keys.sort_unstable();
    // Word ids in key order, so the words starting at one position of a text (中, 中国, 中国人)
    // have neighbouring ids and the route calculation finds their frequencies close together.
    let freqs: Vec<u32> = keys.iter().map(|&(_, id)| words[id as usize].1).collect();
    for (k, key) in keys.iter_mut().enumerate() {
        key.1 = k as u32;
    }

    let mut da = DoubleArray::new(chars.len());
    da.build(&keys);

    let mut out: Vec<u8> = Vec::with_capacity(16 << 20);
    out.extend_from_slice(MAGIC);
    for v in [
        freqs.len() as u64,
        da.units() as u64,
        total,
        chars.len() as u64,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for c in &code_of {
        out.extend_from_slice(&c.to_le_bytes());
    }
    // The filter: bit `filter_bit(code)` is set for each child's code, so a walk can tell that
    // most characters lead nowhere without loading the unit they would lead to.
    let mut filter = vec![0u32; da.units()];
    for (t, &parent) in da.check.iter().enumerate() {
        if parent < NO_PARENT - 1 {
            let code = t as u32 - da.base[parent as usize];
            filter[parent as usize] |= filter_bit(code);
        }
    }
    let units = da.base.iter().zip(&da.check).zip(&da.value).zip(&filter);
    for (((base, check), value), filter) in units {
        for v in [base, check, value, filter] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    pad8(&mut out);
    for f in &freqs {
        out.extend_from_slice(&f.to_le_bytes());
    }
    pad8(&mut out);
    for f in &freqs {
        out.extend_from_slice(&f64::from(*f).ln().to_bits().to_le_bytes());
    }

    let path = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("jieba.dict");
    let mut file = std::fs::File::create(&path).expect("create dictionary");
    file.write_all(&out).expect("write dictionary");
}

/// jieba's floor for a missing log-probability.
const MIN_FLOAT: f64 = -3.14e100;
/// The range of characters the HMM covers.
const HMM_HAN_MIN: u32 = 0x4E00;
const HMM_HAN_MAX: u32 = 0x9FD5;

/// Read `data/jieba/hmm.model` the way jieba-rs's `generate_hmm_data!` does and write
/// `jieba.hmm` (see the module documentation).
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
    assert_eq!(
        (start.len(), trans.len()),
        (4, 16),
        "{source}: 4 start, 4×4 transitions"
    );
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
    let mut out = Vec::with_capacity(8 * (20 + 4 * len));
    for v in start.iter().chain(&trans).chain(emit.iter().flatten()) {
        out.extend_from_slice(&v.to_bits().to_le_bytes());
    }
    let path = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("jieba.hmm");
    std::fs::write(&path, out).expect("write HMM");
}

/// The filter bit of a character code; `src/analysis/dict.rs` has the same function.
fn filter_bit(code: u32) -> u32 {
    1 << (code.wrapping_mul(0x9E37_79B1) >> 27)
}

fn pad8(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(8) {
        out.push(0);
    }
}

/// A double-array trie under construction: node `s` has a child on code `c` at `t = base[s] + c`
/// when `check[t] == s`. The root is unit 0.
struct DoubleArray {
    base: Vec<u32>,
    check: Vec<u32>,
    value: Vec<u32>,
    /// Every unit below this one is in use.
    first_free: usize,
    /// Where the search for each size class of node starts (see `find_base`).
    scan_from: [usize; 33],
    alphabet: usize,
}

impl DoubleArray {
    fn new(alphabet: usize) -> DoubleArray {
        DoubleArray {
            base: vec![0],
            check: vec![NO_PARENT - 1],
            value: vec![0],
            first_free: 1,
            scan_from: [0; 33],
            alphabet,
        }
    }

    fn units(&self) -> usize {
        self.base.len()
    }

    fn grow(&mut self, len: usize) {
        if len > self.base.len() {
            self.base.resize(len, 0);
            self.check.resize(len, NO_PARENT);
            self.value.resize(len, 0);
        }
    }

    fn is_free(&self, t: usize) -> bool {
        t >= self.check.len() || self.check[t] == NO_PARENT
    }

    /// Insert the sorted `keys`, depth first.
    fn build(&mut self, keys: &[(Vec<u16>, u32)]) {
        // (node, range of keys below it, depth)
        let mut stack: Vec<(usize, usize, usize, usize)> = vec![(0, 0, keys.len(), 0)];
        let mut labels: Vec<(u16, usize, usize)> = Vec::new();
        while let Some((node, lo, hi, depth)) = stack.pop() {
            let mut i = lo;
            // The key that ends here sorts first.
            if i < hi && keys[i].0.len() == depth {
                self.value[node] = keys[i].1 + 1;
                i += 1;
            }
            labels.clear();
            while i < hi {
                let c = keys[i].0[depth];
                let start = i;
                while i < hi && keys[i].0[depth] == c {
                    i += 1;
                }
                labels.push((c, start, i));
            }
            if labels.is_empty() {
                continue;
            }
            let base = self.find_base(&labels);
            self.base[node] = base as u32;
            for &(c, _, _) in &labels {
                let t = base + c as usize;
                self.grow(t + 1);
                self.check[t] = node as u32;
            }
            while self.first_free < self.check.len() && self.check[self.first_free] != NO_PARENT {
                self.first_free += 1;
            }
            for &(c, start, end) in labels.iter().rev() {
                stack.push((base + c as usize, start, end, depth + 1));
            }
        }
        // Room for a lookup of any code past the last unit.
        let len = self.base.len() + self.alphabet + 1;
        self.grow(len);
    }

    /// A base at which every child label lands on a free unit.
    ///
    /// A node with many children rarely fits into the crowded low part of the array, and
    /// testing every candidate there would make building quadratic. So the search for a node
    /// with `n` children starts where the last node of its size class (by `log2 n`) was placed:
    /// the array only fills up, so a place that was full then is full now.
    fn find_base(&mut self, labels: &[(u16, usize, usize)]) -> usize {
        let first = labels[0].0 as usize;
        let class = (usize::BITS - labels.len().leading_zeros()) as usize;
        let mut t = self.first_free.max(self.scan_from[class]).max(first + 1);
        loop {
            if self.is_free(t) {
                let base = t - first;
                if labels[1..]
                    .iter()
                    .all(|&(c, _, _)| self.is_free(base + c as usize))
                {
                    self.scan_from[class] = t;
                    return base;
                }
            }
            t += 1;
        }
    }
}
