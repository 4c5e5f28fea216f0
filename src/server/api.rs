//! The JSON API.

use std::collections::HashMap;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::{AppState, MAX_OFFSET, MAX_QUERY_CHARS, MAX_TEXT_CHARS};
use crate::case::front_matter::valid_id;
use crate::error::{Error, QueryError};
use crate::search::{Facets, Filters, Hit, SearchRequest, MAX_LIMIT};

/// An API error: a status and a JSON body `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    /// Machine-readable code (`empty_query`, `unknown_topic`, `not_found`, ...).
    pub code: &'static str,
    /// What went wrong, in Chinese, for people.
    pub message: String,
}

impl ApiError {
    /// A 400 with `code`.
    pub fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
        }
    }

    /// An error with any status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// A 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: message.into(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        match e {
            Error::InvalidQuery(q) => ApiError::from(q),
            Error::CaseNotFound(id) => ApiError::not_found(format!("没有编号为“{id}”的案例")),
            e @ Error::PacketNotFound(_) => ApiError::not_found(e.to_string()),
            e @ Error::BadPacketName(_) => ApiError::bad("bad_packet_name", e.to_string()),
            e @ Error::PacketEdit(_) => ApiError::bad("bad_edit", e.to_string()),
            e @ Error::UnknownFormat(_) => ApiError::bad("bad_format", e.to_string()),
            e @ Error::PacketExists(_) => {
                ApiError::new(StatusCode::CONFLICT, "packet_exists", e.to_string())
            }
            Error::PacketFile {
                path,
                line,
                message,
            } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_packet_file",
                format!(
                    "案例包文件 {}:{line} 有误，需要管理员修改：{message}",
                    path.file_name().map_or_else(
                        || path.display().to_string(),
                        |n| n.to_string_lossy().into_owned()
                    )
                ),
            ),
            e @ Error::PacketConflict(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            other => {
                tracing::error!("{other}");
                ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: "internal",
                    message: "服务内部出错，请稍后再试".into(),
                }
            }
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> ApiError {
        let code = match e {
            QueryError::Empty => "empty_query",
            QueryError::NoTerms | QueryError::NoSimilarTerms => "invalid_query",
            QueryError::UnknownTopic { .. } => "unknown_topic",
            QueryError::YearRange { .. } => "bad_year",
            QueryError::Limit { .. } => "bad_limit",
            QueryError::TooLong { .. } => "query_too_long",
        };
        ApiError::bad(code, e.to_string())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> ApiError {
        ApiError::bad(
            "bad_query_string",
            format!("网址参数无法解析：{}", e.body_text()),
        )
    }
}

/// Whether a body error was the body-read timeout firing (a client sending too slowly).
fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cur = err.source();
    }
    false
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> ApiError {
        if timed_out(&e) {
            return ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                "请求内容发送得太慢，已超时；请重试",
            );
        }
        let status = e.status();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            _ => "bad_json",
        };
        let message = match status {
            StatusCode::PAYLOAD_TOO_LARGE => {
                format!("请求内容太大（上限 {} KB）", super::MAX_BODY_BYTES / 1024)
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                "请求内容应为 JSON（Content-Type: application/json）".into()
            }
            _ => format!("请求内容不是有效的 JSON：{}", e.body_text()),
        };
        // A body that is not JSON at all is a client error either way.
        let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
            StatusCode::BAD_REQUEST
        } else {
            status
        };
        ApiError {
            status,
            code,
            message,
        }
    }
}

/// A panic in a handler becomes a JSON 500 instead of a dropped connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        code: "internal",
        message: "服务内部出错，请稍后再试".into(),
    }
    .into_response()
}

/// Query parameters of `/api/search` (and the search page), all as text so that bad values get
/// our own messages.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    /// Query.
    pub q: Option<String>,
    /// Topic filter.
    pub topic: Option<String>,
    /// Region prefix filter.
    pub region: Option<String>,
    /// First year.
    pub year_from: Option<String>,
    /// Last year.
    pub year_to: Option<String>,
    /// Hits per page.
    pub limit: Option<String>,
    /// Hits to skip.
    pub offset: Option<String>,
    /// Page number (the web page; 1-based).
    pub page: Option<String>,
}

fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Parse a count parameter.
pub fn parse_count(
    name: &str,
    v: &Option<String>,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match blank(v) {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if n <= max => Ok(n),
            Ok(_) => Err(ApiError::bad(
                if name == "limit" {
                    "bad_limit"
                } else {
                    "bad_offset"
                },
                format!("{name} 不能超过 {max}"),
            )),
            Err(_) => Err(ApiError::bad(
                if name == "limit" {
                    "bad_limit"
                } else {
                    "bad_offset"
                },
                format!("{name} 应为不小于 0 的整数，收到“{s}”"),
            )),
        },
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
    /// refuse).
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

    /// The filters as given (the engine checks the topic and the year range).
    pub fn filters(&self) -> Result<Filters, ApiError> {
        Ok(Filters {
            topic: blank(&self.topic).map(str::to_string),
            region: blank(&self.region).map(str::to_string),
            year_from: parse_year("year_from", &self.year_from)?,
            year_to: parse_year("year_to", &self.year_to)?,
        })
    }
}

