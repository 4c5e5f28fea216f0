//! What an adversarial review of the service broke (issue 16), each checked: DNS rebinding
//! reads, strict Host parsing, packet names by bytes, text cleaning and Markdown escaping on
//! creation, limits on packets, where writes come from (Origin scheme, Referer, bare form
//! posts), the reverse-proxy setup (in-process, and through a real nginx where installed),
//! throttled and logged wrong tokens, page size for a long query, JSON for undecodable paths,
//! and `anli serve --help` agreeing with README.
//!
//! Slow and numerous clients are checked in `tests/service.rs`, packet files made durable in
//! `tests/packet_cli.rs`.

mod common;

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use anli::server::{ServerOptions, WriteAccess};
use common::cli::anli_command;
use common::http::{app, call, call_json, segment};
use common::live::{free_port, nginx_program, start_nginx, Killed};
use common::*;

const TOKEN: &str = "peixun-ban-2026-token";

/// Form headers as a browser sends them from a page of `origin`.
fn browser_form(origin: &str, host: &str) -> Vec<(String, String)> {
    vec![
        ("host".into(), host.into()),
        ("origin".into(), origin.into()),
        ("sec-fetch-site".into(), "same-origin".into()),
        (
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ),
    ]
}

async fn post_form(
    app: &axum::Router,
    uri: &str,
    headers: &[(String, String)],
    body: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut req = axum::http::Request::post(uri);
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let (s, h, b) = common::http::send(
        app,
        req.body(axum::body::Body::from(body.to_string())).unwrap(),
    )
    .await;
    (s, h, String::from_utf8_lossy(&b).into_owned())
}

