//! Saved web pages (news sites, government sites, WeChat articles): find the article, keep its
//! paragraphs and headings, and leave out what surrounds it — navigation, share buttons,
//! "相关推荐" and "热点推荐" lists, comments, disclaimers, footers, scripts.
//!
//! The article is the first known article container that holds real text (`#js_content` of
//! WeChat, `<article>`, `.rm_txt_con` …), else the element whose paragraphs hold the most
//! Chinese text outside links. Inside it, elements whose tag, class or id says chrome are
//! skipped. What the page says about itself (headline, outlet, author, publication date) comes
//! from its `<meta>` tags and the lines right below the headline, never from sidebars.

use std::collections::HashMap;
use std::path::Path;

use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node, Selector};

use super::clean::{is_han, tidy};
use super::dates::parse_date;
use super::document::{Block, Document, PageInfo};
use super::encoding::decode;
use super::numbering::heading_rank;
use super::ImportError;

/// Read a saved web page.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Document, ImportError> {
    let text = decode(path, bytes, true)?;
    let html = Html::parse_document(&text);
    let info = page_info(&html);
    let root = article_root(&html);
    let mut w = Walker::default();
    if let Some(root) = root {
        w.walk(*root, true);
    }
    w.flush();
    Ok(Document {
        blocks: w.blocks,
        info,
        structured: false,
    })
}

fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

fn first_text(html: &Html, selectors: &[&str]) -> Option<String> {
    selectors.iter().find_map(|s| {
        let s = sel(s)?;
        html.select(&s)
            .map(|e| tidy(&e.text().collect::<String>()))
            .find(|t| !t.is_empty())
    })
}

fn meta(html: &Html, names: &[&str]) -> Option<String> {
    let s = sel("meta")?;
    let metas: Vec<ElementRef<'_>> = html.select(&s).collect();
    names.iter().find_map(|name| {
        metas.iter().find_map(|m| {
            let key = m
                .attr("property")
                .or_else(|| m.attr("name"))
                .or_else(|| m.attr("itemprop"))?;
            if !key.eq_ignore_ascii_case(name) {
                return None;
            }
            let v = tidy(m.attr("content")?);
            (!v.is_empty()).then_some(v)
        })
    })
}

/// Headline, outlet, author, date and address from `<meta>`, WeChat's fields and `<title>`.
fn page_info(html: &Html) -> PageInfo {
    let mut info = PageInfo {
        title: first_text(html, &["#activity-name", ".rich_media_title"])
            .or_else(|| meta(html, &["og:title", "ArticleTitle", "twitter:title"]))
            .or_else(|| first_heading(html)),
        outlet: first_text(html, &["#js_name", ".rich_media_meta_nickname"]).or_else(|| {
            meta(
                html,
                &["og:site_name", "source", "ContentSource", "SiteName"],
            )
        }),
        author: meta(html, &["author", "article:author", "Author"])
            .or_else(|| first_text(html, &["#js_author_name", ".rich_media_meta_text"]))
            .filter(|a| a.chars().count() <= 30 && parse_date(a).is_none()),
        url: meta(html, &["og:url"]).or_else(|| {
            let s = sel("link[rel=canonical]")?;
            html.select(&s)
                .find_map(|e| e.attr("href").map(str::to_string))
        }),
        ..PageInfo::default()
    };
    info.date = meta(
        html,
        &[
            "article:published_time",
            "og:release_date",
            "publishdate",
            "PubDate",
            "pubdate",
            "publish_date",
            "datePublished",
            "weibo:article:create_at",
            "firstpublishedtime",
        ],
    )
    .and_then(|d| parse_date(&d))
    .or_else(|| {
        first_text(html, &["#publish_time", "em#publish_time"]).and_then(|d| parse_date(&d))
    })
    .or_else(|| script_date(html))
    .or_else(|| {
        let s = sel("time[datetime]")?;
        html.select(&s)
            .find_map(|e| e.attr("datetime").and_then(parse_date))
    });
    if info.outlet.is_none() || info.title.is_none() {
        if let Some(t) = first_text(html, &["title"]) {
            let (head, site) = split_title(&t);
            if info.title.is_none() && head.chars().count() >= 4 {
                info.title = Some(head);
            }
            if info.outlet.is_none() {
                info.outlet = site;
            }
        }
    }
    info.header_lines = header_lines(html);
    info
}

