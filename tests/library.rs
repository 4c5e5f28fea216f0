//! The engine driven through the library: indexing (incremental, bad files, fingerprints),
//! ranking, synonyms, filters, snippets and similar cases.

mod common;

use anli::index::{Freshness, IndexOptions, NoProgress};
use anli::search::{Filters, SearchRequest};
use anli::{Engine, Library};
use common::*;

fn lib(f: &Fixture) -> Library {
    f.library()
}

fn index(l: &Library) -> anli::index::IndexReport {
    l.index(&IndexOptions::default(), &NoProgress)
        .expect("indexing works")
}

fn search(l: &Library, q: &str) -> Vec<String> {
    search_with(l, q, Filters::default())
}

fn search_with(l: &Library, q: &str, filters: Filters) -> Vec<String> {
    let engine = Engine::open(l).expect("engine opens");
    engine
        .search(&SearchRequest {
            query: q.into(),
            limit: 10,
            offset: 0,
            filters,
            mode: Default::default(),
            literal: false,
        })
        .expect("search works")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn incremental_reindex_touches_only_what_changed() {
    let f = Fixture::standard();
    let l = lib(&f);
    assert_eq!(l.freshness().unwrap(), Freshness::Missing);
    let r = index(&l);
    assert_eq!(
        (r.added, r.updated, r.removed, r.unchanged, r.total),
        (3, 0, 0, 0, 3)
    );
    assert!(r.errors.is_empty());
    assert_eq!(l.freshness().unwrap(), Freshness::Fresh);

    // Nothing changed: nothing touched.
    let r = index(&l);
    assert_eq!((r.added, r.updated, r.removed, r.unchanged), (0, 0, 0, 3));

    // Edit: the new text is found, the old is gone.
    f.write("elevator.md", &ELEVATOR.replace("日照模拟", "三维日照分析"));
    assert_eq!(l.freshness().unwrap(), Freshness::CorpusChanged);
    let r = index(&l);
    assert_eq!((r.added, r.updated, r.removed, r.unchanged), (0, 1, 0, 2));
    assert_eq!(search(&l, "三维日照分析")[0], "elevator-test-01");

    // Delete and add.
    f.remove("sub/ebike.md");
    f.write(
        "new.md",
        &PARKING.replace("parking-test-01", "parking-test-02"),
    );
    let r = index(&l);
    assert_eq!(
        (r.added, r.updated, r.removed, r.unchanged, r.total),
        (1, 0, 1, 2, 3)
    );
    assert!(search(&l, "充电车棚").is_empty());
    let hits = search(&l, "错时停车");
    assert_eq!(hits.len(), 2, "{hits:?}");

    // Moving a file keeps one copy of its case.
    std::fs::rename(f.corpus().join("new.md"), f.corpus().join("moved.md")).unwrap();
    let r = index(&l);
    assert_eq!(r.total, 3);
    assert_eq!(search(&l, "错时停车").len(), 2);
}

#[test]
fn bad_files_are_skipped_and_keep_what_was_indexed() {
    let f = Fixture::standard();
    let l = lib(&f);
    index(&l);
    // A good file goes bad: its old version stays searchable.
    f.write("sub/ebike.md", "# 忘了写 front matter\n\n飞线充电\n");
    // A new bad file and a duplicate id.
    f.write(
        "broken.md",
        "---\nid: broken-01\ntitle: 未知主题\ntopics: [天气]\n---\n正文\n",
    );
    f.write("dup.md", PARKING);
    let r = index(&l);
    assert_eq!(r.errors.len(), 3, "{:?}", r.errors);
    let messages: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("broken.md:4:") && m.contains("天气")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("dup.md:2:") && m.contains("parking-test-01")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("ebike.md:1:")),
        "{messages:?}"
    );
    assert_eq!(r.total, 3);
    assert_eq!(search(&l, "充电车棚"), vec!["ebike-test-01"]);
    assert_eq!(search(&l, "错时停车"), vec!["parking-test-01"]);
}

