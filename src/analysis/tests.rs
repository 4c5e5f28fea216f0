//! The analyzer's modes, offsets, positions and stop words.

use super::*;
use crate::resources::SchemaFiles;
use tantivy::tokenizer::{TokenStream, Tokenizer};

fn analyzer() -> Arc<Analyzer> {
    Analyzer::shared(&SchemaFiles::builtin()).expect("built-in schema files load")
}

fn texts(words: &[Word]) -> Vec<&str> {
    words.iter().map(|w| w.text.as_str()).collect()
}

#[test]
fn governance_words_are_kept_whole() {
    let a = analyzer();
    for word in [
        "停车难",
        "加装电梯",
        "业委会",
        "接诉即办",
        "12345",
        "飞线充电",
        "撤桶并点",
        "书记教书记",
    ] {
        let words = a.words(&format!("社区{word}问题"), Mode::Precise);
        assert!(
            texts(&words).contains(&word),
            "{word} cut as {:?}",
            texts(&words)
        );
    }
}

#[test]
fn precise_mode_keeps_punctuation_drops_spaces_and_has_byte_offsets() {
    let a = analyzer();
    let text = "老旧小区 停车难，怎么办？";
    let words = a.words(text, Mode::Precise);
    assert_eq!(
        texts(&words),
        vec!["老旧小区", "停车难", "，", "怎么办", "？"]
    );
    for w in &words {
        assert_eq!(
            &text[w.start..w.end],
            w.text,
            "offsets are byte offsets into the original"
        );
    }
}

#[test]
fn query_mode_normalizes_and_drops_stop_words_keeping_positions() {
    let a = analyzer();
    let text = "小区的停车难怎么办？拨打１２３４５";
    let words = a.words(text, Mode::Query);
    assert_eq!(texts(&words), vec!["小区", "停车难", "拨打", "12345"]);
    let pos: Vec<_> = words.iter().map(|w| w.position).collect();
    // 的 (position 1) and 怎么办 (3) are stop words: their positions stay empty.
    assert_eq!(pos, vec![0, 2, 4, 5]);
    // The full-width digits map back to their 15 bytes in the original.
    let last = &words[3];
    assert_eq!(&text[last.start..last.end], "１２３４５");
}

#[test]
fn index_mode_puts_inner_words_at_the_words_position() {
    let a = analyzer();
    let text = "推动老旧小区加装电梯";
    let words = a.words(text, Mode::Index);
    let got: Vec<(&str, usize)> = words
        .iter()
        .map(|w| (w.text.as_str(), w.position))
        .collect();
    assert!(got.contains(&("电梯", 2)), "{got:?}");
    assert!(got.contains(&("加装", 2)), "{got:?}");
    assert!(got.contains(&("加装电梯", 2)), "{got:?}");
    assert!(got.contains(&("老旧小区", 1)), "{got:?}");
    assert!(got.contains(&("小区", 1)), "{got:?}");
    assert_eq!(got[0], ("推动", 0));
    for w in &words {
        assert_eq!(&text[w.start..w.end], w.text);
    }
    // The whole words, in order, are the query-mode words: phrases line up.
    let query = a.words(text, Mode::Query);
    for q in &query {
        assert!(
            words
                .iter()
                .any(|w| w.text == q.text && w.position == q.position),
            "{q:?}"
        );
    }
}

