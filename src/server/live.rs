//! Live pickup: the service watches the corpus folder (debounced file events) and refreshes the
//! index incrementally when a case file changes; the engine reloads on the commit. A broken file
//! is logged and listed on the admin status page (`/admin/status`); what was indexed from it
//! before stays searchable (see [`crate::index`]).

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use serde::Serialize;

use super::error::PageError;
use super::extract::WriteAllowed;
use super::templates::render;
use super::AppState;
use crate::error::Error;
use crate::index::{IndexOptions, NoProgress};

/// How long file events settle before the index is refreshed.
pub const DEBOUNCE: Duration = Duration::from_millis(400);

/// What the last refresh found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Status {
    /// When it ran (seconds since 1970).
    pub at: Option<u64>,
    /// Cases in the index after it.
    pub cases: usize,
    /// Files skipped as broken (`path:line: why`).
    pub errors: Vec<String>,
    /// Oddities in good files.
    pub warnings: Vec<String>,
    /// A refresh that could not run (another `anli index` held the index).
    pub note: Option<String>,
    /// Whether the watcher runs.
    pub watching: bool,
}

/// The live state shared by the service: the last status, and one refresh at a time.
#[derive(Debug, Default)]
pub struct Live {
    status: Mutex<Status>,
    running: Mutex<()>,
}

impl Live {
    /// The last status.
    pub fn status(&self) -> Status {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn set(&self, f: impl FnOnce(&mut Status)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }
}

/// Bring the index up to date with the corpus now (incrementally) and reload the engine.
pub fn refresh(state: &AppState) -> Result<(), Error> {
    let live = state.live();
    let _one = live.running.lock().map_err(|_| Error::Poisoned)?;
    match state.library().index(&IndexOptions::default(), &NoProgress) {
        Ok(report) => {
            for e in &report.errors {
                tracing::warn!("案例文件有问题，已跳过（之前索引的版本保留）：{e}");
            }
            state.engine().reload()?;
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            live.set(|s| {
                s.at = Some(now);
                s.cases = report.total;
                s.errors = report.errors.iter().map(ToString::to_string).collect();
                s.warnings = report.warnings.iter().map(ToString::to_string).collect();
                s.note = None;
            });
            if report.added + report.updated + report.removed > 0 {
                tracing::info!(
                    added = report.added,
                    updated = report.updated,
                    removed = report.removed,
                    "index refreshed"
                );
            }
            Ok(())
        }
        Err(e) => {
            tracing::warn!("更新索引失败：{e}");
            let note = e.to_string();
            live.set(|s| s.note = Some(note));
            Err(e)
        }
    }
}

/// Keeps the corpus watched while it lives.
pub struct CorpusWatcher {
    _debouncer: Debouncer<RecommendedWatcher>,
}

/// Watch the corpus folder and refresh the index on changes to case files (names starting with
/// `.` — temporary files, the write lock — are not changes).
pub fn watch(state: AppState) -> Result<CorpusWatcher, Error> {
    let corpus = state.library().corpus.clone();
    let handler_state = state.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, move |res: DebounceEventResult| {
        let events = match res {
            Ok(events) => events,
            Err(e) => {
                tracing::warn!("监视案例目录出错：{e}");
                return;
            }
        };
        let relevant = events.iter().any(|e| {
            e.path
                .file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
        });
        if !relevant {
            return;
        }
        // Another `anli index` may hold the index for a moment: try again a few times.
        for _ in 0..10 {
            match refresh(&handler_state) {
                Err(Error::IndexLocked { .. }) => std::thread::sleep(Duration::from_millis(500)),
                _ => break,
            }
        }
    })
    .map_err(|e| Error::Io {
        path: corpus.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    debouncer
        .watcher()
        .watch(&corpus, RecursiveMode::Recursive)
        .map_err(|e| Error::Io {
            path: corpus.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
    state.live().set(|s| s.watching = true);
    Ok(CorpusWatcher {
        _debouncer: debouncer,
    })
}

/// `GET /admin/status`: the last refresh, broken files, whether the corpus is watched.
pub async fn status_page(State(state): State<AppState>, _: WriteAllowed<PageError>) -> Response {
    let s = state.live().status();
    let at = s.at.map(|t| {
        humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(t)).to_string()
    });
    render(
        StatusCode::OK,
        "status.html",
        context! { s, at, cases_now => state.engine().num_cases(), corpus => state.library().corpus.display().to_string() },
    )
}
