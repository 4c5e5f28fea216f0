//! What an incremental run does: which documents to delete and which cases to (re)index, decided
//! from what the index holds and what the corpus holds now. Pure: no index, no files.

use std::collections::{HashMap, HashSet};

/// What the index holds: relative path → (id, content hash) of every live document.
pub type Indexed = HashMap<String, (String, String)>;

/// One case file as the corpus holds it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileState<'a> {
    /// Path relative to the corpus folder, `/`-separated.
    pub path: &'a str,
    /// The case id.
    pub id: &'a str,
    /// Content hash of the file.
    pub hash: &'a str,
}

/// The changes that bring the index up to date, and the counts the report shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Ids whose documents are deleted; deletes apply before the adds.
    pub delete: Vec<String>,
    /// Positions (in the `now` list) of the cases to index.
    pub add: Vec<usize>,
    /// New files.
    pub added: usize,
    /// Files whose content or id changed.
    pub updated: usize,
    /// Ids gone from the corpus.
    pub removed: usize,
    /// Files as they were.
    pub unchanged: usize,
    /// Indexed files that failed to parse this time: what was indexed from them stays.
    pub kept: usize,
}

impl Plan {
    /// Whether the index needs no write.
    pub fn is_empty(&self) -> bool {
        self.delete.is_empty() && self.add.is_empty()
    }
}

/// Compare the index (`indexed`) with the corpus (`now`, ids unique) where the files in `bad`
/// (relative paths) could not be read.
///
/// An id that moves to another file is deleted and added again; a file whose id changed deletes
/// both ids (another file may have held the new one).
pub fn plan(indexed: &Indexed, now: &[FileState<'_>], bad: &HashSet<String>) -> Plan {
    let mut p = Plan::default();
    for (i, file) in now.iter().enumerate() {
        match indexed.get(file.path) {
            Some((id, hash)) if id == file.id && hash == file.hash => p.unchanged += 1,
            Some((id, _)) => {
                p.delete.push(id.clone());
                if id != file.id {
                    p.delete.push(file.id.to_string());
                }
                p.add.push(i);
                p.updated += 1;
            }
            None => {
                // A new file; its id may have lived in another file before (a move).
                p.delete.push(file.id.to_string());
                p.add.push(i);
                p.added += 1;
            }
        }
    }
    let paths: HashSet<&str> = now.iter().map(|f| f.path).collect();
    let ids: HashSet<&str> = now.iter().map(|f| f.id).collect();
    for (path, (id, _)) in indexed {
        if paths.contains(path.as_str()) {
            continue;
        }
        if bad.contains(path) {
            p.kept += 1;
            continue;
        }
        // Gone, unless its id now lives in another file (handled by that file's add).
        p.delete.push(id.clone());
        if !ids.contains(id.as_str()) {
            p.removed += 1;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexed(files: &[(&str, &str, &str)]) -> Indexed {
        files
            .iter()
            .map(|&(p, id, h)| (p.to_string(), (id.to_string(), h.to_string())))
            .collect()
    }

    fn now<'a>(files: &[(&'a str, &'a str, &'a str)]) -> Vec<FileState<'a>> {
        files
            .iter()
            .map(|&(path, id, hash)| FileState { path, id, hash })
            .collect()
    }

    fn deletes(p: &Plan) -> Vec<&str> {
        let mut d: Vec<&str> = p.delete.iter().map(String::as_str).collect();
        d.sort_unstable();
        d
    }

    #[test]
    fn nothing_changed_plans_nothing() {
        let old = indexed(&[("a.md", "a", "1"), ("b.md", "b", "2")]);
        let p = plan(
            &old,
            &now(&[("a.md", "a", "1"), ("b.md", "b", "2")]),
            &HashSet::new(),
        );
        assert!(p.is_empty());
        assert_eq!(p.unchanged, 2);
    }

    #[test]
    fn new_changed_and_removed_files() {
        let old = indexed(&[("a.md", "a", "1"), ("b.md", "b", "2"), ("c.md", "c", "3")]);
        let files = now(&[("a.md", "a", "9"), ("b.md", "b", "2"), ("d.md", "d", "4")]);
        let p = plan(&old, &files, &HashSet::new());
        assert_eq!(p.add, [0, 2]);
        assert_eq!(deletes(&p), ["a", "c", "d"]);
        assert_eq!(
            (p.added, p.updated, p.removed, p.unchanged, p.kept),
            (1, 1, 1, 1, 0)
        );
    }

    #[test]
    fn an_id_changed_in_its_file_deletes_both_ids() {
        let old = indexed(&[("a.md", "old", "1")]);
        let p = plan(&old, &now(&[("a.md", "new", "2")]), &HashSet::new());
        assert_eq!(
            (p.add.as_slice(), deletes(&p)),
            (&[0][..], vec!["new", "old"])
        );
        assert_eq!((p.updated, p.removed), (1, 0));
    }

    #[test]
    fn a_moved_file_is_added_not_removed() {
        let old = indexed(&[("old/a.md", "a", "1")]);
        let p = plan(&old, &now(&[("new/a.md", "a", "1")]), &HashSet::new());
        assert_eq!(p.add, [0]);
        assert_eq!(deletes(&p), ["a", "a"]);
        assert_eq!((p.added, p.removed), (1, 0));
    }

    #[test]
    fn a_file_that_fails_to_parse_keeps_what_was_indexed() {
        let old = indexed(&[("a.md", "a", "1"), ("b.md", "b", "2")]);
        let bad = HashSet::from(["b.md".to_string()]);
        let p = plan(&old, &now(&[("a.md", "a", "1")]), &bad);
        assert!(p.is_empty());
        assert_eq!((p.kept, p.removed, p.unchanged), (1, 0, 1));
    }

    #[test]
    fn an_empty_index_adds_everything() {
        let files = now(&[("a.md", "a", "1"), ("b.md", "b", "2")]);
        let p = plan(&Indexed::new(), &files, &HashSet::new());
        assert_eq!((p.add.as_slice(), p.added), (&[0, 1][..], 2));
        assert_eq!(deletes(&p), ["a", "b"]);
    }
}
