//! A case section's Markdown as Word paragraphs: paragraphs, list items (numbered or bulleted,
//! as text), sub-headings, block quotes (indented), bold and italic runs. Raw HTML is dropped.

use docx_rs::{BreakType, Run};
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::parts::{body, heading, run, Block};
use crate::case::markdown;

#[derive(Default)]
struct State {
    out: Vec<Block>,
    /// The paragraph being built: its runs and its text.
    runs: Vec<Run>,
    text: String,
    open: bool,
    bold: usize,
    italic: usize,
    lists: Vec<Option<u64>>,
    quote: usize,
    heading: bool,
    code: bool,
    last: char,
}

impl State {
    fn text(&mut self, t: &str) {
        if let Some(c) = t.chars().last() {
            self.last = c;
        }
        let mut r = run(t);
        if self.bold > 0 {
            r = r.bold();
        }
        if self.italic > 0 {
            r = r.italic();
        }
        self.runs.push(r);
        self.text.push_str(t);
        self.open = true;
    }

    fn line_break(&mut self) {
        self.runs
            .push(Run::new().add_break(BreakType::TextWrapping));
        self.text.push('\n');
        self.open = true;
    }

    fn flush(&mut self) {
        if !self.open {
            return;
        }
        self.open = false;
        let runs = std::mem::take(&mut self.runs);
        let text = std::mem::take(&mut self.text);
        if self.heading {
            self.out.push(heading(2, text.trim(), None));
        } else {
            self.out
                .push(body(runs, &text, self.quote + self.lists.len()));
        }
    }
}

/// The blocks of a section's Markdown.
pub fn blocks(md: &str) -> Vec<Block> {
    let mut st = State::default();
    for ev in markdown::parse(md) {
        match ev {
            // A list item's first paragraph continues the item's own paragraph (its marker).
            Event::Start(Tag::Paragraph) if st.lists.is_empty() => st.flush(),
            Event::End(TagEnd::Paragraph) => st.flush(),
            Event::Start(Tag::Heading { level, .. }) => {
                st.flush();
                st.heading = level <= HeadingLevel::H6;
            }
            Event::End(TagEnd::Heading(_)) => {
                st.flush();
                st.heading = false;
            }
            Event::Start(Tag::BlockQuote(_)) => {
                st.flush();
                st.quote += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                st.flush();
                st.quote = st.quote.saturating_sub(1);
            }
            Event::Start(Tag::List(start)) => {
                st.flush();
                st.lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                st.flush();
                st.lists.pop();
            }
            Event::Start(Tag::Item) => {
                st.flush();
                let marker = match st.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_string(),
                };
                st.text(&marker);
            }
            Event::End(TagEnd::Item) => st.flush(),
            Event::Start(Tag::Strong) => st.bold += 1,
            Event::End(TagEnd::Strong) => st.bold = st.bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => st.italic += 1,
            Event::End(TagEnd::Emphasis) => st.italic = st.italic.saturating_sub(1),
            Event::End(TagEnd::TableCell) => st.text("\t"),
            Event::End(TagEnd::TableRow) | Event::End(TagEnd::TableHead) => st.flush(),
            Event::Start(Tag::CodeBlock(_)) => {
                st.flush();
                st.code = true;
            }
            Event::Text(t) if st.code => {
                for line in t.lines() {
                    st.text(line);
                    st.flush();
                }
            }
            Event::Text(t) | Event::Code(t) => st.text(&t),
            // A line break inside a paragraph: nothing between Chinese characters, a space
            // between English words.
            Event::SoftBreak if st.last.is_ascii_alphanumeric() => st.text(" "),
            Event::SoftBreak => {}
            Event::HardBreak => st.line_break(),
            Event::End(TagEnd::CodeBlock) => {
                st.flush();
                st.code = false;
            }
            _ => {}
        }
    }
    st.flush();
    st.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_paragraphs_with_list_markers() {
        let md = "社区党委先摸底，\n随后入户。Parking\nrules\u{1}.\n\n1. **入户**：走访 126 户。\n2. 开议事会。\n\n- 一楼补偿\n- 分摊\n\n> 居民原话：不想出钱。\n\n### 难点\n\n<script>x</script>";
        let bs = blocks(md);
        let texts: Vec<String> = bs.iter().map(|b| b.para.raw_text()).collect();
        assert_eq!(
            texts,
            [
                "社区党委先摸底，随后入户。Parking rules.",
                "1. 入户：走访 126 户。",
                "2. 开议事会。",
                "• 一楼补偿",
                "• 分摊",
                "居民原话：不想出钱。",
                "难点",
            ]
        );
        // The sub-heading is a Heading3 kept with what follows.
        let last = bs.last().unwrap();
        assert_eq!(
            last.para.property.style.as_ref().map(|s| s.val.as_str()),
            Some("Heading3")
        );
        assert!(last.m.keep_next);
    }
}
