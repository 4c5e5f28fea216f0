//! `anli packet …`: case packets (案例包) for training classes.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};

use anli::packet::{self, NewPacket, PacketStore, Resolved};

use super::ctx::Ctx;
use super::Outcome;

#[derive(Debug, Args)]
pub struct PacketArgs {
    #[command(subcommand)]
    command: PacketCommand,
}

#[derive(Debug, Subcommand)]
enum PacketCommand {
    /// 新建案例包；可以直接用一次检索的前几条结果开头
    ///
    /// 例子：anli packet new 加梯专题 --title "老旧小区加装电梯专题" --from-query 加装电梯 --limit 6
    #[command(verbatim_doc_comment)]
    New(NewArgs),
    /// 列出所有案例包
    List,
    /// 把案例加进案例包（可一次加多个编号，默认放在最后）
    Add {
        /// 案例包名称
        name: String,
        /// 案例编号（检索结果方括号里的那串）
        #[arg(required = true, value_name = "编号")]
        ids: Vec<String>,
        /// 放在第几个（从 1 数）
        #[arg(long, value_name = "位置")]
        at: Option<usize>,
    },
    /// 从案例包里移除一个案例（按语会保留，可以用 restore 恢复）
    Remove {
        /// 案例包名称
        name: String,
        /// 案例编号
        #[arg(value_name = "编号")]
        id: String,
    },
    /// 恢复最近移除的案例（连同按语，放回原来的位置）
    Restore {
        /// 案例包名称
        name: String,
        /// 案例编号
        #[arg(value_name = "编号")]
        id: String,
    },
    /// 复制案例包（案例、按语、讨论题都复制；可以给新包另起标题）
    Copy {
        /// 原来的案例包名称
        from: String,
        /// 新案例包名称
        to: String,
        /// 新案例包的讲义标题（默认：原标题加“（副本）”）
        #[arg(long, value_name = "标题")]
        title: Option<String>,
    },
    /// 给案例包改名（也就是改文件名；讲义标题用网页或直接改文件）
    Rename {
        /// 现在的名称
        from: String,
        /// 新名称
        to: String,
    },
    /// 调整案例顺序：把一个案例挪到第 N 个
    Move {
        /// 案例包名称
        name: String,
        /// 案例编号
        #[arg(value_name = "编号")]
        id: String,
        /// 挪到第几个（从 1 数）
        #[arg(long, value_name = "位置")]
        to: usize,
    },
    /// 给案例写“教师按”（空字符串表示删掉）
    Note {
        /// 案例包名称
        name: String,
        /// 案例编号
        #[arg(value_name = "编号")]
        id: String,
        /// 按语内容
        #[arg(value_name = "按语")]
        text: String,
    },
    /// 添加讨论题（可一次加多道）；--clear 先清空原有的题
    Question {
        /// 案例包名称
        name: String,
        /// 讨论题
        #[arg(value_name = "讨论题")]
        questions: Vec<String>,
        /// 先清空原有的讨论题
        #[arg(long)]
        clear: bool,
    },
    /// 查看案例包：标题、案例顺序、按语、讨论题，以及已不在案例库中的案例
    Show {
        /// 案例包名称
        name: String,
    },
    /// 导出讲义：md（Markdown）、html（可打印成 PDF）或 docx（Word）
    Build {
        /// 案例包名称
        name: String,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// 把一个案例单独导出成讲义（不用建案例包）
    Case {
        /// 案例编号
        #[arg(value_name = "编号")]
        id: String,
        #[command(flatten)]
        out: OutputArgs,
    },
}

/// Where and how a handout is written.
#[derive(Debug, Args)]
struct OutputArgs {
    /// 格式
    #[arg(long, value_enum, default_value = "docx")]
    format: Format,
    /// 版本：teacher（教师用，含教师按）或 student（学员用，不含教师按，每个案例和讨论题后留出记笔记的空行）
    #[arg(long, value_enum, default_value = "teacher")]
    edition: Edition,
    /// 保存到哪个文件（默认：案例包名称或案例编号加扩展名，放在当前目录；- 表示输出到屏幕）
    #[arg(short, long, value_name = "文件")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// 案例包名称（也是文件名）：汉字、字母、数字、- 或 _
    name: String,
    /// 讲义标题
    #[arg(long, value_name = "标题")]
    title: String,
    /// 培训对象，例如“新任社区书记培训班”
    #[arg(long, value_name = "对象", default_value = "")]
    audience: String,
    /// 日期，例如 2026-11-21
    #[arg(long, value_name = "日期", default_value = "")]
    date: String,
    /// 编写人
    #[arg(long, value_name = "姓名", default_value = "")]
    author: String,
    /// 用这次检索的结果开头
    #[arg(long, value_name = "查询")]
    from_query: Option<String>,
    /// 从检索结果里取前几条（配合 --from-query，1–30）
    #[arg(long, default_value_t = packet::create::DEFAULT_FROM_QUERY, value_name = "条数")]
    limit: usize,
}

/// Handout formats, as `--format` offers them (with their help lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Markdown 文本
    Md,
    /// 一个网页文件，浏览器打开后可打印或另存为 PDF
    Html,
    /// Word 文档
    Docx,
}

