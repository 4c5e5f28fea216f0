//! Highlighted snippets: the passage of a case that best shows why it matched.
//!
//! Matching is by the query's tokens (typed words, synonyms, the dictionary words inside them)
//! found in the normalized section text with Aho–Corasick, so `电梯` lights up inside
//! `加装电梯` and `１２３４５` matches `12345`. The snippet comes from 做法 (measures) when the
//! query matches there — that is what secretaries look for — otherwise from the section with the
//! best matches. Text is HTML-escaped; matches are wrapped in `<em>…</em>`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::analysis::Normalized;
use crate::case::{Case, SectionKind};

/// Target snippet length in characters.
pub const SNIPPET_CHARS: usize = 120;

/// A snippet and the section it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// HTML-escaped text with `<em>` around matches.
    pub html: String,
    /// Where it came from: a section, or the summary.
    pub section: SectionKind,
}

/// A section that matched: score, its text, the matches, and where it came from.
type Candidate<'a> = (f32, &'a str, Vec<(usize, usize, usize)>, SectionKind);

/// Finds and marks query terms in case text.
#[derive(Debug, Clone)]
pub struct Highlighter {
    ac: Option<AhoCorasick>,
    weights: Vec<f32>,
}

impl Highlighter {
    /// A highlighter for `terms` (normalized) with weights.
    pub fn new(terms: &[(String, f32)]) -> Highlighter {
        let terms: Vec<&(String, f32)> = terms.iter().filter(|(t, _)| !t.is_empty()).collect();
        // A contiguous NFA: building a DFA costs more than the few KB of text per query it
        // would search faster.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(terms.iter().map(|(t, _)| t.as_str()))
            .ok()
            .filter(|_| !terms.is_empty());
        Highlighter {
            ac,
            weights: terms.iter().map(|(_, w)| *w).collect(),
        }
    }

