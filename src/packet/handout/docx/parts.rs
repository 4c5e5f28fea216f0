//! The pieces of the Word handout: styles, paragraphs of each kind (each with its
//! [`Metrics`]), the footer with its page fields, contents entries with `PAGEREF` fields, and
//! ruled lines to write on.
//!
//! Body text is 宋体 12 pt (小四) on exact 22 pt lines with a two-character first-line indent;
//! headings are 黑体 and kept with what follows; notes (教师按) are 楷体; the small print of
//! the 资料说明 block is 9 pt.

use docx_rs::{
    AlignmentType, BorderType, BreakType, FieldCharType, Footer, InstrNUMPAGES, InstrPAGE,
    InstrPAGEREF, InstrText, LineSpacing, LineSpacingType, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, Shading, ShdType, SpecialIndentType,
    Style, StyleType, Tab, TabLeaderType, TabValueType,
};

use super::layout::{Metrics, TEXT_WIDTH};

pub const BODY_FONT: &str = "宋体";
pub const HEADING_FONT: &str = "黑体";
pub const NOTE_FONT: &str = "楷体";
pub const LATIN_FONT: &str = "Times New Roman";

/// Body text size and line height, in points.
pub const BODY_PT: f32 = 12.0;
pub const BODY_LINE_PT: f32 = 22.0;
/// Space after a body paragraph, in points.
const BODY_AFTER_PT: f32 = 3.0;

/// A paragraph and the room it takes.
pub struct Block {
    pub para: Paragraph,
    pub m: Metrics,
}

impl Block {
    pub fn new(para: Paragraph, m: Metrics) -> Block {
        Block { para, m }
    }
}

pub fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
}

fn twips(pt: f32) -> u32 {
    (pt * 20.0).round() as u32
}

fn exact(line_pt: f32, before_pt: f32, after_pt: f32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line((line_pt * 20.0).round() as i32)
        .before(twips(before_pt))
        .after(twips(after_pt))
}

/// Text with the characters XML 1.0 does not allow removed (a stray control character in a case
/// or a note would otherwise make Word refuse the file).
pub fn xml(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

pub fn run(text: impl AsRef<str>) -> Run {
    Run::new().add_text(xml(text.as_ref()))
}

/// A heading style: 黑体, bold, kept with the next paragraph, its lines together.
fn heading_style(id: &str, name: &str, size_pt: usize, level: usize, line: f32) -> Style {
    let (before, after) = heading_space(level);
    let mut s = Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .fonts(fonts(HEADING_FONT))
        .size(size_pt * 2)
        .bold()
        .outline_lvl(level)
        .line_spacing(exact(line, before, after));
    s.paragraph_property = s
        .paragraph_property
        .keep_next(true)
        .keep_lines(true)
        .widow_control(true);
    s
}

/// Space before and after a heading of `level` (0: a case, 1: a section, 2: inside one).
fn heading_space(level: usize) -> (f32, f32) {
    match level {
        0 => (18.0, 6.0),
        1 => (9.0, 3.0),
        _ => (6.0, 0.0),
    }
}

/// The styles: Word's own ids (`Title`, `Heading1`–`Heading3`), so the navigation pane and
/// References → Table of Contents work.
pub fn styles() -> Vec<Style> {
    vec![
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .q_format(true)
            .fonts(fonts(HEADING_FONT))
            .size(44)
            .bold()
            .align(AlignmentType::Center)
            .line_spacing(exact(36.0, 0.0, 6.0)),
        heading_style("Heading1", "heading 1", 16, 0, 28.0),
        heading_style("Heading2", "heading 2", 14, 1, 24.0),
        heading_style("Heading3", "heading 3", 12, 2, BODY_LINE_PT),
    ]
}

/// Paragraph borders with only `border` drawn (docx-rs's default draws all four sides).
pub fn only(border: ParagraphBorder) -> ParagraphBorders {
    ParagraphBorders::with_empty().set(border)
}

/// A heading of `level` (0–2), with a bookmark `anchor` for the contents.
pub fn heading(level: usize, text: &str, anchor: Option<(usize, &str)>) -> Block {
    let (style, size, line) = match level {
        0 => ("Heading1", 16.0, 28.0),
        1 => ("Heading2", 14.0, 24.0),
        _ => ("Heading3", BODY_PT, BODY_LINE_PT),
    };
    let (before, after) = heading_space(level);
    let mut p = Paragraph::new().style(style);
    if level == 0 {
        p.property = p.property.set_borders(only(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(BorderType::Single)
                .size(6)
                .space(2)
                .color("888888"),
        ));
    }
    p = match anchor {
        Some((id, name)) => p
            .add_bookmark_start(id, name)
            .add_run(run(text))
            .add_bookmark_end(id),
        None => p.add_run(run(text)),
    };
    Block::new(
        p,
        Metrics::text(text, size, line, 0.0, 0.0)
            .spaced(before, after)
            .keep(),
    )
}

/// A body paragraph made of `runs`, whose text is `text`: first line indented two
/// characters, or, for list items and quotes, the whole paragraph by `depth` steps.
pub fn body(runs: Vec<Run>, text: &str, depth: usize) -> Block {
    let mut p = Paragraph::new()
        .line_spacing(exact(BODY_LINE_PT, 0.0, BODY_AFTER_PT))
        .widow_control(true);
    let (indent, first) = if depth == 0 {
        p = p.indent(
            None,
            Some(SpecialIndentType::FirstLine(twips(2.0 * BODY_PT) as i32)),
            None,
            None,
        );
        (0.0, 2.0 * BODY_PT)
    } else {
        let left = 2.0 * BODY_PT * depth as f32;
        p = p.indent(Some(twips(left) as i32), None, None, None);
        (left, 0.0)
    };
    for r in runs {
        p = p.add_run(r);
    }
    Block::new(
        p,
        Metrics::text(text, BODY_PT, BODY_LINE_PT, indent, first).spaced(0.0, BODY_AFTER_PT),
    )
}

/// A plain paragraph of one line of text in `size_pt`, gray if `muted`, centered if `center`.
pub fn line(text: &str, size_pt: f32, muted: bool, center: bool) -> Block {
    let line = (size_pt * 1.6).round();
    let mut r = run(text).size((size_pt * 2.0) as usize);
    if muted {
        r = r.color("555555");
    }
    let mut p = Paragraph::new()
        .line_spacing(exact(line, 0.0, 2.0))
        .widow_control(true)
        .add_run(r);
    if center {
        p = p.align(AlignmentType::Center);
    }
    Block::new(
        p,
        Metrics::text(text, size_pt, line, 0.0, 0.0).spaced(0.0, 2.0),
    )
}

/// A labelled paragraph: `label` in bold, then `text` (摘要：…).
pub fn labelled(label: &str, text: &str) -> Block {
    let all = format!("{label}{text}");
    let mut b = body(vec![run(label).bold(), run(text)], &all, 0);
    b.para = b.para.line_spacing(exact(BODY_LINE_PT, 3.0, 6.0));
    b.m = b.m.spaced(3.0, 6.0);
    b
}

/// The instructor's note (教师按): 楷体, indented, on a light background, its lines as
/// typed.
pub fn note(note: &str) -> Block {
    let mut p = Paragraph::new()
        .line_spacing(exact(BODY_LINE_PT, 6.0, 6.0))
        .indent(
            Some(twips(BODY_PT) as i32),
            None,
            Some(twips(BODY_PT) as i32),
            None,
        )
        .widow_control(true)
        .add_run(run("教师按：").bold().fonts(fonts(HEADING_FONT)));
    p.property = p.property.shading(
        Shading::new()
            .shd_type(ShdType::Clear)
            .color("auto")
            .fill("F3EFE6"),
    );
    for (i, l) in note.trim().lines().enumerate() {
        let mut r = Run::new().fonts(fonts(NOTE_FONT));
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        p = p.add_run(r.add_text(xml(l.trim())));
    }
    let text = format!("教师按：{}", note.trim());
    Block::new(
        p,
        Metrics::text(&text, BODY_PT, BODY_LINE_PT, 2.0 * BODY_PT, 0.0).spaced(6.0, 6.0),
    )
}

/// One ruled line to write on (student edition): a tab to the right edge with an underscore
/// leader, in the note colour. (Empty paragraphs with a bottom border would do on screen, but
/// office suites merge the borders of neighbouring paragraphs alike and drop empty ones'
/// keep-with-next.)
pub fn ruled_line(keep: bool) -> Block {
    let p = Paragraph::new()
        .line_spacing(exact(26.0, 0.0, 0.0))
        .keep_next(keep)
        .add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .leader(TabLeaderType::Underscore)
                .pos(TEXT_WIDTH as usize),
        )
        .add_run(Run::new().color(RULE_COLOR).add_tab());
    let mut m = Metrics {
        line: 26.0,
        lines: 1,
        ..Metrics::default()
    };
    m.keep_next = keep;
    Block::new(p, m)
}

