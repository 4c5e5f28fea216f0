//! Who may change things (today: case packets) through the service.
//!
//! - Listening on a loopback address (the default `127.0.0.1`) with no admin token configured,
//!   only people at this computer can reach the service, so writes are allowed — as long as the
//!   request names the service as `localhost`, `127.0.0.1` or `[::1]` in its `Host` header (a
//!   web page elsewhere that re-points its own domain name at 127.0.0.1, "DNS rebinding", sends
//!   its own name and is refused).
//! - With an admin token (`--admin-token` / `ANLI_ADMIN_TOKEN`), writes always need it — also on
//!   loopback, where a reverse proxy on the same machine would make every visitor look local —
//!   sent as `Authorization: Bearer …` or as the `anli_token` cookie the `/login` page sets.
//! - Listening on any other address without a token, writes are refused. Reading stays open.
//! - Tokens are compared as BLAKE3 hashes, whose equality is constant-time.
//! - A write whose `Origin` is another site (or `Sec-Fetch-Site: cross-site`) is refused in every
//!   case, so a web page elsewhere cannot make a visitor's browser change packets.

use std::net::SocketAddr;

use axum::http::{header, HeaderMap, StatusCode};

use super::error::ApiError;

/// Name of the cookie holding the admin token.
pub const COOKIE: &str = "anli_token";
/// Shortest admin token accepted.
pub const MIN_TOKEN_CHARS: usize = 12;

/// The write rule of a running service.
#[derive(Debug, Clone)]
pub struct WriteAccess {
    loopback: bool,
    token: Option<blake3::Hash>,
}

impl WriteAccess {
    /// The rule for a service listening on `addr`, with an optional admin token. An empty token
    /// counts as none; a token shorter than [`MIN_TOKEN_CHARS`] is refused.
    pub fn new(addr: SocketAddr, token: Option<&str>) -> Result<WriteAccess, String> {
        let token = token.map(str::trim).filter(|t| !t.is_empty());
        if let Some(t) = token {
            if !t
                .chars()
                .all(|c| c.is_ascii_graphic() && !";,\"\\".contains(c))
            {
                return Err(
                    "管理口令只能用英文字母、数字和 - _ . ~ ! @ # $ % ^ & * + = : / ? 等符号（不能有空格、汉字、分号、逗号、引号或反斜杠）"
                        .into(),
                );
            }
            if t.chars().count() < MIN_TOKEN_CHARS {
                return Err(format!(
                    "管理口令太短：至少 {MIN_TOKEN_CHARS} 个字符（建议用一串随机字母数字）"
                ));
            }
        }
        Ok(WriteAccess {
            loopback: addr.ip().is_loopback(),
            token: token.map(|t| blake3::hash(t.as_bytes())),
        })
    }

    /// Writes allowed without a token (a service on this computer only; also what tests use).
    pub fn local() -> WriteAccess {
        WriteAccess {
            loopback: true,
            token: None,
        }
    }

    /// Whether the service listens on loopback only.
    pub fn is_local(&self) -> bool {
        self.loopback
    }

    /// Whether a token is configured.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// Whether `token` is the admin token (constant-time).
    pub fn token_matches(&self, token: &str) -> bool {
        self.token
            .is_some_and(|t| t == blake3::hash(token.trim().as_bytes()))
    }

    /// May a request with these headers write? `Err` says why not (401/403 JSON).
    pub fn check(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        if cross_site(headers) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "cross_origin",
                "拒绝来自其他网站的修改请求",
            ));
        }
        if self.token.is_none() && self.loopback {
            if !local_host(headers) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "cross_origin",
                    "拒绝修改：请用 http://127.0.0.1 或 http://localhost 访问本机服务",
                ));
            }
            return Ok(());
        }
        if self.token.is_none() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "read_only",
                "这个服务对局域网开放，但没有设置管理口令，所以不能修改（启动时加 --admin-token 或设置 ANLI_ADMIN_TOKEN）",
            ));
        }
        match presented_token(headers) {
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "token_required",
                "修改案例包需要管理口令：请先打开 /login 页面输入口令",
            )),
            Some(t) if self.token_matches(&t) => Ok(()),
            Some(_) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "bad_token",
                "管理口令不对",
            )),
        }
    }

    /// Whether a request with these headers may write (for hiding edit forms).
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        self.check(headers).is_ok()
    }
}

/// The token a request carries: `Authorization: Bearer …` or the cookie.
fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(auth) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(t) = auth.strip_prefix("Bearer ") {
            return Some(t.trim().to_string());
        }
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim().to_string())
}

