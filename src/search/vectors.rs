//! The case vectors of an index, for ranking by meaning: read once per segment from the `vector`
//! column (one stored value per case, see [`crate::embed::pack`]) and kept while the segment
//! lives, so a search only computes dot products.
//!
//! Every case is compared with the query (exact search). At 10⁵ cases that is 5·10⁷ multiply-adds,
//! a few milliseconds on one core; past that an approximate index (HNSW, or IVF over k-means
//! cells) would take its place.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::schema::Field;
use tantivy::{DocAddress, DocId, Searcher, SegmentReader};

use crate::embed::{pack, DIM};
use crate::error::{Error, Result};

/// Which of a case's stored vectors to compare with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Title and summary: what the case is about (search, short texts).
    Head = 0,
    /// The whole text (similar cases from long texts).
    Full = 1,
}

/// Number of vectors stored per case, in [`Slot`] order.
pub const SLOTS: usize = 2;

/// The quantized vectors of one segment, by document.
#[derive(Debug, Default)]
pub struct SegmentVectors {
    /// `SLOTS × DIM` bytes per document (zeros when a document has none).
    values: Vec<i8>,
    /// `SLOTS` scales per document (0 when missing).
    scales: Vec<f32>,
}

impl SegmentVectors {
    fn read(reader: &SegmentReader, field: &str) -> Result<SegmentVectors> {
        let docs = reader.max_doc() as usize;
        let mut out = SegmentVectors {
            values: vec![0; docs * SLOTS * DIM],
            scales: vec![0.0; docs * SLOTS],
        };
        let column = reader
            .fast_fields()
            .bytes(field)
            .map_err(|e| Error::Stored(e.to_string()))?;
        let Some(column) = column else {
            return Ok(out);
        };
        // The column is dictionary-encoded: read every distinct value once, in order, then map
        // documents to them.
        let mut values: Vec<Vec<u8>> = Vec::with_capacity(column.num_terms());
        let mut stream = column
            .dictionary()
            .stream()
            .map_err(|e| Error::Stored(e.to_string()))?;
        while stream.advance() {
            values.push(stream.key().to_vec());
        }
        for doc in 0..docs as DocId {
            let Some(ord) = column.term_ords(doc).next() else {
                continue;
            };
            let Some(packed) = values.get(ord as usize).and_then(|v| pack::unpack(v)) else {
                continue;
            };
            for (slot, p) in packed.iter().take(SLOTS).enumerate() {
                let at = doc as usize * SLOTS + slot;
                out.scales[at] = p.scale;
                out.values[at * DIM..(at + 1) * DIM].copy_from_slice(p.values);
            }
        }
        Ok(out)
    }

    /// The cosine of document `doc`'s `slot` vector with `query`, `None` when it has none.
    pub fn cosine(&self, doc: DocId, slot: Slot, query: &[f32]) -> Option<f32> {
        let at = doc as usize * SLOTS + slot as usize;
        let scale = *self.scales.get(at)?;
        if scale == 0.0 {
            return None;
        }
        let packed = pack::Packed {
            scale,
            values: &self.values[at * DIM..(at + 1) * DIM],
        };
        Some(packed.dot(query))
    }

    /// The vector of document `doc` in `slot` (dequantized), `None` when it has none.
    pub fn vector(&self, doc: DocId, slot: Slot) -> Option<Vec<f32>> {
        let at = doc as usize * SLOTS + slot as usize;
        let scale = *self.scales.get(at)?;
        (scale != 0.0).then(|| {
            pack::Packed {
                scale,
                values: &self.values[at * DIM..(at + 1) * DIM],
            }
            .unpack()
        })
    }
}

/// Vectors of the segments the engine has seen, kept while they are alive.
#[derive(Debug)]
pub struct VectorCache {
    field: String,
    segments: Mutex<HashMap<SegmentId, Arc<SegmentVectors>>>,
}

impl VectorCache {
    /// A cache reading the column of `field`.
    pub fn new(searcher: &Searcher, field: Field) -> VectorCache {
        VectorCache {
            field: searcher.schema().get_field_name(field).to_string(),
            segments: Mutex::new(HashMap::new()),
        }
    }

    /// The vectors of every segment of `searcher`, in segment order (reading the new ones and
    /// forgetting the ones no longer in use).
    pub fn segments(&self, searcher: &Searcher) -> Result<Vec<Arc<SegmentVectors>>> {
        let mut cache = self.segments.lock().map_err(|_| Error::Poisoned)?;
        let mut out = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            let id = reader.segment_id();
            let v = match cache.get(&id) {
                Some(v) => Arc::clone(v),
                None => {
                    let v = Arc::new(SegmentVectors::read(reader, &self.field)?);
                    cache.insert(id, Arc::clone(&v));
                    v
                }
            };
            out.push(v);
        }
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        cache.retain(|id, _| live.contains(id));
        Ok(out)
    }
}

/// Every live document of `searcher` with its cosine to `query` in `slot` (documents without a
/// vector are left out), best first.
pub fn rank_all(
    searcher: &Searcher,
    segments: &[Arc<SegmentVectors>],
    slot: Slot,
    query: &[f32],
    keep: impl Fn(DocAddress) -> bool,
) -> Vec<(DocAddress, f32)> {
    let mut out = Vec::with_capacity(searcher.num_docs() as usize);
    for (ord, (reader, vectors)) in searcher.segment_readers().iter().zip(segments).enumerate() {
        let alive = reader.alive_bitset();
        for doc in 0..reader.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let addr = DocAddress::new(ord as u32, doc);
            if !keep(addr) {
                continue;
            }
            if let Some(c) = vectors.cosine(doc, slot, query) {
                out.push((addr, c));
            }
        }
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}
