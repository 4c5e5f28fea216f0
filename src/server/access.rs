//! Who may use the service, and who may change things (today: case packets) through it.
//!
//! - **Host.** Every request's `Host` is parsed strictly (`name` or `[IPv6]`, an optional
//!   numeric port; one `Host` header): a malformed or repeated one is refused (400 `bad_host`).
//!   Listening on loopback with no admin token (the default), *every* request — reads too —
//!   must name the service as `127.0.0.1`, `localhost` or `[::1]`, so that a web page elsewhere
//!   that re-points its own domain name at 127.0.0.1 ("DNS rebinding") and sends its own name
//!   can read nothing (403 `bad_host`). See [`WriteAccess::check_host`].
//! - **Writes, loopback, no token**: allowed to people at this computer (the Host rule above).
//! - **Writes with an admin token** (`--admin-token` / `ANLI_ADMIN_TOKEN`): always need it — also
//!   on loopback, where a reverse proxy on the same machine would make every visitor look
//!   local — as `Authorization: Bearer …`, or as the session cookie the `/login` page sets. The
//!   cookie holds a value derived from the token (an expiry and a keyed BLAKE3 MAC over it),
//!   not the token; it is `HttpOnly`, `SameSite=Strict`, and `Secure` when the request came
//!   over HTTPS (`--public-url https://…`, or a proxy's `X-Forwarded-Proto: https`).
//! - **Wrong tokens** are logged with the client's address and throttled per client (IPv4
//!   address or IPv6 /64): ten attempts, then one more every six seconds (429
//!   `too_many_attempts` with `Retry-After`); the right token does not use up attempts.
//! - Listening on any other address without a token, writes are refused (403 `read_only`).
//! - **Other sites.** A write must come from the service's own pages: `Sec-Fetch-Site`, when
//!   sent, must be `same-origin` (or `none`); `Origin`, when sent, must be exactly the
//!   service's origin (scheme, host and port: `http://` + `Host`, `https://` behind a proxy
//!   that says so, or the `--public-url`); without `Origin` and `Sec-Fetch-Site` (older
//!   browsers) the `Referer` must be; and a form-like POST (the only kind another site's page
//!   can send without asking) that carries none of the three is refused. Programs using the
//!   JSON API send none and are not affected.
//! - Tokens are compared as BLAKE3 hashes, whose equality is constant-time.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap, Method, StatusCode, Uri};

use super::error::ApiError;

/// Name of the session cookie `/login` sets.
pub const COOKIE: &str = "anli_session";
/// Shortest admin token accepted.
pub const MIN_TOKEN_CHARS: usize = 12;
/// How long a login lasts.
pub const SESSION_SECONDS: u64 = 30 * 24 * 3600;
/// Wrong tokens a client may try before it is slowed down.
pub const TOKEN_ATTEMPTS: u32 = 10;
/// After that, one more attempt per this long.
pub const TOKEN_REFILL: Duration = Duration::from_secs(6);

/// The write rule of a running service.
#[derive(Clone)]
pub struct WriteAccess {
    loopback: bool,
    token: Option<Secret>,
    public: Option<Origin>,
    throttle: Arc<Throttle>,
}

impl fmt::Debug for WriteAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteAccess")
            .field("loopback", &self.loopback)
            .field("token", &self.token.as_ref().map(|_| "…"))
            .field("public", &self.public)
            .finish()
    }
}

/// What a request says about itself: what the write rule looks at.
#[derive(Debug, Clone)]
pub struct Caller {
    pub method: Method,
    pub headers: HeaderMap,
    /// The address the connection comes from (unknown when the router is driven in-process).
    pub client: Option<IpAddr>,
}

impl Caller {
    /// A caller with these headers, from an unknown address.
    pub fn new(method: Method, headers: HeaderMap) -> Caller {
        Caller {
            method,
            headers,
            client: None,
        }
    }
}

