//! Web pages and pastes after reading: the headline and the "date · source · author" lines
//! taken out of the body, chrome lines, spam insertions and repeated lines removed, the page's
//! tail (related links, comments, disclaimers) cut off, and the outlet, author and publication
//! date read from what the page says about itself.

use super::clean::{
    ends_article, is_chrome_line, repeated_lines, strip_dateline, strip_insertions,
};
use super::dates::parse_date;
use super::document::{Block, Document};

/// Words of a metadata line under a headline.
const META_WORDS: &[&str] = &[
    "来源",
    "作者",
    "记者",
    "编辑",
    "发布",
    "时间",
    "日期",
    "浏览",
    "阅读",
    "点击",
    "字号",
    "通讯员",
    "文/",
    "文／",
    "原创",
];

fn is_meta_line(text: &str) -> bool {
    text.chars().count() <= 100
        && (parse_date(text).is_some() || META_WORDS.iter().any(|w| text.contains(w)))
        && !text.contains(['。', '！', '？'])
}

fn same_title(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty()
        && (a == b || (b.len() > 6 && a.starts_with(&b)) || (a.len() > 6 && b.starts_with(&a)))
}

/// Clean a page's blocks and fill its info from the lines around the headline.
pub fn clean(doc: &mut Document) {
    let title = doc.info.title.clone();
    let mut blocks = std::mem::take(&mut doc.blocks);
    // The headline in the body (a page's `<h1>`, a paste's first line) is the title, not text.
    if let Some(t) = &title {
        if let Some(i) = blocks.iter().take(8).position(|b| {
            matches!(b, Block::Heading { .. } | Block::Para(_)) && same_title(&b.text(), t)
        }) {
            // Whatever came before it (a channel name, a breadcrumb) is chrome.
            blocks.drain(..=i);
        }
    }
    // Subtitle and metadata lines right under the headline.
    let mut lead = 0;
    while let Some(b) = blocks.get(lead) {
        let text = b.text();
        if lead < 8
            && (text.starts_with("——") || text.starts_with('—'))
            && doc.info.subtitle.is_none()
        {
            doc.info.subtitle = Some(text.trim_start_matches(['—', '-']).trim().to_string());
        } else if lead < 8 && is_meta_line(&text) {
            doc.info.header_lines.push(text);
        } else if lead < 8 && is_chrome_line(&text) {
        } else {
            break;
        }
        lead += 1;
    }
    blocks.drain(..lead);

    let mut out: Vec<Block> = Vec::new();
    for b in blocks {
        let text = b.text();
        if ends_article(&text) && !out.is_empty() {
            break;
        }
        match b {
            Block::Para(p) => {
                if is_chrome_line(&p) {
                    continue;
                }
                let p = strip_insertions(&p);
                if !p.is_empty() {
                    out.push(Block::Para(p));
                }
            }
            Block::Heading { .. } if is_chrome_line(&text) => {}
            other => out.push(other),
        }
    }
    // Short lines repeated on the page (labels, slogans, sidebar entries).
    let texts: Vec<String> = out.iter().map(Block::text).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let repeated = repeated_lines(&refs);
    let mut kept: Vec<Block> = out
        .into_iter()
        .zip(repeated)
        .filter_map(|(b, r)| (!r || matches!(b, Block::Table(_))).then_some(b))
        .collect();
    // A trailing metadata block (a paste that ends with "来源：… 责任编辑：…").
    while kept.last().is_some_and(|b| matches!(b, Block::Para(p) if p.chars().count() <= 60 && (p.starts_with("来源") || p.starts_with("作者")))) {
        if let Some(b) = kept.pop() {
            doc.info.tail_lines.push(b.text());
        }
    }
    // The lead's dateline ("人民网贵阳3月30日电（记者 张三）").
    if let Some(Block::Para(first)) = kept.iter_mut().find(|b| matches!(b, Block::Para(_))) {
        let (rest, people) = strip_dateline(first);
        *first = rest;
        if doc.info.author.is_none() {
            doc.info.author = people;
        }
    }
    kept.retain(|b| !b.text().is_empty());
    doc.blocks = kept;
    read_header(doc);
}

