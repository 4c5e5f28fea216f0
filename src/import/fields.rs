//! Filling a draft's fields from a case found in a document: title, sections and summary from
//! its blocks; source, year and address from what the page or file says; region from the places
//! it names; topics suggested by the engine; an id that is not taken. What cannot be determined
//! is said in the draft's warnings.

use super::clean::tidy;
use super::dates;
use super::document::{Block, PageInfo};
use super::draft::{escape_markdown, Draft, DraftSection};
use super::numbering::strip_numbering;
use super::split::RawCase;
use super::{region, slug, Context, ImportOptions};
use crate::case::{CaseKind, CaseMeta};

/// Longest summary taken from a lead paragraph, in characters.
const SUMMARY_CHARS: usize = 150;
/// Characters of a case's text given to the engine to suggest topics.
const TOPIC_TEXT_CHARS: usize = 1500;

/// The lead's first sentences, up to [`SUMMARY_CHARS`].
fn summary_of(lead: &str) -> Option<String> {
    let mut out = String::new();
    for sentence in lead.split_inclusive(['。', '！', '？']) {
        if !out.is_empty() && out.chars().count() + sentence.chars().count() > SUMMARY_CHARS {
            break;
        }
        out.push_str(sentence);
    }
    if out.chars().count() > SUMMARY_CHARS {
        out = out.chars().take(SUMMARY_CHARS - 1).collect::<String>() + "…";
    }
    let out = out.trim().to_string();
    (out.chars().count() >= 10).then_some(out)
}

fn table_markdown(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let line = |r: &[String]| {
        let mut cells: Vec<String> = r.iter().map(|c| escape_markdown(c)).collect();
        cells.resize(width, String::new());
        format!("| {} |", cells.join(" | "))
    };
    let mut out = vec![line(&rows[0])];
    out.push(format!("|{}", " --- |".repeat(width)));
    out.extend(rows[1..].iter().map(|r| line(r)));
    out.join("\n")
}

/// Sections from re-levelled blocks; also the lead (text before the first section).
fn sections(blocks: &[Block]) -> (Vec<DraftSection>, Vec<String>) {
    let has_sections = blocks
        .iter()
        .any(|b| matches!(b, Block::Heading { level: 2, .. }));
    let mut out: Vec<DraftSection> = vec![DraftSection {
        heading: if has_sections {
            String::new()
        } else {
            "正文".into()
        },
        markdown: String::new(),
    }];
    let mut lead = Vec::new();
    for b in blocks {
        let piece = match b {
            Block::Heading { level: 2, text, .. } => {
                out.push(DraftSection {
                    heading: text.trim_end_matches(['：', ':']).to_string(),
                    markdown: String::new(),
                });
                continue;
            }
            Block::Heading { text, .. } => format!("### {}", text.trim_end_matches(['：', ':'])),
            Block::Para(p) => {
                if out.len() == 1 {
                    lead.push(p.clone());
                }
                escape_markdown(p)
            }
            Block::Table(rows) if !rows.is_empty() => table_markdown(rows),
            Block::Table(_) => continue,
        };
        if let Some(cur) = out.last_mut() {
            if !cur.markdown.is_empty() {
                cur.markdown.push_str("\n\n");
            }
            cur.markdown.push_str(&piece);
        }
    }
    out.retain(|s| !s.heading.is_empty() || !s.markdown.is_empty());
    (out, lead)
}

/// `人民网－贵州频道，作者张三，2021年3月30日`.
fn source_of(info: &PageInfo) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(o) = &info.outlet {
        parts.push(o.clone());
    }
    if let Some(a) = &info.author {
        parts.push(format!("作者{a}"));
    }
    if parts.is_empty() {
        return None;
    }
    if let Some(d) = info.date {
        parts.push(dates::format(d));
    }
    Some(parts.join("，"))
}

/// The latest year (1949–2100) a text names as `2021年`.
fn latest_year(text: &str) -> Option<i64> {
    let mut best = None;
    for (i, _) in text.match_indices('年') {
        let head = &text[..i];
        let digits: String = head
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.len() == 4 {
            if let Ok(y) = digits.chars().rev().collect::<String>().parse::<i64>() {
                if (1949..=2100).contains(&y) {
                    best = best.max(Some(y));
                }
            }
        }
    }
    best
}

