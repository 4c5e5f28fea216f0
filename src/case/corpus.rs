//! Reading a corpus folder: every `.md` file below it is one case.
//!
//! Files are read in path order so results do not depend on the file system. `README.md` files
//! and names starting with `.` or `_` are not cases and are skipped. A bad file becomes a
//! [`CaseError`] and the rest are still read.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{front_matter, markdown, Case, CaseError, CaseWarning, MAX_CASE_BYTES};
use crate::error::Error;
use crate::resources::line_of_byte;
use crate::topics::Topics;

/// What reading a corpus produced.
#[derive(Debug, Default)]
pub struct LoadedCorpus {
    /// Good cases, in path order, ids unique.
    pub cases: Vec<Case>,
    /// Files that were skipped, with why.
    pub errors: Vec<CaseError>,
    /// Oddities that did not stop a file.
    pub warnings: Vec<CaseWarning>,
}

fn is_case_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        && !name.starts_with(['.', '_'])
        && !name.eq_ignore_ascii_case("readme.md")
}

/// All case files below `dir`, sorted. Hidden folders (`.git`) are not entered.
pub fn case_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if !dir.is_dir() {
        return Err(Error::NoCorpus {
            path: dir.to_path_buf(),
        });
    }
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| Error::Io {
            path: e
                .path()
                .map_or_else(|| dir.to_path_buf(), Path::to_path_buf),
            source: e.into(),
        })?;
        if entry.file_type().is_file() && is_case_file(entry.path()) {
            files.push(entry.into_path());
        }
    }
    files.sort();
    Ok(files)
}

