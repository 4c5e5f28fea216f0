//! The Word handout's parts, read as XML.

use super::*;
use crate::packet::handout::fixture::resolved;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn footer_page_fields_and_fields_updated_on_opening() {
    let xml = build(&resolved(), Edition::Teacher);
    let footer = text(&xml.footers[0]);
    for want in ["第 ", "PAGE", " 页　共 ", "NUMPAGES", " 页"] {
        assert!(footer.contains(want), "{want} in {footer}");
    }
    let settings = text(&xml.settings);
    let update = settings.find("<w:updateFields").expect(&settings);
    assert!(update < settings.find("<w:compat").unwrap(), "schema order");
    let doc = text(&xml.document);
    assert!(
        doc.contains("footerReference"),
        "the section uses the footer"
    );
}

#[test]
fn contents_point_at_bookmarked_headings() {
    let xml = build(&resolved(), Edition::Teacher);
    let doc = text(&xml.document);
    for name in ["_anli_case_1", "_anli_case_2", "_anli_questions"] {
        assert!(
            doc.contains(&format!("w:name=\"{name}\"")),
            "bookmark {name}"
        );
        assert!(doc.contains(&format!("PAGEREF {name}")), "field to {name}");
    }
    // The contents come before the first case, which starts a new page.
    let contents = doc.find("目　录").unwrap();
    let entry = doc.find("案例 1　先算账再加梯</w:t>").unwrap();
    let case1 = doc.find("w:name=\"_anli_case_1\"").unwrap();
    assert!(contents < entry && entry < case1);
    assert!(doc[..case1].rfind("pageBreakBefore").unwrap() > contents);
    // No TOC field around them: LibreOffice would print its stored numbers as they are.
    assert!(!doc.contains("TOC \\o"));
    // A heading's rule is drawn under it only (not a box).
    let h = &doc[doc[..case1].rfind("<w:pBdr>").unwrap()..case1];
    assert!(h.contains("<w:bottom") && !h.contains("<w:left"), "{h}");
    // Headings are kept with what follows (in their styles).
    let styles = text(&xml.styles);
    let h1 = &styles[styles.find("w:styleId=\"Heading1\"").unwrap()..];
    let h1 = &h1[..h1.find("</w:style>").unwrap()];
    assert!(h1.contains("keepNext"), "{h1}");
}

#[test]
fn teacher_and_student_editions() {
    let teacher = text(&build(&resolved(), Edition::Teacher).document);
    let student = text(&build(&resolved(), Edition::Student).document);
    assert!(teacher.contains("教师按："));
    assert!(teacher.contains("重点看分摊办法。"));
    assert!(teacher.contains("（教师用）"));
    assert!(!student.contains("教师按"));
    assert!(!student.contains("重点看分摊办法"));
    assert!(student.contains("（学员用）"));
    assert!(student.contains("笔记"));
    // Ruled lines: a tab with an underscore leader, after each case and question.
    let rules = student.matches("w:leader=\"underscore\"").count();
    assert_eq!(teacher.matches("w:leader=\"underscore\"").count(), 0);
    assert_eq!(
        rules,
        2 * NOTE_LINES_PER_CASE + NOTE_LINES_PER_QUESTION,
        "{student}"
    );
}

#[test]
fn provenance_is_a_small_block_at_the_end() {
    let doc = text(&build(&resolved(), Edition::Teacher).document);
    let about = doc.find("资料说明").expect("the block");
    assert!(doc[about..].contains("0123456789abcdef"));
    assert!(doc[about..].contains("2026年11月21日"));
    assert!(doc[about..].contains("案例 1　先算账再加梯：elevator-01"));
    // Not before it: no ids in source lines, no fingerprint, no UTC time stamp.
    assert!(!doc[..about].contains("elevator-01<"), "id before 资料说明");
    assert!(!doc[..about].contains("编号 elevator-01"));
    assert!(!doc.contains("0123456789abcdef0123"));
    assert!(!doc.contains("T10:05:00Z"));
}

#[test]
fn a_single_case_has_no_cover_or_contents() {
    let mut r = resolved();
    r.entries.truncate(1);
    r.packet.questions.clear();
    r.single = true;
    let doc = text(&build(&r, Edition::Student).document);
    assert!(!doc.contains("目　录"));
    assert!(!doc.contains("pageBreakBefore"));
    assert!(doc.contains(">先算账再加梯</w:t>"), "titled with the case");
    assert!(doc.contains("资料说明"));
}

#[test]
fn the_estimate_puts_later_cases_on_later_pages() {
    let mut r = resolved();
    let long = "社区党委多次入户，".repeat(400);
    if let crate::packet::Entry::Found { case, .. } = &mut r.entries[0] {
        case.sections[0].markdown = long;
    }
    let (body, anchors) = body_blocks(&r, Edition::Teacher);
    let pages = lay_out(&body, 2).1;
    let first = pages[anchors[0].block];
    let second = pages[anchors[1].block];
    assert_eq!(first, 2);
    assert!(second >= 4, "{second}: 3,600 characters fill two pages");
    // The stored numbers in the contents are these estimates.
    let doc = text(&build(&r, Edition::Teacher).document);
    let field = doc.find("PAGEREF _anli_case_2").unwrap();
    let shown = &doc[field..];
    assert!(
        shown.contains(&format!(">{second}</w:t>")),
        "{}",
        &shown[..400]
    );
    assert!(!doc.contains("<script>"), "raw HTML dropped");
}
