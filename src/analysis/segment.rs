//! Our jieba: the same segmentation as jieba-rs's `cut` — split into runs of Han/alphanumeric
//! characters, a DAG of dictionary words, the most probable route through it, and the HMM for
//! runs of single characters that form no word — over the prebuilt dictionary of [`super::dict`].
//!
//! The result is word for word what jieba-rs gives with the same dictionary (the test
//! `tests/segmentation_accuracy.rs` compares both on the SIGHAN text and the corpus); what
//! differs is the cost: no dictionary to build at start-up, a double-array step per character,
//! and the DAG kept so the caller can ask for the dictionary words inside a word without
//! looking them up again. The HMM step is a port of jieba-rs's ([`super::hmm`]).

use std::cell::RefCell;

use super::dict::{Base, Dictionary, Edge};
use super::hmm::{Hmm, HmmScratch};
use crate::error::Error;

/// jieba's `re_han_default`: CJK ideographs, ASCII letters and digits, and `+#&._%-`.
#[inline]
fn is_han_default(c: char) -> bool {
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        true
    } else if c.is_ascii() {
        c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '&' | '.' | '_' | '%' | '-')
    } else {
        matches!(c,
            '\u{3400}'..='\u{4DBF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{2A6DF}'
            | '\u{2A700}'..='\u{2B73F}'
            | '\u{2B740}'..='\u{2B81F}'
            | '\u{2B820}'..='\u{2CEAF}'
            | '\u{2CEB0}'..='\u{2EBEF}'
            | '\u{2F800}'..='\u{2FA1F}'
        )
    }
}

/// Route id of a step that is no dictionary word.
const NO_ID: u32 = u32::MAX;

/// One step of the best route: from a character to `end`, with the log-probability of the rest.
#[derive(Clone, Copy)]
struct Step {
    prob: f64,
    end: u32,
    /// Dictionary id of the word `..end`, or [`NO_ID`] for a character that is no word.
    id: u32,
}

/// Per-thread buffers, reused across calls.
#[derive(Default)]
struct Scratch {
    /// Byte offset (within the run) and value of each character of the run.
    chars: Vec<(u32, char)>,
    /// DAG edges: the dictionary words, grouped by start character.
    edges: Vec<Edge>,
    /// Where each character's edges start in `edges` (one more entry than characters).
    starts: Vec<u32>,
    route: Vec<Step>,
    hmm: HmmScratch,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A run of text cut: its characters, dictionary words and best route, for the pieces cut from
/// it and [`Piece::inner_words`].
pub(crate) struct Dag<'a> {
    chars: &'a [(u32, char)],
    edges: &'a [Edge],
    starts: &'a [u32],
    route: &'a [Step],
    /// The run itself, and its byte offset in the text.
    run: &'a str,
    offset: usize,
}

impl<'a> Dag<'a> {
    fn ends(&self, i: usize) -> &[Edge] {
        let (Some(&a), Some(&b)) = (self.starts.get(i), self.starts.get(i + 1)) else {
            return &[];
        };
        self.edges.get(a as usize..b as usize).unwrap_or(&[])
    }

    fn word_id(&self, from: usize, to: usize) -> Option<u32> {
        self.ends(from)
            .iter()
            .find(|e| e.end as usize == to)
            .map(|e| e.id)
    }

    fn byte(&self, i: usize) -> usize {
        self.offset
            + self
                .chars
                .get(i)
                .map_or(self.run.len(), |&(b, _)| b as usize)
    }

    /// The word of characters `x..y`; its id is known when it is the route's step from `x`.
    fn piece(&self, x: usize, y: usize) -> Piece<'_, 'a> {
        Piece {
            start: self.byte(x),
            end: self.byte(y),
            id: self
                .route
                .get(x)
                .filter(|s| s.id != NO_ID && s.end as usize == y)
                .map(|s| s.id),
            dag: Some((self, x, y)),
        }
    }
}

/// A word of the cut: its byte range in the text and, for a word from a Han run, the run's DAG.
pub(crate) struct Piece<'a, 'd> {
    pub start: usize,
    pub end: usize,
    /// The word's dictionary id, when the cut looked it up (not for HMM words, nor for
    /// punctuation and spaces).
    pub id: Option<u32>,
    dag: Option<(&'a Dag<'d>, usize, usize)>,
}

