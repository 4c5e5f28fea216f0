//! Crashes and concurrency: `anli index` killed with SIGKILL in the middle of a full rebuild
//! leaves the last committed index usable, and two `anli index` runs at once never corrupt it.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::cli::anli_command;
use common::*;

/// A corpus of `n` cases: the bundled library repeated with distinct ids.
fn big_fixture(n: usize) -> Fixture {
    let f = Fixture::new(&[]);
    let files = anli::case::case_files(&repo().join("corpus")).unwrap();
    for i in 0..n {
        let text = std::fs::read_to_string(&files[i % files.len()]).unwrap();
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("id: "))
            .unwrap()
            .trim()
            .to_string();
        let new_id = format!("{id}-c{i}");
        f.write(
            &format!("r{}/{new_id}.md", i / files.len()),
            &text.replacen(&format!("id: {id}"), &format!("id: {new_id}"), 1),
        );
    }
    f
}

/// `anli ARGS` over `f`, its output captured.
fn anli(f: &Fixture, args: &[&str]) -> Command {
    let mut c = anli_command(f);
    c.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

fn total(f: &Fixture) -> Output {
    anli(f, &["-q", "search", "--json", "-n", "1", "停车难"])
        .output()
        .unwrap()
}

#[test]
fn sigkill_during_a_full_rebuild_keeps_the_last_commit() {
    let f = big_fixture(1500);
    let ok = anli(&f, &["-q", "index"]).output().unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let before: serde_json::Value = serde_json::from_slice(&total(&f).stdout).unwrap();
    for (round, delay_ms) in [40u64, 120, 250, 400, 700].into_iter().enumerate() {
        let mut child = anli(&f, &["-q", "index", "--full"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // The next run opens the last committed index and completes.
        let out = anli(&f, &["-q", "index"]).output().unwrap();
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let after = total(&f);
        assert!(
            after.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&after.stderr)
        );
        let after: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
        assert_eq!(
            after["total"], before["total"],
            "round {round}: same results as before the crash"
        );
    }
    let check = anli(&f, &["-q", "index", "--full"]).output().unwrap();
    assert!(check.status.success());
}

#[test]
fn two_index_runs_at_once_leave_a_valid_index() {
    let f = big_fixture(800);
    let a = anli(&f, &["-q", "index", "--full"]).spawn().unwrap();
    let b = anli(&f, &["-q", "index", "--full"]).spawn().unwrap();
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for o in [&a, &b] {
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            o.status.success()
                || (o.status.code() == Some(2) && err.contains("另一个 anli 正在更新")),
            "either finishes or says clearly that another run holds the index: {err}"
        );
    }
    assert!(
        a.status.success() || b.status.success(),
        "one of them finished"
    );
    let out = anli(&f, &["-q", "index"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&total(&f).stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() > 0);
}
