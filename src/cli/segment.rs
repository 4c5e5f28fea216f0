//! `anli segment`: the words the analyzer makes of each line of standard input.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use anli::analysis::{Analyzer, Mode};
use anli::resources::SchemaFiles;

use super::ctx::Ctx;
use super::Outcome;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SegmentMode {
    /// 精确切分（jieba 精确模式加治理词典，保留标点）
    Precise,
    /// 建索引时实际产生的词（含长词里的短词，去停用词）
    Index,
    /// 检索时实际产生的词（去停用词）
    Query,
}

#[derive(Debug, Args)]
pub struct SegmentArgs {
    /// 切分方式
    #[arg(long, value_enum, default_value = "precise")]
    mode: SegmentMode,
}

pub fn segment(ctx: &Ctx, args: SegmentArgs) -> Result<Outcome> {
    let files = SchemaFiles::load(&ctx.global.schema)?;
    let analyzer = Analyzer::shared(&files)?;
    let mode = match args.mode {
        SegmentMode::Precise => Mode::Precise,
        SegmentMode::Index => Mode::Index,
        SegmentMode::Query => Mode::Query,
    };
    if std::io::stdin().is_terminal() && !ctx.global.quiet {
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
