//! Showing a case to a reader: Markdown to HTML that cannot run script.
//!
//! Case files may contain raw HTML; pulldown-cmark passes it through, so every rendering goes
//! through ammonia, which keeps formatting tags and drops scripts, event-handler attributes,
//! `javascript:` links and anything else that could act in the reader's browser.

use std::borrow::Cow;

use serde::Serialize;

use crate::case::{markdown, Case, CaseMeta, SectionKind};

/// A section ready for display, serialized as `{heading, kind, markdown, html}`: the heading and
/// Markdown as written, the kind's name, and the sanitized HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedSection<'a> {
    heading: &'a str,
    kind: SectionKind,
    markdown: &'a str,
    html: String,
}

/// A case ready for display: its front matter (serialized inline, as in the stored case),
/// path and rendered sections.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedCase<'a> {
    /// The case's front matter, borrowed; a copy only when `source_url` is dropped because it
    /// is not an http(s) link.
    #[serde(flatten)]
    pub meta: Cow<'a, CaseMeta>,
    /// File path in the corpus.
    pub path: &'a str,
    pub sections: Vec<RenderedSection<'a>>,
}

/// Markdown → sanitized HTML.
pub fn markdown_html(md: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&markdown::to_html(md))
        .to_string()
}

/// Render a case for display.
pub fn case(c: &Case) -> RenderedCase<'_> {
    let safe = |u: &str| u.starts_with("https://") || u.starts_with("http://");
    let meta = match c.meta.source_url.as_deref() {
        Some(u) if !safe(u) => Cow::Owned(CaseMeta {
            source_url: None,
            ..c.meta.clone()
        }),
        _ => Cow::Borrowed(&c.meta),
    };
    RenderedCase {
        meta,
        path: &c.path,
        sections: c
            .sections
            .iter()
            .map(|s| RenderedSection {
                heading: &s.heading,
                kind: s.kind,
                markdown: &s.markdown,
                html: markdown_html(&s.markdown),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let md = "社区**议事会**<script>alert('x')</script>\n\n<img src=x onerror=\"alert(1)\">\n\n[点我](javascript:alert(1)) [报道](https://example.org/a)\n\n<a href=\"javascript:alert(2)\">链接</a><iframe src=\"https://evil\"></iframe>";
        let html = markdown_html(md);
        assert!(html.contains("<strong>议事会</strong>"), "{html}");
        for bad in ["<script", "onerror", "javascript:", "<iframe", "alert('x')"] {
            assert!(!html.contains(bad), "{bad} survived: {html}");
        }
        assert!(html.contains("href=\"https://example.org/a\""), "{html}");
        assert!(html.contains("noopener"), "{html}");
    }

    #[test]
    fn source_url_must_be_http() {
        let mut c: Case = serde_json::from_str(
            r#"{"id":"a","title":"t","topics":[],"region":null,"community":null,"year":null,"source":null,
                "source_url":"javascript:alert(1)","tags":[],"summary":null,"kind":null,"path":"a.md","hash":"","sections":[]}"#,
        )
        .unwrap();
        assert_eq!(case(&c).meta.source_url, None);
        c.meta.source_url = Some("https://www.example.org/r".into());
        assert!(case(&c).meta.source_url.is_some());
    }
}
