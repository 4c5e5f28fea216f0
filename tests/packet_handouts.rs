//! The Word handout of the bundled example packet: read back (heading styles, text, provenance)
//! and opened by LibreOffice where it is installed.

mod common;

use std::process::Command;

use anli::index::{IndexOptions, NoProgress};
use anli::Engine;
use common::cli::{docx_paragraphs, find_program};
use common::*;

#[test]
fn the_docx_handout_is_a_real_word_document() {
    let dir = tempfile::tempdir().unwrap();
    let lib = bundled_library(dir.path());
    lib.index(&IndexOptions::default(), &NoProgress).unwrap();
    let engine = Engine::open(&lib).unwrap();
    // The example packet that ships with the repository.
    let store = anli::packet::PacketStore::new(repo().join("packets"));
    let stored = store.load("加梯专题").expect("the bundled example packet");
    let r = anli::packet::Resolved::new(&stored, &engine).unwrap();
    assert!(
        r.missing().is_empty(),
        "bundled packet names only bundled cases"
    );
    let bytes = anli::packet::handout::docx::docx(&r).unwrap();

    // Read back: Word heading styles for cases and sections, the text, fonts, provenance.
    let paras = docx_paragraphs(&bytes);
    let h1: Vec<&str> = paras
        .iter()
        .filter(|(s, _)| s == "Heading1")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(h1.len(), r.entries.len() + 1, "{h1:?}");
    for (i, e) in r.entries.iter().enumerate() {
        let title = &e.case().unwrap().meta.title;
        assert_eq!(h1[i], format!("案例 {}　{title}", i + 1));
    }
    assert!(paras
        .iter()
        .any(|(s, t)| s == "Heading2" && t.contains("做法")));
    assert!(paras
        .iter()
        .any(|(s, t)| s == "Title" && t == &r.packet.title));
    let body: String = paras.iter().map(|(_, t)| t.as_str()).collect();
    let first = r.entries[0].case().unwrap();
    let sample: String = first.sections[0].text.chars().take(30).collect();
    assert!(body.contains(&sample), "case text in the document");
    assert!(body.contains(&format!(
        "案例库版本 {}",
        anli::packet::short(&r.corpus_version)
    )));
    let doc = docx_rs::read_docx(&bytes).unwrap();
    let styles = serde_json::to_string(&doc.styles).unwrap();
    assert!(
        styles.contains("宋体") && styles.contains("黑体"),
        "CJK fonts set"
    );
    let heading1 = doc
        .styles
        .find_style_by_id("Heading1")
        .expect("Heading1 style");
    let heading1 = serde_json::to_value(heading1).unwrap();
    assert_eq!(heading1["name"], "heading 1", "{heading1}");

    // Opened by a real office suite, where one is installed (CI installs LibreOffice).
    let Some(soffice) = find_program(&["soffice", "libreoffice"]) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have LibreOffice (.ci/run installs libreoffice-writer-nogui)"
        );
        eprintln!("skipped the LibreOffice check: soffice is not installed (Debian: apt-get install libreoffice-writer-nogui)");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("handout.docx");
    std::fs::write(&input, &bytes).unwrap();
    let o = Command::new(soffice)
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "txt:Text (encoded):UTF8",
        ])
        .arg("--outdir")
        .arg(work.path())
        .arg(&input)
        .env("HOME", work.path())
        .output()
        .expect("soffice runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(work.path().join("handout.txt")).expect("converted text");
    assert!(text.contains(&r.packet.title), "LibreOffice read the title");
    assert!(
        text.contains(&first.meta.title),
        "LibreOffice read the first case"
    );
    assert!(text.contains(&sample), "LibreOffice read the case text");
}