/// WeChat keeps the publication time in a script: `var ct = "1685950000"` or
/// `createTime = '2023-06-05 10:00'`.
fn script_date(html: &Html) -> Option<(i32, Option<u32>, Option<u32>)> {
    let s = sel("script")?;
    for script in html.select(&s) {
        let text: String = script.text().collect();
        for key in ["createTime = '", "createTime = \"", "publish_time = \""] {
            if let Some(at) = text.find(key) {
                if let Some(d) =
                    parse_date(&text[at + key.len()..(at + key.len() + 20).min(text.len())])
                {
                    return Some(d);
                }
            }
        }
        for key in ["var ct = \"", "var ct=\""] {
            if let Some(at) = text.find(key) {
                let digits: String = text[at + key.len()..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if let Ok(ts) = digits.parse::<i64>() {
                    return Some(super::dates::from_unix(ts));
                }
            }
        }
    }
    None
}

/// `停车难怎么破 - 人民网` → (`停车难怎么破`, `人民网`).
fn split_title(t: &str) -> (String, Option<String>) {
    for sep in [" - ", "--", "_", " | ", "|", "－", "——", " — "] {
        if let Some((head, rest)) = t.split_once(sep) {
            let site = rest.rsplit(sep).next().unwrap_or(rest).trim().to_string();
            return (
                head.trim().to_string(),
                Some(site).filter(|s| !s.is_empty() && s.chars().count() <= 20),
            );
        }
    }
    (t.trim().to_string(), None)
}

/// The article's `<h1>`, when no meta tag named the headline.
fn first_heading(html: &Html) -> Option<String> {
    let s = sel("h1")?;
    html.select(&s)
        .map(|e| tidy(&e.text().collect::<String>()))
        .find(|t| t.chars().count() >= 4)
}

/// The short lines right after the page's headline (`<h1>`), where news pages put
/// "2021-03-30 08:21 来源：人民网 作者：张三": up to eight, outside the article text.
fn header_lines(html: &Html) -> Vec<String> {
    let Some(h1) = sel("h1").and_then(|s| {
        html.select(&s)
            .find(|e| e.text().collect::<String>().trim().chars().count() >= 4)
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // The h1's following siblings and those of its ancestors, nearest first.
    let mut node = Some(*h1);
    while let Some(n) = node {
        let mut sib = n.next_sibling();
        while let Some(s) = sib {
            if let Some(e) = ElementRef::wrap(s) {
                if skip_tag(e.value().name()) {
                    sib = s.next_sibling();
                    continue;
                }
                let mut w = Walker::default();
                w.walk(s, false);
                w.flush();
                for b in w.blocks {
                    let t = b.text();
                    if t.chars().count() > 120 {
                        return out;
                    }
                    out.push(t);
                    if out.len() >= 8 {
                        return out;
                    }
                }
            }
            sib = s.next_sibling();
        }
        node = n.parent();
        if out.len() >= 2 {
            break;
        }
    }
    out
}

/// Known article containers, most specific first.
const ARTICLE_SELECTORS: &[&str] = &[
    "#js_content",
    "[itemprop=articleBody]",
    "#rwb_zw",
    ".rm_txt_con",
    ".article-content",
    ".article_content",
    ".articleContent",
    "#articleContent",
    ".TRS_Editor",
    "#endText",
    ".post_body",
    ".left_zw",
    "#detail",
    ".detail-content",
    "article",
    "#article",
    ".article",
    "#content",
    ".content",
];

fn han_count(s: &str) -> usize {
    s.chars().filter(|&c| is_han(c)).count()
}

/// The element holding the article.
fn article_root(html: &Html) -> Option<ElementRef<'_>> {
    for s in ARTICLE_SELECTORS {
        let Some(s) = sel(s) else { continue };
        for e in html.select(&s) {
            let mut w = Walker::default();
            w.walk(*e, true);
            w.flush();
            let text: usize = w.blocks.iter().map(|b| han_count(&b.text())).sum();
            if text >= 80 {
                return Some(e);
            }
        }
    }
    // Density: each paragraph's Chinese text (outside links) counts for its parent, half for
    // the grandparent.
    let p = sel("p, div, td, section")?;
    let mut score: HashMap<ego_tree::NodeId, f64> = HashMap::new();
    for e in html.select(&p) {
        if chrome(&e) || in_chrome(*e) {
            continue;
        }
        let own = own_text_han(*e);
        if own < 10 {
            continue;
        }
        if let Some(parent) = e.parent() {
            *score.entry(parent.id()).or_default() += own as f64;
            if let Some(g) = parent.parent() {
                *score.entry(g.id()).or_default() += own as f64 / 2.0;
            }
        }
    }
    let best = score
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    html.tree.get(best.0).and_then(ElementRef::wrap)
}

/// Chinese characters in the text directly inside `node` and its inline children (not links).
fn own_text_han(node: NodeRef<'_, Node>) -> usize {
    let mut n = 0;
    for c in node.children() {
        match c.value() {
            Node::Text(t) => n += han_count(t),
            Node::Element(e) if INLINE.contains(&e.name()) && e.name() != "a" => {
                n += own_text_han(c)
            }
            _ => {}
        }
    }
    n
}

fn in_chrome(node: NodeRef<'_, Node>) -> bool {
    node.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|e| chrome(&e) || skip_tag(e.value().name()))
}

/// Tags never holding article text.
fn skip_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "iframe"
            | "form"
            | "button"
            | "nav"
            | "footer"
            | "aside"
            | "select"
            | "option"
            | "svg"
            | "canvas"
            | "object"
            | "embed"
            | "input"
            | "textarea"
            | "figcaption"
            | "template"
            | "head"
            | "menu"
            | "video"
            | "audio"
    )
}

