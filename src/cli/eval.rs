//! `anli eval`: ranking quality on the judged query set.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::ctx::Ctx;
use super::{output, Outcome};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// 查询文件：每行“编号<Tab>查询”
    #[arg(
        long,
        default_value = "tests/relevance/queries.tsv",
        value_name = "文件"
    )]
    queries: PathBuf,

    /// 标注文件（TREC 格式）：每行“查询编号 0 案例编号 等级(0–2)”
    #[arg(long, default_value = "tests/relevance/qrels.txt", value_name = "文件")]
    qrels: PathBuf,

    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

pub fn eval(ctx: &Ctx, args: EvalArgs) -> Result<Outcome> {
    let (engine, _) = ctx.engine()?;
    let queries = anli::eval::read_queries(&args.queries)?;
    let qrels = anli::eval::read_qrels(&args.qrels)?;
    let report = anli::eval::evaluate(&engine, &queries, &qrels)?;
    output::eval(&report, args.json)?;
    Ok(Outcome::Ok)
}
