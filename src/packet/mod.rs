//! Case packets (案例包): an instructor's ordered selection of cases for a training class, with
//! notes and discussion questions, kept as TOML files in `packets/` beside the corpus.
//!
//! The operations the CLI and the service share live here; they only parse their input and
//! show the result.
//! - this module: the [`Packet`] value, its names and its rules; `edit`: the edits
//!   instructors make to it (a removal can be undone: the case waits in `removed`);
//! - [`draft`]: saving everything an editor typed at once, merged field by field with what
//!   others saved meanwhile (conflicts handed back, never dropped);
//! - [`store`]: reading and writing packet files safely when several people edit at once;
//!   copying and renaming;
//! - [`create`]: starting a packet, optionally from a search (one set of rules);
//! - [`resolve`]: looking the case ids up in the index;
//! - [`format`] and [`handout`]: the Markdown, HTML and Word handouts.
//!
//! A packet names cases by id. A case that has left the corpus is kept in the packet and shown
//! as missing in every view and export (and `anli check` reports it), never dropped silently.

pub mod create;
pub mod draft;
mod edit;
pub mod format;
pub mod handout;
pub mod resolve;
pub mod store;

use serde::{Deserialize, Serialize};

use crate::case::front_matter::valid_id;
use crate::error::{Error, Result};

pub use create::{create, name_from_title, NewPacket, MAX_FROM_QUERY};
pub use draft::{fingerprint, Applied, Conflict, Field, FieldEdit};
pub use format::Format;
pub use handout::Edition;
pub use resolve::{require_cases, short, Entry, Resolved};
pub use store::{PacketStore, StoredPacket, Summary, MAX_PACKETS, MAX_PACKET_BYTES};

/// Longest packet name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest packet name, in bytes of UTF-8: 64 Chinese characters, and short enough that the
/// file and its temporary twin (`.NAME.toml.tmp`) stay within a file name's 255 bytes.
pub const MAX_NAME_BYTES: usize = 192;
/// Longest one-line field (title, audience, date, author), in characters.
pub const MAX_LINE_CHARS: usize = 200;
/// Most cases one packet may hold (a class reads a handful; this stops runaway scripts).
pub const MAX_CASES: usize = 200;
/// Longest note or question, in characters.
pub const MAX_NOTE_CHARS: usize = 5_000;
/// Most discussion questions.
pub const MAX_QUESTIONS: usize = 50;
/// Removed cases kept for undoing (the oldest are forgotten first).
pub const MAX_REMOVED: usize = 20;

/// A case packet, as stored in `packets/NAME.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Packet {
    /// Title printed on the cover, e.g. “老旧小区加装电梯专题”.
    pub title: String,
    /// Who the class is for, e.g. “新任社区书记培训班”.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub audience: String,
    /// Date of the class, as the instructor writes it (e.g. 2026-11-21).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    /// Who assembled it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// The search the packet was started from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Discussion questions, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
    /// The cases, in teaching order.
    #[serde(default)]
    pub cases: Vec<PacketCase>,
    /// Cases removed lately, the newest last, each with its note and place, so that a removal
    /// can be undone ([`Packet::restore`]). Not part of any handout.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedCase>,
}

/// A case taken out of a packet, kept so the removal can be undone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemovedCase {
    /// The case id.
    pub id: String,
    /// Its note when it was removed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Its 1-based place when it was removed.
    #[serde(default)]
    pub at: usize,
}

/// One case in a packet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacketCase {
    /// The case id.
    pub id: String,
    /// The instructor's note on this case (教师按), may be empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Check a packet name: 1–64 letters (Chinese included), digits, `-` or `_`, at most
/// [`MAX_NAME_BYTES`] bytes, not starting with `-`. Names become file names, so nothing else
/// (no dots, slashes or spaces) is allowed.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name.chars().count() <= MAX_NAME_CHARS
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::BadPacketName(name.chars().take(80).collect()))
    }
}

fn edit(message: impl Into<String>) -> Error {
    Error::PacketEdit(message.into())
}

