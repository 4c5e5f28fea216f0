//! From blocks to cases: where each case starts in a Word compilation, which headings are its
//! sections, and the one case of a web page or paste.
//!
//! Levels first: a numbered heading (`一、` …) sits below every styled heading, ordered by its
//! numbering. A heading is a section heading when `anli check` would give it a kind (背景, 做法,
//! 成效, 启示) and it is short. The section level is the level most section headings have; the
//! case level is the deepest level above it that holds other headings — so a compilation's
//! title and part headings sit above the cases, and a case's sub-points below its sections.
//! Without section headings, a `案例三` heading marks the case level, else the shallowest level
//! that several headings with text under them share.

use std::collections::BTreeMap;

use super::document::Block;
use super::numbering::{strip_numbering, Rank};
use crate::case::SectionKind;

/// One case found in a document, before its fields are filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCase {
    /// The case heading as written (numbering kept).
    pub title: String,
    /// Body blocks; headings are level 2 (a section) or 3 (a sub-heading in one).
    pub blocks: Vec<Block>,
    /// The heading above the cases (the compilation's or part's title), if any.
    pub context: Option<String>,
}

/// A heading naming a section (背景, 主要做法, 三、经验启示): short and known to `anli check`.
pub(super) fn is_section(text: &str) -> bool {
    SectionKind::classify(text) != SectionKind::Other && strip_numbering(text).chars().count() <= 12
}

/// A line of text that is a section heading (背景, 主要做法) rather than a sentence about one.
pub(super) fn is_section_line(text: &str) -> bool {
    is_section(text) && !text.ends_with(['。', '；', '，'])
}

/// Put styled and numbered headings on one scale: numbered ones below all styled ones.
fn unify(blocks: &[Block]) -> Vec<Block> {
    let max_styled = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading {
                level,
                numbered: false,
                ..
            } => Some(*level),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    blocks
        .iter()
        .map(|b| match b {
            Block::Heading {
                level,
                text,
                numbered: true,
            } => Block::Heading {
                level: max_styled + level,
                text: text.clone(),
                numbered: true,
            },
            other => other.clone(),
        })
        .collect()
}

fn heading(b: &Block) -> Option<(u8, &str, bool)> {
    match b {
        Block::Heading {
            level,
            text,
            numbered,
        } => Some((*level, text.as_str(), *numbered)),
        _ => None,
    }
}

/// The level cases start at in a structured document, if it has case headings.
fn case_level(blocks: &[Block]) -> Option<u8> {
    let mut section_levels: BTreeMap<u8, usize> = BTreeMap::new();
    for (level, text, _) in blocks.iter().filter_map(heading) {
        if is_section(text) {
            *section_levels.entry(level).or_default() += 1;
        }
    }
    let others = || {
        blocks
            .iter()
            .filter_map(heading)
            .filter(|(_, t, _)| !is_section(t))
    };
    if let Some((&s, _)) = section_levels
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
    {
        return others().map(|(l, _, _)| l).filter(|&l| l < s).max();
    }
    // `案例三` headings.
    if let Some(l) = others()
        .filter(|(_, t, _)| super::numbering::heading_rank(t) == Some(Rank::Case))
        .map(|(l, _, _)| l)
        .min()
    {
        return Some(l);
    }
    // The shallowest level at which at least two headings have text right under them.
    let mut with_text: BTreeMap<u8, usize> = BTreeMap::new();
    for (i, b) in blocks.iter().enumerate() {
        if let Some((level, _, _)) = heading(b) {
            if matches!(blocks.get(i + 1), Some(Block::Para(_) | Block::Table(_))) {
                *with_text.entry(level).or_default() += 1;
            }
        }
    }
    with_text.into_iter().find(|&(_, n)| n >= 2).map(|(l, _)| l)
}

/// Re-level a case's body headings: the shallowest becomes a section (2), the rest sub-headings
/// (3); a section heading (背景, 做法 …) is always a section.
fn relevel(body: Vec<Block>) -> Vec<Block> {
    let top = body.iter().filter_map(heading).map(|(l, _, _)| l).min();
    body.into_iter()
        .map(|b| match b {
            Block::Heading {
                level,
                text,
                numbered,
            } => {
                let section = Some(level) == top || is_section(&text);
                Block::Heading {
                    level: if section { 2 } else { 3 },
                    text,
                    numbered,
                }
            }
            other => other,
        })
        .collect()
}

