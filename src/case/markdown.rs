//! The one place that owns pulldown-cmark options, and the split of a body into sections.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{Section, SectionKind};

/// The Markdown dialect of case files: CommonMark plus tables, strikethrough, footnotes and
/// task lists (what Typora and Obsidian users write).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
}

/// Render Markdown to HTML. Raw HTML in the source passes through: callers that show the result
/// to readers must sanitize it (see `render`).
pub fn to_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut out, parse(markdown));
    out
}

/// The events of `markdown`, with CJK emphasis repaired.
///
/// CommonMark does not close `**…**` when the closing `**` follows punctuation and is followed by
/// a letter — which is how Chinese writes it (`**一、摸底。**社区党委……`), so the stars would
/// show up literally. Adjacent text is merged and pairs of `**` left in it become strong
/// emphasis.
pub fn parse(markdown: &str) -> impl Iterator<Item = Event<'_>> {
    parse_with_offsets(markdown).into_iter().map(|(e, _)| e)
}

/// [`parse`] with each event's byte range in `markdown`.
pub fn parse_with_offsets(markdown: &str) -> Vec<(Event<'_>, Range<usize>)> {
    let mut out: Vec<(Event<'_>, Range<usize>)> = Vec::new();
    let mut pending = String::new();
    let mut pending_range: Option<Range<usize>> = None;
    let flush = |pending: &mut String,
                 range: &mut Option<Range<usize>>,
                 out: &mut Vec<(Event<'_>, Range<usize>)>| {
        let Some(r) = range.take() else { return };
        let text = std::mem::take(pending);
        let parts: Vec<&str> = text.split("**").collect();
        if parts.len() < 3 {
            out.push((Event::Text(text.into()), r));
            return;
        }
        // Stars pair up from the left; an odd one out stays literal.
        let pairs = (parts.len() - 1) / 2;
        let mut strong = false;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                if i <= pairs * 2 {
                    let e = if strong {
                        Event::End(TagEnd::Strong)
                    } else {
                        Event::Start(Tag::Strong)
                    };
                    out.push((e, r.clone()));
                    strong = !strong;
                } else {
                    out.push((Event::Text("**".into()), r.clone()));
                }
            }
            if !part.is_empty() {
                out.push((Event::Text(part.to_string().into()), r.clone()));
            }
        }
    };
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Text(t) => {
                pending.push_str(&t);
                pending_range = Some(match pending_range.take() {
                    Some(r) => r.start..range.end,
                    None => range,
                });
            }
            other => {
                flush(&mut pending, &mut pending_range, &mut out);
                out.push((other, range));
            }
        }
    }
    flush(&mut pending, &mut pending_range, &mut out);
    out
}

/// Split a case body into sections at its `##` headings.
///
/// Text before the first `##` (other than a `#` title line) becomes a section with an empty
/// heading. Each section keeps its Markdown as written and a plain-text rendering; raw HTML is
/// left out of the plain text. `body_line` is the file line where the body starts.
pub fn sections(body: &str, body_line: usize) -> Vec<Section> {
    struct Open {
        heading: String,
        line: usize,
        md_start: usize,
        text: String,
    }
    let line_at = |offset: usize| {
        body_line
            + body.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
    };

    let mut out = Vec::new();
    let mut cur = Open {
        heading: String::new(),
        line: body_line,
        md_start: 0,
        text: String::new(),
    };
    let mut in_h2 = false;
    let mut in_h1 = false;
    let mut h2_start = 0;
    let mut heading_buf = String::new();

    let finish = |cur: Open, md_end: usize, out: &mut Vec<Section>| {
        let markdown = body[cur.md_start..md_end].trim().to_string();
        let text = tidy(&cur.text);
        if cur.heading.is_empty() && text.is_empty() {
            return;
        }
        out.push(Section {
            kind: if cur.heading.is_empty() {
                SectionKind::Other
            } else {
                SectionKind::classify(&cur.heading)
            },
            heading: cur.heading,
            markdown,
            text,
            line: cur.line,
        });
    };

    for (event, range) in parse_with_offsets(body) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => {
                in_h2 = true;
                h2_start = range.start;
                heading_buf.clear();
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                in_h2 = false;
                let next = Open {
                    heading: heading_buf.trim().to_string(),
                    line: line_at(h2_start),
                    md_start: range.end,
                    text: String::new(),
                };
                let prev = std::mem::replace(&mut cur, next);
                finish(prev, h2_start, &mut out);
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if out.is_empty() && cur.heading.is_empty() => {
                in_h1 = true;
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_h1 => {
                in_h1 = false;
                cur.md_start = range.end;
            }
            Event::Text(t) | Event::Code(t) => {
                if in_h2 {
                    heading_buf.push_str(&t);
                } else if !in_h1 {
                    cur.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak if !in_h1 && !in_h2 => cur.text.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_),
            ) if !in_h1 && !in_h2 => cur.text.push('\n'),
            _ => {}
        }
    }
    finish(cur, body.len(), &mut out);
    out
}

