//! The URLs the pages build: search links with filters, packet pages, and where a form goes
//! back to.

/// A `/?…` link with these parameters (empty values left out).
pub fn search_link(params: &[(&str, Option<&str>)]) -> String {
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (*k, v)))
        .collect();
    match serde_urlencoded::to_string(&pairs) {
        Ok(q) if !q.is_empty() => format!("/?{q}"),
        _ => "/".to_string(),
    }
}

/// The page of packet `name`.
pub fn packet_url(name: &str) -> String {
    let enc = serde_urlencoded::to_string([("", name)]).unwrap_or_default();
    format!("/packets/{}", enc.trim_start_matches('='))
}

/// A local path to go back to (never another site), with anything outside visible ASCII
/// percent-encoded so it can go in a `Location` header.
pub fn local(back: &str) -> Option<String> {
    if !back.starts_with('/') || back.starts_with("//") || back.contains('\\') {
        return None;
    }
    Some(
        back.bytes()
            .map(|b| {
                if b.is_ascii_graphic() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect(),
    )
}

/// `url` with `key=value` added to its query.
pub fn with_param(url: &str, key: &str, value: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    let pair = serde_urlencoded::to_string([(key, value)]).unwrap_or_default();
    format!("{url}{sep}{pair}")
}

/// This page's path and query without a previous `added=` notice, for a form to come back to.
pub fn return_path(uri: &axum::http::Uri) -> String {
    let path = uri.path();
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| serde_urlencoded::from_str(q).unwrap_or_default())
        .unwrap_or_default();
    let kept: Vec<&(String, String)> = query.iter().filter(|(k, _)| k != "added").collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(kept).unwrap_or_default()
        )
    }
}
