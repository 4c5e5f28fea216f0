//! Character normalization applied before segmentation, on both the index and the query side.
//!
//! Full-width ASCII forms (`Ａ`, `１２３４５`, `，`) become their half-width forms, the ideographic
//! space becomes a space, letters are lower-cased, and traditional characters become simplified
//! ones ([`super::fold`]: `停車難` → `停车难`). Every character maps to exactly one character, so a word found in the normalized text covers the same characters of the original;
//! only byte lengths change (a full-width form is 3 bytes, its half-width form 1). [`Normalized`]
//! records where they change so that offsets in the normalized text map back to byte offsets in
//! the original, which is what highlighting needs.

use super::fold::{fold_char, folds, folds_cjk};

/// Normalize one character: full-width → half-width, lower-case letters, traditional →
/// simplified.
#[inline]
pub fn normalize_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => fold_char(c),
    };
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else if c.is_uppercase() {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    } else {
        c
    }
}

/// Whether `c` is changed by [`normalize_char`]. Cheap enough to scan whole texts with.
#[inline]
fn needs_change(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else if c >= '\u{3000}' {
        // CJK and everything after it: only the full-width forms, the ideographic space and
        // traditional characters change (no letter case up there but the full-width Latin,
        // inside that range).
        matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}')
            || (('\u{A640}'..'\u{AB00}').contains(&c) && c.is_uppercase())
            || folds(c)
    } else {
        c.is_uppercase()
    }
}

/// Byte offset of the first character at or after byte `from` (a character boundary) that
/// [`normalize_char`] changes. Scans bytes: ASCII is tested directly, and in U+3000–U+9FFF (lead
/// bytes E3–E9: CJK punctuation and ideographs, where only the ideographic space and the
/// traditional characters change) the code point is read off the three bytes and tested against
/// the folding bit set, so ordinary Chinese text is never decoded into `char`s.
#[inline]
fn next_change(s: &str, from: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            if b.is_ascii_uppercase() {
                return Some(i);
            }
            i += 1;
        } else if (0xE3..=0xE9).contains(&b) {
            let (Some(&b1), Some(&b2)) = (bytes.get(i + 1), bytes.get(i + 2)) else {
                return None;
            };
            let cp =
                (u32::from(b & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            if cp == 0x3000 || folds_cjk(cp) {
                return Some(i);
            }
            i += 3;
        } else {
            let c = s.get(i..)?.chars().next()?;
            if needs_change(c) {
                return Some(i);
            }
            i += c.len_utf8();
        }
    }
    None
}

/// A normalized copy of a text with the map back to the original's byte offsets.
///
/// Reused across calls (see [`Normalized::normalize`]) so that tokenizing many documents does
/// not allocate once per document.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    text: String,
    /// `(normalized byte offset, original - normalized)` after each character whose byte
    /// length changed, in increasing order. Empty when the two texts have the same layout.
    shifts: Vec<(u32, i64)>,
    /// True when `text` is a copy; false when the input needed no change (then `text` is empty
    /// and callers use the input itself).
    copied: bool,
}

impl Normalized {
    /// Normalize `input` into this buffer, replacing what it held.
    pub fn normalize(&mut self, input: &str) {
        self.text.clear();
        self.shifts.clear();
        let Some(mut at) = next_change(input, 0) else {
            self.copied = false;
            return;
        };
        self.copied = true;
        self.text.reserve(input.len());
        let mut delta: i64 = 0;
        // Copy unchanged runs in bulk; only changed characters are re-encoded.
        let mut copied_to = 0;
        while let Some(c) = input.get(at..).and_then(|rest| rest.chars().next()) {
            self.text.push_str(&input[copied_to..at]);
            let n = normalize_char(c);
            self.text.push(n);
            copied_to = at + c.len_utf8();
            let diff = c.len_utf8() as i64 - n.len_utf8() as i64;
            if diff != 0 {
                delta += diff;
                self.shifts.push((self.text.len() as u32, delta));
            }
            match next_change(input, copied_to) {
                Some(next) => at = next,
                None => break,
            }
        }
        self.text.push_str(&input[copied_to..]);
    }

    /// The normalized text; `input` must be the text last passed to [`Normalized::normalize`].
    #[inline]
    pub fn text<'a>(&'a self, input: &'a str) -> &'a str {
        if self.copied {
            &self.text
        } else {
            input
        }
    }

