//! jieba's hidden Markov model, for the runs of single characters the dictionary route leaves
//! unjoined (names, new words): Viterbi over the states Begin/End/Middle/Single with jieba's
//! model, prebuilt by `build.rs` from `data/jieba/hmm.model` into a table read in place.
//!
//! A port of jieba-rs 0.11's `hmm.rs` (MIT), decision for decision — the tie rules included — so
//! the cut stays word for word jieba-rs's.

use super::dict::Aligned;
use super::format::{HMM_HAN_MAX as HAN_MAX, HMM_HAN_MIN as HAN_MIN, MIN_FLOAT};

static PREBUILT: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/jieba.hmm")));

const BEGIN: u8 = 0;
const END: u8 = 1;
const MIDDLE: u8 = 2;
const SINGLE: u8 = 3;

/// The states each state may follow, in ascending order: on a tie the second wins.
const ALLOWED_PREV: [[u8; 2]; 4] = [
    [END, SINGLE],
    [BEGIN, MIDDLE],
    [BEGIN, MIDDLE],
    [END, SINGLE],
];

/// The model.
pub(crate) struct Hmm {
    start: [f64; 4],
    trans: [[f64; 4]; 4],
    /// Emission log-probabilities of each character from `HAN_MIN`.
    emit: &'static [[f64; 4]],
}

/// Buffers reused across runs.
#[derive(Default)]
pub(crate) struct HmmScratch {
    prev: Vec<u8>,
    path: Vec<u8>,
}

#[inline]
fn is_hmm_han(c: char) -> bool {
    (HAN_MIN..=HAN_MAX).contains(&(c as u32))
}

impl Hmm {
    /// The built-in model; `None` only if the build produced a malformed table.
    pub(crate) fn get() -> Option<&'static Hmm> {
        static HMM: std::sync::OnceLock<Option<Hmm>> = std::sync::OnceLock::new();
        HMM.get_or_init(|| Hmm::parse(&PREBUILT.0)).as_ref()
    }

    /// Read a table in the prebuilt format (see `format.rs`) in place.
    fn parse(bytes: &'static [u8]) -> Option<Hmm> {
        let all: &[[f64; 4]] = bytemuck::try_cast_slice(bytes).ok()?;
        let (head, emit) = all.split_at_checked(5)?;
        (emit.len() == (HAN_MAX - HAN_MIN + 1) as usize).then(|| Hmm {
            start: head[0],
            trans: [head[1], head[2], head[3], head[4]],
            emit,
        })
    }

    #[inline]
    fn emit(&self, c: char) -> [f64; 4] {
        self.emit
            .get((c as u32).wrapping_sub(HAN_MIN) as usize)
            .copied()
            .unwrap_or([MIN_FLOAT; 4])
    }

    /// Cut the characters `chars` of `text` (byte offsets into `text` and values) and call
    /// `word(start, end)` with the byte range of each word: runs of characters the model covers
    /// go through Viterbi; anything else is split as jieba's `re_skip` does (alphanumeric
    /// tokens such as `1.2.3` or `50%`, and the gaps between them).
    pub(crate) fn cut(
        &self,
        text: &str,
        chars: &[(u32, char)],
        scratch: &mut HmmScratch,
        mut word: impl FnMut(usize, usize),
    ) {
        let n = chars.len();
        let mut i = 0;
        while i < n {
            let matched = is_hmm_han(chars[i].1);
            let mut j = i + 1;
            while j < n && is_hmm_han(chars[j].1) == matched {
                j += 1;
            }
            let start = chars[i].0 as usize;
            let end = chars.get(j).map_or_else(
                || chars[j - 1].0 as usize + chars[j - 1].1.len_utf8(),
                |&(offset, _)| offset as usize,
            );
            if !matched {
                skip_split(text.as_bytes(), start, end, &mut word);
            } else if j - i > 1 {
                self.cut_states(&chars[i..j], end, scratch, &mut word);
            } else {
                word(start, end);
            }
            i = j;
        }
    }

    /// Viterbi over `chars` (at least two), then cut along the best states.
    fn cut_states(
        &self,
        chars: &[(u32, char)],
        run_end: usize,
        scratch: &mut HmmScratch,
        word: &mut impl FnMut(usize, usize),
    ) {
        self.viterbi(chars, scratch);
        let mut begin = chars[0].0 as usize;
        let mut next = begin;
        for (i, &(at, _)) in chars.iter().enumerate() {
            let at = at as usize;
            let end = || chars.get(i + 1).map_or(run_end, |&(o, _)| o as usize);
            match scratch.path[i] {
                BEGIN => begin = at,
                END => {
                    let e = end();
                    word(begin, e);
                    next = e;
                }
                SINGLE => {
                    let e = end();
                    word(at, e);
                    next = e;
                }
                _ => {}
            }
        }
        if next < run_end {
            word(next, run_end);
        }
    }

    /// Leave the most probable state of each of `chars` in `scratch.path`.
    fn viterbi(&self, chars: &[(u32, char)], scratch: &mut HmmScratch) {
        let c = chars.len();
        scratch.prev.clear();
        scratch.prev.resize(4 * c, BEGIN);
        scratch.path.clear();
        scratch.path.resize(c, BEGIN);
        let emit = self.emit(chars[0].1);
        let mut prev_v = [0.0; 4];
        for y in 0..4 {
            prev_v[y] = self.start[y] + emit[y];
        }
        for (t, &(_, ch)) in chars.iter().enumerate().skip(1) {
            let emit = self.emit(ch);
            let mut v = [0.0; 4];
            for y in 0..4 {
                let [y0, y1] = ALLOWED_PREV[y];
                let p0 = prev_v[y0 as usize] + self.trans[y0 as usize][y] + emit[y];
                let p1 = prev_v[y1 as usize] + self.trans[y1 as usize][y] + emit[y];
                let (p, state) = if p0 > p1 { (p0, y0) } else { (p1, y1) };
                v[y] = p;
                scratch.prev[4 * t + y] = state;
            }
            prev_v = v;
        }
        let mut state = if prev_v[END as usize] > prev_v[SINGLE as usize] {
            END
        } else {
            SINGLE
        };
        scratch.path[c - 1] = state;
        for t in (1..c).rev() {
            state = scratch.prev[4 * t + state as usize];
            scratch.path[t - 1] = state;
        }
    }
}