impl Piece<'_, '_> {
    /// Call `f(start, end, id)` (byte offsets, dictionary id) for each dictionary word of `len` characters inside
    /// this word, for `len` in `lens` (in that order), left to right — jieba's search-mode
    /// additions. Words longer than `max_chars` characters are skipped.
    pub(crate) fn inner_words(
        &self,
        lens: &[usize],
        max_chars: usize,
        mut f: impl FnMut(usize, usize, u32),
    ) {
        let Some((dag, x, y)) = self.dag else { return };
        let n = y - x;
        if n > max_chars {
            return;
        }
        for &len in lens {
            if n <= len {
                break;
            }
            for i in x..=y - len {
                if let Some(id) = dag.word_id(i, i + len) {
                    f(dag.byte(i), dag.byte(i + len), id);
                }
            }
        }
    }
}

/// jieba's segmentation over the prebuilt dictionary.
pub(crate) struct Segmenter {
    dict: Dictionary,
    hmm: &'static Hmm,
}

impl Segmenter {
    /// The default dictionary alone.
    pub(crate) fn new() -> Result<Segmenter, Error> {
        let base = Base::get().ok_or_else(|| {
            Error::Stored("the built-in segmentation dictionary is malformed".to_string())
        })?;
        let hmm = Hmm::get().ok_or_else(|| {
            Error::Stored("the built-in segmentation model (HMM) is malformed".to_string())
        })?;
        Ok(Segmenter {
            dict: Dictionary::new(base),
            hmm,
        })
    }

    /// The dictionary id of `word`, as [`Piece::id`] reports it.
    pub(crate) fn word_id(&self, word: &str) -> Option<u32> {
        self.dict.word_id(word)
    }

    /// How rare `word` is in general Chinese: `−ln` of its share of the dictionary's total
    /// frequency (`None` when it is not a dictionary word).
    pub(crate) fn rarity(&self, word: &str) -> Option<f64> {
        let freq = self.dict.freq(word, 0);
        (freq > 0).then(|| self.dict.log_total() - (freq as f64).ln())
    }

    /// Number of word ids (the default dictionary's and ours).
    pub(crate) fn word_count(&self) -> usize {
        self.dict.word_count()
    }

    /// Add a word, or change a word's frequency (jieba-rs's `add_word`).
    pub(crate) fn add_word(&mut self, word: &str, freq: u64) {
        self.dict.add_word(word, freq);
    }

    /// The smallest frequency that keeps `segment` whole (jieba-rs's `suggest_freq`).
    pub(crate) fn suggest_freq(&self, segment: &str) -> u64 {
        let log_total = self.dict.log_total();
        let mut log_freq = 0f64;
        self.cut(segment, false, |p| {
            let word = segment.get(p.start..p.end).unwrap_or("");
            log_freq += (self.dict.freq(word, 1) as f64).ln() - log_total;
        });
        ((log_freq + log_total).exp() as u64 + 1).max(self.dict.freq(segment, 1))
    }