/// The cases of a structured document (a Word file): one per case heading, or the whole
/// document as one case when it has none. `fallback_title` names a case without a heading.
pub fn split_document(blocks: &[Block], fallback_title: Option<&str>) -> Vec<RawCase> {
    let blocks = unify(blocks);
    let Some(level) = case_level(&blocks) else {
        return single(&blocks, fallback_title);
    };
    let mut out = Vec::new();
    let mut context: Option<String> = None;
    let mut cur: Option<RawCase> = None;
    for b in blocks {
        match heading(&b) {
            Some((l, text, _)) if l == level && !is_section(text) => {
                out.extend(cur.take());
                cur = Some(RawCase {
                    title: text.to_string(),
                    blocks: Vec::new(),
                    context: context.clone(),
                });
            }
            Some((l, text, _)) if l < level => {
                out.extend(cur.take());
                // A compilation's title stays the context; a part heading under it replaces a
                // previous part's.
                if context.is_none() || l > 0 {
                    context = Some(strip_numbering(text).to_string());
                }
            }
            _ => {
                if let Some(c) = cur.as_mut() {
                    c.blocks.push(b);
                }
            }
        }
    }
    out.extend(cur);
    out.into_iter()
        .map(|mut c| {
            c.blocks = relevel(std::mem::take(&mut c.blocks));
            c
        })
        .filter(|c| c.blocks.iter().any(|b| !matches!(b, Block::Heading { .. })))
        .collect()
}

/// A page or paste: one case, titled `title` (else its first heading).
pub fn single(blocks: &[Block], title: Option<&str>) -> Vec<RawCase> {
    let blocks = unify(blocks);
    let mut body: Vec<Block> = blocks;
    let title = match title {
        Some(t) => t.to_string(),
        None => match body
            .iter()
            .position(|b| heading(b).is_some_and(|(_, t, _)| !is_section(t)))
        {
            Some(i) => body.remove(i).text(),
            None => String::new(),
        },
    };
    vec![RawCase {
        title,
        blocks: relevel(body),
        context: None,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, t: &str) -> Block {
        Block::Heading {
            level,
            text: t.into(),
            numbered: false,
        }
    }
    fn n(rank: Rank, t: &str) -> Block {
        Block::Heading {
            level: rank as u8,
            text: t.into(),
            numbered: true,
        }
    }
    fn p(t: &str) -> Block {
        Block::Para(t.into())
    }

    #[test]
    fn a_compilation_splits_at_case_headings_under_its_title() {
        let blocks = vec![
            h(0, "某某区社区治理案例汇编"),
            p("前言：本书收录……"),
            h(1, "和写字楼错峰共用车位"),
            h(2, "背景"),
            p("车位少。"),
            h(2, "做法"),
            p("错峰。"),
            h(3, "（一）摸底"),
            p("逐户走访。"),
            h(1, "楼下建起充电车棚"),
            h(2, "一、背景"),
            p("飞线充电。"),
        ];
        let cases = split_document(&blocks, None);
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].title, "和写字楼错峰共用车位");
        assert_eq!(cases[0].context.as_deref(), Some("某某区社区治理案例汇编"));
        assert_eq!(cases[0].blocks[4], h(3, "（一）摸底"));
        assert_eq!(cases[1].blocks[0], h(2, "一、背景"));
    }

    #[test]
    fn numbered_case_markers_without_styles() {
        let blocks = vec![
            p("汇编说明"),
            n(Rank::Case, "案例一：错峰停车"),
            p("导语。"),
            n(Rank::Chinese, "一、主要做法"),
            p("议事会。"),
            n(Rank::Case, "案例二：加装电梯"),
            n(Rank::Chinese, "一、主要做法"),
            p("协商。"),
        ];
        let cases = split_document(&blocks, None);
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[1].title, "案例二：加装电梯");
        assert!(matches!(
            &cases[1].blocks[0],
            Block::Heading { level: 2, .. }
        ));
    }

    #[test]
    fn styled_case_titles_with_numbered_sections() {
        let blocks = vec![
            h(1, "错峰停车"),
            n(Rank::Chinese, "一、背景"),
            p("车位少。"),
            h(1, "加装电梯"),
            n(Rank::Chinese, "一、背景"),
            p("爬楼难。"),
        ];
        assert_eq!(split_document(&blocks, None).len(), 2);
    }

    #[test]
    fn a_document_without_headings_is_one_case() {
        let cases = split_document(&[p("一段。"), p("又一段。")], Some("文件名"));
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].title, "文件名");
    }
}
