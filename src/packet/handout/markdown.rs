//! The Markdown handout: one file with the structure of the others. Text that is not Markdown
//! — what instructors typed (title, cover, notes, questions) and the cases' plain-text fields
//! (titles, summaries, sources) — is escaped ([`escape`]), so it reads as typed and cannot
//! add headings, links or HTML; the cases' sections are Markdown and are written as they are.

use std::fmt::Write as _;

use super::{about, missing_text, source_line, Edition};
use super::{NOTE_LINES_PER_CASE, NOTE_LINES_PER_QUESTION};
use crate::packet::Resolved;

/// The Markdown handout of `r` in `edition`.
pub fn markdown(r: &Resolved, edition: Edition) -> String {
    let mut out = String::with_capacity(4096 + r.entries.len() * 4096);
    let p = &r.packet;
    let _ = writeln!(out, "# {}\n", escape(p.title.trim()));
    if !r.single {
        let _ = writeln!(out, "（{}）\n", edition.label());
        for (label, value) in r.cover() {
            let _ = writeln!(out, "- {label}：{}", escape(&value));
        }
        out.push_str("\n## 目录\n\n");
        for (i, e) in r.entries.iter().enumerate() {
            let title = match e.case() {
                Some(c) => escape(&c.meta.title),
                None => format!("（缺失）{}", escape(e.id())),
            };
            let _ = writeln!(out, "{}. {title}", i + 1);
        }
        if !p.questions.is_empty() {
            let _ = writeln!(out, "{}. 讨论题", r.entries.len() + 1);
        }
    }
    for (i, e) in r.entries.iter().enumerate() {
        out.push('\n');
        match e.case() {
            Some(c) => {
                if !r.single {
                    let _ = writeln!(out, "## 案例 {}　{}\n", i + 1, escape(&c.meta.title));
                }
                let _ = writeln!(out, "*{}*\n", escape(&source_line(c)));
                if edition.notes() {
                    note_md(&mut out, e.note());
                }
                if let Some(s) = c.meta.summary.as_deref().filter(|s| !s.trim().is_empty()) {
                    let _ = writeln!(out, "**摘要：**{}\n", escape(s.trim()));
                }
                for s in &c.sections {
                    if !s.heading.is_empty() {
                        let _ = writeln!(out, "### {}\n", s.heading);
                    }
                    let _ = writeln!(out, "{}\n", demote_headings(s.markdown.trim()));
                }
            }
            None => {
                let _ = writeln!(out, "## 案例 {}　（缺失）{}\n", i + 1, escape(e.id()));
                let _ = writeln!(out, "**{}**\n", escape(&missing_text(e.id())));
                if edition.notes() {
                    note_md(&mut out, e.note());
                }
            }
        }
        if edition == Edition::Student {
            writing_space(&mut out, "笔记", NOTE_LINES_PER_CASE);
        }
    }
    if !p.questions.is_empty() {
        out.push_str("\n## 讨论题\n\n");
        for (i, q) in p.questions.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, escape(&q.trim().replace('\n', " ")));
            if edition == Edition::Student {
                out.push('\n');
                writing_space(&mut out, "", NOTE_LINES_PER_QUESTION);
            }
        }
    }
    let a = about(r);
    out.push_str("\n---\n\n**资料说明**\n\n");
    for (label, value) in &a.lines {
        let _ = writeln!(out, "- {label}：{}", escape(value));
    }
    out.push_str("- 案例编号：\n");
    for c in &a.cases {
        let _ = writeln!(out, "  - {}", escape(c));
    }
    out
}

/// Room to write (student edition): a label and lines of full-width low lines, which no
/// Markdown reader takes for markup.
fn writing_space(out: &mut String, label: &str, lines: usize) {
    if !label.is_empty() {
        let _ = writeln!(out, "**{label}**\n");
    }
    for _ in 0..lines {
        let _ = writeln!(out, "{}\n", "＿".repeat(30));
    }
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
        out.push_str(&escape_line_start(line.trim()));
    }
    out.push_str("\n\n");
}

