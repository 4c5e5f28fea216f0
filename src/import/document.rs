//! What every reader (docx, html, text) produces: the article as a list of [`Block`]s, and what
//! the page said about itself ([`PageInfo`]), before anything is decided about cases.

/// One block of an article, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading. `level` 0 is a document title (Word's "Title" style), 1 the top heading level;
    /// `numbered` says the level was read from numbering (`一、`, `（二）`) rather than a style.
    Heading {
        level: u8,
        text: String,
        numbered: bool,
    },
    /// A paragraph of text.
    Para(String),
    /// A table, row by row, cell texts.
    Table(Vec<Vec<String>>),
}

impl Block {
    /// The block's text (a table's cells joined).
    pub fn text(&self) -> String {
        match self {
            Block::Heading { text, .. } | Block::Para(text) => text.clone(),
            Block::Table(rows) => rows
                .iter()
                .map(|r| r.join(" "))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// Characters of text.
    pub fn chars(&self) -> usize {
        match self {
            Block::Heading { text, .. } | Block::Para(text) => text.chars().count(),
            Block::Table(rows) => rows.iter().flatten().map(|c| c.chars().count()).sum(),
        }
    }
}

/// What a page or file says about the article besides its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageInfo {
    /// The headline, when the page marks it (`og:title`, the article's `<h1>`).
    pub title: Option<String>,
    /// A subtitle line (`——记某某社区…`).
    pub subtitle: Option<String>,
    /// The outlet (`人民网`, a WeChat account).
    pub outlet: Option<String>,
    pub author: Option<String>,
    /// Publication date as (year, month, day); month and day may be unknown.
    pub date: Option<(i32, Option<u32>, Option<u32>)>,
    /// The page's address, when it says (`og:url`, `<link rel=canonical>`).
    pub url: Option<String>,
    /// Lines near the headline (the "date · source · author" line of a news page), for the
    /// metadata readers to look at; never part of the body.
    pub header_lines: Vec<String>,
    /// Credit lines at the article's end ("来源：…", "作者：…"): they fill in what the header
    /// did not say, and are never part of the body.
    pub tail_lines: Vec<String>,
}

/// An article read from a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub blocks: Vec<Block>,
    pub info: PageInfo,
    /// Whether the blocks come from a structured document (Word), where headings are real and
    /// repeated lines are content; web pages and pastes get chrome removal.
    pub structured: bool,
}
