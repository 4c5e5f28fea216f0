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

/// Texts to compare on: the bundled corpus always; the SIGHAN text and every tenth case of the
/// benchmark corpus when `../shared` is there.
fn comparison_texts() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    let mut add_dir = |dir: &Path, every: usize| {
        let Ok(files) = anli::case::case_files(dir) else {
            return false;
        };
        for file in files.iter().step_by(every) {
            if let Ok(text) = std::fs::read_to_string(file) {
                texts.push((file.display().to_string(), text));
            }
        }
        true
    };
    add_dir(&root.join("corpus"), 1);
    if !add_dir(&root.join("../shared/bench/corpus"), 10) {
        eprintln!("note: ../shared/bench/corpus not found; compared on the bundled corpus only");
    }
    match std::fs::read_to_string(root.join("../shared/data/sighan2005/pku_test.utf8")) {
        Ok(text) => texts.push(("pku_test.utf8".to_string(), text)),
        Err(_) => eprintln!("note: SIGHAN text not found; not compared on it"),
    }
    // Edge cases: line ends, mixed scripts, punctuation runs, a long unknown name.
    texts.push((
        "edge cases".to_string(),
        "\r\n停车难\r\n\r\nABC小区4S店，12345热线；C++与C#。\t欧阳娜娜娜来到了张家口市崇礼区\n\
         ——“飞线充电”！！？3.5%的居民、e-mail 2026年11月22日 😀丶Ⅻ㐀\u{20000}"
            .to_string(),
    ));
    texts
}

#[test]
fn our_segmenter_cuts_exactly_as_jieba_rs_does() {
    let files = SchemaFiles::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("schema")).unwrap();
    let analyzer = Analyzer::shared(&files).unwrap();
    let jieba = Analyzer::reference_jieba(&files.dict).expect("reference jieba");
    let (mut words, mut bytes) = (0usize, 0usize);
    for (name, text) in comparison_texts() {
        let ours = analyzer.cut(&text);
        let theirs: Vec<(usize, usize)> = jieba
            .cut(&text, true)
            .iter()
            .map(|t| (t.byte_start, t.byte_end))
            .collect();
        if ours != theirs {
            let at = ours
                .iter()
                .zip(&theirs)
                .position(|(a, b)| a != b)
                .unwrap_or(ours.len().min(theirs.len()));
            let show = |v: &[(usize, usize)]| -> Vec<String> {
                v.iter()
                    .skip(at.saturating_sub(3))
                    .take(8)
                    .map(|&(s, e)| text[s..e].to_string())
                    .collect()
            };
            panic!(
                "{name}: word {at} differs\n ours:     {:?}\n jieba-rs: {:?}",
                show(&ours),
                show(&theirs)
            );
        }
        words += ours.len();
        bytes += text.len();
    }
    println!("same cut as jieba-rs: {words} words, {bytes} bytes");
    assert!(words > 1000, "compared too little text: {words} words");
}
