//! The running service under stress: slow clients are cut off without hurting others, and a
//! bounded load test — 16 connections of mixed searches, case pages and similar-case queries
//! against the `anli serve` binary — sees no errors, flat memory and a p99 close to the one a
//! single connection sees.
//!
//! The load test runs sixteen connections for `ANLI_LOAD_SECONDS` (default 60 s in CI, 15 s
//! elsewhere) in rounds of about 5 s, each paired with as long a single-connection baseline, on
//! loopback. The sixteen connections send on a regular schedule, spread evenly over
//! one interval, as many requests per second in total as the single connection (at most what
//! keeps the service a quarter busy).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use anli::server::{Limits, ServerOptions};
use common::live::Live;
use common::*;

/// The service over the test fixture with `limits` (writes allowed by `access`), on a free
/// loopback port.
async fn start_in_process(access: anli::server::WriteAccess, limits: Limits) -> (Live, Fixture) {
    let f = Fixture::standard();
    let state = indexed_state(
        f.library(),
        ServerOptions {
            packets: f.packets(),
            access,
        },
    );
    (Live::start_with(state, limits).await, f)
}

fn short_limits() -> Limits {
    Limits {
        headers: Duration::from_millis(500),
        request: Duration::from_millis(500),
        connections: anli::server::MAX_CONNECTIONS,
        shutdown: Duration::from_secs(2),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_others_still_answered() {
    let (live, _dir) = start_in_process(anli::server::WriteAccess::local(), short_limits()).await;
    let addr = live.addr;

    // A client that never finishes its headers.
    let mut loris = TcpStream::connect(addr).await.unwrap();
    loris
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    // A client that promises a body and sends a tenth of it.
    let mut slow_body = TcpStream::connect(addr).await.unwrap();
    slow_body
        .write_all(
            b"POST /api/similar HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"text\":",
        )
        .await
        .unwrap();

    // Meanwhile, ordinary requests are answered at once.
    let started = Instant::now();
    for _ in 0..20 {
        let (status, _) = get(addr, "/api/search?q=%E5%81%9C%E8%BD%A6").await;
        assert_eq!(status, 200);
    }
    assert!(started.elapsed() < Duration::from_secs(5));

    // The body that never comes: 408 with a JSON error.
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow_body.read_to_end(&mut buf)).await;
    assert!(
        read.is_ok(),
        "the slow body is answered within the time-out"
    );
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"request_timeout\""), "{text}");

    // The headers that never end: the connection is closed.
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), loris.read_to_end(&mut buf)).await;
    assert!(
        closed.is_ok(),
        "the slow-header connection is closed by the server"
    );

    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_trickled_byte_by_byte_is_cut_off_at_the_deadline() {
    let limits = Limits {
        request: Duration::from_secs(1),
        ..short_limits()
    };
    let (live, _dir) = start_in_process(anli::server::WriteAccess::local(), limits).await;
    let addr = live.addr;
    let body: &'static [u8] =
        r#"{"text":"楼道里电动车充电很危险，说了也不听，怎么办才好呢？"}"#.as_bytes();
    for path in ["/api/similar", "/api/packets"] {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let started = Instant::now();
        let (mut rd, mut wr) = s.into_split();
        // One byte every 150 ms: never idle for long, but the body would take 10 s.
        let trickle = tokio::spawn(async move {
            for b in body {
                if wr.write_all(&[*b]).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        });
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), rd.read_to_end(&mut buf)).await;
        trickle.abort();
        assert!(read.is_ok(), "{path}: still open after 5 s");
        let text = String::from_utf8_lossy(&buf);
        assert!(text.starts_with("HTTP/1.1 408"), "{path}: {text}");
        assert!(text.contains("request_timeout"), "{path}: {text}");
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(3),
            "{path}: answered after {took:?}"
        );
    }
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_writes_are_answered_before_their_body_arrives() {
    let limits = Limits {
        request: Duration::from_secs(10),
        ..short_limits()
    };
    // Open to the LAN without a token: every write is refused.
    let lan = anli::server::WriteAccess::new("0.0.0.0:7878".parse().unwrap(), None).unwrap();
    let (live, _dir) = start_in_process(lan, limits).await;
    let addr = live.addr;
    for (path, ctype) in [
        ("/api/packets", "application/json"),
        ("/api/packets/p/cases", "application/json"),
        ("/packets", "application/x-www-form-urlencoded"),
        ("/packets/add", "application/x-www-form-urlencoded"),
        // No token is configured: nothing to log in to.
        ("/login", "application/x-www-form-urlencoded"),
    ] {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Type: {ctype}\r\nContent-Length: 5000\r\n\r\n"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let started = Instant::now();
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("{path}: no answer while the body is pending"))
            .unwrap();
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(
            text.starts_with("HTTP/1.1 403") || text.starts_with("HTTP/1.1 400"),
            "{path}: {text}"
        );
        assert!(started.elapsed() < Duration::from_secs(2), "{path}");
    }
    live.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_for_one_to_close() {
    let limits = Limits {
        headers: Duration::from_secs(10),
        connections: 2,
        ..short_limits()
    };
    let (live, _dir) = start_in_process(anli::server::WriteAccess::local(), limits).await;
    let addr = live.addr;
    // Two connections that say nothing take both places.
    let idle_a = TcpStream::connect(addr).await.unwrap();
    let _idle_b = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let waiting = tokio::spawn(async move {
        let started = Instant::now();
        let (status, _) = get(addr, "/api/health").await;
        (status, started.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!waiting.is_finished(), "a third connection was served");
    drop(idle_a);
    let (status, took) = tokio::time::timeout(Duration::from_secs(3), waiting)
        .await
        .expect("served once a place is free")
        .unwrap();
    assert_eq!(status, 200);
    assert!(took >= Duration::from_millis(600), "{took:?}");
    live.stop().await;
}

/// One GET on a fresh connection: status and body.
async fn get(addr: std::net::SocketAddr, path: &str) -> (u16, Bytes) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let req = hyper::Request::get(path)
        .header("host", addr.to_string())
        .body(Empty::<Bytes>::new())
        .unwrap();
    let res = send.send_request(req).await.unwrap();
    let status = res.status().as_u16();
    (status, res.into_body().collect().await.unwrap().to_bytes())
}

// ---------------------------------------------------------------------------------------------
// Load

struct Server {
    child: Child,
    addr: std::net::SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Resident memory of the service, in MB (Linux).
    fn rss_mb(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    }

    /// CPU time the service has used so far (user + system, all threads), in seconds (Linux).
    fn cpu_seconds(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
        let rest = stat.rsplit_once(')')?.1;
        let mut fields = rest.split_whitespace().skip(11);
        let utime: f64 = fields.next()?.parse().ok()?;
        let stime: f64 = fields.next()?.parse().ok()?;
        // Clock ticks: USER_HZ is 100 on every Linux ABI.
        Some((utime + stime) / 100.0)
    }
}

fn start_server(dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_anli"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("ANLI_CORPUS", repo().join("corpus"))
        .env("ANLI_INDEX", dir.join("index"))
        .env("ANLI_SCHEMA", schema_dir())
        .env("ANLI_PACKETS", dir.join("packets"))
        .env_remove("ANLI_LOG")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("anli serve starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("anli serve said where it listens")
            .unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    // Keep draining stderr so the service never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// The mixed request list: keyword and description searches, case pages, similar cases.
fn paths() -> Vec<String> {
    let queries = std::fs::read_to_string(repo().join("tests/relevance/queries.tsv")).unwrap();
    let mut ids: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(repo().join("corpus")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            if let Some(id) = text.lines().find_map(|l| l.strip_prefix("id: ")) {
                ids.push(id.trim().to_string());
            }
        }
    }
    ids.sort();
    let mut out = Vec::new();
    for (i, line) in queries.lines().filter(|l| !l.starts_with('#')).enumerate() {
        let Some((_, q)) = line.split_once('\t') else {
            continue;
        };
        let q = serde_urlencoded::to_string([("q", q)]).unwrap();
        out.push(format!("/api/search?{q}"));
        out.push(format!("/?{q}"));
        let id = &ids[(i * 7) % ids.len()];
        out.push(format!("/cases/{id}"));
        out.push(format!("/api/cases/{id}/similar"));
    }
    out
}

struct Phase {
    latencies: Vec<Duration>,
    errors: Vec<String>,
    elapsed: Duration,
    /// The share of the machine's CPU time, in percent, that its hypervisor gave to other
    /// machines during the phase (a virtual machine with busy neighbours shows it).
    stolen: Option<f64>,
}

impl Phase {
    /// Fails the test, with the errors seen, when no request of the phase was answered.
    fn answered(&self, what: &str) {
        assert!(
            !self.latencies.is_empty(),
            "{what}: no request was answered; errors: {:?}",
            &self.errors[..self.errors.len().min(5)]
        );
    }

    /// The `p` quantile by nearest rank (the p99 of 100 samples is the 99th, not the largest).
    fn pct(&self, p: f64) -> Duration {
        let mut v = self.latencies.clone();
        v.sort();
        let rank = (v.len() as f64 * p).ceil() as usize;
        v[rank.clamp(1, v.len()) - 1]
    }
}

/// Steal time and all time of the machine's CPUs so far, in clock ticks (Linux `/proc/stat`).
/// Steal is the time the hypervisor ran other machines while this one had work to do.
fn stolen_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .map(|t| t.parse().ok())
        .collect::<Option<_>>()?;
    Some((*ticks.get(7)?, ticks.iter().sum()))
}

/// A step through the request list that is coprime with its length, so that any run of
/// consecutive requests samples every kind of request and the whole list.
fn stride(len: usize) -> usize {
    fn gcd(a: usize, b: usize) -> usize {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    (7..).step_by(2).find(|s| gcd(*s, len) == 1).unwrap()
}

/// `conns` keep-alive connections, each sending one request per `interval` for `secs`.
/// Connection `c` starts at request `start + 13 c` of the list and walks it by [`stride`].
async fn run_phase(
    addr: std::net::SocketAddr,
    conns: usize,
    interval: Duration,
    secs: f64,
    start: usize,
    paths: &[String],
) -> Phase {
    let step = stride(paths.len());
    let started = Instant::now();
    let ticks = stolen_ticks();
    let deadline = started + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for c in 0..conns {
        let paths = paths.to_vec();
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .unwrap();
            tokio::spawn(conn);
            let mut lat = Vec::new();
            let mut errors = Vec::new();
            // Spread the connections' start times over one interval.
            let mut next = Instant::now() + interval.mul_f64(c as f64 / conns as f64);
            let mut i = start + c * 13;
            while next < deadline {
                tokio::time::sleep_until(next.into()).await;
                let path = &paths[(i * step) % paths.len()];
                i += 1;
                let req = hyper::Request::get(path.as_str())
                    .header("host", addr.to_string())
                    .body(Empty::<Bytes>::new())
                    .unwrap();
                match send.send_request(req).await {
                    Ok(res) => {
                        let status = res.status();
                        let body = res.into_body().collect().await;
                        // From the time the request was due, not the time it went out: when
                        // the connection was still waiting on an earlier answer, that wait is
                        // part of this request's latency (no "coordinated omission"; the one
                        // connection would otherwise hide a stall that sixteen would show).
                        lat.push(next.elapsed());
                        if !status.is_success() || body.is_err() {
                            errors.push(format!("{status} {path}"));
                        }
                    }
                    Err(e) => errors.push(format!("{e} {path}")),
                }
                next += interval;
            }
            (lat, errors)
        }));
    }
    let mut phase = Phase {
        latencies: Vec::new(),
        errors: Vec::new(),
        elapsed: Duration::ZERO,
        stolen: None,
    };
    for t in tasks {
        let (l, e) = t.await.unwrap();
        phase.latencies.extend(l);
        phase.errors.extend(e);
    }
    phase.elapsed = started.elapsed();
    phase.stolen = match (ticks, stolen_ticks()) {
        (Some((s0, t0)), Some((s1, t1))) if t1 > t0 => {
            Some(100.0 * s1.saturating_sub(s0) as f64 / (t1 - t0) as f64)
        }
        _ => None,
    };
    phase
}

