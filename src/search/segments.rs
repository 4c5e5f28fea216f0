//! What ranking needs of every case and reads once per index segment, kept while the segment
//! lives: the case vectors (from the `vector` column, see [`crate::embed::pack`]), so a search by
//! meaning only computes dot products, and the topics (from the facet columns), so fused rankings
//! can vote on and lift topics without parsing stored cases.
//!
//! Every case is compared with the query (exact search). At 10⁵ cases that is 5·10⁷ multiply-adds,
//! a few milliseconds on one core; past that an approximate index (HNSW, or IVF over k-means
//! cells) would take its place.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocAddress, DocId, Searcher, SegmentReader};

use crate::embed::{pack, DIM};
use crate::error::{Error, Result};
pub use crate::index::vectors::{Slot, SLOTS};

/// The quantized vectors of one segment: for each [`Slot`], a row of [`DIM`] bytes and a scale
/// per document (scale 0: the document has none).
#[derive(Debug, Default)]
pub struct SegmentVectors {
    values: [Vec<i8>; SLOTS],
    scales: [Vec<f32>; SLOTS],
}

impl SegmentVectors {
    fn read(reader: &SegmentReader, field: &str) -> Result<SegmentVectors> {
        let docs = reader.max_doc() as usize;
        let mut out = SegmentVectors {
            values: std::array::from_fn(|_| vec![0; docs * DIM]),
            scales: std::array::from_fn(|_| vec![0.0; docs]),
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
        for doc in 0..docs {
            let Some(ord) = column.term_ords(doc as DocId).next() else {
                continue;
            };
            let Some(packed) = values.get(ord as usize).and_then(|v| pack::unpack(v)) else {
                continue;
            };
            for (slot, p) in packed.iter().take(SLOTS).enumerate() {
                out.scales[slot][doc] = p.scale;
                out.values[slot][doc * DIM..(doc + 1) * DIM].copy_from_slice(p.values);
            }
        }
        Ok(out)
    }

    /// The cosine of every document's `slot` vector with `query` (0 for a document without one),
    /// by document id.
    pub fn cosines(&self, slot: Slot, query: &[f32], out: &mut Vec<f32>) {
        let s = slot as usize;
        pack::scan(query, &self.values[s], &self.scales[s], out);
    }

    /// Whether document `doc` has a vector in `slot`.
    pub fn has(&self, doc: DocId, slot: Slot) -> bool {
        self.scales[slot as usize]
            .get(doc as usize)
            .is_some_and(|s| *s != 0.0)
    }

    /// The vector of document `doc` in `slot` (dequantized), `None` when it has none.
    pub fn vector(&self, doc: DocId, slot: Slot) -> Option<Vec<f32>> {
        let s = slot as usize;
        let doc = doc as usize;
        let scale = *self.scales[s].get(doc)?;
        (scale != 0.0).then(|| {
            pack::Packed {
                scale,
                values: &self.values[s][doc * DIM..(doc + 1) * DIM],
            }
            .unpack()
        })
    }
}

/// Each document's topics, main topic first, as indexes into the segment's topic names.
#[derive(Debug, Default)]
pub struct SegmentTopics {
    names: Vec<String>,
    docs: Vec<Vec<u16>>,
}

impl SegmentTopics {
    fn read(reader: &SegmentReader) -> Result<SegmentTopics> {
        let err = |e: tantivy::TantivyError| Error::Stored(e.to_string());
        let main = reader.facet_reader("main_topic").map_err(err)?;
        let all = reader.facet_reader("topic").map_err(err)?;
        let mut names: Vec<String> = Vec::new();
        let mut intern = |r: &tantivy::fastfield::FacetReader| -> Result<Vec<u16>> {
            let mut facet = Facet::root();
            let mut out = Vec::with_capacity(r.num_facets());
            for ord in 0..r.num_facets() as u64 {
                r.facet_from_ord(ord, &mut facet).map_err(err)?;
                let name = facet.to_path().join("/");
                let at = match names.iter().position(|n| *n == name) {
                    Some(at) => at,
                    None => {
                        names.push(name);
                        names.len() - 1
                    }
                };
                out.push(u16::try_from(at).unwrap_or(u16::MAX));
            }
            Ok(out)
        };
        let (main_ids, all_ids) = (intern(&main)?, intern(&all)?);
        let docs = (0..reader.max_doc())
            .map(|doc| {
                let mut topics: Vec<u16> = main
                    .facet_ords(doc)
                    .filter_map(|o| main_ids.get(o as usize).copied())
                    .take(1)
                    .collect();
                for t in all.facet_ords(doc).filter_map(|o| all_ids.get(o as usize)) {
                    if !topics.contains(t) {
                        topics.push(*t);
                    }
                }
                topics
            })
            .collect();
        Ok(SegmentTopics { names, docs })
    }

    /// The topics of document `doc`, main topic first.
    pub fn of(&self, doc: DocId) -> impl Iterator<Item = &str> {
        self.docs
            .get(doc as usize)
            .into_iter()
            .flatten()
            .filter_map(|&t| self.names.get(usize::from(t)).map(String::as_str))
    }
}

/// What is kept of one segment.
#[derive(Debug)]
pub struct SegmentData {
    /// The case vectors.
    pub vectors: SegmentVectors,
    /// The case topics.
    pub topics: SegmentTopics,
}

/// The data of the segments the engine has seen, kept while they are alive.
#[derive(Debug, Default)]
pub struct SegmentCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentData>>>,
}

impl SegmentCache {
    /// The data of every segment of `searcher`, in segment order (reading the new ones and
    /// forgetting the ones no longer in use).
    pub fn segments(&self, searcher: &Searcher) -> Result<Vec<Arc<SegmentData>>> {
        let mut cache = self.segments.lock().map_err(|_| Error::Poisoned)?;
        let mut out = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            let id = reader.segment_id();
            let v = match cache.get(&id) {
                Some(v) => Arc::clone(v),
                None => {
                    let v = Arc::new(SegmentData {
                        vectors: SegmentVectors::read(reader, "vector")?,
                        topics: SegmentTopics::read(reader)?,
                    });
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

/// Every live document of `searcher` that `keep` accepts and has a `slot` vector, with its
/// cosine to `query`, in document order.
pub fn rank_all(
    searcher: &Searcher,
    segments: &[Arc<SegmentData>],
    slot: Slot,
    query: &[f32],
    keep: impl Fn(DocAddress) -> bool,
) -> Vec<(DocAddress, f32)> {
    let mut out = Vec::with_capacity(searcher.num_docs() as usize);
    let mut cosines = Vec::new();
    for (ord, (reader, data)) in searcher.segment_readers().iter().zip(segments).enumerate() {
        data.vectors.cosines(slot, query, &mut cosines);
        let alive = reader.alive_bitset();
        for (doc, &c) in cosines.iter().enumerate() {
            let doc = doc as DocId;
            if alive.is_some_and(|a| !a.is_alive(doc)) || !data.vectors.has(doc, slot) {
                continue;
            }
            let addr = DocAddress::new(ord as u32, doc);
            if keep(addr) {
                out.push((addr, c));
            }
        }
    }
    out
}
