//! What the packet page shows: the packet as stored, with an [`Overlay`] of what the visitor
//! typed where it was not saved (a conflict, a failed save), the search on the page, and the
//! notices (saved, removed with an undo button).

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use serde::Serialize;

use super::access::Caller;
use super::editor_form::{ConflictView, Submitted};
use super::error::ApiError;
use super::links::packet_url;
use super::packet_ops::{blocking, PacketView};
use super::templates::render;
use super::AppState;
use crate::packet::{fingerprint, Applied, Field, Resolved};
use crate::search::{Filters, SearchMode, SearchRequest};

/// Results the packet page's search shows.
const SEARCH_RESULTS: usize = 10;

/// What to show over the stored packet.
#[derive(Debug, Default)]
pub struct Overlay {
    /// Field key → (text, base) to show instead of the stored text.
    pub texts: HashMap<String, (String, String)>,
    /// Fields that clashed with someone else's save (theirs `None`: the case left).
    pub conflicts: Vec<ConflictView>,
    pub error: Option<String>,
    /// A free name to use instead of a taken one.
    pub suggestion: Option<String>,
    /// The last save worked.
    pub saved: bool,
    /// A case just removed, offered for undoing.
    pub removed: Option<String>,
    /// The search box and its results.
    pub q: String,
    /// The "add by id" box.
    pub add: String,
    pub copy_name: Option<String>,
    pub copy_title: Option<String>,
    pub rename: Option<String>,
}

impl Overlay {
    /// After a save with conflicts: the conflicting fields as typed, based on the other
    /// version (so saving again keeps what was typed), with that version shown beside them.
    pub fn conflicts(sub: &Submitted, applied: &Applied) -> Overlay {
        let mut o = Overlay {
            q: sub.q.clone(),
            ..Overlay::default()
        };
        for c in &applied.conflicts {
            let key = c.field.key();
            let base = match &c.theirs {
                Some(theirs) => fingerprint(theirs),
                None => sub
                    .edits
                    .iter()
                    .find(|e| e.field == c.field)
                    .and_then(|e| e.base.clone())
                    .unwrap_or_default(),
            };
            o.texts.insert(key.clone(), (c.yours.clone(), base));
            o.conflicts.push(ConflictView {
                key,
                label: c.field.label(),
                yours: c.yours.clone(),
                theirs: c.theirs.clone(),
            });
        }
        o
    }

    fn conflict(&self, key: &str) -> Option<&ConflictView> {
        self.conflicts.iter().find(|c| c.key == key)
    }
}

/// A text field of the form.
#[derive(Serialize)]
struct FieldView {
    key: String,
    label: &'static str,
    value: String,
    base: String,
    multiline: bool,
    /// The other version, when it clashed with what was typed.
    theirs: Option<String>,
}

/// A search hit on the packet page.
#[derive(Serialize)]
struct HitView {
    id: String,
    title: String,
    region: Option<String>,
    year: Option<i64>,
    url: String,
    in_packet: bool,
}

/// The page and what it needs beyond the packet, looked up on the blocking pool.
struct Loaded {
    resolved: Resolved,
    /// Titles of the removed cases.
    removed_titles: HashMap<String, String>,
    hits: Result<Vec<HitView>, String>,
    copy_name: String,
}

async fn load(state: &AppState, name: String, q: String) -> Result<Loaded, ApiError> {
    let s = state.clone();
    blocking(move || {
        let stored = s.packets().load(&name)?;
        let resolved = Resolved::new(&stored, s.engine())?;
        let removed_titles = stored
            .packet
            .removed
            .iter()
            .filter_map(|r| Some((r.id.clone(), s.engine().case(&r.id).ok()?.meta.title)))
            .collect();
        let hits = search(&s, &q, &stored.packet);
        let copy_name = s.packets().free_name(&name)?;
        Ok::<_, crate::Error>(Loaded {
            resolved,
            removed_titles,
            hits,
            copy_name,
        })
    })
    .await
}

/// The page's search (nothing for an empty query; the error's message for a bad one).
fn search(
    state: &AppState,
    q: &str,
    packet: &crate::packet::Packet,
) -> Result<Vec<HitView>, String> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let req = SearchRequest {
        query: q.to_string(),
        limit: SEARCH_RESULTS,
        offset: 0,
        filters: Filters::default(),
        mode: SearchMode::default(),
        literal: false,
    };
    match state.engine().search(&req) {
        Ok(r) => Ok(r
            .hits
            .into_iter()
            .map(|h| HitView {
                in_packet: packet.contains(&h.id),
                url: format!("/cases/{}", h.id),
                id: h.id,
                title: h.title,
                region: h.region,
                year: h.year,
            })
            .collect()),
        Err(e) => Err(ApiError::from(e).message),
    }
}

