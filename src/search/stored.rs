//! What a search reads back from the stored case of each hit: only the fields a hit shows, with
//! the sections' Markdown skipped rather than copied (the case page reads the whole case).

use crate::case::SectionKind;

/// The part of a stored case a search hit needs (the sections' Markdown is left unread).
#[derive(serde::Deserialize)]
pub(super) struct HitDoc<'a> {
    pub(super) id: String,
    pub(super) title: String,
    #[serde(default)]
    pub(super) topics: Vec<String>,
    pub(super) region: Option<String>,
    pub(super) year: Option<i64>,
    #[serde(borrow)]
    pub(super) summary: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) sections: Vec<HitSection<'a>>,
}

#[derive(serde::Deserialize)]
pub(super) struct HitSection<'a> {
    pub(super) kind: SectionKind,
    #[serde(borrow)]
    pub(super) text: std::borrow::Cow<'a, str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Case;
    use crate::search::snippet;

    #[test]
    fn a_hit_reads_what_it_shows_from_the_stored_case_and_gets_the_same_snippet() {
        let case: Case = serde_json::from_str(
            r#"{"id":"elevator-09","title":"老楼加梯","topics":["加装电梯"],"region":"北京市/海淀区",
                "community":null,"year":2023,"source":null,"source_url":null,"tags":[],
                "summary":"一楼住户\"担心采光\"。","kind":null,"path":"e.md","hash":"h",
                "sections":[
                  {"heading":"背景","kind":"background","markdown":"老楼**没有**电梯。","text":"老楼没有电梯。","line":5},
                  {"heading":"做法","kind":"measures","markdown":"1. 先算账\n2. 再加梯","text":"先算账\n再加梯，电梯费用按楼层分摊。","line":9}
                ]}"#,
        )
        .unwrap();
        let json = serde_json::to_string(&case).unwrap();
        let hit: HitDoc<'_> = serde_json::from_str(&json).unwrap();
        assert_eq!(
            (hit.id.as_str(), hit.title.as_str()),
            ("elevator-09", "老楼加梯")
        );
        assert_eq!(hit.topics, case.meta.topics);
        assert_eq!(
            (hit.region.clone(), hit.year),
            (case.meta.region.clone(), case.meta.year)
        );
        let sections: Vec<(SectionKind, &str)> = hit
            .sections
            .iter()
            .map(|s| (s.kind, s.text.as_ref()))
            .collect();
        for terms in [
            vec![("电梯".to_string(), 1.0)],
            vec![("采光".to_string(), 1.0)],
        ] {
            let h = snippet::Highlighter::new(&terms);
            assert_eq!(
                h.snippet_of(&sections, hit.summary.as_deref()),
                h.snippet(&case)
            );
        }
        let h = snippet::Highlighter::new(&[("电梯".to_string(), 1.0)]);
        assert_eq!(h.snippet(&case).section, "measures", "做法 is preferred");
    }
}