/// Characters that reorder how text around them is shown (bidirectional embeddings,
/// overrides and isolates): they can make a line display as something it does not say.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What no stored text may hold: control characters (escape sequences a terminal would obey,
/// and characters Word documents cannot hold) other than line breaks and tabs, bidirectional
/// controls, and the non-characters U+FFFE/U+FFFF.
fn is_unwanted(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || is_bidi_control(c)
        || c == '\u{FFFE}'
        || c == '\u{FFFF}'
}

/// Text as an instructor typed it, made safe to store and print: CRLF becomes LF, and what
/// [`Packet::validate`] refuses in any text (other control characters, bidirectional controls)
/// is dropped; trimmed.
pub fn clean_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|&c| !is_unwanted(c))
        .collect::<String>()
        .trim()
        .to_string()
}

/// [`clean_text`] for a one-line field (title, audience, date, author, query): line breaks and
/// tabs become spaces.
pub fn clean_line(text: &str) -> String {
    clean_text(text)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect()
}

/// A one-line field holds no control character at all (no line break either).
fn check_line(what: &str, text: &str, max: usize) -> Result<()> {
    if text.chars().count() > max {
        return Err(edit(format!("{what}太长（最多 {max} 字）")));
    }
    if text.chars().any(|c| c.is_control() || is_unwanted(c)) {
        return Err(edit(format!(
            "{what}里有换行、制表符或其他控制字符，只能写一行文字"
        )));
    }
    Ok(())
}

/// A case id as the corpus writes them.
fn check_id(id: &str) -> Result<()> {
    if valid_id(id) {
        return Ok(());
    }
    Err(edit(format!(
        "案例编号“{}”格式不对（小写字母、数字和连字符）",
        id.chars().take(100).collect::<String>().escape_debug()
    )))
}

/// A note or question: line breaks and tabs are fine, other control characters are not.
fn check_text(what: &str, text: &str) -> Result<()> {
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(edit(format!("{what}太长（最多 {MAX_NOTE_CHARS} 字）")));
    }
    if text.chars().any(is_unwanted) {
        return Err(edit(format!(
            "{what}里有控制字符或改变文字方向的字符，请删掉后再保存"
        )));
    }
    Ok(())
}

/// A change to a packet's cover and questions, as the edit form and `PUT /api/packets/{name}`
/// send it; a field left out stays as it is. Text is cleaned as [`clean_text`] does (cover
/// fields on one line); empty questions are dropped.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverEdit {
    /// The version of the packet this edit was made from; with it, the edit is refused if
    /// someone changed the packet since (see [`PacketStore::update`]).
    pub version: Option<String>,
    pub title: Option<String>,
    pub audience: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    /// Replaces the list.
    pub questions: Option<Vec<String>>,
}

