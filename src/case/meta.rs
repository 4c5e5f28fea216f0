//! What a case file says about itself in its front matter: [`CaseMeta`], the one list of case
//! metadata fields. The parsed case, the stored JSON and the rendered page all carry it whole
//! (as zola's page carries its front matter).

use serde::{Deserialize, Serialize};

/// Where a case comes from: a published report, or an illustrative case we wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseKind {
    /// `报道`: built from a published report, which `source` names.
    #[serde(rename = "报道")]
    Report,
    /// `示例`: an illustrative case with an invented community.
    #[serde(rename = "示例")]
    Example,
}

impl CaseKind {
    /// The Chinese label used in front matter.
    pub fn label(self) -> &'static str {
        match self {
            CaseKind::Report => "报道",
            CaseKind::Example => "示例",
        }
    }
}

/// The validated front matter of a case. Field names are the front matter keys
/// ([`KNOWN_KEYS`]), and the order of the fields is the order of the stored JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseMeta {
    /// Unique id: lowercase letters and digits in hyphen-separated groups.
    pub id: String,
    pub title: String,
    /// Topics from the controlled vocabulary (`schema/topics.toml`); the first is the main one.
    pub topics: Vec<String>,
    /// Region hierarchy, `省/市/区`, segments trimmed and joined by `/`.
    pub region: Option<String>,
    pub community: Option<String>,
    pub year: Option<i64>,
    /// Outlet and date for a report.
    pub source: Option<String>,
    pub source_url: Option<String>,
    /// Free keywords.
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub kind: Option<CaseKind>,
}

/// The front matter keys anli reads; any other key is reported as a warning.
pub const KNOWN_KEYS: &[&str] = &[
    "id",
    "title",
    "topics",
    "region",
    "community",
    "year",
    "source",
    "source_url",
    "tags",
    "summary",
    "kind",
];

impl CaseMeta {
    /// The region's path segments (`["北京市", "海淀区"]`).
    pub fn region_path(&self) -> Vec<&str> {
        self.region
            .as_deref()
            .map(region_segments)
            .unwrap_or_default()
    }
}

/// Split a region like `北京市/海淀区` into trimmed, non-empty segments.
pub fn region_segments(region: &str) -> Vec<&str> {
    region
        .split(['/', '／'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_are_the_fields_of_case_meta() {
        let json = serde_json::to_value(CaseMeta::default()).unwrap();
        let fields: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut known = KNOWN_KEYS.to_vec();
        known.sort_unstable();
        // serde_json's map is sorted by key.
        assert_eq!(fields, known);
    }

    #[test]
    fn region_segments_trim_and_skip_empty() {
        assert_eq!(region_segments("北京市/海淀区"), vec!["北京市", "海淀区"]);
        assert_eq!(
            region_segments(" 湖北省 / 武汉市//江汉区/ "),
            vec!["湖北省", "武汉市", "江汉区"]
        );
        assert!(region_segments("").is_empty());
    }
}
