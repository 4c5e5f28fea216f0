//! The Word handout of the bundled example packet: read back (heading styles, text, provenance)
//! and, where LibreOffice is installed, rendered to PDF and read as a reader would: the page
//! count, 第 X 页 共 Y 页 on every page, the contents' page numbers against the pages the
//! cases start on, no heading left at the bottom of a page, no nearly empty page. PNGs of the
//! first pages are kept in target/tmp/handout-pages/.

mod common;

use std::path::PathBuf;
use std::process::Command;

use anli::packet::Edition;
use common::cli::{docx_paragraphs, find_program, soffice_convert};
use common::*;

#[test]
fn the_docx_handout_is_a_real_word_document() {
    let dir = tempfile::tempdir().unwrap();
    let engine = bundled_engine(dir.path());
    // The example packet that ships with the repository.
    let store = anli::packet::PacketStore::new(repo().join("packets"));
    let stored = store.load("加梯专题").expect("the bundled example packet");
    let r = anli::packet::Resolved::new(&stored, &engine).unwrap();
    assert!(
        r.missing().is_empty(),
        "bundled packet names only bundled cases"
    );
    let bytes = anli::packet::handout::docx::docx(&r, Edition::Teacher).unwrap();

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
    // Provenance only in the 资料说明 block at the end.
    let about = paras
        .iter()
        .position(|(_, t)| t == "资料说明")
        .expect("the 资料说明 block");
    let after: String = paras[about..].iter().map(|(_, t)| t.as_str()).collect();
    assert!(after.contains(anli::packet::short(&r.corpus_version)));
    assert!(after.contains(&format!("{}：{}", first.meta.title, first.meta.id)));
    let before: String = paras[..about].iter().map(|(_, t)| t.as_str()).collect();
    assert!(!before.contains(&first.meta.id), "no ids before 资料说明");
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
    let o = soffice_convert(&soffice, &input, "txt:Text (encoded):UTF8");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(work.path().join("handout.txt")).expect("converted text");
    assert!(text.contains(&r.packet.title), "LibreOffice read the title");
    assert!(
        text.contains(&first.meta.title),
        "LibreOffice read the first case"
    );
    assert!(text.contains(&sample), "LibreOffice read the case text");
}

/// The text of each page of `docx` as LibreOffice lays it out (`pdftotext -layout`), with
/// PNGs of its first pages kept in target/tmp/handout-pages/NAME-*.png. `None` (with the
/// reason printed) where LibreOffice or poppler-utils is missing outside CI.
fn rendered_pages(docx: &[u8], name: &str) -> Option<Vec<String>> {
    let tools = (
        find_program(&["soffice", "libreoffice"]),
        find_program(&["pdftotext"]),
        find_program(&["pdftoppm"]),
    );
    let (Some(soffice), Some(pdftotext), Some(pdftoppm)) = tools else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have LibreOffice and poppler-utils (.ci/run installs them)"
        );
        eprintln!("skipped the PDF layout check: needs soffice and pdftotext/pdftoppm (Debian: apt-get install libreoffice-writer-nogui poppler-utils)");
        return None;
    };
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join(format!("{name}.docx"));
    std::fs::write(&input, docx).unwrap();
    let o = soffice_convert(&soffice, &input, "pdf");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = work.path().join(format!("{name}.pdf"));
    assert!(pdf.exists(), "LibreOffice made no PDF: {o:?}");
    let o = Command::new(pdftotext)
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    let pngs = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("handout-pages");
    std::fs::create_dir_all(&pngs).unwrap();
    let o = Command::new(pdftoppm)
        .args(["-r", "60", "-f", "1", "-l", "3", "-png"])
        .arg(&pdf)
        .arg(pngs.join(name))
        .output()
        .expect("pdftoppm runs");
    assert!(o.status.success());
    eprintln!("{name}: {} pages; PNGs in {}", pages.len(), pngs.display());
    Some(pages)
}

/// Text without any white space (pdftotext spaces CJK text by its own guesses).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn is_footer(line: &str) -> bool {
    let l = squeeze(line);
    l.starts_with('第') && l.contains("页共") && l.ends_with('页')
}

/// A page's lines of text, without blank lines and the footer.
fn body_lines(page: &str) -> Vec<String> {
    page.lines()
        .map(squeeze)
        .filter(|l| !l.is_empty() && !is_footer(l))
        .collect()
}

/// The 1-based page on which a line starting with `start` first appears, from page `from`.
fn page_of(pages: &[String], start: &str, from: usize) -> Option<usize> {
    (from..=pages.len()).find(|&p| {
        body_lines(&pages[p - 1])
            .iter()
            .any(|l| l.starts_with(start))
    })
}

