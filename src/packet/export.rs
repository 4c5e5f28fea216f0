//! Resolving a packet's case ids against the index, and the Markdown and HTML handouts.
//!
//! Every handout ends with where it came from: the corpus version (the fingerprint of the
//! indexed case files) and the case ids, so a printed copy can be traced back.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Packet, StoredPacket};
use crate::case::Case;
use crate::error::{Error, Result};
use crate::render;
use crate::search::Engine;

/// One case of a resolved packet.
#[derive(Debug, Clone)]
pub enum Entry {
    /// The case is in the index.
    Found {
        /// The case.
        case: Box<Case>,
        /// The instructor's note.
        note: String,
    },
    /// The id is no longer in the corpus.
    Missing {
        /// The id the packet names.
        id: String,
        /// The instructor's note.
        note: String,
    },
}

impl Entry {
    /// The case id.
    pub fn id(&self) -> &str {
        match self {
            Entry::Found { case, .. } => &case.meta.id,
            Entry::Missing { id, .. } => id,
        }
    }

    /// The instructor's note.
    pub fn note(&self) -> &str {
        match self {
            Entry::Found { note, .. } | Entry::Missing { note, .. } => note,
        }
    }

    /// The case, when it exists.
    pub fn case(&self) -> Option<&Case> {
        match self {
            Entry::Found { case, .. } => Some(case),
            Entry::Missing { .. } => None,
        }
    }
}

/// A packet with its cases looked up: what every view and export is made from.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Packet name.
    pub name: String,
    /// The packet.
    pub packet: Packet,
    /// Its version (see [`StoredPacket::version`]).
    pub version: String,
    /// The cases in order.
    pub entries: Vec<Entry>,
    /// Fingerprint of the indexed corpus the cases were taken from.
    pub corpus_version: String,
    /// When this was resolved, RFC 3339 (UTC).
    pub built_at: String,
}

impl Resolved {
    /// Look the packet's cases up in `engine`'s index.
    pub fn new(stored: &StoredPacket, engine: &Engine) -> Result<Resolved> {
        let mut entries = Vec::with_capacity(stored.packet.cases.len());
        for pc in &stored.packet.cases {
            let note = pc.note.clone();
            entries.push(match engine.case(&pc.id) {
                Ok(case) => Entry::Found {
                    case: Box::new(case),
                    note,
                },
                Err(Error::CaseNotFound(_)) => Entry::Missing {
                    id: pc.id.clone(),
                    note,
                },
                Err(e) => return Err(e),
            });
        }
        Ok(Resolved {
            name: stored.name.clone(),
            packet: stored.packet.clone(),
            version: stored.version.clone(),
            entries,
            corpus_version: engine.meta().corpus,
            built_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        })
    }

    /// Ids the corpus no longer has.
    pub fn missing(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.case().is_none())
            .map(Entry::id)
            .collect()
    }

    /// The case ids, comma-separated, for the provenance line.
    pub fn ids_line(&self) -> String {
        let ids: Vec<&str> = self.entries.iter().map(Entry::id).collect();
        ids.join(", ")
    }

    /// The provenance line every export ends with.
    pub fn provenance(&self) -> String {
        format!(
            "由 anli 生成于 {}；案例库版本 {}；案例编号：{}",
            self.built_at,
            short(&self.corpus_version),
            if self.entries.is_empty() {
                "（无）".to_string()
            } else {
                self.ids_line()
            }
        )
    }

    /// Cover lines: (label, value) for the fields that are filled in.
    pub fn cover(&self) -> Vec<(&'static str, String)> {
        let p = &self.packet;
        let mut out = Vec::new();
        for (label, value) in [
            ("培训对象", &p.audience),
            ("日期", &p.date),
            ("编写", &p.author),
        ] {
            if !value.trim().is_empty() {
                out.push((label, value.trim().to_string()));
            }
        }
        if let Some(q) = p.query.as_deref().filter(|q| !q.trim().is_empty()) {
            out.push(("检索词", q.trim().to_string()));
        }
        out.push(("案例数", self.entries.len().to_string()));
        out
    }
}

