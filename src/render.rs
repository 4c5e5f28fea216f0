//! Showing a case to a reader: Markdown to HTML that cannot run script.
//!
//! Case files may contain raw HTML; pulldown-cmark passes it through, so every rendering goes
//! through ammonia, which keeps formatting tags and drops scripts, event-handler attributes,
//! `javascript:` links and anything else that could act in the reader's browser.

use serde::Serialize;

use crate::case::{markdown, Case};

/// A section ready for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedSection {
    /// The heading as written.
    pub heading: String,
    /// Canonical kind (`measures`, ...).
    pub kind: &'static str,
    /// The Markdown as written.
    pub markdown: String,
    /// Sanitized HTML.
    pub html: String,
}

/// A case ready for display: front matter, sections, source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedCase {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Topics.
    pub topics: Vec<String>,
    /// Region.
    pub region: Option<String>,
    /// Community.
    pub community: Option<String>,
    /// Year.
    pub year: Option<i64>,
    /// `报道` or `示例`.
    pub kind: Option<&'static str>,
    /// Source.
    pub source: Option<String>,
    /// Source link, only when it is an http(s) URL.
    pub source_url: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Summary.
    pub summary: Option<String>,
    /// File path in the corpus.
    pub path: String,
    /// Sections in file order.
    pub sections: Vec<RenderedSection>,
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
pub fn case(c: &Case) -> RenderedCase {
    RenderedCase {
        id: c.id.clone(),
        title: c.title.clone(),
        topics: c.topics.clone(),
        region: c.region.clone(),
        community: c.community.clone(),
        year: c.year,
        kind: c.kind.map(|k| k.label()),
        source: c.source.clone(),
        source_url: c
            .source_url
            .clone()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        tags: c.tags.clone(),
        summary: c.summary.clone(),
        path: c.path.clone(),
        sections: c
            .sections
            .iter()
            .map(|s| RenderedSection {
                heading: s.heading.clone(),
                kind: s.kind.as_str(),
                markdown: s.markdown.clone(),
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
        assert_eq!(case(&c).source_url, None);
        c.source_url = Some("https://www.example.org/r".into());
        assert!(case(&c).source_url.is_some());
    }
}
