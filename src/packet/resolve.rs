//! A packet's case ids looked up in the index: what every view and handout is made from. A case
//! that has left the corpus stays in the packet as missing, never dropped.

use std::time::SystemTime;

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
    /// When this was resolved.
    pub built_at: SystemTime,
    /// One case on its own ([`Resolved::single`]): its handout has no cover and contents.
    pub single: bool,
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
            built_at: SystemTime::now(),
            single: false,
        })
    }

    /// Case `id` on its own, as a one-case handout titled with the case's title.
    pub fn single(engine: &Engine, id: &str) -> Result<Resolved> {
        if !crate::case::front_matter::valid_id(id) {
            return Err(Error::CaseNotFound(id.to_string()));
        }
        let case = engine.case(id)?;
        let mut packet = Packet::new(case.meta.title.clone());
        packet.cases.push(super::PacketCase {
            id: id.to_string(),
            note: String::new(),
        });
        Ok(Resolved {
            name: id.to_string(),
            packet,
            version: String::new(),
            entries: vec![Entry::Found {
                case: Box::new(case),
                note: String::new(),
            }],
            corpus_version: engine.meta().corpus,
            built_at: SystemTime::now(),
            single: true,
        })
    }

    /// When this was built, in the computer's local time, as Chinese write dates:
    /// `2026年11月21日 18:05` (with the offset from UTC where it is not China's +8).
    pub fn built_at_text(&self) -> String {
        local_time_text(self.built_at, &jiff::tz::TimeZone::system())
    }

    /// Ids the corpus no longer has.
    pub fn missing(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.case().is_none())
            .map(Entry::id)
            .collect()
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

/// `t` in time zone `tz` as `2026年11月21日 18:05`, followed by `（UTC+0）` and the like where
/// the zone is not China's (UTC+8).
pub fn local_time_text(t: SystemTime, tz: &jiff::tz::TimeZone) -> String {
    let Ok(ts) = jiff::Timestamp::try_from(t) else {
        return String::new();
    };
    let z = ts.to_zoned_datetime(tz.clone());
    let mut out = format!(
        "{}年{}月{}日 {:02}:{:02}",
        z.year(),
        z.month(),
        z.day(),
        z.hour(),
        z.minute()
    );
    let offset = z.offset().seconds();
    if offset != 8 * 3600 {
        let sign = if offset < 0 { '-' } else { '+' };
        let (h, m) = (offset.abs() / 3600, offset.abs() % 3600 / 60);
        if m == 0 {
            out.push_str(&format!("（UTC{sign}{h}）"));
        } else {
            out.push_str(&format!("（UTC{sign}{h}:{m:02}）"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn build_times_read_as_local_chinese_dates() {
        // 2026-11-21T10:05:00Z
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_255_500);
        let fixed = |h: i8| jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(h));
        assert_eq!(local_time_text(t, &fixed(8)), "2026年11月21日 18:05");
        assert_eq!(
            local_time_text(t, &fixed(0)),
            "2026年11月21日 10:05（UTC+0）"
        );
        assert_eq!(
            local_time_text(t, &fixed(-5)),
            "2026年11月21日 05:05（UTC-5）"
        );
    }
}
