//! Case packets over HTTP: the JSON API under `/api/packets`, and the operations the packet
//! pages share with it. Every write checks [`WriteAccess`](super::access::WriteAccess) first and
//! runs on the blocking pool (packet files are edited under a file lock).

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::api::ApiError;
use super::AppState;
use crate::packet::{self, CoverEdit, Format, NewPacket, Packet, Resolved, StoredPacket};

/// A packet in a list.
#[derive(Debug, Serialize)]
pub struct PacketSummary {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Number of cases.
    pub cases: usize,
    /// Version.
    pub version: String,
}

/// A case in a packet view.
#[derive(Debug, Serialize)]
pub struct CaseView {
    /// Id.
    pub id: String,
    /// Instructor's note.
    pub note: String,
    /// The id is no longer in the corpus.
    pub missing: bool,
    /// Title (absent when missing).
    pub title: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Year.
    pub year: Option<i64>,
    /// Topics.
    pub topics: Vec<String>,
}

/// A packet with its cases looked up.
#[derive(Debug, Serialize)]
pub struct PacketView {
    /// Name.
    pub name: String,
    /// Version: send it back with whole-packet edits.
    pub version: String,
    /// Title.
    pub title: String,
    /// Audience.
    pub audience: String,
    /// Date.
    pub date: String,
    /// Author.
    pub author: String,
    /// The search it was started from.
    pub query: Option<String>,
    /// Discussion questions.
    pub questions: Vec<String>,
    /// Cases in order.
    pub cases: Vec<CaseView>,
    /// Ids no longer in the corpus.
    pub missing: Vec<String>,
    /// Fingerprint of the indexed corpus.
    pub corpus_version: String,
}

impl From<&Resolved> for PacketView {
    fn from(r: &Resolved) -> PacketView {
        let p = &r.packet;
        PacketView {
            name: r.name.clone(),
            version: r.version.clone(),
            title: p.title.clone(),
            audience: p.audience.clone(),
            date: p.date.clone(),
            author: p.author.clone(),
            query: p.query.clone(),
            questions: p.questions.clone(),
            cases: r
                .entries
                .iter()
                .map(|e| {
                    let c = e.case();
                    CaseView {
                        id: e.id().to_string(),
                        note: e.note().to_string(),
                        missing: c.is_none(),
                        title: c.map(|c| c.meta.title.clone()),
                        region: c.and_then(|c| c.meta.region.clone()),
                        year: c.and_then(|c| c.meta.year),
                        topics: c.map(|c| c.meta.topics.clone()).unwrap_or_default(),
                    }
                })
                .collect(),
            missing: r.missing().iter().map(|s| s.to_string()).collect(),
            corpus_version: r.corpus_version.clone(),
        }
    }
}

/// Body of `POST /api/packets/{name}/cases`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddBody {
    /// Case ids.
    pub ids: Vec<String>,
    /// 1-based position (default: at the end).
    #[serde(default)]
    pub at: Option<usize>,
}

/// Body of `PATCH /api/packets/{name}/cases/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseEdit {
    /// Move to this 1-based position.
    #[serde(default)]
    pub to: Option<usize>,
    /// Set the note (empty clears it).
    #[serde(default)]
    pub note: Option<String>,
}

/// Query of `DELETE /api/packets/{name}`.
#[derive(Debug, Deserialize)]
pub struct VersionParam {
    /// The version the deletion is based on.
    pub version: Option<String>,
}

/// Query of the export endpoint.
#[derive(Debug, Deserialize)]
pub struct ExportParams {
    /// `md`, `html` or `docx`.
    pub format: Option<String>,
}

/// Run packet file work on the blocking pool.
pub(super) async fn blocking<T: Send + 'static, E: Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    ApiError: From<E>,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => {
            tracing::error!("packet task failed: {e}");
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "服务内部出错，请稍后再试",
            ))
        }
    }
}

/// Check that every id names a case in the index.
pub(super) fn known_cases(state: &AppState, ids: &[String]) -> Result<(), ApiError> {
    Ok(packet::require_cases(state.engine(), ids)?)
}

/// Resolve a stored packet into its view.
pub(super) fn resolve(state: &AppState, stored: &StoredPacket) -> Result<Resolved, ApiError> {
    Ok(Resolved::new(stored, state.engine())?)
}

/// Create a packet (optionally from a search), on the blocking pool.
pub(super) async fn create_packet(
    state: &AppState,
    new: NewPacket,
) -> Result<StoredPacket, ApiError> {
    let state = state.clone();
    blocking(move || packet::create(state.packets(), Some(state.engine()), new)).await
}

/// Apply `change` to packet `name` (under the lock), optionally guarded by `version`.
pub(super) async fn update_packet<T: Send + 'static>(
    state: &AppState,
    name: String,
    version: Option<String>,
    change: impl FnOnce(&mut Packet) -> crate::Result<T> + Send + 'static,
) -> Result<(StoredPacket, T), ApiError> {
    let store = state.packets().clone();
    blocking(move || store.update(&name, version.as_deref(), change)).await
}

