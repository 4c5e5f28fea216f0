//! How results, progress and errors look on a terminal.

use std::io::{IsTerminal, Write};

use anli::eval::lecard::LecardReport;
use anli::eval::similar::SimilarReport;
use anli::eval::topics::TopicReport;
use anli::eval::EvalReport;
use anli::index::Progress;
use anli::search::{SearchMode, SearchResults, Why};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

/// Print an error with its chain of causes, like ripgrep.
pub fn print_error(err: &anyhow::Error) {
    let mut msg = format!("anli: 出错了：{err}");
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg.push_str(&format!("\n  原因：{c}"));
        }
    }
    eprintln!("{msg}");
}

/// Print search results as text or as the one JSON object other tools read.
pub fn results(r: &SearchResults, json: bool, offset: usize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, r)?;
        writeln!(out)?;
        return Ok(());
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if let Some(c) = &r.corrected {
        let why = match c.reason {
            anli::search::Reason::Pinyin => "按拼音理解为",
            anli::search::Reason::Typo => "没有这个说法，改按",
        };
        writeln!(
            out,
            "“{}”{why}“{}”检索（要按原样检索，加 --literal）。",
            r.query, c.query
        )?;
    }
    for s in &r.suggestions {
        writeln!(out, "你要找的是不是：{}", s.query)?;
    }
    if r.hits.is_empty() {
        writeln!(
            out,
            "没有找到相关案例。可以换个说法、只写最关键的词，或用 --topic 按主题列出案例{}。",
            if r.total > 0 {
                "（这一页之后没有了）"
            } else {
                ""
            }
        )?;
        return Ok(());
    }
    if r.query.is_empty() {
        writeln!(out, "共 {} 个案例（新的在前）：", r.total)?;
    } else if r.by_meaning > 0 {
        writeln!(
            out,
            "共找到 {} 个相关案例（{} 个含有查询里的词，{} 个意思相近）：",
            r.total,
            r.total - r.by_meaning,
            r.by_meaning
        )?;
    } else {
        writeln!(out, "共找到 {} 个相关案例：", r.total)?;
    }
    if !r.topics_guess.is_empty() {
        writeln!(out, "这个问题可能属于：{}", r.topics_guess.join(" · "))?;
    }
    writeln!(out)?;
    for (i, h) in r.hits.iter().enumerate() {
        let title = if color {
            format!("\x1b[1m{}\x1b[0m", h.title)
        } else {
            h.title.clone()
        };
        writeln!(out, "{}. {title}  [{}]", offset + i + 1, h.id)?;
        let mut meta = Vec::new();
        if let Some(r) = &h.region {
            meta.push(r.clone());
        }
        if let Some(y) = h.year {
            meta.push(format!("{y}年"));
        }
        if !h.topics.is_empty() {
            meta.push(h.topics.join("、"));
        }
        if h.why != Why::Listed {
            meta.push(format!("相关度 {:.2}", h.score));
        }
        if h.why == Why::Meaning {
            meta.push("意思相近".to_string());
        }
        writeln!(out, "   {}", meta.join(" · "))?;
        let label = h.section.label();
        writeln!(
            out,
            "   【{label}】{}\n",
            terminal_snippet(&h.snippet, color)
        )?;
    }
    Ok(())
}

/// Everything `anli eval` measured.
#[derive(Debug, Serialize)]
pub struct Evaluation {
    /// The judged queries, once per mode.
    pub judged: Vec<EvalReport>,
    /// The labelled messages, once per mode (empty without `--messages`).
    pub messages: Vec<TopicReport>,
    /// Whether each case's most similar cases share its main topic.
    pub similar: SimilarReport,
    /// Similar cases on LeCaRD's pools (with `--lecard`).
    pub lecard: Option<LecardReport>,
    /// The mode whose queries are listed one by one.
    pub listed: SearchMode,
}

