//! The packet page and its editor: one form holds the whole packet (every note, the cover,
//! the questions) and every button on it — save, up, down, remove, undo, add, search, copy,
//! rename — submits all of it, so nothing typed is lost whichever is pressed. Each text field
//! carries the fingerprint of the text it started from, and a save is merged field by field
//! ([`Packet::apply_edits`]): what someone else saved meanwhile stays, and a field both
//! changed comes back with both versions, the typed one still in its box.
//!
//! Without script the form posts and the page comes back (303) at the part that was acted on;
//! a failed save shows the page again with everything as typed. `packet.js` saves each field as
//! it is left (`Accept: application/json`: the answer is [`SaveAnswer`]), and sends the other
//! buttons in the background, replacing the page's content in place.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Serialize;

use super::access::Caller;
use super::editor_form::{ConflictView, Submitted};
use super::editor_view::{render_editor, Overlay};
use super::error::{ApiError, PageError};
use super::extract::{AppForm, PagePath, PageQuery, WriteAllowed};
use super::links::packet_url;
use super::packet_ops::{self, blocking};
use super::AppState;
use crate::packet::{fingerprint, Applied, Field, Packet, StoredPacket};

/// What the page's address may say: a search to show, that the last save worked, a case just
/// removed (offered for undoing).
#[derive(Debug, Default, serde::Deserialize)]
pub struct ShowParams {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    removed: Option<String>,
}

/// `GET /packets/{name}`: the packet, with the editor when the visitor may write.
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    PagePath(name): PagePath<String>,
    PageQuery(p): PageQuery<ShowParams>,
) -> Result<Response, PageError> {
    let overlay = Overlay {
        q: p.q.unwrap_or_default(),
        saved: p.saved.is_some(),
        removed: p
            .removed
            .filter(|id| crate::case::front_matter::valid_id(id)),
        ..Overlay::default()
    };
    Ok(render_editor(&state, &caller, name, overlay, StatusCode::OK).await?)
}

/// `GET /static/packet.js`: the editor's script (saving each field as it is left, buttons
/// answered in place).
pub async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("static/packet.js"),
    )
        .into_response()
}

/// Which button was pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    /// Save; come back at this part of the page.
    Save(Option<String>),
    Up(String),
    Down(String),
    Remove(String),
    Restore(String),
    /// Add the ids typed in the box, and this one.
    Add(Option<String>),
    Search,
    Copy,
    Rename,
}

impl Op {
    fn parse(op: &str) -> Result<Op, ApiError> {
        let (verb, arg) = match op.split_once(':') {
            Some((v, a)) => (v, Some(a.to_string())),
            None => (op, None),
        };
        let id = || {
            arg.clone()
                .filter(|a| crate::case::front_matter::valid_id(a))
                .ok_or_else(|| ApiError::bad("bad_form", "按钮缺少案例编号"))
        };
        Ok(match verb {
            "" | "save" => Op::Save(arg.clone().filter(|a| safe_anchor(a))),
            "up" => Op::Up(id()?),
            "down" => Op::Down(id()?),
            "remove" => Op::Remove(id()?),
            "restore" => Op::Restore(id()?),
            "add" => Op::Add(arg.clone().map(|_| id()).transpose()?),
            "search" => Op::Search,
            "copy" => Op::Copy,
            "rename" => Op::Rename,
            _ => return Err(ApiError::bad("bad_form", "不认识的操作")),
        })
    }

    /// The part of the page to come back to.
    fn anchor(&self) -> Option<String> {
        match self {
            Op::Save(a) => a.clone(),
            Op::Up(id) | Op::Down(id) | Op::Restore(id) => Some(format!("c-{id}")),
            Op::Remove(_) => Some("cases".into()),
            Op::Add(_) | Op::Search => Some("search".into()),
            Op::Copy | Op::Rename => None,
        }
    }
}

