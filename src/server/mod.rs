//! The HTTP service: a JSON API and the web page secretaries use, from one binary.
//!
//! One [`Engine`] (searcher, analyzer, synonyms) is shared by all requests; it picks up commits
//! made by `anli index` in another process by itself. Errors are JSON `{code, message}` with the
//! right status ([`ApiError`]) or the error page ([`error::PageError`]); nothing a client sends
//! produces a 500.
//!
//! Every request first passes the `Host` rule ([`WriteAccess::check_host`]); [`serve_with`]
//! adds the limits on slow and numerous clients ([`Limits`]).
//!
//! - [`error`], [`extract`]: the typed edges (errors, extractors that reject with them, the
//!   write rule as an extractor); [`access`]: who may read and write;
//! - `api`, `packets`: the JSON API; `search_page`, `pages`, `packet_pages`, `packet_editor`
//!   (with `editor_view`): the web pages, with `templates`, `links`, `params` and `picker`;
//!   `packet_ops`: what the packet API and pages share.

pub mod access;
mod api;
mod case_pages;
mod editor_form;
mod editor_view;
pub mod error;
pub mod extract;
mod links;
pub mod live;
mod packet_editor;
mod packet_ops;
mod packet_pages;
mod packets;
mod pages;
mod params;
mod picker;
mod search_page;
mod templates;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::index::Library;
use crate::packet::PacketStore;
use crate::search::Engine;

pub use access::{Caller, WriteAccess};
pub use error::ApiError;

/// Largest request body accepted (a described problem of a few thousand characters fits).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest body of the packet editor's form, which carries the whole packet (a packet file
/// of up to 256 KB, URL-encoded: Chinese text takes three times its bytes).
pub const MAX_EDITOR_BODY_BYTES: usize = 4 * crate::packet::MAX_PACKET_BYTES;
pub use crate::search::MAX_QUERY_CHARS;
/// Longest text accepted by `POST /api/similar`, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Deepest page offset accepted.
pub const MAX_OFFSET: usize = 10_000;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    library: Library,
    packets: PacketStore,
    access: WriteAccess,
    live: live::Live,
}

/// Service settings beyond the library.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The `packets/` folder.
    pub packets: PathBuf,
    /// Who may change packets.
    pub access: WriteAccess,
}

impl ServerOptions {
    /// Packets in `dir`, writable from this computer (a loopback service).
    pub fn local(dir: impl Into<PathBuf>) -> ServerOptions {
        ServerOptions {
            packets: dir.into(),
            access: WriteAccess::local(),
        }
    }
}

impl AppState {
    /// State over an open engine.
    pub fn new(engine: Engine, library: Library, options: ServerOptions) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                engine,
                library,
                packets: PacketStore::new(options.packets),
                access: options.access,
                live: live::Live::default(),
            }),
        }
    }

    fn packets(&self) -> &PacketStore {
        &self.inner.packets
    }

    fn access(&self) -> &WriteAccess {
        &self.inner.access
    }

    /// The shared engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    fn library(&self) -> &Library {
        &self.inner.library
    }

    fn live(&self) -> &live::Live {
        &self.inner.live
    }
}

