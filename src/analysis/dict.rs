//! The segmentation dictionary: jieba's default dictionary, prebuilt at compile time into a
//! character-level double-array trie (see `build.rs`) and read in place from the executable, plus
//! the words of `schema/dict.txt` layered on top when the analyzer loads.
//!
//! Nothing of the 349,045-word default dictionary is parsed or inserted at run time; loading
//! copies one table (`ln` of each word's frequency, 2.8 MB) so our words can change it, and
//! builds a small hash trie of the words the default dictionary lacks.

use rustc_hash::FxHashMap;

use super::format::{filter_bit, pad8, CODE_TABLE_LEN, HEADER_BYTES, MAGIC};

/// Word id meaning "no word ends here".
const NO_WORD: u32 = u32::MAX;

/// The prebuilt file, aligned so its tables can be read as `u16`/`u32`/`f64` slices in place.
#[repr(C, align(8))]
pub(super) struct Aligned<B: ?Sized>(pub(super) B);

static PREBUILT: &Aligned<[u8]> =
    &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/jieba.dict")));

/// The prebuilt default dictionary, borrowed from the executable image.
pub(crate) struct Base {
    /// Code of each BMP character (0: in no word).
    codes: &'static [u16],
    /// `base`, `check`, `word id + 1`, and the filter of the children's codes, per unit.
    units: &'static [[u32; 4]],
    freqs: &'static [u32],
    ln_freqs: &'static [f64],
    total: u64,
}

impl Base {
    /// The prebuilt dictionary; `None` only if the build produced a malformed file.
    pub(crate) fn get() -> Option<&'static Base> {
        static BASE: std::sync::OnceLock<Option<Base>> = std::sync::OnceLock::new();
        BASE.get_or_init(|| Base::parse(&PREBUILT.0)).as_ref()
    }

    fn parse(bytes: &'static [u8]) -> Option<Base> {
        if bytes.get(..MAGIC.len())? != MAGIC {
            return None;
        }
        let header: &[u64] =
            bytemuck::try_cast_slice(bytes.get(MAGIC.len()..HEADER_BYTES)?).ok()?;
        let [words, units, total, _chars] = <[u64; 4]>::try_from(header).ok()?;
        let (words, units) = (usize::try_from(words).ok()?, usize::try_from(units).ok()?);
        let mut at = HEADER_BYTES;
        let mut take = |len: usize| {
            let s = bytes.get(at..at + len);
            at = pad8(at + len);
            s
        };
        let codes = bytemuck::try_cast_slice(take(2 * CODE_TABLE_LEN)?).ok()?;
        let units = bytemuck::try_cast_slice(take(16 * units)?).ok()?;
        let freqs = bytemuck::try_cast_slice(take(4 * words)?).ok()?;
        let ln_freqs = bytemuck::try_cast_slice(take(8 * words)?).ok()?;
        Some(Base {
            codes,
            units,
            freqs,
            ln_freqs,
            total,
        })
    }

    /// Number of words.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.freqs.len()
    }

    /// The root unit.
    #[inline(always)]
    fn root(&self) -> (u32, [u32; 4]) {
        (0, self.units.first().copied().unwrap_or_default())
    }

    /// The code of `c` (0: in no word).
    #[inline(always)]
    fn code(&self, c: char) -> u32 {
        self.codes.get(c as usize).map_or(0, |&c| u32::from(c))
    }

    /// Where the child on `code` of the node with `unit` would be: its index, and that unit
    /// (a child only if its `check` names the parent).
    #[inline(always)]
    fn slot(&self, unit: &[u32; 4], code: u32) -> Option<(u32, &[u32; 4])> {
        let t = unit[0].wrapping_add(code);
        self.units.get(t as usize).map(|u| (t, u))
    }

    /// The child of `node` (whose unit is `unit`) on `c`, and the child's unit. The filter in
    /// the parent's unit turns most characters away before the child's unit is loaded.
    #[inline(always)]
    fn step(&self, (node, unit): (u32, [u32; 4]), c: char) -> Option<(u32, [u32; 4])> {
        let code = self.code(c);
        if code == 0 || unit[3] & filter_bit(code) == 0 {
            return None;
        }
        let (t, child) = self.slot(&unit, code)?;
        (child[1] == node).then_some((t, *child))
    }

    /// Ask the processor for the unit a walk from `c1` then `c2` reaches second: a walk is a
    /// chain of dependent loads, each usually a cache miss in the 15 MB array, so the DAG
    /// requests the second step of a position a few positions ahead. The first step's unit
    /// (a child of the root) is small and stays cached.
    #[inline(always)]
    fn prefetch(&self, c1: char, c2: char) {
        let (_, root) = self.root();
        if let Some((_, first)) = self.slot(&root, self.code(c1)) {
            if let Some((_, unit)) = self.slot(first, self.code(c2)) {
                prefetch(unit);
            }
        }
    }

    /// The id of the word ending at a unit.
    #[inline(always)]
    fn word_at(unit: &[u32; 4]) -> u32 {
        unit[2].wrapping_sub(1)
    }

    fn get_word(&self, word: &str) -> Option<u32> {
        let mut at = self.root();
        for c in word.chars() {
            at = self.step(at, c)?;
        }
        let id = Base::word_at(&at.1);
        (id != NO_WORD && !word.is_empty()).then_some(id)
    }
}

