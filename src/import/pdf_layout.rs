//! A PDF's lines (each with its box, from [`pdf`](super::pdf)) laid out as an article. A PDF
//! breaks lines where the page ends them and prints its furniture on every page; the boxes
//! tell what a plain text dump cannot:
//! - **headings** are set larger than the body (the body size is the size most characters
//!   have); a headline wrapped over two lines is joined; sizes give the levels; a section name
//!   on a line of its own (背景, 主要做法) is a heading at any size;
//! - **paragraphs**: lines are joined until one ends short of the right margin, the next is
//!   indented after a finished sentence (not a numbered item's hanging indent), or a gap opens
//!   between them;
//! - **page furniture**: page numbers (`- 3 -`, `第 3 页 共 9 页`) and running headers and
//!   footers (a line in the top or bottom tenth of several pages) are dropped;
//! - words are joined without spaces, except between two Latin letters or digits.
//!
//! A PDF holding several cases (`案例一` …, or several headings each with its 背景/做法) is split
//! like a Word compilation; one report is read like a saved web page (headline, date and source
//! lines, page chrome).

use super::clean::tidy;
use super::document::{Block, Document, PageInfo};
use super::numbering::{heading_rank, Rank};
use super::split;

/// A line this much taller than the body text is a heading.
const HEADING_RATIO: f32 = 1.2;
/// Longest heading, in characters: longer large text is a paragraph set large.
const MAX_HEADING_CHARS: usize = 80;

/// One line of text on a page, with its box (points, y downwards).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub page: usize,
    pub x0: f32,
    pub x1: f32,
    pub y0: f32,
    pub y1: f32,
    pub text: String,
}

impl Line {
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

/// Append a word to a line: a space only between two Latin letters or digits.
pub(super) fn push_word(text: &mut String, word: &str) {
    let word = word.trim();
    if word.is_empty() {
        return;
    }
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if latin(text.chars().last()) && latin(word.chars().next()) {
        text.push(' ');
    }
    text.push_str(word);
}

/// A page number on its own: `3`, `- 3 -`, `— 3 —`, `第3页`, `第 3 页 共 9 页`, `3/9`, `Page 3`.
fn is_page_number(text: &str) -> bool {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '—' | '–' | '－'))
        .collect();
    if t.is_empty() || t.chars().count() > 12 {
        return false;
    }
    let rest: String = t
        .trim_start_matches("Page")
        .trim_start_matches("page")
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, '第' | '页' | '共' | '/' | '／'))
        .collect();
    rest.is_empty() && t.chars().any(|c| c.is_ascii_digit())
}

/// Lines that are page furniture: page numbers, and lines repeated in the top or bottom tenth
/// of at least two pages (digits ignored, so "第 3 页" headers match across pages).
fn furniture(lines: &[Line], page_heights: &[f32]) -> Vec<bool> {
    let margin = |l: &Line| {
        let h = page_heights.get(l.page).copied().unwrap_or(842.0);
        l.y1 < h * 0.1 || l.y0 > h * 0.9
    };
    let key = |l: &Line| -> String {
        l.text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_ascii_digit())
            .collect()
    };
    let mut pages_of: std::collections::HashMap<String, std::collections::BTreeSet<usize>> =
        std::collections::HashMap::new();
    for l in lines.iter().filter(|l| margin(l)) {
        pages_of.entry(key(l)).or_default().insert(l.page);
    }
    // A bare number is a page number only in the margins (in the text it may be a table cell).
    let bare = |l: &Line| l.text.trim().chars().all(|c| c.is_ascii_digit());
    lines
        .iter()
        .map(|l| {
            (is_page_number(&l.text) && (margin(l) || !bare(l)))
                || (margin(l) && pages_of.get(&key(l)).is_some_and(|p| p.len() >= 2))
        })
        .collect()
}

/// The size most characters are set in (line heights rounded to half a point).
fn body_height(lines: &[Line]) -> f32 {
    let mut weight: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    for l in lines {
        *weight.entry((l.height() * 2.0).round() as i32).or_default() += l.text.chars().count();
    }
    weight
        .into_iter()
        .max_by_key(|&(h, n)| (n, -h))
        .map_or(12.0, |(h, _)| h as f32 / 2.0)
}

/// A value at the `q` quantile (0–1) of `values`.
fn quantile(mut values: Vec<f32>, q: f32) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f32::total_cmp);
    let i = ((values.len() - 1) as f32 * q).round() as usize;
    values[i]
}