/// A draft from one case found in a document. `page`: the document is one article (a web page,
/// a paste, a PDF report) rather than a compilation of cases (a Word file, a PDF of several).
pub fn draft(
    raw: RawCase,
    info: &PageInfo,
    page: bool,
    file_stem: &str,
    opts: &ImportOptions,
    ctx: &mut Context<'_>,
) -> Draft {
    let mut warnings = Vec::new();
    let mut title = tidy(strip_numbering(&raw.title));
    if let Some(sub) = info.subtitle.as_deref().filter(|_| page) {
        title = format!("{title}——{sub}");
    }
    if title.is_empty() {
        title = file_stem.to_string();
        warnings.push("没有找到标题，暂用文件名，请修改 title".to_string());
    }
    let (sections, lead) = sections(&raw.blocks);
    let lead_text = lead.join("\n");
    let summary = lead.first().and_then(|l| summary_of(l));
    if summary.is_none() {
        warnings.push("没有导语段落，未填写 summary".to_string());
    }
    let body: String = raw
        .blocks
        .iter()
        .map(Block::text)
        .collect::<Vec<_>>()
        .join("\n");

    let mut year = info.date.map(|d| i64::from(d.0));
    if year.is_none() && !page {
        year = raw.context.as_deref().and_then(latest_year);
        if year.is_none() {
            year = latest_year(&body);
            if year.is_some() {
                warnings.push("year 取自正文里最近提到的年份，请核对".to_string());
            }
        }
    }
    if year.is_none() {
        warnings.push("没有找到发布日期，year 未填写".to_string());
    }
    let source = opts.source.clone().or_else(|| {
        if page {
            source_of(info)
        } else {
            raw.context
                .as_deref()
                .or(info.title.as_deref())
                .map(|t| format!("《{}》", t.trim_matches(['《', '》'])))
                .or_else(|| Some(format!("《{file_stem}》")))
        }
    });
    if source.is_none() {
        warnings.push("没有找到来源（媒体、作者），source 未填写；可用 --source 指定".to_string());
    }
    let extra = format!(
        "{}\n{}",
        info.outlet.as_deref().unwrap_or(""),
        info.header_lines.join("\n")
    );
    let region = region::find(&title, &lead_text, &body, &extra);
    if region.is_none() {
        warnings.push("没有认出地区，region 未填写".to_string());
    }
    let kind = opts.kind.or(page.then_some(CaseKind::Report));
    if kind.is_none() {
        warnings.push("kind 未定（报道 或 示例），可用 --kind 指定".to_string());
    }
    let topic_text: String = format!("{title}\n{}\n{body}", summary.as_deref().unwrap_or(""))
        .chars()
        .take(TOPIC_TEXT_CHARS)
        .collect();
    let topics: Vec<String> = ctx
        .guess_topics
        .as_ref()
        .map(|g| g(&topic_text))
        .unwrap_or_default()
        .into_iter()
        .filter(|t| ctx.topics.contains(t))
        .take(3)
        .collect();
    let topics_suggested = !topics.is_empty();
    if topics_suggested {
        warnings.push(format!(
            "topics 是按检索结果推荐的（{}），请核对",
            topics.join("、")
        ));
    } else {
        warnings.push("没有推荐出主题，topics 为空，请补上".to_string());
    }
    let id = slug::unique(&slug::slug(&title, ctx.analyzer), &mut ctx.taken);
    Draft {
        meta: CaseMeta {
            id,
            title,
            topics,
            region,
            community: None,
            year,
            source,
            source_url: info.url.clone().filter(|u| u.starts_with("http")),
            tags: Vec::new(),
            summary,
            kind,
        },
        sections,
        topics_suggested,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_the_leads_first_sentences() {
        assert_eq!(
            summary_of("社区党委召开议事会。居民都来了。").as_deref(),
            Some("社区党委召开议事会。居民都来了。")
        );
        let long = "很长的一句话".repeat(40) + "。";
        assert!(summary_of(&long).unwrap().ends_with('…'));
        assert_eq!(summary_of("短。"), None);
    }

    #[test]
    fn years_named_in_text() {
        assert_eq!(latest_year("2019年开始，2021年完成，共12年"), Some(2021));
        assert_eq!(latest_year("没有年份"), None);
    }
}