/// Handout editions, as `--edition` offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Edition {
    /// 教师用：含教师按
    Teacher,
    /// 学员用：不含教师按，留出记笔记的空行
    Student,
}

impl From<Edition> for packet::Edition {
    fn from(e: Edition) -> packet::Edition {
        match e {
            Edition::Teacher => packet::Edition::Teacher,
            Edition::Student => packet::Edition::Student,
        }
    }
}

impl From<Format> for packet::Format {
    fn from(f: Format) -> packet::Format {
        match f {
            Format::Md => packet::Format::Markdown,
            Format::Html => packet::Format::Html,
            Format::Docx => packet::Format::Docx,
        }
    }
}

pub fn run(ctx: &Ctx, args: PacketArgs) -> Result<Outcome> {
    let store = ctx.packets();
    let say = |msg: String| ctx.say(msg);
    match args.command {
        PacketCommand::New(a) => new(ctx, &store, a),
        PacketCommand::List => list(&store),
        PacketCommand::Add { name, ids, at } => {
            let (engine, _) = ctx.engine()?;
            packet::require_cases(&engine, &ids)?;
            let (_, added) = store.update(&name, None, |p| p.add(&ids, at))?;
            let skipped = ids.len() - added.len();
            let mut msg = format!("已加入 {} 个案例", added.len());
            if skipped > 0 {
                msg.push_str(&format!("（{skipped} 个已在案例包里，没有重复加入）"));
            }
            say(msg);
            Ok(Outcome::Ok)
        }
        PacketCommand::Remove { name, id } => {
            store.update(&name, None, |p| p.remove(&id))?;
            say(format!(
                "已移除 {id}（按语还在，可以用 `anli packet restore {name} {id}` 恢复）"
            ));
            Ok(Outcome::Ok)
        }
        PacketCommand::Restore { name, id } => {
            let (stored, ()) = store.update(&name, None, |p| p.restore(&id))?;
            let at = stored.packet.ids().position(|x| x == id).unwrap_or(0) + 1;
            say(format!("已恢复 {id}，现在是第 {at} 个"));
            Ok(Outcome::Ok)
        }
        PacketCommand::Copy { from, to, title } => {
            let title = title.unwrap_or_else(|| {
                store
                    .load(&from)
                    .map(|s| format!("{}（副本）", s.packet.title))
                    .unwrap_or_default()
            });
            let stored = store.copy(&from, &to, Some(&title))?;
            say(format!(
                "已复制为“{to}”：{}（{} 个案例）",
                stored.packet.title,
                stored.packet.cases.len()
            ));
            Ok(Outcome::Ok)
        }
        PacketCommand::Rename { from, to } => {
            store.rename(&from, &to, None)?;
            say(format!(
                "已把“{from}”改名为“{to}”：{}",
                store.path(&to)?.display()
            ));
            Ok(Outcome::Ok)
        }
        PacketCommand::Move { name, id, to } => {
            store.update(&name, None, |p| p.move_to(&id, to))?;
            say(format!("已把 {id} 挪到第 {to} 个"));
            Ok(Outcome::Ok)
        }
        PacketCommand::Note { name, id, text } => {
            store.update(&name, None, |p| p.set_note(&id, &text))?;
            say("按语已保存".into());
            Ok(Outcome::Ok)
        }
        PacketCommand::Question {
            name,
            questions,
            clear,
        } => {
            let (stored, _) = store.update(&name, None, |p| {
                if clear {
                    p.questions.clear();
                }
                p.questions.extend(
                    questions
                        .iter()
                        .map(|q| packet::clean_text(q))
                        .filter(|q| !q.is_empty()),
                );
                Ok(())
            })?;
            say(format!(
                "现在共有 {} 道讨论题",
                stored.packet.questions.len()
            ));
            Ok(Outcome::Ok)
        }
        PacketCommand::Show { name } => {
            let (engine, _) = ctx.engine()?;
            let r = Resolved::new(&store.load(&name)?, &engine)?;
            show(&r)?;
            Ok(missing_outcome(&r))
        }
        PacketCommand::Build { name, out } => {
            let (engine, _) = ctx.engine()?;
            let r = Resolved::new(&store.load(&name)?, &engine)?;
            write_handout(ctx, &r, &name, out)
        }
        PacketCommand::Case { id, out } => {
            let (engine, _) = ctx.engine()?;
            let r = Resolved::single(&engine, &id)?;
            write_handout(ctx, &r, &id, out)
        }
    }
}

