//! The peer pipeline a tantivy user would write: tantivy-jieba's `JiebaTokenizer`, one
//! `IndexWriter` with a 50 MB budget, a title and a body field. Shared by `benches/indexing.rs`
//! and `examples/pipeline.rs`.

use std::path::Path;

/// Index every case file below `corpus` into a new index at `index_dir`; returns
/// (documents, bytes read).
pub fn index(corpus: &Path, index_dir: &Path) -> (usize, u64) {
    use tantivy::schema::{Schema, TextFieldIndexing, TextOptions, STORED};
    use tantivy::{doc, Index};
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("jieba")
            .set_index_option(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
    );
    let mut sb = Schema::builder();
    let title = sb.add_text_field("title", text.clone() | STORED);
    let body = sb.add_text_field("body", text);
    let index = Index::create_in_dir(index_dir, sb.build()).expect("create index");
    index
        .tokenizers()
        .register("jieba", tantivy_jieba::JiebaTokenizer::new());
    let mut writer: tantivy::IndexWriter = index.writer(50_000_000).expect("writer");
    let mut docs = 0;
    let mut bytes = 0u64;
    for file in anli::case::case_files(corpus).expect("corpus") {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        bytes += text.len() as u64;
        let mut parts = text.splitn(3, "---\n");
        let _ = parts.next();
        let fm = parts.next().unwrap_or("");
        let body_text = parts.next().unwrap_or(&text);
        let t = fm
            .lines()
            .find_map(|l| l.strip_prefix("title:"))
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        writer
            .add_document(doc!(title => t, body => body_text))
            .expect("add");
        docs += 1;
    }
    writer.commit().expect("commit");
    writer.wait_merging_threads().expect("merge");
    (docs, bytes)
}