/// An anchor on the page: letters, digits and `-`.
fn safe_anchor(a: &str) -> bool {
    !a.is_empty()
        && a.len() <= 100
        && a.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What an autosave gets back.
#[derive(Debug, Serialize)]
pub struct SaveAnswer {
    /// The packet's version now.
    version: String,
    /// When it was saved (local time, `HH:MM:SS`).
    saved_at: String,
    /// The fingerprint each field's next save is based on.
    bases: HashMap<String, String>,
    /// Fields not saved because someone else changed them meanwhile.
    conflicts: Vec<ConflictView>,
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// `POST /packets/{name}`: save the form and do what its button asks.
pub async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    PagePath(name): PagePath<String>,
    _: WriteAllowed<PageError>,
    headers: HeaderMap,
    AppForm(pairs): AppForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let json = wants_json(&headers);
    let sub = Submitted::parse(pairs);
    let outcome = save(&state, &name, &sub).await;
    let (stored, applied, op) = match outcome {
        Ok(done) => done,
        Err(e) if json => return Ok(e.into_response()),
        Err(e) => return failed(&state, &caller, name, &sub, e).await,
    };
    if json {
        return Ok(Json(answer(&stored, &applied)).into_response());
    }
    if !applied.conflicts.is_empty() {
        let overlay = Overlay::conflicts(&sub, &applied);
        return Ok(render_editor(&state, &caller, name, overlay, StatusCode::CONFLICT).await?);
    }
    let next = match op {
        Op::Copy => {
            let title = Some(sub.copy_title.clone()).filter(|t| !t.trim().is_empty());
            let to = sub.copy_name.trim().to_string();
            match packet_ops::copy(&state, name.clone(), to, title).await {
                Ok(copy) => return Ok(Redirect::to(&packet_url(&copy.name)).into_response()),
                Err(e) => e,
            }
        }
        Op::Rename => {
            let to = sub.rename.trim().to_string();
            match packet_ops::rename(&state, name.clone(), to, None).await {
                Ok(moved) => {
                    let url = format!("{}?saved=1", packet_url(&moved.name));
                    return Ok(Redirect::to(&url).into_response());
                }
                Err(e) => e,
            }
        }
        op => return Ok(Redirect::to(&back_url(&name, &sub, &op)).into_response()),
    };
    // Copying or renaming failed (after the save): the page says why, the names as typed.
    let overlay = Overlay {
        error: Some(next.message.clone()),
        suggestion: next.suggestion.clone(),
        q: sub.q.clone(),
        copy_name: Some(sub.copy_name.clone()),
        copy_title: Some(sub.copy_title.clone()),
        rename: Some(sub.rename.clone()),
        ..Overlay::default()
    };
    Ok(render_editor(&state, &caller, name, overlay, next.status()).await?)
}

/// Where the page comes back after a save: the search kept, the part acted on in view.
fn back_url(name: &str, sub: &Submitted, op: &Op) -> String {
    let mut params: Vec<(&str, &str)> = Vec::new();
    let q = sub.q.trim();
    if !q.is_empty() {
        params.push(("q", q));
    }
    params.push(("saved", "1"));
    if let Op::Remove(id) = op {
        params.push(("removed", id));
    }
    let query = serde_urlencoded::to_string(&params).unwrap_or_default();
    let anchor = op.anchor().map(|a| format!("#{a}")).unwrap_or_default();
    format!("{}?{query}{anchor}", packet_url(name))
}

/// Check the ids to add, then save everything typed and apply the button, under the store's
/// lock.
async fn save(
    state: &AppState,
    name: &str,
    sub: &Submitted,
) -> Result<(StoredPacket, Applied, Op), ApiError> {
    let op = Op::parse(&sub.op)?;
    let mut ids: Vec<String> = sub.add.split_whitespace().map(str::to_string).collect();
    if let Op::Add(Some(id)) = &op {
        ids.push(id.clone());
    }
    if !ids.is_empty() {
        let s = state.clone();
        let check = ids.clone();
        blocking(move || crate::packet::require_cases(s.engine(), &check)).await?;
    }
    let edits = sub.edits.clone();
    let action = op.clone();
    let (stored, applied) =
        packet_ops::update(state, name.to_string(), None, move |p: &mut Packet| {
            // A case brought back first, so a note typed for it lands.
            if let Op::Restore(id) = &action {
                p.restore(id)?;
            }
            let applied = p.apply_edits(&edits)?;
            if !ids.is_empty() {
                p.add(&ids, None)?;
            }
            match &action {
                Op::Up(id) => p.shift(id, -1)?,
                Op::Down(id) => p.shift(id, 1)?,
                Op::Remove(id) => p.remove(id)?,
                _ => {}
            }
            Ok(applied)
        })
        .await?;
    Ok((stored, applied, op))
}

/// A save that failed as a whole (nothing was written): the page again, everything as typed,
/// and why.
async fn failed(
    state: &AppState,
    caller: &Caller,
    name: String,
    sub: &Submitted,
    e: ApiError,
) -> Result<Response, PageError> {
    if e.code == "not_found" && state_missing(state, &name).await {
        return Err(e.into());
    }
    let overlay = Overlay {
        texts: sub.as_typed(),
        error: Some(format!("{}（没有保存；你写的内容都还在下面）", e.message)),
        q: sub.q.clone(),
        add: sub.add.clone(),
        copy_name: Some(sub.copy_name.clone()),
        copy_title: Some(sub.copy_title.clone()),
        rename: Some(sub.rename.clone()),
        ..Overlay::default()
    };
    Ok(render_editor(state, caller, name, overlay, e.status()).await?)
}

/// Whether packet `name` itself is gone (rather than a case the form named).
async fn state_missing(state: &AppState, name: &str) -> bool {
    let store = state.packets().clone();
    let name = name.to_string();
    matches!(
        blocking(move || store.load(&name)).await,
        Err(e) if e.code == "not_found"
    )
}

/// The autosave answer for a save that went through.
fn answer(stored: &StoredPacket, applied: &Applied) -> SaveAnswer {
    let p = &stored.packet;
    let mut bases: HashMap<String, String> = [
        Field::Title,
        Field::Audience,
        Field::Date,
        Field::Author,
        Field::Questions,
    ]
    .into_iter()
    .chain(p.ids().map(|id| Field::Note(id.to_string())))
    .filter_map(|f| Some((f.key(), fingerprint(&p.text(&f)?))))
    .collect();
    let conflicts = applied
        .conflicts
        .iter()
        .map(|c| {
            if let Some(theirs) = &c.theirs {
                bases.insert(c.field.key(), fingerprint(theirs));
            }
            ConflictView {
                key: c.field.key(),
                label: c.field.label(),
                yours: c.yours.clone(),
                theirs: c.theirs.clone(),
            }
        })
        .collect();
    SaveAnswer {
        version: stored.version.clone(),
        saved_at: jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string(),
        bases,
        conflicts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_and_fields_are_read_from_the_form() {
        assert_eq!(Op::parse("save").unwrap(), Op::Save(None));
        assert_eq!(
            Op::parse("save:c-elevator-01").unwrap(),
            Op::Save(Some("c-elevator-01".into()))
        );
        assert_eq!(Op::parse("save:<x>").unwrap(), Op::Save(None));
        assert_eq!(Op::parse("up:a-1").unwrap(), Op::Up("a-1".into()));
        assert_eq!(Op::parse("add").unwrap(), Op::Add(None));
        assert_eq!(Op::parse("add:b").unwrap(), Op::Add(Some("b".into())));
        assert!(Op::parse("remove").is_err());
        assert!(Op::parse("remove:../x").is_err());
        assert!(Op::parse("drop").is_err());
        let s = Submitted::parse(vec![
            ("op".into(), "save".into()),
            ("note:a".into(), "按语".into()),
            ("base:note:a".into(), "abc".into()),
            ("title".into(), "标题".into()),
            ("version".into(), "v".into()),
            ("bogus".into(), "x".into()),
        ]);
        assert_eq!(s.edits.len(), 2);
        assert_eq!(s.edits[0].field, Field::Note("a".into()));
        assert_eq!(s.edits[0].base.as_deref(), Some("abc"));
        assert_eq!(s.edits[1].base, None);
        let url = back_url(
            "加梯",
            &Submitted {
                q: "一楼".into(),
                ..Submitted::default()
            },
            &Op::Remove("a".into()),
        );
        assert!(
            url.ends_with("?q=%E4%B8%80%E6%A5%BC&saved=1&removed=a#cases"),
            "{url}"
        );
    }
}
