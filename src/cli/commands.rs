//! The commands.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{bail, Context, Result};

use anli::analysis::Mode;
use anli::index::{Freshness, IndexOptions, IndexReport, Library};
use anli::search::{Filters, SearchRequest};
use anli::{Engine, Error};

use super::output::{self, Bar};
use super::{Cli, Command, Filter, Global, Outcome, SegmentMode};

pub fn run(cli: Cli) -> Result<Outcome> {
    let g = &cli.global;
    match cli.command {
        Command::Segment(args) => segment(g, args.mode),
        Command::Check => check(g),
        Command::Serve(args) => serve(g, args.addr, args.admin_token),
        Command::Packet(args) => super::packet::run(g, args),
        Command::Eval(args) => {
            let (engine, _) = ready_engine(g)?;
            let queries = anli::eval::read_queries(&args.queries)?;
            let qrels = anli::eval::read_qrels(&args.qrels)?;
            let report =
                anli::eval::evaluate(&engine, &queries, &qrels, anli::search::SearchMode::Hybrid)?;
            output::eval(&report, args.json)?;
            Ok(Outcome::Ok)
        }
        Command::Index(args) => index(g, args.full),
        Command::Search(args) => {
            let (engine, _) = ready_engine(g)?;
            let req = SearchRequest {
                query: args.query.join(" "),
                limit: args.limit,
                offset: args.offset,
                filters: filters(args.filter),
                mode: anli::search::SearchMode::default(),
            };
            let results = engine.search(&req)?;
            output::results(&results, args.json, req.offset)?;
            Ok(Outcome::Ok)
        }
        Command::Similar(args) => {
            let (engine, _) = ready_engine(g)?;
            let f = filters(args.filter);
            let results = if let Some(id) = &args.id {
                engine.similar_to_case(id, args.limit, &f)?
            } else if let Some(text) = &args.text {
                engine.similar_to_text(text, args.limit, &f)?
            } else if let Some(path) = &args.file {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("无法读取文件 {}（需要 UTF-8 文本）", path.display())
                })?;
                engine.similar_to_text(&text, args.limit, &f)?
            } else {
                bail!("请用 --id、--text 或 --file 之一说明要找什么的相似案例");
            };
            output::results(&results, args.json, 0)?;
            Ok(Outcome::Ok)
        }
    }
}

fn filters(f: Filter) -> Filters {
    Filters {
        topic: f.topic,
        region: f.region,
        year_from: f.year_from,
        year_to: f.year_to,
    }
}

fn library(g: &Global) -> Result<Library> {
    Ok(Library::open(&g.corpus, &g.index, &g.schema)?)
}

pub(super) fn say(g: &Global, msg: impl AsRef<str>) {
    if !g.quiet {
        eprintln!("{}", msg.as_ref());
    }
}

