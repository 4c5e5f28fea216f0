//! `anli index` and `anli check`.

use std::collections::HashSet;
use std::io::Write;

use anli::index::IndexOptions;
use anyhow::Result;
use clap::Args;

use super::ctx::Ctx;
use super::Outcome;

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// 全部重建，而不是只更新改动的部分
    #[arg(long)]
    full: bool,
    /// 只建关键词索引，不计算语义向量：快得多；新案例暂时只能按字词找到，
    /// 下次不带此选项运行 anli index 时补齐
    #[arg(long)]
    keywords_only: bool,
}

pub fn index(ctx: &Ctx, args: IndexArgs) -> Result<Outcome> {
    let lib = ctx.library()?;
    let options = IndexOptions {
        full: args.full,
        keywords_only: args.keywords_only,
        ..Default::default()
    };
    let report = ctx.run_index(&lib, &options)?;
    ctx.report_index(&report);
    Ok(if report.errors.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Partial
    })
}

pub fn check(ctx: &Ctx) -> Result<Outcome> {
    let lib = ctx.library()?;
    let loaded = lib.check()?;
    for w in &loaded.warnings {
        eprintln!("提醒 {w}");
    }
    for e in &loaded.errors {
        eprintln!("错误 {e}");
    }
    let ids: HashSet<&str> = loaded.cases.iter().map(|c| c.meta.id.as_str()).collect();
    let packet_problems = ctx.packets().problems(|id| ids.contains(id))?;
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
