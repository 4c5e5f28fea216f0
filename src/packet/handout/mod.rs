//! The handouts an instructor prints: [`markdown`], [`html`] (self-contained, print-ready) and
//! [`docx`] (Word), all made from a [`Resolved`](super::Resolved) packet and all ending with
//! where they came from (corpus version and case ids). [`Format`](super::Format) picks one.

pub mod docx;
pub mod html;
pub mod markdown;

use crate::case::Case;

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
            built_at: "2026-11-21T10:00:00Z".into(),
        }
    }
}
