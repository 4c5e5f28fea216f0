//! The packet pages: list and create packets, edit one (order, notes, questions), download the
//! handout, log in, and the "加入案例包" form on results and case pages. Plain HTML forms that
//! post and redirect back (303), so everything works without script. Errors show the error
//! page ([`PageError`]); writes need [`WriteAllowed`].

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::access::Caller;
use super::error::{ApiError, PageError};
use super::extract::{AppForm, LoginAllowed, PagePath, WriteAllowed};
use super::links::{local, packet_url, with_param};
use super::packet_ops::{self, blocking, PacketView};
use super::templates::render;
use super::AppState;
use crate::packet::{CoverEdit, NewPacket, Packet};

/// A write from a page: refused with the error page.
type PageWrite = WriteAllowed<PageError>;

/// `GET /packets`: the list, and a form to start a new one.
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let all = packet_ops::summaries(&state).await?;
    let mut items = Vec::new();
    let mut broken = Vec::new();
    for r in all {
        match r {
            Ok(s) => items.push(context! {
                url => packet_url(&s.name), name => s.name, title => s.title,
                cases => s.cases, audience => s.audience, date => s.date,
            }),
            Err(e) => broken.push(ApiError::from(e).message),
        }
    }
    let can_write = state.access().allows(&caller);
    let login = !can_write && state.access().has_token();
    Ok(render(
        StatusCode::OK,
        "packets.html",
        context! { items, broken, can_write, login },
    ))
}

/// The new-packet form: [`NewPacket`] as a form sends it (`limit` may be empty).
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
    _: PageWrite,
    AppForm(f): AppForm<NewForm>,
) -> Result<Response, PageError> {
    let limit = match f.limit.trim() {
        "" => None,
        s => Some(
            s.parse()
                .map_err(|_| ApiError::bad("bad_limit", "条数应是数字"))?,
        ),
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
    let stored = packet_ops::create(&state, new).await?;
    Ok(Redirect::to(&packet_url(&stored.name)).into_response())
}

/// `GET /packets/{name}`: the packet, with edit forms when the visitor may write.
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    PagePath(name): PagePath<String>,
) -> Result<Response, PageError> {
    let resolved = packet_ops::load(&state, name.clone()).await?;
    let view = PacketView::from(&resolved);
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
    let can_write = state.access().allows(&caller);
    let login = !can_write && state.access().has_token();
    let short = crate::packet::short(view.corpus_version).to_string();
    let query_url = view.query.map(|q| {
        format!(
            "/?{}",
            serde_urlencoded::to_string([("q", q)]).unwrap_or_default()
        )
    });
    Ok(render(
        StatusCode::OK,
        "packet.html",
        context! { p => view, cases, questions, url, can_write, login, corpus_short => short, query_url },
    ))
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
    /// One question a line.
    #[serde(default)]
    questions: Option<String>,
}

/// `POST /packets/{name}`: apply one edit, then show the packet again.
pub async fn edit(
    State(state): State<AppState>,
    PagePath(name): PagePath<String>,
    _: PageWrite,
    AppForm(f): AppForm<EditForm>,
) -> Result<Response, PageError> {
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
            packet_ops::add_cases(&state, name, ids, None).await?;
            return Ok(Redirect::to(&format!("{url}#cases")).into_response());
        }
        "remove" => (None, Box::new(move |p| p.remove(&id))),
        "up" => (None, Box::new(move |p| p.shift(&id, -1))),
        "down" => (None, Box::new(move |p| p.shift(&id, 1))),
        "note" => {
            let note = f.note;
            (None, Box::new(move |p| p.set_note(&id, &note)))
        }
        "delete" => {
            packet_ops::delete(&state, name, Some(f.version)).await?;
            return Ok(Redirect::to("/packets").into_response());
        }
        _ => return Err(ApiError::bad("bad_form", "不认识的操作").into()),
    };
    packet_ops::update(&state, name, version, change).await?;
    Ok(Redirect::to(&format!("{url}#cases")).into_response())
}

/// The "加入案例包" form on results and case pages.
#[derive(Debug, Deserialize)]
pub struct AddForm {
    /// Packet name; empty means "start a new one".
    #[serde(default)]
    packet: String,
    id: String,
    /// The page to go back to.
    #[serde(default)]
    back: String,
    /// The search the page showed (names a new packet).
    #[serde(default)]
    q: String,
}

/// `POST /packets/add`: add a case (to a new packet if none was chosen), then go back.
pub async fn add_from_results(
    State(state): State<AppState>,
    _: PageWrite,
    AppForm(f): AppForm<AddForm>,
) -> Result<Response, PageError> {
    let ids = vec![f.id.trim().to_string()];
    let s = state.clone();
    let ids =
        blocking(move || crate::packet::require_cases(s.engine(), &ids).map(|()| ids)).await?;
    let name = if f.packet.trim().is_empty() {
        new_packet_for(&state, f.q.trim()).await?
    } else {
        f.packet.trim().to_string()
    };
    packet_ops::update(&state, name.clone(), None, move |p| p.add(&ids, None)).await?;
    let back = local(&f.back).unwrap_or_else(|| packet_url(&name));
    Ok(Redirect::to(&with_param(&back, "added", &name)).into_response())
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
        match packet_ops::create(state, new).await {
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
    PagePath((name, format)): PagePath<(String, String)>,
) -> Result<Response, PageError> {
    Ok(packet_ops::download(&state, name, &format).await?)
}

/// `GET /login`: the token form (only meaningful when a token is configured).
pub async fn login_page(State(state): State<AppState>, caller: Caller) -> Response {
    let ok = state.access().allows(&caller);
    render(
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

/// `POST /login`: check the token (throttled and logged when wrong, like every token) and keep
/// a session derived from it in an HttpOnly cookie.
pub async fn login(
    State(state): State<AppState>,
    caller: Caller,
    _: LoginAllowed<PageError>,
    AppForm(f): AppForm<LoginForm>,
) -> Result<Response, PageError> {
    let cookie = state.access().login(&caller, &f.token)?;
    let mut resp = Redirect::to("/packets").into_response();
    if let Ok(v) = cookie.parse() {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}
