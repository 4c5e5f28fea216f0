//! The Word handout (`.docx`), written with docx-rs.
//!
//! Headings use Word's own style ids (`Title`, `Heading1`, `Heading2`, `Heading3`, with outline
//! levels), so Word's navigation pane and its table-of-contents command work; the handout itself
//! opens with a plain numbered contents list. Chinese text is set in
//! 宋体 (body) and 黑体 (headings) through the east-Asian font slot; pages are A4.

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Style,
    StyleType,
};
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::{missing_text, source_line};
use crate::case::markdown;
use crate::error::{Error, Result};
use crate::packet::Resolved;

const BODY_FONT: &str = "宋体";
const HEADING_FONT: &str = "黑体";
const LATIN_FONT: &str = "Times New Roman";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
}

fn heading_style(id: &str, name: &str, size_pt: usize, level: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .fonts(fonts(HEADING_FONT))
        .size(size_pt * 2)
        .bold()
        .outline_lvl(level)
        .line_spacing(LineSpacing::new().before(240).after(120))
}

/// Text with the characters XML 1.0 does not allow removed (a stray control character in a case
/// or a note would otherwise make Word refuse the file).
fn xml(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

fn run(text: impl AsRef<str>) -> Run {
    Run::new().add_text(xml(text.as_ref()))
}

fn text_para(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text))
}

fn styled(style: &str, text: &str) -> Paragraph {
    text_para(text).style(style)
}

/// The Word handout as bytes.
pub fn docx(r: &Resolved) -> Result<Vec<u8>> {
    let p = &r.packet;
    let mut doc = Docx::new()
        .page_size(11906, 16838) // A4 in twips
        .page_margin(
            PageMargin::new()
                .top(1134)
                .bottom(1247)
                .left(1020)
                .right(1020),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(22) // 11 pt
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .q_format(true)
                .fonts(fonts(HEADING_FONT))
                .size(44)
                .bold()
                .align(AlignmentType::Center),
        )
        .add_style(heading_style("Heading1", "heading 1", 16, 0))
        .add_style(heading_style("Heading2", "heading 2", 13, 1))
        .add_style(heading_style("Heading3", "heading 3", 11, 2))
        .add_style(
            Style::new("Quote", StyleType::Paragraph)
                .name("Quote")
                .based_on("Normal")
                .indent(Some(420), None, Some(420), None)
                .color("7F1D1D"),
        )
        .add_paragraph(styled("Title", p.title.trim()));
    for (label, value) in r.cover() {
        doc = doc.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(format!("{label}：")).bold())
                .add_run(run(value)),
        );
    }
    // A plain contents list (what the Markdown and HTML handouts have). A TOC field would need
    // Word to update fields on opening, and LibreOffice shows its field code until then; with
    // the heading styles, Word's navigation pane and References → Table of Contents both work.
    doc = doc.add_paragraph(
        Paragraph::new()
            .add_run(run("目录").bold().size(28))
            .line_spacing(LineSpacing::new().before(360).after(120)),
    );
    for (i, e) in r.entries.iter().enumerate() {
        let title = match e.case() {
            Some(c) => c.meta.title.clone(),
            None => format!("（缺失）{}", e.id()),
        };
        doc = doc.add_paragraph(text_para(&format!("{}. {title}", i + 1)));
    }
    if !p.questions.is_empty() {
        doc = doc.add_paragraph(text_para(&format!("{}. 讨论题", r.entries.len() + 1)));
    }
    for (i, e) in r.entries.iter().enumerate() {
        let title = match e.case() {
            Some(c) => format!("案例 {}　{}", i + 1, c.meta.title),
            None => format!("案例 {}　（缺失）{}", i + 1, e.id()),
        };
        doc = doc.add_paragraph(styled("Heading1", &title).page_break_before(true));
        match e.case() {
            Some(c) => {
                doc = doc
                    .add_paragraph(Paragraph::new().add_run(run(source_line(c)).color("555555")));
                doc = note(doc, e.note());
                if let Some(s) = c.meta.summary.as_deref().filter(|s| !s.trim().is_empty()) {
                    doc = doc.add_paragraph(
                        Paragraph::new()
                            .add_run(run("摘要：").bold())
                            .add_run(run(s.trim())),
                    );
                }
                for s in &c.sections {
                    if !s.heading.is_empty() {
                        doc = doc.add_paragraph(styled("Heading2", &s.heading));
                    }
                    for para in paragraphs(&s.markdown) {
                        doc = doc.add_paragraph(para);
                    }
                }
            }
            None => {
                doc = doc.add_paragraph(
                    Paragraph::new().add_run(
                        Run::new()
                            .add_text(missing_text(e.id()))
                            .bold()
                            .color("B91C1C"),
                    ),
                );
                doc = note(doc, e.note());
            }
        }
    }
    if !p.questions.is_empty() {
        doc = doc.add_paragraph(styled("Heading1", "讨论题").page_break_before(true));
        for (i, q) in p.questions.iter().enumerate() {
            doc = doc.add_paragraph(text_para(&format!("{}. {}", i + 1, q.trim())));
        }
    }
    doc = doc.add_paragraph(
        Paragraph::new()
            .line_spacing(LineSpacing::new().before(480))
            .add_run(run(r.provenance()).size(16).color("666666")),
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| Error::PacketExport(e.to_string()))?;
    Ok(buf.into_inner())
}

