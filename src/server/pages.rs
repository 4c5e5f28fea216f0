//! The search page and the case page: plain HTML forms and links (works without script;
//! `app.js` only improves typing), and the static assets.

use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Serialize;

use super::access::Caller;
use super::api;
use super::error::PageError;
use super::extract::{PagePath, PageQuery};
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

/// A facet value: a button of one of the page's filter forms.
#[derive(Serialize)]
struct FacetButton {
    label: String,
    /// What the button sends.
    value: String,
    count: u64,
    active: bool,
}

fn facet_buttons(
    counts: &[FacetCount],
    label: impl Fn(&str) -> String,
    active: impl Fn(&str) -> bool,
) -> Vec<FacetButton> {
    counts
        .iter()
        .map(|f| FacetButton {
            label: label(&f.value),
            value: f.value.clone(),
            count: f.count,
            active: active(&f.value),
        })
        .collect()
}

/// A chip that removes a filter: a button of filter form `form` sending `name` empty.
#[derive(Serialize)]
struct ActiveFilter {
    label: String,
    form: &'static str,
    name: &'static str,
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

/// Longest query (in characters) that case links carry back to their page (for its "back to
/// the results" link); a longer one would make every result link as long as the query.
const CASE_LINK_QUERY_CHARS: usize = 100;

/// `GET /`: the search box, and results when there is a query.
///
/// The results page repeats the query a fixed number of times however many links it has: the
/// filters, the pager and the "加入案例包" buttons are buttons of a few GET/POST forms that each
/// carry the query (and the other filters) once, not links that each repeat it.
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    added: Result<Query<Added>, QueryRejection>,
    PageQuery(p): PageQuery<SearchParams>,
) -> Result<Response, PageError> {
    let (added, added_url) = added_notice(added.ok());
    let q = p.q.as_deref().map(str::trim).unwrap_or("").to_string();
    if q.is_empty() {
        let topics: Vec<_> = state
            .engine()
            .topic_counts()
            .unwrap_or_default()
            .into_iter()
            .map(|t| {
                let url = link(&[("q", Some(t.value.as_str()))]);
                context! { url, label => t.value, count => t.count }
            })
            .collect();
        let examples: Vec<_> = EXAMPLES
            .iter()
            .map(|e| context! { text => e, url => link(&[("q", Some(e))]) })
            .collect();
        return Ok(render(
            StatusCode::OK,
            "search.html",
            context! { q => "", examples, topics, cases => state.engine().num_cases(), added, added_url },
        ));
    }
    let page = parse_count("page", &p.page, 1, MAX_OFFSET / PAGE_SIZE)?.max(1);
    let offset = (page - 1) * PAGE_SIZE;
    let (results, error) = match api::run_search(&state, &p, PAGE_SIZE, offset) {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(e)),
    };
    // Filters the engine refused are not kept.
    let filters = p
        .filters()
        .ok()
        .filter(|f| state.engine().check_filters(f).is_ok())
        .unwrap_or_default();
    let region = filters.region.as_deref();
    let topic = filters.topic.as_deref();
    let yf = filters.year_from.map(|y| y.to_string());
    let yt = filters.year_to.map(|y| y.to_string());
    // A ranking mode other than the default is kept by every form of the page.
    let mode = p
        .mode()
        .ok()
        .filter(|m| *m != SearchMode::default())
        .map(|m| m.as_str());
    // The hidden fields of each filter form: the query and every filter but its own.
    let hidden = |except: &str| {
        let mut out: Vec<(&str, &str)> = vec![("q", q.as_str())];
        for (name, value) in [
            ("mode", mode),
            ("topic", topic),
            ("region", region),
            ("year_from", yf.as_deref()),
            ("year_to", yt.as_deref()),
        ] {
            let own = name == except || (except == "year" && name.starts_with("year_"));
            if let Some(v) = value.filter(|_| !own) {
                out.push((name, v));
            }
        }
        out
    };
    let forms = context! {
        topic => hidden("topic"), region => hidden("region"), year => hidden("year"),
        page => hidden("page"),
    };

    let mut active = Vec::new();
    if let Some(t) = topic {
        active.push(ActiveFilter {
            label: format!("主题：{t}"),
            form: "f-topic",
            name: "topic",
        });
    }
    if let Some(r) = region {
        active.push(ActiveFilter {
            label: format!("地区：{r}"),
            form: "f-region",
            name: "region",
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
            form: "f-year",
            name: "year",
        });
    }

    let Some(r) = results else {
        let message = error.map(|e| e.message).unwrap_or_default();
        return Ok(render(
            StatusCode::BAD_REQUEST,
            "search.html",
            context! { q, error => message, active, forms, added, added_url },
        ));
    };
    let topic_facets = facet_buttons(&r.facets.topic, str::to_string, |v| topic == Some(v));
    let region_facets = facet_buttons(
        &r.facets.region,
        |v| v.rsplit('/').next().unwrap_or(v).to_string(),
        |_| false,
    );
    let year_facets = facet_buttons(&r.facets.year, str::to_string, |v| {
        yf.as_deref() == Some(v) && yt.as_deref() == Some(v)
    });
    let case_q = if q.chars().count() <= CASE_LINK_QUERY_CHARS {
        format!(
            "?{}",
            serde_urlencoded::to_string([("q", q.as_str())]).unwrap_or_default()
        )
    } else {
        String::new()
    };
    let hits: Vec<HitView> = r
        .hits
        .into_iter()
        .map(|h| HitView {
            url: format!("/cases/{}{case_q}", h.id),
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
    // The likely topics, each a one-click filter (not offered once a topic is chosen).
    let guesses: &[String] = if topic.is_some() {
        &[]
    } else {
        &r.topics_guess
    };
    let prev_page = (page > 1).then(|| page - 1);
    let next_page = (page < pages).then(|| page + 1);
    let picker = picker(&state, state.access().allows(&caller)).await;
    Ok(render(
        StatusCode::OK,
        "search.html",
        context! {
            q, total => r.total, hits, page, pages, prev_page, next_page, active, guesses, forms,
            topic_facets, region_facets, year_facets,
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
    let back_url = (!q.trim().is_empty()).then(|| link(&[("q", Some(q.trim()))]));
    let rendered = crate::render::case(&c);
    let sections = minijinja::Value::from_serialize(&rendered.sections);
    let picker = picker(&state, state.access().allows(&caller)).await;
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
