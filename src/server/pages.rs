//! The search page and the case page: plain HTML forms and links (works without script;
//! `app.js` only improves typing), and the static assets.

use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Serialize;

use super::api;
use super::error::PageError;
use super::extract::PageQuery;
use super::links::{return_path, search_link as link};
use super::params::{parse_count, SearchParams};
use super::picker::{added_notice, picker, Added};
use super::templates::render;
use super::{AppState, MAX_OFFSET};
use crate::case::front_matter::valid_id;
use crate::search::{FacetCount, Filters, SearchMode, Why};

/// Results per page on the web page.
const PAGE_SIZE: usize = 10;

/// Example queries shown to a first-time user.
const EXAMPLES: &[&str] = &[
    "停车难",
    "加梯",
    "业委会换届",
    "楼道里总有人给电瓶车充电，怕着火，说了也不听",
    "一楼邻居死活不同意装电梯，楼上老人爬不动了",
    "老小区一直没人管，想请物业进来，可大家都不愿意交钱",
];

#[derive(Serialize)]
struct FacetLink {
    label: String,
    count: u64,
    url: String,
    active: bool,
}

/// Links for facet values: `label`, `url` and `active` say how each value is shown.
fn facet_links(
    counts: &[FacetCount],
    label: impl Fn(&str) -> String,
    url: impl Fn(&str) -> String,
    active: impl Fn(&str) -> bool,
) -> Vec<FacetLink> {
    counts
        .iter()
        .map(|f| FacetLink {
            label: label(&f.value),
            count: f.count,
            url: url(&f.value),
            active: active(&f.value),
        })
        .collect()
}

#[derive(Serialize)]
struct ActiveFilter {
    label: String,
    remove_url: String,
}

#[derive(Serialize)]
struct HitView {
    id: String,
    title: String,
    url: String,
    topics: Vec<String>,
    region: Option<String>,
    year: Option<i64>,
    snippet: String,
    section: &'static str,
    matched: Vec<String>,
    score: String,
    /// It came in by meaning, sharing few of the query's words: 「意思相近」.
    by_meaning: bool,
}

/// The distinct words marked in a snippet.
fn marked_words(snippet: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in snippet.split("<em>").skip(1) {
        if let Some((w, _)) = part.split_once("</em>") {
            if !out.iter().any(|x| x == w) {
                out.push(w.to_string());
            }
        }
    }
    out
}

