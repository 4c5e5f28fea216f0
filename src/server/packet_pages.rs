//! The packet pages: list and create packets, edit one (order, notes, questions), download the
//! handout, and the "加入案例包" form on results and case pages. Plain HTML forms that post and
//! redirect back (303), so everything works without script.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::api::ApiError;
use super::packets::{self, PacketView};
use super::pages::{error_page, render};
use super::AppState;
use crate::packet::{CoverEdit, NewPacket, Packet};

/// A packet in the "加入案例包" picker.
#[derive(Serialize)]
struct Choice {
    #[serde(skip)]
    modified: Option<std::time::SystemTime>,
    name: String,
    title: String,
    cases: usize,
}

/// What the results and case pages need for their "加入案例包" forms.
pub(super) fn picker(state: &AppState, headers: &HeaderMap) -> minijinja::Value {
    let can_write = state.access().allows(headers);
    let packets: Vec<Choice> = if can_write {
        state
            .packets()
            .list()
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .map(|s| Choice {
                modified: state
                    .packets()
                    .path(&s.name)
                    .ok()
                    .and_then(|p| std::fs::metadata(p).ok())
                    .and_then(|m| m.modified().ok()),
                cases: s.packet.cases.len(),
                title: s.packet.title,
                name: s.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    // The packet worked on last comes first, so it is the one preselected.
    let mut packets = packets;
    packets.sort_by_key(|c| std::cmp::Reverse(c.modified));
    context! { can_write, packets }
}

/// A form that could not be read: too large, too slow, or not a form.
fn form_error(e: &FormRejection) -> ApiError {
    match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "提交的内容太多（上限 {} KB），请分几次保存",
                super::MAX_BODY_BYTES / 1024
            ),
        ),
        StatusCode::REQUEST_TIMEOUT => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "提交得太慢，已超时；请重试",
        ),
        _ => ApiError::bad("bad_form", "表单内容无法解析，请回到上一页重新提交"),
    }
}

fn fail(state: &AppState, e: ApiError) -> Response {
    error_page(state, e.status(), &e.message)
}

/// The form of a request that writes, once the write rule allows it.
fn writable_form<T>(
    state: &AppState,
    headers: &HeaderMap,
    form: Result<Form<T>, FormRejection>,
) -> Result<T, ApiError> {
    state.access().check(headers)?;
    form.map(|Form(f)| f).map_err(|e| form_error(&e))
}

/// A local path to go back to (never another site), with anything outside visible ASCII
/// percent-encoded so it can go in a `Location` header.
fn local(back: &str) -> Option<String> {
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

fn with_param(url: &str, key: &str, value: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    let pair = serde_urlencoded::to_string([(key, value)]).unwrap_or_default();
    format!("{url}{sep}{pair}")
}

/// The page of packet `name`.
pub(super) fn packet_url(name: &str) -> String {
    let enc = serde_urlencoded::to_string([("", name)]).unwrap_or_default();
    format!("/packets/{}", enc.trim_start_matches('='))
}

/// `GET /packets`: the list, and a form to start a new one.
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let store = state.packets().clone();
    let all = match packets::blocking(move || store.list()).await {
        Ok(a) => a,
        Err(e) => return fail(&state, e),
    };
    let mut items = Vec::new();
    let mut broken = Vec::new();
    for r in all {
        match r {
            Ok(s) => items.push(context! {
                url => packet_url(&s.name), name => s.name, title => s.packet.title,
                cases => s.packet.cases.len(), audience => s.packet.audience, date => s.packet.date,
            }),
            Err(e) => broken.push(ApiError::from(e).message),
        }
    }
    let can_write = state.access().allows(&headers);
    let login = !can_write && state.access().has_token();
    render(
        &state,
        StatusCode::OK,
        "packets.html",
        context! { items, broken, can_write, login },
    )
}

/// The new-packet form.
#[derive(Debug, Deserialize)]
pub struct NewForm {
    name: String,
    title: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    limit: String,
}

