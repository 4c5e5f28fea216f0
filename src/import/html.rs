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
use scraper::{ElementRef, Html, Node};

use super::clean::{is_han, tidy};
use super::document::{Block, Document};
use super::encoding::decode;
use super::html_meta::{page_info, sel};
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
pub(super) fn skip_tag(name: &str) -> bool {
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
pub(super) struct Walker {
    pub(super) blocks: Vec<Block>,
    cur: String,
    /// Characters of `cur` that were bold.
    bold_chars: usize,
    bold: usize,
    heading: Option<u8>,
}

impl Walker {
    pub(super) fn flush(&mut self) {
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

    pub(super) fn walk(&mut self, node: NodeRef<'_, Node>, is_root: bool) {
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