/// Words in a class or id that mark chrome, matched as whole parts (`share-box`) …
const CHROME_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "menu",
    "ad",
    "ads",
    "advert",
    "banner",
    "hot",
    "hotnews",
    "tool",
    "tools",
    "toolbar",
    "tags",
    "tag",
    "more",
    "pager",
    "pages",
    "crumb",
    "qr",
    "footer",
    "foot",
    "header",
    "login",
    "reward",
    "editor",
    "bianji",
    "fenxiang",
    "xgxw",
    "rdtj",
    "rmtj",
    "zrbj",
    "statement",
    "relevant",
    "recommend",
    "related",
    "share",
    "comment",
    "comments",
    "sidebar",
    "side",
    "copyright",
    "disclaimer",
    "author-info",
    "keyword",
    "keywords",
    "print",
    "btns",
    "operate",
];

/// … and substrings that mark it anywhere in the name.
const CHROME_PARTS: &[&str] = &[
    "share",
    "related",
    "relate",
    "recommend",
    "comment",
    "copyright",
    "breadcrumb",
    "sidebar",
    "footer",
    "qrcode",
    "qr_code",
    "disclaimer",
    "advert",
    "hotnews",
    "hot_news",
    "hot-news",
    "relevant",
    "toolbar",
    "js_pc_qr",
    "reward",
    "like_",
    "_like",
    "profile",
];

/// Whether an element's tag, class, id, role or style marks it as chrome.
fn chrome(e: &ElementRef<'_>) -> bool {
    let v = e.value();
    if skip_tag(v.name()) || v.attr("hidden").is_some() || v.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = v.attr("style") {
        let s: String = style.chars().filter(|c| !c.is_whitespace()).collect();
        if s.to_ascii_lowercase().contains("display:none") {
            return true;
        }
    }
    if matches!(
        v.attr("role"),
        Some("navigation" | "banner" | "contentinfo" | "complementary")
    ) {
        return true;
    }
    let names = [v.attr("class").unwrap_or(""), v.attr("id").unwrap_or("")].join(" ");
    let lower = names.to_ascii_lowercase();
    if CHROME_PARTS.iter().any(|p| lower.contains(p)) {
        return true;
    }
    lower
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .any(|w| CHROME_WORDS.contains(&w))
}

