//! The traditional → simplified character table the analyzer folds with
//! (`src/analysis/fold.rs`): OpenCC's `t2s` conversion (the `ferrous-opencc` crate) asked once
//! for every CJK ideograph, keeping those it turns into one other character. Written to
//! `OUT_DIR/t2s.bin` as sorted little-endian `(from, to)` pairs of `u32`; its content hash goes
//! to `ANLI_T2S_HASH`, which is part of the index fingerprint.

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

/// The ideograph blocks asked: Extension A, the unified block, the compatibility ideographs and
/// the supplementary planes' extensions.
const RANGES: &[(u32, u32)] = &[
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
];

pub fn build() {
    println!("cargo:rerun-if-changed=build/t2s.rs");
    let opencc = OpenCC::from_config(BuiltinConfig::T2s).expect("OpenCC t2s loads");
    let mut bytes = Vec::new();
    let mut pairs = 0usize;
    for &(lo, hi) in RANGES {
        for cp in lo..=hi {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let mut buf = [0u8; 4];
            let converted = opencc.convert(c.encode_utf8(&mut buf));
            let mut chars = converted.chars();
            if let (Some(to), None) = (chars.next(), chars.next()) {
                if to != c {
                    bytes.extend_from_slice(&cp.to_le_bytes());
                    bytes.extend_from_slice(&(to as u32).to_le_bytes());
                    pairs += 1;
                }
            }
        }
    }
    assert!(pairs > 2000, "OpenCC's t2s table has {pairs} characters");
    std::fs::write(super::out_dir().join("t2s.bin"), &bytes).expect("write t2s.bin");
    let hash = content_hash(&bytes);
    println!("cargo:rustc-env=ANLI_T2S_HASH={hash}");
}

/// A short content hash (FNV-1a 64, hex): enough to tell table versions apart.
fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}
