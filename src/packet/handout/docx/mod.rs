//! The Word handout (`.docx`), written with docx-rs.
//!
//! - A4, 宋体 12 pt body text, 黑体 headings in Word's own styles (`Title`, `Heading1`–`3`, so
//!   the navigation pane and References → Table of Contents work), each kept with the
//!   paragraph after it; notes (教师按) in 楷体.
//! - The first page is the cover with the contents: each entry's page number is a `PAGEREF`
//!   field to a bookmark on the case's heading, which LibreOffice computes as it lays the
//!   document out, and Word when it updates fields, which the file asks for on opening
//!   (`updateFields`). (Not a `TOC` field: LibreOffice shows a TOC field's stored entries as
//!   they are and never regenerates it on opening, and the stored numbers are an estimate.)
//!   The number stored in each field is [`layout`]'s estimate; tests/packet_handouts.rs checks
//!   the numbers LibreOffice prints against the pages the cases start on.
//! - Cases follow one another from the second page on (no page left nearly empty before each
//!   new case); the footer says 第 X 页 共 Y 页 (`PAGE` and `NUMPAGES` fields).
//! - The student edition leaves out the notes and rules lines to write on after each case and
//!   each discussion question; every handout ends with the small 资料说明 block.

mod layout;
mod markdown;
mod parts;

use docx_rs::{Docx, PageMargin, Paragraph, XMLDocx};

use self::layout::{Metrics, Pager};
use self::parts::{body, contents_entry, fonts, heading, labelled, line, note, ruled_line, run};
use self::parts::{Block, BODY_FONT, BODY_PT};
use super::{about, missing_text, source_line, Edition};
use super::{NOTE_LINES_PER_CASE, NOTE_LINES_PER_QUESTION};
use crate::error::{Error, Result};
use crate::packet::Resolved;

/// A contents entry: its text, the bookmark it points to and the body block that holds it.
struct Anchor {
    text: String,
    name: String,
    block: usize,
}

/// The Word handout of `r` in `edition`, as bytes.
pub fn docx(r: &Resolved, edition: Edition) -> Result<Vec<u8>> {
    let mut buf = std::io::Cursor::new(Vec::new());
    build(r, edition)
        .pack(&mut buf)
        .map_err(|e| Error::PacketExport(e.to_string()))?;
    Ok(buf.into_inner())
}

/// The parts of the handout's file, before they are zipped.
fn build(r: &Resolved, edition: Edition) -> XMLDocx {
    let (mut body, anchors) = body_blocks(r, edition);
    let front = if r.single {
        Vec::new()
    } else {
        if let Some(first) = body.first_mut() {
            first.para = std::mem::take(&mut first.para).page_break_before(true);
            first.m.break_before = true;
        }
        // The cover and contents, laid out once to know where the cases start, then again
        // with the estimated page numbers.
        // The first case starts a new page after the contents.
        let draft = front_blocks(r, edition, &anchors, &[]);
        let start = lay_out(&draft, 1).0 + 1;
        let pages = lay_out(&body, start).1;
        let numbers: Vec<usize> = anchors.iter().map(|a| pages[a.block]).collect();
        front_blocks(r, edition, &anchors, &numbers)
    };
    let start = if front.is_empty() {
        1
    } else {
        lay_out(&front, 1).0 + 1
    };
    let total = lay_out(&body, start).0.max(1);

    let mut doc = Docx::new()
        .page_size(layout::PAGE_WIDTH, layout::PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(layout::MARGIN_TOP)
                .bottom(layout::MARGIN_BOTTOM)
                .left(layout::MARGIN_SIDE)
                .right(layout::MARGIN_SIDE)
                .header(851)
                .footer(layout::FOOTER),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size((BODY_PT * 2.0) as usize)
        .footer(parts::footer(total));
    for s in parts::styles() {
        doc = doc.add_style(s);
    }
    for b in front.into_iter().chain(body) {
        doc = doc.add_paragraph(b.para);
    }
    let mut xml = doc.build();
    xml.settings = update_fields_on_open(&xml.settings);
    xml
}

/// Lay `blocks` out from the top of page `first`: the last page, and each block's page.
fn lay_out(blocks: &[Block], first: usize) -> (usize, Vec<usize>) {
    let mut pager = Pager::new(first);
    let pages = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| pager.place(&b.m, blocks.get(i + 1).map(|n| &n.m)))
        .collect();
    (pager.page(), pages)
}

