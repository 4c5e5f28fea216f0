//! Text: an article copied from a page (`.txt`), possibly with the page's chrome around it,
//! or Markdown (`.md`, whose `#` headings are kept). One paragraph a line; the headline is the
//! first short line that is not chrome.

use std::path::Path;

use super::clean::{is_chrome_line, tidy};
use super::document::{Block, Document, PageInfo};
use super::encoding::decode;
use super::numbering::heading_rank;
use super::split;
use super::ImportError;

/// Read a text or Markdown file.
pub fn read(path: &Path, bytes: &[u8], markdown: bool) -> Result<Document, ImportError> {
    let text = decode(path, bytes, false)?;
    let mut lines: Vec<&str> = text.lines().collect();
    // A Markdown file with front matter: the front matter is not article text.
    if markdown && lines.first().is_some_and(|l| l.trim() == "---") {
        if let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---") {
            lines.drain(..end + 2);
        }
    }
    let mut blocks = Vec::new();
    let mut title: Option<String> = None;
    for raw in lines {
        let mut line = raw.trim();
        let mut level = None;
        if markdown {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
                level = Some(hashes as u8);
                line = &line[hashes..];
            }
        }
        let text = tidy(&if markdown {
            line.replace("**", "")
        } else {
            line.to_string()
        });
        if text.is_empty() {
            continue;
        }
        if title.is_none() {
            if is_chrome_line(&text) {
                continue;
            }
            let short = text.chars().count() <= 60 && !text.ends_with(['。', '；', '，']);
            if short && heading_rank(&text).is_none() {
                title = Some(text.clone());
                blocks.push(Block::Heading {
                    level: 1,
                    text,
                    numbered: false,
                });
                continue;
            }
        }
        let block = match (level, heading_rank(&text)) {
            (Some(l), _) => Block::Heading {
                level: l,
                text,
                numbered: false,
            },
            // A section name on a line of its own (背景, 主要做法) heads a section.
            (None, None) if split::is_section_line(&text) => Block::Heading {
                level: 2,
                text,
                numbered: false,
            },
            (None, Some(rank)) => Block::Heading {
                level: rank as u8,
                text,
                numbered: true,
            },
            (None, None) => Block::Para(text),
        };
        blocks.push(block);
    }
    Ok(Document {
        blocks,
        info: PageInfo {
            title,
            ..PageInfo::default()
        },
        structured: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_short_line_after_chrome_is_the_title() {
        let text = "首页 > 新闻 > 正文\n分享到：\n\n老旧小区停车难有了新解法\n2021-03-30 来源：某某网\n社区党委召开议事会，商量停车的事。\n一、主要做法\n错时停车。\n";
        let d = read(Path::new("a.txt"), text.as_bytes(), false).unwrap();
        assert_eq!(d.info.title.as_deref(), Some("老旧小区停车难有了新解法"));
        assert!(matches!(&d.blocks[0], Block::Heading { level: 1, .. }));
        assert!(matches!(
            &d.blocks[3],
            Block::Heading { numbered: true, .. }
        ));
    }

    #[test]
    fn a_section_name_on_its_own_line_heads_a_section() {
        let text = "楼道里的电动车搬走了\n背景\n楼道里停着二十多辆电动车。\n主要做法\n建了充电车棚。\n做法很简单，就是多跑几趟。\n";
        let d = read(Path::new("a.txt"), text.as_bytes(), false).unwrap();
        let heads: Vec<&str> = d
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level: 2, text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(heads, ["背景", "主要做法"]);
    }
}