/// The router: API under `/api`, pages at `/` and `/cases/{id}`, assets under `/static`.
pub fn router(state: AppState) -> Router {
    let csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
               base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";
    Router::new()
        .route("/api/search", get(api::search))
        .route("/api/cases/{id}", get(api::case))
        .route("/api/cases/{id}/similar", get(api::similar_to_case))
        .route("/api/similar", post(api::similar_to_text))
        .route("/api/topics", get(api::topics))
        .route("/api/health", get(api::health))
        .route("/api/stats", get(api::stats))
        .route("/api/packets", get(packets::list).post(packets::create))
        .route(
            "/api/packets/{name}",
            get(packets::get)
                .put(packets::update)
                .delete(packets::delete),
        )
        .route("/api/packets/{name}/cases", post(packets::add_cases))
        .route(
            "/api/packets/{name}/cases/{id}",
            delete(packets::remove_case).patch(packets::edit_case),
        )
        .route("/api/packets/{name}/export", get(packets::export_handout))
        .route(
            "/api/packets/{name}/cases/{id}/restore",
            post(packets::restore_case),
        )
        .route("/api/packets/{name}/copy", post(packets::copy))
        .route("/api/packets/{name}/rename", post(packets::rename))
        .route("/api/{*rest}", get(api::not_found).post(api::not_found))
        .route(
            "/",
            get(search_page::search).post(search_page::search_posted),
        )
        .route("/cases/{id}", get(pages::case))
        .route(
            "/cases/{id}/download/{format}",
            get(packet_pages::case_download),
        )
        .route(
            "/cases/new",
            get(case_pages::new_form).post(case_pages::create),
        )
        .route(
            "/cases/import",
            post(case_pages::upload).layer(axum::extract::DefaultBodyLimit::max(
                case_pages::MAX_UPLOAD_BYTES,
            )),
        )
        .route(
            "/cases/{id}/edit",
            get(case_pages::edit_form).post(case_pages::save),
        )
        .route("/admin/status", get(live::status_page))
        .route(
            "/packets",
            get(packet_pages::list).post(packet_pages::create),
        )
        .route("/packets/add", post(packet_pages::add_from_results))
        .route("/new-packet", get(packet_pages::new_page))
        .route(
            "/packets/{name}",
            get(packet_editor::show)
                .post(packet_editor::edit)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_EDITOR_BODY_BYTES)),
        )
        .route("/packets/{name}/delete", post(packet_pages::delete))
        .route(
            "/packets/{name}/download/{format}",
            get(packet_pages::download),
        )
        .route(
            "/login",
            get(packet_pages::login_page).post(packet_pages::login),
        )
        .route("/static/app.css", get(pages::css))
        .route("/static/app.js", get(pages::js))
        .route("/static/packet.js", get(packet_editor::js))
        .route("/static/favicon.svg", get(pages::favicon))
        .route("/favicon.ico", get(pages::favicon))
        .route("/robots.txt", get(pages::robots))
        .fallback(pages::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_host,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(error::panic_response))
        // Not overriding: a downloaded HTML handout sets its own (inline styles only).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Pages, JSON and styles gzip-compressed for clients that accept it (a results page
        // shrinks about fivefold).
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The `Host` rule every request passes first ([`WriteAccess::check_host`]): refused with
/// JSON under `/api/`, with the error page elsewhere.
async fn require_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match state.access().check_host(req.headers(), req.uri()) {
        Ok(()) => next.run(req).await,
        Err(e) if req.uri().path().starts_with("/api/") => e.into_response(),
        Err(e) => error::PageError::from(e).into_response(),
    }
}

/// Most connections served at once (see [`Limits::connections`]).
pub const MAX_CONNECTIONS: usize = 256;

/// How long the service waits on a slow client, and how many clients it serves at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A client must send its request line and headers within this time, or the connection is
    /// closed (a "slow loris" cannot hold connections open); a kept-alive connection that sends
    /// no next request within it is closed too.
    pub headers: Duration,
    /// Each request — reading its body and answering it — must be over within this time after
    /// its headers, or it is answered 408 (`request_timeout`), and its connection closed if the
    /// body was not all read. A deadline, not an idle timer: a client that trickles its body
    /// byte by byte is cut off all the same.
    pub request: Duration,
    /// Connections served at once. Past it, new connections wait (in the listening socket's
    /// queue) until one closes; each is closed within `headers` + `request` at most, unless it
    /// keeps sending complete requests.
    pub connections: usize,
    /// On shutdown, requests in flight get this long to finish.
    pub shutdown: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            headers: Duration::from_secs(10),
            request: Duration::from_secs(30),
            connections: MAX_CONNECTIONS,
            shutdown: Duration::from_secs(10),
        }
    }
}

/// Serve on `listener` until `shutdown` completes, then finish the requests in flight; with the
/// default [`Limits`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, shutdown, Limits::default()).await
}

/// [`serve`] with explicit limits. Each connection is served by hyper's HTTP/1 server with a
/// header-read deadline, each request under a deadline ([`Limits::request`], tower's `Timeout`
/// under axum's `HandleErrorLayer`), at most [`Limits::connections`] at once; handlers see the
/// client's address as [`ConnectInfo<std::net::SocketAddr>`]. Accept errors (e.g. too many open
/// files) are logged and retried after a pause instead of stopping the service.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: Limits,
) -> std::io::Result<()> {
    use axum::error_handling::HandleErrorLayer;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let app = router(state).layer(
        tower::ServiceBuilder::new()
            .layer(HandleErrorLayer::new(error::timed_out))
            .timeout(limits.request),
    );
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.connections.max(1)));
    let mut warned: Option<Instant> = None;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(s) => s,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if slots.available_permits() == 0
            && warned.is_none_or(|t| t.elapsed() > Duration::from_secs(60))
        {
            warned = Some(Instant::now());
            tracing::warn!(
                "同时连接数达到上限（{}）：新连接要等已有的连接结束才会被接受",
                limits.connections
            );
        }
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone().map_request(
            move |mut req: Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            },
        ));
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.headers)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(e) = conn.await {
                tracing::debug!(%peer, "connection ended: {e}");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown) => {
            tracing::warn!("shutdown: requests still running after {:?}, leaving them", limits.shutdown);
        }
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("收到退出信号，处理完进行中的请求后退出");
}
