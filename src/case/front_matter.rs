//! Splitting a case file into YAML front matter and Markdown body, and reading the fields.
//!
//! The file must start with a `---` line (leading blank lines are tolerated); the front matter
//! ends at the next `---` (or `...`) line, as Hugo, Jekyll, Typora and Obsidian write it. Line
//! numbers are kept so that every error names the line of the field at fault.

use std::path::Path;

use serde_yaml_ng::Value;

use super::meta::{region_segments, CaseKind, CaseMeta, KNOWN_KEYS};
use super::{CaseError, CaseWarning};
use crate::topics::Topics;

/// A file split at its front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// 1-based line of the opening `---`.
    pub open_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// 1-based line where the body starts.
    pub body_line: usize,
}

fn is_fence(line: &str, closing: bool) -> bool {
    let l = line.trim_end();
    l == "---" || (closing && l == "...")
}

/// Split `text` (BOM removed, `\r\n` already turned into `\n`) at its front matter.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, CaseError> {
    let mut offset = 0;
    let mut line_no = 0;
    let mut open: Option<(usize, usize)> = None; // (line, byte offset after the fence line)
    for line in text.split_inclusive('\n') {
        line_no += 1;
        let end = offset + line.len();
        match open {
            None if line.trim().is_empty() => {}
            None if is_fence(line, false) => open = Some((line_no, end)),
            None => {
                return Err(CaseError::NoFrontMatter {
                    path: path.to_path_buf(),
                })
            }
            Some((open_line, yaml_start)) if is_fence(line, true) => {
                return Ok(Split {
                    yaml: &text[yaml_start..offset],
                    open_line,
                    body: &text[end..],
                    body_line: line_no + 1,
                });
            }
            Some(_) => {}
        }
        offset = end;
    }
    match open {
        Some((line, _)) => Err(CaseError::UnclosedFrontMatter {
            path: path.to_path_buf(),
            line,
        }),
        None => Err(CaseError::NoFrontMatter {
            path: path.to_path_buf(),
        }),
    }
}

struct Ctx<'a> {
    path: &'a Path,
    split: &'a Split<'a>,
}

impl Ctx<'_> {
    /// The file line of `key:` in the front matter, or the opening fence when absent.
    fn key_line(&self, key: &str) -> usize {
        for (i, line) in self.split.yaml.lines().enumerate() {
            let l = line.trim_start_matches(['"', '\'']);
            if let Some(rest) = l.strip_prefix(key) {
                let rest = rest.trim_start_matches(['"', '\'']);
                if rest.trim_start().starts_with(':') {
                    return self.split.open_line + 1 + i;
                }
            }
        }
        self.split.open_line
    }

    /// The first line at or after `key:` that mentions `needle`.
    fn value_line(&self, key: &str, needle: &str) -> usize {
        let start = self.key_line(key);
        let skip = start.saturating_sub(self.split.open_line + 1);
        for (i, line) in self.split.yaml.lines().enumerate().skip(skip) {
            if line.contains(needle) {
                return self.split.open_line + 1 + i;
            }
        }
        start
    }

    fn invalid(&self, field: &'static str, message: impl Into<String>) -> CaseError {
        CaseError::InvalidField {
            path: self.path.to_path_buf(),
            line: self.key_line(field),
            field,
            message: message.into(),
        }
    }

    fn text(&self, field: &'static str, v: Option<&Value>) -> Result<Option<String>, CaseError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(self.invalid(field, "应为一段文字")),
        }
    }

    fn list(&self, field: &'static str, v: Option<&Value>) -> Result<Vec<String>, CaseError> {
        let items: Vec<String> = match v {
            None | Some(Value::Null) => Vec::new(),
            // `tags: 停车, 错时停车` is accepted as well as a YAML list.
            Some(Value::String(s)) => s
                .split([',', '，', '、', ';', '；'])
                .map(|t| t.trim().to_string())
                .collect(),
            Some(Value::Sequence(seq)) => {
                let mut out = Vec::with_capacity(seq.len());
                for item in seq {
                    match item {
                        Value::String(s) => out.push(s.trim().to_string()),
                        Value::Number(n) => out.push(n.to_string()),
                        _ => return Err(self.invalid(field, "列表里的每一项应为文字")),
                    }
                }
                out
            }
            Some(_) => return Err(self.invalid(field, "应为列表，例如 [停车管理, 议事协商]")),
        };
        let mut seen = Vec::with_capacity(items.len());
        for item in items {
            if !item.is_empty() && !seen.contains(&item) {
                seen.push(item);
            }
        }
        Ok(seen)
    }
}