/// Blocks from the lines of a PDF (in reading order).
pub fn document(lines: Vec<Line>, page_heights: &[f32]) -> Document {
    let drop = furniture(&lines, page_heights);
    let lines: Vec<Line> = lines
        .into_iter()
        .zip(drop)
        .filter(|(l, d)| !d && !l.text.trim().is_empty())
        .map(|(l, _)| l)
        .collect();
    let body = body_height(&lines);
    let is_heading = |l: &Line| {
        l.height() >= body * HEADING_RATIO && l.text.chars().count() <= MAX_HEADING_CHARS
    };
    // Heading sizes, largest first: level 1, 2, …
    let mut sizes: Vec<f32> = Vec::new();
    for l in lines.iter().filter(|l| is_heading(l)) {
        if !sizes.iter().any(|s| (s - l.height()).abs() <= s * 0.1) {
            sizes.push(l.height());
        }
    }
    sizes.sort_by(|a, b| b.total_cmp(a));
    let level_of = |h: f32| -> u8 {
        sizes
            .iter()
            .position(|s| (s - h).abs() <= s * 0.1)
            .map_or(sizes.len() as u8, |i| i as u8 + 1)
    };
    let body_lines: Vec<&Line> = lines.iter().filter(|l| !is_heading(l)).collect();
    // The text column: where most body lines start, and where full lines end.
    let left = quantile(body_lines.iter().map(|l| l.x0).collect(), 0.2);
    let right = quantile(body_lines.iter().map(|l| l.x1).collect(), 0.8);

    let mut blocks: Vec<Block> = Vec::new();
    let mut para = String::new();
    let mut prev: Option<&Line> = None;
    let flush = |para: &mut String, blocks: &mut Vec<Block>| {
        let text = tidy(para);
        para.clear();
        if text.is_empty() {
            return;
        }
        blocks.push(paragraph_block(text, sizes.len() as u8));
    };
    for l in &lines {
        if is_heading(l) {
            flush(&mut para, &mut blocks);
            let level = level_of(l.height());
            let text = tidy(&l.text);
            // A headline wrapped over two lines: same size, right below the last.
            let continues = prev.is_some_and(|p| {
                is_heading(p)
                    && p.page == l.page
                    && level_of(p.height()) == level
                    && l.y0 - p.y1 < l.height() * 0.8
            });
            match blocks.last_mut() {
                Some(Block::Heading { text: last, .. }) if continues => last.push_str(&text),
                _ => blocks.push(Block::Heading {
                    level,
                    text,
                    numbered: false,
                }),
            }
        } else {
            // A section name on a line of its own (背景, 主要做法) stands alone even after a
            // full line; so does a short numbered line (一、基本情况).
            let text = l.text.trim();
            let short_line = l.x1 < right - body * 1.5;
            let standalone =
                split::is_section_line(text) || (short_line && heading_rank(text).is_some());
            let new_para = match prev {
                None => true,
                Some(p) if is_heading(p) => true,
                Some(p) => {
                    // An indented line starts a paragraph after a finished sentence; after a
                    // line broken mid-sentence it is a hanging indent (a numbered item's
                    // second line).
                    let indented = l.x0 > left + body * 1.2
                        && p.text
                            .trim_end()
                            .ends_with(['。', '！', '？', '；', '”', '」', '）']);
                    let short = p.x1 < right - body * 1.5;
                    let gap = p.page == l.page && l.y0 - p.y1 > body * 1.0;
                    indented || short || gap || standalone
                }
            };
            if new_para {
                flush(&mut para, &mut blocks);
            }
            // A wrapped line joins its paragraph as a word would.
            push_word(&mut para, &l.text);
            if standalone {
                flush(&mut para, &mut blocks);
            }
        }
        prev = Some(l);
    }
    flush(&mut para, &mut blocks);

    // The headline: the largest heading near the start that is not a masthead (a briefing's
    // "某某街道工作简报", a document's "某某区人民政府办公室文件"), else a short first paragraph
    // (as in a paste).
    let title = blocks
        .iter()
        .take(8)
        .filter_map(|b| match b {
            Block::Heading {
                level,
                text,
                numbered: false,
            } if !split::is_section_line(text) && !is_masthead(text) => Some((*level, text)),
            _ => None,
        })
        .min_by_key(|(level, _)| *level)
        .map(|(_, text)| text.clone());
    let title = title.or_else(|| match blocks.first() {
        Some(Block::Para(t)) if t.chars().count() <= 60 && !t.ends_with(['。', '；', '，']) => {
            Some(t.clone())
        }
        _ => None,
    });
    // Above the headline of a briefing: its name plate (the outlet) and the issue, office and
    // date lines (read like a page's header lines; the page cleaner drops them from the body).
    let mut info = PageInfo {
        title,
        ..PageInfo::default()
    };
    if let Some(at) = info.title.as_ref().and_then(|t| {
        blocks
            .iter()
            .position(|b| matches!(b, Block::Heading { text, .. } if text == t))
    }) {
        for b in &blocks[..at] {
            match b {
                Block::Heading { text, .. }
                    if is_masthead(text) && !text.contains('〔') && info.outlet.is_none() =>
                {
                    info.outlet = Some(text.clone());
                }
                Block::Para(text) | Block::Heading { text, .. } if text.chars().count() <= 60 => {
                    info.header_lines.push(text.clone());
                }
                _ => {}
            }
        }
    }
    // Several cases in one file: split like a Word compilation — when at least two of the parts
    // look like cases (a `案例三` heading, or sections of their own), not an article's 一、二、三.
    let parts = split::split_document(&blocks, None);
    let cases = parts
        .iter()
        .filter(|c| {
            heading_rank(&c.title) == Some(Rank::Case)
                || c.blocks
                    .iter()
                    .any(|b| matches!(b, Block::Heading { text, .. } if split::is_section(text)))
        })
        .count();
    let structured = parts.len() >= 2 && cases >= 2;
    Document {
        blocks,
        info,
        structured,
    }
}