/// What a reader checks on the printed handout `pages` of `r`: page numbers, the contents'
/// numbers, headings never last on a page, no nearly empty page.
fn check_layout(pages: &[String], r: &anli::packet::Resolved, headings: &[String]) {
    let n = pages.len();
    // 第 X 页 共 Y 页 in the text layer of every page.
    for (i, page) in pages.iter().enumerate() {
        let want = format!("第{}页共{n}页", i + 1);
        assert!(
            squeeze(page).contains(&want),
            "page {}: {want} in\n{page}",
            i + 1
        );
    }
    // The contents on page 1: each entry's number is the page its heading is on.
    let entries: Vec<(String, usize)> = body_lines(&pages[0])
        .into_iter()
        .filter(|l| l.contains("....."))
        .map(|l| {
            let digits: String = l.chars().rev().take_while(char::is_ascii_digit).collect();
            let page: usize = digits.chars().rev().collect::<String>().parse().expect(&l);
            (
                l.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
                    .to_string(),
                page,
            )
        })
        .collect();
    let expected = r.entries.len() + usize::from(!r.packet.questions.is_empty());
    assert_eq!(entries.len(), expected, "contents entries: {entries:?}");
    for (i, e) in r.entries.iter().enumerate() {
        let title = squeeze(&e.case().unwrap().meta.title);
        let head: String = format!("案例{}{}", i + 1, title.chars().take(8).collect::<String>());
        let on = page_of(pages, &head, 2).unwrap_or_else(|| panic!("{head} not found"));
        assert!(
            entries[i].0.starts_with(&head),
            "{:?} vs {head}",
            entries[i]
        );
        assert_eq!(
            entries[i].1, on,
            "contents say page {} for {head}, it is on {on}",
            entries[i].1
        );
    }
    if !r.packet.questions.is_empty() {
        let on = (2..=n)
            .find(|&p| body_lines(&pages[p - 1]).iter().any(|l| l == "讨论题"))
            .expect("the questions' heading");
        assert_eq!(entries.last().unwrap().1, on, "讨论题");
    }
    // No page ends with a heading, and none but the last is nearly empty.
    for (i, page) in pages.iter().enumerate() {
        let lines = body_lines(page);
        let last = lines.last().cloned().unwrap_or_default();
        let is_heading = headings.iter().any(|h| &last == h)
            || (last.starts_with("案例") && i > 0 && lines.len() < 3);
        assert!(
            !is_heading,
            "page {} ends with heading {last:?}:\n{page}",
            i + 1
        );
        if i + 1 < n {
            assert!(lines.len() >= 10, "page {} nearly empty:\n{page}", i + 1);
        } else {
            assert!(lines.len() >= 3, "last page holds only:\n{page}");
        }
    }
}

#[test]
fn the_printed_handout_reads_like_a_handout() {
    let dir = tempfile::tempdir().unwrap();
    let engine = bundled_engine(dir.path());
    let store = anli::packet::PacketStore::new(repo().join("packets"));
    let r = anli::packet::Resolved::new(&store.load("加梯专题").unwrap(), &engine).unwrap();
    let cases = r.entries.len();
    // Every section heading, and the headings the handout adds, as pdftotext shows them.
    let mut headings: Vec<String> = vec!["讨论题".into(), "笔记".into(), "资料说明".into()];
    for e in &r.entries {
        for s in &e.case().unwrap().sections {
            headings.push(squeeze(&s.heading));
        }
    }
    let teacher = anli::packet::handout::docx::docx(&r, Edition::Teacher).unwrap();
    let Some(pages) = rendered_pages(&teacher, "teacher") else {
        return;
    };
    // A cover-and-contents page, then about a page and a half a case (the packet's cases are
    // 1,500–2,000 characters): no page wasted on a few lines.
    assert!(
        (1 + cases..=2 * cases).contains(&pages.len()),
        "{} pages for {cases} cases",
        pages.len()
    );
    check_layout(&pages, &r, &headings);
    let text: String = pages.iter().map(|p| squeeze(p)).collect();
    assert!(text.contains("教师按"));

    let student = anli::packet::handout::docx::docx(&r, Edition::Student).unwrap();
    let spages = rendered_pages(&student, "student").expect("tools found above");
    // Room to write: more pages, but not a page a case more.
    assert!(
        (pages.len()..=pages.len() + cases).contains(&spages.len()),
        "student {} pages, teacher {}",
        spages.len(),
        pages.len()
    );
    check_layout(&spages, &r, &headings);
    let text: String = spages.iter().map(|p| squeeze(p)).collect();
    assert!(!text.contains("教师按"), "no notes for trainees");
    assert!(text.contains("笔记") && text.contains("（学员用）"));

    // One case on its own: no cover or contents, numbered pages, the 资料说明 block.
    let id = r.entries[1].id().to_string();
    let one = anli::packet::Resolved::single(&engine, &id).unwrap();
    let bytes = anli::packet::handout::docx::docx(&one, Edition::Teacher).unwrap();
    let opages = rendered_pages(&bytes, "one-case").expect("tools found above");
    assert!((1..=3).contains(&opages.len()), "{} pages", opages.len());
    let first = squeeze(&opages[0]);
    assert!(first.starts_with(&squeeze(&one.packet.title)), "{first}");
    assert!(!first.contains("目录"));
    let n = opages.len();
    assert!(squeeze(&opages[n - 1]).contains(&format!("第{n}页共{n}页")));
    assert!(squeeze(&opages[n - 1]).contains("资料说明"));
}
