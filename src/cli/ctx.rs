//! What every command works with: the global options, and the library, engine and packet store
//! they point at — opened, and the index brought up to date, on demand.

use anyhow::Result;

use anli::index::{listing_fingerprint, Freshness, IndexOptions, IndexReport, Library};
use anli::packet::PacketStore;
use anli::{Engine, Error};

use super::output::Bar;
use super::Global;

/// The context of one command.
pub struct Ctx {
    pub global: Global,
}

impl Ctx {
    /// A progress or status line on stderr, unless `--quiet`.
    pub fn say(&self, msg: impl AsRef<str>) {
        if !self.global.quiet {
            eprintln!("{}", msg.as_ref());
        }
    }

    /// The library the options name (schema files and analyzer loaded).
    pub fn library(&self) -> Result<Library> {
        let g = &self.global;
        Ok(Library::open(&g.corpus, &g.index, &g.schema)?)
    }

    /// The packet folder.
    pub fn packets(&self) -> PacketStore {
        PacketStore::new(&self.global.packets)
    }

    /// Open the engine, building or refreshing the index first when it is missing or stale;
    /// also returns the library it was opened from.
    pub fn engine(&self) -> Result<(Engine, Library)> {
        // Stat the corpus files on another thread while jieba loads its dictionary (~0.1 s).
        let corpus = self.global.corpus.clone();
        let listing = std::thread::spawn(move || listing_fingerprint(&corpus));
        let lib = self.library()?;
        let freshness = lib.freshness_given(|| {
            listing
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })?;
        match freshness {
            Freshness::Fresh => {}
            Freshness::Missing if !lib.corpus.is_dir() => {
                return Err(Error::NoCorpus {
                    path: lib.corpus.clone(),
                }
                .into())
            }
            other => {
                let why = match other {
                    Freshness::Missing => "还没有索引，正在建立…",
                    Freshness::SchemaChanged => "词典或字段表有变化，正在重建索引…",
                    _ => "案例有改动，正在更新索引…",
                };
                self.say(why);
                match self.run_index(&lib, &IndexOptions::default()) {
                    Ok(report) => self.report_index(&report),
                    Err(Error::IndexLocked { .. }) if other != Freshness::Missing => {
                        self.say("另一个 anli 正在更新索引，先用现有索引检索。");
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok((Engine::open(&lib)?, lib))
    }

    /// Index `lib`, with a progress bar on a terminal.
    pub fn run_index(&self, lib: &Library, options: &IndexOptions) -> Result<IndexReport, Error> {
        let bar = Bar::new(self.global.quiet);
        lib.index(options, &bar)
    }

    /// Print what an indexing run did: skipped files, why it rebuilt, the counts.
    pub fn report_index(&self, report: &IndexReport) {
        for w in &report.warnings {
            tracing::warn!("{w}");
        }
        for e in &report.errors {
            eprintln!("跳过 {e}");
        }
        if let Some(why) = &report.rebuilt {
            self.say(why);
        }
        let skipped = if report.errors.is_empty() {
            String::new()
        } else {
            format!("；{} 个文件有问题被跳过（见上）", report.errors.len())
        };
        let keyword = if report.encoded > 0 {
            format!(
                "（关键词索引 {:.2} 秒时已可检索）",
                report.keyword_elapsed.as_secs_f64()
            )
        } else {
            String::new()
        };
        self.say(format!(
            "索引完成：共 {} 个案例（新增 {}，更新 {}，删除 {}，未变 {}；计算语义向量 {} 个）{skipped}，用时 {:.2} 秒{keyword}",
            report.total,
            report.added,
            report.updated,
            report.removed,
            report.unchanged,
            report.encoded,
            report.elapsed.as_secs_f64()
        ));
    }
}