/// `/api/search` response: the `anli search --json` shape plus facets and paging.
#[derive(Debug, Serialize)]
pub struct SearchResponse {
    /// The query.
    pub query: String,
    /// Matching cases in all.
    pub total: usize,
    /// This page.
    pub hits: Vec<Hit>,
    /// Counts over the whole result set.
    pub facets: Facets,
    /// Page size.
    pub limit: usize,
    /// Hits skipped.
    pub offset: usize,
}

/// Run a search from parameters (shared with the search page).
pub fn run_search(
    state: &AppState,
    p: &SearchParams,
    limit: usize,
    offset: usize,
) -> Result<SearchResponse, ApiError> {
    let req = SearchRequest {
        query: p.query()?,
        limit,
        offset,
        filters: p.filters()?,
    };
    let (results, facets) = state.engine().search_with_facets(&req)?;
    Ok(SearchResponse {
        query: results.query,
        total: results.total,
        hits: results.hits,
        facets,
        limit,
        offset,
    })
}

/// `GET /api/search`.
pub async fn search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    let Query(p) = params?;
    let limit = parse_count("limit", &p.limit, 10, MAX_LIMIT)?;
    let offset = parse_count("offset", &p.offset, 0, MAX_OFFSET)?;
    Ok(Json(run_search(&state, &p, limit, offset)?))
}

fn checked_id(id: &str) -> Result<&str, ApiError> {
    if valid_id(id) {
        Ok(id)
    } else {
        Err(ApiError::not_found(format!(
            "没有编号为“{}”的案例",
            id.chars().take(100).collect::<String>()
        )))
    }
}

/// `GET /api/cases/{id}`.
pub async fn case(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = checked_id(&id)?;
    let c = state.engine().case(id)?;
    Ok(Json(crate::render::case(&c)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct LimitParams {
    limit: Option<String>,
}

/// `GET /api/cases/{id}/similar`.
pub async fn similar_to_case(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<LimitParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = params?;
    let id = checked_id(&id)?;
    let limit = parse_count("limit", &p.limit, 5, MAX_LIMIT)?.max(1);
    let r = state
        .engine()
        .similar_to_case(id, limit, &Filters::default())?;
    Ok(Json(r).into_response())
}

/// Body of `POST /api/similar`.
#[derive(Debug, Deserialize)]
pub struct SimilarBody {
    text: String,
    #[serde(default)]
    limit: Option<usize>,
}

/// `POST /api/similar`.
pub async fn similar_to_text(
    State(state): State<AppState>,
    body: Result<Json<SimilarBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let text = body.text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::bad(
            "query_too_long",
            format!("text 太长（超过 {MAX_TEXT_CHARS} 字）"),
        ));
    }
    let limit = body.limit.unwrap_or(5);
    let engine_state = state.clone();
    let text = text.to_string();
    let r = tokio::task::spawn_blocking(move || {
        engine_state
            .engine()
            .similar_to_text(&text, limit, &Filters::default())
    })
    .await
    .map_err(|_| ApiError::from(Error::Poisoned))??;
    Ok(Json(r).into_response())
}

#[derive(Debug, Serialize)]
struct TopicInfo<'a> {
    name: &'a str,
    description: &'a str,
    aliases: &'a [String],
    count: u64,
}

/// `GET /api/topics`.
pub async fn topics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let counts: HashMap<String, u64> = state
        .engine()
        .topic_counts()?
        .into_iter()
        .map(|c| (c.value, c.count))
        .collect();
    let list: Vec<TopicInfo<'_>> = state
        .engine()
        .topics()
        .all()
        .iter()
        .map(|t| TopicInfo {
            name: &t.name,
            description: &t.description,
            aliases: &t.aliases,
            count: counts.get(&t.name).copied().unwrap_or(0),
        })
        .collect();
    Ok(Json(list).into_response())
}

/// `GET /api/health`.
pub async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// Index statistics.
#[derive(Debug, Serialize)]
pub struct Stats {
    /// Cases in the index.
    pub cases: u64,
    /// Bytes of the index folder.
    pub index_bytes: u64,
    /// When the last commit was made (RFC 3339, UTC).
    pub last_indexed: Option<String>,
    /// Fingerprint of the indexed corpus content (ids and file hashes).
    pub corpus_fingerprint: String,
    /// Fingerprint of the schema files the index was built with.
    pub index_fingerprint: String,
}

/// `GET /api/stats`.
pub async fn stats(State(state): State<AppState>) -> Json<Stats> {
    let meta = state.engine().meta();
    let index_bytes = crate::index::index_bytes(&state.library().index);
    Json(Stats {
        cases: state.engine().num_cases(),
        index_bytes,
        last_indexed: (meta.indexed_at > 0).then(|| {
            humantime::format_rfc3339_seconds(
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(meta.indexed_at),
            )
            .to_string()
        }),
        corpus_fingerprint: meta.corpus,
        index_fingerprint: meta.fingerprint,
    })
}

/// Unknown `/api/...` paths.
pub async fn not_found() -> ApiError {
    ApiError::not_found("没有这个接口；可用接口见 README")
}
