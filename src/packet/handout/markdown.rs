//! The Markdown handout: one file with the structure of the others.

use std::fmt::Write as _;

use super::{missing_text, source_line};
use crate::packet::Resolved;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::handout::fixture::resolved;

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
}
