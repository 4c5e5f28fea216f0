//! The case form in the browser (add, import an upload, edit with a version) and live pickup of
//! corpus changes by the running service.

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use anli::server::{AppState, ServerOptions, WriteAccess};
use common::http::{call, call_json, q, send};
use common::*;

const LOCAL: (&str, &str) = ("host", "127.0.0.1");

fn state(f: &Fixture) -> AppState {
    indexed_state(
        f.library(),
        ServerOptions {
            packets: f.packets(),
            access: WriteAccess::local(),
        },
    )
}

fn form(uri: &str, pairs: &[(&str, &str)]) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header("host", "127.0.0.1")
        // As a browser posts the page's forms: from this service's origin (a bare form post
        // is refused, see tests/security.rs).
        .header(header::ORIGIN, "http://127.0.0.1")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(pairs).unwrap()))
        .unwrap()
}

fn html(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

/// The value of the first `name="version" value="…"` on a page.
fn version_in(page: &str) -> String {
    let at = page.find("name=\"version\" value=\"").unwrap() + "name=\"version\" value=\"".len();
    page[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn add_edit_and_refuse_a_stale_edit() {
    let f = Fixture::standard();
    let app = anli::server::router(state(&f));
    let (s, _, body) = call(&app, "GET", "/cases/new", &[LOCAL], None).await;
    assert_eq!(s, StatusCode::OK);
    let page = html(&body);
    assert!(
        page.contains("从文件导入") && page.contains("value=\"停车管理\""),
        "topics from the vocabulary"
    );

    // A missing title is said, and what was typed stays.
    let (s, _, body) = send(
        &app,
        form(
            "/cases/new",
            &[("title", ""), ("heading", "做法"), ("body", "错峰停车。")],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        html(&body).contains("请填写标题") && html(&body).contains("错峰停车。"),
        "{}",
        html(&body)
    );

    let new = [
        ("title", "楼道堆物清理：居民自己定公约"),
        ("topics", "消防安全"),
        ("topics", "议事协商"),
        ("region", "浙江省/杭州市/西湖区"),
        ("year", "2022"),
        ("kind", "示例"),
        ("source", "编写组"),
        ("summary", "楼道堆物多，居民议事会定了公约。"),
        ("heading", "背景"),
        ("body", "老楼道里堆满了纸箱和旧家具。"),
        ("heading", "做法"),
        (
            "body",
            "楼组长牵头开议事会，大家定下“楼道公约”，每月清一次。",
        ),
        ("heading", "成效"),
        ("body", ""),
    ];
    let (s, h, _) = send(&app, form("/cases/new", &new)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let url = h[header::LOCATION].to_str().unwrap().to_string();
    let id = url.trim_start_matches("/cases/").to_string();
    let file = f.corpus().join(format!("imported/{id}.md"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("topics: [消防安全, 议事协商]") && text.contains("## 做法"),
        "{text}"
    );
    assert!(anli::case::corpus::parse_case(
        &file,
        "x.md",
        text.as_bytes(),
        &anli::topics::Topics::builtin(),
        &mut Vec::new()
    )
    .is_ok());
    // Searchable at once.
    let (_, v) = call_json(
        &app,
        "GET",
        &format!("/api/search?{}", q("楼道公约")),
        &[],
        None,
    )
    .await;
    assert_eq!(v["hits"][0]["id"], id.as_str(), "{v}");

    // Edit: the form carries the file's version.
    let (s, _, body) = call(&app, "GET", &format!("{url}/edit"), &[LOCAL], None).await;
    assert_eq!(s, StatusCode::OK);
    let page = html(&body);
    let version = version_in(&page);
    assert!(page.contains("楼组长牵头开议事会"));
    let mut edited: Vec<(&str, &str)> = new.to_vec();
    edited.push(("version", &version));
    edited[10] = ("body", "楼组长牵头开议事会，定下“楼道公约”，每两周清一次。");
    let (s, _, _) = send(&app, form(&format!("{url}/edit"), &edited)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("每两周清一次"));
    // The same stale version again: refused, not overwritten.
    edited[10] = ("body", "别人的旧版本。");
    let (s, _, body) = send(&app, form(&format!("{url}/edit"), &edited)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{}", html(&body));
    assert!(html(&body).contains("刚被别人修改过"));
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("每两周清一次"));

    // Writes need write access.
    let (s, _, _) = call(&app, "GET", "/cases/new", &[("host", "evil.example")], None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_upload_is_shown_as_drafts_to_review() {
    let f = Fixture::standard();
    let app = anli::server::router(state(&f));
    let page = std::fs::read(repo().join("tests/fixtures/import/gov-wuhan-gbk.html")).unwrap();
    let boundary = "XyZboundary";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"wuhan.html\"\r\nContent-Type: text/html\r\n\r\n").as_bytes());
    body.extend_from_slice(&page);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::builder()
        .method("POST")
        .uri("/cases/import")
        .header("host", "127.0.0.1")
        .header(header::ORIGIN, "http://127.0.0.1")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (s, _, body) = send(&app, req).await;
    let page = html(&body);
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(
        page.contains("value=\"武汉市实施社区党组织书记提能计划\""),
        "{page}"
    );
    assert!(page.contains("value=\"湖北省&#x2f;武汉市\""), "{page}");
    assert!(page.contains("value=\"2024\""));
    assert!(page.contains("topics 是按检索结果推荐的"));
    assert!(
        !f.corpus().join("imported").exists(),
        "nothing saved before review"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_picks_up_corpus_changes_by_itself() {
    let f = Fixture::standard();
    let st = state(&f);
    let _watcher = anli::server::live::watch(st.clone()).expect("watches the corpus");
    let app = anli::server::router(st);
    let wait_for = |query: &'static str, want: bool| {
        let app = app.clone();
        async move {
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let (_, v) = call_json(
                    &app,
                    "GET",
                    &format!("/api/search?{}&mode=keyword", q(query)),
                    &[],
                    None,
                )
                .await;
                let found = v["hits"]
                    .as_array()
                    .is_some_and(|h| h.iter().any(|h| h["id"] == "parking-test-02"));
                if found == want {
                    return;
                }
                assert!(Instant::now() < deadline, "{query}: still {found}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    // A new file is indexed without `anli index`.
    f.write(
        "sub/new.md",
        &PARKING
            .replace("parking-test-01", "parking-test-02")
            .replace("借单位大院错时停车", "潮汐车位试点"),
    );
    wait_for("潮汐车位", true).await;
    // A broken edit: reported on the status page, the old version stays searchable.
    f.write(
        "sub/new.md",
        "---\nid: parking-test-02\ntitle: [未闭合\n---\n",
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, _, body) = call(&app, "GET", "/admin/status", &[LOCAL], None).await;
        if html(&body).contains("new.md:") {
            assert!(html(&body).contains("服务在监视"));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the broken file is listed: {}",
            html(&body)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for("潮汐车位", true).await;
    // Removed: gone from the index.
    f.remove("sub/new.md");
    wait_for("潮汐车位", false).await;
}
