//! A packet's case ids looked up in the index: what every view and handout is made from. A case
//! that has left the corpus stays in the packet as missing, never dropped.

use super::{Packet, StoredPacket};
use crate::case::Case;
use crate::error::{Error, Result};
use crate::search::Engine;

/// One case of a resolved packet.
#[derive(Debug, Clone)]
pub enum Entry {
    /// The case is in the index.
    Found {
        case: Box<Case>,
        /// The instructor's note.
        note: String,
    },
    /// The id is no longer in the corpus.
    Missing {
        /// The id the packet names.
        id: String,
        /// The instructor's note.
        note: String,
    },
}

impl Entry {
    /// The case id.
    pub fn id(&self) -> &str {
        match self {
            Entry::Found { case, .. } => &case.meta.id,
            Entry::Missing { id, .. } => id,
        }
    }

    /// The instructor's note.
    pub fn note(&self) -> &str {
        match self {
            Entry::Found { note, .. } | Entry::Missing { note, .. } => note,
        }
    }

    /// The case, when it exists.
    pub fn case(&self) -> Option<&Case> {
        match self {
            Entry::Found { case, .. } => Some(case),
            Entry::Missing { .. } => None,
        }
    }
}

/// A packet with its cases looked up: what every view and export is made from.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Packet name.
    pub name: String,
    pub packet: Packet,
    /// Its version (see [`StoredPacket::version`]).
    pub version: String,
    /// The cases in order.
    pub entries: Vec<Entry>,
    /// Fingerprint of the indexed corpus the cases were taken from.
    pub corpus_version: String,
    /// When this was resolved, RFC 3339 (UTC).
    pub built_at: String,
}

impl Resolved {
    /// Look the packet's cases up in `engine`'s index.
    pub fn new(stored: &StoredPacket, engine: &Engine) -> Result<Resolved> {
        let mut entries = Vec::with_capacity(stored.packet.cases.len());
        for pc in &stored.packet.cases {
            let note = pc.note.clone();
            entries.push(match engine.case(&pc.id) {
                Ok(case) => Entry::Found {
                    case: Box::new(case),
                    note,
                },
                Err(Error::CaseNotFound(_)) => Entry::Missing {
                    id: pc.id.clone(),
                    note,
                },
                Err(e) => return Err(e),
            });
        }
        Ok(Resolved {
            name: stored.name.clone(),
            packet: stored.packet.clone(),
            version: stored.version.clone(),
            entries,
            corpus_version: engine.meta().corpus,
            built_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        })
    }

    /// Ids the corpus no longer has.
    pub fn missing(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.case().is_none())
            .map(Entry::id)
            .collect()
    }

    /// The case ids, comma-separated, for the provenance line.
    pub fn ids_line(&self) -> String {
        let ids: Vec<&str> = self.entries.iter().map(Entry::id).collect();
        ids.join(", ")
    }

    /// The provenance line every export ends with.
    pub fn provenance(&self) -> String {
        format!(
            "由 anli 生成于 {}；案例库版本 {}；案例编号：{}",
            self.built_at,
            short(&self.corpus_version),
            if self.entries.is_empty() {
                "（无）".to_string()
            } else {
                self.ids_line()
            }
        )
    }

    /// Cover lines: (label, value) for the fields that are filled in.
    pub fn cover(&self) -> Vec<(&'static str, String)> {
        let p = &self.packet;
        let mut out = Vec::new();
        for (label, value) in [
            ("培训对象", &p.audience),
            ("日期", &p.date),
            ("编写", &p.author),
        ] {
            if !value.trim().is_empty() {
                out.push((label, value.trim().to_string()));
            }
        }
        if let Some(q) = p.query.as_deref().filter(|q| !q.trim().is_empty()) {
            out.push(("检索词", q.trim().to_string()));
        }
        out.push(("案例数", self.entries.len().to_string()));
        out
    }
}

/// Check that every id names a case in `engine`'s index ([`Error::CaseNotFound`] for the first
/// that does not; ids that are not even well-formed are not looked up).
pub fn require_cases(engine: &Engine, ids: &[String]) -> Result<()> {
    for id in ids {
        if !crate::case::front_matter::valid_id(id) {
            return Err(Error::CaseNotFound(id.clone()));
        }
        engine.case(id)?;
    }
    Ok(())
}

/// The first 16 hex digits of a fingerprint (enough to tell versions apart on paper).
pub fn short(fingerprint: &str) -> &str {
    fingerprint.get(..16).unwrap_or(fingerprint)
}