impl WriteAccess {
    /// The rule for a service listening on `addr`, with an optional admin token. An empty token
    /// counts as none; a token shorter than [`MIN_TOKEN_CHARS`] is refused.
    pub fn new(addr: std::net::SocketAddr, token: Option<&str>) -> Result<WriteAccess, String> {
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
            token: token.map(Secret::new),
            public: None,
            throttle: Arc::default(),
        })
    }

    /// The same rule for a service that visitors reach at `url` (`https://anli.example.org`)
    /// through a reverse proxy: pages from that origin may write (with the token).
    pub fn with_public_url(mut self, url: &str) -> Result<WriteAccess, String> {
        let bad = || {
            format!(
                "--public-url 应是访问者在浏览器里打开的网站根地址，如 https://anli.example.org（不带路径），收到“{url}”"
            )
        };
        let url = url.trim();
        let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        self.public = Some(Origin::parse(&format!("{scheme}://{authority}")).ok_or_else(bad)?);
        Ok(self)
    }

    /// Writes allowed without a token (a service on this computer only; also what tests use).
    pub fn local() -> WriteAccess {
        WriteAccess {
            loopback: true,
            token: None,
            public: None,
            throttle: Arc::default(),
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

    /// Whether every request must name this computer in `Host` (loopback, no token).
    pub fn local_only(&self) -> bool {
        self.loopback && self.token.is_none()
    }

    /// The rule every request passes first: one well-formed `Host` (and request-target
    /// authority, if any), naming this computer when [`local_only`](Self::local_only).
    pub fn check_host(&self, headers: &HeaderMap, uri: &Uri) -> Result<(), ApiError> {
        let malformed = || {
            ApiError::bad(
                "bad_host",
                "请求头 Host 有误（重复，或不是“主机名:端口”的格式）",
            )
        };
        let host = request_host(headers).map_err(|()| malformed())?;
        let authority = match uri.authority() {
            Some(a) => Some(HostPort::parse(a.as_str()).ok_or_else(malformed)?),
            None => None,
        };
        if self.local_only() && [host, authority].iter().flatten().any(|h| !h.is_local()) {
            return Err(not_local());
        }
        Ok(())
    }

    /// May this request write? `Err` says why not (401/403/429 JSON).
    pub fn check(&self, caller: &Caller) -> Result<(), ApiError> {
        self.same_origin(caller)?;
        self.credentials(caller)
    }

    /// Whether the visitor may write (for showing edit forms): the credentials part of
    /// [`check`](Self::check); where the request came from matters only for the write itself.
    pub fn allows(&self, caller: &Caller) -> bool {
        self.credentials(caller).is_ok()
    }

    /// What `POST /login` checks before reading its form: the form is this service's page, a
    /// token is configured, and the client has attempts left.
    pub fn login_allowed(&self, caller: &Caller) -> Result<(), ApiError> {
        self.same_origin(caller)?;
        self.secret()?;
        self.throttle
            .peek(ClientKey::of(caller.client), Instant::now())
            .map_err(throttled)
    }

    /// `POST /login`: check `token` (throttled like every token) and return the `Set-Cookie`
    /// value of a session.
    pub fn login(&self, caller: &Caller, token: &str) -> Result<String, ApiError> {
        self.same_origin(caller)?;
        let secret = self.secret()?;
        self.try_token(secret, token.trim(), caller.client)?;
        let expires = unix_now() + SESSION_SECONDS;
        let secure = if self.https(&caller.headers) {
            "; Secure"
        } else {
            ""
        };
        Ok(format!(
            "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}{secure}",
            secret.session(expires)
        ))
    }

    fn secret(&self) -> Result<&Secret, ApiError> {
        self.token
            .as_ref()
            .ok_or_else(|| ApiError::bad("no_token", "这个服务没有设置管理口令，不需要登录"))
    }

    fn credentials(&self, caller: &Caller) -> Result<(), ApiError> {
        let headers = &caller.headers;
        let Some(secret) = &self.token else {
            if !self.loopback {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "read_only",
                    "这个服务对局域网开放，但没有设置管理口令，所以不能修改（启动时加 --admin-token 或设置 ANLI_ADMIN_TOKEN）",
                ));
            }
            return match request_host(headers) {
                Ok(None) => Ok(()),
                Ok(Some(h)) if h.is_local() => Ok(()),
                _ => Err(not_local()),
            };
        };
        let mut cookies = session_cookies(headers).peekable();
        let had_cookie = cookies.peek().is_some();
        if cookies.any(|v| secret.session_valid(v, unix_now())) {
            return Ok(());
        }
        match bearer(headers) {
            Some(t) => self.try_token(secret, t, caller.client),
            None if had_cookie => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "token_required",
                "登录已失效（超过 30 天，或管理口令已更换）：请重新打开 /login 输入口令",
            )),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "token_required",
                "修改案例包需要管理口令：请先打开 /login 页面输入口令",
            )),
        }
    }

    /// Compare a presented token, within the client's allowance of attempts.
    fn try_token(
        &self,
        secret: &Secret,
        token: &str,
        client: Option<IpAddr>,
    ) -> Result<(), ApiError> {
        let key = ClientKey::of(client);
        if let Err((wait, first)) = self.throttle.take(key, Instant::now()) {
            if first {
                tracing::warn!(
                    client = %ClientName(client),
                    "管理口令错误次数太多：暂停接受这个客户端的口令（每 {} 秒可再试一次）",
                    TOKEN_REFILL.as_secs()
                );
            }
            return Err(throttled(wait));
        }
        if secret.matches(token) {
            self.throttle.refund(key);
            return Ok(());
        }
        tracing::warn!(client = %ClientName(client), "管理口令不对");
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "bad_token",
            "管理口令不对",
        ))
    }

    /// The request comes from a page of this service (see the module documentation).
    fn same_origin(&self, caller: &Caller) -> Result<(), ApiError> {
        let headers = &caller.headers;
        let cross = |message: &str| {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "cross_origin",
                message.to_string(),
            ))
        };
        const ELSEWHERE: &str = "拒绝来自其他网站的修改请求";
        let fetch_site = text(headers, "sec-fetch-site");
        if fetch_site.is_some_and(|s| s != "same-origin" && s != "none") {
            return cross(ELSEWHERE);
        }
        let mut origins = headers.get_all(header::ORIGIN).iter();
        match (origins.next(), origins.next()) {
            (Some(_), Some(_)) => return cross(ELSEWHERE),
            (Some(o), None) => {
                return match o.to_str().ok().and_then(Origin::parse) {
                    Some(o) if self.is_own(&o, headers) => Ok(()),
                    _ => cross(ELSEWHERE),
                }
            }
            (None, _) => {}
        }
        if fetch_site.is_some() {
            return Ok(());
        }
        match text(headers, header::REFERER.as_str()) {
            Some(r) => match Origin::of_url(r) {
                Some(o) if self.is_own(&o, headers) => Ok(()),
                _ => cross(ELSEWHERE),
            },
            None if form_like(caller) => cross(
                "无法确认这个修改请求来自本站（浏览器没有发送 Origin 或 Referer）；请用本站页面上的表单提交，或换用新版浏览器",
            ),
            None => Ok(()),
        }
    }

    /// Whether `origin` is this service as the request reached it, or its public URL.
    fn is_own(&self, origin: &Origin, headers: &HeaderMap) -> bool {
        if self.public.as_ref() == Some(origin) {
            return true;
        }
        let Ok(Some(host)) = request_host(headers) else {
            return false;
        };
        let scheme = if forwarded_https(headers) {
            Scheme::Https
        } else {
            Scheme::Http
        };
        *origin
            == Origin {
                scheme,
                port: host.port.unwrap_or(scheme.default_port()),
                host: host.host,
            }
    }

    /// Whether the visitor's browser reached the service over HTTPS.
    fn https(&self, headers: &HeaderMap) -> bool {
        forwarded_https(headers)
            || self
                .public
                .as_ref()
                .is_some_and(|p| p.scheme == Scheme::Https)
    }
}