    /// Like [`Normalized::to_original`] for offsets that mostly increase: `cursor` remembers
    /// where the last lookup ended, so a pass over a text costs O(tokens + shifts).
    #[inline]
    pub fn to_original_from(&self, cursor: &mut usize, offset: usize) -> usize {
        if self.shifts.is_empty() {
            return offset;
        }
        if *cursor > 0 && self.shifts[*cursor - 1].0 as usize > offset {
            // Went backwards: start over.
            *cursor = self
                .shifts
                .partition_point(|&(at, _)| at as usize <= offset);
        } else {
            while *cursor < self.shifts.len() && self.shifts[*cursor].0 as usize <= offset {
                *cursor += 1;
            }
        }
        if *cursor == 0 {
            offset
        } else {
            (offset as i64 + self.shifts[*cursor - 1].1) as usize
        }
    }

    /// Map a byte offset in the normalized text (on a character boundary) to the byte offset of
    /// the same character boundary in the original text.
    #[inline]
    pub fn to_original(&self, offset: usize) -> usize {
        if self.shifts.is_empty() {
            return offset;
        }
        let i = self
            .shifts
            .partition_point(|&(at, _)| at as usize <= offset);
        if i == 0 {
            offset
        } else {
            (offset as i64 + self.shifts[i - 1].1) as usize
        }
    }
}

/// Normalize a short string (a query word, a synonym, a topic alias) into a new `String`.
pub fn normalize_str(s: &str) -> String {
    s.chars().map(normalize_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_finds_the_first_change() {
        for text in [
            "",
            "社区停车难",
            "社区ＡＢＣ停车",
            "停车 Parking",
            "老旧小区\u{3000}加梯",
            "Éé小区",
            "小区Ꙁꙁ",
            "😀小区１２",
            "全部是中文没有变化的字符。，！",
            "停車難",
            "社区加裝電梯",
            "\u{3000}業委會",
        ] {
            let expected = text
                .char_indices()
                .find(|&(_, c)| needs_change(c))
                .map(|(i, _)| i);
            assert_eq!(next_change(text, 0), expected, "{text}");
            // From every character boundary, too.
            for (from, _) in text.char_indices() {
                let expected = text[from..]
                    .char_indices()
                    .find(|&(_, c)| needs_change(c))
                    .map(|(i, _)| from + i);
                assert_eq!(next_change(text, from), expected, "{text} from {from}");
            }
        }
    }

    #[test]
    fn full_width_becomes_half_width_and_lower_case() {
        assert_eq!(normalize_str("拨打１２３４５热线"), "拨打12345热线");
        assert_eq!(normalize_str("ＡＢＣ小区Ｗｉｆｉ"), "abc小区wifi");
        assert_eq!(normalize_str("停车难，怎么办？"), "停车难,怎么办?");
        assert_eq!(normalize_str("居民\u{3000}议事会"), "居民 议事会");
        assert_eq!(normalize_str("PM2.5 与 ΑΒΓ"), "pm2.5 与 αβγ");
    }

    #[test]
    fn traditional_characters_fold_and_keep_their_offsets() {
        assert_eq!(normalize_str("停車難"), "停车难");
        let mut n = Normalized::default();
        let input = "小區加裝電梯，ＡＢ棟";
        n.normalize(input);
        let norm = n.text(input).to_string();
        assert_eq!(norm, "小区加装电梯,ab栋");
        let s = norm.find("加装电梯").unwrap();
        let e = s + "加装电梯".len();
        assert_eq!(&input[n.to_original(s)..n.to_original(e)], "加裝電梯");
        let s = norm.find("ab").unwrap();
        assert_eq!(&input[n.to_original(s)..n.to_original(s + 2)], "ＡＢ");
    }

    #[test]
    fn chinese_text_is_not_copied() {
        let mut n = Normalized::default();
        let input = "老旧小区加装电梯";
        n.normalize(input);
        assert_eq!(n.text(input), input);
        assert_eq!(n.to_original(6), 6);
    }

    #[test]
    fn offsets_map_back_to_the_original() {
        let mut n = Normalized::default();
        let input = "拨打１２３４５后，社区Ａ栋";
        n.normalize(input);
        let norm = n.text(input).to_string();
        assert_eq!(norm, "拨打12345后,社区a栋");
        // "12345" in the normalized text ...
        let s = norm.find("12345").unwrap();
        let e = s + "12345".len();
        // ... is "１２３４５" in the original.
        assert_eq!(&input[n.to_original(s)..n.to_original(e)], "１２３４５");
        let s = norm.find("社区").unwrap();
        assert_eq!(
            &input[n.to_original(s)..n.to_original(s + "社区".len())],
            "社区"
        );
        let s = norm.find('a').unwrap();
        assert_eq!(&input[n.to_original(s)..n.to_original(s + 1)], "Ａ");
        assert_eq!(n.to_original(norm.len()), input.len());
        // The cursor version agrees, forwards and backwards.
        let mut cursor = 0;
        for off in [0, 3, 6, 11, 14, 6, 0, norm.len()] {
            assert_eq!(
                n.to_original_from(&mut cursor, off),
                n.to_original(off),
                "offset {off}"
            );
        }
    }
}
