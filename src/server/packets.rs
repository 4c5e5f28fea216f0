//! Case packets over HTTP: the JSON API under `/api/packets`. Writes need [`WriteAllowed`]; the
//! work itself is the library's, run on the blocking pool ([`packet_ops`](super::packet_ops)).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::extract::{AppJson, AppPath, AppQuery, WriteAllowed};
use super::packet_ops::{self, PacketView};
use super::AppState;
use crate::packet::{CoverEdit, NewPacket, Resolved, StoredPacket};

/// A packet in the list.
#[derive(Debug, Serialize)]
pub struct PacketSummary {
    pub name: String,
    pub title: String,
    /// Number of cases.
    pub cases: usize,
    pub version: String,
}

/// Body of `POST /api/packets/{name}/cases`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddBody {
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
    /// `md`, `html` or `docx` (default `docx`).
    pub format: Option<String>,
    /// `teacher` (default) or `student`.
    pub edition: Option<String>,
}

/// Body of `POST /api/packets/{name}/copy`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopyBody {
    /// The new packet's name.
    pub name: String,
    /// Its title (default: the same title).
    #[serde(default)]
    pub title: Option<String>,
}

/// Body of `POST /api/packets/{name}/rename`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameBody {
    /// The new name.
    pub name: String,
    /// The version the rename is based on (refused if stale).
    #[serde(default)]
    pub version: Option<String>,
}

/// The packet view of `r` as JSON (serialized here: the view borrows `r`).
fn view(r: &Resolved) -> Response {
    Json(PacketView::from(r)).into_response()
}

async fn resolved_view(state: &AppState, stored: StoredPacket) -> Result<Response, ApiError> {
    Ok(view(&packet_ops::resolve(state, stored).await?))
}

/// `GET /api/packets`.
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<PacketSummary>>, ApiError> {
    let all = packet_ops::summaries(&state).await?;
    Ok(Json(
        all.into_iter()
            .filter_map(|r| match r {
                Ok(s) => Some(PacketSummary {
                    cases: s.cases,
                    title: s.title,
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
    _: WriteAllowed,
    AppJson(new): AppJson<NewPacket>,
) -> Result<(StatusCode, Response), ApiError> {
    let stored = packet_ops::create(&state, new).await?;
    Ok((StatusCode::CREATED, resolved_view(&state, stored).await?))
}

/// `GET /api/packets/{name}`.
pub async fn get(
    State(state): State<AppState>,
    AppPath(name): AppPath<String>,
) -> Result<Response, ApiError> {
    Ok(view(&packet_ops::load(&state, name).await?))
}

/// `PUT /api/packets/{name}`: change title, audience, date, author or questions.
pub async fn update(
    State(state): State<AppState>,
    AppPath(name): AppPath<String>,
    _: WriteAllowed,
    AppJson(edit): AppJson<CoverEdit>,
) -> Result<Response, ApiError> {
    let version = edit.version.clone();
    let (stored, ()) = packet_ops::update(&state, name, version, move |p| {
        p.edit_cover(edit);
        Ok(())
    })
    .await?;
    resolved_view(&state, stored).await
}

/// `DELETE /api/packets/{name}[?version=…]`.
pub async fn delete(
    State(state): State<AppState>,
    AppPath(name): AppPath<String>,
    _: WriteAllowed,
    AppQuery(v): AppQuery<VersionParam>,
) -> Result<StatusCode, ApiError> {
    packet_ops::delete(&state, name, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/packets/{name}/cases`: add cases.
pub async fn add_cases(
    State(state): State<AppState>,
    AppPath(name): AppPath<String>,
    _: WriteAllowed,
    AppJson(b): AppJson<AddBody>,
) -> Result<Response, ApiError> {
    let stored = packet_ops::add_cases(&state, name, b.ids, b.at).await?;
    resolved_view(&state, stored).await
}

/// `DELETE /api/packets/{name}/cases/{id}`.
pub async fn remove_case(
    State(state): State<AppState>,
    AppPath((name, id)): AppPath<(String, String)>,
    _: WriteAllowed,
) -> Result<Response, ApiError> {
    let (stored, ()) = packet_ops::update(&state, name, None, move |p| p.remove(&id)).await?;
    resolved_view(&state, stored).await
}

/// `PATCH /api/packets/{name}/cases/{id}`: move it (`to`) and/or set its note.
pub async fn edit_case(
    State(state): State<AppState>,
    AppPath((name, id)): AppPath<(String, String)>,
    _: WriteAllowed,
    AppJson(b): AppJson<CaseEdit>,
) -> Result<Response, ApiError> {
    let (stored, ()) = packet_ops::update(&state, name, None, move |p| {
        if let Some(note) = &b.note {
            p.set_note(&id, note)?;
        }
        if let Some(to) = b.to {
            p.move_to(&id, to)?;
        }
        Ok(())
    })
    .await?;
    resolved_view(&state, stored).await
}

/// `POST /api/packets/{name}/cases/{id}/restore`: undo the removal of a case (its note comes
/// back with it).
pub async fn restore_case(
    State(state): State<AppState>,
    AppPath((name, id)): AppPath<(String, String)>,
    _: WriteAllowed,
) -> Result<Response, ApiError> {
    let (stored, ()) = packet_ops::update(&state, name, None, move |p| p.restore(&id)).await?;
    resolved_view(&state, stored).await
}

/// `POST /api/packets/{name}/copy`: a new packet with the same cases, notes and questions;
/// 201 with the copy.
pub async fn copy(
    State(state): State<AppState>,
    AppPath(name): AppPath<String>,
    _: WriteAllowed,
    AppJson(b): AppJson<CopyBody>,
) -> Result<(StatusCode, Response), ApiError> {
    let stored = packet_ops::copy(&state, name, b.name, b.title).await?;
    Ok((StatusCode::CREATED, resolved_view(&state, stored).await?))
}

/// `POST /api/packets/{name}/rename`: the packet under a new name.
pub async fn rename(
    State(state): State<AppState>,
    AppPath(name): AppPath<String>,
    _: WriteAllowed,
    AppJson(b): AppJson<RenameBody>,
) -> Result<Response, ApiError> {
    let stored = packet_ops::rename(&state, name, b.name, b.version).await?;
    resolved_view(&state, stored).await
}

/// `GET /api/packets/{name}/export?format=md|html|docx&edition=teacher|student`: the handout
/// as a download.
pub async fn export_handout(
    State(state): State<AppState>,
    AppPath(name): AppPath<String>,
    AppQuery(p): AppQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let format = p.format.unwrap_or_else(|| "docx".into());
    packet_ops::download(&state, name, &format, p.edition.as_deref()).await
}
