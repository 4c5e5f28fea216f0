//! Starting a packet: the one set of rules the CLI (`anli packet new`) and the service
//! (`POST /api/packets`, the new-packet form) share.

use serde::Deserialize;

use super::resolve::require_cases;
use super::{check_name, clean_line, Packet, PacketStore, StoredPacket};
use crate::error::{Error, QueryError, Result};
use crate::search::{Engine, Filters, SearchMode, SearchRequest, MAX_QUERY_CHARS};

/// Most cases a packet started from a search takes: a class reads a handful, and a longer list
/// is better built by hand.
pub const MAX_FROM_QUERY: usize = 30;
/// Cases taken from the search when no number is given.
pub const DEFAULT_FROM_QUERY: usize = 6;

/// What a new packet starts with (also the body of `POST /api/packets`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPacket {
    /// Name, which is the file name: see [`check_name`]. Empty: made from the title
    /// ([`name_from_title`]), made free with a number if taken.
    #[serde(default)]
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub author: String,
    /// Start from this search: its first `limit` results are added after `ids`.
    #[serde(default)]
    pub query: Option<String>,
    /// How many results of `query` to take: 1 to [`MAX_FROM_QUERY`], default
    /// [`DEFAULT_FROM_QUERY`].
    #[serde(default)]
    pub limit: Option<usize>,
    /// Cases to start with; each must be in the index.
    #[serde(default)]
    pub ids: Vec<String>,
}

/// Create the packet `new` describes: the name is checked, text fields are cleaned as edits
/// clean them ([`clean_line`]: one line, no control characters), `ids` must name
/// indexed cases, and a non-blank `query` adds the first `limit` results of that search (the
/// query is kept in the packet). Fails with [`Error::PacketExists`] if the name is taken
/// (the error suggests a free one); without a name, one is made from the title.
///
/// `engine` looks the cases up; `None` will do for a packet with no `ids` and no `query` (the
/// CLI does not open the index for an empty packet), and is refused otherwise.
pub fn create(
    store: &PacketStore,
    engine: Option<&Engine>,
    new: NewPacket,
) -> Result<StoredPacket> {
    let title = clean_line(&new.title);
    let name = match new.name.trim() {
        "" => store.free_name(&name_from_title(&title))?,
        n => n.to_string(),
    };
    check_name(&name)?;
    let mut p = Packet::new(title);
    p.audience = clean_line(&new.audience);
    p.date = clean_line(&new.date);
    p.author = clean_line(&new.author);
    let query = new.query.as_deref().map(clean_line);
    let query = query.as_deref().filter(|q| !q.is_empty());
    if new.ids.is_empty() && query.is_none() {
        return store.create(&name, &p);
    }
    let engine = engine
        .ok_or_else(|| Error::PacketEdit("要按编号或检索结果加入案例，需要先打开索引".into()))?;
    require_cases(engine, &new.ids)?;
    p.add(&new.ids, None)?;
    if let Some(q) = query {
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong {
                max: MAX_QUERY_CHARS,
            }
            .into());
        }
        let limit = new.limit.unwrap_or(DEFAULT_FROM_QUERY);
        if !(1..=MAX_FROM_QUERY).contains(&limit) {
            return Err(QueryError::Limit {
                max: MAX_FROM_QUERY,
            }
            .into());
        }
        p.query = Some(q.to_string());
        p.add(&search_ids(engine, q, limit)?, None)?;
    }
    store.create(&name, &p)
}

/// A packet name made from a title: its letters and digits (at most 20), or 案例包.
pub fn name_from_title(title: &str) -> String {
    let stem: String = title
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .skip_while(|c| *c == '-')
        .take(20)
        .collect();
    if check_name(&stem).is_ok() {
        stem
    } else {
        "案例包".to_string()
    }
}

/// The ids of the first `limit` results of a search, to start a packet from.
fn search_ids(engine: &Engine, query: &str, limit: usize) -> Result<Vec<String>> {
    let results = engine.search(&SearchRequest {
        query: query.to_string(),
        limit,
        offset: 0,
        filters: Filters::default(),
        mode: SearchMode::default(),
        literal: false,
    })?;
    Ok(results.hits.into_iter().map(|h| h.id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_titles() {
        assert_eq!(
            name_from_title("老旧小区加装电梯专题（二期）"),
            "老旧小区加装电梯专题二期"
        );
        assert_eq!(name_from_title("—— ！"), "案例包");
        assert_eq!(name_from_title("-x 1"), "x1");
        assert_eq!(name_from_title(&"长".repeat(50)).chars().count(), 20);
    }

    #[test]
    fn a_packet_without_a_name_is_named_after_its_title() {
        let dir = tempfile::tempdir().unwrap();
        let store = PacketStore::new(dir.path());
        let new = || NewPacket {
            title: "停车难专题".into(),
            ..NewPacket::default()
        };
        assert_eq!(create(&store, None, new()).unwrap().name, "停车难专题");
        assert_eq!(create(&store, None, new()).unwrap().name, "停车难专题-2");
        let taken = NewPacket {
            name: "停车难专题".into(),
            ..new()
        };
        let err = create(&store, None, taken).unwrap_err().to_string();
        assert!(err.contains("停车难专题-3"), "{err}");
    }
}
