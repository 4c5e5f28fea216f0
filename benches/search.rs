//! In-process search latency on the benchmark index: short keyword queries, ~300-character
//! problem descriptions, and the similar-case query. Prints p50/p99 over many runs first (the
//! targets are percentiles), then criterion's timings.
//!
//! `cargo bench --bench search`

mod common;

use std::time::{Duration, Instant};

use anli::search::{Filters, SearchRequest};
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

fn engine() -> Engine {
    let corpus = common::bench_corpus();
    let dir = std::env::temp_dir().join("anli-bench-search-index");
    let lib = Library::open(&corpus, &dir, &common::schema_dir()).expect("library");
    lib.index(&Default::default(), &anli::index::NoProgress)
        .expect("index");
    Engine::open(&lib).expect("engine")
}

fn req(q: &str) -> SearchRequest {
    SearchRequest {
        query: q.to_string(),
        limit: 10,
        offset: 0,
        filters: Filters::default(),
        mode: Default::default(),
    }
}

fn percentiles(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "{name:<34} n={:<5} p50={:>8.3} ms  p99={:>8.3} ms  max={:>8.3} ms",
        samples.len(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3
    );
}

fn search(c: &mut Criterion) {
    let engine = engine();
    let ids: Vec<String> = engine
        .search(&req("人民法院 判决 经济 农民"))
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    // Warm up, then measure percentiles.
    for q in KEYWORDS {
        engine.search(&req(q)).unwrap();
    }
    let time = |f: &dyn Fn()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let kw: Vec<Duration> = (0..4000)
        .map(|i| time(&|| drop(engine.search(&req(KEYWORDS[i % KEYWORDS.len()])).unwrap())))
        .collect();
    percentiles("keyword query (top 10 + snippets)", kw);
    println!("description: {} characters", DESCRIPTION.chars().count());
    let long: Vec<Duration> = (0..500)
        .map(|_| time(&|| drop(engine.search(&req(DESCRIPTION)).unwrap())))
        .collect();
    percentiles("300-character description", long);
    let sim: Vec<Duration> = (0..500)
        .map(|i| {
            let id = &ids[i % ids.len()];
            time(&|| drop(engine.similar_to_case(id, 10, &Filters::default()).unwrap()))
        })
        .collect();
    percentiles("similar cases (by id)", sim);

    let mut g = c.benchmark_group("search");
    let mut i = 0;
    g.bench_function("keyword query", |b| {
        b.iter(|| {
            i += 1;
            engine
                .search(&req(KEYWORDS[i % KEYWORDS.len()]))
                .unwrap()
                .total
        })
    });
    g.bench_function("300-character description", |b| {
        b.iter(|| engine.search(&req(DESCRIPTION)).unwrap().total)
    });
    g.bench_function("similar cases (by id)", |b| {
        b.iter(|| {
            engine
                .similar_to_case(&ids[0], 10, &Filters::default())
                .unwrap()
                .total
        })
    });
    g.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
