//! The schema folder: dictionary, stop words, synonyms, topic vocabulary and the field table.
//!
//! Read from `--schema DIR` (default `./schema`, or `ANLI_SCHEMA`). A file missing there falls back
//! to the copy built into the binary, so `anli` works outside the repository too.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Built-in copies of the schema files, used when the schema folder lacks one.
const BUILTIN: &[(&str, &str)] = &[
    ("dict.txt", include_str!("../schema/dict.txt")),
    ("stopwords.txt", include_str!("../schema/stopwords.txt")),
    ("synonyms.txt", include_str!("../schema/synonyms.txt")),
    ("topics.toml", include_str!("../schema/topics.toml")),
    ("fields.toml", include_str!("../schema/fields.toml")),
];

/// One schema file's text and where it came from.
#[derive(Debug, Clone)]
pub struct ResourceFile {
    /// The file read, or `<内置>/NAME` for the built-in copy.
    pub path: PathBuf,
    /// Its full text.
    pub text: String,
}

impl ResourceFile {
    /// A file from text in memory (tests, built-in copies).
    pub fn inline(name: &str, text: &str) -> ResourceFile {
        ResourceFile {
            path: PathBuf::from(format!("<内置>/{name}")),
            text: text.to_string(),
        }
    }

    /// Read `dir/name`, or fall back to the built-in copy when the file does not exist.
    pub fn read(dir: &Path, name: &str) -> Result<ResourceFile, Error> {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| Error::Resource {
                    path: path.clone(),
                    line: line_of_byte(e.as_bytes(), e.utf8_error().valid_up_to()),
                    message: "不是有效的 UTF-8 文本".into(),
                })?;
                Ok(ResourceFile {
                    path,
                    text: text.trim_start_matches('\u{feff}').to_string(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let builtin = BUILTIN
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, t)| *t)
                    .ok_or_else(|| Error::Io {
                        path: path.clone(),
                        source: e,
                    })?;
                Ok(ResourceFile::inline(name, builtin))
            }
            Err(e) => Err(Error::Io { path, source: e }),
        }
    }

    /// Non-empty, non-comment lines (`#` starts a comment line) with their 1-based line numbers.
    pub fn entries(&self) -> impl Iterator<Item = (usize, &str)> {
        self.text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim()))
            .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
    }
}

/// The 1-based line of byte `offset` in `bytes`.
pub fn line_of_byte(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// All schema files.
#[derive(Debug, Clone)]
pub struct SchemaFiles {
    /// The folder they were read from.
    pub dir: PathBuf,
    /// `dict.txt`: our governance dictionary, added to jieba's.
    pub dict: ResourceFile,
    /// `stopwords.txt`: words never indexed or searched.
    pub stopwords: ResourceFile,
    /// `synonyms.txt`: query-time expansion groups.
    pub synonyms: ResourceFile,
    /// `topics.toml`: the topic vocabulary.
    pub topics: ResourceFile,
    /// `fields.toml`: the documented index fields (checked against the code by a test).
    pub fields: ResourceFile,
}

impl SchemaFiles {
    /// Read every schema file from `dir`, falling back to built-in copies for missing ones.
    pub fn load(dir: &Path) -> Result<SchemaFiles, Error> {
        Ok(SchemaFiles {
            dir: dir.to_path_buf(),
            dict: ResourceFile::read(dir, "dict.txt")?,
            stopwords: ResourceFile::read(dir, "stopwords.txt")?,
            synonyms: ResourceFile::read(dir, "synonyms.txt")?,
            topics: ResourceFile::read(dir, "topics.toml")?,
            fields: ResourceFile::read(dir, "fields.toml")?,
        })
    }

    /// The built-in copies only.
    pub fn builtin() -> SchemaFiles {
        let get = |name: &str| {
            let text = BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| *t)
                .unwrap_or_default();
            ResourceFile::inline(name, text)
        };
        SchemaFiles {
            dir: PathBuf::from("<内置>"),
            dict: get("dict.txt"),
            stopwords: get("stopwords.txt"),
            synonyms: get("synonyms.txt"),
            topics: get("topics.toml"),
            fields: get("fields.toml"),
        }
    }
}

/// A short hex fingerprint of the texts of `files`.
pub fn fingerprint(files: &[&ResourceFile]) -> String {
    let mut h = blake3::Hasher::new();
    for f in files {
        h.update(&(f.text.len() as u64).to_le_bytes());
        h.update(f.text.as_bytes());
    }
    h.finalize().to_hex()[..16].to_string()
}
