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

use super::clean::is_han;
use super::document::Document;
use super::encoding::decode;
use super::html_meta::page_info;
use super::html_walk::{chrome, sel, skip_tag, Walker, INLINE};
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