/// The path of `file` relative to `dir`, with `/` separators (stable across systems).
pub fn relative_path(dir: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(dir).unwrap_or(file);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Read one case file from disk.
pub fn read_case(
    path: &Path,
    rel: &str,
    topics: &Topics,
    warnings: &mut Vec<CaseWarning>,
) -> Result<Case, CaseError> {
    let read_err = |source| CaseError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let size = file.metadata().map_err(read_err)?.len();
    if size > MAX_CASE_BYTES {
        return Err(CaseError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_CASE_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read at most one byte past the limit, in case the file grew after the size check.
    file.take(MAX_CASE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_CASE_BYTES {
        return Err(CaseError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit: MAX_CASE_BYTES,
        });
    }
    parse_case(path, rel, &bytes, topics, warnings)
}

/// Parse a case from the bytes of its file. `path` is used in messages, `rel` is stored.
pub fn parse_case(
    path: &Path,
    rel: &str,
    bytes: &[u8],
    topics: &Topics,
    warnings: &mut Vec<CaseWarning>,
) -> Result<Case, CaseError> {
    let hash = blake3::hash(bytes).to_hex()[..16].to_string();
    let text = std::str::from_utf8(bytes).map_err(|e| CaseError::InvalidUtf8 {
        path: path.to_path_buf(),
        line: line_of_byte(bytes, e.valid_up_to()),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let split = front_matter::split(path, &text)?;
    let meta = front_matter::parse(path, &split, topics, warnings)?;
    let sections = markdown::sections(split.body, split.body_line);
    Ok(Case {
        meta,
        path: rel.to_string(),
        hash,
        sections,
    })
}

/// Read every case below `dir`.
///
/// When two files share an id, the one in `prefer` (id → relative path already indexed) keeps
/// it, else the first in path order; the other is reported as [`CaseError::DuplicateId`].
pub fn load_corpus(
    dir: &Path,
    topics: &Topics,
    prefer: &HashMap<String, String>,
) -> Result<LoadedCorpus, Error> {
    let files = case_files(dir)?;
    let mut loaded = LoadedCorpus::default();
    let mut parsed = Vec::with_capacity(files.len());
    // Read and parse on every core, in file order: each thread takes a contiguous run of files.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(files.len().div_ceil(64).max(1));
    let chunk = files.len().div_ceil(threads).max(1);
    type Parsed = (Vec<Result<Case, CaseError>>, Vec<CaseWarning>);
    let results: Vec<Parsed> = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut warnings = Vec::new();
                    let cases = part
                        .iter()
                        .map(|file| {
                            let rel = relative_path(dir, file);
                            read_case(file, &rel, topics, &mut warnings)
                        })
                        .collect();
                    (cases, warnings)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut results_files = files.iter();
    for (cases, warnings) in results {
        loaded.warnings.extend(warnings);
        // `cases` first: zip must not take a file from the shared iterator once they run out.
        for (result, file) in cases.into_iter().zip(results_files.by_ref()) {
            match result {
                Ok(case) => parsed.push((file.clone(), case)),
                Err(e) => loaded.errors.push(e),
            }
        }
    }
    // Decide who keeps each id.
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, (_, case)) in parsed.iter().enumerate() {
        let preferred = prefer.get(&case.meta.id).is_some_and(|p| *p == case.path);
        match owner.get(case.meta.id.as_str()) {
            None => {
                owner.insert(&case.meta.id, i);
            }
            Some(_) if preferred => {
                owner.insert(&case.meta.id, i);
            }
            Some(_) => {}
        }
    }
    let keep: Vec<bool> = parsed
        .iter()
        .enumerate()
        .map(|(i, (_, c))| owner.get(c.meta.id.as_str()) == Some(&i))
        .collect();
    let mut dups = Vec::new();
    for (i, (file, case)) in parsed.iter().enumerate() {
        if !keep[i] {
            let first = &parsed[owner[case.meta.id.as_str()]].0;
            dups.push(CaseError::DuplicateId {
                path: file.clone(),
                line: id_line(file),
                id: case.meta.id.clone(),
                first: first.clone(),
            });
        }
    }
    loaded.errors.extend(dups);
    loaded.cases = parsed
        .into_iter()
        .zip(keep)
        .filter_map(|((_, c), k)| k.then_some(c))
        .collect();
    loaded
        .errors
        .sort_by(|a, b| a.path().cmp(b.path()).then(a.line().cmp(&b.line())));
    Ok(loaded)
}

/// The line of `id:` in a file (for duplicate-id messages); 1 when it cannot be found.
fn id_line(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| {
            t.lines()
                .position(|l| l.trim_start().starts_with("id:"))
                .map(|i| i + 1)
        })
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::SectionKind;

    fn parse(bytes: &[u8]) -> Result<Case, CaseError> {
        let mut w = Vec::new();
        parse_case(
            Path::new("c/x.md"),
            "x.md",
            bytes,
            &Topics::builtin(),
            &mut w,
        )
    }

    const CASE: &str = "---\nid: elevator-01\ntitle: 老楼加梯\ntopics: [加装电梯]\n---\n# 老楼加梯\n\n## 背景\n\n五层老楼，没有电梯。\n\n## 做法\n\n社区党委组织低层住户协商补偿。\n\n## 成效\n\n三个月装好。\n";

    #[test]
    fn a_large_folder_is_read_in_parallel_but_reported_in_file_order() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..300 {
            let text = if i % 37 == 5 {
                "没有 front matter 的文件\n".to_string()
            } else {
                CASE.replace("elevator-01", &format!("elevator-{i:03}"))
                    .replace("topics: [加装电梯]", "topics: [加装电梯]\ncolour: 红")
            };
            std::fs::write(dir.path().join(format!("{i:03}.md")), text).unwrap();
        }
        let loaded = load_corpus(dir.path(), &Topics::builtin(), &HashMap::new()).unwrap();
        let bad: Vec<usize> = (0..300).filter(|i| i % 37 == 5).collect();
        assert_eq!(loaded.errors.len(), bad.len());
        assert_eq!(loaded.cases.len(), 300 - bad.len());
        let ids: Vec<&str> = loaded.cases.iter().map(|c| c.meta.id.as_str()).collect();
        let want: Vec<String> = (0..300)
            .filter(|i| i % 37 != 5)
            .map(|i| format!("elevator-{i:03}"))
            .collect();
        assert_eq!(ids, want);
        for (c, w) in loaded.cases.iter().zip(&want) {
            assert_eq!(c.path, format!("{}.md", &w["elevator-".len()..]));
        }
        assert_eq!(
            loaded.warnings.len(),
            300 - bad.len(),
            "one unknown-key warning per case"
        );
    }

    #[test]
    fn parses_a_case() {
        let c = parse(CASE.as_bytes()).unwrap();
        assert_eq!(c.meta.id, "elevator-01");
        assert_eq!(c.sections.len(), 3);
        assert_eq!(
            c.section(SectionKind::Measures).unwrap().text,
            "社区党委组织低层住户协商补偿。"
        );
        assert_eq!(c.section(SectionKind::Measures).unwrap().line, 12);
        assert!(c.full_text().contains("五层老楼"));
    }

    #[test]
    fn crlf_and_bom_parse_the_same() {
        let plain = parse(CASE.as_bytes()).unwrap();
        let crlf = CASE.replace('\n', "\r\n");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(crlf.as_bytes());
        let c = parse(&bom).unwrap();
        assert_eq!(c.sections, plain.sections);
        assert_eq!(c.meta.title, plain.meta.title);
        assert_ne!(c.hash, plain.hash, "the hash is of the bytes on disk");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let mut bytes = b"---\nid: a\ntitle: t\n---\n\xe5\x81\x9c\n\xff\xfe\n".to_vec();
        let e = parse(&bytes).unwrap_err();
        assert!(matches!(e, CaseError::InvalidUtf8 { line: 6, .. }), "{e}");
        bytes.truncate(3);
        assert!(matches!(
            parse(&bytes).unwrap_err(),
            CaseError::UnclosedFrontMatter { line: 1, .. }
        ));
    }

    #[test]
    fn oversize_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.md");
        let mut text = CASE.to_string();
        text.push_str(&"很长的一行。".repeat(MAX_CASE_BYTES as usize / 18 + 10));
        std::fs::write(&p, text).unwrap();
        let mut w = Vec::new();
        let e = read_case(&p, "big.md", &Topics::builtin(), &mut w).unwrap_err();
        assert!(matches!(e, CaseError::TooLarge { .. }), "{e}");
        assert!(e.to_string().contains("big.md"));
    }

    #[test]
    fn loads_a_folder_reporting_bad_and_duplicate_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("a.md"), CASE).unwrap();
        std::fs::write(
            root.join("sub/b.md"),
            CASE.replace("elevator-01", "elevator-02"),
        )
        .unwrap();
        std::fs::write(root.join("sub/dup.md"), CASE).unwrap();
        std::fs::write(root.join("bad.md"), "没有 front matter").unwrap();
        std::fs::write(root.join("README.md"), "说明文件不是案例").unwrap();
        std::fs::write(root.join(".git/x.md"), "not a case").unwrap();
        std::fs::write(root.join("notes.txt"), "not a case").unwrap();
        let loaded = load_corpus(root, &Topics::builtin(), &HashMap::new()).unwrap();
        let ids: Vec<_> = loaded.cases.iter().map(|c| c.meta.id.as_str()).collect();
        assert_eq!(ids, vec!["elevator-01", "elevator-02"]);
        assert_eq!(loaded.cases[1].path, "sub/b.md");
        assert_eq!(loaded.errors.len(), 2, "{:?}", loaded.errors);
        assert!(matches!(loaded.errors[0], CaseError::NoFrontMatter { .. }));
        match &loaded.errors[1] {
            CaseError::DuplicateId {
                path, line, first, ..
            } => {
                assert!(path.ends_with("sub/dup.md"));
                assert_eq!(*line, 2);
                assert!(first.ends_with("a.md"));
            }
            e => panic!("{e}"),
        }
        // An already indexed owner keeps its id even when it sorts later.
        let prefer = HashMap::from([("elevator-01".to_string(), "sub/dup.md".to_string())]);
        let loaded = load_corpus(root, &Topics::builtin(), &prefer).unwrap();
        let owner = loaded
            .cases
            .iter()
            .find(|c| c.meta.id == "elevator-01")
            .unwrap();
        assert_eq!(owner.path, "sub/dup.md");
    }
}
