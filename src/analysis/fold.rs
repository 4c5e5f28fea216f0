//! Traditional → simplified folding, character by character: `停車難` is searched, indexed and
//! highlighted as `停车难`.
//!
//! The table is OpenCC's `t2s` conversion asked once per ideograph at build time (`build/t2s.rs`,
//! the `ferrous-opencc` crate), keeping the characters it turns into one other character; where
//! OpenCC keeps a character that is also simplified (`乾`, `瞭`, `藉`) it is kept here too. One
//! character always becomes one character, so a word found in the folded text covers the same
//! characters of the original and highlighting keeps its offsets ([`super::Normalized`]).
//! Phrase-level conversions (which OpenCC applies to a few hundred words) are not needed for
//! matching: the index and the query fold alike.

use std::sync::OnceLock;

/// `(traditional, simplified)` code points, sorted, as little-endian `u32` pairs.
static TABLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/t2s.bin"));

/// Names the table; part of the index fingerprint (a new table rebuilds the index).
pub const T2S_HASH: &str = env!("ANLI_T2S_HASH");

/// First code point of the bit set: CJK Extension A.
const BITS_FROM: u32 = 0x3400;
/// One past its last: the end of the unified block.
const BITS_TO: u32 = 0xA000;

struct Fold {
    /// One bit per code point in `BITS_FROM..BITS_TO`: whether it folds (the common case, a
    /// character of running Chinese text, is one bit test).
    bits: Vec<u64>,
    /// Every pair, sorted by the traditional character.
    pairs: Vec<(u32, u32)>,
}

fn table() -> &'static Fold {
    static FOLD: OnceLock<Fold> = OnceLock::new();
    FOLD.get_or_init(|| {
        let word = |b: &[u8]| b.try_into().map(u32::from_le_bytes).unwrap_or(0);
        let mut pairs: Vec<(u32, u32)> = TABLE
            .chunks_exact(8)
            .map(|p| (word(&p[..4]), word(&p[4..])))
            .collect();
        pairs.sort_unstable();
        let mut bits = vec![0u64; ((BITS_TO - BITS_FROM) as usize).div_ceil(64)];
        for &(from, _) in &pairs {
            if (BITS_FROM..BITS_TO).contains(&from) {
                let i = (from - BITS_FROM) as usize;
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        Fold { bits, pairs }
    })
}

/// Whether the character with code point `cp` in `U+3000..=U+9FFF` folds (one bit test).
#[inline]
pub(super) fn folds_cjk(cp: u32) -> bool {
    if !(BITS_FROM..BITS_TO).contains(&cp) {
        return false;
    }
    let i = (cp - BITS_FROM) as usize;
    table()
        .bits
        .get(i / 64)
        .is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// Whether `c` folds to another character.
#[inline]
pub(super) fn folds(c: char) -> bool {
    let cp = c as u32;
    if cp < BITS_TO {
        folds_cjk(cp)
    } else {
        // Compatibility ideographs and the supplementary planes: rare, searched.
        ((0xF900..=0xFAFF).contains(&cp) || cp >= 0x20000) && lookup(cp).is_some()
    }
}

fn lookup(cp: u32) -> Option<char> {
    let pairs = &table().pairs;
    pairs
        .binary_search_by_key(&cp, |p| p.0)
        .ok()
        .and_then(|i| char::from_u32(pairs[i].1))
}

/// The simplified form of `c` (itself when it has none).
#[inline]
pub fn fold_char(c: char) -> char {
    let cp = c as u32;
    if cp < BITS_FROM || (cp < BITS_TO && !folds_cjk(cp)) {
        return c;
    }
    lookup(cp).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        s.chars().map(fold_char).collect()
    }

    #[test]
    fn traditional_characters_fold_to_simplified_ones() {
        assert_eq!(fold("停車難"), "停车难");
        assert_eq!(fold("加裝電梯"), "加装电梯");
        assert_eq!(fold("業委會換屆"), "业委会换届");
        assert_eq!(fold("垃圾分類與物業服務"), "垃圾分类与物业服务");
        // Simplified text and everything else is left alone.
        for s in ["停车难，加装电梯", "abc 123", "小区里的干部", "著名"] {
            assert_eq!(fold(s), s);
        }
        assert!(table().pairs.len() > 2000);
        assert!(folds('車') && !folds('车') && !folds('a'));
    }

    #[test]
    fn the_bit_set_agrees_with_the_pairs() {
        for &(from, to) in &table().pairs {
            let c = char::from_u32(from).unwrap();
            assert!(folds(c), "{c}");
            assert_eq!(fold_char(c) as u32, to);
        }
    }
}
