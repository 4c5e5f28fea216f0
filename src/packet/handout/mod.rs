//! The handouts an instructor prints: [`markdown`], [`html`] (self-contained, print-ready) and
//! [`docx`] (Word), all made from a [`Resolved`](super::Resolved) packet, in a teacher's or a
//! student's [`Edition`], and all ending with a small 资料说明 block: when they were made, the
//! corpus version and the case ids ([`about`]). [`Format`](super::Format) picks one.

pub mod docx;
pub mod html;
pub mod markdown;

use std::str::FromStr;

use super::Resolved;
use crate::case::Case;
use crate::error::{Error, Result};

/// Who a handout is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Edition {
    /// The instructor's: with the notes (教师按).
    #[default]
    Teacher,
    /// The trainees': without the notes, with room to write after each case and question.
    Student,
}

impl Edition {
    /// Both, in the order they are offered.
    pub const ALL: [Edition; 2] = [Edition::Teacher, Edition::Student];

    /// The name `--edition` and `?edition=` take: `teacher`, `student`.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Teacher => "teacher",
            Edition::Student => "student",
        }
    }

    /// What the cover says: 教师用 / 学员用.
    pub fn label(self) -> &'static str {
        match self {
            Edition::Teacher => "教师用",
            Edition::Student => "学员用",
        }
    }

    /// Whether the notes (教师按) are printed.
    pub fn notes(self) -> bool {
        self == Edition::Teacher
    }
}

impl FromStr for Edition {
    type Err = Error;

    fn from_str(s: &str) -> Result<Edition> {
        Edition::ALL
            .into_iter()
            .find(|e| e.name() == s)
            .ok_or_else(|| {
                Error::PacketEdit(format!(
                    "不认识的讲义版本“{}”：可选 teacher（教师用）、student（学员用）",
                    s.chars().take(20).collect::<String>()
                ))
            })
    }
}

/// Lines ruled for writing on in the student edition, after each case.
pub const NOTE_LINES_PER_CASE: usize = 6;
/// … and after each discussion question.
pub const NOTE_LINES_PER_QUESTION: usize = 4;

/// The 资料说明 block every handout ends with: (label, value) lines, then one line per case
/// (its number, title and id).
pub struct About {
    pub lines: Vec<(&'static str, String)>,
    pub cases: Vec<String>,
}

/// What the 资料说明 block says about `r`.
pub fn about(r: &Resolved) -> About {
    let lines = vec![
        (
            "生成",
            format!("anli 社区治理案例库，{}", r.built_at_text()),
        ),
        (
            "案例库版本",
            format!(
                "{}（核对案例是否更新过时用）",
                super::short(&r.corpus_version)
            ),
        ),
    ];
    let cases = r
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| match e.case() {
            Some(c) => format!("案例 {}　{}：{}", i + 1, c.meta.title, e.id()),
            None => format!("案例 {}　（缺失）：{}", i + 1, e.id()),
        })
        .collect();
    About { lines, cases }
}

/// A case's source line: 来源 · 类型 · 地区 · 年份 (its id is in the 资料说明 block).
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
    parts.join(" · ")
}

/// What a missing case says.
pub fn missing_text(id: &str) -> String {
    format!("这个案例（编号 {id}）已不在案例库中，可能被删除或改了编号；请在案例包里移除或换成别的案例。")
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A resolved packet of one found and one missing case, for the handout tests.

    use crate::case::{Case, Section, SectionKind};
    use crate::packet::{Entry, Packet, Resolved};

    pub(crate) fn case(id: &str, title: &str) -> Case {
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

    pub(crate) fn resolved() -> Resolved {
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
            // 2026-11-21T10:05:00Z
            built_at: std::time::SystemTime::UNIX_EPOCH
                + std::time::Duration::from_secs(1_795_255_500),
            single: false,
        }
    }
}
