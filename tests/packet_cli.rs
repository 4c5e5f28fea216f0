//! Case packets from the command line: `anli packet new|add|note|show|build`, and a case that
//! left the corpus shown as missing by `check`, `show` and every handout.

mod common;

use common::cli::{anli_in, docx_paragraphs, ok, stderr as err};
use common::*;

#[test]
fn instructor_builds_a_packet_from_the_command_line() {
    let f = Fixture::standard();
    let out = tempfile::tempdir().unwrap();
    let cwd = out.path();

    let o = anli_in(
        &f,
        cwd,
        &[
            "packet",
            "new",
            "停车专题",
            "--title",
            "停车难专题",
            "--audience",
            "新任社区书记培训班",
            "--from-query",
            "停车难",
            "--limit",
            "1",
        ],
    );
    ok(&o);
    assert!(err(&o).contains("停车专题"), "{}", err(&o));
    let text = std::fs::read_to_string(f.packets().join("停车专题.toml")).unwrap();
    assert!(text.contains("query = \"停车难\""), "{text}");
    assert!(text.contains("id = \"parking-test-01\""), "{text}");

    // Same name again: refused, the file untouched.
    let o = anli_in(&f, cwd, &["packet", "new", "停车专题", "--title", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("已经有名为“停车专题”"), "{}", err(&o));
    // A name that is not a file name.
    let o = anli_in(&f, cwd, &["packet", "new", "../evil", "--title", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!f.dir.path().join("evil.toml").exists());

    ok(&anli_in(
        &f,
        cwd,
        &[
            "packet",
            "add",
            "停车专题",
            "elevator-test-01",
            "ebike-test-01",
        ],
    ));
    let o = anli_in(&f, cwd, &["packet", "add", "停车专题", "no-such-case"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no-such-case"), "{}", err(&o));
    ok(&anli_in(
        &f,
        cwd,
        &["packet", "move", "停车专题", "ebike-test-01", "--to", "1"],
    ));
    ok(&anli_in(
        &f,
        cwd,
        &[
            "packet",
            "note",
            "停车专题",
            "parking-test-01",
            "重点看共享协议怎么签。",
        ],
    ));
    ok(&anli_in(
        &f,
        cwd,
        &[
            "packet",
            "question",
            "停车专题",
            "单位不愿意开放车位时，社区还能找谁？",
        ],
    ));
    ok(&anli_in(
        &f,
        cwd,
        &["packet", "remove", "停车专题", "elevator-test-01"],
    ));
    let o = anli_in(
        &f,
        cwd,
        &["packet", "move", "停车专题", "ebike-test-01", "--to", "9"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("超出范围"), "{}", err(&o));

    let show = ok(&anli_in(&f, cwd, &["packet", "show", "停车专题"]));
    let ebike = show.find("ebike-test-01").unwrap();
    let parking = show.find("parking-test-01").unwrap();
    assert!(ebike < parking, "order after move:\n{show}");
    assert!(!show.contains("elevator-test-01"), "{show}");
    assert!(show.contains("教师按：重点看共享协议怎么签。"), "{show}");
    assert!(show.contains("1. 单位不愿意开放车位时"), "{show}");
    assert!(ok(&anli_in(&f, cwd, &["packet", "list"])).contains("停车专题\t停车难专题\t2 个案例"));

    // All three formats, to the default file names in the current folder.
    for fmt in ["md", "html", "docx"] {
        ok(&anli_in(
            &f,
            cwd,
            &["packet", "build", "停车专题", "--format", fmt],
        ));
    }
    let md = std::fs::read_to_string(cwd.join("停车专题.md")).unwrap();
    assert!(md.starts_with("# 停车难专题\n"), "{md}");
    assert!(
        md.contains("案例编号：ebike-test-01, parking-test-01"),
        "{md}"
    );
    let html = std::fs::read_to_string(cwd.join("停车专题.html")).unwrap();
    assert!(html.contains("<h2>案例 2　借单位大院错时停车，缓解老旧小区停车难</h2>"));
    let paras = docx_paragraphs(&std::fs::read(cwd.join("停车专题.docx")).unwrap());
    let h1: Vec<&str> = paras
        .iter()
        .filter(|(s, _)| s == "Heading1")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        h1,
        [
            "案例 1　楼下建起充电车棚，楼道飞线充电少了",
            "案例 2　借单位大院错时停车，缓解老旧小区停车难",
            "讨论题"
        ]
    );
    // `-o -` writes to standard output.
    let o = anli_in(
        &f,
        cwd,
        &["packet", "build", "停车专题", "--format", "md", "-o", "-"],
    );
    assert!(ok(&o).starts_with("# 停车难专题"));
}

#[test]
fn a_case_that_left_the_corpus_is_shown_as_missing_everywhere() {
    let f = Fixture::standard();
    let out = tempfile::tempdir().unwrap();
    let cwd = out.path();
    ok(&anli_in(
        &f,
        cwd,
        &["packet", "new", "加梯", "--title", "加梯专题"],
    ));
    ok(&anli_in(
        &f,
        cwd,
        &[
            "packet",
            "add",
            "加梯",
            "elevator-test-01",
            "parking-test-01",
        ],
    ));
    ok(&anli_in(
        &f,
        cwd,
        &[
            "packet",
            "note",
            "加梯",
            "elevator-test-01",
            "一楼协商是重点",
        ],
    ));
    f.remove("elevator.md");

    // check: the packet's missing id is reported with file and line; exit 1.
    let o = anli_in(&f, cwd, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("加梯.toml:"), "{e}");
    assert!(e.contains("“elevator-test-01”已不在案例库中"), "{e}");

    // show and build still work, say which case is missing, and exit 1.
    let o = anli_in(&f, cwd, &["packet", "show", "加梯"]);
    assert_eq!(o.status.code(), Some(1));
    let show = String::from_utf8_lossy(&o.stdout);
    assert!(
        show.contains("1. （缺失：已不在案例库中）  [elevator-test-01]"),
        "{show}"
    );
    assert!(show.contains("教师按：一楼协商是重点"), "{show}");
    for fmt in ["md", "html", "docx"] {
        let o = anli_in(&f, cwd, &["packet", "build", "加梯", "--format", fmt]);
        assert_eq!(o.status.code(), Some(1), "{fmt}: {}", err(&o));
        assert!(
            err(&o).contains("elevator-test-01 已不在案例库中"),
            "{}",
            err(&o)
        );
    }
    let md = std::fs::read_to_string(cwd.join("加梯.md")).unwrap();
    assert!(md.contains("## 案例 1　（缺失）elevator-test-01"), "{md}");
    assert!(md.contains("## 案例 2　借单位大院错时停车"), "{md}");
    let html = std::fs::read_to_string(cwd.join("加梯.html")).unwrap();
    assert!(html.contains("class=\"missing\""), "{html}");
    let paras = docx_paragraphs(&std::fs::read(cwd.join("加梯.docx")).unwrap());
    assert!(paras
        .iter()
        .any(|(s, t)| s == "Heading1" && t == "案例 1　（缺失）elevator-test-01"));
    assert!(paras.iter().any(|(_, t)| t.contains("已不在案例库中")));
}
