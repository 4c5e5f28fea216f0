//! A problem with one case file: what [`load_corpus`](crate::case::load_corpus) reports for a file
//! it skips, always with the file and, where there is one, the line.

use std::path::{Path, PathBuf};

/// A problem with one case file. The file is skipped; other files are still indexed.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The file could not be read.
    #[error("{}: 无法读取：{source}", path.display())]
    Read {
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// The file is larger than [`MAX_CASE_BYTES`](crate::case::MAX_CASE_BYTES).
    #[error("{}: 文件太大（{size} 字节，上限 {limit} 字节），不像一个案例", path.display())]
    TooLarge {
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        limit: u64,
    },

    /// The file is not valid UTF-8 (saved as GBK, say).
    #[error("{}:{line}: 不是 UTF-8 编码（可能存成了 GBK）；请用 UTF-8 重新保存", path.display())]
    InvalidUtf8 {
        path: PathBuf,
        /// 1-based line of the first bad byte.
        line: usize,
    },

    /// The file does not start with a `---` front matter block.
    #[error("{}:1: 缺少开头的 front matter（第一行应为 ---，随后写 id、title 等字段，再以 --- 结束）", path.display())]
    NoFrontMatter { path: PathBuf },

    /// The front matter opens with `---` but never closes.
    #[error("{}:{line}: front matter 从这一行开始，但没有结束的 --- 行", path.display())]
    UnclosedFrontMatter {
        path: PathBuf,
        /// 1-based line of the opening `---`.
        line: usize,
    },

    /// The front matter is not valid YAML, or not a mapping.
    #[error("{}:{line}: front matter 格式错误：{message}", path.display())]
    Yaml {
        path: PathBuf,
        /// 1-based line in the file.
        line: usize,
        /// What the YAML parser said.
        message: String,
    },

    /// A required field (`id`, `title`) is missing or empty.
    #[error("{}:{line}: 缺少必填字段 {field}", path.display())]
    MissingField {
        path: PathBuf,
        /// 1-based line of the front matter start.
        line: usize,
        /// The field name.
        field: &'static str,
    },

    /// A field has a value of the wrong form.
    #[error("{}:{line}: 字段 {field} 的值不对：{message}", path.display())]
    InvalidField {
        path: PathBuf,
        /// 1-based line of the field.
        line: usize,
        /// The field name.
        field: &'static str,
        /// What is wrong.
        message: String,
    },

    /// A topic is not in `schema/topics.toml`.
    #[error("{}:{line}: 主题“{topic}”不在主题词表 schema/topics.toml 中{hint}", path.display())]
    UnknownTopic {
        path: PathBuf,
        /// 1-based line of the topic.
        line: usize,
        /// The unknown topic.
        topic: String,
        /// A suggestion (`，是不是“停车管理”？`) or empty.
        hint: String,
    },

    /// Another file already uses this id.
    #[error("{}:{line}: 编号 {id} 与 {} 重复；这个文件未被收录", path.display(), first.display())]
    DuplicateId {
        /// The file that was skipped.
        path: PathBuf,
        /// 1-based line of its `id`.
        line: usize,
        id: String,
        /// The file that keeps the id.
        first: PathBuf,
    },
}

impl CaseError {
    /// The file at fault.
    pub fn path(&self) -> &Path {
        match self {
            CaseError::Read { path, .. }
            | CaseError::TooLarge { path, .. }
            | CaseError::InvalidUtf8 { path, .. }
            | CaseError::NoFrontMatter { path }
            | CaseError::UnclosedFrontMatter { path, .. }
            | CaseError::Yaml { path, .. }
            | CaseError::MissingField { path, .. }
            | CaseError::InvalidField { path, .. }
            | CaseError::UnknownTopic { path, .. }
            | CaseError::DuplicateId { path, .. } => path,
        }
    }

    /// The 1-based line at fault, where there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            CaseError::Read { .. } | CaseError::TooLarge { .. } => None,
            CaseError::NoFrontMatter { .. } => Some(1),
            CaseError::InvalidUtf8 { line, .. }
            | CaseError::UnclosedFrontMatter { line, .. }
            | CaseError::Yaml { line, .. }
            | CaseError::MissingField { line, .. }
            | CaseError::InvalidField { line, .. }
            | CaseError::UnknownTopic { line, .. }
            | CaseError::DuplicateId { line, .. } => Some(*line),
        }
    }
}
