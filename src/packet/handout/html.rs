//! The HTML handout: one self-contained file (inline CSS, no script), paged for A4, so a browser's
//! "print → save as PDF" gives the handout.

use serde::Serialize;

use super::{about, missing_text, source_line, Edition};
use super::{NOTE_LINES_PER_CASE, NOTE_LINES_PER_QUESTION};
use crate::error::{Error, Result};
use crate::packet::Resolved;
use crate::render;

#[derive(Serialize)]
struct HtmlEntry<'a> {
    number: usize,
    id: String,
    note: String,
    case: Option<render::RenderedCase<'a>>,
    source_line: String,
    missing: String,
}

const HTML_TEMPLATE: &str = include_str!("handout.html");

/// The HTML handout of `r` in `edition`: one self-contained file (inline CSS, no script),
/// print-ready on A4 (page numbers in the page margin when printed).
pub fn html(r: &Resolved, edition: Edition) -> Result<String> {
    let mut env = minijinja::Environment::new();
    env.add_template("handout.html", HTML_TEMPLATE)
        .map_err(|e| Error::PacketExport(e.to_string()))?;
    let entries: Vec<HtmlEntry<'_>> = r
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| HtmlEntry {
            number: i + 1,
            id: e.id().to_string(),
            note: if edition.notes() {
                e.note().trim().to_string()
            } else {
                String::new()
            },
            case: e.case().map(render::case),
            source_line: e.case().map(source_line).unwrap_or_default(),
            missing: missing_text(e.id()),
        })
        .collect();
    let cover: Vec<(String, String)> = r
        .cover()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let tmpl = env
        .get_template("handout.html")
        .map_err(|e| Error::PacketExport(e.to_string()))?;
    let a = about(r);
    let about_lines: Vec<String> = a.lines.iter().map(|(k, v)| format!("{k}：{v}")).collect();
    let student = edition == Edition::Student;
    tmpl.render(minijinja::context! {
        title => r.packet.title.trim(),
        single => r.single,
        edition => edition.label(),
        cover => cover,
        entries => entries,
        questions => r.packet.questions,
        about_lines => about_lines,
        about_cases => a.cases,
        case_lines => if student { NOTE_LINES_PER_CASE } else { 0 },
        question_lines => if student { NOTE_LINES_PER_QUESTION } else { 0 },
    })
    .map_err(|e| Error::PacketExport(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::handout::fixture::resolved;

    #[test]
    fn html_is_self_contained_sanitized_and_paged() {
        let html = html(&resolved(), Edition::Teacher).unwrap();
        for want in [
            "<style>",
            "size: A4",
            "counter(page)",
            "counter(pages)",
            "break-before: page",
            "break-after: avoid",
            "（教师用）",
            "Noto Serif CJK SC",
            "<h1>老旧小区加装电梯专题</h1>",
            "<strong>先算账</strong>",
            "重点看分摊办法。",
            "已不在案例库中",
            "一楼住户反对时",
            "资料说明",
            "案例 1　先算账再加梯：elevator-01",
            "2026年11月21日",
        ] {
            assert!(html.contains(want), "missing {want:?}");
        }
        let about = html.find("资料说明</").unwrap();
        assert!(
            !html[..about].contains("elevator-01"),
            "ids only at the end"
        );
        let student = super::html(&resolved(), Edition::Student).unwrap();
        assert!(!student.contains("教师按") && !student.contains("重点看分摊办法"));
        assert_eq!(
            student.matches("<div class=\"rule\"></div>").count(),
            2 * NOTE_LINES_PER_CASE + NOTE_LINES_PER_QUESTION
        );
        for bad in ["<script", "<link", "src=\"http", "alert(1)"] {
            assert!(!html.contains(bad), "{bad} in handout");
        }
    }
}