/// jieba's `re_skip` split of `bytes[from..to]`: alphanumeric tokens — a run, then any
/// `.`/`_`/`-` followed by another run, then an optional `%` — and the gaps between them, in
/// order, each reported as a word.
fn skip_split(bytes: &[u8], from: usize, to: usize, word: &mut impl FnMut(usize, usize)) {
    let bytes = &bytes[..to];
    let mut pos = from;
    while pos < to {
        let gap = pos;
        while pos < to && !bytes[pos].is_ascii_alphanumeric() {
            pos += 1;
        }
        if pos > gap {
            word(gap, pos);
        }
        if pos == to {
            break;
        }
        let start = pos;
        loop {
            while pos < to && bytes[pos].is_ascii_alphanumeric() {
                pos += 1;
            }
            if pos + 1 < to
                && matches!(bytes[pos], b'.' | b'_' | b'-')
                && bytes[pos + 1].is_ascii_alphanumeric()
            {
                pos += 1;
            } else {
                break;
            }
        }
        if pos < to && bytes[pos] == b'%' {
            pos += 1;
        }
        word(start, pos);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_round_trips_through_the_format() {
        let len = (HAN_MAX - HAN_MIN + 1) as usize;
        let mut emit = vec![[MIN_FLOAT; 4]; len];
        emit[0] = [-1.0, -2.0, -3.0, -4.0];
        let trans: [f64; 16] = std::array::from_fn(|i| -(i as f64));
        let bytes = super::super::format::hmm(&[-0.5, -1.5, -2.5, -3.5], &trans, &emit);
        let floats: Vec<f64> = bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
            .collect();
        let floats: &'static [f64] = Box::leak(floats.into_boxed_slice());
        let hmm = Hmm::parse(bytemuck::cast_slice(floats)).expect("the written table parses");
        assert_eq!(hmm.start, [-0.5, -1.5, -2.5, -3.5]);
        assert_eq!(hmm.trans[3], [-12.0, -13.0, -14.0, -15.0]);
        assert_eq!(hmm.emit('一'), [-1.0, -2.0, -3.0, -4.0]);
        assert_eq!(hmm.emit('丁'), [MIN_FLOAT; 4]);
        assert_eq!(hmm.emit('a'), [MIN_FLOAT; 4], "outside the range");
    }

    fn cut(text: &str) -> Vec<&str> {
        let chars: Vec<(u32, char)> = text.char_indices().map(|(i, c)| (i as u32, c)).collect();
        let mut out = Vec::new();
        let hmm = Hmm::get().expect("built-in HMM");
        hmm.cut(text, &chars, &mut HmmScratch::default(), |s, e| {
            out.push(&text[s..e])
        });
        out
    }

    #[test]
    fn cuts_as_jieba_rs_hmm_does() {
        // jieba-rs on an empty dictionary cuts a run with its HMM alone.
        let jieba = jieba_rs::Jieba::empty();
        for text in [
            "小明硕士毕业于中国科学院计算所",
            "龘龘龘",
            "龘龘龘龘龘",
            "欧阳娜娜来到张家口市崇礼区",
            "1.2.3",
            "v2-beta_3.",
            "50%满意度",
            "a.b-c_d%e",
            "鿖鿗丂丂",
        ] {
            let theirs: Vec<&str> = jieba.cut(text, true).iter().map(|t| t.word).collect();
            assert_eq!(cut(text), theirs, "{text}");
        }
        assert_eq!(
            cut("小明硕士毕业于中国科学院计算所"),
            vec!["小明", "硕士", "毕业于", "中国", "科学院", "计算", "所"]
        );
    }
}