/// A small hash trie for the words the default dictionary lacks.
#[derive(Default)]
struct Overlay {
    children: FxHashMap<(u32, char), u32>,
    /// Word id ending at each node (`NO_WORD` for none); node 0 is the root.
    words: Vec<u32>,
    /// BMP characters that start an overlay word, as a bit set: most positions of a text skip
    /// the overlay after one bit test.
    first: Vec<u64>,
    /// Whether some overlay word starts outside the BMP.
    astral_first: bool,
}

impl Overlay {
    fn insert(&mut self, word: &str, id: u32) {
        if self.words.is_empty() {
            self.words.push(NO_WORD);
            self.first = vec![0; 0x1_0000 / 64];
        }
        let mut node = 0;
        for (i, c) in word.chars().enumerate() {
            if i == 0 {
                match self.first.get_mut(c as usize / 64) {
                    Some(bits) => *bits |= 1 << (c as usize % 64),
                    None => self.astral_first = true,
                }
            }
            let next = self.words.len() as u32;
            node = *self.children.entry((node, c)).or_insert_with(|| next);
            if node == next {
                self.words.push(NO_WORD);
            }
        }
        self.words[node as usize] = id;
    }

    #[inline(always)]
    fn may_start(&self, c: char) -> bool {
        match self.first.get(c as usize / 64) {
            Some(bits) => bits & (1 << (c as usize % 64)) != 0,
            None => self.astral_first,
        }
    }

    fn get_word(&self, word: &str) -> Option<u32> {
        let mut node = 0;
        for c in word.chars() {
            node = *self.children.get(&(node, c))?;
        }
        let id = *self.words.get(node as usize)?;
        (id != NO_WORD && node != 0).then_some(id)
    }
}

/// The dictionary a [`super::segment::Segmenter`] cuts with: the prebuilt default dictionary
/// and our own words, with jieba's frequency bookkeeping.
pub(crate) struct Dictionary {
    base: &'static Base,
    overlay: Overlay,
    /// `ln(freq)` per word id: the default dictionary's ids, then the overlay's.
    ln_freqs: Vec<f64>,
    /// Frequencies changed by [`Dictionary::add_word`], and the overlay's words.
    freqs: FxHashMap<u32, u64>,
    total: u64,
    log_total: f64,
}

impl Dictionary {
    /// The default dictionary alone.
    pub(crate) fn new(base: &'static Base) -> Dictionary {
        Dictionary {
            base,
            overlay: Overlay::default(),
            ln_freqs: base.ln_freqs.to_vec(),
            freqs: FxHashMap::default(),
            total: base.total,
            log_total: (base.total as f64).ln(),
        }
    }

    /// `ln` of the total frequency.
    #[inline]
    pub(crate) fn log_total(&self) -> f64 {
        self.log_total
    }

    /// `ln` of the frequency of word `id`.
    #[inline(always)]
    fn ln_freq(&self, id: u32) -> f64 {
        self.ln_freqs.get(id as usize).copied().unwrap_or(0.0)
    }

    /// Number of word ids.
    pub(crate) fn word_count(&self) -> usize {
        self.ln_freqs.len()
    }

    /// The id of `word`, if it is in the dictionary.
    pub(crate) fn word_id(&self, word: &str) -> Option<u32> {
        self.base
            .get_word(word)
            .or_else(|| self.overlay.get_word(word))
    }

    /// The frequency of `word`, or `default` when it is not a word.
    pub(crate) fn freq(&self, word: &str, default: u64) -> u64 {
        self.word_id(word).map_or(default, |id| self.freq_of(id))
    }