    /// Matches in `text`: (start, end, pattern) as byte offsets of `text`.
    fn matches(&self, text: &str, norm: &mut Normalized) -> Vec<(usize, usize, usize)> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        norm.normalize(text);
        let normalized = norm.text(text);
        ac.find_iter(normalized)
            .map(|m| {
                (
                    norm.to_original(m.start()),
                    norm.to_original(m.end()),
                    m.pattern().as_usize(),
                )
            })
            .collect()
    }

    fn score(&self, matches: &[(usize, usize, usize)]) -> f32 {
        let mut seen: Vec<usize> = Vec::new();
        let mut s = 0.0;
        for &(_, _, p) in matches {
            if seen.contains(&p) {
                s += 0.1 * self.weights[p];
            } else {
                seen.push(p);
                s += self.weights[p];
            }
        }
        s
    }

    /// The best snippet of `case`.
    pub fn snippet(&self, case: &Case) -> Snippet {
        let sections: Vec<(SectionKind, &str)> = case
            .sections
            .iter()
            .map(|s| (s.kind, s.text.as_str()))
            .collect();
        self.snippet_of(&sections, case.meta.summary.as_deref())
    }

    /// The best snippet from a case's sections (kind and plain text, in file order) and summary.
    /// 做法 sections are searched first; the others only when no 做法 section matches.
    pub fn snippet_of(&self, sections: &[(SectionKind, &str)], summary: Option<&str>) -> Snippet {
        let mut norm = Normalized::default();
        let mut best: Option<Candidate<'_>> = None;
        for measures in [true, false] {
            for &(kind, text) in sections {
                if (kind == SectionKind::Measures) != measures {
                    continue;
                }
                let m = self.matches(text, &mut norm);
                if m.is_empty() {
                    continue;
                }
                let score = self.score(&m);
                if best.as_ref().is_none_or(|b| score > b.0) {
                    best = Some((score, text, m, kind));
                }
            }
            if best.is_some() {
                break;
            }
        }
        if best.is_none() {
            if let Some(summary) = summary {
                let m = self.matches(summary, &mut norm);
                if !m.is_empty() {
                    best = Some((0.0, summary, m, SectionKind::Summary));
                }
            }
        }
        match best {
            Some((_, text, m, section)) => Snippet {
                html: self.window(text, &m),
                section,
            },
            None => {
                // Matched through a field without visible text (a topic): show the remedy.
                let (text, section) = sections
                    .iter()
                    .find(|(k, _)| *k == SectionKind::Measures)
                    .map(|&(_, t)| (t, SectionKind::Measures))
                    .or_else(|| summary.map(|s| (s, SectionKind::Summary)))
                    .or_else(|| sections.first().map(|&(k, t)| (t, k)))
                    .unwrap_or(("", SectionKind::Summary));
                Snippet {
                    html: self.window(text, &[]),
                    section,
                }
            }
        }
    }

    /// Mark all matches in `text` without cutting it (for whole sections on a case page).
    pub fn mark(&self, text: &str) -> String {
        let mut norm = Normalized::default();
        let m = self.matches(text, &mut norm);
        render(text, 0, text.len(), &m, false, false)
    }

    /// Mark every match in the text of (sanitized) HTML with `<mark>`: tags, their attributes
    /// and character references are copied as they are.
    pub fn mark_html(&self, html: &str) -> String {
        if self.ac.is_none() {
            return html.to_string();
        }
        let mut out = String::with_capacity(html.len() + 64);
        let mut norm = Normalized::default();
        let mut rest = html;
        while !rest.is_empty() {
            let stop = rest.find(['<', '&']).unwrap_or(rest.len());
            let (text, after) = rest.split_at(stop);
            let mut last = 0;
            for (s, e, _) in self.matches(text, &mut norm) {
                out.push_str(&text[last..s]);
                out.push_str("<mark>");
                out.push_str(&text[s..e]);
                out.push_str("</mark>");
                last = e;
            }
            out.push_str(&text[last..]);
            let end = if after.starts_with('<') {
                tag_end(after)
            } else {
                // A character reference (`&amp;`), or a lone `&`.
                after
                    .find(';')
                    .filter(|&i| i <= 32 && !after[1..i].contains(['<', '&', ' ']))
                    .map_or(1.min(after.len()), |i| i + 1)
            };
            out.push_str(&after[..end]);
            rest = &after[end..];
        }
        out
    }

    /// Cut the best window of about [`SNIPPET_CHARS`] characters around the matches.
    fn window(&self, text: &str, m: &[(usize, usize, usize)]) -> String {
        let limit = SNIPPET_CHARS;
        // Byte offset of every char boundary, to count in characters.
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let chars = bounds.len() - 1;
        if chars <= limit {
            return render(text, 0, text.len(), m, false, false);
        }
        let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);
        // The window start (in chars) that covers the most weight.
        let mut best_start = 0;
        let mut best_score = -1.0;
        for (i, &(s, _, _)) in m.iter().enumerate() {
            let start_char = char_at(s);
            let end_byte = bounds[(start_char + limit).min(chars)];
            let inside: Vec<_> = m[i..]
                .iter()
                .copied()
                .take_while(|&(_, e, _)| e <= end_byte)
                .collect();
            let score = self.score(&inside);
            if score > best_score {
                best_score = score;
                best_start = start_char;
            }
        }
        // Back up to the start of the sentence, at most a quarter of the window.
        let mut start = best_start;
        let floor = best_start.saturating_sub(limit / 4);
        while start > floor {
            let prev = &text[bounds[start - 1]..bounds[start]];
            if matches!(prev, "。" | "！" | "？" | "；" | "\n" | "：") {
                break;
            }
            start -= 1;
        }
        if start == floor && floor > 0 {
            start = best_start.saturating_sub(8);
        }
        let end = (start + limit).min(chars);
        render(text, bounds[start], bounds[end], m, start > 0, end < chars)
    }
}

