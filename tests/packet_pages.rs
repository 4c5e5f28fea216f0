//! The packet pages: the "加入案例包" form on results, edits through the packet page's forms,
//! and a broken packet file reported on the list page instead of a server error.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use anli::server::WriteAccess;
use common::http::{app, call as send, call_json as json, segment as path};
use common::*;

#[tokio::test]
async fn the_page_forms_add_from_results_and_edit_the_packet() {
    let f = Fixture::standard();
    let app = app(&f, WriteAccess::local());
    // As a browser posts the page's forms: from this service's origin.
    let form = |uri: &str, body: &str| {
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "localhost:7878")
            .header(header::ORIGIN, "http://localhost:7878")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    // The results page offers "加入案例包".
    let (s, _, b) = send(&app, "GET", "/?q=%E5%81%9C%E8%BD%A6", &[], None).await;
    assert_eq!(s, StatusCode::OK);
    let page = String::from_utf8_lossy(&b);
    assert!(page.contains("action=\"/packets/add\""), "{page}");
    // No packet chosen: a new one named after the search; back to the results with a notice.
    let res = app
        .clone()
        .oneshot(form(
            "/packets/add",
            "packet=&id=parking-test-01&q=%E5%81%9C%E8%BD%A6&back=%2F%3Fq%3D%E5%81%9C%E8%BD%A6",
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(to.starts_with("/?q=") && to.contains("added="), "{to}");
    let (_, _, b) = send(&app, "GET", &to, &[], None).await;
    assert!(String::from_utf8_lossy(&b).contains("已加入案例包「停车」"));
    // An outside `back` is not followed.
    for back in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
    ] {
        let res = app
            .clone()
            .oneshot(form(
                "/packets/add",
                &format!("packet=%E5%81%9C%E8%BD%A6&id=ebike-test-01&back={back}"),
            ))
            .await
            .unwrap();
        let to = res.headers()[header::LOCATION].to_str().unwrap();
        assert!(to.starts_with("/packets/"), "{back}: {to}");
    }

    // Edit through the packet page's forms.
    let url = format!("/packets/{}", path("停车"));
    for body in [
        "action=up&id=ebike-test-01",
        "action=note&id=ebike-test-01&note=%E5%85%88%E8%AF%BB%E8%BF%99%E4%B8%AA",
        "action=add&id=elevator-test-01",
    ] {
        let res = app.clone().oneshot(form(&url, body)).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{body}");
    }
    let (_, v) = json(
        &app,
        "GET",
        &format!("/api/packets/{}", path("停车")),
        &[],
        None,
    )
    .await;
    let ids: Vec<&str> = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["ebike-test-01", "parking-test-01", "elevator-test-01"]
    );
    assert_eq!(v["cases"][0]["note"], "先读这个");
    // A stale whole-packet form is refused with a clear page, not applied.
    let res = app
        .clone()
        .oneshot(form(&url, "action=meta&version=old&title=X&questions="))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("刚被别人修改过"));
    // The missing case shows as missing on the page.
    f.remove("elevator.md");
    let app2 = self::app(&f, WriteAccess::local());
    let (_, _, b) = send(&app2, "GET", &url, &[], None).await;
    let page = String::from_utf8_lossy(&b);
    assert!(page.contains("（缺失）elevator-test-01"), "{page}");
    assert!(page.contains("已不在案例库中"), "{page}");
}

#[tokio::test]
async fn a_broken_packet_file_is_reported_not_a_server_error() {
    let f = Fixture::standard();
    std::fs::create_dir_all(f.packets()).unwrap();
    std::fs::write(
        f.packets().join("坏.toml"),
        "title = \"停车\"\n[[cases]]\nid = \"parking-test-01\"\nnoet = \"拼错了\"\n",
    )
    .unwrap();
    let app = app(&f, WriteAccess::local());
    let (s, v) = json(
        &app,
        "GET",
        &format!("/api/packets/{}", path("坏")),
        &[],
        None,
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_packet_file"))
    );
    let msg = v["message"].as_str().unwrap();
    assert!(msg.contains("坏.toml:4"), "{msg}");
    assert!(
        !msg.contains(&*f.dir.path().to_string_lossy()),
        "no server path: {msg}"
    );
    // The list skips it; the list page names it without the server's folders.
    let (_, v) = json(&app, "GET", "/api/packets", &[], None).await;
    assert_eq!(v, serde_json::json!([]));
    let (s, _, b) = send(&app, "GET", "/packets", &[], None).await;
    assert_eq!(s, StatusCode::OK);
    let page = String::from_utf8_lossy(&b);
    assert!(page.contains("坏.toml:4"), "{page}");
    assert!(!page.contains(&*f.dir.path().to_string_lossy()), "{page}");
}
