//! Building and refreshing the index from the corpus.
//!
//! Incremental by content: each document records its file's path and content hash; a run reads
//! those, re-reads the corpus, and deletes/adds only what was added, changed or removed
//! ([`plan`]), then commits once, so a reader sees the old index or the new one, never a mix. A
//! file that fails to parse keeps whatever was indexed from it before ("nothing already indexed
//! is lost").
//!
//! - this module: the [`Library`] (where things are, the loaded schema files) and whether its
//!   index is up to date ([`Freshness`]);
//! - [`meta`]: what a commit records ([`IndexMeta`]) and the fingerprints compared with it;
//! - [`plan`]: what to add, update and delete, decided without touching the index;
//! - [`document`]: a case as a tantivy document, and the indexed files read back;
//! - `write`: an indexing run ([`Library::index`]).

pub mod document;
pub mod meta;
pub mod plan;
pub mod vectors;
mod write;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tantivy::Index;

use crate::analysis::Analyzer;
use crate::case::{self, CaseError, CaseWarning};
use crate::error::{Error, Result};
use crate::resources::SchemaFiles;
use crate::schema;
use crate::topics::Topics;

pub use document::document;
pub use meta::{
    corpus_fingerprint, index_bytes, index_fingerprint, listing_fingerprint, IndexMeta,
};
pub use write::WRITER_BUDGET_PER_THREAD;

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
    /// Cases added (new files).
    pub added: usize,
    /// Cases re-indexed because their file changed.
    pub updated: usize,
    /// Cases removed because their file is gone.
    pub removed: usize,
    /// Cases left as they were.
    pub unchanged: usize,
    /// Cases whose meaning vectors were computed (the others added kept theirs: same content).
    pub encoded: usize,
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
    /// Wall time until the keyword index was committed and searchable (the meaning vectors
    /// of new texts are computed alongside and committed after it).
    pub keyword_elapsed: Duration,
}

/// Options of an indexing run.
#[derive(Debug, Clone, Default)]
pub struct IndexOptions {
    /// Rebuild everything even when nothing changed.
    pub full: bool,
    /// Indexing threads (0 = one per core, at most 4).
    pub threads: usize,
    /// Build only the keyword index: no meaning vectors are computed (new cases have none, so
    /// meaning search leaves them out) and the next run without this option computes them.
    pub keywords_only: bool,
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
        self.analyzer.register_tokenizers(&index);
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
        if meta.fingerprint != index_fingerprint(&self.files)
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
}