/// Open the engine, building or refreshing the index first when it is missing or stale;
/// also returns the library it was opened from.
pub(super) fn ready_engine(g: &Global) -> Result<(Engine, Library)> {
    // Stat the corpus files on another thread while jieba loads its dictionary (~0.1 s).
    let corpus = g.corpus.clone();
    let listing = std::thread::spawn(move || anli::index::listing_fingerprint(&corpus));
    let lib = library(g)?;
    let freshness = lib.freshness_given(|| {
        listing
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })?;
    match freshness {
        Freshness::Fresh => {}
        Freshness::Missing if !lib.corpus.is_dir() => {
            return Err(Error::NoCorpus {
                path: lib.corpus.clone(),
            }
            .into())
        }
        other => {
            let why = match other {
                Freshness::Missing => "还没有索引，正在建立…",
                Freshness::SchemaChanged => "词典或字段表有变化，正在重建索引…",
                _ => "案例有改动，正在更新索引…",
            };
            say(g, why);
            match run_index(g, &lib, false) {
                Ok(report) => report_index(g, &report),
                Err(Error::IndexLocked { .. }) if other != Freshness::Missing => {
                    say(g, "另一个 anli 正在更新索引，先用现有索引检索。");
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok((Engine::open(&lib)?, lib))
}

fn serve(g: &Global, addr: std::net::SocketAddr, token: Option<String>) -> Result<Outcome> {
    let access =
        anli::server::WriteAccess::new(addr, token.as_deref()).map_err(anyhow::Error::msg)?;
    if !access.is_local() && !access.has_token() {
        say(
            g,
            "提醒：服务对局域网开放且没有设置管理口令（--admin-token），案例包只能查看和下载。",
        );
    }
    // The library ready_engine loaded (schema files, topics): not read a second time.
    let (engine, lib) = ready_engine(g)?;
    let cases = engine.num_cases();
    let options = anli::server::ServerOptions {
        packets: g.packets.clone(),
        access,
    };
    let state = anli::server::AppState::new(engine, lib, options);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动服务线程")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("无法监听 {addr}（端口可能已被占用，可用 --addr 换一个）"))?;
        let local = listener.local_addr()?;
        say(
            g,
            format!("anli 已启动：http://{local}/ （{cases} 个案例；按 Ctrl-C 退出）"),
        );
        tracing::info!(%local, "listening");
        anli::server::serve(listener, state, anli::server::shutdown_signal()).await?;
        say(g, "anli 已退出");
        Ok(Outcome::Ok)
    })
}

fn run_index(g: &Global, lib: &Library, full: bool) -> Result<IndexReport, Error> {
    let bar = Bar::new(g.quiet);
    lib.index(&IndexOptions { full, threads: 0 }, &bar)
}

fn report_index(g: &Global, report: &IndexReport) {
    for w in &report.warnings {
        tracing::warn!("{w}");
    }
    for e in &report.errors {
        eprintln!("跳过 {e}");
    }
    if let Some(why) = &report.rebuilt {
        say(g, why);
    }
    let skipped = if report.errors.is_empty() {
        String::new()
    } else {
        format!("；{} 个文件有问题被跳过（见上）", report.errors.len())
    };
    say(
        g,
        format!(
            "索引完成：共 {} 个案例（新增 {}，更新 {}，删除 {}，未变 {}）{skipped}，用时 {:.2} 秒",
            report.total,
            report.added,
            report.updated,
            report.removed,
            report.unchanged,
            report.elapsed.as_secs_f64()
        ),
    );
}

fn index(g: &Global, full: bool) -> Result<Outcome> {
    let lib = library(g)?;
    let report = run_index(g, &lib, full)?;
    report_index(g, &report);
    Ok(if report.errors.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Partial
    })
}

fn check(g: &Global) -> Result<Outcome> {
    let lib = library(g)?;
    let loaded = lib.check()?;
    for w in &loaded.warnings {
        eprintln!("提醒 {w}");
    }
    for e in &loaded.errors {
        eprintln!("错误 {e}");
    }
    let ids: std::collections::HashSet<&str> =
        loaded.cases.iter().map(|c| c.meta.id.as_str()).collect();
    let packet_problems =
        anli::packet::PacketStore::new(&g.packets).problems(|id| ids.contains(id))?;
    for p in &packet_problems {
        eprintln!("错误 {p}");
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "检查完成：{} 个案例合格，{} 个文件有问题，{} 条提醒；案例包问题 {} 处",
        loaded.cases.len(),
        loaded.errors.len(),
        loaded.warnings.len(),
        packet_problems.len()
    )?;
    Ok(if loaded.errors.is_empty() && packet_problems.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Partial
    })
}

fn segment(g: &Global, mode: SegmentMode) -> Result<Outcome> {
    let files = anli::resources::SchemaFiles::load(&g.schema)?;
    let analyzer = anli::analysis::Analyzer::shared(&files)?;
    let mode = match mode {
        SegmentMode::Precise => Mode::Precise,
        SegmentMode::Index => Mode::Index,
        SegmentMode::Query => Mode::Query,
    };
    if std::io::stdin().is_terminal() && !g.quiet {
        eprintln!("请输入要切分的句子，每行一句（Ctrl-D 结束）：");
    }
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut line_buf = String::new();
    for line in stdin.lines() {
        let line = line.context("读取标准输入失败（需要 UTF-8 文本）")?;
        line_buf.clear();
        for (i, w) in analyzer.words(&line, mode).iter().enumerate() {
            if i > 0 {
                line_buf.push(' ');
            }
            line_buf.push_str(&w.text);
        }
        writeln!(out, "{line_buf}")?;
    }
    out.flush()?;
    Ok(Outcome::Ok)
}
