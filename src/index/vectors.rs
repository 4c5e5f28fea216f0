//! What meaning the index records for each case: the texts that are encoded ([`Slot`]), encoding
//! them on every core with a progress count, and the vectors an earlier build already made
//! (an unchanged case is never encoded again, not even by a full rebuild).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use tantivy::Index;

use super::Progress;
use crate::case::Case;
use crate::embed::{pack, Encoder, MODEL_ID};
use crate::error::{Error, Result};

/// The vectors stored for each case, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Title and summary: what the case is about. Searches compare with it.
    Head = 0,
    /// The whole text. Similar cases of long texts compare with it.
    Full = 1,
}

/// Number of stored vectors per case.
pub const SLOTS: usize = 2;

/// Names the encoder and what is encoded; recorded in the index meta and part of the index
/// fingerprint, so changing either re-encodes every case. Bump the suffix when [`texts`] or
/// [`Slot`] change.
pub fn embedding_id() -> String {
    format!("{}/pack{}/head+full.1", MODEL_ID.trim(), pack::VERSION)
}

/// The text encoded for each slot of `case`.
pub fn texts(case: &Case) -> [String; SLOTS] {
    let meta = &case.meta;
    let mut head = meta.title.clone();
    if let Some(s) = &meta.summary {
        head.push('\n');
        head.push_str(s);
    }
    [head, case.full_text()]
}

/// Encode the cases `todo` (indexes into `cases`) on `threads` threads; the packed vectors, in
/// the order of `todo`.
pub fn encode(
    cases: &[Case],
    todo: &[usize],
    threads: usize,
    progress: &dyn Progress,
) -> Result<Vec<Vec<u8>>> {
    let encoder = Encoder::get()?;
    if todo.is_empty() {
        return Ok(Vec::new());
    }
    progress.start(todo.len() as u64, "编码语义向量");
    let out: Mutex<Vec<Option<Vec<u8>>>> = Mutex::new(vec![None; todo.len()]);
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, todo.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&case) = todo.get(i) else { break };
                let vectors: Vec<Vec<f32>> = texts(&cases[case])
                    .iter()
                    .map(|t| encoder.encode(t))
                    .collect();
                let packed = pack::pack(&vectors);
                if let Ok(mut out) = out.lock() {
                    out[i] = Some(packed);
                }
                progress.inc();
            });
        }
    });
    progress.finish();
    out.into_inner()
        .map_err(|_| Error::Poisoned)?
        .into_iter()
        .map(|v| v.ok_or(Error::Poisoned))
        .collect()
}

/// content hash → packed vectors of every live document of `index` (read when the index was
/// built with the same [`embedding_id`], to reuse instead of encoding again).
pub fn indexed(index: &Index) -> Result<HashMap<String, Vec<u8>>> {
    let err = |e: tantivy::TantivyError| Error::Stored(e.to_string());
    let io = |e: std::io::Error| Error::Stored(e.to_string());
    let reader = index.reader().map_err(err)?;
    let searcher = reader.searcher();
    let mut out = HashMap::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let (Some(hashes), Some(vectors)) = (
            ff.str("hash").map_err(err)?,
            ff.bytes("vector").map_err(err)?,
        ) else {
            continue;
        };
        let mut hash_terms = Vec::new();
        let mut stream = hashes.dictionary().stream().map_err(io)?;
        while stream.advance() {
            hash_terms.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        let mut vector_terms = Vec::new();
        let mut stream = vectors.dictionary().stream().map_err(io)?;
        while stream.advance() {
            vector_terms.push(stream.key().to_vec());
        }
        for doc in seg.doc_ids_alive() {
            let hash = hashes
                .ords()
                .first(doc)
                .and_then(|o| hash_terms.get(o as usize));
            let vector = vectors
                .ords()
                .first(doc)
                .and_then(|o| vector_terms.get(o as usize));
            if let (Some(h), Some(v)) = (hash, vector) {
                if pack::unpack(v).is_some_and(|p| p.len() == SLOTS) {
                    out.insert(h.clone(), v.clone());
                }
            }
        }
    }
    Ok(out)
}
