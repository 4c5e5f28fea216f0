//! The packet pages besides the editor (`packet_editor`): the list, the new-packet form, the
//! "加入案例包" form on results and case pages, handout downloads (a packet's, or one case's),
//! and logging in. Plain HTML forms that post and redirect back (303), so everything works
//! without script. Errors show the error page ([`PageError`]); writes need [`WriteAllowed`].

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::access::Caller;
use super::error::{ApiError, PageError};
use super::extract::{AppForm, LoginAllowed, PagePath, PageQuery, WriteAllowed};
use super::links::{local, packet_url, with_param};
use super::packet_ops::{self, blocking};
use super::templates::render;
use super::AppState;
use crate::packet::NewPacket;

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

/// The new-packet form: [`NewPacket`] as a form sends it (`limit` may be empty), and, from
/// the "加入案例包" form, the case to add and the page to go back to.
#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
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
    /// A case to put in it.
    #[serde(default)]
    id: String,
    /// Where to go back to after adding `id`.
    #[serde(default)]
    back: String,
}

/// What `GET /new-packet` is given: the search the visitor came from (the title is made
/// from it), the case to add and the way back.
#[derive(Debug, Default, Deserialize)]
pub struct NewParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    back: String,
}

/// `GET /new-packet`: the new-packet form, its title made from the search and its name free.
pub async fn new_page(
    State(state): State<AppState>,
    caller: Caller,
    PageQuery(p): PageQuery<NewParams>,
) -> Result<Response, PageError> {
    let q = crate::packet::clean_line(&p.q);
    let title = if q.is_empty() {
        "新案例包".to_string()
    } else {
        format!("{}专题", q.chars().take(40).collect::<String>())
    };
    let name = packet_ops::free_name(&state, crate::packet::name_from_title(&title)).await?;
    let form = NewForm {
        name,
        title,
        id: p.id.trim().to_string(),
        back: local(&p.back).unwrap_or_default(),
        ..NewForm::default()
    };
    Ok(new_form(&state, &caller, &form, None, StatusCode::OK))
}

/// The new-packet page with `form`'s values and, after a refusal, why.
fn new_form(
    state: &AppState,
    caller: &Caller,
    f: &NewForm,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let can_write = state.access().allows(caller);
    let login = !can_write && state.access().has_token();
    render(
        status,
        "packet_new.html",
        context! {
            name => f.name, title => f.title, audience => f.audience, date => f.date,
            author => f.author, query => f.query, limit => f.limit, id => f.id, back => f.back,
            error, can_write, login,
        },
    )
}

/// `POST /packets`: create, then show it (or go back to the page the case was added from). A
/// refused name comes back in the form with a free one to use instead.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    _: PageWrite,
    AppForm(mut f): AppForm<NewForm>,
) -> Result<Response, PageError> {
    let limit = match f.limit.trim() {
        "" => None,
        s => match s.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                let err = Some("条数应是数字".to_string());
                return Ok(new_form(&state, &caller, &f, err, StatusCode::BAD_REQUEST));
            }
        },
    };
    let id = f.id.trim().to_string();
    let new = NewPacket {
        name: f.name.trim().to_string(),
        title: f.title.clone(),
        audience: f.audience.clone(),
        date: f.date.clone(),
        author: f.author.clone(),
        query: Some(f.query.clone()).filter(|q| !q.trim().is_empty()),
        limit,
        ids: if id.is_empty() { Vec::new() } else { vec![id] },
    };
    match packet_ops::create(&state, new).await {
        Ok(stored) => {
            let to = match local(&f.back).filter(|_| !f.id.trim().is_empty()) {
                Some(back) => with_param(&back, "added", &stored.name),
                None => packet_url(&stored.name),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) if e.status() == StatusCode::INTERNAL_SERVER_ERROR => Err(e.into()),
        Err(e) => {
            if let Some(s) = &e.suggestion {
                f.name = s.clone();
            }
            let status = e.status();
            Ok(new_form(&state, &caller, &f, Some(e.message), status))
        }
    }
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
    /// The search the page showed (the new packet's title is made from it).
    #[serde(default)]
    q: String,
}

/// `POST /packets/add`: add a case, then go back; with no packet chosen, the new-packet form
/// (title made from the search, asked for before anything is created).
pub async fn add_from_results(
    State(state): State<AppState>,
    _: PageWrite,
    AppForm(f): AppForm<AddForm>,
) -> Result<Response, PageError> {
    let ids = vec![f.id.trim().to_string()];
    let s = state.clone();
    let ids =
        blocking(move || crate::packet::require_cases(s.engine(), &ids).map(|()| ids)).await?;
    let name = f.packet.trim().to_string();
    if name.is_empty() {
        let back = local(&f.back).unwrap_or_default();
        let query = serde_urlencoded::to_string([
            ("q", f.q.trim()),
            ("id", ids[0].as_str()),
            ("back", back.as_str()),
        ])
        .unwrap_or_default();
        return Ok(Redirect::to(&format!("/new-packet?{query}")).into_response());
    }
    packet_ops::update(&state, name.clone(), None, move |p| p.add(&ids, None)).await?;
    let back = local(&f.back).unwrap_or_else(|| packet_url(&name));
    Ok(Redirect::to(&with_param(&back, "added", &name)).into_response())
}

/// The delete form: the version the page showed, and the box ticked.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /packets/{name}/delete`: delete the packet (refused if it changed since the page
/// was shown, or the box is not ticked), then the list.
pub async fn delete(
    State(state): State<AppState>,
    PagePath(name): PagePath<String>,
    _: PageWrite,
    AppForm(f): AppForm<DeleteForm>,
) -> Result<Response, PageError> {
    if f.confirm.is_empty() {
        return Err(ApiError::bad("bad_form", "请先勾选“确认删除”").into());
    }
    packet_ops::delete(&state, name, Some(f.version)).await?;
    Ok(Redirect::to("/packets").into_response())
}

/// `?edition=` of a download.
#[derive(Debug, Default, Deserialize)]
pub struct EditionParam {
    #[serde(default)]
    edition: Option<String>,
}

/// `GET /packets/{name}/download/{format}[?edition=student]`.
pub async fn download(
    State(state): State<AppState>,
    PagePath((name, format)): PagePath<(String, String)>,
    PageQuery(p): PageQuery<EditionParam>,
) -> Result<Response, PageError> {
    Ok(packet_ops::download(&state, name, &format, p.edition.as_deref()).await?)
}

/// `GET /cases/{id}/download/{format}[?edition=student]`: one case as a handout.
pub async fn case_download(
    State(state): State<AppState>,
    PagePath((id, format)): PagePath<(String, String)>,
    PageQuery(p): PageQuery<EditionParam>,
) -> Result<Response, PageError> {
    Ok(packet_ops::case_download(&state, id, &format, p.edition.as_deref()).await?)
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
