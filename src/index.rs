//! Building and refreshing the index from the corpus.
//!
//! Incremental by content: each document records its file's path and content hash; a run reads
//! those, re-reads the corpus, and deletes/adds only what was added, changed or removed, then
//! commits once, so a reader sees the old index or the new one, never a mix. A file that fails to
//! parse keeps whatever was indexed from it before ("nothing already indexed is lost").
//!
//! The commit payload records [`IndexMeta`]: the index fingerprint (schema files + schema version;
//! a mismatch forces a full rebuild) and a listing fingerprint of the corpus (paths, sizes, mtimes)
//! that makes "is the index older than the corpus?" a cheap check.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::schema::{Facet, TantivyDocument};
use tantivy::{Index, IndexWriter, Term};

use crate::analysis::Analyzer;
use crate::case::{self, Case, CaseError, CaseWarning, SectionKind};
use crate::error::{Error, Result};
use crate::resources::SchemaFiles;
use crate::schema::{self, Fields};
use crate::topics::Topics;

/// Memory budget of the index writer, per indexing thread.
pub const WRITER_BUDGET_PER_THREAD: usize = 64 * 1024 * 1024;

/// What the last commit recorded about how the index was built.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexMeta {
    /// Fingerprint of the schema files and schema version the index was built with.
    pub fingerprint: String,
    /// Fingerprint of the corpus listing (paths, sizes, modification times).
    pub listing: String,
    /// Fingerprint of the indexed content (ids and content hashes): the corpus version.
    pub corpus: String,
    /// Number of cases in the index.
    pub cases: usize,
    /// When the commit was made, seconds since the Unix epoch.
    pub indexed_at: u64,
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

/// Why the index is (not) up to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Up to date with the corpus and schema files.
    Fresh,
    /// No index yet.
    Missing,
    /// Built with other schema files or another schema version: needs a full rebuild.
    SchemaChanged,
    /// The corpus changed since the last commit.
    CorpusChanged,
}

/// Progress reporting for long work; the CLI draws a bar, tests and services ignore it.
pub trait Progress: Sync {
    /// Work of `total` steps begins.
    fn start(&self, _total: u64, _message: &str) {}
    /// One step done.
    fn inc(&self) {}
    /// All done.
    fn finish(&self) {}
}

/// Reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// What an indexing run did.
#[derive(Debug, Default)]
pub struct IndexReport {
    /// Cases added (new ids).
    pub added: usize,
    /// Cases re-indexed because their file changed.
    pub updated: usize,
    /// Cases removed because their file is gone.
    pub removed: usize,
    /// Cases left as they were.
    pub unchanged: usize,
    /// Bad files, skipped (anything indexed from them before is kept).
    pub errors: Vec<CaseError>,
    /// Oddities in good files.
    pub warnings: Vec<CaseWarning>,
    /// Why everything was rebuilt, when it was.
    pub rebuilt: Option<String>,
    /// Cases in the index after the run.
    pub total: usize,
    /// Bytes of case files read.
    pub bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
}

/// Options of an indexing run.
#[derive(Debug, Clone, Default)]
pub struct IndexOptions {
    /// Rebuild everything even when nothing changed.
    pub full: bool,
    /// Indexing threads (0 = one per core, at most 4).
    pub threads: usize,
}

/// Everything needed to build and open the index: where things are and the loaded schema files.
#[derive(Clone)]
pub struct Library {
    /// The corpus folder.
    pub corpus: PathBuf,
    /// The index folder.
    pub index: PathBuf,
    /// Schema files.
    pub files: SchemaFiles,
    /// The topic vocabulary.
    pub topics: Topics,
    /// The shared analyzer.
    pub analyzer: Arc<Analyzer>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("corpus", &self.corpus)
            .field("index", &self.index)
            .finish()
    }
}

impl Library {
    /// Load the schema files from `schema_dir` and the analyzer (once per process).
    pub fn open(corpus: &Path, index: &Path, schema_dir: &Path) -> Result<Library> {
        let files = SchemaFiles::load(schema_dir)?;
        Library::with_files(corpus, index, files)
    }

    /// Like [`Library::open`] with schema files already loaded.
    pub fn with_files(corpus: &Path, index: &Path, files: SchemaFiles) -> Result<Library> {
        let topics = Topics::parse(&files.topics)?;
        let analyzer = Analyzer::shared(&files)?;
        Ok(Library {
            corpus: corpus.to_path_buf(),
            index: index.to_path_buf(),
            files,
            topics,
            analyzer,
        })
    }

