//! The JSON API: search, cases, similar cases, topics, health and statistics. (Packets are in
//! `packets`.)

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{AppJson, AppPath, AppQuery};
use super::params::{parse_count, SearchParams};
use super::{AppState, MAX_OFFSET, MAX_TEXT_CHARS};
use crate::case::front_matter::valid_id;
use crate::search::{
    Alternative, Facets, Filters, Hit, SearchMode, SearchRequest, SearchResults, MAX_LIMIT,
};

/// `/api/search` response: the `anli search --json` shape plus facets and paging.
#[derive(Debug, Serialize)]
pub struct SearchResponse {
    /// The query as typed (empty when the filters alone list cases).
    pub query: String,
    /// Matching cases in all.
    pub total: usize,
    /// How many of them came in by meaning alone.
    pub by_meaning: usize,
    pub hits: Vec<Hit>,
    /// The topics the problem likely belongs to (from the ranking), likeliest first.
    pub topics_guess: Vec<String>,
    /// How the results were ranked.
    pub mode: SearchMode,
    /// What was searched instead of the query as typed (pinyin, a typo), if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected: Option<Alternative>,
    /// Queries offered but not searched.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Alternative>,
    /// Counts over the whole result set.
    pub facets: Facets,
    pub limit: usize,
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
        mode: p.mode()?,
        literal: p.literal(),
    };
    let (results, facets) = state.engine().search_with_facets(&req)?;
    Ok(SearchResponse {
        query: results.query,
        total: results.total,
        by_meaning: results.by_meaning,
        hits: results.hits,
        topics_guess: results.topics_guess,
        mode: results.mode,
        corrected: results.corrected,
        suggestions: results.suggestions,
        facets,
        limit,
        offset,
    })
}

/// `GET /api/search`.
pub async fn search(
    State(state): State<AppState>,
    AppQuery(p): AppQuery<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
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
    AppPath(id): AppPath<String>,
) -> Result<Response, ApiError> {
    let id = checked_id(&id)?;
    let c = state.engine().case(id)?;
    // Serialized here: the rendered case borrows `c`.
    Ok(Json(crate::render::case(&c)).into_response())
}

/// Query of `/api/cases/{id}/similar`.
#[derive(Debug, Deserialize)]
pub struct LimitParams {
    limit: Option<String>,
}

/// `GET /api/cases/{id}/similar`.
pub async fn similar_to_case(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
    AppQuery(p): AppQuery<LimitParams>,
) -> Result<Json<SearchResults>, ApiError> {
    let id = checked_id(&id)?;
    // Similar cases may rank every case (the engine checks the count against the library).
    let most = (state.engine().num_cases() as usize).max(MAX_LIMIT);
    let limit = parse_count("limit", &p.limit, 5, most)?.max(1);
    let r = state
        .engine()
        .similar_to_case(id, limit, &Filters::default())?;
    Ok(Json(r))
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
    AppJson(body): AppJson<SimilarBody>,
) -> Result<Json<SearchResults>, ApiError> {
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
    .map_err(|_| ApiError::internal())??;
    Ok(Json(r))
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
pub async fn stats(State(state): State<AppState>) -> Result<Json<Stats>, ApiError> {
    let meta = state.engine().meta();
    // Reading the folder is file I/O: not on the async threads.
    let dir = state.library().index.clone();
    let index_bytes = tokio::task::spawn_blocking(move || crate::index::index_bytes(&dir))
        .await
        .map_err(|_| ApiError::internal())?;
    Ok(Json(Stats {
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
    }))
}

/// Unknown `/api/...` paths.
pub async fn not_found() -> ApiError {
    ApiError::not_found("没有这个接口；可用接口见 README")
}

/// A path that exists, with a method it does not take: 405, as JSON under `/api/` and as the
/// error page elsewhere.
pub async fn method_not_allowed(uri: axum::http::Uri) -> Response {
    let e = ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "这个地址不接受这种请求方法",
    );
    if uri.path().starts_with("/api/") {
        e.into_response()
    } else {
        super::error::PageError::from(e).into_response()
    }
}
