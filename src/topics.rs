//! The topic vocabulary, `schema/topics.toml`: the only topics a case may carry, with the
//! colloquial aliases that query expansion uses.

use serde::{Deserialize, Serialize};

use crate::analysis::normalize_str;
use crate::error::Error;
use crate::resources::{line_of_byte, ResourceFile};

/// One topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    /// The topic name as cases write it (`停车管理`).
    pub name: String,
    /// One line saying what it covers.
    #[serde(default)]
    pub description: String,
    /// What residents and secretaries call it (`停车难`, `车位`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    topic: Vec<Topic>,
}

/// The vocabulary.
#[derive(Debug, Clone, Default)]
pub struct Topics {
    list: Vec<Topic>,
    /// Normalized name or alias → indexes of the topics it names (built once: queries look
    /// words up here).
    by_word: std::collections::HashMap<String, Vec<usize>>,
}

impl Topics {
    /// Parse `topics.toml`.
    pub fn parse(file: &ResourceFile) -> Result<Topics, Error> {
        let parsed: File = toml::from_str(&file.text).map_err(|e| Error::Resource {
            path: file.path.clone(),
            line: e
                .span()
                .map_or(1, |s| line_of_byte(file.text.as_bytes(), s.start)),
            message: format!("主题词表格式错误：{}", e.message()),
        })?;
        let mut seen = std::collections::HashSet::new();
        for t in &parsed.topic {
            if t.name.trim().is_empty() || !seen.insert(t.name.clone()) {
                let at = file.text.find(&format!("\"{}\"", t.name)).unwrap_or(0);
                return Err(Error::Resource {
                    path: file.path.clone(),
                    line: line_of_byte(file.text.as_bytes(), at),
                    message: format!("主题名“{}”为空或重复", t.name),
                });
            }
        }
        let mut by_word: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, t) in parsed.topic.iter().enumerate() {
            for w in std::iter::once(&t.name).chain(&t.aliases) {
                let ids = by_word.entry(normalize_str(w.trim())).or_default();
                if !ids.contains(&i) {
                    ids.push(i);
                }
            }
        }
        Ok(Topics {
            list: parsed.topic,
            by_word,
        })
    }

    /// The vocabulary built into the binary.
    pub fn builtin() -> Topics {
        Topics::parse(&crate::resources::SchemaFiles::builtin().topics).unwrap_or_default()
    }

    /// All topics in file order.
    pub fn all(&self) -> &[Topic] {
        &self.list
    }

    /// Topic names in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|t| t.name.as_str())
    }

    /// Whether `name` is a topic.
    pub fn contains(&self, name: &str) -> bool {
        self.list.iter().any(|t| t.name == name)
    }

    /// The closest topic name to a wrong one (the one sharing most characters), if any shares
    /// at least two.
    pub fn suggest(&self, wrong: &str) -> Option<&str> {
        let score = |name: &str| name.chars().filter(|c| wrong.contains(*c)).count();
        self.list
            .iter()
            .map(|t| (score(&t.name), t.name.as_str()))
            .filter(|(s, _)| *s >= 2)
            .max_by_key(|(s, _)| *s)
            .map(|(_, n)| n)
    }

    /// Topics whose name or an alias equals `word` (normalized comparison).
    pub fn matching(&self, word: &str) -> impl Iterator<Item = &Topic> {
        self.by_word
            .get(&normalize_str(word))
            .into_iter()
            .flatten()
            .map(|&i| &self.list[i])
    }

    /// Names and aliases (normalized) of at least `min_chars` characters, with their topics.
    pub fn words(&self, min_chars: usize) -> impl Iterator<Item = (&str, &Topic)> {
        self.by_word
            .iter()
            .filter(move |(w, _)| w.chars().count() >= min_chars)
            .flat_map(move |(w, ids)| ids.iter().map(move |&i| (w.as_str(), &self.list[i])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_vocabulary_has_the_twenty_topics() {
        let t = Topics::builtin();
        assert_eq!(t.all().len(), 20);
        assert!(t.contains("停车管理"));
        assert!(t.contains("议事协商"));
        assert!(!t.contains("停车"));
        assert!(t
            .all()
            .iter()
            .all(|t| !t.description.is_empty() && !t.aliases.is_empty()));
    }

    #[test]
    fn suggests_and_matches_aliases() {
        let t = Topics::builtin();
        assert_eq!(t.suggest("停车位管理"), Some("停车管理"));
        assert_eq!(t.suggest("天气"), None);
        let m: Vec<_> = t.matching("电瓶车").map(|t| t.name.as_str()).collect();
        assert_eq!(m, vec!["电动车充电"]);
        let m: Vec<_> = t.matching("加梯").map(|t| t.name.as_str()).collect();
        assert_eq!(m, vec!["加装电梯"]);
    }

    #[test]
    fn bad_toml_reports_a_line() {
        let f = ResourceFile::inline("topics.toml", "[[topic]]\nname = \"a\"\naliases = [\n");
        let e = Topics::parse(&f).unwrap_err();
        assert!(matches!(e, Error::Resource { .. }), "{e}");
    }
}