/// 429: the client is out of token attempts for `wait`.
fn throttled(wait: Duration) -> ApiError {
    let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        format!("管理口令错误次数太多，请 {secs} 秒后再试"),
    )
    .with_retry_after(secs)
}

fn not_local() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "bad_host",
        "拒绝访问：本机服务只接受用 http://127.0.0.1、http://localhost 或 http://[::1] 打开（防止别的网站借“DNS 重绑定”冒充本机）",
    )
}

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The request's `Host`: `Ok(None)` when there is none, `Err` when it is repeated or malformed.
fn request_host(headers: &HeaderMap) -> Result<Option<HostPort>, ()> {
    let mut values = headers.get_all(header::HOST).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(());
    }
    let text = first.to_str().map_err(|_| ())?;
    HostPort::parse(text).map(Some).ok_or(())
}

/// A proxy in front says the browser used HTTPS (`X-Forwarded-Proto`, `Forwarded: proto=`).
fn forwarded_https(headers: &HeaderMap) -> bool {
    let first = |v: &str| v.split(',').next().unwrap_or("").trim().to_string();
    if let Some(p) = text(headers, "x-forwarded-proto") {
        return first(p).eq_ignore_ascii_case("https");
    }
    text(headers, "forwarded").is_some_and(|f| {
        first(f)
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .any(|(k, v)| {
                k.eq_ignore_ascii_case("proto") && v.trim_matches('"').eq_ignore_ascii_case("https")
            })
    })
}

