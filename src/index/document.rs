//! A case as a tantivy document, and what the index holds read back from its columns.

use std::path::Path;

use tantivy::schema::{Facet, TantivyDocument};
use tantivy::Index;

use super::plan::Indexed;
use crate::case::{Case, SectionKind};
use crate::error::{Error, Result};
use crate::schema::Fields;

/// The tantivy document of a case.
pub fn document(
    fields: &Fields,
    case: &Case,
    vectors: &[u8],
) -> serde_json::Result<TantivyDocument> {
    let mut doc = TantivyDocument::default();
    let meta = &case.meta;
    doc.add_text(fields.id, &meta.id);
    doc.add_text(fields.path, &case.path);
    doc.add_text(fields.hash, &case.hash);
    doc.add_text(fields.title, &meta.title);
    if let Some(main) = meta.topics.first() {
        doc.add_facet(fields.main_topic, Facet::from_path([main.as_str()]));
    }
    for t in &meta.topics {
        doc.add_text(fields.topics, t);
        doc.add_facet(fields.topic, Facet::from_path([t.as_str()]));
    }
    for t in &meta.tags {
        doc.add_text(fields.tags, t);
    }
    doc.add_text(fields.measures, case.text_of(SectionKind::Measures));
    doc.add_text(fields.body, case.body_text());
    let region = meta.region_path();
    if !region.is_empty() {
        doc.add_facet(fields.region, Facet::from_path(region));
    }
    if let Some(k) = meta.kind {
        doc.add_facet(fields.kind, Facet::from_path([k.label()]));
    }
    if let Some(y) = meta.year {
        doc.add_i64(fields.year, y);
    }
    doc.add_text(fields.case, serde_json::to_string(case)?);
    doc.add_bytes(fields.vector, vectors);
    Ok(doc)
}

/// path → (id, hash) of every live document.
///
/// Each string column's dictionary is read once, in order, and documents are mapped through
/// their ordinals: looking each value up by ordinal (`ord_to_str`) decompresses a dictionary
/// block per call, which took about a quarter of a second on the 5,715-case benchmark corpus.
pub(super) fn indexed_files(index: &Index, dir: &Path) -> Result<Indexed> {
    let err = |e| Error::index(dir, e);
    let io = |e| Error::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    let reader = index.reader().map_err(err)?;
    let searcher = reader.searcher();
    let mut out = Indexed::new();
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

/// Every value of a string column, indexed by its ordinal: reading the dictionary once, in
/// order, is far cheaper than `ord_to_str` per document. A damaged dictionary is an error.
pub fn column_terms(col: &tantivy::columnar::StrColumn) -> std::io::Result<Vec<String>> {
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