/// Inline elements: their text joins the paragraph around them.
const INLINE: &[&str] = &[
    "a", "span", "strong", "b", "em", "i", "u", "font", "sub", "sup", "small", "big", "mark",
    "code", "label", "abbr", "cite", "q", "s", "del", "ins", "img", "time",
];

/// Turns a DOM subtree into blocks in reading order.
#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    cur: String,
    /// Characters of `cur` that were bold.
    bold_chars: usize,
    bold: usize,
    heading: Option<u8>,
}

impl Walker {
    fn flush(&mut self) {
        let text = tidy(&self.cur);
        let all_bold =
            self.bold_chars > 0 && self.bold_chars + 2 >= self.cur.trim().chars().count();
        self.cur.clear();
        self.bold_chars = 0;
        if text.is_empty() {
            return;
        }
        let block = match self.heading {
            Some(level) => Block::Heading {
                level,
                text,
                numbered: false,
            },
            None => match heading_rank(&text) {
                Some(rank) => Block::Heading {
                    level: rank as u8,
                    text,
                    numbered: true,
                },
                // A short bold line of its own is a subheading (how WeChat articles write them).
                None if all_bold
                    && text.chars().count() <= 25
                    && !text.ends_with(['。', '；', '，']) =>
                {
                    Block::Heading {
                        level: super::numbering::Rank::Chinese as u8,
                        text,
                        numbered: true,
                    }
                }
                None => Block::Para(text),
            },
        };
        self.blocks.push(block);
    }

    fn walk(&mut self, node: NodeRef<'_, Node>, is_root: bool) {
        match node.value() {
            Node::Text(t) => {
                self.cur.push_str(t);
                if self.bold > 0 {
                    self.bold_chars += t.trim().chars().count();
                }
            }
            Node::Element(el) => {
                let Some(e) = ElementRef::wrap(node) else {
                    return;
                };
                if !is_root && chrome(&e) {
                    return;
                }
                let name = el.name();
                if name == "br" {
                    self.flush();
                    return;
                }
                if name == "table" && self.data_table(e) {
                    return;
                }
                if INLINE.contains(&name) {
                    let bold = matches!(name, "strong" | "b");
                    self.bold += usize::from(bold);
                    for c in node.children() {
                        self.walk(c, false);
                    }
                    self.bold -= usize::from(bold);
                    return;
                }
                // A block element: what came before it and what is in it are paragraphs.
                self.flush();
                let level = match name {
                    "h1" => Some(1),
                    "h2" => Some(2),
                    "h3" => Some(3),
                    "h4" => Some(4),
                    "h5" => Some(5),
                    "h6" => Some(6),
                    _ => None,
                };
                let outer = self.heading;
                if level.is_some() {
                    self.heading = level;
                }
                for c in node.children() {
                    self.walk(c, false);
                }
                self.flush();
                self.heading = outer;
            }
            _ => {}
        }
    }

    /// A table of data (short cells) becomes a table block; a layout table is walked into.
    fn data_table(&mut self, table: ElementRef<'_>) -> bool {
        let (Some(tr), Some(cell)) = (sel("tr"), sel("td, th")) else {
            return false;
        };
        let mut rows = Vec::new();
        for row in table.select(&tr) {
            let cells: Vec<String> = row
                .select(&cell)
                .map(|c| tidy(&c.text().collect::<String>()))
                .collect();
            if cells.iter().any(|c| c.chars().count() > 200) || cells.len() < 2 {
                return false;
            }
            rows.push(cells);
        }
        let nested = sel("table table, p, div").is_some_and(|s| table.select(&s).next().is_some());
        if rows.is_empty() || nested {
            return false;
        }
        self.flush();
        self.blocks.push(Block::Table(rows));
        true
    }
}