/// A POST another site's page could send without asking first: an HTML form (urlencoded,
/// multipart, text/plain) or no content type at all.
fn form_like(caller: &Caller) -> bool {
    if caller.method != Method::POST {
        return false;
    }
    match text(&caller.headers, header::CONTENT_TYPE.as_str()) {
        None => true,
        Some(ct) => {
            let essence = ct.split(';').next().unwrap_or("").trim();
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data",
                "text/plain",
            ]
            .iter()
            .any(|s| essence.eq_ignore_ascii_case(s))
        }
    }
}

/// `Authorization: Bearer …`.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    text(headers, header::AUTHORIZATION.as_str())?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The values of the session cookie.
fn session_cookies(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .filter(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The admin token, kept as its hash and the key sessions are signed with.
#[derive(Clone)]
struct Secret {
    hash: blake3::Hash,
    session_key: [u8; 32],
}

impl Secret {
    fn new(token: &str) -> Secret {
        Secret {
            hash: blake3::hash(token.as_bytes()),
            session_key: blake3::derive_key("anli 2026 admin session cookie v1", token.as_bytes()),
        }
    }

    /// Constant-time: `blake3::Hash` equality is.
    fn matches(&self, token: &str) -> bool {
        self.hash == blake3::hash(token.trim().as_bytes())
    }

    fn mac(&self, expires: u64) -> blake3::Hash {
        blake3::keyed_hash(&self.session_key, expires.to_string().as_bytes())
    }

    /// A session cookie value valid until `expires` (Unix seconds).
    fn session(&self, expires: u64) -> String {
        format!("{expires}.{}", self.mac(expires).to_hex())
    }

    fn session_valid(&self, value: &str, now: u64) -> bool {
        let Some((expires, mac)) = value.split_once('.') else {
            return false;
        };
        let (Ok(expires), Ok(mac)) = (expires.parse::<u64>(), blake3::Hash::from_hex(mac)) else {
            return false;
        };
        expires > now && expires <= now + SESSION_SECONDS && self.mac(expires) == mac
    }
}

/// A URL scheme the service can be reached by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
}

impl Scheme {
    fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// A web origin: scheme, host (lowercase) and port (the default one filled in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: Scheme,
    host: String,
    port: u16,
}

impl Origin {
    /// `http(s)://host[:port]`, nothing more.
    fn parse(text: &str) -> Option<Origin> {
        let (scheme, authority) = text.split_once("://")?;
        let scheme = if scheme.eq_ignore_ascii_case("http") {
            Scheme::Http
        } else if scheme.eq_ignore_ascii_case("https") {
            Scheme::Https
        } else {
            return None;
        };
        let hp = HostPort::parse(authority)?;
        Some(Origin {
            scheme,
            port: hp.port.unwrap_or(scheme.default_port()),
            host: hp.host,
        })
    }

    /// The origin of a URL (a `Referer`).
    fn of_url(url: &str) -> Option<Origin> {
        let (scheme, rest) = url.split_once("://")?;
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        Origin::parse(&format!("{scheme}://{}", &rest[..end]))
    }
}

/// A parsed `Host`: a name or IPv4 address (lowercase) or `[IPv6]`, and an optional port.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HostPort {
    host: String,
    port: Option<u16>,
}

impl HostPort {
    fn parse(text: &str) -> Option<HostPort> {
        fn port(p: &str) -> Option<u16> {
            if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            p.parse().ok().filter(|&n| n > 0)
        }
        if let Some(rest) = text.strip_prefix('[') {
            let (inside, after) = rest.split_once(']')?;
            let ip: Ipv6Addr = inside.parse().ok()?;
            let port = match after {
                "" => None,
                a => Some(port(a.strip_prefix(':')?)?),
            };
            return Some(HostPort {
                host: format!("[{ip}]"),
                port,
            });
        }
        let (name, port) = match text.split_once(':') {
            Some((n, p)) => (n, Some(port(p)?)),
            None => (text, None),
        };
        let ok = !name.is_empty()
            && name.len() <= 253
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
        ok.then(|| HostPort {
            host: name.to_ascii_lowercase(),
            port,
        })
    }

