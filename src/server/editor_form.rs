//! The packet editor's form as it was submitted ([`Submitted`]: the button, every field with the
//! fingerprint it started from) and a conflict as the page shows it: what the editor's handlers
//! (`packet_editor.rs`) read and what its page (`editor_view.rs`) shows.

use std::collections::HashMap;

use serde::Serialize;

use crate::packet::{Field, FieldEdit};

/// The editor form as submitted.
#[derive(Debug, Default)]
pub(super) struct Submitted {
    pub(super) op: String,
    pub(super) edits: Vec<FieldEdit>,
    pub(super) q: String,
    pub(super) add: String,
    pub(super) copy_name: String,
    pub(super) copy_title: String,
    pub(super) rename: String,
}

impl Submitted {
    pub(super) fn parse(pairs: Vec<(String, String)>) -> Submitted {
        let mut s = Submitted::default();
        let mut bases: HashMap<String, String> = HashMap::new();
        let mut texts: Vec<(Field, String)> = Vec::new();
        for (k, v) in pairs {
            match k.as_str() {
                "op" => s.op = v,
                "q" => s.q = v,
                "add" => s.add = v,
                "copy_name" => s.copy_name = v,
                "copy_title" => s.copy_title = v,
                "rename" => s.rename = v,
                _ => {
                    if let Some(key) = k.strip_prefix("base:") {
                        bases.insert(key.to_string(), v);
                    } else if let Some(field) = Field::from_key(&k) {
                        texts.push((field, v));
                    }
                }
            }
        }
        s.edits = texts
            .into_iter()
            .map(|(field, text)| FieldEdit {
                base: bases.get(&field.key()).cloned(),
                field,
                text,
            })
            .collect();
        s
    }

    /// The page as it was typed: every field with the base it was sent with.
    pub(super) fn as_typed(&self) -> HashMap<String, (String, String)> {
        self.edits
            .iter()
            .map(|e| {
                (
                    e.field.key(),
                    (e.text.clone(), e.base.clone().unwrap_or_default()),
                )
            })
            .collect()
    }
}

/// A conflict as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictView {
    pub key: String,
    pub label: &'static str,
    /// What was typed here (not saved).
    pub yours: String,
    /// What is saved now; `null` when the case is no longer in the packet.
    pub theirs: Option<String>,
}
