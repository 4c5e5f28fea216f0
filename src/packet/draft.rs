//! Saving what an editor typed without losing anyone's work: every text field (title,
//! audience, date, author, questions, each case's note) is sent with the fingerprint of the
//! text it was started from, and merged field by field.
//!
//! - a field left as it was started is not touched (someone else's change to it stays);
//! - a changed field whose stored text is still the one it started from is saved;
//! - a changed field that someone else changed meanwhile to something else is a [`Conflict`]:
//!   not saved, and handed back with both texts, so the page can show the other version and
//!   keep what was typed;
//! - a note for a case that is no longer in the packet is a conflict too (nothing is dropped).

use super::edit::clean_questions;
use super::{clean_line, clean_text, Packet};
use crate::error::Result;

/// A text field of a packet, as the editor names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    Title,
    Audience,
    Date,
    Author,
    /// The discussion questions, one a line.
    Questions,
    /// The note (教师按) on a case.
    Note(String),
}

impl Field {
    /// The form field name: `title`, `audience`, `date`, `author`, `questions`, `note:ID`.
    pub fn key(&self) -> String {
        match self {
            Field::Title => "title".into(),
            Field::Audience => "audience".into(),
            Field::Date => "date".into(),
            Field::Author => "author".into(),
            Field::Questions => "questions".into(),
            Field::Note(id) => format!("note:{id}"),
        }
    }

    /// The field a form name names.
    pub fn from_key(key: &str) -> Option<Field> {
        Some(match key {
            "title" => Field::Title,
            "audience" => Field::Audience,
            "date" => Field::Date,
            "author" => Field::Author,
            "questions" => Field::Questions,
            _ => Field::Note(key.strip_prefix("note:")?.to_string()),
        })
    }

    /// What the page calls it.
    pub fn label(&self) -> &'static str {
        match self {
            Field::Title => "讲义标题",
            Field::Audience => "培训对象",
            Field::Date => "日期",
            Field::Author => "编写人",
            Field::Questions => "讨论题",
            Field::Note(_) => "教师按",
        }
    }

    /// Typed text as it would be stored: one line for the cover fields, trimmed lines without
    /// empty ones for the questions.
    pub fn normalize(&self, text: &str) -> String {
        match self {
            Field::Title | Field::Audience | Field::Date | Field::Author => clean_line(text),
            Field::Questions => {
                let text = text.replace("\r\n", "\n");
                clean_questions(text.lines()).join("\n")
            }
            Field::Note(_) => clean_text(text),
        }
    }
}

/// A short fingerprint of a field's text, sent with the form and compared on saving.
pub fn fingerprint(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..12].to_string()
}

/// One field as the editor sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldEdit {
    pub field: Field,
    /// What was typed.
    pub text: String,
    /// The [`fingerprint`] of the text the editor started from; `None` saves over whatever is
    /// there.
    pub base: Option<String>,
}

/// A field that was not saved because someone else changed it meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub field: Field,
    /// What this editor typed (as it would be stored).
    pub yours: String,
    /// What is stored now; `None` when the case is no longer in the packet.
    pub theirs: Option<String>,
}

/// What a save did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Fields whose text changed.
    pub changed: Vec<Field>,
    /// Fields left alone because of a conflict.
    pub conflicts: Vec<Conflict>,
}

impl Packet {
    /// The stored text of a field (`None`: a note on a case the packet does not hold).
    pub fn text(&self, field: &Field) -> Option<String> {
        Some(match field {
            Field::Title => self.title.clone(),
            Field::Audience => self.audience.clone(),
            Field::Date => self.date.clone(),
            Field::Author => self.author.clone(),
            Field::Questions => self.questions.join("\n"),
            Field::Note(id) => self.cases.iter().find(|c| &c.id == id)?.note.clone(),
        })
    }

    fn set_text(&mut self, field: &Field, text: &str) -> Result<()> {
        match field {
            Field::Title => self.title = text.to_string(),
            Field::Audience => self.audience = text.to_string(),
            Field::Date => self.date = text.to_string(),
            Field::Author => self.author = text.to_string(),
            Field::Questions => {
                self.questions = text.lines().map(str::to_string).collect();
            }
            Field::Note(id) => self.set_note(id, text)?,
        }
        Ok(())
    }

