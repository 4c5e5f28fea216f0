//! The case page (the search page is `search_page`): plain HTML forms and links (works without
//! script; `app.js` only improves typing), and the static assets.

use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::context;

use super::access::Caller;
use super::error::PageError;
use super::extract::PagePath;
use super::links::{return_path, search_link as link};
use super::picker::{added_notice, picker, Added};
use super::templates::render;
use super::AppState;
use crate::case::front_matter::valid_id;
use crate::search::Filters;

/// Longest query (in characters) the case page marks in its text.
const MARK_QUERY_CHARS: usize = 100;

/// Query of the case page: the search it was opened from.
#[derive(serde::Deserialize)]
pub struct CaseParams {
    q: Option<String>,
}

/// `GET /cases/{id}`: the case, its source and similar cases.
pub async fn case(
    State(state): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    PagePath(id): PagePath<String>,
    added: Result<Query<Added>, QueryRejection>,
    params: Result<Query<CaseParams>, QueryRejection>,
) -> Result<Response, PageError> {
    let (added, added_url) = added_notice(added.ok());
    let q = params.ok().and_then(|Query(p)| p.q).unwrap_or_default();
    let not_found = || PageError::new(StatusCode::NOT_FOUND, "没有这个案例");
    if !valid_id(&id) {
        return Err(not_found());
    }
    let c = match state.engine().case(&id) {
        Ok(c) => c,
        Err(crate::Error::CaseNotFound(_)) => return Err(not_found()),
        Err(e) => {
            let status = PageError::from(e).status;
            return Err(PageError::new(status, "读取案例时出错"));
        }
    };
    let similar: Vec<_> = state
        .engine()
        .similar_to_case(&id, 5, &Filters::default())
        .map(|r| r.hits)
        .unwrap_or_default()
        .into_iter()
        .map(|h| context! { url => format!("/cases/{}", h.id), title => h.title, region => h.region, year => h.year, topics => h.topics })
        .collect();
    let q = q.trim();
    let back_url = (!q.is_empty()).then(|| link(&[("q", Some(q))]));
    let rendered = crate::render::case(&c);
    let mut sections = serde_json::to_value(&rendered.sections).unwrap_or_default();
    let mut summary_html = None;
    // The words of the search it came from, marked in the text.
    if !q.is_empty() && q.chars().count() <= MARK_QUERY_CHARS {
        let marks = state.engine().highlighter(q);
        for s in sections.as_array_mut().into_iter().flatten() {
            if let Some(html) = s.get_mut("html") {
                let marked = html.as_str().map(|h| marks.mark_html(h));
                if let Some(m) = marked {
                    *html = serde_json::Value::String(m);
                }
            }
        }
        summary_html = c
            .meta
            .summary
            .as_deref()
            .map(|text| marks.mark_html(&minijinja::HtmlEscape(text).to_string()));
    }
    let sections = minijinja::Value::from_serialize(&sections);
    let picker = picker(&state, state.access().allows(&caller)).await;
    Ok(render(
        StatusCode::OK,
        "case.html",
        context! {
            case => rendered, sections, summary_html, similar, back_url, q, added, added_url,
            picker,
            back => return_path(&uri),
        },
    ))
}

/// `GET /static/app.css`.
pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("static/app.css"),
    )
        .into_response()
}

/// `GET /favicon.ico` (and `/static/favicon.svg`): the mark in the browser's tab.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("static/favicon.svg"),
    )
        .into_response()
}

/// `GET /robots.txt`: everything may be indexed (a library on a public address is meant to
/// be found).
pub async fn robots() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "User-agent: *\nAllow: /\n",
    )
        .into_response()
}

/// `GET /static/app.js`.
pub async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("static/app.js"),
    )
        .into_response()
}

/// Anything else.
pub async fn not_found() -> PageError {
    PageError::new(StatusCode::NOT_FOUND, "没有这个页面")
}
