//! The `anli` binary: exit codes, messages, the `--json` shape, `segment`, `check`, `index`.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::cli::{anli, stderr, stdout};
use common::http::hit_ids;
use common::*;

#[test]
fn search_builds_the_index_and_prints_the_json_shape() {
    let f = Fixture::standard();
    let o = anli(&f, &["search", "--json", "--limit", "2", "停车难"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("exactly one JSON object");
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort();
    // `corrected` and `suggestions` appear only when a query was read otherwise.
    assert_eq!(
        keys,
        [
            "by_meaning",
            "hits",
            "mode",
            "query",
            "topics_guess",
            "total"
        ]
    );
    assert_eq!(v["mode"], "hybrid");
    assert_eq!(v["topics_guess"][0], "停车管理");
    assert_eq!(v["query"], "停车难");
    assert!(v["total"].as_u64().unwrap() >= 1);
    let hit = v["hits"][0].as_object().unwrap();
    let mut keys: Vec<&str> = hit.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["id", "region", "score", "section", "snippet", "title", "topics", "why", "year"]
    );
    assert_eq!(hit["id"], "parking-test-01");
    assert!(hit["snippet"].as_str().unwrap().contains("<em>"));
    assert!(hit["topics"].is_array() && hit["score"].is_f64() && hit["year"].is_i64());
    // The index now exists; a second search does not rebuild it.
    assert!(f.index().join("meta.json").is_file());
    let o = anli(&f, &["search", "停车难"]);
    assert!(!stderr(&o).contains("正在"), "{}", stderr(&o));
    assert!(stdout(&o).contains("借单位大院错时停车"));
}

#[test]
fn search_refreshes_a_stale_index() {
    let f = Fixture::standard();
    assert!(anli(&f, &["index"]).status.success());
    f.write(
        "new.md",
        &ELEVATOR
            .replace("elevator-test-01", "elevator-test-02")
            .replace("日照模拟", "无障碍坡道"),
    );
    let o = anli(&f, &["search", "--json", "无障碍坡道"]);
    assert!(stderr(&o).contains("更新索引"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["hits"][0]["id"], "elevator-test-02");
}

#[test]
fn index_reports_skipped_files_and_exits_1() {
    let f = Fixture::standard();
    f.write("bad/no-front-matter.md", "# 标题\n正文\n");
    f.write("bad/gbk.md", "---\nid: gbk\ntitle: t\n---\n");
    std::fs::write(
        f.corpus().join("bad/gbk.md"),
        b"---\nid: gbk\ntitle: \xcd\xa3\xb3\xb5\n---\n",
    )
    .unwrap();
    let o = anli(&f, &["index"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("no-front-matter.md:1:"), "{err}");
    assert!(err.contains("gbk.md:3:") && err.contains("UTF-8"), "{err}");
    assert!(err.contains("2 个文件有问题被跳过"), "{err}");
    assert!(err.contains("共 3 个案例"), "{err}");
    // The good cases are searchable.
    let o = anli(&f, &["search", "--json", "充电车棚"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("ebike-test-01"));
}

#[test]
fn check_validates_without_indexing() {
    let f = Fixture::standard();
    let o = anli(&f, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 个案例合格"));
    assert!(!f.index().exists(), "check does not index");
    f.write("x.md", "---\nid: X_1\ntitle: 大写编号\nfoo: bar\n---\n");
    let o = anli(&f, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("x.md:2:") && err.contains("id"), "{err}");
    assert!(
        err.contains("x.md:4:") && err.contains("foo"),
        "unknown keys are warnings: {err}"
    );
}

/// Run `anli segment ARGS` with `input` on standard input; its standard output.
fn segment(args: &[&str], input: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_anli"))
        .arg("segment")
        .args(args)
        .env("ANLI_SCHEMA", schema_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

#[test]
fn segment_prints_one_line_per_input_line() {
    let text = segment(&[], "老旧小区加装电梯难\n\n拨打12345热线，反映停车难\n");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], "老旧小区 加装电梯 难");
    assert_eq!(lines[1], "");
    assert!(
        lines[2].contains("12345") && lines[2].contains("停车难") && lines[2].contains("，"),
        "{text}"
    );

    for (mode, expect) in [
        ("index", "老旧小区 小区 加装 电梯 装电梯 加装电梯 难"),
        ("query", "老旧小区 加装电梯 难"),
    ] {
        let got = segment(&["--mode", mode], "老旧小区加装电梯难\n");
        let mut got: Vec<&str> = got.split_whitespace().collect();
        let mut want: Vec<&str> = expect.split_whitespace().collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "mode {mode}");
    }
}

#[test]
fn similar_by_id_text_and_file() {
    let f = Fixture::standard();
    f.write(
        "p2.md",
        &PARKING.replace("parking-test-01", "parking-test-02"),
    );
    let o = anli(&f, &["similar", "--id", "parking-test-01", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["hits"][0]["id"], "parking-test-02");
    let o = anli(
        &f,
        &["similar", "--text", "楼里一楼住户不同意加装电梯", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["hits"][0]["id"], "elevator-test-01");
    let file = f.dir.path().join("problem.txt");
    std::fs::write(&file, "电动自行车在楼道里充电，飞线充电很危险").unwrap();
    let o = anli(&f, &["similar", "--file", file.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["hits"][0]["id"], "ebike-test-01");
    // Exactly one source.
    let o = anli(&f, &["similar", "--id", "a", "--text", "b"]);
    assert_eq!(o.status.code(), Some(2));
    let o = anli(&f, &["similar", "--id", "no-such-case"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-case"), "{}", stderr(&o));
}

#[test]
fn clear_errors_for_missing_corpus_and_bad_arguments() {
    let f = Fixture::standard();
    let o = Command::new(env!("CARGO_BIN_EXE_anli"))
        .args(["search", "停车"])
        .env("ANLI_CORPUS", f.dir.path().join("nowhere"))
        .env("ANLI_INDEX", f.index())
        .env("ANLI_SCHEMA", schema_dir())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("nowhere") && stderr(&o).contains("案例目录不存在"),
        "{}",
        stderr(&o)
    );
    let o = anli(&f, &["search", "--limit", "1000", "停车"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("1 到 100"), "{}", stderr(&o));
    let o = anli(&f, &["search", "的了"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("没有可检索的词"), "{}", stderr(&o));
    let o = anli(&f, &["--help"]);
    assert!(stdout(&o).contains("检索案例"));
}

#[test]
fn bundled_corpus_answers_the_readme_query() {
    // What README promises a newcomer: `anli search 停车难` ranks parking cases.
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_anli"))
        .current_dir(repo())
        .args(["search", "--json", "--limit", "5", "停车难"])
        .env("ANLI_INDEX", dir.path().join("index"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let top = hit_ids(&v);
    assert!(top[0].starts_with("parking-"), "{top:?}");
    assert!(
        top.iter().filter(|id| id.starts_with("parking-")).count() >= 3,
        "{top:?}"
    );
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    // `anli search 停车 | head -1`: once the reader has closed the pipe, anli stops writing and
    // exits quietly with 0, in text and in JSON.
    let f = Fixture::standard();
    assert!(anli(&f, &["index"]).status.success());
    for json in [false, true] {
        let mut args = vec!["search", "--limit", "50", "停车"];
        if json {
            args.push("--json");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_anli"))
            .args(&args)
            .env("ANLI_CORPUS", f.corpus())
            .env("ANLI_INDEX", f.index())
            .env("ANLI_SCHEMA", schema_dir())
            .env("ANLI_PACKETS", f.dir.path().join("packets"))
            .env_remove("ANLI_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("anli runs");
        // Close the reading end before anli has written anything.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "json={json}: {:?} {}",
            o.status,
            stderr(&o)
        );
        assert!(
            !stderr(&o).contains("出错了"),
            "json={json}: {}",
            stderr(&o)
        );
    }
}