    /// Merge what an editor typed, field by field (see the module documentation). Fails only
    /// when a text cannot be stored at all (too long, say), and then changes nothing that is
    /// saved: the store writes the packet only when this succeeds and it validates.
    pub fn apply_edits(&mut self, edits: &[FieldEdit]) -> Result<Applied> {
        let mut out = Applied::default();
        for e in edits {
            let yours = e.field.normalize(&e.text);
            let untouched = e.base.as_deref() == Some(fingerprint(&yours).as_str());
            let Some(current) = self.text(&e.field) else {
                if !untouched && !yours.is_empty() {
                    out.conflicts.push(Conflict {
                        field: e.field.clone(),
                        yours,
                        theirs: None,
                    });
                }
                continue;
            };
            if untouched || yours == current {
                continue;
            }
            match e.base.as_deref() {
                Some(base) if base != fingerprint(&current) => out.conflicts.push(Conflict {
                    field: e.field.clone(),
                    yours,
                    theirs: Some(current),
                }),
                _ => {
                    self.set_text(&e.field, &yours)?;
                    out.changed.push(e.field.clone());
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet() -> Packet {
        let mut p = Packet::new("加梯专题");
        p.add(&["a".to_string(), "b".to_string()], None).unwrap();
        p.set_note("a", "旧按语").unwrap();
        p.questions = vec!["第一题".into()];
        p
    }

    fn typed(field: Field, text: &str, started_from: &str) -> FieldEdit {
        FieldEdit {
            field,
            text: text.into(),
            base: Some(fingerprint(started_from)),
        }
    }

    #[test]
    fn keys_round_trip() {
        for f in [
            Field::Title,
            Field::Audience,
            Field::Date,
            Field::Author,
            Field::Questions,
            Field::Note("elevator-01".into()),
        ] {
            assert_eq!(Field::from_key(&f.key()), Some(f));
        }
        assert_eq!(Field::from_key("version"), None);
    }

    #[test]
    fn all_fields_are_saved_together() {
        let mut p = packet();
        let out = p
            .apply_edits(&[
                typed(Field::Note("a".into()), "按语三\r\n第二行 ", "旧按语"),
                typed(Field::Note("b".into()), "按语四", ""),
                typed(Field::Title, "新标题", "加梯专题"),
                typed(Field::Questions, "第一题\r\n\r\n 第二题 ", "第一题"),
            ])
            .unwrap();
        assert_eq!(out.changed.len(), 4, "{out:?}");
        assert!(out.conflicts.is_empty());
        assert_eq!(p.cases[0].note, "按语三\n第二行");
        assert_eq!(p.cases[1].note, "按语四");
        assert_eq!(p.title, "新标题");
        assert_eq!(p.questions, ["第一题", "第二题"]);
    }

    #[test]
    fn another_edit_meanwhile_is_kept_and_a_clash_is_reported() {
        let mut p = packet();
        // Someone else changed note a and the title after this editor opened the page.
        p.set_note("a", "别人的按语").unwrap();
        p.title = "别人的标题".into();
        let out = p
            .apply_edits(&[
                // Untouched here: their change stays.
                typed(Field::Title, "加梯专题", "加梯专题"),
                // Changed here too: a conflict, nothing overwritten.
                typed(Field::Note("a".into()), "我的按语", "旧按语"),
                // Changed here only: saved.
                typed(Field::Note("b".into()), "新按语", ""),
            ])
            .unwrap();
        assert_eq!(p.title, "别人的标题");
        assert_eq!(p.cases[0].note, "别人的按语");
        assert_eq!(p.cases[1].note, "新按语");
        assert_eq!(
            out.conflicts,
            [Conflict {
                field: Field::Note("a".into()),
                yours: "我的按语".into(),
                theirs: Some("别人的按语".into()),
            }]
        );
        // Saving again from the other version overwrites it, as the editor then decided.
        let out = p
            .apply_edits(&[typed(Field::Note("a".into()), "我的按语", "别人的按语")])
            .unwrap();
        assert!(out.conflicts.is_empty());
        assert_eq!(p.cases[0].note, "我的按语");
        // The same text typed on both sides is no conflict.
        let out = p
            .apply_edits(&[typed(Field::Note("a".into()), "我的按语", "旧的")])
            .unwrap();
        assert_eq!(out, Applied::default());
    }

    #[test]
    fn a_note_on_a_case_removed_meanwhile_is_handed_back() {
        let mut p = packet();
        p.remove("b").unwrap();
        let out = p
            .apply_edits(&[
                typed(Field::Note("b".into()), "写给 b 的", ""),
                typed(Field::Note("gone".into()), "", ""),
            ])
            .unwrap();
        assert_eq!(out.conflicts.len(), 1);
        assert_eq!(out.conflicts[0].theirs, None);
        assert_eq!(out.conflicts[0].yours, "写给 b 的");
    }

    #[test]
    fn without_a_base_the_text_is_saved() {
        let mut p = packet();
        let out = p
            .apply_edits(&[FieldEdit {
                field: Field::Author,
                text: "培训科".into(),
                base: None,
            }])
            .unwrap();
        assert_eq!(out.changed, [Field::Author]);
        assert_eq!(p.author, "培训科");
        // A note too long to store fails the save.
        assert!(p
            .apply_edits(&[FieldEdit {
                field: Field::Note("a".into()),
                text: "长".repeat(crate::packet::MAX_NOTE_CHARS + 1),
                base: None,
            }])
            .is_err());
    }
}
