//! The search page: the home page, results for a query, and the cases of a topic (or any
//! filter) listed without one. Plain forms and links, working without script.
//!
//! The search box posts (`POST /`): a description of any length goes in the request body, so a
//! proxy's limit on the request line (nginx: 8 KB, about 900 characters of Chinese) never
//! applies. A short query is redirected to `GET /?q=…`, a link that can be kept and shared and
//! that the back button returns to; a long one is answered directly, and the filter and page
//! forms of its results post it again. Each of those forms carries the query once, however many
//! buttons it has.

use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Serialize;

use super::access::Caller;
use super::api;
use super::error::PageError;
use super::extract::{AppForm, PageQuery};
use super::links::{return_path, search_link as link};
use super::params::{parse_count, SearchParams};
use super::picker::{added_notice, picker, Added};
use super::templates::render;
use super::{AppState, MAX_OFFSET, MAX_QUERY_CHARS};
use crate::search::{FacetCount, Reason, SearchMode, Why};

/// Results per page on the web page.
const PAGE_SIZE: usize = 10;

/// Longest query (in characters) that travels in links (about 1.8 KB percent-encoded); a
/// longer one is posted.
const LINK_QUERY_CHARS: usize = 200;

/// Longest query (in characters) that case links carry back to their page (for its "back to
/// the results" link and its highlighting); a longer one would make every result link as long
/// as the query.
const CASE_LINK_QUERY_CHARS: usize = 100;

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

/// How a kind of case is shown.
fn kind_label(kind: &str) -> String {
    match kind {
        "报道" => "据公开报道".to_string(),
        "示例" => "示例案例".to_string(),
        other => other.to_string(),
    }
}

/// The topics, each a link listing its cases, with how many there are.
fn topic_links(state: &AppState) -> Vec<minijinja::Value> {
    state
        .engine()
        .topic_counts()
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            let url = link(&[("topic", Some(t.value.as_str()))]);
            context! { url, label => t.value, count => t.count }
        })
        .collect()
}

/// `GET /`: the home page, or results when there is a query or a filter.
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    added: Result<Query<Added>, QueryRejection>,
    PageQuery(p): PageQuery<SearchParams>,
) -> Result<Response, PageError> {
    let (added, added_url) = added_notice(added.ok());
    let back = return_path(&uri);
    show(&state, &caller, p, back, (added, added_url)).await
}

/// `POST /`: the search box and the forms of results for a long description. A short query
/// becomes a link (303 to `GET /?…`); a long one is answered here.
pub async fn search_posted(
    State(state): State<AppState>,
    caller: Caller,
    AppForm(p): AppForm<SearchParams>,
) -> Result<Response, PageError> {
    if p.typed().chars().count() <= LINK_QUERY_CHARS {
        return Ok(Redirect::to(&link(
            &p.pairs()
                .into_iter()
                .map(|(k, v)| (k, Some(v)))
                .collect::<Vec<_>>(),
        ))
        .into_response());
    }
    show(&state, &caller, p, "/".to_string(), (None, None)).await
}

