//! The format of the prebuilt segmentation tables, written by `build.rs` and read in place by
//! [`super::dict`] and [`super::hmm`]. This file is the one definition of both: `build.rs`
//! includes it with `#[path]`, so it uses nothing but `std`.
//!
//! The dictionary (`jieba.dict`; little-endian, every section starts at a multiple of 8 bytes):
//!
//! | bytes            | content                                                        |
//! |------------------|----------------------------------------------------------------|
//! | 8                | [`MAGIC`]                                                      |
//! | 8 × 4            | words, units, total frequency, character codes                 |
//! | 2 × 65,536       | code of each BMP character (0 = in no dictionary word)         |
//! | 4 × 4 × units    | double array: `base`, `check`, `word id + 1` (0 = no word),    |
//! |                  | and a 32-bit filter of the children's codes ([`filter_bit`])   |
//! | 4 × words (pad)  | frequency of each word                                         |
//! | 8 × words        | `ln(frequency)` of each word                                   |
//!
//! Character codes are given by how often a character occurs in dictionary words, most
//! frequent first, so the children of busy nodes sit close together. Word ids follow the sorted
//! keys, so the words starting at one position of a text (中, 中国, 中国人) have neighbouring ids.
//!
//! The HMM (`jieba.hmm`): 4 start, 16 transition and, for each character from [`HMM_HAN_MIN`]
//! to [`HMM_HAN_MAX`] (the range jieba's HMM covers), 4 emission log-probabilities, all `f64`;
//! a character the model lacks gets jieba's [`MIN_FLOAT`].

use std::collections::HashMap;

/// The first 8 bytes of the dictionary.
pub const MAGIC: &[u8; 8] = b"ANLIDIC1";
/// Bytes before the first table: the magic and four `u64` counts.
pub const HEADER_BYTES: usize = 40;
/// Entries of the character code table: one per BMP character.
pub const CODE_TABLE_LEN: usize = 0x1_0000;

/// jieba's floor for a missing log-probability.
pub const MIN_FLOAT: f64 = -3.14e100;
/// The first character the HMM covers.
pub const HMM_HAN_MIN: u32 = 0x4E00;
/// The last character the HMM covers.
pub const HMM_HAN_MAX: u32 = 0x9FD5;

/// The bit a character code sets in its parent's filter, so a walk can tell that most
/// characters lead nowhere without loading the unit they would lead to.
#[inline(always)]
pub fn filter_bit(code: u32) -> u32 {
    1 << (code.wrapping_mul(0x9E37_79B1) >> 27)
}

/// `len` rounded up to the next section boundary.
pub const fn pad8(len: usize) -> usize {
    len.next_multiple_of(8)
}

/// `check` of a free unit.
const NO_PARENT: u32 = u32::MAX;

/// The dictionary file for `words` (in file order, with their frequencies). A word listed twice
/// keeps its last id, as jieba-rs does, and both frequencies count towards the total.
pub fn dictionary(words: &[(&str, u32)]) -> Vec<u8> {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut total: u64 = 0;
    for (i, &(word, freq)) in words.iter().enumerate() {
        total += u64::from(freq);
        ids.insert(word, i as u32);
    }

    // Character codes, most frequent first.
    let mut counts: HashMap<char, u64> = HashMap::new();
    for (word, _) in words {
        for c in word.chars() {
            *counts.entry(c).or_default() += 1;
        }
    }
    let mut chars: Vec<(char, u64)> = counts.into_iter().collect();
    chars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut code_of = vec![0u16; CODE_TABLE_LEN];
    for (i, (c, _)) in chars.iter().enumerate() {
        assert!(
            (*c as usize) < CODE_TABLE_LEN,
            "{c:?}: only BMP characters are supported"
        );
        code_of[*c as usize] = u16::try_from(i + 1).expect("fewer than 65,535 characters");
    }

    // Keys as code sequences, sorted, each with its word id; then ids in key order.
    let mut keys: Vec<(Vec<u16>, u32)> = ids
        .iter()
        .map(|(w, &id)| (w.chars().map(|c| code_of[c as usize]).collect(), id))
        .collect();
    keys.sort_unstable();
    let freqs: Vec<u32> = keys.iter().map(|&(_, id)| words[id as usize].1).collect();
    for (k, key) in keys.iter_mut().enumerate() {
        key.1 = k as u32;
    }

    let mut da = DoubleArray::new(chars.len());
    da.build(&keys);

    let mut out: Vec<u8> = Vec::with_capacity(16 * da.units() + 12 * freqs.len() + 200_000);
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
    out.resize(pad8(out.len()), 0);
    for f in &freqs {
        out.extend_from_slice(&f.to_le_bytes());
    }
    out.resize(pad8(out.len()), 0);
    for f in &freqs {
        out.extend_from_slice(&f64::from(*f).ln().to_bits().to_le_bytes());
    }
    out
}

/// The HMM file: `start` and `trans` probabilities, then `emit[c - HMM_HAN_MIN]` for every
/// character of the range.
pub fn hmm(start: &[f64; 4], trans: &[f64; 16], emit: &[[f64; 4]]) -> Vec<u8> {
    assert_eq!(emit.len(), (HMM_HAN_MAX - HMM_HAN_MIN + 1) as usize);
    let mut out = Vec::with_capacity(8 * (20 + 4 * emit.len()));
    for v in start.iter().chain(trans).chain(emit.iter().flatten()) {
        out.extend_from_slice(&v.to_bits().to_le_bytes());
    }
    out
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
