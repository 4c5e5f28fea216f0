//! `anli eval`: ranking quality, every ranking mode side by side — on the judged query set, and
//! on residents' messages labelled by topic when a messages file is given.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use anli::search::SearchMode;

use super::ctx::Ctx;
use super::output::{self, Evaluation};
use super::Outcome;

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

    /// 居民留言（JSON，每行一条，含 id、title、detail）：给出时再按主题评测留言的检索结果
    #[arg(long, value_name = "文件")]
    messages: Option<PathBuf>,

    /// 留言的主题标注：每行“编号<Tab>主题<Tab>也算对的主题<Tab>来源”
    #[arg(
        long,
        default_value = "tests/relevance/complaints-dev.tsv",
        value_name = "文件"
    )]
    labels: PathBuf,

    /// LeCaRD 类案检索数据目录（queries.jsonl、pools.json、labels.json、candidates.jsonl）：
    /// 给出时把候选判决建成一个临时案例库，评测“找相似案例”的 NDCG@30
    #[arg(long, value_name = "目录")]
    lecard: Option<PathBuf>,

    /// 逐条列出哪种排序方式的结果（keyword、meaning、hybrid）
    #[arg(long, default_value = "hybrid", value_name = "方式", value_parser = parse_mode)]
    mode: SearchMode,

    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

fn parse_mode(s: &str) -> std::result::Result<SearchMode, String> {
    s.parse()
        .map_err(|e: anli::search::QueryError| e.to_string())
}

pub fn eval(ctx: &Ctx, args: EvalArgs) -> Result<Outcome> {
    let (engine, _) = ctx.engine()?;
    let queries = anli::eval::read_queries(&args.queries)?;
    let qrels = anli::eval::read_qrels(&args.qrels)?;
    let labelled = match &args.messages {
        Some(m) => anli::eval::topics::read(&args.labels, m)?,
        None => Vec::new(),
    };
    let mut evaluation = Evaluation {
        judged: Vec::new(),
        messages: Vec::new(),
        similar: anli::eval::similar::evaluate(&engine)?,
        lecard: match &args.lecard {
            Some(dir) => {
                // Built once beside the system's temporary files and refreshed on later runs.
                let work = std::env::temp_dir().join("anli-eval-lecard");
                let bar = output::Bar::new(ctx.global.quiet);
                let files = ctx.library()?.files;
                Some(anli::eval::lecard::evaluate(
                    dir, &work, &files, None, &bar,
                )?)
            }
            None => None,
        },
        listed: args.mode,
    };
    for mode in SearchMode::ALL {
        evaluation
            .judged
            .push(anli::eval::evaluate(&engine, &queries, &qrels, mode)?);
        if !labelled.is_empty() {
            evaluation
                .messages
                .push(anli::eval::topics::evaluate(&engine, &labelled, mode)?);
        }
    }
    output::eval(&evaluation, args.json)?;
    Ok(Outcome::Ok)
}
