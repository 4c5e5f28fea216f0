//! An indexing run: read the corpus, [`plan`](super::plan) the changes, write them in one
//! commit. A fresh or foreign index folder is created or refused here.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use tantivy::schema::TantivyDocument;
use tantivy::{Index, IndexWriter, Term};

use super::document::{document, indexed_files};
use super::meta::{corpus_fingerprint, index_fingerprint, listing_fingerprint, IndexMeta};
use super::plan::{plan, FileState, Indexed};
use super::vectors;
use super::{IndexOptions, IndexReport, Library, Progress};
use crate::case::{self, Case};
use crate::error::{Error, Result};
use crate::schema::{self, Fields};

/// Memory budget of the index writer, per indexing thread.
pub const WRITER_BUDGET_PER_THREAD: usize = 64 * 1024 * 1024;

impl Library {
    /// Bring the index up to date: incrementally, or fully with `options.full` or when the
    /// schema files changed.
    ///
    /// Two commits when meaning vectors have to be computed: the keyword index first (the new
    /// cases are searchable by their words as soon as it lands), while the vectors are
    /// computed on every core at a lower priority; then the same cases again with their
    /// vectors. Otherwise one commit. Either way a reader sees whole cases, never a mix of old
    /// and new text.
    pub fn index(&self, options: &IndexOptions, progress: &dyn Progress) -> Result<IndexReport> {
        let started = Instant::now();
        let mut report = IndexReport::default();
        let listing = listing_fingerprint(&self.corpus)?;
        let (index, mut rebuild) = self.open_or_create()?;
        let meta = IndexMeta::read(&index);
        let fingerprint = index_fingerprint(&self.files);
        let embedding = vectors::embedding_id();
        if rebuild.is_none() && options.full {
            rebuild = Some("按要求（--full）重建全部索引".to_string());
        }
        if rebuild.is_none() && !meta.fingerprint.is_empty() && meta.fingerprint != fingerprint {
            rebuild = Some("词典、停用词或字段表已变更，重建全部索引".to_string());
        }
        let want_vectors = !options.keywords_only;
        let vectors_missing = want_vectors && meta.vectors_pending;
        if rebuild.is_none() && vectors_missing {
            rebuild = Some("上次没有算完语义向量，补齐（已有的向量直接沿用）".to_string());
        }
        // Nothing changed since a clean run: no file needs reading.
        if rebuild.is_none()
            && meta.clean
            && meta.listing == listing
            && meta.fingerprint == fingerprint
            && (meta.embedding == embedding || !want_vectors)
        {
            report.total = meta.cases;
            report.unchanged = meta.cases;
            report.elapsed = started.elapsed();
            report.keyword_elapsed = report.elapsed;
            return Ok(report);
        }
        let fields =
            Fields::from_schema(&index.schema()).map_err(|e| Error::index(&self.index, e))?;

        let existing = if rebuild.is_some() {
            Indexed::new()
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
        let clean = report.errors.is_empty() && report.warnings.is_empty();

        let bad: HashSet<String> = report
            .errors
            .iter()
            .map(|e| case::corpus::relative_path(&self.corpus, e.path()))
            .collect();
        let now: Vec<FileState<'_>> = loaded
            .cases
            .iter()
            .map(|c| FileState {
                path: &c.path,
                id: &c.meta.id,
                hash: &c.hash,
            })
            .collect();
        let plan = plan(&existing, &now, &bad);
        report.added = plan.added;
        report.updated = plan.updated;
        report.removed = plan.removed;
        report.unchanged = plan.unchanged;
        report.total = loaded.cases.len() + plan.kept;

        let nothing_to_write = rebuild.is_none() && plan.is_empty();
        if nothing_to_write
            && meta.listing == listing
            && meta.fingerprint == fingerprint
            && meta.clean == clean
        {
            report.elapsed = started.elapsed();
            report.keyword_elapsed = report.elapsed;
            return Ok(report);
        }

        // Meaning vectors: reuse what an earlier build made from the same texts with the same
        // model; each other distinct text is computed once.
        // (A keyword-only build with nothing to reuse needs no keys: hashing every text is a
        // few percent of a keyword build.)
        let reusable = meta.embedding == embedding && !plan.add.is_empty();
        let keys: HashMap<usize, [u8; 16]> = if reusable || want_vectors {
            plan.add
                .iter()
                .map(|&i| (i, vectors::key(&loaded.cases[i])))
                .collect()
        } else {
            HashMap::new()
        };
        let mut packed: HashMap<[u8; 16], Vec<u8>> = if reusable {
            vectors::indexed(&index).unwrap_or_default()
        } else {
            HashMap::new()
        };
        tracing::info!(elapsed = ?started.elapsed(), reused = packed.len(), "earlier vectors read");
        let mut todo: Vec<&Case> = Vec::new();
        let mut queued: HashSet<[u8; 16]> = HashSet::new();
        if want_vectors {
            for &i in &plan.add {
                let k = keys[&i];
                if !packed.contains_key(&k) && queued.insert(k) {
                    todo.push(&loaded.cases[i]);
                }
            }
        }
        let pending: Vec<usize> = plan
            .add
            .iter()
            .copied()
            .filter(|i| keys.get(i).is_none_or(|k| !packed.contains_key(k)))
            .collect();

        let threads = threads(options.threads);
        let mut writer: IndexWriter<TantivyDocument> = index
            .writer_with_num_threads(threads, threads * WRITER_BUDGET_PER_THREAD)
            .map_err(|e| Error::index(&self.index, e))?;
        let corpus = corpus_fingerprint(
            loaded
                .cases
                .iter()
                .map(|c| (c.meta.id.as_str(), c.hash.as_str())),
        );
        // What each commit records (the first of two says whether vectors are still to come).
        let meta_now = |pending: bool| IndexMeta {
            fingerprint: fingerprint.clone(),
            listing: listing.clone(),
            corpus: corpus.clone(),
            cases: report.total,
            embedding: embedding.clone(),
            vectors_pending: pending,
            clean,
            indexed_at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        };

        let done = Counter::default();
        let encoded = std::thread::scope(|s| -> Result<Vec<Vec<u8>>> {
            let encoder = (!todo.is_empty()).then(|| {
                let (todo, done) = (&todo, &done);
                s.spawn(move || {
                    lower_priority();
                    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                    vectors::encode(todo, cores, done)
                })
            });

            // The keyword commit.
            if rebuild.is_some() {
                writer
                    .delete_all_documents()
                    .map_err(|e| Error::index(&self.index, e))?;
            } else {
                // Deletes first: a delete applies to documents added before it. After
                // delete_all_documents there is nothing left to delete (and each delete costs
                // a term lookup in every segment).
                for id in &plan.delete {
                    writer.delete_term(Term::from_field_text(fields.id, id));
                }
            }
            progress.start(plan.add.len() as u64, "索引案例");
            for &i in &plan.add {
                let case = &loaded.cases[i];
                report.bytes += case_bytes(case);
                let value = keys
                    .get(&i)
                    .and_then(|k| packed.get(k))
                    .map_or(&[][..], Vec::as_slice);
                self.add(&mut writer, &fields, case, value)?;
                progress.inc();
            }
            progress.finish();
            tracing::info!(elapsed = ?started.elapsed(), "documents handed to the writer");
            let pending_after = !pending.is_empty();
            self.commit(&mut writer, &meta_now(pending_after))?;
            report.keyword_elapsed = started.elapsed();
            tracing::info!(elapsed = ?report.keyword_elapsed, "keyword index committed");

            let Some(encoder) = encoder else {
                return Ok(Vec::new());
            };
            // The vectors: show their progress now that the keyword part is done.
            progress.start(todo.len() as u64, "计算语义向量（关键词检索已可用）");
            let mut shown = 0;
            while !encoder.is_finished() {
                std::thread::sleep(std::time::Duration::from_millis(50));
                for _ in shown..done.get() {
                    progress.inc();
                }
                shown = shown.max(done.get());
            }
            progress.finish();
            encoder.join().map_err(|_| Error::Poisoned)?
        })?;
        report.encoded = encoded.len();
        if !encoded.is_empty() {
            tracing::info!(elapsed = ?started.elapsed(), encoded = report.encoded, "meaning vectors computed");
            for (case, value) in todo.iter().zip(encoded) {
                packed.insert(vectors::key(case), value);
            }
            // The same cases again, now with their vectors.
            for &i in &pending {
                let case = &loaded.cases[i];
                writer.delete_term(Term::from_field_text(fields.id, &case.meta.id));
                let value = keys
                    .get(&i)
                    .and_then(|k| packed.get(k))
                    .map_or(&[][..], Vec::as_slice);
                self.add(&mut writer, &fields, case, value)?;
            }
            self.commit(&mut writer, &meta_now(false))?;
            tracing::info!(elapsed = ?started.elapsed(), "vectors committed");
        }
        writer
            .wait_merging_threads()
            .map_err(|e| Error::index(&self.index, e))?;
        report.rebuilt = rebuild;
        report.elapsed = started.elapsed();
        Ok(report)
    }

    fn add(
        &self,
        writer: &mut IndexWriter<TantivyDocument>,
        fields: &Fields,
        case: &Case,
        vector: &[u8],
    ) -> Result<()> {
        let doc = document(fields, case, vector).map_err(|e| Error::Stored(e.to_string()))?;
        writer
            .add_document(doc)
            .map_err(|e| Error::index(&self.index, e))?;
        Ok(())
    }

    /// Commit with `meta` as the payload.
    fn commit(&self, writer: &mut IndexWriter<TantivyDocument>, meta: &IndexMeta) -> Result<()> {
        let payload = serde_json::to_string(meta).map_err(|e| Error::Stored(e.to_string()))?;
        let mut prepared = writer
            .prepare_commit()
            .map_err(|e| Error::index(&self.index, e))?;
        prepared.set_payload(&payload);
        prepared
            .commit()
            .map_err(|e| Error::index(&self.index, e))?;
        Ok(())
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
            if holds_foreign_files(dir)? {
                return Err(Error::NotAnIndex { path: dir.clone() });
            }
            let index = Index::create_in_dir(dir, schema::build_schema())
                .map_err(|e| Error::index(dir, e))?;
            self.analyzer.register_tokenizers(&index);
            return Ok((index, None));
        }
        let index = self.open_index()?;
        if index.schema() == schema::build_schema() {
            return Ok((index, None));
        }
        // Another schema: build a fresh index beside it and swap it in.
        drop(index);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io { path, source }
        };
        let fresh = dir.with_extension(format!("rebuild-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&fresh);
        std::fs::create_dir_all(&fresh).map_err(io(&fresh))?;
        Index::create_in_dir(&fresh, schema::build_schema())
            .map_err(|e| Error::index(&fresh, e))?;
        // A README the folder came with stays (the repository's index/README.md).
        let readme = dir.join("README.md");
        if readme.is_file() {
            std::fs::copy(&readme, fresh.join("README.md")).map_err(io(&readme))?;
        }
        let old = dir.with_extension(format!("old-{}", std::process::id()));
        std::fs::rename(dir, &old).map_err(io(dir))?;
        std::fs::rename(&fresh, dir).map_err(io(dir))?;
        let _ = std::fs::remove_dir_all(&old);
        let index = self.open_index()?;
        Ok((
            index,
            Some("索引字段结构已变更（新版本 anli），重建全部索引".to_string()),
        ))
    }
}

/// Whether a folder without an index holds files that are not ours to overwrite: hidden files,
/// a README and the remains of a tantivy index are ours.
fn holds_foreign_files(dir: &Path) -> Result<bool> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    Ok(entries.filter_map(|e| e.ok()).any(|e| {
        let name = e.file_name().to_string_lossy().to_string();
        let tantivy_file = Path::new(&name)
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| {
                matches!(
                    x,
                    "idx" | "pos" | "term" | "store" | "fast" | "fieldnorm" | "del" | "json"
                )
            });
        !name.starts_with('.') && !name.eq_ignore_ascii_case("readme.md") && !tantivy_file
    }))
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
        + case.meta.title.len() as u64
}

/// Counts finished steps of work done on other threads (the encoder's progress while the
/// keyword part owns the bar).
#[derive(Default)]
struct Counter(AtomicUsize);

impl Counter {
    fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

impl Progress for Counter {
    fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Let the calling thread (and the threads it starts) yield the cores to the keyword part and
/// to searches: the meaning vectors are the long, patient work of a run.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread's own id; no memory is touched.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}
