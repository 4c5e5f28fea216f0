//! The page and an estimate of where paragraphs fall on it.
//!
//! The contents list's page numbers are `PAGEREF` fields, which Word and LibreOffice lay out
//! themselves; the number stored in each field is what a reader sees before that (Word until
//! it updates fields, viewers that never do). It comes from this estimate: CJK text is set
//! em by em, every line has an exact height, so counting characters gets close.

/// A4, in twips (1/20 pt).
pub const PAGE_WIDTH: u32 = 11906;
pub const PAGE_HEIGHT: u32 = 16838;
pub const MARGIN_TOP: i32 = 1418;
pub const MARGIN_BOTTOM: i32 = 1418;
pub const MARGIN_SIDE: i32 = 1304;
/// From the bottom edge to the footer's baseline area.
pub const FOOTER: i32 = 709;
/// The width of the text, in twips.
pub const TEXT_WIDTH: i32 = PAGE_WIDTH as i32 - 2 * MARGIN_SIDE;

/// Height of the text area, in points.
fn text_height() -> f32 {
    (PAGE_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM) as f32 / 20.0
}

/// How a paragraph takes up room, in points.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    /// Space before and after.
    pub before: f32,
    pub after: f32,
    /// Height of one line (exact line spacing).
    pub line: f32,
    /// Number of lines.
    pub lines: usize,
    /// Kept on the page of the paragraph that follows.
    pub keep_next: bool,
    /// Starts a new page.
    pub break_before: bool,
}

impl Metrics {
    /// A paragraph of `text` set in `size` pt on lines `line` pt high, indented by `indent` pt
    /// (left and right together) and its first line by `first` more.
    pub fn text(text: &str, size: f32, line: f32, indent: f32, first: f32) -> Metrics {
        Metrics {
            line,
            lines: lines(text, size, indent, first),
            ..Metrics::default()
        }
    }

    /// The same with space before and after.
    pub fn spaced(mut self, before: f32, after: f32) -> Metrics {
        self.before = before;
        self.after = after;
        self
    }

    /// The same, kept with the next paragraph.
    pub fn keep(mut self) -> Metrics {
        self.keep_next = true;
        self
    }

    fn first_lines(&self) -> f32 {
        self.before + self.line * self.lines.min(2) as f32
    }

    fn height(&self) -> f32 {
        self.before + self.line * self.lines as f32 + self.after
    }
}

/// Width of a character in ems: CJK and full-width forms are square, Latin about half.
fn em(c: char) -> f32 {
    match c {
        ' ' => 0.3,
        '\t' => 2.0,
        c if c.is_ascii() => 0.5,
        _ => 1.0,
    }
}

/// Lines `text` fills (each `\n` starts a line).
pub fn lines(text: &str, size: f32, indent: f32, first: f32) -> usize {
    let width = TEXT_WIDTH as f32 / 20.0 - indent;
    let per_line = (width / size).floor().max(1.0);
    text.split('\n')
        .enumerate()
        .map(|(i, part)| {
            let lead = if i == 0 { first / size } else { 0.0 };
            let ems: f32 = lead + part.chars().map(em).sum::<f32>();
            ((ems / per_line).ceil() as usize).max(1)
        })
        .sum()
}

/// Lays paragraphs onto pages, one after another.
#[derive(Debug, Clone)]
pub struct Pager {
    page: usize,
    used: f32,
}

impl Pager {
    /// Starting at the top of page `page`.
    pub fn new(page: usize) -> Pager {
        Pager { page, used: 0.0 }
    }

    /// The current page.
    pub fn page(&self) -> usize {
        self.page
    }

    fn new_page(&mut self) {
        self.page += 1;
        self.used = 0.0;
    }

    /// Place a paragraph (`next` is the one after it, for keeping together); returns the page
    /// its first line lands on.
    pub fn place(&mut self, m: &Metrics, next: Option<&Metrics>) -> usize {
        let page_height = text_height();
        if m.break_before && self.used > 0.0 {
            self.new_page();
        }
        // What must go on this page with the first line: the whole paragraph and the next
        // one's first lines when kept with it, else two lines (no orphan).
        let need = match next {
            Some(n) if m.keep_next => m.height() + n.first_lines(),
            _ => m.first_lines(),
        };
        if self.used > 0.0 && self.used + need > page_height {
            self.new_page();
        }
        let start = self.page;
        if self.used > 0.0 {
            self.used += m.before;
        }
        let mut left = m.lines;
        while left > 0 {
            let fit = ((page_height - self.used) / m.line).floor().max(0.0) as usize;
            if fit >= left {
                self.used += m.line * left as f32;
                break;
            }
            // Two lines at least stay together on either side of a page break.
            let take = if left - fit < 2 {
                fit.saturating_sub(2 - (left - fit))
            } else {
                fit
            };
            if take >= 2 {
                left -= take;
            }
            self.new_page();
        }
        self.used += m.after;
        start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_ems() {
        // 464.9 pt of text at 12 pt: 38 characters a line.
        assert_eq!(lines(&"字".repeat(38), 12.0, 0.0, 0.0), 1);
        assert_eq!(lines(&"字".repeat(39), 12.0, 0.0, 0.0), 2);
        assert_eq!(lines(&"字".repeat(37), 12.0, 0.0, 24.0), 2);
        assert_eq!(lines(&"a".repeat(76), 12.0, 0.0, 0.0), 1);
        assert_eq!(lines("一\n二\n", 12.0, 0.0, 0.0), 3);
    }

    #[test]
    fn paragraphs_flow_onto_the_next_page() {
        let body = Metrics {
            line: 22.0,
            lines: 10,
            ..Metrics::default()
        };
        let mut p = Pager::new(1);
        // 700 pt a page, 31 lines of 22 pt: three paragraphs fit; one line is left, so the
        // fourth starts on the next page (no orphan).
        assert_eq!(p.place(&body, None), 1);
        assert_eq!(p.place(&body, None), 1);
        assert_eq!(p.place(&body, None), 1);
        assert_eq!(p.place(&body, None), 2);
        assert_eq!(p.page(), 2);
        // A long paragraph is split across pages.
        let long = Metrics {
            line: 22.0,
            lines: 40,
            ..Metrics::default()
        };
        assert_eq!(p.place(&long, None), 2);
        assert_eq!(p.page(), 3);
        // A heading kept with its paragraph moves to the next page rather than end one.
        let mut p = Pager::new(1);
        let filler = Metrics {
            line: 22.0,
            lines: 30,
            ..Metrics::default()
        };
        p.place(&filler, None);
        let heading = Metrics {
            line: 28.0,
            lines: 1,
            ..Metrics::default()
        }
        .keep();
        assert_eq!(p.place(&heading, Some(&body)), 2);
        // A page break starts a new page, but not twice at the top of one.
        let mut p = Pager::new(3);
        let mut broken = body;
        broken.break_before = true;
        assert_eq!(p.place(&broken, None), 3);
        assert_eq!(p.place(&broken, None), 4);
    }
}