/// `POST /packets`: create, then show it.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<NewForm>, FormRejection>,
) -> Response {
    let f = match writable_form(&state, &headers, form) {
        Ok(f) => f,
        Err(e) => return fail(&state, e),
    };
    let limit = match f.limit.trim() {
        "" => None,
        s => match s.parse() {
            Ok(n) => Some(n),
            Err(_) => return fail(&state, ApiError::bad("bad_limit", "条数应是数字")),
        },
    };
    let new = NewPacket {
        name: f.name.trim().to_string(),
        title: f.title,
        audience: f.audience,
        date: f.date,
        author: f.author,
        query: Some(f.query).filter(|q| !q.trim().is_empty()),
        limit,
        ids: Vec::new(),
    };
    match packets::create_packet(&state, new).await {
        Ok(s) => Redirect::to(&packet_url(&s.name)).into_response(),
        Err(e) => fail(&state, e),
    }
}

/// `GET /packets/{name}`: the packet, with edit forms when the visitor may write.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let store = state.packets().clone();
    let n = name.clone();
    let stored = match packets::blocking(move || store.load(&n)).await {
        Ok(s) => s,
        Err(e) => return fail(&state, e),
    };
    let view = match packets::resolve(&state, &stored) {
        Ok(r) => PacketView::from(&r),
        Err(e) => return fail(&state, e),
    };
    let url = packet_url(&name);
    let cases: Vec<_> = view
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            context! {
                n => i + 1, id => c.id, title => c.title, missing => c.missing, note => c.note,
                region => c.region, year => c.year, topics => c.topics,
                case_url => format!("/cases/{}", c.id),
                up => i > 0, down => i + 1 < view.cases.len(),
            }
        })
        .collect();
    let questions = view.questions.join("\n");
    let can_write = state.access().allows(&headers);
    let login = !can_write && state.access().has_token();
    let short = crate::packet::short(&view.corpus_version).to_string();
    let query_url = view.query.as_deref().map(|q| {
        format!(
            "/?{}",
            serde_urlencoded::to_string([("q", q)]).unwrap_or_default()
        )
    });
    render(
        &state,
        StatusCode::OK,
        "packet.html",
        context! { p => view, cases, questions, url, can_write, login, corpus_short => short, query_url },
    )
}

/// Every edit form on the packet page posts here, with `action` saying which.
#[derive(Debug, Default, Deserialize)]
pub struct EditForm {
    action: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    questions: Option<String>,
}

/// `POST /packets/{name}`: apply one edit, then show the packet again.
pub async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    form: Result<Form<EditForm>, FormRejection>,
) -> Response {
    let f = match writable_form(&state, &headers, form) {
        Ok(f) => f,
        Err(e) => return fail(&state, e),
    };
    let url = packet_url(&name);
    let id = f.id.trim().to_string();
    type Change = Box<dyn FnOnce(&mut Packet) -> crate::Result<()> + Send>;
    let (version, change): (Option<String>, Change) = match f.action.as_str() {
        "meta" => {
            let edit = CoverEdit {
                version: Some(f.version),
                title: f.title,
                audience: f.audience,
                date: f.date,
                author: f.author,
                questions: f.questions.map(|q| q.lines().map(str::to_string).collect()),
            };
            (
                edit.version.clone(),
                Box::new(move |p| {
                    p.edit_cover(edit);
                    Ok(())
                }),
            )
        }
        "add" => {
            let ids: Vec<String> = id.split_whitespace().map(str::to_string).collect();
            if let Err(e) = packets::known_cases(&state, &ids) {
                return fail(&state, e);
            }
            (None, Box::new(move |p| p.add(&ids, None).map(drop)))
        }
        "remove" => (None, Box::new(move |p| p.remove(&id))),
        "up" => (None, Box::new(move |p| p.shift(&id, -1))),
        "down" => (None, Box::new(move |p| p.shift(&id, 1))),
        "note" => {
            let note = f.note;
            (None, Box::new(move |p| p.set_note(&id, &note)))
        }
        "delete" => {
            let store = state.packets().clone();
            let version = f.version;
            return match packets::blocking(move || store.delete(&name, Some(&version))).await {
                Ok(()) => Redirect::to("/packets").into_response(),
                Err(e) => fail(&state, e),
            };
        }
        _ => return fail(&state, ApiError::bad("bad_form", "不认识的操作")),
    };
    match packets::update_packet(&state, name, version, change).await {
        Ok(_) => Redirect::to(&format!("{url}#cases")).into_response(),
        Err(e) => fail(&state, e),
    }
}

