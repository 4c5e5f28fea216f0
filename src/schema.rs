//! The tantivy schema: fields, the tokenizer each text field names, and ranking boosts.
//!
//! [`FIELDS`] is the single table in code; `schema/fields.toml` documents it for people and a
//! test keeps the two in agreement. As in tantivy, the schema only names its tokenizer
//! ([`INDEX_TOKENIZER`]); `analysis` registers it on each opened index.

use serde::Deserialize;
use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    FAST, STORED, STRING,
};

pub use crate::analysis::{INDEX_TOKENIZER, QUERY_TOKENIZER};

/// Bumped when the fields or their meaning change in code; part of the index fingerprint.
pub const SCHEMA_VERSION: &str = "anli-schema-5";

/// How a field is stored and searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// Segmented text.
    Text,
    /// One untokenized term.
    String,
    /// A hierarchical facet.
    Facet,
    /// A signed integer.
    I64,
    /// Stored only.
    Stored,
    /// Bytes in a column (the case's packed meaning vectors).
    Bytes,
}

/// One row of the field table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kind: FieldKind,
    /// Ranking boost (text fields).
    pub boost: f32,
    /// Kept in the document store.
    pub stored: bool,
    /// Has a columnar (fast) field.
    pub fast: bool,
}

const fn spec(
    name: &'static str,
    kind: FieldKind,
    boost: f32,
    stored: bool,
    fast: bool,
) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        boost,
        stored,
        fast,
    }
}

/// The fields of the index. See `schema/fields.toml` for what each one is for.
pub const FIELDS: &[FieldSpec] = &[
    spec("id", FieldKind::String, 0.0, true, true),
    spec("path", FieldKind::String, 0.0, false, true),
    spec("hash", FieldKind::String, 0.0, false, true),
    spec("title", FieldKind::Text, 3.0, false, false),
    spec("topics", FieldKind::Text, 3.0, false, false),
    spec("tags", FieldKind::Text, 2.5, false, false),
    spec("measures", FieldKind::Text, 1.5, false, false),
    spec("body", FieldKind::Text, 1.0, false, false),
    spec("topic", FieldKind::Facet, 0.0, false, false),
    spec("main_topic", FieldKind::Facet, 0.0, false, false),
    spec("region", FieldKind::Facet, 0.0, false, false),
    spec("kind", FieldKind::Facet, 0.0, false, false),
    spec("year", FieldKind::I64, 0.0, false, true),
    spec("case", FieldKind::Stored, 0.0, true, false),
    spec("vector", FieldKind::Bytes, 0.0, false, true),
];

/// Handles to the fields of a built schema, one per row of [`FIELDS`], named as the field.
/// `topics` is the searchable text of the topics, `topic` the facet filters use, and
/// `main_topic` the facet of the first topic only; `case` is the stored case JSON.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub path: Field,
    pub hash: Field,
    pub title: Field,
    pub topics: Field,
    pub tags: Field,
    pub measures: Field,
    pub body: Field,
    pub topic: Field,
    pub main_topic: Field,
    pub region: Field,
    /// `kind`: the facet /报道 or /示例.
    pub kind: Field,
    pub year: Field,
    pub case: Field,
    /// `vector`: the packed meaning vectors ([`crate::embed::pack`]).
    pub vector: Field,
}

impl Fields {
    /// Look the fields up in `schema`. Fails when the schema is not anli's.
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |n: &str| schema.get_field(n);
        Ok(Fields {
            id: f("id")?,
            path: f("path")?,
            hash: f("hash")?,
            title: f("title")?,
            topics: f("topics")?,
            tags: f("tags")?,
            measures: f("measures")?,
            body: f("body")?,
            topic: f("topic")?,
            main_topic: f("main_topic")?,
            region: f("region")?,
            kind: f("kind")?,
            year: f("year")?,
            case: f("case")?,
            vector: f("vector")?,
        })
    }

    /// The text fields searched by queries, with their boosts.
    pub fn weighted_text(&self) -> [(Field, f32); 5] {
        [
            (self.title, boost("title")),
            (self.topics, boost("topics")),
            (self.tags, boost("tags")),
            (self.measures, boost("measures")),
            (self.body, boost("body")),
        ]
    }
}

/// The boost of field `name` from [`FIELDS`].
pub fn boost(name: &str) -> f32 {
    FIELDS
        .iter()
        .find(|s| s.name == name)
        .map_or(1.0, |s| s.boost)
}

/// Build the tantivy schema from [`FIELDS`].
pub fn build_schema() -> Schema {
    let mut b = Schema::builder();
    for s in FIELDS {
        match s.kind {
            FieldKind::Text => {
                let indexing = TextFieldIndexing::default()
                    .set_tokenizer(INDEX_TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions);
                let mut o = TextOptions::default().set_indexing_options(indexing);
                if s.stored {
                    o = o.set_stored();
                }
                b.add_text_field(s.name, o);
            }
            FieldKind::String => {
                let mut o = STRING;
                if s.stored {
                    o = o | STORED;
                }
                if s.fast {
                    o = o | FAST;
                }
                b.add_text_field(s.name, o);
            }
            FieldKind::Facet => {
                b.add_facet_field(s.name, FacetOptions::default());
            }
            FieldKind::I64 => {
                let mut o = NumericOptions::default().set_indexed();
                if s.fast {
                    o = o.set_fast();
                }
                if s.stored {
                    o = o.set_stored();
                }
                b.add_i64_field(s.name, o);
            }
            FieldKind::Stored => {
                b.add_text_field(s.name, TextOptions::default().set_stored());
            }
            FieldKind::Bytes => {
                b.add_bytes_field(s.name, FAST);
            }
        }
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Doc {
        field: Vec<DocField>,
    }

    #[derive(Deserialize)]
    struct DocField {
        name: String,
        kind: FieldKind,
        analyzer: Option<String>,
        #[serde(default)]
        boost: Option<f32>,
        #[serde(default)]
        stored: bool,
        #[serde(default)]
        fast: bool,
        purpose: String,
    }

    #[test]
    fn fields_toml_matches_the_code() {
        let text = include_str!("../schema/fields.toml");
        let doc: Doc = toml::from_str(text).expect("schema/fields.toml parses");
        let names: Vec<_> = doc.field.iter().map(|f| f.name.as_str()).collect();
        let code: Vec<_> = FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(
            names, code,
            "schema/fields.toml lists the fields of FIELDS, in order"
        );
        for (d, c) in doc.field.iter().zip(FIELDS) {
            assert_eq!(d.kind, c.kind, "kind of {}", c.name);
            assert_eq!(d.stored, c.stored, "stored of {}", c.name);
            assert_eq!(d.fast, c.fast, "fast of {}", c.name);
            assert_eq!(d.boost.unwrap_or(0.0), c.boost, "boost of {}", c.name);
            let want = (c.kind == FieldKind::Text).then_some(INDEX_TOKENIZER);
            assert_eq!(d.analyzer.as_deref(), want, "analyzer of {}", c.name);
            assert!(!d.purpose.is_empty());
        }
        // And the built schema has them all.
        let schema = build_schema();
        Fields::from_schema(&schema).expect("all fields present");
        assert_eq!(schema.num_fields(), FIELDS.len());
    }

    #[test]
    fn boosts_rank_title_topics_tags_above_measures_above_body() {
        assert!(boost("title") > boost("measures"));
        assert!(boost("topics") > boost("measures"));
        assert!(boost("tags") > boost("measures"));
        assert!(boost("measures") > boost("body"));
    }
}
