//! Concurrent edits to one packet — many API requests and the CLI at once — all survive.

mod common;

use axum::http::StatusCode;

use anli::server::WriteAccess;
use common::cli::anli_command;
use common::http::{app, call_json as json, segment as path};
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_edits_to_one_packet_all_survive() {
    let f = Fixture::standard();
    for i in 0..30 {
        f.write(
            &format!("extra/{i}.md"),
            &format!(
                "---\nid: extra-{i:02}\ntitle: 第{i}个补充案例\ntopics: [停车管理]\n---\n## 做法\n\n社区党委召集居民议事，商定错时停车办法。\n"
            ),
        );
    }
    let app = app(&f, WriteAccess::local());
    let (s, _) = json(
        &app,
        "POST",
        "/api/packets",
        &[],
        Some(serde_json::json!({"name": "课", "title": "并发", "ids": ["parking-test-01", "ebike-test-01", "elevator-test-01"]})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // At once: 30 requests each adding its own case, 30 note edits and moves on the first
    // three cases, and the CLI adding a question to the same file.
    let mut tasks = Vec::new();
    for i in 0..30 {
        let app2 = app.clone();
        tasks.push(tokio::spawn(async move {
            let uri = format!("/api/packets/{}/cases", path("课"));
            let body = serde_json::json!({"ids": [format!("extra-{i:02}")]});
            let (s, v) = json(&app2, "POST", &uri, &[], Some(body)).await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }));
        let app2 = app.clone();
        tasks.push(tokio::spawn(async move {
            let id = ["parking-test-01", "ebike-test-01", "elevator-test-01"][i % 3];
            let uri = format!("/api/packets/{}/cases/{id}", path("课"));
            let body = serde_json::json!({"note": format!("第{i}次按语"), "to": 1 + i % 3});
            let (s, v) = json(&app2, "PATCH", &uri, &[], Some(body)).await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }));
    }
    let cli = {
        let mut cmd = anli_command(&f);
        cmd.args(["packet", "question", "课", "命令行加的讨论题"]);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
    };
    for t in tasks {
        t.await.unwrap();
    }
    assert!(cli.await.unwrap().status.success());
    let (_, v) = json(
        &app,
        "GET",
        &format!("/api/packets/{}", path("课")),
        &[],
        None,
    )
    .await;
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 33, "no add was lost, no case duplicated: {v}");
    for i in 0..30 {
        let id = format!("extra-{i:02}");
        let n = cases.iter().filter(|c| c["id"] == id.as_str()).count();
        assert_eq!(n, 1, "{id}");
    }
    let noted = cases
        .iter()
        .filter(|c| c["note"].as_str().unwrap_or("").starts_with('第'))
        .count();
    assert_eq!(noted, 3, "each of the three cases kept a note: {v}");
    assert_eq!(
        v["questions"],
        serde_json::json!(["命令行加的讨论题"]),
        "the CLI edit survived"
    );
}
