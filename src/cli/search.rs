//! `anli search` and `anli similar`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;

use anli::case::CaseKind;
use anli::search::{parse_kind, Filters, SearchMode, SearchRequest};

use super::ctx::Ctx;
use super::{output, Outcome};

#[derive(Debug, Args)]
pub struct Filter {
    /// 只看这个主题的案例，例如 --topic 停车管理
    #[arg(long, value_name = "主题")]
    topic: Option<String>,

    /// 只看这个地区（含下级）的案例，例如 --region 北京市 或 --region 北京市/海淀区
    #[arg(long, value_name = "地区")]
    region: Option<String>,

    /// 只看这一年及以后的案例
    #[arg(long, value_name = "年份")]
    year_from: Option<i64>,

    /// 只看这一年及以前的案例
    #[arg(long, value_name = "年份")]
    year_to: Option<i64>,

    /// 只看这一类案例：报道（据公开报道编写）或 示例
    #[arg(long, value_name = "类型", value_parser = parse_case_kind)]
    kind: Option<CaseKind>,
}

fn parse_case_kind(s: &str) -> std::result::Result<CaseKind, String> {
    parse_kind(s).ok_or_else(|| format!("“{s}”不是案例类型：可用 报道 或 示例"))
}

impl From<Filter> for Filters {
    fn from(f: Filter) -> Filters {
        Filters {
            topic: f.topic,
            region: f.region,
            year_from: f.year_from,
            year_to: f.year_to,
            kind: f.kind,
        }
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// 显示多少条结果（1–100）
    #[arg(short = 'n', long, default_value_t = 10, value_name = "条数")]
    limit: usize,

    /// 跳过前面多少条（翻页用）
    #[arg(long, default_value_t = 0, value_name = "条数")]
    offset: usize,

    #[command(flatten)]
    filter: Filter,

    /// 以 JSON 输出（给其他程序用）
    #[arg(long)]
    json: bool,

    /// 怎么排序：hybrid（默认，字面和意思都看）、keyword（只看字面上的词）、meaning（只看意思）
    #[arg(long, default_value = "hybrid", value_name = "方式", value_parser = parse_mode)]
    mode: SearchMode,

    /// 按字面检索，不把拼音换成汉字、不纠正错别字
    #[arg(long)]
    literal: bool,

    /// 要找的内容：一个词，或者一段话。只给 --topic 等筛选条件时，列出符合条件的全部案例（新的在前）
    #[arg(
        value_name = "查询",
        required_unless_present_any = ["topic", "region", "kind", "year_from", "year_to"]
    )]
    query: Vec<String>,
}

#[derive(Debug, Args)]
#[group(id = "source", required = true, multiple = false)]
pub struct SimilarArgs {
    /// 与这个编号的案例相似
    #[arg(long, group = "source", value_name = "编号")]
    id: Option<String>,

    /// 与这段文字描述的问题相似
    #[arg(long, group = "source", value_name = "文字")]
    text: Option<String>,

    /// 与这个文件（文字或 Markdown 案例）相似
    #[arg(long, group = "source", value_name = "文件")]
    file: Option<PathBuf>,

    /// 显示多少条结果（最多可到案例总数）
    #[arg(short = 'n', long, default_value_t = 5, value_name = "条数")]
    limit: usize,

    /// 把所有案例按相似程度全部排出来（等于 --limit 案例总数）
    #[arg(long, conflicts_with = "limit")]
    all: bool,

    #[command(flatten)]
    filter: Filter,

    /// 以 JSON 输出（给其他程序用）
    #[arg(long)]
    json: bool,
}

pub fn search(ctx: &Ctx, args: SearchArgs) -> Result<Outcome> {
    let (engine, _) = ctx.engine()?;
    let req = SearchRequest {
        query: args.query.join(" "),
        limit: args.limit,
        offset: args.offset,
        filters: args.filter.into(),
        mode: args.mode,
        literal: args.literal,
    };
    let results = engine.search(&req)?;
    output::results(&results, args.json, req.offset)?;
    Ok(Outcome::Ok)
}

fn parse_mode(s: &str) -> std::result::Result<SearchMode, String> {
    s.parse()
        .map_err(|e: anli::search::QueryError| e.to_string())
}

pub fn similar(ctx: &Ctx, args: SimilarArgs) -> Result<Outcome> {
    let (engine, _) = ctx.engine()?;
    let limit = if args.all {
        (engine.num_cases() as usize).max(1)
    } else {
        args.limit
    };
    let f = args.filter.into();
    let results = if let Some(id) = &args.id {
        engine.similar_to_case(id, limit, &f)?
    } else if let Some(text) = &args.text {
        engine.similar_to_text(text, limit, &f)?
    } else if let Some(path) = &args.file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("无法读取文件 {}（需要 UTF-8 文本）", path.display()))?;
        engine.similar_to_text(&text, limit, &f)?
    } else {
        bail!("请用 --id、--text 或 --file 之一说明要找什么的相似案例");
    };
    output::results(&results, args.json, 0)?;
    Ok(Outcome::Ok)
}