/// Whether `id` has the allowed form: lowercase ASCII letters and digits in hyphen-separated
/// groups, at most 100 characters.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Parse and validate the front matter of `split`.
pub fn parse(
    path: &Path,
    split: &Split<'_>,
    topics: &Topics,
    warnings: &mut Vec<CaseWarning>,
) -> Result<CaseMeta, CaseError> {
    let ctx = Ctx { path, split };
    let value: Value = if split.yaml.trim().is_empty() {
        Value::Null
    } else {
        serde_yaml_ng::from_str(split.yaml).map_err(|e| CaseError::Yaml {
            path: path.to_path_buf(),
            line: split.open_line + e.location().map_or(1, |l| l.line()),
            message: e.to_string(),
        })?
    };
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => Default::default(),
        _ => {
            return Err(CaseError::Yaml {
                path: path.to_path_buf(),
                line: split.open_line + 1,
                message: "应为“字段: 值”形式的若干行".into(),
            })
        }
    };
    for key in map.keys() {
        let name = match key {
            Value::String(s) => s.clone(),
            other => serde_yaml_ng::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        if !KNOWN_KEYS.contains(&name.as_str()) {
            warnings.push(CaseWarning {
                path: path.to_path_buf(),
                line: ctx.key_line(&name),
                message: format!(
                    "未知字段 {name}（已忽略；可用字段：{}）",
                    KNOWN_KEYS.join("、")
                ),
            });
        }
    }
    let get = |k: &str| map.get(k);

    let id = ctx
        .text("id", get("id"))?
        .ok_or_else(|| CaseError::MissingField {
            path: path.to_path_buf(),
            line: split.open_line,
            field: "id",
        })?;
    if !valid_id(&id) {
        return Err(ctx.invalid(
            "id",
            format!("“{id}”只能由小写英文字母、数字和连字符组成，例如 parking-01-cuoshi"),
        ));
    }
    let title = ctx
        .text("title", get("title"))?
        .ok_or_else(|| CaseError::MissingField {
            path: path.to_path_buf(),
            line: split.open_line,
            field: "title",
        })?;

    let case_topics = ctx.list("topics", get("topics"))?;
    for t in &case_topics {
        if !topics.contains(t) {
            let hint = topics
                .suggest(t)
                .map(|s| format!("，是不是“{s}”？"))
                .unwrap_or_else(|| {
                    format!(
                        "（可用主题：{}）",
                        topics.names().collect::<Vec<_>>().join("、")
                    )
                });
            return Err(CaseError::UnknownTopic {
                path: path.to_path_buf(),
                line: ctx.value_line("topics", t),
                topic: t.clone(),
                hint,
            });
        }
    }

    let region = ctx
        .text("region", get("region"))?
        .map(|r| region_segments(&r).join("/"))
        .filter(|r| !r.is_empty());

    let year = match get("year") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(
            n.as_i64()
                .ok_or_else(|| ctx.invalid("year", "应为四位年份，如 2023"))?,
        ),
        Some(Value::String(s)) => Some(s.trim().trim_end_matches('年').parse::<i64>().map_err(
            |_| ctx.invalid("year", format!("“{s}”不是年份，应写成 2023 这样的四位数")),
        )?),
        Some(_) => return Err(ctx.invalid("year", "应为四位年份，如 2023")),
    };
    if let Some(y) = year {
        if !(1949..=2100).contains(&y) {
            return Err(ctx.invalid("year", format!("{y} 不在 1949–2100 之间")));
        }
    }

    let kind = match ctx.text("kind", get("kind"))?.as_deref() {
        None => None,
        Some("报道" | "report") => Some(CaseKind::Report),
        Some("示例" | "example") => Some(CaseKind::Example),
        Some(other) => {
            return Err(ctx.invalid(
                "kind",
                format!("“{other}”应为“报道”（据公开报道编写）或“示例”（示例案例）"),
            ))
        }
    };

    Ok(CaseMeta {
        id,
        title,
        topics: case_topics,
        region,
        community: ctx.text("community", get("community"))?,
        year,
        source: ctx.text("source", get("source"))?,
        source_url: ctx.text("source_url", get("source_url"))?,
        tags: ctx.list("tags", get("tags"))?,
        summary: ctx.text("summary", get("summary"))?,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn p() -> PathBuf {
        PathBuf::from("corpus/t.md")
    }

    #[test]
    fn splits_front_matter_and_body_with_lines() {
        let text = "---\nid: a-1\ntitle: 停车难\n---\n# 标题\n\n## 背景\n正文\n";
        let s = split(&p(), text).unwrap();
        assert_eq!(s.yaml, "id: a-1\ntitle: 停车难\n");
        assert_eq!(s.open_line, 1);
        assert_eq!(s.body_line, 5);
        assert!(s.body.starts_with("# 标题"));
    }

    #[test]
    fn leading_blank_lines_and_dots_fence_are_accepted() {
        let text = "\n\n---\nid: a\ntitle: t\n...\n正文";
        let s = split(&p(), text).unwrap();
        assert_eq!(s.open_line, 3);
        assert_eq!(s.body, "正文");
        assert_eq!(s.body_line, 7);
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_errors_with_lines() {
        let e = split(&p(), "# 没有 front matter\n").unwrap_err();
        assert!(matches!(e, CaseError::NoFrontMatter { .. }));
        assert_eq!(e.line(), Some(1));
        let e = split(&p(), "\n---\nid: a\ntitle: 停车\n\n## 背景\n").unwrap_err();
        assert!(
            matches!(e, CaseError::UnclosedFrontMatter { line: 2, .. }),
            "{e}"
        );
        assert!(e.to_string().starts_with("corpus/t.md:2:"), "{e}");
        assert!(matches!(
            split(&p(), "").unwrap_err(),
            CaseError::NoFrontMatter { .. }
        ));
    }

    fn parse_text(text: &str) -> (Result<CaseMeta, CaseError>, Vec<CaseWarning>) {
        let topics = Topics::builtin();
        let mut w = Vec::new();
        let s = split(&p(), text).unwrap();
        (parse(&p(), &s, &topics, &mut w), w)
    }

    #[test]
    fn reads_all_fields() {
        let (fm, w) = parse_text(
            "---\nid: parking-01\ntitle: 错时停车\ntopics: [停车管理, 议事协商]\nregion: 山东省 / 济南市\n\
             community: 泉润社区（虚构）\nyear: 2022\nkind: 示例\nsource: 编写组\ntags: 错时停车，共享车位\n\
             summary: 借单位大院停车。\n---\n",
        );
        let fm = fm.unwrap();
        assert!(w.is_empty());
        assert_eq!(fm.id, "parking-01");
        assert_eq!(fm.topics, vec!["停车管理", "议事协商"]);
        assert_eq!(fm.region.as_deref(), Some("山东省/济南市"));
        assert_eq!(fm.year, Some(2022));
        assert_eq!(fm.kind, Some(CaseKind::Example));
        assert_eq!(fm.tags, vec!["错时停车", "共享车位"]);
    }

    #[test]
    fn missing_id_or_title_names_the_field() {
        let (r, _) = parse_text("---\ntitle: 无编号\n---\n");
        let e = r.unwrap_err();
        assert!(
            matches!(
                e,
                CaseError::MissingField {
                    field: "id",
                    line: 1,
                    ..
                }
            ),
            "{e}"
        );
        let (r, _) = parse_text("---\nid: a-1\n---\n");
        assert!(matches!(
            r.unwrap_err(),
            CaseError::MissingField { field: "title", .. }
        ));
    }

    #[test]
    fn bad_values_point_at_their_line() {
        let (r, _) = parse_text("---\ntitle: t\nid: Parking_01\n---\n");
        let e = r.unwrap_err();
        assert!(
            matches!(
                e,
                CaseError::InvalidField {
                    field: "id",
                    line: 3,
                    ..
                }
            ),
            "{e}"
        );
        let (r, _) =
            parse_text("---\nid: a\ntitle: t\ntopics:\n  - 停车管理\n  - 停车位管理\n---\n");
        let e = r.unwrap_err();
        assert!(matches!(e, CaseError::UnknownTopic { line: 6, .. }), "{e}");
        assert!(
            e.to_string().contains("停车管理"),
            "suggests the nearest topic: {e}"
        );
        let (r, _) = parse_text("---\nid: a\ntitle: t\nyear: 去年\n---\n");
        assert!(matches!(
            r.unwrap_err(),
            CaseError::InvalidField {
                field: "year",
                line: 4,
                ..
            }
        ));
        let (r, _) = parse_text("---\nid: a\ntitle: t\nkind: 新闻\n---\n");
        assert!(matches!(
            r.unwrap_err(),
            CaseError::InvalidField { field: "kind", .. }
        ));
    }

    #[test]
    fn yaml_syntax_error_reports_file_line() {
        let (r, _) = parse_text("---\nid: a\ntitle: [未闭合\n---\n");
        let e = r.unwrap_err();
        assert!(matches!(e, CaseError::Yaml { .. }), "{e}");
        assert!(e.line().unwrap() >= 3, "{e}");
    }

    #[test]
    fn unknown_keys_are_warnings() {
        let (r, w) = parse_text("---\nid: a\ntitle: t\nauthor: 张三\n---\n");
        assert!(r.is_ok());
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 4);
        assert!(w[0].message.contains("author"));
    }

    #[test]
    fn id_rule() {
        assert!(valid_id("parking-01-cuoshi"));
        assert!(valid_id("a1"));
        for bad in [
            "", "-a", "a-", "a--b", "A", "停车", "a_b", "a b", "a/b", "../x",
        ] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