    /// `localhost`, `127.0.0.1` or `[::1]`.
    fn is_local(&self) -> bool {
        matches!(self.host.as_str(), "localhost" | "127.0.0.1" | "[::1]")
    }
}

/// Whom wrong tokens are counted against: an IPv4 address, an IPv6 /64 (one household or
/// server gets a whole /64), or everyone whose address is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ClientKey {
    V4(u32),
    V6(u64),
    Unknown,
}

impl ClientKey {
    fn of(ip: Option<IpAddr>) -> ClientKey {
        match ip.map(|ip| ip.to_canonical()) {
            Some(IpAddr::V4(a)) => ClientKey::V4(a.into()),
            Some(IpAddr::V6(a)) => ClientKey::V6((u128::from(a) >> 64) as u64),
            None => ClientKey::Unknown,
        }
    }
}

/// A client's address in the log.
struct ClientName(Option<IpAddr>);

impl fmt::Display for ClientName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(ip) => write!(f, "{ip}"),
            None => f.write_str("（未知地址）"),
        }
    }
}

/// Token attempts left per client: a bucket of [`TOKEN_ATTEMPTS`] refilled one per
/// [`TOKEN_REFILL`]. An attempt is taken before the comparison (so parallel guesses cannot
/// overrun it) and given back when the token was right.
#[derive(Default)]
struct Throttle {
    clients: Mutex<HashMap<ClientKey, Bucket>>,
}

struct Bucket {
    left: f64,
    at: Instant,
    /// The slow-down was reported (once per episode, to log).
    logged: bool,
}

/// Most clients remembered; past it, those back at a full allowance are forgotten.
const MAX_CLIENTS: usize = 10_000;

impl Throttle {
    /// Take an attempt for `key`, or say how long until one is available (and whether this is
    /// the first refusal since the client last had attempts, to log).
    fn take(&self, key: ClientKey, now: Instant) -> Result<(), (Duration, bool)> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(&key) {
            clients.retain(|_, b| b.refilled(now) < f64::from(TOKEN_ATTEMPTS));
            if clients.len() >= MAX_CLIENTS {
                clients.clear();
            }
        }
        let b = clients.entry(key).or_insert(Bucket {
            left: f64::from(TOKEN_ATTEMPTS),
            at: now,
            logged: false,
        });
        b.left = b.refilled(now);
        b.at = now;
        if b.left >= 1.0 {
            b.left -= 1.0;
            b.logged = false;
            return Ok(());
        }
        let first = !b.logged;
        b.logged = true;
        Err((TOKEN_REFILL.mul_f64(1.0 - b.left), first))
    }

    /// Whether `key` has an attempt left (without taking it).
    fn peek(&self, key: ClientKey, now: Instant) -> Result<(), Duration> {
        let clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        match clients.get(&key).map(|b| b.refilled(now)) {
            Some(left) if left < 1.0 => Err(TOKEN_REFILL.mul_f64(1.0 - left)),
            _ => Ok(()),
        }
    }

    /// Give back the attempt the right token took.
    fn refund(&self, key: ClientKey) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = clients.get_mut(&key) {
            b.left = (b.left + 1.0).min(f64::from(TOKEN_ATTEMPTS));
        }
    }
}