/// Check that every id names a case in `engine`'s index ([`Error::CaseNotFound`] for the first
/// that does not; ids that are not even well-formed are not looked up).
pub fn require_cases(engine: &Engine, ids: &[String]) -> Result<()> {
    for id in ids {
        if !crate::case::front_matter::valid_id(id) {
            return Err(Error::CaseNotFound(id.clone()));
        }
        engine.case(id)?;
    }
    Ok(())
}

/// The ids of the first `limit` results of a search, to start a packet from.
pub fn search_ids(engine: &Engine, query: &str, limit: usize) -> Result<Vec<String>> {
    let results = engine.search(&crate::search::SearchRequest {
        query: query.to_string(),
        limit,
        offset: 0,
        filters: crate::search::Filters::default(),
        mode: crate::search::SearchMode::default(),
    })?;
    Ok(results.hits.into_iter().map(|h| h.id).collect())
}

/// The first 16 hex digits of a fingerprint (enough to tell versions apart on paper).
pub fn short(fingerprint: &str) -> &str {
    fingerprint.get(..16).unwrap_or(fingerprint)
}

/// A case's source line: 来源 · 类型 · 地区 · 年份 · 编号.
pub fn source_line(case: &Case) -> String {
    let case = &case.meta;
    let mut parts = Vec::new();
    if let Some(s) = case.source.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(format!("来源：{}", s.trim()));
    }
    if let Some(k) = case.kind {
        parts.push(format!("类型：{}", k.label()));
    }
    if let Some(r) = &case.region {
        parts.push(r.clone());
    }
    if let Some(y) = case.year {
        parts.push(format!("{y} 年"));
    }
    parts.push(format!("编号 {}", case.id));
    parts.join(" · ")
}

/// What a missing case says.
pub fn missing_text(id: &str) -> String {
    format!("这个案例（编号 {id}）已不在案例库中，可能被删除或改了编号；请在案例包里移除或换成别的案例。")
}

/// The Markdown handout.
pub fn markdown(r: &Resolved) -> String {
    let mut out = String::with_capacity(4096 + r.entries.len() * 4096);
    let p = &r.packet;
    let _ = writeln!(out, "# {}\n", p.title.trim());
    for (label, value) in r.cover() {
        let _ = writeln!(out, "- {label}：{value}");
    }
    out.push_str("\n## 目录\n\n");
    for (i, e) in r.entries.iter().enumerate() {
        let title = match e.case() {
            Some(c) => c.meta.title.clone(),
            None => format!("（缺失）{}", e.id()),
        };
        let _ = writeln!(out, "{}. {title}", i + 1);
    }
    if !p.questions.is_empty() {
        let _ = writeln!(out, "{}. 讨论题", r.entries.len() + 1);
    }
    for (i, e) in r.entries.iter().enumerate() {
        out.push('\n');
        match e.case() {
            Some(c) => {
                let _ = writeln!(out, "## 案例 {}　{}\n", i + 1, c.meta.title);
                let _ = writeln!(out, "*{}*\n", source_line(c));
                note_md(&mut out, e.note());
                if let Some(s) = c.meta.summary.as_deref().filter(|s| !s.trim().is_empty()) {
                    let _ = writeln!(out, "**摘要：**{}\n", s.trim());
                }
                for s in &c.sections {
                    if !s.heading.is_empty() {
                        let _ = writeln!(out, "### {}\n", s.heading);
                    }
                    let _ = writeln!(out, "{}\n", demote_headings(s.markdown.trim()));
                }
            }
            None => {
                let _ = writeln!(out, "## 案例 {}　（缺失）{}\n", i + 1, e.id());
                let _ = writeln!(out, "**{}**\n", missing_text(e.id()));
                note_md(&mut out, e.note());
            }
        }
    }
    if !p.questions.is_empty() {
        out.push_str("\n## 讨论题\n\n");
        for (i, q) in p.questions.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, q.trim().replace('\n', " "));
        }
    }
    let _ = writeln!(out, "\n---\n\n{}", r.provenance());
    out
}

fn note_md(out: &mut String, note: &str) {
    if note.trim().is_empty() {
        return;
    }
    out.push_str("> **教师按：**");
    for (i, line) in note.trim().lines().enumerate() {
        if i > 0 {
            out.push_str("\n>\n> ");
        }
        out.push_str(line.trim());
    }
    out.push_str("\n\n");
}

