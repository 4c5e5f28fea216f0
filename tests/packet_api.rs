//! The packet API: create, edit, export and refuse bad input; who may write (loopback, token,
//! other sites) while reading stays open.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use tower::ServiceExt;

use anli::server::WriteAccess;
use common::cli::docx_paragraphs;
use common::http::{app, call as send, call_json as json, segment as path};
use common::*;

const TOKEN: &str = "peixun-ban-2026-token";

#[tokio::test]
async fn packet_api_creates_edits_exports_and_refuses_bad_input() {
    let f = Fixture::standard();
    let app = app(&f, WriteAccess::local());
    let base = format!("/api/packets/{}", path("停车专题"));

    let (s, v) = json(
        &app,
        "POST",
        "/api/packets",
        &[],
        Some(serde_json::json!({"name": "停车专题", "title": "停车难专题", "query": "停车难", "limit": 2})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["query"], "停车难");
    assert_eq!(v["cases"][0]["id"], "parking-test-01");
    let (s, v) = json(
        &app,
        "POST",
        "/api/packets",
        &[],
        Some(serde_json::json!({"name": "停车专题", "title": "again"})),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("packet_exists"))
    );

    let (s, v) = json(
        &app,
        "POST",
        &format!("{base}/cases"),
        &[],
        Some(serde_json::json!({"ids": ["elevator-test-01"], "at": 1})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["cases"][0]["id"], "elevator-test-01");
    let (s, v) = json(
        &app,
        "PATCH",
        &format!("{base}/cases/elevator-test-01"),
        &[],
        Some(serde_json::json!({"to": 2, "note": "一楼协商"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let n = v["cases"].as_array().unwrap().len();
    assert_eq!(v["cases"][1]["id"], "elevator-test-01");
    assert_eq!(v["cases"][1]["note"], "一楼协商");
    let version = v["version"].as_str().unwrap().to_string();

    // Whole-packet edit with the current version, then one with the old version: 409.
    let (s, v) = json(
        &app,
        "PUT",
        &base,
        &[],
        Some(serde_json::json!({"version": version, "questions": ["第一题", " ", "第二题"]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["questions"], serde_json::json!(["第一题", "第二题"]));
    let (s, v) = json(
        &app,
        "PUT",
        &base,
        &[],
        Some(serde_json::json!({"version": version, "title": "会覆盖别人的修改"})),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (_, v) = json(&app, "GET", &base, &[], None).await;
    assert_eq!(v["title"], "停车难专题");
    assert_eq!(v["cases"].as_array().unwrap().len(), n);

    // Exports.
    for (fmt, ctype) in [
        ("md", "text/markdown; charset=utf-8"),
        ("html", "text/html; charset=utf-8"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ] {
        let (s, h, b) = send(
            &app,
            "GET",
            &format!("{base}/export?format={fmt}"),
            &[],
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{fmt}");
        assert_eq!(h[header::CONTENT_TYPE], ctype);
        let disp = h[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disp.contains(&format!("filename*=UTF-8''{}.{fmt}", path("停车专题"))),
            "{disp}"
        );
        assert!(b.len() > 500, "{fmt}: {} bytes", b.len());
    }
    let (s, h, b) = send(
        &app,
        "GET",
        &format!("/packets/{}/download/docx", path("停车专题")),
        &[],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(h[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert!(docx_paragraphs(&b).iter().any(|(s, _)| s == "Heading1"));

    // Bad input: 4xx JSON, never 500.
    let cases = [
        (
            "GET",
            "/api/packets/nope".to_string(),
            None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "GET",
            "/api/packets/..%2F..%2Fcorpus".to_string(),
            None,
            StatusCode::BAD_REQUEST,
            "bad_packet_name",
        ),
        (
            "GET",
            "/api/packets/a.b".to_string(),
            None,
            StatusCode::BAD_REQUEST,
            "bad_packet_name",
        ),
        (
            "GET",
            format!("{base}/export?format=pdf"),
            None,
            StatusCode::BAD_REQUEST,
            "bad_format",
        ),
        (
            "POST",
            "/api/packets".to_string(),
            Some(serde_json::json!({"name": "x/y", "title": "t"})),
            StatusCode::BAD_REQUEST,
            "bad_packet_name",
        ),
        (
            "POST",
            "/api/packets".to_string(),
            Some(serde_json::json!({"name": "ok", "title": " "})),
            StatusCode::BAD_REQUEST,
            "bad_edit",
        ),
        (
            "POST",
            "/api/packets".to_string(),
            Some(serde_json::json!({"name": "ok", "title": "t", "limit": 1000, "query": "停车"})),
            StatusCode::BAD_REQUEST,
            "bad_limit",
        ),
        (
            "POST",
            "/api/packets".to_string(),
            Some(serde_json::json!({"name": "ok", "titel": "t"})),
            StatusCode::BAD_REQUEST,
            "bad_json",
        ),
        (
            "POST",
            format!("{base}/cases"),
            Some(serde_json::json!({"ids": ["no-such-case"]})),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "POST",
            format!("{base}/cases"),
            Some(serde_json::json!({"ids": ["../x"]})),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "PATCH",
            format!("{base}/cases/elevator-test-01"),
            Some(serde_json::json!({"to": 0})),
            StatusCode::BAD_REQUEST,
            "bad_edit",
        ),
        (
            "PATCH",
            format!("{base}/cases/ebike-test-01"),
            Some(serde_json::json!({"note": "不在包里"})),
            StatusCode::BAD_REQUEST,
            "bad_edit",
        ),
        (
            "DELETE",
            format!("{base}/cases/ebike-test-01"),
            None,
            StatusCode::BAD_REQUEST,
            "bad_edit",
        ),
        (
            "DELETE",
            format!("{base}?version=stale"),
            None,
            StatusCode::CONFLICT,
            "conflict",
        ),
    ];
    for (method, uri, body, status, code) in cases {
        let (s, v) = json(&app, method, &uri, &[], body).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (status, Some(code)),
            "{method} {uri}: {v}"
        );
    }
    // No request wrote a packet file anywhere but packets/.
    let stray: Vec<_> = walkdir::WalkDir::new(f.dir.path())
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .filter(|e| e.path().parent() != Some(f.packets().as_path()))
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(stray.is_empty(), "{stray:?}");

    let (s, v) = json(&app, "GET", "/api/packets", &[], None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 1);
    let (s, _) = json(&app, "DELETE", &base, &[], None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = json(&app, "GET", &base, &[], None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn writes_beyond_loopback_need_the_token_and_reads_stay_open() {
    let f = Fixture::standard();
    // Set up a packet while local.
    let local = app(&f, WriteAccess::local());
    let (s, _) = json(
        &local,
        "POST",
        "/api/packets",
        &[],
        Some(serde_json::json!({"name": "p", "title": "停车", "ids": ["parking-test-01"]})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let add = || Some(serde_json::json!({"ids": ["ebike-test-01"]}));

    // On the LAN without a token: read-only.
    let lan = app(
        &f,
        WriteAccess::new("0.0.0.0:7878".parse().unwrap(), None).unwrap(),
    );
    let (s, v) = json(&lan, "POST", "/api/packets/p/cases", &[], add()).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("read_only"))
    );
    assert_eq!(
        json(&lan, "GET", "/api/packets/p", &[], None).await.0,
        StatusCode::OK
    );
    let (s, _, _) = send(&lan, "GET", "/api/packets/p/export?format=docx", &[], None).await;
    assert_eq!(s, StatusCode::OK);

    // On the LAN with a token.
    let access = WriteAccess::new("192.168.1.20:7878".parse().unwrap(), Some(TOKEN)).unwrap();
    let lan = app(&f, access);
    let (s, v) = json(&lan, "POST", "/api/packets/p/cases", &[], add()).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_required"))
    );
    let wrong = [("authorization", "Bearer not-the-right-token")];
    let (s, v) = json(&lan, "POST", "/api/packets/p/cases", &wrong, add()).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("bad_token"))
    );
    let (s, v) = json(&lan, "DELETE", "/api/packets/p", &wrong, None).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("bad_token"))
    );
    let bearer = format!("Bearer {TOKEN}");
    let right = [("authorization", bearer.as_str())];
    let (s, v) = json(&lan, "POST", "/api/packets/p/cases", &right, add()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The right token from another site's page is still refused.
    let cross = [
        ("authorization", bearer.as_str()),
        ("host", "192.168.1.20:7878"),
        ("origin", "https://evil.example"),
    ];
    let (s, v) = json(&lan, "DELETE", "/api/packets/p", &cross, None).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("cross_origin"))
    );
    assert_eq!(
        json(&lan, "GET", "/api/packets/p", &[], None).await.0,
        StatusCode::OK
    );

    // The browser way: /login sets an HttpOnly cookie; the page then shows the edit forms.
    let (s, _, b) = send(&lan, "GET", "/packets/p", &[], None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !String::from_utf8_lossy(&b).contains("id=\"editor\""),
        "no forms without the token"
    );
    let login = |token: &str| {
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "192.168.1.20:7878")
            .header(header::ORIGIN, "http://192.168.1.20:7878")
            .body(Body::from(format!("token={token}")))
            .unwrap()
    };
    let res = lan.clone().oneshot(login(TOKEN)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains(TOKEN),
        "the cookie holds no token: {cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let (_, _, b) = send(
        &lan,
        "GET",
        "/packets/p",
        &[("cookie", pair.as_str())],
        None,
    )
    .await;
    assert!(String::from_utf8_lossy(&b).contains("value=\"remove:"));
    assert_eq!(
        lan.clone()
            .oneshot(login("guess-guess-guess"))
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}