    /// Read and validate the corpus without indexing.
    pub fn check(&self) -> Result<case::LoadedCorpus> {
        case::load_corpus(&self.corpus, &self.topics, &HashMap::new())
    }

    /// Open the existing index with anli's tokenizers registered.
    pub fn open_index(&self) -> Result<Index> {
        if !self.index.join("meta.json").is_file() {
            return Err(Error::NoIndex {
                path: self.index.clone(),
            });
        }
        let index = Index::open_in_dir(&self.index).map_err(|e| Error::index(&self.index, e))?;
        schema::register_tokenizers(&index, &self.analyzer);
        Ok(index)
    }

    /// Whether the index is up to date with the corpus and the schema files.
    pub fn freshness(&self) -> Result<Freshness> {
        self.freshness_given(|| listing_fingerprint(&self.corpus))
    }

    /// [`freshness`](Self::freshness) with the corpus listing fingerprint supplied by `listing`
    /// (called only when needed) — so a caller can compute it on another thread while the
    /// dictionary loads.
    pub fn freshness_given(&self, listing: impl FnOnce() -> Result<String>) -> Result<Freshness> {
        if !self.index.join("meta.json").is_file() {
            return Ok(Freshness::Missing);
        }
        let index = self.open_index()?;
        let meta = IndexMeta::read(&index);
        if meta.fingerprint != self.files.index_fingerprint()
            || index.schema() != schema::build_schema()
        {
            return Ok(Freshness::SchemaChanged);
        }
        if !self.corpus.is_dir() {
            // Nothing to compare with: serve what is there.
            return Ok(Freshness::Fresh);
        }
        if meta.listing != listing()? {
            return Ok(Freshness::CorpusChanged);
        }
        Ok(Freshness::Fresh)
    }

