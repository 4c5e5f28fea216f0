//! A case: one Markdown file with YAML front matter and `##` sections.
//!
//! This module turns bytes into [`Case`] values and knows nothing of the index.
//! - [`meta`]: [`CaseMeta`], the fields of the front matter;
//! - [`front_matter`]: splitting off and validating the front matter;
//! - [`markdown`]: the one place that owns pulldown-cmark options, and section extraction;
//! - [`corpus`]: reading a whole folder, with duplicate ids and bad files reported, not fatal.

pub mod corpus;
pub mod front_matter;
pub mod markdown;
pub mod meta;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use crate::error::CaseError;
pub use corpus::{case_files, load_corpus, LoadedCorpus};
pub use meta::{region_segments, CaseKind, CaseMeta};

/// Largest case file accepted (real cases are a few KB; this keeps a stray dump out).
pub const MAX_CASE_BYTES: u64 = 2 * 1024 * 1024;

/// The canonical kind of a `##` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    /// 背景 / 问题 / 起因.
    Background,
    /// 做法 / 举措 / 措施 / 经验做法: the remedy, what secretaries look for.
    Measures,
    /// 成效 / 效果 / 成果.
    Outcomes,
    /// 启示 / 经验 / 体会.
    Lessons,
    /// Any other section (and the text before the first `##`).
    Other,
    /// The front matter's summary: where a search snippet comes from when no section matches.
    /// Never the kind of a `##` section.
    Summary,
}

impl SectionKind {
    /// The English name used in JSON (`measures`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Background => "background",
            SectionKind::Measures => "measures",
            SectionKind::Outcomes => "outcomes",
            SectionKind::Lessons => "lessons",
            SectionKind::Other => "other",
            SectionKind::Summary => "summary",
        }
    }

    /// The Chinese label shown beside a snippet (`measures` → 做法).
    pub fn label(self) -> &'static str {
        match self {
            SectionKind::Measures => "做法",
            SectionKind::Background => "背景",
            SectionKind::Outcomes => "成效",
            SectionKind::Lessons => "启示",
            SectionKind::Summary => "摘要",
            SectionKind::Other => "正文",
        }
    }

    /// Classify a `##` heading. Leading numbering (`一、`, `1.`, `（二）`) is ignored; exact names
    /// win, then the first family whose key word the heading contains (做法 before 经验, so
    /// 经验做法 is measures).
    pub fn classify(heading: &str) -> SectionKind {
        let h = heading
            .trim()
            .trim_start_matches(|c: char| {
                c.is_ascii_digit()
                    || c.is_whitespace()
                    || "一二三四五六七八九十、.．)）(（:：第部分".contains(c)
            })
            .trim_end_matches(|c: char| c.is_whitespace() || ":：".contains(c));
        const FAMILIES: [(SectionKind, &[&str]); 4] = [
            (
                SectionKind::Measures,
                &["做法", "举措", "措施", "办法", "对策"],
            ),
            (
                SectionKind::Background,
                &["背景", "问题", "起因", "缘起", "基本情况"],
            ),
            (SectionKind::Outcomes, &["成效", "效果", "成果", "结果"]),
            (
                SectionKind::Lessons,
                &["启示", "经验", "体会", "反思", "思考"],
            ),
        ];
        for (kind, names) in FAMILIES {
            if names.contains(&h) {
                return kind;
            }
        }
        for (kind, names) in FAMILIES {
            if names.iter().any(|n| h.contains(n)) {
                return kind;
            }
        }
        SectionKind::Other
    }
}

/// `kind == "measures"`: compares with the name used in JSON.
impl PartialEq<&str> for SectionKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One `##` section of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The heading as written (empty for text before the first `##`).
    pub heading: String,
    /// Its canonical kind.
    pub kind: SectionKind,
    /// The section's Markdown as written (without the heading line), for display.
    pub markdown: String,
    /// Plain text for indexing and snippets.
    pub text: String,
    /// 1-based line of the heading in the file.
    pub line: usize,
}

