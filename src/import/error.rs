//! Why a file could not be imported. Every message starts with the file's name, like the case
//! errors, and says what to do about it in words a secretary understands.

use std::path::{Path, PathBuf};

/// A file that `anli import` could not turn into cases; nothing is written for it.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("{}: 无法读取：{source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The file is larger than anything a case write-up needs.
    #[error("{}: 文件太大（{size} 字节，上限 {limit} 字节）", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },

    /// A kind of file the importer does not read.
    #[error("{}: {message}", path.display())]
    Unsupported { path: PathBuf, message: String },

    /// A .docx that is not one: not a zip, no document part, broken or oversized XML.
    #[error("{}: 不是有效的 Word 文档（.docx）：{message}", path.display())]
    BadDocx { path: PathBuf, message: String },

    /// A web page or text whose characters cannot be read.
    #[error("{}: 无法识别文字编码：{message}", path.display())]
    Encoding { path: PathBuf, message: String },

    /// Nothing that looks like an article was found (empty, or only navigation and links).
    #[error("{}: 没有找到正文：{message}", path.display())]
    NoArticle { path: PathBuf, message: String },

    /// A case was found but could not be written as a valid case file (a bug if it happens).
    #[error("{}: 生成的案例文件不合格：{message}", path.display())]
    Invalid { path: PathBuf, message: String },

    /// The case file could not be written.
    #[error("{}: 无法写入：{source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The case file exists already, or its id is taken.
    #[error("{}: {message}", path.display())]
    Exists { path: PathBuf, message: String },

    /// The file changed since the version an edit was based on.
    #[error("{}: 这个案例刚被别人修改过；请重新打开再改（你的修改没有保存）", path.display())]
    Conflict { path: PathBuf },
}

impl ImportError {
    /// The file at fault.
    pub fn path(&self) -> &Path {
        match self {
            ImportError::Read { path, .. }
            | ImportError::TooLarge { path, .. }
            | ImportError::Unsupported { path, .. }
            | ImportError::BadDocx { path, .. }
            | ImportError::Encoding { path, .. }
            | ImportError::NoArticle { path, .. }
            | ImportError::Invalid { path, .. }
            | ImportError::Write { path, .. }
            | ImportError::Exists { path, .. }
            | ImportError::Conflict { path } => path,
        }
    }

    pub(crate) fn bad_docx(path: &Path, message: impl Into<String>) -> ImportError {
        ImportError::BadDocx {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    pub(crate) fn no_article(path: &Path, message: impl Into<String>) -> ImportError {
        ImportError::NoArticle {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}