/// HTML-escape `text[from..to]` with `<em>` around matches inside it.
fn render(
    text: &str,
    from: usize,
    to: usize,
    m: &[(usize, usize, usize)],
    before: bool,
    after: bool,
) -> String {
    let mut out = String::with_capacity((to - from) * 2);
    if before {
        out.push('…');
    }
    let mut at = from;
    for &(s, e, _) in m {
        if s < at || e > to {
            continue;
        }
        escape_into(&mut out, &text[at..s]);
        out.push_str("<em>");
        escape_into(&mut out, &text[s..e]);
        out.push_str("</em>");
        at = e;
    }
    escape_into(&mut out, &text[at..to]);
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    if after {
        out.push('…');
    }
    out.replace('\n', " ")
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// The length of the tag `html` starts with, up to its `>` outside quoted attribute values.
fn tag_end(html: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in html.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    html.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_is_marked_and_tags_and_references_are_not() {
        let h = Highlighter::new(&[("电梯".to_string(), 1.0), ("amp".to_string(), 1.0)]);
        let html = "<p title=\"电梯 > 楼梯\">加装<strong>电梯</strong>，A&amp;B 加裝電梯</p>";
        assert_eq!(
            h.mark_html(html),
            "<p title=\"电梯 > 楼梯\">加装<strong><mark>电梯</mark></strong>，A&amp;B 加裝<mark>電梯</mark></p>"
        );
        assert_eq!(Highlighter::new(&[]).mark_html(html), html);
    }
    use crate::case::Section;

    fn case(sections: &[(SectionKind, &str)]) -> Case {
        Case {
            meta: crate::case::CaseMeta {
                id: "a".into(),
                title: "t".into(),
                summary: Some("摘要".into()),
                ..Default::default()
            },
            path: "a.md".into(),
            hash: String::new(),
            sections: sections
                .iter()
                .map(|(k, t)| Section {
                    heading: String::new(),
                    kind: *k,
                    markdown: t.to_string(),
                    text: t.to_string(),
                    line: 1,
                })
                .collect(),
        }
    }

    #[test]
    fn prefers_measures_and_marks_matches_inside_words() {
        let h = Highlighter::new(&[("电梯".into(), 2.0)]);
        let c = case(&[
            (SectionKind::Background, "老楼没有电梯，电梯是大家的心病。"),
            (
                SectionKind::Measures,
                "社区党委牵头推动加装电梯，先开协调会。",
            ),
        ]);
        let s = h.snippet(&c);
        assert_eq!(s.section, "measures");
        assert_eq!(s.html, "社区党委牵头推动加装<em>电梯</em>，先开协调会。");
    }

    #[test]
    fn falls_back_to_the_best_other_section_and_escapes_html() {
        let h = Highlighter::new(&[("12345".into(), 2.0)]);
        let c = case(&[
            (SectionKind::Measures, "建立台账。"),
            (SectionKind::Outcomes, "<b>１２３４５</b>诉求下降一半。"),
        ]);
        let s = h.snippet(&c);
        assert_eq!(s.section, "outcomes");
        assert_eq!(
            s.html,
            "&lt;b&gt;<em>１２３４５</em>&lt;/b&gt;诉求下降一半。"
        );
    }

    #[test]
    fn long_text_is_cut_around_the_matches() {
        let filler = "居民议事会每月召开一次。".repeat(20);
        let text = format!("{filler}楼道里电瓶车充电的问题最难办。{filler}");
        let h = Highlighter::new(&[("电瓶车".into(), 3.0), ("充电".into(), 2.0)]);
        let c = case(&[(SectionKind::Measures, &text)]);
        let s = h.snippet(&c);
        assert!(
            s.html.starts_with('…') && s.html.ends_with('…'),
            "{}",
            s.html
        );
        assert!(
            s.html.contains("<em>电瓶车</em><em>充电</em>"),
            "{}",
            s.html
        );
        assert!(s.html.chars().count() <= SNIPPET_CHARS + 40);
    }

    #[test]
    fn no_match_shows_the_start_of_measures() {
        let h = Highlighter::new(&[]);
        let c = case(&[(SectionKind::Measures, "先摸底，再议事。")]);
        assert_eq!(
            h.snippet(&c),
            Snippet {
                html: "先摸底，再议事。".into(),
                section: SectionKind::Measures
            }
        );
    }
}
