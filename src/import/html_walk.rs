//! A web page's DOM as blocks in reading order: which elements are chrome (navigation, share
//! buttons, comment blocks …) and the walker that turns an article's subtree into paragraphs,
//! headings and tables. The article finder (`html.rs`) and the page metadata (`html_meta.rs`)
//! both use it.

use ego_tree::NodeRef;
use scraper::{ElementRef, Node, Selector};

use super::clean::tidy;
use super::document::Block;
use super::numbering::heading_rank;

pub fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
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
pub(super) fn chrome(e: &ElementRef<'_>) -> bool {
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
pub(super) const INLINE: &[&str] = &[
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
