//! Load on the HTTP service: `anli serve` over the benchmark index, driven by `wrk` (Debian
//! package `wrk`) on loopback only, bounded in time, with 4 and 16 connections. Reports
//! requests/s, p50 and p99 latency, errors, and the service's memory at rest and under load.
//!
//! `cargo bench --bench service` (skipped with a note where wrk is missing)

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("skipped: wrk is not installed (Debian: apt-get install wrk)");
        return;
    }
    let corpus = common::bench_corpus();
    let index = std::env::temp_dir().join("anli-bench-service-index");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_anli"))
        .args(["-q", "serve", "--addr", &addr])
        .env("ANLI_CORPUS", &corpus)
        .env("ANLI_INDEX", &index)
        .env("ANLI_SCHEMA", common::schema_dir())
        .stdout(Stdio::null())
        .spawn()
        .expect("anli serve starts");
    let pid = server.id();
    let started = Instant::now();
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "service did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    let at_rest = rss_kb(pid);

    // A rotating set of keyword and description queries.
    let script = std::env::temp_dir().join("anli-wrk.lua");
    let mut f = std::fs::File::create(&script).unwrap();
    writeln!(
        f,
        r#"local qs = {{"%E4%BA%BA%E6%B0%91%E6%B3%95%E9%99%A2", "%E6%8A%9A%E5%85%BB", "%E5%80%9F%E6%AC%BE",
  "%E6%98%A5%E8%8A%82", "%E5%81%9C%E8%BD%A6%E9%9A%BE", "%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF",
  "%E4%BA%A4%E9%80%9A%E4%BA%8B%E6%95%85", "%E7%A6%BB%E5%A9%9A"}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?q=" .. qs[(i % #qs) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.1f %.1f %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end"#
    )
    .unwrap();

    println!("service at rest: {} MB RSS", at_rest / 1024);
    for conns in [1, 4, 16] {
        let threads = conns.min(2).to_string();
        let mut wrk = Command::new("wrk")
            .args([
                "-t",
                &threads,
                "-c",
                &conns.to_string(),
                "-d",
                "10s",
                "--timeout",
                "5s",
                "-s",
            ])
            .arg(&script)
            .arg(format!("http://{addr}"))
            .stdout(Stdio::piped())
            .spawn()
            .expect("wrk runs");
        let mut peak = 0;
        while wrk.try_wait().unwrap().is_none() {
            peak = peak.max(rss_kb(pid));
            std::thread::sleep(Duration::from_millis(200));
        }
        let out = wrk.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let Some(line) = text.lines().find(|l| l.starts_with("RESULT")) else {
            println!("{conns} connections: wrk printed no result:\n{text}");
            continue;
        };
        let v: Vec<f64> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|x| x.parse().ok())
            .collect();
        let (requests, micros, p50, p99, errors, status_errors) =
            (v[0], v[1], v[2], v[3], v[4], v[5]);
        println!(
            "{conns:>2} connections: {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  errors {}  non-2xx {}  RSS under load {} MB",
            requests / (micros / 1e6),
            p50 / 1e3,
            p99 / 1e3,
            errors,
            status_errors,
            peak / 1024
        );
    }
    println!("service after load: {} MB RSS", rss_kb(pid) / 1024);
    let _ = server.kill();
    let _ = server.wait();
}
