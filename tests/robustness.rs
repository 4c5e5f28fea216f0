//! Nothing a case file can contain crashes or hangs the parser or the tokenizer: property tests
//! over arbitrary bytes and strings, and the classic nasty inputs (BOM, CRLF, unclosed front
//! matter, YAML alias bombs, very long lines, deep nesting, control characters, emoji).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use anli::analysis::{Analyzer, Mode};
use anli::case::corpus::parse_case;
use anli::resources::SchemaFiles;
use anli::topics::Topics;
use proptest::prelude::*;
use tantivy::tokenizer::{TokenStream, Tokenizer};

fn analyzer() -> std::sync::Arc<Analyzer> {
    Analyzer::shared(&SchemaFiles::load(&common::schema_dir()).unwrap()).unwrap()
}

fn parse(bytes: &[u8]) -> Result<anli::case::Case, anli::case::CaseError> {
    let mut warnings = Vec::new();
    parse_case(
        Path::new("corpus/x.md"),
        "x.md",
        bytes,
        &Topics::builtin(),
        &mut warnings,
    )
}

/// Text mixing Chinese, ASCII, full-width forms, punctuation, control characters and emoji.
fn messy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[停车难加装电梯业委会飞线充电社区党委居民议事会的了在是]{1,6}",
            "[a-zA-Z0-9 ]{1,8}",
            "[ＡＢＣ１２３４５，。！？（）　]{1,4}",
            "[\\x00-\\x1f\\x7f]{1,3}",
            "[😀🏠🚲\u{200b}\u{feff}\u{0301}]{1,3}",
            "[#*>\\-`\\[\\]()!|_~\\n\\r\\t]{1,5}",
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse(&bytes);
        let mut with_front = b"---\nid: a\ntitle: t\n---\n".to_vec();
        with_front.extend_from_slice(&bytes);
        let _ = parse(&with_front);
    }

    #[test]
    fn arbitrary_bodies_parse_or_fail_cleanly(body in messy(), fm in messy()) {
        let text = format!("---\nid: a-1\ntitle: 标题\n---\n{body}");
        let case = parse(text.as_bytes()).expect("a valid front matter with any body parses");
        for s in &case.sections {
            prop_assert!(s.line >= 5);
        }
        // Arbitrary front matter: an error names the file, never a panic.
        let text = format!("---\n{fm}\n---\n{body}");
        if let Err(e) = parse(text.as_bytes()) {
            prop_assert!(e.to_string().starts_with("corpus/x.md"));
        }
    }

    #[test]
    fn tokens_have_valid_offsets_and_positions(text in messy()) {
        let a = analyzer();
        for mode in [Mode::Precise, Mode::Index, Mode::Query] {
            let mut tok = a.tokenizer(mode);
            let mut stream = tok.token_stream(&text);
            let mut last = 0;
            while stream.advance() {
                let t = stream.token();
                prop_assert!(t.offset_from <= t.offset_to && t.offset_to <= text.len());
                prop_assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
                prop_assert!(t.position >= last, "positions never go back");
                prop_assert!(!t.text.is_empty());
                last = t.position;
            }
        }
    }
}

#[test]
fn nasty_files_get_clear_errors_quickly() {
    let started = Instant::now();
    // A YAML alias bomb.
    let mut bomb = String::from(
        "---\nid: bomb\ntitle: t\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n",
    );
    let mut prev = 'a';
    for i in 1..10u8 {
        let n = (b'a' + i) as char;
        bomb.push_str(&format!(
            "{n}: &{n} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
        prev = n;
    }
    bomb.push_str("---\n正文\n");
    let e = parse(bomb.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("corpus/x.md:"), "{e}");
    // Front matter that never closes, with CRLF and a BOM.
    let e = parse("\u{feff}---\r\nid: a\r\ntitle: t\r\n## 背景\r\n".as_bytes()).unwrap_err();
    assert!(e.to_string().contains("corpus/x.md:1:"), "{e}");
    // Deeply nested lists and quotes.
    let mut deep = String::from("---\nid: deep\ntitle: t\n---\n## 做法\n");
    for i in 0..2000 {
        deep.push_str(&"  ".repeat(i % 200));
        deep.push_str("- 层\n");
    }
    deep.push_str(&">".repeat(5000));
    deep.push_str(" 引用\n");
    assert!(parse(deep.as_bytes()).is_ok());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_very_long_line_is_indexed_or_refused_without_hanging() {
    let f = common::Fixture::standard();
    // 1.5 MB on one line: under the 2 MB limit, indexed.
    let line = "社区党委组织居民议事会协商停车难问题。".repeat(28_000);
    f.write(
        "long.md",
        &format!("---\nid: long-01\ntitle: 很长的一行\n---\n## 做法\n{line}\n"),
    );
    // 10 MB: refused as too large.
    f.write(
        "huge.md",
        &format!(
            "---\nid: huge-01\ntitle: 太长\n---\n{}\n",
            "长".repeat(3_500_000)
        ),
    );
    let lib = anli::Library::open(&f.corpus(), &f.index(), &common::schema_dir()).unwrap();
    let started = Instant::now();
    let r = lib
        .index(&Default::default(), &anli::index::NoProgress)
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.total, 4);
    assert_eq!(r.errors.len(), 1);
    assert!(
        r.errors[0].to_string().contains("huge.md") && r.errors[0].to_string().contains("太大")
    );
    let engine = anli::Engine::open(&lib).unwrap();
    let hits = engine
        .search(&anli::SearchRequest {
            query: "很长的一行".into(),
            limit: 3,
            offset: 0,
            filters: Default::default(),
            mode: Default::default(),
            literal: false,
        })
        .unwrap();
    assert_eq!(hits.hits[0].id, "long-01");
}
