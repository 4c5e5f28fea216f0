//! The "加入案例包" forms on the results and case pages: the packets a visitor who may write can
//! add to (the one worked on last first), and the notice after adding.

use axum::extract::Query;
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use super::links::packet_url;
use super::packet_ops;
use super::AppState;

/// A packet in the picker.
#[derive(Serialize)]
struct Choice {
    #[serde(skip)]
    modified: Option<std::time::SystemTime>,
    name: String,
    title: String,
    cases: usize,
}

/// What the forms need: whether the visitor may write, and the packets. The packets come from
/// the store's summaries (a file is read again only when it changed), on the blocking pool.
pub async fn picker(state: &AppState, can_write: bool) -> Value {
    let mut packets: Vec<Choice> = if can_write {
        packet_ops::summaries(state)
            .await
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .map(|s| Choice {
                modified: s.modified,
                name: s.name,
                title: s.title,
                cases: s.cases,
            })
            .collect()
    } else {
        Vec::new()
    };
    // The packet worked on last comes first, so it is the one preselected.
    packets.sort_by_key(|c| std::cmp::Reverse(c.modified));
    context! { can_write, packets }
}

/// The `added=NAME` parameter the "加入案例包" form redirects back with.
#[derive(Deserialize)]
pub struct Added {
    added: Option<String>,
}

/// The packet just added to, and its page, when the parameter names one.
pub fn added_notice(added: Option<Query<Added>>) -> (Option<String>, Option<String>) {
    let name = added
        .and_then(|Query(a)| a.added)
        .filter(|n| crate::packet::check_name(n).is_ok());
    let url = name.as_deref().map(packet_url);
    (name, url)
}
