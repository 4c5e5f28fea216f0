//! Writing case files: the Markdown checked by the same parser `anli check` uses before anything
//! is written, the file written beside its final name and renamed into place (a reader never
//! sees half a file), writers serialized by a lock file, and an edit refused when the file
//! changed since the version it was based on.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Draft, ImportError};
use crate::case::corpus::parse_case;
use crate::topics::Topics;

/// The corpus sub-folder imported cases go to.
pub const IMPORT_DIR: &str = "imported";
/// The lock file writers take (its name starts with `.`, so it is never read as a case).
const LOCK: &str = ".anli-write.lock";

/// The version of a case file: the content hash the index stores for it.
pub fn version_of(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

/// The case file of `draft`, checked as `anli check` would check it at `rel`.
pub fn render_checked(
    draft: &Draft,
    corpus: &Path,
    rel: &str,
    topics: &Topics,
) -> Result<String, ImportError> {
    let text = draft.to_markdown();
    let path = corpus.join(rel);
    let mut warnings = Vec::new();
    parse_case(&path, rel, text.as_bytes(), topics, &mut warnings).map_err(|e| {
        ImportError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        }
    })?;
    Ok(text)
}

/// Hold the corpus write lock until the returned file is dropped.
pub fn lock(corpus: &Path) -> Result<File, ImportError> {
    let path = corpus.join(LOCK);
    let err = |source| ImportError::Write {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(corpus).map_err(err)?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(err)?;
    file.lock().map_err(err)?;
    Ok(file)
}

/// Write `text` to `path` atomically: a temporary file beside it, synced, renamed into place.
fn atomic_write(path: &Path, text: &str) -> Result<(), ImportError> {
    let err = |source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// Create the case file `rel` in `corpus` (the caller holds [`lock`]); refused if it exists.
pub fn create(corpus: &Path, rel: &str, text: &str) -> Result<PathBuf, ImportError> {
    let path = corpus.join(rel);
    if path.exists() {
        return Err(ImportError::Exists {
            path,
            message: "已有同名的案例文件，没有覆盖".into(),
        });
    }
    atomic_write(&path, text)?;
    Ok(path)
}

/// Replace the case file `rel` with `text` if its version is still `expected`; returns the new
/// version. Takes the lock.
pub fn replace(
    corpus: &Path,
    rel: &str,
    text: &str,
    expected: &str,
) -> Result<String, ImportError> {
    let _lock = lock(corpus)?;
    let path = corpus.join(rel);
    let current = std::fs::read(&path).map_err(|source| ImportError::Read {
        path: path.clone(),
        source,
    })?;
    if version_of(&current) != expected {
        return Err(ImportError::Conflict { path });
    }
    atomic_write(&path, text)?;
    Ok(version_of(text.as_bytes()))
}

/// The ids of the corpus's cases, and of the files in the import folder (taken by name).
pub fn taken_ids(corpus: &Path, topics: &Topics) -> HashSet<String> {
    let mut taken: HashSet<String> = crate::case::load_corpus(corpus, topics, &Default::default())
        .map(|l| l.cases.into_iter().map(|c| c.meta.id).collect())
        .unwrap_or_default();
    if let Ok(entries) = std::fs::read_dir(corpus.join(IMPORT_DIR)) {
        for e in entries.flatten() {
            if let Some(stem) = e.path().file_stem() {
                taken.insert(stem.to_string_lossy().into_owned());
            }
        }
    }
    taken
}

/// Where a new case with `id` is written, relative to the corpus.
pub fn new_case_path(id: &str) -> String {
    format!("{IMPORT_DIR}/{id}.md")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::CaseMeta;
    use crate::import::DraftSection;

    fn draft() -> Draft {
        Draft {
            meta: CaseMeta {
                id: "ting-che".into(),
                title: "停车: 难题".into(),
                topics: vec!["停车管理".into()],
                year: Some(2021),
                summary: Some("一句话。".into()),
                ..CaseMeta::default()
            },
            sections: vec![DraftSection {
                heading: "做法".into(),
                markdown: "错峰停车。".into(),
            }],
            topics_suggested: true,
            warnings: vec![],
        }
    }

    #[test]
    fn drafts_are_checked_written_atomically_and_edits_need_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let topics = Topics::builtin();
        let rel = new_case_path("ting-che");
        let text = render_checked(&draft(), dir.path(), &rel, &topics).unwrap();
        assert!(text.contains("# topics 是 anli 按检索结果推荐的主题"));
        {
            let _l = lock(dir.path()).unwrap();
            create(dir.path(), &rel, &text).unwrap();
            assert!(
                create(dir.path(), &rel, &text).is_err(),
                "never overwritten"
            );
        }
        let v = version_of(text.as_bytes());
        let edited = text.replace("错峰停车", "错时停车");
        let v2 = replace(dir.path(), &rel, &edited, &v).unwrap();
        let e = replace(dir.path(), &rel, &text, &v).unwrap_err();
        assert!(matches!(e, ImportError::Conflict { .. }), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&rel)).unwrap(),
            edited
        );
        assert_eq!(v2, version_of(edited.as_bytes()));
        let taken = taken_ids(dir.path(), &topics);
        assert!(taken.contains("ting-che"));
        // An unknown topic never reaches the disk.
        let mut bad = draft();
        bad.meta.topics = vec!["不存在的主题".into()];
        assert!(render_checked(&bad, dir.path(), &rel, &topics).is_err());
    }
}
