//! The edits instructors make to a packet: adding, removing (undoably: a removed case and its
//! note wait in the packet's `removed` list until restored), moving, notes and the cover.

use super::{check_text, clean_line, clean_text, edit, CoverEdit, Packet, PacketCase, RemovedCase};
use super::{MAX_CASES, MAX_REMOVED};
use crate::error::Result;

impl Packet {
    /// A new packet with a title.
    pub fn new(title: impl Into<String>) -> Packet {
        Packet {
            title: title.into(),
            ..Packet::default()
        }
    }

    /// Ids of the cases, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.cases.iter().map(|c| c.id.as_str())
    }

    /// Whether the packet holds case `id`.
    pub fn contains(&self, id: &str) -> bool {
        self.cases.iter().any(|c| c.id == id)
    }

    pub(super) fn position(&self, id: &str) -> Result<usize> {
        self.cases
            .iter()
            .position(|c| c.id == id)
            .ok_or_else(|| edit(format!("案例包里没有编号为“{id}”的案例")))
    }

    /// Add cases at 1-based position `at` (at the end when `None`). Ids already in the packet
    /// stay where they are; a case removed earlier comes back with its note. Returns the ids
    /// actually added.
    pub fn add(&mut self, ids: &[String], at: Option<usize>) -> Result<Vec<String>> {
        let mut new: Vec<String> = Vec::new();
        for id in ids {
            if !self.contains(id) && !new.contains(id) {
                new.push(id.clone());
            }
        }
        if self.cases.len() + new.len() > MAX_CASES {
            return Err(edit(format!("一个案例包最多放 {MAX_CASES} 个案例")));
        }
        let at = match at {
            None => self.cases.len(),
            Some(p) if (1..=self.cases.len() + 1).contains(&p) => p - 1,
            Some(p) => {
                return Err(edit(format!(
                    "位置 {p} 超出范围（1–{}）",
                    self.cases.len() + 1
                )))
            }
        };
        let entries: Vec<PacketCase> = new
            .iter()
            .map(|id| PacketCase {
                id: id.clone(),
                note: self.take_removed(id).map(|r| r.note).unwrap_or_default(),
            })
            .collect();
        self.cases.splice(at..at, entries);
        Ok(new)
    }

    /// Take case `id` out of the removed list.
    fn take_removed(&mut self, id: &str) -> Option<RemovedCase> {
        let i = self.removed.iter().position(|r| r.id == id)?;
        Some(self.removed.remove(i))
    }

    /// Remove a case. It goes to the removed list with its note and place, so
    /// [`restore`](Self::restore) can bring it back (the list keeps the last
    /// [`MAX_REMOVED`]).
    pub fn remove(&mut self, id: &str) -> Result<()> {
        let i = self.position(id)?;
        let case = self.cases.remove(i);
        self.take_removed(id);
        self.removed.push(RemovedCase {
            id: case.id,
            note: case.note,
            at: i + 1,
        });
        if self.removed.len() > MAX_REMOVED {
            let extra = self.removed.len() - MAX_REMOVED;
            self.removed.drain(..extra);
        }
        Ok(())
    }

    /// Undo the removal of case `id`: it goes back to where it was (or the end), with its
    /// note. A case that is in the packet again keeps its place; its note comes back if it has
    /// none.
    pub fn restore(&mut self, id: &str) -> Result<()> {
        let Some(r) = self.take_removed(id) else {
            if self.contains(id) {
                return Ok(());
            }
            return Err(edit(format!(
                "最近移除的案例里没有“{id}”，无法恢复（可以重新加入）"
            )));
        };
        if let Some(c) = self.cases.iter_mut().find(|c| c.id == id) {
            if c.note.is_empty() {
                c.note = r.note;
            }
            return Ok(());
        }
        if self.cases.len() >= MAX_CASES {
            return Err(edit(format!("一个案例包最多放 {MAX_CASES} 个案例")));
        }
        let at = r.at.clamp(1, self.cases.len() + 1) - 1;
        self.cases.insert(
            at,
            PacketCase {
                id: r.id,
                note: r.note,
            },
        );
        Ok(())
    }

    /// Move a case to 1-based position `to`.
    pub fn move_to(&mut self, id: &str, to: usize) -> Result<()> {
        let i = self.position(id)?;
        if !(1..=self.cases.len()).contains(&to) {
            return Err(edit(format!(
                "位置 {to} 超出范围（1–{}）",
                self.cases.len()
            )));
        }
        let item = self.cases.remove(i);
        self.cases.insert(to - 1, item);
        Ok(())
    }

    /// Set (or, with empty text, clear) the instructor's note on a case.
    pub fn set_note(&mut self, id: &str, note: &str) -> Result<()> {
        let note = clean_text(note);
        check_text("教师按", &note)?;
        let i = self.position(id)?;
        self.cases[i].note = note;
        Ok(())
    }

    /// Move a case one place up (`delta` −1) or down (+1) from where it is now; at either end
    /// nothing changes. Used by the page's arrows, so a stale page cannot send a case far away.
    pub fn shift(&mut self, id: &str, delta: isize) -> Result<()> {
        let i = self.position(id)?;
        let to = i.saturating_add_signed(delta).min(self.cases.len() - 1);
        let item = self.cases.remove(i);
        self.cases.insert(to, item);
        Ok(())
    }

    /// Apply a cover edit (its `version` is the store's to check). Checked when saved.
    pub fn edit_cover(&mut self, edit: CoverEdit) {
        let set = |field: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *field = clean_line(&v);
            }
        };
        set(&mut self.title, edit.title);
        set(&mut self.audience, edit.audience);
        set(&mut self.date, edit.date);
        set(&mut self.author, edit.author);
        if let Some(qs) = edit.questions {
            self.questions = clean_questions(qs.iter().map(String::as_str));
        }
    }
}

