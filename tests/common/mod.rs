//! Shared fixtures: a small corpus of real-looking cases written into a temporary folder; and
//! helpers for running the binary ([`cli`]), the router ([`http`]) and the service on a port
//! ([`live`]).
#![allow(dead_code)]

pub mod cli;
pub mod http;
pub mod live;

use std::path::{Path, PathBuf};

pub const PARKING: &str = "---
id: parking-test-01
title: 借单位大院错时停车，缓解老旧小区停车难
topics: [停车管理, 议事协商]
region: 山东省/济南市/历下区
community: 泉润社区（虚构）
year: 2022
kind: 示例
tags: [错时停车, 共享车位]
summary: 小区车位少，社区党委协调隔壁单位夜间开放停车场。
---
# 借单位大院错时停车

## 背景

小区建于1992年，住户420户，登记车辆260辆，车位只有90个，晚上车都停到消防通道上。

## 做法

社区党委召开居民议事会，摸清夜间停车需求；与隔壁产权单位签订错时停车协议，晚七点到早七点开放120个车位；成立停车自治小组，按月收费。

## 成效

夜间乱停车减少八成，消防通道保持畅通。

## 启示

先摸清需求，再拿着数字去谈。
";

pub const EBIKE: &str = "---
id: ebike-test-01
title: 楼下建起充电车棚，楼道飞线充电少了
topics: [电动车充电, 消防安全]
region: 江苏省/苏州市/姑苏区
year: 2021
kind: 示例
tags: [充电车棚, 智能充电桩]
summary: 电动自行车进楼充电屡禁不止，社区建车棚装充电桩。
---
# 楼下建起充电车棚

## 背景

老小区电动自行车三百多辆，居民从窗口拉线给电动自行车充电，楼道里堆满车子。

## 做法

社区联合物业公司在空地建集中充电车棚，装了60个智能充电桩，一度电五毛钱；网格员挨家挨户劝导，派出所上门讲火灾案例。

## 成效

飞线充电从每晚三十多处降到两三处。

## 启示

堵不如疏，先给居民一个方便充电的地方。
";

pub const ELEVATOR: &str = "---
id: elevator-test-01
title: 一楼住户同意了，老楼终于加装电梯
topics: [加装电梯]
region: 北京市/海淀区
year: 2020
kind: 示例
tags: [低层补偿, 出资分摊]
summary: 六层老楼加装电梯，低层住户反对，社区组织协商补偿。
---
# 一楼住户同意了

## 背景

六层老楼，一共12户，老人多，爬楼难。一楼住户担心挡光和噪音，坚决反对。

## 做法

社区书记带着设计单位做日照模拟，楼上住户按楼层分摊出资，给一楼住户补偿两万元，并写进协议。

## 成效

半年后电梯投入使用。

## 启示

算清账，讲清理，低层住户的顾虑要认真对待。
";

/// A temporary library folder with `corpus/` holding the given files and `index/` empty.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new(files: &[(&str, &str)]) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("corpus")).unwrap();
        let f = Fixture { dir };
        for (name, text) in files {
            f.write(name, text);
        }
        f
    }

    pub fn standard() -> Fixture {
        Fixture::new(&[
            ("parking.md", PARKING),
            ("sub/ebike.md", EBIKE),
            ("elevator.md", ELEVATOR),
        ])
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    pub fn packets(&self) -> PathBuf {
        self.dir.path().join("packets")
    }

    pub fn write(&self, name: &str, text: &str) {
        let p = self.corpus().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// The library over this fixture's corpus and index, with the repository's schema.
    pub fn library(&self) -> anli::Library {
        anli::Library::open(&self.corpus(), &self.index(), &schema_dir()).expect("library opens")
    }

    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.corpus().join(name)).unwrap();
    }
}

/// The repository's schema folder.
pub fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema")
}

/// The repository folder.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled library (`corpus/`, `schema/`) with its index in `dir/index`.
pub fn bundled_library(dir: &Path) -> anli::Library {
    anli::Library::open(&repo().join("corpus"), &dir.join("index"), &schema_dir())
        .expect("the bundled library opens")
}

/// The bundled library indexed in `dir/index` (every case encoded), and its engine.
pub fn bundled_engine(dir: &Path) -> anli::Engine {
    let lib = bundled_library(dir);
    lib.index(
        &anli::index::IndexOptions::default(),
        &anli::index::NoProgress,
    )
    .expect("the bundled library indexes");
    anli::Engine::open(&lib).expect("engine opens")
}

/// Index `lib` and build the service state over it.
pub fn indexed_state(
    lib: anli::Library,
    options: anli::server::ServerOptions,
) -> anli::server::AppState {
    lib.index(
        &anli::index::IndexOptions::default(),
        &anli::index::NoProgress,
    )
    .expect("indexes");
    let engine = anli::Engine::open(&lib).expect("engine opens");
    anli::server::AppState::new(engine, lib, options)
}
