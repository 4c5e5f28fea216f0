//! The HTTP router, driven in-process with `tower::ServiceExt::oneshot`: every endpoint, every
//! bad input, security headers, and a live reindex by the `anli` binary while requests flow.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;

use anli::server::WriteAccess;
use common::http::{hit_ids, json, q as enc, send};
use common::*;

const XSS: &str = "---
id: xss-test-01
title: 含有脚本的案例
topics: [消防安全]
---
## 做法

消防通道<script>alert('x')</script>清理。<img src=x onerror=\"alert(1)\">

[点我](javascript:alert(1))
";

fn app(f: &Fixture) -> Router {
    common::http::app(f, WriteAccess::local())
}

fn standard_app() -> (Fixture, Router) {
    let f = Fixture::standard();
    f.write("xss.md", XSS);
    let r = app(&f);
    (f, r)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, serde_json::Value) {
    let (s, h, b) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    if uri.starts_with("/api/") {
        assert_eq!(h[header::CONTENT_TYPE], "application/json", "{uri}");
    }
    (s, json(&b))
}

async fn post(
    app: &Router,
    uri: &str,
    content_type: &str,
    body: impl Into<Body>,
) -> (StatusCode, serde_json::Value) {
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap();
    let (s, _, b) = send(app, req).await;
    (s, json(&b))
}

fn assert_error(status: StatusCode, body: &serde_json::Value, want: StatusCode, code: &str) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(!body["message"].as_str().unwrap_or("").is_empty(), "{body}");
}