    fn freq_of(&self, id: u32) -> u64 {
        match self.freqs.get(&id) {
            Some(&f) => f,
            None => self
                .base
                .freqs
                .get(id as usize)
                .map_or(0, |&f| u64::from(f)),
        }
    }

    /// Add `word` with `freq`, or give an existing word that frequency, keeping the total as
    /// jieba-rs's `add_word` does.
    pub(crate) fn add_word(&mut self, word: &str, freq: u64) {
        if word.is_empty() {
            return;
        }
        match self.word_id(word) {
            Some(id) => {
                let old = self.freq_of(id);
                self.freqs.insert(id, freq);
                if let Some(ln) = self.ln_freqs.get_mut(id as usize) {
                    *ln = (freq as f64).ln();
                }
                self.total = self.total + freq - old;
            }
            None => {
                let id = self.ln_freqs.len() as u32;
                self.overlay.insert(word, id);
                self.ln_freqs.push((freq as f64).ln());
                self.freqs.insert(id, freq);
                self.total += freq;
            }
        }
        self.log_total = (self.total as f64).ln();
    }

    /// Build the DAG of a run: every dictionary word of `chars`, as an [`Edge`] in `edges`,
    /// grouped by start character (`starts[i]..starts[i + 1]` are the words starting at
    /// character `i`; `end` is the index of the character after the word). Within a start
    /// character the words come in no particular order (the route calculation needs none).
    pub(crate) fn dag(&self, chars: &[(u32, char)], edges: &mut Vec<Edge>, starts: &mut Vec<u32>) {
        edges.clear();
        starts.clear();
        let overlay = !self.overlay.words.is_empty();
        for (pos, &(_, first)) in chars.iter().enumerate() {
            if let Some(&[(_, c1), (_, c2)]) =
                chars.get(pos + PREFETCH_AHEAD..pos + PREFETCH_AHEAD + 2)
            {
                self.base.prefetch(c1, c2);
            }
            starts.push(edges.len() as u32);
            let mut at = self.base.root();
            let mut end = pos as u32;
            for &(_, c) in &chars[pos..] {
                let Some(next) = self.base.step(at, c) else {
                    break;
                };
                at = next;
                end += 1;
                let id = Base::word_at(&at.1);
                if id != NO_WORD {
                    edges.push(self.edge(end, id));
                }
            }
            if overlay && self.overlay.may_start(first) {
                let mut node = 0;
                let mut end = pos as u32;
                for &(_, c) in &chars[pos..] {
                    let Some(&next) = self.overlay.children.get(&(node, c)) else {
                        break;
                    };
                    node = next;
                    end += 1;
                    let id = self.overlay.words[node as usize];
                    if id != NO_WORD {
                        edges.push(self.edge(end, id));
                    }
                }
            }
        }
        starts.push(edges.len() as u32);
    }

    /// An edge to `end` for word `id`, with the word's `ln(freq)` read now: the load overlaps
    /// the walk's next step, and the route calculation then reads the edges in order.
    #[inline(always)]
    fn edge(&self, end: u32, id: u32) -> Edge {
        Edge {
            end,
            id,
            ln_freq: self.ln_freq(id),
        }
    }
}

/// A word of the DAG: the index of the character after it, its id and `ln` of its frequency.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    pub end: u32,
    pub id: u32,
    pub ln_freq: f64,
}

/// How many characters ahead the DAG walk prefetches.
const PREFETCH_AHEAD: usize = 4;

