//! What the packet API and the packet pages share: the JSON view of a packet, packet work run on
//! the blocking pool (files are edited under a file lock; handouts take a while to build), and
//! handout downloads.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::ApiError;
use super::AppState;
use crate::packet::{self, Edition, Format, NewPacket, Packet, Resolved, StoredPacket};

/// A case in a packet view. Borrows the resolved packet.
#[derive(Debug, Serialize)]
pub struct CaseView<'a> {
    pub id: &'a str,
    /// The instructor's note (教师按).
    pub note: &'a str,
    /// The id is no longer in the corpus (then title, region and year are null).
    pub missing: bool,
    pub title: Option<&'a str>,
    pub region: Option<&'a str>,
    pub year: Option<i64>,
    pub topics: &'a [String],
}

/// A removed case in a packet view.
#[derive(Debug, Serialize)]
pub struct RemovedView<'a> {
    pub id: &'a str,
    pub note: &'a str,
    /// Its place when it was removed.
    pub at: usize,
}

/// A packet with its cases looked up (`GET /api/packets/{name}`, the packet page).
#[derive(Debug, Serialize)]
pub struct PacketView<'a> {
    pub name: &'a str,
    /// Send it back with whole-packet edits.
    pub version: &'a str,
    pub title: &'a str,
    pub audience: &'a str,
    pub date: &'a str,
    pub author: &'a str,
    /// The search it was started from.
    pub query: Option<&'a str>,
    pub questions: &'a [String],
    pub cases: Vec<CaseView<'a>>,
    /// Ids no longer in the corpus.
    pub missing: Vec<&'a str>,
    /// Cases removed lately, which can be restored with their notes (newest last).
    pub removed: Vec<RemovedView<'a>>,
    /// Fingerprint of the indexed corpus the cases were taken from.
    pub corpus_version: &'a str,
}

impl<'a> From<&'a Resolved> for PacketView<'a> {
    fn from(r: &'a Resolved) -> PacketView<'a> {
        let p = &r.packet;
        PacketView {
            name: &r.name,
            version: &r.version,
            title: &p.title,
            audience: &p.audience,
            date: &p.date,
            author: &p.author,
            query: p.query.as_deref(),
            questions: &p.questions,
            cases: r
                .entries
                .iter()
                .map(|e| {
                    let meta = e.case().map(|c| &c.meta);
                    CaseView {
                        id: e.id(),
                        note: e.note(),
                        missing: meta.is_none(),
                        title: meta.map(|m| m.title.as_str()),
                        region: meta.and_then(|m| m.region.as_deref()),
                        year: meta.and_then(|m| m.year),
                        topics: meta.map_or(&[], |m| &m.topics),
                    }
                })
                .collect(),
            missing: r.missing(),
            removed: p
                .removed
                .iter()
                .map(|x| RemovedView {
                    id: &x.id,
                    note: &x.note,
                    at: x.at,
                })
                .collect(),
            corpus_version: &r.corpus_version,
        }
    }
}

/// Run packet work on the blocking pool.
pub async fn blocking<T: Send + 'static, E: Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    ApiError: From<E>,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => {
            tracing::error!("packet task failed: {e}");
            Err(ApiError::internal())
        }
    }
}

/// Packet `name` with its cases looked up.
pub async fn load(state: &AppState, name: String) -> Result<Resolved, ApiError> {
    let state = state.clone();
    blocking(move || Resolved::new(&state.packets().load(&name)?, state.engine())).await
}

/// Look a stored packet's cases up (on the blocking pool: it reads up to
/// [`MAX_CASES`](crate::packet::MAX_CASES) documents from the index).
pub async fn resolve(state: &AppState, stored: StoredPacket) -> Result<Resolved, ApiError> {
    let state = state.clone();
    blocking(move || Resolved::new(&stored, state.engine())).await
}

/// The packets' summaries, sorted by name (unreadable files as their errors); files are only
/// read when they changed since the last time.
pub async fn summaries(state: &AppState) -> Result<Vec<crate::Result<packet::Summary>>, ApiError> {
    let store = state.packets().clone();
    blocking(move || store.summaries()).await
}