/// Questions as typed: each cleaned, empty ones dropped.
pub(super) fn clean_questions<'a>(qs: impl Iterator<Item = &'a str>) -> Vec<String> {
    qs.map(clean_text).filter(|q| !q.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(p: &Packet) -> Vec<&str> {
        p.ids().collect()
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn add_keeps_order_and_skips_duplicates() {
        let mut p = Packet::new("加装电梯专题");
        assert_eq!(p.add(&s(&["a", "b", "a"]), None).unwrap(), s(&["a", "b"]));
        assert_eq!(p.add(&s(&["b", "c"]), Some(1)).unwrap(), s(&["c"]));
        assert_eq!(ids(&p), ["c", "a", "b"]);
        assert!(p.add(&s(&["d"]), Some(5)).is_err());
    }

    #[test]
    fn move_remove_and_note() {
        let mut p = Packet::new("停车难专题");
        p.add(&s(&["a", "b", "c"]), None).unwrap();
        p.move_to("c", 1).unwrap();
        assert_eq!(ids(&p), ["c", "a", "b"]);
        p.move_to("c", 3).unwrap();
        assert_eq!(ids(&p), ["a", "b", "c"]);
        assert!(p.move_to("a", 0).is_err());
        assert!(p.move_to("a", 4).is_err());
        p.set_note("b", "  先让学员读背景，再讨论错峰停车的协议怎么签。 ")
            .unwrap();
        assert_eq!(
            p.cases[1].note,
            "先让学员读背景，再讨论错峰停车的协议怎么签。"
        );
        p.shift("c", -1).unwrap();
        assert_eq!(ids(&p), ["a", "c", "b"]);
        p.shift("a", -1).unwrap();
        p.shift("b", 1).unwrap();
        assert_eq!(ids(&p), ["a", "c", "b"]);
        p.shift("c", 1).unwrap();
        p.remove("a").unwrap();
        assert_eq!(ids(&p), ["b", "c"]);
        p.set_note("b", "第一行\r\n第二行\u{0}\u{b}").unwrap();
        assert_eq!(p.cases[0].note, "第一行\n第二行");
        let err = p.remove("zz").unwrap_err().to_string();
        assert!(err.contains("zz"), "{err}");
        assert!(p
            .set_note("c", &"长".repeat(super::super::MAX_NOTE_CHARS + 1))
            .is_err());
    }

    #[test]
    fn a_removed_case_comes_back_with_its_note_and_place() {
        let mut p = Packet::new("加梯");
        p.add(&s(&["a", "b", "c"]), None).unwrap();
        p.set_note("b", "一楼的顾虑要先谈").unwrap();
        p.remove("b").unwrap();
        assert_eq!(ids(&p), ["a", "c"]);
        assert_eq!(p.removed[0].at, 2);
        p.restore("b").unwrap();
        assert_eq!(ids(&p), ["a", "b", "c"]);
        assert_eq!(p.cases[1].note, "一楼的顾虑要先谈");
        assert!(p.removed.is_empty());
        // Added again by id: the note comes back too.
        p.remove("b").unwrap();
        p.add(&s(&["b"]), None).unwrap();
        assert_eq!(ids(&p), ["a", "c", "b"]);
        assert_eq!(p.cases[2].note, "一楼的顾虑要先谈");
        // Restoring twice, or what was never removed.
        assert!(p.restore("b").is_ok());
        assert!(p.restore("zz").is_err());
        // The place is clamped when the packet got shorter.
        p.remove("b").unwrap();
        p.remove("c").unwrap();
        p.remove("a").unwrap();
        p.restore("b").unwrap();
        assert_eq!(ids(&p), ["b"]);
        // Only the last MAX_REMOVED are kept.
        let many: Vec<String> = (0..MAX_REMOVED + 5).map(|i| format!("x{i}")).collect();
        p.add(&many, None).unwrap();
        for id in &many {
            p.remove(id).unwrap();
        }
        assert_eq!(p.removed.len(), MAX_REMOVED);
        assert_eq!(p.removed.last().unwrap().id, many.last().unwrap().as_str());
        assert!(p.validate().is_ok());
    }
}