/// `settings.xml` asking Word to update the fields (the contents' page numbers) on opening:
/// `<w:updateFields>` goes before `<w:compat>`, as the schema orders them.
fn update_fields_on_open(settings: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(settings);
    match text.find("<w:compat") {
        Some(at) => {
            let mut out = text[..at].to_string();
            out.push_str(r#"<w:updateFields w:val="true" />"#);
            out.push_str(&text[at..]);
            out.into_bytes()
        }
        None => settings.to_vec(),
    }
}

/// The cover (title, edition, the packet's details) and the contents; `pages` are the
/// estimated page numbers of the anchors (empty for a first pass).
fn front_blocks(r: &Resolved, edition: Edition, anchors: &[Anchor], pages: &[usize]) -> Vec<Block> {
    let mut out = Vec::new();
    let title = r.packet.title.trim();
    let mut t = Paragraph::new().style("Title").add_run(run(title));
    t = t.line_spacing(docx_rs::LineSpacing::new().before(2400));
    out.push(Block::new(
        t,
        Metrics::text(title, 22.0, 36.0, 0.0, 0.0).spaced(120.0, 6.0),
    ));
    out.push(line(&format!("（{}）", edition.label()), 14.0, false, true));
    for (label, value) in r.cover() {
        out.push(line(&format!("{label}：{value}"), BODY_PT, false, true));
    }
    let mut head = Paragraph::new()
        .align(docx_rs::AlignmentType::Center)
        .keep_next(true)
        .line_spacing(docx_rs::LineSpacing::new().before(720).after(240))
        .add_run(
            run("目　录")
                .bold()
                .size(32)
                .fonts(fonts(parts::HEADING_FONT)),
        );
    head = head.widow_control(true);
    out.push(Block::new(
        head,
        Metrics::text("目录", 16.0, 20.0, 0.0, 0.0)
            .spaced(36.0, 12.0)
            .keep(),
    ));
    for (i, a) in anchors.iter().enumerate() {
        let page = pages.get(i).copied().unwrap_or(2);
        out.push(contents_entry(&a.text, &a.name, page));
    }
    out
}

/// The cases, the discussion questions and the 资料说明 block; and the contents entries.
fn body_blocks(r: &Resolved, edition: Edition) -> (Vec<Block>, Vec<Anchor>) {
    let mut out: Vec<Block> = Vec::new();
    let mut anchors = Vec::new();
    for (i, e) in r.entries.iter().enumerate() {
        let title = match (e.case(), r.single) {
            (Some(c), true) => c.meta.title.clone(),
            (Some(c), false) => format!("案例 {}　{}", i + 1, c.meta.title),
            (None, _) => format!("案例 {}　（缺失）{}", i + 1, e.id()),
        };
        let name = format!("_anli_case_{}", i + 1);
        anchors.push(Anchor {
            text: title.clone(),
            name: name.clone(),
            block: out.len(),
        });
        out.push(heading(0, &title, Some((i + 1, &name))));
        match e.case() {
            Some(c) => {
                let mut src = line(&source_line(c), 10.5, true, false);
                src.para = src.para.keep_next(true);
                src.m = src.m.keep();
                out.push(src);
                if edition.notes() && !e.note().trim().is_empty() {
                    out.push(note(e.note()));
                }
                if let Some(s) = c.meta.summary.as_deref().filter(|s| !s.trim().is_empty()) {
                    out.push(labelled("摘要：", s.trim()));
                }
                for s in &c.sections {
                    if !s.heading.is_empty() {
                        out.push(heading(1, &s.heading, None));
                    }
                    out.extend(markdown::blocks(&s.markdown));
                }
            }
            None => {
                let text = missing_text(e.id());
                out.push(body(vec![run(&text).bold().color("B91C1C")], &text, 0));
                if edition.notes() && !e.note().trim().is_empty() {
                    out.push(note(e.note()));
                }
            }
        }
        if edition == Edition::Student {
            writing_space(&mut out, "笔记", NOTE_LINES_PER_CASE);
        }
    }
    let questions = &r.packet.questions;
    if !questions.is_empty() {
        let name = "_anli_questions".to_string();
        let id = r.entries.len() + 1;
        anchors.push(Anchor {
            text: "讨论题".into(),
            name: name.clone(),
            block: out.len(),
        });
        out.push(heading(0, "讨论题", Some((id, &name))));
        for (i, q) in questions.iter().enumerate() {
            let text = format!("{}. {}", i + 1, q.trim());
            let mut b = body(vec![run(&text)], &text, 0);
            if edition == Edition::Student {
                b.para = b.para.keep_next(true);
                b.m = b.m.keep();
                out.push(b);
                for k in 0..NOTE_LINES_PER_QUESTION {
                    out.push(ruled_line(k + 1 < NOTE_LINES_PER_QUESTION));
                }
            } else {
                out.push(b);
            }
        }
    }
    about_block(r, &mut out);
    (out, anchors)
}

/// Ruled lines to write on, under a small label.
fn writing_space(out: &mut Vec<Block>, label: &str, lines: usize) {
    let mut head = line(label, 10.5, true, false);
    head.para = head
        .para
        .keep_next(true)
        .line_spacing(docx_rs::LineSpacing::new().before(240));
    head.m = head.m.spaced(12.0, 0.0).keep();
    out.push(head);
    for k in 0..lines {
        out.push(ruled_line(k + 1 < lines));
    }
}

/// The 资料说明 block: small print, after a rule.
fn about_block(r: &Resolved, out: &mut Vec<Block>) {
    let a = about(r);
    let mut head = Paragraph::new()
        .keep_next(true)
        .line_spacing(docx_rs::LineSpacing::new().before(480).after(60))
        .add_run(run("资料说明").bold().size(18).color("555555"));
    head.property = head.property.set_borders(parts::only(
        docx_rs::ParagraphBorder::new(docx_rs::ParagraphBorderPosition::Top)
            .val(docx_rs::BorderType::Single)
            .size(4)
            .space(4)
            .color("AAAAAA"),
    ));
    out.push(Block::new(
        head,
        Metrics::text("资料说明", 9.0, 14.0, 0.0, 0.0)
            .spaced(24.0, 3.0)
            .keep(),
    ));
    let small = |text: &str| line(text, 9.0, true, false);
    for (label, value) in &a.lines {
        out.push(small(&format!("{label}：{value}")));
    }
    out.push(small("案例编号（在 anli 里按编号可以找到原文）："));
    for c in &a.cases {
        out.push(small(c));
    }
}

#[cfg(test)]
mod tests;