/// The `Host` header names this computer (or is absent, as from some command-line tools).
fn local_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "::1"
}

/// A browser told us the request comes from another site.
fn cross_site(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if text("sec-fetch-site") == Some("cross-site") {
        return true;
    }
    match (text(header::ORIGIN.as_str()), text(header::HOST.as_str())) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin
                .split_once("://")
                .map_or(origin, |(_, rest)| rest)
                .trim_end_matches('/');
            !origin_host.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    const TOKEN: &str = "shuji-peixun-2026";

    #[test]
    fn loopback_writes_freely_but_not_cross_site() {
        let a = WriteAccess::new("127.0.0.1:7878".parse().unwrap(), None).unwrap();
        assert!(a.allows(&headers(&[])));
        assert!(a.allows(&headers(&[
            ("host", "127.0.0.1:7878"),
            ("origin", "http://127.0.0.1:7878")
        ])));
        let e = a
            .check(&headers(&[
                ("host", "127.0.0.1:7878"),
                ("origin", "https://evil.example"),
            ]))
            .unwrap_err();
        assert_eq!(
            (e.status(), e.code),
            (StatusCode::FORBIDDEN, "cross_origin")
        );
        assert!(!a.allows(&headers(&[("sec-fetch-site", "cross-site")])));
        // DNS rebinding: same origin as far as the browser knows, but not our name.
        let e = a
            .check(&headers(&[
                ("host", "evil.example:7878"),
                ("origin", "http://evil.example:7878"),
                ("sec-fetch-site", "same-origin"),
            ]))
            .unwrap_err();
        assert_eq!(e.code, "cross_origin");
        for host in ["localhost:7878", "127.0.0.1", "[::1]:7878", "LOCALHOST"] {
            assert!(a.allows(&headers(&[("host", host)])), "{host}");
        }
    }

    #[test]
    fn a_token_is_needed_even_on_loopback_when_one_is_set() {
        // Behind a reverse proxy on the same machine every visitor looks local.
        let a = WriteAccess::new("127.0.0.1:7878".parse().unwrap(), Some(TOKEN)).unwrap();
        let e = a
            .check(&headers(&[("host", "127.0.0.1:7878")]))
            .unwrap_err();
        assert_eq!(e.code, "token_required");
        let bearer = format!("Bearer {TOKEN}");
        assert!(a.allows(&headers(&[("authorization", bearer.as_str())])));
    }

    #[test]
    fn lan_without_token_is_read_only() {
        let a = WriteAccess::new("0.0.0.0:7878".parse().unwrap(), None).unwrap();
        let e = a
            .check(&headers(&[("authorization", "Bearer whatever-long")]))
            .unwrap_err();
        assert_eq!(e.code, "read_only");
    }

    #[test]
    fn lan_with_token_needs_the_right_one() {
        let a = WriteAccess::new("192.168.1.5:7878".parse().unwrap(), Some(TOKEN)).unwrap();
        let e = a.check(&headers(&[])).unwrap_err();
        assert_eq!(
            (e.status(), e.code),
            (StatusCode::UNAUTHORIZED, "token_required")
        );
        let e = a
            .check(&headers(&[("authorization", "Bearer wrong-token-123")]))
            .unwrap_err();
        assert_eq!((e.status(), e.code), (StatusCode::FORBIDDEN, "bad_token"));
        let bearer = format!("Bearer {TOKEN}");
        assert!(a.allows(&headers(&[("authorization", bearer.as_str())])));
        let cookie = format!("theme=dark; {COOKIE}={TOKEN}");
        assert!(a.allows(&headers(&[("cookie", cookie.as_str())])));
        assert!(!a.allows(&headers(&[("cookie", "anli_token=nope-nope-nope")])));
    }

    #[test]
    fn short_tokens_are_refused() {
        assert!(WriteAccess::new("0.0.0.0:1".parse().unwrap(), Some("123")).is_err());
        assert!(WriteAccess::new("0.0.0.0:1".parse().unwrap(), Some("abcdefgh;ijklmn")).is_err());
        assert!(WriteAccess::new(
            "0.0.0.0:1".parse().unwrap(),
            Some("书记培训班的管理口令很长很长")
        )
        .is_err());
        let a = WriteAccess::new("0.0.0.0:1".parse().unwrap(), Some("  ")).unwrap();
        assert!(!a.has_token());
    }
}