/// The packet page of `name` with `overlay`, answered with `status`.
pub async fn render_editor(
    state: &AppState,
    caller: &Caller,
    name: String,
    o: Overlay,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let l = load(state, name.clone(), o.q.clone()).await?;
    let r = &l.resolved;
    let view = PacketView::from(r);
    let p = &r.packet;
    let field = |f: Field, multiline: bool| {
        let key = f.key();
        let stored = p.text(&f).unwrap_or_default();
        let (value, base) = o
            .texts
            .get(&key)
            .cloned()
            .unwrap_or_else(|| (stored.clone(), fingerprint(&stored)));
        FieldView {
            label: f.label(),
            theirs: o.conflict(&key).and_then(|c| c.theirs.clone()),
            key,
            value,
            base,
            multiline,
        }
    };
    let cover = vec![
        field(Field::Title, false),
        field(Field::Audience, false),
        field(Field::Date, false),
        field(Field::Author, false),
        field(Field::Questions, true),
    ];
    let cases: Vec<_> = view
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            context! {
                n => i + 1, id => c.id, title => c.title, missing => c.missing,
                region => c.region, year => c.year,
                case_url => format!("/cases/{}", c.id),
                up => i > 0, down => i + 1 < view.cases.len(),
                note => field(Field::Note(c.id.to_string()), true),
            }
        })
        .collect();
    // Notes typed for cases no longer in the packet: handed back, never dropped.
    let orphans: Vec<_> = o
        .conflicts
        .iter()
        .filter(|c| c.theirs.is_none())
        .map(|c| {
            let id = c.key.strip_prefix("note:").unwrap_or(&c.key).to_string();
            let (text, base) = o.texts.get(&c.key).cloned().unwrap_or_default();
            context! {
                key => c.key, title => l.removed_titles.get(&id).cloned().unwrap_or(id.clone()),
                restorable => p.removed.iter().any(|x| x.id == id), id, text, base,
            }
        })
        .collect();
    let removed: Vec<_> = p
        .removed
        .iter()
        .rev()
        .map(|x| {
            context! {
                id => x.id, title => l.removed_titles.get(&x.id).cloned().unwrap_or(x.id.clone()),
                note => x.note,
            }
        })
        .collect();
    let just_removed = o.removed.as_ref().and_then(|id| {
        p.removed.iter().any(|x| &x.id == id).then(|| {
            context! { id, title => l.removed_titles.get(id).cloned().unwrap_or(id.clone()) }
        })
    });
    let can_write = state.access().allows(caller);
    let login = !can_write && state.access().has_token();
    let url = packet_url(&name);
    let query_url = view.query.map(|q| {
        format!(
            "/?{}",
            serde_urlencoded::to_string([("q", q)]).unwrap_or_default()
        )
    });
    let (hits, search_error) = match l.hits {
        Ok(h) => (h, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let downloads = downloads(&url);
    let short = crate::packet::short(view.corpus_version).to_string();
    Ok(render(
        status,
        "packet.html",
        context! {
            p => view, cases, cover, orphans, removed, just_removed, url, can_write, login,
            corpus_short => short, query_url, downloads,
            error => o.error, suggestion => o.suggestion, saved => o.saved,
            conflicts => o.conflicts.len(), q => o.q, hits, search_error, add => o.add,
            copy_name => o.copy_name.unwrap_or(l.copy_name),
            copy_title => o.copy_title.unwrap_or_else(|| format!("{}（副本）", p.title)),
            rename => o.rename.unwrap_or(name),
        },
    ))
}

/// The download links: Word for teachers and students first, then the other formats.
fn downloads(url: &str) -> Vec<minijinja::Value> {
    [
        ("docx", "teacher", "Word（教师用）", "dl-docx"),
        ("docx", "student", "Word（学员用）", "dl-docx-student"),
        ("html", "teacher", "网页（可打印 PDF）", "dl-html"),
        ("html", "student", "网页（学员用）", "dl-html-student"),
        ("md", "teacher", "Markdown", "dl-md"),
    ]
    .into_iter()
    .map(|(format, edition, label, id)| {
        let href = if edition == "teacher" {
            format!("{url}/download/{format}")
        } else {
            format!("{url}/download/{format}?edition={edition}")
        };
        context! { href, label, id }
    })
    .collect()
}