fn note(doc: Docx, note: &str) -> Docx {
    if note.trim().is_empty() {
        return doc;
    }
    let mut para = Paragraph::new()
        .style("Quote")
        .add_run(run("教师按：").bold());
    for (i, line) in note.trim().lines().enumerate() {
        let mut r = Run::new();
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        para = para.add_run(r.add_text(xml(line.trim())));
    }
    doc.add_paragraph(para)
}

/// Markdown of a section → Word paragraphs: paragraphs, list items (numbered or bulleted, as
/// text), sub-headings, block quotes (indented), bold and italic runs. Raw HTML is dropped.
fn paragraphs(md: &str) -> Vec<Paragraph> {
    #[derive(Default)]
    struct State {
        out: Vec<Paragraph>,
        cur: Option<Paragraph>,
        bold: usize,
        italic: usize,
        lists: Vec<Option<u64>>,
        quote: usize,
        heading: bool,
        code: bool,
        last: char,
    }
    impl State {
        fn para(&mut self) -> &mut Paragraph {
            if self.cur.is_none() {
                let mut p = Paragraph::new();
                if self.heading {
                    p = p.style("Heading3");
                } else if self.quote > 0 || !self.lists.is_empty() {
                    let depth = self.quote + self.lists.len();
                    p = p.indent(Some(420 * depth as i32), None, None, None);
                }
                self.cur = Some(p);
            }
            self.cur.get_or_insert_with(Paragraph::new)
        }
        fn text(&mut self, t: &str) {
            if let Some(c) = t.chars().last() {
                self.last = c;
            }
            let mut run = run(t);
            if self.bold > 0 {
                run = run.bold();
            }
            if self.italic > 0 {
                run = run.italic();
            }
            let p = self.para();
            *p = std::mem::take(p).add_run(run);
        }
        fn flush(&mut self) {
            if let Some(p) = self.cur.take() {
                self.out.push(p);
            }
        }
    }
    let mut st = State::default();
    for ev in markdown::parse(md) {
        match ev {
            // A list item's first paragraph continues the item's own paragraph (its marker).
            Event::Start(Tag::Paragraph) if st.lists.is_empty() => st.flush(),
            Event::End(TagEnd::Paragraph) => st.flush(),
            Event::Start(Tag::Heading { level, .. }) => {
                st.flush();
                st.heading = level <= HeadingLevel::H6;
            }
            Event::End(TagEnd::Heading(_)) => {
                st.flush();
                st.heading = false;
            }
            Event::Start(Tag::BlockQuote(_)) => {
                st.flush();
                st.quote += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                st.flush();
                st.quote = st.quote.saturating_sub(1);
            }
            Event::Start(Tag::List(start)) => {
                st.flush();
                st.lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                st.flush();
                st.lists.pop();
            }
            Event::Start(Tag::Item) => {
                st.flush();
                let marker = match st.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_string(),
                };
                st.text(&marker);
            }
            Event::End(TagEnd::Item) => st.flush(),
            Event::Start(Tag::Strong) => st.bold += 1,
            Event::End(TagEnd::Strong) => st.bold = st.bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => st.italic += 1,
            Event::End(TagEnd::Emphasis) => st.italic = st.italic.saturating_sub(1),
            Event::End(TagEnd::TableCell) => st.text("\t"),
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => st.flush(),
            Event::Start(Tag::CodeBlock(_)) => {
                st.flush();
                st.code = true;
            }
            Event::Text(t) if st.code => {
                for line in t.lines() {
                    st.text(line);
                    st.flush();
                }
            }
            Event::Text(t) | Event::Code(t) => st.text(&t),
            // A line break inside a paragraph: nothing between Chinese characters, a space
            // between English words.
            Event::SoftBreak if st.last.is_ascii_alphanumeric() => st.text(" "),
            Event::SoftBreak => {}
            Event::HardBreak => {
                let p = st.para();
                *p = std::mem::take(p).add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            Event::End(TagEnd::CodeBlock) => {
                st.flush();
                st.code = false;
            }
            _ => {}
        }
    }
    st.flush();
    st.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(ps: &[Paragraph]) -> Vec<String> {
        ps.iter().map(|p| p.raw_text()).collect()
    }

    #[test]
    fn markdown_becomes_paragraphs_with_list_markers() {
        let md = "社区党委先摸底，\n随后入户。Parking\nrules\u{1}.\n\n1. **入户**：走访 126 户。\n2. 开议事会。\n\n- 一楼补偿\n- 分摊\n\n> 居民原话：不想出钱。\n\n### 难点\n\n<script>x</script>";
        let ps = paragraphs(md);
        assert_eq!(
            texts(&ps),
            [
                "社区党委先摸底，随后入户。Parking rules.",
                "1. 入户：走访 126 户。",
                "2. 开议事会。",
                "• 一楼补偿",
                "• 分摊",
                "居民原话：不想出钱。",
                "难点",
            ]
        );
    }
}