/// The colour of the ruled lines.
pub const RULE_COLOR: &str = "9A9A9A";

/// A contents entry: `text`, dot leaders, and a `PAGEREF` field to bookmark `anchor` whose
/// stored result is `page` (the estimate, shown until Word or LibreOffice computes the field).
/// Not inside a `TOC` field: LibreOffice shows a TOC field's stored entries as they are, and
/// the estimate can be a page off.
pub fn contents_entry(text: &str, anchor: &str, page: usize) -> Block {
    let field = Run::new()
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGEREF(InstrPAGEREF::new(anchor).hyperlink()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text(page.to_string())
        .add_field_char(FieldCharType::End, false);
    let p = Paragraph::new()
        .line_spacing(exact(24.0, 0.0, 0.0))
        .indent(
            Some(twips(2.0 * BODY_PT) as i32),
            Some(SpecialIndentType::Hanging(twips(2.0 * BODY_PT) as i32)),
            None,
            None,
        )
        .add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .leader(TabLeaderType::Dot)
                .pos(TEXT_WIDTH as usize),
        )
        .add_run(run(text))
        .add_run(Run::new().add_tab())
        .add_run(field);
    Block::new(
        p,
        Metrics::text(&format!("{text}    "), BODY_PT, 24.0, 2.0 * BODY_PT, 0.0),
    )
}

/// A field showing `shown` until the application computes it.
fn field(instr: InstrText, shown: &str, size: usize) -> Run {
    Run::new()
        .size(size)
        .color("555555")
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(instr)
        .add_field_char(FieldCharType::Separate, false)
        .add_text(shown)
        .add_field_char(FieldCharType::End, false)
}

/// The footer: 第 X 页 共 Y 页, centered, small (`pages` is the estimated count, shown until
/// the field is computed).
pub fn footer(pages: usize) -> Footer {
    let small = |t: &str| run(t).size(18).color("555555");
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(small("第 "))
            .add_run(field(InstrText::PAGE(InstrPAGE::new()), "1", 18))
            .add_run(small(" 页　共 "))
            .add_run(field(
                InstrText::NUMPAGES(InstrNUMPAGES::new()),
                &pages.to_string(),
                18,
            ))
            .add_run(small(" 页")),
    )
}