    /// Cut `text` into words, in order, as jieba-rs's `cut(text, hmm)` does (whitespace and
    /// punctuation come out as words of their own; `\r\n` is one word).
    pub(crate) fn cut(&self, text: &str, hmm: bool, mut emit: impl FnMut(Piece<'_, '_>)) {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let scratch = &mut *scratch;
            let mut pos = 0;
            while pos < text.len() {
                let rest = &text[pos..];
                let mut iter = rest.char_indices();
                let Some((_, first)) = iter.next() else { break };
                let han = is_han_default(first);
                let mut end = rest.len();
                if han {
                    scratch.chars.clear();
                    scratch.chars.push((0, first));
                    for (i, c) in iter {
                        if !is_han_default(c) {
                            end = i;
                            break;
                        }
                        scratch.chars.push((i as u32, c));
                    }
                    let run = &rest[..end];
                    if hmm {
                        self.cut_run::<true>(run, pos, scratch, &mut emit);
                    } else {
                        self.cut_run::<false>(run, pos, scratch, &mut emit);
                    }
                } else {
                    for (i, c) in iter {
                        if is_han_default(c) {
                            end = i;
                            break;
                        }
                    }
                    // One word per character, `\r\n` as one.
                    let other = &rest[..end];
                    let mut chars = other.char_indices().peekable();
                    while let Some((i, c)) = chars.next() {
                        let mut to = i + c.len_utf8();
                        if c == '\r' && chars.next_if(|&(_, n)| n == '\n').is_some() {
                            to += 1;
                        }
                        emit(Piece {
                            start: pos + i,
                            end: pos + to,
                            id: None,
                            dag: None,
                        });
                    }
                }
                pos += end;
            }
            // Keep the buffers, unless one huge text grew them.
            if scratch.edges.capacity() > 1 << 20 {
                *scratch = Scratch::default();
            }
        });
    }

    /// Segment one run of Han/alphanumeric characters (`scratch.chars`) starting at byte
    /// `offset` of the text.
    fn cut_run<const HMM: bool>(
        &self,
        run: &str,
        offset: usize,
        scratch: &mut Scratch,
        emit: &mut impl FnMut(Piece<'_, '_>),
    ) {
        let Scratch {
            chars,
            edges,
            starts,
            route,
            hmm: hmm_scratch,
        } = scratch;
        let n = chars.len();
        // The DAG.
        self.dict.dag(chars, edges, starts);
        // The best route, from the end (jieba's `calc`).
        self.calc(n, edges, starts, route);
        let dag = Dag {
            chars,
            edges,
            starts,
            route,
            run,
            offset,
        };
        let mut x = 0;
        let mut left: Option<usize> = None;
        while x < n {
            let y = dag.route[x].end as usize;
            if y - x == 1 && (HMM || chars[x].1.is_ascii_alphanumeric()) {
                left.get_or_insert(x);
            } else {
                if let Some(start) = left.take() {
                    self.unjoined::<HMM>(&dag, start, x, hmm_scratch, emit);
                }
                emit(dag.piece(x, y));
            }
            x = y;
        }
        if let Some(start) = left {
            self.unjoined::<HMM>(&dag, start, n, hmm_scratch, emit);
        }
    }

    /// The run of single characters `x..y` the route left unjoined. Without the HMM it is a
    /// run of ASCII letters and digits and becomes one word. With it, as in jieba-rs: a run
    /// that is itself a dictionary word stays single characters (the route preferred them),
    /// and any other run is cut by the HMM.
    fn unjoined<const HMM: bool>(
        &self,
        dag: &Dag<'_>,
        x: usize,
        y: usize,
        hmm_scratch: &mut HmmScratch,
        emit: &mut impl FnMut(Piece<'_, '_>),
    ) {
        if !HMM || y - x == 1 {
            emit(dag.piece(x, y));
        } else if dag.word_id(x, y).is_some() {
            for i in x..y {
                emit(dag.piece(i, i + 1));
            }
        } else {
            // The HMM reports byte ranges of the run; words are contiguous, so each ends where
            // the next character index starts.
            let mut i = x;
            self.hmm
                .cut(dag.run, &dag.chars[x..y], hmm_scratch, |_, end| {
                    let from = i;
                    while i < y && (dag.chars[i].0 as usize) < end {
                        i += 1;
                    }
                    emit(dag.piece(from, i));
                });
        }
    }

    /// jieba's `calc`: the most probable route from every one of the run's `n` characters to
    /// its end; ties go to the longer word.
    fn calc(&self, n: usize, edges: &[Edge], starts: &[u32], route: &mut Vec<Step>) {
        route.clear();
        route.resize(
            n + 1,
            Step {
                prob: 0.0,
                end: n as u32,
                id: NO_ID,
            },
        );
        let log_total = self.dict.log_total();
        let single = 0.0 - log_total;
        for idx in (0..n).rev() {
            let from = starts[idx] as usize;
            let to = starts[idx + 1] as usize;
            let mut best: Option<Step> = None;
            for &Edge { end, id, ln_freq } in &edges[from..to] {
                let prob = ln_freq - log_total + route[end as usize].prob;
                match best {
                    Some(b) if !(prob > b.prob || (prob == b.prob && end > b.end)) => {}
                    _ => best = Some(Step { prob, end, id }),
                }
            }
            route[idx] = best.unwrap_or(Step {
                prob: single + route[idx + 1].prob,
                end: idx as u32 + 1,
                id: NO_ID,
            });
        }
    }
}