/// Hint the processor to bring `unit` into the cache.
#[inline(always)]
fn prefetch(unit: &[u32; 4]) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it reads nothing into the program and cannot fault,
    // and the pointer comes from a reference.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(unit).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = unit;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<(u32, char)> {
        s.char_indices().map(|(i, c)| (i as u32, c)).collect()
    }

    /// `words` written in the prebuilt format and read back in place (leaked: the reader
    /// borrows its tables for `'static`, as it does from the executable).
    fn written_and_read(words: &[(&str, u32)]) -> &'static Base {
        let bytes = super::super::format::dictionary(words);
        // The reader casts the tables in place, so the bytes must be 8-aligned.
        let mut aligned = vec![0u64; bytes.len().div_ceil(8)];
        bytemuck::cast_slice_mut::<u64, u8>(&mut aligned)[..bytes.len()].copy_from_slice(&bytes);
        let aligned: &'static [u64] = Box::leak(aligned.into_boxed_slice());
        let read = Base::parse(&bytemuck::cast_slice(aligned)[..bytes.len()]);
        Box::leak(Box::new(read.expect("the written dictionary parses")))
    }

    #[test]
    fn a_tiny_trie_round_trips_through_the_format() {
        let base = written_and_read(&[
            ("中", 5),
            ("中国", 3),
            ("国", 2),
            ("中国人", 1),
            ("人民", 4),
            ("中", 7),
        ]);
        // A word listed twice keeps its last frequency; both count towards the total.
        assert_eq!((base.len(), base.total), (5, 22));
        let d = Dictionary::new(base);
        for (w, f) in [
            ("中", 7),
            ("中国", 3),
            ("国", 2),
            ("中国人", 1),
            ("人民", 4),
        ] {
            assert!(d.word_id(w).is_some(), "{w}");
            assert_eq!(d.freq(w, 0), f, "{w}");
        }
        for w in ["", "人", "民", "国人", "中国人民", "x"] {
            assert!(d.word_id(w).is_none(), "{w}");
        }
        let text = chars("中国人民");
        let (mut edges, mut starts) = (Vec::new(), Vec::new());
        d.dag(&text, &mut edges, &mut starts);
        let from = |i: usize| -> Vec<u32> {
            let mut ends: Vec<u32> = edges[starts[i] as usize..starts[i + 1] as usize]
                .iter()
                .map(|e| e.end)
                .collect();
            ends.sort_unstable();
            ends
        };
        assert_eq!(
            (from(0), from(1), from(2), from(3)),
            (vec![1, 2, 3], vec![2], vec![4], vec![])
        );
        // Ids follow the sorted keys: the words starting with 中 are neighbours.
        let mut ids: Vec<u32> = ["中", "中国", "中国人"]
            .iter()
            .filter_map(|w| d.word_id(w))
            .collect();
        ids.sort_unstable();
        assert_eq!(ids[2] - ids[0], 2, "{ids:?}");
    }

    #[test]
    fn the_prebuilt_dictionary_is_jiebas() {
        let base = Base::get().expect("prebuilt dictionary parses");
        assert_eq!(base.len(), 349_045);
        let d = Dictionary::new(base);
        for w in [
            "小区",
            "电梯",
            "加装",
            "停车",
            "居委会",
            "物业管理",
            "4S店",
            "不",
        ] {
            assert!(d.word_id(w).is_some(), "{w}");
        }
        for w in ["", "停车难加梯", "丂丂丂", "小区小区"] {
            assert!(d.word_id(w).is_none(), "{w}");
        }
        assert_eq!(d.freq("1号店", 0), 3);
        assert_eq!(d.freq("停车难加梯", 7), 7);
    }

    #[test]
    fn the_dag_holds_the_words_of_both_tries_by_start() {
        let mut d = Dictionary::new(Base::get().expect("prebuilt"));
        d.add_word("老旧小区加装电梯", 50);
        d.add_word("老旧", 9);
        let text = chars("老旧小区加装电梯工作");
        let (mut edges, mut starts) = (Vec::new(), Vec::new());
        d.dag(&text, &mut edges, &mut starts);
        assert_eq!(starts.len(), text.len() + 1);
        let mut ends: Vec<u32> = edges[starts[0] as usize..starts[1] as usize]
            .iter()
            .map(|e| e.end)
            .collect();
        ends.sort_unstable();
        // 老旧 and 老旧小区加装电梯 are ours (the overlay); 老 is jieba's.
        assert_eq!(ends, vec![1, 2, 8]);
        // Every edge is a word of the text that starts where it is filed.
        for i in 0..text.len() {
            for e in &edges[starts[i] as usize..starts[i + 1] as usize] {
                let word: String = text[i..e.end as usize].iter().map(|&(_, c)| c).collect();
                assert_eq!(d.word_id(&word), Some(e.id), "{word}");
                assert_eq!(e.ln_freq, (d.freq(&word, 0) as f64).ln(), "{word}");
            }
        }
        assert!(ends.windows(2).all(|w| w[0] < w[1]), "{ends:?}");
        assert_eq!(d.freq("老旧", 0), 9);
        assert_eq!(d.freq("老旧小区加装电梯", 0), 50);
    }

    #[test]
    fn add_word_keeps_the_total() {
        let base = Base::get().expect("prebuilt");
        let mut d = Dictionary::new(base);
        let before = d.total;
        let old = d.freq("电梯", 0);
        d.add_word("电梯", old + 10);
        d.add_word("加梯专班", 5);
        assert_eq!(d.total, before + 15);
        assert!((d.log_total() - ((before + 15) as f64).ln()).abs() < 1e-12);
    }
}