    /// Bring the index up to date: incrementally, or fully with `options.full` or when the
    /// schema files changed. One commit.
    pub fn index(&self, options: &IndexOptions, progress: &dyn Progress) -> Result<IndexReport> {
        let started = Instant::now();
        let mut report = IndexReport::default();
        let listing = listing_fingerprint(&self.corpus)?;
        let (index, mut rebuild) = self.open_or_create()?;
        let meta = IndexMeta::read(&index);
        if rebuild.is_none() && options.full {
            rebuild = Some("按要求（--full）重建全部索引".to_string());
        }
        if rebuild.is_none()
            && !meta.fingerprint.is_empty()
            && meta.fingerprint != self.files.index_fingerprint()
        {
            rebuild = Some("词典、停用词或字段表已变更，重建全部索引".to_string());
        }
        let fields =
            Fields::from_schema(&index.schema()).map_err(|e| Error::index(&self.index, e))?;

        // What the index holds now: path → (id, hash).
        let existing = if rebuild.is_some() {
            HashMap::new()
        } else {
            indexed_files(&index, &self.index)?
        };
        let prefer: HashMap<String, String> = existing
            .iter()
            .map(|(path, (id, _))| (id.clone(), path.clone()))
            .collect();
        let loaded = case::load_corpus(&self.corpus, &self.topics, &prefer)?;
        tracing::info!(elapsed = ?started.elapsed(), cases = loaded.cases.len(), "corpus read and parsed");
        report.errors = loaded.errors;
        report.warnings = loaded.warnings;

        // Decide.
        let bad_paths: HashSet<String> = report
            .errors
            .iter()
            .map(|e| case::corpus::relative_path(&self.corpus, e.path()))
            .collect();
        let on_disk: HashSet<&str> = loaded.cases.iter().map(|c| c.path.as_str()).collect();
        let mut deletes: Vec<String> = Vec::new();
        let mut adds: Vec<&Case> = Vec::new();
        for case in &loaded.cases {
            match existing.get(&case.path) {
                Some((id, hash)) if *id == case.id && *hash == case.hash => report.unchanged += 1,
                Some((id, _)) => {
                    deletes.push(id.clone());
                    if *id != case.id {
                        deletes.push(case.id.clone());
                    }
                    adds.push(case);
                    report.updated += 1;
                }
                None => {
                    // A new file; its id may have lived in another file before (a move).
                    deletes.push(case.id.clone());
                    adds.push(case);
                    report.added += 1;
                }
            }
        }
        let mut kept_from_bad = 0;
        for (path, (id, _)) in &existing {
            if on_disk.contains(path.as_str()) {
                continue;
            }
            if bad_paths.contains(path) {
                kept_from_bad += 1;
                continue;
            }
            // Gone, unless its id now lives in another file (handled by that file's add).
            deletes.push(id.clone());
            if !loaded.cases.iter().any(|c| c.id == *id) {
                report.removed += 1;
            }
        }
        report.total = loaded.cases.len() + kept_from_bad;

        let changed = rebuild.is_some() || !deletes.is_empty() || !adds.is_empty();
        if !changed && meta.listing == listing && meta.fingerprint == self.files.index_fingerprint()
        {
            report.elapsed = started.elapsed();
            return Ok(report);
        }

        let mut writer: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(
                threads(options.threads),
                threads(options.threads) * WRITER_BUDGET_PER_THREAD,
            )
            .map_err(|e| Error::index(&self.index, e))?;
        if rebuild.is_some() {
            writer
                .delete_all_documents()
                .map_err(|e| Error::index(&self.index, e))?;
        }
        // Deletes first: a delete applies to documents added before it. After
        // delete_all_documents there is nothing left to delete (and each delete costs a term
        // lookup in every segment).
        if rebuild.is_none() {
            for id in &deletes {
                writer.delete_term(Term::from_field_text(fields.id, id));
            }
        }
        progress.start(adds.len() as u64, "索引案例");
        for case in &adds {
            report.bytes += case_bytes(case);
            let doc = document(&fields, case).map_err(|e| Error::Stored(e.to_string()))?;
            writer
                .add_document(doc)
                .map_err(|e| Error::index(&self.index, e))?;
            progress.inc();
        }
        progress.finish();
        tracing::info!(elapsed = ?started.elapsed(), "documents handed to the writer");

        let new_meta = IndexMeta {
            fingerprint: self.files.index_fingerprint(),
            listing,
            corpus: corpus_fingerprint(
                loaded
                    .cases
                    .iter()
                    .map(|c| (c.id.as_str(), c.hash.as_str())),
            ),
            cases: report.total,
            indexed_at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        };
        let payload = serde_json::to_string(&new_meta).map_err(|e| Error::Stored(e.to_string()))?;
        let mut prepared = writer
            .prepare_commit()
            .map_err(|e| Error::index(&self.index, e))?;
        prepared.set_payload(&payload);
        prepared
            .commit()
            .map_err(|e| Error::index(&self.index, e))?;
        tracing::info!(elapsed = ?started.elapsed(), "committed");
        writer
            .wait_merging_threads()
            .map_err(|e| Error::index(&self.index, e))?;
        report.rebuilt = rebuild;
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// Open the index, creating it when missing. Returns a reason to rebuild everything when the
    /// existing index has another schema (then a fresh index replaces it).
    fn open_or_create(&self) -> Result<(Index, Option<String>)> {
        let dir = &self.index;
        std::fs::create_dir_all(dir).map_err(|e| Error::Io {
            path: dir.clone(),
            source: e,
        })?;
        if !dir.join("meta.json").is_file() {
            let foreign = std::fs::read_dir(dir)
                .map_err(|e| Error::Io {
                    path: dir.clone(),
                    source: e,
                })?
                .filter_map(|e| e.ok())
                .any(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    // Hidden files, our README and the remains of a tantivy index are ours.
                    let tantivy_file = Path::new(&name)
                        .extension()
                        .and_then(|x| x.to_str())
                        .is_some_and(|x| {
                            matches!(
                                x,
                                "idx"
                                    | "pos"
                                    | "term"
                                    | "store"
                                    | "fast"
                                    | "fieldnorm"
                                    | "del"
                                    | "json"
                            )
                        });
                    !name.starts_with('.')
                        && !name.eq_ignore_ascii_case("readme.md")
                        && !tantivy_file
                });
            if foreign {
                return Err(Error::NotAnIndex { path: dir.clone() });
            }
            let index = Index::create_in_dir(dir, schema::build_schema())
                .map_err(|e| Error::index(dir, e))?;
            schema::register_tokenizers(&index, &self.analyzer);
            return Ok((index, None));
        }
        let index = self.open_index()?;
        if index.schema() == schema::build_schema() {
            return Ok((index, None));
        }
        // Another schema: build a fresh index beside it and swap it in.
        drop(index);
        let fresh = dir.with_extension(format!("rebuild-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&fresh);
        std::fs::create_dir_all(&fresh).map_err(|e| Error::Io {
            path: fresh.clone(),
            source: e,
        })?;
        Index::create_in_dir(&fresh, schema::build_schema())
            .map_err(|e| Error::index(&fresh, e))?;
        let old = dir.with_extension(format!("old-{}", std::process::id()));
        std::fs::rename(dir, &old).map_err(|e| Error::Io {
            path: dir.clone(),
            source: e,
        })?;
        std::fs::rename(&fresh, dir).map_err(|e| Error::Io {
            path: dir.clone(),
            source: e,
        })?;
        let _ = std::fs::remove_dir_all(&old);
        let index = self.open_index()?;
        Ok((
            index,
            Some("索引字段结构已变更（新版本 anli），重建全部索引".to_string()),
        ))
    }
}

fn threads(requested: usize) -> usize {
    if requested > 0 {
        return requested.min(8);
    }
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
}

fn case_bytes(case: &Case) -> u64 {
    case.sections
        .iter()
        .map(|s| s.markdown.len() as u64)
        .sum::<u64>()
        + case.title.len() as u64
}

/// The tantivy document of a case.
pub fn document(fields: &Fields, case: &Case) -> serde_json::Result<TantivyDocument> {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &case.id);
    doc.add_text(fields.path, &case.path);
    doc.add_text(fields.hash, &case.hash);
    doc.add_text(fields.title, &case.title);
    if let Some(main) = case.topics.first() {
        doc.add_facet(fields.main_topic, Facet::from_path([main.as_str()]));
    }
    for t in &case.topics {
        doc.add_text(fields.topics, t);
        doc.add_facet(fields.topic, Facet::from_path([t.as_str()]));
    }
    for t in &case.tags {
        doc.add_text(fields.tags, t);
    }
    doc.add_text(fields.measures, case.text_of(SectionKind::Measures));
    doc.add_text(fields.body, case.body_text());
    let region = case.region_path();
    if !region.is_empty() {
        doc.add_facet(fields.region, Facet::from_path(region));
    }
    if let Some(y) = case.year {
        doc.add_i64(fields.year, y);
    }
    doc.add_text(fields.case, serde_json::to_string(case)?);
    Ok(doc)
}

/// path → (id, hash) of every live document.
///
/// Each string column's dictionary is read once, in order, and documents are mapped through
/// their ordinals: looking each value up by ordinal (`ord_to_str`) decompresses a dictionary
/// block per call, which took about a quarter of a second on the 5,715-case benchmark corpus.
fn indexed_files(index: &Index, dir: &Path) -> Result<HashMap<String, (String, String)>> {
    let err = |e| Error::index(dir, e);
    let io = |e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    let reader = index.reader().map_err(err)?;
    let searcher = reader.searcher();
    let mut out = HashMap::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let (Some(ids), Some(paths), Some(hashes)) = (
            ff.str("id").map_err(err)?,
            ff.str("path").map_err(err)?,
            ff.str("hash").map_err(err)?,
        ) else {
            continue;
        };
        let (id_terms, path_terms, hash_terms) = (
            column_terms(&ids).map_err(io)?,
            column_terms(&paths).map_err(io)?,
            column_terms(&hashes).map_err(io)?,
        );
        let value = |col: &tantivy::columnar::StrColumn, terms: &[String], doc| -> String {
            col.ords()
                .first(doc)
                .and_then(|ord| terms.get(ord as usize))
                .cloned()
                .unwrap_or_default()
        };
        for doc in seg.doc_ids_alive() {
            out.insert(
                value(&paths, &path_terms, doc),
                (
                    value(&ids, &id_terms, doc),
                    value(&hashes, &hash_terms, doc),
                ),
            );
        }
    }
    Ok(out)
}

/// Every value of a string column, indexed by its ordinal. A damaged dictionary is an error,
/// as it was with `ord_to_str`.
fn column_terms(col: &tantivy::columnar::StrColumn) -> std::io::Result<Vec<String>> {
    let ords: Vec<u64> = (0..col.num_terms() as u64).collect();
    let mut terms = Vec::with_capacity(ords.len());
    let mut utf8_ok = true;
    col.dictionary()
        .sorted_ords_to_term_cb(&ords, |bytes| match std::str::from_utf8(bytes) {
            Ok(term) => terms.push(term.to_string()),
            Err(_) => {
                utf8_ok = false;
                terms.push(String::new());
            }
        })?;
    if !utf8_ok {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "索引里的编号、路径或哈希不是有效的 UTF-8",
        ));
    }
    Ok(terms)
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
