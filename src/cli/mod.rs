//! Command-line interface: arguments (clap), dispatch, and how errors and exit codes look.
//!
//! Exit codes: 0 done; 1 done, but some case files were skipped (or nothing was found by
//! `check`'s standards); 2 could not do it (bad arguments, missing folder, broken index).

mod commands;
mod output;
mod packet;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// anli（案例）：社区治理案例库检索。
///
/// 把一个问题用自己的话说出来，找到别的社区是怎么解决的。
/// 例子：
///   anli search 停车难
///   anli search 楼道里总有人给电瓶车充电，怕着火
///   anli similar --id parking-01-cuofeng-gongxiang
///
/// 案例放在 corpus 目录（每个案例一个 Markdown 文件），索引放在 index 目录；
/// 第一次检索时会自动建立索引，案例改动后也会自动更新。
#[derive(Debug, Parser)]
#[command(name = "anli", version, about, long_about, verbatim_doc_comment)]
pub struct Cli {
    #[command(flatten)]
    global: Global,

    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// 案例目录（每个案例一个 .md 文件，可以分子目录）
    #[arg(
        long,
        global = true,
        env = "ANLI_CORPUS",
        default_value = "corpus",
        value_name = "目录"
    )]
    corpus: PathBuf,

    /// 索引目录（可随时删除，会从案例重建）
    #[arg(
        long,
        global = true,
        env = "ANLI_INDEX",
        default_value = "index",
        value_name = "目录"
    )]
    index: PathBuf,

    /// 词典、停用词、同义词和主题词表所在目录（缺少的文件用程序内置的）
    #[arg(
        long,
        global = true,
        env = "ANLI_SCHEMA",
        default_value = "schema",
        value_name = "目录"
    )]
    schema: PathBuf,

    /// 案例包目录（培训用的案例包，每个一个 .toml 文件）
    #[arg(
        long,
        global = true,
        env = "ANLI_PACKETS",
        default_value = "packets",
        value_name = "目录"
    )]
    packets: PathBuf,

    /// 显示更多过程信息（-vv 更详细）
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    /// 只输出结果，不显示进度和提示
    #[arg(short, long, global = true)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 建立或更新索引（只处理新增、改动和删除的案例）
    Index(IndexArgs),
    /// 检索案例：输入关键词，或者用几句话描述遇到的问题
    Search(SearchArgs),
    /// 找相似案例：根据一个案例、一段文字或一个文件
    Similar(SimilarArgs),
    /// 查看分词结果：从标准输入逐行读入，输出切分后的词（用空格隔开）
    Segment(SegmentArgs),
    /// 启动网页和接口服务（默认 http://127.0.0.1:7878），用浏览器打开即可检索
    Serve(ServeArgs),
    /// 检查案例文件是否合格，以及案例包里的案例是否都还在（不建索引）
    Check,
    /// 案例包：为培训班挑选案例、写按语和讨论题，导出 Word / 网页 / Markdown 讲义
    Packet(packet::PacketArgs),
    /// 评测检索质量：用标注好的查询集算 nDCG@10、P@5、MRR、recall@20（维护者用）
    Eval(EvalArgs),
}

#[derive(Debug, Args)]
struct EvalArgs {
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

#[derive(Debug, Args)]
struct ServeArgs {
    /// 监听地址；默认只允许本机访问。要让局域网里其他电脑访问，用 0.0.0.0:7878
    #[arg(
        long,
        env = "ANLI_ADDR",
        default_value = "127.0.0.1:7878",
        value_name = "地址:端口"
    )]
    addr: std::net::SocketAddr,

    /// 管理口令：服务对局域网开放时，修改案例包需要它（本机访问不需要）
    #[arg(
        long,
        env = "ANLI_ADMIN_TOKEN",
        value_name = "口令",
        hide_env_values = true
    )]
    admin_token: Option<String>,
}

#[derive(Debug, Args)]
struct IndexArgs {
    /// 全部重建，而不是只更新改动的部分
    #[arg(long)]
    full: bool,
}

#[derive(Debug, Args)]
struct Filter {
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
}

#[derive(Debug, Args)]
struct SearchArgs {
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

    /// 要找的内容：一个词，或者一段话
    #[arg(required = true, value_name = "查询")]
    query: Vec<String>,
}

#[derive(Debug, Args)]
#[group(id = "source", required = true, multiple = false)]
struct SimilarArgs {
    /// 与这个编号的案例相似
    #[arg(long, group = "source", value_name = "编号")]
    id: Option<String>,

    /// 与这段文字描述的问题相似
    #[arg(long, group = "source", value_name = "文字")]
    text: Option<String>,

    /// 与这个文件（文字或 Markdown 案例）相似
    #[arg(long, group = "source", value_name = "文件")]
    file: Option<PathBuf>,

    /// 显示多少条结果（1–100）
    #[arg(short = 'n', long, default_value_t = 5, value_name = "条数")]
    limit: usize,

    #[command(flatten)]
    filter: Filter,

    /// 以 JSON 输出（给其他程序用）
    #[arg(long)]
    json: bool,
}

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
struct SegmentArgs {
    /// 切分方式
    #[arg(long, value_enum, default_value = "precise")]
    mode: SegmentMode,
}

/// What a command wants the process to exit with.
pub enum Outcome {
    /// All good.
    Ok,
    /// Done, with files skipped or problems found.
    Partial,
}

/// Run the CLI.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose, cli.global.quiet);
    match commands::run(cli) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(1),
        // `anli search 停车 | head`: the reader went away; that is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            output::print_error(&err);
            ExitCode::from(2)
        }
    }
}

/// Whether the error is a write to a reader that went away. serde_json's writer errors carry
/// the I/O error inside (their `source()` skips it), so they are asked for its kind.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
    })
}

fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "anli=info,warn",
        (false, _) => "anli=debug,info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANLI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .init();
}