impl Packet {
    /// Check what a hand-edited or submitted packet holds: a title; one-line fields on one line
    /// and free of control characters; notes and questions free of control characters other
    /// than line breaks and tabs; valid, distinct case ids; sizes.
    pub fn validate(&self) -> Result<()> {
        if self.title.trim().is_empty() {
            return Err(edit("案例包需要一个标题"));
        }
        for (what, text) in [
            ("标题", &self.title),
            ("培训对象", &self.audience),
            ("日期", &self.date),
            ("编写人", &self.author),
        ] {
            check_line(what, text, MAX_LINE_CHARS)?;
        }
        if let Some(q) = &self.query {
            check_line("检索词", q, crate::search::MAX_QUERY_CHARS)?;
        }
        if self.cases.len() > MAX_CASES {
            return Err(edit(format!("一个案例包最多放 {MAX_CASES} 个案例")));
        }
        if self.questions.len() > MAX_QUESTIONS {
            return Err(edit(format!("讨论题最多 {MAX_QUESTIONS} 道")));
        }
        for q in &self.questions {
            check_text("讨论题", q)?;
        }
        for (i, c) in self.cases.iter().enumerate() {
            check_id(&c.id)?;
            check_text("教师按", &c.note)?;
            if self.cases[..i].iter().any(|d| d.id == c.id) {
                return Err(edit(format!("案例“{}”在案例包里出现了两次", c.id)));
            }
        }
        if self.removed.len() > MAX_REMOVED {
            return Err(edit(format!(
                "最近移除的案例最多记 {MAX_REMOVED} 个（removed）"
            )));
        }
        for r in &self.removed {
            check_id(&r.id)?;
            check_text("教师按", &r.note)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn names_are_safe_file_names() {
        for good in ["加装电梯专题", "parking-2026", "新任书记_第1期"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "../corpus",
            "a/b",
            ".hidden",
            "-rf",
            "停车 专题",
            "a.toml",
            "x\u{0}",
        ] {
            assert!(
                matches!(check_name(bad), Err(Error::BadPacketName(_))),
                "{bad:?}"
            );
        }
        assert!(check_name(&"长".repeat(65)).is_err());
        // Limited in bytes too: a file name has 255, the temporary twin needs ten more.
        assert!(check_name(&"长".repeat(64)).is_ok());
        assert!(matches!(
            check_name(&"𠀀".repeat(62)),
            Err(Error::BadPacketName(_))
        ));
        assert!(check_name(&"𠀀".repeat(48)).is_ok());
    }

    #[test]
    fn one_line_fields_hold_one_line_of_plain_text() {
        assert_eq!(
            clean_line(" 标题\r\n## 注入\t\u{1b}[31m红\u{202e}字 "),
            "标题 ## 注入 [31m红字"
        );
        assert_eq!(
            clean_text("第一行\r\n\u{2066}第二行\u{7}"),
            "第一行\n第二行"
        );
        let ok = Packet::new("标题");
        assert!(ok.validate().is_ok());
        for (field, bad) in [
            ("title", "标题\n## 注入"),
            ("title", "标题\t"),
            ("audience", "\u{1b}[2J书记"),
            ("author", "张\u{202e}三"),
            ("date", "2026\u{7f}"),
            ("query", "停车\n# x"),
        ] {
            let mut p = ok.clone();
            match field {
                "title" => p.title = bad.into(),
                "audience" => p.audience = bad.into(),
                "author" => p.author = bad.into(),
                "date" => p.date = bad.into(),
                _ => p.query = Some(bad.into()),
            }
            let err = p.validate().unwrap_err().to_string();
            assert!(err.contains("控制字符"), "{field} {bad:?}: {err}");
            assert!(!err.contains('\u{1b}'), "{err}");
        }
        let mut p = ok.clone();
        p.questions = vec!["第一行\n第二行\t缩进".into()];
        assert!(
            p.validate().is_ok(),
            "notes and questions may have line breaks"
        );
        p.questions = vec!["\u{1b}[2J".into()];
        assert!(p.validate().is_err());
        let mut p = ok;
        p.cases = vec![PacketCase {
            id: "\u{1b}[31m".into(),
            note: String::new(),
        }];
        let err = p.validate().unwrap_err().to_string();
        assert!(err.contains("格式不对") && !err.contains('\u{1b}'), "{err}");
    }

    #[test]
    fn validate_catches_hand_edits() {
        let mut p = Packet::new(" ");
        assert!(p.validate().is_err());
        p.title = "文明养宠".into();
        p.cases = vec![
            PacketCase {
                id: "a".into(),
                note: String::new(),
            },
            PacketCase {
                id: "a".into(),
                note: String::new(),
            },
        ];
        assert!(p.validate().unwrap_err().to_string().contains("两次"));
        p.cases.pop();
        assert!(p.validate().is_ok());
    }

    #[test]
    fn toml_round_trip_is_readable() {
        let mut p = Packet::new("老旧小区加装电梯专题");
        p.audience = "新任社区书记培训班".into();
        p.query = Some("加装电梯".into());
        p.questions = vec!["低层住户反对时，社区能做什么？".into()];
        p.add(&s(&["elevator-01", "elevator-02"]), None).unwrap();
        p.set_note("elevator-01", "重点看“一楼补偿”怎么谈。\n第二段可略读。")
            .unwrap();
        let text = toml::to_string(&p).unwrap();
        assert!(text.contains("title = \"老旧小区加装电梯专题\""), "{text}");
        assert!(text.contains("[[cases]]"), "{text}");
        let back: Packet = toml::from_str(&text).unwrap();
        assert_eq!(back, p);
    }
}
