//! In-process search latency, p50/p99 over many runs (the targets are percentiles), on the
//! bundled corpus (where the targets are set) and on the benchmark corpus (5,715 cases, scale),
//! then criterion's timings:
//!
//! - keyword queries ranked by keywords alone, and hybrid (the default; the query vector cached
//!   after its first use, as a repeated search or a next page finds it);
//! - a ~300-character description, hybrid, a new text each time (encoded every time: the text
//!   ends with a running number) and repeated (cached);
//! - similar cases by id, and to a 2,000-character text (new each time: encoded every time).
//!
//! `cargo bench --bench search`

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use anli::search::{Filters, SearchMode, SearchRequest};
use anli::{Engine, Library};
use criterion::{criterion_group, criterion_main, Criterion};

const KEYWORDS: &[&str] = &[
    "人民法院",
    "抚养",
    "借款",
    "春节",
    "改革开放",
    "判决",
    "农民",
    "经济",
    "交通事故",
    "离婚",
    "停车难",
    "加装电梯",
    "国有企业",
    "合同纠纷",
    "扶贫",
    "教育",
    "香港",
    "环境保护",
    "医疗",
    "电视",
];

const DESCRIPTION: &str = "我们小区是九十年代的老房子，住的大多是退休老人，楼里没有电梯，\
    老人上下楼特别困难，很多人一年都下不了几次楼。去年有居民提出想加装电梯，可是一楼二楼的住户坚决反对，\
    说装了电梯挡光、有噪音，还影响他们的房价，楼上的老人跟他们吵了好几次，关系闹得很僵。\
    加装电梯的钱怎么分摊也谈不拢，有人说按楼层分，有人说按面积分，还有几户说自己不用电梯一分钱都不出。\
    物业说这事他们管不了，让我们找社区，社区也开了两次会，可是每次都吵成一团，最后不了了之。\
    想问问别的社区是怎么协调低层住户、怎么分摊费用的，有没有成功的经验可以借鉴，需要走哪些程序。\
    另外电梯装好以后的电费、维保费谁来出，坏了找谁修，也想提前商量清楚，免得以后又扯皮。";

fn engine(corpus: &Path, name: &str) -> Engine {
    let dir = std::env::temp_dir().join(format!("anli-bench-search-{name}"));
    let lib = Library::open(corpus, &dir, &common::schema_dir()).expect("library");
    lib.index(&Default::default(), &anli::index::NoProgress)
        .expect("index");
    Engine::open(&lib).expect("engine")
}

fn req(q: &str, mode: SearchMode) -> SearchRequest {
    SearchRequest {
        query: q.to_string(),
        limit: 10,
        offset: 0,
        filters: Filters::default(),
        mode,
        literal: false,
    }
}

fn percentiles(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "{name:<46} n={:<5} p50={:>8.3} ms  p99={:>8.3} ms  max={:>8.3} ms",
        samples.len(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3
    );
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

/// About 2,000 characters of case text (the first bodies of the bundled corpus).
fn long_text() -> String {
    let mut text = String::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for f in anli::case::case_files(&root).expect("corpus") {
        let t = std::fs::read_to_string(f).expect("case");
        text.push_str(t.splitn(3, "---\n").nth(2).unwrap_or(&t));
        if text.chars().count() >= 2000 {
            break;
        }
    }
    text.chars().take(2000).collect()
}

fn measure(name: &str, engine: &Engine) {
    println!("== {name} ({} cases)", engine.num_cases());
    let ids: Vec<String> = engine
        .case_ids()
        .expect("ids")
        .into_iter()
        .take(50)
        .collect();
    for q in KEYWORDS {
        engine.search(&req(q, SearchMode::Hybrid)).unwrap();
    }
    for mode in [SearchMode::Keyword, SearchMode::Hybrid] {
        let samples: Vec<Duration> = (0..2000)
            .map(|i| {
                let r = req(KEYWORDS[i % KEYWORDS.len()], mode);
                time(|| drop(engine.search(&r).unwrap()))
            })
            .collect();
        percentiles(&format!("keyword query, {}", mode.as_str()), samples);
    }
    let new: Vec<Duration> = (0..300)
        .map(|i| {
            let r = req(&format!("{DESCRIPTION}（{i}）"), SearchMode::Hybrid);
            time(|| drop(engine.search(&r).unwrap()))
        })
        .collect();
    percentiles(
        &format!(
            "{}-char description, hybrid, encoded",
            DESCRIPTION.chars().count()
        ),
        new,
    );
    let again: Vec<Duration> = (0..300)
        .map(|_| {
            let r = req(DESCRIPTION, SearchMode::Hybrid);
            time(|| drop(engine.search(&r).unwrap()))
        })
        .collect();
    percentiles("  the same, repeated (vector cached)", again);
    let by_id: Vec<Duration> = (0..500)
        .map(|i| {
            let id = &ids[i % ids.len()];
            time(|| drop(engine.similar_to_case(id, 10, &Filters::default()).unwrap()))
        })
        .collect();
    percentiles("similar cases by id", by_id);
    let text = long_text();
    let to_text: Vec<Duration> = (0..100)
        .map(|i| {
            let t = format!("{text}（{i}）");
            time(|| drop(engine.similar_to_text(&t, 10, &Filters::default()).unwrap()))
        })
        .collect();
    percentiles("similar to a 2,000-char text, encoded", to_text);
}

fn search(c: &mut Criterion) {
    let bundled = engine(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"),
        "bundled",
    );
    measure("bundled corpus", &bundled);
    let bench = engine(&common::bench_corpus(), "bench");
    measure("benchmark corpus", &bench);

    let mut g = c.benchmark_group("search");
    let mut i = 0;
    g.bench_function("keyword query, keyword mode", |b| {
        b.iter(|| {
            i += 1;
            let r = req(KEYWORDS[i % KEYWORDS.len()], SearchMode::Keyword);
            bench.search(&r).unwrap().total
        })
    });
    g.bench_function("300-character description, hybrid, cached", |b| {
        b.iter(|| {
            bench
                .search(&req(DESCRIPTION, SearchMode::Hybrid))
                .unwrap()
                .total
        })
    });
    let id = bundled.case_ids().unwrap()[0].clone();
    g.bench_function("similar cases by id (bundled)", |b| {
        b.iter(|| {
            bundled
                .similar_to_case(&id, 10, &Filters::default())
                .unwrap()
                .total
        })
    });
    g.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
