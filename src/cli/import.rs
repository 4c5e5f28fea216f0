//! `anli import`: Word compilations, saved web pages and copied text become case files.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};

use anli::case::CaseKind;
use anli::import::{self, write, CaseReport, Context, ImportError, ImportOptions};
use anli::index::Progress;

use super::ctx::Ctx;
use super::output::Bar;
use super::Outcome;

/// The arguments of `anli import` (its help text is on `Command::Import` in `mod.rs`).
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// 要导入的文件（可以一次给多个）
    #[arg(required = true, value_name = "文件")]
    files: Vec<PathBuf>,

    /// 只看会导入什么，不写任何文件
    #[arg(long)]
    dry_run: bool,

    /// 以 JSON 输出结果（给其他程序用）
    #[arg(long)]
    json: bool,

    /// 案例类别：报道（据公开报道）或 示例；不写时网页和文字按“报道”，Word 文件不填
    #[arg(long, value_name = "报道|示例")]
    kind: Option<KindArg>,

    /// 来源，例如 "人民网，2021年3月30日"；不写时从网页或汇编标题里找
    #[arg(long, value_name = "文字")]
    source: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    #[value(name = "报道", alias = "report")]
    Report,
    #[value(name = "示例", alias = "example")]
    Example,
}

pub fn import(ctx: &Ctx, args: ImportArgs) -> Result<Outcome> {
    let lib = ctx.library()?;
    let corpus = lib.corpus.clone();
    if !args.dry_run {
        std::fs::create_dir_all(&corpus)?;
    }
    // The engine suggests topics; a corpus without an index yet gets one first.
    let engine = if corpus.is_dir() {
        match ctx.engine() {
            Ok((engine, _)) => Some(engine),
            Err(e) => {
                tracing::warn!("无法打开索引，不推荐主题：{e:#}");
                None
            }
        }
    } else {
        None
    };
    let guess = engine.as_ref().filter(|e| e.num_cases() > 0).map(|engine| {
        Box::new(move |text: &str| engine.guess_topics(text)) as import::TopicGuesser<'_>
    });
    let mut context = Context {
        topics: &lib.topics,
        analyzer: Some(&lib.analyzer),
        guess_topics: guess,
        taken: write::taken_ids(&corpus, &lib.topics),
    };
    let options = ImportOptions {
        kind: args.kind.map(|k| match k {
            KindArg::Report => CaseKind::Report,
            KindArg::Example => CaseKind::Example,
        }),
        source: args.source.clone().filter(|s| !s.trim().is_empty()),
    };

    let bar = Bar::counting(ctx.global.quiet || args.files.len() < 3, "个文件");
    bar.start(args.files.len() as u64, "导入");
    let mut reports: Vec<CaseReport> = Vec::new();
    let mut failed: Vec<ImportError> = Vec::new();
    for file in &args.files {
        match import_file(&corpus, file, &options, &mut context, args.dry_run) {
            Ok(r) => reports.extend(r),
            Err(e) => failed.push(e),
        }
        bar.inc();
    }
    bar.finish();

    let mut out = std::io::stdout().lock();
    if args.json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            cases: &'a [CaseReport],
        }
        serde_json::to_writer_pretty(&mut out, &Out { cases: &reports })?;
        writeln!(out)?;
    } else {
        for r in &reports {
            let verb = if args.dry_run {
                "将写入"
            } else {
                "已写入"
            };
            writeln!(out, "{verb} {}  [{}] {}", r.path, r.id, r.title)?;
            let sections: Vec<String> = r
                .sections
                .iter()
                .map(|s| {
                    let h = if s.heading.is_empty() {
                        "（导语）"
                    } else {
                        &s.heading
                    };
                    format!("{h} {} 字", s.chars)
                })
                .collect();
            writeln!(
                out,
                "  {} · {} · {} · 主题：{}\n  来源：{}\n  小节：{}",
                r.region.as_deref().unwrap_or("地区未知"),
                r.year.map_or("年份未知".to_string(), |y| format!("{y}年")),
                r.kind.map_or("类别未定", |k| k.label()),
                if r.topics.is_empty() {
                    "（无）".to_string()
                } else {
                    r.topics.join("、")
                },
                r.source.as_deref().unwrap_or("（未知）"),
                sections.join("；"),
            )?;
            for w in &r.warnings {
                writeln!(out, "  提醒：{w}")?;
            }
        }
    }
    drop(out);
    for e in &failed {
        eprintln!("跳过 {e}");
    }
    if !args.dry_run && !reports.is_empty() {
        ctx.say(format!("导入了 {} 个案例，正在更新索引…", reports.len()));
        let report = ctx.run_index(&lib, &anli::index::IndexOptions::default())?;
        ctx.report_index(&report);
    } else if !args.json {
        ctx.say(format!(
            "{} 个案例{}",
            reports.len(),
            if args.dry_run {
                "（试运行，没有写文件）"
            } else {
                ""
            }
        ));
    }
    Ok(if failed.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Partial
    })
}

/// Import one file: every case of it checked first, then written; nothing stays written for a
/// file if one of its cases cannot be.
fn import_file(
    corpus: &std::path::Path,
    file: &std::path::Path,
    options: &ImportOptions,
    context: &mut Context<'_>,
    dry_run: bool,
) -> Result<Vec<CaseReport>, ImportError> {
    let bytes = import::read_file(file)?;
    let taken_before: HashSet<String> = context.taken.clone();
    let drafts = import::import(file, &bytes, options, context).inspect_err(|_| {
        context.taken = taken_before.clone();
    })?;
    let mut rendered = Vec::new();
    for d in &drafts {
        let rel = write::new_case_path(&d.meta.id);
        match write::render_checked(d, corpus, &rel, context.topics) {
            Ok(text) => rendered.push((rel, text, d.report(&write::new_case_path(&d.meta.id)))),
            Err(e) => {
                context.taken = taken_before;
                return Err(e);
            }
        }
    }
    if !dry_run {
        let _lock = write::lock(corpus)?;
        let mut written = Vec::new();
        for (rel, text, _) in &rendered {
            match write::create(corpus, rel, text) {
                Ok(p) => written.push(p),
                Err(e) => {
                    for p in written {
                        let _ = std::fs::remove_file(p);
                    }
                    context.taken = taken_before;
                    return Err(e);
                }
            }
        }
    }
    Ok(rendered.into_iter().map(|(_, _, r)| r).collect())
}
