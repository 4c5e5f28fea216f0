//! Facet counts for a result set: topics, regions (one level below the selected region) and years.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::collector::{Collector, FacetCollector, FacetCounts, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// One facet value and how many matching cases have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value: a topic name, a region path (`北京市/海淀区`) or a year.
    pub value: String,
    /// Matching cases with it.
    pub count: u64,
}

/// Counts over the whole result set (not just the page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// Topics, most cases first.
    pub topic: Vec<FacetCount>,
    /// Regions one level below the region filter (provinces when there is none).
    pub region: Vec<FacetCount>,
    /// Years, newest first.
    pub year: Vec<FacetCount>,
    /// Kinds of case (`报道`, `示例`), most cases first.
    pub kind: Vec<FacetCount>,
}

/// A facet collector for a field, counting the children of `under` (root when `None`).
pub fn facet_collector(field: &str, under: &[&str]) -> FacetCollector {
    let mut c = FacetCollector::for_field(field);
    c.add_facet(tantivy::schema::Facet::from_path(under.iter().copied()));
    c
}

/// Turn facet counts below `under` into sorted values (`a/b` paths without the leading slash).
pub fn counts(fc: &FacetCounts, under: &[&str]) -> Vec<FacetCount> {
    let facet = tantivy::schema::Facet::from_path(under.iter().copied());
    let mut out: Vec<FacetCount> = fc
        .get(facet)
        .map(|(f, n)| FacetCount {
            value: f.to_path().join("/"),
            count: n,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    out
}

/// Counts the `year` fast field of matching documents.
pub struct YearCounts;

/// Per-segment part of [`YearCounts`].
pub struct YearSegment {
    column: Option<Column<i64>>,
    counts: BTreeMap<i64, u64>,
}

impl Collector for YearCounts {
    type Fruit = BTreeMap<i64, u64>;
    type Child = YearSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<YearSegment> {
        Ok(YearSegment {
            column: reader.fast_fields().i64("year").ok(),
            counts: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BTreeMap<i64, u64>>) -> tantivy::Result<BTreeMap<i64, u64>> {
        let mut all = BTreeMap::new();
        for f in fruits {
            for (y, n) in f {
                *all.entry(y).or_insert(0) += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for YearSegment {
    type Fruit = BTreeMap<i64, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(y) = self.column.as_ref().and_then(|c| c.first(doc)) {
            *self.counts.entry(y).or_insert(0) += 1;
        }
    }

    fn harvest(self) -> BTreeMap<i64, u64> {
        self.counts
    }
}

/// Years newest first.
pub fn year_counts(years: BTreeMap<i64, u64>) -> Vec<FacetCount> {
    years
        .into_iter()
        .rev()
        .map(|(y, n)| FacetCount {
            value: y.to_string(),
            count: n,
        })
        .collect()
}
