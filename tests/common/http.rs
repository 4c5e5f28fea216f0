//! Driving the router in-process with `tower::ServiceExt::oneshot`.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Send `req`: status, headers and body.
pub async fn send(app: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

/// A request with `headers` and, when given, a JSON body.
pub fn request(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap()
}

/// A body as JSON (`null` when it is not JSON).
pub fn json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).unwrap_or(serde_json::Value::Null)
}

/// The ids of the hits of a search result in JSON.
pub fn hit_ids(v: &serde_json::Value) -> Vec<&str> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect()
}

/// `q=…`, URL-encoded.
pub fn q(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).unwrap()
}

/// A path segment, URL-encoded (a packet name).
pub fn segment(name: &str) -> String {
    serde_urlencoded::to_string([("", name)])
        .unwrap()
        .trim_start_matches('=')
        .to_string()
}

/// The router over an indexed fixture, its packets in the fixture, writes allowed by `access`.
pub fn app(f: &super::Fixture, access: anli::server::WriteAccess) -> Router {
    anli::server::router(super::indexed_state(
        f.library(),
        anli::server::ServerOptions {
            packets: f.packets(),
            access,
        },
    ))
}

/// [`send`] of a [`request`].
pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    send(app, request(method, uri, headers, body)).await
}

/// [`call`], the answer as JSON.
pub async fn call_json(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let (s, _, b) = call(app, method, uri, headers, body).await;
    (s, json(&b))
}
