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
    // The ids in the 资料说明 block at the end, in the packet's order.
    let about = &md[md.find("**资料说明**").expect(&md)..];
    let (e, p) = (
        about.find("：ebike-test-01"),
        about.find("：parking-test-01"),
    );
    assert!(e.is_some() && p.is_some() && e < p, "{md}");
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

#[test]
fn what_a_packet_says_cannot_drive_the_terminal() {
    let f = Fixture::standard();
    let out = tempfile::tempdir().unwrap();
    let cwd = out.path();
    // Typed on the command line: cleaned like the web form cleans it.
    ok(&anli_in(
        &f,
        cwd,
        &[
            "packet",
            "new",
            "终端",
            "--title",
            "\u{1b}]0;pwned\u{7}标题\n## 第二行",
            "--audience",
            "\u{1b}[2J书记",
        ],
    ));
    let text = std::fs::read_to_string(f.packets().join("终端.toml")).unwrap();
    assert!(
        text.contains("title = \"]0;pwned标题 ## 第二行\""),
        "{text}"
    );
    // Written by hand with escape sequences: reported (without them), not printed.
    std::fs::write(
        f.packets().join("手改.toml"),
        "title = \"\\u001b[31m红\"\n[[cases]]\nid = \"parking-test-01\"\nnote = \"\\u001b[2J清屏\"\n",
    )
    .unwrap();
    let o = anli_in(&f, cwd, &["packet", "list"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    for shown in [String::from_utf8_lossy(&o.stdout), err(&o).into()] {
        assert!(!shown.contains('\u{1b}'), "{shown:?}");
    }
    assert!(err(&o).contains("手改.toml"), "{}", err(&o));
    let o = anli_in(&f, cwd, &["packet", "show", "手改"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains('\u{1b}'));
    assert!(!err(&o).contains('\u{1b}'), "{}", err(&o));
}

#[test]
fn a_saved_packet_is_durable_the_folder_is_synced_after_the_rename() {
    let Some(strace) = common::cli::find_program(&["strace"]) else {
        eprintln!("skipped: strace is not installed (Debian: apt-get install strace)");
        return;
    };
    let f = Fixture::standard();
    let log = f.dir.path().join("strace.txt");
    let o = std::process::Command::new(strace)
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=openat,fsync,rename,renameat,renameat2,unlink,unlinkat",
            "-o",
        ])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_anli"))
        .args(["packet", "new", "durable", "--title", "t"])
        .envs(
            common::cli::anli_command(&f)
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k, v))),
        )
        .output()
        .unwrap();
    if !o.status.success() {
        eprintln!("skipped: strace could not trace anli here: {}", err(&o));
        return;
    }
    let trace = std::fs::read_to_string(&log).unwrap();
    let packets = f.packets().display().to_string();
    let lines: Vec<&str> = trace.lines().collect();
    let renamed = lines
        .iter()
        .position(|l| l.contains("rename") && l.contains("durable.toml\"") && l.ends_with("= 0"))
        .unwrap_or_else(|| panic!("no rename in\n{trace}"));
    // After the rename: the folder opened, and that descriptor synced.
    let synced = lines[renamed..].iter().any(|l| {
        l.contains(&format!("\"{packets}\"")) && l.contains("openat") && {
            let fd = l.rsplit("= ").next().unwrap_or("").trim();
            lines[renamed..]
                .iter()
                .any(|m| m.contains(&format!("fsync({fd})")) && m.ends_with("= 0"))
        }
    });
    assert!(
        synced,
        "the packets folder is not fsynced after the rename:\n{trace}"
    );
}
