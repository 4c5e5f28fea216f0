//! The bundled case library: it validates, and it has the size and shape the project promises.

mod common;

use std::collections::HashMap;

use anli::case::{CaseKind, SectionKind};
use anli::resources::SchemaFiles;
use anli::Library;
use common::*;

fn bundled() -> (Library, anli::case::LoadedCorpus) {
    let dir = tempfile::tempdir().unwrap();
    let lib = bundled_library(dir.path());
    let loaded = lib.check().unwrap();
    (lib, loaded)
}

#[test]
fn every_bundled_case_is_valid() {
    let (_, loaded) = bundled();
    assert!(loaded.errors.is_empty(), "{:#?}", loaded.errors);
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
}

#[test]
fn at_least_100_cases_and_5_per_topic() {
    let (lib, loaded) = bundled();
    assert!(loaded.cases.len() >= 100, "{} cases", loaded.cases.len());
    assert_eq!(lib.topics.all().len(), 20);
    let mut per_topic: HashMap<&str, usize> = HashMap::new();
    for c in &loaded.cases {
        for t in &c.meta.topics {
            *per_topic.entry(t.as_str()).or_default() += 1;
        }
    }
    for t in lib.topics.names() {
        let n = per_topic.get(t).copied().unwrap_or(0);
        assert!(n >= 5, "topic {t} has {n} cases");
    }
}

#[test]
fn cases_have_the_four_sections_and_a_realistic_length() {
    let (_, loaded) = bundled();
    for c in &loaded.cases {
        for kind in [
            SectionKind::Background,
            SectionKind::Measures,
            SectionKind::Outcomes,
            SectionKind::Lessons,
        ] {
            assert!(c.section(kind).is_some(), "{} lacks {kind:?}", c.path);
        }
        let chars: usize = c
            .sections
            .iter()
            .map(|s| s.text.chars().filter(|ch| !ch.is_whitespace()).count())
            .sum();
        assert!(
            (600..=2000).contains(&chars),
            "{}: {chars} characters",
            c.path
        );
        assert!(
            c.meta.region.as_deref().is_some_and(|r| r.contains('/')),
            "{} region",
            c.path
        );
        assert!(
            c.meta.year.is_some() && c.meta.summary.is_some() && !c.meta.tags.is_empty(),
            "{}",
            c.path
        );
    }
}

#[test]
fn report_based_and_illustrative_cases_say_what_they_are() {
    let (_, loaded) = bundled();
    let reports: Vec<_> = loaded
        .cases
        .iter()
        .filter(|c| c.meta.kind == Some(CaseKind::Report))
        .collect();
    assert!(reports.len() >= 10, "{} report-based cases", reports.len());
    for c in &reports {
        // The outlet (and the date where the report gives one).
        assert!(
            c.meta
                .source
                .as_deref()
                .is_some_and(|s| s.chars().count() >= 4),
            "{}: source names the outlet",
            c.path
        );
    }
    for c in loaded
        .cases
        .iter()
        .filter(|c| c.meta.kind == Some(CaseKind::Example))
    {
        assert!(
            c.meta
                .community
                .as_deref()
                .is_some_and(|s| s.contains("虚构")),
            "{}: invented name marked",
            c.path
        );
    }
    assert!(loaded.cases.iter().all(|c| c.meta.kind.is_some()));
    // Many provinces.
    let provinces: std::collections::HashSet<&str> = loaded
        .cases
        .iter()
        .filter_map(|c| c.meta.region.as_deref()?.split('/').next())
        .collect();
    assert!(provinces.len() >= 20, "{} provinces", provinces.len());
}

#[test]
fn dictionary_and_synonyms_are_large_enough() {
    let files = SchemaFiles::load(&schema_dir()).unwrap();
    assert!(files.dict.entries().count() >= 300);
    let groups = files.synonyms.entries().count();
    assert!(groups >= 100, "{groups} synonym groups");
}

#[test]
fn judged_query_set_is_complete() {
    let queries = anli::eval::read_queries(&repo().join("tests/relevance/queries.tsv")).unwrap();
    let qrels = anli::eval::read_qrels(&repo().join("tests/relevance/qrels.txt")).unwrap();
    assert!(queries.len() >= 60);
    let short = queries
        .iter()
        .filter(|q| anli::eval::is_keyword(&q.text))
        .count();
    assert!(
        short * 2 >= queries.len() - 4 && short * 2 <= queries.len() + 4,
        "{short} of {}",
        queries.len()
    );
    let (_, loaded) = bundled();
    let ids: std::collections::HashSet<&str> =
        loaded.cases.iter().map(|c| c.meta.id.as_str()).collect();
    for q in &queries {
        let grades = qrels
            .get(&q.qid)
            .unwrap_or_else(|| panic!("{} unjudged", q.qid));
        assert!(
            grades.values().any(|g| *g == 2),
            "{} has no grade-2 case",
            q.qid
        );
        for id in grades.keys() {
            assert!(ids.contains(id.as_str()), "qrels name unknown case {id}");
        }
    }
}
