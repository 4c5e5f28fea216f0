//! A collector that passes on only the documents of a given set: facet counts over a fused
//! result list, which no single tantivy query describes.

use std::collections::{HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Documents by segment.
#[derive(Debug, Default, Clone)]
pub struct DocSet {
    segments: HashMap<SegmentOrdinal, HashSet<DocId>>,
}

impl FromIterator<DocAddress> for DocSet {
    fn from_iter<I: IntoIterator<Item = DocAddress>>(iter: I) -> DocSet {
        let mut set = DocSet::default();
        for a in iter {
            set.segments
                .entry(a.segment_ord)
                .or_default()
                .insert(a.doc_id);
        }
        set
    }
}

/// Runs `inner` on the documents of `set` only.
pub struct InSet<'a, C> {
    /// The documents to pass on.
    pub set: &'a DocSet,
    /// The collector they are passed to.
    pub inner: C,
}

/// Per-segment part of [`InSet`].
pub struct InSetSegment<S> {
    docs: Option<HashSet<DocId>>,
    inner: S,
}

impl<C: Collector> Collector for InSet<'_, C> {
    type Fruit = C::Fruit;
    type Child = InSetSegment<C::Child>;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(InSetSegment {
            docs: self.set.segments.get(&ord).cloned(),
            inner: self.inner.for_segment(ord, reader)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<Self::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        self.inner.merge_fruits(fruits)
    }
}

impl<S: SegmentCollector> SegmentCollector for InSetSegment<S> {
    type Fruit = S::Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.docs.as_ref().is_some_and(|d| d.contains(&doc)) {
            self.inner.collect(doc, score);
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.inner.harvest()
    }
}
