//! Adding and editing cases in the browser: the "添加案例" form (title, topics from the
//! vocabulary, region, year, source, kind, one box per section), "从文件导入" (an upload through
//! the same importer as `anli import`, shown as drafts to review before saving), and "编辑" on a
//! case page. Saved files are the case Markdown the CLI writes, checked first, written
//! atomically; an edit carries the file's version and is refused if someone saved in between.
//! Writes need [`WriteAllowed`]; after a save the index is refreshed at once.

use std::path::{Path as FsPath, PathBuf};

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Serialize;

use super::error::{ApiError, PageError};
use super::extract::{AppForm, WriteAllowed};
use super::live;
use super::packet_ops::blocking;
use super::templates::render;
use super::AppState;
use crate::case::corpus::parse_case;
use crate::case::front_matter::valid_id;
use crate::case::{CaseKind, CaseMeta};
use crate::import::{self, write, Context, Draft, DraftSection, ImportError, ImportOptions};

type PageWrite = WriteAllowed<PageError>;

/// Largest upload accepted by "从文件导入".
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// The sections every form offers.
const STANDARD: [&str; 4] = ["背景", "做法", "成效", "启示"];

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> ApiError {
        match e {
            ImportError::Conflict { .. } => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            ImportError::Write { .. } | ImportError::Read { .. } => {
                tracing::error!("{e}");
                ApiError::internal()
            }
            ImportError::TooLarge { .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                e.to_string(),
            ),
            other => ApiError::bad("bad_case", other.to_string()),
        }
    }
}

#[derive(Serialize)]
struct TopicBox {
    name: String,
    checked: bool,
}

#[derive(Serialize)]
struct SectionBox {
    heading: String,
    body: String,
}

/// What a case form shows.
#[derive(Serialize, Default)]
struct FormView {
    action: String,
    id: String,
    version: String,
    title: String,
    topics: Vec<TopicBox>,
    region: String,
    year: String,
    source: String,
    source_url: String,
    kind: String,
    community: String,
    tags: String,
    summary: String,
    sections: Vec<SectionBox>,
    error: Option<String>,
    warnings: Vec<String>,
    editing: bool,
}

fn view_of(state: &AppState, draft: &Draft, action: String) -> FormView {
    let m = &draft.meta;
    let mut sections: Vec<SectionBox> = draft
        .sections
        .iter()
        .map(|s| SectionBox {
            heading: s.heading.clone(),
            body: s.markdown.clone(),
        })
        .collect();
    for h in STANDARD {
        let present = sections.iter().any(|s| {
            crate::case::SectionKind::classify(&s.heading) == crate::case::SectionKind::classify(h)
        });
        if !present {
            sections.push(SectionBox {
                heading: h.to_string(),
                body: String::new(),
            });
        }
    }
    sections.push(SectionBox {
        heading: String::new(),
        body: String::new(),
    });
    FormView {
        action,
        id: m.id.clone(),
        title: m.title.clone(),
        topics: state
            .engine()
            .topics()
            .names()
            .map(|n| TopicBox {
                name: n.to_string(),
                checked: m.topics.iter().any(|t| t == n),
            })
            .collect(),
        region: m.region.clone().unwrap_or_default(),
        year: m.year.map(|y| y.to_string()).unwrap_or_default(),
        source: m.source.clone().unwrap_or_default(),
        source_url: m.source_url.clone().unwrap_or_default(),
        kind: m.kind.map(|k| k.label().to_string()).unwrap_or_default(),
        community: m.community.clone().unwrap_or_default(),
        tags: m.tags.join("，"),
        summary: m.summary.clone().unwrap_or_default(),
        sections,
        warnings: draft.warnings.clone(),
        ..FormView::default()
    }
}

fn form_page(status: StatusCode, forms: Vec<FormView>, upload: bool) -> Response {
    render(status, "case_form.html", context! { forms, upload })
}

/// A submitted form: field pairs in order (topics, headings and bodies repeat).
type Pairs = Vec<(String, String)>;

/// The draft a form describes, and the version and id it carries; `Err` is what to tell the
/// user.
fn draft_from(pairs: &Pairs) -> Result<(Draft, String, String), String> {
    let (draft, problem) = read_form(pairs);
    match problem {
        Some(p) => Err(p),
        None => Ok((draft, field(pairs, "version"), field(pairs, "id"))),
    }
}