/// `GET /`: the search box, and results when there is a query.
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    added: Result<Query<Added>, QueryRejection>,
    PageQuery(p): PageQuery<SearchParams>,
) -> Result<Response, PageError> {
    let (added, added_url) = added_notice(added.ok());
    let q = p.q.as_deref().map(str::trim).unwrap_or("").to_string();
    if q.is_empty() {
        let topics = state.engine().topic_counts().unwrap_or_default();
        let topic_links = facet_links(
            &topics,
            str::to_string,
            |v| link(&[("q", Some(v))]),
            |_| false,
        );
        let examples: Vec<_> = EXAMPLES
            .iter()
            .map(|e| context! { text => e, url => link(&[("q", Some(e))]) })
            .collect();
        return Ok(render(
            StatusCode::OK,
            "search.html",
            context! { q => "", examples, topics => topic_links, cases => state.engine().num_cases(), added, added_url },
        ));
    }
    let page = parse_count("page", &p.page, 1, MAX_OFFSET / PAGE_SIZE)?.max(1);
    let offset = (page - 1) * PAGE_SIZE;
    let (results, error) = match api::run_search(&state, &p, PAGE_SIZE, offset) {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(e)),
    };
    // Filters the engine refused are not offered as links.
    let filters = p
        .filters()
        .ok()
        .filter(|f| state.engine().check_filters(f).is_ok())
        .unwrap_or_default();
    let region = filters.region.as_deref();
    let topic = filters.topic.as_deref();
    let yf = filters.year_from.map(|y| y.to_string());
    let yt = filters.year_to.map(|y| y.to_string());
    // A ranking mode other than the default is kept in every link of the page.
    let mode = p
        .mode()
        .ok()
        .filter(|m| *m != SearchMode::default())
        .map(|m| m.as_str());
    let base = |topic: Option<&str>, region: Option<&str>, yf: Option<&str>, yt: Option<&str>| {
        link(&[
            ("q", Some(&q)),
            ("mode", mode),
            ("topic", topic),
            ("region", region),
            ("year_from", yf),
            ("year_to", yt),
        ])
    };

    let mut active = Vec::new();
    if let Some(t) = topic {
        active.push(ActiveFilter {
            label: format!("主题：{t}"),
            remove_url: base(None, region, yf.as_deref(), yt.as_deref()),
        });
    }
    if let Some(r) = region {
        active.push(ActiveFilter {
            label: format!("地区：{r}"),
            remove_url: base(topic, None, yf.as_deref(), yt.as_deref()),
        });
    }
    if yf.is_some() || yt.is_some() {
        let label = match (&yf, &yt) {
            (Some(a), Some(b)) if a == b => format!("年份：{a}"),
            (a, b) => format!(
                "年份：{}–{}",
                a.as_deref().unwrap_or(""),
                b.as_deref().unwrap_or("")
            ),
        };
        active.push(ActiveFilter {
            label,
            remove_url: base(topic, region, None, None),
        });
    }

    let Some(r) = results else {
        let message = error.map(|e| e.message).unwrap_or_default();
        return Ok(render(
            StatusCode::BAD_REQUEST,
            "search.html",
            context! { q, error => message, active, added, added_url },
        ));
    };
    let topic_links = facet_links(
        &r.facets.topic,
        str::to_string,
        |v| base(Some(v), region, yf.as_deref(), yt.as_deref()),
        |v| topic == Some(v),
    );
    let region_links = facet_links(
        &r.facets.region,
        |v| v.rsplit('/').next().unwrap_or(v).to_string(),
        |v| base(topic, Some(v), yf.as_deref(), yt.as_deref()),
        |_| false,
    );
    let year_links = facet_links(
        &r.facets.year,
        str::to_string,
        |v| base(topic, region, Some(v), Some(v)),
        |v| yf.as_deref() == Some(v) && yt.as_deref() == Some(v),
    );
    let case_q = serde_urlencoded::to_string([("q", q.as_str())]).unwrap_or_default();
    let hits: Vec<HitView> = r
        .hits
        .into_iter()
        .map(|h| HitView {
            url: format!("/cases/{}?{case_q}", h.id),
            matched: marked_words(&h.snippet),
            by_meaning: h.why == Why::Meaning,
            section: h.section.label(),
            score: format!("{:.1}", h.score),
            id: h.id,
            title: h.title,
            topics: h.topics,
            region: h.region,
            year: h.year,
            snippet: h.snippet,
        })
        .collect();
    let pages = r.total.div_ceil(PAGE_SIZE).max(1);
    let page_url = |n: usize| {
        let n = n.to_string();
        link(&[
            ("q", Some(&q)),
            ("mode", mode),
            ("topic", topic),
            ("region", region),
            ("year_from", yf.as_deref()),
            ("year_to", yt.as_deref()),
            ("page", Some(&n)),
        ])
    };
    // The likely topics, each a one-click filter (not offered once a topic is chosen).
    let guesses: Vec<_> = if topic.is_some() {
        Vec::new()
    } else {
        r.topics_guess
            .iter()
            .map(|t| context! { label => t, url => base(Some(t), region, yf.as_deref(), yt.as_deref()) })
            .collect()
    };
    let prev_url = (page > 1).then(|| page_url(page - 1));
    let next_url = (page < pages).then(|| page_url(page + 1));
    let picker = picker(&state, state.access().allows(&headers)).await;
    Ok(render(
        StatusCode::OK,
        "search.html",
        context! {
            q, total => r.total, hits, page, pages, prev_url, next_url, active, guesses,
            topic_facets => topic_links, region_facets => region_links, year_facets => year_links,
            first => offset + 1, picker, back => return_path(&uri), added, added_url,
        },
    ))
}

/// Query of the case page: the search it was opened from.
#[derive(serde::Deserialize)]
pub struct CaseParams {
    q: Option<String>,
}

/// `GET /cases/{id}`: the case, its source and similar cases.
pub async fn case(
    State(state): State<AppState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
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
    let back_url = (!q.trim().is_empty()).then(|| link(&[("q", Some(q.trim()))]));
    let rendered = crate::render::case(&c);
    let sections = minijinja::Value::from_serialize(&rendered.sections);
    let picker = picker(&state, state.access().allows(&headers)).await;
    Ok(render(
        StatusCode::OK,
        "case.html",
        context! {
            case => rendered, sections, similar, back_url, q, added, added_url, picker,
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
