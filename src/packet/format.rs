//! The handout formats (as mdBook has one renderer per output): what a format is called, its
//! file extension and content type, and how a resolved packet is rendered in it.

use std::str::FromStr;

use super::handout::{self, Edition};
use super::Resolved;
use crate::error::{Error, Result};

/// A handout format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Markdown (`md`).
    Markdown,
    /// One self-contained web page (`html`), print-ready.
    Html,
    /// A Word document (`docx`).
    Docx,
}

impl Format {
    /// Every format, in the order they are offered.
    pub const ALL: [Format; 3] = [Format::Markdown, Format::Html, Format::Docx];

    /// The file extension, which is also the format's name (`md`, `html`, `docx`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Docx => "docx",
        }
    }

    /// The HTTP content type of a download.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// The file name of packet `name`'s handout (the student edition's says so).
    pub fn file_name(self, name: &str, edition: Edition) -> String {
        match edition {
            Edition::Teacher => format!("{name}.{}", self.extension()),
            Edition::Student => format!("{name}-学员版.{}", self.extension()),
        }
    }

    /// The handout of `r` in this format and edition.
    pub fn render(self, r: &Resolved, edition: Edition) -> Result<Vec<u8>> {
        Ok(match self {
            Format::Markdown => handout::markdown::markdown(r, edition).into_bytes(),
            Format::Html => handout::html::html(r, edition)?.into_bytes(),
            Format::Docx => handout::docx::docx(r, edition)?,
        })
    }
}

impl FromStr for Format {
    type Err = Error;

    /// A format by its name (`md`, `html`, `docx`); anything else is [`Error::UnknownFormat`].
    fn from_str(s: &str) -> Result<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.extension() == s)
            .ok_or_else(|| Error::UnknownFormat(s.chars().take(20).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name() {
        for f in Format::ALL {
            assert_eq!(f.extension().parse::<Format>().unwrap(), f);
        }
        let e = "pdf".parse::<Format>().unwrap_err();
        assert!(matches!(e, Error::UnknownFormat(_)), "{e}");
        assert_eq!(
            Format::Docx.file_name("加梯", Edition::Teacher),
            "加梯.docx"
        );
        assert_eq!(
            Format::Html.file_name("加梯", Edition::Student),
            "加梯-学员版.html"
        );
        assert_eq!("student".parse::<Edition>().unwrap(), Edition::Student);
        assert!("学员".parse::<Edition>().is_err());
    }
}
