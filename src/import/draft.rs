//! A case ready to be written: its front matter ([`CaseMeta`]), its sections as Markdown, and
//! what the importer could not determine ([`Draft::warnings`]). The same Markdown is written by
//! `anli import` and by the browser's case form.

use serde::Serialize;

use crate::case::{CaseKind, CaseMeta, SectionKind};

/// One `##` section of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftSection {
    /// The heading as written (empty: text before the first heading).
    pub heading: String,
    /// The section's Markdown.
    pub markdown: String,
}

/// A case about to become a file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    pub meta: CaseMeta,
    pub sections: Vec<DraftSection>,
    /// The topics were suggested by the engine and need a person's review.
    pub topics_suggested: bool,
    /// What could not be determined, or needs checking.
    pub warnings: Vec<String>,
}

/// A section in the `--dry-run --json` report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionReport {
    pub heading: String,
    /// `background`, `measures`, `outcomes`, `lessons`, `other`.
    pub kind: SectionKind,
    /// Characters of text.
    pub chars: usize,
}

/// A case in the `--dry-run --json` report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseReport {
    /// Where the file is (or would be) written, relative to the corpus folder.
    pub path: String,
    pub id: String,
    pub title: String,
    pub source: Option<String>,
    pub region: Option<String>,
    pub year: Option<i64>,
    pub topics: Vec<String>,
    pub kind: Option<CaseKind>,
    pub sections: Vec<SectionReport>,
    pub warnings: Vec<String>,
}

/// A YAML scalar for the front matter: plain when that reads back the same, else quoted.
fn scalar(s: &str) -> String {
    let plain_ok = !s.is_empty()
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`~ ".contains(c))
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([':', ' '])
        && !s.contains(['\n', '\r', '\t'])
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "~"
        )
        && s.parse::<f64>().is_err();
    if plain_ok {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
    }
}

/// A flow list item: quoted when it holds flow syntax.
fn item(s: &str) -> String {
    if s.contains([',', '[', ']', '{', '}']) {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
    } else {
        scalar(s)
    }
}

/// Escape a paragraph so that Markdown shows it as written.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.chars().enumerate() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|')
            || (i == 0 && matches!(c, '#' | '>' | '+' | '-' | '='))
        {
            out.push('\\');
        }
        out.push(c);
    }
    // "1. 建立议事会" stays a paragraph, not a list.
    if let Some(dot) = out.find(['.', ')']) {
        if dot > 0 && dot <= 3 && out[..dot].bytes().all(|b| b.is_ascii_digit()) {
            out.insert(dot, '\\');
        }
    }
    out
}

impl Draft {
    /// The case file: front matter, `# title`, sections.
    pub fn to_markdown(&self) -> String {
        let m = &self.meta;
        let mut fm = String::new();
        fm.push_str(&format!("id: {}\n", m.id));
        fm.push_str(&format!("title: {}\n", scalar(&m.title)));
        if self.topics_suggested {
            fm.push_str("# topics 是 anli 按检索结果推荐的主题，请核对后删掉这一行\n");
        }
        let topics: Vec<String> = m.topics.iter().map(|t| item(t)).collect();
        fm.push_str(&format!("topics: [{}]\n", topics.join(", ")));
        fn opt(fm: &mut String, key: &str, v: Option<&str>) {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                fm.push_str(&format!("{key}: {}\n", scalar(v.trim())));
            }
        }
        opt(&mut fm, "region", m.region.as_deref());
        opt(&mut fm, "community", m.community.as_deref());
        if let Some(y) = m.year {
            fm.push_str(&format!("year: {y}\n"));
        }
        if let Some(k) = m.kind {
            fm.push_str(&format!("kind: {}\n", k.label()));
        }
        opt(&mut fm, "source", m.source.as_deref());
        opt(&mut fm, "source_url", m.source_url.as_deref());
        if !m.tags.is_empty() {
            let tags: Vec<String> = m.tags.iter().map(|t| item(t)).collect();
            fm.push_str(&format!("tags: [{}]\n", tags.join(", ")));
        }
        let summary = m.summary.as_ref().map(|s| s.replace('\n', " "));
        opt(&mut fm, "summary", summary.as_deref());
        let mut out = format!("---\n{fm}---\n\n# {}\n", m.title.replace('\n', " "));
        for s in &self.sections {
            let body = s.markdown.trim();
            if s.heading.trim().is_empty() {
                if !body.is_empty() {
                    out.push_str(&format!("\n{body}\n"));
                }
                continue;
            }
            out.push_str(&format!("\n## {}\n", s.heading.trim().replace('\n', " ")));
            if !body.is_empty() {
                out.push_str(&format!("\n{body}\n"));
            }
        }
        out
    }

    /// The report of this draft written to `path`.
    pub fn report(&self, path: &str) -> CaseReport {
        let m = &self.meta;
        CaseReport {
            path: path.to_string(),
            id: m.id.clone(),
            title: m.title.clone(),
            source: m.source.clone(),
            region: m.region.clone(),
            year: m.year,
            topics: m.topics.clone(),
            kind: m.kind,
            sections: self
                .sections
                .iter()
                .map(|s| SectionReport {
                    heading: s.heading.clone(),
                    kind: if s.heading.is_empty() {
                        SectionKind::Other
                    } else {
                        SectionKind::classify(&s.heading)
                    },
                    chars: crate::case::markdown::sections(&s.markdown, 1)
                        .iter()
                        .map(|x| x.text.chars().count())
                        .sum(),
                })
                .collect(),
            warnings: self.warnings.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_quote_only_when_needed() {
        assert_eq!(scalar("停车难"), "停车难");
        assert_eq!(scalar("2021"), "\"2021\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("- 列表"), "\"- 列表\"");
        assert_eq!(scalar("\"引号\"开头"), "\"\\\"引号\\\"开头\"");
        assert_eq!(item("a, b"), "\"a, b\"");
    }

    #[test]
    fn markdown_escapes() {
        assert_eq!(escape_markdown("# 不是标题"), "\\# 不是标题");
        assert_eq!(escape_markdown("1. 建立议事会"), "1\\. 建立议事会");
        assert_eq!(escape_markdown("a*b*"), "a\\*b\\*");
    }
}