/// The "加入案例包" form on results and case pages.
#[derive(Debug, Deserialize)]
pub struct AddForm {
    /// Packet name; empty means "start a new one".
    #[serde(default)]
    packet: String,
    id: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    q: String,
}

/// `POST /packets/add`: add a case (to a new packet if none was chosen), then go back.
pub async fn add_from_results(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<AddForm>, FormRejection>,
) -> Response {
    let f = match writable_form(&state, &headers, form) {
        Ok(f) => f,
        Err(e) => return fail(&state, e),
    };
    let ids = vec![f.id.trim().to_string()];
    if let Err(e) = packets::known_cases(&state, &ids) {
        return fail(&state, e);
    }
    let name = if f.packet.trim().is_empty() {
        match new_packet_for(&state, f.q.trim()).await {
            Ok(n) => n,
            Err(e) => return fail(&state, e),
        }
    } else {
        f.packet.trim().to_string()
    };
    if let Err(e) =
        packets::update_packet(&state, name.clone(), None, move |p| p.add(&ids, None)).await
    {
        return fail(&state, e);
    }
    let back = local(&f.back).unwrap_or_else(|| packet_url(&name));
    Redirect::to(&with_param(&back, "added", &name)).into_response()
}

/// Start a packet named after the search (or 案例包), with a free name.
async fn new_packet_for(state: &AppState, q: &str) -> Result<String, ApiError> {
    let stem: String = q.chars().filter(|c| c.is_alphanumeric()).take(20).collect();
    let stem = if stem.is_empty() {
        "案例包".to_string()
    } else {
        stem
    };
    let title = if q.is_empty() {
        "新案例包".to_string()
    } else {
        format!("{}专题", q.chars().take(40).collect::<String>())
    };
    for i in 1..100 {
        let name = if i == 1 {
            stem.clone()
        } else {
            format!("{stem}-{i}")
        };
        let new = NewPacket {
            name: name.clone(),
            title: title.clone(),
            ..NewPacket::default()
        };
        match packets::create_packet(state, new).await {
            Ok(_) => return Ok(name),
            Err(e) if e.code == "packet_exists" => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ApiError::bad(
        "bad_edit",
        "同名案例包太多，请到“案例包”页面新建",
    ))
}

/// `GET /packets/{name}/download/{format}`.
pub async fn download(
    State(state): State<AppState>,
    Path((name, format)): Path<(String, String)>,
) -> Response {
    match packets::export_blocking(&state, name.clone(), format).await {
        Ok((bytes, format)) => packets::download(bytes, format, &name),
        Err(e) => fail(&state, e),
    }
}

/// `GET /login`: the token form (only meaningful when a token is configured).
pub async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let ok = state.access().allows(&headers);
    render(
        &state,
        StatusCode::OK,
        "login.html",
        context! { ok, has_token => state.access().has_token(), local => state.access().is_local() },
    )
}

/// The token form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    token: String,
}

/// `POST /login`: check the token and keep it in an HttpOnly cookie.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let f = match form {
        Ok(Form(f)) => f,
        Err(e) => return fail(&state, form_error(&e)),
    };
    let mut h = headers.clone();
    h.insert(
        header::AUTHORIZATION,
        match format!("Bearer {}", f.token.trim()).parse() {
            Ok(v) => v,
            Err(_) => {
                return fail(
                    &state,
                    ApiError::new(StatusCode::FORBIDDEN, "bad_token", "管理口令不对"),
                )
            }
        },
    );
    if let Err(e) = state.access().check(&h) {
        return fail(&state, e);
    }
    let cookie = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000",
        super::access::COOKIE,
        f.token.trim()
    );
    let mut resp = Redirect::to("/packets").into_response();
    if let Ok(v) = cookie.parse() {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}
