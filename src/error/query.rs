//! Why a search request cannot be answered as given. The engine checks requests; the CLI prints
//! these messages and the service maps each kind to its HTTP error code.

/// A search or similar-cases request the engine refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing was typed.
    #[error("请输入要查找的内容")]
    Empty,

    /// The query has only punctuation and stop words.
    #[error("查询里没有可检索的词（只有标点或“的、了、怎么办”这类常用词），请换个说法")]
    NoTerms,

    /// A text to find similar cases for has no usable word.
    #[error("这段文字里没有能用来找相似案例的词")]
    NoSimilarTerms,

    /// The topic filter names no topic of `schema/topics.toml`.
    #[error("没有“{topic}”这个主题（可用主题：{available}）")]
    UnknownTopic {
        /// The topic asked for.
        topic: String,
        /// The vocabulary, `、`-separated.
        available: String,
    },

    /// The kind filter is neither 报道 nor 示例.
    #[error("案例类型“{kind}”不对：可用 报道（据公开报道编写）或 示例（示例案例）")]
    Kind {
        /// The kind asked for.
        kind: String,
    },

    /// The year range is empty.
    #[error("起始年份 {from} 晚于截止年份 {to}")]
    YearRange {
        /// First year asked for.
        from: i64,
        /// Last year asked for.
        to: i64,
    },

    /// The number of results asked for is 0 or above the limit.
    #[error("结果条数应在 1 到 {max} 之间")]
    Limit {
        /// The most that may be asked for.
        max: usize,
    },

    /// The ranking mode is not one of keyword, meaning, hybrid.
    #[error("排序方式“{mode}”不对：可用 keyword（按关键词）、meaning（按意思）、hybrid（两者结合，默认）")]
    Mode {
        /// The mode asked for.
        mode: String,
    },

    /// The query is longer than a search accepts.
    #[error("查询太长（超过 {max} 字）")]
    TooLong {
        /// The longest query accepted, in characters.
        max: usize,
    },
}