/// Create a packet (see [`packet::create`]).
pub async fn create(state: &AppState, new: NewPacket) -> Result<StoredPacket, ApiError> {
    let state = state.clone();
    blocking(move || packet::create(state.packets(), Some(state.engine()), new)).await
}

/// Apply `change` to packet `name` (under the lock), refused if `version` is given and stale.
pub async fn update<T: Send + 'static>(
    state: &AppState,
    name: String,
    version: Option<String>,
    change: impl FnOnce(&mut Packet) -> crate::Result<T> + Send + 'static,
) -> Result<(StoredPacket, T), ApiError> {
    let store = state.packets().clone();
    blocking(move || store.update(&name, version.as_deref(), change)).await
}

/// Add the cases `ids` (which must be in the index) to packet `name`.
pub async fn add_cases(
    state: &AppState,
    name: String,
    ids: Vec<String>,
    at: Option<usize>,
) -> Result<StoredPacket, ApiError> {
    let s = state.clone();
    let ids = blocking(move || packet::require_cases(s.engine(), &ids).map(|()| ids)).await?;
    let (stored, _) = update(state, name, None, move |p| p.add(&ids, at)).await?;
    Ok(stored)
}

/// Delete packet `name`, refused if `version` is given and stale.
pub async fn delete(
    state: &AppState,
    name: String,
    version: Option<String>,
) -> Result<(), ApiError> {
    let store = state.packets().clone();
    blocking(move || store.delete(&name, version.as_deref())).await
}

/// Copy packet `from` to a new packet `to` (see [`packet::PacketStore::copy`]).
pub async fn copy(
    state: &AppState,
    from: String,
    to: String,
    title: Option<String>,
) -> Result<StoredPacket, ApiError> {
    let store = state.packets().clone();
    blocking(move || store.copy(&from, &to, title.as_deref())).await
}

/// Rename packet `from` to `to`, refused if `version` is given and stale.
pub async fn rename(
    state: &AppState,
    from: String,
    to: String,
    version: Option<String>,
) -> Result<StoredPacket, ApiError> {
    let store = state.packets().clone();
    blocking(move || store.rename(&from, &to, version.as_deref())).await
}

/// A free packet name like `stem` (see [`packet::PacketStore::free_name`]).
pub async fn free_name(state: &AppState, stem: String) -> Result<String, ApiError> {
    let store = state.packets().clone();
    blocking(move || store.free_name(&stem)).await
}

/// The format and edition a download asks for: a format name (`md`, `html`, `docx`) and,
/// when given, an edition name (`teacher`, `student`).
pub fn handout_kind(format: &str, edition: Option<&str>) -> Result<(Format, Edition), ApiError> {
    let format: Format = format.parse()?;
    let edition = match edition.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => e
            .parse()
            .map_err(|e: crate::Error| ApiError::bad("bad_edition", e.to_string()))?,
        None => Edition::default(),
    };
    Ok((format, edition))
}

/// The handout of packet `name` as a download.
pub async fn download(
    state: &AppState,
    name: String,
    format: &str,
    edition: Option<&str>,
) -> Result<Response, ApiError> {
    let (format, edition) = handout_kind(format, edition)?;
    let r = load(state, name).await?;
    let (bytes, name) = blocking(move || format.render(&r, edition).map(|b| (b, r.name))).await?;
    Ok(attachment(bytes, format, &format.file_name(&name, edition)))
}

/// One case as a handout download (`GET /cases/{id}/download/{format}`).
pub async fn case_download(
    state: &AppState,
    id: String,
    format: &str,
    edition: Option<&str>,
) -> Result<Response, ApiError> {
    let (format, edition) = handout_kind(format, edition)?;
    let s = state.clone();
    let (bytes, name) = blocking(move || {
        let r = Resolved::single(s.engine(), &id)?;
        format.render(&r, edition).map(|b| (b, r.name))
    })
    .await?;
    Ok(attachment(bytes, format, &format.file_name(&name, edition)))
}

/// A download response with a UTF-8 file name.
fn attachment(bytes: Vec<u8>, format: Format, file: &str) -> Response {
    let encoded: String = file
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let ascii: String = file
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // The handout embeds the case text: allow its inline CSS when opened from the service.
    if format == Format::Html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
            ),
        );
    }
    resp
}