#[test]
fn changing_the_dictionary_rebuilds_the_index() {
    let f = Fixture::standard();
    let schema = f.dir.path().join("schema");
    std::fs::create_dir_all(&schema).unwrap();
    for name in [
        "dict.txt",
        "stopwords.txt",
        "synonyms.txt",
        "topics.toml",
        "fields.toml",
    ] {
        std::fs::copy(schema_dir().join(name), schema.join(name)).unwrap();
    }
    let l = Library::open(&f.corpus(), &f.index(), &schema).unwrap();
    index(&l);
    let mut dict = std::fs::read_to_string(schema.join("dict.txt")).unwrap();
    dict.push_str("日照模拟 5000 n\n");
    std::fs::write(schema.join("dict.txt"), dict).unwrap();
    let l = Library::open(&f.corpus(), &f.index(), &schema).unwrap();
    assert_eq!(l.freshness().unwrap(), Freshness::SchemaChanged);
    let r = index(&l);
    assert!(r.rebuilt.is_some(), "a full rebuild with a message");
    assert_eq!(r.added, 3);
    assert_eq!(l.freshness().unwrap(), Freshness::Fresh);
    // Synonyms are query-time: editing them needs no rebuild.
    std::fs::write(schema.join("synonyms.txt"), "爬楼难, 上下楼不方便\n").unwrap();
    let l = Library::open(&f.corpus(), &f.index(), &schema).unwrap();
    assert_eq!(l.freshness().unwrap(), Freshness::Fresh);
    assert_eq!(search(&l, "上下楼不方便"), vec!["elevator-test-01"]);
}

#[test]
fn colloquial_words_find_formal_cases_through_synonyms() {
    let f = Fixture::standard();
    let l = lib(&f);
    index(&l);
    // The e-bike case says 电动自行车, never 电瓶车.
    assert!(!EBIKE.contains("电瓶车"));
    assert_eq!(search(&l, "电瓶车")[0], "ebike-test-01");
    // 加梯 → 加装电梯.
    assert_eq!(search(&l, "加梯")[0], "elevator-test-01");
    // A search for 电梯 finds 加装电梯 (search-mode granularity).
    assert_eq!(search(&l, "电梯")[0], "elevator-test-01");
}

#[test]
fn long_descriptions_do_not_require_every_word() {
    let f = Fixture::standard();
    let l = lib(&f);
    index(&l);
    let hits = search(
        &l,
        "我们楼道里总有人拉线给电瓶车充电，说了也不听，万一着火怎么办，有没有好办法",
    );
    assert_eq!(hits[0], "ebike-test-01", "{hits:?}");
    let hits = search(&l, "一楼的邻居死活不同意装电梯，楼上老人爬不动了");
    assert_eq!(hits[0], "elevator-test-01", "{hits:?}");
}

#[test]
fn filters_by_topic_region_prefix_and_year() {
    let f = Fixture::standard();
    let l = lib(&f);
    index(&l);
    let topic = Filters {
        topic: Some("电动车充电".into()),
        ..Filters::default()
    };
    assert_eq!(search_with(&l, "社区", topic), vec!["ebike-test-01"]);
    let region = Filters {
        region: Some("北京市".into()),
        ..Filters::default()
    };
    assert_eq!(
        search_with(&l, "社区 住户", region),
        vec!["elevator-test-01"]
    );
    let years = Filters {
        year_from: Some(2021),
        year_to: Some(2022),
        ..Filters::default()
    };
    let mut hits = search_with(&l, "社区", years);
    hits.sort();
    assert_eq!(hits, vec!["ebike-test-01", "parking-test-01"]);
    let engine = Engine::open(&l).unwrap();
    let bad = engine.search(&SearchRequest {
        query: "停车".into(),
        limit: 10,
        offset: 0,
        filters: Filters {
            topic: Some("天气".into()),
            ..Filters::default()
        },
        mode: Default::default(),
        literal: false,
    });
    assert!(matches!(bad, Err(anli::Error::InvalidQuery(_))));
}

#[test]
fn snippets_come_from_measures_with_highlights() {
    let f = Fixture::standard();
    let l = lib(&f);
    index(&l);
    let engine = Engine::open(&l).unwrap();
    let r = engine
        .search(&SearchRequest {
            query: "充电桩".into(),
            limit: 5,
            offset: 0,
            filters: Filters::default(),
            mode: Default::default(),
            literal: false,
        })
        .unwrap();
    let hit = &r.hits[0];
    assert_eq!(hit.section, "measures");
    assert!(hit.snippet.contains("<em>充电桩</em>"), "{}", hit.snippet);
    // Only the background mentions 1992: the snippet comes from there.
    let r = engine
        .search(&SearchRequest {
            query: "1992年".into(),
            limit: 5,
            offset: 0,
            filters: Filters::default(),
            mode: Default::default(),
            literal: false,
        })
        .unwrap();
    assert_eq!(r.hits[0].section, "background", "{:?}", r.hits[0]);
}