/// Plain text as Markdown that shows it as it is: the characters that start emphasis, code,
/// links, HTML, entities, tables, strikethrough or a closing `#` sequence are backslash-escaped.
/// For text inside a line (after `# `, `- label：`, `1. `); see [`escape_line_start`] for text
/// that starts a line.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// [`escape`] for text that starts a line: also what only there makes a list item or a
/// heading underline (`-`, `+`, `=`, `1.`, `1)`).
fn escape_line_start(line: &str) -> String {
    let escaped = escape(line);
    if escaped.starts_with(['-', '+', '=']) {
        return format!("\\{escaped}");
    }
    let digits = escaped.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && escaped[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &escaped[..digits], &escaped[digits..]);
    }
    escaped
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
        let md = markdown(&resolved(), Edition::Teacher);
        for want in [
            "# 老旧小区加装电梯专题",
            "- 培训对象：新任社区书记培训班",
            "- 检索词：加装电梯",
            "## 目录",
            "1. 先算账再加梯",
            "2. （缺失）elevator-99",
            "3. 讨论题",
            "## 案例 1　先算账再加梯",
            "（教师用）",
            "*来源：示例案例 · 类型：示例 · 浙江省/杭州市/拱墅区 · 2023 年*",
            "> **教师按：**重点看分摊办法。\n>\n> 第二段略读。",
            "### 做法",
            "## 案例 2　（缺失）elevator-99",
            "已不在案例库中",
            "1. 一楼住户反对时，你会先找谁谈？",
            "**资料说明**",
            "- 生成：anli 社区治理案例库，2026年11月21日",
            "- 案例库版本：0123456789abcdef（",
            "  - 案例 1　先算账再加梯：elevator-01",
            "  - 案例 2　（缺失）：elevator-99",
        ] {
            assert!(md.contains(want), "missing {want:?} in\n{md}");
        }
        let about = md.find("资料说明").unwrap();
        assert!(!md[..about].contains("elevator-01"), "ids only at the end");
    }

    #[test]
    fn the_student_edition_has_room_to_write_and_no_notes() {
        let md = markdown(&resolved(), Edition::Student);
        assert!(
            !md.contains("教师按") && !md.contains("重点看分摊办法"),
            "{md}"
        );
        assert!(md.contains("（学员用）"));
        assert_eq!(md.matches("**笔记**").count(), 2);
        assert_eq!(
            md.matches(&"＿".repeat(30)).count(),
            2 * NOTE_LINES_PER_CASE + NOTE_LINES_PER_QUESTION
        );
    }

    #[test]
    fn what_instructors_type_is_text_not_markdown() {
        let mut r = resolved();
        r.packet.title = "专题 #".into();
        r.packet.audience = "[点我](https://evil.example)".into();
        r.packet.questions = vec!["<script>alert(1)</script> 怎么办？".into()];
        if let crate::packet::Entry::Found { note, .. } = &mut r.entries[0] {
            *note = "# 不是标题\n- 不是列表\n1. 也不是\n<img src=x onerror=alert(1)>".into();
        }
        let md = markdown(&r, Edition::Teacher);
        for bad in [
            "<script>alert(1)</script> 怎么办",
            " <img",
            "[点我](",
            "> # 不是",
            "> - 不是",
            "> 1. 也",
        ] {
            assert!(!md.contains(bad), "{bad:?} in\n{md}");
        }
        // What a Markdown reader makes of it: no HTML, and only our own headings and links.
        let mut headings = Vec::new();
        let mut in_heading = false;
        for ev in pulldown_cmark::Parser::new(&md) {
            match ev {
                pulldown_cmark::Event::Html(h) | pulldown_cmark::Event::InlineHtml(h) => {
                    // Only the case's own section Markdown (not ours to escape) has HTML.
                    assert!(matches!(&*h, "<script>" | "</script>"), "{h}");
                }
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { .. }) => {
                    panic!("a link in\n{md}")
                }
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::Heading { .. }) => {
                    in_heading = true;
                    headings.push(String::new());
                }
                pulldown_cmark::Event::End(pulldown_cmark::TagEnd::Heading(_)) => {
                    in_heading = false
                }
                pulldown_cmark::Event::Text(t) if in_heading => {
                    headings.last_mut().unwrap().push_str(&t)
                }
                _ => {}
            }
        }
        assert_eq!(headings[0], "专题 #");
        assert!(!headings.iter().any(|h| h.contains("不是")), "{headings:?}");
        assert!(
            md.contains("\\<script\\>alert(1)\\</script\\> 怎么办？"),
            "{md}"
        );
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
