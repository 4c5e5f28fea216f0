//! Search parameters as the API and the search page receive them: all text, so that a bad value
//! gets our own message and code. Parsing only; the engine checks what the values mean.

use serde::Deserialize;

use super::error::ApiError;
use super::MAX_QUERY_CHARS;
use crate::error::QueryError;
use crate::search::{parse_kind, Filters, SearchMode};

/// Query parameters of `/api/search` and the search page. The filters are read through
/// [`SearchParams::filters`].
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    pub(super) q: Option<String>,
    topic: Option<String>,
    /// Region prefix (`北京市`, `北京市/海淀区`).
    region: Option<String>,
    year_from: Option<String>,
    year_to: Option<String>,
    /// One year: both `year_from` and `year_to` (what the page's year buttons send).
    year: Option<String>,
    /// Hits per page (the API).
    pub(super) limit: Option<String>,
    /// Hits to skip (the API).
    pub(super) offset: Option<String>,
    /// Page number, 1-based (the web page).
    pub(super) page: Option<String>,
    /// Ranking: `keyword`, `meaning` or `hybrid` (the default).
    pub(super) mode: Option<String>,
    /// Kind of case: `报道` or `示例`.
    kind: Option<String>,
    /// `1`: search exactly what was typed (no pinyin or typo correction).
    literal: Option<String>,
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Parse the count parameter `name` (absent: `default`); a bad one is `bad_limit` for `limit`,
/// `bad_offset` otherwise.
pub fn parse_count(
    name: &str,
    v: &Option<String>,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    let Some(s) = blank(v) else {
        return Ok(default);
    };
    let code = if name == "limit" {
        "bad_limit"
    } else {
        "bad_offset"
    };
    match s.parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        Ok(_) => Err(ApiError::bad(code, format!("{name} 不能超过 {max}"))),
        Err(_) => Err(ApiError::bad(
            code,
            format!("{name} 应为不小于 0 的整数，收到“{s}”"),
        )),
    }
}

fn parse_year(name: &str, v: &Option<String>) -> Result<Option<i64>, ApiError> {
    match blank(v) {
        None => Ok(None),
        Some(s) => match s.parse::<i64>() {
            Ok(y) if (1000..=9999).contains(&y) => Ok(Some(y)),
            _ => Err(ApiError::bad(
                "bad_year",
                format!("{name} 应为四位年份，收到“{s}”"),
            )),
        },
    }
}

impl SearchParams {
    /// The query text, trimmed, at most [`MAX_QUERY_CHARS`] (an empty one is the engine's to
    /// refuse, unless filters list cases without it).
    pub fn query(&self) -> Result<String, ApiError> {
        let q = blank(&self.q).unwrap_or("");
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::bad(
                "query_too_long",
                format!("查询太长（超过 {MAX_QUERY_CHARS} 字）；长文本请用 POST /api/similar"),
            ));
        }
        Ok(q.to_string())
    }

    /// The query as typed, trimmed (the page shows it back, whatever its length).
    pub fn typed(&self) -> &str {
        blank(&self.q).unwrap_or("")
    }

    /// Every parameter given (not blank), in a fixed order: what a link to these results
    /// carries.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("q", &self.q),
            ("topic", &self.topic),
            ("region", &self.region),
            ("year_from", &self.year_from),
            ("year_to", &self.year_to),
            ("year", &self.year),
            ("kind", &self.kind),
            ("mode", &self.mode),
            ("literal", &self.literal),
            ("page", &self.page),
        ]
        .into_iter()
        .filter_map(|(k, v)| blank(v).map(|v| (k, v)))
        .collect()
    }

    /// Whether to search exactly what was typed.
    pub fn literal(&self) -> bool {
        matches!(blank(&self.literal), Some("1" | "true" | "yes"))
    }

    /// The ranking mode (hybrid when not given).
    pub fn mode(&self) -> Result<SearchMode, ApiError> {
        Ok(match blank(&self.mode) {
            Some(m) => m.parse()?,
            None => SearchMode::default(),
        })
    }

    /// The filters as given (the engine checks the topic and the year range); `year` stands for
    /// both ends of the range.
    pub fn filters(&self) -> Result<Filters, ApiError> {
        let (year_from, year_to) = match parse_year("year", &self.year)? {
            Some(y) => (Some(y), Some(y)),
            None => (
                parse_year("year_from", &self.year_from)?,
                parse_year("year_to", &self.year_to)?,
            ),
        };
        let kind = match blank(&self.kind) {
            None => None,
            Some(k) => Some(parse_kind(k).ok_or_else(|| QueryError::Kind {
                kind: k.chars().take(20).collect(),
            })?),
        };
        Ok(Filters {
            topic: blank(&self.topic).map(str::to_string),
            region: blank(&self.region).map(str::to_string),
            year_from,
            year_to,
            kind,
        })
    }
}