/// Render `r` as `out` asks and write it (to standard output for `-o -`).
fn write_handout(ctx: &Ctx, r: &Resolved, name: &str, out: OutputArgs) -> Result<Outcome> {
    let format = packet::Format::from(out.format);
    let edition = packet::Edition::from(out.edition);
    let bytes = format.render(r, edition)?;
    let path = out
        .output
        .unwrap_or_else(|| PathBuf::from(format.file_name(name, edition)));
    if path.as_os_str() == "-" {
        std::io::stdout().lock().write_all(&bytes)?;
    } else {
        std::fs::write(&path, &bytes).with_context(|| format!("无法写入 {}", path.display()))?;
        ctx.say(format!(
            "讲义已生成：{}（{}，{} 个案例，{} KB）",
            path.display(),
            edition.label(),
            r.entries.len(),
            bytes.len().div_ceil(1024)
        ));
    }
    for id in r.missing() {
        eprintln!("注意：案例 {id} 已不在案例库中，讲义里标为“缺失”");
    }
    Ok(missing_outcome(r))
}

fn missing_outcome(r: &Resolved) -> Outcome {
    if r.missing().is_empty() {
        Outcome::Ok
    } else {
        Outcome::Partial
    }
}

fn new(ctx: &Ctx, store: &PacketStore, a: NewArgs) -> Result<Outcome> {
    packet::check_name(&a.name)?;
    let from_query = a.from_query.is_some();
    let new = NewPacket {
        name: a.name.clone(),
        title: a.title,
        audience: a.audience,
        date: a.date,
        author: a.author,
        query: a.from_query,
        limit: Some(a.limit),
        ids: Vec::new(),
    };
    // The index is opened (and brought up to date) only when a search is to fill the packet.
    let engine = if from_query {
        Some(ctx.engine()?.0)
    } else {
        None
    };
    let stored = packet::create(store, engine.as_ref(), new)?;
    ctx.say(format!(
        "案例包“{}”已建好：{}（{} 个案例）。用 `anli packet show {}` 查看。",
        a.name,
        store.path(&a.name)?.display(),
        stored.packet.cases.len(),
        a.name
    ));
    Ok(Outcome::Ok)
}

fn list(store: &PacketStore) -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let all = store.list()?;
    if all.is_empty() {
        writeln!(
            out,
            "还没有案例包（{}）。用 `anli packet new 名称 --title 标题` 新建。",
            store.dir().display()
        )?;
        return Ok(Outcome::Ok);
    }
    let mut bad = false;
    for item in all {
        match item {
            Ok(s) => writeln!(
                out,
                "{}\t{}\t{} 个案例",
                s.name,
                s.packet.title,
                s.packet.cases.len()
            )?,
            Err(e) => {
                bad = true;
                eprintln!("错误 {e}");
            }
        }
    }
    Ok(if bad { Outcome::Partial } else { Outcome::Ok })
}

fn show(r: &Resolved) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", r.packet.title)?;
    for (label, value) in r.cover() {
        writeln!(out, "  {label}：{value}")?;
    }
    writeln!(out)?;
    for (i, e) in r.entries.iter().enumerate() {
        match e.case() {
            Some(c) => writeln!(out, "{}. {}  [{}]", i + 1, c.meta.title, c.meta.id)?,
            None => writeln!(out, "{}. （缺失：已不在案例库中）  [{}]", i + 1, e.id())?,
        }
        if !e.note().is_empty() {
            writeln!(
                out,
                "   教师按：{}",
                e.note().replace('\n', "\n           ")
            )?;
        }
    }
    if !r.packet.questions.is_empty() {
        writeln!(out, "\n讨论题：")?;
        for (i, q) in r.packet.questions.iter().enumerate() {
            writeln!(out, "  {}. {q}", i + 1)?;
        }
    }
    Ok(())
}