/// Headings inside a section sit under the case's `###` section heading: ATX headings outside
/// code fences go two levels down (at most `######`). Other lines — a `#话题#` tag, code — stay.
fn demote_headings(md: &str) -> String {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for l in md.lines() {
        let t = l.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            out.push(l.to_string());
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            out.push(l.to_string());
            continue;
        }
        let hashes = l.bytes().take_while(|&b| b == b'#').count();
        let rest = &l[hashes..];
        if (1..=6).contains(&hashes) && (rest.is_empty() || rest.starts_with([' ', '\t'])) {
            out.push(format!("{}{rest}", "#".repeat((hashes + 2).min(6))));
        } else {
            out.push(l.to_string());
        }
    }
    out.join("\n")
}

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
    use crate::case::{Section, SectionKind};

    fn case(id: &str, title: &str) -> Case {
        Case {
            meta: crate::case::CaseMeta {
                id: id.into(),
                title: title.into(),
                topics: vec!["加装电梯".into()],
                region: Some("浙江省/杭州市/拱墅区".into()),
                community: Some("示例社区（虚构）".into()),
                year: Some(2023),
                source: Some("示例案例".into()),
                source_url: None,
                tags: vec![],
                summary: Some("一楼住户担心采光，社区党委请设计单位出了三个方案。".into()),
                kind: Some(crate::case::CaseKind::Example),
            },
            path: format!("{id}.md"),
            hash: String::new(),
            sections: vec![
                Section {
                    heading: "背景".into(),
                    kind: SectionKind::Background,
                    markdown: "单元里 18 户，其中 6 户是 70 岁以上老人。".into(),
                    text: String::new(),
                    line: 10,
                },
                Section {
                    heading: "做法".into(),
                    kind: SectionKind::Measures,
                    markdown: "1. **先算账**：每户按楼层分摊。\n2. 一楼补偿<script>alert(1)</script>协议。"
                        .into(),
                    text: String::new(),
                    line: 14,
                },
            ],
        }
    }

    fn resolved() -> Resolved {
        let mut packet = Packet::new("老旧小区加装电梯专题");
        packet.audience = "新任社区书记培训班".into();
        packet.query = Some("加装电梯".into());
        packet.questions = vec!["一楼住户反对时，你会先找谁谈？".into()];
        Resolved {
            name: "加梯".into(),
            packet,
            version: "v".into(),
            entries: vec![
                Entry::Found {
                    case: Box::new(case("elevator-01", "先算账再加梯")),
                    note: "重点看分摊办法。\n第二段略读。".into(),
                },
                Entry::Missing {
                    id: "elevator-99".into(),
                    note: String::new(),
                },
            ],
            corpus_version: "0123456789abcdef0123".into(),
            built_at: "2026-11-21T10:00:00Z".into(),
        }
    }

    #[test]
    fn markdown_has_cover_contents_cases_questions_and_provenance() {
        let md = markdown(&resolved());
        for want in [
            "# 老旧小区加装电梯专题",
            "- 培训对象：新任社区书记培训班",
            "- 检索词：加装电梯",
            "## 目录",
            "1. 先算账再加梯",
            "2. （缺失）elevator-99",
            "3. 讨论题",
            "## 案例 1　先算账再加梯",
            "*来源：示例案例 · 类型：示例 · 浙江省/杭州市/拱墅区 · 2023 年 · 编号 elevator-01*",
            "> **教师按：**重点看分摊办法。\n>\n> 第二段略读。",
            "### 做法",
            "## 案例 2　（缺失）elevator-99",
            "已不在案例库中",
            "1. 一楼住户反对时，你会先找谁谈？",
            "案例库版本 0123456789abcdef；案例编号：elevator-01, elevator-99",
        ] {
            assert!(md.contains(want), "missing {want:?} in\n{md}");
        }
    }

    #[test]
    fn only_real_headings_are_demoted() {
        let md = "# 一级\n#垃圾分类#打卡\n###### 六级\n```\n# 代码里的井号\n```\n正文";
        assert_eq!(
            demote_headings(md),
            "### 一级\n#垃圾分类#打卡\n###### 六级\n```\n# 代码里的井号\n```\n正文"
        );
    }

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