/// The name plate of a briefing or an official document, set above its articles:
/// `某某街道工作简报`, `某某区人民政府办公室文件`, a document number `某政办〔2023〕12号`, an
/// issue `第5期`.
fn is_masthead(text: &str) -> bool {
    const PLATES: [&str; 7] = ["文件", "简报", "快报", "专报", "动态", "通讯", "工作信息"];
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let issue = t.starts_with('第') && t.ends_with('期') && t.chars().count() <= 12;
    PLATES.iter().any(|p| t.ends_with(p)) || (t.contains('〔') && t.contains('〕')) || issue
}

/// A body-size paragraph: a short line naming a section (背景, 主要做法) or numbered like a
/// heading (一、…) is a heading below the sized ones.
fn paragraph_block(text: String, sized_levels: u8) -> Block {
    if split::is_section_line(&text) {
        return Block::Heading {
            level: sized_levels + 1,
            text,
            numbered: false,
        };
    }
    let short = text.chars().count() <= 30 && !text.ends_with(['。', '；', '，']);
    match heading_rank(&text) {
        Some(rank) if short => Block::Heading {
            level: rank as u8,
            text,
            numbered: true,
        },
        _ => Block::Para(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(page: usize, x0: f32, x1: f32, y0: f32, h: f32, text: &str) -> Line {
        Line {
            page,
            x0,
            x1,
            y0,
            y1: y0 + h,
            text: text.to_string(),
        }
    }

    #[test]
    fn words_join_without_spaces_except_between_latin() {
        let mut s = String::new();
        for w in [
            "14",
            "部电梯",
            "9",
            "部年检过期",
            "Beijing",
            "Daily",
            "2023",
            "年",
        ] {
            push_word(&mut s, w);
        }
        assert_eq!(s, "14部电梯9部年检过期Beijing Daily 2023年");
    }

    #[test]
    fn page_numbers_are_recognised() {
        for t in [
            "3",
            "- 3 -",
            "— 12 —",
            "第3页",
            "第 3 页 共 9 页",
            "3/9",
            "Page 3",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["2023年", "3户", "第三章", "一、背景", ""] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn a_briefings_masthead_is_not_its_title() {
        let body = 12.0;
        let lines = vec![
            line(0, 60.0, 540.0, 60.0, 36.0, "某某街道工作简报"),
            line(0, 250.0, 300.0, 110.0, body, "第5期"),
            line(
                0,
                60.0,
                400.0,
                130.0,
                body,
                "某某街道党工委办公室 2023年6月1日",
            ),
            line(0, 60.0, 500.0, 170.0, 22.0, "楼道里的电动车搬到了新车棚"),
            line(
                0,
                84.0,
                540.0,
                210.0,
                body,
                "今年以来，社区把楼道里停放和充电的电动车",
            ),
            line(0, 60.0, 300.0, 226.0, body, "搬进了新建的车棚。"),
        ];
        let doc = document(lines, &[842.0]);
        assert_eq!(
            doc.info.title.as_deref(),
            Some("楼道里的电动车搬到了新车棚")
        );
        assert_eq!(doc.info.outlet.as_deref(), Some("某某街道工作简报"));
        assert_eq!(
            doc.info.header_lines,
            ["第5期", "某某街道党工委办公室 2023年6月1日"]
        );
        assert!(is_masthead("某某区人民政府办公室文件"));
        assert!(is_masthead("某政办发〔2023〕12号"));
        assert!(!is_masthead("老旧小区加装电梯的做法"));
    }

    #[test]
    fn headings_paragraphs_and_furniture() {
        let body = 12.0;
        let lines = vec![
            // A running header on both pages, a headline over two lines, a date line.
            line(0, 60.0, 300.0, 30.0, body, "某某市社区治理简报"),
            line(
                0,
                60.0,
                540.0,
                100.0,
                24.0,
                "老旧小区加装电梯，一楼住户从反对到",
            ),
            line(0, 60.0, 300.0, 126.0, 24.0, "点头"),
            line(0, 60.0, 300.0, 170.0, body, "2023年5月8日 来源：某某日报"),
            // A section heading at body size, then two paragraphs: the first wraps over two
            // full lines and ends short; the second starts indented.
            line(0, 60.0, 100.0, 200.0, body, "背景"),
            line(
                0,
                84.0,
                540.0,
                220.0,
                body,
                "楼里住着三十六户，老人占了一半，上下楼很",
            ),
            line(
                0,
                60.0,
                540.0,
                236.0,
                body,
                "难。一楼住户担心采光和噪音，第一次征求意见",
            ),
            line(0, 60.0, 200.0, 252.0, body, "没有通过。"),
            line(
                0,
                84.0,
                540.0,
                268.0,
                body,
                "社区请设计单位把电梯井挪开两米，又算了",
            ),
            line(
                0,
                60.0,
                540.0,
                284.0,
                body,
                "采光时长，拿给一楼住户看，用了两个月。",
            ),
            // A number standing alone in the text (a table cell) stays.
            line(0, 60.0, 90.0, 320.0, body, "36"),
            line(0, 300.0, 310.0, 800.0, body, "- 1 -"),
            line(1, 60.0, 300.0, 30.0, body, "某某市社区治理简报"),
            line(1, 60.0, 100.0, 100.0, body, "做法"),
            // A numbered item with a hanging indent: its second line is indented.
            line(
                1,
                60.0,
                540.0,
                116.0,
                body,
                "1.一户一户谈，先谈通了二楼，再请二楼的",
            ),
            line(1, 84.0, 400.0, 132.0, body, "住户去劝三楼。"),
            line(1, 84.0, 400.0, 148.0, body, "一户一户谈，先谈通了二楼。"),
            line(1, 300.0, 310.0, 800.0, body, "- 2 -"),
        ];
        let doc = document(lines, &[842.0, 842.0]);
        assert_eq!(
            doc.info.title.as_deref(),
            Some("老旧小区加装电梯，一楼住户从反对到点头")
        );
        assert!(!doc.structured);
        let texts: Vec<String> = doc.blocks.iter().map(Block::text).collect();
        assert_eq!(
            texts,
            [
                "老旧小区加装电梯，一楼住户从反对到点头",
                "2023年5月8日来源：某某日报",
                "背景",
                "楼里住着三十六户，老人占了一半，上下楼很难。一楼住户担心采光和噪音，第一次征求意见没有通过。",
                "社区请设计单位把电梯井挪开两米，又算了采光时长，拿给一楼住户看，用了两个月。",
                "36",
                "做法",
                "1.一户一户谈，先谈通了二楼，再请二楼的住户去劝三楼。",
                "一户一户谈，先谈通了二楼。",
            ]
        );
        assert!(matches!(doc.blocks[0], Block::Heading { level: 1, .. }));
        assert!(matches!(doc.blocks[2], Block::Heading { level: 2, .. }));
        assert!(matches!(doc.blocks[3], Block::Para(_)));
    }
}
