//! Command-line interface: arguments (clap), dispatch, and how errors and exit codes look.
//!
//! Exit codes: 0 done; 1 done, but some case files were skipped (or nothing was found by
//! `check`'s standards); 2 could not do it (bad arguments, missing folder, broken index).

mod ctx;
mod eval;
mod import;
mod index;
mod output;
mod packet;
mod search;
mod segment;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use ctx::Ctx;

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
    Index(index::IndexArgs),
    /// 检索案例：输入关键词，或者用几句话描述遇到的问题
    Search(search::SearchArgs),
    /// 找相似案例：根据一个案例、一段文字或一个文件
    Similar(search::SimilarArgs),
    /// 查看分词结果：从标准输入逐行读入，输出切分后的词（用空格隔开）
    Segment(segment::SegmentArgs),
    /// 启动网页和接口服务（默认 http://127.0.0.1:7878），用浏览器打开即可检索
    Serve(serve::ServeArgs),
    /// 检查案例文件是否合格，以及案例包里的案例是否都还在（不建索引）
    Check,
    /// 导入案例：Word 案例汇编（.docx/.doc）、保存的网页（.html）、PDF 报告（.pdf）、复制的文字（.txt）
    ///
    /// 可以导入：
    ///   .docx        Word 或 WPS 文件。一个文件里有很多案例（案例汇编）时，按案例标题
    ///                （“标题 1/标题 2”样式、大纲级别，或“案例三”“一、”这样的编号）分成多个案例。
    ///   .html .htm   在浏览器里“另存为”的网页（新闻网站、政府网站、微信公众号文章），
    ///                只保留正文，去掉导航、分享按钮、“相关推荐”、评论、页脚等。GBK 编码的网页也能读。
    ///   .doc .wps .odt .rtf
    ///                旧版 Word、WPS 等文件：先用 LibreOffice 转成 .docx 再按上面的规则读
    ///                （要装 LibreOffice；没装时请在 Word/WPS 里“另存为”.docx）。
    ///   .pdf         有文字层的 PDF（从 Word 或网页导出的报告、简报、案例汇编）。按字号认出标题，
    ///                把被换行打断的段落接起来，去掉页码和页眉页脚。需要 poppler 的 pdftotext
    ///                （Debian/Ubuntu：apt install poppler-utils）。扫描件没有文字，不能导入。
    ///   .txt .md     从网页上复制下来的文字，粘贴保存成的文本文件。
    ///
    /// 每个案例写成一个文件，放在案例目录的 imported 子目录里，然后更新索引。
    /// 标题、来源、年份、地区、摘要和小节（背景/做法/成效/启示）尽量自动填好；
    /// 主题（topics）是按检索结果推荐的，请打开文件核对。填不出来的会逐条提示。
    ///
    /// 例子：
    ///   anli import 社区治理案例汇编.docx
    ///   anli import 新闻报道.html 公众号文章.html --kind 报道
    ///   anli import 街道工作简报.pdf
    ///   anli import --dry-run 案例汇编.docx          # 先看看会分出哪些案例，不写文件
    #[command(verbatim_doc_comment)]
    Import(import::ImportArgs),
    /// 案例包：为培训班挑选案例、写按语和讨论题，导出 Word / 网页 / Markdown 讲义
    Packet(packet::PacketArgs),
    /// 评测检索质量：用标注好的查询集算 nDCG@10、P@5、MRR、recall@20（维护者用）
    Eval(eval::EvalArgs),
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
    match run(cli) {
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

/// Run one command.
fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let ctx = Ctx { global: cli.global };
    match cli.command {
        Command::Index(args) => index::index(&ctx, args),
        Command::Search(args) => search::search(&ctx, args),
        Command::Similar(args) => search::similar(&ctx, args),
        Command::Segment(args) => segment::segment(&ctx, args),
        Command::Serve(args) => serve::serve(&ctx, args),
        Command::Check => index::check(&ctx),
        Command::Import(args) => import::import(&ctx, args),
        Command::Packet(args) => packet::run(&ctx, args),
        Command::Eval(args) => eval::eval(&ctx, args),
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