fn field(pairs: &Pairs, k: &str) -> String {
    pairs
        .iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

/// The draft a form describes as far as it can be read, and the first problem with it.
fn read_form(pairs: &Pairs) -> (Draft, Option<String>) {
    let mut problem = None;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let all = |k: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let title = get("title");
    if title.is_empty() {
        problem = Some("请填写标题".to_string());
    }
    let year = match get("year").trim_end_matches('年') {
        "" => None,
        y => match y.parse::<i64>() {
            Ok(y) => Some(y),
            Err(_) => {
                problem.get_or_insert(format!("年份“{y}”应写成 2023 这样的四位数"));
                None
            }
        },
    };
    let kind = match get("kind").as_str() {
        "报道" => Some(CaseKind::Report),
        "示例" => Some(CaseKind::Example),
        _ => None,
    };
    let opt = |k: &str| Some(get(k)).filter(|v| !v.is_empty());
    let tags = get("tags")
        .split([',', '，', '、', ';', '；'])
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    let headings = all("heading");
    let bodies = all("body");
    let mut lead = Vec::new();
    let mut sections = Vec::new();
    for (h, b) in headings.iter().zip(&bodies) {
        let (h, b) = (h.trim(), b.replace("\r\n", "\n").trim().to_string());
        if b.is_empty() {
            continue;
        }
        if h.is_empty() {
            lead.push(DraftSection {
                heading: String::new(),
                markdown: b,
            });
        } else {
            sections.push(DraftSection {
                heading: h.to_string(),
                markdown: b,
            });
        }
    }
    lead.extend(sections);
    if lead.is_empty() {
        problem.get_or_insert("请至少填写一个小节（例如“做法”）".to_string());
    }
    let draft = Draft {
        meta: CaseMeta {
            id: get("id"),
            title,
            topics: all("topics"),
            region: opt("region"),
            community: opt("community"),
            year,
            source: opt("source"),
            source_url: opt("source_url"),
            tags,
            summary: opt("summary"),
            kind,
        },
        sections: lead,
        topics_suggested: false,
        warnings: Vec::new(),
    };
    (draft, problem)
}

/// `GET /cases/new`: the empty form, and the upload.
pub async fn new_form(State(state): State<AppState>, _: PageWrite) -> Response {
    let view = view_of(&state, &Draft::default(), "/cases/new".into());
    form_page(StatusCode::OK, vec![view], true)
}

/// `POST /cases/new`: save a new case into `imported/`, then show it.
pub async fn create(
    State(state): State<AppState>,
    _: PageWrite,
    AppForm(pairs): AppForm<Pairs>,
) -> Result<Response, PageError> {
    let (mut draft, _, wanted) = match draft_from(&pairs) {
        Ok(d) => d,
        Err(message) => return Ok(refill(&state, &pairs, "/cases/new".into(), message)),
    };
    if !wanted.is_empty() && !valid_id(&wanted) {
        return Ok(refill(
            &state,
            &pairs,
            "/cases/new".into(),
            format!("编号“{wanted}”只能用小写英文字母、数字和连字符"),
        ));
    }
    let s = state.clone();
    let saved = blocking(move || -> Result<String, ImportError> {
        let lib = s.library();
        let _lock = write::lock(&lib.corpus)?;
        let mut taken = write::taken_ids(&lib.corpus, &lib.topics);
        if !wanted.is_empty() && taken.contains(&wanted) {
            return Err(ImportError::Exists {
                path: PathBuf::from(write::new_case_path(&wanted)),
                message: format!("编号“{wanted}”已经有案例在用了，请换一个，或留空自动生成"),
            });
        }
        let base = if wanted.is_empty() {
            import::slug::slug(&draft.meta.title, Some(&lib.analyzer))
        } else {
            wanted
        };
        draft.meta.id = import::slug::unique(&base, &mut taken);
        let rel = write::new_case_path(&draft.meta.id);
        let text = write::render_checked(&draft, &lib.corpus, &rel, &lib.topics)?;
        write::create(&lib.corpus, &rel, &text)?;
        Ok(draft.meta.id.clone())
    })
    .await;
    match saved {
        Ok(id) => {
            refreshed(&state).await;
            Ok(Redirect::to(&format!("/cases/{id}")).into_response())
        }
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            Ok(refill(&state, &pairs, "/cases/new".into(), e.message))
        }
        Err(e) => Err(e.into()),
    }
}

/// The form again with what was typed and why it was not saved.
fn refill(state: &AppState, pairs: &Pairs, action: String, message: String) -> Response {
    let (draft, _) = read_form(pairs);
    let mut view = view_of(state, &draft, action);
    view.version = field(pairs, "version");
    view.editing = !view.version.is_empty();
    view.error = Some(message);
    form_page(StatusCode::BAD_REQUEST, vec![view], false)
}

async fn refreshed(state: &AppState) {
    let s = state.clone();
    let _ = tokio::task::spawn_blocking(move || live::refresh(&s)).await;
}

/// The file of case `id` (relative path), read fresh from disk, with its version.
fn case_file(state: &AppState, id: &str) -> Result<(String, Vec<u8>), ApiError> {
    if !valid_id(id) {
        return Err(ApiError::not_found("没有这个案例"));
    }
    let case = state.engine().case(id)?;
    let path = state.library().corpus.join(&case.path);
    let bytes = std::fs::read(&path)
        .map_err(|_| ApiError::not_found("这个案例的文件已经不在案例目录里了"))?;
    Ok((case.path, bytes))
}

