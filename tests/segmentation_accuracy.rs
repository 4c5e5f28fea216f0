//! Segmentation accuracy on the SIGHAN 2005 PKU test set, with our dictionary loaded.
//!
//! Scored as word spans: a predicted word counts when a gold word covers exactly the same
//! characters. Stock jieba scores F1 ≈ 0.818 here; our governance dictionary must not pull
//! general text below 0.81. Needs `../shared/data/sighan2005` (skipped with a note without it).

use std::path::Path;

use anli::analysis::{Analyzer, Mode};
use anli::resources::SchemaFiles;

fn spans<'a>(words: impl Iterator<Item = &'a str>) -> Vec<(usize, usize)> {
    let mut at = 0;
    let mut out = Vec::new();
    for w in words {
        let n = w.chars().filter(|c| !c.is_whitespace()).count();
        if n == 0 {
            continue;
        }
        out.push((at, at + n));
        at += n;
    }
    out
}

#[test]
fn pku_f1_with_our_dictionary_is_at_least_0_81() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/sighan2005");
    let (Ok(test), Ok(gold)) = (
        std::fs::read_to_string(dir.join("pku_test.utf8")),
        std::fs::read_to_string(dir.join("pku_test_gold.utf8")),
    ) else {
        eprintln!("skipped: {} not found (the SIGHAN data lives in ../shared, which only CI and developers have)", dir.display());
        return;
    };
    let files = SchemaFiles::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("schema")).unwrap();
    let analyzer = Analyzer::shared(&files).unwrap();
    let (mut correct, mut predicted, mut expected) = (0usize, 0usize, 0usize);
    for (line, gold_line) in test.lines().zip(gold.lines()) {
        let ours = analyzer.words(line, Mode::Precise);
        let p = spans(ours.iter().map(|w| w.text.as_str()));
        let g = spans(gold_line.split_whitespace());
        let gs: std::collections::HashSet<_> = g.iter().collect();
        correct += p.iter().filter(|s| gs.contains(s)).count();
        predicted += p.len();
        expected += g.len();
    }
    let precision = correct as f64 / predicted as f64;
    let recall = correct as f64 / expected as f64;
    let f1 = 2.0 * precision * recall / (precision + recall);
    println!(
        "SIGHAN 2005 PKU test: P={precision:.4} R={recall:.4} F1={f1:.4} ({expected} gold words)"
    );
    assert!(
        f1 >= 0.81,
        "F1 {f1:.4} below 0.81 (P={precision:.4} R={recall:.4})"
    );
}