impl Bucket {
    fn refilled(&self, now: Instant) -> f64 {
        let gained =
            now.saturating_duration_since(self.at).as_secs_f64() / TOKEN_REFILL.as_secs_f64();
        (self.left + gained).min(f64::from(TOKEN_ATTEMPTS))
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

    /// A JSON write with these headers.
    fn write(pairs: &[(&str, &str)]) -> Caller {
        let mut h = headers(pairs);
        h.entry(header::CONTENT_TYPE)
            .or_insert("application/json".parse().unwrap());
        Caller::new(Method::POST, h)
    }

    /// A form post with these headers.
    fn form(pairs: &[(&str, &str)]) -> Caller {
        let mut h = headers(pairs);
        h.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        Caller::new(Method::POST, h)
    }

    const TOKEN: &str = "shuji-peixun-2026";

    #[test]
    fn loopback_writes_freely_but_not_cross_site() {
        let a = WriteAccess::new("127.0.0.1:7878".parse().unwrap(), None).unwrap();
        assert!(a.check(&write(&[])).is_ok());
        assert!(a
            .check(&write(&[
                ("host", "127.0.0.1:7878"),
                ("origin", "http://127.0.0.1:7878")
            ]))
            .is_ok());
        let e = a
            .check(&write(&[
                ("host", "127.0.0.1:7878"),
                ("origin", "https://evil.example"),
            ]))
            .unwrap_err();
        assert_eq!(
            (e.status(), e.code),
            (StatusCode::FORBIDDEN, "cross_origin")
        );
        assert!(a
            .check(&write(&[("sec-fetch-site", "cross-site")]))
            .is_err());
        // Another port of this computer is another site.
        assert!(a.check(&write(&[("sec-fetch-site", "same-site")])).is_err());
        // DNS rebinding: same origin as far as the browser knows, but not our name.
        let e = a
            .check(&write(&[
                ("host", "evil.example:7878"),
                ("origin", "http://evil.example:7878"),
                ("sec-fetch-site", "same-origin"),
            ]))
            .unwrap_err();
        assert_eq!(e.code, "bad_host");
        for host in ["localhost:7878", "127.0.0.1", "[::1]:7878", "LOCALHOST"] {
            assert!(a.check(&write(&[("host", host)])).is_ok(), "{host}");
        }
    }

    #[test]
    fn hosts_are_parsed_strictly() {
        let a = WriteAccess::local();
        let uri = Uri::from_static("/");
        for good in [
            "127.0.0.1:7878",
            "localhost",
            "LocalHost:1",
            "[::1]",
            "[::1]:7878",
            "[0:0::1]:80",
        ] {
            assert!(
                a.check_host(&headers(&[("host", good)]), &uri).is_ok(),
                "{good}"
            );
        }
        for (bad, status) in [
            ("localhost:evil.example", StatusCode::BAD_REQUEST),
            ("[::1]evil", StatusCode::BAD_REQUEST),
            ("[::1]:", StatusCode::BAD_REQUEST),
            ("127.0.0.1:99999", StatusCode::BAD_REQUEST),
            ("127.0.0.1:80:80", StatusCode::BAD_REQUEST),
            ("user@127.0.0.1", StatusCode::BAD_REQUEST),
            ("127.0.0.1 ", StatusCode::BAD_REQUEST),
            ("", StatusCode::BAD_REQUEST),
            ("evil.example", StatusCode::FORBIDDEN),
            ("127.0.0.1.", StatusCode::FORBIDDEN),
            ("127.0.0.2", StatusCode::FORBIDDEN),
            ("localhost.evil.example", StatusCode::FORBIDDEN),
        ] {
            let e = a.check_host(&headers(&[("host", bad)]), &uri).unwrap_err();
            assert_eq!((e.status(), e.code), (status, "bad_host"), "{bad:?}");
        }
        // Two Host headers: refused, whichever comes first.
        let two = headers(&[("host", "localhost"), ("host", "evil.example")]);
        assert_eq!(
            a.check_host(&two, &uri).unwrap_err().status(),
            StatusCode::BAD_REQUEST
        );
        // An absolute request target names the host too.
        let abs = Uri::from_static("http://evil.example/api/packets");
        assert!(a
            .check_host(&headers(&[("host", "localhost")]), &abs)
            .is_err());
        // A service open to the LAN (or with a token) takes any well-formed name.
        let lan = WriteAccess::new("0.0.0.0:7878".parse().unwrap(), None).unwrap();
        assert!(lan
            .check_host(&headers(&[("host", "anli.lan:7878")]), &uri)
            .is_ok());
        assert!(lan
            .check_host(&headers(&[("host", "anli.lan:x")]), &uri)
            .is_err());
    }

    #[test]
    fn the_origin_must_match_scheme_host_and_port() {
        let a = WriteAccess::local();
        let host = ("host", "127.0.0.1:7878");
        for bad in [
            "https://127.0.0.1:7878",
            "ftp://127.0.0.1:7878",
            "http://127.0.0.1:7879",
            "http://127.0.0.1",
            "http://127.0.0.1:7878/path",
            "null",
        ] {
            let e = a.check(&write(&[host, ("origin", bad)])).unwrap_err();
            assert_eq!(e.code, "cross_origin", "{bad}");
        }
        // Default ports are the same origin written two ways.
        assert!(a
            .check(&write(&[
                ("host", "localhost:80"),
                ("origin", "http://localhost")
            ]))
            .is_ok());
        // Behind a proxy that says the browser used HTTPS.
        let lan = WriteAccess::new("127.0.0.1:7878".parse().unwrap(), Some(TOKEN)).unwrap();
        let bearer = format!("Bearer {TOKEN}");
        let via = |proto: &str| {
            write(&[
                ("host", "anli.example.org"),
                ("origin", "https://anli.example.org"),
                ("x-forwarded-proto", proto),
                ("authorization", bearer.as_str()),
            ])
        };
        assert!(lan.check(&via("https")).is_ok());
        assert_eq!(lan.check(&via("http")).unwrap_err().code, "cross_origin");
    }

    #[test]
    fn without_origin_the_referer_decides_and_a_bare_form_post_is_refused() {
        let a = WriteAccess::local();
        let host = ("host", "127.0.0.1:7878");
        let e = a
            .check(&form(&[host, ("referer", "https://evil.example/page")]))
            .unwrap_err();
        assert_eq!(e.code, "cross_origin");
        assert!(a
            .check(&form(&[
                host,
                ("referer", "http://127.0.0.1:7878/packets/x?a=1")
            ]))
            .is_ok());
        assert_eq!(a.check(&form(&[host])).unwrap_err().code, "cross_origin");
        // What a page of ours sends in a current browser.
        assert!(a
            .check(&form(&[
                host,
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://127.0.0.1:7878")
            ]))
            .is_ok());
        // Programs: JSON, or a method no form can send.
        assert!(a.check(&write(&[host])).is_ok());
        assert!(a
            .check(&Caller::new(Method::DELETE, headers(&[host])))
            .is_ok());
    }

    #[test]
    fn a_token_is_needed_even_on_loopback_when_one_is_set() {
        // Behind a reverse proxy on the same machine every visitor looks local.
        let a = WriteAccess::new("127.0.0.1:7878".parse().unwrap(), Some(TOKEN)).unwrap();
        let e = a.check(&write(&[("host", "127.0.0.1:7878")])).unwrap_err();
        assert_eq!(e.code, "token_required");
        let bearer = format!("Bearer {TOKEN}");
        assert!(a
            .check(&write(&[("authorization", bearer.as_str())]))
            .is_ok());
    }

    #[test]
    fn lan_without_token_is_read_only() {
        let a = WriteAccess::new("0.0.0.0:7878".parse().unwrap(), None).unwrap();
        let e = a
            .check(&write(&[("authorization", "Bearer whatever-long")]))
            .unwrap_err();
        assert_eq!(e.code, "read_only");
    }

    #[test]
    fn lan_with_token_needs_the_right_one_and_logins_hold_no_token() {
        let a = WriteAccess::new("192.168.1.5:7878".parse().unwrap(), Some(TOKEN)).unwrap();
        let e = a.check(&write(&[])).unwrap_err();
        assert_eq!(
            (e.status(), e.code),
            (StatusCode::UNAUTHORIZED, "token_required")
        );
        let e = a
            .check(&write(&[("authorization", "Bearer wrong-token-123")]))
            .unwrap_err();
        assert_eq!((e.status(), e.code), (StatusCode::FORBIDDEN, "bad_token"));
        let bearer = format!("Bearer {TOKEN}");
        assert!(a
            .check(&write(&[("authorization", bearer.as_str())]))
            .is_ok());
        // The raw token is no session.
        let raw = format!("{COOKIE}={TOKEN}");
        assert!(!a.allows(&write(&[("cookie", raw.as_str())])));
        let set = a
            .login(
                &form(&[
                    ("origin", "http://192.168.1.5:7878"),
                    ("host", "192.168.1.5:7878"),
                ]),
                TOKEN,
            )
            .unwrap();
        assert!(!set.contains(TOKEN), "{set}");
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        assert!(!set.contains("Secure"), "plain HTTP: {set}");
        let pair = set.split(';').next().unwrap();
        let cookie = format!("theme=dark; {pair}");
        assert!(a.allows(&write(&[("cookie", cookie.as_str())])));
        // Forged, expired or far-future sessions are not.
        let secret = Secret::new(TOKEN);
        let now = unix_now();
        for v in [
            format!("{}.{}", now + 100, "0".repeat(64)),
            secret.session(now - 1),
            secret.session(now + 10 * SESSION_SECONDS),
            Secret::new("another-token-2026").session(now + 100),
            "garbage".into(),
        ] {
            let c = format!("{COOKIE}={v}");
            assert!(!a.allows(&write(&[("cookie", c.as_str())])), "{v}");
        }
        // Behind HTTPS the cookie is Secure.
        let set = a
            .login(
                &form(&[
                    ("host", "192.168.1.5:7878"),
                    ("origin", "https://192.168.1.5:7878"),
                    ("x-forwarded-proto", "https"),
                ]),
                TOKEN,
            )
            .unwrap();
        assert!(set.ends_with("; Secure"), "{set}");
        let public = a
            .clone()
            .with_public_url("https://anli.example.org/")
            .unwrap();
        let set = public
            .login(
                &form(&[
                    ("host", "127.0.0.1:7878"),
                    ("origin", "https://anli.example.org"),
                ]),
                TOKEN,
            )
            .unwrap();
        assert!(set.ends_with("; Secure"), "{set}");
    }

    #[test]
    fn wrong_tokens_are_throttled_per_client() {
        let t = Throttle::default();
        let one = ClientKey::of(Some("10.0.0.1".parse().unwrap()));
        let other = ClientKey::of(Some("10.0.0.2".parse().unwrap()));
        let start = Instant::now();
        for _ in 0..TOKEN_ATTEMPTS {
            assert!(t.take(one, start).is_ok());
        }
        let (wait, first) = t.take(one, start).unwrap_err();
        assert!(wait <= TOKEN_REFILL && wait > TOKEN_REFILL / 2, "{wait:?}");
        assert!(first && !t.take(one, start).unwrap_err().1, "logged once");
        assert!(t.take(other, start).is_ok(), "others are not affected");
        // One more attempt per refill period.
        let later = start + TOKEN_REFILL;
        assert!(t.take(one, later).is_ok());
        assert!(t.take(one, later).is_err());
        // A right token gives its attempt back.
        t.refund(one);
        assert!(t.take(one, later).is_ok());
        // An IPv6 /64 is one client.
        let a = ClientKey::of(Some("2001:db8::1".parse().unwrap()));
        let b = ClientKey::of(Some("2001:db8::ffff:2".parse().unwrap()));
        assert_eq!(a, b);
    }

    #[test]
    fn many_wrong_tokens_then_even_the_right_one_waits() {
        let a = WriteAccess::new("192.168.1.5:7878".parse().unwrap(), Some(TOKEN)).unwrap();
        let from = |ip: &str, token: &str| {
            let bearer = format!("Bearer {token}");
            let mut c = write(&[("authorization", bearer.as_str())]);
            c.client = Some(ip.parse().unwrap());
            c
        };
        for i in 0..TOKEN_ATTEMPTS {
            let e = a
                .check(&from("10.1.1.1", &format!("guess-{i:08}")))
                .unwrap_err();
            assert_eq!(e.code, "bad_token");
        }
        let e = a.check(&from("10.1.1.1", "guess-guess-guess")).unwrap_err();
        assert_eq!(
            (e.status(), e.code),
            (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
        );
        assert!(e.retry_after().is_some());
        let e = a.check(&from("10.1.1.1", TOKEN)).unwrap_err();
        assert_eq!(e.code, "too_many_attempts", "no guessing while slowed down");
        assert!(a.check(&from("10.1.1.2", TOKEN)).is_ok());
    }

    #[test]
    fn short_tokens_and_bad_public_urls_are_refused() {
        assert!(WriteAccess::new("0.0.0.0:1".parse().unwrap(), Some("123")).is_err());
        assert!(WriteAccess::new("0.0.0.0:1".parse().unwrap(), Some("abcdefgh;ijklmn")).is_err());
        assert!(WriteAccess::new(
            "0.0.0.0:1".parse().unwrap(),
            Some("书记培训班的管理口令很长很长")
        )
        .is_err());
        let a = WriteAccess::new("0.0.0.0:1".parse().unwrap(), Some("  ")).unwrap();
        assert!(!a.has_token());
        for bad in [
            "anli.example.org",
            "https://anli.example.org/anli/",
            "ftp://x",
            "https://a b",
        ] {
            assert!(a.clone().with_public_url(bad).is_err(), "{bad}");
        }
        assert!(a.with_public_url("http://anli.lan:8080").is_ok());
    }
}
