//! The HTML handout: one self-contained file (inline CSS, no script), paged for A4, so a browser's
//! "print → save as PDF" gives the handout.

use serde::Serialize;

use super::{missing_text, source_line};
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

/// The HTML handout: one self-contained file (inline CSS, no script), print-ready on A4.
pub fn html(r: &Resolved) -> Result<String> {
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
            note: e.note().trim().to_string(),
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
    tmpl.render(minijinja::context! {
        title => r.packet.title.trim(),
        cover => cover,
        entries => entries,
        questions => r.packet.questions,
        provenance => r.provenance(),
    })
    .map_err(|e| Error::PacketExport(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::handout::fixture::resolved;

    #[test]
    fn html_is_self_contained_sanitized_and_paged() {
        let html = html(&resolved()).unwrap();
        for want in [
            "<style>",
            "size: A4",
            "break-before: page",
            "Noto Serif CJK SC",
            "<h1>老旧小区加装电梯专题</h1>",
            "<strong>先算账</strong>",
            "重点看分摊办法。",
            "已不在案例库中",
            "一楼住户反对时",
            "案例编号：elevator-01, elevator-99",
        ] {
            assert!(html.contains(want), "missing {want:?}");
        }
        for bad in ["<script", "<link", "src=\"http", "alert(1)"] {
            assert!(!html.contains(bad), "{bad} in handout");
        }
    }
}
