//! Case ids for imported cases: the title's first words in pinyin (`停车难有了新解法` →
//! `tingchenan-youle-xinjiefa`), never one already taken.

use std::collections::HashSet;

use pinyin::ToPinyin;

use crate::analysis::Analyzer;
use crate::case::front_matter::valid_id;

/// Longest id made (the id rule allows 100).
const MAX_LEN: usize = 48;

/// The pinyin of a word (ASCII letters and digits kept, lower-cased; other characters dropped).
fn word_pinyin(word: &str) -> String {
    let mut out = String::new();
    for (c, p) in word.chars().zip(word.to_pinyin()) {
        match p {
            Some(p) => out.push_str(p.plain()),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None => {}
        }
    }
    out
}

/// A slug of `title`, cut into words by `analyzer` when given (else character by character).
pub fn slug(title: &str, analyzer: Option<&Analyzer>) -> String {
    let words: Vec<&str> = match analyzer {
        Some(a) => a
            .cut(title)
            .into_iter()
            .map(|(s, e)| &title[s..e])
            .collect(),
        None => title.split_inclusive(|_| true).collect(),
    };
    let mut parts: Vec<String> = Vec::new();
    let mut len = 0;
    for w in words {
        let p = word_pinyin(w);
        if p.is_empty() {
            continue;
        }
        if len + p.len() + 1 > MAX_LEN && !parts.is_empty() {
            break;
        }
        len += p.len() + 1;
        parts.push(p);
        if parts.len() >= 5 {
            break;
        }
    }
    let mut s = parts.join("-");
    s.truncate(MAX_LEN);
    let s = s.trim_matches('-').to_string();
    if valid_id(&s) {
        s
    } else {
        "case".to_string()
    }
}

/// `base`, or `base-2`, `base-3` … whichever `taken` lacks; recorded as taken.
pub fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let mut id = base.to_string();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_pinyin_and_unique() {
        assert_eq!(slug("停车难", None), "ting-che-nan");
        assert_eq!(slug("12345热线", None), "1-2-3-4-5");
        assert_eq!(slug("！！", None), "case");
        let mut taken: HashSet<String> = ["a".to_string(), "a-2".to_string()].into();
        assert_eq!(unique("a", &mut taken), "a-3");
        assert!(taken.contains("a-3"));
    }
}
