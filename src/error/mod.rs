//! The library's error types. Messages are Chinese (they are shown to secretaries and
//! maintainers) and start with `path:line:` where an input file was at fault, like a compiler's,
//! so editors can jump to the spot.
//!
//! They sit at the bottom of the module graph, so every module can return them: [`Error`], and
//! the errors of one case file ([`CaseError`], re-exported by `case`) and of a search request
//! ([`QueryError`], re-exported by `search`).

mod case;
mod query;

use std::path::PathBuf;

pub use case::CaseError;
pub use query::QueryError;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A case file is bad; see [`CaseError`].
    #[error(transparent)]
    Case(#[from] CaseError),

    /// A file or folder could not be read or written.
    #[error("{}: 无法读写：{source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// A schema file (`dict.txt`, `stopwords.txt`, `synonyms.txt`, `topics.toml`) has a bad line.
    #[error("{}:{line}: {message}", path.display())]
    Resource {
        /// The schema file.
        path: PathBuf,
        /// 1-based line of the bad entry.
        line: usize,
        /// What is wrong with it.
        message: String,
    },

    /// The corpus folder does not exist.
    #[error("{}: 案例目录不存在（用 --corpus 指定，或设置 ANLI_CORPUS）", path.display())]
    NoCorpus {
        /// The folder looked for.
        path: PathBuf,
    },

    /// No index exists where one was expected and none can be built.
    #[error("{}: 没有索引，请先运行 `anli index`", path.display())]
    NoIndex {
        /// The index folder.
        path: PathBuf,
    },

    /// The index folder holds files that are not an anli index, so anli will not overwrite it.
    #[error("{}: 这个目录里已有别的文件，不是 anli 的索引；请换一个 --index 目录", path.display())]
    NotAnIndex {
        /// The index folder.
        path: PathBuf,
    },

    /// Another `anli index` (or a service) is writing the index right now.
    #[error("{}: 另一个 anli 正在更新这个索引，请等它完成后再试", path.display())]
    IndexLocked {
        /// The index folder.
        path: PathBuf,
    },

    /// tantivy failed while reading or writing the index.
    #[error("{}: 索引读写失败：{source}", path.display())]
    Index {
        /// The index folder.
        path: PathBuf,
        /// tantivy's error.
        #[source]
        source: tantivy::TantivyError,
    },

    /// A search request cannot be answered as given (empty query, unknown topic, bad range).
    #[error(transparent)]
    InvalidQuery(#[from] QueryError),

    /// No case with this id is in the index.
    #[error("没有编号为“{0}”的案例")]
    CaseNotFound(String),

    /// A stored document could not be decoded (the index was written by another version).
    #[error("索引中的案例数据无法解析（请用 `anli index --full` 重建）：{0}")]
    Stored(String),

    /// A packet name is not usable as a file name.
    #[error(
        "案例包名称“{0}”不合适：只能用汉字、字母、数字、- 和 _（最多 64 个字、192 字节，不能以 - 开头）"
    )]
    BadPacketName(String),

    /// No packet with this name exists.
    #[error("没有名为“{0}”的案例包")]
    PacketNotFound(String),

    /// A packet with this name already exists; `suggestion` is a free name like it.
    #[error("已经有名为“{name}”的案例包了：可以用“{suggestion}”，或换一个名称")]
    PacketExists {
        /// The name asked for.
        name: String,
        /// A free name made from it (`NAME-2`, …).
        suggestion: String,
    },

    /// A packet file cannot be read as a packet.
    #[error("{}:{line}: {message}", path.display())]
    PacketFile {
        /// The packet file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// The packet changed since the version an edit was based on.
    #[error("案例包“{0}”刚被别人修改过；请刷新后再改一次（你的修改没有保存）")]
    PacketConflict(String),

    /// An edit to a packet cannot be made (case not in it, position out of range, too long).
    #[error("{0}")]
    PacketEdit(String),

    /// Creating one more packet would pass the limit on their number.
    #[error("案例包已有 {max} 个，达到上限；请先删掉不用的案例包")]
    TooManyPackets {
        /// The limit.
        max: usize,
    },

    /// A packet would be larger than a packet file may be.
    #[error("案例包太大（文件上限 {max_kb} KB）；请删减按语、讨论题或案例")]
    PacketTooLarge {
        /// The limit, in KB.
        max_kb: usize,
    },

    /// A handout format anli does not write.
    #[error("不支持的格式“{0}”：可选 md、html、docx")]
    UnknownFormat(String),

    /// A packet handout could not be produced.
    #[error("无法生成案例包文件：{0}")]
    PacketExport(String),

    /// The sentence encoder built into the program is unusable (a broken build).
    #[error("语义模型无法使用：{0}（请重新编译 anli）")]
    Model(String),

    /// A lock guarding shared state was poisoned by a panic in another thread.
    #[error("内部状态损坏（另一个线程出错），请重启 anli")]
    Poisoned,
}

impl Error {
    /// Wrap a tantivy error for the index at `path`, recognising a held writer lock.
    pub fn index(path: impl Into<PathBuf>, source: tantivy::TantivyError) -> Error {
        let path = path.into();
        if matches!(source, tantivy::TantivyError::LockFailure(..)) {
            Error::IndexLocked { path }
        } else {
            Error::Index { path, source }
        }
    }
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
