//! What a commit records about how the index was built ([`IndexMeta`]), and the fingerprints
//! it is compared with: of the schema files and schema version, of the corpus listing, and of
//! the indexed content.

use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use tantivy::Index;

use crate::case;
use crate::error::{Error, Result};
use crate::resources::{fingerprint, ResourceFile, SchemaFiles};
use crate::schema::SCHEMA_VERSION;

/// What the last commit recorded about how the index was built (the commit payload, JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexMeta {
    /// [`index_fingerprint`] of the schema files the index was built with; a mismatch forces a
    /// full rebuild.
    pub fingerprint: String,
    /// [`listing_fingerprint`] of the corpus at the commit: a cheap "is the index older than
    /// the corpus?" check.
    pub listing: String,
    /// [`corpus_fingerprint`] of the indexed content: the corpus version handouts cite.
    pub corpus: String,
    /// Number of cases in the index.
    pub cases: usize,
    /// When the commit was made, seconds since the Unix epoch.
    pub indexed_at: u64,
    /// [`super::vectors::embedding_id`] of the vectors in the index (reused by a rebuild when
    /// it is unchanged).
    #[serde(default)]
    pub embedding: String,
    /// Cases were committed without their meaning vectors (the keyword commit of a run that
    /// was computing them, or `keywords_only`): the next run completes them.
    #[serde(default)]
    pub vectors_pending: bool,
    /// The run that made this commit read every file without an error or a warning: when the
    /// listing is unchanged, the next run has nothing to re-read and nothing to report.
    #[serde(default)]
    pub clean: bool,
}

impl IndexMeta {
    /// Read the meta of the last commit of `index` (default when it has none).
    pub fn read(index: &Index) -> IndexMeta {
        index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default()
    }
}

/// Fingerprint of everything the index was built with: the files that decide the tokens
/// (dictionary, stop words), what normalization does
/// ([`normalization_id`](crate::analysis::normalization_id): the traditional → simplified
/// table), the field table, the code's [`SCHEMA_VERSION`] and the meaning vectors'
/// [`embedding_id`](super::vectors::embedding_id).
pub fn index_fingerprint(files: &SchemaFiles) -> String {
    let version = ResourceFile::inline("version", SCHEMA_VERSION);
    let embedding = ResourceFile::inline("embedding", &super::vectors::embedding_id());
    let normalization = ResourceFile::inline("normalization", &crate::analysis::normalization_id());
    fingerprint(&[
        &files.dict,
        &files.stopwords,
        &normalization,
        &files.fields,
        &version,
        &embedding,
    ])
}

/// Fingerprint of the corpus listing: relative paths, sizes and modification times.
pub fn listing_fingerprint(corpus: &Path) -> Result<String> {
    let mut h = blake3::Hasher::new();
    for file in case::case_files(corpus)? {
        let md = std::fs::metadata(&file).map_err(|e| Error::Io {
            path: file.clone(),
            source: e,
        })?;
        let mtime = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        h.update(case::corpus::relative_path(corpus, &file).as_bytes());
        h.update(&md.len().to_le_bytes());
        h.update(&mtime.to_le_bytes());
    }
    Ok(h.finalize().to_hex()[..16].to_string())
}

/// Fingerprint of indexed content: sorted `(id, hash)` pairs.
pub fn corpus_fingerprint<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut v: Vec<_> = items.collect();
    v.sort();
    let mut h = blake3::Hasher::new();
    for (id, hash) in v {
        h.update(id.as_bytes());
        h.update(b"\0");
        h.update(hash.as_bytes());
        h.update(b"\n");
    }
    h.finalize().to_hex()[..16].to_string()
}

/// Bytes of the files directly in an index folder (0 when it cannot be read).
pub fn index_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_fingerprint_follows_the_files_that_shape_the_index() {
        let files = SchemaFiles::builtin();
        let base = index_fingerprint(&files);
        assert_eq!(base.len(), 16);
        assert_eq!(base, index_fingerprint(&files.clone()));
        for change in [
            |f: &mut SchemaFiles| f.dict.text.push_str("\n新词"),
            |f: &mut SchemaFiles| f.stopwords.text.push_str("\n呢"),
            |f: &mut SchemaFiles| f.fields.text.push_str("\n# note"),
        ] {
            let mut other = files.clone();
            change(&mut other);
            assert_ne!(index_fingerprint(&other), base);
        }
        // Synonyms and topics apply at query time: no rebuild.
        let mut other = files.clone();
        other.synonyms.text.push_str("\n车位,停车位");
        assert_eq!(index_fingerprint(&other), base);
    }

    #[test]
    fn the_corpus_fingerprint_ignores_order() {
        let a = corpus_fingerprint([("a", "1"), ("b", "2")].into_iter());
        let b = corpus_fingerprint([("b", "2"), ("a", "1")].into_iter());
        assert_eq!(a, b);
        assert_ne!(a, corpus_fingerprint([("a", "1")].into_iter()));
    }
}