#[test]
fn tantivy_token_stream_reports_offsets_and_positions() {
    let a = analyzer();
    let mut tok = a.tokenizer(Mode::Index);
    let text = "楼道里飞线充电，ＡＢＣ小区";
    let mut stream = tok.token_stream(text);
    let mut seen = Vec::new();
    while stream.advance() {
        let t = stream.token();
        assert_eq!(
            crate::analysis::normalize_str(&text[t.offset_from..t.offset_to]),
            t.text,
            "offsets cover the token in the original text"
        );
        seen.push((t.text.clone(), t.position));
    }
    let words: Vec<&str> = seen.iter().map(|(t, _)| t.as_str()).collect();
    assert!(words.contains(&"飞线充电"), "{seen:?}");
    assert!(words.contains(&"充电"), "{seen:?}");
    assert!(words.contains(&"abc"), "{seen:?}");
    // Positions never go backwards.
    assert!(seen.windows(2).all(|w| w[0].1 <= w[1].1), "{seen:?}");
    // A clone shares the analyzer and gives the same tokens.
    let mut again = tok.clone();
    let mut s2 = again.token_stream(text);
    let mut n = 0;
    while s2.advance() {
        n += 1;
    }
    assert_eq!(n, seen.len());
}

#[test]
fn odd_input_does_not_panic() {
    let a = analyzer();
    for text in [
        "",
        " ",
        "\n\r\n",
        "！！！",
        "😀🏠停车",
        "a\u{0}b",
        &"长".repeat(5000),
        &"9".repeat(1000),
    ] {
        for mode in [Mode::Precise, Mode::Index, Mode::Query] {
            for w in a.words(text, mode) {
                assert!(w.end <= text.len() && w.start <= w.end);
                assert!(w.text.len() <= MAX_TOKEN_BYTES || mode == Mode::Precise);
            }
        }
    }
}

#[test]
fn stop_words_by_id_agree_with_the_stop_word_list() {
    let a = analyzer();
    let text = "我们社区的停车难问题，在街道和物业的支持下，通过居民议事会协商解决了。\
                因为这个、那个、还有其他的原因，所以大家都觉得应该怎么办呢？";
    let mut checked = 0;
    for w in a.words(text, Mode::Precise) {
        let word = normalize_str(&w.text);
        if let Some(id) = a.segmenter.word_id(&word) {
            assert_eq!(a.is_stop(&word, Some(id)), a.is_stopword(&word), "{word}");
            checked += 1;
        }
    }
    assert!(checked > 20, "{checked}");
    assert!(a.is_stop("的", a.segmenter.word_id("的")));
    assert!(!a.is_stop("停车", a.segmenter.word_id("停车")));
}

#[test]
fn unassigned_code_points_in_a_han_run_take_no_position() {
    // U+FA6E is inside jieba's Han range but unassigned: not a letter, so no token.
    let a = analyzer();
    let with: Vec<usize> = a
        .words("停车\u{FA6E}难题", Mode::Query)
        .iter()
        .map(|w| w.position)
        .collect();
    let without: Vec<usize> = a
        .words("停车难题", Mode::Query)
        .iter()
        .map(|w| w.position)
        .collect();
    assert_eq!(with.len(), without.len(), "{with:?} vs {without:?}");
    assert!(!is_word("\u{FA6E}"));
}

#[test]
fn punctuation_is_no_word_but_letters_of_any_script_are() {
    for p in [
        "，", "。", "、", "“", "”", "—", "…", "《", "》", "〔", "\u{3000}",
    ] {
        assert!(!is_word(p), "{p}");
    }
    for w in ["〇", "々", "é", "か", "한", "a", "1", "停"] {
        assert!(is_word(w), "{w}");
    }
}

#[test]
fn subwords_of_a_compound() {
    let a = analyzer();
    let subs = a.subwords("加装电梯");
    assert!(
        subs.contains(&"加装".to_string()) && subs.contains(&"电梯".to_string()),
        "{subs:?}"
    );
    assert!(a.subwords("停车").is_empty());
}

#[test]
fn bad_dictionary_line_is_reported() {
    let dict = ResourceFile::inline("dict.txt", "# c\n停车难 3000 n\n加梯 很多\n");
    let stop = ResourceFile::inline("stopwords.txt", "的\n");
    match Analyzer::load(&dict, &stop).unwrap_err() {
        Error::Resource { line, .. } => assert_eq!(line, 3),
        e => panic!("{e}"),
    }
}
