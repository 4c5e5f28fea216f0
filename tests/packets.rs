//! Case packets end to end: the `anli packet` commands, each export format (the DOCX read back,
//! and opened by LibreOffice where it is installed), missing cases, the HTTP API and its write
//! rule, and concurrent edits to one packet.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

use anli::index::{IndexOptions, NoProgress};
use anli::server::{router, ServerOptions, WriteAccess};
use anli::Engine;
use common::*;

const TOKEN: &str = "peixun-ban-2026-token";

fn anli(f: &Fixture, cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_anli"))
        .args(args)
        .current_dir(cwd)
        .env("ANLI_CORPUS", f.corpus())
        .env("ANLI_INDEX", f.index())
        .env("ANLI_SCHEMA", schema_dir())
        .env("ANLI_PACKETS", packets_dir(f))
        .env_remove("ANLI_LOG")
        .output()
        .expect("anli runs")
}

fn packets_dir(f: &Fixture) -> PathBuf {
    f.dir.path().join("packets")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Paragraph texts and style ids of a .docx, read back with docx-rs.
fn docx_paragraphs(bytes: &[u8]) -> Vec<(String, String)> {
    let doc = docx_rs::read_docx(bytes).expect("the .docx reads back");
    doc.document
        .children
        .iter()
        .filter_map(|c| match c {
            docx_rs::DocumentChild::Paragraph(p) => Some((
                p.property
                    .style
                    .as_ref()
                    .map(|s| s.val.clone())
                    .unwrap_or_default(),
                p.raw_text(),
            )),
            _ => None,
        })
        .collect()
}

fn find_program(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

#[test]
fn instructor_builds_a_packet_from_the_command_line() {
    let f = Fixture::standard();
    let out = tempfile::tempdir().unwrap();
    let cwd = out.path();

    let o = anli(
        &f,
        cwd,
        &[
            "packet",
            "new",
            "停车专题",
            "--title",
            "停车难专题",
            "--audience",
            "新任社区书记培训班",
            "--from-query",
            "停车难",
            "--limit",
            "1",
        ],
    );
    ok(&o);
    assert!(err(&o).contains("停车专题"), "{}", err(&o));
    let text = std::fs::read_to_string(packets_dir(&f).join("停车专题.toml")).unwrap();
    assert!(text.contains("query = \"停车难\""), "{text}");
    assert!(text.contains("id = \"parking-test-01\""), "{text}");

    // Same name again: refused, the file untouched.
    let o = anli(&f, cwd, &["packet", "new", "停车专题", "--title", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("已经有名为“停车专题”"), "{}", err(&o));
    // A name that is not a file name.
    let o = anli(&f, cwd, &["packet", "new", "../evil", "--title", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!f.dir.path().join("evil.toml").exists());

    ok(&anli(
        &f,
        cwd,
        &[
            "packet",
            "add",
            "停车专题",
            "elevator-test-01",
            "ebike-test-01",
        ],
    ));
    let o = anli(&f, cwd, &["packet", "add", "停车专题", "no-such-case"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no-such-case"), "{}", err(&o));
    ok(&anli(
        &f,
        cwd,
        &["packet", "move", "停车专题", "ebike-test-01", "--to", "1"],
    ));
    ok(&anli(
        &f,
        cwd,
        &[
            "packet",
            "note",
            "停车专题",
            "parking-test-01",
            "重点看共享协议怎么签。",
        ],
    ));
    ok(&anli(
        &f,
        cwd,
        &[
            "packet",
            "question",
            "停车专题",
            "单位不愿意开放车位时，社区还能找谁？",
        ],
    ));
    ok(&anli(
        &f,
        cwd,
        &["packet", "remove", "停车专题", "elevator-test-01"],
    ));
    let o = anli(
        &f,
        cwd,
        &["packet", "move", "停车专题", "ebike-test-01", "--to", "9"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("超出范围"), "{}", err(&o));

    let show = ok(&anli(&f, cwd, &["packet", "show", "停车专题"]));
    let ebike = show.find("ebike-test-01").unwrap();
    let parking = show.find("parking-test-01").unwrap();
    assert!(ebike < parking, "order after move:\n{show}");
    assert!(!show.contains("elevator-test-01"), "{show}");
    assert!(show.contains("教师按：重点看共享协议怎么签。"), "{show}");
    assert!(show.contains("1. 单位不愿意开放车位时"), "{show}");
    assert!(ok(&anli(&f, cwd, &["packet", "list"])).contains("停车专题\t停车难专题\t2 个案例"));

    // All three formats, to the default file names in the current folder.
    for fmt in ["md", "html", "docx"] {
        ok(&anli(
            &f,
            cwd,
            &["packet", "build", "停车专题", "--format", fmt],
        ));
    }
    let md = std::fs::read_to_string(cwd.join("停车专题.md")).unwrap();
    assert!(md.starts_with("# 停车难专题\n"), "{md}");
    assert!(
        md.contains("案例编号：ebike-test-01, parking-test-01"),
        "{md}"
    );
    let html = std::fs::read_to_string(cwd.join("停车专题.html")).unwrap();
    assert!(html.contains("<h2>案例 2　借单位大院错时停车，缓解老旧小区停车难</h2>"));
    let paras = docx_paragraphs(&std::fs::read(cwd.join("停车专题.docx")).unwrap());
    let h1: Vec<&str> = paras
        .iter()
        .filter(|(s, _)| s == "Heading1")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        h1,
        [
            "案例 1　楼下建起充电车棚，楼道飞线充电少了",
            "案例 2　借单位大院错时停车，缓解老旧小区停车难",
            "讨论题"
        ]
    );
    // `-o -` writes to standard output.
    let o = anli(
        &f,
        cwd,
        &["packet", "build", "停车专题", "--format", "md", "-o", "-"],
    );
    assert!(ok(&o).starts_with("# 停车难专题"));
}

#[test]
fn a_case_that_left_the_corpus_is_shown_as_missing_everywhere() {
    let f = Fixture::standard();
    let out = tempfile::tempdir().unwrap();
    let cwd = out.path();
    ok(&anli(
        &f,
        cwd,
        &["packet", "new", "加梯", "--title", "加梯专题"],
    ));
    ok(&anli(
        &f,
        cwd,
        &[
            "packet",
            "add",
            "加梯",
            "elevator-test-01",
            "parking-test-01",
        ],
    ));
    ok(&anli(
        &f,
        cwd,
        &[
            "packet",
            "note",
            "加梯",
            "elevator-test-01",
            "一楼协商是重点",
        ],
    ));
    f.remove("elevator.md");

    // check: the packet's missing id is reported with file and line; exit 1.
    let o = anli(&f, cwd, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("加梯.toml:"), "{e}");
    assert!(e.contains("“elevator-test-01”已不在案例库中"), "{e}");

    // show and build still work, say which case is missing, and exit 1.
    let o = anli(&f, cwd, &["packet", "show", "加梯"]);
    assert_eq!(o.status.code(), Some(1));
    let show = String::from_utf8_lossy(&o.stdout);
    assert!(
        show.contains("1. （缺失：已不在案例库中）  [elevator-test-01]"),
        "{show}"
    );
    assert!(show.contains("教师按：一楼协商是重点"), "{show}");
    for fmt in ["md", "html", "docx"] {
        let o = anli(&f, cwd, &["packet", "build", "加梯", "--format", fmt]);
        assert_eq!(o.status.code(), Some(1), "{fmt}: {}", err(&o));
        assert!(
            err(&o).contains("elevator-test-01 已不在案例库中"),
            "{}",
            err(&o)
        );
    }
    let md = std::fs::read_to_string(cwd.join("加梯.md")).unwrap();
    assert!(md.contains("## 案例 1　（缺失）elevator-test-01"), "{md}");
    assert!(md.contains("## 案例 2　借单位大院错时停车"), "{md}");
    let html = std::fs::read_to_string(cwd.join("加梯.html")).unwrap();
    assert!(html.contains("class=\"missing\""), "{html}");
    let paras = docx_paragraphs(&std::fs::read(cwd.join("加梯.docx")).unwrap());
    assert!(paras
        .iter()
        .any(|(s, t)| s == "Heading1" && t == "案例 1　（缺失）elevator-test-01"));
    assert!(paras.iter().any(|(_, t)| t.contains("已不在案例库中")));
}

#[test]
fn the_docx_handout_is_a_real_word_document() {
    let dir = tempfile::tempdir().unwrap();
    let lib = bundled_library(dir.path());
    lib.index(&IndexOptions::default(), &NoProgress).unwrap();
    let engine = Engine::open(&lib).unwrap();
    // The example packet that ships with the repository.
    let store = anli::packet::PacketStore::new(repo().join("packets"));
    let stored = store.load("加梯专题").expect("the bundled example packet");
    let r = anli::packet::Resolved::new(&stored, &engine).unwrap();
    assert!(
        r.missing().is_empty(),
        "bundled packet names only bundled cases"
    );
    let bytes = anli::packet::handout::docx::docx(&r).unwrap();

    // Read back: Word heading styles for cases and sections, the text, fonts, provenance.
    let paras = docx_paragraphs(&bytes);
    let h1: Vec<&str> = paras
        .iter()
        .filter(|(s, _)| s == "Heading1")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(h1.len(), r.entries.len() + 1, "{h1:?}");
    for (i, e) in r.entries.iter().enumerate() {
        let title = &e.case().unwrap().meta.title;
        assert_eq!(h1[i], format!("案例 {}　{title}", i + 1));
    }
    assert!(paras
        .iter()
        .any(|(s, t)| s == "Heading2" && t.contains("做法")));
    assert!(paras
        .iter()
        .any(|(s, t)| s == "Title" && t == &r.packet.title));
    let body: String = paras.iter().map(|(_, t)| t.as_str()).collect();
    let first = r.entries[0].case().unwrap();
    let sample: String = first.sections[0].text.chars().take(30).collect();
    assert!(body.contains(&sample), "case text in the document");
    assert!(body.contains(&format!(
        "案例库版本 {}",
        anli::packet::short(&r.corpus_version)
    )));
    let doc = docx_rs::read_docx(&bytes).unwrap();
    let styles = serde_json::to_string(&doc.styles).unwrap();
    assert!(
        styles.contains("宋体") && styles.contains("黑体"),
        "CJK fonts set"
    );
    let heading1 = doc
        .styles
        .find_style_by_id("Heading1")
        .expect("Heading1 style");
    let heading1 = serde_json::to_value(heading1).unwrap();
    assert_eq!(heading1["name"], "heading 1", "{heading1}");

    // Opened by a real office suite, where one is installed (CI installs LibreOffice).
    let Some(soffice) = find_program("soffice").or_else(|| find_program("libreoffice")) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have LibreOffice (.ci/run installs libreoffice-writer-nogui)"
        );
        eprintln!("skipped the LibreOffice check: soffice is not installed (Debian: apt-get install libreoffice-writer-nogui)");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("handout.docx");
    std::fs::write(&input, &bytes).unwrap();
    let o = Command::new(soffice)
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "txt:Text (encoded):UTF8",
        ])
        .arg("--outdir")
        .arg(work.path())
        .arg(&input)
        .env("HOME", work.path())
        .output()
        .expect("soffice runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(work.path().join("handout.txt")).expect("converted text");
    assert!(text.contains(&r.packet.title), "LibreOffice read the title");
    assert!(
        text.contains(&first.meta.title),
        "LibreOffice read the first case"
    );
    assert!(text.contains(&sample), "LibreOffice read the case text");
}

// ---------------------------------------------------------------------------------------------
// HTTP

fn app(f: &Fixture, access: WriteAccess) -> Router {
    router(indexed_state(
        f.library(),
        ServerOptions {
            packets: packets_dir(f),
            access,
        },
    ))
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let h = res.headers().clone();
    (
        status,
        h,
        res.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

async fn json(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let (s, _, b) = send(app, method, uri, headers, body).await;
    (
        s,
        serde_json::from_slice(&b).unwrap_or(serde_json::Value::Null),
    )
}

fn path(name: &str) -> String {
    serde_urlencoded::to_string([("", name)])
        .unwrap()
        .trim_start_matches('=')
        .to_string()
}

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
        .filter(|e| e.path().parent() != Some(packets_dir(&f).as_path()))
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
        !String::from_utf8_lossy(&b).contains("name=\"action\""),
        "no forms without the token"
    );
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={TOKEN}")))
        .unwrap();
    let res = lan.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
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
    assert!(String::from_utf8_lossy(&b).contains("name=\"action\" value=\"remove\""));
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("token=guess-guess-guess"))
        .unwrap();
    assert_eq!(
        lan.clone().oneshot(req).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
}

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
        let corpus = f.corpus();
        let index = f.index();
        let packets = packets_dir(&f);
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_anli"))
                .args(["packet", "question", "课", "命令行加的讨论题"])
                .env("ANLI_CORPUS", corpus)
                .env("ANLI_INDEX", index)
                .env("ANLI_SCHEMA", schema_dir())
                .env("ANLI_PACKETS", packets)
                .output()
                .unwrap()
        })
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

#[tokio::test]
async fn the_page_forms_add_from_results_and_edit_the_packet() {
    let f = Fixture::standard();
    let app = app(&f, WriteAccess::local());
    let form = |uri: &str, body: &str| {
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
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
    std::fs::create_dir_all(packets_dir(&f)).unwrap();
    std::fs::write(
        packets_dir(&f).join("坏.toml"),
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
