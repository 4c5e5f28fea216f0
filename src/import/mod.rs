//! Bringing case write-ups in: Word compilations (.docx), saved web pages (.html), PDFs with a
//! text layer and copied text (.txt, .md) become case drafts ([`Draft`]) and then case files in
//! the corpus.
//!
//! - [`docx`], [`html`] (with `html_meta`), [`pdf`] (with `pdf_layout`), [`text`]: one reader
//!   per format ([`office`] turns .doc/.wps/.rtf/.odt into .docx with LibreOffice, [`external`]
//!   runs the converters), each producing a [`Document`] (blocks in reading order and what the
//!   file says about itself); [`encoding`] decodes pages and texts (UTF-8, GB18030/GBK);
//! - [`clean`], [`page`]: text tidied for the analyzer, page chrome and spam removed;
//! - [`numbering`], [`split`]: numbered headings, and where cases and sections start;
//! - [`fields`], [`region`], [`dates`], [`slug`]: filling the front matter;
//! - [`draft`]: the draft and its Markdown; [`write`]: writing case files safely.

pub mod clean;
pub mod dates;
pub mod document;
pub mod docx;
pub mod draft;
pub mod encoding;
mod error;
pub mod external;
pub mod fields;
pub mod html;
mod html_meta;
mod html_walk;
pub mod numbering;
pub mod office;
pub mod page;
pub mod pdf;
mod pdf_layout;
pub mod region;
pub mod slug;
pub mod split;
pub mod text;
pub mod write;

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

pub use document::{Block, Document, PageInfo};
pub use draft::{CaseReport, Draft, DraftSection, SectionReport};
pub use error::ImportError;

use crate::analysis::Analyzer;
use crate::case::CaseKind;
use crate::topics::Topics;

/// Largest input file read.
pub const MAX_INPUT_BYTES: u64 = 50 * 1024 * 1024;
/// Fewest characters of text a case needs to be kept.
const MIN_CASE_CHARS: usize = 20;

/// The kinds of file the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Html,
    Text,
    Markdown,
    /// Read through poppler's `pdftotext` (see [`pdf`]).
    Pdf,
    /// .doc, .wps, .rtf, .odt: converted to .docx by LibreOffice (see [`office`]).
    Office,
}

impl Format {
    /// The format of `path` by its extension; another kind of file is refused with what to do.
    pub fn of(path: &Path) -> Result<Format, ImportError> {
        let ext = extension(path);
        let unsupported = |message: &str| ImportError::Unsupported {
            path: path.to_path_buf(),
            message: message.to_string(),
        };
        match ext.as_str() {
            "docx" => Ok(Format::Docx),
            "html" | "htm" | "xhtml" | "shtml" => Ok(Format::Html),
            "txt" | "text" => Ok(Format::Text),
            "md" | "markdown" => Ok(Format::Markdown),
            "pdf" => Ok(Format::Pdf),
            "doc" | "wps" | "rtf" | "odt" => Ok(Format::Office),
            "mht" | "mhtml" => Err(unsupported(
                "请在浏览器里把网页“另存为”“网页，仅 HTML”（.html）再导入",
            )),
            _ => Err(unsupported(
                "不认识的文件类型：可以导入 .docx、.doc、.wps、.odt、.rtf、.html/.htm、.pdf、.txt、.md",
            )),
        }
    }
}

/// The extension of `path`, lower case ("" without one).
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `kind` for every case (default: 报道 for pages and texts, unset for Word files).
    pub kind: Option<CaseKind>,
    /// `source` for every case (default: what the page names, or the compilation's title).
    pub source: Option<String>,
}

/// Suggests topics for a text (the engine's hybrid ranking guesses them).
pub type TopicGuesser<'a> = Box<dyn Fn(&str) -> Vec<String> + 'a>;

/// What drafts are made with: the vocabulary, the analyzer (cuts titles into words for ids),
/// the topic suggester, and the ids already taken (grows as drafts are made).
pub struct Context<'a> {
    pub topics: &'a Topics,
    pub analyzer: Option<&'a Analyzer>,
    pub guess_topics: Option<TopicGuesser<'a>>,
    pub taken: HashSet<String>,
}

/// Read a file to import, refusing one larger than [`MAX_INPUT_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    let err = |source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(err)?;
    let size = file.metadata().map_err(err)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_INPUT_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(err)?;
    Ok(bytes)
}

/// Read `bytes` (the file `path`, whose extension says its format) into a cleaned document.
pub fn read_document(path: &Path, bytes: &[u8]) -> Result<(Format, Document), ImportError> {
    let format = Format::of(path)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::no_article(path, "文件是空的"));
    }
    let mut doc = match format {
        Format::Docx => docx::read(path, bytes)?,
        Format::Html => html::read(path, bytes)?,
        Format::Text => text::read(path, bytes, false)?,
        Format::Markdown => text::read(path, bytes, true)?,
        Format::Pdf => pdf::read(path, bytes)?,
        Format::Office => office::read(path, &extension(path), bytes)?,
    };
    if !doc.structured {
        page::clean(&mut doc);
    }
    Ok((format, doc))
}

/// The drafts of the cases in one file. A file without article text is an error, so nothing is
/// written for it.
pub fn import(
    path: &Path,
    bytes: &[u8],
    opts: &ImportOptions,
    ctx: &mut Context<'_>,
) -> Result<Vec<Draft>, ImportError> {
    let (format, doc) = read_document(path, bytes)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let raws = if doc.structured {
        split::split_document(&doc.blocks, doc.info.title.as_deref().or(Some(&stem)))
    } else {
        split::single(&doc.blocks, doc.info.title.as_deref())
    };
    let raws: Vec<_> = raws
        .into_iter()
        .filter(|r| {
            r.blocks
                .iter()
                .filter(|b| !matches!(b, Block::Heading { .. }))
                .map(Block::chars)
                .sum::<usize>()
                >= MIN_CASE_CHARS
        })
        .collect();
    if raws.is_empty() {
        let why = match format {
            Format::Html => "页面里只有导航、链接、推荐等网页框架，没有文章正文",
            Format::Docx | Format::Office => "文档里没有文字（或只有标题）",
            Format::Pdf => "PDF 里只有标题、页码或页眉页脚，没有正文段落",
            _ => "没有正文段落",
        };
        return Err(ImportError::no_article(path, why));
    }
    Ok(raws
        .into_iter()
        .map(|r| fields::draft(r, &doc.info, !doc.structured, &stem, opts, ctx))
        .collect())
}