/// The handout of packet `name` in `format` (a format name), and the format.
pub(super) fn export(
    state: &AppState,
    name: &str,
    format: &str,
) -> Result<(Vec<u8>, Format), ApiError> {
    let format: Format = format.parse()?;
    let stored = state.packets().load(name)?;
    let r = resolve(state, &stored)?;
    Ok((format.render(&r)?, format))
}

/// [`export`] on the blocking pool (a Word handout of many cases takes a while to build).
pub(super) async fn export_blocking(
    state: &AppState,
    name: String,
    format: String,
) -> Result<(Vec<u8>, Format), ApiError> {
    let state = state.clone();
    blocking(move || export(&state, &name, &format)).await
}

/// The handout of packet `name` as a download, with a UTF-8 file name.
pub(super) fn download(bytes: Vec<u8>, format: Format, name: &str) -> Response {
    let ctype = format.content_type();
    let file = &format.file_name(name);
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
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
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

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(b)| b).map_err(ApiError::from)
}

fn view(state: &AppState, stored: &StoredPacket) -> Result<Json<PacketView>, ApiError> {
    Ok(Json(PacketView::from(&resolve(state, stored)?)))
}

/// `GET /api/packets`.
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<PacketSummary>>, ApiError> {
    let store = state.packets().clone();
    let all = blocking(move || store.list()).await?;
    Ok(Json(
        all.into_iter()
            .filter_map(|r| match r {
                Ok(s) => Some(PacketSummary {
                    cases: s.packet.cases.len(),
                    title: s.packet.title,
                    name: s.name,
                    version: s.version,
                }),
                Err(e) => {
                    tracing::warn!("{e}");
                    None
                }
            })
            .collect(),
    ))
}

/// `POST /api/packets`: create; 201 with the packet.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<NewPacket>, JsonRejection>,
) -> Result<(StatusCode, Json<PacketView>), ApiError> {
    state.access().check(&headers)?;
    let body = json_body(body)?;
    let stored = create_packet(&state, body).await?;
    Ok((StatusCode::CREATED, view(&state, &stored)?))
}

/// `GET /api/packets/{name}`.
pub async fn get(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<PacketView>, ApiError> {
    let store = state.packets().clone();
    let stored = blocking(move || store.load(&name)).await?;
    view(&state, &stored)
}

/// `PUT /api/packets/{name}`: change title, audience, date, author or questions.
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Result<Json<CoverEdit>, JsonRejection>,
) -> Result<Json<PacketView>, ApiError> {
    state.access().check(&headers)?;
    let edit = json_body(body)?;
    let version = edit.version.clone();
    let (stored, ()) = update_packet(&state, name, version, move |p| {
        p.edit_cover(edit);
        Ok(())
    })
    .await?;
    view(&state, &stored)
}

/// `DELETE /api/packets/{name}[?version=…]`.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    params: Result<Query<VersionParam>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    state.access().check(&headers)?;
    let Query(v) = params?;
    let store = state.packets().clone();
    blocking(move || store.delete(&name, v.version.as_deref())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/packets/{name}/cases`: add cases.
pub async fn add_cases(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Result<Json<AddBody>, JsonRejection>,
) -> Result<Json<PacketView>, ApiError> {
    state.access().check(&headers)?;
    let b = json_body(body)?;
    known_cases(&state, &b.ids)?;
    let (stored, _) = update_packet(&state, name, None, move |p| p.add(&b.ids, b.at)).await?;
    view(&state, &stored)
}

/// `DELETE /api/packets/{name}/cases/{id}`.
pub async fn remove_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((name, id)): Path<(String, String)>,
) -> Result<Json<PacketView>, ApiError> {
    state.access().check(&headers)?;
    let (stored, ()) = update_packet(&state, name, None, move |p| p.remove(&id)).await?;
    view(&state, &stored)
}

/// `PATCH /api/packets/{name}/cases/{id}`: move it (`to`) and/or set its note.
pub async fn edit_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((name, id)): Path<(String, String)>,
    body: Result<Json<CaseEdit>, JsonRejection>,
) -> Result<Json<PacketView>, ApiError> {
    state.access().check(&headers)?;
    let b = json_body(body)?;
    let (stored, ()) = update_packet(&state, name, None, move |p| {
        if let Some(note) = &b.note {
            p.set_note(&id, note)?;
        }
        if let Some(to) = b.to {
            p.move_to(&id, to)?;
        }
        Ok(())
    })
    .await?;
    view(&state, &stored)
}

/// `GET /api/packets/{name}/export?format=md|html|docx`: the handout as a download.
pub async fn export_handout(
    State(state): State<AppState>,
    Path(name): Path<String>,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(p) = params?;
    let format = p.format.unwrap_or_else(|| "docx".into());
    let (bytes, format) = export_blocking(&state, name.clone(), format).await?;
    Ok(download(bytes, format, &name))
}
