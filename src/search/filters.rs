//! Filters on topic, region prefix, year range and kind of case: what they are and the
//! clauses that apply them.

use std::ops::Bound;

use tantivy::query::{ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::Term;

use crate::case::CaseKind;
use crate::schema::Fields;

/// Filters on topic, region prefix, year range and kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Only cases with this topic.
    pub topic: Option<String>,
    /// Only cases in this region or below it (`北京市`, `北京市/海淀区`).
    pub region: Option<String>,
    /// Only cases from this year on.
    pub year_from: Option<i64>,
    /// Only cases up to this year.
    pub year_to: Option<i64>,
    /// Only cases of this kind (报道 or 示例).
    pub kind: Option<CaseKind>,
}

/// The kind named `s`: `报道` or `示例` (or `report`, `example`).
pub fn parse_kind(s: &str) -> Option<CaseKind> {
    match s.trim() {
        "报道" | "report" => Some(CaseKind::Report),
        "示例" | "example" => Some(CaseKind::Example),
        _ => None,
    }
}

impl Filters {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// The filter clauses (scoring nothing).
    pub fn clauses(&self, fields: &Fields) -> Vec<(Occur, Box<dyn Query>)> {
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut must = |q: Box<dyn Query>| {
            out.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
            ))
        };
        if let Some(t) = &self.topic {
            must(Box::new(TermQuery::new(
                Term::from_facet(fields.topic, &Facet::from_path([t.as_str()])),
                IndexRecordOption::Basic,
            )));
        }
        if let Some(r) = &self.region {
            let segs = crate::case::region_segments(r);
            if !segs.is_empty() {
                must(Box::new(TermQuery::new(
                    Term::from_facet(fields.region, &Facet::from_path(segs)),
                    IndexRecordOption::Basic,
                )));
            }
        }
        if let Some(k) = self.kind {
            must(Box::new(TermQuery::new(
                Term::from_facet(fields.kind, &Facet::from_path([k.label()])),
                IndexRecordOption::Basic,
            )));
        }
        if self.year_from.is_some() || self.year_to.is_some() {
            let lo = self.year_from.map_or(Bound::Unbounded, |y| {
                Bound::Included(Term::from_field_i64(fields.year, y))
            });
            let hi = self.year_to.map_or(Bound::Unbounded, |y| {
                Bound::Included(Term::from_field_i64(fields.year, y))
            });
            must(Box::new(RangeQuery::new(lo, hi)));
        }
        out
    }
}