/// Merges the phases of several rounds into one.
fn merge(phases: Vec<Phase>) -> Phase {
    let mut all = Phase {
        latencies: Vec::new(),
        errors: Vec::new(),
        elapsed: Duration::ZERO,
        stolen: None,
    };
    for p in phases {
        all.latencies.extend(p.latencies);
        all.errors.extend(p.errors);
        all.elapsed += p.elapsed;
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_connections_of_mixed_traffic_for_a_bounded_time() {
    let secs: f64 = std::env::var("ANLI_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if std::env::var_os("CI").is_some() {
            60.0
        } else {
            15.0
        });
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(dir.path());
    let paths = paths();
    assert!(paths.len() > 200);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as f64;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;

    // The single-connection baseline sends a request every 25 ms, or as soon as the last one
    // is answered when that takes longer: one request in flight at a time, and enough of them
    // (about 2,400 in CI) that its p99 is not just the largest of a handful of samples.
    let one_interval = Duration::from_millis(25);
    // The baseline and the sixteen connections alternate in rounds of 5 s each, one then
    // sixteen, then sixteen then one (so that a steady drift falls on both alike), and each
    // round compares its own two p99s. A shared machine's speed changes within seconds: with
    // three long rounds and one p99 over all of them, 15 s runs on one machine gave ratios from
    // 0.9 to 1.9 as its baseline p50 went between 7 and 11 ms, and CI saw 2.2×: a slow spell
    // that fell on the sixteen connections alone decided the result. The slow spells show in
    // /proc/stat as CPU time the hypervisor gave to other machines (0–35% while the sixteen
    // connections ran, under 1% at rest), which the rounds print. The check is
    // on the median of the rounds' ratios (12 rounds in CI), which one slow spell cannot move;
    // by the same token it ignores a slowness of any cause that is confined to fewer than half
    // the rounds, so the rounds over 2× are counted and printed as well.
    let rounds = (secs / 5.0).round().max(3.0) as usize;
    let one_secs = secs / rounds as f64;
    let many_secs = secs / rounds as f64;

    // Warm up (page cache, allocator), then the first baseline round, which also measures what
    // a request of this mix costs the service in CPU.
    run_phase(server.addr, 4, one_interval, 2.0, 0, &paths).await;
    let cpu0 = server.cpu_seconds();
    let first = run_phase(server.addr, 1, one_interval, one_secs, 0, &paths).await;
    first.answered("the first baseline");
    let cpu_per_request = match (cpu0, server.cpu_seconds()) {
        (Some(a), Some(b)) if b > a => (b - a) / first.latencies.len() as f64,
        // No /proc: take the baseline's median latency as the cost.
        _ => first.pct(0.5).as_secs_f64(),
    };
    // The sixteen connections send, in total, as many requests per second as the single
    // connection did in the first baseline round (40/s when answers take under 25 ms), so the
    // two sides of the comparison differ in the number of connections and not in the load, and
    // both time each request from when it was due (see `run_phase`). This matters on a virtual
    // machine, whose hypervisor takes more CPU for other machines the more this one asks for:
    // with the sixteen connections at a quarter of two cores (about twice the baseline's load)
    // and latency timed from the send, they lost more CPU than the baseline in 17 of 24 rounds
    // (14.5% against 9.5% on average), single rounds reached 2–8× and one run's median 1.90;
    // at the same load, medians 1.05–1.64; timed from when due as well, 0.63–1.01 with no round
    // over 2× (a service that answers in parallel lets sixteen connections get past a slow
    // answer, which blocks the one connection: a ratio under 1 is what to expect).
    // The rate is capped to keep the service at most a quarter busy (`cargo test` runs a debug
    // build, where a request of this mix costs 6–9 ms of CPU, more on a slow machine): the test
    // is about sixteen concurrent connections — contention for the searcher, the tokenizer, the
    // allocator — not about the queue any server builds near saturation (a fixed 160/s once
    // kept a CI machine three-quarters busy and p99 measured queueing, 126 ms against 30 ms).
    // The sends are evenly spread, so requests overlap mainly
    // behind a slow one; random (Poisson) send times were tried and put p99 at 1.3–1.8× the
    // baseline at a third busy and 1.0–2.1× at a fifth busy (15 s runs on 2 cores), too near
    // the 2× bound for a check that must hold on every CI run. For the same reason this test
    // does not fail a service that handles one request at a time: with a global lock around
    // every request the median ratio was 1.14 (two rounds over 2×), against 0.63–1.01 without,
    // since sixteen connections no longer get past a slow request. What it asserts is no errors,
    // no growth of memory and no cliff in latency with sixteen connections open.
    let one_rate = first.latencies.len() as f64 / first.elapsed.as_secs_f64();
    let quarter_busy = cores / 4.0 / cpu_per_request;
    let rate = one_rate.min(quarter_busy);
    let many_interval = Duration::from_secs_f64(16.0 / rate);
    eprintln!(
        "load: a request costs the service {:.2} ms of CPU; one connection sent {one_rate:.0} \
         requests/s; 16 connections send {rate:.0} requests/s in total (one every {:.0} ms \
         each; {quarter_busy:.0}/s would keep {cores} cores a quarter busy)",
        cpu_per_request * 1e3,
        ms(many_interval)
    );

    // Round 0's baseline is `first`, already run.
    let mut ones = vec![first];
    let mut manys = Vec::new();
    let mut ratios = Vec::new();
    let mut many_cpu = 0.0;
    let rss_before = server.rss_mb();
    let mut rss_warm = None;
    for round in 0..rounds {
        // Each baseline round goes on where the last one stopped in the list.
        let sent: usize = ones
            .iter()
            .map(|p| p.latencies.len() + p.errors.len())
            .sum();
        // Even rounds run one connection, then sixteen; odd rounds sixteen, then one.
        if round % 2 == 0 && round > 0 {
            ones.push(run_phase(server.addr, 1, one_interval, one_secs, sent, &paths).await);
        }
        let c0 = server.cpu_seconds();
        let many = run_phase(
            server.addr,
            16,
            many_interval,
            many_secs,
            round * 1000,
            &paths,
        )
        .await;
        if let (Some(a), Some(b)) = (c0, server.cpu_seconds()) {
            many_cpu += b - a;
        }
        // Memory after the first round of sixteen connections, and at the end.
        if round == 0 {
            rss_warm = server.rss_mb();
        }
        if round % 2 == 1 {
            ones.push(run_phase(server.addr, 1, one_interval, one_secs, sent, &paths).await);
        }
        let one = ones.last().expect("this round's baseline");
        one.answered(&format!("round {}, 1 connection", round + 1));
        many.answered(&format!("round {}, 16 connections", round + 1));
        let ratio = many.pct(0.99).as_secs_f64() / one.pct(0.99).as_secs_f64();
        let stolen = |p: &Phase| {
            p.stolen
                .map_or(String::new(), |s| format!(", {s:.0}% stolen"))
        };
        eprintln!(
            "load: round {}: 1 connection p50 {:.2} ms, p99 {:.2} ms{}; 16 connections p50 {:.2} ms, \
             p99 {:.2} ms{}; ratio {ratio:.2}",
            round + 1,
            ms(one.pct(0.5)),
            ms(one.pct(0.99)),
            stolen(one),
            ms(many.pct(0.5)),
            ms(many.pct(0.99)),
            stolen(&many),
        );
        ratios.push(ratio);
        manys.push(many);
    }
    let rss_end = server.rss_mb();
    let one = merge(ones);
    let many = merge(manys);
    assert!(!many.latencies.is_empty(), "the 16 connections got answers");

    eprintln!(
        "load: 1 connection: {} requests, p50 {:.2} ms, p99 {:.2} ms",
        one.latencies.len(),
        ms(one.pct(0.5)),
        ms(one.pct(0.99))
    );
    eprintln!(
        "load: 16 connections for {:.0} s: {} requests ({:.0}/s), {} errors, p50 {:.2} ms, p99 {:.2} ms; \
         the service used {:.0}% of {cores} cores",
        many.elapsed.as_secs_f64(),
        many.latencies.len(),
        many.latencies.len() as f64 / many.elapsed.as_secs_f64(),
        many.errors.len(),
        ms(many.pct(0.5)),
        ms(many.pct(0.99)),
        100.0 * many_cpu / many.elapsed.as_secs_f64() / cores
    );
    eprintln!(
        "load: service memory {rss_before:?} MB before, {rss_warm:?} MB after warm-up, {rss_end:?} MB at the end"
    );

    assert!(one.errors.is_empty(), "{:?}", one.errors);
    assert!(
        many.errors.is_empty(),
        "{} errors, e.g. {:?}",
        many.errors.len(),
        &many.errors[..many.errors.len().min(5)]
    );
    // Every request due is sent, however late, so the count alone shows nothing; the service
    // kept up if the answers came within the phases' time (a backlog would carry past the end).
    let expected = (16.0 * secs / many_interval.as_secs_f64()) as usize;
    assert!(
        many.latencies.len() >= expected * 9 / 10,
        "the 16 connections sent what was due: {} of ~{expected} requests",
        many.latencies.len()
    );
    assert!(
        many.elapsed.as_secs_f64() <= secs * 1.1 + 1.0,
        "the service kept up: the 16-connection phases, {secs:.0} s of sends, took {:.1} s",
        many.elapsed.as_secs_f64()
    );
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    eprintln!(
        "load: p99 at 16 connections over p99 at 1, by round: median {median:.2}, {} of {} rounds \
         over 2 (all rounds pooled: {:.2})",
        ratios.iter().filter(|r| **r > 2.0).count(),
        ratios.len(),
        many.pct(0.99).as_secs_f64() / one.pct(0.99).as_secs_f64()
    );
    assert!(
        median <= 2.0,
        "p99 at 16 connections within 2× of one connection, in the median round: {median:.2}× \
         (rounds: {ratios:.2?})"
    );
    if let (Some(warm), Some(end)) = (rss_warm, rss_end) {
        assert!(
            end <= warm * 1.15 + 5.0,
            "memory flat after warm-up: {warm:.1} MB → {end:.1} MB"
        );
    }
}
