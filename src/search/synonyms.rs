//! Query-time synonyms from `schema/synonyms.txt`.
//!
//! Each line is a group of words that mean the same thing to a secretary, separated by commas
//! (`电瓶车, 电动自行车, 电动车`): any member found in a query also searches the others. A line
//! `加梯 => 加装电梯, 装电梯` expands one way only (the left side to the right side). Lines
//! starting with `#` are comments. Read when the engine opens, so editing the file needs no
//! reindex.

use std::collections::HashMap;

use crate::analysis::normalize_str;
use crate::error::Error;
use crate::resources::ResourceFile;

/// The synonym table.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// normalized word → the words it expands to (without itself).
    map: HashMap<String, Vec<String>>,
    /// Longest key, in characters (bounds the greedy match).
    longest: usize,
}

fn split_words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split([',', '，', '、', ';', '；'])
        .map(|w| normalize_str(w.trim()))
        .filter(|w| !w.is_empty())
}

impl Synonyms {
    /// Parse `synonyms.txt`.
    pub fn parse(file: &ResourceFile) -> Result<Synonyms, Error> {
        let mut s = Synonyms::default();
        for (line, entry) in file.entries() {
            if let Some((left, right)) = entry.split_once("=>") {
                let from: Vec<String> = split_words(left).collect();
                let to: Vec<String> = split_words(right).collect();
                if from.is_empty() || to.is_empty() {
                    return Err(Error::Resource {
                        path: file.path.clone(),
                        line,
                        message: "“=>”两边都要有词，例如：加梯 => 加装电梯".into(),
                    });
                }
                for f in &from {
                    s.add(f, to.iter());
                }
            } else {
                let group: Vec<String> = split_words(entry).collect();
                if group.len() < 2 {
                    return Err(Error::Resource {
                        path: file.path.clone(),
                        line,
                        message: "一组同义词至少要有两个词，用逗号隔开，例如：电瓶车, 电动自行车"
                            .into(),
                    });
                }
                for w in &group {
                    s.add(w, group.iter());
                }
            }
        }
        Ok(s)
    }

    fn add<'a>(&mut self, word: &str, others: impl Iterator<Item = &'a String>) {
        let entry = self.map.entry(word.to_string()).or_default();
        for o in others {
            if o != word && !entry.contains(o) {
                entry.push(o.clone());
            }
        }
        self.longest = self.longest.max(word.chars().count());
    }

    /// What `word` (normalized) expands to; empty when it has no synonyms.
    pub fn expand(&self, word: &str) -> &[String] {
        self.map.get(word).map_or(&[], Vec::as_slice)
    }

    /// Longest word in the table, in characters.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// Number of words with expansions.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_expand_both_ways_and_arrows_one_way() {
        let f = ResourceFile::inline(
            "synonyms.txt",
            "# 注释\n电瓶车, 电动自行车，电动车\n\n加梯 => 加装电梯、装电梯\n",
        );
        let s = Synonyms::parse(&f).unwrap();
        assert_eq!(s.expand("电瓶车"), ["电动自行车", "电动车"]);
        assert_eq!(s.expand("电动自行车"), ["电瓶车", "电动车"]);
        assert_eq!(s.expand("加梯"), ["加装电梯", "装电梯"]);
        assert!(s.expand("加装电梯").is_empty());
        assert!(s.expand("停车").is_empty());
        assert_eq!(s.longest(), 5);
    }

    #[test]
    fn a_lone_word_is_an_error_with_its_line() {
        let f = ResourceFile::inline("synonyms.txt", "电瓶车, 电动车\n停车难\n");
        match Synonyms::parse(&f).unwrap_err() {
            Error::Resource { line, .. } => assert_eq!(line, 2),
            e => panic!("{e}"),
        }
    }

    #[test]
    fn builtin_file_parses() {
        let s = Synonyms::parse(&crate::resources::SchemaFiles::builtin().synonyms).unwrap();
        assert!(s.expand("电瓶车").iter().any(|w| w == "电动自行车"));
        assert!(s.expand("加梯").iter().any(|w| w == "加装电梯"));
    }
}