/// Print an evaluation: each mode on the judged queries (and on the labelled messages), then
/// the listed mode's queries, worst first.
pub fn eval(e: &Evaluation, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, e)?;
        writeln!(out)?;
        return Ok(());
    }
    let queries = e.judged.first().map_or(0, |r| r.overall.queries);
    writeln!(
        out,
        "标注查询（{queries} 条；关键词、问题描述两列是 nDCG@10）："
    )?;
    writeln!(
        out,
        "{:<9} {:>7} {:>6} {:>6} {:>9} {:>7} {:>9}",
        "排序方式", "nDCG@10", "P@5", "MRR", "recall@20", "关键词", "问题描述"
    )?;
    for r in &e.judged {
        let m = &r.overall;
        writeln!(
            out,
            "{:<9} {:>7.3} {:>6.3} {:>6.3} {:>9.3} {:>7.3} {:>9.3}",
            r.mode.as_str(),
            m.ndcg10,
            m.p5,
            m.mrr,
            m.recall20,
            r.keyword.ndcg10,
            r.description.ndcg10
        )?;
    }
    if let Some(first) = e.messages.first() {
        writeln!(
            out,
            "\n居民留言（{} 条，按主题标注；案例的主题含留言的主题即算对）：",
            first.title.messages
        )?;
        writeln!(
            out,
            "{:<9} {:>9} {:>10} {:>9} {:>10}",
            "排序方式", "标题 P@5", "标题 MRR", "正文 P@5", "正文 MRR"
        )?;
        for r in &e.messages {
            writeln!(
                out,
                "{:<9} {:>9.3} {:>10.3} {:>9.3} {:>10.3}",
                r.mode.as_str(),
                r.title.p5,
                r.title.mrr,
                r.text.p5,
                r.text.mrr
            )?;
        }
    }
    let s = &e.similar;
    writeln!(
        out,
        "\n相似案例（{} 个案例各找 {} 个）：最相似的一个主要主题相同 {:.3}，前 {} 个里主要主题相同 {:.3}",
        s.cases,
        anli::eval::similar::DEPTH,
        s.first,
        anli::eval::similar::DEPTH,
        s.top
    )?;
    if !s.misses.is_empty() {
        let list: Vec<String> = s.misses.iter().map(|(a, b)| format!("{a} → {b}")).collect();
        writeln!(out, "  最相似的一个主题不同：{}", list.join("；"))?;
    }
    if let Some(l) = &e.lecard {
        writeln!(
            out,
            "\nLeCaRD 类案检索（{} 条查询，每条 100 个候选）：NDCG@30 {:.3}（论文公布的 BM25 {:.3}，LMIR {:.3}）",
            l.queries, l.ndcg30, l.bm25, l.lmir
        )?;
    }
    let Some(r) = e.judged.iter().find(|r| r.mode == e.listed) else {
        return Ok(());
    };
    writeln!(out, "\n逐条（{}，最差的在前）：", r.mode.as_str())?;
    for q in &r.queries {
        writeln!(
            out,
            "{:<6} nDCG {:.3}  P@5 {:.2}  RR {:.2}  R@20 {:.2}  相关 {:>2}  {}",
            q.qid, q.ndcg10, q.p5, q.rr, q.recall20, q.relevant, q.query
        )?;
    }
    if !r.unjudged.is_empty() {
        writeln!(
            out,
            "\n没有相关标注、未计分的查询：{}",
            r.unjudged.join(" ")
        )?;
    }
    Ok(())
}

/// Turn the HTML snippet into terminal text: `<em>` becomes bold red (or 「」 when piped).
fn terminal_snippet(html: &str, color: bool) -> String {
    let (open, close) = if color {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("「", "」")
    };
    html.replace("<em>", open)
        .replace("</em>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A progress bar on stderr; draws nothing when stderr is not a terminal or with `--quiet`.
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new(quiet: bool) -> Bar {
        Bar::counting(quiet, "个案例")
    }

    /// A bar counting `unit`s (`个文件`).
    pub fn counting(quiet: bool, unit: &str) -> Bar {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{per_sec}}, 还需 {{eta}})"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Bar { bar }
    }
}

impl Progress for Bar {
    fn start(&self, total: u64, message: &str) {
        // One bar serves each stage of a run (encoding, then indexing): start it afresh.
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_message(message.to_string());
    }

    fn inc(&self) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
