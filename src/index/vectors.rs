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

/// Names the texts of `case` (their blake3 hash): cases with the same texts get the same
/// vectors, whatever else differs (id, year, file), and keep them from one build to the next.
pub fn key(case: &Case) -> [u8; 16] {
    let mut h = blake3::Hasher::new();
    for t in texts(case) {
        h.update(&(t.len() as u64).to_le_bytes());
        h.update(t.as_bytes());
    }
    let mut key = [0u8; 16];
    key.copy_from_slice(&h.finalize().as_bytes()[..16]);
    key
}

/// Encode `cases` on `threads` threads; their packed vectors, in order.
pub fn encode(cases: &[&Case], threads: usize, progress: &dyn Progress) -> Result<Vec<Vec<u8>>> {
    let encoder = Encoder::get()?;
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    progress.start(cases.len() as u64, "计算语义向量");
    let out: Mutex<Vec<Option<Vec<u8>>>> = Mutex::new(vec![None; cases.len()]);
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, cases.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                let vectors: Vec<Vec<f32>> =
                    texts(case).iter().map(|t| encoder.encode(t)).collect();
                let packed = pack::pack(key(case), &vectors);
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

/// Every packed value in the `vector` column of `index`, by the key of the texts it was made
/// from (read when the index was built with the same [`embedding_id`], to reuse).
pub fn indexed(index: &Index) -> Result<HashMap<[u8; 16], Vec<u8>>> {
    let err = |e: tantivy::TantivyError| Error::Stored(e.to_string());
    let reader = index.reader().map_err(err)?;
    let searcher = reader.searcher();
    let mut out = HashMap::new();
    for seg in searcher.segment_readers() {
        let Some(vectors) = seg.fast_fields().bytes("vector").map_err(err)? else {
            continue;
        };
        let mut stream = vectors
            .dictionary()
            .stream()
            .map_err(|e| Error::Stored(e.to_string()))?;
        while stream.advance() {
            let value = stream.key();
            if let Some(k) =
                pack::key(value).filter(|_| pack::unpack(value).is_some_and(|p| p.len() == SLOTS))
            {
                out.insert(k, value.to_vec());
            }
        }
    }
    Ok(out)
}