/// Create packet `name` through the API (as a local program would).
async fn create(app: &axum::Router, body: serde_json::Value) -> serde_json::Value {
    let (s, v) = call_json(app, "POST", "/api/packets", &[], Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

#[tokio::test]
async fn dns_rebinding_cannot_read_anything_and_hosts_are_parsed_strictly() {
    let f = Fixture::standard();
    let local = app(&f, WriteAccess::local());
    create(
        &local,
        serde_json::json!({"name": "p", "title": "停车", "ids": ["parking-test-01"]}),
    )
    .await;
    let reads = [
        "/api/packets/p",
        "/api/packets/p/export?format=md",
        "/api/packets",
        "/api/search?q=%E5%81%9C%E8%BD%A6",
        "/api/health",
        "/packets/p",
        "/packets/p/download/md",
        "/",
        "/cases/parking-test-01",
        "/static/app.css",
    ];
    for uri in reads {
        // A page on evil.example whose name now points at 127.0.0.1.
        let (s, h, b) = call(&local, "GET", uri, &[("host", "evil.example:7878")], None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{uri}");
        let body = String::from_utf8_lossy(&b);
        assert!(!body.contains("parking-test-01"), "{uri}: {body}");
        if uri.starts_with("/api/") {
            assert_eq!(h[header::CONTENT_TYPE], "application/json", "{uri}");
            assert_eq!(common::http::json(&b)["code"], "bad_host", "{uri}");
        }
        let (s, _, _) = call(&local, "GET", uri, &[("host", "localhost:7878")], None).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
    }
    // Malformed or repeated Host: 400, in every mode.
    let lan = app(
        &f,
        WriteAccess::new("0.0.0.0:7878".parse().unwrap(), None).unwrap(),
    );
    for service in [&local, &lan] {
        for hosts in [
            &[("host", "localhost:evil.example")][..],
            &[("host", "[::1]evil")][..],
            &[("host", "localhost:7878"), ("host", "evil.example")][..],
        ] {
            let (s, v) = call_json(service, "GET", "/api/packets/p", hosts, None).await;
            assert_eq!(
                (s, v["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some("bad_host")),
                "{hosts:?}"
            );
        }
    }
    // Open to the LAN, any well-formed name may read.
    let (s, _, _) = call(
        &lan,
        "GET",
        "/api/packets/p",
        &[("host", "anli.lan:7878")],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn client_input_never_gives_a_server_error() {
    let f = Fixture::standard();
    let app = app(&f, WriteAccess::local());
    // Names are limited in bytes: 62 four-byte characters are too long for a file name.
    let wide = "𠀀".repeat(62);
    let (s, v) = call_json(
        &app,
        "POST",
        "/api/packets",
        &[],
        Some(serde_json::json!({"name": wide, "title": "t"})),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_packet_name")),
        "{v}"
    );
    for uri in [
        format!("/api/packets/{}", segment(&"𠀀".repeat(64))),
        format!(
            "/api/packets/{}/export?format=md",
            segment(&"𠀀".repeat(64))
        ),
    ] {
        let (s, v) = call_json(&app, "GET", &uri, &[], None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {v}");
    }
    // 64 Chinese characters are a fine name.
    create(
        &app,
        serde_json::json!({"name": "长".repeat(64), "title": "t"}),
    )
    .await;
    // Paths that are not UTF-8: JSON under /api/, the error page elsewhere.
    for (method, uri) in [
        ("GET", "/api/packets/%FF%FE"),
        ("GET", "/api/cases/%FF"),
        ("DELETE", "/api/packets/%FF%FE/cases/x"),
        ("GET", "/api/packets/%FF%FE/cases/x"),
    ] {
        let (s, h, b) = call(&app, method, uri, &[], None).await;
        assert!(s.is_client_error(), "{uri}: {s}");
        assert_eq!(h[header::CONTENT_TYPE], "application/json", "{uri}");
        let v = common::http::json(&b);
        assert!(
            v["code"].is_string() && v["message"].is_string(),
            "{uri}: {v}"
        );
    }
    let (s, h, _) = call(&app, "GET", "/packets/%FF%FE", &[], None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
}

#[tokio::test]
async fn new_packets_are_cleaned_like_edits_and_handouts_escape_what_was_typed() {
    let f = Fixture::standard();
    let app = app(&f, WriteAccess::local());
    let v = create(
        &app,
        serde_json::json!({
            "name": "p",
            "title": "停车专题\n## 注入的标题",
            "audience": "\u{1b}[2J\u{1b}[31m新任书记",
            "date": "2026-11-21\t",
            "author": "张\u{202e}三",
            "query": "停车\r\n# 注入",
            "limit": 1,
        }),
    )
    .await;
    assert_eq!(v["title"], "停车专题 ## 注入的标题");
    assert_eq!(v["audience"], "[2J[31m新任书记");
    assert_eq!(v["date"], "2026-11-21");
    assert_eq!(v["author"], "张三");
    assert_eq!(v["query"], "停车 # 注入");
    let version = v["version"].as_str().unwrap().to_string();
    let (s, v) = call_json(
        &app,
        "PUT",
        "/api/packets/p",
        &[],
        Some(serde_json::json!({"version": version, "questions": ["<script>alert(2)</script>怎么办？"]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["cases"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = call_json(
        &app,
        "PATCH",
        &format!("/api/packets/p/cases/{id}"),
        &[],
        Some(serde_json::json!({"note": "<script>alert(1)</script>\n## 不是标题\n[链接](https://evil.example)"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _, md) = call(&app, "GET", "/api/packets/p/export?format=md", &[], None).await;
    assert_eq!(s, StatusCode::OK);
    let md = String::from_utf8(md).unwrap();
    for bad in ["\n## 注入", "\n## 不是", "[链接](", "\u{1b}", "\u{202e}"] {
        assert!(!md.contains(bad), "{bad:?} in\n{md}");
    }
    assert!(md.starts_with("# 停车专题 \\#\\# 注入的标题\n"), "{md}");
    // As a Markdown reader sees it: no HTML, no links, and only the handout's own headings.
    use pulldown_cmark::{Event, Tag};
    let mut headings = 0;
    for ev in pulldown_cmark::Parser::new(&md) {
        match ev {
            Event::Html(h) | Event::InlineHtml(h) => panic!("HTML {h:?} in\n{md}"),
            Event::Start(Tag::Link { .. }) => panic!("a link in\n{md}"),
            Event::Start(Tag::Heading { .. }) => headings += 1,
            _ => {}
        }
    }
    let ours = 1 + 1 + md.matches("\n## 案例 ").count() + md.matches("\n### ").count() + 1;
    assert_eq!(
        headings, ours,
        "title, 目录, cases, their sections, 讨论题:\n{md}"
    );
    // A hand-edited file with an escape sequence is reported, not shown.
    std::fs::write(
        f.packets().join("手改.toml"),
        "title = \"\\u001b[31m红色标题\"\n",
    )
    .unwrap();
    let (s, v) = call_json(
        &app,
        "GET",
        &format!("/api/packets/{}", segment("手改")),
        &[],
        None,
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_packet_file")),
        "{v}"
    );
    assert!(!v["message"].as_str().unwrap().contains('\u{1b}'));
}

#[tokio::test]
async fn packets_are_bounded_in_number_and_size() {
    let f = Fixture::standard();
    let app = app(&f, WriteAccess::local());
    std::fs::create_dir_all(f.packets()).unwrap();
    for i in 0..anli::packet::MAX_PACKETS {
        std::fs::write(f.packets().join(format!("p{i}.toml")), "title = \"t\"\n").unwrap();
    }
    let (s, v) = call_json(
        &app,
        "POST",
        "/api/packets",
        &[],
        Some(serde_json::json!({"name": "one-more", "title": "t"})),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("too_many_packets")),
        "{v}"
    );
    assert!(v["message"].as_str().unwrap().contains("上限"), "{v}");
    // A packet may not grow past the size limit: one just under it takes a longer title...
    let max = anli::packet::MAX_PACKET_BYTES;
    let mut questions = Vec::new();
    let mut size = 64;
    while size + 12_100 < max - 300 {
        questions.push("问".repeat(4_000));
        size += 12_005;
    }
    questions.push("问".repeat((max - 300 - size) / 3));
    let text = format!("title = \"t\"\nquestions = {questions:?}\n");
    assert!(text.len() < max && text.len() > max - 400, "{}", text.len());
    std::fs::write(f.packets().join("p0.toml"), text).unwrap();
    let (s, _) = call_json(&app, "GET", "/api/packets/p0", &[], None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = call_json(
        &app,
        "PUT",
        "/api/packets/p0",
        &[],
        Some(serde_json::json!({"title": "长".repeat(200)})),
    )
    .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("packet_too_large")),
        "{v}"
    );
    // A larger file put there by hand is not read.
    let big = format!(
        "title = \"t\"\nquestions = [\"{}\"]\n",
        "问".repeat(anli::packet::MAX_PACKET_BYTES / 3 + 10)
    );
    std::fs::write(f.packets().join("big.toml"), big).unwrap();
    let (s, v) = call_json(&app, "GET", "/api/packets/big", &[], None).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_packet_file")),
        "{v}"
    );
    let (s, v) = call_json(&app, "GET", "/api/packets", &[], None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), anli::packet::MAX_PACKETS);
}

#[tokio::test]
async fn writes_from_other_sites_are_refused_however_they_are_sent() {
    let f = Fixture::standard();
    let app = app(&f, WriteAccess::local());
    let host = ("host".to_string(), "127.0.0.1:7878".to_string());
    let form = (
        "content-type".to_string(),
        "application/x-www-form-urlencoded".to_string(),
    );
    let body = "name=a&title=t";
    // An old browser: no Origin, no Sec-Fetch-Site; the Referer says where the form was.
    let from = |referer: &str| {
        vec![
            host.clone(),
            form.clone(),
            ("referer".to_string(), referer.to_string()),
        ]
    };
    let (s, _, page) = post_form(&app, "/packets", &from("https://evil.example/x"), body).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{page}");
    let (s, _, page) = post_form(
        &app,
        "/packets",
        &from("https://127.0.0.1:7878/packets"),
        body,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "another scheme is another site: {page}"
    );
    let (s, _, _) = post_form(
        &app,
        "/packets",
        &from("http://127.0.0.1:7878/packets"),
        body,
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // A form post that says nothing about where it comes from.
    let (s, _, page) = post_form(
        &app,
        "/packets",
        &[host.clone(), form.clone()],
        "name=b&title=t",
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{page}");
    // Origin: scheme, host and port must all be ours.
    for origin in [
        "https://127.0.0.1:7878",
        "http://127.0.0.1:7879",
        "http://localhost:7878",
    ] {
        let (s, _, _) = post_form(
            &app,
            "/packets",
            &browser_form(origin, "127.0.0.1:7878"),
            "name=c&title=t",
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{origin}");
    }
    let (s, _, _) = post_form(
        &app,
        "/packets",
        &browser_form("http://127.0.0.1:7878", "127.0.0.1:7878"),
        "name=c&title=t",
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn behind_a_reverse_proxy_edits_work_when_configured() {
    let f = Fixture::standard();
    let token = WriteAccess::new("127.0.0.1:7878".parse().unwrap(), Some(TOKEN)).unwrap();
    let public = "https://anli.example.org";
    // nginx's default `proxy_set_header Host $proxy_host`: the service sees its own address.
    let proxied = |cookie: Option<&str>| {
        let mut h = browser_form(public, "127.0.0.1:7878");
        h.push(("x-forwarded-proto".into(), "https".into()));
        if let Some(c) = cookie {
            h.push(("cookie".into(), c.into()));
        }
        h
    };
    let login = |app: axum::Router, headers: Vec<(String, String)>| async move {
        let (s, h, page) = post_form(&app, "/login", &headers, &format!("token={TOKEN}")).await;
        (
            s,
            h.get(header::SET_COOKIE)
                .map(|c| c.to_str().unwrap().to_string()),
            page,
        )
    };
    // Without --public-url the Origin is not the Host: refused, and README says why.
    let plain = app(&f, token.clone());
    let (s, _, page) = login(plain.clone(), proxied(None)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{page}");
    // With --public-url: login, then edit with the cookie.
    let configured = app(&f, token.clone().with_public_url(public).unwrap());
    let (s, cookie, page) = login(configured.clone(), proxied(None)).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
    let cookie = cookie.unwrap();
    assert!(
        cookie.ends_with("; Secure") && !cookie.contains(TOKEN),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let (s, _, page) = post_form(
        &configured,
        "/packets",
        &proxied(Some(&pair)),
        "name=p&title=t",
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
    // Or the proxy passes the Host on (and says HTTPS): no --public-url needed.
    let mut kept = browser_form(public, "anli.example.org");
    kept.push(("x-forwarded-proto".into(), "https".into()));
    kept.push(("cookie".into(), pair.clone()));
    let (s, _, page) = post_form(&plain, "/packets", &kept, "name=q&title=t").await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{page}");
}

/// A raw HTTP/1.1 exchange on a new connection (`Connection: close`): status, head, body.
async fn exchange(addr: SocketAddr, request: String) -> (u16, String, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf))
        .await
        .expect("answered")
        .unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// A form POST as a browser on `origin` sends it through `addr`.
fn form_request(path: &str, host: &str, origin: &str, cookie: Option<&str>, body: &str) -> String {
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nSec-Fetch-Site: same-origin\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n{cookie}Connection: close\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_real_nginx_with_its_default_proxy_headers() {
    let Some(nginx) = nginx_program() else {
        eprintln!("skipped: nginx is not installed (Debian: apt-get install nginx)");
        return;
    };
    let f = Fixture::standard();
    // Three ways in: nginx's defaults with --public-url naming that address; a proxy that
    // passes the Host on; nginx's defaults at an address the service was not told about.
    let (with_url, keeps_host, unknown) = (free_port(), free_port(), free_port());
    let mut serve = anli_command(&f);
    serve
        .args(["serve", "--addr", "127.0.0.1:0", "--public-url"])
        .arg(format!("http://127.0.0.1:{with_url}"))
        .env("ANLI_ADMIN_TOKEN", TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = serve.spawn().expect("anli serve starts");
    let stderr = child.stderr.take().unwrap();
    let _anli = Killed(child);
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let backend = loop {
        let line = lines
            .next()
            .expect("anli serve said where it listens")
            .unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});

    let dir = tempfile::tempdir().unwrap();
    let pass = format!("proxy_pass http://{backend};");
    let _nginx = start_nginx(
        &nginx,
        dir.path(),
        &[
            (with_url, pass.clone()),
            (
                keeps_host,
                format!("{pass} proxy_set_header Host $http_host;"),
            ),
            (unknown, pass.clone()),
        ],
    );

    for (port, works) in [(with_url, true), (keeps_host, true), (unknown, false)] {
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let origin = format!("http://{addr}");
        let host = addr.to_string();
        let (status, head, body) = exchange(
            addr,
            form_request("/login", &host, &origin, None, &format!("token={TOKEN}")),
        )
        .await;
        if !works {
            assert_eq!(status, 403, "{head}\n{body}");
            continue;
        }
        assert_eq!(status, 303, "port {port}: {head}\n{body}");
        let cookie = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim())
            .expect("a session cookie")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let name = format!("via-{port}");
        let (status, head, body) = exchange(
            addr,
            form_request(
                "/packets",
                &host,
                &origin,
                Some(&cookie),
                &format!("name={name}&title=t"),
            ),
        )
        .await;
        assert_eq!(status, 303, "port {port}: {head}\n{body}");
        assert!(f.packets().join(format!("{name}.toml")).exists());
    }
}

/// A log writer into a shared buffer.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn wrong_tokens_are_logged_and_slowed_down_per_client() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let f = Fixture::standard();
    let access = WriteAccess::new("127.0.0.1:7878".parse().unwrap(), Some(TOKEN)).unwrap();
    let state = indexed_state(
        f.library(),
        ServerOptions {
            packets: f.packets(),
            access,
        },
    );
    let live = common::live::Live::start(state).await;
    let addr = live.addr;
    let attempt = |token: &str| {
        format!(
            "POST /api/packets HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        )
    };
    for i in 0..anli::server::access::TOKEN_ATTEMPTS {
        let (status, head, _) = exchange(addr, attempt(&format!("guess-{i:08}"))).await;
        assert_eq!(status, 403, "{head}");
    }
    let (status, head, body) = exchange(addr, attempt("guess-guess-guess")).await;
    assert_eq!(status, 429, "{head}");
    assert!(head.to_ascii_lowercase().contains("retry-after:"), "{head}");
    assert!(body.contains("too_many_attempts"), "{body}");
    // Even the right token waits: no guessing at full speed.
    let (status, _, _) = exchange(addr, attempt(TOKEN)).await;
    assert_eq!(status, 429);
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        text.matches("管理口令不对").count(),
        anli::server::access::TOKEN_ATTEMPTS as usize,
        "{text}"
    );
    assert!(text.contains("127.0.0.1"), "{text}");
    assert!(text.contains("错误次数太多"), "{text}");
    live.stop().await;
}

#[tokio::test]
async fn a_long_query_does_not_make_a_long_page() {
    let f = Fixture::standard();
    let app = app(&f, WriteAccess::local());
    let sentence = "小区停车难，晚上车都停到消防通道上，楼道里电动自行车充电也危险。";
    let q: String = sentence
        .chars()
        .cycle()
        .take(anli::server::MAX_QUERY_CHARS)
        .collect();
    let uri = format!("/?{}&mode=keyword", common::http::q(&q));
    assert!(uri.len() > 17_000, "{}", uri.len());
    let (s, _, page) = call(&app, "GET", &uri, &[], None).await;
    let page = String::from_utf8(page).unwrap();
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("class=\"hit\""), "results are shown");
    assert!(page.contains("id=\"facet-topic\""), "with filters");
    // The query appears a fixed number of times: the search box and a few forms.
    let copies = page.matches(q.as_str()).count();
    assert!(copies <= 8, "the query is repeated {copies} times");
    assert!(
        page.len() < 2 * uri.len() + 60_000,
        "{} bytes for a {}-byte address",
        page.len(),
        uri.len()
    );
}

#[test]
fn serve_help_says_what_readme_says_about_the_token() {
    let f = Fixture::standard();
    let out = anli_command(&f).args(["serve", "--help"]).output().unwrap();
    // Wrapped to the terminal: compare without the line breaks and indentation.
    let help: String = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect();
    assert!(help.contains("修改案例包总是需要它"), "{help}");
    assert!(!help.contains("本机访问不需要"), "{help}");
    assert!(help.contains("--public-url"), "{help}");
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let ops = readme.split("## 运维").nth(1).unwrap();
    assert!(ops.contains("**设置了口令，就总是要口令**"), "{ops}");
    assert!(ops.contains("--public-url"), "{ops}");
}