/// A parsed case: its front matter, where it came from, and its sections. Stored in the index
/// as JSON, the meta fields inline (`{"id": …, "title": …, …, "path": …, "hash": …, "sections": […]}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The front matter.
    #[serde(flatten)]
    pub meta: CaseMeta,
    /// Path relative to the corpus folder, `/`-separated.
    pub path: String,
    /// Content hash of the file (16 hex digits of BLAKE3).
    pub hash: String,
    /// Sections in file order.
    pub sections: Vec<Section>,
}

impl Case {
    /// The first section of `kind`, if any.
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    /// Plain text of all sections of `kind`, joined.
    pub fn text_of(&self, kind: SectionKind) -> String {
        join_texts(self.sections.iter().filter(|s| s.kind == kind))
    }

    /// The text indexed in the `body` field: summary, community and every section except the
    /// measures, which (like the title) have a field of their own — indexing them twice would
    /// double the postings work for no gain in ranking.
    pub fn body_text(&self) -> String {
        self.text_with(false, |s| s.kind != SectionKind::Measures)
    }

    /// All searchable plain text: title, summary, community, tags and every section.
    pub fn full_text(&self) -> String {
        self.text_with(true, |_| true)
    }

    /// Title (when asked), summary and community, then the headings and text of the sections
    /// `keep` accepts, one per line.
    fn text_with(&self, title: bool, keep: impl Fn(&Section) -> bool) -> String {
        let mut out = String::with_capacity(4096);
        let m = &self.meta;
        let title = title.then_some(&m.title);
        for part in [title, m.summary.as_ref(), m.community.as_ref()]
            .into_iter()
            .flatten()
        {
            out.push_str(part);
            out.push('\n');
        }
        for s in self.sections.iter().filter(|s| keep(s)) {
            if !s.heading.is_empty() {
                out.push_str(&s.heading);
                out.push('\n');
            }
            out.push_str(&s.text);
            out.push('\n');
        }
        out
    }
}

fn join_texts<'a>(sections: impl Iterator<Item = &'a Section>) -> String {
    let mut out = String::new();
    for s in sections {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&s.text);
    }
    out
}

/// Something odd in a case file that does not stop it from being indexed (an unknown key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseWarning {
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// What is odd.
    pub message: String,
}

impl std::fmt::Display for CaseWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_json_keeps_the_meta_fields_inline_in_their_order() {
        let json = r#"{"id":"a-1","title":"t","topics":["加装电梯"],"region":"北京市/海淀区","community":null,"year":2023,"source":null,"source_url":null,"tags":["加梯"],"summary":"s","kind":"示例","path":"a.md","hash":"h","sections":[{"heading":"做法","kind":"measures","markdown":"**m**","text":"m","line":3}]}"#;
        let case: Case = serde_json::from_str(json).unwrap();
        assert_eq!(case.meta.kind, Some(CaseKind::Example));
        assert_eq!(case.sections[0].kind, SectionKind::Measures);
        assert_eq!(serde_json::to_string(&case).unwrap(), json);
    }

    #[test]
    fn headings_map_to_canonical_kinds() {
        use SectionKind::*;
        for (h, k) in [
            ("背景", Background),
            ("问题", Background),
            ("起因", Background),
            ("做法", Measures),
            ("举措", Measures),
            ("措施", Measures),
            ("经验做法", Measures),
            ("主要做法", Measures),
            ("二、主要做法", Measures),
            ("成效", Outcomes),
            ("效果", Outcomes),
            ("成果", Outcomes),
            ("启示", Lessons),
            ("经验", Lessons),
            ("体会", Lessons),
            ("（四）几点体会", Lessons),
            ("居民说", Other),
            ("附：议事规则", Other),
        ] {
            assert_eq!(SectionKind::classify(h), k, "heading {h}");
        }
    }
}