/// Outlet, author and date from the header lines (the page's own `<meta>` date wins), then
/// what the credit lines at the end add.
fn read_header(doc: &mut Document) {
    let info = &mut doc.info;
    let lines: Vec<(String, bool)> = info
        .header_lines
        .iter()
        .map(|l| (l.clone(), true))
        .chain(info.tail_lines.iter().map(|l| (l.clone(), false)))
        .collect();
    for (line, header) in lines {
        if header && info.subtitle.is_none() && line.starts_with('—') {
            info.subtitle = Some(line.trim_start_matches(['—', '-']).trim().to_string());
            continue;
        }
        if info.date.is_none() && header {
            info.date = parse_date(&line);
        }
        if let Some(src) = field(&line, &["来源：", "来源:", "来源 ", "来源|"]) {
            // The page's own line is more specific than its site name ("人民网－贵州频道"); a
            // credit at the end only fills a gap.
            if header || info.outlet.is_none() {
                info.outlet = Some(src);
            } else if info.author.is_none() {
                info.author = Some(src);
            }
        }
        if info.author.is_none() {
            info.author = field(
                &line,
                &[
                    "作者：",
                    "作者:",
                    "记者：",
                    "记者:",
                    "记者 ",
                    "文/",
                    "文／",
                    "文 / ",
                ],
            );
        }
    }
    if info.author.is_some() && info.author == info.outlet {
        info.author = None;
    }
}

/// The value after one of `keys` in `line`, up to the next field.
fn field(line: &str, keys: &[&str]) -> Option<String> {
    let (at, key) = keys
        .iter()
        .filter_map(|k| line.find(k).map(|i| (i, *k)))
        .min_by_key(|(i, _)| *i)?;
    let rest = line[at + key.len()..].trim_start();
    let mut end = rest.len();
    for stop in [
        "  ",
        " 作者",
        " 记者",
        " 编辑",
        " 发布",
        " 时间",
        " 日期",
        "　",
        " 浏览",
        " 字号",
        "作者：",
        "责任编辑",
        "编辑：",
        "|",
        "｜",
        "【",
        "[",
        "字号",
        "浏览",
    ] {
        if let Some(i) = rest.find(stop) {
            end = end.min(i);
        }
    }
    // A date right after the outlet ("来源：人民网 2021-03-30").
    if let Some(i) = rest.find(|c: char| c.is_ascii_digit()) {
        if parse_date(&rest[i..]).is_some() {
            end = end.min(i);
        }
    }
    let v = rest[..end]
        .trim()
        .trim_end_matches([',', '，', ' '])
        .to_string();
    (!v.is_empty() && v.chars().count() <= 30).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::document::PageInfo;

    #[test]
    fn header_lines_feed_the_info_and_leave_the_body() {
        let mut doc = Document {
            blocks: vec![
                Block::Heading {
                    level: 1,
                    text: "停车难有了新解法".into(),
                    numbered: false,
                },
                Block::Para("——记某某社区的错峰停车".into()),
                Block::Para("2021年03月30日08:21 来源：人民网－贵州频道 作者：张三".into()),
                Block::Para("分享到：".into()),
                Block::Para("人民网贵阳3月30日电（记者 张三）社区党委召开议事会。更多精彩内容请关注某某公众号！".into()),
                Block::Para("错峰停车。".into()),
                Block::Para("相关推荐".into()),
                Block::Para("别的新闻".into()),
            ],
            info: PageInfo {
                title: Some("停车难有了新解法".into()),
                ..PageInfo::default()
            },
            structured: false,
        };
        clean(&mut doc);
        assert_eq!(doc.info.subtitle.as_deref(), Some("记某某社区的错峰停车"));
        assert_eq!(doc.info.outlet.as_deref(), Some("人民网－贵州频道"));
        assert_eq!(doc.info.author.as_deref(), Some("张三"));
        assert_eq!(doc.info.date, Some((2021, Some(3), Some(30))));
        let texts: Vec<String> = doc.blocks.iter().map(Block::text).collect();
        assert_eq!(texts, vec!["社区党委召开议事会。", "错峰停车。"]);
    }
}