/// `GET /cases/{id}/edit`.
pub async fn edit_form(
    State(state): State<AppState>,
    _: PageWrite,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let s = state.clone();
    let (rel, bytes) = blocking(move || case_file(&s, &id)).await?;
    let lib = state.library();
    let mut warnings = Vec::new();
    let case = parse_case(
        &lib.corpus.join(&rel),
        &rel,
        &bytes,
        &lib.topics,
        &mut warnings,
    )
    .map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_case_file",
            format!("案例文件有错误，需要先在文件里改好：{e}"),
        )
    })?;
    let draft = Draft {
        sections: case
            .sections
            .iter()
            .map(|s| DraftSection {
                heading: s.heading.clone(),
                markdown: s.markdown.clone(),
            })
            .collect(),
        meta: case.meta,
        ..Draft::default()
    };
    let mut view = view_of(&state, &draft, format!("/cases/{}/edit", draft.meta.id));
    view.version = write::version_of(&bytes);
    view.editing = true;
    Ok(form_page(StatusCode::OK, vec![view], false))
}

/// `POST /cases/{id}/edit`: replace the file if it is still the version the form was opened at.
pub async fn save(
    State(state): State<AppState>,
    _: PageWrite,
    Path(id): Path<String>,
    AppForm(pairs): AppForm<Pairs>,
) -> Result<Response, PageError> {
    let action = format!("/cases/{id}/edit");
    let (mut draft, version, _) = match draft_from(&pairs) {
        Ok(d) => d,
        Err(message) => return Ok(refill(&state, &pairs, action, message)),
    };
    draft.meta.id = id.clone();
    let s = state.clone();
    let saved = blocking(move || -> Result<(), ApiError> {
        let (rel, _) = case_file(&s, &id)?;
        let lib = s.library();
        let text = write::render_checked(&draft, &lib.corpus, &rel, &lib.topics)?;
        write::replace(&lib.corpus, &rel, &text, &version)?;
        Ok(())
    })
    .await;
    match saved {
        Ok(()) => {
            refreshed(&state).await;
            Ok(Redirect::to(&format!("/cases/{}", draft_id(&pairs, &action))).into_response())
        }
        Err(e) if e.code == "bad_case" => Ok(refill(&state, &pairs, action, e.message)),
        Err(e) => Err(e.into()),
    }
}

fn draft_id(_pairs: &Pairs, action: &str) -> String {
    action
        .trim_start_matches("/cases/")
        .trim_end_matches("/edit")
        .to_string()
}

/// `POST /cases/import`: a .docx/.doc/.html/.pdf/.txt upload through the importer; the drafts are shown
/// as forms to review and save one by one. Nothing is written here.
pub async fn upload(
    State(state): State<AppState>,
    _: PageWrite,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let mut multipart = multipart
        .map_err(|e| ApiError::bad("bad_form", format!("上传的内容无法读取：{}", e.body_text())))?;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut kind: Option<CaseKind> = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        ApiError::new(
            e.status(),
            "bad_upload",
            format!("上传没有完成：{}", e.body_text()),
        )
    })? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("上传的文件").to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    ApiError::new(
                        e.status(),
                        "bad_upload",
                        format!("上传没有完成：{}", e.body_text()),
                    )
                })?;
                file = Some((name, bytes.to_vec()));
            }
            Some("kind") => {
                kind = match field.text().await.unwrap_or_default().as_str() {
                    "报道" => Some(CaseKind::Report),
                    "示例" => Some(CaseKind::Example),
                    _ => None,
                }
            }
            _ => {}
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(ApiError::bad(
            "bad_upload",
            "请选择一个 Word（.docx、.doc）、WPS、网页（.html）、PDF 或 .txt 文件",
        )
        .into());
    };
    let s = state.clone();
    let drafts = blocking(move || -> Result<Vec<Draft>, ImportError> {
        let lib = s.library();
        let engine = s.engine();
        let guess: import::TopicGuesser<'_> = Box::new(move |text: &str| engine.guess_topics(text));
        let mut ctx = Context {
            topics: &lib.topics,
            analyzer: Some(&lib.analyzer),
            guess_topics: Some(guess),
            taken: write::taken_ids(&lib.corpus, &lib.topics),
        };
        // Only the file's name is used in messages: nothing of the server's paths.
        let path = FsPath::new(FsPath::new(&name).file_name().unwrap_or_default()).to_path_buf();
        import::import(
            &path,
            &bytes,
            &ImportOptions { kind, source: None },
            &mut ctx,
        )
    })
    .await?;
    let forms = drafts
        .iter()
        .map(|d| {
            let mut v = view_of(&state, d, "/cases/new".into());
            // The id is chosen when saving (another draft may take it first).
            v.id = String::new();
            v
        })
        .collect();
    Ok(form_page(StatusCode::OK, forms, false))
}
