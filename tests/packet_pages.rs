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
    // No packet chosen: the new-packet form, titled after the search, before anything is made.
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
    assert!(to.starts_with("/new-packet?"), "{to}");
    let (s, _, b) = send(&app, "GET", &to, &[], None).await;
    assert_eq!(s, StatusCode::OK);
    let page = String::from_utf8_lossy(&b).to_string();
    assert!(
        page.contains("value=\"停车专题\""),
        "title prefilled: {page}"
    );
    let create = "name=%E5%81%9C%E8%BD%A6&title=%E5%81%9C%E8%BD%A6%E4%B8%93%E9%A2%98&id=parking-test-01&back=%2F%3Fq%3D%E5%81%9C%E8%BD%A6";
    let res = app.clone().oneshot(form("/packets", create)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(to.starts_with("/?q=") && to.contains("added="), "{to}");
    let (_, _, b) = send(&app, "GET", &to, &[], None).await;
    assert!(String::from_utf8_lossy(&b).contains("已加入案例包「停车」"));
    // The same name twice: refused, the form back with a free name filled in.
    let res = app.clone().oneshot(form("/packets", create)).await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let page = String::from_utf8_lossy(&body);
    assert!(page.contains("已经有名为“停车”的案例包了"), "{page}");
    assert!(page.contains("value=\"停车-2\""), "{page}");
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

    // The editor: one form; any button saves every note typed.
    let url = format!("/packets/{}", path("停车"));
    let api = format!("/api/packets/{}", path("停车"));
    let fp = anli::packet::fingerprint;
    let enc = |pairs: &[(&str, String)]| serde_urlencoded::to_string(pairs).unwrap();
    let notes = |a: &str, b: &str, base: &str| {
        vec![
            ("note:parking-test-01", a.to_string()),
            ("base:note:parking-test-01", fp(base)),
            ("note:ebike-test-01", b.to_string()),
            ("base:note:ebike-test-01", fp(base)),
        ]
    };
    let mut body = notes("先读背景", "再看协议", "");
    body.push(("op", "up:ebike-test-01".into()));
    let res = app.clone().oneshot(form(&url, &enc(&body))).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        to.contains("saved=1") && to.ends_with("#c-ebike-test-01"),
        "{to}"
    );
    let (_, v) = json(&app, "GET", &api, &[], None).await;
    let ids: Vec<&str> = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ebike-test-01", "parking-test-01"]);
    assert_eq!(v["cases"][0]["note"], "再看协议");
    assert_eq!(v["cases"][1]["note"], "先读背景");
    let (_, _, b) = send(&app, "GET", &to, &[], None).await;
    assert!(String::from_utf8_lossy(&b).contains(">已保存<"));

    // A page opened before that save: the clashing note comes back with both texts and is
    // not saved; the other one, changed only here, is.
    let mut body = notes("先读背景", "我的按语", "");
    body[0].1 = "先读背景，补一句".into();
    body[1].1 = fp("先读背景");
    body.push(("op", "save".into()));
    let res = app.clone().oneshot(form(&url, &enc(&body))).await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = res.into_body().collect().await.unwrap().to_bytes();
    let page = String::from_utf8_lossy(&page);
    assert!(
        page.contains(">我的按语</textarea>"),
        "typed text kept: {page}"
    );
    assert!(
        page.contains("<blockquote>再看协议</blockquote>"),
        "theirs shown"
    );
    let (_, v) = json(&app, "GET", &api, &[], None).await;
    assert_eq!(v["cases"][0]["note"], "再看协议");
    assert_eq!(v["cases"][1]["note"], "先读背景，补一句");

    // Saving as a field is left (the page's script): JSON, with the next bases.
    let mut body = notes("先读背景，补一句", "再看协议，第二版", "");
    body[1].1 = fp("先读背景，补一句");
    body[3].1 = fp("再看协议");
    body.push(("op", "save".into()));
    let mut req = form(&url, &enc(&body));
    req.headers_mut()
        .insert(header::ACCEPT, "application/json".parse().unwrap());
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let a: serde_json::Value =
        serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(a["bases"]["note:ebike-test-01"], fp("再看协议，第二版"));
    assert!(
        a["conflicts"].as_array().unwrap().is_empty() && a["saved_at"].is_string(),
        "{a}"
    );
    // A note too long: a JSON error, nothing saved.
    let body = enc(&[
        ("op", "save".into()),
        ("note:ebike-test-01", "长".repeat(6000)),
    ]);
    let mut req = form(&url, &body);
    req.headers_mut()
        .insert(header::ACCEPT, "application/json".parse().unwrap());
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let e: serde_json::Value =
        serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(e["code"], "bad_edit", "{e}");
    assert!(e["message"].as_str().unwrap().contains("教师按"), "{e}");

    // 移除 can be undone, the note with it.
    let body = enc(&[("op", "remove:ebike-test-01".into())]);
    let res = app.clone().oneshot(form(&url, &body)).await.unwrap();
    let to = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(to.contains("removed=ebike-test-01"), "{to}");
    let (_, _, b) = send(&app, "GET", &to, &[], None).await;
    let page = String::from_utf8_lossy(&b);
    assert!(
        page.contains("value=\"restore:ebike-test-01\" class=\"undo\""),
        "{page}"
    );
    let body = enc(&[("op", "restore:ebike-test-01".into())]);
    let res = app.clone().oneshot(form(&url, &body)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, v) = json(&app, "GET", &api, &[], None).await;
    assert_eq!(v["cases"][0]["id"], "ebike-test-01");
    assert_eq!(v["cases"][0]["note"], "再看协议，第二版");

    // Search on the packet page and add a result in place.
    let body = enc(&[("op", "search".into()), ("q", "电梯".into())]);
    let res = app.clone().oneshot(form(&url, &body)).await.unwrap();
    let to = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(to.ends_with("#search"), "{to}");
    let (_, _, b) = send(&app, "GET", &to, &[], None).await;
    let page = String::from_utf8_lossy(&b);
    assert!(page.contains("value=\"add:elevator-test-01\""), "{page}");
    let body = enc(&[("op", "add:elevator-test-01".into()), ("q", "电梯".into())]);
    app.clone().oneshot(form(&url, &body)).await.unwrap();
    let (_, v) = json(&app, "GET", &api, &[], None).await;
    assert_eq!(v["cases"].as_array().unwrap().len(), 3);

    // Copy, then rename onto a taken name (refused with a free one).
    let body = enc(&[
        ("op", "copy".into()),
        ("copy_name", "停车二期".into()),
        ("copy_title", "停车难专题（二期）".into()),
    ]);
    let res = app.clone().oneshot(form(&url, &body)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (s, v) = json(
        &app,
        "GET",
        &format!("/api/packets/{}", path("停车二期")),
        &[],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["title"], "停车难专题（二期）");
    assert_eq!(v["cases"][0]["note"], "再看协议，第二版");
    let body = enc(&[("op", "rename".into()), ("rename", "停车二期".into())]);
    let res = app.clone().oneshot(form(&url, &body)).await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = res.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&page).contains("停车二期-2"));

    // One case as a Word file, for trainees.
    let (s, h, b) = send(
        &app,
        "GET",
        "/cases/parking-test-01/download/docx?edition=student",
        &[],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let cd = h[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(cd.contains(".docx"), "{cd}");
    assert!(b.starts_with(b"PK"), "a zip");
    let (s, _, _) = send(
        &app,
        "GET",
        "/cases/parking-test-01/download/docx?edition=pupil",
        &[],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
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