#[tokio::test]
async fn search_returns_hits_and_facets() {
    let (_f, app) = standard_app();
    let (s, v) = get(&app, &format!("/api/search?{}&limit=2", enc("电瓶车充电"))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["query"], "电瓶车充电");
    assert_eq!(v["hits"][0]["id"], "ebike-test-01");
    assert!(v["hits"][0]["snippet"].as_str().unwrap().contains("<em>"));
    for key in [
        "id", "title", "score", "topics", "region", "year", "snippet", "section",
    ] {
        assert!(v["hits"][0].get(key).is_some(), "hit has {key}");
    }
    let topics = v["facets"]["topic"].as_array().unwrap();
    assert!(
        topics
            .iter()
            .any(|t| t["value"] == "电动车充电" && t["count"] == 1),
        "{v}"
    );
    assert!(
        v["facets"]["region"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["value"] == "江苏省"),
        "{v}"
    );
    assert!(
        v["facets"]["year"]
            .as_array()
            .unwrap()
            .iter()
            .any(|y| y["value"] == "2021"),
        "{v}"
    );
    // Filters and paging.
    let (s, v) = get(
        &app,
        &format!(
            "/api/search?{}&topic=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF",
            enc("社区")
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 1);
    let (_, v) = get(
        &app,
        &format!(
            "/api/search?{}&region=%E5%8C%97%E4%BA%AC%E5%B8%82&year_from=2019&year_to=2020",
            enc("社区 住户")
        ),
    )
    .await;
    assert_eq!(v["hits"][0]["id"], "elevator-test-01");
    let (_, v) = get(&app, &format!("/api/search?{}&offset=50", enc("社区"))).await;
    assert_eq!(v["hits"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn bad_search_input_gets_json_errors() {
    let (_f, app) = standard_app();
    let long = "停".repeat(2001);
    for (uri, status, code) in [
        (
            "/api/search".to_string(),
            StatusCode::BAD_REQUEST,
            "empty_query",
        ),
        (
            "/api/search?q=%20%20".to_string(),
            StatusCode::BAD_REQUEST,
            "empty_query",
        ),
        (
            format!("/api/search?{}", enc(&long)),
            StatusCode::BAD_REQUEST,
            "query_too_long",
        ),
        (
            "/api/search?q=a&limit=101".to_string(),
            StatusCode::BAD_REQUEST,
            "bad_limit",
        ),
        (
            "/api/search?q=a&limit=0".to_string(),
            StatusCode::BAD_REQUEST,
            "bad_limit",
        ),
        (
            "/api/search?q=a&limit=-1".to_string(),
            StatusCode::BAD_REQUEST,
            "bad_limit",
        ),
        (
            "/api/search?q=a&limit=99999999999999999999999".to_string(),
            StatusCode::BAD_REQUEST,
            "bad_limit",
        ),
        (
            "/api/search?q=a&offset=100000000".to_string(),
            StatusCode::BAD_REQUEST,
            "bad_offset",
        ),
        (
            "/api/search?q=a&topic=%E5%A4%A9%E6%B0%94".to_string(),
            StatusCode::BAD_REQUEST,
            "unknown_topic",
        ),
        (
            "/api/search?q=a&year_from=abc".to_string(),
            StatusCode::BAD_REQUEST,
            "bad_year",
        ),
        (
            "/api/search?q=a&year_from=2022&year_to=2020".to_string(),
            StatusCode::BAD_REQUEST,
            "bad_year",
        ),
        (
            "/api/search?q=%E7%9A%84".to_string(),
            StatusCode::BAD_REQUEST,
            "invalid_query",
        ),
    ] {
        let (s, v) = get(&app, &uri).await;
        assert_error(s, &v, status, code);
    }
    // Malformed percent-encoding and invalid UTF-8 never give a 500.
    for uri in [
        "/api/search?q=%ZZ%E5",
        "/api/search?q=%FF%FE",
        "/api/search?q=a&limit=%FF",
    ] {
        let (s, v) = get(&app, uri).await;
        assert!(s.is_success() || s.is_client_error(), "{uri}: {s} {v}");
    }
}

#[tokio::test]
async fn case_endpoints() {
    let (_f, app) = standard_app();
    let (s, v) = get(&app, "/api/cases/elevator-test-01").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["title"], "一楼住户同意了，老楼终于加装电梯");
    assert_eq!(v["region"], "北京市/海淀区");
    let sections = v["sections"].as_array().unwrap();
    assert_eq!(sections[1]["kind"], "measures");
    assert!(sections[1]["markdown"]
        .as_str()
        .unwrap()
        .contains("日照模拟"));
    assert!(sections[1]["html"].as_str().unwrap().starts_with("<p>"));
    // Scripts in a case file never reach the reader.
    let (_, v) = get(&app, "/api/cases/xss-test-01").await;
    let html = v["sections"][0]["html"].as_str().unwrap();
    for bad in ["<script", "onerror", "javascript:"] {
        assert!(!html.contains(bad), "{html}");
    }
    let (s, v) = get(&app, "/api/cases/no-such-case").await;
    assert_error(s, &v, StatusCode::NOT_FOUND, "not_found");
    for odd in [
        "/api/cases/..%2F..%2Fetc%2Fpasswd",
        "/api/cases/A%20B",
        "/api/cases/%E5%81%9C",
    ] {
        let (s, v) = get(&app, odd).await;
        assert_error(s, &v, StatusCode::NOT_FOUND, "not_found");
    }
    let (s, v) = get(&app, "/api/cases/parking-test-01/similar?limit=2").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["id"] != "parking-test-01"));
    let (s, v) = get(&app, "/api/cases/parking-test-01/similar?limit=500").await;
    assert_error(s, &v, StatusCode::BAD_REQUEST, "bad_limit");
    let (s, v) = get(&app, "/api/cases/nope/similar").await;
    assert_error(s, &v, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn similar_from_text_and_bad_bodies() {
    let (_f, app) = standard_app();
    let (s, v) = post(
        &app,
        "/api/similar",
        "application/json",
        r#"{"text":"一楼住户不同意加装电梯，怎么协商","limit":2}"#,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["hits"][0]["id"], "elevator-test-01");
    let long =
        serde_json::json!({ "text": "楼道里电动自行车充电很危险。".repeat(200) }).to_string();
    let (s, v) = post(&app, "/api/similar", "application/json", long).await;
    assert_eq!(s, StatusCode::OK, "a few thousand characters are fine: {v}");
    let (s, v) = post(&app, "/api/similar", "application/json", r#"{"text":"  "}"#).await;
    assert_error(s, &v, StatusCode::BAD_REQUEST, "empty_query");
    let (s, v) = post(
        &app,
        "/api/similar",
        "application/json",
        r#"{"text":"停车","limit":0}"#,
    )
    .await;
    assert_error(s, &v, StatusCode::BAD_REQUEST, "bad_limit");
    let (s, v) = post(&app, "/api/similar", "application/json", "这不是 JSON").await;
    assert_error(s, &v, StatusCode::BAD_REQUEST, "bad_json");
    let (s, v) = post(&app, "/api/similar", "application/json", r#"{"limit":3}"#).await;
    assert_error(s, &v, StatusCode::BAD_REQUEST, "bad_json");
    let (s, v) = post(&app, "/api/similar", "text/plain", r#"{"text":"停车"}"#).await;
    assert_error(
        s,
        &v,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let huge = serde_json::json!({ "text": "停".repeat(40_000) }).to_string();
    let (s, v) = post(&app, "/api/similar", "application/json", huge).await;
    assert_error(s, &v, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

#[tokio::test]
async fn topics_health_stats_and_unknown_paths() {
    let (_f, app) = standard_app();
    let (s, v) = get(&app, "/api/topics").await;
    assert_eq!(s, StatusCode::OK);
    let topics = v.as_array().unwrap();
    assert_eq!(topics.len(), 20);
    let parking = topics.iter().find(|t| t["name"] == "停车管理").unwrap();
    assert_eq!(parking["count"], 1);
    assert!(parking["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "停车难"));
    let (s, v) = get(&app, "/api/health").await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (s, v) = get(&app, "/api/stats").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["cases"], 4);
    assert!(v["index_bytes"].as_u64().unwrap() > 0);
    assert_eq!(v["corpus_fingerprint"].as_str().unwrap().len(), 16);
    assert!(v["last_indexed"].as_str().unwrap().ends_with('Z'));
    let (s, v) = get(&app, "/api/nothing-here").await;
    assert_error(s, &v, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn pages_render_with_security_headers() {
    let (_f, app) = standard_app();
    let (s, h, b) = send(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    let html = String::from_utf8(b).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("<form") && html.contains("name=\"q\"") && html.contains("试试这些"),
        "{html}"
    );
    assert!(h[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        !h.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "no CORS by default"
    );

    let (s, _, b) = send(
        &app,
        Request::get(format!("/?{}", enc("电瓶车充电")))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let html = String::from_utf8(b).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("楼下建起充电车棚") && html.contains("<em>"),
        "{html}"
    );
    assert!(
        html.contains("facet-topic") && html.contains("电动车充电"),
        "{html}"
    );

    let (s, _, b) = send(
        &app,
        Request::get("/cases/xss-test-01")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let html = String::from_utf8(b).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("相似案例"));
    assert!(
        !html.contains("<script>alert")
            && !html.contains("onerror")
            && !html.contains("javascript:"),
        "{html}"
    );

    let (s, _, _) = send(
        &app,
        Request::get("/cases/nope").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = send(
        &app,
        Request::get("/../../etc/passwd")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, h, _) = send(
        &app,
        Request::get("/static/app.css").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let (s, _, b) = send(
        &app,
        Request::get("/?q=%E7%9A%84").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8(b).unwrap().contains("没有可检索的词"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_while_serving_loses_no_request() {
    let f = Fixture::standard();
    let app = app(&f);
    let uri = format!("/api/search?{}", enc("无障碍坡道"));
    let (s, v) = get(&app, &uri).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let before = v["total"].as_u64().unwrap_or(0);
    assert_eq!(before, 0);

    // A new case appears and `anli index` runs in another process.
    f.write(
        "ramp.md",
        &ELEVATOR
            .replace("elevator-test-01", "elevator-test-09")
            .replace("日照模拟", "无障碍坡道"),
    );
    let corpus = f.corpus();
    let index = f.index();
    let indexer = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_anli"))
            .args(["-q", "index"])
            .env("ANLI_CORPUS", corpus)
            .env("ANLI_INDEX", index)
            .env("ANLI_SCHEMA", schema_dir())
            .status()
            .unwrap()
    });
    let started = std::time::Instant::now();
    let mut requests = 0;
    let mut found = false;
    while started.elapsed() < std::time::Duration::from_secs(20) {
        let (s, v) = get(&app, &uri).await;
        requests += 1;
        assert_eq!(
            s,
            StatusCode::OK,
            "request {requests} failed during reindex: {v}"
        );
        let hits = hit_ids(&v);
        assert!(
            hits.is_empty() || hits == ["elevator-test-09"],
            "old or new result set, never a mix: {hits:?}"
        );
        if hits == ["elevator-test-09"] {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(indexer.await.unwrap().success());
    assert!(
        found,
        "the new case became findable without a restart ({requests} requests)"
    );
}

/// Over the bundled library: searches that forgive (traditional characters, pinyin, an English
/// word, a homophone typo), a topic listed without a query, the kind filter, training reports
/// behind practical cases, long descriptions posted, compressed pages, and pages that guide.
#[tokio::test]
async fn searches_forgive_and_guide_over_the_bundled_library() {
    let dir = tempfile::tempdir().unwrap();
    let app = anli::server::router(indexed_state(
        bundled_library(dir.path()),
        anli::server::ServerOptions::local(dir.path().join("packets")),
    ));
    let search = |query: &str, extra: &str| format!("/api/search?{}{extra}", enc(query));
    let top_topics = |v: &serde_json::Value| -> Vec<String> {
        v["hits"][0]["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };

    // Traditional characters are the simplified ones: nothing to correct.
    for (q, topic) in [("停車難", "停车管理"), ("加裝電梯", "加装电梯")] {
        let (s, v) = get(&app, &search(q, "")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(top_topics(&v).contains(&topic.to_string()), "{q}: {v}");
        assert!(v.get("corrected").is_none(), "{q}");
        assert!(v["hits"][0]["snippet"].as_str().unwrap().contains("<em>"));
    }

    // Pinyin, with or without spaces and tones, is searched as the library's words.
    for q in ["tingche", "ting che", "tíng chē"] {
        let (_, v) = get(&app, &search(q, "")).await;
        assert_eq!(v["corrected"]["query"], "停车", "{q}: {v}");
        assert_eq!(v["corrected"]["reason"], "pinyin");
        assert_eq!(v["query"], q, "the query as typed is kept");
        assert!(top_topics(&v).contains(&"停车管理".to_string()), "{q}");
    }
    let (_, v) = get(&app, &search("jiazhuang dianti", "")).await;
    assert_eq!(v["corrected"]["query"], "加装电梯", "{v}");
    // …unless asked to search exactly what was typed.
    let (_, v) = get(&app, &search("tingche", "&literal=1")).await;
    assert!(v.get("corrected").is_none(), "{v}");

    // An English word finds its topic's cases.
    let (_, v) = get(&app, &search("parking", "")).await;
    assert!(v["total"].as_u64().unwrap() >= 5, "{v}");
    assert_eq!(top_topics(&v)[0], "停车管理", "{v}");

    // A homophone typo is corrected; a dictionary word the library lacks is not a typo.
    let (_, v) = get(&app, &search("加装电悌", "")).await;
    assert_eq!(v["corrected"]["query"], "加装电梯", "{v}");
    assert_eq!(v["corrected"]["reason"], "typo");
    assert_eq!(top_topics(&v)[0], "加装电梯", "{v}");
    let (_, v) = get(&app, &search("社区达人", "")).await;
    assert!(v.get("corrected").is_none(), "{v}");

    // Training-programme reports that mention the problem rank behind practical cases.
    for q in ["业委会换届", "停车难"] {
        let (_, v) = get(&app, &search(q, "")).await;
        for h in v["hits"].as_array().unwrap().iter().take(5) {
            assert_ne!(h["topics"][0], "干部培训", "{q}: {}", h["id"]);
        }
    }
    // …unless the query is about training.
    let (_, v) = get(&app, &search("书记培训", "")).await;
    assert_eq!(top_topics(&v)[0], "干部培训", "{v}");

    // A topic alone lists its cases, newest first, with the count its chip shows.
    let (s, v) = get(
        &app,
        "/api/search?topic=%E5%81%9C%E8%BD%A6%E7%AE%A1%E7%90%86&limit=100",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["query"], "");
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len() as u64, v["total"].as_u64().unwrap());
    assert!(hits.len() >= 5);
    let years: Vec<i64> = hits.iter().filter_map(|h| h["year"].as_i64()).collect();
    assert!(years.windows(2).all(|w| w[0] >= w[1]), "{years:?}");
    assert!(hits.iter().all(|h| h["topics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "停车管理")));
    let (_, topics) = get(&app, "/api/topics").await;
    let chip = topics
        .as_array()
        .or_else(|| topics["topics"].as_array())
        .unwrap()
        .iter()
        .find(|t| t["value"] == "停车管理" || t["name"] == "停车管理")
        .cloned()
        .unwrap();
    assert_eq!(
        chip["count"], v["total"],
        "the chip counts what the listing lists"
    );

    // The kind filter, with counts; a wrong kind is a JSON error.
    let (_, all) = get(&app, &search("停车难", "")).await;
    let kinds = all["facets"]["kind"].as_array().unwrap();
    assert!(kinds.iter().any(|k| k["value"] == "示例"), "{all}");
    let (_, examples) = get(&app, &search("停车难", "&kind=%E7%A4%BA%E4%BE%8B")).await;
    let n = kinds.iter().find(|k| k["value"] == "示例").unwrap()["count"].clone();
    assert_eq!(examples["total"], n);
    let (s, v) = get(&app, &search("停车难", "&kind=news")).await;
    assert_error(s, &v, StatusCode::BAD_REQUEST, "bad_kind");

    // The page: browsing a topic without typing.
    let page = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    let (s, _, b) = send(&app, page("/?topic=%E5%81%9C%E8%BD%A6%E7%AE%A1%E7%90%86")).await;
    let html = String::from_utf8(b).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("<h1") && html.contains("主题：停车管理"),
        "{html}"
    );
    assert!(html.contains("按年份从新到旧"), "{html}");
    assert!(!html.contains("请输入"));

    // The search box posts: a short query becomes a link, a long description is answered.
    let form = |body: String| {
        Request::post("/")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let (s, h, _) = send(&app, form(enc("停车难"))).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h[header::LOCATION], format!("/?{}", enc("停车难")));
    let long: String = "小区里车越来越多，晚上回来根本没地方停，消防通道也被堵了，物业说管不了。"
        .chars()
        .cycle()
        .take(1_900)
        .collect();
    let (s, _, b) = send(&app, form(enc(&long))).await;
    let html = String::from_utf8(b).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("li class=\"hit\""),
        "results for the description"
    );
    assert!(html.contains("method=\"post\""), "its forms post it again");
    assert!(
        // The box, the five filter and page forms and the packet form: once each, not once per
        // link or button.
        html.matches(long.as_str()).count() <= 8,
        "the description is not repeated in every link: {} times",
        html.matches(long.as_str()).count()
    );
    assert!(html.len() < 200_000, "{} bytes", html.len());

    // Pages are compressed for browsers that accept it.
    let (s, h, b) = send(
        &app,
        Request::get(format!("/?{}", enc("停车难")))
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    assert!(b.len() < 30_000, "{} bytes compressed", b.len());

    // A search that finds nothing says why and offers topics; filters are only offered to
    // drop when there are some.
    let (_, _, b) = send(&app, page(&format!("/?{}", enc("量子计算机芯片")))).await;
    let html = String::from_utf8(b).unwrap();
    if html.contains("没有找到") {
        assert!(html.contains("按主题看看"), "{html}");
        assert!(!html.contains("去掉筛选条件"), "{html}");
    }
    let (_, _, b) = send(
        &app,
        page("/?topic=%E5%81%9C%E8%BD%A6%E7%AE%A1%E7%90%86&year=1990"),
    )
    .await;
    let html = String::from_utf8(b).unwrap();
    assert!(html.contains("去掉筛选条件"), "{html}");

    // The case page marks the searched words and shows no file path.
    let (s, _, b) = send(
        &app,
        page(&format!(
            "/cases/{}?{}",
            hits[0]["id"].as_str().unwrap(),
            enc("停车")
        )),
    )
    .await;
    let html = String::from_utf8(b).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<mark>停车</mark>"), "{html}");
    assert!(!html.contains(".md"), "no file path");
    assert_eq!(html.matches("<h1").count(), 1);

    // The browser's tab icon.
    let (s, h, _) = send(&app, page("/favicon.ico")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "image/svg+xml");
}