/// Trim lines and collapse runs of blank lines.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "# 借大院错时停车\n\n引言一段。\n\n## 背景\n\n小区 **300** 户，车位只有 80 个。\n\n## 主要做法\n\n1. 社区党委牵头召开议事会。\n2. 与产权单位签订<b>错时</b>停车协议。\n\n### 细节\n\n夜间 19:00 开放。\n\n## 成效\n\n| 指标 | 数 |\n|---|---|\n| 车位 | 120 |\n\n## 几点体会\n\n先议事，后动手。\n";

    #[test]
    fn sections_with_kinds_lines_and_plain_text() {
        let s = sections(BODY, 10);
        let kinds: Vec<_> = s.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                SectionKind::Other,
                SectionKind::Background,
                SectionKind::Measures,
                SectionKind::Outcomes,
                SectionKind::Lessons
            ]
        );
        assert_eq!(s[0].heading, "");
        assert_eq!(s[0].text, "引言一段。");
        assert_eq!(s[1].heading, "背景");
        assert_eq!(s[1].line, 14);
        assert_eq!(s[1].text, "小区 300 户，车位只有 80 个。");
        assert_eq!(s[1].markdown, "小区 **300** 户，车位只有 80 个。");
        // Raw HTML is not indexed; nested headings stay inside their section.
        assert!(
            s[2].text.contains("与产权单位签订错时停车协议。"),
            "{}",
            s[2].text
        );
        assert!(
            s[2].text.contains("细节\n夜间 19:00 开放。"),
            "{}",
            s[2].text
        );
        assert!(s[2].markdown.starts_with("1. 社区党委"));
        assert!(s[3].text.contains("车位\n120"), "{}", s[3].text);
        assert_eq!(s[4].heading, "几点体会");
    }

    #[test]
    fn body_without_headings_is_one_section() {
        let s = sections("只有一段话。\n", 5);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].kind, SectionKind::Other);
        assert!(sections("", 1).is_empty());
        assert!(sections("# 只有标题\n", 1).is_empty());
    }

    #[test]
    fn chinese_emphasis_is_repaired() {
        let md = "**一、先摸底。**社区党委挨家走访，**摸清需求**。单个*星号和 ** 落单的保留";
        let html = to_html(md);
        assert!(
            html.contains("<strong>一、先摸底。</strong>社区党委"),
            "{html}"
        );
        assert!(html.contains("<strong>摸清需求</strong>"), "{html}");
        let s = sections(md, 1);
        assert!(
            s[0].text.starts_with("一、先摸底。社区党委"),
            "{}",
            s[0].text
        );
        assert!(
            s[0].text.ends_with("摸清需求。单个*星号和 ** 落单的保留"),
            "an odd star stays: {}",
            s[0].text
        );
    }
}