#[test]
fn similar_cases_from_an_id_and_from_text() {
    let f = Fixture::standard();
    f.write(
        "parking2.md",
        &PARKING
            .replace("parking-test-01", "parking-test-02")
            .replace("隔壁单位", "附近商场")
            .replace("山东省/济南市/历下区", "浙江省/杭州市"),
    );
    let l = lib(&f);
    index(&l);
    let engine = Engine::open(&l).unwrap();
    let r = engine
        .similar_to_case("parking-test-01", 3, &Filters::default())
        .unwrap();
    assert_eq!(r.hits[0].id, "parking-test-02");
    assert!(
        r.hits.iter().all(|h| h.id != "parking-test-01"),
        "excludes itself"
    );
    let r = engine
        .similar_to_text(
            "小区车位太少，晚上车都停到消防通道上了，想借隔壁单位的停车场",
            3,
            &Filters::default(),
        )
        .unwrap();
    assert!(r.hits[0].id.starts_with("parking-test"), "{:?}", r.hits);
    assert!(matches!(
        engine.similar_to_case("no-such-case", 3, &Filters::default()),
        Err(anli::Error::CaseNotFound(_))
    ));
}

#[test]
fn phrase_positions_survive_search_mode_tokens() {
    // Index-mode inner words share their word's position, so a phrase built from query-mode
    // words matches the indexed text.
    use tantivy::query::PhraseQuery;
    use tantivy::Term;
    let f = Fixture::standard();
    let l = lib(&f);
    index(&l);
    let engine = Engine::open(&l).unwrap();
    let searcher = engine.searcher();
    let body = searcher.schema().get_field("body").unwrap();
    let words = l
        .analyzer
        .words("老楼加装电梯", anli::analysis::Mode::Query);
    let terms: Vec<(usize, Term)> = words
        .iter()
        .map(|w| (w.position, Term::from_field_text(body, &w.text)))
        .collect();
    assert!(terms.len() >= 2, "{words:?}");
    let n = searcher
        .search(
            &PhraseQuery::new_with_offset(terms),
            &tantivy::collector::Count,
        )
        .unwrap();
    // The fixture says “老楼加装电梯” only in its summary.
    assert_eq!(n, 1);
}

#[test]
fn files_with_problems_are_reported_on_every_run_and_a_clean_corpus_is_not_reread() {
    let f = Fixture::standard();
    let l = lib(&f);
    index(&l);
    f.write(
        "broken.md",
        "---\nid: broken-01\ntitle: 未知主题\ntopics: [天气]\n---\n正文\n",
    );
    // The problem is reported by the run that finds it and by every later run while it lasts,
    // even though nothing changed in between.
    for _ in 0..2 {
        let r = index(&l);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(r.total, 3);
    }
    f.remove("broken.md");
    let r = index(&l);
    assert!(r.errors.is_empty());
    // A clean, unchanged corpus: the run answers from the index's record, every case unchanged.
    let r = index(&l);
    assert_eq!((r.added, r.unchanged, r.total), (0, 3, 3));
    assert_eq!(l.freshness().unwrap(), Freshness::Fresh);
}

#[test]
fn an_index_of_another_schema_is_replaced_and_the_folder_keeps_its_readme() {
    let f = Fixture::standard();
    let dir = f.index();
    std::fs::create_dir_all(&dir).unwrap();
    // An index an older anli built, with another field table, and the folder's README.
    let mut old = tantivy::schema::Schema::builder();
    old.add_text_field("body", tantivy::schema::TEXT);
    tantivy::Index::create_in_dir(&dir, old.build()).unwrap();
    std::fs::write(dir.join("README.md"), "索引目录说明\n").unwrap();
    let l = lib(&f);
    assert_eq!(l.freshness().unwrap(), Freshness::SchemaChanged);
    let r = index(&l);
    assert!(r.rebuilt.is_some());
    assert_eq!(r.total, 3);
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "索引目录说明\n"
    );
    assert_eq!(search(&l, "错时停车"), vec!["parking-test-01"]);
}