async fn show(
    state: &AppState,
    caller: &Caller,
    p: SearchParams,
    back: String,
    (added, added_url): (Option<String>, Option<String>),
) -> Result<Response, PageError> {
    let q = p.typed().to_string();
    let given = p.filters().ok().unwrap_or_default();
    if q.is_empty() && given.is_empty() && p.filters().is_ok() {
        let examples: Vec<_> = EXAMPLES
            .iter()
            .map(|e| context! { text => e, url => link(&[("q", Some(e))]) })
            .collect();
        return Ok(render(
            StatusCode::OK,
            "search.html",
            context! {
                home => true, q => "", examples, topics => topic_links(state),
                cases => state.engine().num_cases(), added, added_url,
            },
        ));
    }
    let page = parse_count("page", &p.page, 1, MAX_OFFSET / PAGE_SIZE)?.max(1);
    let offset = (page - 1) * PAGE_SIZE;
    let (results, error) = match api::run_search(state, &p, PAGE_SIZE, offset) {
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
    let kind = filters.kind.map(|k| k.label());
    let yf = filters.year_from.map(|y| y.to_string());
    let yt = filters.year_to.map(|y| y.to_string());
    // A ranking mode other than the default is kept by every form of the page, and so is a
    // literal search.
    let mode = p
        .mode()
        .ok()
        .filter(|m| *m != SearchMode::default())
        .map(|m| m.as_str());
    let literal = p.literal().then_some("1");
    // The hidden fields of each filter form: the query and every filter but its own.
    let hidden = |except: &str| {
        let mut out: Vec<(&str, &str)> = Vec::new();
        if !q.is_empty() {
            out.push(("q", q.as_str()));
        }
        for (name, value) in [
            ("mode", mode),
            ("literal", literal),
            ("topic", topic),
            ("region", region),
            ("kind", kind),
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
        kind => hidden("kind"), page => hidden("page"),
        method => if q.chars().count() > LINK_QUERY_CHARS { "post" } else { "get" },
    };
    let active = active_filters(topic, region, kind, yf.as_deref(), yt.as_deref());

    let Some(r) = results else {
        let message = match error {
            Some(e) if e.code == "query_too_long" => format!(
                "描述太长了：最多 {MAX_QUERY_CHARS} 字，现在有 {} 字。请删去和问题关系不大的部分再检索。",
                q.chars().count()
            ),
            Some(e) => e.message,
            None => String::new(),
        };
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
    let kind_facets = facet_buttons(&r.facets.kind, kind_label, |v| kind == Some(v));
    let case_q = if !q.is_empty() && q.chars().count() <= CASE_LINK_QUERY_CHARS {
        let searched = r
            .corrected
            .as_ref()
            .map_or(q.as_str(), |c| c.query.as_str());
        format!(
            "?{}",
            serde_urlencoded::to_string([("q", searched)]).unwrap_or_default()
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
    // The query as typed, searched literally, with the same filters.
    let with_filters = |query: &str, literal: bool| {
        let mut pairs: Vec<(&str, Option<&str>)> = hidden("q")
            .into_iter()
            .filter(|(k, _)| *k != "q" && *k != "literal")
            .map(|(k, v)| (k, Some(v)))
            .collect();
        pairs.insert(0, ("q", Some(query)));
        if literal {
            pairs.push(("literal", Some("1")));
        }
        link(&pairs)
    };
    let corrected = r.corrected.as_ref().map(|c| {
        context! {
            to => c.query, pinyin => c.reason == Reason::Pinyin,
            literal_url => with_filters(&q, true),
        }
    });
    let suggestions: Vec<_> = r
        .suggestions
        .iter()
        .map(|s| context! { query => s.query, url => with_filters(&s.query, false) })
        .collect();
    let listing = q.is_empty();
    let heading = if listing {
        match (topic, kind, region) {
            (Some(t), _, _) => format!("主题：{t}"),
            (None, Some(k), _) => format!("类型：{}", kind_label(k)),
            (None, None, Some(r)) => format!("地区：{r}"),
            _ => "按条件浏览".to_string(),
        }
    } else if q.chars().count() > 30 {
        "问题描述的检索结果".to_string()
    } else {
        format!("“{q}”的检索结果")
    };
    let empty_topics = if r.total == 0 {
        topic_links(state)
    } else {
        Vec::new()
    };
    let prev_page = (page > 1).then(|| page - 1);
    let next_page = (page < pages).then(|| page + 1);
    let picker = picker(state, state.access().allows(caller)).await;
    Ok(render(
        StatusCode::OK,
        "search.html",
        context! {
            q, heading, listing, total => r.total, by_meaning => r.by_meaning,
            by_words => r.total - r.by_meaning.min(r.total), hits, page, pages, prev_page,
            next_page, active, guesses, forms, corrected, suggestions, empty_topics,
            topic_facets, region_facets, year_facets, kind_facets, topic,
            first => offset + 1, picker, back, added, added_url,
        },
    ))
}

/// The chips that remove the filters set.
fn active_filters(
    topic: Option<&str>,
    region: Option<&str>,
    kind: Option<&str>,
    yf: Option<&str>,
    yt: Option<&str>,
) -> Vec<ActiveFilter> {
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
    if let Some(k) = kind {
        active.push(ActiveFilter {
            label: format!("类型：{}", kind_label(k)),
            form: "f-kind",
            name: "kind",
        });
    }
    if yf.is_some() || yt.is_some() {
        let label = match (yf, yt) {
            (Some(a), Some(b)) if a == b => format!("年份：{a}"),
            (a, b) => format!("年份：{}–{}", a.unwrap_or(""), b.unwrap_or("")),
        };
        active.push(ActiveFilter {
            label,
            form: "f-year",
            name: "year",
        });
    }
    active
}
